// Split-K's second pass (src/ops/matmul.ts): out = epilogue(the sum of the k_splits partial
// products that the matmul kernel wrote, one after the other), so a dense layer's bias and
// activation apply to the whole sum. Preceded by shaders/matmul_epilogue.wgsl.
// Bindings: 0 uniform Params, 1 partials (f32, [k_splits, batch, m, n]), 2 bias (f32, one per
// column; any buffer when HAS_BIAS is false), 3 out (f32, [batch, m, n]).
// Grid: one invocation per 4 columns of an output row, 64 a workgroup, over x and then y.

struct Params {
  m: u32,
  n: u32,
  batch: u32,
  k_splits: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> partials: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let quads = (params.n + 3u) / 4u;
  let index = id.x + id.y * groups.x * 64u;
  let rows = params.batch * params.m;
  if (index >= rows * quads) { return; }
  // The row among all matrices' rows, and its first column.
  let row = index / quads;
  let col = 4u * (index % quads);
  let size = rows * params.n;
  let inside = vec4<u32>(col) + STEPS < vec4<u32>(params.n);
  var sums = vec4<f32>();
  for (var split = 0u; split < params.k_splits; split++) {
    let at = split * size + row * params.n + col;
    sums += select(vec4<f32>(), vec4<f32>(partials[at], partials[at + 1u], partials[at + 2u], partials[at + 3u]), inside);
  }
  let matrix = row / params.m;
  store4(matrix * params.m * params.n, row - matrix * params.m, col, sums);
}
