// GPU-versus-CPU cases for reductions: every op over every axis combination of a rank-3 tensor
// whose reduced lengths fall on both sides of the per-thread / per-workgroup switch, every axis
// combination of a rank-4 tensor with a size-1 dimension, negative axes, keepDims both ways,
// int32 inputs, empty reductions and empty outputs, ~100k-element reductions, many outputs with
// tiny reductions, ties and NaN/infinity for the arg ops.

import { ops, tensor, type Tensor } from '../../src/index';
import type { OpCase } from './case';
import { rand } from './data';

type MultiAxisReduce = (x: Tensor, axis?: number | number[], keepDims?: boolean) => Tensor;

// Float ops with their input range and tolerance; sums of many terms reorder on the GPU.
const FLOAT_OPS: Array<[string, MultiAxisReduce, { low: number; high: number; rtol: number }]> = [
  ['sum', ops.sum, { low: 0, high: 1, rtol: 1e-4 }],
  ['mean', ops.mean, { low: 0, high: 1, rtol: 1e-4 }],
  ['prod', ops.prod, { low: 0.9, high: 1.1, rtol: 1e-4 }],
  ['max', ops.max, { low: -1, high: 1, rtol: 1e-5 }],
  ['min', ops.min, { low: -1, high: 1, rtol: 1e-5 }],
  ['logSumExp', ops.logSumExp, { low: -5, high: 5, rtol: 1e-4 }],
];

const BOOL_OPS: Array<[string, MultiAxisReduce]> = [
  ['all', ops.all],
  ['any', ops.any],
];

/** Every subset of the axes of a rank-`rank` tensor, as lists. */
function axisSubsets(rank: number): number[][] {
  return Array.from({ length: 2 ** rank }, (_, mask) => [...Array(rank).keys()].filter((a) => mask & (1 << a)));
}

// Reduced lengths 3, 67, 5, 201, 15, 335 and 1005: both kernel paths (one invocation walks up to
// 512 elements on SwiftShader, 128 on a GPU), all strided layouts.
const RANK3: number[] = [3, 67, 5];
// A size-1 dimension in the middle merges neighbouring groups.
const RANK4: number[] = [4, 3, 1, 37];

/** Mostly ones, a few zeros: `all` and `any` see both outcomes. */
const boolInput = (shape: number[], int = false): Tensor => ops.greater(rand(shape), -0.9).mul(int ? 1 : rand(shape, { low: 1, high: 2 }));

