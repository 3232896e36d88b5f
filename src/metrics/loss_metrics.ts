// Metrics that average a loss function over every batch seen, as Keras's probabilistic, hinge and
// regression metrics do (keras/src/metrics/probabilistic_metrics.py, hinge_metrics.py,
// regression_metrics.py): each is a MeanMetricWrapper around the per-sample loss of src/losses,
// so it runs the loss's own ops (the fused cross-entropy kernels included) on the device.

import * as losses from '../losses/index';
import { neg } from '../ops/elementwise';
import type { Tensor } from '../tensor/tensor';
import type { MetricConfig } from './metric';
import { MeanMetricWrapper, type MetricFunction } from './reduction_metrics';

/** A metric's name; the only option of the metrics without parameters. */
export interface LossMetricOptions {
  name?: string;
}

/** A metric that averages `fn`, a per-sample loss, named `options.name` or `defaultName`; lower is better. */
abstract class LossMetric extends MeanMetricWrapper {
  override direction: 'up' | 'down' = 'down';

  constructor(fn: MetricFunction, options: LossMetricOptions, defaultName: string) {
    super(fn, { ...options, name: options.name ?? defaultName });
  }

  /** The options beside name and dtype that rebuild the metric. */
  protected options(): Record<string, unknown> {
    return {};
  }

  override getConfig(): MetricConfig {
    return { name: this.name, dtype: this.dtype, ...this.options() };
  }
}

export interface BinaryCrossentropyMetricOptions extends LossMetricOptions {
  /** Whether yPred holds logits. Default false. */
  fromLogits?: boolean;
  /** Labels become y * (1 - s) + 0.5 * s. Default 0. */
  labelSmoothing?: number;
}

/**
 * The binary cross-entropy over all batches seen (`metrics: ['binary_crossentropy']`).
 * @example
 * const m = new metrics.BinaryCrossentropy();
 * m.updateState(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]]));
 * await m.result().data();   // [0.815]
 */
export class BinaryCrossentropy extends LossMetric {
  static override readonly optionNames = { fromLogits: true, labelSmoothing: true } as const;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;

  constructor(options: BinaryCrossentropyMetricOptions = {}) {
    const { fromLogits = false, labelSmoothing = 0 } = options;
    super((yTrue, yPred) => losses.binaryCrossentropy(yTrue, yPred, { fromLogits, labelSmoothing }), options, 'binary_crossentropy');
    this.fromLogits = fromLogits;
    this.labelSmoothing = labelSmoothing;
  }

  protected override options(): Record<string, unknown> {
    return { fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing };
  }
}

export interface CategoricalCrossentropyMetricOptions extends BinaryCrossentropyMetricOptions {
  /** The class axis. Default -1. */
  axis?: number;
}

/**
 * The categorical cross-entropy of one-hot labels over all batches seen
 * (`metrics: ['categorical_crossentropy']`).
 * @example
 * const m = new metrics.CategoricalCrossentropy();
 * m.updateState(tensor([[0, 1, 0], [0, 0, 1]]), tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]]));
 * await m.result().data();   // [1.177]
 */
export class CategoricalCrossentropy extends LossMetric {
  static override readonly optionNames = { fromLogits: true, labelSmoothing: true, axis: true } as const;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;

  constructor(options: CategoricalCrossentropyMetricOptions = {}) {
    const { fromLogits = false, labelSmoothing = 0, axis = -1 } = options;
    super((yTrue, yPred) => losses.categoricalCrossentropy(yTrue, yPred, { fromLogits, labelSmoothing, axis }), options, 'categorical_crossentropy');
    this.fromLogits = fromLogits;
    this.labelSmoothing = labelSmoothing;
    this.axis = axis;
  }

  protected override options(): Record<string, unknown> {
    return { fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing, axis: this.axis };
  }
}

export interface SparseCategoricalCrossentropyMetricOptions extends LossMetricOptions {
  /** Whether yPred holds logits. Default false. */
  fromLogits?: boolean;
  /** A label whose samples give 0 (see losses.sparseCategoricalCrossentropy). Default null. */
  ignoreClass?: number | null;
  /** The class axis of yPred. Default -1. */
  axis?: number;
}

/**
 * The categorical cross-entropy of integer labels over all batches seen
 * (`metrics: ['sparse_categorical_crossentropy']`); the classes are yPred's `axis` (the last by default). With
 * `ignoreClass`, as in Keras, the samples of that label add 0 and still count in the mean, unless
 * a sample weight is given: then they carry no weight.
 * @example
 * const m = new metrics.SparseCategoricalCrossentropy();
 * m.updateState(tensor([1, 2], [2], 'int32'), tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]]));
 * await m.result().data();   // [1.177]
 */
