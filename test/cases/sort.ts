// GPU-versus-CPU cases for the sorting ops, sort, argsort, topK and inTopK: every axis position,
// ties (integer-valued data with many repeats), NaN, infinities and signed zeros, int32 inputs,
// the flattened tensor, and rows long and numerous enough to span many workgroups.

import { tensor } from '../../src/index';
import { argsort, inTopK, sort, topK } from '../../src/ops/sort';
import type { OpCase } from './case';
import { rand, seededRandom } from './data';

const next = seededRandom(20240613);
const targets40 = Array.from({ length: 40 }, () => Math.floor(next() * 30));
/** Few distinct values, so that most rows hold ties. */
const ties = (shape: number[]) => rand(shape, { int: true, low: -3, high: 3 });
const tiedFloats = (shape: number[]) => ties(shape).cast('float32');
const special = () => tensor([NaN, 1, -Infinity, 0, -0, NaN, Infinity, -1, 0, 1], [2, 5]);

export const sortCases: OpCase[] = [
  { name: 'sort [4,7] along the last axis', run: () => sort(rand([4, 7])) },
  { name: 'sort [3,4,5] along axis 1 (middle)', run: () => sort(rand([3, 4, 5]), 1) },
  { name: 'sort [5,3] along axis -2', run: () => sort(rand([5, 3]), -2) },
  { name: 'sort with axis null flattens', run: () => sort(rand([3, 4]), null) },
  { name: 'sort tied float32 values', run: () => sort(tiedFloats([3, 9])) },
  { name: 'sort int32 with negatives', run: () => sort(rand([4, 6], { int: true, low: -50, high: 50 })) },
  { name: 'sort NaN, infinities and signed zeros', run: () => sort(special()) },
  { name: 'sort 300 rows of 257 (many workgroups)', run: () => sort(rand([300, 257])) },
  { name: 'argsort tied values keep index order', run: () => argsort(tiedFloats([4, 11])) },
  { name: 'argsort [2,6,3] along axis 1 with ties', run: () => argsort(ties([2, 6, 3]), 1) },
  { name: 'argsort NaN, infinities and signed zeros', run: () => argsort(special()) },
  { name: 'argsort with axis null flattens', run: () => argsort(ties([3, 5]), null) },
  { name: 'topK k=3 of [5,8]', run: () => topK(rand([5, 8]), 3) },
  { name: 'topK k=n of tied values', run: () => topK(tiedFloats([3, 7]), 7) },
  { name: 'topK k=1 of rank-3 int32', run: () => topK(ties([2, 3, 6]), 1) },
  { name: 'topK NaN, infinities and signed zeros', run: () => topK(special(), 4) },
  { name: 'topK k=5 of 64 rows of 1000', run: () => topK(rand([64, 1000]), 5) },
  { name: 'inTopK k=2 with ties at the boundary', run: () => inTopK(tensor([0, 1, 3, 2], [4], 'int32'), tensor([[1.2, -0.3, 2.8, 5.2], [0.1, 0, 0, 0], [0, 0.5, 0.3, 0.3], [1, 1, 1, 1]]), 2) },
  { name: 'inTopK out-of-range targets and non-finite rows give 0', run: () => inTopK(tensor([-1, 3, 0, 1], [4], 'int32'), tensor([[1, 2, 3], [1, 2, 3], [NaN, 1, 2], [1, Infinity, 0]]), 2) },
  { name: 'inTopK int32 predictions', run: () => inTopK(tensor([0, 2, 1], [3], 'int32'), ties([3, 5]), 2) },
  { name: 'inTopK k=3 of 40 rows of 30 classes', run: () => inTopK(tensor(targets40, [40], 'int32'), tiedFloats([40, 30]), 3) },
];
