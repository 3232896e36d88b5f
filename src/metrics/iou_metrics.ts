// Intersection-over-union metrics, as keras.metrics.IoU, MeanIoU, BinaryIoU, OneHotIoU and
// OneHotMeanIoU (the last two: IoU and MeanIoU with one-hot labels): a weighted
// [numClasses, numClasses] confusion matrix (rows: true class, columns: predicted class) summed
// over batches in a Variable, on the device (one unsortedSegmentSum of the weights by
// true * numClasses + predicted per batch), and the IoU of each class computed from it:
// tp / (tp + fp + fn), averaged over the target classes that occur. Sample weights are summed as
// given: Keras's default dtype 'int' truncates fractional weights (with a warning), so Keras agrees
// with these metrics for integer weights or with dtype='float32'.

import { epsilon } from '../backend/config';
import { formatShape } from '../backend/types';
import type { Variable } from '../autograd/variable';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { add, cast, div, greater, greaterEqual, less, logicalAnd, mul, notEqual, sub, where } from '../ops/elementwise';
import { argMax, sum } from '../ops/reduce';
import { unsortedSegmentSum } from '../ops/scatter';
import { broadcastTo, gather, reshape } from '../ops/shape';
import { Metric, type MetricConfig, type SampleWeight } from './metric';
import { asFloat, checkTensor, weightTensor } from './metrics_utils';

/** Options of IoU and MeanIoU besides the classes. */
export interface IoUBaseOptions {
  /** Labels equal to this class are left out of the confusion matrix (a "void" class, such as 255). */
  ignoreClass?: number | null;
  /** Whether labels are class ids (true, the default) or scores over `axis` whose argmax is the class. */
  sparseYTrue?: boolean;
  /** Whether predictions are class ids (true, the default) or scores over `axis` whose argmax is the class. */
  sparseYPred?: boolean;
  /** The class axis of dense labels or predictions. Default -1. */
  axis?: number;
  name?: string;
}

export interface IoUOptions extends IoUBaseOptions {
  /** The number of classes; class ids are in [0, numClasses). */
  numClasses: number;
  /** The classes whose IoUs are averaged (a single one gives that class's IoU). */
  targetClassIds: readonly number[];
}

export interface MeanIoUOptions extends IoUBaseOptions {
  /** The number of classes; class ids are in [0, numClasses). The IoUs of all of them are averaged. */
  numClasses: number;
}

export interface BinaryIoUOptions {
  /** [0], [1] or [0, 1] (the default): the classes whose IoUs are averaged. */
  targetClassIds?: readonly number[];
  /** Predictions at or above it are class 1, below it class 0. Default 0.5. */
  threshold?: number;
  name?: string;
}

function checkClassIds(metric: string, numClasses: number, targetClassIds: readonly number[]): void {
  if (!Array.isArray(targetClassIds) || targetClassIds.length === 0 || targetClassIds.some((id) => !Number.isInteger(id) || id < 0 || id >= numClasses)) {
    throw new Error(`${metric}: invalid value for argument targetClassIds. Expected a non-empty list of class ids in [0, ${numClasses}). Received: targetClassIds=${JSON.stringify(targetClassIds)}.`);
  }
}

/**
 * IoU of the target classes from the confusion matrix accumulated over batches: per class,
 * tp / (row sum + column sum - tp), averaged over the target classes whose denominator is not 0.
 *
 * @example
 * const m = new IoU({ numClasses: 2, targetClassIds: [0] });
 * m.updateState(tensor([0, 0, 1, 1]), tensor([0, 1, 0, 1]));
 * await m.result().data();   // [0.33333334]
 */
export class IoU extends Metric {
  static override readonly optionNames: Readonly<Record<string, true>> = {
    numClasses: true, targetClassIds: true, ignoreClass: true, sparseYTrue: true, sparseYPred: true, axis: true,
  } satisfies Record<Exclude<keyof IoUOptions, 'name'>, true>;
  override direction = 'up' as const;
  readonly numClasses: number;
  readonly targetClassIds: readonly number[];
  readonly ignoreClass: number | null;
  readonly sparseYTrue: boolean;
  readonly sparseYPred: boolean;
  readonly axis: number;
  /** The weighted confusion matrix: entry [i, j] sums the weights of samples of class i predicted as j. */
  readonly totalConfusionMatrix: Variable;