export class SparseCategoricalCrossentropy extends LossMetric {
  static override readonly optionNames = { fromLogits: true, ignoreClass: true, axis: true } as const;
  readonly fromLogits: boolean;
  readonly ignoreClass: number | null;
  readonly axis: number;

  constructor(options: SparseCategoricalCrossentropyMetricOptions = {}) {
    const { fromLogits = false, ignoreClass = null, axis = -1 } = options;
    if (ignoreClass !== null && !Number.isInteger(ignoreClass)) {
      throw new Error(`SparseCategoricalCrossentropy: invalid value for argument ignoreClass. Expected an integer or null. Received: ignoreClass=${String(ignoreClass)}.`);
    }
    if (!Number.isInteger(axis)) throw new Error(`SparseCategoricalCrossentropy: invalid value for argument axis. Expected an integer. Received: axis=${String(axis)}.`);
    super((yTrue, yPred) => losses.sparseCategoricalCrossentropy(yTrue, yPred, { fromLogits, ignoreClass, axis }), options, 'sparse_categorical_crossentropy');
    this.fromLogits = fromLogits;
    this.ignoreClass = ignoreClass;
    this.axis = axis;
  }

  protected override options(): Record<string, unknown> {
    return { fromLogits: this.fromLogits, ignoreClass: this.ignoreClass, axis: this.axis };
  }
}

/** The Kullback-Leibler divergence over all batches seen (`metrics: ['kl_divergence']`). */
export class KLDivergence extends LossMetric {
  constructor(options: LossMetricOptions = {}) {
    super(losses.klDivergence, options, 'kl_divergence');
  }
}

/** The Poisson loss over all batches seen (`metrics: ['poisson']`). */
export class Poisson extends LossMetric {
  constructor(options: LossMetricOptions = {}) {
    super(losses.poisson, options, 'poisson');
  }
}

/** The hinge loss over all batches seen (`metrics: ['hinge']`). */
export class Hinge extends LossMetric {
  constructor(options: LossMetricOptions = {}) {
    super(losses.hinge, options, 'hinge');
  }
}

/** The squared hinge loss over all batches seen (`metrics: ['squared_hinge']`). */
export class SquaredHinge extends LossMetric {
  constructor(options: LossMetricOptions = {}) {
    super(losses.squaredHinge, options, 'squared_hinge');
  }
}

/** The categorical hinge loss over all batches seen (`metrics: ['categorical_hinge']`). */
export class CategoricalHinge extends LossMetric {
  constructor(options: LossMetricOptions = {}) {
    super(losses.categoricalHinge, options, 'categorical_hinge');
  }
}

/** The mean absolute percentage error over all batches seen (`metrics: ['mape']`). */
export class MeanAbsolutePercentageError extends LossMetric {
  constructor(options: LossMetricOptions = {}) {
    super(losses.meanAbsolutePercentageError, options, 'mean_absolute_percentage_error');
  }
}

/** The mean squared logarithmic error over all batches seen (`metrics: ['msle']`). */
export class MeanSquaredLogarithmicError extends LossMetric {
  constructor(options: LossMetricOptions = {}) {
    super(losses.meanSquaredLogarithmicError, options, 'mean_squared_logarithmic_error');
  }
}

/** The logarithm of the hyperbolic cosine of the error over all batches seen (`metrics: ['logcosh']`). */
export class LogCoshError extends LossMetric {
  constructor(options: LossMetricOptions = {}) {
    super(losses.logCosh, options, 'logcosh');
  }
}

export interface CosineSimilarityMetricOptions extends LossMetricOptions {
  /** The feature axis. Default -1. */
  axis?: number;
}

/**
 * The cosine similarity of labels and predictions over all batches seen, in [-1, 1]; higher is
 * better (the loss of the same name is its negation).
 * @example
 * const m = new metrics.CosineSimilarity();
 * m.updateState(tensor([[0, 1], [1, 1]]), tensor([[1, 0], [1, 1]]));
 * await m.result().data();   // [0.5]
 */
export class CosineSimilarity extends LossMetric {
  static override readonly optionNames = { axis: true } as const;
  override direction = 'up' as const;
  readonly axis: number;

  constructor(options: CosineSimilarityMetricOptions = {}) {
    const { axis = -1 } = options;
    super((yTrue: Tensor, yPred: Tensor) => neg(losses.cosineSimilarity(yTrue, yPred, { axis })), options, 'cosine_similarity');
    this.axis = axis;
  }

  protected override options(): Record<string, unknown> {
    return { axis: this.axis };
  }
}
