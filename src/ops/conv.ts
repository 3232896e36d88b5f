// Convolutions, channels-last by default, with Keras / TensorFlow semantics for strides, dilation
// and 'valid' / 'same' padding (conv1d also 'causal'); channels-first inputs run between two
// transposes (the data-format helpers here serve every convolution and pooling op). The patch
// machinery here covers up to three spatial axes (1-D and 2-D convolutions have unit outer axes;
// conv3d.ts holds the 3-D ops on it). A convolution unfolds the input into patches
// (im2col, shaders/im2col.wgsl) and multiplies them by the kernel with `matmul`. im2col is
// differentiable (its gradient, col2im, sums the overlapping patch entries per input element: no
// atomics, deterministic), so the tape derives dKernel = im2col(x)^T · dY and
// dX = col2im(dY · K^T) from matmul's rule; a grouped convolution (a kernel of fewer input
// channels) splits the patches and the kernel into groups for one batched matmul. A convolution
// may take a bias and an activation (a layer's epilogue): the patch product is then ops.dense, the
// bias and activation fused into its matmul's store and dPre with the bias gradient coming from
// dense's one backward dispatch. A transposed convolution is that input gradient as an op of its own, col2im(x · K^T), so its gradients (a
// convolution of dY for x, a patch product for the kernel) come from the same rules. A patch
// matrix larger than the device binds in one buffer is made and multiplied over slices of the
// batch. Shapes, dtypes and options are checked here, before any GPU work; nothing is read back.

import { formatShape, type ConcreteShape } from '../backend/types';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import type { WebGPUBackend } from '../backend/webgpu/webgpu_backend';
import { recordGradient } from '../autograd/tape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { dense } from './dense';
import { relu, sigmoid, tanh } from './elementwise';
import { largestBinding, runKernel1, type Kernel } from './kernel';
import { FUSED_ACTIVATIONS, matmul, type FusedActivation } from './matmul';
import { concat, reshape, slice, transpose } from './shape';
import { checkOptionNames } from './validate';
import im2colShader from '../../shaders/im2col.wgsl?raw';

const WORKGROUP_SIZE = 256;

/** 'valid': no padding. 'same': output size ceil(input / stride), the extra padding at the end. */
export type Padding = 'valid' | 'same';

/**
 * Where the channels of a convolution's or pooling's input are (Keras's `data_format`): last
 * ([batch, ...spatial, channels], the default) or first ([batch, channels, ...spatial]). The
 * output is in the same format; kernels keep their layout either way.
 */
export type DataFormat = 'channels_last' | 'channels_first';

/**
 * The bias and activation a convolution op applies to its result, `activation(conv(x, kernel) +
 * bias)` (a convolution layer's epilogue). Without groups they run in the store of the patch
 * product's matmul, as ops.dense, with dense's one-dispatch backward; a grouped convolution
 * applies them as separate ops.
 */
export interface ConvEpilogue {
  /** [outChannels], added to every output position. Default none. */
  bias?: Tensor | null;
  /** 'linear' (default), 'relu', 'sigmoid' or 'tanh'; apply other activations to the result. */
  activation?: FusedActivation;
}

export interface Conv2dOptions extends ConvEpilogue {
  /** Step between windows: one number for both axes or [height, width]. Default 1. */
  strides?: number | readonly [number, number];
  /** Default 'valid'. */
  padding?: Padding;
  /** Spacing between kernel taps: one number or [height, width]. Default 1. */
  dilationRate?: number | readonly [number, number];
  /** 'channels_last' ([batch, height, width, channels], the default) or 'channels_first'. */
  dataFormat?: DataFormat;
}

/** conv2d's options without the epilogue: the window options that conv2dTranspose and depthwiseConv2d share. */
export type Conv2dWindowOptions = Omit<Conv2dOptions, keyof ConvEpilogue>;

export interface Conv2dTransposeOptions extends Conv2dWindowOptions {
  /**
   * Extra rows / columns at the end of the output: one number or [height, width], each >= 0.
   * Default: none given, Keras's rule (output `input * stride` with 'same').
   */
  outputPadding?: number | readonly [number, number] | null;
}

export interface Conv1dTransposeOptions {
  strides?: number;
  /** Default 'valid'. */
  padding?: Padding;
  /** Extra steps at the end of the output (>= 0); default: Keras's rule. */
  outputPadding?: number | null;
  dilationRate?: number;
  /** 'channels_last' ([batch, length, channels], the default) or 'channels_first'. */
  dataFormat?: DataFormat;
}

export interface Conv1dOptions extends ConvEpilogue {
  strides?: number;
  /** 'causal' pads only the start, so output t sees inputs up to t (as Keras Conv1D). Default 'valid'. */
  padding?: Padding | 'causal';
  dilationRate?: number;
  /** 'channels_last' ([batch, length, channels], the default) or 'channels_first'. */
  dataFormat?: DataFormat;
}

