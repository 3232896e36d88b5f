// Reshaping layers (keras/src/layers/reshaping): Flatten, Reshape and Permute, which rearrange
// each sample, and UpSampling, ZeroPadding and Cropping in 1-D, 2-D and 3-D, which resize the
// spatial axes. The batch axis is never touched; shapes given to these layers exclude it.

import { cast } from '../ops/elementwise';
import { resize } from '../ops/image';
import { broadcastTo, pad, reshape, slice, transpose } from '../ops/shape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { Layer, type LayerArgs } from './layer';
import { knownSize, normalizeDataFormat, type DataFormat } from './layer_utils';
import { formatSymbolicShape, type Shape } from './symbolic';

export interface FlattenArgs extends LayerArgs {
  /** 'channels_last' or 'channels_first' (default: config.imageDataFormat()): the channels move last before flattening, as Keras orders the values. */
  dataFormat?: DataFormat;
}

/**
 * Flattens every axis but the batch axis: [batch, d1, d2, ...] becomes [batch, d1 * d2 * ...]
 * (and [batch] becomes [batch, 1]). With `dataFormat: 'channels_first'`, an input of rank 3 or
 * more has its channels moved last first, so the values come in the order of a channels-last input.
 *
 * @example
 * new Flatten().apply(Input({ shape: [28, 28, 1] })).shape;   // [null, 784]
 */
export class Flatten extends Layer {
  readonly dataFormat: DataFormat;

  constructor(args: FlattenArgs = {}) {
    super(args);
    this.dataFormat = normalizeDataFormat(args.dataFormat);
    this.inputSpec = { minNdim: 1 };
  }

  override call(inputs: Tensor): Tensor {
    return tidy(() => {
      const x = this.dataFormat === 'channels_first' && inputs.rank >= 3 ? transpose(inputs, [0, ...Array.from({ length: inputs.rank - 2 }, (_, i) => i + 2), 1]) : inputs;
      return reshape(x, [x.shape[0], x.shape.slice(1).reduce((a, b) => a * b, 1)]);
    });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [inputShape[0], knownSize(inputShape.slice(1))];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dataFormat: this.dataFormat };
  }
}

export interface ReshapeArgs extends LayerArgs {
  /** Shape of one sample, without the batch axis; one entry may be -1 (inferred). */
  targetShape: readonly number[];
}

/**
 * Reshapes each sample to `targetShape` (the batch axis is kept). One dimension may be -1 and is
 * inferred from the size of the input.
 *
 * @example
 * new Reshape({ targetShape: [3, 4] }).apply(Input({ shape: [12] })).shape;    // [null, 3, 4]
 * new Reshape({ targetShape: [-1, 2] }).apply(Input({ shape: [3, 4] })).shape; // [null, 6, 2]
 */
export class Reshape extends Layer {
  readonly targetShape: number[];

  constructor(args: ReshapeArgs | readonly number[]) {
    const config: ReshapeArgs = Array.isArray(args) ? { targetShape: args as readonly number[] } : (args as ReshapeArgs);
    super(config);
    const target = config?.targetShape;
    if (!Array.isArray(target) || target.some((d) => !Number.isInteger(d) || (d <= 0 && d !== -1))) {
      throw new Error(`Invalid value for argument \`targetShape\`: expected a list of positive integers, with at most one -1. Received: targetShape=${JSON.stringify(target)}`);
    }
    if (target.filter((d) => d === -1).length > 1) {
      throw new Error(`There must be at most one unknown dimension (-1) in targetShape. Received: targetShape=${JSON.stringify(target)}`);
    }
    this.targetShape = [...target];
  }

