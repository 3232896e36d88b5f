// Probabilistic losses, as Keras 3 defines them: binary, categorical and sparse categorical
// cross-entropy, the generalized cross-entropy of integer labels (noise-robust, between
// cross-entropy and mean absolute error), Kullback-Leibler divergence and Poisson. Probabilities are clipped to
// [epsilon, 1 - epsilon] before logs (config.epsilon(), read when the loss runs); from logits, the
// losses are computed stably (softplus-based sigmoid cross-entropy, logSoftmax) and never through
// a clipped probability. The categorical
// losses run as one fused op forward and one backward (src/ops/cross_entropy.ts); the sparse
// one's ignoreClass composes where/notEqual around that op and masks the values it returns, and
// its class axis, when it is not the last, is moved there by a transpose before the op.

import { epsilon } from '../backend/config';
import { formatShape } from '../backend/types';
import * as fused from '../ops/cross_entropy';
import { oneHot } from '../ops/creation';
import { clip, div, log, mul, notEqual, pow, softplus, sub, where } from '../ops/elementwise';
import { mean, sum } from '../ops/reduce';
import { squeeze, transpose } from '../ops/shape';
import { setMask } from '../tensor/mask';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { alignedPair, checkBoolean, checkLabelSmoothing, checkLossInput, exactPair, resolveAxis, toFloat } from './common';
import { LossFunctionWrapper, type LossOptions } from './loss';

export interface BinaryCrossentropyOptions {
  /** Whether yPred holds logits rather than probabilities. Default false. */
  fromLogits?: boolean;
  /** In [0, 1]: labels become y * (1 - s) + 0.5 * s. Default 0. */
  labelSmoothing?: number;
  /** The axis the per-element losses are averaged over. Default -1. */
  axis?: number;
}

/**
 * Binary cross-entropy, averaged over `axis`: -(y log p + (1 - y) log(1 - p)) with p clipped to
 * [epsilon, 1 - epsilon] (config.epsilon()), or from logits x as softplus(x) - x y.
 * @example
 * losses.binaryCrossentropy(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]]));   // [0.916, 0.714]
 * losses.binaryCrossentropy(labels, logits, { fromLogits: true, labelSmoothing: 0.1 });
 */
export function binaryCrossentropy(yTrue: Tensor, yPred: Tensor, options: BinaryCrossentropyOptions = {}): Tensor {
  const { fromLogits = false, labelSmoothing = 0, axis = -1 } = options;
  checkBoolean('binaryCrossentropy', 'fromLogits', fromLogits);
  checkLabelSmoothing('binaryCrossentropy', labelSmoothing);
  return tidy(() => {
    const [t, p] = alignedPair('binaryCrossentropy', yTrue, yPred);
    const along = resolveAxis('binaryCrossentropy', axis, p.rank);
    const labels = smoothBinaryLabels(t, labelSmoothing);
    return mean(fromLogits ? sigmoidCrossEntropyWithLogits(labels, p) : binaryCrossEntropyOfProbabilities(labels, p), along);
  });
}

/** y * (1 - s) + 0.5 * s: labels squeezed toward 0.5. */
export function smoothBinaryLabels(labels: Tensor, labelSmoothing: number): Tensor {
  return labelSmoothing ? labels.mul(1 - labelSmoothing).add(0.5 * labelSmoothing) : labels;
}

/** Element-wise -(y log p + (1 - y) log(1 - p)), p clipped to [epsilon, 1 - epsilon]. */
export function binaryCrossEntropyOfProbabilities(labels: Tensor, probabilities: Tensor): Tensor {
  const clipAt = epsilon();
  const p = clip(probabilities, clipAt, 1 - clipAt);
  return labels.mul(log(p)).add(sub(1, labels).mul(log(sub(1, p)))).neg();
}

/** Element-wise softplus(x) - x y: the cross-entropy of sigmoid(x), exact for large |x|. */
function sigmoidCrossEntropyWithLogits(labels: Tensor, logits: Tensor): Tensor {
  return softplus(logits).sub(logits.mul(labels));
}

