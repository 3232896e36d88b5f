// flip, roll, repeat, tril and triu: the device composites against the CPU backend, the values of
// the NumPy documentation's examples on both backends, gradients against finite differences, no
// leaked intermediates, and the errors users meet.

import { describe, expect, it } from 'vitest';
import { memory, ops, range, tensor, type Tensor } from '../../src/node';
import { gradCheck } from '../autograd/gradcheck';
import { rearrangeCases } from '../cases/scan_rearrange';
import { checkCases, onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

describe('GPU matches CPU', () => checkCases(rearrangeCases));

const values = async (t: Tensor) => t.array();

describe('reference values (NumPy documentation examples)', () => {
  it('flip', onBothBackends(async () => {
    const a = ops.reshape(range(0, 8), [2, 2, 2]);
    expect(await values(ops.flip(a, 0))).toEqual([[[4, 5], [6, 7]], [[0, 1], [2, 3]]]);
    expect(await values(ops.flip(a, 1))).toEqual([[[2, 3], [0, 1]], [[6, 7], [4, 5]]]);
    expect(await values(ops.flip(a))).toEqual([[[7, 6], [5, 4]], [[3, 2], [1, 0]]]);
    expect(await values(ops.flip(a, [0, 2]))).toEqual([[[5, 4], [7, 6]], [[1, 0], [3, 2]]]);
    expect(await values(ops.flip(a, []))).toEqual(await values(a));
    expect(await values(ops.flip(tensor(4)))).toEqual(4);
  }));

  it('roll', onBothBackends(async () => {
    expect(await values(ops.roll(range(0, 10), 2))).toEqual([8, 9, 0, 1, 2, 3, 4, 5, 6, 7]);
    expect(await values(ops.roll(range(0, 10), -2))).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    const x2 = ops.reshape(range(0, 10), [2, 5]);
    expect(await values(ops.roll(x2, 1))).toEqual([[9, 0, 1, 2, 3], [4, 5, 6, 7, 8]]);
    expect(await values(ops.roll(x2, -1))).toEqual([[1, 2, 3, 4, 5], [6, 7, 8, 9, 0]]);
    expect(await values(ops.roll(x2, 1, 0))).toEqual([[5, 6, 7, 8, 9], [0, 1, 2, 3, 4]]);
    expect(await values(ops.roll(x2, -1, 1))).toEqual([[1, 2, 3, 4, 0], [6, 7, 8, 9, 5]]);
    expect(await values(ops.roll(x2, [1, 1], [1, 0]))).toEqual([[9, 5, 6, 7, 8], [4, 0, 1, 2, 3]]);
    expect(await values(ops.roll(x2, [2, 1], [1, 0]))).toEqual([[8, 9, 5, 6, 7], [3, 4, 0, 1, 2]]);
    // Shifts along a repeated axis add up; whole turns change nothing.
    expect(await values(ops.roll(x2, [1, 1], 1))).toEqual([[3, 4, 0, 1, 2], [8, 9, 5, 6, 7]]);
    expect(await values(ops.roll(x2, 10, 1))).toEqual(await values(x2));
  }));

  it('repeat', onBothBackends(async () => {
    expect(await values(ops.repeat(tensor(3), 4))).toEqual([3, 3, 3, 3]);
    const x = tensor([[1, 2], [3, 4]]);
    expect(await values(ops.repeat(x, 2))).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    expect(await values(ops.repeat(x, 3, 1))).toEqual([[1, 1, 1, 2, 2, 2], [3, 3, 3, 4, 4, 4]]);
    expect(await values(ops.repeat(x, [1, 2], 0))).toEqual([[1, 2], [3, 4], [3, 4]]);
    expect(await values(ops.repeat(x, [0, 3], -1))).toEqual([[2, 2, 2], [4, 4, 4]]);
    expect(ops.repeat(x, 0, 0).shape).toEqual([0, 2]);
  }));

  it('tril and triu', onBothBackends(async () => {
    const m = tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]);
    expect(await values(ops.tril(m, -1))).toEqual([[0, 0, 0], [4, 0, 0], [7, 8, 0], [10, 11, 12]]);
    expect(await values(ops.triu(m, -1))).toEqual([[1, 2, 3], [4, 5, 6], [0, 8, 9], [0, 0, 12]]);
    expect(await values(ops.tril(m))).toEqual([[1, 0, 0], [4, 5, 0], [7, 8, 9], [10, 11, 12]]);
    expect(await values(ops.triu(m, 2))).toEqual([[0, 0, 3], [0, 0, 0], [0, 0, 0], [0, 0, 0]]);
    const batch = ops.reshape(range(1, 9), [2, 2, 2]);
    expect(await values(ops.tril(batch))).toEqual([[[1, 0], [3, 4]], [[5, 0], [7, 8]]]);
    expect(await values(ops.triu(batch))).toEqual([[[1, 2], [0, 4]], [[5, 6], [0, 8]]]);
  }));

  it('keeps the dtype', onBothBackends(async () => {
    const x = tensor([[1, 2], [3, 4]], [2, 2], 'int32');
    for (const y of [ops.flip(x), ops.roll(x, 1), ops.repeat(x, 2), ops.repeat(x, [1, 2], 1), ops.tril(x), ops.triu(x)]) {
      expect(y.dtype).toBe('int32');
    }
    expect(await values(ops.triu(x))).toEqual([[1, 2], [0, 4]]);
  }));
});