  constructor(options: IoUOptions) {
    const metric = new.target.name;
    // The options are checked as given; the settings add what a subclass implies (MeanIoU: every class).
    const given = Object.entries(options ?? {}).filter(([, value]) => value !== undefined);
    const settings = { ...new.target.impliedOptions(options ?? {}), ...Object.fromEntries(given) } as IoUOptions;
    super(settings.name ?? 'io_u', options);
    const { numClasses, targetClassIds, ignoreClass = null, sparseYTrue = true, sparseYPred = true, axis = -1 } = settings;
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new Error(`${metric}: invalid value for argument numClasses. Expected a positive integer. Received: numClasses=${String(numClasses)}.`);
    }
    checkClassIds(metric, numClasses, targetClassIds);
    if (ignoreClass !== null && !Number.isInteger(ignoreClass)) {
      throw new Error(`${metric}: invalid value for argument ignoreClass. Expected an integer or null. Received: ignoreClass=${String(ignoreClass)}.`);
    }
    if (!Number.isInteger(axis)) throw new Error(`${metric}: invalid value for argument axis. Expected an integer. Received: axis=${String(axis)}.`);
    this.numClasses = numClasses;
    this.targetClassIds = [...targetClassIds];
    this.ignoreClass = ignoreClass;
    this.sparseYTrue = sparseYTrue;
    this.sparseYPred = sparseYPred;
    this.axis = axis;
    this.totalConfusionMatrix = this.addVariable('total_confusion_matrix', [numClasses, numClasses]);
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: SampleWeight): void {
    const op = `${this.name}.updateState`;
    checkTensor(op, 'yTrue', yTrue);
    checkTensor(op, 'yPred', yPred);
    this.checkBatch(op, this.sampleCount(yTrue, this.sparseYTrue), this.sampleCount(yPred, this.sparseYPred), sampleWeight);
    tidy(() => this.accumulate(op, this.classes(yTrue, this.sparseYTrue), this.classes(yPred, this.sparseYPred), sampleWeight));
  }

  /** The options a subclass fixes or derives from the given ones, under them (IoU: none). */
  protected static impliedOptions(_options: Partial<IoUOptions>): Partial<IoUOptions> {
    return {};
  }

  /** Throws unless labels, predictions and weights agree on the number of samples. */
  protected checkBatch(op: string, labels: number, predictions: number, sampleWeight: SampleWeight | undefined): void {
    if (labels !== predictions) {
      throw new Error(`${op}: labels and predictions must give one class per sample, as many of each. Received: ${labels} labels and ${predictions} predictions.`);
    }
    if (sampleWeight === undefined || typeof sampleWeight === 'number') return;
    checkTensor(op, 'sampleWeight', sampleWeight);
    if (sampleWeight.size !== 1 && sampleWeight.size !== labels) {
      throw new Error(`${op}: sampleWeight must hold one weight per sample (${labels}) or a single one. Received: sampleWeight.shape=${formatShape(sampleWeight.shape)}.`);
    }
  }

  /** Adds a batch of class ids (float32, any shapes of equal size, checked) to the confusion matrix; call inside tidy. */
  protected accumulate(op: string, labels: Tensor, predictions: Tensor, sampleWeight: SampleWeight | undefined): void {
    const count = labels.size;
    // Class ids are integers, as Keras's cast to an int dtype makes them.
    const trueClass = cast(cast(reshape(labels, [count]), 'int32'), 'float32');
    const predictedClass = cast(cast(reshape(predictions, [count]), 'int32'), 'float32');
    const w = weightTensor(sampleWeight ?? 1, op);
    const weights = broadcastTo(reshape(w, [w.size]), [count]);
    const inRange = (classes: Tensor) => logicalAnd(greaterEqual(classes, 0), less(classes, this.numClasses));
    let valid = logicalAnd(inRange(trueClass), inRange(predictedClass));
    if (this.ignoreClass !== null) valid = logicalAnd(valid, notEqual(trueClass, this.ignoreClass));
    // Samples out of range or ignored get id -1, which unsortedSegmentSum drops.
    const cell = cast(where(valid, add(mul(trueClass, this.numClasses), predictedClass), -1), 'int32');
    const batchMatrix = reshape(unsortedSegmentSum(weights, cell, this.numClasses * this.numClasses), [this.numClasses, this.numClasses]);
    this.totalConfusionMatrix.assign(add(this.totalConfusionMatrix, batchMatrix));
  }

  result(): Tensor {
    return tidy(() => {
      const n = this.numClasses;
      const matrix = this.totalConfusionMatrix;
      const truePositives = gather(reshape(matrix, [n * n]), Array.from({ length: n }, (_, i) => i * (n + 1)));
      const denominators = sub(add(sum(matrix, 0), sum(matrix, 1)), truePositives);
      const targetDenominators = gather(denominators, this.targetClassIds);
      const valid = greater(targetDenominators, 1e-9);
      const fuzz = epsilon();
      const iou = where(valid, div(gather(truePositives, this.targetClassIds), add(targetDenominators, fuzz)), 0);
      return div(sum(iou), add(sum(cast(valid, 'float32')), fuzz));
    });
  }

  override getConfig(): MetricConfig {
    return {
      ...super.getConfig(),
      numClasses: this.numClasses,
      targetClassIds: [...this.targetClassIds],
      ignoreClass: this.ignoreClass,
      sparseYTrue: this.sparseYTrue,
      sparseYPred: this.sparseYPred,
      axis: this.axis,
    };
  }

  /** The number of class ids in `x`: its size, or its size over the class axis for dense scores. */
  private sampleCount(x: Tensor, sparse: boolean): number {
    if (sparse) return x.size;
    const axis = this.axis < 0 ? this.axis + x.rank : this.axis;
    if (axis < 0 || axis >= x.rank) {
      throw new Error(`${this.name}.updateState: axis ${this.axis} is out of range for dense labels or predictions of shape ${formatShape(x.shape)}.`);
    }
    return x.size / x.shape[axis];
  }

  /** Class ids as float32: the input itself, or the argmax over `axis` of dense scores. */
  private classes(x: Tensor, sparse: boolean): Tensor {
    return sparse ? asFloat(x) : cast(argMax(x, this.axis), 'float32');
  }
}

