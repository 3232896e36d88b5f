// The WGSL of the matmul kernel for one tile shape and operand layout, and the choice of tile
// shape for an adapter. shaders/matmul.wgsl holds what every variant shares; the loaders
// (shaders/matmul_load_*.wgsl) read op(A) and op(B) in 4 x 4 blocks, with vec4 loads where the
// layout allows; the entry point is written out here with one statement per accumulator, because
// the register tile must be unrolled: a loop over an accumulator array keeps it in memory, which
// made the kernel three times slower on SwiftShader. Four entry points: the register kernel
// (every invocation loads what its own tile needs); on SwiftShader with subgroups, the subgroup
// kernel (the 4 lanes of a workgroup share op(A)'s values through subgroupBroadcast); for large
// products on a GPU, the staged kernel (the workgroup loads a tile of op(A) and op(B) into
// workgroup memory, a slice of K at a time, and every invocation reads its operands there); and,
// for few output blocks with a long K on a GPU, the K-lanes kernel (a workgroup's invocations
// share K for one block and add their sums in workgroup memory).

import type { KernelTuning } from '../backend/webgpu/webgpu_backend';
import matmulShared from '../../shaders/matmul.wgsl?raw';
import matmulEpilogue from '../../shaders/matmul_epilogue.wgsl?raw';
import matmulSplitSum from '../../shaders/matmul_split_sum.wgsl?raw';
import loadAScalar from '../../shaders/matmul_load_a_scalar.wgsl?raw';
import loadAAlongK from '../../shaders/matmul_load_a_along_k.wgsl?raw';
import loadAAcrossRows from '../../shaders/matmul_load_a_across_rows.wgsl?raw';
import loadBScalar from '../../shaders/matmul_load_b_scalar.wgsl?raw';
import loadBAcrossColumns from '../../shaders/matmul_load_b_across_columns.wgsl?raw';
import loadBAlongK from '../../shaders/matmul_load_b_along_k.wgsl?raw';

/**
 * Outputs per invocation (in groups of 4 rows and 4 columns), invocations per workgroup, and the
 * split of K into kSplits chunks of kChunk (1 and K without split-K).
 */
export interface MatmulTiling {
  rowGroups: number;
  colGroups: number;
  workgroupCols: number;
  workgroupRows: number;
  kSplits: number;
  kChunk: number;
  /**
   * The subgroup kernel: one subgroup of 4 lanes a workgroup, the lanes computing the same rows
   * and different columns, each loading a quarter of the rows' values and sharing it through
   * subgroupBroadcast (workgroupCols 4, workgroupRows 1).
   */
  lanesShareRows: boolean;
  /**
   * The staged kernel when above 0: K steps (a multiple of 4) of the workgroup's op(A) rows and
   * op(B) columns staged in workgroup memory at a time. Invocation (x, y) then owns the row groups
   * y + workgroupRows g and the column groups x + workgroupCols c of the workgroup's tile.
   */
  stageK: number;
  /**
   * The K-lanes kernel when above 0: a workgroup of kLanes invocations computes one block of
   * (4 rowGroups) x (4 colGroups) outputs, each invocation taking every kLanes-th step of 4 along
   * K, and adds the invocations' sums in workgroup memory (workgroupCols and workgroupRows 1).
   */
  kLanes: number;
}

export interface MatmulLayout {
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
  /** A bias or activation epilogue (applied to the whole sum: by split-K's second pass when split). */
  hasBias: boolean;
  activation: string;
}

/**
 * Tile shapes by adapter. A GPU: the staged kernel's 128 x 128 tiles when they make 256
 * workgroups or more (16 x 8 outputs an invocation where K is 1024 or more, else 8 x 8), its 128 x 64 tiles when they make 64 or more (workgroup memory
 * permitting), else the register kernel's 4 x 8 outputs per invocation and 64 invocations per
 * workgroup (at a batch of 256, the register tiles make 4 times as many workgroups, which a GPU of
 * 100+ cores needs), or the K-lanes kernel where those make fewer than 64 workgroups and K is long.
 * SwiftShader with subgroups of 4 lanes (`subgroupLanes`), for outputs of more than 12 columns:
 * the subgroup kernel, 16 rows x 64 columns a workgroup of 4 lanes (fewer columns for a narrower
 * output, fewer rows when there would be too few workgroups for both CPU cores). The lanes share each row's values through
 * subgroupBroadcast instead of loading them four times: loads are per-lane gathers there, four to
 * five times the cost of a multiply-add. Measured on SwiftShader at the quickstart's [256, 100] x
 * [100, 64] product and its weight gradient, it is 1.2 to 1.5 times faster than the register
 * tiles below.
 * SwiftShader without subgroups: 8 x 16 outputs per invocation (8 x 32 for large products) and 4
 * invocations per workgroup (one SIMD group of lanes), with as many column groups as a narrow
 * output needs (12 columns for a 10-class layer), so that few computed columns are thrown away.
 * Smaller tiles or more invocations per workgroup were up to 3x slower.
 * Split-K when the output tiles cannot fill the device and K is long: on a GPU, for products of
 * 2^24 multiply-adds or more (see HARDWARE_SPLIT and HARDWARE_REGISTER_SPLIT). On SwiftShader
 * only a lone workgroup is split (for the second core): splitting the quickstart's 7-workgroup
 * weight gradient measured 30% slower there.
 */
