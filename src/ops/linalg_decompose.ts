// Matrix decompositions of batches of small matrices, Keras 3 names: cholesky, qr, eigh and svd
// (kernels: shaders/linalg.wgsl on the GPU, the same algorithms in float64 here on the CPU), and
// the composites built on the SVD: lstsq, pinv and matrixRank. Over MAX_MATRIX_SIZE, cholesky
// takes a blocked algorithm (the kernel on diagonal blocks, matmul updates) and qr Householder
// reflections with one dispatch per column (linalg_householder.ts); on the GPU, eigh and svd take
// parallel Jacobi, one dispatch per round of disjoint pairs (linalg_jacobi.ts).
// Gradients: cholesky, eigh and svd have rules (each output of eigh and svd its own, so that an
// unused output costs nothing and cannot turn the other's gradient into NaN), and so has qr of
// tall or square matrices; lstsq and pinv follow by composition.
// Eigenvectors and singular vectors are unique only up to sign (and within repeated values);
// which one is returned may differ from NumPy's.

import { formatShape } from '../backend/types';
import { recordGradient, withoutRecording } from '../autograd/tape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { eye } from './creation';
import { add, cast, divNoNan, greater, mul, square, sub, where } from './elementwise';
import { runKernel, runKernel1, type Kernel } from './kernel';
import { dispatchLinalg, matrixCount, matrixOperand, MAX_MATRIX_SIZE, transposeMatrices } from './linalg_batch';
import { block, BLOCK_SIZE } from './linalg_blocked';
import { completeSingularVectors, dispatchJacobiEigh, dispatchJacobiSvd } from './linalg_jacobi';
import { householderQr } from './linalg_householder';
import { solveTriangular } from './linalg_solve';
import { matmul } from './matmul';
import { tril } from './rearrange';
import { max, sum } from './reduce';
import { concat, expandDims, pad, slice, squeeze } from './shape';
import { checkTensor } from './validate';

/** float32's machine epsilon: the default cut-offs of lstsq, pinv and matrixRank scale it. */
const FLOAT32_EPSILON = 1.1920929e-7;
/** Jacobi sweeps allowed (as the shader). */
const MAX_SWEEPS = 40;

interface SquareAttrs {
  n: number;
}

/** Output l [..., n, n], the lower Cholesky factor of the lower triangle of a [..., n, n]. */
const choleskyKernel: Kernel<SquareAttrs> = {
  name: 'cholesky',
  cpu([a], [l], { n }) {
    for (let base = 0; base < a.values.length; base += n * n) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
          let total = a.values[base + i * n + j];
          for (let t = 0; t < j; t++) total -= l.values[base + i * n + t] * l.values[base + j * n + t];
          l.values[base + i * n + j] = i === j ? Math.sqrt(total) : total / l.values[base + j * n + j];
        }
      }
    }
  },
  webgpu(gpu, [a], [l], { n }) {
    dispatchLinalg(gpu, 'cholesky', matrixCount(a.shape), [n, n, 0], [a.buffer, l.buffer]);
  },
};

/**
 * The Cholesky factor of each symmetric positive definite matrix of `x` [..., M, M], as
 * keras.ops.cholesky: lower triangular L with x = L L^T (default), or upper triangular U = L^T
 * with x = U^T U when `upper`. Only the lower triangle of `x` is read. A matrix that is not
 * positive definite gives NaN, where Keras raises. Any size (over 64 x 64, blocked: the kernel on
 * diagonal blocks, triangular solves for the panels below them, matmul for the rest). int32 input
 * is cast to float32. Differentiable (the gradient is symmetric, as for a symmetric input).
 *
 * @example
 * ops.cholesky(tensor([[4, 2], [2, 3]]));         // [[2, 0], [1, 1.4142]]
 */
export function cholesky(x: Tensor, upper = false): Tensor {
  if (typeof upper !== 'boolean') throw new Error(`cholesky: Invalid value for argument upper. Expected a boolean. Received: upper=${String(upper)}.`);
  return tidy(() => {
    const matrices = matrixOperand('cholesky', 'x', x, true);
    const factor = withoutRecording(() => choleskyFactor(matrices));
    recordGradient('cholesky', [matrices], [factor], () => ([dFactor]) => [choleskyGradient(factor, dFactor)]);
    return upper ? transposeMatrices(factor) : factor;
  });
}

