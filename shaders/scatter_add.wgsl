// Scatter-add, the adjoint of gather: updates viewed as [outer, count, inner], ids as [count],
//   out[o, s, k] = sum over j with ids[j] == s of updates[o, j, k]        (out is [outer, segments, inner])
// Repeated ids accumulate; ids outside [0, segments) are dropped. With WRAP_NEGATIVE a negative id
// counts from the end first (id + segments), as gather's indices do.
// Bindings: 0 uniform Params, 1 updates (raw 32-bit words), 2 ids (i32), 3 out (raw 32-bit words).
// Workgroup: 256 invocations, one output element each; the grid is 2-D so that more than 65535
// workgroups fit (the flat index folds y into x).
// Why no atomics: WGSL has no float atomics, so each invocation owns its output element and loops
// over every id, summing the matching rows in id order (deterministic, and the same order as the
// CPU kernel). Work is O(outer * segments * inner * count), O(count) per invocation: fine for
// the id counts of a batch (an Embedding's tokens), not for millions of ids.
// Specialization: IS_INT accumulates in i32 (wrapping) instead of f32.

override WRAP_NEGATIVE: bool = false;
override IS_INT: bool = false;

const WORKGROUP_SIZE: u32 = 256u;

struct Params {
  size: u32,
  inner: u32,
  count: u32,
  segments: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> updates: array<u32>;
@group(0) @binding(2) var<storage, read> ids: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<u32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.size) { return; }
  let k = i % params.inner;
  let rest = i / params.inner;
  let segment = i32(rest % params.segments);
  let o = rest / params.segments;
  var float_sum = 0.0;
  var int_sum = 0;
  for (var j = 0u; j < params.count; j++) {
    var id = ids[j];
    if (WRAP_NEGATIVE && id < 0) { id += i32(params.segments); }
    if (id != segment) { continue; }
    let word = updates[(o * params.count + j) * params.inner + k];
    if (IS_INT) {
      int_sum += bitcast<i32>(word);
    } else {
      float_sum += bitcast<f32>(word);
    }
  }
  out[i] = select(bitcast<u32>(float_sum), bitcast<u32>(int_sum), IS_INT);
}
