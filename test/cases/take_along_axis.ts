// GPU-versus-CPU cases for takeAlongAxis: every axis, negative and out-of-range indices,
// broadcasting of x and of the indices, float indices, int32 values, the flattened form, and a
// source past one workgroup.

import { ops, tensor } from '../../src/index';
import type { OpCase } from './case';
import { rand } from './data';

const ids = (shape: number[], low: number, high: number) => rand(shape, { int: true, low, high });

export const takeAlongAxisCases: OpCase[] = [
  ...[0, 1, 2, -1].map((axis): OpCase => ({ name: `takeAlongAxis [3,4,5] axis ${axis}`, run: () => ops.takeAlongAxis(rand([3, 4, 5]), ids([3, 4, 5].map((n, d) => (d === (axis + 3) % 3 ? 6 : n)), -5, 6), axis) })),
  { name: 'takeAlongAxis broadcasts x [1,7] against indices [4,3] along axis 1', run: () => ops.takeAlongAxis(rand([1, 7]), ids([4, 3], -7, 7), 1) },
  { name: 'takeAlongAxis broadcasts indices [1,2,1] against x [3,5,2] along axis 1', run: () => ops.takeAlongAxis(rand([3, 5, 2]), ids([1, 2, 1], 0, 5), 1) },
  { name: 'takeAlongAxis with float indices', run: () => ops.takeAlongAxis(rand([2, 4]), tensor([[0.5, 3.9], [-1.2, 2]]), 1) },
  { name: 'takeAlongAxis int32 values', run: () => ops.takeAlongAxis(ids([5, 3], -99, 99), ids([2, 3], 0, 5), 0) },
  { name: 'takeAlongAxis flattened (no axis)', run: () => ops.takeAlongAxis(rand([3, 4]), ids([7], -12, 12)) },
  { name: 'takeAlongAxis [300,70] axis 0', run: () => ops.takeAlongAxis(rand([300, 70]), ids([50, 70], 0, 300), 0) },
];
