// takeAlongAxis: the GPU against the CPU backend, NumPy's values and a plain-loop reference,
// the gradient against finite differences, and argument errors.

import { describe, expect, it } from 'vitest';
import { ops, tensor, type Tensor } from '../../src/node';
import { gradCheck } from '../autograd/gradcheck';
import { takeAlongAxisCases } from '../cases/take_along_axis';
import { checkCases, onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

describe('GPU matches CPU', () => checkCases(takeAlongAxisCases));

describe('reference values', () => {
  const x = () => tensor([[10, 30, 20], [60, 40, 50]]);
  const ints = (values: number[][]) => tensor(values, [values.length, values[0].length], 'int32');

  it('gives numpy.take_along_axis\'s values', onBothBackends(async () => {
    // Printed by NumPy 2.4 for the same arguments.
    expect(await ops.takeAlongAxis(x(), ops.argsort(x(), 1), 1).array()).toEqual([[10, 20, 30], [40, 50, 60]]);
    expect(await ops.takeAlongAxis(x(), ints([[0], [2]]), 1).array()).toEqual([[10], [50]]);
    expect(await ops.takeAlongAxis(x(), ints([[-1, 0, 1]]), 0).array()).toEqual([[60, 30, 50]]);
    expect(await ops.takeAlongAxis(tensor([[0, 1, 2, 3, 4, 5]]), ints([[5], [0], [-2]]), 1).array()).toEqual([[5], [0], [4]]);
    expect(await ops.takeAlongAxis(x(), tensor([5, -1, 0], [3], 'int32')).array()).toEqual([50, 50, 10]);
  }));

  it('matches a plain loop on a rank-3 tensor along every axis, out-of-range indices giving 0', onBothBackends(async () => {
    const shape = [2, 3, 4];
    const data = Array.from({ length: 24 }, (_, i) => i + 1);
    for (const axis of [0, 1, 2]) {
      const indexShape = shape.map((n, d) => (d === axis ? 5 : n));
      const size = indexShape.reduce((a, b) => a * b, 1);
      const picks = Array.from({ length: size }, (_, i) => ((i * 7) % (2 * shape[axis] + 3)) - shape[axis] - 1);
      const expected: number[] = [];
      for (let i = 0; i < size; i++) {
        const coordinate = [Math.floor(i / (indexShape[1] * indexShape[2])), Math.floor(i / indexShape[2]) % indexShape[1], i % indexShape[2]];
        const pick = picks[i] < 0 ? picks[i] + shape[axis] : picks[i];
        coordinate[axis] = pick;
        expected.push(pick >= 0 && pick < shape[axis] ? data[(coordinate[0] * shape[1] + coordinate[1]) * shape[2] + coordinate[2]] : 0);
      }
      const got = ops.takeAlongAxis(tensor(data, shape), tensor(picks, indexShape, 'int32'), axis);
      expect(got.shape).toEqual(indexShape);
      expect(Array.from(await got.data())).toEqual(expected);
    }
  }));
});

describe('gradients', () => {
  it('sums the gradient of repeated picks, against finite differences', async () => {
    // The indices are made inside f: gradCheck runs f on both backends.
    const indices = () => tensor([[0, 0, 2], [1, -1, 1], [2, 2, 2], [0, 1, 0]], [4, 3], 'int32');
    expect((await gradCheck((x: Tensor) => ops.takeAlongAxis(x, indices(), 0), [[3, 3]])).message).toBe('ok');
    expect((await gradCheck((x: Tensor) => ops.takeAlongAxis(x, tensor([[2], [0]], [2, 1], 'int32'), 1), [[1, 4]])).message).toBe('ok');
  });
});

describe('errors', () => {
  const x = () => tensor([[1, 2, 3], [4, 5, 6]]);

  it('rejects indices of another rank, shapes that do not broadcast, and a bad axis', () => {
    expect(() => ops.takeAlongAxis(x(), tensor([0], [1], 'int32'), 1)).toThrow('takeAlongAxis: x and indices must have the same rank (at least 1), got shapes [2,3] and [1].');
    expect(() => ops.takeAlongAxis(x(), tensor([[0, 1]], [1, 2], 'int32'), 0)).toThrow('takeAlongAxis: shapes [2,3] and [1,2] must broadcast in every dimension but the axis 0 (dimension 1: 3 vs 2).');
    expect(() => ops.takeAlongAxis(x(), tensor([[0]], [1, 1], 'int32'), 2)).toThrow('takeAlongAxis: axis 2 is out of range for a tensor of rank 2');
    expect(() => ops.takeAlongAxis(x(), tensor([[0]], [1, 1], 'int32'))).toThrow('takeAlongAxis: without an axis, x is flattened and indices must be 1-D, got shape [1,1].');
  });
});
