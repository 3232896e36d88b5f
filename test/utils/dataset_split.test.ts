// utils.splitDataset as a specification: Keras's size rules (fractions rounded half to even, as
// Python's round, the values below computed with Python; counts; one size the complement of the
// other; both sizes leaving a gap), every structure it splits (tensors on both backends, nested and
// typed arrays, tuples and records), seeded shuffling that keeps samples aligned, and Keras's errors.

import { describe, expect, it } from 'vitest';
import { getBackend, ops, tensor, utils, type Tensor } from '../../src/node';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

const arange = (n: number) => Array.from({ length: n }, (_, i) => i);
const sizes = (total: number, options: utils.SplitDatasetOptions) => utils.splitDataset(arange(total), options).map((part) => part.length);

describe('splitDataset', () => {
  it("Keras's docstring example on a tensor: leftSize 0.8 keeps the first 80% left, the rest right", onBothBackends(async () => {
    const data = tensor(arange(20), [10, 2]);
    const [left, right] = utils.splitDataset(data, { leftSize: 0.8 });
    expect(left.shape).toEqual([8, 2]);
    expect(right.shape).toEqual([2, 2]);
    expect(await left.data()).toEqual(new Float32Array(arange(16)));
    expect(await right.array()).toEqual([[16, 17], [18, 19]]);
    expect(data.isDisposed).toBe(false);
    [data, left, right].forEach((t) => t.dispose());
  }));

  it('rounds fractions half to even as Python does (Python: round(0.5*5)=2, round(0.5*7)=4, round(0.25*10)=2, round(0.3*5)=2, round(0.45*10)=4)', () => {
    expect(sizes(5, { leftSize: 0.5 })).toEqual([2, 3]);
    expect(sizes(7, { leftSize: 0.5 })).toEqual([4, 3]);
    expect(sizes(10, { rightSize: 0.25 })).toEqual([8, 2]);
    expect(sizes(5, { leftSize: 0.3 })).toEqual([2, 3]);
    expect(sizes(25, { leftSize: 0.1 })).toEqual([2, 23]);
    expect(sizes(5, { rightSize: 0.7 })).toEqual([1, 4]);
    expect(sizes(10, { leftSize: 0.45, rightSize: 0.35 })).toEqual([4, 4]);
  });

  it('takes counts, one size the complement of the other, and both sizes leaving the middle samples out', () => {
    expect(sizes(10, { leftSize: 3 })).toEqual([3, 7]);
    expect(sizes(10, { rightSize: 1 })).toEqual([9, 1]);
    expect(sizes(10, { leftSize: 1, rightSize: 0.2 })).toEqual([1, 2]);
    expect(utils.splitDataset(arange(10), { leftSize: 2, rightSize: 3 })).toEqual([[0, 1], [7, 8, 9]]);
    expect(utils.splitDataset([[1], [2], [3], [4], [5]], { rightSize: 2 })).toEqual([[[1], [2], [3]], [[4], [5]]]);
  });

  it('splits tuples and records together, keeping typed arrays typed, on both backends', onBothBackends(async () => {
    const x = tensor(arange(12), [6, 2]);
    const [[xLeft, yLeft], [xRight, yRight]] = utils.splitDataset([x, new Int32Array([10, 11, 12, 13, 14, 15])], { leftSize: 4 });
    expect(await (xLeft as Tensor).array()).toEqual([[0, 1], [2, 3], [4, 5], [6, 7]]);
    expect(yLeft).toEqual(new Int32Array([10, 11, 12, 13]));
    expect(await (xRight as Tensor).array()).toEqual([[8, 9], [10, 11]]);
    expect(yRight).toEqual(new Int32Array([14, 15]));
    const [left, right] = utils.splitDataset({ features: [[0, 0], [1, 1], [2, 2]], labels: x.slice([0, 0], [3, 1]) }, { rightSize: 1 });
    expect(left.features).toEqual([[0, 0], [1, 1]]);
    expect(await (left.labels as Tensor).array()).toEqual([[0], [2]]);
    expect(right.features).toEqual([[2, 2]]);
    expect(await (right.labels as Tensor).array()).toEqual([[4]]);
    [x, xLeft, xRight, left.labels, right.labels].forEach((t) => (t as Tensor).dispose());
  }));

  it('shuffles with a seed: every sample once, x and y rows still paired, the same split for the same seed', async () => {
    expect(getBackend()).toBe('webgpu');
    const x = tensor(arange(20), [10, 2]);
    const y = new Float32Array(arange(10).map((i) => 100 + i));
    const split = async (seed: number) => {
      const [[xl, yl], [xr, yr]] = utils.splitDataset([x, y], { leftSize: 0.6, shuffle: true, seed });
      const rows = [...((await (xl as Tensor).array()) as number[][]), ...((await (xr as Tensor).array()) as number[][])];
      (xl as Tensor).dispose();
      (xr as Tensor).dispose();
      const labels = [...(yl as Float32Array), ...(yr as Float32Array)];
      rows.forEach(([a, b], i) => {
        expect(b).toBe(a + 1);
        expect(labels[i]).toBe(100 + a / 2);
      });
      expect((yl as Float32Array).length).toBe(6);
      return labels;
    };
    const first = await split(7);
    expect([...first].sort((a, b) => a - b)).toEqual(arange(10).map((i) => 100 + i));
    expect(first).not.toEqual(arange(10).map((i) => 100 + i));
    expect(await split(7)).toEqual(first);
    expect(await split(8)).not.toEqual(first);
    x.dispose();
  });

  it("throws Keras's errors for bad sizes and data", () => {
    const data = arange(10);
    const split = (options: utils.SplitDatasetOptions) => () => utils.splitDataset(data, options);
    expect(split({})).toThrow('At least one of the `leftSize` or `rightSize` must be specified. Received: leftSize=undefined and rightSize=undefined');
    expect(split({ leftSize: 0, rightSize: 0 })).toThrow('Both `leftSize` and `rightSize` are zero');
    expect(split({ leftSize: 10 })).toThrow('`leftSize` should be either a positive integer smaller than 10, or a float within the range `[0, 1]`. Received: leftSize=10');
    expect(split({ leftSize: 1.5 })).toThrow('Received: leftSize=1.5');
    expect(split({ rightSize: -2 })).toThrow('`rightSize` should be either a positive integer smaller than 10');
    expect(split({ leftSize: NaN })).toThrow('Received: leftSize=NaN');
    expect(split({ leftSize: '0.5' as never })).toThrow('Invalid `leftSize` type');
    expect(split({ leftSize: 0.6, rightSize: 0.5 })).toThrow('The sum of `leftSize` and `rightSize` is greater than 1');
    expect(split({ leftSize: 6, rightSize: 5 })).toThrow('The sum of `leftSize` and `rightSize` should be smaller than the 10 samples of the dataset. Received: leftSize + rightSize = 11.');
    expect(split({ leftSize: 0.01 })).toThrow('With `dataset` of length=10, `leftSize`=0 and `rightSize`=10, the resulting left side dataset split will be empty');
    expect(split({ leftSize: 0.5, left_size: 0.5 } as never)).toThrow("unknown option 'left_size' (did you mean 'leftSize'?)");
    const pair = tensor([1, 2]);
    expect(() => utils.splitDataset([pair, new Float32Array(3)], { leftSize: 1 })).toThrow('dataset[0] has 2 samples but dataset[1] has 3');
    pair.dispose();
    expect(() => utils.splitDataset([], { leftSize: 1 })).toThrow('Received an empty dataset');
    const scalar = ops.ones([]);
    expect(() => utils.splitDataset(scalar, { leftSize: 1 })).toThrow('dataset is a scalar tensor');
    scalar.dispose();
    expect(() => utils.splitDataset({ x: 3 } as never, { leftSize: 1 })).toThrow("Received: dataset['x']=number");
    const batches = { *[Symbol.iterator]() { yield [[1], [2]]; } };
    expect(() => utils.splitDataset(batches as never, { leftSize: 1 })).toThrow('`dataset` is a dataset of batches (an iterable)');
  });
});
