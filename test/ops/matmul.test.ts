// matmul: the GPU kernel against the CPU backend on edge-heavy shapes, known products, NumPy
// shape rules, and the errors users meet.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ops, tensor } from '../../src/node';
import { currentGpu } from '../../src/backend/engine';
import { chooseTiling, forceMatmulTiles, type MatmulTiling } from '../../src/ops/matmul_source';
import type { OpCase } from '../cases/case';
import { fusedCases } from '../cases/fused';
import { matmulCases } from '../cases/matmul';
import { checkCases, useWebGPU, withKernelTuning } from '../helpers';

useWebGPU();

describe('GPU matches CPU', () => checkCases(matmulCases));

// The suite runs on SwiftShader, which gets the 'software' kernels (the subgroup kernel where the
// device has subgroups of 4 lanes); the other kernel families are checked below on chosen cases.
// Nearly all of a case's time is SwiftShader compiling its pipeline (one per kernel, tile shape,
// loader pair, transposes and epilogue), so each family gets the cases that reach each of its
// loaders (every A loader and every B loader at least once), edges, K tails, batches, K = 0,
// split-K and an epilogue, rather than every case (a case whose pipeline an earlier one compiled
// costs little).
const denseCases = fusedCases.filter((c) => c.name.startsWith('dense'));

/** The cases of these names (matmul's and ops.dense's); fails on a name that no case has. */
function named(...names: string[]): OpCase[] {
  return names.map((name) => {
    const found = [...matmulCases, ...denseCases].find((c) => c.name === name);
    if (!found) throw new Error(`no matmul or dense case named '${name}'`);
    return found;
  });
}

/** The four transpose combinations of product [m, k] x [k, n], by name. */
function allLayouts(m: number, k: number, n: number): string[] {
  return [`[${m},${k}] x [${k},${n}]`, `[${k},${m}] x [${k},${n}] (transposeA)`, `[${m},${k}] x [${n},${k}] (transposeB)`, `[${k},${m}] x [${n},${k}] (transposeA, transposeB)`].map((s) => `matmul ${s}`);
}

// A GPU's register kernel (4 x 8 outputs, 8 x 8 invocations) where K < 64: scalar loads with K
// tails and vec4 loads in every layout, vec4 loads with a K tail, several workgroups each way,
// batches, K = 0 and the epilogues; its K-lanes kernel (64 lanes) for few blocks with long K,
// with scalar loads, edges and a K tail and with vec4 loads and an epilogue; split-K with the
// epilogue in the second pass.
const hardwareCases = named(
  ...allLayouts(3, 17, 5),
  ...allLayouts(4, 8, 8),
  'matmul [6,20] x [6,16] (transposeA)',
  'matmul [33,3] x [3,65]',
  'matmul [2,1,4,5] x [3,5,6]',
  'matmul [2,1,3,6,3] x [4,1,9,6] (transposeA, transposeB)',
  'matmul [5,0] x [0,7]',
  'matmul [129,65] x [65,33]',
  'dense [256,100] x [100,64] + bias relu',
  'dense with a NaN input, relu',
  'dense with a NaN input, tanh',
  'dense with a NaN input, sigmoid',
  'dense [64,16384] x [16384,16] + bias sigmoid',
);
describe('GPU matches CPU with the tile shapes of a hardware adapter', () => withKernelTuning('hardware', 0, () => checkCases(hardwareCases)));

// Without subgroups, outputs of at most 12 columns get the same register tiles as above (the
// same pipelines); wider ones get 8 x 16 or 4 x 16 outputs on 2 x 2 or 1 x 4 invocations: scalar
// and vec4 loads, split-K for a lone workgroup, and an epilogue.
const softwareCases = named(
  'matmul [33,3] x [3,65]',
  'matmul [8,12] x [12,16]',
  'matmul [12,517] x [20,517] (transposeB)',
  'dense [256,100] x [100,64] + bias relu',
  'dense [64,16384] x [16384,16] + bias sigmoid',
);
describe('GPU matches CPU with the software register kernel (no subgroups)', () => withKernelTuning('software', 0, () => checkCases(softwareCases)));

