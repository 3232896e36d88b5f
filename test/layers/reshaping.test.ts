// Flatten, Reshape and Permute: values, symbolic shapes (unknown dimensions included) and errors.

import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/node';
import { Flatten, Input, Permute, Reshape } from '../../src/layers/index';
import { useWebGPU } from '../helpers';

useWebGPU();

const iota = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('Flatten', () => {
  it('keeps the batch axis and flattens the rest in row-major order', async () => {
    const y = new Flatten().apply(tensor(iota(24), [2, 3, 4]));
    expect(y.shape).toEqual([2, 12]);
    expect(Array.from(await y.data())).toEqual(iota(24));
  });

  it('turns [batch] into [batch, 1]', () => {
    expect(new Flatten().apply(tensor([1, 2, 3])).shape).toEqual([3, 1]);
  });

  it('gives Keras shapes on symbolic inputs', () => {
    expect(new Flatten().apply(Input({ shape: [28, 28, 1] })).shape).toEqual([null, 784]);
    expect(new Flatten().apply(Input({ shape: [null, 4] })).shape).toEqual([null, null]);
  });
});

describe('Reshape', () => {
  it('reshapes each sample', async () => {
    const y = new Reshape({ targetShape: [3, 4] }).apply(tensor(iota(24), [2, 12]));
    expect(y.shape).toEqual([2, 3, 4]);
    expect(Array.from(await y.data())).toEqual(iota(24));
  });

  it('infers one -1 dimension', () => {
    expect(new Reshape({ targetShape: [-1, 2] }).apply(tensor(iota(24), [2, 3, 4])).shape).toEqual([2, 6, 2]);
    expect(new Reshape([-1, 2]).apply(Input({ shape: [3, 4] })).shape).toEqual([null, 6, 2]);
    expect(new Reshape([-1, 2]).apply(Input({ shape: [null, 4] })).shape).toEqual([null, null, 2]);
  });

  it('gives the target shape on symbolic inputs', () => {
    expect(new Reshape({ targetShape: [3, 4] }).apply(Input({ shape: [12] })).shape).toEqual([null, 3, 4]);
  });

  it('rejects a size mismatch and bad target shapes with Keras messages', () => {
    expect(() => new Reshape({ targetShape: [5] }).apply(Input({ shape: [12] }))).toThrow('The total size of the tensor must be unchanged. Received: input_shape=(12,), target_shape=(5,)');
    expect(() => new Reshape({ targetShape: [-1, 5] }).apply(tensor(iota(24), [2, 12]))).toThrow(/total size of the tensor must be unchanged/);
    expect(() => new Reshape({ targetShape: [-1, -1] })).toThrow(/at most one unknown dimension/);
    expect(() => new Reshape({ targetShape: [0, 2] })).toThrow(/Invalid value for argument `targetShape`/);
  });
});

describe('Permute', () => {
  it('permutes the non-batch axes with 1-based dims', async () => {
    const y = new Permute({ dims: [2, 1] }).apply(tensor(iota(12), [2, 2, 3]));
    expect(y.shape).toEqual([2, 3, 2]);
    expect(Array.from(await y.data())).toEqual([0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11]);
  });

  it('gives Keras shapes on symbolic inputs', () => {
    expect(new Permute({ dims: [2, 1] }).apply(Input({ shape: [10, 64] })).shape).toEqual([null, 64, 10]);
    expect(new Permute([3, 1, 2]).apply(Input({ shape: [2, null, 5] })).shape).toEqual([null, 5, 2, null]);
  });

  it('rejects dims that are not a permutation of 1..n, and inputs of another rank', () => {
    expect(() => new Permute({ dims: [0, 1] })).toThrow('Invalid permutation argument `dims` for Permute Layer. The set of indices in `dims` must be consecutive and start from 1. Received dims=[0,1]');
    expect(() => new Permute({ dims: [1, 1] })).toThrow(/must be consecutive and start from 1/);
    expect(() => new Permute({ dims: [2, 1], name: 'permute_rank' }).apply(Input({ shape: [3] }))).toThrow('Input 0 of layer "permute_rank" is incompatible with the layer: expected ndim=3, found ndim=2');
  });
});
