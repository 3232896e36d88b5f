// Correlation metrics, as keras.metrics.PearsonCorrelation and ConcordanceCorrelation
// (keras/src/metrics/correlation_metrics.py): a per-sample coefficient between labels and
// predictions along `axis`, averaged over every batch seen by a MeanMetricWrapper (weighted by the
// sample weights), as Keras accumulates them. The coefficients compose mean, std and var ops, so
// they run on the device without reading anything back.

import { epsilon } from '../backend/config';
import { formatShape } from '../backend/types';
import { add, div, mul, square, sub } from '../ops/elementwise';
import { variance, std } from '../ops/moments';
import { mean } from '../ops/reduce';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import type { MetricConfig } from './metric';
import { asFloat, checkTensor, squeezeOrExpandToSameRank } from './metrics_utils';
import { MeanMetricWrapper } from './reduction_metrics';

/** The axis or axes a coefficient is computed along. */
export type CorrelationAxis = number | readonly number[];

export interface CorrelationOptions {
  /** The axis, or axes, along which the coefficient is computed. Default -1. */
  axis?: CorrelationAxis;
}

export interface CorrelationMetricOptions extends CorrelationOptions {
  name?: string;
}

/** Throws unless `axis` is an integer or a non-empty list of integers. */
function checkAxisOption(op: string, axis: unknown): void {
  const list = Array.isArray(axis) ? axis : [axis];
  if (list.length === 0 || !list.every((a) => Number.isInteger(a))) {
    throw new Error(`${op}: invalid value for argument axis. Expected an integer or a non-empty list of integers. Received: axis=${JSON.stringify(axis)}.`);
  }
}

/** Labels and predictions as float32 of one shape, after Keras's rank reconciliation, and the axes in range. */
function preparePair(op: string, yTrue: Tensor, yPred: Tensor, axis: CorrelationAxis): [Tensor, Tensor, number[]] {
  checkTensor(op, 'yTrue', yTrue);
  checkTensor(op, 'yPred', yPred);
  checkAxisOption(op, axis);
  const [t, p] = squeezeOrExpandToSameRank(asFloat(yTrue), asFloat(yPred));
  if (t.rank !== p.rank || t.shape.some((d, i) => d !== p.shape[i])) {
    throw new Error(`${op}: yTrue shape ${formatShape(yTrue.shape)} and yPred shape ${formatShape(yPred.shape)} differ.`);
  }
  const axes = (Array.isArray(axis) ? axis : [axis]) as number[];
  for (const a of axes) {
    if (a < -p.rank || a >= p.rank) throw new Error(`${op}: axis ${a} is out of range for inputs of shape ${formatShape(p.shape)}.`);
  }
  return [t, p, [...new Set(axes.map((a) => (a < 0 ? a + p.rank : a)))]];
}

/**
 * The Pearson correlation coefficient of labels and predictions along `axis` (default -1), as
 * keras.metrics.pearson_correlation: the mean product of both centred and divided by their
 * (population) standard deviations. A constant row has no deviation and gives NaN, as in Keras.
 * @example
 * metrics.pearsonCorrelation(tensor([[0, 1, 0.5], [1, 1, 0.2]]), tensor([[0.1, 0.9, 0.5], [1, 0.9, 0.2]]));   // [1, 0.9934]
 */
export function pearsonCorrelation(yTrue: Tensor, yPred: Tensor, options: CorrelationOptions = {}): Tensor {
  const { axis = -1 } = options;
  return tidy(() => {
    const [t, p, axes] = preparePair('pearsonCorrelation', yTrue, yPred, axis);
    const centredTrue = sub(t, mean(t, axes, true));
    const centredPred = sub(p, mean(p, axes, true));
    const normalTrue = div(centredTrue, std(centredTrue, axes, true));
    const normalPred = div(centredPred, std(centredPred, axes, true));
    return mean(mul(normalTrue, normalPred), axes);
  });
}

/**
 * Lin's concordance correlation coefficient of labels and predictions along `axis` (default -1),
 * as keras.metrics.concordance_correlation: 2 cov / (var(yTrue) + var(yPred) + (mean(yTrue) -
 * mean(yPred))^2 + epsilon), written as Keras writes it (the covariance centres yTrue on the mean of
 * yPred, which gives the same mean product).
 * @example
 * metrics.concordanceCorrelation(tensor([[0, 1, 0.5], [1, 1, 0.2]]), tensor([[0.1, 0.9, 0.5], [1, 0.9, 0.2]]));   // [0.9756, 0.9877]
 */
export function concordanceCorrelation(yTrue: Tensor, yPred: Tensor, options: CorrelationOptions = {}): Tensor {
  const { axis = -1 } = options;
  return tidy(() => {
    const [t, p, axes] = preparePair('concordanceCorrelation', yTrue, yPred, axis);
    const meanTrue = mean(t, axes, true);
    const meanPred = mean(p, axes, true);
    const varianceTrue = variance(sub(t, meanTrue), axes, true);
    const variancePred = variance(sub(p, meanPred), axes, true);
    const covariance = mul(sub(t, meanPred), sub(p, meanPred));
    const norm = add(add(varianceTrue, variancePred), square(sub(meanTrue, meanPred)));
    return mean(div(mul(covariance, 2), add(norm, epsilon())), axes);
  });
}

/** A correlation coefficient averaged over every batch seen; higher is better. */
abstract class CorrelationMetric extends MeanMetricWrapper {
  static override readonly optionNames: Readonly<Record<string, true>> = { axis: true } satisfies Record<keyof CorrelationOptions, true>;
  override direction = 'up' as const;
  readonly axis: CorrelationAxis;

  constructor(fn: typeof pearsonCorrelation, options: CorrelationMetricOptions, defaultName: string) {
    const { axis = -1 } = options ?? {};
    checkAxisOption(new.target.name, axis);
    const along = Array.isArray(axis) ? [...axis] : axis;
    super((yTrue, yPred) => fn(yTrue, yPred, { axis: along }), { ...options, name: options?.name ?? defaultName });
    this.axis = along;
  }

  override getConfig(): MetricConfig {
    return { name: this.name, dtype: this.dtype, axis: Array.isArray(this.axis) ? [...this.axis] : this.axis };
  }
}

/**
 * The Pearson correlation coefficient (keras.metrics.PearsonCorrelation), computed per sample
 * along `axis` and averaged over every batch seen (`metrics: ['pearson_correlation']`).
 * @example
 * const m = new metrics.PearsonCorrelation();
 * m.updateState(tensor([[0, 1, 0.5], [1, 1, 0.2]]), tensor([[0.1, 0.9, 0.5], [1, 0.9, 0.2]]));
 * await m.result().data();   // [0.9967]
 */
export class PearsonCorrelation extends CorrelationMetric {
  constructor(options: CorrelationMetricOptions = {}) {
    super(pearsonCorrelation, options, 'pearson_correlation');
  }
}

/**
 * The concordance correlation coefficient (keras.metrics.ConcordanceCorrelation), computed per
 * sample along `axis` and averaged over every batch seen (`metrics: ['concordance_correlation']`).
 * @example
 * const m = new metrics.ConcordanceCorrelation();
 * m.updateState(tensor([[0, 1, 0.5], [1, 1, 0.2]]), tensor([[0.1, 0.9, 0.5], [1, 0.9, 0.2]]));
 * await m.result().data();   // [0.9816]
 */
export class ConcordanceCorrelation extends CorrelationMetric {
  constructor(options: CorrelationMetricOptions = {}) {
    super(concordanceCorrelation, options, 'concordance_correlation');
  }
}
