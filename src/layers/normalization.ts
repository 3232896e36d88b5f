// Normalization layers: BatchNormalization, LayerNormalization, InstanceNormalization,
// GroupNormalization and UnitNormalization (keras/src/layers/normalization). Statistics come from
// `ops.moments` (one stable pass, with a gradient); BatchNormalization's moving statistics are
// updated with Variable.assign on the device. UnitNormalization divides by the L2 norm.

import type { Variable } from '../autograd/variable';
import { cast, maximum, mul, rsqrt, square } from '../ops/elementwise';
import { moments } from '../ops/moments';
import { sum } from '../ops/reduce';
import { reshape } from '../ops/shape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import type { Constraint, ConstraintIdentifier } from './constraints';
import type { Initializer, InitializerIdentifier } from './initializers';
import { Layer, type CallArgs, type LayerArgs } from './layer';
import { axisOption, constraintConfig, initializerConfig, normalizeLayerAxis, resolveAxisOption, regularizerConfig, resolveConstraint, resolveInitializer, resolveRegularizer } from './layer_utils';
import type { Regularizer, RegularizerIdentifier } from './regularizers';
import { formatSymbolicShape, type Shape } from './symbolic';

/** Options shared by the three normalization layers (the learned affine transform). */
export interface AffineNormalizationArgs extends LayerArgs {
  /** Small float added to the variance to avoid dividing by zero (default 1e-3). */
  epsilon?: number;
  /** Add the learned offset `beta` (default true). */
  center?: boolean;
  /** Multiply by the learned scale `gamma` (default true). */
  scale?: boolean;
  /** Default 'zeros'. */
  betaInitializer?: InitializerIdentifier;
  /** Default 'ones'. */
  gammaInitializer?: InitializerIdentifier;
  betaRegularizer?: RegularizerIdentifier | null;
  gammaRegularizer?: RegularizerIdentifier | null;
  /** Applied to beta after each optimizer update. */
  betaConstraint?: ConstraintIdentifier | null;
  /** Applied to gamma after each optimizer update (e.g. 'non_neg'). */
  gammaConstraint?: ConstraintIdentifier | null;
}

/** The affine part of the normalization layers: options, gamma/beta weights and their use. */
abstract class AffineNormalization extends Layer {
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly betaInitializer: Initializer;
  readonly gammaInitializer: Initializer;
  readonly betaRegularizer: Regularizer | null;
  readonly gammaRegularizer: Regularizer | null;
  readonly betaConstraint: Constraint | null;
  readonly gammaConstraint: Constraint | null;
  gamma: Variable | null = null;
  beta: Variable | null = null;

  constructor(args: AffineNormalizationArgs) {
    super(args);
    this.epsilon = args.epsilon ?? 1e-3;
    if (!(this.epsilon >= 0)) throw new Error(`Invalid value for argument \`epsilon\`: expected a non-negative number. Received: epsilon=${String(args.epsilon)}`);
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.betaInitializer = resolveInitializer(args.betaInitializer ?? 'zeros');
    this.gammaInitializer = resolveInitializer(args.gammaInitializer ?? 'ones');
    this.betaRegularizer = resolveRegularizer(args.betaRegularizer);
    this.gammaRegularizer = resolveRegularizer(args.gammaRegularizer);
    this.betaConstraint = resolveConstraint(args.betaConstraint);
    this.gammaConstraint = resolveConstraint(args.gammaConstraint);
  }

  /** Makes gamma then beta (Keras's order) of this shape, as enabled. */
  protected buildAffine(shape: number[]): void {
    if (this.scale) this.gamma = this.addWeight({ name: 'gamma', shape, initializer: this.gammaInitializer, regularizer: this.gammaRegularizer ?? undefined, constraint: this.gammaConstraint });
    if (this.center) this.beta = this.addWeight({ name: 'beta', shape, initializer: this.betaInitializer, regularizer: this.betaRegularizer ?? undefined, constraint: this.betaConstraint });
  }