/** The lower Cholesky factor of float32 matrices [..., n, n]: the kernel up to MAX_MATRIX_SIZE, blocked above. */
function choleskyFactor(matrices: Tensor): Tensor {
  const n = matrices.shape[matrices.rank - 1];
  if (n > MAX_MATRIX_SIZE) return blockedCholesky(matrices);
  return runKernel1(choleskyKernel, [matrices], { shape: matrices.shape, dtype: 'float32' }, { n });
}

/**
 * Right-looking blocked Cholesky: each round factors the top-left block of the trailing matrix,
 * solves for the panel of L below it (L21 = A21 L11^-T), and leaves A22 - L21 L21^T, one matmul,
 * to the next round. The factor is put together from its column panels at the end.
 */
function blockedCholesky(matrices: Tensor): Tensor {
  return tidy(() => {
    const n = matrices.shape[matrices.rank - 1];
    const batchPadding = matrices.shape.slice(0, -2).map((): [number, number] => [0, 0]);
    const panels: Tensor[] = [];
    let trailing = matrices;
    for (let start = 0; start < n; start += BLOCK_SIZE) {
      const width = Math.min(BLOCK_SIZE, n - start);
      const rows = n - start;
      const current = trailing;
      const [panel, next] = tidy((): [Tensor, Tensor | null] => {
        const diagonalFactor = choleskyFactor(block(current, 0, width, 0, width));
        // The column panel's rows above its diagonal block are zero.
        const withZerosAbove = (x: Tensor) => (start === 0 ? x : pad(x, [...batchPadding, [start, 0], [0, 0]]));
        if (rows === width) return [withZerosAbove(diagonalFactor), null];
        const below = block(current, width, rows - width, 0, width);
        const panelBelow = transposeMatrices(solveTriangular(diagonalFactor, transposeMatrices(below), true));
        const update = matmul(panelBelow, panelBelow, { transposeB: true });
        return [withZerosAbove(concat([diagonalFactor, panelBelow], -2)), sub(block(current, width, rows - width, width, rows - width), update)];
      });
      if (current !== matrices) current.dispose();
      panels.push(panel);
      if (next) trailing = next;
    }
    return concat(panels, -1);
  });
}

/**
 * The gradient of A from that of its Cholesky factor L: with P = the lower triangle of L^T dL,
 * its diagonal halved, dA = sym(L^-T P L^-1), sym(S) = (S + S^T) / 2.
 */
function choleskyGradient(factor: Tensor, dFactor: Tensor): Tensor {
  const n = factor.shape[factor.rank - 1];
  const product = matmul(factor, tril(dFactor), { transposeA: true });
  const halved = sub(tril(product), mul(product, mul(eye(n), 0.5)));
  const left = solveTriangular(transposeMatrices(factor), halved, false);
  const both = transposeMatrices(solveTriangular(transposeMatrices(factor), transposeMatrices(left), false));
  return mul(add(both, transposeMatrices(both)), 0.5);
}

/** The symmetric eigendecomposition (cyclic Jacobi, float64) of an n x n matrix's lower triangle: [w, v]. */
function jacobiEigh(source: ArrayLike<number>, n: number): [Float64Array, Float64Array] {
  const work = new Float64Array(n * n);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) work[i * n + j] = source[Math.max(i, j) * n + Math.min(i, j)];
    v[i * n + i] = 1;
  }
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const off = work[p * n + q];
        const [pp, qq] = [work[p * n + p], work[q * n + q]];
        if (Math.abs(off) <= Number.EPSILON * 0.5 * Math.sqrt(Math.abs(pp * qq)) || Math.abs(off) < 1e-300) continue;
        rotated = true;
        const [c, s] = jacobiRotation(pp, qq, off);
        for (let t = 0; t < n; t++) rotatePair(work, t * n + p, t * n + q, c, s);
        for (let t = 0; t < n; t++) {
          rotatePair(work, p * n + t, q * n + t, c, s);
          rotatePair(v, t * n + p, t * n + q, c, s);
        }
      }
    }
    if (!rotated) break;
  }
  const w = Float64Array.from({ length: n }, (_, i) => work[i * n + i]);
  const order = [...w.keys()].sort((i, j) => w[i] - w[j]);
  return [Float64Array.from(order, (i) => w[i]), permuteColumns(v, n, n, order)];
}

