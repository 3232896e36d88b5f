// One-hot encoding along an axis: out viewed as [outer, depth, inner] and indices as
// [outer, inner]; out[o, d, r] = on_value where indices[o, r] == d, else off_value, for d in
// [0, depth). Indices outside [0, depth) (negative ones included) give off_value everywhere.
// Bindings: 0 uniform Params, 1 indices (i32), 2 out (raw 32-bit words).
// Workgroup: 256 invocations along x, one output element each, 2-D grid folded into a flat index.
// Specialization: OUT_INT says whether out holds i32 rather than f32 (the int_* copies of the
// values are written then).

override OUT_INT: bool = false;

const WORKGROUP_SIZE: u32 = 256u;

struct Params {
  size: u32,
  depth: u32,
  // Elements of indices after the encoded axis (1 for the last axis).
  inner: u32,
  on_value: f32,
  off_value: f32,
  int_on_value: i32,
  int_off_value: i32,
  _pad0: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> indices: array<i32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.size) { return; }
  let r = i % params.inner;
  let d = (i / params.inner) % params.depth;
  let outer = i / (params.inner * params.depth);
  let hot = indices[outer * params.inner + r] == i32(d);
  let float_value = select(params.off_value, params.on_value, hot);
  let int_value = select(params.int_off_value, params.int_on_value, hot);
  out[i] = select(bitcast<u32>(float_value), bitcast<u32>(int_value), OUT_INT);
}
