// Depthwise 2-D and 1-D convolution, channels-last by default (channels-first between two
// transposes), with Keras / TensorFlow semantics (keras.ops.depthwise_conv): each input channel
// is convolved with its own `depthMultiplier` kernels, never mixed with the others. The forward
// pass and both gradients are direct convolutions in shaders/depthwise_conv.wgsl, one invocation
// per output element (the windows are small; no patch matrix is built, so memory stays at the
// size of the tensors themselves). The three are bilinear and each one's gradients are the other
// two, so the convolution differentiates to any order (gradient penalties). Strides, dilation and
// 'valid' / 'same' padding follow conv2d
// (src/ops/conv.ts); the 1-D op is the 2-D one on a row of height 1. Shapes, dtypes and options
// are checked before any GPU work.

import { formatShape, type ConcreteShape } from '../backend/types';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import type { WebGPUBackend } from '../backend/webgpu/webgpu_backend';
import { recordGradient } from '../autograd/tape';
import type { Tensor } from '../tensor/tensor';
import {
  channelsLastShape,
  checkDataFormat,
  checkInput,
  checkPadding,
  inChannelsLast,
  inputLayout,
  positiveInteger,
  spatialPair,
  windowAxis,
  type Conv2dWindowOptions,
  type DataFormat,
  type Padding,
  type WindowAxis,
} from './conv';
import { runKernel1, type Kernel } from './kernel';
import { reshape } from './shape';
import { checkOptionNames } from './validate';
import depthwiseShader from '../../shaders/depthwise_conv.wgsl?raw';

const WORKGROUP_SIZE = 256;

/** x [batch, rows.input, cols.input, channels], kernel [rows.size, cols.size, channels, multiplier]. */
interface DepthwiseGeometry {
  batch: number;
  channels: number;
  multiplier: number;
  rows: WindowAxis;
  cols: WindowAxis;
}

type EntryPoint = 'forward' | 'backward_input' | 'backward_kernel';

/** Runs one entry point of shaders/depthwise_conv.wgsl over the `size` elements of its output. */
function dispatchDepthwise(gpu: WebGPUBackend, entryPoint: EntryPoint, buffers: GPUBuffer[], size: number, g: DepthwiseGeometry): void {
  gpu.dispatch({
    shader: depthwiseShader,
    entryPoint,
    uniforms: new Uniforms()
      .u32(size, g.channels, g.multiplier)
      .i32(g.batch, g.rows.input, g.cols.input, g.rows.output, g.cols.output, g.rows.size, g.cols.size)
      .i32(g.rows.stride, g.cols.stride, g.rows.dilation, g.cols.dilation, g.rows.padBefore, g.cols.padBefore)
      .finish(),
    buffers,
    workgroups: gridFor(size, WORKGROUP_SIZE),
  });
}

/**
 * Calls `visit(outputIndex, inputIndex, kernelIndex)` for every product of the convolution (taps
 * in the padding are skipped): the three CPU kernels are this loop with different sums.
 */
function forEachProduct(g: DepthwiseGeometry, visit: (yAt: number, xAt: number, kernelAt: number) => void): void {
  const { batch, channels, multiplier, rows, cols } = g;
  const outChannels = channels * multiplier;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < rows.output; oy++) {
      for (let ox = 0; ox < cols.output; ox++) {
        const yPixel = ((b * rows.output + oy) * cols.output + ox) * outChannels;
        for (let ky = 0; ky < rows.size; ky++) {
          const iy = oy * rows.stride - rows.padBefore + ky * rows.dilation;
          if (iy < 0 || iy >= rows.input) continue;
          for (let kx = 0; kx < cols.size; kx++) {
            const ix = ox * cols.stride - cols.padBefore + kx * cols.dilation;
            if (ix < 0 || ix >= cols.input) continue;
            const xPixel = ((b * rows.input + iy) * cols.input + ix) * channels;
            const tap = (ky * cols.size + kx) * outChannels;
            for (let c = 0; c < channels; c++) {
              for (let m = 0; m < multiplier; m++) visit(yPixel + c * multiplier + m, xPixel + c, tap + c * multiplier + m);
            }
          }
        }
      }
    }
  }
}

/** y = depthwise(x, kernel). */
const depthwiseKernel: Kernel<DepthwiseGeometry> = {
  name: 'depthwiseConv2d',
  cpu([x, kernel], [y], g) {
    const sums = new Float64Array(y.values.length);
    forEachProduct(g, (yAt, xAt, kernelAt) => {
      sums[yAt] += x.values[xAt] * kernel.values[kernelAt];
    });
    y.values.set(sums);
  },
  webgpu(gpu, [x, kernel], [y], g) {
    dispatchDepthwise(gpu, 'forward', [x.buffer, kernel.buffer, y.buffer], y.size, g);
  },
};

