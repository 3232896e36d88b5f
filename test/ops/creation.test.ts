// Creation ops: each GPU kernel against the CPU backend, known values, and argument errors.

import { describe, expect, it } from 'vitest';
import { eye, fill, oneHot, ones, ops, range, tensor, zeros } from '../../src/node';
import { creationCases } from '../cases/creation';
import { checkCases, useWebGPU } from '../helpers';

useWebGPU();

describe('GPU matches CPU', () => checkCases(creationCases));

describe('reference values', () => {
  it('fills, counts and builds identities', async () => {
    expect(await fill([2, 2], 3).array()).toEqual([[3, 3], [3, 3]]);
    expect(Array.from(await zeros([3]).data())).toEqual([0, 0, 0]);
    expect(ones([2], 'int32').dtype).toBe('int32');
    expect(Array.from(await range(4).data())).toEqual([0, 1, 2, 3]);
    expect(Array.from(await range(1, 2, 0.25).data())).toEqual([1, 1.25, 1.5, 1.75]);
    expect(Array.from(await range(10, 0, -3, 'int32').data())).toEqual([10, 7, 4, 1]);
    expect(await eye(2, 3).array()).toEqual([[1, 0, 0], [0, 1, 0]]);
  });

  it('Keras names: arange infers int32 from integer arguments, full and identity', async () => {
    expect(ops.arange(4).dtype).toBe('int32');
    expect(Array.from(await ops.arange(2, 9, 3).data())).toEqual([2, 5, 8]);
    expect(ops.arange(0, 1, 0.25).dtype).toBe('float32');
    expect(Array.from(await ops.arange(0, 1, 0.25).data())).toEqual([0, 0.25, 0.5, 0.75]);
    expect(ops.arange(3, undefined, 1, 'float32').dtype).toBe('float32');
    expect(await ops.full([2], 7).array()).toEqual([7, 7]);
    expect(await ops.identity(2).array()).toEqual([[1, 0], [0, 1]]);
  });

  it('one-hot encodes along a new last axis', async () => {
    const encoded = oneHot(tensor(new Int32Array([0, 2, 1, 5]), [4]), 3);
    expect(encoded.shape).toEqual([4, 3]);
    expect(encoded.dtype).toBe('float32');
    expect(await encoded.array()).toEqual([[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 0]]);
  });
});

describe('errors', () => {
  it('rejects non-integer and negative shape entries', () => {
    expect(() => zeros([2, 1.5])).toThrow('zeros: shape [2,1.5] must hold non-negative integers (got 1.5).');
    expect(() => fill([-1], 0)).toThrow('fill: shape [-1] must hold non-negative integers (got -1).');
    expect(() => eye(-2)).toThrow('eye: shape [-2,-2] must hold non-negative integers (got -2).');
  });

  it('rejects unknown dtypes', () => {
    expect(() => ones([2], 'bool' as never)).toThrow("ones: unknown dtype 'bool'. Expected 'float32' or 'int32'.");
  });

  it('rejects a zero step and non-integer int32 ranges', () => {
    expect(() => range(0, 5, 0)).toThrow('range: step must not be 0.');
    expect(() => range(0, 5, 0.5, 'int32')).toThrow('range: step must be an integer for an int32 range, got 0.5.');
    expect(() => range(0, Infinity)).toThrow('range: stop must be a finite number, got Infinity.');
  });

  it('rejects a depth that is not a positive integer', () => {
    expect(() => oneHot(tensor(new Int32Array([1]), [1]), 0)).toThrow('oneHot: depth must be a positive integer, got 0.');
  });

  it('rejects float32 indices', () => {
    expect(() => oneHot(tensor([1, 2]), 3)).toThrow("oneHot: indices must be int32, got float32 (shape [2]). Cast them first: ops.cast(indices, 'int32').");
  });
});