  /**
   * `(x - mean) / sqrt(variance + epsilon) * gamma + beta`, as `x * inv + (beta - mean * inv)`
   * with `inv = gamma / sqrt(variance + epsilon)`. `mean` and `variance` broadcast against `x`;
   * gamma and beta are reshaped to `paramShape` first.
   */
  protected normalize(x: Tensor, mean: Tensor, variance: Tensor, paramShape: number[]): Tensor {
    let inv = variance.add(this.epsilon).rsqrt();
    if (this.gamma) inv = inv.mul(reshape(this.gamma, paramShape));
    let offset = mean.mul(inv).neg();
    if (this.beta) offset = offset.add(reshape(this.beta, paramShape));
    return x.mul(inv).add(offset);
  }

  /** Checks the normalized dimensions are known, with Keras's message. */
  protected definedSizes(axes: number[], inputShape: Shape): number[] {
    return axes.map((axis) => {
      const size = inputShape[axis];
      if (size === null) {
        throw new Error(`Axis ${axis} of input tensor should have a defined dimension but the layer received an input with shape ${formatSymbolicShape(inputShape)}.`);
      }
      return size;
    });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: initializerConfig(this.betaInitializer),
      gammaInitializer: initializerConfig(this.gammaInitializer),
      betaRegularizer: regularizerConfig(this.betaRegularizer),
      gammaRegularizer: regularizerConfig(this.gammaRegularizer),
      betaConstraint: constraintConfig(this.betaConstraint),
      gammaConstraint: constraintConfig(this.gammaConstraint),
    };
  }
}

/** Shape of ones with the sizes of `axes` kept: how per-axis parameters broadcast against x. */
function broadcastShape(rank: number, axes: number[], sizes: readonly number[]): number[] {
  return Array.from({ length: rank }, (_, i) => (axes.includes(i) ? sizes[i] : 1));
}

const asFloat = (x: Tensor): Tensor => (x.dtype === 'float32' ? x : cast(x, 'float32'));

export interface BatchNormalizationArgs extends AffineNormalizationArgs {
  /** The features axis (default -1, channels-last). */
  axis?: number;
  /** Momentum of the moving averages (default 0.99). */
  momentum?: number;
  /** Default 'zeros'. */
  movingMeanInitializer?: InitializerIdentifier;
  /** Default 'ones'. */
  movingVarianceInitializer?: InitializerIdentifier;
}

/**
 * Normalizes each feature with the statistics of the batch during training, and with moving
 * averages of them at inference. In training (`training: true` and the layer trainable) the
 * output is `gamma * (x - mean(x)) / sqrt(var(x) + epsilon) + beta` over every axis but `axis`,
 * and `movingMean = movingMean * momentum + mean * (1 - momentum)` (the same for
 * `movingVariance`, with the population variance, as Keras 3). Otherwise the moving statistics
 * are used.
 *
 * Arguments: `axis` (-1), `momentum` (0.99), `epsilon` (1e-3), `center` (true), `scale` (true),
 * initializers of beta, gamma, movingMean, movingVariance; regularizers and constraints of beta
 * and gamma. Weights, in order: gamma, beta (trainable), movingMean, movingVariance (non-trainable).
 *
 * @example
 * const bn = new BatchNormalization();
 * const y = bn.apply(x, { training: true });   // normalized with x's statistics; moving stats updated
 * const z = bn.apply(x);                        // inference: uses movingMean and movingVariance
 */
