// Metrics that reduce values over every batch seen: `Sum`, `Mean`, and `MeanMetricWrapper`, the
// mean of a per-sample function such as an accuracy or an error. Values are first reduced to one
// per sample (weighted by `sampleWeight`), then added to the `total` and `count` Variables, as
// keras.metrics.Mean does. MeanMetricWrapper folds the mask of the predictions (see getMask) into
// the sample weight, so padded positions of a sequence output do not count; a mask on the values
// themselves (sparseCategoricalCrossentropy's ignoreClass) weighs them only when there is a sample
// weight, as Keras's reduce_to_samplewise_values does.

import { tidy } from '../tensor/memory';
import { getMask } from '../tensor/mask';
import { applyMask } from '../losses/loss';
import { scalar, tensor } from '../tensor/creation';
import type { Tensor } from '../tensor/tensor';
import { mean, sum } from '../ops/reduce';
import { broadcastTo, reshape, stack } from '../ops/shape';
import { Metric, type MetricConfig, type SampleWeight } from './metric';
import { asFloat, checkTensor, squeezeOrExpandToSameRank, weightTensor } from './metrics_utils';
import { runningMean } from '../ops/running_mean';
import { zeros } from '../ops/creation';
import { Variable } from '../autograd/variable';

/** A function from labels and predictions to one value per sample (or per element). */
export type MetricFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

type Reduction = typeof sum;

/**
 * Reduces `values` to one value per sample (the leading axis), multiplied by the sample weights,
 * and the weights to one per sample, as Keras's reduce_to_samplewise_values: values of a higher
 * rank than the weights are first reduced down to the weights' rank, and a mask on the values
 * multiplies the weights (without weights, Keras leaves it out, and so does this).
 */
function reduceToSamplewise(values: Tensor, sampleWeight: Tensor | undefined, reduce: Reduction): { values: Tensor; weights?: Tensor } {
  let v = asFloat(values);
  let w = sampleWeight;
  if (w) {
    const mask = getMask(values);
    if (mask) w = applyMask(w, mask, 'sum');
    [v, w] = squeezeOrExpandToSameRank(v, w);
    const weightRank = w.rank;
    if (v.rank > weightRank) v = reduce(v, axesFrom(weightRank, v.rank));
    w = broadcastTo(w, v.shape);
    v = v.mul(w);
    if (weightRank > 1) w = reduce(w, axesFrom(1, weightRank));
  }
  if (v.rank > 1) v = reduce(v, axesFrom(1, v.rank));
  return { values: v, weights: w };
}

function axesFrom(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}

/** The values Sum and Mean take: a tensor, a number, or a list of numbers or of tensors (Keras's `update_state([1, 3, 5, 7])` or `update_state([loss])`). */
export type MetricValues = Tensor | number | ReadonlyArray<number | Tensor>;

function valuesTensor(op: string, values: MetricValues): Tensor {
  if (typeof values === 'number') return scalar(values);
  if (Array.isArray(values)) {
    const list = values as ReadonlyArray<unknown>;
    if (list.length > 0 && list.every((v) => typeof v === 'number')) return tensor(list as number[]);
    list.forEach((v) => typeof v === 'number' || checkTensor(op, 'each of values', v));
    if (list.length === 0) throw new Error(`${op}: values is an empty list; give a tensor, a number or a non-empty list of them.`);
    return stack(list.map((v) => (typeof v === 'number' ? scalar(v) : asFloat(v as Tensor))));
  }
  checkTensor(op, 'values', values);
  return values as Tensor;
}

/**
 * The (weighted) sum of all values seen.
 *
 * @example
 * const m = new Sum();
 * m.updateState(tensor([1, 3, 5, 7]), tensor([1, 1, 0, 0]));
 * await m.result().data();   // [4]
 */
export class Sum extends Metric<[values: MetricValues, sampleWeight?: SampleWeight]> {
  private readonly total = this.addVariable('total', []);

  constructor(options: { name?: string } = {}) {
    super(options?.name ?? 'sum', options);
  }

  updateState(values: MetricValues, sampleWeight?: SampleWeight): void {
    tidy(() => {
      const weights = sampleWeight === undefined ? undefined : weightTensor(sampleWeight, `${this.name}.updateState`);
      const reduced = reduceToSamplewise(valuesTensor(`${this.name}.updateState`, values), weights, sum);
      this.total.assign(this.total.add(sum(reduced.values)));
    });
  }

  result(): Tensor {
    return reshape(this.total, []);
  }
}

/**
 * The state and result shared by the mean metrics: `total` (weighted sum of per-sample values)
 * and `count` (sum of the weights, or number of samples); the result is total / count, 0 before
 * any sample.
 */
