// One-hot encoding: out[i, d] = on_value where indices[i] == d, else off_value, for d in [0, depth).
// Indices outside [0, depth) (negative ones included) give a row of off_value.
// Bindings: 0 uniform Params, 1 indices (i32), 2 out (f32), out viewed as [indices size, depth].
// Workgroup: 256 invocations along x, one output element each, 2-D grid folded into a flat index.

const WORKGROUP_SIZE: u32 = 256u;

struct Params {
  size: u32,
  depth: u32,
  on_value: f32,
  off_value: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> indices: array<i32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.size) { return; }
  let hot = indices[i / params.depth] == i32(i % params.depth);
  out[i] = select(params.off_value, params.on_value, hot);
}
