// eigh and svd over 64 x 64 (parallel Jacobi on WebGPU, src/ops/linalg_jacobi.ts), and the
// composites built on svd (pinv, lstsq, matrixRank): identities checked in float64 here
// (A v = v diag(w), a = u diag(s) vh, orthonormal u and v), values against the CPU backend's
// float64 Jacobi, gradients against the CPU backend, and no leaked tensors.

import { describe, expect, it } from 'vitest';
import { GradientTape, memory, ops, setBackend, tensor, tidy, type Tensor } from '../../src/node';
import { randomMatrix, product, transposed } from '../cases/matrices';
import { expectValuesClose, useWebGPU } from '../helpers';

useWebGPU();

/** A random symmetric n x n matrix, and the same with junk above the diagonal (eigh reads only the lower triangle). */
function symmetricPair(n: number, seed: number): [number[], number[]] {
  const g = randomMatrix(n, n, seed);
  const symmetric = g.map((_, at) => Math.fround((g[at] + g[(at % n) * n + Math.floor(at / n)]) / 2));
  return [symmetric, symmetric.map((value, at) => (at % n > Math.floor(at / n) ? 100 : value))];
}

/** A rows x columns matrix of rank `rank`. */
function lowRankMatrix(rows: number, columns: number, rank: number, seed: number): number[] {
  return Array.from(product(randomMatrix(rows, rank, seed), randomMatrix(rank, columns, seed + 1), rows, rank, columns), Math.fround);
}

/** max |Q^T Q - I| over a rows x columns Q. */
function orthonormalityError(q: ArrayLike<number>, rows: number, columns: number): number {
  const gram = product(transposed(q, rows, columns), q, columns, rows, columns);
  return Math.max(...Array.from(gram, (value, at) => Math.abs(value - (at % (columns + 1) === 0 ? 1 : 0))));
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return Math.max(...Array.from(a, (value, i) => Math.abs(value - b[i])));
}

/** `fn` on the CPU backend (its tensors created there), then back to WebGPU. */
async function onCpu<T>(fn: () => Promise<T>): Promise<T> {
  setBackend('cpu');
  try {
    return await fn();
  } finally {
    setBackend('webgpu');
  }
}

/** Checks w ascending, A v = v diag(w) and V^T V = I for one n x n symmetric matrix, and w against `expectedW`. */
function checkEigen(a: ArrayLike<number>, w: ArrayLike<number>, v: ArrayLike<number>, n: number, expectedW: ArrayLike<number>): void {
  for (let i = 1; i < n; i++) expect(w[i]).toBeGreaterThanOrEqual(w[i - 1]);
  expectValuesClose(w, expectedW, 0, 1e-4);
  const scaled = Array.from(v, (value, at) => value * w[at % n]);
  expect(maxDifference(product(a, v, n, n, n), scaled)).toBeLessThan(2e-4);
  expect(orthonormalityError(v, n, n)).toBeLessThan(1e-4);
}

/** Checks a = u[:, :k] diag(s) vh[:k] and orthonormal u, vh for one m x n matrix, and s against `expectedS`. */
function checkSvd(a: ArrayLike<number>, [u, s, vh]: ArrayLike<number>[], [m, n]: number[], [uColumns, vhRows]: number[], expectedS: ArrayLike<number>): void {
  const k = Math.min(m, n);
  for (let i = 1; i < k; i++) expect(s[i]).toBeLessThanOrEqual(s[i - 1]);
  expectValuesClose(s, expectedS, 0, 1e-4);
  const us = Array.from({ length: m * k }, (_, at) => u[Math.floor(at / k) * uColumns + (at % k)] * s[at % k]);
  expect(maxDifference(product(us, Array.from(vh).slice(0, k * n), m, k, n), a)).toBeLessThan(1e-4);
  expect(orthonormalityError(u, m, uColumns)).toBeLessThan(1e-4);
  expect(orthonormalityError(transposed(vh, vhRows, n), n, vhRows)).toBeLessThan(1e-4);
}

async function eighValues(a: number[], shape: number[]): Promise<[Float32Array, Float32Array]> {
  const [w, v] = ops.eigh(tensor(a, shape));
  return [(await w.data()) as Float32Array, (await v.data()) as Float32Array];
}

async function svdValues(a: number[], shape: number[], fullMatrices: boolean): Promise<[Float32Array, Float32Array, Float32Array]> {
  const [u, s, vh] = ops.svd(tensor(a, shape), { fullMatrices });
  return [(await u.data()) as Float32Array, (await s.data()) as Float32Array, (await vh.data()) as Float32Array];
}