  override call(inputs: Tensor): Tensor {
    const outShape = this.computeOutputShape(inputs.shape as Shape) as number[];
    return reshape(inputs, [inputs.shape[0], ...outShape.slice(1)]);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const inputSize = knownSize(inputShape.slice(1));
    const unknown = this.targetShape.indexOf(-1);
    const knownTarget = this.targetShape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const mismatch = () =>
      new Error(`The total size of the tensor must be unchanged. Received: input_shape=${formatSymbolicShape(inputShape.slice(1))}, target_shape=${formatSymbolicShape(this.targetShape)}`);
    if (unknown < 0) {
      if (inputSize !== null && inputSize !== knownTarget) throw mismatch();
      return [inputShape[0], ...this.targetShape];
    }
    const out: Shape = [...this.targetShape];
    if (inputSize === null) {
      out[unknown] = null;
    } else {
      if (knownTarget === 0 || inputSize % knownTarget !== 0) throw mismatch();
      out[unknown] = inputSize / knownTarget;
    }
    return [inputShape[0], ...out];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), targetShape: [...this.targetShape] };
  }
}

export interface PermuteArgs extends LayerArgs {
  /** A permutation of 1..rank-1 (1-based, the batch axis excluded), as in Keras. */
  dims: readonly number[];
}

/**
 * Permutes the non-batch axes of its input. `dims` is 1-based: `[2, 1]` swaps the first and
 * second axes after the batch axis.
 *
 * @example
 * new Permute({ dims: [2, 1] }).apply(Input({ shape: [10, 64] })).shape;   // [null, 64, 10]
 */
export class Permute extends Layer {
  readonly dims: number[];

  constructor(args: PermuteArgs | readonly number[]) {
    const config: PermuteArgs = Array.isArray(args) ? { dims: args as readonly number[] } : (args as PermuteArgs);
    super(config);
    const dims = config?.dims;
    const valid = Array.isArray(dims) && [...dims].sort((a, b) => a - b).every((d, i) => d === i + 1);
    if (!valid) {
      throw new Error(`Invalid permutation argument \`dims\` for Permute Layer. The set of indices in \`dims\` must be consecutive and start from 1. Received dims=${JSON.stringify(dims)}`);
    }
    this.dims = [...dims];
    this.inputSpec = { ndim: this.dims.length + 1 };
  }

  override call(inputs: Tensor): Tensor {
    return transpose(inputs, [0, ...this.dims]);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [inputShape[0], ...this.dims.map((d) => inputShape[d])];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dims: [...this.dims] };
  }
}

/** A pair [before, after] of non-negative integers for each spatial axis. */
type Margins = Array<[number, number]>;

/** Indices of the spatial axes of a [batch, ...] input of `spatialRank` spatial axes. */
function spatialAxes(spatialRank: number, dataFormat: DataFormat): number[] {
  const first = dataFormat === 'channels_first' ? 2 : 1;
  return Array.from({ length: spatialRank }, (_, i) => first + i);
}

