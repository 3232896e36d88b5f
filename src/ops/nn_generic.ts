// Keras 3's rank-generic convolution and pooling ops (keras.ops.conv, conv_transpose,
// depthwise_conv, separable_conv, max_pool, average_pool): the input's rank (3, 4 or 5: one, two
// or three spatial axes) picks the 1-D, 2-D or 3-D op of conv.ts, conv3d.ts, depthwise_conv.ts
// or pooling.ts, so every kernel, gradient and shape rule stays in those files. 1-D pooling is 2-D
// pooling on a row of height 1. Options follow Keras's argument names and defaults in camelCase.

import { imageDataFormat } from '../backend/config';
import { formatShape } from '../backend/types';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { checkDataFormat, conv1d, conv1dTranspose, conv2d, conv2dTranspose, type Conv2dOptions, type Conv2dTransposeOptions, type DataFormat, type Padding } from './conv';
import { conv3d, conv3dTranspose, type Conv3dOptions, type Conv3dTransposeOptions } from './conv3d';
import { depthwiseConv1d, depthwiseConv2d } from './depthwise_conv';
import { avgPool2d, avgPool3d, maxPool2d, maxPool3d, type Pool2dOptions, type Pool3dOptions } from './pooling';
import { expandDims, squeeze } from './shape';
import { checkOptionNames, checkTensor } from './validate';

/** One number for every spatial axis, or one per spatial axis. */
export type SpatialSize = number | readonly number[];

export interface ConvOptions {
  /** Step between windows: one number or one per spatial axis. Default 1. */
  strides?: SpatialSize;
  /** 'valid' (the default) or 'same'. */
  padding?: Padding;
  /** 'channels_last' ([batch, ...spatial, channels]) or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: DataFormat;
  /** Spacing between kernel taps: one number or one per spatial axis. Default 1. */
  dilationRate?: SpatialSize;
}

export interface ConvTransposeOptions extends ConvOptions {
  /** Extra size at the end of each output axis (>= 0): one number or one per spatial axis. Default: Keras's rule. */
  outputPadding?: SpatialSize | null;
}

