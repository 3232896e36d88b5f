// LambdaCallback: a callback from plain functions.

import { Callback, type Logs } from './callback';

export interface LambdaCallbackArgs {
  onTrainBegin?: (logs: Logs) => void | Promise<void>;
  onTrainEnd?: (logs: Logs) => void | Promise<void>;
  onEpochBegin?: (epoch: number, logs: Logs) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs: Logs) => void | Promise<void>;
  onBatchBegin?: (batch: number, logs: Logs) => void | Promise<void>;
  /** Setting this reads the logs back after every batch. */
  onBatchEnd?: (batch: number, logs: Logs) => void | Promise<void>;
  onTestBegin?: (logs: Logs) => void | Promise<void>;
  onTestEnd?: (logs: Logs) => void | Promise<void>;
  onTestBatchBegin?: (batch: number, logs: Logs) => void | Promise<void>;
  /** Setting this reads the logs back after every evaluation batch. */
  onTestBatchEnd?: (batch: number, logs: Logs) => void | Promise<void>;
  onPredictBegin?: (logs: Logs) => void | Promise<void>;
  onPredictEnd?: (logs: Logs) => void | Promise<void>;
  onPredictBatchBegin?: (batch: number, logs: Logs) => void | Promise<void>;
  onPredictBatchEnd?: (batch: number, logs: Logs) => void | Promise<void>;
}

/**
 * @example
 * new LambdaCallback({ onEpochEnd: (epoch, logs) => console.log(epoch, logs.loss) })
 */
export class LambdaCallback extends Callback {
  constructor(private readonly hooks: LambdaCallbackArgs = {}) {
    super();
  }

  override onTrainBegin(logs: Logs = {}) {
    return this.hooks.onTrainBegin?.(logs);
  }
  override onTrainEnd(logs: Logs = {}) {
    return this.hooks.onTrainEnd?.(logs);
  }
  override onEpochBegin(epoch: number, logs: Logs = {}) {
    return this.hooks.onEpochBegin?.(epoch, logs);
  }
  override onEpochEnd(epoch: number, logs: Logs = {}) {
    return this.hooks.onEpochEnd?.(epoch, logs);
  }
  override onBatchBegin(batch: number, logs: Logs = {}) {
    return this.hooks.onBatchBegin?.(batch, logs);
  }
  override onBatchEnd(batch: number, logs: Logs = {}) {
    return this.hooks.onBatchEnd?.(batch, logs);
  }
  override onTestBegin(logs: Logs = {}) {
    return this.hooks.onTestBegin?.(logs);
  }
  override onTestEnd(logs: Logs = {}) {
    return this.hooks.onTestEnd?.(logs);
  }
  override onTestBatchBegin(batch: number, logs: Logs = {}) {
    return this.hooks.onTestBatchBegin?.(batch, logs);
  }
  override onTestBatchEnd(batch: number, logs: Logs = {}) {
    return this.hooks.onTestBatchEnd?.(batch, logs);
  }
  override onPredictBegin(logs: Logs = {}) {
    return this.hooks.onPredictBegin?.(logs);
  }
  override onPredictEnd(logs: Logs = {}) {
    return this.hooks.onPredictEnd?.(logs);
  }
  override onPredictBatchBegin(batch: number, logs: Logs = {}) {
    return this.hooks.onPredictBatchBegin?.(batch, logs);
  }
  override onPredictBatchEnd(batch: number, logs: Logs = {}) {
    return this.hooks.onPredictBatchEnd?.(batch, logs);
  }

  override get wantsBatchLogs(): boolean {
    return this.hooks.onBatchEnd !== undefined;
  }

  override get wantsTestBatchLogs(): boolean {
    return this.hooks.onTestBatchEnd !== undefined;
  }
}
