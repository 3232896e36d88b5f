// moments: the GPU kernel against the CPU backend, tf.nn.moments reference values, numerical
// stability against a float64 two-pass computation, and the errors users meet.

import { describe, expect, it } from 'vitest';
import { ops, tensor } from '../../src/node';
import { seededRandom } from '../cases/data';
import { normalizationCases } from '../cases/normalization';
import { checkCases, useWebGPU } from '../helpers';

useWebGPU();

describe('GPU matches CPU', () => checkCases(normalizationCases.filter((c) => c.name.startsWith('moments'))));

describe('reference values', () => {
  it('gives the mean and population variance of tf.nn.moments', async () => {
    const { mean, variance } = ops.moments(tensor([0, 1, 2, 3, 100]), [0]);
    expect(mean.shape).toEqual([]);
    expect(await mean.array()).toBeCloseTo(21.2, 4);
    expect(await variance.array()).toBeCloseTo(1553.36, 2);
  });

  it('reduces several axes and keeps dimensions on request', async () => {
    const x = tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    const { mean, variance } = ops.moments(x, [0, 2], { keepDims: true });
    expect(mean.shape).toEqual([1, 2, 1]);
    expect(Array.from(await mean.data())).toEqual([3.5, 5.5]);
    expect(Array.from(await variance.data())).toEqual([4.25, 4.25]);
    expect(ops.moments(x, -1).mean.shape).toEqual([2, 2]);
  });

  it('stays accurate where E[x^2] - E[x]^2 fails: 100k values near 1e4', async () => {
    const next = seededRandom(42);
    const values = Float32Array.from({ length: 100_000 }, () => 1e4 + (next() - 0.5) * 2);
    let sum = 0;
    for (const v of values) sum += v;
    const exactMean = sum / values.length;
    let squares = 0;
    for (const v of values) squares += (v - exactMean) ** 2;
    const exactVariance = squares / values.length;
    // The naive formula in float32 loses every digit of a variance of ~0.33 at magnitude 1e8.
    let naiveSquares = 0;
    let naiveSum = 0;
    for (const v of values) {
      naiveSum = Math.fround(naiveSum + v);
      naiveSquares = Math.fround(naiveSquares + Math.fround(v * v));
    }
    const naiveVariance = naiveSquares / values.length - (naiveSum / values.length) ** 2;
    expect(Math.abs(naiveVariance - exactVariance)).toBeGreaterThan(exactVariance);

    const { mean, variance } = ops.moments(tensor(values), 0);
    expect(Math.abs((await mean.array()) as number - exactMean)).toBeLessThan(1e-3);
    expect(Math.abs((await variance.array()) as number - exactVariance) / exactVariance).toBeLessThan(1e-3);
  });

  it('gives NaN for an empty reduction', async () => {
    const { mean, variance } = ops.moments(tensor(new Float32Array(0), [2, 0]), 1);
    expect(Array.from(await mean.data())).toEqual([NaN, NaN]);
    expect(Array.from(await variance.data())).toEqual([NaN, NaN]);
  });
});

describe('var and std (keras.ops.var, keras.ops.std)', () => {
  it('are the population variance and deviation over the given axes, every axis by default', async () => {
    const x = tensor([[1, 2], [3, 7]]);
    // Columns [1, 3] and [2, 7]: variances 1 and 6.25; all four values: mean 3.25, variance 20.75 / 4.
    expect(Array.from(await ops.var(x, 0).data())).toEqual([1, 6.25]);
    expect(await ops.var(x).array()).toBeCloseTo(5.1875, 5);
    expect(await ops.std(x, 0, true).array()).toEqual([[1, 2.5]]);
    expect(ops.variance).toBe(ops.var);
  });
});

describe('errors', () => {
  it('rejects an axis out of range and a repeated axis', () => {
    expect(() => ops.moments(tensor([[1, 2]]), [2])).toThrow('moments: axis 2 is out of range for a tensor of rank 2 (expected an integer in [-2, 1])');
    expect(() => ops.moments(tensor([[1, 2]]), [0, -2])).toThrow('moments: axes [0,-2] repeat an axis.');
  });

  it('requires axes and a boolean keepDims', () => {
    expect(() => ops.moments(tensor([1, 2]), undefined as never)).toThrow('moments: axes must be a number or an array of numbers, got undefined.');
    expect(() => ops.moments(tensor([1, 2]), 0, { keepDims: 1 as never })).toThrow('moments: keepDims must be a boolean, got number.');
  });

  it('rejects a non-tensor input', () => {
    expect(() => ops.moments([1, 2] as never, 0)).toThrow('moments: expected a Tensor, got an array (wrap it with tensor(...)).');
  });
});
