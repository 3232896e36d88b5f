// The first step of the gradient of a fused dense layer y = activation(x · kernel + bias) (ops.dense):
// grad = dy ⊙ activation'(pre), with the derivative taken from the output y (relu: y > 0,
// sigmoid: y (1 - y), tanh: 1 - y²), and the column sums of grad, which are the bias gradient.
// Both come from one pass, so the bias gradient costs no reduction dispatch of its own.
// Bindings: 0 uniform Params, 1 dy (f32, [rows, columns]), 2 y (f32, same shape; any buffer for a
// linear activation), 3 grad (f32, [rows, columns]), 4 column_sums (f32, [chunks, columns]).
// Workgroup: WORKGROUP_SIZE invocations along x (64 on a GPU, 4 on SwiftShader, so that a 64-column
// layer spreads over both CPU cores), one column each; y counts chunks of rows_per_chunk rows. An
// invocation walks its column down its chunk, so the sums need no workgroup memory and no barrier
// (which SwiftShader runs very slowly); adjacent invocations read adjacent columns. With more than
// one chunk, the caller adds the per-chunk sums (a reduction over at most 128 values a column).
// Specialization: ACTIVATION (codes of FUSED_ACTIVATIONS in src/ops/matmul.ts: 0 linear, 1 relu,
// 2 sigmoid, 3 tanh); WRITE_GRAD false skips grad (linear: it would equal dy); SUM_COLUMNS false
// skips the sums (no bias).

override ACTIVATION: u32 = 0u;
override WRITE_GRAD: bool = true;
override SUM_COLUMNS: bool = true;

override WORKGROUP_SIZE: u32 = 64u;

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

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let column = gid.x;
  let columns = params.columns;
  if (column >= columns) { return; }
  let chunk = gid.y;
  let first = chunk * params.rows_per_chunk;
  let last = min(first + params.rows_per_chunk, params.rows);
  var total = 0.0;
  for (var row = first; row < last; row++) {
    let at = row * columns + column;
    var g = dy[at];
    if (ACTIVATION != 0u) { g *= derivative(y[at]); }
    if (WRITE_GRAD) { grad[at] = g; }
    total += g;
  }
  if (SUM_COLUMNS) { column_sums[chunk * columns + column] = total; }
}
