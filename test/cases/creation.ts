// GPU-versus-CPU cases for tensors made from a rule: fill, zeros, ones, the *Like forms, range in
// both directions and dtypes, eye (square, wide, tall, off-diagonal), oneHot with out-of-range
// indices, float indices, an axis, int32 output, and sizes past one workgroup and past the
// 65535-workgroup grid limit.

import { eye, fill, oneHot, ones, onesLike, ops, range, tensor, zeros, zerosLike } from '../../src/index';
import type { OpCase } from './case';
import { rand } from './data';

export const creationCases: OpCase[] = [
  { name: 'fill [3,5] 2.5', run: () => fill([3, 5], 2.5) },
  { name: 'arange (int32 for integers), full and identity', run: () => [ops.arange(2, 11, 3), ops.arange(0, 1, 0.25), ops.full([2, 2], 7), ops.identity(3)] },
  { name: 'fill int32 truncates', run: () => fill([7], -3.7, 'int32') },
  { name: 'fill with NaN and Infinity', run: () => [fill([3], NaN), fill([2], -Infinity)] },
  { name: 'fill scalar shape []', run: () => fill([], 4) },
  { name: 'fill empty [0,3]', run: () => fill([0, 3], 1) },
  { name: 'zeros [257] and ones [2,3,4]', run: () => [zeros([257]), ones([2, 3, 4], 'int32')] },
  { name: 'range of 70000 elements', run: () => range(70000) },
  { name: 'zerosLike / onesLike keep the dtype', run: () => [zerosLike(rand([4, 3])), onesLike(rand([5], { int: true, low: 0, high: 4 }))] },
  { name: 'range(10)', run: () => range(10) },
  { name: 'range(1, 2, 0.1)', run: () => range(1, 2, 0.1) },
  { name: 'range(5, -5, -1.5)', run: () => range(5, -5, -1.5) },
  { name: 'range int32 descending', run: () => range(10, -7, -3, 'int32') },
  { name: 'range int32 large values stay exact', run: () => range(2 ** 30, 2 ** 30 + 1000, 7, 'int32') },
  { name: 'range empty (stop before start)', run: () => range(5, 1) },
  { name: 'eye(4)', run: () => eye(4) },
  { name: 'eye(3, 6) int32', run: () => eye(3, 6, 0, 'int32') },
  { name: 'eye(5, 7, k) for k in -6..8', run: () => [-6, -2, -1, 1, 3, 8].map((k) => eye(5, 7, k)) },
  { name: 'eye(4, 3, -2) int32', run: () => eye(4, 3, -2, 'int32') },
  { name: 'eye(37, 5)', run: () => eye(37, 5) },
  { name: 'oneHot [6] depth 4 with out-of-range indices', run: () => oneHot(tensor(new Int32Array([0, 3, 1, -1, 4, 2]), [6]), 4) },
  { name: 'oneHot [2,3] depth 5 with on/off values', run: () => oneHot(tensor(new Int32Array([4, 0, 2, 1, 3, 9]), [2, 3]), 5, -1, { onValue: 0.9, offValue: 0.025 }) },
  { name: 'oneHot [2,3] depth 4 along every axis', run: () => [0, 1, 2, -1, -2, -3].map((axis) => oneHot(rand([2, 3], { int: true, low: -1, high: 5 }), 4, axis)) },
  { name: 'oneHot of float indices [7] (truncated)', run: () => oneHot(tensor([0, 2.9, 1.2, -0.5, -1.5, 3, 2]), 3) },
  { name: 'oneHot int32 output with on/off values', run: () => oneHot(tensor(new Int32Array([2, 0, 1, 7]), [2, 2]), 3, 1, { dtype: 'int32', onValue: 5, offValue: -2.7 }) },
  { name: 'oneHot of random labels [300] depth 10', run: () => oneHot(rand([300], { int: true, low: 0, high: 10 }), 10) },
];