export interface CategoricalCrossentropyOptions {
  /** Whether yPred holds logits rather than a probability distribution. Default false. */
  fromLogits?: boolean;
  /** In [0, 1]: labels become y * (1 - s) + s / numClasses. Default 0. */
  labelSmoothing?: number;
  /** The class axis. Default -1. */
  axis?: number;
}

const ONE_HOT_HINT = 'categorical crossentropy expects one-hot labels of the same shape (use sparseCategoricalCrossentropy for integer labels)';

/**
 * Categorical cross-entropy over the class `axis` with one-hot (or soft) labels of yPred's shape:
 * -sum(y log p), p renormalized to sum to 1 and clipped to [epsilon, 1 - epsilon], or
 * -sum(y logSoftmax(x)) from logits.
 * @example
 * losses.categoricalCrossentropy(tensor([[0, 1, 0], [0, 0, 1]]), tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]]));   // [0.0513, 2.303]
 */
export function categoricalCrossentropy(yTrue: Tensor, yPred: Tensor, options: CategoricalCrossentropyOptions = {}): Tensor {
  const { fromLogits = false, labelSmoothing = 0, axis = -1 } = options;
  checkBoolean('categoricalCrossentropy', 'fromLogits', fromLogits);
  checkLabelSmoothing('categoricalCrossentropy', labelSmoothing);
  return tidy(() => {
    const [t, p] = exactPair('categoricalCrossentropy', yTrue, yPred, ONE_HOT_HINT);
    const along = resolveAxis('categoricalCrossentropy', axis, p.rank);
    const labels = smoothCategoricalLabels(t, labelSmoothing, p.shape[along]);
    return fused.categoricalCrossentropy(labels, p, { fromLogits, axis: along });
  });
}

/** y * (1 - s) + s / numClasses. */
export function smoothCategoricalLabels(labels: Tensor, labelSmoothing: number, numClasses: number): Tensor {
  return labelSmoothing ? labels.mul(1 - labelSmoothing).add(labelSmoothing / numClasses) : labels;
}

/** p / sum(p) along `axis`, clipped to [epsilon, 1 - epsilon], as Keras does before taking logs. */
export function normalizedProbabilities(probabilities: Tensor, axis: number): Tensor {
  const clipAt = epsilon();
  return clip(probabilities.div(sum(probabilities, axis, true)), clipAt, 1 - clipAt);
}

export interface SparseCategoricalCrossentropyOptions {
  /** Whether yPred holds logits rather than a probability distribution. Default false. */
  fromLogits?: boolean;
  /**
   * A label left out of the loss (a "void" class such as -1 or 255 in segmentation maps): its
   * samples give 0 and are masked, so a Loss's mean is over the other samples. Default null.
   */
  ignoreClass?: number | null;
  /**
   * The class axis of yPred (Keras's `axis`, the features axis). Default -1. Labels have yPred's
   * shape without it (or with a 1 there).
   */
  axis?: number;
}

/**
 * Categorical cross-entropy with integer class labels (int32 or integral float32) of shape
 * [batch] or [batch, 1] (any batch dimensions: yPred's shape without its class `axis`, the last by
 * default, or with a 1 there). Equal to categoricalCrossentropy of the one-hot labels; a label
 * outside [0, numClasses) gives a NaN loss (as TensorFlow on a GPU), which fit reports, rather
 * than a silent 0. With `ignoreClass`, samples of that label give 0 (whatever their label's range)
 * and the result carries a mask of the other samples (see getMask), as Keras sets one.
 * @example
 * losses.sparseCategoricalCrossentropy(tensor([1, 2], [2], 'int32'), tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]]));   // [0.0513, 2.303]
 * losses.sparseCategoricalCrossentropy(tensor([1, 255], [2], 'int32'), probabilities, { ignoreClass: 255 });   // [0.0513, 0]
 * losses.sparseCategoricalCrossentropy(labels, channelsFirstScores, { axis: 1 });   // labels [b, h, w], scores [b, classes, h, w]
 */
