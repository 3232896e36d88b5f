// The WGSL of the matmul kernel for one tile shape and operand layout, and the choice of tile
// shape for an adapter. shaders/matmul.wgsl holds what every variant shares; the loaders
// (shaders/matmul_load_*.wgsl) read op(A) and op(B) in 4 x 4 blocks, with vec4 loads where the
// layout allows; the entry point is written out here with one statement per accumulator, because
// the register tile must be unrolled: a loop over an accumulator array keeps it in memory, which
// made the kernel three times slower on SwiftShader. Two entry points: the register kernel (every
// invocation loads what its own tile needs) and, on SwiftShader with subgroups, the subgroup
// kernel (the 4 lanes of a workgroup share op(A)'s values through subgroupBroadcast).

import type { KernelTuning } from '../backend/webgpu/webgpu_backend';
import matmulShared from '../../shaders/matmul.wgsl?raw';
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
}

export interface MatmulLayout {
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
  /** A bias or activation epilogue, which needs the whole sum (no split-K). */
  hasBias: boolean;
  activation: string;
}

/**
 * Tile shapes by adapter. A GPU: 4 x 8 outputs per invocation, 64 invocations per workgroup.
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
 * Split-K when the output tiles cannot fill the device and K is long: the weight gradient of a
 * small layer (a [100, 64] kernel from a batch of 256) is 4 workgroups on a GPU with 100+ cores.
 * On SwiftShader only a lone workgroup is split (for the second core): splitting the quickstart's
 * 7-workgroup weight gradient measured 30% slower there.
 */
export function chooseTiling(layout: MatmulLayout, matrices: number, tuning: KernelTuning, subgroupLanes = 0): MatmulTiling {
  const { m, n } = layout;
  type Tiles = Omit<MatmulTiling, 'kSplits' | 'kChunk'>;
  const blocks = (t: Tiles) => Math.ceil(n / (4 * t.colGroups * t.workgroupCols)) * Math.ceil(m / (4 * t.rowGroups * t.workgroupRows)) * matrices;
  const withSplit = (tiles: Tiles, policy: SplitPolicy): MatmulTiling => ({ ...tiles, ...splitK(layout, blocks(tiles), policy) });
  if (tuning === 'hardware') {
    return withSplit({ rowGroups: 1, colGroups: 2, workgroupCols: 8, workgroupRows: 8, lanesShareRows: false }, HARDWARE_SPLIT);
  }
  // A narrow output (a 10-class layer) would leave lanes idle in the subgroup kernel's 16 columns.
  if (subgroupLanes === SUBGROUP_KERNEL_LANES && n > 12) {
    const shared = { colGroups: Math.min(4, Math.ceil(n / 16)), workgroupCols: SUBGROUP_KERNEL_LANES, workgroupRows: 1, lanesShareRows: true };
    const rowGroups = [4, 2, 1].find((g) => blocks({ ...shared, rowGroups: g }) >= MIN_SOFTWARE_WORKGROUPS) ?? 1;
    return withSplit({ ...shared, rowGroups }, SOFTWARE_SPLIT);
  }
  // The widest tile (8 x 32) pays only on large products: its kernel takes SwiftShader about 2 s to
  // compile, against 0.8 s for 8 x 16, and the first step of a model waits for every compile.
  const colGroups = Math.min(m * n * layout.k >= LARGE_PRODUCT ? 8 : 4, Math.ceil(n / 4));
  const [workgroupCols, workgroupRows] = n > 4 * colGroups ? [2, 2] : [1, 4];
  // Halve the tile rows when there would be too few workgroups for the CPU cores.
  const rowGroups = blocks({ rowGroups: 2, colGroups, workgroupCols, workgroupRows, lanesShareRows: false }) < MIN_SOFTWARE_WORKGROUPS ? 1 : 2;
  return withSplit({ rowGroups, colGroups, workgroupCols, workgroupRows, lanesShareRows: false }, SOFTWARE_SPLIT);
}

/** The subgroup size the subgroup kernel is written for (SwiftShader's SIMD width). */
export const SUBGROUP_KERNEL_LANES = 4;
/** Workgroups to keep SwiftShader's threads busy (the 2-core machines measured): fewer, larger ones measured faster than 4. */
const MIN_SOFTWARE_WORKGROUPS = 2;
/** Multiply-adds from which SwiftShader gets the widest tile (a 256 x 256 x 256 product). */
const LARGE_PRODUCT = 2 ** 24;

/** Split-K policy: split when fewer than `workgroups` would run, into chunks of at least `minChunk`. */
interface SplitPolicy {
  workgroups: number;
  minChunk: number;
}

const HARDWARE_SPLIT: SplitPolicy = { workgroups: 128, minChunk: 64 };
const SOFTWARE_SPLIT: SplitPolicy = { workgroups: 2, minChunk: 256 };

