// GPU-versus-CPU cases for the copying shape ops: transpose, slice, stridedSlice, pad (every
// mode), tile, broadcastTo, concat, stack, split and gather. Shapes of rank 1 to 6 are drawn from
// a seeded generator (the same on every run), with size-1 and size-0 dimensions, sizes that are
// not multiples of the workgroup size, int32 tensors, and negative axes, indices and strides.

import { ops, tensor } from '../../src/index';
import type { OpCase } from './case';
import { rand, seededRandom } from './data';

const next = seededRandom(20240611);
const pick = (n: number) => Math.floor(next() * n);

/** A shape of `rank` dimensions in 1..5, with a size-0 dimension when `empty`. */
function randomShape(rank: number, empty = false): number[] {
  const shape = Array.from({ length: rank }, () => 1 + pick(5));
  if (empty) shape[pick(rank)] = 0;
  return shape;
}

function randomPerm(rank: number): number[] {
  const perm = [...Array(rank).keys()];
  for (let i = rank - 1; i > 0; i--) {
    const j = pick(i + 1);
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  return perm;
}

const RANKS = [1, 2, 3, 4, 5, 6];

const transposeCases: OpCase[] = [
  { name: 'transpose default [7,131]', run: () => ops.transpose(rand([7, 131])) },
  { name: 'transpose [300,257] (many workgroups)', run: () => ops.transpose(rand([300, 257])) },
  ...RANKS.map((rank): OpCase => {
    const shape = randomShape(rank);
    const perm = randomPerm(rank);
    return { name: `transpose ${fmt(shape)} perm ${fmt(perm)}`, run: () => ops.transpose(rand(shape), perm) };
  }),
  { name: 'transpose [2,0,3] with an empty dimension', run: () => ops.transpose(rand([2, 0, 3]), [2, 0, 1]) },
  { name: 'transpose negative perm [-1,0,1] of [2,3,4]', run: () => ops.transpose(rand([2, 3, 4]), [-1, 0, 1]) },
  { name: 'transpose int32 [3,1,5] perm [1,2,0]', run: () => ops.transpose(rand([3, 1, 5], { int: true, low: -100, high: 100 }), [1, 2, 0]) },
];

const sliceCases: OpCase[] = [
  ...RANKS.map((rank): OpCase => {
    const shape = randomShape(rank).map((d) => d + 1);
    const begin = shape.map((d) => pick(d));
    const size = shape.map((d, i) => (pick(3) === 0 ? -1 : 1 + pick(d - begin[i])));
    return { name: `slice ${fmt(shape)} begin ${fmt(begin)} size ${fmt(size)}`, run: () => ops.slice(rand(shape), begin, size) };
  }),
  { name: 'slice [9,301] rows 2..6, columns 17..',  run: () => ops.slice(rand([9, 301]), [2, 17], [4, -1]) },
  { name: 'slice with a short begin and no size', run: () => ops.slice(rand([4, 3, 2]), [1]) },
  { name: 'slice to an empty result', run: () => ops.slice(rand([4, 3]), [1, 3], [2, -1]) },
  { name: 'slice int32', run: () => ops.slice(rand([5, 6], { int: true, low: -50, high: 50 }), [1, 2], [3, 3]) },
];

const stridedSliceCases: OpCase[] = [
  { name: 'stridedSlice reverse [11]', run: () => ops.stridedSlice(rand([11]), [-1], [-12], [-1]) },
  { name: 'stridedSlice negative indices and step -2', run: () => ops.stridedSlice(rand([9, 5]), [-2, 0], [0, 5], [-2, 1]) },
  { name: 'stridedSlice step 3 with clamped end', run: () => ops.stridedSlice(rand([10, 7]), [1, -100], [100, 100], [3, 2]) },
  { name: 'stridedSlice masks', run: () => ops.stridedSlice(rand([4, 6, 3]), [2, 1, 9], [0, -1, 9], [1, 1, -1], { beginMask: 5, endMask: 5 }) },
  { name: 'stridedSlice fewer entries than dims', run: () => ops.stridedSlice(rand([5, 4, 3]), [1], [4], [2]) },
  { name: 'stridedSlice empty range', run: () => ops.stridedSlice(rand([5, 4]), [3, 0], [1, 4], [1, 1]) },
  { name: 'stridedSlice rank 6 reversed everywhere', run: () => ops.stridedSlice(rand([2, 3, 2, 3, 2, 3]), [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0], [-1, -1, -1, -1, -1, -2], { beginMask: 63, endMask: 63 }) },
  { name: 'stridedSlice int32 [257] step -5', run: () => ops.stridedSlice(rand([257], { int: true, low: -1000, high: 1000 }), [-3], [0], [-5]) },
];

const padCases: OpCase[] = [
  ...RANKS.slice(0, 4).map((rank): OpCase => {
    const shape = randomShape(rank);
    const paddings = shape.map(() => [pick(3), pick(3)] as [number, number]);
    return { name: `pad ${fmt(shape)} by ${JSON.stringify(paddings)} with 1.5`, run: () => ops.pad(rand(shape), paddings, 1.5) };
  }),
  { name: 'pad [3,130] by [[0,0],[1,129]]', run: () => ops.pad(rand([3, 130]), [[0, 0], [1, 129]]) },
  { name: 'pad an empty tensor [0,2]', run: () => ops.pad(rand([0, 2]), [[1, 1], [0, 1]], -2) },
  { name: 'pad int32 with 7', run: () => ops.pad(rand([2, 3], { int: true, low: -9, high: 9 }), [[1, 0], [2, 2]], 7) },
  { name: "pad mode 'constant' with constantValues -3 and Keras's width forms", run: () => [ops.pad(rand([2, 3]), [[1, 0], [0, 2]], 'constant', -3), ops.pad(rand([2, 3]), 1), ops.pad(rand([2, 3]), [0, 2]), ops.pad(rand([2, 3]), [[2]])] },
  ...(['reflect', 'symmetric', 'edge', 'wrap'] as const).flatMap((mode): OpCase[] => [
    ...RANKS.slice(0, 4).map((rank): OpCase => {
      const shape = randomShape(rank).map((n) => n + 1);
      const paddings = shape.map(() => [pick(4), pick(4)] as [number, number]);
      return { name: `pad ${fmt(shape)} by ${JSON.stringify(paddings)} mode '${mode}'`, run: () => ops.pad(rand(shape), paddings, mode) };
    }),
    { name: `pad [3,130] by [[7,5],[129,300]] mode '${mode}' (widths past the size)`, run: () => ops.pad(rand([3, 130]), [[7, 5], [129, 300]], mode) },
    { name: `pad int32 [1,4] by 3 mode '${mode}'`, run: () => ops.pad(rand([1, 4], { int: true, low: -9, high: 9 }), 3, mode) },
  ]),
];

const tileCases: OpCase[] = [
  ...RANKS.slice(0, 4).map((rank): OpCase => {
    const shape = randomShape(rank);
    const reps = shape.map(() => 1 + pick(3));
    return { name: `tile ${fmt(shape)} by ${fmt(reps)}`, run: () => ops.tile(rand(shape), reps) };
  }),
  { name: 'tile [1,131] by [3,2]', run: () => ops.tile(rand([1, 131]), [3, 2]) },
  { name: 'tile with shorter reps', run: () => ops.tile(rand([2, 3, 2]), [2, 3]) },
  { name: 'tile with longer reps', run: () => ops.tile(rand([3]), [2, 1, 2]) },
  { name: 'tile rank 6', run: () => ops.tile(rand([2, 1, 2, 1, 2, 3]), [1, 2, 2, 3, 1, 2]) },
  { name: 'tile with a 0 rep', run: () => ops.tile(rand([2, 3]), [0, 2]) },
  { name: 'tile int32', run: () => ops.tile(rand([2, 2], { int: true, low: 0, high: 99 }), [2, 3]) },
];

const broadcastCases: OpCase[] = [
  { name: 'broadcastTo [3,1] to [2,3,4]', run: () => ops.broadcastTo(rand([3, 1]), [2, 3, 4]) },
  { name: 'broadcastTo [] to [5]', run: () => ops.broadcastTo(tensor(2.5), [5]) },
  { name: 'broadcastTo [1] to [0]', run: () => ops.broadcastTo(rand([1]), [0]) },
  { name: 'broadcastTo [1,5,1,2] to [3,2,5,7,2]', run: () => ops.broadcastTo(rand([1, 5, 1, 2]), [3, 2, 5, 7, 2]) },
  { name: 'broadcastTo int32 [4] to [300,4]', run: () => ops.broadcastTo(rand([4], { int: true, low: -5, high: 5 }), [300, 4]) },
];

const concatCases: OpCase[] = [
  ...RANKS.map((rank): OpCase => {
    const shape = randomShape(rank);
    const axis = pick(rank) - (pick(2) ? rank : 0);
    const shapes = [0, 1, 2].map(() => shape.map((d, i) => (i === (axis + rank) % rank ? 1 + pick(4) : d)));
    return { name: `concat ${shapes.map(fmt).join(' ')} axis ${axis}`, run: () => ops.concat(shapes.map((s) => rand(s)), axis) };
  }),
  { name: 'concat with an empty input', run: () => ops.concat([rand([2, 3]), rand([2, 0]), rand([2, 130])], 1) },
  { name: 'concat int32 axis -1', run: () => ops.concat([rand([3, 2], { int: true, low: 0, high: 9 }), rand([3, 1], { int: true, low: 0, high: 9 })], -1) },
];

const stackCases: OpCase[] = [
  { name: 'stack three [2,3] axis 0', run: () => ops.stack([rand([2, 3]), rand([2, 3]), rand([2, 3])]) },
  { name: 'stack two [4,5] axis 1', run: () => ops.stack([rand([4, 5]), rand([4, 5])], 1) },
  { name: 'stack two [4,5] axis -1', run: () => ops.stack([rand([4, 5]), rand([4, 5])], -1) },
  { name: 'stack scalars', run: () => ops.stack([tensor(1), tensor(2), tensor(3)]) },
  { name: 'stack int32 [3]', run: () => ops.stack([rand([3], { int: true, low: 0, high: 9 }), rand([3], { int: true, low: 0, high: 9 })], 1) },
];

const splitCases: OpCase[] = [
  { name: 'split [6,131] into 3 along 0', run: () => ops.split(rand([6, 131]), 3) },
  { name: 'split [4,9] at indices [2,6] along -1', run: () => ops.split(rand([4, 9]), [2, 6], -1) },
  { name: 'split with size-0 parts (indices [0,4,4])', run: () => ops.split(rand([3, 4, 2]), [0, 4, 4], 1) },
  { name: 'split rank 5 along 2', run: () => ops.split(rand([2, 1, 4, 3, 2]), 2, 2) },
  { name: 'split int32 at [1]', run: () => ops.split(rand([5, 2], { int: true, low: -9, high: 9 }), [1]) },
];

const gatherCases: OpCase[] = [
  { name: 'gather rows with numbers', run: () => ops.gather(rand([5, 3]), [4, 0, 0, 2]) },
  { name: 'gather axis 1 with int32 indices [2,3]', run: () => ops.gather(rand([3, 7, 2]), tensor([[0, 6, 3], [1, 1, 5]], undefined, 'int32'), 1) },
  { name: 'gather axis -1 with negative indices', run: () => ops.gather(rand([4, 130]), [-1, -130, 5], -1) },
  { name: 'gather with a scalar index', run: () => ops.gather(rand([4, 5]), tensor(2, [], 'int32'), 1) },
  { name: 'gather out-of-range tensor indices give 0', run: () => ops.gather(rand([3, 2]), tensor([5, -4, 1], undefined, 'int32')) },
  { name: 'gather int32 values', run: () => ops.gather(rand([6, 4], { int: true, low: -99, high: 99 }), [5, 1]) },
  { name: 'gather with empty indices', run: () => ops.gather(rand([6, 4]), tensor([], [0], 'int32'), 0) },
  { name: 'gather rank 5', run: () => ops.gather(rand([2, 3, 4, 2, 3]), [3, 0], 2) },
  // Rows of 1, 5 and 37 elements take the three workgroup widths; 300 rows span several row blocks.
  { name: 'gather 300 rows of a [400,37] batch', run: () => ops.gather(rand([400, 37]), tensor(Array.from({ length: 300 }, (_, i) => (i * 7919) % 400), undefined, 'int32')) },
  { name: 'gather 300 of 400 scalars', run: () => ops.gather(rand([400]), tensor(Array.from({ length: 300 }, (_, i) => (i * 31) % 400), undefined, 'int32')) },
  { name: 'gather axis 1 of [3,70,5]', run: () => ops.gather(rand([3, 70, 5]), tensor(Array.from({ length: 90 }, (_, i) => (i * 13) % 70), undefined, 'int32'), 1) },
];

export const shapeCases: OpCase[] = [
  { name: 'take flattened and along an axis, swapaxes, moveaxis, stopGradient', run: () => {
    const x = rand([2, 3, 4]);
    return [ops.take(x, [0, 23, -1, 7]), ops.take(x, tensor([[2, 0]], [1, 2], 'int32'), 1), ops.swapaxes(x, 0, 2), ops.moveaxis(x, [0, 1], [-1, 0]), ops.stopGradient(x)];
  } },
  ...transposeCases,
  ...sliceCases,
  ...stridedSliceCases,
  ...padCases,
  ...tileCases,
  ...broadcastCases,
  ...concatCases,
  ...stackCases,
  ...splitCases,
  ...gatherCases,
  {
    name: 'chained transpose, slice, concat, tile',
    run: () => {
      const t = ops.transpose(rand([3, 4, 5]), [2, 0, 1]);
      return ops.tile(ops.concat([ops.slice(t, [1, 0, 1], [3, -1, 2]), ops.stridedSlice(t, [0], [3], [1])], 2), [1, 2, 1]);
    },
  },
];

function fmt(values: readonly number[]): string {
  return `[${values.join(',')}]`;
}
