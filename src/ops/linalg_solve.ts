// Linear systems and determinants of batches of square matrices, Keras 3 names: luFactor, solve,
// solveTriangular, inv, det, slogdet, logdet, matrixPower and choleskyInverse. luFactor, solve and
// solveTriangular are kernels for matrices up to MAX_MATRIX_SIZE (shaders/linalg.wgsl; CPU versions
// here, in float64), and blocked algorithms above it on both backends (see linalg_blocked.ts): the
// LU by panels and matmul updates, triangular solves by diagonal blocks and matmul updates, solve
// by the LU and two triangular solves. The rest are composites of them, matmul and element-wise
// ops. Gradients: solve and solveTriangular have rules written with solves of the transposed
// system; det, slogdet and logdet use d log|det A| / dA = inv(A)^T; inv, matrixPower and
// choleskyInverse follow by composition. Singular matrices are not reported (that would need a
// readback): they give Inf or NaN, where NumPy raises LinAlgError.

import { formatShape } from '../backend/types';
import { recordGradient, withoutRecording } from '../autograd/tape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { clone } from './clone';
import { eye, range } from './creation';
import { abs, add, cast, log, mod, mul, neg, notEqual, sign, sub } from './elementwise';
import { runKernel, runKernel1, type Kernel } from './kernel';
import { dispatchLinalg, matrixCount, matrixOperand, MAX_MATRIX_SIZE, swapRows, transposeMatrices } from './linalg_batch';
import { applyPivots, block, BLOCK_SIZE, blockStarts, luPanel } from './linalg_blocked';
import { matmul } from './matmul';
import { diagonal } from './numpy_extras';
import { tril, triu } from './rearrange';
import { prod, sum } from './reduce';
import { broadcastTo, concat, expandDims, squeeze } from './shape';
import { broadcastShapes } from './shape_util';
import { checkTensor } from './validate';

interface MatrixAttrs {
  rows: number;
  columns: number;
}

/** Output lu [..., m, n] (float32) and pivots [..., min(m, n)] (int32) from a [..., m, n]. */
const luFactorKernel: Kernel<MatrixAttrs> = {
  name: 'luFactor',
  cpu([a], [lu, pivots], { rows, columns }) {
    const steps = Math.min(rows, columns);
    for (let matrix = 0; matrix < matrixCount(a.shape); matrix++) {
      const base = matrix * rows * columns;
      const work = Float64Array.from(a.values.subarray(base, base + rows * columns));
      for (let j = 0; j < steps; j++) {
        let pivot = j;
        for (let i = j + 1; i < rows; i++) if (Math.abs(work[i * columns + j]) > Math.abs(work[pivot * columns + j])) pivot = i;
        pivots.values[matrix * steps + j] = pivot;
        swapRows(work, columns, j, pivot, 0);
        const diagonalValue = work[j * columns + j];
        if (diagonalValue === 0) continue;
        for (let i = j + 1; i < rows; i++) {
          const factor = (work[i * columns + j] /= diagonalValue);
          for (let c = j + 1; c < columns; c++) work[i * columns + c] -= factor * work[j * columns + c];
        }
      }
      lu.values.set(work, base);
    }
  },
  webgpu(gpu, [a], [lu, pivots], { rows, columns }) {
    dispatchLinalg(gpu, 'lu_factor', matrixCount(a.shape), [rows, columns, 0], [a.buffer, lu.buffer, pivots.buffer]);
  },
};

interface SystemAttrs {
  /** Order of the square matrices. */
  n: number;
  /** Columns of the right-hand sides. */
  k: number;
  lower: boolean;
}

/**
 * Outputs work [..., n, n] (scratch: a after elimination) and x [..., n, k] with a x = b, from
 * a [..., n, n] and b [..., n, k] of the same batch shape.
 */