/** The option names, for checkOptionNames (the types keep the lists complete). */
const CONV2D_TRANSPOSE_OPTIONS: Record<keyof Conv2dTransposeOptions, true> = { strides: true, padding: true, dilationRate: true, dataFormat: true, outputPadding: true };
const CONV2D_OPTIONS: Record<keyof Conv2dOptions, true> = { strides: true, padding: true, dilationRate: true, dataFormat: true, bias: true, activation: true };
const CONV1D_TRANSPOSE_OPTIONS: Record<keyof Conv1dTransposeOptions, true> = { strides: true, padding: true, dilationRate: true, dataFormat: true, outputPadding: true };
const CONV1D_OPTIONS: Record<keyof Conv1dOptions, true> = { strides: true, padding: true, dilationRate: true, dataFormat: true, bias: true, activation: true };

/**
 * The epilogue of `options` with its defaults, checked against the kernel's `outChannels`, or an
 * error naming the op.
 * @internal
 */
export function checkEpilogue(op: string, { bias = null, activation = 'linear' }: ConvEpilogue, kernel: Tensor): Required<ConvEpilogue> {
  const outChannels = kernel.shape[kernel.rank - 1];
  if (bias !== null) {
    checkInput(op, 'bias', bias, 1, `[outChannels] (${outChannels} for kernel ${formatShape(kernel.shape)})`);
    if (bias.shape[0] !== outChannels) {
      throw new Error(`${op}: bias of shape ${formatShape(bias.shape)} does not match the kernel's ${outChannels} output channels (kernel shape ${formatShape(kernel.shape)}).`);
    }
  }
  if (!Object.hasOwn(FUSED_ACTIVATIONS, activation)) {
    throw new Error(`${op}: unknown activation ${JSON.stringify(activation)}. Expected one of ${Object.keys(FUSED_ACTIVATIONS).join(', ')}; apply other activations to the result.`);
  }
  return { bias, activation };
}

/** The differentiable ops of the fused activations, for the convolutions whose matmul cannot fuse them. */
const ACTIVATION_OPS: Record<FusedActivation, (x: Tensor) => Tensor> = { linear: (x) => x, relu, sigmoid, tanh };

/**
 * The data format option, or an error naming the op.
 * @internal
 */
export function checkDataFormat(op: string, dataFormat: unknown): DataFormat {
  if (dataFormat === 'channels_last' || dataFormat === 'channels_first') return dataFormat;
  throw new Error(`${op}: Invalid value for argument \`dataFormat\`. Expected 'channels_last' or 'channels_first'. Received: dataFormat=${JSON.stringify(dataFormat)}`);
}

/**
 * How x is laid out in `dataFormat` with the named spatial axes, for errors:
 * `inputLayout('channels_first', ['height', 'width'])` is '[batch, channels, height, width]'.
 * @internal
 */
export function inputLayout(dataFormat: DataFormat, spatial: readonly string[]): string {
  const axes = dataFormat === 'channels_last' ? [...spatial, 'channels'] : ['channels', ...spatial];
  return `[batch, ${axes.join(', ')}]`;
}

/**
 * The channels-last shape of x in `dataFormat`: [batch, ...spatial, channels].
 * @internal
 */
export function channelsLastShape(x: Tensor, dataFormat: DataFormat): number[] {
  const [batch, ...rest] = x.shape;
  return dataFormat === 'channels_last' ? [...x.shape] : [batch, ...rest.slice(1), rest[0]];
}

/**
 * Runs `compute` on x channels-last and returns its result (of x's rank) in x's format: with
 * 'channels_first', between two transposes, so the gradients flow through them.
 * @internal
 */
export function inChannelsLast(x: Tensor, dataFormat: DataFormat, compute: (channelsLast: Tensor) => Tensor): Tensor {
  if (dataFormat === 'channels_last') return tidy(() => compute(x));
  const spatial = Array.from({ length: x.rank - 2 }, (_, i) => i + 2);
  return tidy(() => transpose(compute(transpose(x, [0, ...spatial, 1])), [0, x.rank - 1, ...spatial.map((axis) => axis - 1)]));
}

/**
 * Where a sliding window sits along one spatial axis: output i reads inputs
 * `i * stride - padBefore + tap * dilation` for tap in [0, size).
 * @internal
 */
export interface WindowAxis {
  input: number;
  size: number;
  stride: number;
  dilation: number;
  padBefore: number;
  output: number;
}

/**
 * The window placement along one axis, TensorFlow rules: 'valid' keeps the windows inside the
 * input; 'same' gives ceil(input / stride) outputs and pads max((out - 1) * stride + span - input,
 * 0) in total, the smaller half before; 'causal' pads span - 1 before. Returns null when a 'valid'
 * window does not fit.
 * @internal
 */
export function windowAxis(input: number, size: number, stride: number, dilation: number, padding: Padding | 'causal'): WindowAxis | null {
  const span = (size - 1) * dilation + 1;
  if (padding === 'valid') {
    if (span > input) return null;
    return { input, size, stride, dilation, padBefore: 0, output: Math.floor((input - span) / stride) + 1 };
  }
  const output = Math.ceil(input / stride);
  if (padding === 'causal') return { input, size, stride, dilation, padBefore: span - 1, output };
  const total = Math.max((output - 1) * stride + span - input, 0);
  return { input, size, stride, dilation, padBefore: Math.floor(total / 2), output };
}

