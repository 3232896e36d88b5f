// Regression metrics: mean absolute error, mean squared error and root mean squared error over
// all batches seen. Like the accuracies, inputs of rank 1 hold one value per sample; higher ranks
// are averaged over the last axis first, as Keras's losses do.

import type { Tensor } from '../tensor/tensor';
import { tidy } from '../tensor/memory';
import { abs, square, sqrt, sub } from '../ops/elementwise';
import { mean } from '../ops/reduce';
import { MeanBase, MeanMetricWrapper } from './reduction_metrics';
import type { MetricConfig, SampleWeight } from './metric';
import { asFloat, checkTensor, squeezeOrExpandToSameRank } from './metrics_utils';

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
    super(meanAbsoluteError, { name: options.name ?? 'mean_absolute_error' });
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
    super(meanSquaredError, { name: options.name ?? 'mean_squared_error' });
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
    super(options.name ?? 'root_mean_squared_error');
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
