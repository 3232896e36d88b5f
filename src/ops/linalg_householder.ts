// Householder QR of matrices of any size: qr (linalg_decompose.ts) takes it over 64 x 64, where the
// small kernel (one invocation per matrix) stops. One dispatch per column factors A: each
// applies the latest reflector to the columns right of it, in parallel, and the next column's
// workgroup builds the next reflector (shaders/linalg_householder.wgsl); Q's columns are then
// accumulated from the reflectors, last first, and only the columns asked for are formed, so the
// reduced QR of a tall [100000, 10] matrix never holds a 100000 x 100000 Q. The kernel works on
// transposed matrices (a column is a contiguous row); the CPU version is the same algorithm in
// float64. No op is defined here.

import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { runKernel, type Kernel } from './kernel';
import { matrixCount, transposeMatrices } from './linalg_batch';
import householderShader from '../../shaders/linalg_householder.wgsl?raw';

const WORKGROUP_SIZE = 64;

interface HouseholderAttrs {
  /** Rows of A (m). */
  rows: number;
  /** Columns of A (n). */
  columns: number;
  /** Columns of Q formed: min(m, n) for the reduced QR, m for the complete one. */
  qColumns: number;
}

/** Reflectors of an m x n matrix: one per column but the last row's (min(m - 1, n)). */
const reflectorCount = ({ rows, columns }: HouseholderAttrs) => Math.min(rows - 1, columns);

/** Outputs rT [..., n, m] (R^T) and qT [..., qColumns, m] (Q^T) from aT [..., n, m] (A^T). */
const householderKernel: Kernel<HouseholderAttrs> = {
  name: 'qr',
  cpu([aT], [rT, qT], attrs) {
    const { rows: m, columns: n, qColumns } = attrs;
    const steps = reflectorCount(attrs);
    for (let matrix = 0; matrix < matrixCount(aT.shape); matrix++) {
      const work = Float64Array.from(aT.values.subarray(matrix * n * m, (matrix + 1) * n * m));
      const reflectors: Float64Array[] = [];
      const scales: number[] = [];
      for (let j = 0; j < steps; j++) {
        const column = work.subarray(j * m, (j + 1) * m);
        let normSquared = 0;
        for (let i = j; i < m; i++) normSquared += column[i] ** 2;
        const v = new Float64Array(m);
        reflectors.push(v);
        if (normSquared === 0) {
          scales.push(0);
          continue;
        }
        const head = column[j];
        const alpha = -(head >= 0 ? 1 : -1) * Math.sqrt(normSquared);
        for (let i = j; i < m; i++) v[i] = i === j ? head - alpha : column[i];
        scales.push(2 / (normSquared - head * head + (head - alpha) ** 2));
        for (let i = j; i < m; i++) column[i] = i === j ? alpha : 0;
        for (let c = j + 1; c < n; c++) reflect(work.subarray(c * m, (c + 1) * m), v, scales[j], j);
      }
      const q = new Float64Array(qColumns * m);
      for (let c = 0; c < qColumns; c++) q[c * m + c] = 1;
      for (let j = steps - 1; j >= 0; j--) {
        for (let c = j; c < qColumns; c++) reflect(q.subarray(c * m, (c + 1) * m), reflectors[j], scales[j], j);
      }
      rT.values.set(work, matrix * n * m);
      qT.values.set(q, matrix * qColumns * m);
    }
  },
  webgpu(gpu, [aT], [rT, qT], attrs) {
    const { rows: m, columns: n, qColumns } = attrs;
    const count = matrixCount(aT.shape);
    const steps = reflectorCount(attrs);
    gpu.copy(aT.buffer, rT.buffer, aT.size * 4);
    const reflectors = gpu.allocate(Math.max(1, count * steps * m) * 4);
    const scales = gpu.allocate(Math.max(1, count * steps) * 4);
    const pass = (entryPoint: string, work: GPUBuffer, rowsTotal: number, step: number, first: number, width: number, buildNext: boolean, invocations: number, workgroupSize: number) =>
      gpu.dispatch({
        shader: householderShader,
        entryPoint,
        uniforms: new Uniforms().u32(entryPoint === 'householder_identity' ? invocations : count, m, rowsTotal, steps, step, first, width, buildNext ? 1 : 0).finish(),
        buffers: entryPoint === 'householder_identity' ? [work] : [work, reflectors, scales],
        workgroups: gridFor(invocations, workgroupSize),
      });
    if (steps > 0) pass('householder_first', rT.buffer, n, 0, 0, 0, false, count, 1);
    for (let j = 0; j < steps; j++) {
      const width = n - j - 1;
      if (width > 0) pass('householder_apply', rT.buffer, n, j, j + 1, width, j + 1 < steps, count * width, 1);
    }
    pass('householder_identity', qT.buffer, qColumns, 0, 0, 0, false, count * qColumns * m, WORKGROUP_SIZE);
    for (let j = steps - 1; j >= 0; j--) {
      const width = qColumns - j;
      if (width > 0) pass('householder_apply', qT.buffer, qColumns, j, j, width, false, count * width, 1);
    }
    gpu.release(reflectors);
    gpu.release(scales);
  },
};

/** x -= scale (v . x) v over entries from..; v is zero before `from`. */
function reflect(x: Float64Array, v: Float64Array, scale: number, from: number): void {
  if (scale === 0) return;
  let product = 0;
  for (let i = from; i < x.length; i++) product += v[i] * x[i];
  const coefficient = scale * product;
  for (let i = from; i < x.length; i++) x[i] -= coefficient * v[i];
}

/**
 * [q [..., m, qColumns], r [..., m, n]] of float32 matrices [..., m, n] by Householder reflections
 * (R's diagonal may be negative, as LAPACK's): qColumns m gives the complete Q, min(m, n) the
 * reduced one. Not recorded on the tape (qr records its own gradient).
 * @internal
 */
export function householderQr(matrices: Tensor, qColumns: number): [Tensor, Tensor] {
  return tidy((): [Tensor, Tensor] => {
    const [rows, columns] = matrices.shape.slice(-2);
    const batch = matrices.shape.slice(0, -2);
    const [rT, qT] = runKernel(householderKernel, [transposeMatrices(matrices)], [{ shape: [...batch, columns, rows], dtype: 'float32' }, { shape: [...batch, qColumns, rows], dtype: 'float32' }], { rows, columns, qColumns });
    return [transposeMatrices(qT), transposeMatrices(rT)];
  });
}
