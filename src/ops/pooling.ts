// 2-D max and average pooling, channels-last, with Keras semantics: strides default to the pool
// size, 'valid' keeps windows inside the input, 'same' gives ceil(size / stride) outputs with the
// windows clipped to the input (padding never wins a max and is left out of an average's count).
// Forward and backward kernels live in shaders/pooling.wgsl; the max gradient goes to the first
// strict maximum of each window in row-major order, on both backends. Global pooling is
// `mean` / `max` over axes [1, 2].

import { formatShape, type ConcreteShape } from '../backend/types';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import type { WebGPUBackend } from '../backend/webgpu/webgpu_backend';
import { recordGradient } from '../autograd/tape';
import type { Tensor } from '../tensor/tensor';
import { checkInput, checkPadding, spatialPair, windowAxis, type Padding, type WindowAxis } from './conv';
import { runKernel1, type Kernel } from './kernel';
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
}

/** Matches MODE in shaders/pooling.wgsl. */
const enum PoolMode {
  Max = 0,
  Average = 1,
}

interface PoolAttrs {
  mode: PoolMode;
  batch: number;
  channels: number;
  rows: WindowAxis;
  cols: WindowAxis;
}

/** A window clipped to the input: rows [rowStart, rowEnd), columns [colStart, colEnd). */
function windowAt({ rows, cols }: PoolAttrs, oy: number, ox: number): [number, number, number, number] {
  const y0 = oy * rows.stride - rows.padBefore;
  const x0 = ox * cols.stride - cols.padBefore;
  return [Math.max(y0, 0), Math.min(y0 + rows.size, rows.input), Math.max(x0, 0), Math.min(x0 + cols.size, cols.input)];
}

/** Calls `visit(window, outputIndex, base)` per output element; element (iy, ix) of the window is x[base + (iy * w + ix) * c]. */
function forEachWindow(a: PoolAttrs, visit: (window: [number, number, number, number], outputIndex: number, base: number) => void): void {
  const { batch, channels, rows, cols } = a;
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < rows.output; oy++) {
      for (let ox = 0; ox < cols.output; ox++) {
        const window = windowAt(a, oy, ox);
        for (let c = 0; c < channels; c++, o++) visit(window, o, b * rows.input * cols.input * channels + c);
      }
    }
  }
}

/** The flat x index of the first strict maximum in the window (row-major), as the WGSL arg_max. */
function argMax(values: ArrayLike<number>, [y0, y1, x0, x1]: [number, number, number, number], base: number, width: number, channels: number): number {
  let best = base + (y0 * width + x0) * channels;
  for (let iy = y0; iy < y1; iy++) {
    for (let ix = x0; ix < x1; ix++) {
      const at = base + (iy * width + ix) * channels;
      // The first NaN beats everything, as in ops.max.
      if (!Number.isNaN(values[best]) && (Number.isNaN(values[at]) || values[at] > values[best])) best = at;
    }
  }
  return best;
}

const windowCount = ([y0, y1, x0, x1]: [number, number, number, number]) => (y1 - y0) * (x1 - x0);

function dispatchPool(gpu: WebGPUBackend, entryPoint: 'forward' | 'backward', buffers: GPUBuffer[], size: number, a: PoolAttrs): void {
  gpu.dispatch({
    shader: POOLING_SOURCE,
    entryPoint,
    constants: { MODE: a.mode },
    uniforms: new Uniforms()
      .u32(size, a.channels)
      .i32(a.rows.input, a.cols.input, a.rows.output, a.cols.output, a.rows.size, a.cols.size)
      .i32(a.rows.stride, a.cols.stride, a.rows.padBefore, a.cols.padBefore)
      .finish(),
    buffers,
    workgroups: gridFor(size, WORKGROUP_SIZE),
  });
}