/**
 * The window placement of the convolution whose input gradient is a transposed convolution of
 * `input` positions along one axis, with Keras's output-size rule (keras/src/backend/common/
 * backend_utils.py, compute_conv_transpose_output_shape): the returned axis reads the transposed
 * output as its `input` and the transposed input as its `output`. With span = (size - 1) *
 * dilation + 1, 'valid' gives (input - 1) * stride + span + outputPadding outputs (outputPadding
 * defaults to max(span, stride) - span); 'same' gives input * stride without outputPadding, else
 * (input - 1) * stride + span % 2 + outputPadding. The padding before matches Keras's JAX backend
 * (which agrees with TensorFlow wherever TensorFlow accepts the shapes).
 * @internal
 */
export function transposedWindowAxis(input: number, size: number, stride: number, dilation: number, padding: Padding, outputPadding: number | null): WindowAxis {
  const span = (size - 1) * dilation + 1;
  if (padding === 'valid') {
    const extra = outputPadding ?? Math.max(span, stride) - span;
    return { input: (input - 1) * stride + span + extra, size, stride, dilation, padBefore: 0, output: input };
  }
  // Keras pads the stride-dilated input by `total` before sliding the flipped kernel over it, at
  // most span - 1 of it before; the convolution it reverses pads span - 1 minus that.
  const total = outputPadding === null ? stride + span - 2 : span + (span % 2) - 2 + outputPadding;
  const dilatedBefore = Math.min(Math.ceil(total / 2), span - 1);
  return { input: (input - 1) * stride + 2 - span + total, size, stride, dilation, padBefore: span - 1 - dilatedBefore, output: input };
}

/**
 * A positive integer or a pair of them, as [height, width]; throws naming the op and the option.
 * @internal
 */
export function spatialPair(op: string, name: string, value: unknown): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : Array.isArray(value) ? value : null;
  if (!pair || pair.length !== 2 || !pair.every((v) => Number.isInteger(v) && v > 0)) {
    throw new Error(`${op}: ${name} must be a positive integer or a pair [height, width] of them, got ${JSON.stringify(value)}.`);
  }
  return [pair[0], pair[1]];
}

/**
 * Checks that `x` is a float32 tensor of rank `rank`, naming its layout in the error.
 * @internal
 */
export function checkInput(op: string, name: string, x: unknown, rank: number, layout: string): asserts x is Tensor {
  if (x === null || typeof x !== 'object' || !(x as Tensor).isTensorInstance) {
    throw new Error(`${op}: expected ${name} to be a Tensor, got ${Array.isArray(x) ? 'an array (wrap it with tensor(...))' : x === null ? 'null' : typeof x}.`);
  }
  const t = x as Tensor;
  if (t.isDisposed) throw new Error(`${op}: ${name} of shape ${formatShape(t.shape)} was used after it was disposed.`);
  if (t.rank !== rank) throw new Error(`${op}: ${name} must have rank ${rank} ${layout}, got shape ${formatShape(t.shape)} (rank ${t.rank}).`);
  if (t.dtype !== 'float32') {
    throw new Error(`${op}: ${name} is ${t.dtype} (shape ${formatShape(t.shape)}); ${op} takes float32 tensors. Cast it first: ops.cast(${name}, 'float32').`);
  }
}

/**
 * Checks a padding option against the allowed values.
 * @internal
 */
export function checkPadding(op: string, padding: unknown, allowed: readonly string[]): void {
  if (typeof padding !== 'string' || !allowed.includes(padding)) {
    throw new Error(`${op}: padding must be one of ${allowed.map((p) => `'${p}'`).join(', ')}, got ${JSON.stringify(padding)}.`);
  }
}

/**
 * Everything the patch kernels need: x [batch, depths.input, rows.input, cols.input, channels]
 * (2-D convolutions have a unit depth axis).
 * @internal
 */
export interface ConvGeometry {
  batch: number;
  channels: number;
  depths: WindowAxis;
  rows: WindowAxis;
  cols: WindowAxis;
}

/**
 * The axis of size 1 that a 1-D or 2-D convolution has along its missing outer spatial axes.
 * @internal
 */
export const UNIT_AXIS: WindowAxis = { input: 1, size: 1, stride: 1, dilation: 1, padBefore: 0, output: 1 };

/**
 * Kernels that are a plain matrix product (1x1, stride 1, no padding, as many outputs as inputs:
 * a transposed convolution's output padding breaks that) skip the unfolding.
 */
function isPointwise({ depths, rows, cols }: ConvGeometry): boolean {
  const identity = (axis: WindowAxis) => axis.size === 1 && axis.stride === 1 && axis.padBefore === 0 && axis.input === axis.output;
  return identity(depths) && identity(rows) && identity(cols);
}

const patchRows = (g: ConvGeometry) => g.batch * g.depths.output * g.rows.output * g.cols.output;
const kernelTaps = (g: ConvGeometry) => g.depths.size * g.rows.size * g.cols.size;
const patchLength = (g: ConvGeometry) => kernelTaps(g) * g.channels;

/**
 * Runs one entry point of shaders/im2col.wgsl with `size` invocations (of the scalar form), its
 * vec4 form, with a quarter of the invocations, where the channels are a multiple of 4.
 */
