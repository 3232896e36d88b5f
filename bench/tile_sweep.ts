// The matmul tile sweep (`npm run bench -- --sweep`, and the GPU machine's run): every candidate
// tiling of a GPU (register tiles and staged tiles of several shapes) is first checked against a
// float64 product on the CPU, at odd sizes and all four transpose layouts, then timed at the
// square and training shapes of the benchmark, next to the tiling the library picks by itself.
// Prints one table a shape (TFLOP/s, best first). A tool for choosing chooseTiling's tiles, not a
// comparison with peers (that is the suite, bench/suite.ts).

import * as wk from '../src/index';
import { activeGpu } from '../src/backend/engine';
import { forceMatmulTiles, stagedBytes, type MatmulTiling } from '../src/ops/matmul_source';
import { chainProducts } from './matmul_chain';

type Tiles = Omit<MatmulTiling, 'kSplits' | 'kChunk'>;

const registers = (rowGroups: number, colGroups: number, workgroupCols: number, workgroupRows: number): Tiles => ({ rowGroups, colGroups, workgroupCols, workgroupRows, lanesShareRows: false, stageK: 0, kLanes: 0 });
const staged = (rowGroups: number, colGroups: number, workgroupCols: number, workgroupRows: number, stageK: number): Tiles => ({ ...registers(rowGroups, colGroups, workgroupCols, workgroupRows), stageK });

/**
 * Candidates by name: registers RxC/WxH (outputs an invocation / invocations a workgroup), staged
 * the same plus the K steps staged. chooseTiling's GPU tiles are staged 16x8/16x8 k16 (from 256
 * workgroups with K of 1024 or more), staged 8x8/16x16 k32 (from 256 workgroups), staged 8x4/16x16
 * k16 (from 64) and reg 4x8/8x8. Measured on H100s and an H200 and dropped: two buffers of
 * workgroup memory (one barrier a slice; measured again on 2026-11-27 with 16 K steps: 16x8/16x8
 * and 8x16/8x16 spilled registers, 11-20 TFLOP/s, and 8x8/16x16 and 8x4/16x16 were 1-15% behind
 * the same tiles with one buffer at 2048^3 to 8192^3), staging without prefetching the next slice into
 * registers, 16x4 and 4x8 invocation tiles, 8 x 16 workgroups, and a loop over a slice's K steps
 * (1.05-1.1x slower than writing them out at 2048^3 and 4096^3); in the two sweeps of the
 * 2026-11-27 session on H100s, 5-25% behind the fastest at every shape: 8x8/16x16 k8 and k16,
 * 8x8/32x8 k16, 8x16/16x8, 16x8/8x16, 8x16/16x16, 16x8/16x16, 8x16/8x8, 16x8/8x8, 8x16/8x32,
 * 16x8/32x8 (all k16), 8x16/8x16 k8, reg 8x8/8x8 and reg 8x8/16x16; 8x16/8x16 and 16x8/16x8 with
 * 32 K steps staged spilled registers (19-21 TFLOP/s at 4096^3 and 8192^3).
 */
const CANDIDATES: Record<string, Tiles> = {
  'reg 4x8/8x8': registers(1, 2, 8, 8),
  'staged 8x4/16x16 k16': staged(2, 1, 16, 16, 16),
  'staged 8x8/16x16 k32': staged(2, 2, 16, 16, 32),
  'staged 16x8/16x8 k16': staged(4, 2, 16, 8, 16),
  'staged 8x16/8x16 k16': staged(2, 4, 8, 16, 16),
  'staged 8x8/16x8 k32': staged(2, 2, 16, 8, 32),
  'staged 8x4/32x8 k16': staged(2, 1, 32, 8, 16),
  'staged 8x4/32x8 k32': staged(2, 1, 32, 8, 32),
  'staged 8x4/32x16 k16': staged(2, 1, 32, 16, 16),
};

/** [name, m, k, n, transposeA, transposeB]: the benchmark's squares and the wide MLP's three products. */
type Shape = [string, number, number, number, boolean, boolean];
const GPU_SHAPES: Shape[] = [
  ['4096^3', 4096, 4096, 4096, false, false],
  ['2048^3', 2048, 2048, 2048, false, false],
  ['8192^3', 8192, 8192, 8192, false, false],
  ['1024^3', 1024, 1024, 1024, false, false],
  ['256x784x1024 x.W', 256, 784, 1024, false, false],
  ['4096x784x1024 x.W', 4096, 784, 1024, false, false],
  ['4096x784x1024 x^T.dy', 784, 4096, 1024, true, false],
  ['4096x784x1024 dy.W^T', 4096, 1024, 784, false, true],
  ['4096x1024x1024 x.W', 4096, 1024, 1024, false, false],
];
const SOFTWARE_SHAPES: Shape[] = [['128^3', 128, 128, 128, false, false]];

