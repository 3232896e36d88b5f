// The second pass of split-K matmul (shaders/matmul.wgsl): adds the K-split partial products,
//   out[i] = sum over s < splits of partial[s * size + i],
// for the `size` outputs of every matrix of the batch.
// Bindings: 0 uniform Params, 1 partial (f32, splits * size), 2 out (f32, size).
// Workgroup: 64 invocations, one output each; the grid is 2-D so that more than 65535 workgroups
// fit (the flat index folds y into x).

const WORKGROUP_SIZE: u32 = 64u;

struct Params {
  size: u32,
  splits: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> partial: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.size) { return; }
  var sum = 0.0;
  for (var s = 0u; s < params.splits; s++) {
    sum += partial[s * params.size + i];
  }
  out[i] = sum;
}