function dispatchPatches(gpu: WebGPUBackend, entryPoint: 'im2col' | 'col2im', src: GPUBuffer, dst: GPUBuffer, scalarSize: number, g: ConvGeometry): void {
  const quads = g.channels % 4 === 0;
  const size = quads && entryPoint === 'col2im' ? scalarSize / 4 : scalarSize;
  gpu.dispatch({
    shader: im2colShader,
    entryPoint: quads ? `${entryPoint}_vec4` : entryPoint,
    uniforms: new Uniforms()
      .u32(size, g.channels)
      .i32(g.depths.input, g.rows.input, g.cols.input, g.depths.output, g.rows.output, g.cols.output, g.depths.size, g.rows.size, g.cols.size)
      .i32(g.depths.stride, g.rows.stride, g.cols.stride, g.depths.dilation, g.rows.dilation, g.cols.dilation)
      .i32(g.depths.padBefore, g.rows.padBefore, g.cols.padBefore)
      .finish(),
    buffers: [src, dst],
    workgroups: gridFor(size, WORKGROUP_SIZE),
  });
}

/**
 * Calls `visit(patchRow, patchColumn, inputIndex)` for every patch entry that reads an input
 * element (entries in the padding are skipped). Shared by the CPU im2col and col2im.
 */
function forEachTap(g: ConvGeometry, visit: (p: number, q: number, at: number) => void): void {
  const { batch, channels, depths, rows, cols } = g;
  let p = 0;
  for (let b = 0; b < batch; b++) {
    for (let oz = 0; oz < depths.output; oz++) {
      for (let oy = 0; oy < rows.output; oy++) {
        for (let ox = 0; ox < cols.output; ox++, p++) {
          for (let kz = 0; kz < depths.size; kz++) {
            const iz = oz * depths.stride - depths.padBefore + kz * depths.dilation;
            if (iz < 0 || iz >= depths.input) continue;
            for (let ky = 0; ky < rows.size; ky++) {
              const iy = oy * rows.stride - rows.padBefore + ky * rows.dilation;
              if (iy < 0 || iy >= rows.input) continue;
              for (let kx = 0; kx < cols.size; kx++) {
                const ix = ox * cols.stride - cols.padBefore + kx * cols.dilation;
                if (ix < 0 || ix >= cols.input) continue;
                const q = ((kz * rows.size + ky) * cols.size + kx) * channels;
                const at = (((b * depths.input + iz) * rows.input + iy) * cols.input + ix) * channels;
                for (let c = 0; c < channels; c++) visit(p, q + c, at + c);
              }
            }
          }
        }
      }
    }
  }
}

/** x [batch, (d,) h, w, c] -> patches [batch * (outD *) outH * outW, (kd *) kh * kw * c]. */
const im2colKernel: Kernel<ConvGeometry> = {
  name: 'im2col',
  cpu([x], [cols], g) {
    const length = patchLength(g);
    forEachTap(g, (p, q, at) => {
      cols.values[p * length + q] = x.values[at];
    });
  },
  webgpu(gpu, [x], [cols], g) {
    dispatchPatches(gpu, 'im2col', x.buffer, cols.buffer, patchRows(g) * g.depths.size * g.rows.size, g);
  },
};

/** The transpose of im2col: patches -> x-shaped sums of the entries that read each element. */
const col2imKernel: Kernel<ConvGeometry> = {
  name: 'col2im',
  cpu([cols], [x], g) {
    const length = patchLength(g);
    const sums = new Float64Array(x.values.length);
    forEachTap(g, (p, q, at) => {
      sums[at] += cols.values[p * length + q];
    });
    x.values.set(sums);
  },
  webgpu(gpu, [cols], [x], g) {
    dispatchPatches(gpu, 'col2im', cols.buffer, x.buffer, x.size, g);
  },
};

/** The shape of x: [batch, h, w, c] with a unit depth axis, else [batch, d, h, w, c]. */
const inputShape = (g: ConvGeometry): ConcreteShape =>
  g.depths === UNIT_AXIS ? [g.batch, g.rows.input, g.cols.input, g.channels] : [g.batch, g.depths.input, g.rows.input, g.cols.input, g.channels];

/**
 * The patches of x as a matrix [batch * outD * outH * outW, kd * kh * kw * cin] (a view when pointwise).
 * Differentiable: its gradient is col2im of the patch gradient.
 * @internal
 */
export function im2col(x: Tensor, g: ConvGeometry): Tensor {
  if (isPointwise(g)) return reshape(x, [patchRows(g), g.channels]);
  const cols = runKernel1(im2colKernel, [x], { shape: [patchRows(g), patchLength(g)], dtype: 'float32' }, g);
  recordGradient('im2col', [x], [cols], () => ([dCols]) => [col2im(dCols, g)]);
  return cols;
}

/**
 * The transpose of im2col (sums overlapping patch entries); its gradient is im2col.
 * @internal
 */
export function col2im(cols: Tensor, g: ConvGeometry): Tensor {
  if (isPointwise(g)) return reshape(cols, inputShape(g));
  const x = runKernel1(col2imKernel, [cols], { shape: inputShape(g), dtype: 'float32' }, g);
  recordGradient('col2im', [cols], [x], () => ([dx]) => [im2col(dx, g)]);
  return x;
}

