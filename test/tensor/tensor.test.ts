// The Tensor facade: creation from values, data access, properties and input errors.

import { describe, expect, it } from 'vitest';
import { scalar, tensor } from '../../src/node';
import { useWebGPU } from '../helpers';

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