function isMargin(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** The forms of a padding or cropping argument, by spatial rank, for errors. */
const MARGIN_FORMS = [
  '',
  'a non-negative integer or a pair [before, after]',
  'a non-negative integer, a pair [height, width], or a pair of pairs [[top, bottom], [left, right]]',
  'a non-negative integer, a list of 3 [depth, height, width], or a list of 3 pairs [[front, back], [top, bottom], [left, right]]',
];

/**
 * Padding or cropping amounts as one [before, after] pair per spatial axis. `value` may be one
 * number (everywhere), one number per axis (symmetric), or, in 1-D, one pair; in 2-D and 3-D, one
 * pair per axis ([[top, bottom], [left, right]]).
 */
function normalizeMargins(name: string, value: unknown, spatialRank: number): Margins {
  const invalid = () => {
    const forms = MARGIN_FORMS[spatialRank];
    return new Error(`Invalid value for argument ${name}. Expected ${forms} of non-negative integers. Received: ${name}=${JSON.stringify(value)}`);
  };
  if (isMargin(value)) return Array.from({ length: spatialRank }, () => [value as number, value as number]);
  if (!Array.isArray(value)) throw invalid();
  if (spatialRank === 1) {
    if (value.length !== 2 || !value.every(isMargin)) throw invalid();
    return [[value[0], value[1]]];
  }
  if (value.length !== spatialRank) throw invalid();
  return value.map((axis: unknown) => {
    if (isMargin(axis)) return [axis as number, axis as number];
    if (!Array.isArray(axis) || axis.length !== 2 || !axis.every(isMargin)) throw invalid();
    return [axis[0], axis[1]];
  });
}

/**
 * Repeats every element of `x` `factors[i]` times along axis `axes[i]` (NumPy's repeat, each
 * element next to its copies): a reshape that opens a new axis after each repeated one, a
 * broadcast along it, and a reshape that merges it back.
 */
function repeatElements(x: Tensor, axes: readonly number[], factors: readonly number[]): Tensor {
  return tidy(() => {
    const opened: number[] = [];
    const broadcast: number[] = [];
    const merged: number[] = [];
    x.shape.forEach((size, axis) => {
      const k = axes.indexOf(axis);
      const factor = k < 0 ? 1 : factors[k];
      opened.push(size, ...(k < 0 ? [] : [1]));
      broadcast.push(size, ...(k < 0 ? [] : [factor]));
      merged.push(size * factor);
    });
    return reshape(broadcastTo(reshape(x, opened), broadcast), merged);
  });
}

export interface UpSampling1DArgs extends LayerArgs {
  /** How many times each step is repeated (default 2). */
  size?: number;
}

/**
 * Repeats each time step `size` times along the steps axis of a [batch, steps, features] input.
 *
 * @example
 * new UpSampling1D({ size: 2 }).apply(tensor([[[1], [2]]]));   // [[[1], [1], [2], [2]]]
 */
export class UpSampling1D extends Layer {
  readonly size: number;

  constructor(args: UpSampling1DArgs = {}) {
    super(args);
    const size = args.size ?? 2;
    if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) {
      throw new Error(`Invalid value for argument size. Expected a positive integer. Received: size=${JSON.stringify(size)}`);
    }
    this.size = size;
    this.inputSpec = { ndim: 3 };
  }

  override call(inputs: Tensor): Tensor {
    return repeatElements(inputs, [1], [this.size]);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const steps = inputShape[1];
    return [inputShape[0], steps === null ? null : steps * this.size, inputShape[2]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: this.size };
  }
}

/** The interpolations of Keras's UpSampling2D (those of ops.image.resize but 'area', which Keras's JAX backend refuses there). */
const UPSAMPLING_INTERPOLATIONS = ['nearest', 'bilinear', 'bicubic', 'lanczos3', 'lanczos5'] as const;
type UpSamplingInterpolation = (typeof UPSAMPLING_INTERPOLATIONS)[number];

export interface UpSampling2DArgs extends LayerArgs {
  /** Upsampling factors for rows and columns: one number for both or [rows, columns] (default [2, 2]). */
  size?: number | readonly number[];
  /** 'channels_last' ([batch, height, width, channels]) or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: DataFormat;
  /**
   * 'nearest' (the default: each pixel is repeated), or 'bilinear', 'bicubic', 'lanczos3',
   * 'lanczos5' (ops.image.resize to the upsampled size, as Keras).
   */
  interpolation?: UpSamplingInterpolation;
}

/**
 * Upsamples images by `size[0]` along rows and `size[1]` along columns: repeating pixels
 * ('nearest') or resizing with ops.image.resize's half-pixel rule ('bilinear', 'bicubic', ...), as Keras.
 *
 * @example
 * new UpSampling2D().apply(Input({ shape: [14, 14, 8] })).shape;   // [null, 28, 28, 8]
 * new UpSampling2D({ size: [1, 3], dataFormat: 'channels_first' }).apply(Input({ shape: [8, 4, 4] })).shape;   // [null, 8, 4, 12]
 * new UpSampling2D({ interpolation: 'bilinear' }).apply(Input({ shape: [7, 7, 16] })).shape;   // [null, 14, 14, 16]
 */
export class UpSampling2D extends Layer {
  readonly size: number[];
  readonly dataFormat: DataFormat;
  readonly interpolation: UpSamplingInterpolation;

