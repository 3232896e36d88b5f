// Gather along one axis: x viewed as [outer, axis_size, inner], indices flattened to [count];
//   out[o, j, k] = x[o, idx, k] where idx = indices[j], plus axis_size when idx is negative,
// and 0 when idx is still outside [0, axis_size) (no out-of-bounds read; the CPU kernel agrees).
// Bindings: 0 uniform Params, 1 x (raw 32-bit words), 2 indices (i32), 3 out (raw 32-bit words).
// Words are copied bit for bit, so float32 and int32 share the kernel (a 0 word is 0 in both).
// Workgroup: 256 invocations, one output element each; the grid is 2-D so that more than 65535
// workgroups fit (the flat index folds y into x).

const WORKGROUP_SIZE: u32 = 256u;

struct Params {
  size: u32,
  inner: u32,
  count: u32,
  axis_size: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read> indices: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<u32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.size) { return; }
  let k = i % params.inner;
  let rest = i / params.inner;
  let j = rest % params.count;
  let o = rest / params.count;
  let axis_size = i32(params.axis_size);
  var idx = indices[j];
  if (idx < 0) { idx += axis_size; }
  if (idx < 0 || idx >= axis_size) {
    out[i] = 0u;
    return;
  }
  out[i] = x[(o * params.axis_size + u32(idx)) * params.inner + k];
}
