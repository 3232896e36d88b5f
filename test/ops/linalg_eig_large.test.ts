// keras.ops.eig over 64 x 64 (shaders/linalg_eig_large.wgsl on WebGPU; the CPU backend's float64
// dgeev steps take any size): for random non-symmetric matrices (with complex pairs) and a batch,
// the eigenvalues against the CPU backend's (as multisets: rounding may change the Schur order),
// and for every eigenvector the residual |A v - lambda v| / |A|, unit 2-norm and phase (largest
// component real and positive), in float64 complex arithmetic here; a similarity transform of a
// block-diagonal matrix with known eigenvalues; zero and NaN matrices; no leaked tensors or buffers.

import { describe, expect, it } from 'vitest';
import { memory, ops, setBackend, tensor, tidy } from '../../src/node';
import { product, randomMatrix } from '../cases/matrices';
import { distance, eigensystemsOf, expectEigenvectors, matchEigenvalues, type Complex, type Eigensystem } from '../cases/eigensystems';
import { settleGarbage, useWebGPU } from '../helpers';

useWebGPU();

/** The eigensystems of `values` [count, n, n] on WebGPU and on the CPU backend. */
async function onBoth(values: number[], shape: number[]): Promise<{ gpu: Eigensystem[]; cpu: Eigensystem[] }> {
  const run = async () => {
    const x = tensor(values, shape);
    const systems = await eigensystemsOf(x);
    x.dispose();
    return systems;
  };
  const gpu = await run();
  setBackend('cpu');
  const cpu = await run().finally(() => setBackend('webgpu'));
  return { gpu, cpu };
}

/** The GPU's eigenvalues as the CPU's (multisets), and its eigenvectors of well-separated eigenvalues as the CPU's. */
function expectMatchingCpu(gpu: Eigensystem, cpu: Eigensystem): void {
  const order = matchEigenvalues(gpu.values, cpu.values, 1e-4);
  cpu.values.forEach((value, j) => {
    if (cpu.values.some((other, k) => k !== j && distance(other, value) < 0.1)) return;
    const gap = Math.max(...gpu.vectors[order[j]].map((z, i) => distance(z, cpu.vectors[j][i])));
    expect(gap, `eigenvector ${j}`).toBeLessThanOrEqual(1e-3);
  });
}

/** The float64 inverse of an n x n matrix (Gauss-Jordan with partial pivoting). */
function inverse(a: ArrayLike<number>, n: number): Float64Array {
  const work = Float64Array.from(a);
  const result = new Float64Array(n * n);
  for (let i = 0; i < n; i++) result[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(work[r * n + c]) > Math.abs(work[pivot * n + c])) pivot = r;
    for (const m of [work, result]) {
      for (let k = 0; k < n; k++) [m[c * n + k], m[pivot * n + k]] = [m[pivot * n + k], m[c * n + k]];
    }
    const diagonal = work[c * n + c];
    for (const m of [work, result]) for (let k = 0; k < n; k++) m[c * n + k] /= diagonal;
    for (let r = 0; r < n; r++) {
      const factor = work[r * n + c];
      if (r === c || factor === 0) continue;
      for (const m of [work, result]) for (let k = 0; k < n; k++) m[r * n + k] -= factor * m[c * n + k];
    }
  }
  return result;
}