/**
 * The mean IoU over all classes that occur, from the confusion matrix accumulated over batches.
 *
 * @example
 * const m = new MeanIoU({ numClasses: 2 });
 * m.updateState(tensor([0, 0, 1, 1]), tensor([0, 1, 0, 1]));
 * await m.result().data();   // [0.33333334]
 */
export class MeanIoU extends IoU {
  static override readonly optionNames: Readonly<Record<string, true>> = {
    numClasses: true, ignoreClass: true, sparseYTrue: true, sparseYPred: true, axis: true,
  } satisfies Record<Exclude<keyof MeanIoUOptions, 'name'>, true>;

  constructor(options: MeanIoUOptions) {
    super(options as IoUOptions);
  }

  /** Every class is a target. */
  protected static override impliedOptions({ numClasses }: Partial<IoUOptions>): Partial<IoUOptions> {
    const all = Number.isInteger(numClasses) && numClasses! > 0 ? Array.from({ length: numClasses! }, (_, i) => i) : [];
    return { name: 'mean_io_u', targetClassIds: all };
  }

  override getConfig(): MetricConfig {
    const config = super.getConfig();
    delete config.targetClassIds;
    return config;
  }
}

/** Options of OneHotIoU: IoU's, with labels always one-hot (their argmax over `axis` is the class). */
export interface OneHotIoUOptions extends Omit<IoUOptions, 'sparseYTrue' | 'sparseYPred'> {
  /** Whether predictions are class ids (true) or scores over `axis` whose argmax is the class (false, the default). */
  sparseYPred?: boolean;
}

/** Options of OneHotMeanIoU: MeanIoU's, with labels always one-hot. */
export interface OneHotMeanIoUOptions extends Omit<MeanIoUOptions, 'sparseYTrue' | 'sparseYPred'> {
  /** Whether predictions are class ids (true) or scores over `axis` whose argmax is the class (false, the default). */
  sparseYPred?: boolean;
}

