// Linear algebra beyond 64 x 64: cholesky, luFactor, solve, solveTriangular, inv, det and slogdet
// of matrices that take the blocked algorithms (src/ops/linalg_blocked.ts), on WebGPU and on the
// CPU backend, against float64 references written here (a plain partially pivoted LU, forward and
// back substitution), identities (L L^T = A, P A = L U, inv(A) A = I), residuals, finite
// differences of the float64 references for the gradients, and the GPU against the CPU backend.
// qr, eigh, svd and eig over 64 x 64 have tests of their own (linalg_qr_large, linalg_jacobi_large,
// linalg_eig_large).

import { describe, expect, it } from 'vitest';
import { GradientTape, memory, ops, setBackend, tensor, tidy, type Tensor } from '../../src/node';
import { randomMatrix, product, transposed } from '../cases/matrices';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

/** A symmetric positive definite n x n matrix: G G^T / n + I, rounded to float32. */
function spdMatrix(n: number, seed: number): number[] {
  const g = randomMatrix(n, n, seed);
  const gram = product(g, transposed(g, n, n), n, n, n);
  return Array.from(gram, (v, i) => Math.fround(v / n + (i % (n + 1) === 0 ? 1 : 0)));
}

/** I + G / (2 sqrt(n)): a determinant of moderate size, representable in float32. */
function nearIdentity(n: number, seed: number): number[] {
  return randomMatrix(n, n, seed).map((v, i) => Math.fround(v / (2 * Math.sqrt(n)) + (i % (n + 1) === 0 ? 1 : 0)));
}

/** LU with partial pivoting in float64, the first row of largest magnitude the pivot (as the kernels). */
function referenceLu(a: ArrayLike<number>, rows: number, columns: number): { lu: Float64Array; pivots: number[] } {
  const lu = Float64Array.from(a);
  const pivots: number[] = [];
  for (let j = 0; j < Math.min(rows, columns); j++) {
    let pivot = j;
    for (let i = j + 1; i < rows; i++) if (Math.abs(lu[i * columns + j]) > Math.abs(lu[pivot * columns + j])) pivot = i;
    pivots.push(pivot);
    for (let c = 0; c < columns; c++) [lu[j * columns + c], lu[pivot * columns + c]] = [lu[pivot * columns + c], lu[j * columns + c]];
    for (let i = j + 1; i < rows; i++) {
      const factor = (lu[i * columns + j] /= lu[j * columns + j]);
      for (let c = j + 1; c < columns; c++) lu[i * columns + c] -= factor * lu[j * columns + c];
    }
  }
  return { lu, pivots };
}

/** [sign, log|det|] of an n x n matrix, in float64. */
function referenceSlogdet(a: ArrayLike<number>, n: number): [number, number] {
  const { lu, pivots } = referenceLu(a, n, n);
  let sign = 1;
  let logAbs = 0;
  for (let j = 0; j < n; j++) {
    if (pivots[j] !== j) sign = -sign;
    sign *= Math.sign(lu[j * n + j]);
    logAbs += Math.log(Math.abs(lu[j * n + j]));
  }
  return [sign, logAbs];
}

/** x with a x = b for triangular a (n x n) and b (n x k), in float64, reading only a's triangle. */
function referenceTriangularSolve(a: ArrayLike<number>, b: ArrayLike<number>, n: number, k: number, lower: boolean, unitDiagonal = false): Float64Array {
  const x = Float64Array.from(b);
  for (let step = 0; step < n; step++) {
    const i = lower ? step : n - 1 - step;
    for (let c = 0; c < k; c++) {
      let total = x[i * k + c];
      for (let j = lower ? 0 : i + 1; j < (lower ? i : n); j++) total -= a[i * n + j] * x[j * k + c];
      x[i * k + c] = unitDiagonal ? total : total / a[i * n + i];
    }
  }
  return x;
}

/** x with a x = b for a (n x n) and b (n x k), in float64. */
function referenceSolve(a: ArrayLike<number>, b: ArrayLike<number>, n: number, k: number): Float64Array {
  const { lu, pivots } = referenceLu(a, n, n);
  const permuted = Float64Array.from(b);
  pivots.forEach((p, j) => {
    for (let c = 0; c < k; c++) [permuted[j * k + c], permuted[p * k + c]] = [permuted[p * k + c], permuted[j * k + c]];
  });
  return referenceTriangularSolve(lu, referenceTriangularSolve(lu, permuted, n, k, true, true), n, k, false);
}

