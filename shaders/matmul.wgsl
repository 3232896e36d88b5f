// Batched matrix product out[batch] = op(A[batch]) x op(B[batch]), where op is the identity or the
// transpose of the last two dimensions, with NumPy broadcasting of the batch dimensions, and an
// optional epilogue out = activation(product + bias) that fuses a dense layer into this one dispatch.
// Bindings: 0 uniform Params, 1 a (f32), 2 b, 3 bias (f32, one per output column; any buffer
// when HAS_BIAS is false), 4 out (f32), all row-major. Bindings 1 and 2 with their loaders come
// from preludes that src/ops/matmul.ts prepends: matmul_operands_scalar.wgsl (any layout) and
// the vec4 variants where rows are vec4-aligned (A not transposed and K % 4 == 0: four K entries
// in one load; B not transposed and N % 4 == 0: four columns in one load).
// Workgroup: WORKGROUP_COLS x WORKGROUP_ROWS invocations. Each invocation accumulates a block of
// TILE_ROWS x TILE_COLS outputs in registers (per row, two vec4 accumulators for 8 adjacent
// columns), so one workgroup covers (TILE_ROWS * WORKGROUP_ROWS) x (TILE_COLS * WORKGROUP_COLS).
// No workgroup memory and no barrier: SwiftShader (the CPU Vulkan driver) runs barriers very slowly,
// and register blocking alone reuses each loaded A value 8 times and each B value 4 times. The K
// loop is unrolled by 4 (blocks of 4 x 4 A values against 4 x 8 B values), with a scalar tail.
// Grid: x counts column blocks; y and z together count (batch, row block) pairs, folded so that
// large batches fit the per-dimension limit.
// Edges: row and column indices are clamped into the matrix before the K loop, so every load is in
// bounds without a branch; only the stores are guarded. K = 0 stores zeros.
// Specialization: TRANSPOSE_A / TRANSPOSE_B choose the indexing of A and B (no transposed copy);
// HAS_BIAS adds bias[column] to every output; ACTIVATION applies an activation to the sum (codes
// match FUSED_ACTIVATIONS in src/ops/matmul.ts: 0 linear, 1 relu, 2 sigmoid, 3 tanh, with the
// formulas of shaders/unary.wgsl).

override TRANSPOSE_A: bool = false;
override TRANSPOSE_B: bool = false;
override HAS_BIAS: bool = false;
override ACTIVATION: u32 = 0u;
override WORKGROUP_COLS: u32 = 8u;
override WORKGROUP_ROWS: u32 = 4u;

// Outputs per invocation; fixed by the accumulators below (TILE_ROWS rows of two vec4).
const TILE_ROWS: u32 = 4u;
const TILE_COLS: u32 = 8u;

