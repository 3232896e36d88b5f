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

  override get wantsBatchLogs(): boolean {
    return this.hooks.onBatchEnd !== undefined;
  }
}