/** Declares `define`'s tests to run with every product on `tiles` (a GPU's split-K policy). */
function withStagedTiles(tiles: Omit<MatmulTiling, 'kSplits' | 'kChunk'>, define: () => void): void {
  beforeAll(() => forceMatmulTiles(tiles));
  afterAll(() => forceMatmulTiles(null));
  withKernelTuning('hardware', 0, define);
}

// For forced tiles: each A loader (scalar, transposed scalar, along K, across rows) and each B
// loader (scalar, transposed scalar, across columns, along K), which also place the staged
// kernel's blocks K-fastest or row- and column-fastest; edges over several workgroups with a
// K tail ([129,65,33]), vec4 loads with a K tail, equal and broadcast batches, K = 0, split-K
// (the 2^24 dense layer) with the epilogue in its second pass, and a fused epilogue of a NaN.
const forcedTileCases = named(
  'matmul [129,65] x [65,33]',
  'matmul [5,7,9] x [5,9,11]',
  'matmul [2,1,4,5] x [3,5,6]',
  'matmul [33,7] x [13,33] (transposeA, transposeB)',
  'matmul [2,1,3,6,3] x [4,1,9,6] (transposeA, transposeB)',
  'matmul [64,100] x [100,64]',
  'dense [64,16384] x [16384,16] + bias sigmoid',
  'matmul [12,8] x [16,12] (transposeA, transposeB)',
  'matmul [2,0,4] x [2,16,0] (transposeA, transposeB)',
  'matmul [6,20] x [6,16] (transposeA)',
  'dense with a NaN input, relu',
);

// The staged kernel runs on a GPU for large products only; small tiles put the cases' edges,
// K tails and split-K through it here. 8 invocations load 4 blocks of op(A) (some invocations
// none) and 16 of op(B) (two each) per slice of 8 K steps.
const smallStaged = { rowGroups: 1, colGroups: 2, workgroupCols: 4, workgroupRows: 2, lanesShareRows: false, stageK: 8, kLanes: 0 };
describe('GPU matches CPU with the staged kernel (small tiles)', () => withStagedTiles(smallStaged, () => checkCases(forcedTileCases)));
// The tiles a GPU gets (128 x 64 a workgroup of 256 invocations, 16 K steps; SwiftShader takes
// about 2 s to compile each layout): blocks placed row- and column-fastest with scalar loads,
// edges and a K tail, and K-fastest for both operands.
const gpuStaged = { rowGroups: 2, colGroups: 1, workgroupCols: 16, workgroupRows: 16, lanesShareRows: false, stageK: 16, kLanes: 0 };
describe('GPU matches CPU with the staged kernel (a GPU\'s tiles)', () => withStagedTiles(gpuStaged, () => checkCases(named('matmul [129,65] x [65,33]', 'matmul [8,12] x [16,12] (transposeB)'))));
// A GPU's tiles for the largest outputs: 128 x 128, 32 K steps, every invocation loading one block
// of each operand per slice (SwiftShader takes about 5 s to compile each layout): A placed
// K-fastest with vec4 loads, B column-fastest, and a last slice of 4 of the 32 K steps.
const gpuStagedLarge = { rowGroups: 2, colGroups: 2, workgroupCols: 16, workgroupRows: 16, lanesShareRows: false, stageK: 32, kLanes: 0 };
describe('GPU matches CPU with the staged kernel (a GPU\'s large tiles)', () => withStagedTiles(gpuStagedLarge, () => checkCases(named('matmul [64,100] x [100,64]'))));
// The same tiles for a long K: 16 x 8 outputs each of 16 x 8 invocations, 16 K steps.
const gpuStagedDeep = { rowGroups: 4, colGroups: 2, workgroupCols: 16, workgroupRows: 8, lanesShareRows: false, stageK: 16, kLanes: 0 };
describe('GPU matches CPU with the staged kernel (a GPU\'s tiles for a long K)', () => withStagedTiles(gpuStagedDeep, () => checkCases(named('matmul [64,100] x [100,64]'))));
// The K-lanes kernel runs on a GPU for few output blocks with long K (the hardware block above
// puts two cases through it); another block shape and lane count here put the forced-tile cases
// through it, and K shorter than the lanes' first steps.
const kLanes = { rowGroups: 2, colGroups: 1, workgroupCols: 1, workgroupRows: 1, lanesShareRows: false, stageK: 0, kLanes: 16 };
describe('GPU matches CPU with the K-lanes kernel (8 x 4 blocks, 16 lanes)', () => withStagedTiles(kLanes, () => checkCases([...named('matmul [1,1] x [1,1]'), ...forcedTileCases])));