/** [cos, sin] of the Jacobi rotation zeroing `off` in the symmetric block [[pp, off], [off, qq]]. */
function jacobiRotation(pp: number, qq: number, off: number): [number, number] {
  const tau = (qq - pp) / (2 * off);
  const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
  const c = 1 / Math.sqrt(1 + t * t);
  return [c, t * c];
}

/** (values[i], values[j]) <- (c values[i] - s values[j], s values[i] + c values[j]). */
function rotatePair(values: Float64Array, i: number, j: number, c: number, s: number): void {
  const [x, y] = [values[i], values[j]];
  values[i] = c * x - s * y;
  values[j] = s * x + c * y;
}

/** The columns of a rows x columns matrix in the given order. */
function permuteColumns(matrix: Float64Array, rows: number, columns: number, order: readonly number[]): Float64Array<ArrayBuffer> {
  const out = new Float64Array(rows * columns);
  for (let i = 0; i < rows; i++) order.forEach((from, to) => (out[i * columns + to] = matrix[i * columns + from]));
  return out;
}

/** Outputs work [..., n, n] (scratch), w [..., n] and v [..., n, n] from symmetric a [..., n, n]. */
const eighKernel: Kernel<SquareAttrs> = {
  name: 'eigh',
  cpu([a], [, w, v], { n }) {
    for (let matrix = 0; matrix < matrixCount(a.shape); matrix++) {
      const [values, vectors] = jacobiEigh(a.values.subarray(matrix * n * n, (matrix + 1) * n * n), n);
      w.values.set(values, matrix * n);
      v.values.set(vectors, matrix * n * n);
    }
  },
  webgpu(gpu, [a], [work, w, v], { n }) {
    const buffers = [a.buffer, work.buffer, w.buffer, v.buffer];
    if (n > MAX_MATRIX_SIZE) dispatchJacobiEigh(gpu, matrixCount(a.shape), n, buffers);
    else dispatchLinalg(gpu, 'eigh', matrixCount(a.shape), [n, n, 0], buffers);
  },
};

/**
 * The eigenvalues and eigenvectors of each symmetric matrix of `x` [..., M, M], as
 * keras.ops.eigh: `[w, v]`, w [..., M] ascending and v [..., M, M] orthonormal with the
 * eigenvector of w[i] in column i, so x v = v diag(w). Only the lower triangle of `x` is read
 * (NumPy's default). Cyclic Jacobi rotations, any size: over 64 x 64 on the GPU, a parallel
 * (round-robin) ordering of them. int32 input is cast to float32. Differentiable (symmetric
 * gradient); the eigenvector gradient of repeated eigenvalues omits their mixing.
 *
 * @example
 * const [w, v] = ops.eigh(tensor([[2, 1], [1, 2]]));   // w = [1, 3]
 */
export function eigh(x: Tensor): [Tensor, Tensor] {
  return tidy(() => {
    const matrices = matrixOperand('eigh', 'x', x, true);
    const [work, w, v] = runKernel(eighKernel, [matrices], [{ shape: matrices.shape, dtype: 'float32' }, { shape: matrices.shape.slice(0, -1), dtype: 'float32' }, { shape: matrices.shape, dtype: 'float32' }], { n: matrices.shape[matrices.rank - 1] });
    work.dispose();
    recordGradient('eigh', [matrices], [w], () => ([dw]) => [symmetrize(matmul(mul(v, expandDims(dw, -2)), v, { transposeB: true }))]);
    recordGradient('eigh', [matrices], [v], () => ([dv]) => {
      const gaps = sub(expandDims(w, -2), expandDims(w, -1));
      const inner = divNoNan(matmul(v, dv, { transposeA: true }), gaps);
      return [symmetrize(matmul(matmul(v, inner), v, { transposeB: true }))];
    });
    return [w, v];
  });
}

function symmetrize(x: Tensor): Tensor {
  return mul(add(x, transposeMatrices(x)), 0.5);
}

interface SvdAttrs {
  rows: number;
  columns: number;
  /** Columns of u: `columns` (reduced) or `rows` (complete). */
  uColumns: number;
}

