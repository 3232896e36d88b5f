// sigmoidFocalLoss and sigmoidFocalLossGrad: the GPU kernels against the CPU backend, the loss
// against the formula evaluated in float64, the gradient kernel (GPU and CPU) against central
// finite differences of that formula, and the errors users meet.

import { describe, expect, it } from 'vitest';
import { ops, setBackend, tensor } from '../../src/node';
import { seededRandom } from '../cases/data';
import { normalizationCases } from '../cases/normalization';
import { checkCases, useWebGPU } from '../helpers';

useWebGPU();

describe('GPU matches CPU', () => checkCases(normalizationCases.filter((c) => c.name.startsWith('sigmoidFocalLoss'))));

/** The loss in float64 straight from its definition (no stable rewrites). */
function focalLoss64(z: number, x: number, alpha: number, gamma: number): number {
  const p = Math.min(Math.max(1 / (1 + Math.exp(-x)), 1e-8), 1);
  return z > 0 ? -alpha * (z - p) ** gamma * Math.log(p) : -(1 - alpha) * p ** gamma * Math.log(1 - p);
}

/** Labels (hard and soft) and logits away from the clip threshold, where the loss is smooth. */
function samples(count: number, soft: boolean): { labels: Float32Array; logits: Float32Array } {
  const next = seededRandom(7);
  const labels = Float32Array.from({ length: count }, (_, i) => (i % 3 === 0 ? 1 : i % 3 === 1 ? 0 : soft ? 0.2 + 0.7 * next() : 1));
  const logits = Float32Array.from({ length: count }, () => -6 + 12 * next());
  return { labels, logits };
}

function expectClose(actual: ArrayLike<number>, expected: number[], rtol: number, atol: number): void {
  expected.forEach((e, i) => {
    if (!(Math.abs(actual[i] - e) <= atol + rtol * Math.abs(e))) throw new Error(`element ${i}: ${actual[i]} vs ${e}`);
  });
}

describe('reference values', () => {
  it('matches the definition of the loss', async () => {
    for (const [alpha, gamma] of [[0.25, 2], [0.6, 0], [0.5, 1.5]]) {
      const { labels, logits } = samples(60, gamma % 1 === 0);
      const loss = await ops.sigmoidFocalLoss(tensor(labels), tensor(logits), { alpha, gamma }).data();
      expectClose(loss, Array.from(logits, (x, i) => focalLoss64(labels[i], x, alpha, gamma)), 1e-4, 1e-7);
    }
  });

  it('uses alpha 0.25 and gamma 2 by default', async () => {
    const loss = await ops.sigmoidFocalLoss(tensor([1, 0]), tensor([0.5, 0.5])).data();
    expect(loss[0]).toBeCloseTo(focalLoss64(1, 0.5, 0.25, 2), 6);
    expect(loss[1]).toBeCloseTo(focalLoss64(0, 0.5, 0.25, 2), 6);
  });

  it('stays finite for saturated logits and clips p at 1e-8', async () => {
    const loss = Array.from(await ops.sigmoidFocalLoss(tensor([0, 1, 1]), tensor([60, -60, 60])).data());
    expect(loss[0]).toBeCloseTo(0.75 * 60, 3);
    expect(loss[1]).toBeCloseTo(-0.25 * (1 - 1e-8) ** 2 * Math.log(1e-8), 4);
    expect(loss[2]).toBe(0);
  });

  for (const backend of ['webgpu', 'cpu'] as const) {
    it(`has the gradient of central finite differences in float64 (${backend})`, async () => {
      setBackend(backend);
      try {
        for (const [alpha, gamma] of [[0.25, 2], [0.6, 0], [0.5, 1.5], [0.25, 3]]) {
          const { labels, logits } = samples(60, gamma % 1 === 0);
          const h = 1e-5;
          const numeric = Array.from(logits, (x, i) => (focalLoss64(labels[i], x + h, alpha, gamma) - focalLoss64(labels[i], x - h, alpha, gamma)) / (2 * h));
          const grad = await ops.sigmoidFocalLossGrad(tensor(labels), tensor(logits), { alpha, gamma }).data();
          expectClose(grad, numeric, 1e-4, 1e-6);
        }
        // Where the clip is active the loss is constant in the logit.
        expect(Array.from(await ops.sigmoidFocalLossGrad(tensor([1, 0]), tensor([-25, -25])).data())).toEqual([0, 0]);
      } finally {
        setBackend('webgpu');
      }
    });
  }
});

describe('errors', () => {
  it('requires labels and logits of the same shape', () => {
    expect(() => ops.sigmoidFocalLoss(tensor([1, 0]), tensor([[1, 2]]))).toThrow(
      'sigmoidFocalLoss: labels of shape [2] and logits of shape [1,2] must have the same shape.',
    );
  });

  it('rejects a negative or non-finite gamma and a non-finite alpha', () => {
    expect(() => ops.sigmoidFocalLossGrad(tensor([1]), tensor([1]), { gamma: -1 })).toThrow('sigmoidFocalLossGrad: gamma must be a finite number >= 0, got -1.');
    expect(() => ops.sigmoidFocalLoss(tensor([1]), tensor([1]), { alpha: NaN })).toThrow('sigmoidFocalLoss: alpha must be a finite number, got NaN.');
  });

  it('rejects non-tensor arguments', () => {
    expect(() => ops.sigmoidFocalLoss([1] as never, tensor([1]))).toThrow('sigmoidFocalLoss: expected labels to be a Tensor, got an array (wrap it with tensor(...)).');
  });
});