it('runs the subgroup kernel on this SwiftShader device', () => {
  // Without subgroups of 4 lanes the suite's first block would test the register kernel twice.
  expect(currentGpu()!.subgroupLanes).toBe(4);
});

describe('tile shapes', () => {
  const layout = (m: number, n: number, k = 64, epilogue = false) => ({ m, n, k, transposeA: false, transposeB: false, hasBias: epilogue, activation: 'linear' });

  it('narrow the SwiftShader tile for narrow outputs and keep both cores busy', () => {
    expect(chooseTiling(layout(512, 512), 1, 'software')).toEqual({ rowGroups: 2, colGroups: 8, workgroupCols: 2, workgroupRows: 2, kSplits: 1, kChunk: 64, lanesShareRows: false, stageK: 0, kLanes: 0 });
    // Smaller products get the 8 x 16 tile, which compiles in well under half the time.
    expect(chooseTiling(layout(256, 64, 100), 1, 'software')).toMatchObject({ rowGroups: 2, colGroups: 4, workgroupCols: 2, workgroupRows: 2 });
    expect(chooseTiling(layout(256, 10), 1, 'software')).toMatchObject({ rowGroups: 2, colGroups: 3, workgroupCols: 1, workgroupRows: 4 });
    // 16 x 12 outputs cannot fill 2 workgroups: half the tile rows.
    expect(chooseTiling(layout(16, 12), 1, 'software').rowGroups).toBe(1);
    expect(chooseTiling(layout(16, 12), 4, 'software').rowGroups).toBe(2);
    expect(chooseTiling(layout(512, 512), 1, 'hardware')).toMatchObject({ rowGroups: 1, colGroups: 2, workgroupCols: 8, workgroupRows: 8, kSplits: 1 });
  });

  it('stage large products in workgroup memory on a GPU, with the largest tiles for the largest outputs', () => {
    const staged = { workgroupCols: 16, workgroupRows: 16, rowGroups: 2 };
    expect(chooseTiling(layout(1024, 1024), 1, 'hardware', 0, 32768)).toMatchObject({ ...staged, colGroups: 1, stageK: 16 });
    expect(chooseTiling(layout(2048, 2048), 1, 'hardware', 0, 32768)).toMatchObject({ ...staged, colGroups: 2, stageK: 32 });
    // Where the device grants only WebGPU's default 16 KiB of workgroup memory: the 12 KiB tiles.
    expect(chooseTiling(layout(2048, 2048), 1, 'hardware', 0, 16384)).toMatchObject({ ...staged, colGroups: 1, stageK: 16 });
    // K of 1024 or more: the same 128 x 128 tiles from 16 x 8 invocations of 16 x 8 outputs (16 KiB).
    const deep = { rowGroups: 4, colGroups: 2, workgroupCols: 16, workgroupRows: 8, stageK: 16 };
    expect(chooseTiling(layout(2048, 2048, 1024), 1, 'hardware', 0, 32768)).toMatchObject(deep);
    expect(chooseTiling(layout(4096, 4096, 4096), 1, 'hardware', 0, 16384)).toMatchObject(deep);
    expect(chooseTiling(layout(4096, 1024, 784), 1, 'hardware', 0, 32768)).toMatchObject({ ...staged, colGroups: 2, stageK: 32 });
    // Below 64 workgroups of 128 x 64: the register tiles, which make 4 times as many.
    expect(chooseTiling(layout(256, 1024), 1, 'hardware', 0, 32768)).toMatchObject({ rowGroups: 1, colGroups: 2, stageK: 0 });
  });

  it('have the invocations of a workgroup share K on a GPU when the register tiles make few workgroups and K is long', () => {
    const kLanes = { rowGroups: 1, colGroups: 2, workgroupCols: 1, workgroupRows: 1, stageK: 0, kLanes: 64, kSplits: 1 };
    // A 10-class layer at a batch of 256 (8 register workgroups), with its bias and softmax's logits.
    expect(chooseTiling(layout(256, 10, 1024, true), 1, 'hardware')).toMatchObject(kLanes);
    expect(chooseTiling(layout(1024, 10, 256), 1, 'hardware')).toMatchObject(kLanes);
    expect(chooseTiling(layout(256, 64, 100), 1, 'hardware')).toMatchObject(kLanes);
    // K too short to share, or enough register workgroups (128), or a split.
    expect(chooseTiling(layout(256, 64, 10), 1, 'hardware')).toMatchObject({ kLanes: 0 });
    expect(chooseTiling(layout(512, 512, 64), 1, 'hardware')).toMatchObject({ kLanes: 0 });
    expect(chooseTiling(layout(256, 256, 65536), 1, 'hardware')).toMatchObject({ kLanes: 0, kSplits: 16 });
    // Never on SwiftShader, whose barriers are slow.
    expect(chooseTiling(layout(256, 10, 1024), 1, 'software', 4)).toMatchObject({ kLanes: 0 });
  });

  it('give SwiftShader with subgroups of 4 the subgroup kernel, except for narrow outputs', () => {
    expect(chooseTiling(layout(256, 64, 100), 1, 'software', 4)).toEqual({ rowGroups: 4, colGroups: 4, workgroupCols: 4, workgroupRows: 1, kSplits: 1, kChunk: 100, lanesShareRows: true, stageK: 0, kLanes: 0 });
    expect(chooseTiling(layout(256, 20), 1, 'software', 4)).toMatchObject({ colGroups: 2, lanesShareRows: true });
    // 8 rows: 1 workgroup of 16 rows or of 8, 2 of 4.
    expect(chooseTiling(layout(8, 64), 1, 'software', 4)).toMatchObject({ rowGroups: 1, lanesShareRows: true });
    expect(chooseTiling(layout(24, 64), 1, 'software', 4)).toMatchObject({ rowGroups: 4, lanesShareRows: true });
    expect(chooseTiling(layout(256, 10), 1, 'software', 4)).toMatchObject({ lanesShareRows: false });
    expect(chooseTiling(layout(256, 64), 1, 'software', 8)).toMatchObject({ lanesShareRows: false });
    expect(chooseTiling(layout(256, 64), 1, 'hardware', 4)).toMatchObject({ lanesShareRows: false });
  });

  it('split K when the output cannot fill the device and K is long, the epilogue applied by the second pass', () => {
    // A [256, 256] product over K = 65536: 32 register workgroups on a GPU, split towards 512.
    expect(chooseTiling(layout(256, 256, 65536), 1, 'hardware')).toMatchObject({ kSplits: 16, kChunk: 4096 });
    expect(chooseTiling(layout(8, 8, 300000), 1, 'hardware')).toMatchObject({ kSplits: 511, kChunk: 588 });
    expect(chooseTiling(layout(8, 8, 300000, true), 1, 'hardware')).toMatchObject({ kSplits: 511 });
    // A batch of 256 through a 784-1024 dense layer: 128 register workgroups, split in 4.
    expect(chooseTiling(layout(256, 1024, 784, true), 1, 'hardware')).toMatchObject({ rowGroups: 1, colGroups: 2, stageK: 0, kSplits: 4, kChunk: 196 });
    // Staged tiles split towards 128 workgroups only: 112 tiles of 128 x 64 in two.
    expect(chooseTiling(layout(784, 1024, 256), 1, 'hardware', 0, 32768)).toMatchObject({ stageK: 16, kSplits: 2 });
    // Below 2^24 multiply-adds the second dispatch costs more than the split saves: the
    // quickstart's [100, 64] weight gradient from a batch of 256 is not split (its workgroups share K instead).
    expect(chooseTiling(layout(100, 64, 256), 1, 'hardware')).toMatchObject({ kSplits: 1, kLanes: 64 });
    expect(chooseTiling(layout(8, 8, 1000), 1, 'hardware')).toMatchObject({ kSplits: 1, kLanes: 64 });
    expect(chooseTiling(layout(1024, 1024, 4096), 1, 'hardware')).toMatchObject({ kSplits: 1 });
    // SwiftShader splits only to give its second core work: measured slower otherwise.
    expect(chooseTiling(layout(8, 8, 1000), 1, 'software')).toMatchObject({ kSplits: 2, kChunk: 500 });
    expect(chooseTiling(layout(100, 64, 256), 1, 'software')).toMatchObject({ kSplits: 1 });
  });
});

