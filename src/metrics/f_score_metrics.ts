// F-scores, as keras.metrics.FBetaScore and F1Score: the weighted harmonic mean of precision and
// recall for multi-class and multi-label classification. Per-class true positives, false positives,
// false negatives and label weights are summed over batches in Variables (created at the first
// batch, when the number of classes is known), and the result is computed from them on the backend.

import { epsilon } from '../backend/config';
import { formatShape } from '../backend/types';
import type { Variable } from '../autograd/variable';
import { scalar } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { abs, add, cast, div, greater, greaterEqual, logicalAnd, mul, sub } from '../ops/elementwise';
import { max, mean, sum } from '../ops/reduce';
import { reshape } from '../ops/shape';
import { Metric, type MetricConfig, type SampleWeight } from './metric';
import { asFloat, checkTensor, weightTensor } from './metrics_utils';

/** How per-class scores are combined: none (one score per class), or one of Keras's averages. */
export type FScoreAverage = null | 'micro' | 'macro' | 'weighted';

const AVERAGES: readonly FScoreAverage[] = [null, 'micro', 'macro', 'weighted'];

export interface FScoreOptions {
  /**
   * null (the default): one score per class. 'micro': one score from the counts of all classes
   * together. 'macro': the mean of the per-class scores. 'weighted': their mean weighted by the
   * number of true labels of each class.
   */
  average?: FScoreAverage;
  /**
   * Predictions above it count as 1, the others as 0. null (the default): the largest prediction
   * of each row counts as 1 (every one tied for largest, unless it is 0).
   */
  threshold?: number | null;
  name?: string;
}

export interface FBetaScoreOptions extends FScoreOptions {
  /** The weight of recall against precision: beta > 1 favours recall. Default 1. */
  beta?: number;
}

interface FScoreState {
  truePositives: Variable;
  falsePositives: Variable;
  falseNegatives: Variable;
  intermediateWeights: Variable;
}

/**
 * The F-beta score, (1 + beta^2) * precision * recall / (beta^2 * precision + recall), per class
 * or averaged. Labels and predictions have shape [samples, classes]; labels are 0 or 1.
 *
 * @example
 * const m = new FBetaScore({ beta: 2, threshold: 0.5 });
 * m.updateState(tensor([[1, 1, 1], [1, 0, 0], [1, 1, 0]]), tensor([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0]]));
 * await m.result().data();   // [0.3846154, 0.9090909, 0.8333334]
 */
export class FBetaScore extends Metric {
  static override readonly optionNames: Readonly<Record<string, true>> = { average: true, threshold: true, beta: true } satisfies Record<Exclude<keyof FBetaScoreOptions, 'name'>, true>;
  override direction = 'up' as const;
  readonly average: FScoreAverage;
  readonly beta: number;
  readonly threshold: number | null;
  private counts: FScoreState | null = null;

