// The Callback base class: hooks that `fit`, `evaluate` and `predict` call, with Keras's names
// and arguments (fit's validation calls the test hooks too). Logs hold plain numbers, read back
// from the GPU once per epoch or evaluation (and per batch only for callbacks that override a
// batch's end hook).

import type { Model } from '../models/model';

export type Logs = Record<string, number>;

/**
 * Subclass and override the hooks you need.
 *
 * @example
 * class PrintLoss extends Callback {
 *   onEpochEnd(epoch: number, logs: Logs) { console.log(epoch, logs.loss); }
 * }
 * await model.fit(x, y, { epochs: 3, callbacks: [new PrintLoss()] });
 */
export class Callback {
  /** The model being trained; set by fit before onTrainBegin. */
  model!: Model;
  params: Record<string, unknown> = {};

  setModel(model: Model): void {
    this.model = model;
  }

  setParams(params: Record<string, unknown>): void {
    this.params = params;
  }

  onTrainBegin(_logs: Logs = {}): void | Promise<void> {}
  onTrainEnd(_logs: Logs = {}): void | Promise<void> {}
  onEpochBegin(_epoch: number, _logs: Logs = {}): void | Promise<void> {}
  onEpochEnd(_epoch: number, _logs: Logs = {}): void | Promise<void> {}
  onBatchBegin(_batch: number, _logs: Logs = {}): void | Promise<void> {}
  onBatchEnd(_batch: number, _logs: Logs = {}): void | Promise<void> {}
  /** evaluate, and fit's validation after each epoch. */
  onTestBegin(_logs: Logs = {}): void | Promise<void> {}
  onTestEnd(_logs: Logs = {}): void | Promise<void> {}
  onTestBatchBegin(_batch: number, _logs: Logs = {}): void | Promise<void> {}
  onTestBatchEnd(_batch: number, _logs: Logs = {}): void | Promise<void> {}
  /** predict; its batch logs are empty (the outputs stay on the GPU). */
  onPredictBegin(_logs: Logs = {}): void | Promise<void> {}
  onPredictEnd(_logs: Logs = {}): void | Promise<void> {}
  onPredictBatchBegin(_batch: number, _logs: Logs = {}): void | Promise<void> {}
  onPredictBatchEnd(_batch: number, _logs: Logs = {}): void | Promise<void> {}

  /** Whether this callback needs per-batch logs (it overrides onBatchEnd), which costs a readback per batch. */
  get wantsBatchLogs(): boolean {
    return Object.getPrototypeOf(this).onBatchEnd !== Callback.prototype.onBatchEnd;
  }

  /** The same for evaluation batches (it overrides onTestBatchEnd). */
  get wantsTestBatchLogs(): boolean {
    return Object.getPrototypeOf(this).onTestBatchEnd !== Callback.prototype.onTestBatchEnd;
  }
}

/** Records the logs of every epoch; `fit` returns it. */
export class History extends Callback {
  epoch: number[] = [];
  history: Record<string, number[]> = {};
  /** Where the loss first became NaN or infinite during fit (0-based epoch and batch), or null. */
  firstNonFiniteLoss: { epoch: number; batch: number } | null = null;

  override onTrainBegin(): void {
    this.epoch = [];
    this.firstNonFiniteLoss = null;
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) (this.history[key] ??= []).push(value);
  }
}
