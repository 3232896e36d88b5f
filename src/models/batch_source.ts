// Datasets of batches for fit, evaluate and predict, as Keras takes a tf.data.Dataset or a
// generator: any iterable or async iterable (a generator, an async generator, an object whose
// [Symbol.iterator]() starts over) yielding [x, y] or [x, y, sampleWeight] (x alone for predict).
// BatchStream follows Keras's EpochIterator: without a step count, each epoch iterates the
// dataset anew until it ends; with one, training's iteration goes on across epochs and running out
// of data interrupts training (each evaluation starts a new iteration). The tensors a dataset
// yields while it is iterated are the step's, freed after it (as TF.js's fitDataset does); what it
// makes on the way and does not yield stays its own (make batches inside tidy); tensors made
// before the call stay the caller's.
// A PyDataset (utils/py_dataset.ts) is read by index instead, as Keras's PyDatasetAdapter:
// PyDatasetStream calls its epoch hooks and shuffles the order of its batches for fit.

import { nextTensorId, Tensor } from '../tensor/tensor';
import { PyDataset } from '../utils/py_dataset';
import { classWeightsToSampleWeights, DataScope, sampleCount, toDataset, toStepDatasets, type DataInput, type DataTensors } from './data';
import type { Model } from './model';
import { isRecord } from '../tensor/records';
import { nestedTensorLeaves, type StepData } from './step_data';

/**
 * A batchSize given with a dataset of batches: Keras ignores it (the dataset makes the batches),
 * and keras.io's code passes it, so it is ignored here too, with a warning rather than an error.
 */
export function warnBatchSizeIgnored(op: string, options: { batchSize?: unknown }): void {
  if (options.batchSize !== undefined) console.warn(`${op}: batchSize (${String(options.batchSize)}) is ignored for a dataset of batches: the dataset makes the batches, as in Keras.`);
}

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

/** A dataset's batches epoch after epoch, as fit, evaluate and predict take them. */
export interface DatasetStream {
  /** Batches an epoch, or undefined for every batch of a pass. */
  readonly steps: number | undefined;
  /** Set when the dataset ended before `steps` batches, which interrupts training. */
  readonly ranOut: boolean;
  beginEpoch(): void;
  /** The epoch's next element, or undefined at its end. */
  next(step: number): Promise<Batch | undefined>;
  /** Whether the dataset made this tensor while being read (then the step frees it). */
  owns(t: Tensor): boolean;
  /** How errors name the batch that `next(step)` returned. */
  batchName(step: number): string;
}

/**
 * The stream of `source` for `op` (see BatchStream and PyDatasetStream). `permutation`, given
 * when fit shuffles, orders a PyDataset's batches; other datasets order their own.
 */
export function openBatchStream(op: string, source: BatchSource, steps: number | undefined, carryOver: boolean, permutation?: (n: number) => Int32Array): DatasetStream {
  return source instanceof PyDataset ? new PyDatasetStream(op, source, steps, carryOver, permutation) : new BatchStream(source, steps, carryOver);
}

/** A dataset iterated epoch after epoch, as Keras's EpochIterator. */
export class BatchStream implements DatasetStream {
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

  batchName(step: number): string {
    return `the dataset's batch ${step}`;
  }
}

/**
 * A PyDataset's batches, as Keras's PyDatasetAdapter under its EpochIterator: onEpochBegin before
 * an epoch's first batch and onEpochEnd after its last (not after an epoch that training stopped
 * in the middle), and a pass over batches 0 to length - 1, or a new permutation of them each pass
 * when `permutation` is given (an endless dataset counts on, unshuffled). An epoch is a pass; with
 * a step count it takes that many batches, and training (`carryOver`) goes on with the pass across
 * epochs, a new one starting once it is used up; a pass that ends before the step count ends its
 * epoch early with a warning (training goes on), as Keras breaks off its epoch.
 */
class PyDatasetStream implements DatasetStream {
  readonly ranOut = false;
  /** The pass's batch indices in order; null for an endless dataset, or before the first pass. */
  private order: Int32Array | null = null;
  /** Batches of the pass taken (the next index, for an endless dataset). */
  private position = 0;
  private passOpen = false;
  private inEpoch = false;
  /** The index of the batch last asked for, and the first id of the tensors its getItem made. */
  private index = 0;
  private firstOwnedId = 0;

  constructor(
    private readonly op: string,
    private readonly dataset: PyDataset,
    readonly steps: number | undefined,
    private readonly carryOver: boolean,
    private readonly permutation: ((n: number) => Int32Array) | undefined,
  ) {
    this.checkedLength();
  }

  beginEpoch(): void {
    this.inEpoch = false;
    if (!this.carryOver || this.steps === undefined) this.passOpen = false;
  }

