// Regression metrics: mean absolute error, mean squared error and root mean squared error over
// all batches seen, and the R2 score (coefficient of determination) from per-output sums. Like
// the accuracies, the error metrics take inputs of rank 1 as one value per sample; higher ranks
// are averaged over the last axis first, as Keras's losses do.

import { formatShape } from '../backend/types';
import type { Variable } from '../autograd/variable';
import type { Tensor } from '../tensor/tensor';
import { scalar } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import { abs, add, cast, div, isFinite, isNaN, less, logicalAnd, logicalNot, mul, notEqual, square, sqrt, sub, where } from '../ops/elementwise';
import { any, mean, sum } from '../ops/reduce';
import { broadcastTo, reshape } from '../ops/shape';
import { MeanBase, MeanMetricWrapper } from './reduction_metrics';
import { Metric, type MetricConfig, type SampleWeight } from './metric';
import { asFloat, checkTensor, squeezeOrExpandToSameRank, weightTensor } from './metrics_utils';

function perSample(errors: Tensor): Tensor {
  return errors.rank <= 1 ? errors : mean(errors, -1);
}

/**
 * |yTrue - yPred|, averaged over the last axis of inputs of rank 2 and above.
 * @example meanAbsoluteError(tensor([[0, 1], [0, 0]]), tensor([[1, 1], [0, 0]]))   // [0.5, 0]
 */
export function meanAbsoluteError(yTrue: Tensor, yPred: Tensor): Tensor {
  const [labels, predictions] = squeezeOrExpandToSameRank(asFloat(yTrue), asFloat(yPred));
  return perSample(abs(sub(labels, predictions)));
}

/**
 * (yTrue - yPred)^2, averaged over the last axis of inputs of rank 2 and above.
 * @example meanSquaredError(tensor([[0, 1], [0, 0]]), tensor([[1, 1], [0, 0]]))   // [0.5, 0]
 */
export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Tensor {
  const [labels, predictions] = squeezeOrExpandToSameRank(asFloat(yTrue), asFloat(yPred));
  return perSample(square(sub(labels, predictions)));
}

/** Same as `meanAbsoluteError`. */
export const mae = meanAbsoluteError;

/** Same as `meanSquaredError`. */
export const mse = meanSquaredError;

/**
 * The mean absolute error over all batches seen.
 *
 * @example
 * const m = new MeanAbsoluteError();
 * m.updateState(tensor([[0, 1], [0, 0]]), tensor([[1, 1], [0, 0]]));
 * await m.result().data();   // [0.25]
 */
export class MeanAbsoluteError extends MeanMetricWrapper {
  override direction = 'down' as const;
  constructor(options: { name?: string } = {}) {
    super(meanAbsoluteError, { ...options, name: options.name ?? 'mean_absolute_error' });
  }

  override getConfig(): MetricConfig {
    return { name: this.name, dtype: this.dtype };
  }
}

/**
 * The mean squared error over all batches seen.
 *
 * @example
 * const m = new MeanSquaredError();
 * m.updateState(tensor([[0, 1], [0, 0]]), tensor([[1, 1], [0, 0]]));
 * await m.result().data();   // [0.25]
 */
export class MeanSquaredError extends MeanMetricWrapper {
  override direction = 'down' as const;
  constructor(options: { name?: string } = {}) {
    super(meanSquaredError, { ...options, name: options.name ?? 'mean_squared_error' });
  }

  override getConfig(): MetricConfig {
    return { name: this.name, dtype: this.dtype };
  }
}

/**
 * The square root of the mean squared error over all batches seen (the root of the running mean,
 * not the mean of per-batch roots).
 *
 * @example
 * const m = new RootMeanSquaredError();
 * m.updateState(tensor([[0, 1], [0, 0]]), tensor([[1, 1], [0, 0]]));
 * await m.result().data();   // [0.5]
 */
export class RootMeanSquaredError extends MeanBase<[yTrue: Tensor, yPred: Tensor, sampleWeight?: SampleWeight]> {
  override direction = 'down' as const;
  constructor(options: { name?: string } = {}) {
    super(options.name ?? 'root_mean_squared_error', options);
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: SampleWeight): void {
    checkTensor(`${this.name}.updateState`, 'yTrue', yTrue);
    checkTensor(`${this.name}.updateState`, 'yPred', yPred);
    tidy(() => {
      const [labels, predictions] = squeezeOrExpandToSameRank(asFloat(yTrue), asFloat(yPred));
      this.accumulate(square(sub(predictions, labels)), sampleWeight);
    });
  }

  override result(): Tensor {
    return tidy(() => sqrt(super.result()));
  }
}

/** How R2Score combines the scores of several outputs (the last axis). */
export type R2ClassAggregation = 'uniform_average' | 'variance_weighted_average' | null;

const CLASS_AGGREGATIONS: readonly R2ClassAggregation[] = ['uniform_average', 'variance_weighted_average', null];

export interface R2ScoreOptions {
  /**
   * 'uniform_average' (the default): the mean of the per-output scores. 'variance_weighted_average':
   * their mean weighted by each output's variance. null: one score per output.
   */
  classAggregation?: R2ClassAggregation;
  /** The number of independent regressors p, for the adjusted R2 score; 0 (the default) gives the plain score. */
  numRegressors?: number;
  name?: string;
}

interface R2State {
  squaredSum: Variable;
  sum: Variable;
  residual: Variable;
  count: Variable;
}