/** dx from dy and the kernel. */
const depthwiseInputGradKernel: Kernel<DepthwiseGeometry> = {
  name: 'depthwiseConv2dInputGrad',
  cpu([dy, kernel], [dx], g) {
    const sums = new Float64Array(dx.values.length);
    forEachProduct(g, (yAt, xAt, kernelAt) => {
      sums[xAt] += dy.values[yAt] * kernel.values[kernelAt];
    });
    dx.values.set(sums);
  },
  webgpu(gpu, [dy, kernel], [dx], g) {
    dispatchDepthwise(gpu, 'backward_input', [dy.buffer, kernel.buffer, dx.buffer], dx.size, g);
  },
};

/** dKernel from x and dy. */
const depthwiseKernelGradKernel: Kernel<DepthwiseGeometry> = {
  name: 'depthwiseConv2dKernelGrad',
  cpu([x, dy], [dKernel], g) {
    const sums = new Float64Array(dKernel.values.length);
    forEachProduct(g, (yAt, xAt, kernelAt) => {
      sums[kernelAt] += x.values[xAt] * dy.values[yAt];
    });
    dKernel.values.set(sums);
  },
  webgpu(gpu, [x, dy], [dKernel], g) {
    dispatchDepthwise(gpu, 'backward_kernel', [x.buffer, dy.buffer, dKernel.buffer], dKernel.size, g);
  },
};

/**
 * The geometry of channels-last x [batch, h, w, channels] under kernel [kh, kw, channels,
 * multiplier] (given as shapes), or a named error (`given`: the shapes as the caller passed them).
 */
function depthwiseGeometry(op: string, xShape: ConcreteShape, kernelShape: ConcreteShape, strides: [number, number], dilation: [number, number], padding: Padding, given: [ConcreteShape, ConcreteShape]): DepthwiseGeometry {
  const [batch, height, width, channels] = xShape;
  const [kernelHeight, kernelWidth, kernelChannels, multiplier] = kernelShape;
  const [xText, kernelText] = given.map(formatShape);
  if (channels !== kernelChannels) {
    throw new Error(`${op}: input channels differ: x ${xText} has ${channels}, kernel ${kernelText} expects ${kernelChannels}.`);
  }
  if (kernelHeight === 0 || kernelWidth === 0 || multiplier === 0) {
    throw new Error(`${op}: kernel ${kernelText} is empty; expected ${op === 'depthwiseConv1d' ? '[kernelSize' : '[kernelHeight, kernelWidth'}, channels, depthMultiplier] all above 0.`);
  }
  const rows = windowAxis(height, kernelHeight, strides[0], dilation[0], padding);
  const cols = windowAxis(width, kernelWidth, strides[1], dilation[1], padding);
  if (!rows || !cols) {
    const span = (size: number, d: number) => (size - 1) * d + 1;
    const [spans, spatial, dilations] =
      op === 'depthwiseConv1d'
        ? [`${span(kernelWidth, dilation[1])}`, `${width}`, `${dilation[1]}`]
        : [`${span(kernelHeight, dilation[0])}x${span(kernelWidth, dilation[1])}`, `${height}x${width}`, formatShape(dilation)];
    throw new Error(`${op}: kernel ${kernelText} with dilation ${dilations} spans ${spans}, larger than the input x ${xText} (${spatial}) with padding 'valid'.`);
  }
  return { batch, channels, multiplier, rows, cols };
}

/** y = depthwise(x, kernel) under `g`, with its gradient recorded. */
function depthwiseConvolve(op: string, x: Tensor, kernel: Tensor, g: DepthwiseGeometry): Tensor {
  const outShape: ConcreteShape = [g.batch, g.rows.output, g.cols.output, g.channels * g.multiplier];
  const y = runKernel1(depthwiseKernel, [x, kernel], { shape: outShape, dtype: 'float32' }, g, op);
  recordGradient(op, [x, kernel], [y], () => ([dy], needed) => [
    needed[0] ? depthwiseInputGrad(op, dy, kernel, x.shape, g) : null,
    needed[1] ? depthwiseKernelGrad(op, x, dy, kernel.shape, g) : null,
  ]);
  return y;
}

/** dx (of shape `xShape`) from dy and the kernel; bilinear, so its gradients are the forward and the kernel gradient. */
function depthwiseInputGrad(op: string, dy: Tensor, kernel: Tensor, xShape: ConcreteShape, g: DepthwiseGeometry): Tensor {
  const dx = runKernel1(depthwiseInputGradKernel, [dy, kernel], { shape: xShape, dtype: 'float32' }, g, op);
  recordGradient(`${op}InputGradient`, [dy, kernel], [dx], () => ([ddx], needed) => [
    needed[0] ? depthwiseConvolve(op, ddx, kernel, g) : null,
    needed[1] ? depthwiseKernelGrad(op, ddx, dy, kernel.shape, g) : null,
  ]);
  return dx;
}

/** dKernel (of shape `kernelShape`) from x and dy; bilinear, so its gradients are the input gradient and the forward. */
function depthwiseKernelGrad(op: string, x: Tensor, dy: Tensor, kernelShape: ConcreteShape, g: DepthwiseGeometry): Tensor {
  const dKernel = runKernel1(depthwiseKernelGradKernel, [x, dy], { shape: kernelShape, dtype: 'float32' }, g, op);
  recordGradient(`${op}KernelGradient`, [x, dy], [dKernel], () => ([ddKernel], needed) => [
    needed[0] ? depthwiseInputGrad(op, dy, ddKernel, x.shape, g) : null,
    needed[1] ? depthwiseConvolve(op, x, ddKernel, g) : null,
  ]);
  return dKernel;
}

