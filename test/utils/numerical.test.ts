// utils.toCategorical and utils.normalize as a specification: Keras's docstring and test values,
// one-hot rows against a plain loop, Keras's shrinking of a trailing axis of 1, labels in arrays,
// typed arrays and tensors (GPU and CPU), the errors users meet, and normalize against a float64
// reference.

import { describe, expect, it } from 'vitest';
import { getBackend, ops, tensor, utils, type NestedArray } from '../../src/node';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

/** One-hot rows of flat labels, as a plain loop. */
function oneHotRows(labels: number[], classes: number): number[] {
  const out = new Array<number>(labels.length * classes).fill(0);
  labels.forEach((label, i) => (out[i * classes + label] = 1));
  return out;
}

/** Flat values as nested arrays of `shape`. */
function nest(flat: number[], shape: number[]): NestedArray {
  if (shape.length === 1) return flat;
  const step = flat.length / shape[0];
  return Array.from({ length: shape[0] }, (_, i) => nest(flat.slice(i * step, (i + 1) * step), shape.slice(1)));
}

describe('toCategorical', () => {
  it("Keras's docstring example: [0, 1, 2, 3] with 4 classes is the identity", async () => {
    expect(getBackend()).toBe('webgpu');
    const y = utils.toCategorical([0, 1, 2, 3], 4);
    expect(y.dtype).toBe('float32');
    expect(await y.array()).toEqual([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]);
  });

  for (const [shape, expected] of [
    [[1], [1, 5]], [[3], [3, 5]], [[4, 3], [4, 3, 5]], [[5, 4, 3], [5, 4, 3, 5]], [[3, 1], [3, 5]], [[3, 2, 1], [3, 2, 5]],
  ]) {
    it(`Keras's shapes: labels [${shape}] give [${expected}]`, async () => {
      expect(getBackend()).toBe('webgpu');
      const size = shape.reduce((a, b) => a * b, 1);
      const flat = Array.from({ length: size }, (_, i) => (i * 7 + 3) % 5);
      const y = utils.toCategorical(nest(flat, shape), 5);
      expect(y.shape).toEqual(expected);
      expect(Array.from(await y.data())).toEqual(oneHotRows(flat, 5));
    });
  }

  it("numClasses defaults to the largest label + 1 (Keras's [0, 2, 5] gives 6 columns)", async () => {
    const y = utils.toCategorical([0, 2, 5]);
    expect(y.shape).toEqual([3, 6]);
    expect(Array.from(await y.data())).toEqual(oneHotRows([0, 2, 5], 6));
  });

  it('a scalar label gives one row of numClasses; integral floats and typed arrays are labels', async () => {
    const one = utils.toCategorical(2, 4);
    expect(one.shape).toEqual([4]);
    expect(await one.array()).toEqual([0, 0, 1, 0]);
    expect(await utils.toCategorical([[1.0], [0.0]]).array()).toEqual([[0, 1], [1, 0]]);
    expect(await utils.toCategorical(new Float32Array([2, 0]), 3).array()).toEqual([[0, 0, 1], [1, 0, 0]]);
    expect(await utils.toCategorical(new Int32Array([1]), 2).array()).toEqual([[0, 1]]);
  });

  it(
    "a tensor of labels (Keras's test_to_categorical_with_backend_tensor), int32 or float32, [n, 1] shrunk, on each backend",
    onBothBackends(async () => {
      const expected = [[1, 0, 0, 0, 0], [0, 0, 1, 0, 0], [0, 1, 0, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1]];
      const labels = tensor(new Int32Array([0, 2, 1, 3, 4]), [5]);
      expect(await utils.toCategorical(labels, 5).array()).toEqual(expected);
      expect(await utils.toCategorical(tensor([[0], [2], [1], [3], [4]]), 5).array()).toEqual(expected);
      expect(labels.isDisposed).toBe(false);
      // Not read back: a label outside [0, numClasses) gives a row of zeros, as ops.oneHot.
      expect(await utils.toCategorical(tensor(new Int32Array([1, 7]), [2]), 2).array()).toEqual([[0, 1], [0, 0]]);
    }),
  );

  it('rejects bad labels before any GPU work', () => {
    expect(() => utils.toCategorical([0, -1, 2])).toThrow(/labels must be non-negative integers\. Received: -1 at flat index 1 of labels of shape \[3\]/);
    expect(() => utils.toCategorical([[0, 1.5]], 3)).toThrow(/non-negative integers\. Received: 1.5 at flat index 1 of labels of shape \[1,2\]/);
    expect(() => utils.toCategorical([0, 3], 3)).toThrow(/labels must be less than numClasses=3\. Received: 3 at flat index 1/);
    expect(() => utils.toCategorical([0, 1], 0)).toThrow(/`numClasses` must be a positive integer\. Received: numClasses=0/);
    expect(() => utils.toCategorical([[0, 1], [2]] as never, 3)).toThrow(/ragged labels: expected 2 entries at labels\[1\]/);
    expect(() => utils.toCategorical(['a'] as never, 3)).toThrow(/expected a number at labels\[0\], got string/);
    expect(() => utils.toCategorical([])).toThrow(/cannot infer numClasses from no labels/);
    expect(() => utils.toCategorical(tensor([0, 1]))).toThrow(/`numClasses` is required for labels in a Tensor \(shape \[2\]\)/);
  });
});

describe('normalize', () => {
  function reference(x: number[][], order: number): number[][] {
    return x.map((row) => {
      const norm = row.reduce((s, v) => s + Math.abs(v) ** order, 0) ** (1 / order) || 1;
      return row.map((v) => v / norm);
    });
  }

  for (const order of [1, 2, 3]) {
    it(`order ${order} along the last axis matches a float64 reference (Keras's test_normalize)`, async () => {
      expect(getBackend()).toBe('webgpu');
      const x = [[0.3, -0.8, 0.5], [0, 0, 0], [2.5, 0.1, -1]];
      const got = (await utils.normalize(x, -1, order).array()) as number[][];
      reference(x, order).forEach((row, i) => row.forEach((v, j) => expect(got[i][j]).toBeCloseTo(v, 5)));
    });
  }

  it("axis 0 (Keras's test_normalize_numpy_axis_zero), tensors as ops.normalize", async () => {
    const got = (await utils.normalize([[3, 0, 12], [4, 5, 0]], 0).array()) as number[][];
    [[0.6, 0, 1], [0.8, 1, 0]].forEach((row, i) => row.forEach((v, j) => expect(got[i][j]).toBeCloseTo(v, 6)));
    const x = tensor([[3, 4]]);
    expect(Array.from(await utils.normalize(x).data())).toEqual(Array.from(await ops.normalize(x).data()));
  });
});
