// Reductions: each GPU kernel against the CPU backend, known values, the results of empty
// reductions, dtypes, and the errors users meet.

import { describe, expect, it, vi } from 'vitest';
import { getBackend, grad, ops, tensor, type Tensor } from '../../src/node';
import { currentGpu } from '../../src/backend/engine';
import { reduceCases } from '../cases/reduce';
import { checkCases, onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

describe('GPU matches CPU', () => checkCases(reduceCases));

describe('reference values', () => {
  it('reduces over one axis, several axes or all of them', async () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(await ops.sum(x, 1).array()).toEqual([6, 15]);
    expect(await ops.sum(x, 0, true).array()).toEqual([[5, 7, 9]]);
    expect(await ops.sum(x, [0, 1]).array()).toEqual(21);
    expect(await ops.mean(x).array()).toEqual(3.5);
    expect(await ops.prod(x, -1).array()).toEqual([6, 120]);
    expect(await ops.max(x, 0).array()).toEqual([4, 5, 6]);
    expect(await ops.min(x, 1, true).array()).toEqual([[1], [4]]);
    expect(await x.sum(undefined, true).array()).toEqual([[21]]);
  });

  it('computes logSumExp stably', async () => {
    const [a, b] = Array.from(await ops.logSumExp(tensor([[1000, 1000], [-1000, -1001]]), 1).data());
    expect(a).toBeCloseTo(1000 + Math.log(2), 3);
    expect(b).toBeCloseTo(-1000 + Math.log1p(Math.exp(-1)), 3);
  });

  it('gives all and any as int32 0/1', async () => {
    const b = tensor([[1, 0], [2, 3]]);
    expect(ops.all(b).dtype).toBe('int32');
    expect(await ops.all(b, 1).array()).toEqual([0, 1]);
    expect(await ops.any(tensor([[0, 0], [0, -2]]), 1).array()).toEqual([0, 1]);
  });

  it('counts NaN as true in all and any (nonzero, as NumPy), in short and long reductions', onBothBackends(async () => {
    // NumPy: np.all([[nan, 1], [nan, nan], [0, nan]], 1) is [True, True, False]; bool(nan) is True.
    expect(await ops.all(tensor([[NaN, 1], [NaN, NaN], [0, NaN]]), 1).array()).toEqual([1, 1, 0]);
    expect(await ops.any(tensor([[NaN, 0], [NaN, NaN], [0, 0]]), 1).array()).toEqual([1, 1, 0]);
    // 5000 elements reduce in one workgroup per output rather than one invocation.
    const nans = new Float32Array(5000).fill(NaN);
    expect(await ops.all(tensor(nans)).array()).toBe(1);
    const zeros = new Float32Array(5000);
    zeros[4321] = NaN;
    expect(await ops.any(tensor(zeros)).array()).toBe(1);
  }));

  it('indexes along an axis or into the flattened tensor, first index on ties', async () => {
    const y = tensor([[1, 9, 9], [7, 2, 3]]);
    expect(await ops.argMax(y, 1).array()).toEqual([1, 0]);
    expect(await ops.argMax(y, 0, true).array()).toEqual([[1, 0, 0]]);
    expect(await ops.argMax(y).array()).toEqual(1);
    expect(await ops.argMin(y).array()).toEqual(0);
    expect(ops.argMax(y).dtype).toBe('int32');
  });

  it('takes the Keras names argmax, argmin and logsumexp', () => {
    expect([ops.argmax, ops.argmin, ops.logsumexp]).toEqual([ops.argMax, ops.argMin, ops.logSumExp]);
  });

  it('keeps int32 for sum, prod, max and min; mean and logSumExp are float32', () => {
    const i = tensor([1, 2, 3], undefined, 'int32');
    expect([ops.sum(i), ops.prod(i), ops.max(i), ops.min(i)].map((t) => t.dtype)).toEqual(['int32', 'int32', 'int32', 'int32']);
    expect([ops.mean(i), ops.logSumExp(i)].map((t) => t.dtype)).toEqual(['float32', 'float32']);
  });

  it('gives the identity of each op for an empty reduction', async () => {
    const empty = tensor(new Float32Array(0), [2, 0]);
    const first = async (t: Tensor) => (await t.data())[0];
    expect(await first(ops.sum(empty, 1))).toBe(0);
    expect(await first(ops.prod(empty, 1))).toBe(1);
    expect(await first(ops.mean(empty, 1))).toBeNaN();
    expect(await first(ops.max(empty, 1))).toBe(-Infinity);
    expect(await first(ops.min(empty, 1))).toBe(Infinity);
    expect(await first(ops.all(empty, 1))).toBe(1);
    expect(await first(ops.any(empty, 1))).toBe(0);
    expect(await first(ops.logSumExp(empty, 1))).toBe(-Infinity);
    expect(ops.sum(empty, 1).shape).toEqual([2]);
  });
});

