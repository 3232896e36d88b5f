// The area under a curve of confusion-matrix rates, as keras.metrics.AUC: the ROC curve (recall
// against false positive rate), the precision-recall curve (with Davis & Goadrich's interpolation
// by default) or the precision-recall-gain curve, over evenly spaced thresholds or a list of them.
// The counts per threshold accumulate in Variables through the shared helpers of
// confusion_metrics.ts; the area is computed from them on the backend, so nothing is read back.

import type { Variable } from '../autograd/variable';
import { tensor } from '../tensor/creation';
import { keep, tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { range } from '../ops/creation';
import { add, cast, divNoNan, equal, greater, log, logicalAnd, maximum, minimum, mul, sigmoid, sub, where } from '../ops/elementwise';
import { sum } from '../ops/reduce';
import { reshape, slice } from '../ops/shape';
import { Metric, type MetricConfig, type SampleWeight } from './metric';
import { asFloat, checkTensor } from './metrics_utils';
import { aboveEvenThresholds, addConfusionCounts, flattenBatch } from './confusion_metrics';

/** keras.backend.epsilon(): how far the end thresholds lie outside [0, 1]. */
const EPSILON = 1e-7;

/** How AUC sums the area between thresholds. */
export type AUCSummationMethod = 'interpolation' | 'minoring' | 'majoring';

/** The curve whose area AUC measures. */
export type AUCCurve = 'ROC' | 'PR' | 'PRGAIN';

export interface AUCOptions {
  /** Evenly spaced thresholds in [0, 1], the end ones moved just outside it. Default 200; at least 2. Ignored when `thresholds` is given. */
  numThresholds?: number;
  /**
   * The thresholds, in [0, 1] (sorted here), instead of evenly spaced ones; -1e-7 and 1 + 1e-7 are
   * added at the ends, so predictions of exactly 0 or 1 are counted. Default null.
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
  /** Only false (the default) for now: every label-prediction pair is one data point. */
  multiLabel?: boolean;
  /** Only null (the default) for now: it goes with multiLabel. */
  numLabels?: number | null;
  /** Only null (the default) for now. */
  labelWeights?: readonly number[] | null;
  name?: string;
}

const SUMMATION_METHODS: readonly AUCSummationMethod[] = ['interpolation', 'minoring', 'majoring'];
const CURVES: readonly AUCCurve[] = ['ROC', 'PR', 'PRGAIN'];

/**
 * The area under the ROC curve (or the PR or PR-gain curve), approximated over thresholds as
 * keras.metrics.AUC does: each prediction (clipped to [0, 1] for evenly spaced thresholds) is
 * compared with every threshold, the counts at each threshold are summed over batches, and the
 * curve through their rates is summed as `summationMethod` says.
 *
 * @example
 * const m = new AUC({ numThresholds: 3 });
 * m.updateState(tensor([0, 0, 1, 1]), tensor([0, 0.5, 0.3, 0.9]));
 * await m.result().data();   // [0.75]
 * const pr = new AUC({ curve: 'PR', thresholds: [0.25, 0.5, 0.75] });
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
  readonly truePositives: Variable;
  readonly falsePositives: Variable;
  readonly trueNegatives: Variable;
  readonly falseNegatives: Variable;
  /** The thresholds given (sorted), without the end ones; null for evenly spaced ones. */
  private readonly givenThresholds: number[] | null;
  /**
   * Evenly spaced thresholds: 0, 1, ..., numThresholds - 1 as a [1, numThresholds] row, to compare
   * bucket indices against. Others: the thresholds themselves as a row, to compare predictions against.
   */
  private readonly thresholdRow: Tensor;
  private readonly evenlySpaced: boolean;

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
    if (multiLabel !== false) throw new Error(`AUC: multiLabel=${String(multiLabel)} (one AUC per label, then averaged) is not supported yet; leave it false to count every label-prediction pair as one data point.`);
    if (numLabels !== null) throw new Error(`AUC: numLabels is not supported yet (it goes with multiLabel, which is not). Received: numLabels=${String(numLabels)}.`);
    if (labelWeights !== null) throw new Error('AUC: labelWeights is not supported yet; weigh the predictions with sampleWeight instead.');
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
      this.evenlySpaced = isEvenlySpaced([0, ...this.givenThresholds, 1]);
    }
    this.curve = curve as AUCCurve;
    this.summationMethod = summationMethod;
    this.fromLogits = fromLogits;
    this.truePositives = this.addVariable('true_positives', [this.numThresholds]);
    this.falsePositives = this.addVariable('false_positives', [this.numThresholds]);
    this.trueNegatives = this.addVariable('true_negatives', [this.numThresholds]);
    this.falseNegatives = this.addVariable('false_negatives', [this.numThresholds]);
    const row = this.evenlySpaced ? null : this.thresholds;
    this.thresholdRow = keep(tidy(() => (row ? tensor(row, [1, row.length]) : reshape(range(this.numThresholds), [1, this.numThresholds]))));
  }

  /** The thresholds: the given ones or i / (numThresholds - 1), with -1e-7 first and 1 + 1e-7 last. */
  get thresholds(): number[] {
    const n = this.numThresholds;
    const inner = this.givenThresholds ?? Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1));
    return [-EPSILON, ...inner, 1 + EPSILON];
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: SampleWeight): void {
    tidy(() => {
      const op = `${this.name}.updateState`;
      checkTensor(op, 'yPred', yPred);
      const probabilities = this.fromLogits ? sigmoid(asFloat(yPred)) : yPred;
      const batch = flattenBatch(op, yTrue, probabilities, sampleWeight, undefined);
      // The first threshold lies below 0, so every prediction in [0, 1] is above it.
      const above = this.evenlySpaced
        ? aboveEvenThresholds(batch.predictions, this.thresholdRow, true)
        : cast(greater(reshape(batch.predictions, [-1, 1]), this.thresholdRow), 'float32');
      addConfusionCounts(this, batch, above);
    });
  }

  result(): Tensor {
    return tidy(() => {
      if (this.curve === 'PR' && this.summationMethod === 'interpolation') return this.interpolatedPrAuc();
      const [x, y] = this.curvePoints();
      const [y0, y1] = [this.head(y), this.tail(y)];
      const heights = this.summationMethod === 'interpolation' ? mul(add(y0, y1), 0.5) : this.summationMethod === 'minoring' ? minimum(y0, y1) : maximum(y0, y1);
      return sum(mul(sub(this.head(x), this.tail(x)), heights));
    });
  }

  override getConfig(): MetricConfig {
    const config: MetricConfig = { ...super.getConfig(), numThresholds: this.numThresholds, curve: this.curve, summationMethod: this.summationMethod, fromLogits: this.fromLogits };
    if (this.givenThresholds) config.thresholds = [...this.givenThresholds];
    return config;
  }

  override dispose(): void {
    this.thresholdRow.dispose();
    super.dispose();
  }

  /** The curve's [x, y] per threshold, as in Keras's AUC.result. */
  private curvePoints(): [Tensor, Tensor] {
    const { truePositives: tp, falsePositives: fp, trueNegatives: tn, falseNegatives: fn } = this;
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
   * the closed form slope * (dTP + intercept * log(P_A / P_B)) / (positives).
   */
  private interpolatedPrAuc(): Tensor {
    const tp = this.truePositives;
    const predictedPositive = add(tp, this.falsePositives);
    const [pA, pB] = [this.head(predictedPositive), this.tail(predictedPositive)];
    const dtp = sub(this.head(tp), this.tail(tp));
    const slope = divNoNan(dtp, maximum(sub(pA, pB), 0));
    const intercept = sub(this.tail(tp), mul(slope, pB));
    const ratio = where(logicalAnd(greater(pA, 0), greater(pB, 0)), divNoNan(pA, maximum(pB, 0)), 1);
    const positives = maximum(add(this.tail(tp), this.tail(this.falseNegatives)), 0);
    return sum(divNoNan(mul(slope, add(dtp, mul(intercept, log(ratio)))), positives));
  }

  /** Every value but the last (at thresholds 0 ... T - 2). */
  private head(values: Tensor): Tensor {
    return slice(values, [0], [this.numThresholds - 1]);
  }

  /** Every value but the first (at thresholds 1 ... T - 1). */
  private tail(values: Tensor): Tensor {
    return slice(values, [1], [this.numThresholds - 1]);
  }
}

/** Keras's is_evenly_distributed_thresholds: at least 3, each within np.allclose of i / (n - 1). */
function isEvenlySpaced(thresholds: readonly number[]): boolean {
  const n = thresholds.length;
  if (n < 3) return false;
  return thresholds.every((t, i) => Math.abs(t - i / (n - 1)) <= EPSILON + 1e-5 * (i / (n - 1)));
}
