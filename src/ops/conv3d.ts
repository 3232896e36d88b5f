// 3-D convolutions over volumes (video, medical scans), as Keras `ops.conv` and
// `ops.conv_transpose` on rank-5 inputs: `conv3d` and `conv3dTranspose`, channels-last by default
// (channels-first volumes run between two transposes). They share conv.ts's patch machinery (the
// im2col / col2im kernels of shaders/im2col.wgsl with a depth axis, then one matmul), so their
// gradients come from the same rules as conv2d's; grouped kernels included. Also the 3-D option
// helpers that the 3-D pooling ops share (the data-format ones, common to every convolution and
// pooling op, are conv.ts's). Shapes, dtypes and options are checked here, before any GPU work;
// nothing is read back.

import { formatShape } from '../backend/types';
import type { Tensor } from '../tensor/tensor';
import {
  channelsLastShape,
  checkConvolutionGroups,
  checkDataFormat,
  checkEpilogue,
  checkInput,
  checkPadding,
  convolve,
  inChannelsLast,
  inputLayout,
  transposeConvolve,
  transposedWindowAxis,
  windowAxis,
  type ConvEpilogue,
  type ConvGeometry,
  type DataFormat,
  type Padding,
} from './conv';
import { checkOptionNames } from './validate';

/** Where the channels of a volume are: last ([batch, d, h, w, c]) or first ([batch, c, d, h, w]). */
export type VolumeDataFormat = DataFormat;

export interface Conv3dOptions extends ConvEpilogue {
  /** Step between windows: one number for all three axes or [depth, height, width]. Default 1. */
  strides?: number | readonly [number, number, number];
  /** Default 'valid'. */
  padding?: Padding;
  /** Spacing between kernel taps: one number or [depth, height, width]. Default 1. */
  dilationRate?: number | readonly [number, number, number];
  /** 'channels_last' ([batch, depth, height, width, channels], the default) or 'channels_first'. */
  dataFormat?: VolumeDataFormat;
}

export interface Conv3dTransposeOptions extends Omit<Conv3dOptions, keyof ConvEpilogue> {
  /**
   * Extra size at the end of each output axis: one number or [depth, height, width], each >= 0.
   * Default: none given, Keras's rule (output `input * stride` with 'same').
   */
  outputPadding?: number | readonly [number, number, number] | null;
}

const CONV3D_OPTIONS: Record<keyof Conv3dOptions, true> = { strides: true, padding: true, dilationRate: true, dataFormat: true, bias: true, activation: true };
const CONV3D_TRANSPOSE_OPTIONS: Record<keyof Conv3dTransposeOptions, true> = { strides: true, padding: true, dilationRate: true, dataFormat: true, outputPadding: true };

/**
 * The spatial axes of a volume, for inputLayout.
 * @internal
 */
export const VOLUME_AXES = ['depth', 'height', 'width'] as const;

/**
 * One integer for all three axes or a list of three, each >= `min`, as [depth, height, width];
 * throws naming the op and the option.
 * @internal
 */
export function spatialTriple(op: string, name: string, value: unknown, min = 1): [number, number, number] {
  const triple = typeof value === 'number' ? [value, value, value] : Array.isArray(value) ? value : null;
  if (!triple || triple.length !== 3 || !triple.every((v) => Number.isInteger(v) && v >= min)) {
    const kind = min === 0 ? 'non-negative' : 'positive';
    throw new Error(`${op}: ${name} must be a ${kind} integer or a list of 3 of them [depth, height, width], got ${JSON.stringify(value)}.`);
  }
  return [triple[0], triple[1], triple[2]];
}

/** The geometry of channels-last x [batch, d, h, w, cin] under kernel [kd, kh, kw, cin / groups, cout], or a named error. */
function conv3dGeometry(x: Tensor, xShape: number[], kernel: Tensor, strides: number[], dilation: number[], padding: Padding): ConvGeometry {
  const op = 'conv3d';
  const [batch, , , , channels] = xShape;
  const [kernelChannels, outChannels] = kernel.shape.slice(3);
  const [xText, kernelText] = [formatShape(x.shape), formatShape(kernel.shape)];
  checkConvolutionGroups(op, channels, kernelChannels, outChannels, xText, kernelText);
  if (kernel.shape.slice(0, 3).includes(0)) throw new Error(`${op}: kernel ${kernelText} has an empty spatial size.`);
  const [depths, rows, cols] = [0, 1, 2].map((i) => windowAxis(xShape[i + 1], kernel.shape[i], strides[i], dilation[i], padding));
  if (!depths || !rows || !cols) {
    const spans = [0, 1, 2].map((i) => (kernel.shape[i] - 1) * dilation[i] + 1).join('x');
    throw new Error(`${op}: kernel ${kernelText} with dilation ${formatShape(dilation)} spans ${spans}, larger than the input x ${xText} (${xShape.slice(1, 4).join('x')}) with padding 'valid'.`);
  }
  return { batch, channels, depths, rows, cols };
}

