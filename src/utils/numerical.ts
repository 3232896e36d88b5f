// Keras's numerical utils (keras.utils.to_categorical, keras.utils.normalize), composed from ops:
// class labels to one-hot rows through ops.oneHot, and normalization along an axis through
// ops.normalize. Labels given as arrays are checked on the CPU before anything is uploaded.

import { formatShape, type TypedArray } from '../backend/types';
import { normalize as normalizeOp } from '../ops/linalg';
import { oneHot } from '../ops/creation';
import { cast } from '../ops/elementwise';
import { reshape } from '../ops/shape';
import { checkTensor } from '../ops/validate';
import { fromTypedArray, tensor } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import type { NestedArray, Tensor } from '../tensor/tensor';

/** Class labels: a Tensor, a typed array, nested arrays of numbers, or one number. */
export type Labels = Tensor | TypedArray | NestedArray;

/**
 * Class labels to one-hot rows (keras.utils.to_categorical): a float32 tensor of shape
 * `y.shape + [numClasses]`, a trailing axis of size 1 of `y` (rank >= 2) dropped first, so
 * `[n, 1]` labels give `[n, numClasses]`. Labels in arrays must be integers (floats such as 2.0
 * included) in [0, numClasses); `numClasses` defaults to the largest label + 1. A Tensor's labels
 * stay on the device and are not read back: `numClasses` is required, float labels are truncated
 * toward zero, and labels outside [0, numClasses) give rows of zeros, as `ops.oneHot`.
 *
 * @example
 * utils.toCategorical([0, 1, 2, 3], 4);           // the 4x4 identity
 * utils.toCategorical([[1], [0]]);                // [[0, 1], [1, 0]]
 * utils.toCategorical(labelTensor, 10);           // on the GPU
 */
export function toCategorical(y: Labels, numClasses?: number): Tensor {
  if (numClasses != null && (!Number.isInteger(numClasses) || numClasses <= 0)) {
    throw new Error(`toCategorical: \`numClasses\` must be a positive integer. Received: numClasses=${String(numClasses)}.`);
  }
  if (isTensor(y)) return tensorToCategorical(y, numClasses);
  const { shape, values } = flattenLabels(y);
  const where = (i: number) => `at flat index ${i} of labels of shape ${formatShape(shape)}`;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isInteger(values[i]) || values[i] < 0) throw new Error(`toCategorical: labels must be non-negative integers. Received: ${values[i]} ${where(i)}.`);
  }
  const classes = numClasses ?? inferClasses(values);
  const outside = Array.prototype.findIndex.call(values, (label: number) => label >= classes);
  if (outside !== -1) throw new Error(`toCategorical: labels must be less than numClasses=${classes}. Received: ${values[outside]} ${where(outside)}.`);
  return tidy(() => oneHot(fromTypedArray(Int32Array.from(values), squeezeLast(shape), 'int32'), classes));
}

/**
 * `x` divided by its `order`-norm along `axis` (keras.utils.normalize); vectors of norm 0 stay 0.
 * Same as `ops.normalize`, also taking arrays. `order` is an integer >= 1.
 *
 * @example
 * utils.normalize([[3, 4], [0, 0]]);   // [[0.6, 0.8], [0, 0]]
 */
export function normalize(x: Tensor | TypedArray | NestedArray, axis = -1, order = 2): Tensor {
  if (isTensor(x)) return normalizeOp(x, axis, order);
  return tidy(() => normalizeOp(tensor(x), axis, order));
}

function tensorToCategorical(y: Tensor, numClasses: number | undefined): Tensor {
  checkTensor('toCategorical', y);
  if (numClasses == null) {
    throw new Error(`toCategorical: \`numClasses\` is required for labels in a Tensor (shape ${formatShape(y.shape)}): its largest label would have to be read back from the device. Pass numClasses, or the labels as an array.`);
  }
  return tidy(() => {
    const labels = y.dtype === 'int32' ? y : cast(y, 'int32');
    return oneHot(reshape(labels, squeezeLast(y.shape)), numClasses);
  });
}

/** Keras's shrinking of a trailing axis of size 1, for rank >= 2. */
function squeezeLast(shape: readonly number[]): number[] {
  return shape.length > 1 && shape[shape.length - 1] === 1 ? shape.slice(0, -1) : [...shape];
}

function inferClasses(values: ArrayLike<number>): number {
  if (values.length === 0) throw new Error('toCategorical: cannot infer numClasses from no labels; pass numClasses.');
  let largest = 0;
  for (let i = 0; i < values.length; i++) largest = Math.max(largest, values[i]);
  return largest + 1;
}

/** The shape and the values of a number, typed array or rectangular nested arrays of numbers. */
function flattenLabels(y: TypedArray | NestedArray): { shape: number[]; values: ArrayLike<number> } {
  if (typeof y === 'number') return { shape: [], values: [y] };
  if (ArrayBuffer.isView(y)) return { shape: [y.length], values: y };
  if (!Array.isArray(y)) throw new Error(`toCategorical: expected labels as a Tensor, a typed array or nested arrays of numbers, got ${y === null ? 'null' : typeof y}.`);
  const shape: number[] = [];
  for (let level: unknown = y; Array.isArray(level); level = level[0]) shape.push(level.length);
  const values: number[] = [];
  const walk = (v: unknown, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (typeof v !== 'number') throw new Error(`toCategorical: expected a number at labels${path}, got ${Array.isArray(v) ? 'an array (the nesting is ragged)' : typeof v}.`);
      values.push(v);
    } else if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new Error(`toCategorical: ragged labels: expected ${shape[dim]} entries at labels${path} (shape ${formatShape(shape)}), got ${Array.isArray(v) ? v.length : typeof v}.`);
    } else {
      v.forEach((item, i) => walk(item, dim + 1, `${path}[${i}]`));
    }
  };
  walk(y, 0, '');
  return { shape, values };
}

function isTensor(x: unknown): x is Tensor {
  return x !== null && typeof x === 'object' && (x as Tensor).isTensorInstance === true;
}