export interface PoolOptions {
  /** Step between windows: one number or one per spatial axis. Default: the pool size. */
  strides?: SpatialSize | null;
  /** 'valid' (the default) or 'same'. */
  padding?: Padding;
  /** 'channels_last' ([batch, ...spatial, channels]) or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: DataFormat;
}

const CONV_OPTIONS: Record<keyof ConvOptions, true> = { strides: true, padding: true, dataFormat: true, dilationRate: true };
const CONV_TRANSPOSE_OPTIONS: Record<keyof ConvTransposeOptions, true> = { ...CONV_OPTIONS, outputPadding: true };
const POOL_OPTIONS: Record<keyof PoolOptions, true> = { strides: true, padding: true, dataFormat: true };

/** The number of spatial axes of `x` (rank minus batch and channels), or an error naming the allowed ranks. */
function spatialRank(op: string, x: unknown, allowed: readonly number[]): number {
  checkTensor(op, x);
  const spatial = x.rank - 2;
  if (!allowed.includes(spatial)) {
    const ranks = allowed.map((n) => n + 2);
    throw new Error(`${op}: inputs must have rank ${ranks.slice(0, -1).join(', ')}${ranks.length > 1 ? ' or ' : ''}${ranks[ranks.length - 1]} ([batch, ...spatial, channels] or channels first), got shape ${formatShape(x.shape)} (rank ${x.rank}).`);
  }
  return spatial;
}

/** A 1-D op's option: a number, or a list of one number unwrapped (other values pass on to be reported). */
function single(value: SpatialSize): number {
  return Array.isArray(value) && value.length === 1 ? (value[0] as number) : (value as number);
}

/**
 * N-D convolution (keras.ops.conv): inputs of rank 3, 4 or 5 ([batch, ...spatial, channels]; channels
 * first with `dataFormat: 'channels_first'`) with a kernel [...kernelSpatial, inChannels / groups,
 * outChannels] run `conv1d`, `conv2d` or `conv3d`. Defaults as Keras: strides 1, padding 'valid',
 * dilationRate 1. Differentiable with respect to inputs and kernel.
 *
 * @example
 * const y = ops.conv(images, kernel, { strides: 2, padding: 'same' });   // [8,28,28,3] x [3,3,3,16] -> [8,14,14,16]
 */
export function conv(inputs: Tensor, kernel: Tensor, options: ConvOptions = {}): Tensor {
  const op = 'conv';
  checkOptionNames(op, options, CONV_OPTIONS);
  const { strides = 1, padding = 'valid', dilationRate = 1 } = options;
  const dataFormat = checkDataFormat(op, options.dataFormat ?? imageDataFormat());
  const spatial = spatialRank(op, inputs, [1, 2, 3]);
  if (spatial === 1) return conv1d(inputs, kernel, { strides: single(strides), padding, dilationRate: single(dilationRate), dataFormat });
  // The 2-D and 3-D ops check that each list has one entry per spatial axis.
  const given = { strides, padding, dilationRate, dataFormat };
  return spatial === 2 ? conv2d(inputs, kernel, given as Conv2dOptions) : conv3d(inputs, kernel, given as Conv3dOptions);
}

/**
 * N-D transposed convolution (keras.ops.conv_transpose): inputs of rank 3, 4 or 5 with a kernel
 * [...kernelSpatial, outChannels, inChannels] run `conv1dTranspose`, `conv2dTranspose` or
 * `conv3dTranspose` (Keras's output-size rule, `outputPadding` default none). Defaults as Keras:
 * strides 1, padding 'valid', dilationRate 1. Differentiable with respect to inputs and kernel.
 *
 * @example
 * const up = ops.convTranspose(features, kernel, { strides: 2, padding: 'same' });   // [8,7,7,64] x [3,3,32,64] -> [8,14,14,32]
 */
export function convTranspose(inputs: Tensor, kernel: Tensor, options: ConvTransposeOptions = {}): Tensor {
  const op = 'convTranspose';
  checkOptionNames(op, options, CONV_TRANSPOSE_OPTIONS);
  const { strides = 1, padding = 'valid', dilationRate = 1, outputPadding = null } = options;
  const dataFormat = checkDataFormat(op, options.dataFormat ?? imageDataFormat());
  const spatial = spatialRank(op, inputs, [1, 2, 3]);
  if (spatial === 1) {
    const extra = outputPadding === null ? null : single(outputPadding);
    return conv1dTranspose(inputs, kernel, { strides: single(strides), padding, outputPadding: extra, dilationRate: single(dilationRate), dataFormat });
  }
  const given = { strides, padding, dilationRate, dataFormat, outputPadding };
  return spatial === 2 ? conv2dTranspose(inputs, kernel, given as Conv2dTransposeOptions) : conv3dTranspose(inputs, kernel, given as Conv3dTransposeOptions);
}

/**
 * N-D depthwise convolution (keras.ops.depthwise_conv): inputs of rank 3 or 4 with a kernel
 * [...kernelSpatial, channels, depthMultiplier] run `depthwiseConv1d` or `depthwiseConv2d`
 * (Keras supports 1-D and 2-D only). Defaults as Keras: strides 1, padding 'valid', dilationRate 1.
 * Differentiable with respect to inputs and kernel.
 *
 * @example
 * const y = ops.depthwiseConv(images, kernel, { padding: 'same' });   // [8,28,28,16] x [3,3,16,2] -> [8,28,28,32]
 */
export function depthwiseConv(inputs: Tensor, kernel: Tensor, options: ConvOptions = {}): Tensor {
  const op = 'depthwiseConv';
  checkOptionNames(op, options, CONV_OPTIONS);
  const { strides = 1, padding = 'valid', dilationRate = 1 } = options;
  const dataFormat = checkDataFormat(op, options.dataFormat ?? imageDataFormat());
  const spatial = spatialRank(op, inputs, [1, 2]);
  if (spatial === 1) return depthwiseConv1d(inputs, kernel, { strides: single(strides), padding, dilationRate: single(dilationRate), dataFormat });
  return depthwiseConv2d(inputs, kernel, { strides, padding, dilationRate, dataFormat } as Conv2dOptions);
}

/**
 * N-D separable convolution (keras.ops.separable_conv): a depthwise convolution by
 * `depthwiseKernel` [...kernelSpatial, channels, depthMultiplier] (strides, padding and dilation
 * apply here), then a pointwise convolution by `pointwiseKernel` [...ones, channels *
 * depthMultiplier, outChannels]. Inputs of rank 3 or 4, as `depthwiseConv`. Differentiable with
 * respect to inputs and both kernels.
 *
 * @example
 * const y = ops.separableConv(images, depthwise, pointwise);   // [8,28,28,16] x [3,3,16,1] x [1,1,16,32] -> [8,26,26,32]
 */
export function separableConv(inputs: Tensor, depthwiseKernel: Tensor, pointwiseKernel: Tensor, options: ConvOptions = {}): Tensor {
  const op = 'separableConv';
  checkOptionNames(op, options, CONV_OPTIONS);
  spatialRank(op, inputs, [1, 2]);
  checkTensor(op, pointwiseKernel);
  if (pointwiseKernel.rank !== inputs.rank || pointwiseKernel.shape.slice(0, -2).some((size) => size !== 1)) {
    throw new Error(`${op}: pointwiseKernel must have shape [${'1, '.repeat(inputs.rank - 2)}channels * depthMultiplier, outChannels] for inputs of rank ${inputs.rank}, got ${formatShape(pointwiseKernel.shape)}.`);
  }
  const dataFormat = options.dataFormat ?? imageDataFormat();
  return tidy(() => conv(depthwiseConv(inputs, depthwiseKernel, options), pointwiseKernel, { dataFormat }));
}

type PoolMode = 'max' | 'average';

/** Pools 1-D, 2-D or 3-D inputs with the matching op (1-D: 2-D pooling on a row of height 1). */
function poolAnyRank(op: string, mode: PoolMode, inputs: Tensor, poolSize: SpatialSize, options: PoolOptions): Tensor {
  checkOptionNames(op, options, POOL_OPTIONS);
  const { padding = 'valid' } = options;
  const dataFormat = checkDataFormat(op, options.dataFormat ?? imageDataFormat());
  const spatial = spatialRank(op, inputs, [1, 2, 3]);
  const strides = options.strides ?? poolSize;
  if (spatial === 3) {
    const pool3d = mode === 'max' ? maxPool3d : avgPool3d;
    return pool3d(inputs, { poolSize, strides, padding, dataFormat } as Pool3dOptions);
  }
  const pool2d = mode === 'max' ? maxPool2d : avgPool2d;
  if (spatial === 2) return pool2d(inputs, { poolSize, strides, padding, dataFormat } as Pool2dOptions);
  const [window, step] = [single(poolSize), single(strides)];
  for (const [name, given, value] of [['poolSize', poolSize, window], ['strides', strides, step]] as const) {
    if (!Number.isInteger(value) || value <= 0) throw new Error(`${op}: ${name} must be a positive integer or a list of one, got ${JSON.stringify(given)}.`);
  }
  // The unit row axis goes just before the steps axis (1 channels last, 2 channels first).
  const rowAxis = dataFormat === 'channels_last' ? 1 : 2;
  const steps = inputs.shape[rowAxis];
  if (padding === 'valid' && window > steps) {
    throw new Error(`${op}: pool size ${window} is larger than the ${steps} steps of inputs ${formatShape(inputs.shape)} with padding 'valid'.`);
  }
  return tidy(() => squeeze(pool2d(expandDims(inputs, rowAxis), { poolSize: [1, window], strides: [1, step], padding, dataFormat }), rowAxis));
}

/**
 * N-D max pooling (keras.ops.max_pool): inputs of rank 3, 4 or 5 ([batch, ...spatial, channels];
 * channels first with `dataFormat: 'channels_first'`), each output the maximum of its `poolSize`
 * window. Strides default to the pool size, padding to 'valid' ('same' clips the windows to the
 * input). The gradient goes to the maximum of each window.
 *
 * @example
 * const y = ops.maxPool(sequences, 2);   // [4,10,8] -> [4,5,8]
 */
export function maxPool(inputs: Tensor, poolSize: SpatialSize, options: PoolOptions = {}): Tensor {
  return poolAnyRank('maxPool', 'max', inputs, poolSize, options);
}

/**
 * N-D average pooling (keras.ops.average_pool): as `maxPool`, each output the mean of its window;
 * with 'same' padding the padded positions are left out of the count (Keras semantics).
 *
 * @example
 * const y = ops.averagePool(images, [2, 2], { strides: 1, padding: 'same' });   // [8,28,28,3] -> [8,28,28,3]
 */
export function averagePool(inputs: Tensor, poolSize: SpatialSize, options: PoolOptions = {}): Tensor {
  return poolAnyRank('averagePool', 'average', inputs, poolSize, options);
}
