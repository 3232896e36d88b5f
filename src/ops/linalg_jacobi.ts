// eigh and svd of matrices over 64 x 64 on the GPU (linalg_decompose.ts calls in here), where the
// kernels of shaders/linalg.wgsl, one invocation per matrix, stop: parallel Jacobi
// (shaders/linalg_jacobi.wgsl). The pairs (p, q) of a sweep follow a round-robin schedule, n/2
// disjoint pairs a round, so that one dispatch rotates all pairs of a round at once, one workgroup
// per (matrix, pair):
// - eigh: two-sided cyclic Jacobi on the symmetric matrix (V^T accumulated, rows contiguous); a
//   round's dispatch rotates the rows of its pairs, and the next round's first applies the same
//   rotations to the columns, so that every workgroup reads and writes only its own two rows.
// - svd: one-sided (Hestenes) Jacobi on A^T (A's columns are rows there): each workgroup reduces
//   |a_p|^2, |a_q|^2 and a_p . a_q over the m rows and rotates a_p, a_q and v_p, v_q. u's columns
//   are a_j / s_j; those of negligible s_j and a complete u's extra columns come from the QR of u
//   (`completeSingularVectors`).
// No readback: a fixed number of sweeps is dispatched (sweepCount), and a rotation of a pair
// already orthogonal to float32 precision is skipped, so converged sweeps are cheap. The CPU
// versions are linalg_decompose.ts's float64 jacobiEigh and jacobiSvd, which take any size.
// No op is defined here.

import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import type { WebGPUBackend } from '../backend/webgpu/webgpu_backend';
import type { Tensor } from '../tensor/tensor';
import { less, mul, where } from './elementwise';
import { householderQr } from './linalg_householder';
import { diagonal } from './numpy_extras';
import { expandDims, pad } from './shape';
import jacobiShader from '../../shaders/linalg_jacobi.wgsl?raw';

const WORKGROUP_SIZE = 64;

/**
 * Sweeps dispatched for matrices of n columns. Measured in float32 with this schedule (random,
 * graded and rank-deficient matrices, n = 65 to 512): the off-diagonal norm reaches its float32
 * floor after 7 to 10 sweeps for random matrices and 11 to 13 for graded ones (singular or
 * eigenvalues spread over 6 decades), one more sweep each doubling of n; converged sweeps skip
 * their rotations.
 */
export function sweepCount(n: number): number {
  return 12 + Math.max(0, Math.ceil(Math.log2(n / 256)));
}

interface JacobiParams {
  count: number;
  rows: number;
  columns: number;
  round?: number;
}

function dispatchJacobi(gpu: WebGPUBackend, entryPoint: string, { count, rows, columns, round = 0 }: JacobiParams, buffers: GPUBuffer[], workgroups: readonly [number, number]): void {
  const padded = columns + (columns % 2);
  gpu.dispatch({ shader: jacobiShader, entryPoint, uniforms: new Uniforms().u32(count, rows, columns, padded, round, 0, 0, 0).finish(), buffers, workgroups });
}

/** A grid of one invocation per element of `invocations`. */
function invocationGrid(gpu: WebGPUBackend, invocations: number): [number, number] {
  return gridFor(invocations, WORKGROUP_SIZE, gpu.limits.maxComputeWorkgroupsPerDimension);
}

/** A grid of `groups` workgroups. */
function workgroupGrid(gpu: WebGPUBackend, groups: number): [number, number] {
  return gridFor(groups, 1, gpu.limits.maxComputeWorkgroupsPerDimension);
}

/**
 * Records the eigendecomposition of `count` symmetric n x n matrices (the lower triangles of `a`):
 * w [count, n] ascending and v [count, n, n] with the eigenvectors in its columns. `work`
 * [count, n, n] is scratch.
 */
export function dispatchJacobiEigh(gpu: WebGPUBackend, count: number, n: number, [a, work, w, v]: GPUBuffer[]): void {
  const pairs = (n + (n % 2)) / 2;
  const rounds = 2 * pairs - 1;
  const vt = gpu.allocate(count * n * n * 4);
  const rotations = [gpu.allocate(count * pairs * 8), gpu.allocate(count * pairs * 8)];
  const diagonalValues = gpu.allocate(count * n * 4);
  const params = { count, rows: n, columns: n };
  dispatchJacobi(gpu, 'eigh_init', params, [a, work, vt, rotations[0]], invocationGrid(gpu, count * n * n));
  const total = sweepCount(n) * rounds;
  for (let step = 0; step < total; step++) {
    const buffers = [work, vt, rotations[step % 2], rotations[(step + 1) % 2]];
    dispatchJacobi(gpu, 'eigh_round', { ...params, round: step % rounds }, buffers, workgroupGrid(gpu, count * pairs));
  }
  dispatchJacobi(gpu, 'eigh_diagonal', { ...params, round: rounds - 1 }, [work, rotations[total % 2], diagonalValues], invocationGrid(gpu, count * n));
  dispatchJacobi(gpu, 'eigh_sort', params, [diagonalValues, vt, w, v], invocationGrid(gpu, count * n));
  // Later dispatches of this recording may reuse these buffers: they run after these.
  for (const buffer of [vt, ...rotations, diagonalValues]) gpu.release(buffer);
}

/**
 * Records the SVD of `count` tall m x n matrices `a` (m >= n): s [count, n] descending, v
 * [count, n, n], and u [count, m, n] with column j = a v_j / s_j, or 0 where s_j is negligible
 * (at most max(s) * m * float32 epsilon).
 */
export function dispatchJacobiSvd(gpu: WebGPUBackend, count: number, m: number, n: number, [a, u, s, v]: GPUBuffer[]): void {
  const pairs = (n + (n % 2)) / 2;
  const rounds = 2 * pairs - 1;
  const work = gpu.allocate(count * m * n * 4);
  const vt = gpu.allocate(count * n * n * 4);
  const norms = gpu.allocate(count * n * 4);
  const params = { count, rows: m, columns: n };
  dispatchJacobi(gpu, 'svd_init', params, [a, work, vt], invocationGrid(gpu, count * m * n));
  const total = sweepCount(n) * rounds;
  for (let step = 0; step < total; step++) {
    dispatchJacobi(gpu, 'svd_round', { ...params, round: step % rounds }, [work, vt], workgroupGrid(gpu, count * pairs));
  }
  dispatchJacobi(gpu, 'svd_norms', params, [work, norms], workgroupGrid(gpu, count * n));
  dispatchJacobi(gpu, 'svd_sort', params, [work, vt, norms, u, s, v], workgroupGrid(gpu, count * n));
  for (const buffer of [work, vt, norms]) gpu.release(buffer);
}

/**
 * u [..., m, uColumns] with orthonormal columns from u0 [..., m, n] (m >= n, uColumns n or m) whose
 * columns are orthonormal or zero, the zero ones last: the Q of u0's QR, each column's sign that of
 * R's diagonal (1 where that is 0, and past n), so u0's nonzero columns are kept (to rounding) and
 * the rest complete them. Not recorded on the tape.
 */
export function completeSingularVectors(u0: Tensor, uColumns: number): Tensor {
  const n = u0.shape[u0.rank - 1];
  const batchWidths = u0.shape.slice(0, -2).map((): [number, number] => [0, 0]);
  const [q, r] = householderQr(u0, uColumns);
  const signs = where(less(diagonal(r, 0, -2, -1), 0), -1, 1);
  const allSigns = uColumns === n ? signs : pad(signs, [...batchWidths, [0, uColumns - n]], 'constant', 1);
  return mul(q, expandDims(allSigns, -2));
}