/**
 * One-sided Jacobi SVD (float64) of a rows x columns matrix (rows >= columns): [u, s, v]. u's
 * columns of negligible singular values are an orthonormal completion, or zero when not `complete`.
 */
function jacobiSvd(source: ArrayLike<number>, { rows: m, columns: n, uColumns }: SvdAttrs, complete = true): [Float64Array, Float64Array, Float64Array] {
  const work = Float64Array.from(source);
  let v: Float64Array<ArrayBuffer> = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  const columnDot = (matrix: Float64Array, stride: number, i: number, j: number) => {
    let total = 0;
    for (let t = 0; t < m; t++) total += matrix[t * stride + i] * matrix[t * stride + j];
    return total;
  };
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const [alpha, beta, gamma] = [columnDot(work, n, p, p), columnDot(work, n, q, q), columnDot(work, n, p, q)];
        if (Math.abs(gamma) <= Number.EPSILON * Math.sqrt(alpha * beta) || Math.abs(gamma) < 1e-300) continue;
        rotated = true;
        const [c, s] = jacobiRotation(alpha, beta, gamma);
        for (let t = 0; t < m; t++) rotatePair(work, t * n + p, t * n + q, c, s);
        for (let t = 0; t < n; t++) rotatePair(v, t * n + p, t * n + q, c, s);
      }
    }
    if (!rotated) break;
  }
  const norms = Float64Array.from({ length: n }, (_, j) => Math.sqrt(columnDot(work, n, j, j)));
  const order = [...norms.keys()].sort((i, j) => norms[j] - norms[i]);
  const s = Float64Array.from(order, (i) => norms[i]);
  v = permuteColumns(v, n, n, order);
  const sorted = permuteColumns(work, m, n, order);
  const u = new Float64Array(m * uColumns);
  const negligible = s[0] * m * Number.EPSILON;
  let candidate = 0;
  for (let j = 0; j < uColumns; j++) {
    if (j < n && s[j] > negligible) {
      for (let t = 0; t < m; t++) u[t * uColumns + j] = sorted[t * n + j] / s[j];
      continue;
    }
    if (!complete) continue;
    // Orthonormal completion (s is sorted, so the columns before j are orthonormal already).
    for (;;) {
      for (let t = 0; t < m; t++) u[t * uColumns + j] = t === candidate ? 1 : 0;
      candidate++;
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < j; i++) {
          const overlap = columnDot(u, uColumns, i, j);
          for (let t = 0; t < m; t++) u[t * uColumns + j] -= overlap * u[t * uColumns + i];
        }
      }
      const length = Math.sqrt(columnDot(u, uColumns, j, j));
      if (length > 0.5 || candidate >= m) {
        for (let t = 0; t < m; t++) u[t * uColumns + j] /= length;
        break;
      }
    }
  }
  return [u, s, v];
}

/** Outputs u [..., m, uColumns], s [..., n] and v [..., n, n] from a [..., m, n] with m >= n. */
const svdKernel: Kernel<SvdAttrs> = {
  name: 'svd',
  cpu([a], [u, s, v], attrs) {
    const { rows: m, columns: n, uColumns } = attrs;
    for (let matrix = 0; matrix < matrixCount(a.shape); matrix++) {
      const [uValues, sValues, vValues] = jacobiSvd(a.values.subarray(matrix * m * n, (matrix + 1) * m * n), attrs);
      u.values.set(uValues, matrix * m * uColumns);
      s.values.set(sValues, matrix * n);
      v.values.set(vValues, matrix * n * n);
    }
  },
  webgpu(gpu, [a], [u, s, v], { rows, columns, uColumns }) {
    dispatchLinalg(gpu, 'svd', matrixCount(a.shape), [rows, columns, uColumns], [a.buffer, u.buffer, s.buffer, v.buffer]);
  },
};

/**
 * Outputs u [..., m, n], s [..., n] and v [..., n, n] from a [..., m, n] with m >= n, u's columns
 * of negligible singular values zero (completed by completeSingularVectors): for m over 64.
 */