/** The option names, for checkOptionNames (the types keep the lists complete). */
const DEPTHWISE_CONV2D_OPTIONS: Record<keyof Conv2dWindowOptions, true> = { strides: true, padding: true, dilationRate: true, dataFormat: true };

/**
 * Depthwise 2-D convolution, channels-last by default: x [batch, height, width, channels] with
 * kernel [kernelHeight, kernelWidth, channels, depthMultiplier] gives [batch, outHeight, outWidth,
 * channels * depthMultiplier], output channel c * depthMultiplier + m being input channel c
 * convolved with kernel[.., .., c, m] (TensorFlow's and Keras's order). With `dataFormat:
 * 'channels_first'`, x [batch, channels, height, width] gives [batch, channels * depthMultiplier,
 * outHeight, outWidth] (the kernel's layout is the same). Strides, dilation and padding as
 * `conv2d`. Differentiable with respect to x and kernel.
 *
 * @example
 * const y = ops.depthwiseConv2d(images, kernel, { padding: 'same' });   // [8,28,28,16] x [3,3,16,2] -> [8,28,28,32]
 */
export function depthwiseConv2d(x: Tensor, kernel: Tensor, options: Conv2dWindowOptions = {}): Tensor {
  const op = 'depthwiseConv2d';
  checkOptionNames(op, options, DEPTHWISE_CONV2D_OPTIONS);
  const { strides = 1, padding = 'valid', dilationRate = 1 } = options;
  const dataFormat = checkDataFormat(op, options.dataFormat ?? 'channels_last');
  checkInput(op, 'x', x, 4, inputLayout(dataFormat, ['height', 'width']));
  checkInput(op, 'kernel', kernel, 4, '[kernelHeight, kernelWidth, channels, depthMultiplier]');
  checkPadding(op, padding, ['valid', 'same']);
  const g = depthwiseGeometry(op, channelsLastShape(x, dataFormat), kernel.shape, spatialPair(op, 'strides', strides), spatialPair(op, 'dilationRate', dilationRate), padding, [x.shape, kernel.shape]);
  return inChannelsLast(x, dataFormat, (images) => depthwiseConvolve(op, images, kernel, g));
}

export interface DepthwiseConv1dOptions {
  /** Default 1. */
  strides?: number;
  /** Default 'valid'. */
  padding?: Padding;
  /** Default 1. */
  dilationRate?: number;
  /** 'channels_last' ([batch, length, channels], the default) or 'channels_first'. */
  dataFormat?: DataFormat;
}

const DEPTHWISE_CONV1D_OPTIONS: Record<keyof DepthwiseConv1dOptions, true> = { strides: true, padding: true, dilationRate: true, dataFormat: true };

/**
 * Depthwise 1-D convolution, channels-last by default: x [batch, length, channels] with kernel
 * [kernelSize, channels, depthMultiplier] gives [batch, outLength, channels * depthMultiplier], in
 * the order of `depthwiseConv2d` (which runs it on a row of height 1); with `dataFormat:
 * 'channels_first'`, x [batch, channels, length] gives [batch, channels * depthMultiplier,
 * outLength]. Differentiable with respect to x and kernel.
 *
 * @example
 * const y = ops.depthwiseConv1d(sequences, kernel, { padding: 'same' });   // [4,100,8] x [3,8,2] -> [4,100,16]
 */
export function depthwiseConv1d(x: Tensor, kernel: Tensor, options: DepthwiseConv1dOptions = {}): Tensor {
  const op = 'depthwiseConv1d';
  checkOptionNames(op, options, DEPTHWISE_CONV1D_OPTIONS);
  const { strides = 1, padding = 'valid', dilationRate = 1 } = options;
  const dataFormat = checkDataFormat(op, options.dataFormat ?? 'channels_last');
  checkInput(op, 'x', x, 3, inputLayout(dataFormat, ['length']));
  checkInput(op, 'kernel', kernel, 3, '[kernelSize, channels, depthMultiplier]');
  checkPadding(op, padding, ['valid', 'same']);
  const stride = positiveInteger(op, 'strides', strides);
  const dilation = positiveInteger(op, 'dilationRate', dilationRate);
  const [batch, length, channels] = channelsLastShape(x, dataFormat);
  const kernel2dShape = [1, ...kernel.shape];
  const g = depthwiseGeometry(op, [batch, 1, length, channels], kernel2dShape, [1, stride], [1, dilation], padding, [x.shape, kernel.shape]);
  return inChannelsLast(x, dataFormat, (sequences) => {
    const y = depthwiseConvolve(op, reshape(sequences, [batch, 1, length, channels]), reshape(kernel, kernel2dShape), g);
    return reshape(y, [batch, g.cols.output, g.channels * g.multiplier]);
  });
}