describe('gradients against finite differences', () => {
  const checks: Array<[string, (x: Tensor) => Tensor, number[]]> = [
    ['flip every axis', (x) => ops.flip(x).square(), [2, 3]],
    ['flip axis 1 of [2,3,2]', (x) => ops.flip(x, 1).square(), [2, 3, 2]],
    ['roll flattened', (x) => ops.roll(x, 4).square(), [2, 3]],
    ['roll along two axes', (x) => ops.roll(x, [1, -1], [0, 1]).square(), [3, 3]],
    ['repeat one count', (x) => ops.repeat(x, 3, 1).square(), [2, 2]],
    ['repeat per-element counts', (x) => ops.repeat(x, [2, 0, 3], 0).square(), [3, 2]],
    ['tril batched', (x) => ops.tril(x, 1).square(), [2, 3, 3]],
    ['triu', (x) => ops.triu(x, -1).square(), [3, 4]],
  ];
  for (const [name, f, shape] of checks) {
    it(name, async () => {
      expect((await gradCheck(f, [shape])).message).toBe('ok');
    });
  }
});

describe('memory', () => {
  it('frees every intermediate', onBothBackends(async () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    const start = memory().liveTensors;
    const calls = [
      () => ops.flip(x, 0),
      () => ops.roll(x, 1),
      () => ops.roll(x, [1, 1], [0, 1]),
      () => ops.repeat(x, 2, 0),
      () => ops.repeat(x, [1, 2, 0], 1),
      () => ops.tril(x),
      () => ops.triu(x, 1),
    ];
    for (const call of calls) {
      const y = call();
      expect(memory().liveTensors).toBe(start + 1);
      y.dispose();
    }
    expect(memory().liveTensors).toBe(start);
    x.dispose();
  }));
});

describe('errors', () => {
  const x = () => tensor([[1, 2, 3], [4, 5, 6]]);
  it('flip', () => {
    expect(() => ops.flip(x(), 2)).toThrow('flip: axis 2 is out of range for a tensor of rank 2');
    expect(() => ops.flip(x(), [0, -2])).toThrow('flip: axes [0,-2] repeat an axis.');
    expect(() => ops.flip(x(), '0' as unknown as number)).toThrow('flip: Invalid value for argument axis. Expected an integer, a list of integers or undefined. Received: axis="0".');
  });
  it('roll', () => {
    expect(() => ops.roll(x(), 1.5)).toThrow('roll: Invalid value for argument shift. Expected an integer or a non-empty list of integers. Received: shift=1.5.');
    expect(() => ops.roll(x(), [1, 2, 3], [0, 1])).toThrow('roll: Invalid value for argument shift. Expected one shift, or one per axis of axis=[0,1]. Received: shift=[1,2,3].');
    expect(() => ops.roll(x(), 1, [])).toThrow('roll: Invalid value for argument axis. Expected an integer, a non-empty list of integers or undefined. Received: axis=[].');
    expect(() => ops.roll(x(), 1, 3)).toThrow('roll: axis 3 is out of range for a tensor of rank 2');
  });
  it('repeat', () => {
    expect(() => ops.repeat(x(), -1)).toThrow('repeat: Invalid value for argument repeats. Expected a non-negative integer or a non-empty list of them. Received: repeats=-1.');
    expect(() => ops.repeat(x(), [1, 2], 1)).toThrow('repeat: Invalid value for argument repeats. Expected one count, or one per element along axis 1 (3) of shape [2,3]. Received: repeats=[1,2].');
    expect(() => ops.repeat(x(), 2, -3)).toThrow('repeat: axis -3 is out of range for a tensor of rank 2');
  });
  it('tril and triu', () => {
    expect(() => ops.tril(tensor([1, 2]))).toThrow('tril: Invalid value for argument x. Expected a tensor of rank 2 or more (a matrix or a batch of them). Received: x.shape=[2].');
    expect(() => ops.triu(x(), 0.5)).toThrow('triu: Invalid value for argument k. Expected an integer. Received: k=0.5.');
  });
});