const largeSvdKernel: Kernel<SvdAttrs> = {
  name: 'svd',
  cpu([a], [u, s, v], attrs) {
    const { rows: m, columns: n } = attrs;
    for (let matrix = 0; matrix < matrixCount(a.shape); matrix++) {
      const [uValues, sValues, vValues] = jacobiSvd(a.values.subarray(matrix * m * n, (matrix + 1) * m * n), attrs, false);
      u.values.set(uValues, matrix * m * n);
      s.values.set(sValues, matrix * n);
      v.values.set(vValues, matrix * n * n);
    }
  },
  webgpu(gpu, [a], [u, s, v], { rows, columns }) {
    dispatchJacobiSvd(gpu, matrixCount(a.shape), rows, columns, [a.buffer, u.buffer, s.buffer, v.buffer]);
  },
};

/**
 * tallSvd's [u, s, v] for m over 64 (on the GPU, parallel Jacobi: linalg_jacobi.ts), u
 * [..., m, uColumns] completed by QR, or [..., m, n] with zero columns for negligible singular
 * values when not `completeU`. Not recorded on the tape.
 */
function largeTallSvd(a: Tensor, uColumns: number, completeU: boolean): [Tensor, Tensor, Tensor] {
  const [m, n] = a.shape.slice(-2);
  const batch = a.shape.slice(0, -2);
  return withoutRecording(() =>
    tidy((): [Tensor, Tensor, Tensor] => {
      const [u, s, v] = runKernel(largeSvdKernel, [a], [{ shape: a.shape, dtype: 'float32' }, { shape: [...batch, n], dtype: 'float32' }, { shape: [...batch, n, n], dtype: 'float32' }], { rows: m, columns: n, uColumns: n });
      return [completeU ? completeSingularVectors(u, uColumns) : u, s, v];
    }),
  );
}

/**
 * [u, s, v] of tall matrices a [..., m, n] (m >= n), a = u[..., :n] diag(s) v^T, with gradients:
 * ds gives u diag(ds) v^T; du and dv the terms of the reduced SVD's derivative (J. Townsend,
 * "Differentiating the singular value decomposition", 2016), from the first n columns of u.
 */
function tallSvd(a: Tensor, fullMatrices: boolean, computeUv: boolean): [Tensor, Tensor, Tensor] {
  const [m, n] = a.shape.slice(-2);
  const batch = a.shape.slice(0, -2);
  const uColumns = fullMatrices && computeUv ? m : n;
  const [u, s, v] = m > MAX_MATRIX_SIZE ? largeTallSvd(a, uColumns, computeUv) : runKernel(svdKernel, [a], [{ shape: [...batch, m, uColumns], dtype: 'float32' }, { shape: [...batch, n], dtype: 'float32' }, { shape: [...batch, n, n], dtype: 'float32' }], { rows: m, columns: n, uColumns });
  const reducedU = () => (uColumns === n ? u : slice(u, [...batch.map(() => 0), 0, 0], [...batch, m, n]));
  recordGradient('svd', [a], [s], () => ([ds]) => [matmul(mul(reducedU(), expandDims(ds, -2)), v, { transposeB: true })]);
  recordGradient('svd', [a], [u, v], () => ([du, dv]) => {
    const uReduced = reducedU();
    const duReduced = uColumns === n ? du : slice(du, [...batch.map(() => 0), 0, 0], [...batch, m, n]);
    const sRow = expandDims(s, -2);
    const squares = square(sRow);
    const inverseGaps = divNoNan(1, sub(squares, transposeMatrices(squares)));
    const uTdu = matmul(uReduced, duReduced, { transposeA: true });
    const vTdv = matmul(v, dv, { transposeA: true });
    const uTerm = mul(mul(inverseGaps, sub(uTdu, transposeMatrices(uTdu))), sRow);
    const vTerm = mul(transposeMatrices(sRow), mul(inverseGaps, sub(vTdv, transposeMatrices(vTdv))));
    const core = matmul(matmul(uReduced, add(uTerm, vTerm)), v, { transposeB: true });
    const orthogonalPart = sub(duReduced, matmul(uReduced, uTdu));
    return [add(core, matmul(divNoNan(orthogonalPart, sRow), v, { transposeB: true }))];
  });
  return [u, s, v];
}

