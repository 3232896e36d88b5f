// The Normalization preprocessing layer (keras/src/layers/preprocessing/normalization.py): shifts
// and scales features by a mean and variance that `adapt(data)` computes on the device (with
// ops.moments; nothing is read back) or that the constructor is given. Adapted statistics are
// non-trainable weights, so they are saved and loaded with the model.

import { epsilon } from '../backend/config';
import type { Variable } from '../autograd/variable';
import { formatShape } from '../backend/types';
import { cast, maximum, sqrt } from '../ops/elementwise';
import { moments } from '../ops/moments';
import { broadcastTo, reshape } from '../ops/shape';
import { tensor } from '../tensor/creation';
import { keep, tidy } from '../tensor/memory';
import type { NestedArray, Tensor } from '../tensor/tensor';
import { Layer, type LayerArgs } from './layer';
import { normalizeLayerAxis } from './layer_utils';
import { formatSymbolicShape, type Shape } from './symbolic';

export interface NormalizationArgs extends LayerArgs {
  /**
   * The axis or axes that keep a separate mean and variance per index (default -1, per feature);
   * statistics are taken over all other axes. `null`: one mean and variance for everything.
   */
  axis?: number | readonly number[] | null;
  /** Mean to use instead of adapting; broadcast to the kept axes' shape. Give it with `variance`. */
  mean?: number | NestedArray | null;
  /** Variance to use instead of adapting; the same shape as `mean`. */
  variance?: number | NestedArray | null;
  /** Apply the inverse transformation: turn normalized values back into data (default false). */
  invert?: boolean;
}

/**
 * Normalizes continuous features: `(x - mean) / max(sqrt(variance), epsilon)`, or with `invert`
 * `mean + x * max(sqrt(variance), epsilon)` (config.epsilon()). The statistics come from `await layer.adapt(data)`
 * (over every axis but `axis`) or from the `mean` and `variance` options; calling the layer on data
 * before either is an error. Adapted statistics are the non-trainable weights `mean` and
 * `variance`, of the kept axes' shape.
 *
 * Arguments: `axis` (-1; an axis, a list of axes, or null), `mean`, `variance`, `invert` (false).
 *
 * @example
 * const norm = new Normalization();
 * await norm.adapt(tensor([[0, 7, 4], [2, 9, 6], [0, 7, 4], [2, 9, 6]]));
 * norm.apply(tensor([[0, 7, 4]]));                          // [[-1, -1, -1]]
 * new Normalization({ mean: 3, variance: 2 }).apply(tensor([[1], [2], [3]]));   // [[-1.414], [-0.707], [0]]
 */
export class Normalization extends Layer {
  readonly axis: number | number[] | null;
  /** The `mean` option (null when the statistics are adapted). */
  readonly inputMean: number | NestedArray | null;
  /** The `variance` option (null when the statistics are adapted). */
  readonly inputVariance: number | NestedArray | null;
  readonly invert: boolean;
  /** Adapted statistics (weights), made at build when no mean and variance are given. */
  adaptMean: Variable | null = null;
  adaptVariance: Variable | null = null;
  /** The given mean and variance in the input's broadcast shape, made at build. */
  private givenMean: Tensor | null = null;
  private givenVariance: Tensor | null = null;
  /**
   * The storage the mean weight was made with. Any assignment (adapt, setWeights, loading a saved
   * model) replaces it, so the layer knows it holds statistics without reading the weight back.
   */
  private unadaptedStorage: WeakRef<object> | null = null;
  private keptAxes: number[] = [];
  private reducedAxes: number[] = [];
  private broadcastShape: number[] = [];

  constructor(args: NormalizationArgs = {}) {
    super(args);
    const axis = args.axis === undefined ? -1 : args.axis;
    const list = axis === null ? [] : typeof axis === 'number' ? [axis] : Array.isArray(axis) ? [...axis] : null;
    if (!list || list.some((a) => !Number.isInteger(a))) {
      throw new Error(`Invalid value for argument axis. Expected an integer, a list of integers or null. Received: axis=${JSON.stringify(args.axis)}`);
    }
    this.axis = axis === null || typeof axis === 'number' ? axis : list;
    const mean = args.mean ?? null;
    const variance = args.variance ?? null;
    if ((mean === null) !== (variance === null)) {
      throw new Error(`When setting values directly, both \`mean\` and \`variance\` must be set. Received: mean=${JSON.stringify(mean)} and variance=${JSON.stringify(variance)}`);
    }
    if (mean !== null && variance !== null) {
      const [meanShape, varianceShape] = [nestedShape('mean', mean), nestedShape('variance', variance)];
      if (formatShape(meanShape) !== formatShape(varianceShape)) {
        throw new Error(`When setting values directly, \`mean\` and \`variance\` must have the same shape. Received: mean shape ${formatShape(meanShape)} and variance shape ${formatShape(varianceShape)}`);
      }
      if (meanShape.length > list.length) {
        throw new Error(`The rank of \`mean\` must be less than or equal to the number of axes (${list.length}). Received: mean shape ${formatShape(meanShape)} for axis ${JSON.stringify(this.axis)}`);
      }
    }
    this.inputMean = mean;
    this.inputVariance = variance;
    this.invert = args.invert ?? false;
  }