/**
 * 3-D convolution (cross-correlation, as Keras), channels-last by default: x [batch, depth,
 * height, width, inChannels] with kernel [kernelDepth, kernelHeight, kernelWidth, inChannels,
 * outChannels] gives [batch, outDepth, outHeight, outWidth, outChannels] (with `dataFormat:
 * 'channels_first'`, x [batch, inChannels, depth, height, width] gives [batch, outChannels, ...];
 * the kernel's layout is the same). Padding, strides, dilation and groups (a kernel of
 * inChannels / groups input channels), `bias` and `activation` as `conv2d`, along three axes.
 * Differentiable with respect to x, kernel and bias.
 *
 * @example
 * const y = ops.conv3d(volumes, kernel, { padding: 'same' });   // [2,16,32,32,3] x [3,3,3,3,8] -> [2,16,32,32,8]
 * const z = ops.conv3d(volumes, kernel, { strides: [1, 2, 2] }); // [2,16,32,32,3] x [3,3,3,3,8] -> [2,14,15,15,8]
 */
export function conv3d(x: Tensor, kernel: Tensor, options: Conv3dOptions = {}): Tensor {
  const op = 'conv3d';
  checkOptionNames(op, options, CONV3D_OPTIONS);
  const { strides = 1, padding = 'valid', dilationRate = 1 } = options;
  const dataFormat = checkDataFormat(op, options.dataFormat ?? 'channels_last');
  checkInput(op, 'x', x, 5, inputLayout(dataFormat, VOLUME_AXES));
  checkInput(op, 'kernel', kernel, 5, '[kernelDepth, kernelHeight, kernelWidth, inChannels, outChannels]');
  checkPadding(op, padding, ['valid', 'same']);
  const g = conv3dGeometry(x, channelsLastShape(x, dataFormat), kernel, spatialTriple(op, 'strides', strides), spatialTriple(op, 'dilationRate', dilationRate), padding);
  const epilogue = checkEpilogue(op, options, kernel);
  return inChannelsLast(x, dataFormat, (volume) => convolve(volume, kernel, g, epilogue));
}

/**
 * 3-D transposed convolution (Keras `ops.conv_transpose` on rank-5 inputs), channels-last by
 * default: x [batch, depth, height, width, inChannels] with kernel [kernelDepth, kernelHeight,
 * kernelWidth, outChannels, inChannels] gives [batch, outDepth, outHeight, outWidth,
 * outChannels]: the gradient of `conv3d` with respect to its input. Output sizes per axis follow
 * `conv2dTranspose`'s rule (Keras's): 'valid' (size - 1) * stride + max(span, stride), 'same'
 * size * stride, or with `outputPadding` p (size - 1) * stride + span + p and
 * (size - 1) * stride + span % 2 + p. Differentiable with respect to x and kernel.
 *
 * @example
 * const up = ops.conv3dTranspose(features, kernel, { strides: 2, padding: 'same' });   // [2,4,8,8,16] x [3,3,3,8,16] -> [2,8,16,16,8]
 */
export function conv3dTranspose(x: Tensor, kernel: Tensor, options: Conv3dTransposeOptions = {}): Tensor {
  const op = 'conv3dTranspose';
  checkOptionNames(op, options, CONV3D_TRANSPOSE_OPTIONS);
  const { strides = 1, padding = 'valid', dilationRate = 1, outputPadding = null } = options;
  const dataFormat = checkDataFormat(op, options.dataFormat ?? 'channels_last');
  checkInput(op, 'x', x, 5, inputLayout(dataFormat, VOLUME_AXES));
  checkInput(op, 'kernel', kernel, 5, '[kernelDepth, kernelHeight, kernelWidth, outChannels, inChannels]');
  checkPadding(op, padding, ['valid', 'same']);
  const stride = spatialTriple(op, 'strides', strides);
  const dilation = spatialTriple(op, 'dilationRate', dilationRate);
  const extra = outputPadding === null ? [null, null, null] : spatialTriple(op, 'outputPadding', outputPadding, 0);
  const [batch, depth, height, width, channels] = channelsLastShape(x, dataFormat);
  const [outChannels, kernelChannels] = kernel.shape.slice(3);
  if (channels !== kernelChannels) {
    throw new Error(`${op}: input channels differ: x ${formatShape(x.shape)} has ${channels}, kernel ${formatShape(kernel.shape)} expects ${kernelChannels} (its last axis; a transposed kernel is [..., outChannels, inChannels]).`);
  }
  if (kernel.shape.slice(0, 3).includes(0)) throw new Error(`${op}: kernel ${formatShape(kernel.shape)} has an empty spatial size.`);
  const [depths, rows, cols] = [depth, height, width].map((size, i) => transposedWindowAxis(size, kernel.shape[i], stride[i], dilation[i], padding, extra[i]));
  const empty = [depths, rows, cols].findIndex((axis) => axis.input <= 0);
  if (empty >= 0) {
    throw new Error(`${op}: the output of x ${formatShape(x.shape)} with kernel ${formatShape(kernel.shape)} would have no ${['depth', 'rows', 'columns'][empty]}; give an outputPadding or a larger input.`);
  }
  const g: ConvGeometry = { batch, channels: outChannels, depths, rows, cols };
  return inChannelsLast(x, dataFormat, (volume) => transposeConvolve(volume, kernel, g));
}
