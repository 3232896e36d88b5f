// What the blocked algorithms of linalg_solve.ts (luFactor, solve, solveTriangular) and
// linalg_decompose.ts (cholesky) share for matrices over MAX_MATRIX_SIZE: the block size, the
// slicing of blocks out of batches of matrices, and the two kernels of the blocked LU
// (shaders/linalg_blocked.wgsl; CPU versions here, in float64): the panel factorization and the row
// interchanges applied to right-hand sides. Each blocked algorithm is a loop of O(n / BLOCK_SIZE)
// rounds: a small kernel on a diagonal block (or the panel kernel), then matmul for the update of
// the rest, so nearly all of the O(n^3) work is matmul. No op is defined here.

import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import type { Tensor } from '../tensor/tensor';
import { runKernel, runKernel1, type Kernel } from './kernel';
import { matrixCount, MAX_MATRIX_SIZE, swapRows } from './linalg_batch';
import { slice } from './shape';
import blockedShader from '../../shaders/linalg_blocked.wgsl?raw';

/** The order of the diagonal blocks: the largest matrix the small kernels of shaders/linalg.wgsl take. */
export const BLOCK_SIZE = MAX_MATRIX_SIZE;

const WORKGROUP_SIZE = 64;

/** The block [rowStart, rowStart + rows) x [columnStart, columnStart + columns) of each matrix of x. */
export function block(x: Tensor, rowStart: number, rows: number, columnStart: number, columns: number): Tensor {
  const batch = x.shape.slice(0, -2);
  return slice(x, [...batch.map(() => 0), rowStart, columnStart], [...batch, rows, columns]);
}

/** The first index of each diagonal block of an n x n matrix, in order. */
export function blockStarts(n: number): number[] {
  return Array.from({ length: Math.ceil(n / BLOCK_SIZE) }, (_, i) => i * BLOCK_SIZE);
}

interface PanelAttrs {
  rows: number;
  columns: number;
  panelStart: number;
  width: number;
  rowOffset: number;
}

/** Outputs lu [..., m, n] (a with the panel factored, rows swapped) and pivots [..., width] from a [..., m, n]. */
const luPanelKernel: Kernel<PanelAttrs> = {
  name: 'luPanel',
  cpu([a], [lu, pivots], { rows, columns, panelStart, width, rowOffset }) {
    const size = rows * columns;
    for (let matrix = 0; matrix < matrixCount(a.shape); matrix++) {
      const work = Float64Array.from(a.values.subarray(matrix * size, (matrix + 1) * size));
      for (let j = 0; j < width; j++) {
        const column = panelStart + j;
        let pivot = j;
        for (let i = j + 1; i < rows; i++) if (Math.abs(work[i * columns + column]) > Math.abs(work[pivot * columns + column])) pivot = i;
        pivots.values[matrix * width + j] = rowOffset + pivot;
        swapRows(work, columns, j, pivot, 0);
        const diagonalValue = work[j * columns + column];
        if (diagonalValue === 0) continue;
        for (let i = j + 1; i < rows; i++) {
          const factor = (work[i * columns + column] /= diagonalValue);
          for (let c = column + 1; c < panelStart + width; c++) work[i * columns + c] -= factor * work[j * columns + c];
        }
      }
      lu.values.set(work, matrix * size);
    }
  },
  webgpu(gpu, [a], [lu, pivots], { rows, columns, panelStart, width, rowOffset }) {
    const count = matrixCount(a.shape);
    gpu.copy(a.buffer, lu.buffer, a.size * 4);
    gpu.dispatch({
      shader: blockedShader,
      entryPoint: 'lu_panel',
      uniforms: new Uniforms().u32(count, rows, columns, width, panelStart, rowOffset).finish(),
      buffers: [lu.buffer, pivots.buffer],
      workgroups: gridFor(count, 1),
    });
  },
};

/**
 * One panel of the blocked LU of `work` [..., m, n], whose first row is row `rowOffset` of the
 * whole matrix: the m x width panel of columns panelStart.. factored with partial pivoting over
 * all m rows, each pivot's whole row swapped. Returns [work so changed, pivots [..., width] (int32,
 * rows of the whole matrix)].
 */
export function luPanel(work: Tensor, panelStart: number, width: number, rowOffset: number): [Tensor, Tensor] {
  const [rows, columns] = work.shape.slice(-2);
  const outputs = runKernel(luPanelKernel, [work], [{ shape: work.shape, dtype: 'float32' }, { shape: [...work.shape.slice(0, -2), width], dtype: 'int32' }], { rows, columns, panelStart, width, rowOffset });
  return [outputs[0], outputs[1]];
}

interface PivotAttrs {
  rows: number;
  columns: number;
  steps: number;
}

/** Output permuted [..., rows, columns] from pivots [..., steps] (int32) and b [..., rows, columns]. */
const applyPivotsKernel: Kernel<PivotAttrs> = {
  name: 'applyPivots',
  cpu([pivots, b], [permuted], { rows, columns, steps }) {
    const size = rows * columns;
    for (let matrix = 0; matrix < matrixCount(b.shape); matrix++) {
      const work = Float64Array.from(b.values.subarray(matrix * size, (matrix + 1) * size));
      for (let j = 0; j < steps; j++) swapRows(work, columns, j, pivots.values[matrix * steps + j], 0);
      permuted.values.set(work, matrix * size);
    }
  },
  webgpu(gpu, [pivots, b], [permuted], { rows, columns, steps }) {
    const count = matrixCount(b.shape) * columns;
    gpu.dispatch({
      shader: blockedShader,
      entryPoint: 'apply_pivots',
      uniforms: new Uniforms().u32(count, rows, columns, steps, 0, 0).finish(),
      buffers: [pivots.buffer, b.buffer, permuted.buffer],
      workgroups: gridFor(count, WORKGROUP_SIZE),
    });
  },
};

/** P b for P a = L U: the row swaps of luFactor's `pivots` [..., steps] applied in order to b [..., rows, k] (one batch shape). */
export function applyPivots(pivots: Tensor, b: Tensor): Tensor {
  const [rows, columns] = b.shape.slice(-2);
  return runKernel1(applyPivotsKernel, [pivots, b], { shape: b.shape, dtype: 'float32' }, { rows, columns, steps: pivots.shape[pivots.rank - 1] });
}
