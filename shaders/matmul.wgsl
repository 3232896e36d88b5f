// Batched matrix product out[batch] = op(A[batch]) x op(B[batch]), where op is the identity or the
// transpose of the last two dimensions, with NumPy broadcasting of the batch dimensions, and an
// optional epilogue out = activation(product + bias) that fuses a dense layer into this one dispatch.
// Bindings: 0 uniform Params, 1 a (f32), 2 b, 3 bias (f32, one per output column; any buffer
// when HAS_BIAS is false), 4 out (f32), all row-major. Bindings 1 and 2 come from loader preludes
// that src/ops/matmul_source.ts picks by layout (shaders/matmul_load_*.wgsl), and the entry point
// `main` is generated there for a tile shape: this file holds what every tile shape shares.
// Register tiling: each invocation accumulates TILE_ROWS x TILE_COLS outputs (TILE_ROWS / 4 row
// groups x TILE_COLS / 4 column groups of 4 x 4), loading 4 x 4 blocks of op(A) and op(B) per step
// of 4 along K, so each loaded value is reused across a whole row or column of the tile. The
// staged entry point (large products on a GPU) has the workgroup load the blocks into workgroup
// memory first, so each is loaded once per workgroup instead of once per invocation; the K-lanes
// entry point (few output blocks with a long K on a GPU) has a workgroup's invocations share K
// for one block. A GPU gets small tiles and many invocations; SwiftShader (the CPU Vulkan
// driver, where invocations are SIMD lanes, loads are per-lane gathers and barriers are very
// slow) gets large tiles and few invocations. The K loop has a scalar tail for K % 4.
// Grid: x counts column blocks; y and z together count (batch, K split, row block) triples, folded
// so that large batches fit the per-dimension limit. Split-K (for outputs too small to fill the
// device, with a long K) writes k_splits partial products without the epilogue, which
// shaders/matmul_split_sum.wgsl then adds, applying it.
// Edges: row and column indices are clamped into the matrix before the K loop, so every load is in
// bounds without a branch; only the stores are guarded. K = 0 stores zeros.
// Specialization: TRANSPOSE_A / TRANSPOSE_B choose the indexing of A and B (no transposed copy);
// HAS_BIAS and ACTIVATION the epilogue (shaders/matmul_epilogue.wgsl, which precedes this file
// with STEPS and store4).

override TRANSPOSE_A: bool = false;
override TRANSPOSE_B: bool = false;
override WORKGROUP_COLS: u32 = 8u;
override WORKGROUP_ROWS: u32 = 4u;

struct Params {
  m: u32,
  n: u32,
  k: u32,
  batch: u32,
  row_blocks: u32,
  batch_rank: u32,
  // Split-K: the K range is cut into k_splits chunks of k_chunk (a multiple of 4), one per
  // workgroup, each writing its partial product to its own slice of `out`; 1 and k otherwise.
  k_splits: u32,
  k_chunk: u32,
  // Output batch dimensions (at most MAX_RANK - 2 = 6).
  batch_shape: array<vec4<u32>, 2>,
  // Element offsets between consecutive matrices of a / b along each output batch dimension
  // (0 where the operand broadcasts).
  a_batch_strides: array<vec4<u32>, 2>,
  b_batch_strides: array<vec4<u32>, 2>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;


// Element strides of op(A) along K and of op(B) along K.
fn a_k_stride() -> u32 {
  return select(1u, params.m, TRANSPOSE_A);
}

fn b_k_stride() -> u32 {
  return select(params.n, 1u, TRANSPOSE_B);
}

// Offsets of the first A and B elements of output matrix number `batch`, walking the batch
// dimensions from the innermost.
fn matrix_offsets(batch: u32) -> vec2<u32> {
  var offsets = vec2<u32>();
  var rest = batch;
  for (var d = i32(params.batch_rank) - 1; d >= 0; d--) {
    let dim = u32(d);
    let extent = params.batch_shape[dim / 4u][dim % 4u];
    let coord = rest % extent;
    rest = rest / extent;
    offsets += coord * vec2<u32>(params.a_batch_strides[dim / 4u][dim % 4u], params.b_batch_strides[dim / 4u][dim % 4u]);
  }
  return offsets;
}

// Element offsets of (row, k = 0) of op(A) for the four rows from `first_row`, clamped into A.
fn a_row_offsets(a_offset: u32, first_row: u32) -> vec4<u32> {
  let rows = min(vec4<u32>(first_row) + STEPS, vec4<u32>(params.m - 1u));
  return vec4<u32>(a_offset) + rows * select(params.k, 1u, TRANSPOSE_A);
}

// Element offsets of (k = 0, column) of op(B) for the four columns from `first_col`, clamped into B.
fn b_col_offsets(b_offset: u32, first_col: u32) -> vec4<u32> {
  let cols = min(vec4<u32>(first_col) + STEPS, vec4<u32>(params.n - 1u));
  return vec4<u32>(b_offset) + cols * select(1u, params.k, TRANSPOSE_B);
}
