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
    // Each function given becomes the hook of its name on this callback.
    for (const [name, hook] of Object.entries(hooks)) {
      if (typeof hook === 'function' && name in Callback.prototype) Object.defineProperty(this, name, { value: hook });
    }
  }

  override get wantsBatchLogs(): boolean {
    return this.hooks.onBatchEnd !== undefined;
  }

  override get wantsTestBatchLogs(): boolean {
    return this.hooks.onTestBatchEnd !== undefined;
  }
}