export function chooseTiling(layout: MatmulLayout, matrices: number, tuning: KernelTuning, subgroupLanes = 0, workgroupStorageBytes = 16384): MatmulTiling {
  const { m, n } = layout;
  type Tiles = Omit<MatmulTiling, 'kSplits' | 'kChunk'>;
  const blocks = (t: Tiles) => Math.ceil(n / (4 * t.colGroups * t.workgroupCols)) * Math.ceil(m / (4 * t.rowGroups * t.workgroupRows)) * matrices;
  const withSplit = (tiles: Tiles, policy: SplitPolicy): MatmulTiling => ({ ...tiles, ...splitK(layout, blocks(tiles), policy) });
  if (forcedTiles) return withSplit(forcedTiles, tuning === 'hardware' ? HARDWARE_SPLIT : SOFTWARE_SPLIT);
  if (tuning === 'hardware') {
    const fits = (tiles: Tiles, minWorkgroups: number) => blocks(tiles) >= minWorkgroups && stagedBytes(tiles) <= workgroupStorageBytes;
    const large = layout.k >= HARDWARE_STAGED_DEEP_MIN_K ? HARDWARE_STAGED_DEEP : HARDWARE_STAGED_LARGE;
    const tiles = fits(large, HARDWARE_STAGED_LARGE_MIN_WORKGROUPS) ? large : fits(HARDWARE_STAGED, HARDWARE_STAGED_MIN_WORKGROUPS) ? HARDWARE_STAGED : HARDWARE_REGISTERS;
    const tiling = withSplit(tiles, tiles === HARDWARE_REGISTERS ? HARDWARE_REGISTER_SPLIT : HARDWARE_SPLIT);
    const fewBlocks = tiles === HARDWARE_REGISTERS && tiling.kSplits === 1 && blocks(tiles) < HARDWARE_K_LANES_BELOW_WORKGROUPS;
    return fewBlocks && layout.k >= HARDWARE_K_LANES_MIN_K ? { ...HARDWARE_K_LANES, kSplits: 1, kChunk: layout.k } : tiling;
  }
  const software = { lanesShareRows: false, stageK: 0, kLanes: 0 };
  // A narrow output (a 10-class layer) would leave lanes idle in the subgroup kernel's 16 columns.
  if (subgroupLanes === SUBGROUP_KERNEL_LANES && n > 12) {
    const shared = { ...software, colGroups: Math.min(4, Math.ceil(n / 16)), workgroupCols: SUBGROUP_KERNEL_LANES, workgroupRows: 1, lanesShareRows: true };
    const rowGroups = [4, 2, 1].find((g) => blocks({ ...shared, rowGroups: g }) >= MIN_SOFTWARE_WORKGROUPS) ?? 1;
    return withSplit({ ...shared, rowGroups }, SOFTWARE_SPLIT);
  }
  // The widest tile (8 x 32) pays only on large products: its kernel takes SwiftShader about 2 s to
  // compile, against 0.8 s for 8 x 16, and the first step of a model waits for every compile.
  const colGroups = Math.min(m * n * layout.k >= LARGE_PRODUCT ? 8 : 4, Math.ceil(n / 4));
  const [workgroupCols, workgroupRows] = n > 4 * colGroups ? [2, 2] : [1, 4];
  // Halve the tile rows when there would be too few workgroups for the CPU cores.
  const rowGroups = blocks({ ...software, rowGroups: 2, colGroups, workgroupCols, workgroupRows }) < MIN_SOFTWARE_WORKGROUPS ? 1 : 2;
  return withSplit({ ...software, rowGroups, colGroups, workgroupCols, workgroupRows }, SOFTWARE_SPLIT);
}

/** A GPU's register tiles: 4 x 8 outputs an invocation, 8 x 8 invocations a workgroup. */
const HARDWARE_REGISTERS = { rowGroups: 1, colGroups: 2, workgroupCols: 8, workgroupRows: 8, lanesShareRows: false, stageK: 0, kLanes: 0 };
/**
 * A GPU's K-lanes blocks: 4 x 8 outputs a workgroup of 64 invocations, for outputs the register
 * tiles cut into fewer than 64 workgroups, with K of 64 or more (weight gradients of small layers,
 * a 10-class layer at a batch of 256). There each register-tile invocation walks all of K alone:
 * on an H100 the quickstart's [100, 256] x [256, 64] weight gradient took 55 us on 4 workgroups,
 * and a [256, 1024] x [1024, 10] layer 129 us on 8, bound by the latency of K serial steps.
 */
