// The batches of fit, evaluate and predict, whichever the data: tensors in memory (fit gathers
// each batch on the device by a shuffled index, evaluate and predict slice it) or a dataset of
// batches (batch_source.ts), at most config.maxStepsPerEpoch() batches an epoch. A batch gives its
// step's data, made inside the step's tidy scope, and the key and arguments of the compiled step
// program that trains on it.

import { maxStepsPerEpoch } from '../backend/config';
import { fromTypedArray } from '../tensor/creation';
import type { Tensor } from '../tensor/tensor';
import { loadBatch, openBatchStream, type BatchSource } from './batch_source';
import { sliceRows, takeRows, type DataTensors } from './data';
import type { Model } from './model';
import { stepData, type StepData } from './step_data';

export interface FeedBatch {
  /** Samples in the batch. */
  size: number;
  /** The step's data: called inside the step's tidy scope, which frees the gathers and slices it makes. */
  data(): StepData;
  /** The compiled step program for this batch: a key naming its structure and shapes, and its arguments. */
  program: { key: string; args: Tensor[] };
  /** Frees what the batch brought (its indices, a dataset's tensors), once its step is recorded. */
  release(): void;
}

export interface BatchFeed {
  /** Steps an epoch, where known before the epoch runs. */
  readonly steps: number | undefined;
  /** Samples an epoch, where known. */
  readonly samples: number | undefined;
  beginEpoch(): void;
  /** The epoch's batch `step`, or undefined after its last. */
  next(step: number): Promise<FeedBatch | undefined>;
  /** Whether a dataset ended before its step count (which interrupts training, as in Keras). */
  readonly ranOut: boolean;
}

/**
 * fit's batches of tensors in memory: rows gathered on the device in the order `order()` gives
 * each pass over the data. With `stepsPerEpoch` (Keras's steps_per_epoch on arrays), an epoch is
 * that many batches, and the pass goes on across epochs; an epoch that reaches the pass's end stops
 * there with Keras's warning, and the next one starts a new pass.
 */
export function gatheredFeed({ xs, ys, ws, xKeys }: DataTensors, batchSize: number, order: () => Int32Array, stepsPerEpoch?: number): BatchFeed {
  const count = xs[0].shape[0];
  const batches = Math.ceil(count / batchSize);
  const steps = cappedSteps(stepsPerEpoch ?? batches);
  const program = stepProgram(xs, ys, ws, xKeys);
  let passOrder: Int32Array = new Int32Array(0);
  let batchesSeen = batches;
  let epochStart = 0;
  return {
    steps,
    samples: count,
    ranOut: false,
    beginEpoch: () => {
      if (batchesSeen >= batches) {
        passOrder = order();
        batchesSeen = 0;
      }
      epochStart = batchesSeen;
    },
    async next(step) {
      if (step >= steps) return undefined;
      if (epochStart + step >= batches) {
        if (stepsPerEpoch !== undefined) warnRanOut('training');
        return undefined;
      }
      batchesSeen = epochStart + step + 1;
      const start = (epochStart + step) * batchSize;
      const size = Math.min(batchSize, count - start);
      // The batch's indices are a small upload (no dispatch); its rows are gathered on the device,
      // inside the step program.
      const indices = fromTypedArray(passOrder.slice(start, start + size), [size], 'int32');
      return {
        size,
        data: () => stepData(takeRows(xs, indices), takeRows(ys, indices), takeRows(ws, indices), xKeys),
        program: { key: `${program.key}|${size}`, args: [...program.args, indices] },
        release: () => indices.dispose(),
      };
    },
  };
}

/** evaluate's and predict's batches of tensors in memory: consecutive rows, sliced on the device. */
export function slicedFeed({ xs, ys, ws, xKeys }: DataTensors, batchSize: number): BatchFeed {
  const count = xs[0].shape[0];
  const steps = cappedSteps(Math.ceil(count / batchSize));
  return {
    steps,
    samples: count,
    ranOut: false,
    beginEpoch: () => {},
    async next(step) {
      if (step >= steps) return undefined;
      const start = step * batchSize;
      const size = Math.min(batchSize, count - start);
      const slices = (tensors: Tensor[]) => sliceRows(tensors, start, size);
      return { size, data: () => stepData(slices(xs), slices(ys), slices(ws), xKeys), program: { key: '', args: [] }, release: () => {} };
    },
  };
}