export class BatchNormalization extends AffineNormalization {
  /** Passes its input's mask on (see getMask), as Keras. */
  override supportsMasking = true;
  readonly axis: number;
  readonly momentum: number;
  readonly movingMeanInitializer: Initializer;
  readonly movingVarianceInitializer: Initializer;
  movingMean!: Variable;
  movingVariance!: Variable;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis)) throw new Error(`Invalid value for argument \`axis\`: expected an integer. Received: axis=${String(args.axis)}`);
    this.momentum = args.momentum ?? 0.99;
    this.movingMeanInitializer = resolveInitializer(args.movingMeanInitializer ?? 'zeros');
    this.movingVarianceInitializer = resolveInitializer(args.movingVarianceInitializer ?? 'ones');
  }

  override build(inputShape: Shape): void {
    const axis = normalizeLayerAxis(this.name, this.axis, inputShape);
    const [size] = this.definedSizes([axis], inputShape);
    this.buildAffine([size]);
    this.movingMean = this.addWeight({ name: 'moving_mean', shape: [size], initializer: this.movingMeanInitializer, trainable: false });
    this.movingVariance = this.addWeight({ name: 'moving_variance', shape: [size], initializer: this.movingVarianceInitializer, trainable: false });
    this.inputSpec = { ndim: inputShape.length, axes: { [axis]: size } };
  }

  override call(inputs: Tensor, { training = false }: CallArgs = {}): Tensor {
    return tidy(() => {
      const x = asFloat(inputs);
      const axis = normalizeLayerAxis(this.name, this.axis, x.shape as Shape);
      const paramShape = broadcastShape(x.rank, [axis], x.shape);
      if (training && this.trainable) {
        const reduced = Array.from({ length: x.rank }, (_, i) => i).filter((i) => i !== axis);
        const { mean, variance } = moments(x, reduced);
        this.movingMean.assign(this.movingMean.mul(this.momentum).add(mean.mul(1 - this.momentum)));
        this.movingVariance.assign(this.movingVariance.mul(this.momentum).add(variance.mul(1 - this.momentum)));
        return this.normalize(x, reshape(mean, paramShape), reshape(variance, paramShape), paramShape);
      }
      return this.normalize(x, reshape(this.movingMean, paramShape), reshape(this.movingVariance, paramShape), paramShape);
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      movingMeanInitializer: initializerConfig(this.movingMeanInitializer),
      movingVarianceInitializer: initializerConfig(this.movingVarianceInitializer),
    };
  }
}

export interface LayerNormalizationArgs extends AffineNormalizationArgs {
  /** Axis or axes to normalize over (default -1). */
  axis?: number | readonly number[];
  /**
   * Keras's deprecated `rms_scaling` (default false): `x / sqrt(variance + epsilon) * gamma`, with
   * x not centered and no beta (gamma is made even when `scale` is false). Despite its name it
   * divides by the standard deviation, not the root mean square; RMSNormalization does the latter.
   */
  rmsScaling?: boolean;
}

/**
 * Normalizes each sample over `axis` (the last axis by default) with its own mean and variance,
 * then applies `gamma` and `beta` of the shape of the normalized axes. Same in training and
 * inference.
 *
 * Arguments: `axis` (-1), `epsilon` (1e-3), `center` (true), `scale` (true), `rmsScaling`
 * (false), initializers, regularizers and constraints of beta and gamma. Weights: gamma, beta
 * (with `rmsScaling`: gamma only).
 *
 * @example
 * const ln = new LayerNormalization();
 * ln.apply(tensor([[0, 10], [20, 30]]));   // each row ~[-1, 1]
 * new LayerNormalization({ rmsScaling: true }).apply(tensor([[0, 10]]));   // [[0, ~2]]: x / std(x)
 */
export class LayerNormalization extends AffineNormalization {
  /** Passes its input's mask on (see getMask), as Keras. */
  override supportsMasking = true;
  readonly axis: number | number[];
  readonly rmsScaling: boolean;

  constructor(args: LayerNormalizationArgs = {}) {
    super(args);
    this.rmsScaling = args.rmsScaling ?? false;
    const axis = args.axis ?? -1;
    const list = typeof axis === 'number' ? [axis] : [...axis];
    if (list.length === 0 || list.some((a) => !Number.isInteger(a))) {
      throw new Error(`Expected an int or a list of ints for the argument 'axis', but received: ${JSON.stringify(args.axis)}`);
    }
    this.axis = typeof axis === 'number' ? axis : list;
  }

  override build(inputShape: Shape): void {
    const axes = this.axes(inputShape);
    const sizes = this.definedSizes(axes, inputShape);
    if (this.rmsScaling) this.gamma = this.addWeight({ name: 'gamma', shape: sizes, initializer: this.gammaInitializer, regularizer: this.gammaRegularizer ?? undefined, constraint: this.gammaConstraint });
    else this.buildAffine(sizes);
    this.inputSpec = { ndim: inputShape.length, axes: Object.fromEntries(axes.map((a, i) => [a, sizes[i]])) };
  }

