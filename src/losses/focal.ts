// Focal losses (Lin et al. 2017). `focalLoss` is the widely used TensorFlow sigmoid focal loss:
// the fused op ops.sigmoidFocalLoss (one kernel forward, one for its gradient) summed over every
// entry. BinaryFocalCrossentropy and CategoricalFocalCrossentropy follow Keras 3's formulas and
// defaults, composed from ops.

import { pow, sigmoid, sub } from '../ops/elementwise';
import { sigmoidFocalLoss } from '../ops/focal_loss';
import { mean, sum } from '../ops/reduce';
import { softmax } from '../ops/softmax';
import { tensor } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { alignedPair, checkBoolean, checkLabelSmoothing, checkNonNegative, exactPair, resolveAxis } from './common';
import type { LossFunction, LossOptions } from './loss';
import { LossFunctionWrapper } from './loss';
import { binaryCrossEntropyOfProbabilities, normalizedProbabilities, smoothBinaryLabels, smoothCategoricalLabels } from './probabilistic';

export interface SigmoidFocalLossOptions {
  /** Weight of the positive term; the negative term gets 1 - alpha. Default 0.25. */
  alpha?: number;
  /** Focusing exponent, >= 0. Default 2. */
  gamma?: number;
}

/**
 * The sigmoid focal loss of Lin et al. 2017 as the widely used TensorFlow implementation writes
 * it: a LossFunction whose yPred are LOGITS, giving the SUM over all entries (a scalar) of
 * -alpha (y - p)^gamma log p for positive labels and -(1 - alpha) p^gamma log(1 - p) for the
 * others, p = clip(sigmoid(logit), 1e-8, 1). Forward and gradient each run as one fused kernel.
 * @example
 * const loss = losses.focalLoss({ alpha: 0.25, gamma: 2 });
 * const total = loss(labels, logits);   // scalar; divide by the number of positives if wanted
 */
export function focalLoss({ alpha = 0.25, gamma = 2 }: SigmoidFocalLossOptions = {}): LossFunction {
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) throw new Error(`focalLoss: alpha must be a finite number. Received: alpha=${String(alpha)}`);
  checkNonNegative('focalLoss', 'gamma', gamma);
  return function focalLoss(yTrue: Tensor, yPred: Tensor): Tensor {
    return tidy(() => {
      const [labels, logits] = exactPair('focalLoss', yTrue, yPred, 'focalLoss expects one label per logit');
      return sum(sigmoidFocalLoss(labels, logits, { alpha, gamma }));
    });
  };
}

export interface BinaryFocalCrossentropyOptions {
  /** Weight the classes: alpha for label 1, 1 - alpha for label 0. Default false. */
  applyClassBalancing?: boolean;
  /** The class-1 weight when applyClassBalancing. Default 0.25. */
  alpha?: number;
  /** Focusing exponent of the focal factor (1 - p_t)^gamma. Default 2. */
  gamma?: number;
  /** Whether yPred holds logits rather than probabilities. Default false. */
  fromLogits?: boolean;
  /** In [0, 1]: labels become y * (1 - s) + 0.5 * s. Default 0. */
  labelSmoothing?: number;
  /** The axis the per-element losses are averaged over. Default -1. */
  axis?: number;
}

/**
 * Binary focal cross-entropy, averaged over `axis`, as Keras 3: the binary cross-entropy (p
 * clipped to [epsilon, 1 - epsilon], config.epsilon()) times (1 - p_t)^gamma with p_t = y p + (1 - y)(1 - p), times
 * alpha y + (1 - alpha)(1 - y) when applyClassBalancing.
 * @example
 * losses.binaryFocalCrossentropy(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]]), { gamma: 2 });   // [0.330, 0.206]
 */
export function binaryFocalCrossentropy(yTrue: Tensor, yPred: Tensor, options: BinaryFocalCrossentropyOptions = {}): Tensor {
  const name = 'binaryFocalCrossentropy';
  const { applyClassBalancing = false, alpha = 0.25, gamma = 2, fromLogits = false, labelSmoothing = 0, axis = -1 } = options;
  checkBoolean(name, 'applyClassBalancing', applyClassBalancing);
  checkBoolean(name, 'fromLogits', fromLogits);
  checkLabelSmoothing(name, labelSmoothing);
  checkNonNegative(name, 'gamma', gamma);
  return tidy(() => {
    const [t, p] = alignedPair(name, yTrue, yPred);
    const along = resolveAxis(name, axis, p.rank);
    const labels = smoothBinaryLabels(t, labelSmoothing);
    const probabilities = fromLogits ? sigmoid(p) : p;
    let loss = binaryCrossEntropyOfProbabilities(labels, probabilities);
    if (gamma !== 0) {
      const pT = labels.mul(probabilities).add(sub(1, labels).mul(sub(1, probabilities)));
      loss = loss.mul(pow(sub(1, pT), gamma));
    }
    if (applyClassBalancing) loss = loss.mul(labels.mul(alpha).add(sub(1, labels).mul(1 - alpha)));
    return mean(loss, along);
  });
}