function splitK({ k, hasBias, activation }: MatmulLayout, workgroups: number, policy: SplitPolicy): Pick<MatmulTiling, 'kSplits' | 'kChunk'> {
  const wanted = Math.min(Math.ceil(policy.workgroups / workgroups), Math.floor(k / policy.minChunk));
  if (hasBias || activation !== 'linear' || workgroups >= policy.workgroups || wanted < 2) return { kSplits: 1, kChunk: Math.max(k, 1) };
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

/** The kernel's source for a tiling and a layout (cached: the pipeline cache keys on the text). */
export function matmulSource(tiling: MatmulTiling, { m, n, k, transposeA, transposeB }: MatmulLayout): string {
  const { rowGroups, colGroups, lanesShareRows } = tiling;
  const aLoader: keyof typeof A_LOADERS = transposeA ? (m % 4 === 0 ? 'acrossRows' : 'scalar') : k % 4 === 0 ? 'alongK' : 'scalar';
  const bLoader: keyof typeof B_LOADERS = transposeB ? (k % 4 === 0 ? 'alongK' : 'scalar') : n % 4 === 0 ? 'acrossColumns' : 'scalar';
  const key = `${rowGroups}x${colGroups}:${aLoader}:${bLoader}:${lanesShareRows}`;
  let source = sources.get(key);
  if (!source) {
    const entry = lanesShareRows ? subgroupEntryPoint(rowGroups, colGroups, A_QUAD_HOLDS_A_ROW.has(aLoader)) : entryPoint(rowGroups, colGroups);
    source = `${lanesShareRows ? 'enable subgroups;\n' : ''}${A_LOADERS[aLoader]}\n${B_LOADERS[bLoader]}\n${matmulShared}\n${entry}`;
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
  const rows = range(4 * rowGroups);
  const each = (f: (row: number, colGroup: number) => string) => rows.flatMap((r) => colGroupIds.map((c) => f(r, c)));
  const stride = parts.columnGroupStride;
  return `${parts.preamble}
@compute @workgroup_size(${parts.workgroupSize})
fn main(
  @builtin(workgroup_id) group: vec3<u32>,
  ${parts.invocationBuiltin},
  @builtin(num_workgroups) groups: vec3<u32>,
) {
  let flat_group = group.y + group.z * groups.y;
  let matrix_split = flat_group / params.row_blocks;
  let batch = matrix_split / params.k_splits;
  if (batch >= params.batch) { return; }
  let split = matrix_split - batch * params.k_splits;
${lines(parts.origin, '  ')}
  let offsets = matrix_offsets(batch);
${lines(rowGroupIds.map((g) => `let rows${g} = a_row_offsets(offsets.x, row0 + ${4 * g}u);`), '  ')}
${lines(colGroupIds.map((c) => `let cols${c} = b_col_offsets(offsets.y, col0 + ${stride * c}u);`), '  ')}
${lines([...parts.setup, ...each((r, c) => `var acc${r}_${c} = vec4<f32>();`)], '  ')}
  let k_begin = split * params.k_chunk;
  let k_end = min(params.k, k_begin + params.k_chunk);
  let k_main = k_begin + ((k_end - k_begin) & ~3u);
  for (var i = k_begin; i < k_main; i += 4u) {
${lines(parts.step, '    ')}
  }
  for (var i = k_main; i < k_end; i++) {
${lines(rowGroupIds.map((g) => `let a${g} = a_column(rows${g}, i);`), '    ')}
${lines(colGroupIds.flatMap((c) => [`let b${c} = b_row(cols${c}, i);`, ...rows.map((r) => `acc${r}_${c} += a${r >> 2}[${r & 3}] * b${c};`)]), '    ')}
  }
  let out_base = (split * params.batch + batch) * params.m * params.n;
${lines(each((r, c) => `store4(out_base, row0 + ${r}u, col0 + ${stride * c}u, acc${r}_${c});`), '  ')}
}
`;
}

/** `main` of the register kernel: 4 rowGroups x 4 colGroups outputs per invocation; a{g}: rows 4g..4g+3 at 4 K steps. */
function entryPoint(rowGroups: number, colGroups: number): string {
  const rows = range(4 * rowGroups);
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
    step: [
      ...range(rowGroups).map((g) => `let a${g} = a_block(rows${g}, i);`),
      ...range(colGroups).flatMap((c) => [`let b${c} = b_block(cols${c}, i);`, ...rows.map((r) => `acc${r}_${c} += b${c} * a${r >> 2}[${r & 3}];`)]),
    ],
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

function lines(items: string[], indent: string): string {
  return items.map((s) => indent + s).join('\n');
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