struct Params {
  m: u32,
  n: u32,
  k: u32,
  batch: u32,
  row_blocks: u32,
  batch_rank: u32,
  _pad0: u32,
  _pad1: u32,
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

// acc + the product of a 1 x 4 slice of A with a 4 x 4 block of B (rows b0..b3).
fn mac4(acc: vec4<f32>, a4: vec4<f32>, b0: vec4<f32>, b1: vec4<f32>, b2: vec4<f32>, b3: vec4<f32>) -> vec4<f32> {
  return acc + a4.x * b0 + a4.y * b1 + a4.z * b2 + a4.w * b3;
}

// The epilogue: activation(values + the bias of the four columns at `cols`, clamped in bounds).
fn epilogue(values: vec4<f32>, cols: vec4<u32>) -> vec4<f32> {
  var v = values;
  if (HAS_BIAS) { v += vec4<f32>(bias[cols.x], bias[cols.y], bias[cols.z], bias[cols.w]); }
  switch ACTIVATION {
    case 1u: { return max(v, vec4<f32>()); }
    case 2u: {
      // Stable sigmoid: 1 / (1 + e^-v) for v >= 0, e^v / (1 + e^v) below.
      let e = exp(-abs(v));
      return select(e / (1.0 + e), 1.0 / (1.0 + e), v >= vec4<f32>());
    }
    case 3u: { return tanh(clamp(v, vec4<f32>(-15.0), vec4<f32>(15.0))); }
    default: { return v; }
  }
}

@compute @workgroup_size(WORKGROUP_COLS, WORKGROUP_ROWS)
fn main(
  @builtin(workgroup_id) group: vec3<u32>,
  @builtin(local_invocation_id) local: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
) {
  let m = params.m;
  let n = params.n;
  let k = params.k;
  let flat_group = group.y + group.z * groups.y;
  let batch = flat_group / params.row_blocks;
  if (batch >= params.batch) { return; }
  let row0 = ((flat_group % params.row_blocks) * WORKGROUP_ROWS + local.y) * TILE_ROWS;
  let col0 = (group.x * WORKGROUP_COLS + local.x) * TILE_COLS;

  // Offsets of this batch's matrices, walking the batch dimensions from the innermost.
  var a_offset = 0u;
  var b_offset = 0u;
  var rest = batch;
  for (var d = i32(params.batch_rank) - 1; d >= 0; d--) {
    let dim = u32(d);
    let extent = params.batch_shape[dim / 4u][dim % 4u];
    let coord = rest % extent;
    rest = rest / extent;
    a_offset += coord * params.a_batch_strides[dim / 4u][dim % 4u];
    b_offset += coord * params.b_batch_strides[dim / 4u][dim % 4u];
  }

  // Element strides of op(A) along (row, k) and of op(B) along (k, column).
  let a_row_stride = select(k, 1u, TRANSPOSE_A);
  let a_k_stride = select(1u, m, TRANSPOSE_A);
  let b_k_stride = select(n, 1u, TRANSPOSE_B);
  let b_col_stride = select(1u, k, TRANSPOSE_B);

  let steps = vec4<u32>(0u, 1u, 2u, 3u);
  let rows = min(vec4<u32>(row0) + steps, vec4<u32>(m - 1u));
  let a_rows = vec4<u32>(a_offset) + rows * a_row_stride;
  let cols_lo = min(vec4<u32>(col0) + steps, vec4<u32>(n - 1u));
  let cols_hi = min(vec4<u32>(col0 + 4u) + steps, vec4<u32>(n - 1u));
  let b_lo = vec4<u32>(b_offset) + cols_lo * b_col_stride;
  let b_hi = vec4<u32>(b_offset) + cols_hi * b_col_stride;

  // acc_lo[r] / acc_hi[r]: columns col0..col0+3 / col0+4..col0+7 of row row0 + r.
  var acc_lo0 = vec4<f32>();
  var acc_lo1 = vec4<f32>();
  var acc_lo2 = vec4<f32>();
  var acc_lo3 = vec4<f32>();
  var acc_hi0 = vec4<f32>();
  var acc_hi1 = vec4<f32>();
  var acc_hi2 = vec4<f32>();
  var acc_hi3 = vec4<f32>();
  let k_main = k & ~3u;
  for (var i = 0u; i < k_main; i += 4u) {
    let a0 = load_a4(a_rows.x + i * a_k_stride, a_k_stride);
    let a1 = load_a4(a_rows.y + i * a_k_stride, a_k_stride);
    let a2 = load_a4(a_rows.z + i * a_k_stride, a_k_stride);
    let a3 = load_a4(a_rows.w + i * a_k_stride, a_k_stride);
    let k_at = vec4<u32>(i * b_k_stride);
    let b_step = vec4<u32>(b_k_stride);
    let lo0 = load_b4(b_lo + k_at);
    let lo1 = load_b4(b_lo + k_at + b_step);
    let lo2 = load_b4(b_lo + k_at + 2u * b_step);
    let lo3 = load_b4(b_lo + k_at + 3u * b_step);
    acc_lo0 = mac4(acc_lo0, a0, lo0, lo1, lo2, lo3);
    acc_lo1 = mac4(acc_lo1, a1, lo0, lo1, lo2, lo3);
    acc_lo2 = mac4(acc_lo2, a2, lo0, lo1, lo2, lo3);
    acc_lo3 = mac4(acc_lo3, a3, lo0, lo1, lo2, lo3);
    let hi0 = load_b4(b_hi + k_at);
    let hi1 = load_b4(b_hi + k_at + b_step);
    let hi2 = load_b4(b_hi + k_at + 2u * b_step);
    let hi3 = load_b4(b_hi + k_at + 3u * b_step);
    acc_hi0 = mac4(acc_hi0, a0, hi0, hi1, hi2, hi3);
    acc_hi1 = mac4(acc_hi1, a1, hi0, hi1, hi2, hi3);
    acc_hi2 = mac4(acc_hi2, a2, hi0, hi1, hi2, hi3);
    acc_hi3 = mac4(acc_hi3, a3, hi0, hi1, hi2, hi3);
  }
  // The last K % 4 entries, one at a time.
  for (var i = k_main; i < k; i++) {
    let a_at = a_rows + vec4<u32>(i * a_k_stride);
    let a_col = vec4<f32>(load_a1(a_at.x), load_a1(a_at.y), load_a1(a_at.z), load_a1(a_at.w));
    let lo = load_b4(b_lo + vec4<u32>(i * b_k_stride));
    let hi = load_b4(b_hi + vec4<u32>(i * b_k_stride));
    acc_lo0 += a_col.x * lo;
    acc_lo1 += a_col.y * lo;
    acc_lo2 += a_col.z * lo;
    acc_lo3 += a_col.w * lo;
    acc_hi0 += a_col.x * hi;
    acc_hi1 += a_col.y * hi;
    acc_hi2 += a_col.z * hi;
    acc_hi3 += a_col.w * hi;
  }

  let out_base = batch * m * n;
  store4(out_base, row0, col0, epilogue(acc_lo0, cols_lo));
  store4(out_base, row0 + 1u, col0, epilogue(acc_lo1, cols_lo));
  store4(out_base, row0 + 2u, col0, epilogue(acc_lo2, cols_lo));
  store4(out_base, row0 + 3u, col0, epilogue(acc_lo3, cols_lo));
  store4(out_base, row0, col0 + 4u, epilogue(acc_hi0, cols_hi));
  store4(out_base, row0 + 1u, col0 + 4u, epilogue(acc_hi1, cols_hi));
  store4(out_base, row0 + 2u, col0 + 4u, epilogue(acc_hi2, cols_hi));
  store4(out_base, row0 + 3u, col0 + 4u, epilogue(acc_hi3, cols_hi));
}

// Writes the outputs (row, col..col+3) that lie inside the matrix.
fn store4(out_base: u32, row: u32, col: u32, values: vec4<f32>) {
  let n = params.n;
  if (row >= params.m || col >= n) { return; }
  let at = out_base + row * n + col;
  out[at] = values.x;
  if (col + 1u < n) { out[at + 1u] = values.y; }
  if (col + 2u < n) { out[at + 2u] = values.z; }
  if (col + 3u < n) { out[at + 3u] = values.w; }
}