const identity = (n: number) => Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));
const frobenius = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((total, x) => total + x * x, 0));

/** The largest |a - b| over the elements, divided by `scale`. */
function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>, scale = 1): number {
  expect(a.length).toBe(b.length);
  let largest = 0;
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i] - b[i]));
  return largest / scale;
}

/** ||a x - b|| / (||a|| ||x||), in float64 (Frobenius norms). */
function relativeResidual(a: ArrayLike<number>, x: ArrayLike<number>, b: ArrayLike<number>, n: number, k: number): number {
  const ax = product(a, x, n, n, k);
  return frobenius(ax.map((v, i) => v - b[i])) / (frobenius(a) * frobenius(x));
}

/** P a = L U from SciPy-style lu [m, n] and pivots, in float64: the largest error relative to max |a|. */
function luReconstructionError(a: ArrayLike<number>, lu: ArrayLike<number>, pivots: ArrayLike<number>, rows: number, columns: number): number {
  const steps = Math.min(rows, columns);
  const permuted = Float64Array.from(a);
  Array.from(pivots).forEach((p, j) => {
    for (let c = 0; c < columns; c++) [permuted[j * columns + c], permuted[p * columns + c]] = [permuted[p * columns + c], permuted[j * columns + c]];
  });
  const lower = Float64Array.from({ length: rows * steps }, (_, at) => {
    const [i, j] = [Math.floor(at / steps), at % steps];
    return i === j ? 1 : i > j ? lu[i * columns + j] : 0;
  });
  const upper = Float64Array.from({ length: steps * columns }, (_, at) => {
    const [i, j] = [Math.floor(at / columns), at % columns];
    return j >= i ? lu[i * columns + j] : 0;
  });
  return maxDifference(permuted, product(lower, upper, rows, steps, columns), Math.max(...Array.from(a, Math.abs)));
}

const SIZES = [65, 130, 200];