const solveKernel: Kernel<SystemAttrs> = {
  name: 'solve',
  cpu([a, b], [work, x], { n, k }) {
    for (let matrix = 0; matrix < matrixCount(a.shape); matrix++) {
      const [base, rhs] = [matrix * n * n, matrix * n * k];
      const m = Float64Array.from(a.values.subarray(base, base + n * n));
      const y = Float64Array.from(b.values.subarray(rhs, rhs + n * k));
      for (let j = 0; j < n; j++) {
        let pivot = j;
        for (let i = j + 1; i < n; i++) if (Math.abs(m[i * n + j]) > Math.abs(m[pivot * n + j])) pivot = i;
        swapRows(m, n, j, pivot, j);
        swapRows(y, k, j, pivot, 0);
        for (let i = j + 1; i < n; i++) {
          const factor = m[i * n + j] / m[j * n + j];
          for (let c = j + 1; c < n; c++) m[i * n + c] -= factor * m[j * n + c];
          for (let c = 0; c < k; c++) y[i * k + c] -= factor * y[j * k + c];
        }
      }
      backSubstitute(m, y, n, k, false);
      work.values.set(m, base);
      x.values.set(y, rhs);
    }
  },
  webgpu(gpu, [a, b], [work, x], { n, k }) {
    dispatchLinalg(gpu, 'solve', matrixCount(a.shape), [n, n, k], [a.buffer, b.buffer, work.buffer, x.buffer]);
  },
};

/**
 * Overwrites y (n x k) with the solution of t x = y for a triangular t (n x n, row-major), reading
 * only t's lower (`lower`) or upper triangle.
 */
function backSubstitute(t: ArrayLike<number>, y: Float64Array, n: number, k: number, lower: boolean): void {
  for (let step = 0; step < n; step++) {
    const i = lower ? step : n - 1 - step;
    for (let c = 0; c < k; c++) {
      let total = y[i * k + c];
      const [from, to] = lower ? [0, i] : [i + 1, n];
      for (let j = from; j < to; j++) total -= t[i * n + j] * y[j * k + c];
      y[i * k + c] = total / t[i * n + i];
    }
  }
}

/** Output x [..., n, k] with a x = b for triangular a [..., n, n] and b [..., n, k]. */
const solveTriangularKernel: Kernel<SystemAttrs> = {
  name: 'solveTriangular',
  cpu([a, b], [x], { n, k, lower }) {
    for (let matrix = 0; matrix < matrixCount(a.shape); matrix++) {
      const y = Float64Array.from(b.values.subarray(matrix * n * k, (matrix + 1) * n * k));
      backSubstitute(a.values.subarray(matrix * n * n, (matrix + 1) * n * n), y, n, k, lower);
      x.values.set(y, matrix * n * k);
    }
  },
  webgpu(gpu, [a, b], [x], { n, k, lower }) {
    dispatchLinalg(gpu, 'solve_triangular', matrixCount(a.shape) * k, [n, n, k], [a.buffer, b.buffer, x.buffer], { LOWER: lower });
  },
};

/**
 * The LU factorization with partial pivoting of each matrix of `x` [..., M, N], as
 * keras.ops.lu_factor (scipy.linalg.lu_factor): `[lu, pivots]`, where `lu` [..., M, N] holds U in
 * its upper triangle and the multipliers of the unit lower triangular L below the diagonal, and
 * `pivots` (int32, [..., min(M, N)]) says that row i was swapped with row pivots[i] at step i
 * (0-based). Any size: matrices over 64 x 64 are factored in panels of 64 columns (LAPACK's
 * blocked getrf). int32 input is cast to float32. Not differentiable.
 *
 * @example
 * const [lu, pivots] = ops.luFactor(tensor([[1, 2], [3, 4]]));   // [[3, 4], [1/3, 2/3]], [1, 1]
 */
export function luFactor(x: Tensor): [Tensor, Tensor] {
  const matrices = matrixOperand('luFactor', 'x', x, false);
  const outputs = factorLu(matrices);
  if (matrices !== x) matrices.dispose();
  return outputs;
}

/** [lu, pivots] of float32 matrices [..., m, n]: the kernel up to MAX_MATRIX_SIZE, blocked above. */
function factorLu(matrices: Tensor): [Tensor, Tensor] {
  const [rows, columns] = matrices.shape.slice(-2);
  if (rows > MAX_MATRIX_SIZE || columns > MAX_MATRIX_SIZE) return withoutRecording(() => blockedLuFactor(matrices));
  const batch = matrices.shape.slice(0, -2);
  const outputs = runKernel(luFactorKernel, [matrices], [{ shape: matrices.shape, dtype: 'float32' }, { shape: [...batch, Math.min(rows, columns)], dtype: 'int32' }], { rows, columns });
  return [outputs[0], outputs[1]];
}