  constructor(options: FBetaScoreOptions = {}) {
    super(options.name ?? 'fbeta_score', options);
    const metric = new.target.name;
    const { average = null, beta = 1, threshold = null } = options;
    if (!AVERAGES.includes(average)) {
      throw new Error(`${metric}: invalid value for argument average. Expected one of null, 'micro', 'macro', 'weighted'. Received: average=${JSON.stringify(average)}.`);
    }
    if (typeof beta !== 'number' || !Number.isFinite(beta) || beta <= 0) {
      throw new Error(`${metric}: invalid value for argument beta. Expected a finite number > 0. Received: beta=${String(beta)}.`);
    }
    if (threshold !== null && (typeof threshold !== 'number' || !(threshold > 0 && threshold <= 1))) {
      throw new Error(`${metric}: invalid value for argument threshold. Expected null or a number with 0 < threshold <= 1. Received: threshold=${String(threshold)}.`);
    }
    this.average = average;
    this.beta = beta;
    this.threshold = threshold;
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: SampleWeight): void {
    const op = `${this.name}.updateState`;
    checkTensor(op, 'yTrue', yTrue);
    checkTensor(op, 'yPred', yPred);
    if (yTrue.rank !== 2 || yPred.rank !== 2 || yTrue.shape[1] !== yPred.shape[1]) {
      throw new Error(`${op}: expected labels and predictions of the same shape [batchSize, classes]. Received: yTrue.shape=${formatShape(yTrue.shape)}, yPred.shape=${formatShape(yPred.shape)}.`);
    }
    const state = this.build(yPred.shape[1]);
    tidy(() => {
      const scores = asFloat(yPred);
      const predicted = cast(
        this.threshold === null ? logicalAnd(greaterEqual(scores, max(scores, -1, true)), greater(abs(scores), 1e-9)) : greater(scores, this.threshold),
        'float32',
      );
      const labels = asFloat(yTrue);
      let weights: Tensor | null = null;
      if (sampleWeight !== undefined) {
        const w = weightTensor(sampleWeight, op);
        // Weights of a lower rank weigh whole rows: [batch] becomes [batch, 1].
        weights = w.rank < 2 ? reshape(w, [...w.shape, ...Array<number>(2 - w.rank).fill(1)]) : w;
      }
      // Summed over the batch per class, or over everything for 'micro'.
      const weightedSum = (values: Tensor) => {
        const weighted = weights ? mul(values, weights) : values;
        return this.average === 'micro' ? sum(weighted) : sum(weighted, 0);
      };
      state.truePositives.assign(add(state.truePositives, weightedSum(mul(predicted, labels))));
      state.falsePositives.assign(add(state.falsePositives, weightedSum(mul(predicted, sub(1, labels)))));
      state.falseNegatives.assign(add(state.falseNegatives, weightedSum(mul(sub(1, predicted), labels))));
      state.intermediateWeights.assign(add(state.intermediateWeights, weightedSum(labels)));
    });
  }

  /** The score: per class (average null) or a scalar; 0 before any batch. */
  result(): Tensor {
    return tidy(() => {
      if (!this.counts) return scalar(0);
      const { truePositives, falsePositives, falseNegatives, intermediateWeights } = this.counts;
      const fuzz = epsilon();
      const precision = div(truePositives, add(add(truePositives, falsePositives), fuzz));
      const recall = div(truePositives, add(add(truePositives, falseNegatives), fuzz));
      const betaSquared = this.beta * this.beta;
      const score = mul(div(mul(precision, recall), add(add(mul(precision, betaSquared), recall), fuzz)), 1 + betaSquared);
      if (this.average === 'weighted') return sum(mul(score, div(intermediateWeights, add(sum(intermediateWeights), fuzz))));
      return this.average === null ? score : mean(score);
    });
  }

  override getConfig(): MetricConfig {
    return { ...super.getConfig(), average: this.average, beta: this.beta, threshold: this.threshold };
  }

  /** The state Variables, created for `classes` classes at the first batch. */
  private build(classes: number): FScoreState {
    if (this.counts) {
      const expected = this.counts.truePositives.shape[0];
      if (this.average !== 'micro' && expected !== classes) {
        throw new Error(`${this.name}.updateState: this metric counts ${expected} classes; received predictions with ${classes}.`);
      }
      return this.counts;
    }
    const shape = this.average === 'micro' ? [] : [classes];
    this.counts = {
      truePositives: this.addVariable('true_positives', shape),
      falsePositives: this.addVariable('false_positives', shape),
      falseNegatives: this.addVariable('false_negatives', shape),
      intermediateWeights: this.addVariable('intermediate_weights', shape),
    };
    return this.counts;
  }
}

/**
 * The F1 score, 2 * precision * recall / (precision + recall), per class or averaged: FBetaScore
 * with beta 1.
 *
 * @example
 * const m = new F1Score({ threshold: 0.5 });
 * m.updateState(tensor([[1, 1, 1], [1, 0, 0], [1, 1, 0]]), tensor([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0]]));
 * await m.result().data();   // [0.5, 0.8, 0.6666667]
 */
export class F1Score extends FBetaScore {
  static override readonly optionNames = { average: true, threshold: true } satisfies Record<Exclude<keyof FScoreOptions, 'name'>, true>;

  /** FBetaScore's options but beta, which is 1 (its default). */
  constructor(options: FScoreOptions = {}) {
    super({ ...options, name: options.name ?? 'f1_score' });
  }

  override getConfig(): MetricConfig {
    const config = super.getConfig();
    delete config.beta;
    return config;
  }
}