  constructor(args: UpSampling2DArgs = {}) {
    super(args);
    const size = args.size ?? [2, 2];
    const sizes = typeof size === 'number' ? [size, size] : size;
    if (!Array.isArray(sizes) || sizes.length !== 2 || !sizes.every((s) => Number.isInteger(s) && s > 0)) {
      throw new Error(`Invalid value for argument size. Expected a positive integer or a pair of positive integers [rows, columns]. Received: size=${JSON.stringify(size)}`);
    }
    this.size = [...sizes];
    this.dataFormat = normalizeDataFormat(args.dataFormat);
    const interpolation = typeof args.interpolation === 'string' ? args.interpolation.toLowerCase() : (args.interpolation ?? 'nearest');
    if (!(UPSAMPLING_INTERPOLATIONS as readonly string[]).includes(interpolation as string)) {
      throw new Error(`Invalid value for argument interpolation. Expected one of ${UPSAMPLING_INTERPOLATIONS.join(', ')}. Received: interpolation=${JSON.stringify(args.interpolation)}`);
    }
    this.interpolation = interpolation as UpSamplingInterpolation;
    this.inputSpec = { ndim: 4 };
  }

  override call(inputs: Tensor): Tensor {
    const axes = spatialAxes(2, this.dataFormat);
    if (this.interpolation === 'nearest') return repeatElements(inputs, axes, this.size);
    return tidy(() => {
      const x = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
      return resize(x, [x.shape[axes[0]] * this.size[0], x.shape[axes[1]] * this.size[1]], { dataFormat: this.dataFormat, interpolation: this.interpolation });
    });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const out = [...inputShape];
    spatialAxes(2, this.dataFormat).forEach((axis, i) => {
      const length = inputShape[axis];
      out[axis] = length === null ? null : length * this.size[i];
    });
    return out;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: [...this.size], dataFormat: this.dataFormat, interpolation: this.interpolation };
  }
}

export interface UpSampling3DArgs extends LayerArgs {
  /** Upsampling factors for depth, rows and columns: one number for all or [depth, rows, columns] (default [2, 2, 2]). */
  size?: number | readonly number[];
  /** 'channels_last' ([batch, depth, height, width, channels]) or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: DataFormat;
}

/**
 * Upsamples volumes by repeating each voxel `size[0]` times along depth, `size[1]` along rows and
 * `size[2]` along columns.
 *
 * @example
 * new UpSampling3D().apply(Input({ shape: [4, 8, 8, 16] })).shape;   // [null, 8, 16, 16, 16]
 * new UpSampling3D({ size: [1, 2, 3], dataFormat: 'channels_first' }).apply(Input({ shape: [2, 4, 4, 4] })).shape;   // [null, 2, 4, 8, 12]
 */
export class UpSampling3D extends Layer {
  readonly size: number[];
  readonly dataFormat: DataFormat;

  constructor(args: UpSampling3DArgs = {}) {
    super(args);
    const size = args.size ?? [2, 2, 2];
    const sizes = typeof size === 'number' ? [size, size, size] : size;
    if (!Array.isArray(sizes) || sizes.length !== 3 || !sizes.every((s) => Number.isInteger(s) && s > 0)) {
      throw new Error(`Invalid value for argument size. Expected a positive integer or a list of 3 positive integers [depth, rows, columns]. Received: size=${JSON.stringify(size)}`);
    }
    this.size = [...sizes];
    this.dataFormat = normalizeDataFormat(args.dataFormat);
    this.inputSpec = { ndim: 5 };
  }

  override call(inputs: Tensor): Tensor {
    return repeatElements(inputs, spatialAxes(3, this.dataFormat), this.size);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const out = [...inputShape];
    spatialAxes(3, this.dataFormat).forEach((axis, i) => {
      const length = inputShape[axis];
      out[axis] = length === null ? null : length * this.size[i];
    });
    return out;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: [...this.size], dataFormat: this.dataFormat };
  }
}

/** Shared by ZeroPadding1D, ZeroPadding2D and ZeroPadding3D: zeros added around the spatial axes. */
abstract class ZeroPadding extends Layer {
  readonly padding: Margins;
  readonly dataFormat: DataFormat;