/**
 * Right-looking blocked LU of matrices [..., m, n]: each round factors a panel of BLOCK_SIZE
 * columns (pivots searched over all rows below), solves the unit lower triangle of its top block
 * for the rows of U to its right, and updates the rows below by one matmul. Each round's rows of
 * the result are final once made; the work matrix shrinks by a block of rows per round.
 */
function blockedLuFactor(matrices: Tensor): [Tensor, Tensor] {
  return tidy(() => {
    const [rows, columns] = matrices.shape.slice(-2);
    const steps = Math.min(rows, columns);
    const finishedRows: Tensor[] = [];
    const pivots: Tensor[] = [];
    let work: Tensor | null = matrices;
    for (let start = 0; work && start < steps; start += BLOCK_SIZE) {
      const current: Tensor = work;
      const [finished, panelPivots, next] = tidy(() => luRound(current, start, Math.min(BLOCK_SIZE, steps - start)));
      if (current !== matrices) current.dispose();
      finishedRows.push(finished);
      pivots.push(panelPivots);
      work = next;
    }
    return [concat(finishedRows, -2), concat(pivots, -1)];
  });
}

/**
 * One round of the blocked LU: `work` [..., r, n] holds rows `start`.. of the matrix being
 * factored (left of column `start`, their final L multipliers but for later row swaps). Returns
 * [the `width` rows this round finishes, with all n columns; the panel's pivots; the updated rows
 * below them for the next round, or null when none remain or every column is factored].
 */
function luRound(work: Tensor, start: number, width: number): [Tensor, Tensor, Tensor | null] {
  const [rows, columns] = work.shape.slice(-2);
  const [panel, pivots] = luPanel(work, start, width, start);
  const right = columns - start - width;
  const below = rows - width;
  // Every column factored: the rows below the panel (a tall matrix's) hold only L.
  if (right === 0) return [panel, pivots, null];
  const unitLower = add(tril(block(panel, 0, width, start, width), -1), eye(width));
  const upperRight = solveTriangularMatrices(unitLower, block(panel, 0, width, start + width, right), true);
  const finished = concat([block(panel, 0, width, 0, start + width), upperRight], -1);
  if (below === 0) return [finished, pivots, null];
  const lowerLeft = block(panel, width, below, start, width);
  const trailing = sub(block(panel, width, below, start + width, right), matmul(lowerLeft, upperRight));
  return [finished, pivots, concat([block(panel, width, below, 0, start + width), trailing], -1)];
}

/**
 * Checks the right-hand side of a system with matrices `a` [..., n, n]: a batch of vectors when
 * it has one axis fewer than `a` (Keras's rule), otherwise of matrices [..., n, k]. Returns both
 * broadcast to a common batch shape, b as matrices, and whether b was vectors.
 */
function prepareSystem(op: string, a: Tensor, b: Tensor): { a: Tensor; b: Tensor; vector: boolean } {
  const matrices = matrixOperand(op, 'a', a, true);
  checkTensor(op, b);
  const n = matrices.shape[matrices.rank - 1];
  const vector = b.rank === matrices.rank - 1;
  const rhsRows = vector ? b.shape[b.rank - 1] : b.shape[b.rank - 2];
  if (b.rank === 0 || rhsRows !== n) {
    throw new Error(
      `${op}: Invalid value for argument b. Expected ${n} rows to match a (shape ${formatShape(a.shape)}): a tensor of shape [..., ${n}] or [..., ${n}, K]. Received: b of shape ${formatShape(b.shape)}.`,
    );
  }
  const rhs = vector ? expandDims(b, -1) : b;
  const batch = broadcastShapes(op, matrices.shape.slice(0, -2), rhs.shape.slice(0, -2));
  const floatRhs = rhs.dtype === 'float32' ? rhs : cast(rhs, 'float32');
  return { a: broadcastTo(matrices, [...batch, n, n]), b: broadcastTo(floatRhs, [...batch, n, rhs.shape[rhs.rank - 1]]), vector };
}

