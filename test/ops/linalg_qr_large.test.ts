// qr of matrices over 64 x 64 (Householder, src/ops/linalg_householder.ts) on WebGPU and on the
// CPU backend: the identities that define it (x = q r, q^T q = I, r upper triangular), checked in
// float64 here; an independent float64 reference (modified Gram-Schmidt, twice), which the
// factors equal up to the sign of each of q's columns and r's rows; Keras's shapes in both modes;
// a batch; rank-deficient input; the GPU against the CPU backend, gradients included; memory.

import { describe, expect, it } from 'vitest';
import { GradientTape, memory, ops, tensor, tidy, type Tensor } from '../../src/node';
import { randomMatrix } from '../cases/matrices';
import { checkCases, onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

/** The largest |entry| of q r - a, of q^T q - I and of r below its diagonal, in float64. */
function residuals(a: ArrayLike<number>, q: ArrayLike<number>, r: ArrayLike<number>, m: number, n: number, qColumns: number): { reconstruction: number; orthogonality: number; belowDiagonal: number } {
  let reconstruction = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let total = 0;
      for (let t = 0; t < qColumns; t++) total += q[i * qColumns + t] * r[t * n + j];
      reconstruction = Math.max(reconstruction, Math.abs(total - a[i * n + j]));
    }
  }
  let orthogonality = 0;
  for (let i = 0; i < qColumns; i++) {
    for (let j = 0; j < qColumns; j++) {
      let total = 0;
      for (let t = 0; t < m; t++) total += q[t * qColumns + i] * q[t * qColumns + j];
      orthogonality = Math.max(orthogonality, Math.abs(total - (i === j ? 1 : 0)));
    }
  }
  let belowDiagonal = 0;
  for (let i = 0; i < qColumns; i++) for (let j = 0; j < Math.min(i, n); j++) belowDiagonal = Math.max(belowDiagonal, Math.abs(r[i * n + j]));
  return { reconstruction, orthogonality, belowDiagonal };
}

/** Reduced QR of a full-column-rank tall a by modified Gram-Schmidt, reorthogonalized once (float64): r's diagonal positive. */
function gramSchmidtQr(a: ArrayLike<number>, m: number, n: number): { q: Float64Array; r: Float64Array } {
  const q = Float64Array.from(a);
  const r = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < j; i++) {
        let overlap = 0;
        for (let t = 0; t < m; t++) overlap += q[t * n + i] * q[t * n + j];
        r[i * n + j] += overlap;
        for (let t = 0; t < m; t++) q[t * n + j] -= overlap * q[t * n + i];
      }
    }
    let norm = 0;
    for (let t = 0; t < m; t++) norm += q[t * n + j] ** 2;
    norm = Math.sqrt(norm);
    r[j * n + j] = norm;
    for (let t = 0; t < m; t++) q[t * n + j] /= norm;
  }
  return { q, r };
}

async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

