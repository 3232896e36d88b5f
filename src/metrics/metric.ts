// The base class of every metric: state held in non-trainable Variables on the active backend,
// updated with ops and `Variable.assign`, and a `result()` computed from that state as a tensor.
// Nothing here reads GPU data back: a training loop can update metrics every step and read the
// results once per epoch (or per log line). The base constructor checks the option names of every
// built-in metric against the names its class lists.

import type { DType } from '../backend/types';
import { Variable } from '../autograd/variable';
import { zeros } from '../ops/creation';
import { checkOptionNames } from '../ops/validate';
import { scalar } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';

/** Per-sample (or per-element) weights: a tensor broadcastable to the samples, or one number. */
export type SampleWeight = Tensor | number;

/** What `getConfig()` returns: the constructor options that rebuild the metric. */
export interface MetricConfig {
  name: string;
  dtype: DType;
  [option: string]: unknown;
}

/**
 * A stateful measure of model quality, accumulated over batches.
 *
 * Subclasses create their state with `addVariable` (in the constructor or lazily at the first
 * `updateState`), implement `updateState` with ops and `Variable.assign`, and `result` with ops.
 * Both run inside `tidy`, so intermediates never outlive the call; the state Variables live until
 * `dispose()`. A subclass that passes its constructor's options to `super` gets them checked: only
 * `name`, `dtype` (float32) and the names in its static `optionNames` are accepted.
 *
 * @example
 * class Maximum extends Metric<[values: Tensor]> {
 *   private readonly max = this.addVariable('max', [], -Infinity);
 *   updateState(values: Tensor): void {
 *     tidy(() => { this.max.assign(ops.maximum(this.max, ops.max(values))); });
 *   }
 *   result(): Tensor { return ops.clone(this.max); }
 * }
 */
export abstract class Metric<Inputs extends unknown[] = [yTrue: Tensor, yPred: Tensor, sampleWeight?: SampleWeight]> {
  /** The name training logs use ('accuracy', 'mae', ...). */
  name: string;
  /**
   * Which way the metric improves ('up' for accuracy, 'down' for an error), or null when unknown:
   * the callbacks' `mode: 'auto'` follows it (Keras's `_direction`).
   */
  direction: 'up' | 'down' | null = null;
  /** The dtype of the state and of the result. */
  readonly dtype: DType = 'float32';
  private readonly state: { variable: Variable; initialValue: number }[] = [];
  /** The constructor's options besides `name` and `dtype` (a subclass with options lists them). */
  static readonly optionNames: Readonly<Record<string, true>> = {};

  /**
   * @param name The metric's name.
   * @param options The options the subclass's constructor was given, checked against its
   *   `optionNames` (Keras's unexpected keyword argument); left out, nothing is checked.
   */
  constructor(name: string, options?: object) {
    const metric = new.target.name;
    if (options !== undefined) checkMetricOptions(metric, options, new.target.optionNames);
    if (typeof name !== 'string' || name.length === 0) {
      throw new Error(`${metric}: name must be a non-empty string, got ${JSON.stringify(name)}.`);
    }
    this.name = name;
  }

  /** Accumulates the statistics of one batch. */
  abstract updateState(...inputs: Inputs): void;

  /** The metric's value as a scalar tensor (or rank-1 for several thresholds), computed on the backend. */
  abstract result(): Tensor;

  /**
   * Updates the state with one batch and returns the result (Keras's `metric(y_true, y_pred)`).
   *
   * @example
   * const similarity = new metrics.CosineSimilarity();
   * similarity.apply(anchorEmbedding, positiveEmbedding); // the running mean so far
   */
  apply(...inputs: Inputs): Tensor {
    this.updateState(...inputs);
    return this.result();
  }

  /** The state Variables (non-trainable), in creation order. */
  get variables(): readonly Variable[] {
    return this.state.map((s) => s.variable);
  }

  /** Returns every state Variable to its initial value. */
  resetState(): void {
    tidy(() => {
      for (const { variable, initialValue } of this.state) {
        const value = initialValue === 0 ? zeros(variable.shape) : scalar(initialValue).broadcastTo(variable.shape);
        variable.assign(value);
      }
    });
  }