/** Options of `svd`, camelCase forms of keras.ops.svd's arguments. */
export interface SvdOptions {
  /** u of shape [..., M, M] and vh [..., N, N] (default true), or [..., M, K] and [..., K, N]. */
  fullMatrices?: boolean;
  /** Return [u, s, vh] (default true) or only s. */
  computeUv?: boolean;
}

/**
 * The singular value decomposition of each matrix of `x` [..., M, N], as keras.ops.svd:
 * `[u, s, vh]` with x = u[..., :K] diag(s) vh[..., :K, :] (K = min(M, N)), s [..., K]
 * descending and non-negative, u and vh with orthonormal columns and rows. `fullMatrices`
 * (default true) gives square u [..., M, M] and vh [..., N, N], completed with orthonormal
 * vectors; false gives u [..., M, K] and vh [..., K, N]. With `computeUv` false, only s is
 * returned. One-sided Jacobi rotations, any size: over 64 rows or columns, a parallel
 * (round-robin) ordering of them on the GPU, and u's completion taken from its QR. int32 input is
 * cast to float32.
 * Differentiable (the singular vectors' gradient assumes distinct singular values and is taken
 * through the first K columns of u and rows of vh).
 *
 * @example
 * const [u, s, vh] = ops.svd(tensor([[3, 0], [0, -2]]));   // s = [3, 2]
 */
export function svd(x: Tensor, options?: SvdOptions & { computeUv?: true }): [Tensor, Tensor, Tensor];
export function svd(x: Tensor, options: SvdOptions & { computeUv: false }): Tensor;
export function svd(x: Tensor, options?: SvdOptions): Tensor | [Tensor, Tensor, Tensor];
export function svd(x: Tensor, options: SvdOptions = {}): Tensor | [Tensor, Tensor, Tensor] {
  const { fullMatrices = true, computeUv = true } = options;
  for (const [name, value] of [['fullMatrices', fullMatrices], ['computeUv', computeUv]] as const) {
    if (typeof value !== 'boolean') throw new Error(`svd: Invalid value for option ${name}. Expected a boolean. Received: ${name}=${String(value)}.`);
  }
  return tidy((): Tensor | [Tensor, Tensor, Tensor] => {
    const matrices = matrixOperand('svd', 'x', x, false);
    const [m, n] = matrices.shape.slice(-2);
    const wide = m < n;
    const [u, s, v] = tallSvd(wide ? transposeMatrices(matrices) : matrices, fullMatrices, computeUv);
    if (!computeUv) return s;
    // A wide x is the transpose of a tall one: x^T = u s v^T gives x = v s u^T.
    return wide ? [v, s, transposeMatrices(u)] : [u, s, transposeMatrices(v)];
  });
}

/** Options of `qr`. */
export type QrMode = 'reduced' | 'complete';

/** Outputs q [..., m, m] and r [..., m, n] from a [..., m, n], by Householder reflections. */
const qrKernel: Kernel<{ rows: number; columns: number }> = {
  name: 'qr',
  cpu([a], [q, r], { rows: m, columns: n }) {
    for (let matrix = 0; matrix < matrixCount(a.shape); matrix++) {
      const rm = Float64Array.from(a.values.subarray(matrix * m * n, (matrix + 1) * m * n));
      const qm = new Float64Array(m * m);
      for (let i = 0; i < m; i++) qm[i * m + i] = 1;
      for (let j = 0; j < Math.min(m - 1, n); j++) {
        let normSquared = 0;
        for (let i = j; i < m; i++) normSquared += rm[i * n + j] ** 2;
        if (normSquared === 0) continue;
        const alpha = -(rm[j * n + j] >= 0 ? 1 : -1) * Math.sqrt(normSquared);
        const reflector = Float64Array.from({ length: m - j }, (_, t) => rm[(j + t) * n + j] - (t === 0 ? alpha : 0));
        const scale = 2 / reflector.reduce((total, value) => total + value * value, 0);
        for (let c = j; c < n; c++) {
          const projection = reflector.reduce((total, value, t) => total + value * rm[(j + t) * n + c], 0);
          reflector.forEach((value, t) => (rm[(j + t) * n + c] -= scale * projection * value));
        }
        for (let row = 0; row < m; row++) {
          const projection = reflector.reduce((total, value, t) => total + value * qm[row * m + j + t], 0);
          reflector.forEach((value, t) => (qm[row * m + j + t] -= scale * projection * value));
        }
        for (let i = j + 1; i < m; i++) rm[i * n + j] = 0;
      }
      q.values.set(qm, matrix * m * m);
      r.values.set(rm, matrix * m * n);
    }
  },
  webgpu(gpu, [a], [q, r], { rows, columns }) {
    dispatchLinalg(gpu, 'qr', matrixCount(a.shape), [rows, columns, 0], [a.buffer, q.buffer, r.buffer]);
  },
};