describe('eig over 64 x 64', () => {
  it('random non-symmetric 65 x 65 and 80 x 80: eigenvalues as the CPU backend, A v = lambda v, unit norm, phase', async () => {
    for (const n of [65, 80]) {
      const a = randomMatrix(n, n, n);
      const { gpu: [gpu], cpu: [cpu] } = await onBoth(a, [n, n]);
      // Random matrices have many complex pairs: neighbours, positive imaginary part first.
      const pairs = gpu.values.filter(([, im]) => im > 0).length;
      expect(pairs).toBeGreaterThan(10);
      gpu.values.forEach(([re, im], j) => {
        if (im > 0) expect(gpu.values[j + 1]).toEqual([re, -im]);
      });
      expectMatchingCpu(gpu, cpu);
      expectEigenvectors(a, n, gpu, 2e-5);
      // The CPU backend computes in float64 and returns float32.
      expectEigenvectors(a, n, cpu, 1e-6);
    }
  });

  it('a batch [2, 66, 66]: each matrix as the CPU backend', async () => {
    const n = 66;
    const matrices = [randomMatrix(n, n, 1), randomMatrix(n, n, 2)];
    const { gpu, cpu } = await onBoth(matrices.flat(), [2, n, n]);
    for (const b of [0, 1]) {
      expectMatchingCpu(gpu[b], cpu[b]);
      expectEigenvectors(matrices[b], n, gpu[b], 2e-5);
    }
  });

  it('known eigenvalues: S B S^-1 with B block diagonal (real values and rotation-scaling blocks), that badly scaled, and decoupled 2 x 2 blocks', async () => {
    const n = 70;
    // B: 30 real eigenvalues, then 20 blocks [[a, b], [-b, a]] with eigenvalues a +- i b.
    const known: Complex[] = [];
    const b = new Float64Array(n * n);
    for (let i = 0; i < 30; i++) {
      const value = -3 + i * 0.2;
      b[i * n + i] = value;
      known.push([value, 0]);
    }
    for (let block = 0; block < 20; block++) {
      const [i, re, im] = [30 + 2 * block, 1 - 0.15 * block, 0.5 + 0.1 * block];
      [b[i * n + i], b[i * n + i + 1], b[(i + 1) * n + i], b[(i + 1) * n + i + 1]] = [re, im, -im, re];
      known.push([re, im], [re, -im]);
    }
    const s = randomMatrix(n, n, 7).map((value, at) => value / 4 + (at % (n + 1) === 0 ? 1 : 0));
    const a = Array.from(product(product(s, b, n, n, n), inverse(s, n), n, n, n), Math.fround);
    // The same graded by D A D^-1 (D = diag(2^(i / 8)), exact in float32): balancing undoes it.
    const graded = a.map((value, at) => value * 2 ** ((Math.floor(at / n) - (at % n)) / 8));
    // Block upper triangular with 2 x 2 diagonal blocks [[p, q], [r, s]]: already in Hessenberg
    // form with every block decoupled, so each deflates as a 2 x 2 block, rotated to triangular
    // form where its eigenvalues (p + s) / 2 +- sqrt(((p - s) / 2)^2 + q r) are real.
    const blocks = randomMatrix(n, n, 8).map((value, at) => (Math.floor(at / n) > (at % n) + (at % 2 === 0 ? 1 : 0) ? 0 : value));
    const blockValues = Array.from({ length: n / 2 }, (_, k): Complex[] => {
      const [p, q, r, s] = [blocks[2 * k * (n + 1)], blocks[2 * k * (n + 1) + 1], blocks[(2 * k + 1) * (n + 1) - 1], blocks[(2 * k + 1) * (n + 1)]];
      const discriminant = ((p - s) / 2) ** 2 + q * r;
      const root = Math.sqrt(Math.abs(discriminant));
      return discriminant >= 0 ? [[(p + s) / 2 + root, 0], [(p + s) / 2 - root, 0]] : [[(p + s) / 2, root], [(p + s) / 2, -root]];
    }).flat();
    expect(blockValues.filter(([, im]) => im === 0).length).toBeGreaterThan(10);
    const { gpu, cpu } = await onBoth([...a, ...graded, ...blocks], [3, n, n]);
    for (const [b, matrix, values] of [[0, a, known], [1, graded, known], [2, blocks, blockValues]] as const) {
      matchEigenvalues(gpu[b].values, values, 2e-4);
      expectEigenvectors(matrix, n, gpu[b], 2e-5);
      expectMatchingCpu(gpu[b], cpu[b]);
    }
  });

  it('a zero matrix: eigenvalues 0 and the unit vectors; NaN: NaN throughout', async () => {
    const n = 65;
    const { gpu: [zero] } = await onBoth(new Array(n * n).fill(0), [n, n]);
    expect(zero.values.every(([re, im]) => re === 0 && im === 0)).toBe(true);
    expect(zero.vectors.every((v, j) => v.every(([re, im], i) => re === (i === j ? 1 : 0) && im === 0))).toBe(true);
    const withNaN = randomMatrix(n, n, 3);
    withNaN[5] = NaN;
    const { gpu: [bad] } = await onBoth(withNaN, [n, n]);
    expect([...bad.values.flat(), ...bad.vectors.flat(2)].every(Number.isNaN)).toBe(true);
  });

  it('keeps only the four outputs, and its scratch buffers go back to the pool', async () => {
    await settleGarbage();
    const n = 65;
    const x = tensor(randomMatrix(n, n, 9), [n, n]);
    await x.data();
    const before = memory();
    const outputs = tidy(() => ops.eig(x).flat());
    await Promise.all(outputs.map((t) => t.data()));
    expect(memory().liveTensors).toBe(before.liveTensors + 4);
    outputs.forEach((t) => t.dispose());
    expect(memory().liveTensors).toBe(before.liveTensors);
    expect(memory().gpuBytes).toBe(before.gpuBytes);
    x.dispose();
  });
});
