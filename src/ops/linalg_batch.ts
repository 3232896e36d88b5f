// What the batched matrix kernels of linalg_solve.ts, linalg_decompose.ts and linalg_eig.ts
// share: the checks of their matrix operands, the largest size of shaders/linalg.wgsl, the dispatch
// of one of its entry points, a row swap for their CPU versions, and small shape helpers for their
// composites. No op is defined here.

import { formatShape } from '../backend/types';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import type { WebGPUBackend } from '../backend/webgpu/webgpu_backend';
import type { Tensor } from '../tensor/tensor';
import { cast } from './elementwise';
import { swapaxes } from './shape';
import { checkRank } from './shape_util';
import { checkTensor } from './validate';
import linalgShader from '../../shaders/linalg.wgsl?raw';

/**
 * Largest matrix dimension the kernels of shaders/linalg.wgsl take: each matrix is factored by one
 * GPU invocation in O(n^3) sequential steps, so a bigger matrix would stall the device. Over it,
 * cholesky, luFactor and the solves take blocked algorithms (linalg_blocked.ts) whose diagonal
 * blocks are at most this size, qr Householder reflections a column a dispatch
 * (linalg_householder.ts), eigh and svd parallel Jacobi (linalg_jacobi.ts), and eig its steps
 * split over dispatches and lanes (shaders/linalg_eig_large.wgsl).
 */
export const MAX_MATRIX_SIZE = 64;

const WORKGROUP_SIZE = 64;

/**
 * Checks that `x` is a batch of matrices [..., rows, columns] (square when `square`) and returns
 * it as float32 (int32 is cast, the values being real numbers).
 */
export function matrixOperand(op: string, name: string, x: Tensor, square: boolean): Tensor {
  checkTensor(op, x);
  checkRank(op, x.shape);
  if (x.rank < 2) {
    throw new Error(`${op}: Invalid value for argument ${name}. Expected a tensor of rank 2 or more (a matrix or a batch of matrices). Received: ${name} of shape ${formatShape(x.shape)}.`);
  }
  const [rows, columns] = x.shape.slice(-2);
  if (square && rows !== columns) {
    throw new Error(`${op}: Invalid value for argument ${name}. Expected square matrices (the last two dimensions equal). Received: ${name} of shape ${formatShape(x.shape)}.`);
  }
  return x.dtype === 'float32' ? x : cast(x, 'float32');
}

/** Swaps rows i and j of a row-major matrix of `columns` columns, from column `from` on. */
export function swapRows(values: Float64Array, columns: number, i: number, j: number, from: number): void {
  if (i === j) return;
  for (let c = from; c < columns; c++) {
    const held = values[i * columns + c];
    values[i * columns + c] = values[j * columns + c];
    values[j * columns + c] = held;
  }
}

/** The transpose of the last two axes of a batch of matrices. */
export function transposeMatrices(x: Tensor): Tensor {
  return swapaxes(x, -1, -2);
}

/** The number of matrices in a batch of shape [..., rows, columns]. */
export function matrixCount(shape: readonly number[]): number {
  return shape.slice(0, -2).reduce((a, b) => a * b, 1);
}

/** Dispatches one entry point of shaders/linalg.wgsl over `count` invocations. */
export function dispatchLinalg(
  gpu: WebGPUBackend,
  entryPoint: string,
  count: number,
  [rows, columns, extraColumns]: [number, number, number],
  buffers: GPUBuffer[],
  constants?: { LOWER: boolean },
): void {
  gpu.dispatch({
    shader: linalgShader,
    entryPoint,
    constants,
    uniforms: new Uniforms().u32(count, rows, columns, extraColumns).finish(),
    buffers,
    workgroups: gridFor(count, WORKGROUP_SIZE),
  });
}
