// Pooling layers, channels-last by default (keras/src/layers/pooling; channels-first data runs
// between two transposes, global pooling reduces the other axes): windowed max and average pooling on
// `ops.maxPool2d` / `ops.avgPool2d` (the 1-D layers as rows of height 1) and `ops.maxPool3d` /
// `ops.avgPool3d`, and global pooling over the spatial axes by reductions. GlobalAveragePooling1D averages over the unmasked steps only
// when its input carries a mask.

import { avgPool2d, avgPool3d, maxPool2d, maxPool3d } from '../ops/pooling';
import { cast, where } from '../ops/elementwise';
import { max, mean, sum } from '../ops/reduce';
import { expandDims, reshape } from '../ops/shape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { Layer, type CallArgs, type LayerArgs, type OutputMask } from './layer';
import { convOutputLength, fromChannelsLast, inChannelsLast, normalizeDataFormat, normalizePadding, normalizeTuple, toChannelsLast, type DataFormat, type Padding } from './layer_utils';
import { formatSymbolicShape, type Shape } from './symbolic';

export interface PoolingArgs extends LayerArgs {
  /** Window size: a number or one per spatial axis (default 2). */
  poolSize?: number | readonly number[];
  /** Step between windows (default: the pool size). */
  strides?: number | readonly number[] | null;
  /** 'valid' (default) or 'same'. */
  padding?: Padding;
  /** 'channels_last' ([batch, ...spatial, channels]) or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: DataFormat;
}

type PoolMode = 'max' | 'average';

/** Keras's BasePooling for inputs of `rank` spatial axes (1, 2 or 3): 1-D and 2-D on the 2-D pooling ops, 3-D on the 3-D ones. */
abstract class Pooling extends Layer {
  readonly rank: number;
  readonly poolSize: number[];
  readonly strides: number[];
  readonly padding: Padding;
  readonly dataFormat: DataFormat;

  constructor(
    rank: number,
    args: PoolingArgs,
    private readonly mode: PoolMode,
  ) {
    super(args);
    this.rank = rank;
    this.poolSize = normalizeTuple(args.poolSize ?? 2, rank, 'poolSize');
    this.strides = args.strides === undefined || args.strides === null ? [...this.poolSize] : normalizeTuple(args.strides, rank, 'strides');
    this.padding = normalizePadding(args.padding ?? 'valid');
    this.dataFormat = normalizeDataFormat(args.dataFormat);
    this.inputSpec = { ndim: rank + 2 };
  }

  override call(inputs: Tensor): Tensor {
    // Int inputs are max-pooled as Keras does, to ints (through float32, exact below 2^24).
    if (this.mode === 'max' && inputs.dtype === 'int32') return tidy(() => cast(this.call(cast(inputs, 'float32')), 'int32'));
    return inChannelsLast(inputs, this.dataFormat, (x) => this.poolChannelsLast(x));
  }

  private poolChannelsLast(x: Tensor): Tensor {
    if (this.rank === 3) {
      const pool3d = this.mode === 'max' ? maxPool3d : avgPool3d;
      return pool3d(x, { poolSize: this.poolSize as [number, number, number], strides: this.strides as [number, number, number], padding: this.padding });
    }
    const pool2d = this.mode === 'max' ? maxPool2d : avgPool2d;
    if (this.rank === 2) {
      return pool2d(x, { poolSize: this.poolSize as [number, number], strides: this.strides as [number, number], padding: this.padding });
    }
    return tidy(() => {
      const [batch, steps, channels] = x.shape;
      const rows = reshape(x, [batch, 1, steps, channels]);
      const pooled = pool2d(rows, { poolSize: [1, this.poolSize[0]], strides: [1, this.strides[0]], padding: this.padding });
      return reshape(pooled, [batch, pooled.shape[2], channels]);
    });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return fromChannelsLast(this.channelsLastOutputShape(toChannelsLast(inputShape, this.dataFormat)), this.dataFormat);
  }

  private channelsLastOutputShape(inputShape: Shape): Shape {
    const out = inputShape.slice(1, -1).map((length, i) => convOutputLength(length, this.poolSize[i], this.padding, this.strides[i]));
    if (out.some((d) => d !== null && d <= 0)) {
      throw new Error(`Computed output size would be negative. Received: inputs shape=${formatSymbolicShape(inputShape)}, pool_size=(${this.poolSize.join(', ')}), padding=${this.padding}.`);
    }
    return [inputShape[0], ...out, inputShape.at(-1)!];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), poolSize: [...this.poolSize], strides: [...this.strides], padding: this.padding, dataFormat: this.dataFormat };
  }
}

