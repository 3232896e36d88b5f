// The area under a curve of confusion-matrix rates, as keras.metrics.AUC: the ROC curve (recall
// against false positive rate), the precision-recall curve (with Davis & Goadrich's interpolation
// by default) or the precision-recall-gain curve, over evenly spaced thresholds or a list of them;
// with multiLabel, one area per label, averaged (weighted by labelWeights when given). The counts
// per threshold (and per label) accumulate in Variables through the shared helpers of
// confusion_metrics.ts; the area is computed from them on the backend, so nothing is read back.

import { epsilon } from '../backend/config';
import { formatShape } from '../backend/types';
import type { Variable } from '../autograd/variable';
import { scalar, tensor } from '../tensor/creation';
import { keep, tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { range } from '../ops/creation';
import { add, cast, divNoNan, equal, greater, log, logicalAnd, maximum, minimum, mul, sigmoid, sub, where } from '../ops/elementwise';
import { mean, sum } from '../ops/reduce';
import { broadcastTo, expandDims, reshape, slice, transpose } from '../ops/shape';
import { Metric, type MetricConfig, type SampleWeight } from './metric';
import { asFloat, checkTensor } from './metrics_utils';
import { aboveEvenThresholds, addConfusionCounts, flattenBatch, type ConfusionCounts, type FlatBatch } from './confusion_metrics';

/** How AUC sums the area between thresholds. */
export type AUCSummationMethod = 'interpolation' | 'minoring' | 'majoring';

/** The curve whose area AUC measures. */
export type AUCCurve = 'ROC' | 'PR' | 'PRGAIN';

export interface AUCOptions {
  /** Evenly spaced thresholds in [0, 1], the end ones moved just outside it. Default 200; at least 2. Ignored when `thresholds` is given. */
  numThresholds?: number;
  /**
   * The thresholds, in [0, 1] (sorted here), instead of evenly spaced ones; -epsilon and 1 + epsilon
   * (config.epsilon() when the metric is made) are added at the ends, so predictions of exactly 0 or 1 are counted. Default null.
   */
  thresholds?: readonly number[] | null;
  /** 'ROC' (default: recall against false positive rate), 'PR' (precision against recall) or 'PRGAIN' (precision gain against recall gain). */
  curve?: AUCCurve;
  /**
   * 'interpolation' (default: trapezoids, and for 'PR' Davis & Goadrich's interpolation of the
   * counts rather than of precision), 'minoring' (lower bound) or 'majoring' (upper bound).
   */
  summationMethod?: AUCSummationMethod;
  /** Whether predictions are logits (a sigmoid is applied first). Default false. */
  fromLogits?: boolean;
  /**
   * true: predictions of shape [samples, labels] get one AUC per label (counts of shape
   * [thresholds, labels]), then averaged. false (the default): every label-prediction pair is one
   * data point of a single curve; use it for multi-class data.
   */
  multiLabel?: boolean;
  /** With multiLabel, the number of labels, so the counts exist before the first batch. Default null: taken from the first batch. */
  numLabels?: number | null;
  /**
   * Non-negative weights, one per label (the last axis of the predictions). With multiLabel, the
   * weights of the label AUCs in their average; without, each prediction's weight (times its
   * sample weight) in the counts. Default null: equal weights.
   */
  labelWeights?: readonly number[] | null;
  name?: string;
}

const SUMMATION_METHODS: readonly AUCSummationMethod[] = ['interpolation', 'minoring', 'majoring'];
const CURVES: readonly AUCCurve[] = ['ROC', 'PR', 'PRGAIN'];

/**
 * The area under the ROC curve (or the PR or PR-gain curve), approximated over thresholds as
 * keras.metrics.AUC does: each prediction (clipped to [0, 1] for evenly spaced thresholds) is
 * compared with every threshold, the counts at each threshold are summed over batches, and the
 * curve through their rates is summed as `summationMethod` says. With `multiLabel`, each label
 * (column of [samples, labels] predictions) has its own counts and area, and the result is their
 * mean, or their `labelWeights`-weighted mean (0 before the first batch).
 *
 * @example
 * const m = new AUC({ numThresholds: 3 });
 * m.updateState(tensor([0, 0, 1, 1]), tensor([0, 0.5, 0.3, 0.9]));
 * await m.result().data();   // [0.75]
 * const pr = new AUC({ curve: 'PR', thresholds: [0.25, 0.5, 0.75] });
 * const perLabel = new AUC({ numThresholds: 3, multiLabel: true });
 * perLabel.updateState(tensor([[0, 1], [1, 0]]), tensor([[0.3, 0.9], [0.6, 0.2]]));
 * await perLabel.result().data();   // [1] (each label's AUC is 1)
 */
export class AUC extends Metric {
  static override readonly optionNames = {
    numThresholds: true, thresholds: true, curve: true, summationMethod: true, fromLogits: true, multiLabel: true, numLabels: true, labelWeights: true,
  } satisfies Record<Exclude<keyof AUCOptions, 'name'>, true>;
  override direction = 'up' as const;
  /** The number of thresholds, the two end ones included. */
  readonly numThresholds: number;
  readonly curve: AUCCurve;
  readonly summationMethod: AUCSummationMethod;
  readonly fromLogits: boolean;
  readonly multiLabel: boolean;
  /** The number of labels as given (null: taken from the first batch, or not multiLabel). */
  readonly numLabels: number | null;
  readonly labelWeights: readonly number[] | null;
  /** The counts, of shape [thresholds] or with multiLabel [thresholds, labels]; null until the number of labels is known. */
  private counts: ConfusionCounts | null = null;
  /** labelWeights as a [labels] tensor. */
  private readonly labelWeightTensor: Tensor | null;
  /** The thresholds given (sorted), without the end ones; null for evenly spaced ones. */
  private readonly givenThresholds: number[] | null;
  /**
   * Evenly spaced thresholds: 0, 1, ..., numThresholds - 1 as a [1, numThresholds] row, to compare
   * bucket indices against. Others: the thresholds themselves as a row, to compare predictions against.
   */
  private readonly thresholdRow: Tensor;
  private readonly evenlySpaced: boolean;
  /** config.epsilon() when the metric was made (as Keras reads it in __init__): how far the end thresholds lie outside [0, 1]. */
  private readonly endMargin = epsilon();

  constructor(options: AUCOptions = {}) {
    super(options?.name ?? 'auc', options);
    const { thresholds = null, summationMethod = 'interpolation', fromLogits = false, multiLabel = false, numLabels = null, labelWeights = null } = options;
    const curve = typeof options.curve === 'string' ? options.curve.toUpperCase() : options.curve ?? 'ROC';
    if (!CURVES.includes(curve as AUCCurve)) {
      throw new Error(`AUC: invalid value for argument curve. Expected one of ${CURVES.map((c) => `'${c}'`).join(', ')}. Received: curve=${String(options.curve)}.`);
    }
    if (!SUMMATION_METHODS.includes(summationMethod)) {
      throw new Error(`AUC: invalid value for argument summationMethod. Expected one of ${SUMMATION_METHODS.map((m) => `'${m}'`).join(', ')}. Received: summationMethod=${String(summationMethod)}.`);
    }
    if (typeof multiLabel !== 'boolean') throw new Error(`AUC: invalid value for argument multiLabel. Expected true or false. Received: multiLabel=${String(multiLabel)}.`);
    if (numLabels !== null && (!Number.isInteger(numLabels) || numLabels < 1)) {
      throw new Error(`AUC: invalid value for argument numLabels. Expected a positive integer or null. Received: numLabels=${String(numLabels)}.`);
    }
    if (numLabels !== null && !multiLabel) throw new Error(`AUC: numLabels is needed only when multiLabel is true. Received: numLabels=${numLabels} with multiLabel=false.`);
    if (labelWeights !== null) {
      if (!Array.isArray(labelWeights) || labelWeights.length === 0 || labelWeights.some((w) => typeof w !== 'number' || !(w >= 0 && w < Infinity))) {
        throw new Error(`AUC: invalid value for argument labelWeights. Expected a non-empty list of non-negative numbers, one per label. Received: labelWeights=${JSON.stringify(labelWeights)}.`);
      }
      if (numLabels !== null && labelWeights.length !== numLabels) {
        throw new Error(`AUC: labelWeights has ${labelWeights.length} entries, but numLabels=${numLabels}; give one weight per label.`);
      }
    }
    if (thresholds === null) {
      const numThresholds = options.numThresholds ?? 200;
      if (!Number.isInteger(numThresholds) || numThresholds <= 1) {
        throw new Error(`AUC: argument numThresholds must be an integer > 1. Received: numThresholds=${numThresholds}.`);
      }
      this.numThresholds = numThresholds;
      this.givenThresholds = null;
      this.evenlySpaced = true;
    } else {
      if (!Array.isArray(thresholds) || thresholds.some((t) => typeof t !== 'number' || !(t >= 0 && t <= 1))) {
        throw new Error(`AUC: invalid value for argument thresholds. Expected a list of numbers in [0, 1]. Received: thresholds=${JSON.stringify(thresholds)}.`);
      }
      this.givenThresholds = [...thresholds].sort((a, b) => a - b);
      this.numThresholds = this.givenThresholds.length + 2;
      this.evenlySpaced = isEvenlySpaced([0, ...this.givenThresholds, 1], this.endMargin);
    }
    this.curve = curve as AUCCurve;
    this.summationMethod = summationMethod;
    this.fromLogits = fromLogits;
    this.multiLabel = multiLabel;
    this.numLabels = numLabels;
    this.labelWeights = labelWeights === null ? null : [...labelWeights];
    if (!multiLabel) this.build([this.numThresholds]);
    else if (numLabels !== null) this.build([this.numThresholds, numLabels]);
    const row = this.evenlySpaced ? null : this.thresholds;
    this.thresholdRow = keep(tidy(() => (row ? tensor(row, [1, row.length]) : reshape(range(this.numThresholds), [1, this.numThresholds]))));
    this.labelWeightTensor = this.labelWeights && keep(tensor(this.labelWeights));
  }

  /** The weight of the label-prediction pairs above each threshold that are positive: [thresholds], or [thresholds, labels] with multiLabel. */
  get truePositives(): Variable {
    return this.built().truePositives;
  }

  /** The weight of the negative pairs above each threshold. */
  get falsePositives(): Variable {
    return this.built().falsePositives;
  }

  /** The weight of the negative pairs at or below each threshold. */
  get trueNegatives(): Variable {
    return this.built().trueNegatives;
  }

  /** The weight of the positive pairs at or below each threshold. */
  get falseNegatives(): Variable {
    return this.built().falseNegatives;
  }

  /** The thresholds: the given ones or i / (numThresholds - 1), with -epsilon first and 1 + epsilon last. */
  get thresholds(): number[] {
    const n = this.numThresholds;
    const inner = this.givenThresholds ?? Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1));
    return [-this.endMargin, ...inner, 1 + this.endMargin];
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: SampleWeight): void {
    const op = `${this.name}.updateState`;
    checkTensor(op, 'yPred', yPred);
    const labels = this.checkLabelShape(op, yPred);
    tidy(() => {
      const probabilities = this.fromLogits ? sigmoid(asFloat(yPred)) : yPred;
      const batch = flattenBatch(op, yTrue, probabilities, sampleWeight, undefined);
      const counts = this.multiLabel ? this.build([this.numThresholds, labels]) : this.built();
      // The first threshold lies below 0, so every prediction in [0, 1] is above it.
      const above = this.evenlySpaced
        ? aboveEvenThresholds(batch.predictions, this.thresholdRow, true)
        : cast(greater(reshape(batch.predictions, [-1, 1]), this.thresholdRow), 'float32');
      if (this.multiLabel) {
        addCountsPerLabel(counts, batch, above, labels);
      } else {
        // Label weights multiply the sample weights of the flattened pairs (whose order is yPred's).
        const labelWeights = this.labelWeightTensor && reshape(broadcastTo(this.labelWeightTensor, yPred.shape), [1, -1]);
        const weights = labelWeights && batch.weights ? mul(batch.weights, labelWeights) : labelWeights ?? batch.weights;
        addConfusionCounts(counts, { ...batch, weights }, above);
      }
    });
  }

  /** The area: a scalar; with multiLabel, the (weighted) mean of the labels' areas, 0 before the first batch. */
  result(): Tensor {
    return tidy(() => {
      if (!this.counts) return scalar(0);
      let terms: Tensor;
      if (this.curve === 'PR' && this.summationMethod === 'interpolation') {
        terms = this.interpolatedPrAuc(this.counts);
      } else {
        const [x, y] = this.curvePoints(this.counts);
        const [y0, y1] = [this.head(y), this.tail(y)];
        const heights = this.summationMethod === 'interpolation' ? mul(add(y0, y1), 0.5) : this.summationMethod === 'minoring' ? minimum(y0, y1) : maximum(y0, y1);
        terms = mul(sub(this.head(x), this.tail(x)), heights);
      }
      const areas = sum(terms, 0);
      if (!this.multiLabel) return areas;
      return this.labelWeightTensor ? divNoNan(sum(mul(areas, this.labelWeightTensor)), sum(this.labelWeightTensor)) : mean(areas);
    });
  }

  /** Keras's options; multiLabel, numLabels and labelWeights only when they are not the defaults. */
  override getConfig(): MetricConfig {
    const config: MetricConfig = { ...super.getConfig(), numThresholds: this.numThresholds, curve: this.curve, summationMethod: this.summationMethod, fromLogits: this.fromLogits };
    if (this.givenThresholds) config.thresholds = [...this.givenThresholds];
    if (this.multiLabel) Object.assign(config, { multiLabel: true, numLabels: this.numLabels });
    if (this.labelWeights) config.labelWeights = [...this.labelWeights];
    return config;
  }

  override dispose(): void {
    this.thresholdRow.dispose();
    this.labelWeightTensor?.dispose();
    super.dispose();
  }

  /**
   * The number of labels of a batch (1 without multiLabel), checked before any GPU work: with
   * multiLabel, predictions of shape [samples, labels] matching the counts; label weights one per
   * entry of the last axis.
   */
  private checkLabelShape(op: string, yPred: Tensor): number {
    const weightCount = this.labelWeights?.length;
    if (!this.multiLabel) {
      const last = yPred.shape[yPred.rank - 1];
      if (weightCount !== undefined && (yPred.rank < 2 || (last !== weightCount && weightCount !== 1))) {
        throw new Error(`${op}: labelWeights has ${weightCount} entries, one per label; yPred must have shape [..., ${weightCount}]. Received yPred of shape ${formatShape(yPred.shape)}.`);
      }
      return 1;
    }
    if (yPred.rank !== 2) {
      throw new Error(`${op}: yPred must have rank 2 ([samples, labels]) when multiLabel is true. Received yPred of shape ${formatShape(yPred.shape)}.`);
    }
    const labels = yPred.shape[1];
    const expected = this.counts ? this.counts.truePositives.shape[1] : labels;
    if (labels !== expected) {
      throw new Error(`${op}: this metric counts ${expected} labels${this.numLabels === null ? ' (from its first batch)' : ' (numLabels)'}; received yPred of shape ${formatShape(yPred.shape)}.`);
    }
    if (weightCount !== undefined && weightCount !== labels) {
      throw new Error(`${op}: labelWeights has ${weightCount} entries, one per label; received yPred of shape ${formatShape(yPred.shape)} with ${labels} labels.`);
    }
    return labels;
  }

  /** The count Variables, created with `shape` the first time (Keras's _build). */
  private build(shape: readonly number[]): ConfusionCounts {
    this.counts ??= {
      truePositives: this.addVariable('true_positives', shape),
      falsePositives: this.addVariable('false_positives', shape),
      trueNegatives: this.addVariable('true_negatives', shape),
      falseNegatives: this.addVariable('false_negatives', shape),
    };
    return this.counts;
  }

  private built(): ConfusionCounts {
    if (!this.counts) throw new Error(`${this.name}: the counts are created at the first updateState (multiLabel without numLabels takes the number of labels from it).`);
    return this.counts;
  }

  /** The curve's [x, y] per threshold (and label), as in Keras's AUC.result. */
  private curvePoints(counts: ConfusionCounts): [Tensor, Tensor] {
    const { truePositives: tp, falsePositives: fp, trueNegatives: tn, falseNegatives: fn } = counts;
    const recall = divNoNan(tp, add(tp, fn));
    if (this.curve === 'ROC') return [divNoNan(fp, add(fp, tn)), recall];
    if (this.curve === 'PR') return [recall, divNoNan(tp, add(tp, fp))];
    // PR gain: where there is no true positive, recall gain 0 and precision gain 1; recall gain at least 0.
    const scale = divNoNan(add(tp, fn), add(tn, fp));
    const noTruePositive = equal(tp, 0);
    const recallGain = maximum(where(noTruePositive, 0, sub(1, mul(scale, divNoNan(fn, tp)))), 0);
    const precisionGain = where(noTruePositive, 1, sub(1, mul(scale, divNoNan(fp, tp))));
    return [recallGain, precisionGain];
  }

  /**
   * Keras's interpolate_pr_auc (Davis & Goadrich 2006): between successive thresholds, true
   * positives and predicted positives vary linearly, and the precision's integral over recall has
   * the closed form slope * (dTP + intercept * log(P_A / P_B)) / (positives). One term per
   * interval between thresholds (and per label).
   */
  private interpolatedPrAuc(counts: ConfusionCounts): Tensor {
    const tp = counts.truePositives;
    const predictedPositive = add(tp, counts.falsePositives);
    const [pA, pB] = [this.head(predictedPositive), this.tail(predictedPositive)];
    const dtp = sub(this.head(tp), this.tail(tp));
    const slope = divNoNan(dtp, maximum(sub(pA, pB), 0));
    const intercept = sub(this.tail(tp), mul(slope, pB));
    const ratio = where(logicalAnd(greater(pA, 0), greater(pB, 0)), divNoNan(pA, maximum(pB, 0)), 1);
    const positives = maximum(add(this.tail(tp), this.tail(counts.falseNegatives)), 0);
    return divNoNan(mul(slope, add(dtp, mul(intercept, log(ratio)))), positives);
  }

  /** Every value but the last (at thresholds 0 ... T - 2), of each label. */
  private head(values: Tensor): Tensor {
    return slice(values, [0], [this.numThresholds - 1]);
  }

  /** Every value but the first (at thresholds 1 ... T - 1), of each label. */
  private tail(values: Tensor): Tensor {
    return slice(values, [1], [this.numThresholds - 1]);
  }
}

