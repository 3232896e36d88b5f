// LambdaCallback: a callback from plain functions.

import { Callback, type Logs } from './callback';
import { checkOptionNames } from '../ops/validate';

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

/** LambdaCallbackArgs' names, for checkOptionNames (the type keeps the list complete). */
const LAMBDA_HOOKS: Record<keyof LambdaCallbackArgs, true> = {
  onTrainBegin: true, onTrainEnd: true, onEpochBegin: true, onEpochEnd: true, onBatchBegin: true, onBatchEnd: true,
  onTestBegin: true, onTestEnd: true, onTestBatchBegin: true, onTestBatchEnd: true,
  onPredictBegin: true, onPredictEnd: true, onPredictBatchBegin: true, onPredictBatchEnd: true,
};

/**
 * @example
 * new LambdaCallback({ onEpochEnd: (epoch, logs) => console.log(epoch, logs.loss) })
 */
export class LambdaCallback extends Callback {
  constructor(private readonly hooks: LambdaCallbackArgs = {}) {
    checkOptionNames('LambdaCallback', hooks, LAMBDA_HOOKS);
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
