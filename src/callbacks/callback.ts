// The Callback base class: hooks that `fit`, `evaluate` and `predict` call, with Keras's names
// and arguments (fit's validation calls the test hooks too; onTrainBatchBegin/End are Keras 3's
// names, onBatchBegin/End their aliases). Logs hold plain numbers, read back from the GPU once
// per epoch or evaluation (and per batch only for callbacks that want batch logs).

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
  /** Alias of onTrainBatchBegin, which calls it unless overridden (as in Keras 3). */
  onBatchBegin(_batch: number, _logs: Logs = {}): void | Promise<void> {}
  /** Alias of onTrainBatchEnd, which calls it unless overridden (as in Keras 3). */
  onBatchEnd(_batch: number, _logs: Logs = {}): void | Promise<void> {}
  /** Before each training batch; fit calls this one. */
  onTrainBatchBegin(batch: number, logs: Logs = {}): void | Promise<void> {
    return this.onBatchBegin(batch, logs);
  }
  /** After each training batch; fit calls this one. */
  onTrainBatchEnd(batch: number, logs: Logs = {}): void | Promise<void> {
    return this.onBatchEnd(batch, logs);
  }
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

  /**
   * Whether this callback reads the loss and metrics of each training batch (by default: it
   * overrides onTrainBatchEnd or onBatchEnd), which costs a readback per batch. A callback whose
   * batch hook reads no values returns false: the hook is still called after every batch, with
   * logs holding only `batch` and `size` unless another callback wants the values.
   */
  get wantsBatchLogs(): boolean {
    return this.onTrainBatchEnd !== Callback.prototype.onTrainBatchEnd || this.onBatchEnd !== Callback.prototype.onBatchEnd;
  }

  /** The same for evaluation batches (it overrides onTestBatchEnd). */
  get wantsTestBatchLogs(): boolean {
    return this.onTestBatchEnd !== Callback.prototype.onTestBatchEnd;
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

/** Throws unless every entry of a callbacks option is a Callback (a plain object of hooks is a common slip). */
export function checkCallbacks(op: string, callbacks: unknown): void {
  if (callbacks === undefined) return;
  if (!Array.isArray(callbacks)) throw new Error(`${op}: callbacks must be a list of Callback instances, got ${typeof callbacks}.`);
  callbacks.forEach((cb, i) => {
    if (!(cb instanceof Callback)) {
      throw new Error(`${op}: callbacks[${i}] is not a Callback instance: extend Callback, or wrap the hooks in new LambdaCallback({ onEpochEnd: (epoch, logs) => ... }).`);
    }
  });
}