/**
 * y = activation(conv(x, kernel) + bias), [batch, (outD,) outH, outW, cout], from x [batch, (d,)
 * h, w, cin] and kernel [(kd,) kh, kw, cin / groups, cout] (the epilogue checked by
 * checkEpilogue). Built from differentiable ops, so the tape derives dKernel = im2col(x)^T · dPre
 * and dX = col2im(dPre · K^T); without groups, an epilogue makes the patch product ops.dense,
 * whose backward gives dPre (and the bias gradient) in one dispatch.
 * @internal
 */
export function convolve(x: Tensor, kernel: Tensor, g: ConvGeometry, { bias, activation }: Required<ConvEpilogue> = { bias: null, activation: 'linear' }): Tensor {
  const outChannels = kernel.shape[kernel.rank - 1];
  const groups = g.channels / kernel.shape[kernel.rank - 2];
  const spatial = g.depths === UNIT_AXIS ? [g.rows.output, g.cols.output] : [g.depths.output, g.rows.output, g.cols.output];
  const plain = bias === null && activation === 'linear';
  return inBatchChunks(x, g, (images, chunk) => {
    const patches = im2col(images, chunk);
    let product: Tensor;
    if (groups === 1) {
      const matrix = reshape(kernel, [patchLength(g), outChannels]);
      product = plain ? matmul(patches, matrix) : dense(patches, matrix, bias, activation);
    } else {
      const linear = groupedProduct(patches, kernel, chunk, groups);
      product = ACTIVATION_OPS[activation](bias === null ? linear : linear.add(bias));
    }
    return reshape(product, [chunk.batch, ...spatial, outChannels]);
  });
}

/**
 * The patch product of a grouped convolution: group i's output channels see only its input
 * channels [i * cin / groups, (i + 1) * cin / groups), so the patch columns (ordered tap, channel)
 * and the kernel are split into the groups along a batch axis and multiplied by one batched matmul:
 * [groups, rows, taps * cin / groups] x [groups, taps * cin / groups, cout / groups].
 */
function groupedProduct(patches: Tensor, kernel: Tensor, g: ConvGeometry, groups: number): Tensor {
  const rows = patchRows(g);
  const taps = kernelTaps(g);
  const groupChannels = g.channels / groups;
  const groupOutputs = kernel.shape[kernel.rank - 1] / groups;
  const groupedPatches = reshape(transpose(reshape(patches, [rows, taps, groups, groupChannels]), [2, 0, 1, 3]), [groups, rows, taps * groupChannels]);
  const groupedKernel = transpose(reshape(kernel, [taps * groupChannels, groups, groupOutputs]), [1, 0, 2]);
  return reshape(transpose(matmul(groupedPatches, groupedKernel), [1, 0, 2]), [rows, groups * groupOutputs]);
}

/**
 * Checks the channels of a convolution of `channels` input channels by a kernel of
 * `kernelChannels` input and `outChannels` output channels (x's and the kernel's shapes as text,
 * for the errors): the kernel's input channels must divide x's, and the groups the output channels.
 */
export function checkConvolutionGroups(op: string, channels: number, kernelChannels: number, outChannels: number, xShape: string, kernelShape: string): void {
  if (kernelChannels === 0 || channels % kernelChannels !== 0) {
    throw new Error(
      `${op}: input channels differ: x ${xShape} has ${channels}, kernel ${kernelShape} expects ${kernelChannels}. ` +
        `(A grouped convolution takes a kernel of inChannels / groups input channels: x's channels must be a multiple of the kernel's.)`,
    );
  }
  const groups = channels / kernelChannels;
  if (outChannels % groups !== 0) {
    throw new Error(`${op}: a grouped convolution of x ${xShape} by kernel ${kernelShape} has ${groups} groups (${channels} / ${kernelChannels} channels), which must divide the kernel's ${outChannels} output channels.`);
  }
}

/**
 * The geometry of channels-last x [batch, h, w, cin] under kernel [kh, kw, cin, cout] (given as
 * shapes), or a named error; `given` are the shapes as the caller passed them, for the errors.
 */
function convGeometry(op: string, xShape: ConcreteShape, kernelShape: ConcreteShape, strides: [number, number], dilation: [number, number], padding: [Padding | 'causal', Padding | 'causal'], given: [ConcreteShape, ConcreteShape]): ConvGeometry {
  const [batch, height, width, channels] = xShape;
  const [kernelHeight, kernelWidth, kernelChannels, outChannels] = kernelShape;
  const [xText, kernelText] = given.map(formatShape);
  checkConvolutionGroups(op, channels, kernelChannels, outChannels, xText, kernelText);
  if (kernelHeight === 0 || kernelWidth === 0) throw new Error(`${op}: kernel ${kernelText} has an empty spatial size.`);
  const rows = windowAxis(height, kernelHeight, strides[0], dilation[0], padding[0]);
  const cols = windowAxis(width, kernelWidth, strides[1], dilation[1], padding[1]);
  if (!rows || !cols) {
    const span = (k: number, d: number) => (k - 1) * d + 1;
    const spans = op === 'conv1d' ? `${span(kernelWidth, dilation[1])}` : `${span(kernelHeight, dilation[0])}x${span(kernelWidth, dilation[1])}`;
    const spatial = op === 'conv1d' ? `${width}` : `${height}x${width}`;
    throw new Error(`${op}: kernel ${kernelText} with dilation ${op === 'conv1d' ? dilation[1] : formatShape(dilation)} spans ${spans}, larger than the input x ${xText} (${spatial}) with padding 'valid'.`);
  }
  return { batch, channels, depths: UNIT_AXIS, rows, cols };
}