export function sparseCategoricalCrossentropy(yTrue: Tensor, yPred: Tensor, options: SparseCategoricalCrossentropyOptions = {}): Tensor {
  const name = 'sparseCategoricalCrossentropy';
  const { fromLogits = false, ignoreClass = null, axis = -1 } = options;
  checkBoolean(name, 'fromLogits', fromLogits);
  if (ignoreClass !== null && !Number.isInteger(ignoreClass)) {
    throw new Error(`${name}: ignoreClass must be an integer class id or null. Received: ignoreClass=${String(ignoreClass)}`);
  }
  checkLossInput(name, 'yTrue', yTrue);
  checkLossInput(name, 'yPred', yPred);
  const along = resolveAxis(name, axis, yPred.rank);
  const last = along === yPred.rank - 1;
  const batchShape = yPred.shape.filter((_, i) => i !== along);
  const withOne = yPred.shape.map((d, i) => (i === along ? 1 : d));
  if (yTrue.rank === yPred.rank && yTrue.shape[along] !== 1) {
    const found = last ? `a last dimension of ${yTrue.shape[along]}` : `a dimension of ${yTrue.shape[along]} at the class axis ${axis}`;
    throw new Error(`${name}: yTrue shape ${formatShape(yTrue.shape)} has ${found}, but sparse labels are class indices of shape ${formatShape(batchShape)} or ${formatShape(withOne)}; for one-hot labels of yPred's shape ${formatShape(yPred.shape)}, use categoricalCrossentropy.`);
  }
  const labelShape = yTrue.rank === yPred.rank ? yTrue.shape.filter((_, i) => i !== along) : yTrue.shape;
  if (labelShape.length !== batchShape.length || labelShape.some((d, i) => d !== batchShape[i])) {
    throw new Error(`${name}: yTrue shape ${formatShape(yTrue.shape)} does not match yPred shape ${formatShape(yPred.shape)}; expected class indices of shape ${formatShape(batchShape)} or ${formatShape(withOne)} (yPred's shape without its class axis).`);
  }
  return tidy(() => {
    const indices = yTrue.rank === yPred.rank ? squeeze(yTrue, along) : yTrue;
    // The fused op reads classes on the last axis: move the class axis there, the others in order.
    const scores = last ? toFloat(yPred) : transpose(toFloat(yPred), [...yPred.shape.keys()].filter((d) => d !== along).concat(along));
    if (ignoreClass === null) return fused.sparseCategoricalCrossentropy(indices, scores, { fromLogits });
    // Ignored samples take class 0, so that a label out of range gives no NaN, then a loss of 0.
    const valid = notEqual(indices, ignoreClass);
    const values = where(valid, fused.sparseCategoricalCrossentropy(where(valid, indices, 0), scores, { fromLogits }), 0);
    setMask(values, valid);
    return values;
  });
}

export interface CategoricalGeneralizedCrossEntropyOptions {
  /** The noise parameter, in (0, 1): near 0 the loss behaves as cross-entropy, near 1 as mean absolute error. Default 0.5. */
  q?: number;
}

function checkQ(loss: string, q: unknown): void {
  if (typeof q !== 'number' || !(q > 0 && q < 1)) throw new Error(`${loss}: q must be in the interval (0, 1). Received: q=${String(q)}.`);
}

/**
 * The generalized cross-entropy (Zhang and Sabuncu, 2018) of integer class labels (int32 or
 * float32, truncated; shape [batch], or [batch, 1]) against predicted probabilities [batch,
 * classes]: (1 - p^q) / q, where p is the probability of the true class (not clipped, as Keras;
 * a label outside [0, classes) counts as p = 0, giving 1 / q). As keras.losses
 * .categorical_generalized_cross_entropy, whose `q` has no default; here it defaults to 0.5, the
 * class's default.
 * @example
 * losses.categoricalGeneralizedCrossEntropy(tensor([0, 1], [2], 'int32'), tensor([[0.7, 0.3], [0.2, 0.8]]));   // [0.3267, 0.2111]
 */
