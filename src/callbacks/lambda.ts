// LambdaCallback: a callback from plain functions.

import { Callback, type Logs } from './callback';
import { checkOptionNames } from '../ops/validate';

export interface LambdaCallbackArgs {
  onTrainBegin?: (logs: Logs) => void | Promise<void>;
  onTrainEnd?: (logs: Logs) => void | Promise<void>;
  onEpochBegin?: (epoch: number, logs: Logs) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs: Logs) => void | Promise<void>;
  /** Keras 3's name for onBatchBegin (give one of the two). */
  onTrainBatchBegin?: (batch: number, logs: Logs) => void | Promise<void>;
  /** Keras 3's name for onBatchEnd (give one of the two); setting it reads the logs back after every batch. */
  onTrainBatchEnd?: (batch: number, logs: Logs) => void | Promise<void>;
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
  onTrainBegin: true, onTrainEnd: true, onEpochBegin: true, onEpochEnd: true, onTrainBatchBegin: true, onTrainBatchEnd: true, onBatchBegin: true, onBatchEnd: true,
  onTestBegin: true, onTestEnd: true, onTestBatchBegin: true, onTestBatchEnd: true,
  onPredictBegin: true, onPredictEnd: true, onPredictBatchBegin: true, onPredictBatchEnd: true,
};

/** The hooks that are two names for one (Keras 3's first, the alias second). */
const ALIASES = [['onTrainBatchBegin', 'onBatchBegin'], ['onTrainBatchEnd', 'onBatchEnd']] as const;

/**
 * A callback from plain functions, each the hook of its name (the per-batch logs are read back
 * only when onTrainBatchEnd / onBatchEnd or onTestBatchEnd is given).
 *
 * @example
 * new LambdaCallback({ onEpochEnd: (epoch, logs) => console.log(epoch, logs.loss) })
 */
export class LambdaCallback extends Callback {
  constructor(hooks: LambdaCallbackArgs = {}) {
    checkOptionNames('LambdaCallback', hooks, LAMBDA_HOOKS);
    for (const [name, alias] of ALIASES) {
      if (hooks[name] !== undefined && hooks[alias] !== undefined) throw new Error(`LambdaCallback: give ${name} or its alias ${alias}, not both.`);
    }
    super();
    // Each function given becomes the hook of its name on this callback.
    for (const [name, hook] of Object.entries(hooks)) {
      if (typeof hook === 'function' && name in Callback.prototype) Object.defineProperty(this, name, { value: hook });
    }
  }
}
