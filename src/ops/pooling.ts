// Max and average pooling, channels-last by default, with Keras semantics: strides default to the
// pool size, 'valid' keeps windows inside the input, 'same' gives ceil(size / stride) outputs with
// the windows clipped to the input (padding never wins a max and is left out of an average's
// count). 2-D pooling is 3-D pooling with a unit depth axis: one pair of forward and backward
// kernels (shaders/pooling.wgsl) serves both; the max gradient goes to the first strict maximum of
// each window in depth-, row-, then column-major order, on both backends (on the GPU, one arg-max
// search per window when the windows do not overlap, else per input element). The backward kernels
// have gradients of their own, so pooling differentiates twice (gradient penalties): the average
// backward is linear in dy with the forward pool as its gradient; the max backward routes dy to
// the arg-maxes, and its gradient reads a tensor of x's shape at them (the at_arg_max kernel).
// Every op also takes channels-first inputs (between two transposes). Global pooling is `mean` /
// `max` over the spatial axes.

import { formatShape, type ConcreteShape } from '../backend/types';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import type { WebGPUBackend } from '../backend/webgpu/webgpu_backend';
import { recordGradient } from '../autograd/tape';
import type { Tensor } from '../tensor/tensor';
import { channelsLastShape, checkDataFormat, checkInput, checkPadding, inChannelsLast, inputLayout, spatialPair, UNIT_AXIS, windowAxis, type DataFormat, type Padding, type WindowAxis } from './conv';
import { spatialTriple, VOLUME_AXES, type VolumeDataFormat } from './conv3d';
import { runKernel1, type Kernel } from './kernel';
import { checkOptionNames } from './validate';
import stableMath from '../../shaders/stable_math.wgsl?raw';
import poolingShader from '../../shaders/pooling.wgsl?raw';

const POOLING_SOURCE = `${stableMath}\n${poolingShader}`;

const WORKGROUP_SIZE = 256;

export interface Pool2dOptions {
  /** Window size: one number for both axes or [height, width]. Default 2. */
  poolSize?: number | readonly [number, number];
  /** Step between windows; defaults to the pool size. */
  strides?: number | readonly [number, number];
  /** Default 'valid'. */
  padding?: Padding;
  /** 'channels_last' ([batch, height, width, channels], the default) or 'channels_first'. */
  dataFormat?: DataFormat;
}

export interface Pool3dOptions {
  /** Window size: one number for all three axes or [depth, height, width]. Default 2. */
  poolSize?: number | readonly [number, number, number];
  /** Step between windows; defaults to the pool size. */
  strides?: number | readonly [number, number, number] | null;
  /** Default 'valid'. */
  padding?: Padding;
  /** 'channels_last' ([batch, depth, height, width, channels], the default) or 'channels_first'. */
  dataFormat?: VolumeDataFormat;
}

/** The option names, for checkOptionNames (the types keep the lists complete). */
const POOL2D_OPTIONS: Record<keyof Pool2dOptions, true> = { poolSize: true, strides: true, padding: true, dataFormat: true };
const POOL3D_OPTIONS: Record<keyof Pool3dOptions, true> = { poolSize: true, strides: true, padding: true, dataFormat: true };

/** Matches MODE in shaders/pooling.wgsl. */
const enum PoolMode {
  Max = 0,
  Average = 1,
}

interface PoolAttrs {
  mode: PoolMode;
  batch: number;
  channels: number;
  depths: WindowAxis;
  rows: WindowAxis;
  cols: WindowAxis;
}

/** A window clipped to the input: [start, end) along depth, rows and columns. */
type Window = [number, number, number, number, number, number];

function windowAt({ depths, rows, cols }: PoolAttrs, oz: number, oy: number, ox: number): Window {
  const clip = (axis: WindowAxis, o: number): [number, number] => {
    const start = o * axis.stride - axis.padBefore;
    return [Math.max(start, 0), Math.min(start + axis.size, axis.input)];
  };
  return [...clip(depths, oz), ...clip(rows, oy), ...clip(cols, ox)];
}

