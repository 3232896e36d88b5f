// Metrics that pick an operating point on a curve: the best precision at a given recall, the best
// recall at a given precision, the best sensitivity at a given specificity and the best
// specificity at a given sensitivity, as Keras's SensitivitySpecificityBase family. They count
// true/false positives/negatives over evenly spaced thresholds exactly as AUC does (the shared
// accumulation of confusion_metrics.ts), and their result searches those counts on the backend.

import type { Variable } from '../autograd/variable';
import { keep, tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { range } from '../ops/creation';
import { add, cast, divNoNan, greater, greaterEqual, where } from '../ops/elementwise';
import { max } from '../ops/reduce';
import { reshape } from '../ops/shape';
import { Metric, type MetricConfig, type SampleWeight } from './metric';
import { aboveEvenThresholds, addConfusionCounts, flattenBatch, type ConfusionCounts } from './confusion_metrics';

/** Options shared by the four metrics, besides the target value. */
export interface OperatingPointOptions {
  /** The number of thresholds searched: i / (numThresholds - 1) for i = 0 ... numThresholds - 1, or 0.5 alone for 1. Default 200. */
  numThresholds?: number;
  /** Only this class (the last axis of labels and predictions) is counted. */
  classId?: number;
  name?: string;
}

/** OperatingPointOptions' names, for the option check (the type keeps the list complete). */
const OPERATING_POINT_OPTIONS = { numThresholds: true, classId: true } satisfies Record<Exclude<keyof OperatingPointOptions, 'name'>, true>;

/**
 * The counts per threshold and the search of Keras's SensitivitySpecificityBase: among the
 * thresholds where one rate reaches the target value, the best value of another rate (0 when none
 * does).
 */
abstract class OperatingPointMetric extends Metric implements ConfusionCounts {
  override direction = 'up' as const;
  readonly numThresholds: number;
  readonly classId: number | undefined;
  readonly truePositives: Variable;
  readonly falsePositives: Variable;
  readonly trueNegatives: Variable;
  readonly falseNegatives: Variable;
  /** The target value of the constrained rate. */
  protected readonly value: number;
  /** 0, 1, ..., numThresholds - 1 as a [1, numThresholds] row (unused for one threshold). */
  private readonly thresholdIndices: Tensor;

  constructor(metric: string, argument: string, value: number, options: OperatingPointOptions, defaultName: string) {
    super(options.name ?? defaultName, options);
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      throw new Error(`${metric}: invalid value for argument ${argument}. Expected a number in [0, 1]. Received: ${argument}=${String(value)}.`);
    }
    const numThresholds = options.numThresholds ?? 200;
    if (!Number.isInteger(numThresholds) || numThresholds < 1) {
      throw new Error(`${metric}: invalid value for argument numThresholds. Expected an integer > 0. Received: numThresholds=${String(numThresholds)}.`);
    }
    if (options.classId !== undefined && (!Number.isInteger(options.classId) || options.classId < 0)) {
      throw new Error(`${metric}: invalid value for argument classId. Expected a non-negative integer. Received: classId=${String(options.classId)}.`);
    }
    this.value = value;
    this.numThresholds = numThresholds;
    this.classId = options.classId;
    this.truePositives = this.addVariable('true_positives', [numThresholds]);
    this.falsePositives = this.addVariable('false_positives', [numThresholds]);
    this.trueNegatives = this.addVariable('true_negatives', [numThresholds]);
    this.falseNegatives = this.addVariable('false_negatives', [numThresholds]);
    this.thresholdIndices = keep(tidy(() => reshape(range(numThresholds), [1, numThresholds])));
  }

  /** The thresholds: 0, 1 / (numThresholds - 1), ..., 1, or [0.5] for one threshold. */
  get thresholds(): number[] {
    const n = this.numThresholds;
    return n === 1 ? [0.5] : Array.from({ length: n }, (_, i) => i / (n - 1));
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: SampleWeight): void {
    tidy(() => {
      const batch = flattenBatch(`${this.name}.updateState`, yTrue, yPred, sampleWeight, this.classId);
      // Above a threshold means strictly above: a prediction of 0 is above none of them.
      const above = this.numThresholds === 1 ? cast(greater(reshape(batch.predictions, [-1, 1]), 0.5), 'float32') : aboveEvenThresholds(batch.predictions, this.thresholdIndices, false);
      addConfusionCounts(this, batch, above);
    });
  }

  /** tp / (tp + fn) per threshold. */
  protected recalls(): Tensor {
    return divNoNan(this.truePositives, add(this.truePositives, this.falseNegatives));
  }

  /** tp / (tp + fp) per threshold. */
  protected precisions(): Tensor {
    return divNoNan(this.truePositives, add(this.truePositives, this.falsePositives));
  }

  /** tn / (tn + fp) per threshold. */
  protected specificities(): Tensor {
    return divNoNan(this.trueNegatives, add(this.trueNegatives, this.falsePositives));
  }

  /** The largest `dependent` where `constrained` >= the target value, or 0 where none is. */
  protected bestWhere(constrained: Tensor, dependent: Tensor): Tensor {
    return max(where(greaterEqual(constrained, this.value), dependent, 0));
  }

  override getConfig(): MetricConfig {
    return { ...super.getConfig(), classId: this.classId, numThresholds: this.numThresholds };
  }

  override dispose(): void {
    this.thresholdIndices.dispose();
    super.dispose();
  }
}

