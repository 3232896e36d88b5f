// Scatter-add ops: the GPU kernel against the CPU backend, known values on both backends, and the
// errors users meet.

import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../../src/node';
import { scatterAdd, unsortedSegmentSum } from '../../src/ops/scatter';
import { scatterCases } from '../cases/scatter';
import { checkCases, onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

describe('GPU matches CPU', () => checkCases(scatterCases));

const values = async (t: Tensor) => t.array();

describe('reference values', () => {
  it('scatterAdd accumulates repeated indices and wraps negative ones', onBothBackends(async () => {
    expect(await values(scatterAdd(tensor([1, 2, 3]), [0, 2, 0], [3]))).toEqual([4, 0, 2]);
    expect(await values(scatterAdd(tensor([[1, 2], [3, 4]]), [1, -2], [2, 3], 1))).toEqual([[0, 3, 0], [0, 7, 0]]);
    expect(await values(scatterAdd(tensor([[1, 2], [3, 4], [5, 6]]), tensor([2, 2, -1], [3], 'int32'), [3, 2]))).toEqual([[0, 0], [0, 0], [9, 12]]);
    expect(await values(scatterAdd(tensor([7, 8], [2], 'int32'), tensor([3, 0], [2], 'int32'), [2]))).toEqual([8, 0]);
  }));

  it('unsortedSegmentSum', onBothBackends(async () => {
    expect(await values(unsortedSegmentSum(tensor([[1, 2], [3, 4], [5, 6]]), [1, 0, 1], 2))).toEqual([[3, 4], [6, 8]]);
    expect(await values(unsortedSegmentSum(tensor([1, 2, 3, 4]), tensor([-1, 0, 3, 0], [4], 'int32'), 3))).toEqual([6, 0, 0]);
    expect(await values(unsortedSegmentSum(tensor([[1, 2], [3, 4]]), tensor([[1, 1], [0, 1]], [2, 2], 'int32'), 2))).toEqual([3, 7]);
  }));
});

describe('errors', () => {
  const x = () => tensor([[1, 2], [3, 4]]);
  it('scatterAdd', () => {
    expect(() => scatterAdd(x(), [0, 1], [3, 3])).toThrow('scatterAdd: updates of shape [2,2] do not fit indices of shape [2] along axis 0 of shape [3,3] (expected updates of shape [2,3]).');
    expect(() => scatterAdd(x(), [0, 3], [3, 2])).toThrow('scatterAdd: index 3 (position 1) is out of range (expected an integer in [-3, 2]).');
    expect(() => scatterAdd(x(), tensor([0, 1]), [3, 2])).toThrow('scatterAdd: indices must be int32, got float32');
    expect(() => scatterAdd(x(), [0, 1], [3, 2], 2)).toThrow('scatterAdd: axis 2 is out of range');
    expect(() => scatterAdd(x(), [0, 1], [])).toThrow('scatterAdd: shape [] must hold at least one non-negative integer.');
  });
  it('unsortedSegmentSum', () => {
    expect(() => unsortedSegmentSum(x(), [0, 1, 1], 2)).toThrow('unsortedSegmentSum: segmentIds of shape [3] must be a prefix of the shape of data, [2,2].');
    expect(() => unsortedSegmentSum(x(), [0, -1], 2)).toThrow('unsortedSegmentSum: index -1 (position 1) is out of range (expected an integer in [0, 1]).');
    expect(() => unsortedSegmentSum(x(), [0, 1], 1.5)).toThrow('unsortedSegmentSum: numSegments must be a non-negative integer, got 1.5.');
  });
});