/** Calls `visit(window, outputIndex, base)` per output element; element (iz, iy, ix) of the window is x[base + ((iz * h + iy) * w + ix) * c]. */
function forEachWindow(a: PoolAttrs, visit: (window: Window, outputIndex: number, base: number) => void): void {
  const { batch, channels, depths, rows, cols } = a;
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let oz = 0; oz < depths.output; oz++) {
      for (let oy = 0; oy < rows.output; oy++) {
        for (let ox = 0; ox < cols.output; ox++) {
          const window = windowAt(a, oz, oy, ox);
          for (let c = 0; c < channels; c++, o++) visit(window, o, b * depths.input * rows.input * cols.input * channels + c);
        }
      }
    }
  }
}

/** Calls `visit(at)` for the flat x index of every window element, in depth-, row-, column-major order. */
function forEachInWindow(a: PoolAttrs, [z0, z1, y0, y1, x0, x1]: Window, base: number, visit: (at: number) => void): void {
  for (let iz = z0; iz < z1; iz++) {
    for (let iy = y0; iy < y1; iy++) {
      for (let ix = x0; ix < x1; ix++) visit(base + ((iz * a.rows.input + iy) * a.cols.input + ix) * a.channels);
    }
  }
}

/** The flat x index of the first strict maximum in the window, as the WGSL arg_max. */
function argMax(values: ArrayLike<number>, a: PoolAttrs, window: Window, base: number): number {
  let best = -1;
  forEachInWindow(a, window, base, (at) => {
    // The first NaN beats everything, as in ops.max.
    if (best < 0 || (!Number.isNaN(values[best]) && (Number.isNaN(values[at]) || values[at] > values[best]))) best = at;
  });
  return best;
}

const windowCount = ([z0, z1, y0, y1, x0, x1]: Window) => (z1 - z0) * (y1 - y0) * (x1 - x0);

function dispatchPool(gpu: WebGPUBackend, entryPoint: 'forward' | 'backward' | 'backward_windows' | 'at_arg_max', buffers: GPUBuffer[], size: number, a: PoolAttrs): void {
  gpu.dispatch({
    shader: POOLING_SOURCE,
    entryPoint,
    constants: { MODE: a.mode },
    uniforms: new Uniforms()
      .u32(size, a.channels)
      .i32(a.depths.input, a.rows.input, a.cols.input, a.depths.output, a.rows.output, a.cols.output, a.depths.size, a.rows.size, a.cols.size)
      .i32(a.depths.stride, a.rows.stride, a.cols.stride, a.depths.padBefore, a.rows.padBefore, a.cols.padBefore)
      .finish(),
    buffers,
    workgroups: gridFor(size, WORKGROUP_SIZE),
  });
}

/** Whether no two windows share an element (stride >= pool on every axis, as in MaxPooling2D(2)). */
const windowsDoNotOverlap = ({ depths, rows, cols }: PoolAttrs) => [depths, rows, cols].every((axis) => axis.stride >= axis.size);

/** Stride-sized cells that tile the input along the axis, the first starting at -padBefore (as backward_windows). */
const cellsAlong = (axis: WindowAxis) => Math.ceil((axis.input + axis.padBefore) / axis.stride);

const poolKernel: Kernel<PoolAttrs> = {
  name: 'pool',
  cpu([x], [y], a) {
    forEachWindow(a, (window, o, base) => {
      if (a.mode === PoolMode.Max) {
        y.values[o] = x.values[argMax(x.values, a, window, base)];
        return;
      }
      let sum = 0;
      forEachInWindow(a, window, base, (at) => (sum += x.values[at]));
      y.values[o] = sum / windowCount(window);
    });
  },
  webgpu(gpu, [x], [y], a) {
    dispatchPool(gpu, 'forward', [x.buffer, y.buffer], y.size, a);
  },
};

/** dx from x and dy: each window's dy to its arg-max (max) or spread evenly over it (average). */
const poolBackwardKernel: Kernel<PoolAttrs> = {
  name: 'poolBackward',
  cpu([x, dy], [dx], a) {
    const sums = new Float64Array(dx.values.length);
    forEachWindow(a, (window, o, base) => {
      if (a.mode === PoolMode.Max) {
        sums[argMax(x.values, a, window, base)] += dy.values[o];
        return;
      }
      const share = dy.values[o] / windowCount(window);
      forEachInWindow(a, window, base, (at) => (sums[at] += share));
    });
    dx.values.set(sums);
  },
  webgpu(gpu, [x, dy], [dx], a) {
    const buffers = [x.buffer, dx.buffer, dy.buffer];
    if (a.mode === PoolMode.Max && windowsDoNotOverlap(a)) {
      // One invocation per window instead of per input element: a single arg-max search each.
      const cells = a.batch * cellsAlong(a.depths) * cellsAlong(a.rows) * cellsAlong(a.cols) * a.channels;
      dispatchPool(gpu, 'backward_windows', buffers, cells, a);
      return;
    }
    dispatchPool(gpu, 'backward', buffers, dx.size, a);
  },
};