/**
 * The solution x of `a x = b` for square `a` [..., M, M], as keras.ops.solve (numpy.linalg.solve):
 * `b` is a batch of vectors [..., M] when it has one axis fewer than `a`, otherwise of matrices
 * [..., M, K]; the result has b's shape (batch axes broadcast). Gaussian elimination with partial
 * pivoting (over 64 x 64: the blocked LU, then blocked forward and back substitution); a singular
 * `a` gives Inf or NaN instead of an error. Differentiable in both operands.
 *
 * @example
 * ops.solve(tensor([[2, 0], [0, 4]]), tensor([2, 2]));   // [1, 0.5]
 */
export function solve(a: Tensor, b: Tensor): Tensor {
  return tidy(() => {
    const system = prepareSystem('solve', a, b);
    const x = solveSystem(system.a, system.b);
    return system.vector ? squeeze(x, -1) : x;
  });
}

/** x with a x = b for a [..., n, n] and b [..., n, k] of one batch shape, with its gradient. */
function solveSystem(a: Tensor, b: Tensor): Tensor {
  const x = withoutRecording(() => solveMatrices(a, b));
  recordGradient('solve', [a, b], [x], () => ([dx]) => {
    const db = solveSystem(transposeMatrices(a), dx);
    return [neg(matmul(db, x, { transposeB: true })), db];
  });
  return x;
}

/**
 * x with a x = b for a [..., n, n] and b [..., n, k] of one batch shape: the kernel up to
 * MAX_MATRIX_SIZE; above, the blocked LU of a, its row swaps applied to b, then forward and back
 * substitution (LAPACK's getrs).
 */
function solveMatrices(a: Tensor, b: Tensor): Tensor {
  const [n, k] = b.shape.slice(-2);
  if (n > MAX_MATRIX_SIZE) {
    return tidy(() => {
      const [lu, pivots] = blockedLuFactor(a);
      const unitLower = add(tril(lu, -1), eye(n));
      return solveTriangularMatrices(lu, solveTriangularMatrices(unitLower, applyPivots(pivots, b), true), false);
    });
  }
  const [work, x] = runKernel(solveKernel, [a, b], [{ shape: a.shape, dtype: 'float32' }, { shape: b.shape, dtype: 'float32' }], { n, k, lower: false });
  work.dispose();
  return x;
}

/**
 * The solution x of `a x = b` for triangular `a` [..., M, M], as keras.ops.solve_triangular:
 * only the lower (`lower` true) or upper (default) triangle of `a` is read, the rest ignored.
 * `b` is [..., M] (one axis fewer than `a`) or [..., M, K]; the result has b's shape. A zero on
 * the diagonal gives Inf or NaN. Any size (over 64 x 64, blocked: small solves of diagonal blocks
 * and matmul updates). Differentiable in both operands (a's gradient keeps its triangle).
 *
 * @example
 * ops.solveTriangular(tensor([[2, 0], [1, 1]]), tensor([2, 3]), true);   // [1, 2]
 */
export function solveTriangular(a: Tensor, b: Tensor, lower = false): Tensor {
  if (typeof lower !== 'boolean') throw new Error(`solveTriangular: Invalid value for argument lower. Expected a boolean. Received: lower=${String(lower)}.`);
  return tidy(() => {
    const system = prepareSystem('solveTriangular', a, b);
    const x = solveTriangularSystem(system.a, system.b, lower);
    return system.vector ? squeeze(x, -1) : x;
  });
}

function solveTriangularSystem(a: Tensor, b: Tensor, lower: boolean): Tensor {
  const x = withoutRecording(() => solveTriangularMatrices(a, b, lower));
  recordGradient('solveTriangular', [a, b], [x], () => ([dx]) => {
    const db = solveTriangularSystem(transposeMatrices(a), dx, !lower);
    const da = neg(matmul(db, x, { transposeB: true }));
    return [lower ? tril(da) : triu(da), db];
  });
  return x;
}

/**
 * x with a x = b for triangular a [..., n, n] and b [..., n, k] of one batch shape, reading only
 * a's lower (`lower`) or upper triangle: the kernel up to MAX_MATRIX_SIZE, blocked above.
 */
