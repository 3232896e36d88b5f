// Element-wise ops: each GPU kernel against the CPU backend, plus the errors users meet.

import { describe, expect, it } from 'vitest';
import { ops, tensor } from '../../src/node';
import { elementwiseCases } from '../cases/elementwise';
import { checkCases, useWebGPU } from '../helpers';

useWebGPU();

describe('GPU matches CPU', () => checkCases(elementwiseCases));

describe('reference values', () => {
  it('computes known values', async () => {
    const x = tensor([-1, 0, 2]);
    expect(Array.from(await x.relu().data())).toEqual([0, 0, 2]);
    const sigmoid = await x.sigmoid().data();
    [1 / (1 + Math.E), 0.5, 1 / (1 + Math.exp(-2))].forEach((v, i) => expect(sigmoid[i]).toBeCloseTo(v, 6));
    expect(Array.from(await ops.leakyRelu(x).data())).toEqual([Math.fround(-0.2), 0, 2]);
    expect(await tensor([[1, 2], [3, 4]]).add(tensor([10, 20])).array()).toEqual([[11, 22], [13, 24]]);
  });

  it('booleans are int32 0/1', async () => {
    const b = tensor([1, 5, 3]).greater(2);
    expect(b.dtype).toBe('int32');
    expect(Array.from(await b.data())).toEqual([0, 1, 1]);
  });
});

describe('errors', () => {
  it('names the op and the shapes when broadcasting fails', () => {
    expect(() => ops.add(tensor([[1, 2, 3]]), tensor([1, 2]))).toThrow('add: shapes [1,3] and [2] cannot be broadcast together');
  });

  it('rejects a tensor used after dispose', () => {
    const x = tensor([1, 2]);
    x.dispose();
    expect(x.isDisposed).toBe(true);
    expect(() => x.exp()).toThrow('exp: a tensor of shape [2] was used after it was disposed');
  });

  it('rejects non-tensor operands', () => {
    expect(() => ops.add([1, 2] as never, 1)).toThrow('add: expected a Tensor or a number, got an array');
  });

  it('rejects clip bounds in the wrong order', () => {
    expect(() => ops.clip(tensor([1]), 2, 1)).toThrow('clip: min (2) must not exceed max (1)');
  });
});
