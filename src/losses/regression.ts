// Regression losses, as Keras 3 defines them: mean squared / absolute / absolute percentage /
// squared logarithmic error, Huber, log-cosh and cosine similarity. Each is a function giving one
// value per sample (reduced over the last axis) and a LossFunctionWrapper class with Keras's name
// and defaults. Labels and predictions must have the same shape (up to a trailing 1).

import { abs, maximum, softplus, square, squaredDifference, where, log1p } from '../ops/elementwise';
import { mean, sum } from '../ops/reduce';
import { normalize } from '../ops/linalg';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { epsilon } from '../backend/config';
import { alignedPair, checkNonNegative, resolveAxis } from './common';
import { LossFunctionWrapper, type LossOptions } from './loss';

/**
 * mean((yTrue - yPred)^2) over the last axis.
 * @example
 * losses.meanSquaredError(tensor([[1, 0, 1]]), tensor([[0.9, 0.1, 0.8]]));   // [0.02]
 */
export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Tensor {
  return tidy(() => {
    const [t, p] = alignedPair('meanSquaredError', yTrue, yPred);
    return mean(squaredDifference(t, p), -1);
  });
}

/**
 * mean(|yTrue - yPred|) over the last axis.
 * @example
 * losses.meanAbsoluteError(tensor([[1, 0.3, 1]]), tensor([[1.9, 0.3, 1.8]]));   // [0.5667]
 */
export function meanAbsoluteError(yTrue: Tensor, yPred: Tensor): Tensor {
  return tidy(() => {
    const [t, p] = alignedPair('meanAbsoluteError', yTrue, yPred);
    return mean(abs(t.sub(p)), -1);
  });
}

/**
 * 100 * mean(|(yTrue - yPred) / yTrue|) over the last axis; |yTrue| is floored at config.epsilon().
 * @example
 * losses.meanAbsolutePercentageError(tensor([[100, 200, 300]]), tensor([[90, 210, 310]]));   // [6.111]
 */
export function meanAbsolutePercentageError(yTrue: Tensor, yPred: Tensor): Tensor {
  return tidy(() => {
    const [t, p] = alignedPair('meanAbsolutePercentageError', yTrue, yPred);
    return mean(abs(t.sub(p).div(maximum(abs(t), epsilon()))), -1).mul(100);
  });
}

/**
 * mean((log(1 + yPred) - log(1 + yTrue))^2) over the last axis; both are floored at config.epsilon() first.
 * @example
 * losses.meanSquaredLogarithmicError(tensor([[1, 9, 2]]), tensor([[4, 8, 12]]));
 */
export function meanSquaredLogarithmicError(yTrue: Tensor, yPred: Tensor): Tensor {
  return tidy(() => {
    const [t, p] = alignedPair('meanSquaredLogarithmicError', yTrue, yPred);
    const floor = epsilon();
    return mean(squaredDifference(log1p(maximum(p, floor)), log1p(maximum(t, floor))), -1);
  });
}

export interface HuberOptions {
  /** Where the loss turns from quadratic to linear. Default 1. */
  delta?: number;
}

/**
 * Huber loss over the last axis: 0.5 * e^2 where |e| <= delta, delta * |e| - 0.5 * delta^2
 * elsewhere, with e = yPred - yTrue.
 * @example
 * losses.huber(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]]));   // [0.18, 0.13]
 */
export function huber(yTrue: Tensor, yPred: Tensor, options: HuberOptions = {}): Tensor {
  const { delta = 1 } = options;
  checkNonNegative('huber', 'delta', delta);
  return tidy(() => {
    const [t, p] = alignedPair('huber', yTrue, yPred);
    const error = p.sub(t);
    const absError = abs(error);
    const quadratic = square(error).mul(0.5);
    const linear = absError.mul(delta).sub(0.5 * delta * delta);
    return mean(where(absError.lessEqual(delta), quadratic, linear), -1);
  });
}

/**
 * mean(log(cosh(yPred - yTrue))) over the last axis, computed as x + softplus(-2x) - log(2) so
 * large errors do not overflow.
 * @example
 * losses.logCosh(tensor([[0, 1], [0, 0]]), tensor([[1, 1], [0, 0]]));   // [0.2169, 0]
 */