  protected constructor(spatialRank: number, padding: unknown, dataFormat: unknown, args: LayerArgs) {
    super(args);
    this.padding = normalizeMargins('padding', padding, spatialRank);
    this.dataFormat = normalizeDataFormat(dataFormat);
    this.inputSpec = { ndim: spatialRank + 2 };
  }

  override call(inputs: Tensor): Tensor {
    const paddings: Margins = inputs.shape.map(() => [0, 0]);
    spatialAxes(this.padding.length, this.dataFormat).forEach((axis, i) => (paddings[axis] = this.padding[i]));
    return pad(inputs, paddings);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const out = [...inputShape];
    spatialAxes(this.padding.length, this.dataFormat).forEach((axis, i) => {
      const length = inputShape[axis];
      out[axis] = length === null ? null : length + this.padding[i][0] + this.padding[i][1];
    });
    return out;
  }
}

export interface ZeroPadding1DArgs extends LayerArgs {
  /** Zeros added at the start and end of the steps axis: one number for both or [start, end] (default 1). */
  padding?: number | readonly number[];
  /** 'channels_last' ([batch, steps, features]) or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: DataFormat;
}

/**
 * Adds zeros at the start and end of the steps axis of a sequence.
 *
 * @example
 * new ZeroPadding1D({ padding: [1, 2] }).apply(Input({ shape: [5, 3] })).shape;   // [null, 8, 3]
 */
export class ZeroPadding1D extends ZeroPadding {
  constructor(args: ZeroPadding1DArgs = {}) {
    super(1, args.padding ?? 1, args.dataFormat, args);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), padding: [...this.padding[0]], dataFormat: this.dataFormat };
  }
}

export interface ZeroPadding2DArgs extends LayerArgs {
  /**
   * Zeros added around the rows and columns: one number everywhere, [rows, columns] (symmetric),
   * or [[top, bottom], [left, right]] (default 1).
   */
  padding?: number | ReadonlyArray<number | readonly number[]>;
  /** 'channels_last' ([batch, height, width, channels]) or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: DataFormat;
}

/**
 * Adds rows and columns of zeros around images.
 *
 * @example
 * new ZeroPadding2D().apply(Input({ shape: [28, 28, 1] })).shape;                        // [null, 30, 30, 1]
 * new ZeroPadding2D({ padding: [[1, 0], [2, 2]] }).apply(Input({ shape: [4, 4, 1] })).shape;   // [null, 5, 8, 1]
 */
export class ZeroPadding2D extends ZeroPadding {
  constructor(args: ZeroPadding2DArgs = {}) {
    super(2, args.padding ?? 1, args.dataFormat, args);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), padding: this.padding.map((p) => [...p]), dataFormat: this.dataFormat };
  }
}

export interface ZeroPadding3DArgs extends LayerArgs {
  /**
   * Zeros added around the depth, rows and columns: one number everywhere, [depth, rows, columns]
   * (symmetric), or [[front, back], [top, bottom], [left, right]] (default 1).
   */
  padding?: number | ReadonlyArray<number | readonly number[]>;
  /** 'channels_last' ([batch, depth, height, width, channels]) or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: DataFormat;
}

/**
 * Adds slices of zeros around volumes.
 *
 * @example
 * new ZeroPadding3D().apply(Input({ shape: [4, 8, 8, 1] })).shape;                               // [null, 6, 10, 10, 1]
 * new ZeroPadding3D({ padding: [[1, 0], [0, 0], [2, 2]] }).apply(Input({ shape: [4, 4, 4, 1] })).shape;   // [null, 5, 4, 8, 1]
 */
export class ZeroPadding3D extends ZeroPadding {
  constructor(args: ZeroPadding3DArgs = {}) {
    super(3, args.padding ?? 1, args.dataFormat, args);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), padding: this.padding.map((p) => [...p]), dataFormat: this.dataFormat };
  }
}

/** Shared by Cropping1D, Cropping2D and Cropping3D: slices removed from both ends of the spatial axes. */
abstract class Cropping extends Layer {
  readonly cropping: Margins;
  readonly dataFormat: DataFormat;

