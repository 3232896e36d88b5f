// Datasets of batches for fit, evaluate and predict, as Keras takes a tf.data.Dataset or a
// generator: any iterable or async iterable (a generator, an async generator, an object whose
// [Symbol.iterator]() starts over) yielding [x, y] or [x, y, sampleWeight] (x alone for predict).
// BatchStream follows Keras's EpochIterator: without a step count, each epoch iterates the
// dataset anew until it ends; with one, training's iteration goes on across epochs and running out
// of data interrupts training (each evaluation starts a new iteration). The tensors a dataset makes while it is iterated are the step's, freed
// after it (as TF.js's fitDataset does); tensors made before the call stay the caller's.

import { nextTensorId, Tensor } from '../tensor/tensor';
import { classWeightsToSampleWeights, DataScope, sampleCount, toDataset, toStepDatasets, type DataInput } from './data';
import type { Model } from './model';

/** One element of a dataset: [x, y] or [x, y, sampleWeight] (Keras's tuple), or x alone for predict. */
export type Batch = DataInput | [DataInput] | [DataInput, DataInput] | [DataInput, DataInput, DataInput];

/** A dataset of batches: an iterable or async iterable (not an array: arrays are data). */
export type BatchSource = Iterable<Batch> | AsyncIterable<Batch>;

/** Whether `data` is a dataset of batches rather than data (tensors, arrays, typed arrays, records). */
export function isBatchSource(data: unknown): data is BatchSource {
  if (data === null || typeof data !== 'object' || data instanceof Tensor || Array.isArray(data) || ArrayBuffer.isView(data)) return false;
  const source = data as Partial<Record<symbol, unknown>>;
  return typeof source[Symbol.asyncIterator] === 'function' || typeof source[Symbol.iterator] === 'function';
}

/** A dataset iterated epoch after epoch, as Keras's EpochIterator. */
export class BatchStream {
  private iterator: Iterator<Batch> | AsyncIterator<Batch> | null = null;
  /** Tensors with an id from here on were made while the dataset was iterated. */
  private firstOwnedId = 0;
  /** Set when the dataset ended before `steps` batches (only with a step count). */
  ranOut = false;

  /**
   * `steps`: batches an epoch (Keras's steps_per_epoch, validation_steps, steps), or undefined for
   * every batch of the dataset. `carryOver`: an epoch with a step count goes on with the previous
   * epoch's iteration (training), else every epoch starts a new one (evaluation).
   */
  constructor(
    private readonly source: BatchSource,
    readonly steps: number | undefined,
    private readonly carryOver: boolean,
  ) {}

  /** Starts an epoch: a new iteration, unless a step count carries training's current one on. */
  beginEpoch(): void {
    this.ranOut = false;
    if (this.iterator && this.steps !== undefined && this.carryOver) return;
    this.firstOwnedId = nextTensorId();
    const source = this.source as Partial<AsyncIterable<Batch> & Iterable<Batch>>;
    this.iterator = source[Symbol.asyncIterator] ? source[Symbol.asyncIterator]!() : source[Symbol.iterator]!();
  }

  /** The epoch's next element, or undefined at its end (the step count reached, or the dataset ended). */
  async next(step: number): Promise<Batch | undefined> {
    if (this.steps !== undefined && step >= this.steps) return undefined;
    const result = this.iterator ? await this.iterator.next() : { done: true as const, value: undefined };
    if (!result.done) return result.value;
    this.iterator = null;
    if (this.steps !== undefined) this.ranOut = true;
    return undefined;
  }

  /** Whether the dataset made this tensor while being iterated (then the step frees it). */
  owns(t: Tensor): boolean {
    return t.id >= this.firstOwnedId;
  }
}

/** One element of a dataset as the step's tensors, with what to free after the step. */
export interface LoadedBatch {
  xs: Tensor[];
  ys: Tensor[];
  ws: Tensor[];
  size: number;
  release(): void;
}

/**
 * Unpacks and converts a dataset's element for `op` (checked as fit's data is: shapes, sample
 * counts, names of a record), turning classWeight into sample weights, for training, evaluation
 * or prediction (which takes x alone).
 */