/**
 * IoU of the target classes for one-hot labels (keras.metrics.OneHotIoU): labels and, unless
 * `sparseYPred`, predictions become classes by their argmax over `axis`, then as IoU.
 *
 * @example
 * const m = new OneHotIoU({ numClasses: 3, targetClassIds: [0, 2] });
 * m.updateState(tensor([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]]),
 *   tensor([[0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]]), tensor([0.1, 0.2, 0.3, 0.4]));
 * await m.result().data();   // [0.0714]
 */
export class OneHotIoU extends IoU {
  static override readonly optionNames = {
    numClasses: true, targetClassIds: true, ignoreClass: true, sparseYPred: true, axis: true,
  } satisfies Record<Exclude<keyof OneHotIoUOptions, 'name'>, true>;

  constructor(options: OneHotIoUOptions) {
    super(options as IoUOptions);
  }

  /** One-hot labels, and dense predictions unless the options say otherwise. */
  protected static override impliedOptions(): Partial<IoUOptions> {
    return { name: 'one_hot_io_u', sparseYTrue: false, sparseYPred: false };
  }

  override getConfig(): MetricConfig {
    const config = super.getConfig();
    delete config.sparseYTrue;
    return config;
  }
}

/**
 * The mean IoU over all classes for one-hot labels (keras.metrics.OneHotMeanIoU): labels and,
 * unless `sparseYPred`, predictions become classes by their argmax over `axis`, then as MeanIoU.
 *
 * @example
 * const m = new OneHotMeanIoU({ numClasses: 3 });
 * m.updateState(tensor([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]]),
 *   tensor([[0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]]), tensor([0.1, 0.2, 0.3, 0.4]));
 * await m.result().data();   // [0.0476]
 */
export class OneHotMeanIoU extends MeanIoU {
  static override readonly optionNames = {
    numClasses: true, ignoreClass: true, sparseYPred: true, axis: true,
  } satisfies Record<Exclude<keyof OneHotMeanIoUOptions, 'name'>, true>;

  constructor(options: OneHotMeanIoUOptions) {
    super(options as MeanIoUOptions);
  }

  /** Every class is a target; one-hot labels, and dense predictions unless the options say otherwise. */
  protected static override impliedOptions(options: Partial<IoUOptions>): Partial<IoUOptions> {
    return { ...super.impliedOptions(options), name: 'one_hot_mean_io_u', sparseYTrue: false, sparseYPred: false };
  }

  override getConfig(): MetricConfig {
    const config = super.getConfig();
    delete config.sparseYTrue;
    return config;
  }
}

/**
 * IoU for binary labels and scores: a prediction at or above `threshold` is class 1, below it
 * class 0; the IoUs of `targetClassIds` ([0, 1] by default) are averaged.
 *
 * @example
 * const m = new BinaryIoU({ targetClassIds: [0, 1], threshold: 0.3 });
 * m.updateState(tensor([0, 1, 0, 1]), tensor([0.1, 0.2, 0.4, 0.7]));
 * await m.result().data();   // [0.33333334]
 */
export class BinaryIoU extends IoU {
  static override readonly optionNames = { targetClassIds: true, threshold: true } satisfies Record<Exclude<keyof BinaryIoUOptions, 'name'>, true>;
  readonly threshold: number;

  constructor(options: BinaryIoUOptions = {}) {
    const { threshold = 0.5 } = options ?? {};
    super(options as IoUOptions);
    if (typeof threshold !== 'number' || Number.isNaN(threshold)) {
      throw new Error(`BinaryIoU: invalid value for argument threshold. Expected a number. Received: threshold=${String(threshold)}.`);
    }
    this.threshold = threshold;
  }

  /** Two classes, both targets unless the options say otherwise. */
  protected static override impliedOptions(): Partial<IoUOptions> {
    return { name: 'binary_io_u', numClasses: 2, targetClassIds: [0, 1] };
  }

  override updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: SampleWeight): void {
    const op = `${this.name}.updateState`;
    checkTensor(op, 'yTrue', yTrue);
    checkTensor(op, 'yPred', yPred);
    this.checkBatch(op, yTrue.size, yPred.size, sampleWeight);
    tidy(() => this.accumulate(op, asFloat(yTrue), cast(greaterEqual(asFloat(yPred), this.threshold), 'float32'), sampleWeight));
  }

  override getConfig(): MetricConfig {
    return { name: this.name, dtype: this.dtype, targetClassIds: [...this.targetClassIds], threshold: this.threshold };
  }
}
