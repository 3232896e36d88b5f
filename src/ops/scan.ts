// Cumulative sums and products along one axis (keras.ops.cumsum, keras.ops.cumprod), one kernel
// family (shaders/scan.wgsl): one invocation per row of the scanned axis, looping along it. The
// CPU reference combines in the same order, rounding to float32 at each step. Gradients: cumsum's
// is the reversed cumulative sum of dy (itself a scan, so it differentiates again); cumprod's is a
// dedicated kernel that never divides by x, so it is exact where x holds zeros.

import { sizeOf, type ConcreteShape } from '../backend/types';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import { recordFirstOrderOnly, recordGradient } from '../autograd/tape';
import type { Tensor } from '../tensor/tensor';
import { runKernel1, type Kernel } from './kernel';
import { normalizeAxis } from './shape_util';
import { checkTensor } from './validate';
import scanShader from '../../shaders/scan.wgsl?raw';

const WORKGROUP_SIZE = 64;

/** The scanned tensor seen as [outer, axisSize, inner]: a row is one (outer, inner) pair. */
interface ScanLayout {
  rows: number;
  axisSize: number;
  inner: number;
  /** The output shape: the input's, or [size] when the scan runs over the flattened input. */
  shape: ConcreteShape;
}

interface ScanAttrs extends ScanLayout {
  product: boolean;
  reverse: boolean;
}

/** The index of the first element of row `row` (the row's stride along the axis is `inner`). */
function rowStart(row: number, axisSize: number, inner: number): number {
  const o = Math.floor(row / inner);
  return o * axisSize * inner + (row - o * inner);
}

const scanKernel: Kernel<ScanAttrs> = {
  name: 'scan',
  cpu([x], [out], { rows, axisSize, inner, product, reverse }) {
    const isInt = x.dtype === 'int32';
    for (let row = 0; row < rows; row++) {
      const first = rowStart(row, axisSize, inner);
      let total = product ? 1 : 0;
      for (let step = 0; step < axisSize; step++) {
        const i = first + (reverse ? axisSize - 1 - step : step) * inner;
        const value = x.values[i];
        if (isInt) total = product ? Math.imul(total, value) : (total + value) | 0;
        else total = Math.fround(product ? total * value : total + value);
        out.values[i] = total;
      }
    }
  },
  webgpu(gpu, [x], [out], { rows, axisSize, inner, product, reverse }) {
    gpu.dispatch({
      shader: scanShader,
      entryPoint: 'scan',
      constants: { PRODUCT: product, REVERSE: reverse, IS_INT: x.dtype === 'int32' },
      uniforms: new Uniforms().u32(rows, axisSize, inner, 0).finish(),
      buffers: [x.buffer, out.buffer],
      workgroups: gridFor(rows, WORKGROUP_SIZE, gpu.limits.maxComputeWorkgroupsPerDimension),
    });
  },
};

/** Inputs x and dy (float32); writes dx of cumprod, exactly (see shaders/scan.wgsl). */
const cumprodGradientKernel: Kernel<ScanLayout> = {
  name: 'cumprodGradient',
  cpu([x, dy], [dx], { rows, axisSize, inner }) {
    for (let row = 0; row < rows; row++) {
      const first = rowStart(row, axisSize, inner);
      let suffix = 0;
      let following = 0;
      for (let j = axisSize - 1; j >= 0; j--) {
        const i = first + j * inner;
        suffix = Math.fround(dy.values[i] + Math.fround(following * suffix));
        dx.values[i] = suffix;
        following = x.values[i];
      }
      let prefix = 1;
      for (let j = 0; j < axisSize; j++) {
        const i = first + j * inner;
        dx.values[i] = Math.fround(dx.values[i] * prefix);
        prefix = Math.fround(prefix * x.values[i]);
      }
    }
  },
  webgpu(gpu, [x, dy], [dx], { rows, axisSize, inner }) {
    gpu.dispatch({
      shader: scanShader,
      entryPoint: 'cumprod_gradient',
      uniforms: new Uniforms().u32(rows, axisSize, inner, 0).finish(),
      buffers: [x.buffer, dx.buffer, dy.buffer],
      workgroups: gridFor(rows, WORKGROUP_SIZE, gpu.limits.maxComputeWorkgroupsPerDimension),
    });
  },
};

