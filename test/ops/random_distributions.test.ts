// Gamma, Beta and Binomial samplers: one seed gives the same samples on the GPU and the CPU;
// over many draws the sample mean and variance match the distributions' formulas within five
// standard errors derived from the sample size and the fourth central moment; edge parameters
// (p = 0 or 1, no trials) are exact; per-element parameters broadcast; errors name what was wrong.

import { describe, expect, it } from 'vitest';
import { getBackend, ops, randomBeta, randomBinomial, randomGamma, tensor, type Tensor } from '../../src/node';
import { randomDistributionCases } from '../cases/random_distributions';
import { checkCases, onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

const DRAWS = 40_000;

async function valuesOf(t: Tensor): Promise<number[]> {
  const values = Array.from(await t.data());
  t.dispose();
  return values;
}

/**
 * Expects the sample mean and variance of `values` to match `mean` and `variance` within five
 * standard errors: sqrt(variance / N) for the mean and sqrt((mu4 - variance^2) / N) for the
 * variance, mu4 = variance^2 (3 + excessKurtosis).
 */
function expectMoments(values: number[], mean: number, variance: number, excessKurtosis: number): void {
  const n = values.length;
  const sampleMean = values.reduce((a, b) => a + b, 0) / n;
  const sampleVariance = values.reduce((a, b) => a + (b - sampleMean) ** 2, 0) / (n - 1);
  expect(Math.abs(sampleMean - mean)).toBeLessThan(5 * Math.sqrt(variance / n));
  expect(Math.abs(sampleVariance - variance)).toBeLessThan(5 * Math.sqrt((variance ** 2 * (2 + excessKurtosis)) / n));
}

describe('GPU matches CPU for the same seed', () => {
  it('runs on the WebGPU backend', () => expect(getBackend()).toBe('webgpu'));
  checkCases(randomDistributionCases);
});

describe('randomGamma', () => {
  // Gamma(alpha): mean alpha, variance alpha, excess kurtosis 6 / alpha.
  for (const alpha of [0.1, 0.5, 1, 2.5, 30]) {
    it(
      `has the mean and variance of Gamma(${alpha})`,
      onBothBackends(async () => {
        const values = await valuesOf(randomGamma([DRAWS], alpha, { seed: 11 }));
        expect(values.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
        expectMoments(values, alpha, alpha, 6 / alpha);
      }),
    );
  }

  it('takes one alpha per element, broadcast to the shape', async () => {
    const alphas = [0.4, 4, 40];
    const values = await valuesOf(randomGamma([DRAWS, 3], tensor(alphas), { seed: 12 }));
    alphas.forEach((alpha, column) => expectMoments(values.filter((_, i) => i % 3 === column), alpha, alpha, 6 / alpha));
  });

  it('repeats for a seed and differs for another; alpha <= 0 in a tensor gives NaN', async () => {
    const a = await valuesOf(randomGamma([100], 2, { seed: 5 }));
    expect(await valuesOf(randomGamma([100], 2, { seed: 5 }))).toEqual(a);
    expect(await valuesOf(randomGamma([100], 2, { seed: 6 }))).not.toEqual(a);
    expect((await valuesOf(randomGamma([2], tensor([0, -1]), { seed: 1 }))).every(Number.isNaN)).toBe(true);
  });

  it('is in the ops namespace, with the same samples', async () => {
    expect(await valuesOf(ops.randomGamma([50], 3, { seed: 9 }))).toEqual(await valuesOf(randomGamma([50], 3, { seed: 9 })));
  });
});

describe('randomBeta', () => {
  // Beta(a, b): mean a / (a + b), variance ab / ((a + b)^2 (a + b + 1)), excess kurtosis
  // 6 ((a - b)^2 (a + b + 1) - ab (a + b + 2)) / (ab (a + b + 2)(a + b + 3)).
  const cases: Array<[number, number]> = [
    [0.2, 0.2],
    [2, 5],
    [0.5, 3],
    [40, 10],
  ];
  for (const [a, b] of cases) {
    it(
      `has the mean and variance of Beta(${a}, ${b})`,
      onBothBackends(async () => {
        const values = await valuesOf(randomBeta([DRAWS], a, b, { seed: 21 }));
        expect(values.every((v) => v >= 0 && v <= 1)).toBe(true);
        const s = a + b;
        const kurtosis = (6 * ((a - b) ** 2 * (s + 1) - a * b * (s + 2))) / (a * b * (s + 2) * (s + 3));
        expectMoments(values, a / s, (a * b) / (s * s * (s + 1)), kurtosis);
      }),
    );
  }

  it('stays defined for tiny parameters (no 0 / 0)', async () => {
    const values = await valuesOf(randomBeta([DRAWS], 0.01, 0.01, { seed: 22 }));
    expect(values.every((v) => v >= 0 && v <= 1)).toBe(true);
    // Beta(0.01, 0.01) puts nearly all its mass at the ends, half at each.
    const low = values.filter((v) => v < 0.5).length / DRAWS;
    expect(Math.abs(low - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / DRAWS));
  });
});

describe('randomBinomial', () => {
  // Binomial(n, p): mean np, variance np(1 - p), excess kurtosis (1 - 6p(1 - p)) / (np(1 - p)).
  const cases: Array<[number, number, string]> = [
    [10, 0.3, 'inversion'],
    [40, 0.9, 'inversion, flipped'],
    [1000, 0.4, 'BTRS'],
    [200, 0.75, 'BTRS, flipped'],
    [100_000, 0.001, 'BTRS, small p'],
  ];
  for (const [n, p, method] of cases) {
    it(
      `has the mean and variance of Binomial(${n}, ${p}) (${method})`,
      onBothBackends(async () => {
        const values = await valuesOf(randomBinomial([DRAWS], n, p, { seed: 31 }));
        expect(values.every((v) => Number.isInteger(v) && v >= 0 && v <= n)).toBe(true);
        const variance = n * p * (1 - p);
        expectMoments(values, n * p, variance, (1 - 6 * p * (1 - p)) / variance);
      }),
    );
  }

  it(
    'is exact at the edges: no trials, p = 0, p = 1',
    onBothBackends(async () => {
      const values = await valuesOf(randomBinomial([4, 3], tensor([0, 17, 17]), tensor([[0.5], [0], [1], [0.5]]), { seed: 32 }));
      for (let row = 0; row < 4; row++) expect(values[row * 3]).toBe(0);
      expect(values.slice(3, 6)).toEqual([0, 0, 0]);
      expect(values.slice(6, 9)).toEqual([0, 17, 17]);
    }),
  );

  it('gives NaN for a probability outside [0, 1] in a tensor', async () => {
    expect((await valuesOf(randomBinomial([2], 5, tensor([1.5, -0.1]), { seed: 1 }))).every(Number.isNaN)).toBe(true);
  });
});

describe('errors before any GPU work', () => {
  it('rejects parameters outside their domain', () => {
    expect(() => randomGamma([3], 0)).toThrow('randomGamma: alpha must be a positive finite number, got 0.');
    expect(() => randomBeta([3], 1, -2)).toThrow('randomBeta: beta must be a positive finite number, got -2.');
    expect(() => randomBinomial([3], 2.5, 0.5)).toThrow('randomBinomial: counts must be a whole number in [0, 2^24], got 2.5.');
    expect(() => randomBinomial([3], 4, 1.5)).toThrow('randomBinomial: probabilities must be a number in [0, 1], got 1.5.');
  });

  it('rejects a parameter tensor that does not broadcast to the shape', () => {
    const alpha = tensor([1, 2]);
    expect(() => randomGamma([4, 3], alpha)).toThrow('randomGamma: alpha of shape [2] does not broadcast to the output shape [4,3].');
    alpha.dispose();
  });

  it('rejects other dtypes and unknown options with a hint', () => {
    expect(() => randomGamma([3], 1, { dtype: 'int32' })).toThrow("randomGamma: dtype must be 'float32'");
    expect(() => randomBeta([3], 1, 1, { seed_value: 1 } as never)).toThrow("randomBeta: unknown option 'seed_value'");
    expect(() => randomBinomial([-1], 1, 0.5)).toThrow('randomBinomial: shape [-1] must hold non-negative integers');
  });
});
