// The library's global settings (keras.config): the fuzz factor `epsilon` that losses, metrics and
// normalizations read when they run, the image data format that layers and ops take when given
// none, fit's debugging caps on epochs and steps, interactive logging, and the float type and
// dtype policy, which are float32 here and can only be confirmed. This module holds the state and
// checks each new value; the code that uses a setting reads it at call time. A setting read inside
// a traced training step is a replay guard, so a step recorded under one value is never replayed
// under another.

import { stepGuard } from '../tensor/trace';

const DEFAULT_EPSILON = 1e-7;

/** Where the channels axis of an image is: last ([batch, height, width, channels]) or after the batch axis. */
export type ImageDataFormat = 'channels_last' | 'channels_first';

/** A dtype policy: the dtype layers compute in and the dtype of their variables (float32 both here). */
export interface DTypePolicy {
  readonly name: string;
  readonly computeDtype: string;
  readonly variableDtype: string;
}

const FLOAT32_POLICY: DTypePolicy = Object.freeze({ name: 'float32', computeDtype: 'float32', variableDtype: 'float32' });

const settings = {
  epsilon: DEFAULT_EPSILON,
  imageDataFormat: 'channels_last' as ImageDataFormat,
  maxEpochs: null as number | null,
  maxStepsPerEpoch: null as number | null,
  interactiveLogging: true,
};

/** Keras's floating-point dtypes, which are valid names that this library does not compute in. */
const OTHER_KERAS_FLOATS = new Set(['float16', 'bfloat16', 'float64']);

/**
 * The default float type: always 'float32' (this library stores and trains in float32).
 *
 * @example
 * config.floatx();   // 'float32'
 */
export function floatx(): 'float32' {
  return 'float32';
}

/**
 * Sets the default float type. Only 'float32' is accepted: this library stores and trains in
 * float32, so Keras's 'float16', 'bfloat16' and 'float64' are errors rather than ignored.
 *
 * @example
 * config.setFloatx('float32');   // accepted, nothing changes
 * config.setFloatx('float64');   // throws: float32 only
 */
export function setFloatx(value: string): void {
  if (value === 'float32') return;
  if (OTHER_KERAS_FLOATS.has(value)) {
    throw new Error(`setFloatx: this library computes in float32 only, so floatx cannot be '${value}'. Expected 'float32'. Received: floatx=${JSON.stringify(value)}`);
  }
  throw new Error(`setFloatx: Unknown floatx value: ${JSON.stringify(value)}. Expected 'float32' (the only float type of this library).`);
}

/**
 * The fuzz factor of numeric expressions (default 1e-7): the clip of probabilities in
 * cross-entropies, the floor of divisors in losses and metrics, the default epsilon of
 * `ops.normalize`, `ops.rmsNormalization` and `ops.layerNormalization`.
 *
 * @example
 * config.epsilon();   // 1e-7
 */
export function epsilon(): number {
  stepGuard('config.epsilon', () => String(settings.epsilon));
  return settings.epsilon;
}

/**
 * Sets the fuzz factor that `epsilon()` returns, read by losses, metrics and ops the next time
 * they run. A positive finite number.
 *
 * @example
 * config.setEpsilon(1e-5);
 * // ... losses now clip probabilities to [1e-5, 1 - 1e-5]
 * config.setEpsilon(1e-7);   // the default again
 */
export function setEpsilon(value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new Error(`setEpsilon: Invalid value for epsilon. Expected a positive finite number. Received: epsilon=${String(value)}`);
  }
  settings.epsilon = value;
}

/**
 * The image data format that layers and ops use when given no `dataFormat` (default
 * 'channels_last').
 *
 * @example
 * config.imageDataFormat();   // 'channels_last'
 */
export function imageDataFormat(): ImageDataFormat {
  stepGuard('config.imageDataFormat', () => settings.imageDataFormat);
  return settings.imageDataFormat;
}

/**
 * Sets the image data format that layers created from now on, and ops called from now on, use
 * when given no `dataFormat`: 'channels_last' or 'channels_first' (in any case).
 *
 * @example
 * config.setImageDataFormat('channels_first');
 * new layers.Conv2D({ filters: 8, kernelSize: 3 });   // expects [batch, channels, height, width]
 * config.setImageDataFormat('channels_last');
 */
export function setImageDataFormat(dataFormat: string): void {
  settings.imageDataFormat = standardizeDataFormat(dataFormat);
}

/**
 * Keras's standardize_data_format: `dataFormat` lower-cased and checked, or `imageDataFormat()`
 * when it is undefined or null.
 *
 * @example
 * standardizeDataFormat(undefined);        // imageDataFormat()
 * standardizeDataFormat('Channels_First'); // 'channels_first'
 */
