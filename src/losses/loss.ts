// The Loss base class (Keras's `keras.losses.Loss`): a subclass implements `call()`, giving one
// value per sample; `apply()` weights those values by an optional sample weight and reduces them.
// LossFunctionWrapper turns a plain loss function and its options into a Loss. A mask carried by
// the prediction or by the values `call` returns (see getMask; sparseCategoricalCrossentropy's
// ignoreClass sets one) weighs the values as Keras's apply_mask does: masked positions count for
// nothing, and the mean is over the unmasked ones. The base constructor checks the option names
// of every built-in loss. Everything here composes ops inside `tidy`, so intermediates are freed
// and gradients flow through the tape.

import { cast, divNoNan, mul } from '../ops/elementwise';
import { mean, sum } from '../ops/reduce';
import { expandDims } from '../ops/shape';
import { checkOptionNames } from '../ops/validate';
import { getMask } from '../tensor/mask';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { checkLossInput, squeezeOrExpandToSameRank } from './common';

/** Per-sample loss values: reduced over the last (feature) axis, of the batch dimensions' shape. */
export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

/**
 * How `Loss.apply` combines per-sample values: 'sum_over_batch_size' (the default) and 'mean' sum
 * them and divide by their number, 'mean_with_sample_weight' divides the sum by the sum of the
 * sample weights instead (by their number when there are none), 'sum' sums them, 'none' returns
 * them unchanged.
 */
export type Reduction = 'sum_over_batch_size' | 'mean' | 'mean_with_sample_weight' | 'sum' | 'none';

/** A reduction as users may write it: Keras's snake_case or camelCase; null is Keras's None, the same as 'none'. */
export type ReductionName = Reduction | 'sumOverBatchSize' | 'meanWithSampleWeight' | null;

const REDUCTIONS: readonly Reduction[] = ['sum_over_batch_size', 'mean', 'mean_with_sample_weight', 'sum', 'none'];

/** Options every Loss constructor accepts. */
export interface LossOptions {
  /** Defaults to 'sum_over_batch_size'; null (Keras's None) is 'none'. */
  reduction?: ReductionName;
  /** Defaults to the loss's snake_case name, e.g. 'mean_squared_error'. */
  name?: string;
}

/** What `getConfig()` returns: the constructor options that rebuild the loss. */
export interface LossConfig {
  name: string;
  reduction: Reduction;
  [option: string]: unknown;
}

/** The canonical (snake_case) reduction, or Keras's error for an unknown one. */
export function standardizeReduction(reduction: unknown): Reduction {
  if (reduction === null) return 'none';
  if (reduction === 'sumOverBatchSize') return 'sum_over_batch_size';
  if (reduction === 'meanWithSampleWeight') return 'mean_with_sample_weight';
  if (REDUCTIONS.includes(reduction as Reduction)) return reduction as Reduction;
  const expected = [...[...REDUCTIONS, 'sumOverBatchSize', 'meanWithSampleWeight'].map((r) => `'${r}'`), 'null'].join(', ');
  const received = typeof reduction === 'string' ? `'${reduction}'` : String(reduction);
  throw new Error(`Invalid value for argument reduction. Expected one of [${expected}]. Received: reduction=${received}`);
}

/**
 * Base class of all losses, as `keras.losses.Loss`. Subclasses implement `call(yTrue, yPred)`,
 * returning one value per sample; `apply(yTrue, yPred, sampleWeight?)` weights and reduces them
 * (a subclass may override `apply` instead, as Keras code overrides `__call__`).
 * The constructor takes `name` and `reduction`, and the names a subclass lists in its static
 * `optionNames`; any other option is an error (Keras's unexpected keyword argument).
 *
 * @example
 * class MeanCubicError extends Loss {
 *   constructor(options: LossOptions = {}) {
 *     super({ name: 'mean_cubic_error', ...options });
 *   }
 *   call(yTrue: Tensor, yPred: Tensor): Tensor {
 *     return yPred.sub(yTrue).abs().pow(3).mean(-1);
 *   }
 * }
 * const loss = new MeanCubicError().apply(yTrue, yPred);   // a scalar
 */
export abstract class Loss {
  /** The constructor's options besides `name` and `reduction` (a subclass with options lists them). */
  static readonly optionNames: Readonly<Record<string, true>> = {};
  readonly name: string;
  readonly reduction: Reduction;