describe('reference values', () => {
  it('multiplies a hand-computed product', async () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]]);
    const b = tensor([[7, 8], [9, 10], [11, 12]]);
    expect(await ops.matmul(a, b).array()).toEqual([[58, 64], [139, 154]]);
    expect(await a.matmul(a, { transposeB: true }).array()).toEqual([[14, 32], [32, 77]]);
    expect(await ops.matmul(a, a, { transposeA: true }).array()).toEqual([[17, 22, 27], [22, 29, 36], [27, 36, 45]]);
    expect(await ops.matmul(b, a, { transposeA: true, transposeB: true }).array()).toEqual([[58, 139], [64, 154]]);
  });

  it('writes zeros when K is 0', async () => {
    const c = ops.matmul(tensor([], [3, 0]), tensor([], [0, 5]));
    expect(c.shape).toEqual([3, 5]);
    expect(Array.from(await c.data())).toEqual(new Array(15).fill(0));
  });

  it('follows NumPy shapes for batches and vectors', () => {
    expect(ops.matmul(tensor(new Float32Array(40), [2, 1, 4, 5]), tensor(new Float32Array(90), [3, 5, 6])).shape).toEqual([2, 3, 4, 6]);
    expect(ops.matmul(tensor([1, 2]), tensor([[1, 2, 3], [4, 5, 6]])).shape).toEqual([3]);
    expect(ops.matmul(tensor([[1, 2], [3, 4]]), tensor([1, 2])).shape).toEqual([2]);
    expect(ops.matmul(tensor([1, 2]), tensor([3, 4])).shape).toEqual([]);
  });
});