export abstract class MeanBase<Inputs extends unknown[]> extends Metric<Inputs> {
  private readonly total = this.addVariable('total', []);
  private readonly count = this.addVariable('count', []);
  /**
   * total / count, kept up to date by each update (one fused dispatch updates all three). Not a
   * state variable of the metric (Keras's are total and count), but reset and freed with them.
   */
  private readonly mean = tidy(() => new Variable(zeros([]), { trainable: false, name: `${this.name}/mean` }));

  /** Adds a batch of values; call inside tidy. */
  protected accumulate(values: Tensor, sampleWeight?: SampleWeight): void {
    if (values.rank === 0 && typeof sampleWeight === 'number') {
      // One weighted value (a batch's loss weighted by its size): one dispatch.
      this.assignState(runningMean(this.total, this.count, asFloat(values), sampleWeight, sampleWeight));
      return;
    }
    const weights = sampleWeight === undefined ? undefined : weightTensor(sampleWeight, `${this.name}.updateState`);
    const reduced = reduceToSamplewise(values, weights, mean);
    const samples = reduced.weights ? sum(reduced.weights) : reduced.values.rank >= 1 ? reduced.values.shape[0] : 1;
    this.assignState(runningMean(this.total, this.count, sum(reduced.values), samples));
  }

  private assignState([total, count, average]: Tensor[]): void {
    this.total.assign(total);
    this.count.assign(count);
    this.mean.assign(average);
  }

  result(): Tensor {
    return reshape(this.mean, []);
  }

  override resetState(): void {
    super.resetState();
    tidy(() => this.mean.assign(zeros([])));
  }

  override dispose(): void {
    super.dispose();
    this.mean.dispose();
  }
}

/**
 * The (weighted) mean of all values seen. Values of rank above 1 are first averaged per sample
 * (over all axes but the first), so each sample counts once.
 *
 * @example
 * const m = new Mean();
 * m.updateState(tensor([1, 3, 5, 7]));
 * await m.result().data();   // [4]
 * m.resetState();
 * m.updateState(tensor([1, 3, 5, 7]), tensor([1, 1, 0, 0]));
 * await m.result().data();   // [2]
 * m.updateState([lossTensor]);   // a list of numbers or scalar tensors, as Keras's update_state([1, 3, 5, 7])
 */
export class Mean extends MeanBase<[values: MetricValues, sampleWeight?: SampleWeight]> {
  constructor(options: { name?: string } = {}) {
    super(options?.name ?? 'mean', options);
  }

  updateState(values: MetricValues, sampleWeight?: SampleWeight): void {
    tidy(() => this.accumulate(valuesTensor(`${this.name}.updateState`, values), sampleWeight));
  }
}

/**
 * The mean of a per-sample function of labels and predictions over all batches seen. A subclass
 * passes its constructor's options on (with its default name), and lists its own in `optionNames`.
 *
 * @example
 * const absoluteError = (yTrue: Tensor, yPred: Tensor) => ops.abs(yTrue.sub(yPred)).mean(-1);
 * const m = new MeanMetricWrapper(absoluteError, { name: 'absolute_error' });
 * m.updateState(yTrue, yPred);
 * const value = m.result();   // a scalar tensor, still on the GPU
 */
export class MeanMetricWrapper extends MeanBase<[yTrue: Tensor, yPred: Tensor, sampleWeight?: SampleWeight]> {
  protected fn: MetricFunction;

  constructor(fn: MetricFunction, options: { name?: string } = {}) {
    if (typeof fn !== 'function') throw new Error(`MeanMetricWrapper: fn must be a function (yTrue, yPred) => Tensor, got ${typeof fn}.`);
    super(options?.name ?? (fn.name || 'mean_metric_wrapper'), options);
    this.fn = fn;
  }

  /** Adds a batch; when `yPred` carries a mask, masked positions get weight 0 (Keras's apply_mask with reduction 'sum'). */
  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: SampleWeight): void {
    checkTensor(`${this.name}.updateState`, 'yTrue', yTrue);
    checkTensor(`${this.name}.updateState`, 'yPred', yPred);
    const mask = getMask(yPred);
    tidy(() => {
      const weight = mask ? applyMask(sampleWeight === undefined || typeof sampleWeight === 'number' ? sampleWeight : weightTensor(sampleWeight, `${this.name}.updateState`), mask, 'sum') : sampleWeight;
      this.accumulate(this.fn(yTrue, yPred), weight);
    });
  }

  override getConfig(): MetricConfig {
    return { ...super.getConfig(), fn: this.fn.name };
  }
}
