// What the eig tests (test/ops/eig.test.ts, linalg_eig_large.test.ts) check eigensystems with, in
// float64 complex arithmetic: eig's outputs read back per matrix, eigenvalues compared as
// multisets (rounding may change the Schur order), and each eigenvector's residual, norm and phase.

import { expect } from 'vitest';
import { ops, type Tensor } from '../../src/node';

/** A complex number [real, imag]. */
export type Complex = [number, number];

/** One matrix's eigenvalues and eigenvectors (vectors[j] the eigenvector of values[j]). */
export interface Eigensystem {
  values: Complex[];
  vectors: Complex[][];
}

/** The eigensystems of a batch [count, n, n] as eig returns them (its output shapes checked), read back. */
export async function eigensystemsOf(matrices: Tensor): Promise<Eigensystem[]> {
  const [[real, imag], [vectorsReal, vectorsImag]] = ops.eig(matrices);
  const n = matrices.shape[matrices.rank - 1];
  expect([real.shape, imag.shape, vectorsReal.shape, vectorsImag.shape]).toEqual([matrices.shape.slice(0, -1), matrices.shape.slice(0, -1), matrices.shape, matrices.shape]);
  const [wr, wi, vr, vi] = await Promise.all([real, imag, vectorsReal, vectorsImag].map((t) => t.data()));
  [real, imag, vectorsReal, vectorsImag].forEach((t) => t.dispose());
  return Array.from({ length: wr.length / n }, (_, b) => ({
    values: Array.from({ length: n }, (_, j): Complex => [wr[b * n + j], wi[b * n + j]]),
    vectors: Array.from({ length: n }, (_, j) => Array.from({ length: n }, (_, i): Complex => [vr[b * n * n + i * n + j], vi[b * n * n + i * n + j]])),
  }));
}

export const distance = ([ar, ai]: Complex, [br, bi]: Complex) => Math.hypot(ar - br, ai - bi);

/**
 * Pairs each expected eigenvalue with the nearest unused actual one (a multiset comparison), each
 * within tolerance * max(1, |expected|). Returns the index of the actual value of each expected one.
 */
export function matchEigenvalues(actual: Complex[], expected: Complex[], tolerance: number): number[] {
  expect(actual.length).toBe(expected.length);
  const used = new Set<number>();
  return expected.map((value) => {
    let [gap, nearest] = [Infinity, -1];
    actual.forEach((a, k) => {
      if (!used.has(k) && distance(a, value) < gap) [gap, nearest] = [distance(a, value), k];
    });
    expect(gap, `eigenvalue ${value}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.hypot(...value)));
    used.add(nearest);
    return nearest;
  });
}

/**
 * Every eigenvector of the row-major n x n matrix `a`: |A v - lambda v| / |A|_F within
 * `tolerance`, unit 2-norm, and its first component within 0.1% of the largest magnitude real and
 * positive.
 */
export function expectEigenvectors(a: ArrayLike<number>, n: number, { values, vectors }: Eigensystem, tolerance: number): void {
  const matrixNorm = Math.hypot(...Array.from(a)) || 1;
  vectors.forEach((v, j) => {
    const [lr, li] = values[j];
    let residual = 0;
    for (let i = 0; i < n; i++) {
      let [sr, si] = [0, 0];
      for (let k = 0; k < n; k++) {
        sr += a[i * n + k] * v[k][0];
        si += a[i * n + k] * v[k][1];
      }
      residual += (sr - (lr * v[i][0] - li * v[i][1])) ** 2 + (si - (lr * v[i][1] + li * v[i][0])) ** 2;
    }
    expect(Math.sqrt(residual) / matrixNorm, `residual of eigenvector ${j}`).toBeLessThanOrEqual(tolerance);
    const magnitudes = v.map((z) => Math.hypot(...z));
    expect(Math.abs(Math.hypot(...magnitudes) - 1), `norm of eigenvector ${j}`).toBeLessThanOrEqual(1e-5);
    const pivot = magnitudes.findIndex((m) => m >= Math.max(...magnitudes) * (1 - 1e-3));
    expect(Math.abs(v[pivot][1]), `imaginary part of eigenvector ${j}'s largest component`).toBeLessThanOrEqual(1e-6);
    expect(v[pivot][0]).toBeGreaterThan(0);
  });
}