/**
 * 2-D convolution (cross-correlation, as Keras and TensorFlow), channels-last by default: x
 * [batch, height, width, inChannels] with kernel [kernelHeight, kernelWidth, inChannels,
 * outChannels] gives [batch, outHeight, outWidth, outChannels] (with `dataFormat:
 * 'channels_first'`, x [batch, inChannels, height, width] gives [batch, outChannels, outHeight,
 * outWidth]; the kernel's layout is the same). 'valid' keeps every window inside
 * the input; 'same' gives ceil(size / stride) outputs, zero-padding the extra at the end. Strides
 * and dilation may be combined. A kernel of fewer input channels makes a grouped convolution (as
 * Keras `ops.conv`): with groups = inChannels / kernel's inChannels (which must divide both
 * inChannels and outChannels), output channels of group i see only input channels of group i.
 * `bias` ([outChannels]) and `activation` ('linear', 'relu', 'sigmoid', 'tanh') give
 * activation(conv2d(x, kernel) + bias), fused into the convolution's matrix product when it has
 * no groups. Differentiable with respect to x, kernel and bias.
 *
 * @example
 * const y = ops.conv2d(images, kernel, { strides: 2, padding: 'same' });   // [8,28,28,16] x [3,3,16,32] -> [8,14,14,32]
 * const grouped = ops.conv2d(images, groupedKernel);                       // [8,28,28,16] x [3,3,4,32] -> [8,26,26,32], 4 groups
 * const nchw = ops.conv2d(planes, kernel, { dataFormat: 'channels_first' }); // [8,16,28,28] x [3,3,16,32] -> [8,32,26,26]
 * const features = ops.conv2d(images, kernel, { padding: 'same', bias, activation: 'relu' }); // a Conv2D layer's computation
 */
export function conv2d(x: Tensor, kernel: Tensor, options: Conv2dOptions = {}): Tensor {
  const op = 'conv2d';
  checkOptionNames(op, options, CONV2D_OPTIONS);
  const { strides = 1, padding = 'valid', dilationRate = 1 } = options;
  const dataFormat = checkDataFormat(op, options.dataFormat ?? 'channels_last');
  checkInput(op, 'x', x, 4, inputLayout(dataFormat, ['height', 'width']));
  checkInput(op, 'kernel', kernel, 4, '[kernelHeight, kernelWidth, inChannels, outChannels]');
  checkPadding(op, padding, ['valid', 'same']);
  const g = convGeometry(op, channelsLastShape(x, dataFormat), kernel.shape, spatialPair(op, 'strides', strides), spatialPair(op, 'dilationRate', dilationRate), [padding, padding], [x.shape, kernel.shape]);
  const epilogue = checkEpilogue(op, options, kernel);
  return inChannelsLast(x, dataFormat, (images) => convolve(images, kernel, g, epilogue));
}

/**
 * 1-D convolution, channels-last by default: x [batch, length, inChannels] with kernel
 * [kernelSize, inChannels, outChannels] gives [batch, outLength, outChannels] (with `dataFormat:
 * 'channels_first'`, x [batch, inChannels, length] gives [batch, outChannels, outLength]). Padding
 * 'valid', 'same' or 'causal' (Keras Conv1D: output t sees only inputs up to t). A kernel of
 * inChannels / groups input channels makes a grouped convolution, and `bias` and `activation`
 * apply as in `conv2d`. Differentiable with respect to x, kernel and bias.
 *
 * @example
 * const y = ops.conv1d(sequences, kernel, { padding: 'causal', dilationRate: 2 });   // [4,100,8] x [3,8,16] -> [4,100,16]
 */
export function conv1d(x: Tensor, kernel: Tensor, options: Conv1dOptions = {}): Tensor {
  const op = 'conv1d';
  checkOptionNames(op, options, CONV1D_OPTIONS);
  const { strides = 1, padding = 'valid', dilationRate = 1 } = options;
  const dataFormat = checkDataFormat(op, options.dataFormat ?? 'channels_last');
  checkInput(op, 'x', x, 3, inputLayout(dataFormat, ['length']));
  checkInput(op, 'kernel', kernel, 3, '[kernelSize, inChannels, outChannels]');
  checkPadding(op, padding, ['valid', 'same', 'causal']);
  const stride = positiveInteger(op, 'strides', strides);
  const dilation = positiveInteger(op, 'dilationRate', dilationRate);
  // A row of height 1: the 2-D kernels with a 1 x kernelSize window.
  const [batch, length, channels] = channelsLastShape(x, dataFormat);
  const kernel2dShape = [1, ...kernel.shape];
  const g = convGeometry(op, [batch, 1, length, channels], kernel2dShape, [1, stride], [1, dilation], ['valid', padding], [x.shape, kernel.shape]);
  const epilogue = checkEpilogue(op, options, kernel);
  return inChannelsLast(x, dataFormat, (sequences) => {
    const y = convolve(reshape(sequences, [batch, 1, length, channels]), reshape(kernel, kernel2dShape), g, epilogue);
    return reshape(y, [batch, g.cols.output, kernel.shape[2]]);
  });
}

