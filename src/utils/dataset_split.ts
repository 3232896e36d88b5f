// splitDataset (keras.utils.split_dataset): data in memory split along axis 0 into a left part and a
// right part (train / test), with Keras's rules for the sizes (fractions or counts, fractions
// rounded half to even as Python's round). Tensors are split on the device by gathering rows;
// arrays and typed arrays on the CPU. Datasets of batches are not split: that needs reading them whole.

import type { TypedArray } from '../backend/types';
import { fromTypedArray, type TensorValues } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import { Tensor } from '../tensor/tensor';
import { gather } from '../ops/shape';
import { checkOptionNames } from '../ops/validate';
import { isBatchSource } from '../models/batch_source';
import { seededPermutations } from './seeded_permutation';

const OP = 'splitDataset';

/** One array of samples along axis 0: a tensor, nested arrays or a typed array. */
export type SplittableArray = Tensor | TensorValues;

/** What splitDataset splits: one array of samples, a tuple of them ([x, y]), or a record of them ({ x, y }). */
export type SplittableDataset = SplittableArray | SplittableArray[] | { [name: string]: SplittableArray };

export interface SplitDatasetOptions {
  /** The left part's share: a fraction in (0, 1) or a count of samples (default: what rightSize leaves). */
  leftSize?: number | null;
  /** The right part's share: a fraction in (0, 1) or a count of samples (default: what leftSize leaves). */
  rightSize?: number | null;
  /** Whether to shuffle the samples before splitting (default false). */
  shuffle?: boolean;
  /** Integer seed of the shuffling order (default: drawn from the setRandomSeed sequence). */
  seed?: number;
}

const OPTION_NAMES = { leftSize: true, rightSize: true, shuffle: true, seed: true } as const;

/**
 * Splits data into a left part and a right part along axis 0 (keras.utils.split_dataset), each of
 * the same structure as `dataset`: a tensor, nested arrays, a typed array, a tuple of them
 * (`[x, y]`, split together; an array counts as a tuple when it holds a tensor or a typed array)
 * or a record of them. The left part is the first `leftSize` samples, the right part the last
 * `rightSize` (samples between them, when the sizes leave some, are in neither). A size is a
 * fraction in (0, 1), rounded half to even as in Keras, or a whole count; one of them is required,
 * and the other defaults to the rest. Shuffling uses this library's seeded generator, not Python's order.
 * Tensors in the result are new (gathered on the device); rows of nested arrays are shared.
 *
 * @example
 * const [train, test] = utils.splitDataset([x, y], { leftSize: 0.8 });   // x, y: tensors of 1000 rows
 * // train: [x's first 800 rows, y's first 800 rows]; test: the last 200 of each
 * const [left, right] = utils.splitDataset([[1], [2], [3], [4], [5]], { rightSize: 2 });   // [[1], [2], [3]] and [[4], [5]]
 */
export function splitDataset<D extends SplittableDataset>(dataset: D, options: SplitDatasetOptions): [D, D] {
  if (options === null || typeof options !== 'object') throw new Error(`${OP}: options with a \`leftSize\` or a \`rightSize\` are required. Received: ${String(options)}.`);
  checkOptionNames(OP, options, OPTION_NAMES);
  const { leftSize, rightSize, shuffle = false, seed } = options;
  const parts = datasetParts(dataset);
  const total = sharedLength(parts);
  if ((leftSize === undefined || leftSize === null) && (rightSize === undefined || rightSize === null)) {
    throw new Error(`${OP}: At least one of the \`leftSize\` or \`rightSize\` must be specified. Received: leftSize=${String(leftSize)} and rightSize=${String(rightSize)}`);
  }
  if (typeof shuffle !== 'boolean') throw new Error(`${OP}: \`shuffle\` must be a boolean. Received: shuffle=${String(shuffle)}`);
  const [left, right] = splitSizes(leftSize ?? null, rightSize ?? null, total);
  const order = shuffle ? seededPermutations(OP, seed)(total) : Int32Array.from({ length: total }, (_, i) => i);
  const leftRows = order.slice(0, left);
  const rightRows = order.slice(total - right);
  return [restore(dataset, parts, leftRows) as D, restore(dataset, parts, rightRows) as D];
}

/** The arrays of a dataset, by tuple position or record key (one, under '', for a single array). */
function datasetParts(dataset: SplittableDataset): Map<string, SplittableArray> {
  if (isBatchSource(dataset)) {
    throw new Error(
      `${OP}: \`dataset\` is a dataset of batches (an iterable); splitDataset splits data in memory (tensors, arrays, or a tuple or record of them). ` +
        'Split x and y before making batches of them.',
    );
  }
  if (isTuple(dataset)) {
    if (dataset.length === 0) throw new Error(`${OP}: Received an empty tuple dataset. Please provide a non-empty tuple of arrays.`);
    return new Map(dataset.map((part, i) => [String(i), checkArray(part, `dataset[${i}]`)]));
  }
  if (isRecord(dataset)) {
    const entries = Object.entries(dataset);
    if (entries.length === 0) throw new Error(`${OP}: Received an empty record dataset. Please provide a non-empty record of arrays.`);
    return new Map(entries.map(([key, part]) => [key, checkArray(part, `dataset['${key}']`)]));
  }
  return new Map([['', checkArray(dataset, 'dataset')]]);
}

/** An array holding a tensor or a typed array is a tuple of arrays; one of numbers and nested arrays is data. */
function isTuple(dataset: SplittableDataset): dataset is SplittableArray[] {
  return Array.isArray(dataset) && dataset.some((part) => part instanceof Tensor || isTypedArray(part));
}