const HARDWARE_K_LANES = { rowGroups: 1, colGroups: 2, workgroupCols: 1, workgroupRows: 1, lanesShareRows: false, stageK: 0, kLanes: 64 };
const HARDWARE_K_LANES_BELOW_WORKGROUPS = 64;
const HARDWARE_K_LANES_MIN_K = 64;
/**
 * A GPU's staged tiles: 128 x 64 outputs a workgroup of 16 x 16 invocations (8 x 4 each), 16 K
 * steps staged (12 KiB). Measured on H100s and an H200 (Vulkan, Node) against some 20 register and
 * staged tilings (bench/tile_sweep.ts): the fastest at 1024^3 (18-21 TFLOP/s against 12-13 for the
 * register tiles) and within 5% of the fastest at the products of a 784-1024 layer at batch 4096.
 */
const HARDWARE_STAGED = { rowGroups: 2, colGroups: 1, workgroupCols: 16, workgroupRows: 16, lanesShareRows: false, stageK: 16, kLanes: 0 };
/** Staged tiles from this many workgroups (a 512 x 1024 output); smaller products keep the register tiles. */
const HARDWARE_STAGED_MIN_WORKGROUPS = 64;
/**
 * A GPU's staged tiles for the largest outputs: 128 x 128 a workgroup of 16 x 16 invocations (8 x 8
 * each), 32 K steps staged (32 KiB, where the device allows it). On an H100: 34 TFLOP/s at 4096^3
 * and 37 at 8192^3 against 32 and 33 for the 128 x 64 tiles; slower below 256 workgroups.
 */
const HARDWARE_STAGED_LARGE = { rowGroups: 2, colGroups: 2, workgroupCols: 16, workgroupRows: 16, lanesShareRows: false, stageK: 32, kLanes: 0 };
/** The large staged tiles (either kind) from this many workgroups (a 2048 x 2048 output). */
const HARDWARE_STAGED_LARGE_MIN_WORKGROUPS = 256;
/**
 * The same 128 x 128 tiles for a long K: a workgroup of 16 x 8 invocations, 16 x 8 outputs each,
 * 16 K steps staged (16 KiB). Twice the outputs an invocation take twice the multiply-adds per
 * value read from workgroup memory. In two sweeps on H100s (bench/tile_sweep.ts, the device
 * clocked up first): 37.2-37.7 TFLOP/s at 4096^3 against 34.3-34.8 for HARDWARE_STAGED_LARGE,
 * 39.7-40.4 against 37.0-37.2 at 8192^3, 33.6-34.7 against 32.1-33.1 at 2048^3, and 5-15% faster
 * at the 4096 x 1024 x 1024 products of the wide MLP; but slower at K = 784 (its 4096 x 784 x 1024
 * product) in both. With 32 K steps staged, its registers spilled (19 TFLOP/s at 4096^3).
 */
const HARDWARE_STAGED_DEEP = { rowGroups: 4, colGroups: 2, workgroupCols: 16, workgroupRows: 8, lanesShareRows: false, stageK: 16, kLanes: 0 };
const HARDWARE_STAGED_DEEP_MIN_K = 1024;

let forcedTiles: Omit<MatmulTiling, 'kSplits' | 'kChunk'> | null = null;
let forcedVersion = 0;

/**
 * @internal Every product gets these tiles (split-K still chosen by size), until called with
 * null. For the tile sweep of the benchmark (bench/tile_sweep.ts) and the tests of the staged kernel.
 */
export function forceMatmulTiles(tiles: Omit<MatmulTiling, 'kSplits' | 'kChunk'> | null): void {
  forcedTiles = tiles;
  forcedVersion++;
}

/** @internal Changes whenever forceMatmulTiles is called (plans made before are stale). */
export function forcedTilesVersion(): number {
  return forcedVersion;
}

/** The subgroup size the subgroup kernel is written for (SwiftShader's SIMD width). */
export const SUBGROUP_KERNEL_LANES = 4;
/** Workgroups to keep SwiftShader's threads busy (the 2-core machines measured): fewer, larger ones measured faster than 4. */
const MIN_SOFTWARE_WORKGROUPS = 2;
/** Multiply-adds from which SwiftShader gets the widest tile (a 256 x 256 x 256 product). */
const LARGE_PRODUCT = 2 ** 24;

/**
 * Split-K policy: split products of at least `minProduct` multiply-adds when fewer than
 * `workgroups` would run, into chunks of at least `minChunk`.
 */
interface SplitPolicy {
  workgroups: number;
  minChunk: number;
  minProduct: number;
}