export function categoricalGeneralizedCrossEntropy(yTrue: Tensor, yPred: Tensor, options: CategoricalGeneralizedCrossEntropyOptions = {}): Tensor {
  const name = 'categoricalGeneralizedCrossEntropy';
  const { q = 0.5 } = options;
  checkQ(name, q);
  checkLossInput(name, 'yTrue', yTrue);
  checkLossInput(name, 'yPred', yPred);
  // Keras's docstring allows labels of shape [batch, 1]; its one_hot would broadcast them against the
  // predictions into [batch, batch], so the trailing 1 is dropped here.
  const labels = yTrue.rank === yPred.rank && yTrue.shape[yTrue.rank - 1] === 1 ? squeeze(yTrue, -1) : yTrue;
  if (labels.rank !== yPred.rank - 1 || labels.shape.some((d, i) => d !== yPred.shape[i])) {
    throw new Error(`${name}: yTrue shape ${formatShape(yTrue.shape)} does not match yPred shape ${formatShape(yPred.shape)}; expected class indices of shape ${formatShape(yPred.shape.slice(0, -1))} or ${formatShape([...yPred.shape.slice(0, -1), 1])}.`);
  }
  return tidy(() => {
    const probabilities = toFloat(yPred);
    const truth = oneHot(labels, probabilities.shape[probabilities.rank - 1]);
    const p = sum(mul(probabilities, truth), -1);
    return div(sub(1, pow(p, q)), q);
  });
}

/**
 * Kullback-Leibler divergence over the last axis: sum(y log(y / p)), both clipped to [epsilon, 1] (config.epsilon()).
 * @example
 * losses.klDivergence(tensor([[0.2, 0.8]]), tensor([[0.4, 0.6]]));
 */
export function klDivergence(yTrue: Tensor, yPred: Tensor): Tensor {
  return tidy(() => {
    const [t, p] = alignedPair('klDivergence', yTrue, yPred);
    const floor = epsilon();
    const y = clip(t, floor, 1);
    return sum(y.mul(log(y.div(clip(p, floor, 1)))), -1);
  });
}

/** Same as klDivergence (Keras's legacy alias). */
export const kld = klDivergence;

/**
 * Poisson loss over the last axis: mean(p - y log(p + epsilon)), epsilon = config.epsilon().
 * @example
 * losses.poisson(tensor([[4, 8, 12]]), tensor([[1, 9, 2]]));
 */
export function poisson(yTrue: Tensor, yPred: Tensor): Tensor {
  return tidy(() => {
    const [t, p] = alignedPair('poisson', yTrue, yPred);
    return mean(p.sub(t.mul(log(p.add(epsilon())))), -1);
  });
}

/**
 * Binary cross-entropy as a Loss.
 * @example
 * const bce = new BinaryCrossentropy({ fromLogits: true });
 * bce.apply(tensor([0, 1, 0, 0]), tensor([-18.6, 0.51, 2.94, -12.8]));   // 0.8654
 */
export class BinaryCrossentropy extends LossFunctionWrapper<Required<BinaryCrossentropyOptions>> {
  static override readonly optionNames = { fromLogits: true, labelSmoothing: true, axis: true } satisfies Record<keyof BinaryCrossentropyOptions, true>;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;

  constructor(options: LossOptions & BinaryCrossentropyOptions = {}) {
    const { fromLogits = false, labelSmoothing = 0, axis = -1, ...rest } = options;
    super(binaryCrossentropy, { name: 'binary_crossentropy', ...rest, fromLogits, labelSmoothing, axis });
    this.fromLogits = fromLogits;
    this.labelSmoothing = labelSmoothing;
    this.axis = axis;
  }
}

/**
 * Categorical cross-entropy (one-hot labels) as a Loss.
 * @example
 * const cce = new CategoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 });
 * const loss = cce.apply(oneHotLabels, logits);
 */