/**
 * A positive integer option, or an error naming the op and the option.
 * @internal
 */
export function positiveInteger(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new Error(`${op}: ${name} must be a positive integer, got ${JSON.stringify(value)}.`);
  }
  return value;
}

/**
 * The transposed convolution of x [batch, (d,) h, w, cin] with kernel [(kd,) kh, kw, cout, cin]
 * under `g` (whose input is the result): col2im(x · K^T), the input gradient of `convolve`.
 * @internal
 */
export function transposeConvolve(x: Tensor, kernel: Tensor, g: ConvGeometry): Tensor {
  const inChannels = kernel.shape[kernel.rank - 1];
  return inBatchChunks(x, g, (images, chunk) => {
    const columns = matmul(reshape(images, [patchRows(chunk), inChannels]), reshape(kernel, [patchLength(chunk), inChannels]), { transposeB: true });
    return col2im(columns, chunk);
  });
}

/**
 * Runs `convolveChunk` (a convolution of x under g, whose patch matrix is [patchRows, patchLength])
 * once when the patch matrix fits the largest buffer the device binds, else over slices of the
 * batch small enough to fit, concatenating the results. A convolution of large images or batches
 * still runs and trains (the tape differentiates through the slices and the concatenation), at the
 * cost of more dispatches. An image whose patches alone do not fit is refused before any GPU work.
 */
function inBatchChunks(x: Tensor, g: ConvGeometry, convolveChunk: (x: Tensor, g: ConvGeometry) => Tensor): Tensor {
  return tidy(() => {
    const limit = largestBinding();
    if (isPointwise(g) || patchRows(g) * patchLength(g) * 4 <= limit) return convolveChunk(x, g);
    const imageBytes = (patchRows(g) / g.batch) * patchLength(g) * 4;
    if (imageBytes > limit) {
      const imagePatches = formatShape([patchRows(g) / g.batch, patchLength(g)]);
      throw new Error(`convolution of x ${formatShape(x.shape)}: the patches of one image (${imagePatches}, ${imageBytes} bytes) are more than this WebGPU device binds in one buffer (maxStorageBufferBindingSize: ${limit} bytes); use smaller images, fewer channels or a smaller kernel, or the CPU backend.`);
    }
    const chunk = Math.floor(limit / imageBytes);
    const rest = x.shape.slice(1);
    const parts: Tensor[] = [];
    for (let start = 0; start < g.batch; start += chunk) {
      const images = Math.min(chunk, g.batch - start);
      parts.push(convolveChunk(slice(x, [start, ...rest.map(() => 0)], [images, ...rest]), { ...g, batch: images }));
    }
    return concat(parts, 0);
  });
}

/** A non-negative integer or a pair of them ([height, width]), null when not given. */
function outputPaddingPair(op: string, value: unknown): [number | null, number | null] {
  if (value === undefined || value === null) return [null, null];
  const pair = typeof value === 'number' ? [value, value] : Array.isArray(value) ? value : null;
  if (!pair || pair.length !== 2 || !pair.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new Error(`${op}: outputPadding must be a non-negative integer or a pair [height, width] of them, got ${JSON.stringify(value)}.`);
  }
  return [pair[0], pair[1]];
}

/**
 * The geometry of a transposed convolution of channels-last x [batch, h, w, cin] by kernel
 * [kh, kw, cout, cin] (given as shapes), or a named error; `given` as in convGeometry.
 */
function transposedGeometry(op: string, xShape: ConcreteShape, kernelShape: ConcreteShape, strides: [number, number], dilation: [number, number], paddings: [Padding, Padding], outputPadding: [number | null, number | null], given: [ConcreteShape, ConcreteShape]): ConvGeometry {
  const [batch, height, width, channels] = xShape;
  const [kernelHeight, kernelWidth, outChannels, kernelChannels] = kernelShape;
  const [xText, kernelText] = given.map(formatShape);
  if (channels !== kernelChannels) {
    throw new Error(`${op}: input channels differ: x ${xText} has ${channels}, kernel ${kernelText} expects ${kernelChannels} (its last axis; a transposed kernel is [..., outChannels, inChannels]).`);
  }
  if (kernelHeight === 0 || kernelWidth === 0) throw new Error(`${op}: kernel ${kernelText} has an empty spatial size.`);
  const rows = transposedWindowAxis(height, kernelHeight, strides[0], dilation[0], paddings[0], outputPadding[0]);
  const cols = transposedWindowAxis(width, kernelWidth, strides[1], dilation[1], paddings[1], outputPadding[1]);
  if (rows.input <= 0 || cols.input <= 0) {
    throw new Error(`${op}: the output of x ${xText} with kernel ${kernelText} would have no ${op === 'conv1dTranspose' ? 'steps' : rows.input <= 0 ? 'rows' : 'columns'}; give an outputPadding or a larger input.`);
  }
  return { batch, channels: outChannels, depths: UNIT_AXIS, rows, cols };
}