/**
 * A GPU splits only products of 2^24 multiply-adds or more: below, the second dispatch (the sum
 * of the partial products) costs more than it saves. On an H100 in Node, a dispatch cost about
 * 40 us of CPU time before replays issued prepared dispatches; smaller products with few output
 * blocks (the quickstart's [100, 64] weight gradient, 1.6M multiply-adds) get the K-lanes kernel.
 */
const HARDWARE_SPLIT: SplitPolicy = { workgroups: 128, minChunk: 64, minProduct: 2 ** 24 };
/**
 * The register tiles, which a GPU gets when the staged tiles would make too few workgroups (a batch
 * of 256 through a 1024-unit layer: 128 workgroups of 2 warps for 132 H100 cores), are split
 * towards 512 workgroups: on an H100 such a [256, 784] x [784, 1024] product ran at 3.4 TFLOP/s
 * unsplit, each invocation walking all of K.
 */
const HARDWARE_REGISTER_SPLIT: SplitPolicy = { workgroups: 512, minChunk: 64, minProduct: 2 ** 24 };
const SOFTWARE_SPLIT: SplitPolicy = { workgroups: 2, minChunk: 256, minProduct: 0 };

function splitK({ m, n, k }: MatmulLayout, workgroups: number, policy: SplitPolicy): Pick<MatmulTiling, 'kSplits' | 'kChunk'> {
  const wanted = Math.min(Math.ceil(policy.workgroups / workgroups), Math.floor(k / policy.minChunk));
  if (workgroups >= policy.workgroups || wanted < 2 || m * n * k < policy.minProduct) return { kSplits: 1, kChunk: Math.max(k, 1) };
  const kChunk = Math.ceil(k / wanted / 4) * 4;
  return { kSplits: Math.ceil(k / kChunk), kChunk };
}

/**
 * Loaders by what lies contiguous in memory: along K (a row of A, a column of B: not transposed A
 * with K % 4 == 0, transposed B with K % 4 == 0), across a group of 4 rows of op(A) (transposed A
 * with M % 4 == 0) or of 4 columns of op(B) (B not transposed with N % 4 == 0), or nothing usable.
 */
const A_LOADERS = { scalar: loadAScalar, alongK: loadAAlongK, acrossRows: loadAAcrossRows };
const B_LOADERS = { scalar: loadBScalar, alongK: loadBAlongK, acrossColumns: loadBAcrossColumns };

/** Loaders whose a_quad gives a lane one row of the group at 4 K steps (the others: 4 rows at one K step). */
const A_QUAD_HOLDS_A_ROW = new Set<keyof typeof A_LOADERS>(['alongK']);

const sources = new Map<string, string>();

/** Split-K's second pass: the partial products added up, through the epilogue. */
export const SPLIT_SUM_SOURCE = `${matmulEpilogue}\n${matmulSplitSum}`;

/** The kernel's source for a tiling and a layout (cached: the pipeline cache keys on the text). */
export function matmulSource(tiling: MatmulTiling, { m, n, k, transposeA, transposeB }: MatmulLayout): string {
  const { rowGroups, colGroups, lanesShareRows } = tiling;
  const aLoader: keyof typeof A_LOADERS = transposeA ? (m % 4 === 0 ? 'acrossRows' : 'scalar') : k % 4 === 0 ? 'alongK' : 'scalar';
  const bLoader: keyof typeof B_LOADERS = transposeB ? (k % 4 === 0 ? 'alongK' : 'scalar') : n % 4 === 0 ? 'acrossColumns' : 'scalar';
  const { workgroupCols, workgroupRows, stageK, kLanes } = tiling;
  const key = `${rowGroups}x${colGroups}:${aLoader}:${bLoader}:${lanesShareRows}:${stageK ? `${workgroupCols}x${workgroupRows}x${stageK}` : ''}:${kLanes}`;
  let source = sources.get(key);
  if (!source) {
    const entry = kLanes
      ? kLanesEntryPoint(tiling)
      : stageK
      ? stagedEntryPoint(tiling, A_QUAD_HOLDS_A_ROW.has(aLoader), bLoader === 'alongK')
      : lanesShareRows
        ? subgroupEntryPoint(rowGroups, colGroups, A_QUAD_HOLDS_A_ROW.has(aLoader))
        : entryPoint(rowGroups, colGroups);
    source = `${lanesShareRows ? 'enable subgroups;\n' : ''}${A_LOADERS[aLoader]}\n${B_LOADERS[bLoader]}\n${matmulEpilogue}\n${matmulShared}\n${entry}`;
    sources.set(key, source);
  }
  return source;
}