/**
 * The batches of a dataset for `op`, `askedSteps` an epoch (every batch it yields when
 * undefined; capped by cappedSteps), each checked and converted as the model's data: for training
 * (whose iteration a step count carries across epochs), for evaluation (a new iteration each
 * time), or for prediction (x alone).
 * `permutation`, when fit shuffles, orders a PyDataset's batches each pass.
 */
export function datasetFeed(op: string, use: 'train' | 'test' | 'predict', model: Model, source: BatchSource, askedSteps: number | undefined, classWeight?: Record<number, number>, permutation?: (n: number) => Int32Array): BatchFeed {
  const steps = cappedSteps(askedSteps);
  const stream = openBatchStream(op, source, steps, use === 'train', permutation);
  return {
    steps,
    samples: undefined,
    get ranOut() {
      return stream.ranOut;
    },
    beginEpoch: () => stream.beginEpoch(),
    async next(step) {
      const element = await stream.next(step);
      if (element === undefined) return undefined;
      const batch = loadBatch(op, model, stream, element, step, use, classWeight);
      const program = stepProgram(batch.xs, batch.ys, batch.ws, batch.xKeys);
      const { nested } = batch;
      const data = nested ? () => nested.data : () => stepData(batch.xs, batch.ys, batch.ws, batch.xKeys);
      return { size: batch.size, data, program: { key: `${program.key}|batch${nested ? `|${nested.key}` : ''}`, args: program.args }, release: batch.release };
    },
  };
}

/**
 * The data sets as a step program's arguments: each tensor memory once (fit(x, x) trains an
 * autoencoder on one tensor), and a key naming their shapes, dtypes and which are the same (and
 * x's record keys).
 */
function stepProgram(xs: Tensor[], ys: Tensor[], ws: Tensor[], xKeys: string[] | null): { key: string; args: Tensor[] } {
  const args: Tensor[] = [];
  const key = [...xs, ...ys, ...ws]
    .map((t) => {
      let index = args.findIndex((a) => a.storage === t.storage);
      if (index < 0) index = args.push(t) - 1;
      return `${index}:${t.dtype}[${t.shape.join(',')}]`;
    })
    .join(';');
  return { key: `fit|${xKeys ? JSON.stringify(xKeys) : xs.length}|${ys.length}|${key}`, args };
}

/**
 * Keras's EpochIterator cap: `steps` (undefined: as many as the data has) at most
 * config.maxStepsPerEpoch(), with Keras's warning when the cap applies (a debugging aid). A capped
 * dataset's iteration goes on across fit's epochs, as with stepsPerEpoch; data in memory starts
 * each epoch over (Keras carries its iterator on).
 */
function cappedSteps<T extends number | undefined>(steps: T): T | number {
  const cap = maxStepsPerEpoch();
  if (cap === null || (steps !== undefined && steps <= cap)) return steps;
  console.warn(`Limiting steps per epoch to ${cap} (config.maxStepsPerEpoch()).`);
  return cap;
}

/** A step count option (stepsPerEpoch, validationSteps, steps): undefined or a positive integer. */
export function checkStepCount(op: string, name: string, steps: number | undefined): void {
  if (steps !== undefined && !(Number.isInteger(steps) && steps > 0)) throw new Error(`${op}: ${name} must be a positive integer, got ${steps}.`);
}

/** Keras's warning when a dataset ends before its step count. */
export function warnRanOut(what: 'training' | 'evaluation' | 'prediction'): void {
  const asked = what === 'training' ? 'stepsPerEpoch * epochs' : what === 'evaluation' ? 'validationSteps (or evaluate\'s steps)' : 'steps';
  console.warn(`Your input ran out of data; interrupting ${what}. Make sure that your dataset or generator can generate at least ${asked} batches.`);
}