  /** Whether the layer holds a mean and variance (given, adapted, or loaded). */
  get isAdapted(): boolean {
    if (this.inputMean !== null) return true;
    return this.adaptMean !== null && this.adaptMean.storage !== this.unadaptedStorage?.deref();
  }

  /**
   * The mean in the input's broadcast shape, as Keras's `layer.mean`: the given or adapted
   * statistic (a view of the weight, so it follows adapt and loading); null before build.
   *
   * @example
   * const norm = new Normalization();
   * await norm.adapt(images);                  // [n, h, w, 3]
   * norm.mean;                                 // shape [1, 1, 1, 3]
   * ops.add(norm.mean, ops.multiply(x, ops.sqrt(norm.variance)));   // undoes the normalization
   */
  get mean(): Tensor | null {
    return this.givenMean ?? (this.adaptMean ? reshape(this.adaptMean, this.broadcastShape) : null);
  }

  /** The variance in the input's broadcast shape, as Keras's `layer.variance`; null before build. */
  get variance(): Tensor | null {
    return this.givenVariance ?? (this.adaptVariance ? reshape(this.adaptVariance, this.broadcastShape) : null);
  }

  override build(inputShape: Shape): void {
    const rank = inputShape.length;
    const axes = this.axis === null ? [] : typeof this.axis === 'number' ? [this.axis] : this.axis;
    const kept = [...new Set(axes.map((a) => normalizeLayerAxis(this.name, a, inputShape)))].sort((a, b) => a - b);
    if (kept.length !== axes.length) throw new Error(`Duplicate axis in layer "${this.name}": axis=${JSON.stringify(this.axis)}.`);
    for (const d of kept) {
      if (inputShape[d] === null) {
        throw new Error(`All \`axis\` values to be kept must have a known shape. Received axis=${JSON.stringify(this.axis)}, inputs.shape=${formatSymbolicShape(inputShape)}, with unknown axis at index ${d}`);
      }
    }
    this.keptAxes = kept;
    this.reducedAxes = Array.from({ length: rank }, (_, d) => d).filter((d) => !kept.includes(d));
    this.broadcastShape = inputShape.map((d, i) => (kept.includes(i) ? (d as number) : 1));
    const statisticsShape = kept.map((d) => inputShape[d] as number);
    this.inputSpec = { ndim: rank, axes: Object.fromEntries(kept.map((d) => [d, inputShape[d] as number])) };
    if (this.inputMean === null || this.inputVariance === null) {
      this.adaptMean = this.addWeight({ name: 'mean', shape: statisticsShape, initializer: 'zeros', trainable: false });
      this.adaptVariance = this.addWeight({ name: 'variance', shape: statisticsShape, initializer: 'ones', trainable: false });
      this.unadaptedStorage = new WeakRef(this.adaptMean.storage);
      return;
    }
    this.givenMean = this.givenStatistic('mean', this.inputMean);
    this.givenVariance = this.givenStatistic('variance', this.inputVariance);
  }

  /**
   * Computes the mean and variance of `data` over every axis but `axis` and stores them in the
   * layer's weights. `data` is one tensor, or a list of batches (combined as if concatenated along
   * the first axis). Runs on the device; builds the layer if needed.
   *
   * @example
   * const norm = new Normalization({ axis: null });
   * await norm.adapt(tensor([1, 2, 3, 4, 5]));
   * norm.apply(tensor([1, 2, 3]));   // [-1.414, -0.707, 0]
   */
  async adapt(data: Tensor | readonly Tensor[]): Promise<void> {
    const batches = isTensor(data) ? [data] : Array.isArray(data) && data.length > 0 && data.every(isTensor) ? [...data] : null;
    if (!batches) {
      throw new Error(`Invalid value for argument data of ${this.name}.adapt(). Expected a tensor or a non-empty list of tensors (batches). Received: data=${Array.isArray(data) ? `a list of ${data.length} non-tensor item(s)` : String(data)}`);
    }
    if (this.inputMean !== null) {
      throw new Error(`Layer "${this.name}" was given its mean and variance in the constructor; it cannot be adapted.`);
    }
    if (!this.built) {
      this.build([...batches[0].shape]);
      this.built = true;
      this.buildInputShape = [null, ...batches[0].shape.slice(1)];
    }
    for (const batch of batches) this.checkAdaptShape(batch);
    tidy(() => {
      let total: { mean: Tensor; variance: Tensor } = moments(asFloat(batches[0]), this.reducedAxes);
      let count = this.reducedCount(batches[0]);
      for (const batch of batches.slice(1)) {
        // Keras's merge of running statistics: weighted means, and variances around the new mean.
        const current = moments(asFloat(batch), this.reducedAxes);
        const batchCount = this.reducedCount(batch);
        const batchWeight = batchCount / (count + batchCount);
        const mean = total.mean.mul(1 - batchWeight).add(current.mean.mul(batchWeight));
        const variance = total.variance
          .add(total.mean.sub(mean).square())
          .mul(1 - batchWeight)
          .add(current.variance.add(current.mean.sub(mean).square()).mul(batchWeight));
        total = { mean, variance };
        count += batchCount;
      }
      this.adaptMean!.assign(total.mean);
      this.adaptVariance!.assign(total.variance);
    });
  }