export class CategoricalCrossentropy extends LossFunctionWrapper<Required<CategoricalCrossentropyOptions>> {
  static override readonly optionNames = { fromLogits: true, labelSmoothing: true, axis: true } satisfies Record<keyof CategoricalCrossentropyOptions, true>;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;

  constructor(options: LossOptions & CategoricalCrossentropyOptions = {}) {
    const { fromLogits = false, labelSmoothing = 0, axis = -1, ...rest } = options;
    super(categoricalCrossentropy, { name: 'categorical_crossentropy', ...rest, fromLogits, labelSmoothing, axis });
    this.fromLogits = fromLogits;
    this.labelSmoothing = labelSmoothing;
    this.axis = axis;
  }
}

/**
 * Sparse categorical cross-entropy (integer labels) as a Loss. With `ignoreClass`, the samples of
 * that label count for nothing, and the default reduction is the mean over the others.
 * @example
 * const scce = new SparseCategoricalCrossentropy({ fromLogits: true });
 * const loss = scce.apply(tensor([1, 2], [2], 'int32'), logits);
 * new SparseCategoricalCrossentropy({ ignoreClass: 255 }).apply(segmentationLabels, probabilities);
 */
export class SparseCategoricalCrossentropy extends LossFunctionWrapper<Required<SparseCategoricalCrossentropyOptions>> {
  static override readonly optionNames = { fromLogits: true, ignoreClass: true, axis: true } satisfies Record<keyof SparseCategoricalCrossentropyOptions, true>;
  readonly fromLogits: boolean;
  readonly ignoreClass: number | null;
  readonly axis: number;

  constructor(options: LossOptions & SparseCategoricalCrossentropyOptions = {}) {
    const { fromLogits = false, ignoreClass = null, axis = -1, ...rest } = options;
    if (!Number.isInteger(axis)) throw new Error(`SparseCategoricalCrossentropy: invalid value for argument axis. Expected an integer. Received: axis=${String(axis)}.`);
    super(sparseCategoricalCrossentropy, { name: 'sparse_categorical_crossentropy', ...rest, fromLogits, ignoreClass, axis });
    this.fromLogits = fromLogits;
    this.ignoreClass = ignoreClass;
    this.axis = axis;
  }
}

/**
 * The generalized cross-entropy of integer labels as a Loss (keras.losses
 * .CategoricalGeneralizedCrossEntropy): robust to noisy labels; `q` in (0, 1), default 0.5.
 * @example
 * const gce = new CategoricalGeneralizedCrossEntropy({ q: 0.7 });
 * gce.apply(tensor([0, 1, 0, 1], [4], 'int32'), tensor([[0.7, 0.3], [0.2, 0.8], [0.6, 0.4], [0.4, 0.6]]));
 */
export class CategoricalGeneralizedCrossEntropy extends LossFunctionWrapper<Required<CategoricalGeneralizedCrossEntropyOptions>> {
  static override readonly optionNames = { q: true } satisfies Record<keyof CategoricalGeneralizedCrossEntropyOptions, true>;
  readonly q: number;

  constructor(options: LossOptions & CategoricalGeneralizedCrossEntropyOptions = {}) {
    const { q = 0.5, ...rest } = options;
    checkQ('CategoricalGeneralizedCrossEntropy', q);
    super(categoricalGeneralizedCrossEntropy, { name: 'categorical_generalized_cross_entropy', ...rest, q });
    this.q = q;
  }
}

/**
 * Kullback-Leibler divergence as a Loss.
 * @example
 * new KLDivergence().apply(yTrue, yPred);
 */
export class KLDivergence extends LossFunctionWrapper {
  constructor(options: LossOptions = {}) {
    super(klDivergence, { name: 'kl_divergence', ...options });
  }
}

/**
 * Poisson loss as a Loss.
 * @example
 * new Poisson().apply(counts, rates);
 */
export class Poisson extends LossFunctionWrapper {
  constructor(options: LossOptions = {}) {
    super(poisson, { name: 'poisson', ...options });
  }
}