export function standardizeDataFormat(dataFormat: unknown): ImageDataFormat {
  if (dataFormat === undefined || dataFormat === null) return imageDataFormat();
  const format = typeof dataFormat === 'string' ? dataFormat.toLowerCase() : dataFormat;
  if (format !== 'channels_last' && format !== 'channels_first') {
    throw new Error(`The \`dataFormat\` argument must be one of 'channels_first', 'channels_last'. Received: dataFormat=${JSON.stringify(dataFormat)}`);
  }
  return format;
}

/**
 * The cap on the epochs of any `fit` (null: none), for quick debugging runs.
 *
 * @example
 * config.maxEpochs();   // null
 */
export function maxEpochs(): number | null {
  return settings.maxEpochs;
}

/**
 * Caps the epochs of every `fit` at `epochs` (null removes the cap); fit warns when it trains
 * fewer epochs than asked.
 *
 * @example
 * config.setMaxEpochs(1);
 * await model.fit(x, y, { epochs: 100 });   // one epoch
 * config.setMaxEpochs(null);
 */
export function setMaxEpochs(epochs: number | null): void {
  settings.maxEpochs = checkCap('setMaxEpochs', 'maxEpochs', epochs);
}

/**
 * The cap on the steps of each epoch of `fit`, and of `evaluate` and `predict` (null: none).
 *
 * @example
 * config.maxStepsPerEpoch();   // null
 */
export function maxStepsPerEpoch(): number | null {
  return settings.maxStepsPerEpoch;
}

/**
 * Caps the steps of each epoch of `fit`, and of `evaluate` and `predict`, at `steps` (null
 * removes the cap), for quick debugging runs; they warn when the cap applies.
 *
 * @example
 * config.setMaxStepsPerEpoch(2);
 * await model.fit(x, y, { batchSize: 8 });   // 2 batches an epoch, whatever x's size
 * config.setMaxStepsPerEpoch(null);
 */
export function setMaxStepsPerEpoch(steps: number | null): void {
  settings.maxStepsPerEpoch = checkCap('setMaxStepsPerEpoch', 'maxStepsPerEpoch', steps);
}

function checkCap(setter: string, name: string, value: number | null): number | null {
  if (value === null) return null;
  if (!(typeof value === 'number' && Number.isInteger(value) && value > 0)) {
    throw new Error(`${setter}: Invalid value for ${name}. Expected a positive integer, or null for no limit. Received: ${name}=${String(value)}`);
  }
  return value;
}

/**
 * Turns on interactive logging (the default): a `utils.Progbar` in a Node terminal redraws its
 * line in place.
 *
 * @example
 * config.enableInteractiveLogging();
 */
export function enableInteractiveLogging(): void {
  settings.interactiveLogging = true;
}

/**
 * Turns off interactive logging, for logs that go to a file or a server's log: a `utils.Progbar`
 * writes plain lines (no carriage returns), as it does outside a terminal. fit's, evaluate's and
 * predict's progress is one plain line per epoch either way.
 *
 * @example
 * config.disableInteractiveLogging();
 */
export function disableInteractiveLogging(): void {
  settings.interactiveLogging = false;
}

/**
 * Whether interactive logging is on (see enableInteractiveLogging).
 *
 * @example
 * config.isInteractiveLoggingEnabled();   // true
 */
export function isInteractiveLoggingEnabled(): boolean {
  return settings.interactiveLogging;
}

/**
 * The default dtype policy of layers: float32 for computations and variables (the only policy
 * of this library).
 *
 * @example
 * config.dtypePolicy().name;   // 'float32'
 */
export function dtypePolicy(): DTypePolicy {
  return FLOAT32_POLICY;
}

/**
 * Sets the default dtype policy. Only 'float32' (or a policy object named 'float32') is accepted:
 * this library computes in float32, so mixed precision ('mixed_float16', 'mixed_bfloat16') and
 * quantized policies are errors rather than ignored.
 *
 * @example
 * config.setDtypePolicy('float32');          // accepted, nothing changes
 * config.setDtypePolicy('mixed_float16');    // throws: float32 only
 */
export function setDtypePolicy(policy: string | { name: string }): void {
  const name = typeof policy === 'string' ? policy : policy !== null && typeof policy === 'object' && typeof policy.name === 'string' ? policy.name : undefined;
  if (name === undefined) {
    throw new Error(`setDtypePolicy: Invalid \`policy\` argument. Expected the string name of a policy (such as 'float32') or a policy object with a name. Received: policy=${String(policy)} (of type ${typeof policy})`);
  }
  if (name !== 'float32') {
    throw new Error(`setDtypePolicy: this library computes in float32 only, so the dtype policy '${name}' is not supported. Expected 'float32' (or a policy named 'float32').`);
  }
}