  constructor(options: LossOptions = {}) {
    checkOptionNames(new.target.name, options, { name: true, reduction: true, ...new.target.optionNames });
    this.reduction = standardizeReduction(options.reduction === undefined ? 'sum_over_batch_size' : options.reduction);
    this.name = options.name ?? snakeCase(new.target.name);
  }

  /**
   * Per-sample loss values (not reduced). A subclass implements it, or overrides `apply` in its
   * place (Keras code that overrides `__call__` to return the reduced loss itself).
   */
  call(_yTrue: Tensor, _yPred: Tensor): Tensor {
    throw new Error(`${this.constructor.name}: a Loss subclass implements call(yTrue, yPred), returning per-sample values that apply() weights and reduces, or overrides apply(yTrue, yPred, sampleWeight) to return the reduced loss itself (Keras's __call__).`);
  }

  /**
   * The reduced loss, as Keras's `loss(y_true, y_pred, sample_weight)`: the per-sample values of
   * `call`, times `sampleWeight` (a number, or a tensor broadcasting against the values after
   * Keras's rank reconciliation), then reduced as `reduction` says. When `yPred` carries a mask (a
   * sequence output after Embedding's maskZero or Masking), or the values do (the samples
   * sparseCategoricalCrossentropy's ignoreClass leaves out), it multiplies the sample weight, and
   * the mean reductions divide by the number of unmasked values instead (see applyMask).
   */
  apply(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | number): Tensor {
    checkLossInput(this.name, 'yTrue', yTrue);
    checkLossInput(this.name, 'yPred', yPred);
    const inputMask = getMask(yPred);
    return tidy(() => {
      const values = this.call(yTrue, yPred);
      return reduceWeightedValues(values, sampleWeight, this.reduction, bothMasks(inputMask, getMask(values)));
    });
  }

  /** The options that rebuild this loss through `fromConfig`. */
  getConfig(): LossConfig {
    return { name: this.name, reduction: this.reduction };
  }

  /**
   * Builds a loss from `getConfig()`'s output.
   * @example
   * const copy = BinaryCrossentropy.fromConfig(new BinaryCrossentropy({ fromLogits: true }).getConfig());
   */
  static fromConfig<T extends Loss>(this: new (options: LossConfig) => T, config: LossConfig): T {
    return new this(config);
  }
}

/**
 * A Loss made from a loss function and the options passed to it on every call, as Keras's
 * `LossFunctionWrapper`; the built-in loss classes are such wrappers. Labels and predictions
 * whose ranks differ by a trailing 1 are reconciled first. A bare wrapper passes any option
 * besides `name` and `reduction` to `fn`; a subclass lists the options it passes in its static
 * `optionNames`, and the constructor rejects the others.
 *
 * @example
 * const huberLoss = new LossFunctionWrapper(huber, { delta: 2, name: 'huber_2', reduction: 'sum' });
 * const total = huberLoss.apply(yTrue, yPred);
 */
export class LossFunctionWrapper<O extends object = object> extends Loss {
  readonly fn: (yTrue: Tensor, yPred: Tensor, options: O) => Tensor;
  /** The options passed to `fn` on every call. */
  readonly fnOptions: O;

  constructor(fn: (yTrue: Tensor, yPred: Tensor, options: O) => Tensor, options: LossOptions & O = {} as LossOptions & O) {
    const { name, reduction, ...fnOptions } = options;
    if (typeof fn !== 'function') throw new Error(`LossFunctionWrapper: expected a loss function, got ${fn === null ? 'null' : typeof fn}.`);
    const resolvedName = name ?? (fn.name ? snakeCase(fn.name) : 'loss');
    // The options of a bare wrapper are fn's own, which only fn knows.
    super(new.target === LossFunctionWrapper ? { name: resolvedName, reduction } : { ...options, name: resolvedName });
    this.fn = fn;
    this.fnOptions = fnOptions as O;
  }

  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return tidy(() => {
      const [t, p] = squeezeOrExpandToSameRank(yTrue, yPred);
      return this.fn(t, p, this.fnOptions);
    });
  }

  /**
   * The base config and `fn`'s options; a bare wrapper also records `fn` by its name (the built-in
   * subclasses are rebuilt from their class alone).
   */
  override getConfig(): LossConfig {
    const fn = (this.constructor as unknown) === LossFunctionWrapper ? { fn: this.fn.name } : {};
    return { ...super.getConfig(), ...fn, ...this.fnOptions };
  }
}

