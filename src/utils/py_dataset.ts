// PyDataset (keras.utils.PyDataset): a dataset of batches addressed by index, for fit, evaluate and
// predict. A subclass says how many batches a pass holds and makes batch `index` on demand (from
// arrays, files or a network); the training loop asks for the batches in order, or in a shuffled
// order each epoch under fit's `shuffle`, and calls the epoch hooks (models/batch_source.ts).

import type { Batch } from '../models/batch_source';
import { checkOptionNames } from '../ops/validate';

/**
 * Keras's parallelism options of a PyDataset. They are accepted so that code ported from Keras
 * runs unchanged, and kept on the dataset, but have no effect: JavaScript makes the batches one
 * after another, and an async `getItem` already lets a fetch overlap the other work of the page.
 */
export interface PyDatasetOptions {
  /** Keras's `workers` (default 1). */
  workers?: number;
  /** Keras's `use_multiprocessing` (default false). */
  useMultiprocessing?: boolean;
  /** Keras's `max_queue_size` (default 10). */
  maxQueueSize?: number;
}

const OPTION_NAMES = { workers: true, useMultiprocessing: true, maxQueueSize: true } as const;

/**
 * Base class of a dataset whose batches are made by index (Keras's `keras.utils.PyDataset`).
 * A subclass implements `length` (batches per pass, Keras's `__len__`; `Infinity` for an endless
 * dataset, Keras's `num_batches` of None) and `getItem(index)` (Keras's `__getitem__`): a whole
 * batch, as `x`, `[x]`, `[x, y]` or `[x, y, sampleWeight]`, or a promise of one. It may also
 * implement `onEpochBegin()` and `onEpochEnd()`, which fit, evaluate and predict call around each
 * epoch (each pass of evaluate and predict, each validation in fit), as in Keras.
 *
 * fit asks for batches 0 to length - 1 each epoch, in a new random order each epoch unless
 * `shuffle: false` (seeded by fit's `seed`); evaluate and predict keep the order. With
 * `stepsPerEpoch` (evaluate's and predict's `steps`) an epoch takes that many batches: training
 * goes on with the pass across epochs and starts a new one when it is used up, and a pass that
 * ends first ends its epoch early with a warning, as in Keras. An endless dataset is never
 * shuffled and needs a step count. The tensors `getItem` makes and returns are freed after their
 * step; tensors it returns that were made before (in the constructor) stay yours.
 *
 * Iterating a PyDataset (`for await (const batch of dataset)`) yields its batches in order,
 * without the epoch hooks, as Keras's `__iter__`.
 *
 * @example
 * class Batches extends utils.PyDataset {
 *   constructor(private x: number[][], private y: number[], private batchSize: number) {
 *     super();
 *   }
 *   get length() {
 *     return Math.ceil(this.x.length / this.batchSize);
 *   }
 *   getItem(index: number): Batch {
 *     const start = index * this.batchSize;
 *     const end = start + this.batchSize;
 *     return [tensor(this.x.slice(start, end)), tensor(this.y.slice(start, end))];
 *   }
 * }
 * await model.fit(new Batches(x, y, 32), { epochs: 5 });
 */
export abstract class PyDataset implements AsyncIterable<Batch> {
  /** Keras's `workers`: kept, without effect (see PyDatasetOptions). */
  readonly workers: number;
  /** Keras's `use_multiprocessing`: kept, without effect. */
  readonly useMultiprocessing: boolean;
  /** Keras's `max_queue_size`: kept, without effect. */
  readonly maxQueueSize: number;

  constructor(options: PyDatasetOptions = {}) {
    checkOptionNames('PyDataset', options, OPTION_NAMES);
    this.workers = options.workers ?? 1;
    this.useMultiprocessing = options.useMultiprocessing ?? false;
    this.maxQueueSize = options.maxQueueSize ?? 10;
  }

  /** Batches in a pass (Keras's `__len__`): a positive integer, or `Infinity` for an endless dataset. */
  abstract get length(): number;

  /** Batch `index` (0-based, below `length`): `x`, `[x]`, `[x, y]` or `[x, y, sampleWeight]`, or a promise of one. */
  abstract getItem(index: number): Batch | Promise<Batch>;

  /** Called before each epoch's first batch (Keras's `on_epoch_begin`). */
  onEpochBegin(): void | Promise<void> {}

  /** Called after each epoch's last batch (Keras's `on_epoch_end`), such as to reorder the samples. */
  onEpochEnd(): void | Promise<void> {}

  /** Keras's `num_batches`: `length`, or null for an endless dataset. */
  get numBatches(): number | null {
    return this.length === Infinity ? null : this.length;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    for (let index = 0; index < this.length; index++) yield await this.getItem(index);
  }
}