/** The max pool's window arg-maxes of x read from `source` (x's shape): the gradient of the max backward with respect to dy. */
const poolAtArgMaxKernel: Kernel<PoolAttrs> = {
  name: 'poolAtArgMax',
  cpu([x, source], [out], a) {
    forEachWindow(a, (window, o, base) => {
      out.values[o] = source.values[argMax(x.values, a, window, base)];
    });
  },
  webgpu(gpu, [x, source], [out], a) {
    dispatchPool(gpu, 'at_arg_max', [x.buffer, out.buffer, source.buffer], out.size, a);
  },
};

/** Pools channels-last x under `attrs` into `outShape`; its gradient is the backward kernel. */
function pool(op: string, x: Tensor, attrs: PoolAttrs, outShape: ConcreteShape): Tensor {
  const y = runKernel1(poolKernel, [x], { shape: outShape, dtype: 'float32' }, attrs, op);
  recordGradient(op, [x], [y], () => ([dy]) => [poolBackward(op, x, dy, attrs)]);
  return y;
}

/**
 * dx of a pool from x and dy. Linear in dy; x only picks the arg-maxes (piecewise constant), so
 * it gets no gradient: the average's gradient is the pool itself, the max's reads at the arg-maxes.
 */
function poolBackward(op: string, x: Tensor, dy: Tensor, attrs: PoolAttrs): Tensor {
  const dx = runKernel1(poolBackwardKernel, [x, dy], { shape: x.shape, dtype: 'float32' }, attrs, op);
  recordGradient(`${op}Gradient`, [x, dy], [dx], () => ([ddx]) => [null, attrs.mode === PoolMode.Max ? poolAtArgMax(op, x, ddx, attrs, dy.shape) : pool(op, ddx, attrs, dy.shape)]);
  return dx;
}

/** `source` (x's shape) at the max pool's arg-maxes of x, of the pooled shape; its gradient is the max backward. */
function poolAtArgMax(op: string, x: Tensor, source: Tensor, attrs: PoolAttrs, outShape: ConcreteShape): Tensor {
  const y = runKernel1(poolAtArgMaxKernel, [x, source], { shape: outShape, dtype: 'float32' }, attrs, op);
  recordGradient(`${op}GradientGradient`, [x, source], [y], () => ([dy]) => [null, poolBackward(op, x, dy, attrs)]);
  return y;
}

/**
 * Pools x (in `dataFormat`) with windows `poolSize` and steps `strides` along its spatial axes (2
 * or 3 of them), or throws naming the op when a 'valid' window does not fit.
 */
function poolWindows(op: string, mode: PoolMode, x: Tensor, dataFormat: DataFormat, poolSize: number[], strides: number[], padding: Padding): Tensor {
  const shape = channelsLastShape(x, dataFormat);
  const [batch, channels, spatial] = [shape[0], shape[shape.length - 1], shape.slice(1, -1)];
  const axes = spatial.map((size, i) => windowAxis(size, poolSize[i], strides[i], 1, padding));
  if (!axes.every((axis) => axis !== null)) {
    throw new Error(`${op}: pool size ${formatShape(poolSize)} is larger than the input x ${formatShape(x.shape)} (${spatial.join('x')}) with padding 'valid'.`);
  }
  const [depths, rows, cols] = axes.length === 3 ? axes : [UNIT_AXIS, ...axes];
  const outShape = [batch, ...axes.map((axis) => axis.output), channels];
  return inChannelsLast(x, dataFormat, (channelsLast) => pool(op, channelsLast, { mode, batch, channels, depths, rows, cols }, outShape));
}