/** What the two kernels' `main` functions differ in; mainFunction writes the rest around it. */
interface KernelParts {
  /** WGSL before `main` (a comment line, constants). */
  preamble: string;
  workgroupSize: string;
  /** The builtin that places an invocation in its workgroup. */
  invocationBuiltin: string;
  /** Statements that define row0 and col0, the tile's first output row and first column group. */
  origin: string[];
  /** Output columns between the starts of consecutive column groups of an invocation. */
  columnGroupStride: number;
  /** Statements after the row and column offsets, before the K loop. */
  setup: string[];
  /** The body of the K loop, for 4 steps from i. */
  step: string[];
}

/**
 * `main` for a tile of (4 rowGroups) x colGroups vec4 accumulators per invocation, fully unrolled
 * (acc{r}_{c}: row r of the tile, the 4 columns of group c): the grid's (batch, K split, row block)
 * decoding, the operands' offsets, the K loop of `parts.step` over whole steps of 4, the scalar
 * K tail, and the stores through the epilogue.
 */
function mainFunction(rowGroups: number, colGroups: number, parts: KernelParts): string {
  const rowGroupIds = range(rowGroups);
  const colGroupIds = range(colGroups);
  const each = (f: (row: number, colGroup: number) => string) => eachAccumulator(rowGroups, colGroups, f);
  const stride = parts.columnGroupStride;
  return `${parts.preamble}
@compute @workgroup_size(${parts.workgroupSize})
fn main(
  @builtin(workgroup_id) group: vec3<u32>,
  ${parts.invocationBuiltin},
  @builtin(num_workgroups) groups: vec3<u32>,
) {
${GRID_DECODE}
${lines(parts.origin, '  ')}
  let offsets = matrix_offsets(batch);
${lines(rowGroupIds.map((g) => `let rows${g} = a_row_offsets(offsets.x, row0 + ${4 * g}u);`), '  ')}
${lines(colGroupIds.map((c) => `let cols${c} = b_col_offsets(offsets.y, col0 + ${stride * c}u);`), '  ')}
${lines([...parts.setup, ...each((r, c) => `var acc${r}_${c} = vec4<f32>();`)], '  ')}
${K_RANGE}
  let k_main = k_begin + ((k_end - k_begin) & ~3u);
  for (var i = k_begin; i < k_main; i += 4u) {
${lines(parts.step, '    ')}
  }
  for (var i = k_main; i < k_end; i++) {
${lines(kStepLines(rowGroups, colGroups, 'i'), '    ')}
  }
  let out_base = (split * params.batch + batch) * params.m * params.n;
${lines(each((r, c) => `store4(out_base, row0 + ${r}u, col0 + ${stride * c}u, acc${r}_${c});`), '  ')}
}
`;
}

/** The start of every `main`: which matrix, K split and row block the workgroup computes. */
const GRID_DECODE = `  let flat_group = group.y + group.z * groups.y;
  let matrix_split = flat_group / params.row_blocks;
  let batch = matrix_split / params.k_splits;
  if (batch >= params.batch) { return; }
  let split = matrix_split - batch * params.k_splits;`;

/** The K range of the workgroup's split. */
const K_RANGE = `  let k_begin = split * params.k_chunk;
  let k_end = min(params.k, k_begin + params.k_chunk);`;

/**
 * Statements of 4 K steps from `k` into the accumulators acc{r}_{c} of 4 rowGroups rows and
 * colGroups column groups: a{g} holds rows 4g..4g+3 at the 4 steps (a_block), b{c} the 4 steps
 * of column group c.
 */
function blockStepLines(rowGroups: number, colGroups: number, k: string): string[] {
  return [
    ...range(rowGroups).map((g) => `let a${g} = a_block(rows${g}, ${k});`),
    ...range(colGroups).flatMap((c) => [`let b${c} = b_block(cols${c}, ${k});`, ...range(4 * rowGroups).map((r) => `acc${r}_${c} += b${c} * a${r >> 2}[${r & 3}];`)]),
  ];
}

/** Statements of the single K step `k` (the K % 4 tail) into the same accumulators. */
function kStepLines(rowGroups: number, colGroups: number, k: string): string[] {
  return [
    ...range(rowGroups).map((g) => `let a${g} = a_column(rows${g}, ${k});`),
    ...range(colGroups).flatMap((c) => [`let b${c} = b_row(cols${c}, ${k});`, ...range(4 * rowGroups).map((r) => `acc${r}_${c} += a${r >> 2}[${r & 3}] * b${c};`)]),
  ];
}