/**
 * addConfusionCounts per label: `batch` is a [samples, labels] batch flattened row by row, `above`
 * its [samples * labels, T] mask; the counts, of shape [T, labels], gain each label's column sums.
 * Call inside tidy.
 */
function addCountsPerLabel(counts: ConfusionCounts, batch: FlatBatch, above: Tensor, labels: number): void {
  const positive = reshape(batch.weights ? mul(batch.labels, batch.weights) : batch.labels, [-1, labels]);
  const negative = reshape(batch.weights ? mul(sub(1, batch.labels), batch.weights) : sub(1, batch.labels), [-1, labels]);
  const aboveByLabel = reshape(above, [-1, labels, above.shape[1]]);
  const tp = transpose(sum(mul(aboveByLabel, expandDims(positive, -1)), 0));
  const fp = transpose(sum(mul(aboveByLabel, expandDims(negative, -1)), 0));
  counts.truePositives.assign(add(counts.truePositives, tp));
  counts.falsePositives.assign(add(counts.falsePositives, fp));
  counts.trueNegatives.assign(add(counts.trueNegatives, sub(sum(negative, 0), fp)));
  counts.falseNegatives.assign(add(counts.falseNegatives, sub(sum(positive, 0), tp)));
}

/** Keras's is_evenly_distributed_thresholds: at least 3, each within np.allclose (atol: epsilon) of i / (n - 1). */
function isEvenlySpaced(thresholds: readonly number[], tolerance: number): boolean {
  const n = thresholds.length;
  if (n < 3) return false;
  return thresholds.every((t, i) => Math.abs(t - i / (n - 1)) <= tolerance + 1e-5 * (i / (n - 1)));
}