/** The mask of the predictions and the mask of the loss values together (Keras's in_mask & out_mask). */
function bothMasks(inputMask: Tensor | null, valuesMask: Tensor | null): Tensor | null {
  if (!inputMask || !valuesMask) return inputMask ?? valuesMask;
  const [a, b] = squeezeOrExpandToSameRank(cast(inputMask, 'float32'), cast(valuesMask, 'float32'));
  return mul(a, b);
}

/**
 * Keras's `apply_mask`: the sample weight with the mask of the predictions folded in. The mask
 * (1 = data) multiplies the weight (or is the weight when there is none); for a mean reduction
 * ('sum_over_batch_size' or 'mean') it is first scaled by total / unmasked (0 when all are masked), so that the
 * mean over all values equals the sum over the unmasked ones divided by their number. A sample weight of
 * lower rank than the mask ([batch] against [batch, time]) weighs every step of its sample.
 *
 * @example
 * // mask [[1, 1, 0]]: weights [[1.5, 1.5, 0]], and mean(values * weights) = (v0 + v1) / 2
 * const weights = applyMask(undefined, mask, 'sum_over_batch_size');
 */
export function applyMask(sampleWeight: Tensor | number | undefined, mask: Tensor, reduction: Reduction): Tensor {
  return tidy(() => {
    let weight = mask.dtype === 'float32' ? mask : cast(mask, 'float32');
    if (reduction === 'sum_over_batch_size' || reduction === 'mean') weight = weight.mul(divNoNan(weight.size, sum(weight)));
    if (sampleWeight === undefined || sampleWeight === null) return weight;
    if (typeof sampleWeight === 'number') return weight.mul(sampleWeight);
    const [m, given] = squeezeOrExpandToSameRank(weight, sampleWeight.dtype === 'float32' ? sampleWeight : cast(sampleWeight, 'float32'));
    let w = given;
    // A weight per sample ([batch]) against a mask per step ([batch, time]) weighs each sample's steps
    // (Keras would broadcast it against the last axis instead).
    while (w.rank > 0 && w.rank < m.rank) w = expandDims(w, -1);
    return mul(m, w);
  });
}

/**
 * Keras's `reduce_weighted_values`: multiplies by the sample weight (when given, with the mask of
 * the predictions folded in by applyMask) and reduces. A scalar or empty set of values is returned
 * unreduced, as in Keras.
 */
export function reduceWeightedValues(values: Tensor, givenWeight: Tensor | number | undefined, reduction: Reduction, mask: Tensor | null = null): Tensor {
  if (givenWeight !== undefined && givenWeight !== null && typeof givenWeight !== 'number' && !givenWeight.isTensorInstance) {
    throw new Error(`Loss: sampleWeight must be a Tensor or a number, got ${Array.isArray(givenWeight) ? 'an array (wrap it with tensor(...))' : typeof givenWeight}.`);
  }
  const sampleWeight = mask ? applyMask(givenWeight, mask, reduction) : givenWeight;
  let weighted = values;
  // The weight as it multiplied the values, before broadcasting: mean_with_sample_weight divides by its sum.
  let weight: Tensor | number | null = null;
  if (typeof sampleWeight === 'number') {
    weighted = mul(values, sampleWeight);
    weight = sampleWeight;
  } else if (sampleWeight !== undefined && sampleWeight !== null) {
    const [v, w] = squeezeOrExpandToSameRank(values, sampleWeight.dtype === 'float32' ? sampleWeight : cast(sampleWeight, 'float32'));
    weighted = mul(v, w);
    weight = w;
  }
  if (reduction === 'none' || weighted.rank === 0 || weighted.size === 0) return weighted;
  if (reduction === 'sum') return sum(weighted);
  if (reduction === 'mean_with_sample_weight' && weight !== null) return divNoNan(sum(weighted), typeof weight === 'number' ? weight : sum(weight));
  // The mean over every element: one reduction kernel.
  return mean(weighted);
}

/** 'MeanSquaredError' -> 'mean_squared_error', 'KLDivergence' -> 'kl_divergence'. */
function snakeCase(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}