  override call(inputs: Tensor): Tensor {
    return tidy(() => {
      const x = asFloat(inputs);
      const axes = this.axes(x.shape as Shape);
      const { mean, variance } = moments(x, axes, { keepDims: true });
      const paramShape = broadcastShape(x.rank, axes, x.shape);
      if (!this.rmsScaling) return this.normalize(x, mean, variance, paramShape);
      return x.mul(variance.add(this.epsilon).rsqrt()).mul(reshape(this.gamma!, paramShape));
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: Array.isArray(this.axis) ? [...this.axis] : this.axis, rmsScaling: this.rmsScaling };
  }

  private axes(shape: Shape): number[] {
    const list = typeof this.axis === 'number' ? [this.axis] : this.axis;
    const axes = resolveAxisOption(this.name, list, shape).sort((a, b) => a - b);
    if (axes.length !== list.length) throw new Error(`Duplicate axis in ${this.name}: axis=${JSON.stringify(this.axis)}.`);
    return axes;
  }
}

export interface InstanceNormalizationArgs extends AffineNormalizationArgs {
  /** The channels axis, which is not normalized over (default -1, channels-last). */
  axis?: number;
}

/**
 * Normalizes each sample and channel over the remaining (spatial) axes: for a [batch, height,
 * width, channels] input, every [height, width] plane gets its own mean and variance. Then applies
 * per-channel `gamma` and `beta`. Same in training and inference. (Keras 3 has no
 * InstanceNormalization layer; this follows TensorFlow Addons' defaults.)
 *
 * Arguments: `axis` (-1), `epsilon` (1e-3), `center` (true), `scale` (true), initializers,
 * regularizers and constraints of beta and gamma. Weights: gamma, beta, each [channels].
 *
 * @example
 * const norm = new InstanceNormalization();
 * norm.apply(images);   // images: [batch, height, width, channels]
 */
export class InstanceNormalization extends AffineNormalization {
  readonly axis: number;

