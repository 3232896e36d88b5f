// softmax and logSoftmax: the GPU kernel against the CPU backend, known values, stability for
// large logits, and the errors users meet.

import { describe, expect, it } from 'vitest';
import { ops, tensor } from '../../src/node';
import { normalizationCases } from '../cases/normalization';
import { checkCases, useWebGPU } from '../helpers';

useWebGPU();

describe('GPU matches CPU', () => checkCases(normalizationCases.filter((c) => /^(log)?softmax/i.test(c.name))));

describe('reference values', () => {
  it('normalizes along the last axis by default', async () => {
    const y = await ops.softmax(tensor([[1, 2, 3], [0, 0, 0]])).data();
    const e = [1, 2, 3].map((v) => Math.exp(v - 3));
    const total = e.reduce((a, b) => a + b);
    [...e.map((v) => v / total), 1 / 3, 1 / 3, 1 / 3].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 6));
  });

  it('normalizes along any axis, negative ones too', async () => {
    const y = await ops.softmax(tensor([[1, 2], [1, 4]]), -2).array();
    expect(y).toEqual([[0.5, Math.fround(1 / (1 + Math.exp(2)))], [0.5, Math.fround(1 / (1 + Math.exp(-2)))]].map((r) => r.map((v) => expect.closeTo(v, 6))));
  });

  it('does not overflow for large logits', async () => {
    const y = Array.from(await ops.logSoftmax(tensor([1000, 1000, -1000])).data());
    expect(y[0]).toBeCloseTo(-Math.log(2), 5);
    expect(y[1]).toBeCloseTo(-Math.log(2), 5);
    expect(y[2]).toBeCloseTo(-2000 - Math.log(2), 2);
    expect(Array.from(await ops.softmax(tensor([1000, 1000])).data())).toEqual([0.5, 0.5]);
  });

  it('returns float32 of the input shape', () => {
    const y = ops.softmax(tensor([[1, 2]], undefined, 'int32'), 0);
    expect(y.dtype).toBe('float32');
    expect(y.shape).toEqual([1, 2]);
  });
});

describe('errors', () => {
  it('rejects an axis out of range', () => {
    expect(() => ops.softmax(tensor([[1, 2]]), 2)).toThrow('softmax: axis 2 is out of range for a tensor of rank 2 (expected an integer in [-2, 1])');
    expect(() => ops.logSoftmax(tensor([1, 2]), -2)).toThrow('logSoftmax: axis -2 is out of range for a tensor of rank 1');
  });

  it('rejects an axis that is not a number or a list, a scalar and a non-tensor', () => {
    expect(() => ops.softmax(tensor([1, 2]), '0' as never)).toThrow('softmax: axis must be a number or an array of numbers, got string.');
    expect(() => ops.softmax(tensor(3))).toThrow('softmax: expected a tensor of rank at least 1, got a scalar.');
    expect(() => ops.logSoftmax(null as never)).toThrow('logSoftmax: expected a Tensor, got null.');
  });
});