/**
 * The cumulative sum of the elements of `x` along `axis` (negative counts from the end), as
 * `keras.ops.cumsum`. Without an axis the input is flattened first (the result has shape
 * [x.size]), as in NumPy; so is a scalar. The dtype is kept: int32 sums wrap on overflow.
 * Differentiable for float32 inputs, to any order.
 *
 * @example
 * ops.cumsum(tensor([[1, 2, 3], [4, 5, 6]]), 1);   // [[1, 3, 6], [4, 9, 15]]
 * ops.cumsum(tensor([[1, 2], [3, 4]]));            // [1, 3, 6, 10]
 */
export function cumsum(x: Tensor, axis?: number): Tensor {
  checkTensor('cumsum', x);
  return scan('cumsum', x, scanLayout('cumsum', x.shape, axis), false, false);
}

/**
 * The cumulative product of the elements of `x` along `axis` (negative counts from the end), as
 * `keras.ops.cumprod`. Without an axis the input is flattened first (the result has shape
 * [x.size]), as in NumPy; so is a scalar. The dtype is kept: int32 products wrap on overflow.
 * Differentiable for float32 inputs; the gradient never divides by `x`, so it is exact where `x`
 * holds zeros (d y_i / d x_j is the product of the other factors x_0..x_i). That gradient is a
 * kernel of its own without a gradient: cumprod differentiates once, and a second-order gradient
 * through it throws.
 *
 * @example
 * ops.cumprod(tensor([1, 2, 3, 4]));                // [1, 2, 6, 24]
 * ops.cumprod(tensor([[1, 2], [3, 4]]), 0);         // [[1, 2], [3, 8]]
 */
export function cumprod(x: Tensor, axis?: number): Tensor {
  checkTensor('cumprod', x);
  const layout = scanLayout('cumprod', x.shape, axis);
  const y = scan('cumprod', x, layout, true, false);
  if (x.dtype === 'float32') {
    recordGradient('cumprod', [x], [y], () => ([dy]) => {
      const dx = runKernel1(cumprodGradientKernel, [x, dy], { shape: x.shape, dtype: 'float32' }, layout, 'cumprod');
      recordFirstOrderOnly('cumprod', [x, dy], [dx]);
      return [dx];
    });
  }
  return y;
}

/** The layout of a scan of a tensor of shape `shape` along `axis` (undefined: flattened). */
function scanLayout(op: string, shape: ConcreteShape, axis: number | undefined): ScanLayout {
  if (axis !== undefined && typeof axis !== 'number') {
    throw new Error(`${op}: Invalid value for argument axis. Expected an integer or undefined. Received: axis=${JSON.stringify(axis)}.`);
  }
  if (axis === undefined || shape.length === 0) {
    if (axis !== undefined) normalizeAxis(op, axis, 0);
    const size = sizeOf(shape);
    return { rows: 1, axisSize: size, inner: 1, shape: [size] };
  }
  const at = normalizeAxis(op, axis, shape.length);
  const inner = sizeOf(shape.slice(at + 1));
  return { rows: sizeOf(shape.slice(0, at)) * inner, axisSize: shape[at], inner, shape: [...shape] };
}

/**
 * Runs the scan kernel. A cumulative sum records its gradient, the sum in the opposite direction
 * read in the layout of the output and shaped as the input.
 */
function scan(op: string, x: Tensor, layout: ScanLayout, product: boolean, reverse: boolean): Tensor {
  const y = runKernel1(scanKernel, [x], { shape: layout.shape, dtype: x.dtype }, { ...layout, product, reverse }, op);
  if (!product && x.dtype === 'float32') {
    recordGradient(op, [x], [y], () => ([dy]) => [scan(op, dy, { ...layout, shape: x.shape }, false, !reverse)]);
  }
  return y;
}