/** `main` of the register kernel: 4 rowGroups x 4 colGroups outputs per invocation. */
function entryPoint(rowGroups: number, colGroups: number): string {
  return mainFunction(rowGroups, colGroups, {
    preamble: `// Generated by src/ops/matmul_source.ts: ${4 * rowGroups} x ${4 * colGroups} outputs per invocation.
const TILE_ROWS: u32 = ${4 * rowGroups}u;
const TILE_COLS: u32 = ${4 * colGroups}u;
`,
    workgroupSize: 'WORKGROUP_COLS, WORKGROUP_ROWS',
    invocationBuiltin: '@builtin(local_invocation_id) local: vec3<u32>',
    origin: ['let row0 = ((flat_group % params.row_blocks) * WORKGROUP_ROWS + local.y) * TILE_ROWS;', 'let col0 = (group.x * WORKGROUP_COLS + local.x) * TILE_COLS;'],
    columnGroupStride: 4,
    setup: [],
    step: blockStepLines(rowGroups, colGroups, 'i'),
  });
}

/**
 * `main` of the subgroup kernel: a workgroup is one subgroup of 4 lanes computing 4 rowGroups rows
 * of the output; lane l owns the column groups starting at col0 + 16 c + 4 l (c < colGroups). Per
 * step of 4 along K, each lane loads a quarter of every 4 x 4 block of op(A) (a_quad: a row at 4 K
 * steps, or 4 rows at one K step), and subgroupBroadcast hands every value to all lanes; op(B) is
 * loaded per lane as 4 x 4 blocks (its 4 columns at the 4 K steps). Each accumulator then takes
 * its 4 K steps at once (block x the row's 4 values), so it is loaded and stored once per step of
 * 4 rather than 4 times: 1.15-1.2x faster on SwiftShader, whose registers cannot hold the tile.
 * The K tail (K % 4) loads op(A) in every lane, as the register kernel does.
 */
function subgroupEntryPoint(rowGroups: number, colGroups: number, quadHoldsRow: boolean): string {
  const colGroupIds = range(colGroups);
  // Row r of the tile at K step i + kk: in lane r % 4 at component kk, or in lane kk at component r % 4.
  const shared = (r: number, kk: number) => (quadHoldsRow ? `subgroupBroadcast(a${r >> 2}[${kk}], ${r & 3}u)` : `subgroupBroadcast(a${r >> 2}[${r & 3}], ${kk}u)`);
  const rowStep = (r: number) => `{ let s = vec4<f32>(${range(4).map((kk) => shared(r, kk)).join(', ')});${colGroupIds.map((c) => ` acc${r}_${c} += block${c} * s;`).join('')} }`;
  return mainFunction(rowGroups, colGroups, {
    preamble: `// Generated by src/ops/matmul_source.ts: the subgroup kernel, ${4 * rowGroups} rows x ${16 * colGroups} columns a workgroup.`,
    workgroupSize: '4',
    invocationBuiltin: '@builtin(subgroup_invocation_id) lane: u32',
    origin: [`let row0 = (flat_group % params.row_blocks) * ${4 * rowGroups}u;`, `let col0 = group.x * ${16 * colGroups}u + 4u * lane;`],
    columnGroupStride: 16,
    setup: range(rowGroups).map((g) => `let quad${g} = a_quad_base(rows${g}, lane);`),
    step: [
      ...range(rowGroups).map((g) => `let a${g} = a_quad(quad${g}, i, lane);`),
      ...colGroupIds.map((c) => `let block${c} = b_block(cols${c}, i);`),
      ...range(4 * rowGroups).map(rowStep),
    ],
  });
}

/**
 * `main` of the staged kernel. The workgroup's tile is (4 rowGroups workgroupRows) rows x
 * (4 colGroups workgroupCols) columns. Per slice of stageK steps along K, its invocations load the
 * tile's op(A) and op(B) values as 4 x 4 blocks (spread over the invocations, adjacent invocations
 * reading adjacent memory: along K where K is contiguous, else across rows or columns) into
 * workgroup memory, a_tile[k][row group] and b_tile[k][column group] as vec4s; then each
 * invocation reads, per K step, one vec4 per row group and column group it owns and updates its
 * 4 rowGroups x colGroups accumulators. The next slice's blocks are loaded into registers while
 * the current one is computed. Values past the end of K are stored as zeros, so the slice needs no
 * tail loop.
 */