  constructor(args: InstanceNormalizationArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis)) throw new Error(`Invalid value for argument \`axis\`: expected an integer. Received: axis=${String(args.axis)}`);
    this.inputSpec = { minNdim: 3 };
  }

  override build(inputShape: Shape): void {
    const axis = normalizeLayerAxis(this.name, this.axis, inputShape);
    if (axis === 0) throw new Error(`${this.name}: axis ${this.axis} is the batch axis; expected the channels axis.`);
    const [size] = this.definedSizes([axis], inputShape);
    this.buildAffine([size]);
    this.inputSpec = { ndim: inputShape.length, axes: { [axis]: size } };
  }

  override call(inputs: Tensor): Tensor {
    return tidy(() => {
      const x = asFloat(inputs);
      const axis = normalizeLayerAxis(this.name, this.axis, x.shape as Shape);
      const spatial = Array.from({ length: x.rank }, (_, i) => i).filter((i) => i !== 0 && i !== axis);
      const { mean, variance } = moments(x, spatial, { keepDims: true });
      return this.normalize(x, mean, variance, broadcastShape(x.rank, [axis], x.shape));
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}

export interface GroupNormalizationArgs extends AffineNormalizationArgs {
  /** Number of groups the channels are split into (default 32); -1 makes one group per channel. */
  groups?: number;
  /** The channels axis (default -1, channels-last). */
  axis?: number;
}

/**
 * Splits the channels into `groups` groups and normalizes each sample and group with its own mean
 * and variance, over the group's channels and every other non-batch axis; then applies
 * per-channel `gamma` and `beta`. With one group it is close to LayerNormalization over all
 * non-batch axes; with one group per channel (`groups: -1`) it is InstanceNormalization. Same in
 * training and inference.
 *
 * Arguments: `groups` (32; must divide the channels), `axis` (-1), `epsilon` (1e-3), `center`
 * (true), `scale` (true), initializers, regularizers and constraints of beta and gamma. Weights:
 * gamma, beta, each [channels].
 *
 * @example
 * const norm = new GroupNormalization({ groups: 4 });
 * norm.apply(features);   // features: [batch, height, width, 16], 4 groups of 4 channels
 */
export class GroupNormalization extends AffineNormalization {
  /** Passes its input's mask on (see getMask), as Keras. */
  override supportsMasking = true;
  readonly groups: number;
  readonly axis: number;

  constructor(args: GroupNormalizationArgs = {}) {
    super(args);
    this.groups = args.groups ?? 32;
    if (!Number.isInteger(this.groups) || (this.groups < 1 && this.groups !== -1)) {
      throw new Error(`Invalid value for argument groups. Expected a positive integer or -1 (one group per channel). Received: groups=${String(args.groups)}`);
    }
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis)) throw new Error(`Invalid value for argument \`axis\`: expected an integer. Received: axis=${String(args.axis)}`);
    this.inputSpec = { minNdim: 2 };
  }

  override build(inputShape: Shape): void {
    const axis = this.channelsAxis(inputShape);
    const [channels] = this.definedSizes([axis], inputShape);
    this.groupCount(channels);
    this.buildAffine([channels]);
    this.inputSpec = { ndim: inputShape.length, axes: { [axis]: channels } };
  }

  override call(inputs: Tensor): Tensor {
    return tidy(() => {
      const x = asFloat(inputs);
      const axis = this.channelsAxis(x.shape as Shape);
      const channels = x.shape[axis];
      const groups = this.groupCount(channels);
      // [..., channels, ...] -> [..., groups, channels / groups, ...]; statistics over all but batch and groups.
      const groupedShape = [...x.shape.slice(0, axis), groups, channels / groups, ...x.shape.slice(axis + 1)];
      const grouped = reshape(x, groupedShape);
      const reduced = groupedShape.map((_, i) => i).filter((i) => i !== 0 && i !== axis);
      const { mean, variance } = moments(grouped, reduced, { keepDims: true });
      const paramShape = groupedShape.map((d, i) => (i === axis || i === axis + 1 ? d : 1));
      return reshape(this.normalize(grouped, mean, variance, paramShape), x.shape);
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), groups: this.groups, axis: this.axis };
  }

  private channelsAxis(shape: Shape): number {
    const axis = normalizeLayerAxis(this.name, this.axis, shape);
    if (axis === 0) throw new Error(`Invalid value for argument axis of layer "${this.name}": ${this.axis} is the batch axis; expected the channels axis.`);
    return axis;
  }

  /** The number of groups for this many channels, with Keras's checks. */
  private groupCount(channels: number): number {
    const groups = this.groups === -1 ? channels : this.groups;
    if (channels < groups) throw new Error(`Number of groups (${groups}) cannot be more than the number of channels (${channels}).`);
    if (channels % groups !== 0) throw new Error(`Number of groups (${groups}) must divide the number of channels (${channels}).`);
    return groups;
  }
}

export interface UnitNormalizationArgs extends LayerArgs {
  /** The axis, or the list of axes, whose L2 norm becomes 1 (default -1, the last). */
  axis?: number | readonly number[];
}

/** Keras's epsilon of UnitNormalization (1e-12), squared: the smallest squared norm divided by. */
const UNIT_NORM_MIN_SQUARE = 1e-24;

/**
 * Scales each input so that its L2 norm over `axis` is 1: `x / sqrt(max(sum(x^2), 1e-24))`, as
 * Keras's `ops.normalize(x, order=2, epsilon=1e-12)`; an all-zero input stays zero, with a finite
 * gradient. No weights.
 *
 * @example
 * new UnitNormalization().apply(tensor([[3, 4]]));   // [[0.6, 0.8]]
 * new UnitNormalization({ axis: [1, 2] }).apply(Input({ shape: [4, 4] })).shape;   // [null, 4, 4]
 */
export class UnitNormalization extends Layer {
  /** Passes its input's mask on (see getMask), as Keras. */
  override supportsMasking = true;
  readonly axis: number | number[];

  constructor(args: UnitNormalizationArgs = {}) {
    super(args);
    this.axis = axisOption(args.axis);
  }

  override call(inputs: Tensor): Tensor {
    const axes = resolveAxisOption(this.name, this.axis, inputs.shape as Shape);
    return tidy(() => {
      const x = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
      return mul(x, rsqrt(maximum(sum(square(x), axes, true), UNIT_NORM_MIN_SQUARE)));
    });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    resolveAxisOption(this.name, this.axis, inputShape);
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: typeof this.axis === 'number' ? this.axis : [...this.axis] };
  }
}