function pool2d(op: 'maxPool2d' | 'avgPool2d', mode: PoolMode, x: Tensor, options: Pool2dOptions): Tensor {
  checkOptionNames(op, options, POOL2D_OPTIONS);
  const { poolSize = 2, padding = 'valid' } = options;
  const dataFormat = checkDataFormat(op, options.dataFormat ?? 'channels_last');
  checkInput(op, 'x', x, 4, inputLayout(dataFormat, ['height', 'width']));
  checkPadding(op, padding, ['valid', 'same']);
  const window = spatialPair(op, 'poolSize', poolSize);
  return poolWindows(op, mode, x, dataFormat, window, spatialPair(op, 'strides', options.strides ?? window), padding);
}

function pool3d(op: 'maxPool3d' | 'avgPool3d', mode: PoolMode, x: Tensor, options: Pool3dOptions): Tensor {
  checkOptionNames(op, options, POOL3D_OPTIONS);
  const { poolSize = 2, padding = 'valid' } = options;
  const dataFormat = checkDataFormat(op, options.dataFormat ?? 'channels_last');
  checkInput(op, 'x', x, 5, inputLayout(dataFormat, VOLUME_AXES));
  checkPadding(op, padding, ['valid', 'same']);
  const window = spatialTriple(op, 'poolSize', poolSize);
  return poolWindows(op, mode, x, dataFormat, window, spatialTriple(op, 'strides', options.strides ?? window), padding);
}

/**
 * 2-D max pooling (Keras `ops.max_pool` on rank-4 inputs), channels-last by default: x [batch,
 * height, width, channels] -> [batch, outHeight, outWidth, channels] (with `dataFormat:
 * 'channels_first'`, x [batch, channels, height, width] -> [batch, channels, outHeight,
 * outWidth]), each output the maximum of its window. Strides default to the pool size. The
 * gradient goes to the first maximum of each window (row-major order).
 *
 * @example
 * const y = ops.maxPool2d(x, { poolSize: 2 });                              // [8,28,28,16] -> [8,14,14,16]
 * const z = ops.maxPool2d(x, { poolSize: 3, strides: 2, padding: 'same' }); // [8,28,28,16] -> [8,14,14,16]
 * const w = ops.maxPool2d(planes, { dataFormat: 'channels_first' });        // [8,16,28,28] -> [8,16,14,14]
 */
export function maxPool2d(x: Tensor, options: Pool2dOptions = {}): Tensor {
  return pool2d('maxPool2d', PoolMode.Max, x, options);
}

/**
 * 2-D average pooling, channels-last by default (or `dataFormat: 'channels_first'`), as
 * `maxPool2d` but each output is the mean of its window. With 'same' padding, the padded
 * positions are left out of the count (Keras semantics).
 *
 * @example
 * const y = ops.avgPool2d(x, { poolSize: [2, 2], padding: 'same' });
 */
export function avgPool2d(x: Tensor, options: Pool2dOptions = {}): Tensor {
  return pool2d('avgPool2d', PoolMode.Average, x, options);
}

/**
 * 3-D max pooling over volumes (Keras `ops.max_pool` on rank-5 inputs): x [batch, depth, height,
 * width, channels] -> [batch, outDepth, outHeight, outWidth, channels] (channels first with
 * `dataFormat: 'channels_first'`), each output the maximum of its window. `poolSize` (2),
 * `strides` (the pool size), `padding` ('valid'; 'same' clips the windows to the input). The
 * gradient goes to the first maximum of each window (depth-, row-, then column-major order).
 *
 * @example
 * const y = ops.maxPool3d(volumes, { poolSize: 2 });                    // [2,16,16,16,8] -> [2,8,8,8,8]
 * const z = ops.maxPool3d(volumes, { poolSize: [1, 2, 2], padding: 'same' }); // [2,16,16,16,8] -> [2,16,8,8,8]
 */
export function maxPool3d(x: Tensor, options: Pool3dOptions = {}): Tensor {
  return pool3d('maxPool3d', PoolMode.Max, x, options);
}

/**
 * 3-D average pooling over volumes, as `maxPool3d` but each output is the mean of its window;
 * with 'same' padding the padded positions are left out of the count (Keras semantics).
 *
 * @example
 * const y = ops.avgPool3d(volumes, { poolSize: 3, strides: 1, padding: 'same' });   // [2,8,8,8,4] -> [2,8,8,8,4]
 */
export function avgPool3d(x: Tensor, options: Pool3dOptions = {}): Tensor {
  return pool3d('avgPool3d', PoolMode.Average, x, options);
}