/**
 * The QR decomposition of each matrix of `x` [..., M, N], as keras.ops.qr: `[q, r]` with x = q r,
 * q with orthonormal columns and r upper triangular. `mode` 'reduced' (default) gives q
 * [..., M, K] and r [..., K, N] (K = min(M, N)); 'complete' gives q [..., M, M] and r [..., M, N].
 * Householder reflections, so signs match LAPACK's (r's diagonal may be negative); any size (over
 * 64 x 64, one GPU dispatch per column, and only the columns of q asked for are formed). int32
 * input is cast to float32. Differentiable for M >= N of full column rank in 'reduced' mode (and square x
 * in either mode); wide x and a complete tall x have no gradient.
 *
 * @example
 * const [q, r] = ops.qr(tensor([[1, 2], [3, 4], [5, 6]]));   // q: [3, 2], r: [2, 2]
 */
export function qr(x: Tensor, mode: QrMode = 'reduced'): [Tensor, Tensor] {
  if (mode !== 'reduced' && mode !== 'complete') {
    throw new Error(`qr: Invalid value for argument mode. Expected one of {'reduced', 'complete'}. Received: mode=${JSON.stringify(mode)}.`);
  }
  return tidy(() => {
    const matrices = matrixOperand('qr', 'x', x, false);
    const [m, n] = matrices.shape.slice(-2);
    const batch = matrices.shape.slice(0, -2);
    const k = Math.min(m, n);
    const [q, r] = withoutRecording(() =>
      m > MAX_MATRIX_SIZE || n > MAX_MATRIX_SIZE
        ? householderQr(matrices, mode === 'complete' ? m : k)
        : runKernel(qrKernel, [matrices], [{ shape: [...batch, m, m], dtype: 'float32' }, { shape: matrices.shape, dtype: 'float32' }], { rows: m, columns: n }),
    );
    const origin = [...batch.map(() => 0), 0, 0];
    const [qOut, rOut] = mode === 'complete' || k === m ? [q, r] : [q.shape[q.rank - 1] === k ? q : slice(q, origin, [...batch, m, k]), slice(r, origin, [...batch, k, n])];
    if (m >= n && (mode === 'reduced' || m === n)) recordGradient('qr', [matrices], [qOut, rOut], () => ([dq, dr]) => [qrGradient(qOut, rOut, dq, dr)]);
    return [qOut, rOut];
  });
}

/**
 * The gradient of x [..., m, n] (m >= n) from those of its reduced QR factors: with
 * M = lower triangle of (Q^T dQ - dQ^T Q + R dR^T - dR R^T), dx = Q (dR + M R^-T) + (dQ - Q Q^T dQ) R^-T
 * (M. Seeger et al., "Auto-differentiating linear algebra", 2017). R must be invertible.
 */
function qrGradient(q: Tensor, r: Tensor, dq: Tensor, dr: Tensor): Tensor {
  const timesInverseRTransposed = (x: Tensor) => transposeMatrices(solveTriangular(r, transposeMatrices(x), false));
  const qTdq = matmul(q, dq, { transposeA: true });
  const rdrT = matmul(r, dr, { transposeB: true });
  const lower = tril(add(sub(qTdq, transposeMatrices(qTdq)), sub(rdrT, transposeMatrices(rdrT))));
  const inRange = matmul(q, add(dr, timesInverseRTransposed(lower)));
  return add(inRange, timesInverseRTransposed(sub(dq, matmul(q, qTdq))));
}

/** v diag(1 / s) u^T over the singular values above `rcond` times the largest (0 for the others). */
function pseudoInverse(matrices: Tensor, rcond: number): Tensor {
  const [u, s, vh] = svd(matrices, { fullMatrices: false });
  const cutoff = mul(max(s, -1, true), rcond);
  const inverseValues = where(greater(s, cutoff), divNoNan(1, s), 0);
  return matmul(mul(transposeMatrices(vh), expandDims(inverseValues, -2)), u, { transposeB: true });
}