export function logCosh(yTrue: Tensor, yPred: Tensor): Tensor {
  return tidy(() => {
    const [t, p] = alignedPair('logCosh', yTrue, yPred);
    const error = p.sub(t);
    return mean(error.add(softplus(error.mul(-2))).sub(Math.LN2), -1);
  });
}

export interface CosineSimilarityOptions {
  /** The feature axis along which the similarity is computed. Default -1. */
  axis?: number;
}

/**
 * The negated cosine similarity along `axis`: -sum(l2normalize(yTrue) * l2normalize(yPred)),
 * in [-1, 1]; -1 means the vectors point the same way, and a zero vector gives 0.
 * @example
 * losses.cosineSimilarity(tensor([[0, 1], [1, 1]]), tensor([[1, 0], [1, 1]]));   // [0, -1]
 */
export function cosineSimilarity(yTrue: Tensor, yPred: Tensor, options: CosineSimilarityOptions = {}): Tensor {
  const { axis = -1 } = options;
  return tidy(() => {
    const [t, p] = alignedPair('cosineSimilarity', yTrue, yPred);
    const along = resolveAxis('cosineSimilarity', axis, p.rank);
    return sum(normalize(t, along).mul(normalize(p, along)), along).neg();
  });
}

/**
 * Mean squared error as a Loss.
 * @example
 * new MeanSquaredError().apply(tensor([1, 0, 1]), tensor([0.9, 0.1, 0.8]));   // 0.02
 */
export class MeanSquaredError extends LossFunctionWrapper {
  constructor(options: LossOptions = {}) {
    super(meanSquaredError, { name: 'mean_squared_error', ...options });
  }
}

/**
 * Mean absolute error as a Loss.
 * @example
 * new MeanAbsoluteError({ reduction: 'sum' }).apply(yTrue, yPred);
 */
export class MeanAbsoluteError extends LossFunctionWrapper {
  constructor(options: LossOptions = {}) {
    super(meanAbsoluteError, { name: 'mean_absolute_error', ...options });
  }
}

/**
 * Mean absolute percentage error as a Loss.
 * @example
 * new MeanAbsolutePercentageError().apply(tensor([100, 200, 300]), tensor([90, 210, 310]));   // 6.111
 */
export class MeanAbsolutePercentageError extends LossFunctionWrapper {
  constructor(options: LossOptions = {}) {
    super(meanAbsolutePercentageError, { name: 'mean_absolute_percentage_error', ...options });
  }
}

/**
 * Mean squared logarithmic error as a Loss.
 * @example
 * new MeanSquaredLogarithmicError().apply(yTrue, yPred);
 */
export class MeanSquaredLogarithmicError extends LossFunctionWrapper {
  constructor(options: LossOptions = {}) {
    super(meanSquaredLogarithmicError, { name: 'mean_squared_logarithmic_error', ...options });
  }
}

/**
 * Huber loss as a Loss (delta defaults to 1).
 * @example
 * new Huber({ delta: 0.5 }).apply(yTrue, yPred);
 */
export class Huber extends LossFunctionWrapper<Required<HuberOptions>> {
  static override readonly optionNames = { delta: true } satisfies Record<keyof HuberOptions, true>;
  readonly delta: number;

  constructor(options: LossOptions & HuberOptions = {}) {
    const { delta = 1, ...rest } = options;
    super(huber, { name: 'huber_loss', ...rest, delta });
    this.delta = delta;
  }
}

/**
 * Log-cosh loss as a Loss.
 * @example
 * new LogCosh().apply(tensor([[0, 1], [0, 0]]), tensor([[1, 1], [0, 0]]));   // 0.108
 */
export class LogCosh extends LossFunctionWrapper {
  constructor(options: LossOptions = {}) {
    super(logCosh, { name: 'log_cosh', ...options });
  }
}

/**
 * Negated cosine similarity as a Loss (axis defaults to -1).
 * @example
 * new CosineSimilarity({ axis: -1 }).apply(yTrue, yPred);
 */
export class CosineSimilarity extends LossFunctionWrapper<Required<CosineSimilarityOptions>> {
  static override readonly optionNames = { axis: true } satisfies Record<keyof CosineSimilarityOptions, true>;
  readonly axis: number;

  constructor(options: LossOptions & CosineSimilarityOptions = {}) {
    const { axis = -1, ...rest } = options;
    super(cosineSimilarity, { name: 'cosine_similarity', ...rest, axis });
    this.axis = axis;
  }
}