/**
 * Max pooling over 2-D windows of channels-last images: [batch, height, width, channels] to
 * [batch, outHeight, outWidth, channels]. `poolSize` (2), `strides` (the pool size), `padding`
 * ('valid'; 'same' gives ceil(size / stride) outputs, windows clipped to the input).
 *
 * @example
 * new MaxPooling2D().apply(Input({ shape: [28, 28, 16] })).shape;   // [null, 14, 14, 16]
 */
export class MaxPooling2D extends Pooling {
  constructor(args: PoolingArgs = {}) {
    super(2, args, 'max');
  }
}

/**
 * Average pooling over 2-D windows, as MaxPooling2D; with 'same' padding the padded positions are
 * left out of each average (as Keras).
 *
 * @example
 * new AveragePooling2D({ poolSize: 3, strides: 1, padding: 'same' }).apply(Input({ shape: [8, 8, 4] })).shape;   // [null, 8, 8, 4]
 */
export class AveragePooling2D extends Pooling {
  constructor(args: PoolingArgs = {}) {
    super(2, args, 'average');
  }
}

/**
 * Max pooling over windows of the steps axis: [batch, steps, features] to
 * [batch, outSteps, features]. `poolSize` (2), `strides` (the pool size), `padding` ('valid').
 *
 * @example
 * new MaxPooling1D({ poolSize: 3 }).apply(Input({ shape: [12, 4] })).shape;   // [null, 4, 4]
 */
export class MaxPooling1D extends Pooling {
  constructor(args: PoolingArgs = {}) {
    super(1, args, 'max');
  }
}

/**
 * Average pooling over windows of the steps axis, as MaxPooling1D.
 *
 * @example
 * new AveragePooling1D().apply(Input({ shape: [12, 4] })).shape;   // [null, 6, 4]
 */
export class AveragePooling1D extends Pooling {
  constructor(args: PoolingArgs = {}) {
    super(1, args, 'average');
  }
}

/**
 * Max pooling over 3-D windows of volumes: [batch, depth, height, width, channels] to
 * [batch, outDepth, outHeight, outWidth, channels]. `poolSize` (2), `strides` (the pool size),
 * `padding` ('valid'; 'same' gives ceil(size / stride) outputs, windows clipped to the input).
 *
 * @example
 * new MaxPooling3D().apply(Input({ shape: [8, 16, 16, 4] })).shape;   // [null, 4, 8, 8, 4]
 */
export class MaxPooling3D extends Pooling {
  constructor(args: PoolingArgs = {}) {
    super(3, args, 'max');
  }
}

/**
 * Average pooling over 3-D windows, as MaxPooling3D; with 'same' padding the padded positions are
 * left out of each average (as Keras).
 *
 * @example
 * new AveragePooling3D({ poolSize: [1, 2, 2] }).apply(Input({ shape: [8, 16, 16, 4] })).shape;   // [null, 8, 8, 8, 4]
 */
export class AveragePooling3D extends Pooling {
  constructor(args: PoolingArgs = {}) {
    super(3, args, 'average');
  }
}

export interface GlobalPoolingArgs extends LayerArgs {
  /** Keep the pooled axes with size 1 (default false). */
  keepdims?: boolean;
  /** 'channels_last' ([batch, ...spatial, channels]) or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: DataFormat;
}

/** Reduces the spatial axes (all but the batch and the channels axis) of a fixed-rank input. */
abstract class GlobalPooling extends Layer {
  readonly keepdims: boolean;
  readonly dataFormat: DataFormat;
  private readonly spatialAxes: number[];

  constructor(args: GlobalPoolingArgs, spatialRank: number) {
    super(args);
    this.keepdims = args.keepdims ?? false;
    this.dataFormat = normalizeDataFormat(args.dataFormat);
    const first = this.dataFormat === 'channels_first' ? 2 : 1;
    this.spatialAxes = Array.from({ length: spatialRank }, (_, i) => i + first);
    this.inputSpec = { ndim: spatialRank + 2 };
  }

  protected abstract reduce(x: Tensor, axes: number[], keepDims: boolean): Tensor;

  override call(inputs: Tensor): Tensor {
    return this.reduce(inputs, this.spatialAxes, this.keepdims);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    if (this.keepdims) return inputShape.map((d, i) => (this.spatialAxes.includes(i) ? 1 : d));
    return [inputShape[0], inputShape[this.dataFormat === 'channels_first' ? 1 : inputShape.length - 1]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), keepdims: this.keepdims, dataFormat: this.dataFormat };
  }
}