  override call(inputs: Tensor): Tensor {
    if (!this.isAdapted) {
      throw new Error(`Layer "${this.name}" has no mean and variance yet: call \`await layer.adapt(data)\` before using it, or pass \`mean\` and \`variance\` to the constructor.`);
    }
    return tidy(() => {
      const x = asFloat(inputs);
      const mean = this.givenMean ?? reshape(this.adaptMean!, this.broadcastShape);
      const variance = this.givenVariance ?? reshape(this.adaptVariance!, this.broadcastShape);
      const scale = maximum(sqrt(variance), epsilon());
      return this.invert ? mean.add(x.mul(scale)) : x.sub(mean).div(scale);
    });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: Array.isArray(this.axis) ? [...this.axis] : this.axis,
      mean: this.inputMean,
      variance: this.inputVariance,
      invert: this.invert,
    };
  }

  /** A given statistic aligned with the kept axes from the right (Keras's broadcasting) and broadcast to the input's rank; kept for the layer's life. */
  private givenStatistic(name: string, values: number | NestedArray): Tensor {
    return tidy(() => {
      const given = tensor(values, undefined, 'float32');
      const expanded = this.broadcastShape.map(() => 1);
      given.shape.forEach((size, i) => {
        expanded[this.keptAxes[this.keptAxes.length - given.rank + i]] = size;
      });
      const fits = expanded.every((size, d) => size === 1 || size === this.broadcastShape[d]);
      if (!fits) {
        throw new Error(`Layer "${this.name}": \`${name}\` of shape ${formatShape(given.shape)} cannot be broadcast to the kept axes' shape ${formatShape(this.keptAxes.map((d) => this.broadcastShape[d]))}.`);
      }
      return keep(broadcastTo(reshape(given, expanded), this.broadcastShape));
    });
  }

  private checkAdaptShape(batch: Tensor): void {
    const matches = batch.rank === this.broadcastShape.length && this.keptAxes.every((d) => batch.shape[d] === this.broadcastShape[d]);
    if (!matches) {
      const expected = this.broadcastShape.map((size, d) => (this.keptAxes.includes(d) ? size : null));
      throw new Error(`Layer "${this.name}" was built for inputs of shape ${formatSymbolicShape(expected)}, but adapt() received data with an incompatible shape ${formatShape(batch.shape)}.`);
    }
  }

  /** How many values each statistic of this batch is taken over. */
  private reducedCount(batch: Tensor): number {
    return this.reducedAxes.reduce((n, d) => n * batch.shape[d], 1);
  }
}

const asFloat = (x: Tensor): Tensor => (x.dtype === 'float32' ? x : cast(x, 'float32'));

const isTensor = (x: unknown): x is Tensor => typeof x === 'object' && x !== null && (x as Tensor).isTensorInstance === true;

/** The shape of a number or a nested array of numbers, with a clear error for ragged or non-numeric values. */
function nestedShape(name: string, value: number | NestedArray): number[] {
  if (typeof value === 'number') return [];
  if (!Array.isArray(value) || value.length === 0) {
    throw new Error(`Invalid value for argument ${name}. Expected a number or a non-empty (nested) array of numbers. Received: ${name}=${JSON.stringify(value)}`);
  }
  const shapes = value.map((item) => nestedShape(name, item));
  if (shapes.some((s) => formatShape(s) !== formatShape(shapes[0]))) {
    throw new Error(`Invalid value for argument ${name}: a ragged array. Received: ${name}=${JSON.stringify(value)}`);
  }
  return [value.length, ...shapes[0]];
}