export const reduceCases: OpCase[] = [
  ...FLOAT_OPS.flatMap(([name, fn, { low, high, rtol }]) =>
    axisSubsets(3).map((axes, i): OpCase => ({
      name: `${name} [${RANK3}] axes [${axes}] keepDims ${i % 2 === 1}`,
      run: () => fn(rand(RANK3, { low, high }), axes, i % 2 === 1),
      rtol,
    })),
  ),
  ...FLOAT_OPS.map(([name, fn, { low, high, rtol }]): OpCase => ({
    name: `${name} [40,3,50] over the non-adjacent axes [0,2]`,
    run: () => fn(rand([40, 3, 50], { low, high }), [0, 2]),
    rtol,
  })),
  ...BOOL_OPS.flatMap(([name, fn]) =>
    axisSubsets(3).map((axes, i): OpCase => ({
      name: `${name} [${RANK3}] axes [${axes}] keepDims ${i % 2 === 0}`,
      run: () => fn(boolInput(RANK3), axes, i % 2 === 0),
    })),
  ),
  ...axisSubsets(4).map((axes, i): OpCase => ({
    name: `sum [${RANK4}] axes [${axes}] keepDims ${i % 2 === 0}`,
    run: () => ops.sum(rand(RANK4), axes, i % 2 === 0),
    rtol: 1e-4,
  })),
  ...axisSubsets(4).map((axes, i): OpCase => ({
    name: `max int32 [${RANK4}] axes [${axes}] keepDims ${i % 2 === 1}`,
    run: () => ops.max(rand(RANK4, { int: true, low: -1000, high: 1000 }), axes, i % 2 === 1),
  })),
  ...[0, 1, 2, -1, -3].flatMap((axis): OpCase[] => [
    { name: `argMax [${RANK3}] axis ${axis}`, run: () => ops.argMax(rand(RANK3), axis) },
    { name: `argMin [${RANK3}] axis ${axis} keepDims`, run: () => ops.argMin(rand(RANK3), axis, true) },
  ]),
  { name: 'argMax flattened [3,67,5]', run: () => ops.argMax(rand(RANK3)) },
  { name: 'argMin flattened keepDims [4,3,1,37]', run: () => ops.argMin(rand(RANK4), undefined, true) },

  { name: 'sum negative axes [-1,0] of [4,3,1,37]', run: () => ops.sum(rand(RANK4), [-1, 0]), rtol: 1e-4 },
  { name: 'mean negative axis -2 keepDims', run: () => ops.mean(rand(RANK3), -2, true), rtol: 1e-4 },
  { name: 'axis list given unsorted [2,0]', run: () => ops.min(rand(RANK3), [2, 0]) },
  { name: 'empty axis list reduces nothing', run: () => ops.sum(rand([3, 4]), []) },
  { name: 'scalar input', run: () => [ops.sum(tensor(2.5)), ops.argMax(tensor(2.5)), ops.max(tensor(-1), 0)] },

  { name: 'int32 sum, prod, min stay int32', run: () => {
    const x = rand([6, 9, 4], { int: true, low: -9, high: 9 });
    return [ops.sum(x, 1), ops.prod(x, 2), ops.min(x, [0, 2])];
  } },
  { name: 'int32 sum beyond 2^24 is exact', run: () => ops.sum(rand([300], { int: true, low: 1e6, high: 2e6 })) },
  { name: 'int32 mean, logSumExp become float32', run: () => {
    const x = rand([5, 140], { int: true, low: -3, high: 4 });
    return [ops.mean(x, 1), ops.logSumExp(x, 0)];
  }, rtol: 1e-4 },
  { name: 'int32 all, any, argMax, argMin', run: () => {
    const x = rand([7, 150], { int: true, low: 0, high: 3 });
    return [ops.all(x, 1), ops.any(x, 0), ops.argMax(x, 1), ops.argMin(x, 0)];
  } },
  { name: 'int32 all, any on a 0/1 tensor', run: () => ops.all(boolInput([9, 200], true), 1) },

  { name: 'empty reductions [3,0,4] axis 1', run: () => {
    const x = rand([3, 0, 4]);
    return [ops.sum(x, 1), ops.mean(x, 1), ops.prod(x, 1), ops.max(x, 1), ops.min(x, 1), ops.all(x, 1), ops.any(x, 1), ops.logSumExp(x, 1)];
  } },
  { name: 'empty int32 reductions [2,0]', run: () => {
    const x = rand([2, 0], { int: true });
    return [ops.sum(x, 1), ops.prod(x, 1), ops.max(x, 1), ops.min(x, 1)];
  } },
  { name: 'empty output [0,5] axis 1', run: () => [ops.sum(rand([0, 5]), 1), ops.argMax(rand([0, 5]), 1)] },

  { name: 'sum of 100003 elements', run: () => ops.sum(rand([100003], { low: 0, high: 1 })), rtol: 1e-4 },
  { name: 'mean, max, logSumExp, argMax of [2,50001] along axis 1', run: () => {
    const x = rand([2, 50001], { low: -3, high: 3 });
    return [ops.mean(x, 1), ops.max(x, 1), ops.logSumExp(x, 1), ops.argMax(x, 1)];
  }, rtol: 1e-4 },
  { name: 'sum of [331,300] along the strided axis 0', run: () => ops.sum(rand([331, 300], { low: 0, high: 1 }), 0), rtol: 1e-4 },
  { name: 'many outputs, tiny reductions: [40001,3] axis 1', run: () => [ops.sum(rand([40001, 3]), 1), ops.argMin(rand([40001, 3]), 1)] },
  { name: 'many outputs, tiny strided reductions: [2,30011] axis 0', run: () => ops.max(rand([2, 30011]), 0) },

  { name: 'argMax ties pick the first index (per thread)', run: () => ops.argMax(tensor([[1, 3, 3, 0], [2, 2, 2, 2]]), 1) },
  { name: 'argMax ties pick the first index (per workgroup)', run: () => {
    const values = new Float32Array(1000).fill(1);
    values[700] = 5;
    values[130] = 5;
    values[900] = 5;
    return [ops.argMax(tensor(values)), ops.argMin(tensor(new Float32Array(777).fill(2)))];
  } },
  { name: 'NaN and infinities', run: () => {
    const x = tensor([[1, NaN, 3], [-Infinity, -Infinity, -Infinity], [Infinity, 1, Infinity], [0, -Infinity, 2]]);
    return [ops.max(x, 1), ops.min(x, 1), ops.argMax(x, 1), ops.argMin(x, 1), ops.logSumExp(x, 1), ops.sum(x, 1)];
  } },
  { name: 'logSumExp of large values does not overflow', run: () => ops.logSumExp(rand([4, 300], { low: 500, high: 1000 }), 1), rtol: 1e-5 },
];
