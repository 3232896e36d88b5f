// The first step of the gradient of a fused dense layer y = activation(x · kernel + bias) (ops.dense):
// grad = dy ⊙ activation'(pre), with the derivative taken from the output y (relu: y > 0,
// sigmoid: y (1 - y), tanh: 1 - y²), and the column sums of grad, which are the bias gradient.
// Both come from one pass, so the bias gradient costs no reduction dispatch of its own.
// Bindings: 0 uniform Params, 1 dy (f32, [rows, columns]), 2 y (f32, same shape; any buffer for a
// linear activation), 3 grad (f32, [rows, columns]), 4 column_sums (f32, [chunks, columns]).
// Workgroup: WORKGROUP_COLUMNS columns along x, ROW_LANES invocations along y sharing each column's
// chunk of rows_per_chunk rows (y of the grid counts chunks). On SwiftShader: 4 columns and one
// lane, so an invocation walks its column down its chunk alone and the sums need no workgroup
// memory and no barrier (which SwiftShader runs very slowly), and a 64-column layer spreads over
// both CPU cores. On a GPU: 16 columns x 16 lanes, each lane walking every 16th row, the lanes'
// sums then added in workgroup memory: one invocation walking 256 rows took 77 us on an H100,
// latency-bound. Adjacent invocations read adjacent columns. With more than one chunk, the caller
// adds the per-chunk sums (a reduction over at most 128 values a column).
// Specialization: ACTIVATION (codes of FUSED_ACTIVATIONS in src/ops/matmul.ts: 0 linear, 1 relu,
// 2 sigmoid, 3 tanh); WRITE_GRAD false skips grad (linear: it would equal dy); SUM_COLUMNS false
// skips the sums (no bias).

override ACTIVATION: u32 = 0u;
override WRITE_GRAD: bool = true;
override SUM_COLUMNS: bool = true;

override WORKGROUP_COLUMNS: u32 = 16u;
// A power of two.
override ROW_LANES: u32 = 16u;

struct Params {
  rows: u32,
  columns: u32,
  rows_per_chunk: u32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> grad: array<f32>;
@group(0) @binding(4) var<storage, read_write> column_sums: array<f32>;

// activation'(pre) from the activation's output.
fn derivative(out: f32) -> f32 {
  switch ACTIVATION {
    case 1u: { return select(0.0, 1.0, out > 0.0); }
    case 2u: { return out * (1.0 - out); }
    case 3u: { return 1.0 - out * out; }
    default: { return 1.0; }
  }
}

var<workgroup> lane_sums: array<f32, WORKGROUP_COLUMNS * ROW_LANES>;

@compute @workgroup_size(WORKGROUP_COLUMNS, ROW_LANES)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_id) local: vec3<u32>) {
  let columns = params.columns;
  let column = group.x * WORKGROUP_COLUMNS + local.x;
  let chunk = group.y;
  let first = chunk * params.rows_per_chunk;
  let last = min(first + params.rows_per_chunk, params.rows);
  var total = 0.0;
  // No early return: the lanes' barriers below need every invocation.
  if (column < columns) {
    for (var row = first + local.y; row < last; row += ROW_LANES) {
      let at = row * columns + column;
      var g = dy[at];
      if (ACTIVATION != 0u) { g *= derivative(y[at]); }
      if (WRITE_GRAD) { grad[at] = g; }
      total += g;
    }
  }
  if (!SUM_COLUMNS) { return; }
  if (ROW_LANES > 1u) {
    lane_sums[local.y * WORKGROUP_COLUMNS + local.x] = total;
    for (var half = ROW_LANES / 2u; half > 0u; half /= 2u) {
      workgroupBarrier();
      if (local.y < half) {
        lane_sums[local.y * WORKGROUP_COLUMNS + local.x] += lane_sums[(local.y + half) * WORKGROUP_COLUMNS + local.x];
      }
    }
    total = lane_sums[local.x];
  }
  if (local.y == 0u && column < columns) { column_sums[chunk * columns + column] = total; }
}