function solveTriangularMatrices(a: Tensor, b: Tensor, lower: boolean): Tensor {
  const [n, k] = b.shape.slice(-2);
  if (n > MAX_MATRIX_SIZE) return blockedTriangularSolve(a, b, lower);
  return runKernel1(solveTriangularKernel, [a, b], { shape: b.shape, dtype: 'float32' }, { n, k, lower });
}

/**
 * Blocked substitution: the diagonal blocks in order (top down for `lower`, bottom up otherwise),
 * each solved by the kernel for its rows of x, which one matmul then removes from the rows of b
 * still to be solved. Only blocks inside a's triangle are read.
 */
function blockedTriangularSolve(a: Tensor, b: Tensor, lower: boolean): Tensor {
  return tidy(() => {
    const [n, k] = b.shape.slice(-2);
    const solved: Tensor[] = [];
    // The rows of b still to be solved, updated: rows start.. (lower) or ..start + width (upper).
    let remaining = b;
    const starts = blockStarts(n);
    for (const start of lower ? starts : starts.reverse()) {
      const width = Math.min(BLOCK_SIZE, n - start);
      const current = remaining;
      const [blockSolution, next] = tidy((): [Tensor, Tensor | null] => {
        const x = solveTriangularMatrices(block(a, start, width, start, width), block(current, lower ? 0 : start, width, 0, k), lower);
        const [rowStart, rowCount] = lower ? [start + width, n - start - width] : [0, start];
        if (rowCount === 0) return [x, null];
        const update = matmul(block(a, rowStart, rowCount, start, width), x);
        return [x, sub(block(current, lower ? width : 0, rowCount, 0, k), update)];
      });
      if (current !== b) current.dispose();
      solved.push(blockSolution);
      if (next) remaining = next;
    }
    return concat(lower ? solved : solved.reverse(), -2);
  });
}

/**
 * The inverse of each square matrix of `x` [..., M, M], as keras.ops.inv: `solve(x, I)`. A
 * singular matrix gives Inf or NaN. int32 input is cast to float32. Differentiable.
 *
 * @example
 * ops.inv(tensor([[2, 0], [0, 4]]));   // [[0.5, 0], [0, 0.25]]
 */
export function inv(x: Tensor): Tensor {
  return tidy(() => {
    const matrices = matrixOperand('inv', 'x', x, true);
    return solve(matrices, broadcastTo(eye(x.shape[x.rank - 1]), x.shape));
  });
}

/** [permutation sign, diagonal of U] of the LU factorization of square matrices [..., n, n]. */
function luParts(x: Tensor): [Tensor, Tensor] {
  const [lu, pivots] = luFactor(x);
  const n = x.shape[x.rank - 1];
  const swaps = sum(cast(notEqual(pivots, range(0, n, 1, 'int32')), 'float32'), -1);
  return [sub(1, mul(mod(swaps, 2), 2)), diagonal(lu, 0, -2, -1)];
}

/** Records d f / dA = g * scale * inv(A)^T, the gradient of det (scale = det) and log|det| (scale = 1). */
function recordDeterminantGradient(op: string, a: Tensor, output: Tensor, scale: Tensor | null): void {
  recordGradient(op, [a], [output], () => ([dOutput]) => {
    const weight = expandDims(expandDims(scale ? mul(dOutput, scale) : dOutput, -1), -1);
    return [mul(weight, transposeMatrices(inv(a)))];
  });
}

/**
 * The determinant of each square matrix of `x` [..., M, M], as keras.ops.det: shape [...]. From
 * the LU factorization (product of U's diagonal and the permutation's sign). int32 input is cast
 * to float32. Differentiable: d det / dx = det * inv(x)^T (NaN for a singular matrix).
 *
 * @example
 * ops.det(tensor([[1, 2], [3, 4]]));   // -2
 */
export function det(x: Tensor): Tensor {
  const matrices = matrixOperand('det', 'x', x, true);
  const value = tidy(() => {
    const [permutationSign, diagonalValues] = luParts(matrices);
    return mul(permutationSign, prod(diagonalValues, -1));
  });
  recordDeterminantGradient('det', matrices, value, value);
  if (matrices !== x) matrices.dispose();
  return value;
}

