// GPU-versus-CPU cases for matmul: all four transpose combinations on sizes that are not multiples
// of the kernel's tiles and on multiples of 4 (the vec4 loaders), the wide tiles in one layout,
// batch broadcasting in each direction, ranks 1 to 4, empty dimensions (K = 0 must give zeros),
// single rows and columns, and one larger product.

import { ops, type Tensor } from '../../src/index';
import type { OpCase } from './case';
import { rand } from './data';

/** Float32 sums of K products differ from the CPU's float64 sums by about K * 2^-24 * |terms|. */
const RTOL = 1e-4;
const atolFor = (k: number) => 1e-6 * Math.max(k, 1);

/** The stored shape of an operand whose product shape is [rows, cols] under `transpose`. */
const stored = (batch: number[], rows: number, cols: number, transpose: boolean) => [...batch, ...(transpose ? [cols, rows] : [rows, cols])];

function product(aBatch: number[], bBatch: number[], m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): OpCase {
  const as = stored(aBatch, m, k, transposeA);
  const bs = stored(bBatch, k, n, transposeB);
  const flags = [transposeA && 'transposeA', transposeB && 'transposeB'].filter(Boolean).join(', ');
  return {
    name: `matmul [${as}] x [${bs}]${flags ? ` (${flags})` : ''}`,
    run: () => ops.matmul(rand(as), rand(bs), { transposeA, transposeB }),
    rtol: RTOL,
    atol: atolFor(k),
  };
}

// Sizes off the tile grids in all four transpose combinations, which pick the loaders of every
// layout: the register kernel's tiles (at most 12 columns) and the subgroup kernel's small tiles,
// scalar loads ([7,33,13]) and vec4 loads, with K tails ([20,6,16]) and without ([8,12,16]).
// Multiples of 4 take the vec4 loaders (A along K or across rows, B across columns or along K);
// widths 10 and 16 take the narrower SwiftShader tiles.
const SIZES: Array<[number, number, number]> = [
  [1, 1, 1],
  [3, 17, 5],
  [17, 33, 3],
  [7, 33, 13],
  [4, 8, 8],
  [12, 36, 10],
  [8, 12, 16],
  [20, 6, 16],
  [36, 40, 3],
];

const TRANSPOSES: Array<[boolean, boolean]> = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

export const matmulCases: OpCase[] = [
  ...SIZES.flatMap(([m, k, n]) => TRANSPOSES.map(([ta, tb]) => product([], [], m, k, n, ta, tb))),
  // A single column, and the subgroup kernel's wide tiles (each layout a pipeline that takes
  // SwiftShader 1 to 3 s to compile) in one layout: 16 x 64 with K below 4 (the tail alone) and
  // for a single row past 64 columns, 16 x 48 past several workgroups each way, and the
  // quickstart's layer (vec4 loads along K and across columns).
  product([], [], 65, 33, 1, false, false),
  product([], [], 33, 3, 65, false, false),
  product([], [], 1, 129, 65, false, false),
  product([], [], 129, 65, 33, false, false),
  product([], [], 64, 100, 64, false, false),
  // Long K with small outputs: split-K on both tunings, chunks with and without a K % 4 tail.
  product([], [], 8, 1000, 8, false, false),
  product([], [], 6, 1003, 5, true, false),
  product([], [], 12, 517, 20, false, true),
  product([2], [2], 9, 700, 7, true, true),
  product([], [], 100, 256, 64, true, false),
  // The same on outputs of more than 12 columns (SwiftShader's subgroup kernel): one workgroup, split.
  product([], [], 4, 1000, 16, false, false),
  product([], [], 3, 1003, 17, true, true),
  // Batches: equal, broadcast on either side, rank-4 times rank-2 and rank-3.
  product([5], [5], 7, 9, 11, false, false),
  product([3], [], 17, 33, 10, false, false),
  product([], [3], 10, 33, 17, false, false),
  product([2, 3], [], 5, 4, 6, true, false),
  product([2, 1], [3], 4, 5, 6, false, false),
  product([1], [2, 3], 4, 5, 6, false, true),
  product([2, 1, 3], [4, 1], 3, 6, 9, true, true),
  product([3], [], 9, 33, 17, false, false),
  product([2, 1], [3], 4, 5, 20, true, false),
  // Empty dimensions: K = 0 gives zeros; M, N or the batch 0 give empty results.
  product([], [], 5, 0, 7, false, false),
  product([2], [2], 4, 0, 16, true, true),
  product([], [], 0, 4, 7, false, false),
  product([], [], 4, 4, 0, false, false),
  product([0], [], 4, 4, 4, false, false),
  // Rank-1 operands follow NumPy: a vector on either side, or both (a scalar-shaped dot product).
  { name: 'matmul vector [33] x [33,17]', run: () => ops.matmul(rand([33]), rand([33, 17])), rtol: RTOL, atol: atolFor(33) },
  { name: 'matmul [2,17,33] x vector [33]', run: () => ops.matmul(rand([2, 17, 33]), rand([33])), rtol: RTOL, atol: atolFor(33) },
  { name: 'matmul vector [65] x vector [65]', run: () => ops.matmul(rand([65]), rand([65])), rtol: RTOL, atol: atolFor(65) },
  { name: 'matmul of a dense layer [64,100] x [100,10] plus bias', run: () => ops.matmul(rand([64, 100]), rand([100, 10])).add(rand([10])), rtol: RTOL, atol: atolFor(100) },
  { name: 'matmul chained (a x b) x c', run: (): Tensor => ops.matmul(ops.matmul(rand([9, 13]), rand([13, 21])), rand([21, 5])), rtol: RTOL, atol: 1e-4 },
  product([], [], 130, 257, 66, false, false),
];