const poolKernel: Kernel<PoolAttrs> = {
  name: 'pool2d',
  cpu([x], [y], a) {
    const width = a.cols.input;
    forEachWindow(a, (window, o, base) => {
      if (a.mode === PoolMode.Max) {
        y.values[o] = x.values[argMax(x.values, window, base, width, a.channels)];
        return;
      }
      const [y0, y1, x0, x1] = window;
      let sum = 0;
      for (let iy = y0; iy < y1; iy++) {
        for (let ix = x0; ix < x1; ix++) sum += x.values[base + (iy * width + ix) * a.channels];
      }
      y.values[o] = sum / windowCount(window);
    });
  },
  webgpu(gpu, [x], [y], a) {
    dispatchPool(gpu, 'forward', [x.buffer, y.buffer], y.size, a);
  },
};

/** dx from x and dy: each window's dy to its arg-max (max) or spread evenly over it (average). */
const poolBackwardKernel: Kernel<PoolAttrs> = {
  name: 'pool2dBackward',
  cpu([x, dy], [dx], a) {
    const width = a.cols.input;
    const sums = new Float64Array(dx.values.length);
    forEachWindow(a, (window, o, base) => {
      if (a.mode === PoolMode.Max) {
        sums[argMax(x.values, window, base, width, a.channels)] += dy.values[o];
        return;
      }
      const [y0, y1, x0, x1] = window;
      const share = dy.values[o] / windowCount(window);
      for (let iy = y0; iy < y1; iy++) {
        for (let ix = x0; ix < x1; ix++) sums[base + (iy * width + ix) * a.channels] += share;
      }
    });
    dx.values.set(sums);
  },
  webgpu(gpu, [x, dy], [dx], a) {
    dispatchPool(gpu, 'backward', [x.buffer, dx.buffer, dy.buffer], dx.size, a);
  },
};

function pool2d(op: 'maxPool2d' | 'avgPool2d', mode: PoolMode, x: Tensor, options: Pool2dOptions): Tensor {
  const { poolSize = 2, padding = 'valid' } = options;
  checkInput(op, 'x', x, 4, '[batch, height, width, channels]');
  checkPadding(op, padding, ['valid', 'same']);
  const [poolHeight, poolWidth] = spatialPair(op, 'poolSize', poolSize);
  const [strideY, strideX] = spatialPair(op, 'strides', options.strides ?? [poolHeight, poolWidth]);
  const [batch, height, width, channels] = x.shape;
  const rows = windowAxis(height, poolHeight, strideY, 1, padding);
  const cols = windowAxis(width, poolWidth, strideX, 1, padding);
  if (!rows || !cols) {
    throw new Error(`${op}: pool size ${formatShape([poolHeight, poolWidth])} is larger than the input x ${formatShape(x.shape)} (${height}x${width}) with padding 'valid'.`);
  }
  const attrs: PoolAttrs = { mode, batch, channels, rows, cols };
  const outShape: ConcreteShape = [batch, rows.output, cols.output, channels];
  const y = runKernel1(poolKernel, [x], { shape: outShape, dtype: 'float32' }, attrs, op);
  recordGradient(op, [x], [y], () => ([dy]) => [runKernel1(poolBackwardKernel, [x, dy], { shape: x.shape, dtype: 'float32' }, attrs, op)]);
  return y;
}

/**
 * 2-D max pooling, channels-last: x [batch, height, width, channels] -> [batch, outHeight,
 * outWidth, channels], each output the maximum of its window. Strides default to the pool size.
 * The gradient goes to the first maximum of each window (row-major order).
 *
 * @example
 * const y = ops.maxPool2d(x, { poolSize: 2 });                              // [8,28,28,16] -> [8,14,14,16]
 * const z = ops.maxPool2d(x, { poolSize: 3, strides: 2, padding: 'same' }); // [8,28,28,16] -> [8,14,14,16]
 */
export function maxPool2d(x: Tensor, options: Pool2dOptions = {}): Tensor {
  return pool2d('maxPool2d', PoolMode.Max, x, options);
}

/**
 * 2-D average pooling, channels-last, as `maxPool2d` but each output is the mean of its window.
 * With 'same' padding, the padded positions are left out of the count (Keras semantics).
 *
 * @example
 * const y = ops.avgPool2d(x, { poolSize: [2, 2], padding: 'same' });
 */
export function avgPool2d(x: Tensor, options: Pool2dOptions = {}): Tensor {
  return pool2d('avgPool2d', PoolMode.Average, x, options);
}