function isRecord(dataset: SplittableDataset): dataset is { [name: string]: SplittableArray } {
  return typeof dataset === 'object' && dataset !== null && Object.getPrototypeOf(dataset) === Object.prototype;
}

function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

function checkArray(part: unknown, name: string): SplittableArray {
  if (part instanceof Tensor) {
    if (part.isDisposed) throw new Error(`${OP}: ${name} (shape [${part.shape.join(', ')}]) was disposed.`);
    if (part.rank === 0) throw new Error(`${OP}: ${name} is a scalar tensor; expected samples along axis 0.`);
    return part;
  }
  if (Array.isArray(part) || isTypedArray(part)) return part as SplittableArray;
  throw new Error(
    `${OP}: The \`dataset\` argument must be a tensor, nested arrays, a typed array, or a tuple or record of them. Received: ${name}=${part === null ? 'null' : typeof part}.`,
  );
}

function lengthOf(part: SplittableArray): number {
  return part instanceof Tensor ? part.shape[0] : (part as ArrayLike<unknown>).length;
}

/** The number of samples, shared by every part. */
function sharedLength(parts: Map<string, SplittableArray>): number {
  let expected: [string, number] | null = null;
  for (const [key, part] of parts) {
    const length = lengthOf(part);
    if (expected === null) expected = [key, length];
    else if (length !== expected[1]) {
      throw new Error(
        `${OP}: Received arrays with different lengths: ${partName(expected[0])} has ${expected[1]} samples but ${partName(key)} has ${length}. Please provide arrays of the same length.`,
      );
    }
  }
  if (!expected || expected[1] === 0) throw new Error(`${OP}: Received an empty dataset. Argument \`dataset\` must hold at least one sample.`);
  return expected[1];
}

function partName(key: string): string {
  if (key === '') return 'dataset';
  return /^\d+$/.test(key) ? `dataset[${key}]` : `dataset['${key}']`;
}

/**
 * Keras's _rescale_dataset_split_sizes: the sizes as counts. A whole number is a count, any other
 * number a fraction (Keras's int and float); a missing size is the rest of the other.
 */
function splitSizes(leftSize: number | null, rightSize: number | null, total: number): [number, number] {
  for (const [name, size] of [['leftSize', leftSize], ['rightSize', rightSize]] as const) {
    if (size !== null && typeof size !== 'number') throw new Error(`${OP}: Invalid \`${name}\` type. Expected: a number or undefined. Received: ${name}=${String(size)} of type ${typeof size}.`);
  }
  if (leftSize === 0 && rightSize === 0) throw new Error(`${OP}: Both \`leftSize\` and \`rightSize\` are zero. At least one of the split sizes must be non-zero.`);
  for (const [name, size] of [['leftSize', leftSize], ['rightSize', rightSize]] as const) {
    if (size === null) continue;
    const validCount = Number.isInteger(size) && size > 0 && size < total;
    const validFraction = !Number.isInteger(size) && Number.isFinite(size) && size > 0 && size < 1;
    if (!validCount && !validFraction) {
      throw new Error(`${OP}: \`${name}\` should be either a positive integer smaller than ${total}, or a float within the range \`[0, 1]\`. Received: ${name}=${size}`);
    }
  }
  const isFraction = (size: number | null) => size !== null && !Number.isInteger(size);
  if (isFraction(leftSize) && isFraction(rightSize) && leftSize! + rightSize! > 1) {
    throw new Error(`${OP}: The sum of \`leftSize\` and \`rightSize\` is greater than 1. It must be less than or equal to 1.`);
  }
  const count = (size: number | null) => (size === null ? null : isFraction(size) ? roundHalfToEven(size * total) : size);
  let left = count(leftSize);
  let right = count(rightSize);
  left ??= total - right!;
  right ??= total - left;
  if (left + right > total) {
    throw new Error(`${OP}: The sum of \`leftSize\` and \`rightSize\` should be smaller than the ${total} samples of the dataset. Received: leftSize + rightSize = ${left + right}.`);
  }
  for (const [split, side] of [[left, 'left'], [right, 'right']] as const) {
    if (split === 0) {
      throw new Error(`${OP}: With \`dataset\` of length=${total}, \`leftSize\`=${left} and \`rightSize\`=${right}, the resulting ${side} side dataset split will be empty. Adjust any of the aforementioned parameters.`);
    }
  }
  return [left, right];
}

/** Python's round: to the nearest integer, ties to the even one. */
function roundHalfToEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  if (rest !== 0.5) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}

/** `rows` of every part, in the dataset's structure. */
function restore(dataset: SplittableDataset, parts: Map<string, SplittableArray>, rows: Int32Array): SplittableDataset {
  const taken = new Map([...parts].map(([key, part]) => [key, takeRows(part, rows)]));
  if (isTuple(dataset)) return dataset.map((_, i) => taken.get(String(i))!);
  if (isRecord(dataset)) return Object.fromEntries(taken);
  return taken.get('')!;
}

function takeRows(part: SplittableArray, rows: Int32Array): SplittableArray {
  if (part instanceof Tensor) return tidy(() => gather(part, fromTypedArray(rows.slice(), [rows.length], 'int32'), 0));
  if (isTypedArray(part)) {
    const out = new (part.constructor as new (length: number) => TypedArray)(rows.length);
    rows.forEach((row, i) => (out[i] = part[row]));
    return out;
  }
  const array = part as readonly unknown[];
  return Array.from(rows, (row) => array[row]) as TensorValues;
}