/**
 * The sign and the natural log of the absolute value of the determinant of each square matrix of
 * `x` [..., M, M], as keras.ops.slogdet: `[sign, logabsdet]`, each of shape [...]; a singular
 * matrix gives sign 0 and logabsdet -Infinity. Stabler than log(det(x)) for large or tiny
 * determinants. int32 input is cast to float32. logabsdet is differentiable (d/dx = inv(x)^T).
 *
 * @example
 * const [sign, logabsdet] = ops.slogdet(tensor([[1, 2], [3, 4]]));   // -1, log(2)
 */
export function slogdet(x: Tensor): [Tensor, Tensor] {
  const matrices = matrixOperand('slogdet', 'x', x, true);
  const [signValue, logAbs] = tidy(() => {
    const [permutationSign, diagonalValues] = luParts(matrices);
    return [mul(permutationSign, prod(sign(diagonalValues), -1)), sum(log(abs(diagonalValues)), -1)];
  });
  recordDeterminantGradient('slogdet', matrices, logAbs, null);
  if (matrices !== x) matrices.dispose();
  return [signValue, logAbs];
}

/**
 * The natural log of the absolute value of the determinant of each square matrix of `x`, as
 * keras.ops.logdet (which returns slogdet's logabsdet, so a negative determinant is not NaN).
 * Differentiable.
 *
 * @example
 * ops.logdet(tensor([[2, 0], [0, 3]]));   // log(6) = 1.7918
 */
export function logdet(x: Tensor): Tensor {
  const [signValue, logAbs] = slogdet(x);
  signValue.dispose();
  return logAbs;
}

/**
 * Each square matrix of `x` [..., M, M] raised to the integer power `n`, as
 * keras.ops.matrix_power: repeated squaring, the identity for n = 0 and powers of inv(x) for
 * n < 0. int32 `x` gives int32 for n >= 0 (exact while values stay below 2^24) and float32 for
 * n < 0. Differentiable for float32 `x`.
 *
 * @example
 * ops.matrixPower(tensor([[1, 2], [3, 4]]), 3);   // [[37, 54], [81, 118]]
 */
export function matrixPower(x: Tensor, n: number): Tensor {
  if (!Number.isInteger(n)) throw new Error(`matrixPower: Invalid value for argument n. Expected an integer. Received: n=${String(n)}.`);
  const matrices = matrixOperand('matrixPower', 'x', x, true);
  const result = tidy(() => {
    const size = matrices.shape[matrices.rank - 1];
    let base = n < 0 ? inv(matrices) : matrices;
    let power: Tensor | null = null;
    for (let remaining = Math.abs(n); remaining > 0; remaining = Math.floor(remaining / 2)) {
      if (remaining % 2 === 1) power = power ? matmul(power, base) : base;
      if (remaining > 1) base = matmul(base, base);
    }
    const value = power ?? broadcastTo(eye(size), matrices.shape);
    if (x.dtype === 'int32' && n >= 0) return cast(value, 'int32');
    // n = 1: a copy, so that disposing the result leaves x alive.
    return value === x ? clone(x) : value;
  });
  if (matrices !== x) matrices.dispose();
  return result;
}

/**
 * The inverse of `a = L L^T` from its Cholesky factor `x` = L [..., M, M] (lower, the default),
 * or of `a = U^T U` from U with `upper` true, as keras.ops.cholesky_inverse. Only the factor's
 * triangle is read. Differentiable.
 *
 * @example
 * ops.choleskyInverse(tensor([[2, 0], [1, 3]]));   // inv([[4, 2], [2, 10]]) = [[0.2778, -0.0556], [-0.0556, 0.1111]]
 */
export function choleskyInverse(x: Tensor, upper = false): Tensor {
  if (typeof upper !== 'boolean') throw new Error(`choleskyInverse: Invalid value for argument upper. Expected a boolean. Received: upper=${String(upper)}.`);
  return tidy(() => {
    const factor = matrixOperand('choleskyInverse', 'x', x, true);
    const factorInverse = solveTriangular(factor, broadcastTo(eye(x.shape[x.rank - 1]), x.shape), !upper);
    return upper ? matmul(factorInverse, factorInverse, { transposeB: true }) : matmul(factorInverse, factorInverse, { transposeA: true });
  });
}