describe('errors', () => {
  it('names both shapes when inner dimensions differ', () => {
    expect(() => ops.matmul(tensor(new Float32Array(3200), [32, 100]), tensor(new Float32Array(640), [64, 10]))).toThrow('matmul: inner dimensions differ: [32,100] x [64,10].');
  });

  it('mentions transposes that are set', () => {
    expect(() => ops.matmul(tensor(new Float32Array(6), [2, 3]), tensor(new Float32Array(6), [2, 3]), { transposeB: true })).not.toThrow();
    expect(() => ops.matmul(tensor(new Float32Array(6), [2, 3]), tensor(new Float32Array(6), [3, 2]), { transposeB: true })).toThrow(
      'matmul: inner dimensions differ: [2,3] x [3,2] with transposeB (3 vs 2).',
    );
  });

  it('rejects batch dimensions that do not broadcast', () => {
    expect(() => ops.matmul(tensor(new Float32Array(40), [2, 4, 5]), tensor(new Float32Array(90), [3, 5, 6]))).toThrow(
      'matmul: batch dimensions [2] and [3] cannot be broadcast together: [2,4,5] x [3,5,6].',
    );
  });

  it('rejects scalars', () => {
    expect(() => ops.matmul(tensor(2), tensor([1, 2]))).toThrow('matmul: a is a scalar (shape []); matmul needs operands of rank 1 or more');
  });

  it('rejects int32 operands', () => {
    expect(() => ops.matmul(tensor([[1, 2]]), tensor([[1], [2]], undefined, 'int32'))).toThrow("matmul: b is int32 (shape [2,1]); matmul takes float32 tensors. Cast it first: ops.cast(b, 'float32').");
  });

  it('rejects non-tensors', () => {
    expect(() => ops.matmul([[1]] as never, tensor([[1]]))).toThrow('matmul: expected a to be a Tensor, got an array');
  });
});