describe('qr over 64 x 64', () => {
  it('x = q r, q orthonormal, r upper triangular, in Keras shapes, tall, wide, square and skinny, both modes', onBothBackends(async () => {
    for (const [m, n] of [[100, 70], [70, 100], [65, 65], [300, 5]]) {
      const a = randomMatrix(m, n, m * 131 + n);
      for (const mode of ['reduced', 'complete'] as const) {
        const k = Math.min(m, n);
        const [q, r] = ops.qr(tensor(a, [m, n]), mode);
        const qColumns = mode === 'complete' ? m : k;
        expect(q.shape, `${m}x${n} ${mode}`).toEqual([m, qColumns]);
        expect(r.shape, `${m}x${n} ${mode}`).toEqual([qColumns, n]);
        const { reconstruction, orthogonality, belowDiagonal } = residuals(a, await values(q), await values(r), m, n, qColumns);
        expect(reconstruction, `${m}x${n} ${mode}`).toBeLessThan(1e-5);
        expect(orthogonality, `${m}x${n} ${mode}`).toBeLessThan(1e-5);
        expect(belowDiagonal, `${m}x${n} ${mode}`).toBe(0);
      }
    }
  }));

  it('equals an independent Gram-Schmidt QR up to the sign of each column of q and row of r', onBothBackends(async () => {
    const [m, n] = [90, 67];
    const a = randomMatrix(m, n, 7);
    const [q, r] = ops.qr(tensor(a, [m, n]));
    const [qValues, rValues] = [await values(q), await values(r)];
    const reference = gramSchmidtQr(a, m, n);
    for (let j = 0; j < n; j++) {
      const sign = Math.sign(rValues[j * n + j]);
      for (let t = 0; t < m; t++) expect(Math.abs(qValues[t * n + j] * sign - reference.q[t * n + j])).toBeLessThan(2e-5);
      for (let c = j; c < n; c++) expect(Math.abs(rValues[j * n + c] * sign - reference.r[j * n + c])).toBeLessThan(2e-5 * (1 + Math.abs(reference.r[j * n + c])));
    }
  }));

  it('factors each matrix of a batch [2, 80, 66] as on its own', onBothBackends(async () => {
    const [m, n] = [80, 66];
    const matrices = [randomMatrix(m, n, 11), randomMatrix(m, n, 12)];
    const [q, r] = ops.qr(tensor([...matrices[0], ...matrices[1]], [2, m, n]));
    const [qValues, rValues] = [await values(q), await values(r)];
    for (let b = 0; b < 2; b++) {
      const [qAlone, rAlone] = ops.qr(tensor(matrices[b], [m, n]));
      expect(qValues.slice(b * m * n, (b + 1) * m * n)).toEqual(await values(qAlone));
      expect(rValues.slice(b * n * n, (b + 1) * n * n)).toEqual(await values(rAlone));
    }
  }));

  it('keeps q orthonormal for rank-deficient x (a zero column and repeated columns)', onBothBackends(async () => {
    const [m, n] = [70, 68];
    const a = randomMatrix(m, n, 21);
    for (let t = 0; t < m; t++) {
      a[t * n + 3] = 0;
      a[t * n + 40] = a[t * n + 10];
      a[t * n + 41] = a[t * n + 10];
    }
    const [q, r] = ops.qr(tensor(a, [m, n]), 'complete');
    const { reconstruction, orthogonality } = residuals(a, await values(q), await values(r), m, n, m);
    expect(reconstruction).toBeLessThan(1e-5);
    expect(orthogonality).toBeLessThan(1e-5);
  }));

  it('frees every intermediate', onBothBackends(async () => {
    const x = tensor(randomMatrix(75, 66, 31), [75, 66]);
    const before = memory().liveTensors;
    const results = tidy(() => [...ops.qr(x), ...ops.qr(x, 'complete')]);
    expect(memory().liveTensors).toBe(before + results.length);
    results.forEach((t) => t.dispose());
    expect(memory().liveTensors).toBe(before);
    x.dispose();
  }));
});

/** The gradient of sum(wq * q) + sum(wr * r) with respect to x for the reduced QR of x. */
function qrGradientOf(m: number, n: number): () => Tensor[] {
  return () => {
    const x = tensor(randomMatrix(m, n, 41), [m, n]);
    const tape = new GradientTape();
    tape.watch(x);
    const target = tape.record(() => {
      const [q, r] = ops.qr(x);
      return ops.add(ops.sum(ops.mul(q, tensor(randomMatrix(m, n, 42), [m, n]))), ops.sum(ops.mul(r, tensor(randomMatrix(n, n, 43), [n, n]))));
    });
    return tape.gradient(target, [x]) as Tensor[];
  };
}

describe('qr over 64 x 64: GPU matches CPU', () => {
  checkCases([
    { name: 'qr [100, 70] reduced', run: () => ops.qr(tensor(randomMatrix(100, 70, 51), [100, 70])), rtol: 1e-3, atol: 1e-4 },
    { name: 'qr [66, 90] complete', run: () => ops.qr(tensor(randomMatrix(66, 90, 52), [66, 90]), 'complete'), rtol: 1e-3, atol: 1e-4 },
    { name: 'gradient of qr [72, 66]', run: qrGradientOf(72, 66), rtol: 1e-3, atol: 1e-3 },
  ]);
});
