// The Tensor facade: creation from values, data access, properties and input errors, and the
// chained `pad` with ops.pad's argument forms (against NumPy's np.pad values).

import { describe, expect, it } from 'vitest';
import { getBackend, ops, scalar, tensor } from '../../src/node';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

describe('tensor()', () => {
  it('infers shape and dtype from nested arrays', async () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(x.shape).toEqual([2, 3]);
    expect(x.dtype).toBe('float32');
    expect(x.rank).toBe(2);
    expect(x.size).toBe(6);
    expect(await x.array()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(await x.data()).toBeInstanceOf(Float32Array);
  });

  it('takes typed arrays, an explicit shape and int32', async () => {
    const x = tensor(new Int32Array([1, 2, 3, 4]), [2, 2]);
    expect(x.dtype).toBe('int32');
    expect(await x.array()).toEqual([[1, 2], [3, 4]]);
    const y = tensor([1.7, -2.2], [2], 'int32');
    expect(Array.from(await y.data())).toEqual([1, -2]);
  });

  it('makes scalars and empty tensors', async () => {
    const s = scalar(3.5);
    expect(s.shape).toEqual([]);
    expect(await s.array()).toBe(3.5);
    expect(await scalar(true).array()).toBe(1);
    const e = tensor([], [0, 3]);
    expect(e.size).toBe(0);
    expect(await e.array()).toEqual([]);
  });

  it('accepts booleans as 0/1', async () => {
    expect(Array.from(await tensor([true, false, true]).data())).toEqual([1, 0, 1]);
  });

  it('reports a ragged nested array', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow('tensor: ragged nested array: expected 2 entries at [1] (shape [2,2]), got 1.');
  });

  it('reports values that do not fill the shape', () => {
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow('tensor: 3 values do not fill shape [2,2] (which holds 4).');
  });

  it('reports a bad dtype and a bad shape', () => {
    expect(() => tensor([1], [1], 'float64' as never)).toThrow("tensor: unknown dtype 'float64'. Expected 'float32' or 'int32'.");
    expect(() => tensor([1], [-1])).toThrow('tensor: shape [-1] must hold non-negative integers.');
  });

  it('says when a disposed tensor is read', async () => {
    const x = tensor([1]);
    x.dispose();
    await expect(x.data()).rejects.toThrow('Tensor of shape [1] was used after it was disposed.');
    expect(x.toString()).toBe('Tensor(shape=[1], dtype=float32, disposed)');
  });
});

describe('Tensor.pad', () => {
  it('runs on WebGPU', () => {
    expect(getBackend()).toBe('webgpu');
  });

  it('keeps x.pad(paddings, value): a constant fill', onBothBackends(async () => {
    expect(await tensor([[1, 2]]).pad([[1, 0], [0, 1]]).array()).toEqual([[0, 0, 0], [1, 2, 0]]);
    expect(await tensor([[1, 2]]).pad([[1, 0], [0, 1]], 7).array()).toEqual([[7, 7, 7], [1, 2, 7]]);
  }));

  it('takes every pad width form and mode of ops.pad (np.pad values)', onBothBackends(async () => {
    const x = tensor([1, 2, 3]);
    expect(await x.pad([2, 1], 'reflect').array()).toEqual([3, 2, 1, 2, 3, 2]);
    expect(await x.pad([2, 2], 'symmetric').array()).toEqual([2, 1, 1, 2, 3, 3, 2]);
    expect(await x.pad(2, 'edge').array()).toEqual([1, 1, 1, 2, 3, 3, 3]);
    expect(await x.pad([[1, 2]], 'wrap').array()).toEqual([3, 1, 2, 3, 1, 2]);
    expect(await x.pad(1, 'constant', 9).array()).toEqual([9, 1, 2, 3, 9]);
    const m = tensor([[1, 2], [3, 4]]);
    expect(await m.pad([[1], [0, 1]], 'reflect').array()).toEqual([[3, 4, 3], [1, 2, 1], [3, 4, 3], [1, 2, 1]]);
    expect(await m.pad([1, 0]).array()).toEqual([[0, 0, 0], [0, 1, 2], [0, 3, 4]]);
  }));

  it('is ops.pad, errors included', async () => {
    const x = tensor([[1, 2, 3]]);
    expect(await x.pad([[0, 0], [1, 1]], 'symmetric').array()).toEqual(await ops.pad(x, [[0, 0], [1, 1]], 'symmetric').array());
    expect(() => x.pad(1, 'mirror' as never)).toThrow('pad: unknown mode "mirror"');
    expect(() => x.pad(1, 'edge', 2)).toThrow("pad: constantValues applies to mode 'constant' only, got 2 with mode 'edge'.");
    expect(() => x.pad([[1, 1], [1, 1], [1, 1]])).toThrow('pad: padWidth [[1,1],[1,1],[1,1]] must be a width, a [before, after] pair, or one [before, after] pair per dimension of shape [1,3]');
  });
});