  async next(step: number): Promise<Batch | undefined> {
    if (!this.inEpoch) {
      this.inEpoch = true;
      await this.dataset.onEpochBegin();
    }
    const index = this.steps !== undefined && step >= this.steps ? undefined : this.nextIndex(step);
    if (index === undefined) {
      if (this.order && this.position >= this.order.length) this.passOpen = false;
      this.inEpoch = false;
      await this.dataset.onEpochEnd();
      return undefined;
    }
    this.index = index;
    this.firstOwnedId = nextTensorId();
    const element = await this.dataset.getItem(index);
    if (!isPyDatasetBatch(element)) {
      throw new Error(`${this.op}: ${this.name()}.getItem(${index}) returned ${describe(element)}; expected a batch: x, [x], [x, y] or [x, y, sampleWeight] (x a tensor, typed array or record).`);
    }
    return element;
  }

  owns(t: Tensor): boolean {
    return t.id >= this.firstOwnedId;
  }

  batchName(): string {
    return `the PyDataset's batch ${this.index}`;
  }

  /** The batch index of the epoch's `step`, or undefined once the pass is used up. */
  private nextIndex(step: number): number | undefined {
    if (!this.passOpen) this.openPass();
    if (this.order === null) return this.position++;
    if (this.position < this.order.length) return this.order[this.position++];
    if (this.steps !== undefined) {
      console.warn(
        `${this.op}: the PyDataset's pass of ${this.order.length} batches ended after ${step} of the epoch's ${this.steps} steps; ` +
          'the epoch ends here' + (this.carryOver ? ' and the next one starts a new pass.' : '.'),
      );
    }
    return undefined;
  }

  private openPass(): void {
    const length = this.checkedLength();
    this.order = length === Infinity ? null : this.permutation ? this.permutation(length) : Int32Array.from({ length }, (_, i) => i);
    this.position = 0;
    this.passOpen = true;
  }

  /** The dataset's length, checked: a positive integer, or Infinity with a step count. */
  private checkedLength(): number {
    const length = this.dataset.length;
    if (length !== Infinity && !(Number.isInteger(length) && length > 0)) {
      throw new Error(`${this.op}: ${this.name()}.length (its batches, Keras's __len__) must be a positive integer, or Infinity for an endless dataset; got ${String(length)}.`);
    }
    if (length === Infinity && this.steps === undefined) {
      throw new Error(`${this.op}: ${this.name()} is endless (its length is Infinity), so an epoch needs a step count: fit's stepsPerEpoch or validationSteps, evaluate's or predict's steps.`);
    }
    return length;
  }

  /** The subclass's name, as errors call the dataset. */
  private name(): string {
    return this.dataset.constructor.name || 'PyDataset';
  }
}

/** Whether a getItem result is a batch, as Keras's PyDatasetAdapter checks: x (a tensor, typed array or record) or an array of 1 to 3 parts. */
function isPyDatasetBatch(element: unknown): element is Batch {
  if (Array.isArray(element)) return element.length >= 1 && element.length <= 3;
  return element instanceof Tensor || ArrayBuffer.isView(element) || isRecord(element);
}

/** One element of a dataset as the step's tensors, with what to free after the step. */
export interface LoadedBatch extends DataTensors {
  size: number;
  release(): void;
  /**
   * A custom step's batch whose x or y nests lists or records of tensors: the step's data as the
   * dataset yielded it (xs, ys and ws then hold its tensors in order), and a key naming its structure.
   */
  nested?: { data: StepData; key: string };
}

/**
 * Unpacks and converts a dataset's element for `op` (checked as fit's data is: shapes, sample
 * counts, names of a record), turning classWeight into sample weights, for training, evaluation
 * or prediction (which takes x alone). A custom step's batch may hold parts of different sizes,
 * and so may the inputs of the default step's batch (a batch of graphs).
 */