function stagedEntryPoint(tiling: MatmulTiling, aAlongK: boolean, bAlongK: boolean): string {
  const { rowGroups, colGroups, workgroupCols, workgroupRows, stageK } = tiling;
  const threads = workgroupCols * workgroupRows;
  const tileRowGroups = rowGroups * workgroupRows;
  const tileColGroups = colGroups * workgroupCols;
  const kGroups = stageK / 4;
  const aBlocks = tileRowGroups * kGroups;
  const bBlocks = tileColGroups * kGroups;
  const aSlots = range(Math.ceil(aBlocks / threads));
  const bSlots = range(Math.ceil(bBlocks / threads));
  // Slot s of an invocation holds block local_index + s threads, when that block exists.
  const guard = (blockCount: number, s: number) => ((s + 1) * threads > blockCount ? `if (local_index + ${s * threads}u < ${blockCount}u) ` : '');
  const rows = range(4 * rowGroups);
  const colGroupIds = range(colGroups);
  const each = (f: (row: number, colGroup: number) => string) => eachAccumulator(rowGroups, colGroups, f);
  const load = [
    ...aSlots.map((s) => `${guard(aBlocks, s)}{ a_next${s} = a_block(a_rows${s}, k_slice + a_k${s}); }`),
    ...bSlots.map((s) => `${guard(bBlocks, s)}{ b_next${s} = b_block(b_cols${s}, k_slice + b_k${s}); }`),
  ];
  // The slice at k_slice into workgroup memory. The block of op(A) holds rows as columns
  // (a_block's contract); a_tile wants the rows at one k.
  const stage = [
    ...aSlots.map((s) => `${guard(aBlocks, s)}{ let rows_at_k = transpose(a_next${s});${range(4).map((kk) => ` a_tile[(a_k${s} + ${kk}u) * ${tileRowGroups}u + a_group${s}] = select(vec4<f32>(), rows_at_k[${kk}], k_slice + a_k${s} + ${kk}u < k_end);`).join('')} }`),
    ...bSlots.map((s) => `${guard(bBlocks, s)}{${range(4).map((kk) => ` b_tile[(b_k${s} + ${kk}u) * ${tileColGroups}u + b_group${s}] = select(vec4<f32>(), b_next${s}[${kk}], k_slice + b_k${s} + ${kk}u < k_end);`).join('')} }`),
  ];
  const kStep = (kk: string) => [
    ...range(rowGroups).map((g) => `  let a${g} = a_tile[${kk} * ${tileRowGroups}u + local.y + ${workgroupRows * g}u];`),
    ...colGroupIds.flatMap((c) => [`  let b${c} = b_tile[${kk} * ${tileColGroups}u + local.x + ${workgroupCols * c}u];`, ...rows.map((r) => `  acc${r}_${c} += b${c} * a${r >> 2}[${r & 3}];`)]),
  ];
  // The K steps of a slice written out one by one: 1.05-1.1x faster than a loop at 2048^3 and
  // 4096^3 on an H100.
  const compute = range(stageK).flatMap((kk) => ['{', ...kStep(`${kk}u`), '}']);
  const next = (body: string[]) => [`if (k_slice + ${stageK}u < k_end) {`, `  let k_slice = k_slice + ${stageK}u;`, ...body.map((l) => `  ${l}`), '}'];
  // Per slice: stage it, barrier, load the next one into registers, compute, barrier.
  const kLoop = [...load, `for (; k_slice < k_end; k_slice += ${stageK}u) {`, ...stage.map((l) => `  ${l}`), '  workgroupBarrier();', ...next(load).map((l) => `  ${l}`), ...compute.map((l) => `  ${l}`), '  workgroupBarrier();', '}'];
  // Which block a slot loads: K-fastest where K is contiguous in memory, else row- or column-fastest.
  const place = (name: string, slot: number, groups: number, alongK: boolean) => {
    const block = `local_index + ${slot * threads}u`;
    return alongK
      ? [`let ${name}_group${slot} = (${block}) / ${kGroups}u;`, `let ${name}_k${slot} = 4u * ((${block}) % ${kGroups}u);`]
      : [`let ${name}_group${slot} = (${block}) % ${groups}u;`, `let ${name}_k${slot} = 4u * ((${block}) / ${groups}u);`];
  };
  return `// Generated by src/ops/matmul_source.ts: the staged kernel, ${4 * tileRowGroups} x ${4 * tileColGroups} outputs a workgroup, ${stageK} K steps staged.
var<workgroup> a_tile: array<vec4<f32>, ${stageK * tileRowGroups}>;
var<workgroup> b_tile: array<vec4<f32>, ${stageK * tileColGroups}>;

@compute @workgroup_size(WORKGROUP_COLS, WORKGROUP_ROWS)
fn main(
  @builtin(workgroup_id) group: vec3<u32>,
  @builtin(local_invocation_id) local: vec3<u32>,
  @builtin(local_invocation_index) local_index: u32,
  @builtin(num_workgroups) groups: vec3<u32>,
) {
${GRID_DECODE}
  let tile_row0 = (flat_group % params.row_blocks) * ${4 * tileRowGroups}u;
  let tile_col0 = group.x * ${4 * tileColGroups}u;
  let offsets = matrix_offsets(batch);
${lines(aSlots.flatMap((s) => [...place('a', s, tileRowGroups, aAlongK), `let a_rows${s} = a_row_offsets(offsets.x, tile_row0 + 4u * min(a_group${s}, ${tileRowGroups - 1}u));`, `var a_next${s} = mat4x4<f32>();`]), '  ')}
${lines(bSlots.flatMap((s) => [...place('b', s, tileColGroups, bAlongK), `let b_cols${s} = b_col_offsets(offsets.y, tile_col0 + 4u * min(b_group${s}, ${tileColGroups - 1}u));`, `var b_next${s} = mat4x4<f32>();`]), '  ')}
${lines(each((r, c) => `var acc${r}_${c} = vec4<f32>();`), '  ')}
${K_RANGE}
  var k_slice = k_begin;
${lines(kLoop, '  ')}
  let out_base = (split * params.batch + batch) * params.m * params.n;
${lines(each((r, c) => `store4(out_base, tile_row0 + 4u * (local.y + ${workgroupRows * (r >> 2)}u) + ${r & 3}u, tile_col0 + 4u * (local.x + ${workgroupCols * c}u), acc${r}_${c});`), '  ')}
}
`;
}