/**
 * The best precision over the thresholds where recall is at least `recall`.
 *
 * @example
 * const m = new PrecisionAtRecall({ recall: 0.5 });
 * m.updateState(tensor([0, 0, 0, 1, 1]), tensor([0, 0.3, 0.8, 0.3, 0.8]));
 * await m.result().data();   // [0.5]
 */
export class PrecisionAtRecall extends OperatingPointMetric {
  static override readonly optionNames = { ...OPERATING_POINT_OPTIONS, recall: true } as const;
  readonly recall: number;

  constructor(options: OperatingPointOptions & { recall: number }) {
    super('PrecisionAtRecall', 'recall', options?.recall, options ?? {}, 'precision_at_recall');
    this.recall = options.recall;
  }

  result(): Tensor {
    return tidy(() => this.bestWhere(this.recalls(), this.precisions()));
  }

  override getConfig(): MetricConfig {
    return { ...super.getConfig(), recall: this.recall };
  }
}

/**
 * The best recall over the thresholds where precision is at least `precision` (0 when no
 * threshold reaches it).
 *
 * @example
 * const m = new RecallAtPrecision({ precision: 0.8 });
 * m.updateState(tensor([0, 0, 1, 1]), tensor([0, 0.5, 0.3, 0.9]));
 * await m.result().data();   // [0.5]
 */
export class RecallAtPrecision extends OperatingPointMetric {
  static override readonly optionNames = { ...OPERATING_POINT_OPTIONS, precision: true } as const;
  readonly precision: number;

  constructor(options: OperatingPointOptions & { precision: number }) {
    super('RecallAtPrecision', 'precision', options?.precision, options ?? {}, 'recall_at_precision');
    this.precision = options.precision;
  }

  result(): Tensor {
    return tidy(() => this.bestWhere(this.precisions(), this.recalls()));
  }

  override getConfig(): MetricConfig {
    return { ...super.getConfig(), precision: this.precision };
  }
}

/**
 * The best sensitivity (recall, tp / (tp + fn)) over the thresholds where specificity
 * (tn / (tn + fp)) is at least `specificity`.
 *
 * @example
 * const m = new SensitivityAtSpecificity({ specificity: 0.5 });
 * m.updateState(tensor([0, 0, 0, 1, 1]), tensor([0, 0.3, 0.8, 0.3, 0.8]));
 * await m.result().data();   // [0.5]
 */
export class SensitivityAtSpecificity extends OperatingPointMetric {
  static override readonly optionNames = { ...OPERATING_POINT_OPTIONS, specificity: true } as const;
  readonly specificity: number;

  constructor(options: OperatingPointOptions & { specificity: number }) {
    super('SensitivityAtSpecificity', 'specificity', options?.specificity, options ?? {}, 'sensitivity_at_specificity');
    this.specificity = options.specificity;
  }

  result(): Tensor {
    return tidy(() => this.bestWhere(this.specificities(), this.recalls()));
  }

  override getConfig(): MetricConfig {
    return { ...super.getConfig(), specificity: this.specificity };
  }
}

/**
 * The best specificity (tn / (tn + fp)) over the thresholds where sensitivity (tp / (tp + fn)) is
 * at least `sensitivity`.
 *
 * @example
 * const m = new SpecificityAtSensitivity({ sensitivity: 0.5 });
 * m.updateState(tensor([0, 0, 0, 1, 1]), tensor([0, 0.3, 0.8, 0.3, 0.8]));
 * await m.result().data();   // [0.6666667]
 */
export class SpecificityAtSensitivity extends OperatingPointMetric {
  static override readonly optionNames = { ...OPERATING_POINT_OPTIONS, sensitivity: true } as const;
  readonly sensitivity: number;

  constructor(options: OperatingPointOptions & { sensitivity: number }) {
    super('SpecificityAtSensitivity', 'sensitivity', options?.sensitivity, options ?? {}, 'specificity_at_sensitivity');
    this.sensitivity = options.sensitivity;
  }

  result(): Tensor {
    return tidy(() => this.bestWhere(this.recalls(), this.specificities()));
  }

  override getConfig(): MetricConfig {
    return { ...super.getConfig(), sensitivity: this.sensitivity };
  }
}