export function loadBatch(op: string, model: Model, stream: BatchStream, element: Batch, step: number, use: 'train' | 'test' | 'predict', classWeight?: Record<number, number>): LoadedBatch {
  const [x, y, sampleWeight] = unpack(op, element, step);
  const yielded = new Set<Tensor>();
  collectTensors(element, yielded);
  const names = model.dataNames();
  const scope = new DataScope();
  const release = () => {
    scope.release();
    for (const t of yielded) if (stream.owns(t) && !t.isDisposed) t.dispose();
  };
  try {
    const disposed = [...yielded].find((t) => t.isDisposed);
    if (disposed) {
      throw new Error(
        `${op}: the dataset's batch ${step} holds a disposed tensor (shape [${disposed.shape.join(', ')}]). The tensors a dataset makes while it is iterated ` +
          `are freed after their step: make the tensors you yield more than once before calling ${op}.`,
      );
    }
    const role = `the dataset's batch ${step} `;
    // Without targets (x alone, or [x]), as fit(x) takes for a model whose losses need none.
    if (use !== 'predict' && y === undefined) model.checkWithoutTargets(`${op} (the dataset's batch ${step} has no targets)`, use);
    if (use === 'predict') {
      const xs = scope.keep(toDataset(x, `${role}x`, op, names.inputs, 'inputs'));
      const size = sampleCount(op, [[`${role}x`, xs]]);
      model.checkInputShapes(`${op} (the dataset's batch ${step})`, xs);
      return { xs, ys: [], ws: [], size, release };
    }
    const { xs, ys, ws, classWeights, count } = toStepDatasets(op, names, scope, x, y, sampleWeight, classWeight, role);
    model.checkInputShapes(`${op} (the dataset's batch ${step})`, xs);
    const weights = classWeights ? [classWeightsToSampleWeights(ys[0], classWeights)] : ws;
    if (classWeights) scope.own(weights);
    return { xs, ys, ws: weights, size: count, release };
  } catch (e) {
    release();
    throw e;
  }
}

/** Keras's unpack_x_y_sample_weight: an array is [x, y?, sampleWeight?], anything else is x. */
function unpack(op: string, element: Batch, step: number): [DataInput, DataInput | undefined, DataInput | undefined] {
  if (element === undefined || element === null) throw new Error(`${op}: the dataset's batch ${step} is ${element}; expected [x, y] or [x, y, sampleWeight].`);
  if (!Array.isArray(element) || element.length === 0 || element.length > 3 || !isBatchPart(element[0])) return [element as DataInput, undefined, undefined];
  const [x, y, sampleWeight] = element as [DataInput, DataInput?, DataInput?];
  return [x, y ?? undefined, sampleWeight ?? undefined];
}

/** Whether an array's first entry can be a batch's x: a tensor, a list of tensors, a record, or (nested, typed) arrays. */
function isBatchPart(part: unknown): boolean {
  return part instanceof Tensor || Array.isArray(part) || ArrayBuffer.isView(part) || (typeof part === 'object' && part !== null && Object.getPrototypeOf(part) === Object.prototype);
}

/** Every tensor in an element (its parts, their lists and records). */
function collectTensors(value: unknown, into: Set<Tensor>): void {
  if (value instanceof Tensor) into.add(value);
  else if (Array.isArray(value)) value.forEach((v) => collectTensors(v, into));
  else if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) Object.values(value).forEach((v) => collectTensors(v, into));
}

function describe(element: unknown): string {
  if (element instanceof Tensor) return `a tensor of shape [${element.shape.join(', ')}]`;
  if (Array.isArray(element)) return `an array of ${element.length}`;
  return typeof element;
}

/**
 * The options of fit(dataset, options) or evaluate(dataset, options): a dataset yields its
 * targets, so the second argument is the options (fit(dataset, undefined, options) works too).
 */
export function datasetOptions<T extends object>(op: string, second: unknown, third: T | undefined): T {
  if (second !== undefined && third !== undefined) throw new Error(`${op}: x is a dataset, which yields the targets itself; call ${op}(dataset, options), without y.`);
  const options = second ?? third ?? {};
  if (typeof options !== 'object' || options === null || Object.getPrototypeOf(options) !== Object.prototype) {
    throw new Error(`${op}: x is a dataset, which yields the targets itself; the second argument must be ${op}'s options, got ${describe(options)}.`);
  }
  return options as T;
}
