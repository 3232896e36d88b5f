// Strided copy, the one primitive behind the copying shape ops (transpose, slice, stridedSlice,
// pad, tile, broadcastTo, concat, stack, split): for every coordinate c of a domain shape,
//   dst[dst_base + sum_d c_d * dst_strides_d] = src[src_base + sum_d (c_d mod src_extent_d) * src_strides_d]
// Strides are signed, so a negative step walks backwards and a stride of 0 repeats (broadcasts).
// Entry point `fill` writes fill_bits to the first `size` words of dst (the constant of pad).
// Bindings: 0 uniform Params, 1 dst (raw 32-bit words), 2 src (raw 32-bit words); `fill` uses
// only 0 and 1. Words are copied bit for bit, so float32 and int32 share the kernel.
// Workgroup: 256 invocations, one domain element each; the grid is 2-D so that more than 65535
// workgroups fit (the flat index folds y into x).
// Specialization: TILE = true applies `mod src_extent` to each coordinate (tile repeats the
// source); otherwise src_extent is ignored and the modulo is skipped.

override TILE: bool = false;

const WORKGROUP_SIZE: u32 = 256u;

struct Params {
  size: u32,
  rank: u32,
  src_base: i32,
  dst_base: i32,
  fill_bits: u32,
  shape: array<vec4<u32>, 2>,
  src_extent: array<vec4<u32>, 2>,
  src_strides: array<vec4<i32>, 2>,
  dst_strides: array<vec4<i32>, 2>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> dst: array<u32>;
@group(0) @binding(2) var<storage, read> src: array<u32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.size) { return; }
  var src_offset = params.src_base;
  var dst_offset = params.dst_base;
  var rest = i;
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    let dim = u32(d);
    let extent = params.shape[dim / 4u][dim % 4u];
    var coord = rest % extent;
    rest = rest / extent;
    dst_offset += i32(coord) * params.dst_strides[dim / 4u][dim % 4u];
    if (TILE) { coord = coord % params.src_extent[dim / 4u][dim % 4u]; }
    src_offset += i32(coord) * params.src_strides[dim / 4u][dim % 4u];
  }
  dst[u32(dst_offset)] = src[u32(src_offset)];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn fill(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.size) { return; }
  dst[i] = params.fill_bits;
}