describe('reductions of one element per output', () => {
  it('return the values reshaped, without GPU work, and keep their gradient', async () => {
    expect(getBackend()).toBe('webgpu');
    const x = tensor([[1], [-2], [3]]);
    const recorder = currentGpu()!.recorder;
    const dispatches = vi.spyOn(recorder, 'dispatch');
    const reduced = [ops.sum(x, 1), ops.mean(x, 1, true), ops.max(x, 1), ops.min(tensor(4)), ops.prod(x, -1)];
    expect(dispatches).not.toHaveBeenCalled();
    dispatches.mockRestore();
    expect(reduced.map((t) => t.shape)).toEqual([[3], [3, 1], [3], [], [3]]);
    expect(Array.from(await reduced[1].data())).toEqual([1, -2, 3]);
    // int32 mean becomes float32: that one is computed.
    expect(ops.mean(tensor([[2]], undefined, 'int32'), 1).dtype).toBe('float32');
    const [dx] = grad((t: Tensor) => ops.sum(ops.mean(t, 1).mul(tensor([1, 2, 3]))))(x);
    expect(Array.from(await dx.data())).toEqual([1, 2, 3]);
  });
});

describe('errors', () => {
  const x = () => tensor([[1, 2], [3, 4]]);

  it('rejects an axis out of range', () => {
    expect(() => ops.sum(x(), 2)).toThrow('sum: axis 2 is out of range for a tensor of rank 2 (expected an integer in [-2, 1])');
    expect(() => ops.argMax(x(), -3)).toThrow('argMax: axis -3 is out of range for a tensor of rank 2');
  });

  it('rejects a repeated axis', () => {
    expect(() => ops.mean(x(), [1, -1])).toThrow('mean: axes [1,-1] repeat an axis.');
  });

  it('rejects a list of axes for argMax and argMin', () => {
    expect(() => ops.argMin(x(), [0] as never)).toThrow('argMin: axis must be a single number or undefined (the flattened tensor), got an array.');
  });

  it('rejects a non-tensor input and a non-boolean keepDims', () => {
    expect(() => ops.max([1, 2] as never)).toThrow('max: expected a Tensor, got an array (wrap it with tensor(...)).');
    expect(() => ops.sum(x(), 0, 'yes' as never)).toThrow('sum: keepDims must be a boolean, got string.');
    expect(() => ops.sum(x(), '0' as never)).toThrow('sum: axis must be a number, an array of numbers or undefined (all axes), got string.');
  });

  it('rejects argMax over an empty axis', () => {
    expect(() => ops.argMax(tensor(new Float32Array(0), [3, 0]), 1)).toThrow(
      'argMax: cannot take the maximum of an empty sequence (axis 1 of shape [3,0] has size 0).',
    );
    expect(() => ops.argMin(tensor(new Float32Array(0), [0]))).toThrow('argMin: cannot take the minimum of an empty sequence (the flattened tensor of shape [0] has size 0).');
  });
});