  protected constructor(spatialRank: number, cropping: unknown, dataFormat: unknown, args: LayerArgs) {
    super(args);
    this.cropping = normalizeMargins('cropping', cropping, spatialRank);
    this.dataFormat = normalizeDataFormat(dataFormat);
    this.inputSpec = { ndim: spatialRank + 2 };
  }

  override call(inputs: Tensor): Tensor {
    const outShape = this.computeOutputShape(inputs.shape as Shape) as number[];
    const begin = inputs.shape.map(() => 0);
    spatialAxes(this.cropping.length, this.dataFormat).forEach((axis, i) => (begin[axis] = this.cropping[i][0]));
    return slice(inputs, begin, outShape);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const out = [...inputShape];
    spatialAxes(this.cropping.length, this.dataFormat).forEach((axis, i) => {
      const length = inputShape[axis];
      const [before, after] = this.cropping[i];
      if (length !== null && before + after >= length) {
        throw new Error(
          `Values in \`cropping\` argument should be smaller than the corresponding spatial dimension of the input. ` +
            `Received: input_shape=${formatSymbolicShape(inputShape)}, cropping=${JSON.stringify(this.cropping)}`,
        );
      }
      out[axis] = length === null ? null : length - before - after;
    });
    return out;
  }
}

export interface Cropping1DArgs extends LayerArgs {
  /** Steps removed at the start and end: one number for both or [start, end] (default [1, 1]). */
  cropping?: number | readonly number[];
}

/**
 * Removes steps at the start and end of a [batch, steps, features] sequence.
 *
 * @example
 * new Cropping1D({ cropping: [1, 2] }).apply(Input({ shape: [6, 3] })).shape;   // [null, 3, 3]
 */
export class Cropping1D extends Cropping {
  constructor(args: Cropping1DArgs = {}) {
    super(1, args.cropping ?? 1, 'channels_last', args);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), cropping: [...this.cropping[0]] };
  }
}

export interface Cropping2DArgs extends LayerArgs {
  /**
   * Rows and columns removed: one number everywhere, [rows, columns] (symmetric), or
   * [[top, bottom], [left, right]] (default 0: nothing removed).
   */
  cropping?: number | ReadonlyArray<number | readonly number[]>;
  /** 'channels_last' ([batch, height, width, channels]) or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: DataFormat;
}

/**
 * Removes rows and columns at the borders of images.
 *
 * @example
 * new Cropping2D({ cropping: [[2, 2], [4, 4]] }).apply(Input({ shape: [28, 28, 3] })).shape;   // [null, 24, 20, 3]
 */
export class Cropping2D extends Cropping {
  constructor(args: Cropping2DArgs = {}) {
    super(2, args.cropping ?? 0, args.dataFormat, args);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), cropping: this.cropping.map((c) => [...c]), dataFormat: this.dataFormat };
  }
}

export interface Cropping3DArgs extends LayerArgs {
  /**
   * Slices removed along depth, rows and columns: one number everywhere, [depth, rows, columns]
   * (symmetric), or [[front, back], [top, bottom], [left, right]] (default 1 everywhere, as Keras).
   */
  cropping?: number | ReadonlyArray<number | readonly number[]>;
  /** 'channels_last' ([batch, depth, height, width, channels]) or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: DataFormat;
}

/**
 * Removes slices at the borders of volumes.
 *
 * @example
 * new Cropping3D().apply(Input({ shape: [8, 8, 8, 2] })).shape;                                  // [null, 6, 6, 6, 2]
 * new Cropping3D({ cropping: [[1, 0], [0, 0], [2, 2]] }).apply(Input({ shape: [4, 6, 8, 2] })).shape;   // [null, 3, 6, 4, 2]
 */
export class Cropping3D extends Cropping {
  constructor(args: Cropping3DArgs = {}) {
    super(3, args.cropping ?? 1, args.dataFormat, args);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), cropping: this.cropping.map((c) => [...c]), dataFormat: this.dataFormat };
  }
}