export function loadBatch(op: string, model: Model, stream: DatasetStream, element: Batch, step: number, use: 'train' | 'test' | 'predict', classWeight?: Record<number, number>): LoadedBatch {
  const batchName = stream.batchName(step);
  const [x, y, sampleWeight] = unpack(op, element, batchName);
  const yielded = new Set<Tensor>();
  collectTensors(element, yielded);
  const owned = [...yielded].filter((t) => stream.owns(t));
  const names = model.dataNames();
  const scope = new DataScope();
  const release = () => {
    scope.release();
    for (const t of owned) if (!t.isDisposed) t.dispose();
  };
  try {
    const disposed = [...yielded].find((t) => t.isDisposed);
    if (disposed) {
      throw new Error(
        `${op}: ${batchName} holds a disposed tensor (shape [${disposed.shape.join(', ')}]). The tensors a dataset makes while it is iterated ` +
          `are freed after their step: make the tensors you yield more than once before calling ${op}.`,
      );
    }
    const role = `${batchName} `;
    // Without targets (x alone, or [x]), as fit(x) takes for a model whose losses need none.
    if (use !== 'predict' && y === undefined) model.checkWithoutTargets(`${op} (${batchName} has no targets)`, use);
    if (use === 'predict') {
      const inputs = toDataset(x, `${role}x`, op, names.inputs, 'inputs', names.takesInputRecord);
      const xs = scope.keep(inputs);
      // Inputs may differ in size (a batch of graphs); the first one counts the batch, as a custom step's.
      const size = sampleCount(op, [[`${role}x`, xs.slice(0, 1)]]);
      model.checkInputShapes(`${op} (${batchName})`, xs);
      return { xs, ys: [], ws: [], xKeys: inputs.keys ?? null, size, release };
    }
    if (model.hasCustomStep(use)) {
      const nested = nestedBatch(op, role, x, y, sampleWeight, classWeight);
      if (nested) return { ...nested, release };
    }
    const { xs, ys, ws, xKeys, classWeights, count } = toStepDatasets(op, names, scope, x, y, sampleWeight, classWeight, role, model.hasCustomStep(use) ? false : 'whenInputsAgree');
    model.checkInputShapes(`${op} (${batchName})`, xs);
    const weights = classWeights ? [classWeightsToSampleWeights(ys[0], classWeights)] : ws;
    if (classWeights) scope.own(weights);
    return { xs, ys, ws: weights, xKeys, size: count, release };
  } catch (e) {
    release();
    throw e;
  }
}

/**
 * A custom step's batch whose x or y nests lists or records of tensors (Keras passes such an
 * element to train_step as it is): its tensors in order and the structure as yielded; null when
 * neither does. Its size is the first tensor's, as a custom step's parts may differ in size.
 */
function nestedBatch(op: string, role: string, x: DataInput, y: DataInput | undefined, sampleWeight: DataInput | undefined, classWeight: Record<number, number> | undefined): Omit<LoadedBatch, 'release'> | null {
  const xs = nestedTensorLeaves(x), ys = y === undefined ? null : nestedTensorLeaves(y);
  if (!xs && !ys) return null;
  const part = (value: DataInput): Tensor[] => {
    if (value instanceof Tensor) return [value];
    if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof Tensor)) return value as Tensor[];
    throw new Error(`${op}: ${role}nests lists of tensors in ${xs ? 'x' : 'y'}, so its other parts must be tensors or lists of tensors too, as the custom step receives them as yielded; got ${describe(value)}.`);
  };
  if (classWeight) throw new Error(`${op}: classWeight needs y as one tensor of class indices, but ${role}nests tensors in ${xs ? 'x' : 'y'}; weight the samples in the custom step instead.`);
  const inputs = xs ?? part(x);
  const targets = ys ?? (y === undefined ? [] : part(y));
  const weights = sampleWeight === undefined ? [] : part(sampleWeight);
  const data = [x, ...(y === undefined ? [] : [y]), ...(sampleWeight === undefined ? [] : [sampleWeight])] as StepData;
  const structure = (v: unknown): unknown => (v instanceof Tensor ? 0 : Array.isArray(v) ? v.map(structure) : Object.fromEntries(Object.entries(v as object).map(([k, c]) => [k, structure(c)])));
  return { xs: inputs, ys: targets, ws: weights, xKeys: null, size: inputs[0].shape[0] ?? 1, nested: { data, key: JSON.stringify(data.map(structure)) } };
}

/** Keras's unpack_x_y_sample_weight: an array is [x, y?, sampleWeight?], anything else is x. */
function unpack(op: string, element: Batch, batchName: string): [DataInput, DataInput | undefined, DataInput | undefined] {
  if (element === undefined || element === null) throw new Error(`${op}: ${batchName} is ${element}; expected [x, y] or [x, y, sampleWeight].`);
  if (!Array.isArray(element) || element.length === 0 || element.length > 3 || !isBatchPart(element[0])) return [element as DataInput, undefined, undefined];
  const [x, y, sampleWeight] = element as [DataInput, DataInput?, DataInput?];
  return [x, y ?? undefined, sampleWeight ?? undefined];
}

/** Whether an array's first entry can be a batch's x: a tensor, a list of tensors, a record, or (nested, typed) arrays. */
function isBatchPart(part: unknown): boolean {
  return part instanceof Tensor || Array.isArray(part) || ArrayBuffer.isView(part) || isRecord(part);
}

/** Every tensor in an element (its parts, their lists and records). */
function collectTensors(value: unknown, into: Set<Tensor>): void {
  if (value instanceof Tensor) into.add(value);
  else if (Array.isArray(value)) value.forEach((v) => collectTensors(v, into));
  else if (isRecord(value)) Object.values(value).forEach((v) => collectTensors(v, into));
}

function describe(element: unknown): string {
  if (element === null || element === undefined) return String(element);
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