/**
 * `main` of the K-lanes kernel: the workgroup's kLanes invocations compute the same block of
 * (4 rowGroups) x (4 colGroups) outputs, invocation l taking the steps of 4 along K from 4 l, every
 * 4 kLanes (and step l of the K % 4 tail); then they add their accumulators pairwise in workgroup
 * memory, halving the lanes at each barrier, and invocation j stores accumulator j (4 columns of a
 * row) through the epilogue.
 */
function kLanesEntryPoint({ rowGroups, colGroups, kLanes }: MatmulTiling): string {
  const colGroupIds = range(colGroups);
  const each = (f: (row: number, colGroup: number) => string) => eachAccumulator(rowGroups, colGroups, f);
  const accumulators = 4 * rowGroups * colGroups;
  // Accumulator j = r colGroups + c at lane_sums[j kLanes + lane].
  const slot = (r: number, c: number, lane: string) => `lane_sums[${(r * colGroups + c) * kLanes}u + ${lane}]`;
  return `// Generated by src/ops/matmul_source.ts: the K-lanes kernel, ${4 * rowGroups} x ${4 * colGroups} outputs a workgroup of ${kLanes} invocations splitting K.
var<workgroup> lane_sums: array<vec4<f32>, ${accumulators * kLanes}>;

@compute @workgroup_size(${kLanes})
fn main(
  @builtin(workgroup_id) group: vec3<u32>,
  @builtin(local_invocation_index) lane: u32,
  @builtin(num_workgroups) groups: vec3<u32>,
) {
${GRID_DECODE}
  let row0 = (flat_group % params.row_blocks) * ${4 * rowGroups}u;
  let col0 = group.x * ${4 * colGroups}u;
  let offsets = matrix_offsets(batch);
${lines(range(rowGroups).map((g) => `let rows${g} = a_row_offsets(offsets.x, row0 + ${4 * g}u);`), '  ')}
${lines(colGroupIds.map((c) => `let cols${c} = b_col_offsets(offsets.y, col0 + ${4 * c}u);`), '  ')}
${lines(each((r, c) => `var acc${r}_${c} = vec4<f32>();`), '  ')}
${K_RANGE}
  let k_main = k_begin + ((k_end - k_begin) & ~3u);
  for (var i = k_begin + 4u * lane; i < k_main; i += ${4 * kLanes}u) {
${lines(blockStepLines(rowGroups, colGroups, 'i'), '    ')}
  }
  let tail = k_main + lane;
  if (tail < k_end) {
${lines(kStepLines(rowGroups, colGroups, 'tail'), '    ')}
  }
${lines(each((r, c) => `${slot(r, c, 'lane')} = acc${r}_${c};`), '  ')}
  for (var half = ${kLanes / 2}u; half > 0u; half /= 2u) {
    workgroupBarrier();
    if (lane < half) {
${lines(each((r, c) => `${slot(r, c, 'lane')} += ${slot(r, c, 'lane + half')};`), '      ')}
    }
  }
  workgroupBarrier();
  if (lane < ${accumulators}u) {
    let out_base = (split * params.batch + batch) * params.m * params.n;
    store4(out_base, row0 + lane / ${colGroups}u, col0 + 4u * (lane % ${colGroups}u), lane_sums[lane * ${kLanes}u]);
  }
}
`;
}

/** Bytes of workgroup memory the staged kernel of a tiling uses. */
export function stagedBytes({ rowGroups, colGroups, workgroupCols, workgroupRows, stageK }: Omit<MatmulTiling, 'kSplits' | 'kChunk'>): number {
  return 16 * stageK * (rowGroups * workgroupRows + colGroups * workgroupCols);
}

/** f(r, c) for each accumulator acc{r}_{c} of 4 rowGroups rows and colGroups column groups, row by row. */
function eachAccumulator(rowGroups: number, colGroups: number, f: (row: number, colGroup: number) => string): string[] {
  return range(4 * rowGroups).flatMap((r) => range(colGroups).map((c) => f(r, c)));
}

function lines(items: string[], indent: string): string {
  return items.map((s) => indent + s).join('\n');
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
