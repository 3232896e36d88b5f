// Metrics built on confusion-matrix counts: the counts themselves (TruePositives, ...), Precision
// and Recall (at thresholds, or among the top k predictions of each sample), and the accumulation
// over evenly spaced thresholds that AUC (auc_metric.ts) shares with the metrics of
// threshold_metrics.ts. The counts (true/false positives/negatives per threshold,
// weighted by sampleWeight) live in Variables and are added to every batch with one comparison of
// all predictions against all thresholds, so nothing is read back; the result is computed from the
// counts on the backend.

import { formatShape } from '../backend/types';
import type { Variable } from '../autograd/variable';
import { tensor } from '../tensor/creation';
import { keep, tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { clone } from '../ops/clone';
import { oneHot } from '../ops/creation';
import { add, cast, ceil, clip, divNoNan, greater, greaterEqual, logicalAnd, logicalNot, mul, notEqual, relu, sub, where } from '../ops/elementwise';
import { sum } from '../ops/reduce';
import { broadcastTo, expandDims, gather, reshape } from '../ops/shape';
import { topK as topKOp } from '../ops/sort';
import { Metric, type MetricConfig, type SampleWeight } from './metric';
import { asFloat, checkTensor, squeezeOrExpandToSameRank, weightTensor } from './metrics_utils';

/** Labels, predictions and weights of one batch, flattened to [1, n] in matching order. */
export interface FlatBatch {
  labels: Tensor;
  predictions: Tensor;
  weights: Tensor | null;
}

/** Keras's NEG_INF: what the predictions outside the top k become, and the threshold that tells them apart. */
const NEG_INF = -1e10;

/**
 * Aligns a batch as Keras's update_confusion_matrix_variables: predictions and labels to the same
 * rank, the weights to the labels' rank then to the predictions' shape, with `topK` the predictions
 * outside the k largest of each row (the last axis) set to -1e10, optionally one class column, then
 * everything flattened to [1, n]. Labels become 1 where nonzero, else 0.
 */
export function flattenBatch(op: string, yTrue: Tensor, yPred: Tensor, sampleWeight: SampleWeight | undefined, classId: number | undefined, topK: number | null = null): FlatBatch {
  checkTensor(op, 'yTrue', yTrue);
  checkTensor(op, 'yPred', yPred);
  let [predictions, labels] = squeezeOrExpandToSameRank(asFloat(yPred), asFloat(yTrue));
  if (labels.shape.length !== predictions.shape.length || labels.shape.some((d, i) => d !== predictions.shape[i])) {
    throw new Error(
      `${op}: yTrue shape ${formatShape(yTrue.shape)} and yPred shape ${formatShape(yPred.shape)} differ; the labels must have the predictions' shape (0/1 per output). ` +
        'For integer class labels, one-hot encode them (ops.oneHot) or use a sparse metric.',
    );
  }
  let weights: Tensor | null = null;
  if (sampleWeight !== undefined) {
    [, weights] = squeezeOrExpandToSameRank(labels, expandDims(weightTensor(sampleWeight, op), -1), false);
  }
  if (topK !== null) predictions = keepTopK(op, predictions, topK);
  if (classId !== undefined) {
    if (predictions.rank < 2) throw new Error(`${op}: classId needs predictions of shape [samples, classes], got rank ${predictions.rank}.`);
    labels = gather(labels, [classId], -1);
    predictions = gather(predictions, [classId], -1);
  }
  if (weights) weights = reshape(broadcastTo(weights, predictions.shape), [1, -1]);
  return {
    labels: reshape(cast(notEqual(labels, 0), 'float32'), [1, -1]),
    predictions: reshape(predictions, [1, -1]),
    weights,
  };
}

/** Keras's _filter_top_k: the k largest values of each row kept (ties: the lower index), the others NEG_INF. */
function keepTopK(op: string, predictions: Tensor, k: number): Tensor {
  const last = predictions.shape[predictions.rank - 1];
  if (predictions.rank === 0 || k > last) {
    throw new Error(`${op}: topK=${k} needs at least ${k} predictions along the last axis; received yPred of shape ${formatShape(predictions.shape)}.`);
  }
  const [, indices] = topKOp(predictions, k);
  const inTopK = greater(sum(oneHot(indices, last), -2), 0);
  return where(inTopK, predictions, NEG_INF);
}

/** Sum over the batch of weight where both conditions hold: [thresholds, n] masks to [thresholds]. */
function weightedCount(condition: Tensor, other: Tensor, weights: Tensor | null): Tensor {
  const hits = cast(logicalAnd(condition, other), 'float32');
  return sum(weights ? mul(hits, weights) : hits, 1);
}

function parseThresholds(metric: string, thresholds: number | readonly number[] | null | undefined, defaultThreshold = 0.5): number[] {
  if (thresholds === undefined || thresholds === null) return [defaultThreshold];
  const list = typeof thresholds === 'number' ? [thresholds] : [...thresholds];
  if (list.length === 0) throw new Error(`${metric}: thresholds must not be empty.`);
  for (const t of list) {
    if (typeof t !== 'number' || !(t >= 0 && t <= 1)) throw new Error(`${metric}: threshold values must be in [0, 1], got ${String(t)}.`);
  }
  return list;
}

export interface PrecisionRecallOptions {
  /**
   * A threshold or a list of thresholds in [0, 1]; a prediction above one counts as positive.
   * Default 0.5, or with `topK` none (every top-k prediction counts).
   */
  thresholds?: number | readonly number[] | null;
  /** Only the k largest predictions of each sample (the last axis) can count as positive. Default null: all. */
  topK?: number | null;
  /** Only this class (the last axis of labels and predictions) is counted. */
  classId?: number;
  name?: string;
}

/** Precision and Recall: counts per threshold, a scalar result for one threshold. */
abstract class ThresholdMetric extends Metric {
  static override readonly optionNames = { thresholds: true, topK: true, classId: true } satisfies Record<Exclude<keyof PrecisionRecallOptions, 'name'>, true>;
  override direction = 'up' as const;
  readonly thresholds: readonly number[];
  readonly topK: number | null;
  readonly classId: number | undefined;
  /** Whether thresholds were given (with topK and none given, the internal -1e10 is not a config value). */
  private readonly thresholdsGiven: boolean;
  /** The thresholds as a [thresholds, 1] column, or a number when there is one. */
  private readonly thresholdOperand: Tensor | number;

  constructor(metric: string, options: PrecisionRecallOptions, defaultName: string) {
    super(options?.name ?? defaultName, options);
    const { topK = null } = options;
    if (topK !== null && (!Number.isInteger(topK) || topK < 1)) {
      throw new Error(`${metric}: invalid value for argument topK. Expected a positive integer or null. Received: topK=${String(topK)}.`);
    }
    this.topK = topK;
    this.thresholdsGiven = options.thresholds !== undefined && options.thresholds !== null;
    this.thresholds = parseThresholds(metric, options.thresholds, topK === null ? 0.5 : NEG_INF);
    if (options.classId !== undefined && (!Number.isInteger(options.classId) || options.classId < 0)) {
      throw new Error(`${metric}: classId must be a non-negative integer, got ${options.classId}.`);
    }
    this.classId = options.classId;
    this.thresholdOperand = this.thresholds.length === 1 ? this.thresholds[0] : keep(tensor([...this.thresholds], [this.thresholds.length, 1]));
  }

  /** Per threshold: [label is positive, prediction is positive] masks of shape [thresholds, n], and the weights. */
  protected classify(yTrue: Tensor, yPred: Tensor, sampleWeight?: SampleWeight): { labelPositive: Tensor; predictedPositive: Tensor; weights: Tensor | null } {
    const batch = flattenBatch(`${this.name}.updateState`, yTrue, yPred, sampleWeight, this.classId, this.topK);
    return {
      labelPositive: batch.labels,
      predictedPositive: greater(batch.predictions, this.thresholdOperand),
      weights: batch.weights,
    };
  }

  /** One value per threshold, or a scalar when there is one threshold. */
  protected perThreshold(values: Tensor): Tensor {
    return this.thresholds.length === 1 ? reshape(values, []) : values;
  }

  override getConfig(): MetricConfig {
    const thresholds = this.thresholdsGiven || this.topK === null ? [...this.thresholds] : null;
    return { ...super.getConfig(), thresholds, topK: this.topK, classId: this.classId };
  }

  override dispose(): void {
    if (typeof this.thresholdOperand !== 'number') this.thresholdOperand.dispose();
    super.dispose();
  }
}

/**
 * The fraction of positive predictions that are right: tp / (tp + fp), 0 before any positive
 * prediction. A prediction is positive when it is above the threshold (default 0.5) and, with
 * `topK`, among the k largest of its sample.
 *
 * @example
 * const m = new Precision();
 * m.updateState(tensor([0, 1, 1, 1]), tensor([1, 0, 1, 1]));
 * await m.result().data();   // [0.6666667]
 * const top2 = new Precision({ topK: 2 });
 * top2.updateState(tensor([0, 0, 1, 1]), tensor([1, 1, 1, 1]));
 * await top2.result().data();   // [0] (the first two, of equal scores, are the top 2)
 */
export class Precision extends ThresholdMetric {
  readonly truePositives: Variable;
  readonly falsePositives: Variable;

  constructor(options: PrecisionRecallOptions = {}) {
    super('Precision', options, 'precision');
    this.truePositives = this.addVariable('true_positives', [this.thresholds.length]);
    this.falsePositives = this.addVariable('false_positives', [this.thresholds.length]);
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: SampleWeight): void {
    tidy(() => {
      const { labelPositive, predictedPositive, weights } = this.classify(yTrue, yPred, sampleWeight);
      this.truePositives.assign(add(this.truePositives, weightedCount(labelPositive, predictedPositive, weights)));
      this.falsePositives.assign(add(this.falsePositives, weightedCount(logicalNot(labelPositive), predictedPositive, weights)));
    });
  }

  result(): Tensor {
    return tidy(() => this.perThreshold(divNoNan(this.truePositives, add(this.truePositives, this.falsePositives))));
  }
}

/**
 * The fraction of positive labels that are predicted positive: tp / (tp + fn), 0 before any
 * positive label. A prediction is positive when it is above the threshold (default 0.5) and, with
 * `topK`, among the k largest of its sample.
 *
 * @example
 * const m = new Recall();
 * m.updateState(tensor([0, 1, 1, 1]), tensor([1, 0, 1, 1]));
 * await m.result().data();   // [0.6666667]
 */
export class Recall extends ThresholdMetric {
  readonly truePositives: Variable;
  readonly falseNegatives: Variable;

  constructor(options: PrecisionRecallOptions = {}) {
    super('Recall', options, 'recall');
    this.truePositives = this.addVariable('true_positives', [this.thresholds.length]);
    this.falseNegatives = this.addVariable('false_negatives', [this.thresholds.length]);
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: SampleWeight): void {
    tidy(() => {
      const { labelPositive, predictedPositive, weights } = this.classify(yTrue, yPred, sampleWeight);
      this.truePositives.assign(add(this.truePositives, weightedCount(labelPositive, predictedPositive, weights)));
      this.falseNegatives.assign(add(this.falseNegatives, weightedCount(labelPositive, logicalNot(predictedPositive), weights)));
    });
  }

  result(): Tensor {
    return tidy(() => this.perThreshold(divNoNan(this.truePositives, add(this.truePositives, this.falseNegatives))));
  }
}

export interface ConfusionCountOptions {
  /**
   * A threshold or a list of thresholds in [0, 1]; a prediction above one counts as positive.
   * Default 0.5. A list gives one count per threshold.
   */
  thresholds?: number | readonly number[];
  name?: string;
}

/** Which cell of the confusion matrix a count metric adds up: [label is positive, prediction is positive]. */
type ConfusionCell = [labelPositive: boolean, predictedPositive: boolean];

/**
 * The weight of the batch entries in one cell of the confusion matrix, per threshold, as Keras's
 * _ConfusionMatrixConditionCount: one `accumulator` Variable, a scalar result for one threshold.
 */
abstract class ConfusionCount extends Metric {
  static override readonly optionNames = { thresholds: true } satisfies Record<Exclude<keyof ConfusionCountOptions, 'name'>, true>;
  readonly thresholds: readonly number[];
  readonly accumulator: Variable;
  /** The thresholds as given (a number or a list), for getConfig. */
  private readonly initialThresholds: number | number[];
  private readonly thresholdOperand: Tensor | number;

  constructor(metric: string, options: ConfusionCountOptions, defaultName: string, private readonly cell: ConfusionCell) {
    super(options?.name ?? defaultName, options);
    this.thresholds = parseThresholds(metric, options.thresholds);
    this.initialThresholds = typeof options.thresholds === 'object' ? [...this.thresholds] : this.thresholds[0];
    this.thresholdOperand = this.thresholds.length === 1 ? this.thresholds[0] : keep(tensor([...this.thresholds], [this.thresholds.length, 1]));
    this.accumulator = this.addVariable('accumulator', [this.thresholds.length]);
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: SampleWeight): void {
    tidy(() => {
      const batch = flattenBatch(`${this.name}.updateState`, yTrue, yPred, sampleWeight, undefined);
      const [labelPositive, predictedPositive] = this.cell;
      const labels = labelPositive ? batch.labels : logicalNot(batch.labels);
      const above = greater(batch.predictions, this.thresholdOperand);
      this.accumulator.assign(add(this.accumulator, weightedCount(labels, predictedPositive ? above : logicalNot(above), batch.weights)));
    });
  }

  result(): Tensor {
    return this.thresholds.length === 1 ? reshape(this.accumulator, []) : clone(this.accumulator);
  }

  override getConfig(): MetricConfig {
    return { ...super.getConfig(), thresholds: this.initialThresholds };
  }

  override dispose(): void {
    if (typeof this.thresholdOperand !== 'number') this.thresholdOperand.dispose();
    super.dispose();
  }
}

/**
 * The (weighted) number of positive labels predicted positive: a prediction above the threshold
 * (default 0.5) is positive; a list of thresholds gives one count per threshold.
 *
 * @example
 * const m = new TruePositives();
 * m.updateState(tensor([0, 1, 1, 1]), tensor([1, 0, 1, 1]));
 * await m.result().data();   // [2]
 */
export class TruePositives extends ConfusionCount {
  constructor(options: ConfusionCountOptions = {}) {
    super('TruePositives', options, 'true_positives', [true, true]);
  }
}

/**
 * The (weighted) number of negative labels predicted negative (at or below the threshold, default 0.5).
 *
 * @example
 * const m = new TrueNegatives();
 * m.updateState(tensor([0, 1, 0, 0]), tensor([1, 1, 0, 0]));
 * await m.result().data();   // [2]
 */
export class TrueNegatives extends ConfusionCount {
  constructor(options: ConfusionCountOptions = {}) {
    super('TrueNegatives', options, 'true_negatives', [false, false]);
  }
}

/**
 * The (weighted) number of negative labels predicted positive (above the threshold, default 0.5).
 *
 * @example
 * const m = new FalsePositives();
 * m.updateState(tensor([0, 1, 0, 0]), tensor([0, 0, 1, 1]));
 * await m.result().data();   // [2]
 */
export class FalsePositives extends ConfusionCount {
  constructor(options: ConfusionCountOptions = {}) {
    super('FalsePositives', options, 'false_positives', [false, true]);
  }
}

/**
 * The (weighted) number of positive labels predicted negative (at or below the threshold, default 0.5).
 *
 * @example
 * const m = new FalseNegatives({ thresholds: [0.3, 0.6] });
 * m.updateState(tensor([0, 1, 1, 1]), tensor([0, 1, 0.5, 0]));
 * await m.result().data();   // [1, 2]
 */
export class FalseNegatives extends ConfusionCount {
  constructor(options: ConfusionCountOptions = {}) {
    super('FalseNegatives', options, 'false_negatives', [true, false]);
  }
}

/** The four confusion counts per threshold, as state Variables of shape [thresholds]. */
export interface ConfusionCounts {
  readonly truePositives: Variable;
  readonly falsePositives: Variable;
  readonly trueNegatives: Variable;
  readonly falseNegatives: Variable;
}

/**
 * Whether each prediction is above each of the evenly spaced thresholds i / (T - 1), i = 0 ... T - 1
 * (`thresholdIndices` is the row [0, 1, ..., T - 1] of shape [1, T]), as the [n, T] float mask of
 * Keras's update for evenly distributed thresholds: a prediction p, clipped to [0, 1], lies in
 * bucket ceil(p * (T - 1)) - 1, which is at least i exactly when p > i / (T - 1), without comparing
 * p against rounded thresholds. With `firstTakesAll` (AUC, whose first threshold lies just below
 * 0) p = 0 falls in bucket 0 too, so every prediction is above the first threshold.
 */
export function aboveEvenThresholds(predictions: Tensor, thresholdIndices: Tensor, firstTakesAll: boolean): Tensor {
  const bucket = sub(ceil(mul(clip(predictions, 0, 1), thresholdIndices.size - 1)), 1);
  return cast(greaterEqual(reshape(firstTakesAll ? relu(bucket) : bucket, [-1, 1]), thresholdIndices), 'float32');
}

/**
 * Adds a batch to the counts, given the [n, T] float mask of predictions above each threshold:
 * the mask weighted per prediction and summed over the batch is the weight above each threshold.
 * Call inside tidy.
 */
export function addConfusionCounts(counts: ConfusionCounts, batch: FlatBatch, above: Tensor): void {
  const positive = reshape(batch.weights ? mul(batch.labels, batch.weights) : batch.labels, [-1, 1]);
  const negative = reshape(batch.weights ? mul(sub(1, batch.labels), batch.weights) : sub(1, batch.labels), [-1, 1]);
  const tp = sum(mul(above, positive), 0);
  const fp = sum(mul(above, negative), 0);
  counts.truePositives.assign(add(counts.truePositives, tp));
  counts.falsePositives.assign(add(counts.falsePositives, fp));
  counts.trueNegatives.assign(add(counts.trueNegatives, sub(sum(negative), fp)));
  counts.falseNegatives.assign(add(counts.falseNegatives, sub(sum(positive), tp)));
}