/**
 * Averages over the time axis: [batch, steps, features] to [batch, features]. With an input mask
 * [batch, steps] (from Embedding's maskZero or Masking), the mean is over the unmasked steps (as
 * Keras: a sample whose steps are all masked gives 0 / 0, NaN); the output has no mask.
 *
 * @example
 * new GlobalAveragePooling1D().apply(Input({ shape: [10, 4] })).shape;   // [null, 4]
 */
export class GlobalAveragePooling1D extends GlobalPooling {
  constructor(args: GlobalPoolingArgs = {}) {
    super(args, 1);
    this.supportsMasking = true;
  }

  override call(inputs: Tensor, args: CallArgs = {}): Tensor {
    const mask = Array.isArray(args.mask) ? (args.mask[0] ?? null) : ((args.mask ?? null) as Tensor | null);
    if (mask === null) return super.call(inputs);
    const channelsFirst = this.dataFormat === 'channels_first';
    const [batch, steps] = channelsFirst ? [inputs.shape[0], inputs.shape[2]] : inputs.shape;
    if (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== steps) {
      throw new Error(`Invalid value for argument mask of layer "${this.name}". Expected a mask of shape (batch, steps) = (${batch}, ${steps}). Received: mask.shape=(${mask.shape.join(', ')})`);
    }
    return tidy(() => {
      const kept = expandDims(mask, channelsFirst ? 1 : 2);
      const stepsAxis = channelsFirst ? 2 : 1;
      const total = sum(where(kept, inputs, 0), stepsAxis, this.keepdims);
      return total.div(sum(cast(kept, 'float32'), stepsAxis, this.keepdims));
    });
  }

  /** The steps axis is reduced: no mask is left. */
  override computeMask(): OutputMask {
    return null;
  }

  protected reduce(x: Tensor, axes: number[], keepDims: boolean): Tensor {
    return mean(x, axes, keepDims);
  }
}

/**
 * Maximum over the time axis: [batch, steps, features] to [batch, features].
 *
 * @example
 * new GlobalMaxPooling1D().apply(Input({ shape: [10, 4] })).shape;   // [null, 4]
 */
export class GlobalMaxPooling1D extends GlobalPooling {
  constructor(args: GlobalPoolingArgs = {}) {
    super(args, 1);
  }
  protected reduce(x: Tensor, axes: number[], keepDims: boolean): Tensor {
    return max(x, axes, keepDims);
  }
}

/**
 * Averages over height and width: [batch, height, width, channels] to [batch, channels]
 * ([batch, 1, 1, channels] with `keepdims: true`).
 *
 * @example
 * new GlobalAveragePooling2D().apply(Input({ shape: [7, 7, 512] })).shape;   // [null, 512]
 */
export class GlobalAveragePooling2D extends GlobalPooling {
  constructor(args: GlobalPoolingArgs = {}) {
    super(args, 2);
  }
  protected reduce(x: Tensor, axes: number[], keepDims: boolean): Tensor {
    return mean(x, axes, keepDims);
  }
}

/**
 * Maximum over height and width: [batch, height, width, channels] to [batch, channels]
 * ([batch, 1, 1, channels] with `keepdims: true`).
 *
 * @example
 * new GlobalMaxPooling2D().apply(Input({ shape: [7, 7, 512] })).shape;   // [null, 512]
 */
export class GlobalMaxPooling2D extends GlobalPooling {
  constructor(args: GlobalPoolingArgs = {}) {
    super(args, 2);
  }
  protected reduce(x: Tensor, axes: number[], keepDims: boolean): Tensor {
    return max(x, axes, keepDims);
  }
}

/**
 * Averages over depth, height and width: [batch, depth, height, width, channels] to
 * [batch, channels] ([batch, 1, 1, 1, channels] with `keepdims: true`).
 *
 * @example
 * new GlobalAveragePooling3D().apply(Input({ shape: [4, 7, 7, 64] })).shape;   // [null, 64]
 */
export class GlobalAveragePooling3D extends GlobalPooling {
  constructor(args: GlobalPoolingArgs = {}) {
    super(args, 3);
  }
  protected reduce(x: Tensor, axes: number[], keepDims: boolean): Tensor {
    return mean(x, axes, keepDims);
  }
}

/**
 * Maximum over depth, height and width: [batch, depth, height, width, channels] to
 * [batch, channels] ([batch, 1, 1, 1, channels] with `keepdims: true`).
 *
 * @example
 * new GlobalMaxPooling3D().apply(Input({ shape: [4, 7, 7, 64] })).shape;   // [null, 64]
 */
export class GlobalMaxPooling3D extends GlobalPooling {
  constructor(args: GlobalPoolingArgs = {}) {
    super(args, 3);
  }
  protected reduce(x: Tensor, axes: number[], keepDims: boolean): Tensor {
    return max(x, axes, keepDims);
  }
}