export interface CategoricalFocalCrossentropyOptions {
  /** Weight of every class (a number) or of each class (one number per class). Default 0.25. */
  alpha?: number | readonly number[];
  /** Focusing exponent of the modulating factor (1 - p)^gamma. Default 2. */
  gamma?: number;
  /** Whether yPred holds logits rather than a probability distribution. Default false. */
  fromLogits?: boolean;
  /** In [0, 1]: labels become y * (1 - s) + s / numClasses. Default 0. */
  labelSmoothing?: number;
  /** The class axis. Default -1. */
  axis?: number;
}

/**
 * Categorical focal cross-entropy over the class `axis`, as Keras 3: sum(alpha (1 - p)^gamma *
 * -y log p), p renormalized to sum to 1 and clipped to [epsilon, 1 - epsilon] (softmax first from logits).
 * @example
 * losses.categoricalFocalCrossentropy(tensor([[0, 1, 0], [0, 0, 1]]), tensor([[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]]));   // [2.634e-4, 0.6759]
 */
export function categoricalFocalCrossentropy(yTrue: Tensor, yPred: Tensor, options: CategoricalFocalCrossentropyOptions = {}): Tensor {
  const name = 'categoricalFocalCrossentropy';
  const { alpha = 0.25, gamma = 2, fromLogits = false, labelSmoothing = 0, axis = -1 } = options;
  checkBoolean(name, 'fromLogits', fromLogits);
  checkLabelSmoothing(name, labelSmoothing);
  checkNonNegative(name, 'gamma', gamma);
  return tidy(() => {
    const [t, p] = exactPair(name, yTrue, yPred, 'categorical focal crossentropy expects one-hot labels of the same shape');
    const along = resolveAxis(name, axis, p.rank);
    const numClasses = p.shape[along];
    const labels = smoothCategoricalLabels(t, labelSmoothing, numClasses);
    const output = normalizedProbabilities(fromLogits ? softmax(p, along) : p, along);
    let loss = labels.mul(output.log()).neg();
    if (gamma !== 0) loss = loss.mul(pow(sub(1, output), gamma));
    return sum(loss.mul(classWeights(name, alpha, numClasses, p.rank, along)), along);
  });
}

/** alpha as a number, or per-class weights shaped to broadcast along the class axis. */
function classWeights(loss: string, alpha: number | readonly number[], numClasses: number, rank: number, axis: number): number | Tensor {
  if (typeof alpha === 'number') return alpha;
  if (!Array.isArray(alpha) || alpha.length !== numClasses || alpha.some((a) => typeof a !== 'number')) {
    throw new Error(`${loss}: alpha must be a number or a list of ${numClasses} numbers (one per class). Received: alpha=${JSON.stringify(alpha)}`);
  }
  return tensor([...alpha], [numClasses, ...new Array<number>(rank - 1 - axis).fill(1)]);
}

/**
 * Binary focal cross-entropy as a Loss.
 * @example
 * const loss = new BinaryFocalCrossentropy({ gamma: 2, fromLogits: true });
 * loss.apply(tensor([0, 1, 0, 0]), tensor([-18.6, 0.51, 2.94, -12.8]));   // 0.691
 */
export class BinaryFocalCrossentropy extends LossFunctionWrapper<Required<BinaryFocalCrossentropyOptions>> {
  static override readonly optionNames = {
    applyClassBalancing: true, alpha: true, gamma: true, fromLogits: true, labelSmoothing: true, axis: true,
  } satisfies Record<keyof BinaryFocalCrossentropyOptions, true>;
  readonly applyClassBalancing: boolean;
  readonly alpha: number;
  readonly gamma: number;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;

  constructor(options: LossOptions & BinaryFocalCrossentropyOptions = {}) {
    const { applyClassBalancing = false, alpha = 0.25, gamma = 2, fromLogits = false, labelSmoothing = 0, axis = -1, ...rest } = options;
    super(binaryFocalCrossentropy, { name: 'binary_focal_crossentropy', ...rest, applyClassBalancing, alpha, gamma, fromLogits, labelSmoothing, axis });
    this.applyClassBalancing = applyClassBalancing;
    this.alpha = alpha;
    this.gamma = gamma;
    this.fromLogits = fromLogits;
    this.labelSmoothing = labelSmoothing;
    this.axis = axis;
  }
}

/**
 * Categorical focal cross-entropy as a Loss.
 * @example
 * const loss = new CategoricalFocalCrossentropy({ alpha: [0.25, 0.5, 0.25], fromLogits: true });
 * loss.apply(oneHotLabels, logits);
 */
export class CategoricalFocalCrossentropy extends LossFunctionWrapper<Required<CategoricalFocalCrossentropyOptions>> {
  static override readonly optionNames = { alpha: true, gamma: true, fromLogits: true, labelSmoothing: true, axis: true } satisfies Record<keyof CategoricalFocalCrossentropyOptions, true>;
  readonly alpha: number | readonly number[];
  readonly gamma: number;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;

  constructor(options: LossOptions & CategoricalFocalCrossentropyOptions = {}) {
    const { alpha = 0.25, gamma = 2, fromLogits = false, labelSmoothing = 0, axis = -1, ...rest } = options;
    super(categoricalFocalCrossentropy, { name: 'categorical_focal_crossentropy', ...rest, alpha, gamma, fromLogits, labelSmoothing, axis });
    this.alpha = alpha;
    this.gamma = gamma;
    this.fromLogits = fromLogits;
    this.labelSmoothing = labelSmoothing;
    this.axis = axis;
  }
}
