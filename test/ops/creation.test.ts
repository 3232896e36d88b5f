// Creation ops: each GPU kernel against the CPU backend, known values (NumPy and Keras semantics
// as plain loops), and argument errors.

import { describe, expect, it } from 'vitest';
import { eye, fill, oneHot, ones, ops, range, tensor, zeros } from '../../src/node';
import { creationCases } from '../cases/creation';
import { checkCases, onBothBackends, useWebGPU } from '../helpers';

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

  it('eye puts ones on diagonal k, as numpy.eye(N, M, k)', onBothBackends(async () => {
    for (const [rows, columns] of [[5, 7], [6, 3], [1, 1]]) {
      for (let k = -7; k <= 8; k++) {
        const expected = Array.from({ length: rows }, (_, i) => Array.from({ length: columns }, (_, j) => (j - i === k ? 1 : 0)));
        expect(await eye(rows, columns, k).array()).toEqual(expected);
      }
    }
    const ints = ops.eye(3, undefined, 1, 'int32');
    expect(ints.dtype).toBe('int32');
    expect(await ints.array()).toEqual([[0, 1, 0], [0, 0, 1], [0, 0, 0]]);
  }));

  it('oneHot takes an axis, float indices and on/off values (keras.ops.one_hot)', onBothBackends(async () => {
    // The Keras docstring example.
    expect(await ops.oneHot(tensor([1, 3, 2, 0], [4], 'int32'), 4).array()).toEqual([[0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0], [1, 0, 0, 0]]);
    expect(await oneHot(tensor([0, 2], [2], 'int32'), 3, 0).array()).toEqual([[1, 0], [0, 0], [0, 1]]);
    // Float indices are truncated toward zero (tf.cast to int64 in Keras's TensorFlow backend).
    expect(await oneHot(tensor([2.7, 0.2, -0.5, -1.5]), 3).array()).toEqual([[0, 0, 1], [1, 0, 0], [1, 0, 0], [0, 0, 0]]);
    const custom = oneHot(tensor([1, 4], [2], 'int32'), 3, -1, { onValue: 0.5, offValue: -1 });
    expect(await custom.array()).toEqual([[-1, 0.5, -1], [-1, -1, -1]]);
    const ints = oneHot(tensor([2, 0], [2], 'int32'), 3, -1, { dtype: 'int32' });
    expect(ints.dtype).toBe('int32');
    expect(await ints.array()).toEqual([[0, 0, 1], [1, 0, 0]]);
  }));

  it('oneHot along every axis of a rank-3 tensor matches a plain-loop reference', onBothBackends(async () => {
    const shape = [2, 3, 2];
    const labels = [0, 3, 1, -1, 2, 2, 4, 0, 1, 3, 3, 0];
    const classes = 4;
    for (let axis = -4; axis <= 3; axis++) {
      const at = axis < 0 ? axis + 4 : axis;
      const outShape = [...shape.slice(0, at), classes, ...shape.slice(at)];
      const expected: number[] = [];
      // Visit the output in row-major order; drop the class coordinate to find the label.
      const visit = (prefix: number[]) => {
        if (prefix.length === outShape.length) {
          const position = prefix.filter((_, d) => d !== at).reduce((flat, c, d) => flat * shape[d] + c, 0);
          expected.push(labels[position] === prefix[at] ? 1 : 0);
          return;
        }
        for (let c = 0; c < outShape[prefix.length]; c++) visit([...prefix, c]);
      };
      visit([]);
      const encoded = oneHot(tensor(labels, shape, 'int32'), classes, axis);
      expect(encoded.shape).toEqual(outShape);
      expect(Array.from(await encoded.data())).toEqual(expected);
    }
  }));
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

  it('rejects a numClasses that is not a positive integer', () => {
    expect(() => oneHot(tensor(new Int32Array([1]), [1]), 0)).toThrow('oneHot: numClasses must be a positive integer, got 0.');
  });

  it('rejects an axis out of range, TF.js-style on/off values and unknown options', () => {
    const ids = () => tensor([1, 2], [2], 'int32');
    expect(() => oneHot(ids(), 3, 2)).toThrow('oneHot: axis must be an integer in [-2, 1] for indices of shape [2], got 2 (onValue and offValue are options: oneHot(indices, numClasses, -1, { onValue, offValue })).');
    expect(() => oneHot(ids(), 3, 0.9)).toThrow('oneHot: axis must be an integer in [-2, 1] for indices of shape [2], got 0.9');
    expect(() => oneHot(ids(), 3, -1, 0.1 as never)).toThrow('oneHot: options must be an object such as { onValue, offValue, dtype }, got 0.1.');
    expect(() => oneHot(ids(), 3, -1, { on_value: 2 } as never)).toThrow("oneHot: unknown option 'on_value' (did you mean 'onValue'?). Its options: dtype, onValue, offValue.");
    expect(() => oneHot(ids(), 3, -1, { dtype: 'bool' as never })).toThrow("oneHot: unknown dtype 'bool'. Expected 'float32' or 'int32'.");
  });

  it('rejects a non-integer eye offset, naming the dtype argument that moved', () => {
    expect(() => eye(3, 3, 'int32' as never)).toThrow('eye: k, the diagonal offset, must be an integer, got "int32" (the dtype is the fourth argument: eye(N, M, k, dtype), as keras.ops.eye).');
    expect(() => eye(3, 3, 0.5)).toThrow('eye: k, the diagonal offset, must be an integer, got 0.5.');
  });
});
