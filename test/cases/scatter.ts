// GPU-versus-CPU cases for the scatter-add ops, scatterAdd and unsortedSegmentSum: repeated,
// negative and out-of-range indices, every axis position, int32 updates, empty inputs, and sizes
// that span many workgroups (an Embedding-sized gradient).

import { tensor } from '../../src/index';
import { scatterAdd, unsortedSegmentSum } from '../../src/ops/scatter';
import type { OpCase } from './case';
import { rand, seededRandom } from './data';

const next = seededRandom(20240612);
const randomIds = (count: number, low: number, high: number) => Array.from({ length: count }, () => low + Math.floor(next() * (high - low)));
const int32 = (values: number[], shape: number[] = [values.length]) => tensor(values, shape, 'int32');

const tokenIds = randomIds(300, 0, 50);
const segmentIds = randomIds(257, -3, 43);

export const scatterCases: OpCase[] = [
  { name: 'scatterAdd axis 0 with repeated number indices', run: () => scatterAdd(rand([6, 3]), [4, 0, 0, 2, 4, 4], [5, 3]) },
  { name: 'scatterAdd axis 1 with 2-D int32 indices and negatives', run: () => scatterAdd(rand([3, 2, 3, 2]), int32([0, -1, 6, 1, 1, -7], [2, 3]), [3, 7, 2], 1) },
  { name: 'scatterAdd axis -1 with a scalar index', run: () => scatterAdd(rand([4]), int32([-2], []), [4, 5], -1) },
  { name: 'scatterAdd drops out-of-range tensor indices', run: () => scatterAdd(rand([4, 2]), int32([5, -4, 1, 3]), [3, 2]) },
  { name: 'scatterAdd int32 updates', run: () => scatterAdd(rand([5, 4], { int: true, low: -99, high: 99 }), [1, 1, 0, 1, 2], [3, 4]) },
  { name: 'scatterAdd with empty indices gives zeros', run: () => scatterAdd(rand([0, 4]), int32([], [0]), [6, 4]) },
  { name: 'scatterAdd rank 5 along axis 2', run: () => scatterAdd(rand([2, 3, 4, 2, 3]), [3, 0, 3, 1], [2, 3, 5, 2, 3], 2) },
  { name: 'scatterAdd Embedding-sized: 300 ids into [50,70]', run: () => scatterAdd(rand([300, 70]), int32(tokenIds), [50, 70]), rtol: 1e-5, atol: 1e-5 },
  { name: 'unsortedSegmentSum drops negative and large ids', run: () => unsortedSegmentSum(rand([5, 2]), int32([2, -1, 0, 2, 7]), 3) },
  { name: 'unsortedSegmentSum with 2-D ids', run: () => unsortedSegmentSum(rand([2, 3, 4]), int32([0, 2, 2, 1, 0, 2], [2, 3]), 4) },
  { name: 'unsortedSegmentSum with ids covering all of data', run: () => unsortedSegmentSum(rand([3, 2]), int32([1, 0, 1, 1, 0, 0], [3, 2]), 2) },
  { name: 'unsortedSegmentSum of empty data gives zeros', run: () => unsortedSegmentSum(rand([0, 2]), [], 3) },
  { name: 'unsortedSegmentSum into no segments', run: () => unsortedSegmentSum(rand([2, 2]), int32([0, 1]), 0) },
  { name: 'unsortedSegmentSum 257 rows into 40 segments', run: () => unsortedSegmentSum(rand([257, 33]), int32(segmentIds), 40), rtol: 1e-5, atol: 1e-5 },
];