describe('blocked algorithms for matrices over 64 x 64', () => {
  it('cholesky: L is lower triangular and L L^T = A; only the lower triangle of A is read', onBothBackends(async () => {
    for (const n of SIZES) {
      const a = spdMatrix(n, n);
      const factor = await ops.cholesky(tensor(a, [n, n])).data();
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(factor[i * n + j]).toBe(0);
      expect(maxDifference(product(factor, transposed(factor, n, n), n, n, n), a, 1), `n = ${n}`).toBeLessThan(2e-5);
    }
    const n = 130;
    const garbageAbove = spdMatrix(n, n).map((v, i) => (i % n > Math.floor(i / n) ? 1e3 : v));
    const [clean, dirty] = [ops.cholesky(tensor(spdMatrix(n, n), [n, n])), ops.cholesky(tensor(garbageAbove, [n, n]))];
    expect(maxDifference(await clean.data(), await dirty.data())).toBe(0);
  }));

  it('luFactor: P A = L U, with the pivots of the float64 reference, square and not', onBothBackends(async () => {
    for (const [rows, columns] of [...SIZES.map((n) => [n, n]), [100, 70], [70, 130]]) {
      const a = randomMatrix(rows, columns, rows + columns);
      const [lu, pivots] = ops.luFactor(tensor(a, [rows, columns]));
      expect(lu.shape).toEqual([rows, columns]);
      expect(pivots.dtype).toBe('int32');
      const pivotValues = Array.from(await pivots.data());
      expect(pivotValues).toEqual(referenceLu(a, rows, columns).pivots);
      expect(luReconstructionError(a, await lu.data(), pivotValues, rows, columns), `${rows} x ${columns}`).toBeLessThan(1e-5);
    }
  }));

  it('solve: small relative residuals and the float64 solution, for vectors and matrices b', onBothBackends(async () => {
    for (const n of SIZES) {
      const a = randomMatrix(n, n, n);
      const b = randomMatrix(n, 3, n + 1);
      const x = ops.solve(tensor(a, [n, n]), tensor(b, [n, 3]));
      expect(x.shape).toEqual([n, 3]);
      const values = await x.data();
      expect(relativeResidual(a, values, b, n, 3), `n = ${n}`).toBeLessThan(1e-6);
      const reference = referenceSolve(a, b, n, 3);
      expect(maxDifference(values, reference, Math.max(...Array.from(reference, Math.abs)))).toBeLessThan(1e-3);
    }
    const n = 130;
    const a = randomMatrix(n, n, 7);
    const b = randomMatrix(n, 1, 8);
    const x = ops.solve(tensor(a, [n, n]), tensor(b, [n]));
    expect(x.shape).toEqual([n]);
    expect(relativeResidual(a, await x.data(), b, n, 1)).toBeLessThan(1e-6);
  }));

  it('solveTriangular: blocked forward and back substitution against float64 substitution', onBothBackends(async () => {
    const n = 150;
    // A dominant diagonal keeps the triangular systems well conditioned.
    const a = randomMatrix(n, n, 3).map((v, i) => (i % (n + 1) === 0 ? Math.fround(v + 4) : v));
    const b = randomMatrix(n, 2, 4);
    for (const lower of [true, false]) {
      const x = await ops.solveTriangular(tensor(a, [n, n]), tensor(b, [n, 2]), lower).data();
      expect(maxDifference(x, referenceTriangularSolve(a, b, n, 2, lower)), `lower = ${lower}`).toBeLessThan(1e-5);
    }
  }));

  it('inv(A) A = I', onBothBackends(async () => {
    for (const n of SIZES) {
      const a = randomMatrix(n, n, 2 * n);
      const inverse = await ops.inv(tensor(a, [n, n])).data();
      expect(maxDifference(product(inverse, a, n, n, n), identity(n)), `n = ${n}`).toBeLessThan(1e-3);
    }
  }));

  it('det, slogdet and logdet against the float64 LU', onBothBackends(async () => {
    for (const n of SIZES) {
      const a = randomMatrix(n, n, 3 * n);
      const [expectedSign, expectedLogAbs] = referenceSlogdet(a, n);
      const [sign, logAbs] = ops.slogdet(tensor(a, [n, n]));
      expect(await sign.data()).toEqual(new Float32Array([expectedSign]));
      expect(Math.abs((await logAbs.data())[0] - expectedLogAbs)).toBeLessThan(1e-5 * Math.abs(expectedLogAbs) + 1e-4);
      expect(Math.abs((await ops.logdet(tensor(a, [n, n])).data())[0] - expectedLogAbs)).toBeLessThan(1e-5 * Math.abs(expectedLogAbs) + 1e-4);
      const moderate = nearIdentity(n, n);
      const [moderateSign, moderateLogAbs] = referenceSlogdet(moderate, n);
      const expectedDet = moderateSign * Math.exp(moderateLogAbs);
      expect(Math.abs((await ops.det(tensor(moderate, [n, n])).data())[0] - expectedDet)).toBeLessThan(1e-4 * Math.abs(expectedDet));
    }
  }));

  it('a batch [2, 80, 80]: each matrix as on its own', onBothBackends(async () => {
    const n = 80;
    const general = [randomMatrix(n, n, 11), randomMatrix(n, n, 12)];
    const positive = [spdMatrix(n, 13), spdMatrix(n, 14)];
    const b = randomMatrix(2 * n, 1, 15);
    const factors = await ops.cholesky(tensor(positive.flat(), [2, n, n])).data();
    const solutions = await ops.solve(tensor(general.flat(), [2, n, n]), tensor(b, [2, n])).data();
    const [lu, pivots] = ops.luFactor(tensor(general.flat(), [2, n, n]));
    const [luValues, pivotValues] = [await lu.data(), await pivots.data()];
    const determinants = await ops.slogdet(tensor(general.flat(), [2, n, n]))[1].data();
    for (let m = 0; m < 2; m++) {
      const factor = factors.subarray(m * n * n, (m + 1) * n * n);
      expect(maxDifference(product(factor, transposed(factor, n, n), n, n, n), positive[m])).toBeLessThan(2e-5);
      expect(relativeResidual(general[m], solutions.subarray(m * n, (m + 1) * n), b.slice(m * n, (m + 1) * n), n, 1)).toBeLessThan(1e-6);
      expect(luReconstructionError(general[m], luValues.subarray(m * n * n, (m + 1) * n * n), pivotValues.subarray(m * n, (m + 1) * n), n, n)).toBeLessThan(1e-5);
      expect(Math.abs(determinants[m] - referenceSlogdet(general[m], n)[1])).toBeLessThan(1e-4);
    }
  }));

  it('the GPU matches the CPU backend', async () => {
    const n = 130;
    const a = randomMatrix(n, n, 21);
    const positive = spdMatrix(n, 22);
    const b = randomMatrix(n, 4, 23);
    const run = async () => {
      const [lu, pivots] = ops.luFactor(tensor(a, [n, n]));
      const outputs = [lu, pivots, ops.cholesky(tensor(positive, [n, n])), ops.solve(tensor(a, [n, n]), tensor(b, [n, 4])), ops.inv(tensor(a, [n, n])), ops.slogdet(tensor(a, [n, n]))[1]];
      return Promise.all(outputs.map(async (t) => Array.from(await t.data())));
    };
    const onGpu = await run();
    setBackend('cpu');
    try {
      const onCpu = await run();
      expect(onGpu[1]).toEqual(onCpu[1]);
      onGpu.forEach((values, i) => expect(maxDifference(values, onCpu[i], Math.max(...onCpu[i].map(Math.abs))), `output ${i}`).toBeLessThan(1e-4));
    } finally {
      setBackend('webgpu');
    }
  });

  it('solve at 512 x 512 on the GPU', async () => {
    const n = 512;
    const a = randomMatrix(n, n, 31);
    const b = randomMatrix(n, 1, 32);
    expect(relativeResidual(a, await ops.solve(tensor(a, [n, n]), tensor(b, [n])).data(), b, n, 1)).toBeLessThan(1e-6);
  });

  it('gradients of solve, inv and det at n = 70 against finite differences of the float64 references', async () => {
    const n = 70;
    const a = nearIdentity(n, 41);
    const b = randomMatrix(n, 2, 42);
    const weights = randomMatrix(n, n, 43);
    const weighted = (values: ArrayLike<number>) => Array.from(values).reduce((total, v, i) => total + weights[i] * v, 0);
    const cases: Array<[string, (x: Tensor) => Tensor, (x: number[]) => number]> = [
      ['solve', (x) => ops.solve(x, tensor(b, [n, 2])), (x) => weighted(referenceSolve(x, b, n, 2))],
      ['inv', (x) => ops.inv(x), (x) => weighted(referenceSolve(x, identity(n), n, n))],
      ['det', (x) => ops.det(x), (x) => weights[0] * referenceSlogdet(x, n).reduce((sign, logAbs) => sign * Math.exp(logAbs))],
    ];
    for (const [name, f, reference] of cases) {
      const x = tensor(a, [n, n]);
      const tape = new GradientTape();
      tape.watch(x);
      const target = tape.record(() => {
        const y = f(x);
        return ops.sum(ops.mul(y, tensor(weights.slice(0, y.size), y.shape)));
      });
      const gradient = await tape.gradient(target, x)!.data();
      const scale = Math.max(...Array.from(gradient, Math.abs));
      for (const at of [0, 69 * n + 3, 35 * n + 36]) {
        const eps = 1e-5;
        const [plus, minus] = [[...a], [...a]];
        plus[at] += eps;
        minus[at] -= eps;
        const numeric = (reference(plus) - reference(minus)) / (2 * eps);
        expect(Math.abs(gradient[at] - numeric), `${name}, element ${at}: ${gradient[at]} vs ${numeric}`).toBeLessThan(1e-3 * scale);
      }
    }
  });

  it('frees every intermediate', onBothBackends(async () => {
    const n = 70;
    const a = tensor(randomMatrix(n, n, 51), [n, n]);
    const positive = tensor(spdMatrix(n, 52), [n, n]);
    const before = memory().liveTensors;
    const results = tidy(() => [...ops.luFactor(a), ops.cholesky(positive), ops.inv(a), ops.det(a), ...ops.slogdet(a), ops.solveTriangular(positive, a, true), ops.choleskyInverse(ops.cholesky(positive)), ops.matrixPower(a, -1)]);
    expect(memory().liveTensors).toBe(before + results.length);
    results.forEach((t) => t.dispose());
    expect(memory().liveTensors).toBe(before);
    a.dispose();
    positive.dispose();
  }));
});