/**
 * 2-D transposed convolution (Keras `ops.conv_transpose`, sometimes called deconvolution),
 * channels-last by default: x [batch, height, width, inChannels] with kernel [kernelHeight,
 * kernelWidth, outChannels, inChannels] gives [batch, outHeight, outWidth, outChannels] (with
 * `dataFormat: 'channels_first'`, x [batch, inChannels, height, width] gives [batch, outChannels,
 * outHeight, outWidth]; the kernel's layout is the same). It is the gradient of
 * `conv2d` with respect to its input, so it maps a convolution's output shape back to its input
 * shape. Output size per axis (Keras's rule), with span = (kernel - 1) * dilation + 1: 'valid'
 * gives (size - 1) * stride + max(span, stride), 'same' gives size * stride; with `outputPadding`
 * p, 'valid' gives (size - 1) * stride + span + p and 'same' (size - 1) * stride + span % 2 + p.
 * Differentiable with respect to x and kernel.
 *
 * @example
 * const up = ops.conv2dTranspose(features, kernel, { strides: 2, padding: 'same' });   // [8,7,7,64] x [3,3,32,64] -> [8,14,14,32]
 */
export function conv2dTranspose(x: Tensor, kernel: Tensor, options: Conv2dTransposeOptions = {}): Tensor {
  const op = 'conv2dTranspose';
  checkOptionNames(op, options, CONV2D_TRANSPOSE_OPTIONS);
  const { strides = 1, padding = 'valid', dilationRate = 1, outputPadding } = options;
  const dataFormat = checkDataFormat(op, options.dataFormat ?? 'channels_last');
  checkInput(op, 'x', x, 4, inputLayout(dataFormat, ['height', 'width']));
  checkInput(op, 'kernel', kernel, 4, '[kernelHeight, kernelWidth, outChannels, inChannels]');
  checkPadding(op, padding, ['valid', 'same']);
  const g = transposedGeometry(
    op,
    channelsLastShape(x, dataFormat),
    kernel.shape,
    spatialPair(op, 'strides', strides),
    spatialPair(op, 'dilationRate', dilationRate),
    [padding, padding],
    outputPaddingPair(op, outputPadding),
    [x.shape, kernel.shape],
  );
  return inChannelsLast(x, dataFormat, (images) => transposeConvolve(images, kernel, g));
}

/**
 * 1-D transposed convolution, channels-last by default: x [batch, length, inChannels] with kernel
 * [kernelSize, outChannels, inChannels] gives [batch, outLength, outChannels] (with `dataFormat:
 * 'channels_first'`, x [batch, inChannels, length] gives [batch, outChannels, outLength]), the
 * output-size rule of `conv2dTranspose` along the one axis. Differentiable with respect to x and
 * kernel.
 *
 * @example
 * const y = ops.conv1dTranspose(sequences, kernel, { strides: 2, padding: 'same' });   // [4,50,16] x [3,8,16] -> [4,100,8]
 */
export function conv1dTranspose(x: Tensor, kernel: Tensor, options: Conv1dTransposeOptions = {}): Tensor {
  const op = 'conv1dTranspose';
  checkOptionNames(op, options, CONV1D_TRANSPOSE_OPTIONS);
  const { strides = 1, padding = 'valid', dilationRate = 1, outputPadding } = options;
  const dataFormat = checkDataFormat(op, options.dataFormat ?? 'channels_last');
  checkInput(op, 'x', x, 3, inputLayout(dataFormat, ['length']));
  checkInput(op, 'kernel', kernel, 3, '[kernelSize, outChannels, inChannels]');
  checkPadding(op, padding, ['valid', 'same']);
  const stride = positiveInteger(op, 'strides', strides);
  const dilation = positiveInteger(op, 'dilationRate', dilationRate);
  if (outputPadding !== undefined && outputPadding !== null && !(Number.isInteger(outputPadding) && outputPadding >= 0)) {
    throw new Error(`${op}: outputPadding must be a non-negative integer, got ${JSON.stringify(outputPadding)}.`);
  }
  const extra = outputPadding ?? null;
  // A row of height 1: the 2-D transposed kernels with a 1 x kernelSize window ('valid' rows keep height 1).
  const [batch, length, channels] = channelsLastShape(x, dataFormat);
  const kernel2dShape = [1, ...kernel.shape];
  const g = transposedGeometry(op, [batch, 1, length, channels], kernel2dShape, [1, stride], [1, dilation], ['valid', padding], [null, extra], [x.shape, kernel.shape]);
  return inChannelsLast(x, dataFormat, (sequences) => {
    const y = transposeConvolve(reshape(sequences, [batch, 1, length, channels]), reshape(kernel, kernel2dShape), g);
    return reshape(y, [batch, g.cols.input, kernel.shape[1]]);
  });
}
