// Reductions of rows by id: the kernel of scatterAdd (the adjoint of gather, src/ops/scatter.ts)
// and of keras.ops.segment_max / segment_min / segment_prod (src/ops/segment.ts). Data viewed as
// [outer, count, inner], ids as [count]:
//   out[o, s, k] = reduce over j with ids[j] == s of data[o, j, k]        (out is [outer, segments, inner])
// Ids outside [0, segments) are dropped; with WRAP_NEGATIVE a negative id counts from the end
// first (id + segments), as gather's indices do. With PER_LANE_IDS the ids are viewed as
// [outer, count, inner] like the data, each lane (o, k) with ids of its own: the adjoint of
// takeAlongAxis (scatterAddAlongAxis), whose invocations then walk `count` ids, not every
// index of the batch. An output no id names holds the reduction's
// identity (0 for the sum; -inf / +inf for float max / min, the i32 extremes for int32; 1 for the
// product).
// Bindings: 0 uniform Params, 1 data (raw 32-bit words), 2 ids (i32), 3 out (raw 32-bit words).
// Workgroup: 256 invocations, one output element each; the grid is 2-D so that more than 65535
// workgroups fit (the flat index folds y into x).
// Why no atomics: WGSL has no float atomics (and no atomic product), so each invocation owns its
// output element and walks every id in order: deterministic, the CPU kernels' order, O(count) per
// invocation (fine for the ids of a batch, such as an Embedding's tokens, not for millions).
// Specialization: REDUCTION picks the reduction (codes match src/ops/segment.ts's
// SEGMENT_REDUCTIONS and scatter.ts's sum); IS_INT reduces in i32 (sum and product wrapping)
// instead of f32; PER_LANE_IDS reads ids shaped as the data (see above).

override REDUCTION: u32;
override WRAP_NEGATIVE: bool = false;
override PER_LANE_IDS: bool = false;
override IS_INT: bool = false;

const WORKGROUP_SIZE: u32 = 256u;
const REDUCE_MAX: u32 = 0u;
const REDUCE_MIN: u32 = 1u;
const REDUCE_PROD: u32 = 2u;
const REDUCE_SUM: u32 = 3u;

struct Params {
  size: u32,
  inner: u32,
  count: u32,
  segments: u32,
  // The reduction's identity as the 32-bit word of the output dtype (0, -inf, +inf, 1.0, the i32
  // extremes or 1), from the host: WGSL rejects infinite constants.
  identity_bits: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> data: array<u32>;
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
  var float_acc = bitcast<f32>(params.identity_bits);
  var int_acc = bitcast<i32>(params.identity_bits);
  for (var j = 0u; j < params.count; j++) {
    var id = ids[select(j, (o * params.count + j) * params.inner + k, PER_LANE_IDS)];
    if (WRAP_NEGATIVE && id < 0) { id += i32(params.segments); }
    if (id != segment) { continue; }
    let word = data[(o * params.count + j) * params.inner + k];
    if (IS_INT) {
      let v = bitcast<i32>(word);
      if (REDUCTION == REDUCE_SUM) { int_acc = int_acc + v; }
      else if (REDUCTION == REDUCE_MAX) { int_acc = max(int_acc, v); }
      else if (REDUCTION == REDUCE_MIN) { int_acc = min(int_acc, v); }
      else if (REDUCTION == REDUCE_PROD) { int_acc = int_acc * v; }
    } else {
      let v = bitcast<f32>(word);
      if (REDUCTION == REDUCE_SUM) { float_acc = float_acc + v; }
      else if (REDUCTION == REDUCE_MAX) { float_acc = max(float_acc, v); }
      else if (REDUCTION == REDUCE_MIN) { float_acc = min(float_acc, v); }
      else if (REDUCTION == REDUCE_PROD) { float_acc = float_acc * v; }
    }
  }
  out[i] = select(bitcast<u32>(float_acc), bitcast<u32>(int_acc), IS_INT);
}