/**
 * The coefficient of determination over all batches seen: 1 - sum((yTrue - yPred)^2) /
 * sum((yTrue - mean(yTrue))^2) per output (inputs of shape [samples, outputs]), then aggregated.
 * With `numRegressors` p > 0 it is the adjusted score 1 - (1 - R2) (n - 1) / (n - p - 1) over the n
 * samples of nonzero weight, falling back to the plain score when p >= n - 1. An output whose labels
 * do not vary scores 0 where predictions miss them.
 *
 * @example
 * const m = new R2Score();
 * m.updateState(tensor([[1], [4], [3]]), tensor([[2], [4], [4]]));
 * await m.result().data();   // [0.57142854]
 */
export class R2Score extends Metric {
  static override readonly optionNames = { classAggregation: true, numRegressors: true } satisfies Record<Exclude<keyof R2ScoreOptions, 'name'>, true>;
  override direction = 'up' as const;
  readonly classAggregation: R2ClassAggregation;
  readonly numRegressors: number;
  /** The number of samples with a nonzero weight for at least one output. */
  readonly numSamples: Variable;
  private sums: R2State | null = null;

  constructor(options: R2ScoreOptions = {}) {
    super(options.name ?? 'r2_score', options);
    const { classAggregation = 'uniform_average', numRegressors = 0 } = options;
    if (!CLASS_AGGREGATIONS.includes(classAggregation)) {
      throw new Error(`R2Score: invalid value for argument classAggregation. Expected one of 'uniform_average', 'variance_weighted_average', null. Received: classAggregation=${JSON.stringify(classAggregation)}.`);
    }
    if (!Number.isInteger(numRegressors) || numRegressors < 0) {
      throw new Error(`R2Score: invalid value for argument numRegressors. Expected an integer >= 0. Received: numRegressors=${String(numRegressors)}.`);
    }
    this.classAggregation = classAggregation;
    this.numRegressors = numRegressors;
    this.numSamples = this.addVariable('num_samples', []);
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: SampleWeight): void {
    const op = `${this.name}.updateState`;
    checkTensor(op, 'yTrue', yTrue);
    checkTensor(op, 'yPred', yPred);
    const [labelShape, predictionShape] = sameRankShapes(yTrue.shape, yPred.shape);
    if (labelShape.length !== 2 || predictionShape.length !== 2 || labelShape[0] !== predictionShape[0] || labelShape[1] !== predictionShape[1]) {
      throw new Error(`${op}: expected labels and predictions of the same shape [batchSize, outputs]. Received: yTrue.shape=${formatShape(yTrue.shape)}, yPred.shape=${formatShape(yPred.shape)}.`);
    }
    const state = this.build(op, labelShape[1]);
    tidy(() => {
      const [labels, predictions] = squeezeOrExpandToSameRank(asFloat(yTrue), asFloat(yPred));
      const w = weightTensor(sampleWeight ?? 1, op);
      // Weights of shape [batch] weigh whole rows.
      const weights = broadcastTo(w.rank === 1 ? reshape(w, [w.size, 1]) : w, labels.shape);
      const weightedLabels = mul(labels, weights);
      state.sum.assign(add(state.sum, sum(weightedLabels, 0)));
      state.squaredSum.assign(add(state.squaredSum, sum(mul(labels, weightedLabels), 0)));
      state.residual.assign(add(state.residual, sum(mul(square(sub(labels, predictions)), weights), 0)));
      state.count.assign(add(state.count, sum(weights, 0)));
      this.numSamples.assign(add(this.numSamples, sum(cast(any(notEqual(weights, 0), -1), 'float32'))));
    });
  }

  /** The score (per output when classAggregation is null); 0 before any batch. */
  result(): Tensor {
    return tidy(() => {
      if (!this.sums) return scalar(0);
      const { squaredSum, sum: total, residual, count } = this.sums;
      const totalSquares = sub(squaredSum, mul(total, div(total, count)));
      const rawScores = sub(1, div(residual, totalSquares));
      // A nonzero residual over labels that do not vary gives -inf: scored 0, as Keras does.
      const scores = where(logicalAnd(logicalNot(isFinite(rawScores)), logicalNot(isNaN(rawScores))), 0, rawScores);
      const score =
        this.classAggregation === 'uniform_average' ? mean(scores)
        : this.classAggregation === 'variance_weighted_average' ? div(sum(mul(totalSquares, scores)), sum(totalSquares))
        : scores;
      if (this.numRegressors === 0) return score;
      const n = this.numSamples;
      const p = this.numRegressors;
      const adjusted = sub(1, div(mul(sub(1, score), sub(n, 1)), sub(sub(n, p), 1)));
      return where(less(p, sub(n, 1)), adjusted, score);
    });
  }

  override getConfig(): MetricConfig {
    return { ...super.getConfig(), classAggregation: this.classAggregation, numRegressors: this.numRegressors };
  }

  /** The per-output state Variables, created at the first batch. */
  private build(op: string, outputs: number): R2State {
    if (this.sums) {
      const expected = this.sums.sum.shape[0];
      if (expected !== outputs) throw new Error(`${op}: this metric has seen ${expected} outputs; received ${outputs}.`);
      return this.sums;
    }
    this.sums = {
      squaredSum: this.addVariable('squared_sum', [outputs]),
      sum: this.addVariable('sum', [outputs]),
      residual: this.addVariable('residual', [outputs]),
      count: this.addVariable('count', [outputs]),
    };
    return this.sums;
  }
}

/** The shapes squeezeOrExpandToSameRank would give, computed before any tensor is made. */
function sameRankShapes(a: readonly number[], b: readonly number[]): [readonly number[], readonly number[]] {
  if (a.length === b.length + 1 && a[a.length - 1] === 1) return b.length === 1 ? [a, [...b, 1]] : [a.slice(0, -1), b];
  if (b.length === a.length + 1 && b[b.length - 1] === 1) return a.length === 1 ? [[...a, 1], b] : [a, b.slice(0, -1)];
  return [a, b];
}