function checkCutoff(op: string, name: string, value: number | undefined): void {
  if (value !== undefined && (typeof value !== 'number' || !(value >= 0))) {
    throw new Error(`${op}: Invalid value for argument ${name}. Expected a non-negative number or undefined. Received: ${name}=${String(value)}.`);
  }
}

/**
 * The Moore-Penrose pseudo-inverse of each matrix of `x` [..., M, N], as keras.ops.pinv: shape
 * [..., N, M], from the SVD, singular values at or below `rcond` times the largest treated as
 * zero. `rcond` defaults to max(M, N) * float32 epsilon (NumPy 2's default). Differentiable.
 *
 * @example
 * ops.pinv(tensor([[1, 2], [3, 4], [5, 6]]));   // [[-1.3333, -0.3333, 0.6667], [1.0833, 0.3333, -0.4167]]
 */
export function pinv(x: Tensor, rcond?: number): Tensor {
  checkCutoff('pinv', 'rcond', rcond);
  return tidy(() => {
    const matrices = matrixOperand('pinv', 'x', x, false);
    const [m, n] = matrices.shape.slice(-2);
    return pseudoInverse(matrices, rcond ?? Math.max(m, n) * FLOAT32_EPSILON);
  });
}

/**
 * The least-squares solution x of `a x = b`, as keras.ops.lstsq: `a` [M, N], `b` [M] or [M, K],
 * x [N] or [N, K] minimizing |b - a x| (the one of least norm when several do). Singular values
 * of `a` below `rcond` times the largest count as zero; `rcond` defaults to max(M, N) * float32
 * epsilon (NumPy's default). Only the solution is returned, as in Keras. Differentiable.
 *
 * @example
 * ops.lstsq(tensor([[1, 2], [3, 4], [5, 6]]), tensor([1, 2, 4]));   // [0.6667, 0.0833]
 */
export function lstsq(a: Tensor, b: Tensor, rcond?: number): Tensor {
  checkTensor('lstsq', a);
  checkTensor('lstsq', b);
  checkCutoff('lstsq', 'rcond', rcond);
  if (a.rank !== 2) throw new Error(`lstsq: Invalid value for argument a. Expected a tensor of rank 2. Received: a of shape ${formatShape(a.shape)}.`);
  if ((b.rank !== 1 && b.rank !== 2) || b.shape[0] !== a.shape[0]) {
    throw new Error(`lstsq: Invalid value for argument b. Expected a tensor of shape [${a.shape[0]}] or [${a.shape[0]}, K] (as many rows as a, of shape ${formatShape(a.shape)}). Received: b of shape ${formatShape(b.shape)}.`);
  }
  return tidy(() => {
    const matrix = matrixOperand('lstsq', 'a', a, false);
    const rhs = b.dtype === 'float32' ? b : cast(b, 'float32');
    const inverse = pseudoInverse(matrix, rcond ?? Math.max(...a.shape) * FLOAT32_EPSILON);
    return b.rank === 1 ? squeeze(matmul(inverse, expandDims(rhs, -1)), -1) : matmul(inverse, rhs);
  });
}

/**
 * The rank of each matrix of `x` [..., M, N], as keras.ops.matrix_rank: the number of singular
 * values above `tol`, int32 of shape [...]. `tol` defaults to the largest singular value times
 * max(M, N) times float32 epsilon (NumPy's default).
 *
 * @example
 * ops.matrixRank(tensor([[1, 2], [2, 4]]));   // 1
 */
export function matrixRank(x: Tensor, tol?: number): Tensor {
  checkCutoff('matrixRank', 'tol', tol);
  return tidy(() => {
    const matrices = matrixOperand('matrixRank', 'x', x, false);
    const [m, n] = matrices.shape.slice(-2);
    const s = svd(matrices, { computeUv: false });
    const threshold = tol ?? mul(max(s, -1, true), Math.max(m, n) * FLOAT32_EPSILON);
    return sum(cast(greater(s, threshold), 'int32'), -1);
  });
}