/** `only`: the candidates whose name matches (default all). */
export async function runTileSweep(log: (line: string) => void, only?: RegExp): Promise<Record<string, Record<string, number>>> {
  const software = activeGpu().tuning === 'software';
  const { maxComputeWorkgroupStorageSize: limit, maxComputeInvocationsPerWorkgroup: invocations } = activeGpu().limits;
  const wanted = Object.keys(CANDIDATES).filter((name) => !only || only.test(name));
  const fits = wanted.filter((name) => stagedBytes(CANDIDATES[name]) <= limit && CANDIDATES[name].workgroupCols * CANDIDATES[name].workgroupRows <= invocations);
  // SwiftShader runs large workgroups slowly: two candidates at one small size show the sweep works.
  const names = software ? fits.filter((name) => name === 'reg 4x8/8x8' || name === 'staged 8x4/16x16 k16') : fits;
  log(`sweep: workgroup memory limit ${limit} bytes, ${invocations} invocations; candidates ${names.join(', ')}`);
  for await (const line of checkCandidates(names)) log(line);
  const results: Record<string, Record<string, number>> = {};
  for (const [label, m, k, n, transposeA, transposeB] of software ? SOFTWARE_SHAPES : GPU_SHAPES) {
    const a = wk.randomUniform(transposeA ? [k, m] : [m, k], { minval: -1, maxval: 1 });
    const b = wk.randomUniform(transposeB ? [n, k] : [k, n], { minval: -1, maxval: 1 });
    const row: Record<string, number> = {};
    // Untimed, for about 300 ms: products after a pause run at idle clocks until the GPU has
    // clocked up (one product of warm-up still ranked the first candidate 5-15% low on an H100).
    for (const start = performance.now(); performance.now() - start < 300; ) await timeProduct(a, b, transposeA, transposeB);
    for (const name of ['default', ...names]) {
      forceMatmulTiles(name === 'default' ? null : CANDIDATES[name]);
      const ms = await timeProduct(a, b, transposeA, transposeB);
      row[name] = (2 * m * k * n) / ms / 1e9;
    }
    forceMatmulTiles(null);
    wk.dispose([a, b]);
    results[label] = row;
    const ranked = Object.entries(row).sort((x, y) => y[1] - x[1]);
    log(`sweep ${label}: ${ranked.map(([name, tflops]) => `${name} ${tflops.toFixed(2)}`).join(' | ')} (TFLOP/s)`);
  }
  return results;
}

/** Median ms of one product (3 timed runs of enough products for about 60 ms each, after a warm-up). */
async function timeProduct(a: wk.Tensor, b: wk.Tensor, transposeA: boolean, transposeB: boolean): Promise<number> {
  const run = async (count: number) => {
    const start = performance.now();
    await chainProducts(a, b, transposeA, transposeB, count);
    return (performance.now() - start) / count;
  };
  await run(1);
  const estimate = Math.min(await run(2), await run(2), await run(2));
  const count = Math.max(2, Math.min(200, Math.ceil(60 / estimate)));
  const samples = [await run(count), await run(count), await run(count)].sort((x, y) => x - y);
  return samples[1];
}

/** Each candidate against a float64 CPU product; yields a line per candidate (its worst relative error). */
async function* checkCandidates(names: string[]): AsyncGenerator<string> {
  const shapes: Array<[number, number, number]> = [[131, 77, 259], [200, 72, 136], [64, 1000, 8]];
  const worst: Record<string, number> = {};
  for (const [m, k, n] of shapes) {
    for (const [transposeA, transposeB] of [[false, false], [true, false], [false, true], [true, true]]) {
      const a = wk.randomUniform(transposeA ? [k, m] : [m, k], { minval: -1, maxval: 1 });
      const b = wk.randomUniform(transposeB ? [n, k] : [k, n], { minval: -1, maxval: 1 });
      const [av, bv] = [await a.data(), await b.data()];
      const expected = new Float64Array(m * n);
      for (let i = 0; i < m; i++) {
        for (let p = 0; p < k; p++) {
          const x = av[transposeA ? p * m + i : i * k + p];
          for (let j = 0; j < n; j++) expected[i * n + j] += x * bv[transposeB ? j * k + p : p * n + j];
        }
      }
      for (const name of ['default', ...names]) {
        forceMatmulTiles(name === 'default' ? null : CANDIDATES[name]);
        const c = wk.ops.matmul(a, b, { transposeA, transposeB });
        const got = await c.data();
        c.dispose();
        let error = 0;
        let norm = 0;
        expected.forEach((e, i) => {
          error += (got[i] - e) ** 2;
          norm += e * e;
        });
        const relative = Math.sqrt(error / norm);
        worst[name] = Math.max(worst[name] ?? 0, Number.isNaN(relative) ? Infinity : relative);
      }
      forceMatmulTiles(null);
      wk.dispose([a, b]);
    }
  }
  for (const [name, error] of Object.entries(worst)) yield `check ${name}: worst relative error ${error.toExponential(2)}${error < 1e-5 ? '' : ' FAILED'}`;
}