describe('eigh over 64 x 64', () => {
  it('of 65 x 65 and odd 67 x 67 (a dummy index in each round) matches the CPU backend, reading the lower triangle', async () => {
    for (const n of [65, 67]) {
      const [symmetric, lowerOnly] = symmetricPair(n, n);
      const [w, v] = await eighValues(lowerOnly, [n, n]);
      const [cpuW] = await onCpu(() => eighValues(lowerOnly, [n, n]));
      checkEigen(symmetric, w, v, n, cpuW);
    }
  });

  it('of a batch [2, 66, 66]', async () => {
    const n = 66;
    const matrices = [symmetricPair(n, 1)[0], symmetricPair(n, 2)[0]];
    const [w, v] = await eighValues(matrices.flat(), [2, n, n]);
    const [cpuW] = await onCpu(() => eighValues(matrices.flat(), [2, n, n]));
    matrices.forEach((a, b) => checkEigen(a, w.subarray(b * n, (b + 1) * n), v.subarray(b * n * n, (b + 1) * n * n), n, cpuW.subarray(b * n, (b + 1) * n)));
  });
});

describe('svd over 64 rows or columns', () => {
  it('of [100, 70] (full matrices) and [70, 100] (reduced) matches the CPU backend', async () => {
    for (const [[m, n], fullMatrices] of [[[100, 70], true], [[70, 100], false]] as const) {
      const a = randomMatrix(m, n, m + n);
      const k = Math.min(m, n);
      const result = await svdValues(a, [m, n], fullMatrices);
      const [, cpuS] = await onCpu(() => svdValues(a, [m, n], fullMatrices));
      checkSvd(a, result, [m, n], fullMatrices ? [m, n] : [k, k], cpuS);
    }
  });

  it('of [200, 12] (64 columns or fewer), both modes, and only s when computeUv is false', async () => {
    const a = randomMatrix(200, 12, 3);
    const [, cpuS] = await onCpu(() => svdValues(a, [200, 12], false));
    for (const fullMatrices of [true, false]) checkSvd(a, await svdValues(a, [200, 12], fullMatrices), [200, 12], [fullMatrices ? 200 : 12, 12], cpuS);
    expectValuesClose(await ops.svd(tensor(a, [200, 12]), { computeUv: false }).data(), cpuS, 0, 1e-4);
  });

  it('of a rank-deficient [100, 20] of rank 8: orthonormal u completed past the rank, both modes', async () => {
    const a = lowRankMatrix(100, 20, 8, 4);
    const [, cpuS] = await onCpu(() => svdValues(a, [100, 20], false));
    for (const fullMatrices of [true, false]) {
      const result = await svdValues(a, [100, 20], fullMatrices);
      checkSvd(a, result, [100, 20], [fullMatrices ? 100 : 20, 20], cpuS);
      for (let i = 8; i < 20; i++) expect(result[1][i]).toBeLessThan(1e-4 * result[1][0]);
    }
  });
});

describe('the composites of svd over 64 rows', () => {
  it('pinv, lstsq and matrixRank match the CPU backend', async () => {
    const a = randomMatrix(100, 20, 5);
    const b = randomMatrix(100, 3, 6);
    const deficient = lowRankMatrix(100, 20, 8, 7);
    const run = async () => [
      await ops.pinv(tensor(a, [100, 20])).data(),
      await ops.lstsq(tensor(a, [100, 20]), tensor(b, [100, 3])).data(),
      await ops.matrixRank(tensor(deficient, [100, 20])).data(),
    ];
    const [pinv, solution, rank] = await run();
    const [cpuPinv, cpuSolution] = await onCpu(run);
    expectValuesClose(pinv, cpuPinv, 1e-3, 1e-5);
    expectValuesClose(solution, cpuSolution, 1e-3, 1e-5);
    expect(Array.from(rank)).toEqual([8]);
  });
});

describe('gradients over 64 x 64', () => {
  it('of weighted sums of eigh w (n = 66) and svd s ([100, 20]) match the CPU backend', async () => {
    const n = 66;
    const [symmetric] = symmetricPair(n, 8);
    const weights = randomMatrix(1, n, 9);
    const a = randomMatrix(100, 20, 10);
    const gradients = async () => {
      const results: Float32Array[] = [];
      for (const [values, shape, f] of [
        [symmetric, [n, n], (x: Tensor) => ops.sum(ops.mul(ops.eigh(x)[0], tensor(weights)))],
        [a, [100, 20], (x: Tensor) => ops.sum(ops.svd(x, { computeUv: false }))],
      ] as const) {
        const x = tensor(values, shape);
        const tape = new GradientTape();
        tape.watch(x);
        const target = tape.record(() => f(x));
        results.push((await tape.gradient(target, x)!.data()) as Float32Array);
      }
      return results;
    };
    const gpu = await gradients();
    const cpu = await onCpu(gradients);
    gpu.forEach((gradient, i) => expectValuesClose(gradient, cpu[i], 0, 2e-4));
  });
});

it('leaks no tensors', () => {
  const n = 65;
  const a = tensor(symmetricPair(n, 11)[0], [n, n]);
  const tall = tensor(lowRankMatrix(100, 20, 8, 12), [100, 20]);
  const before = memory().liveTensors;
  const results = tidy(() => [...ops.eigh(a), ...ops.svd(tall), ops.svd(tall, { computeUv: false }), ops.pinv(tall)]);
  expect(memory().liveTensors).toBe(before + results.length);
  results.forEach((t) => t.dispose());
  expect(memory().liveTensors).toBe(before);
  a.dispose();
  tall.dispose();
});
