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

/** A metric that averages `fn`, a per-sample loss, under `name`; lower is better. */
abstract class LossMetric extends MeanMetricWrapper {
  override direction: 'up' | 'down' = 'down';

  constructor(fn: MetricFunction, name: string) {
    super(fn, { name });
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
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;

  constructor({ name = 'binary_crossentropy', fromLogits = false, labelSmoothing = 0 }: BinaryCrossentropyMetricOptions = {}) {
    super((yTrue, yPred) => losses.binaryCrossentropy(yTrue, yPred, { fromLogits, labelSmoothing }), name);
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
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;

  constructor({ name = 'categorical_crossentropy', fromLogits = false, labelSmoothing = 0, axis = -1 }: CategoricalCrossentropyMetricOptions = {}) {
    super((yTrue, yPred) => losses.categoricalCrossentropy(yTrue, yPred, { fromLogits, labelSmoothing, axis }), name);
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
}

/**
 * The categorical cross-entropy of integer labels over all batches seen
 * (`metrics: ['sparse_categorical_crossentropy']`); the classes are yPred's last axis.
 * @example
 * const m = new metrics.SparseCategoricalCrossentropy();
 * m.updateState(tensor([1, 2], [2], 'int32'), tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]]));
 * await m.result().data();   // [1.177]
 */
export class SparseCategoricalCrossentropy extends LossMetric {
  readonly fromLogits: boolean;

  constructor({ name = 'sparse_categorical_crossentropy', fromLogits = false }: SparseCategoricalCrossentropyMetricOptions = {}) {
    super((yTrue, yPred) => losses.sparseCategoricalCrossentropy(yTrue, yPred, { fromLogits }), name);
    this.fromLogits = fromLogits;
  }

  protected override options(): Record<string, unknown> {
    return { fromLogits: this.fromLogits };
  }
}

/** The Kullback-Leibler divergence over all batches seen (`metrics: ['kl_divergence']`). */
export class KLDivergence extends LossMetric {
  constructor({ name = 'kl_divergence' }: LossMetricOptions = {}) {
    super(losses.klDivergence, name);
  }
}

/** The Poisson loss over all batches seen (`metrics: ['poisson']`). */
export class Poisson extends LossMetric {
  constructor({ name = 'poisson' }: LossMetricOptions = {}) {
    super(losses.poisson, name);
  }
}

/** The hinge loss over all batches seen (`metrics: ['hinge']`). */
export class Hinge extends LossMetric {
  constructor({ name = 'hinge' }: LossMetricOptions = {}) {
    super(losses.hinge, name);
  }
}

/** The squared hinge loss over all batches seen (`metrics: ['squared_hinge']`). */
export class SquaredHinge extends LossMetric {
  constructor({ name = 'squared_hinge' }: LossMetricOptions = {}) {
    super(losses.squaredHinge, name);
  }
}

/** The categorical hinge loss over all batches seen (`metrics: ['categorical_hinge']`). */
export class CategoricalHinge extends LossMetric {
  constructor({ name = 'categorical_hinge' }: LossMetricOptions = {}) {
    super(losses.categoricalHinge, name);
  }
}

/** The mean absolute percentage error over all batches seen (`metrics: ['mape']`). */
export class MeanAbsolutePercentageError extends LossMetric {
  constructor({ name = 'mean_absolute_percentage_error' }: LossMetricOptions = {}) {
    super(losses.meanAbsolutePercentageError, name);
  }
}

/** The mean squared logarithmic error over all batches seen (`metrics: ['msle']`). */
export class MeanSquaredLogarithmicError extends LossMetric {
  constructor({ name = 'mean_squared_logarithmic_error' }: LossMetricOptions = {}) {
    super(losses.meanSquaredLogarithmicError, name);
  }
}

/** The logarithm of the hyperbolic cosine of the error over all batches seen (`metrics: ['logcosh']`). */
export class LogCoshError extends LossMetric {
  constructor({ name = 'logcosh' }: LossMetricOptions = {}) {
    super(losses.logCosh, name);
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
  override direction = 'up' as const;
  readonly axis: number;

  constructor({ name = 'cosine_similarity', axis = -1 }: CosineSimilarityMetricOptions = {}) {
    super((yTrue: Tensor, yPred: Tensor) => neg(losses.cosineSimilarity(yTrue, yPred, { axis })), name);
    this.axis = axis;
  }

  protected override options(): Record<string, unknown> {
    return { axis: this.axis };
  }
}