  /** The options that rebuild this metric. */
  getConfig(): MetricConfig {
    return { name: this.name, dtype: this.dtype };
  }

  /** Frees the state Variables; the metric cannot be used afterwards. */
  dispose(): void {
    for (const { variable } of this.state) variable.dispose();
  }

  /**
   * Creates a non-trainable float32 state Variable filled with `initialValue`; `resetState` fills
   * it again. Also in Keras's form, `addVariable({ shape, initializer, name })`, with the
   * initializer 'zeros' (the default), 'ones' or a number.
   *
   * @example
   * this.truePositives = this.addVariable({ shape: [], name: 'ctp', initializer: 'zeros' });
   */
  protected addVariable(name: string, shape: readonly number[], initialValue?: number): Variable;
  protected addVariable(args: MetricVariableArgs): Variable;
  protected addVariable(nameOrArgs: string | MetricVariableArgs, shapeArg?: readonly number[], initialArg = 0): Variable {
    const [name, shape, initialValue] = typeof nameOrArgs === 'string' ? [nameOrArgs, shapeArg, initialArg] : metricVariableArgs(this.name, nameOrArgs, this.state.length);
    if (!Array.isArray(shape)) throw new Error(`${this.name}.addVariable('${name}'): shape must be a list of sizes ([] for a scalar), got ${String(shape)}.`);
    const value = tidy(() => (initialValue === 0 ? zeros(shape) : scalar(initialValue).broadcastTo(shape)));
    const variable = new Variable(value, { trainable: false, name: `${this.name}/${name}` });
    value.dispose();
    this.state.push({ variable, initialValue });
    return variable;
  }
}

/** Keras's `add_variable` arguments: the state's shape, how it starts (and is reset), its name. */
export interface MetricVariableArgs {
  shape: readonly number[];
  /** 'zeros' (default), 'ones', or a number filling the variable. */
  initializer?: 'zeros' | 'ones' | number;
  /** float32 only: metrics keep float32 state. */
  dtype?: DType;
  /** Default `variable_<index>`. */
  name?: string;
}

/** [name, shape, initial value] of Keras-form addVariable arguments, checked. */
function metricVariableArgs(metric: string, args: MetricVariableArgs, index: number): [string, readonly number[] | undefined, number] {
  if (args === null || typeof args !== 'object') throw new Error(`${metric}.addVariable: expected a name and a shape, or Keras's options { shape, initializer, name }; got ${String(args)}.`);
  checkOptionNames(`${metric}.addVariable`, args, { shape: true, initializer: true, dtype: true, name: true });
  const { shape, initializer = 'zeros', dtype = 'float32', name = `variable_${index}` } = args;
  if (dtype !== 'float32') throw new Error(`${metric}.addVariable('${name}'): invalid value for argument dtype. Expected 'float32' (metrics keep float32 state). Received: dtype=${String(dtype)}.`);
  const initialValue = initializer === 'zeros' ? 0 : initializer === 'ones' ? 1 : initializer;
  if (typeof initialValue !== 'number') {
    throw new Error(`${metric}.addVariable('${name}'): invalid value for argument initializer. Expected 'zeros', 'ones' or a number (the value resetState fills in). Received: initializer=${JSON.stringify(initializer)}.`);
  }
  return [name, shape, initialValue];
}

/** Rejects a non-object, unknown option names, and a dtype other than float32 (the state's). */
function checkMetricOptions(metric: string, options: unknown, optionNames: Readonly<Record<string, true>>): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(`${metric}: the constructor takes one options object ({ option: value, ... }, Keras's keyword arguments); got ${Array.isArray(options) ? 'an array' : options === null ? 'null' : typeof options}.`);
  }
  checkOptionNames(metric, options, { name: true, dtype: true, ...optionNames });
  const { dtype } = options as { dtype?: unknown };
  if (dtype !== undefined && dtype !== null && dtype !== 'float32') {
    throw new Error(`${metric}: invalid value for argument dtype. Expected 'float32' (metrics keep float32 state). Received: dtype=${String(dtype)}.`);
  }
}
