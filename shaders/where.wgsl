// Element-wise select with broadcasting: out[i] = cond[ic] != 0 ? a[ia] : b[ib], a NaN condition
// counting as true (nonzero), as NumPy.
// Bindings: 0 uniform Params, 1 cond, 2 a, 3 b, 4 out (raw 32-bit words; a, b, out share a dtype).
// Workgroup: 256 invocations, one output element each, 2-D grid folded into a flat index.
// COND_INT says whether the condition holds i32 (booleans) rather than f32.

override COND_INT: bool = true;

const WORKGROUP_SIZE: u32 = 256u;

struct Params {
  size: u32,
  rank: u32,
  out_shape: array<vec4<u32>, 2>,
  cond_strides: array<vec4<u32>, 2>,
  a_strides: array<vec4<u32>, 2>,
  b_strides: array<vec4<u32>, 2>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> cond: array<u32>;
@group(0) @binding(2) var<storage, read> a: array<u32>;
@group(0) @binding(3) var<storage, read> b: array<u32>;
@group(0) @binding(4) var<storage, read_write> out: array<u32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.size) { return; }
  var ic = 0u;
  var ia = 0u;
  var ib = 0u;
  var rest = i;
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    let dim = u32(d);
    let extent = params.out_shape[dim / 4u][dim % 4u];
    let coord = rest % extent;
    rest = rest / extent;
    ic += coord * params.cond_strides[dim / 4u][dim % 4u];
    ia += coord * params.a_strides[dim / 4u][dim % 4u];
    ib += coord * params.b_strides[dim / 4u][dim % 4u];
  }
  let c = cond[ic];
  // A float is true unless +0 or -0, tested on the bits: WGSL lets an implementation assume no
  // NaN in comparisons, so bitcast<f32>(c) != 0.0 may be false for a NaN.
  let truthy = select((c & 0x7fffffffu) != 0u, c != 0u, COND_INT);
  out[i] = select(b[ib], a[ia], truthy);
}
