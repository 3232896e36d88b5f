// Shared prelude of the reduction-family kernels (reduce.wgsl, moments.wgsl, softmax.wgsl), which
// src/ops/reduction_layout.ts prepends to each of them: the uniform block, the input binding, and
// the addressing of the input in place (never transposed). Each output (a row, for softmax) has a
// base offset from its coordinates in the "kept" dimension groups; its elements sit at offsets
// from their coordinates in the "reduced" groups. Adjacent dimensions of the same kind are merged
// on the CPU, so at most 4 groups of each remain.
// Bindings: 0 uniform Params, 1 x (raw 32-bit words); kernels declare their outputs from 2 on.
// Workgroups hold 64 invocations: few barrier rounds in the tree reductions (costly on SwiftShader).
// Specialization: IN_INT says the input words hold i32.

override IN_INT: bool = false;

const WORKGROUP_SIZE: u32 = 64u;

struct Params {
  out_size: u32,
  reduced_size: u32,
  kept_groups: u32,
  reduced_groups: u32,
  // reduce.wgsl's mean: 1 / reduced_size (NaN for an empty reduction); unused by the others.
  scale: f32,
  kept_shape: vec4<u32>,
  kept_strides: vec4<u32>,
  reduced_shape: vec4<u32>,
  reduced_strides: vec4<u32>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;

fn kept_offset(o: u32) -> u32 {
  var rest = o;
  var offset = 0u;
  for (var g = params.kept_groups; g > 1u; g--) {
    let extent = params.kept_shape[g - 1u];
    offset += (rest % extent) * params.kept_strides[g - 1u];
    rest /= extent;
  }
  return offset + rest * params.kept_strides[0];
}

fn reduced_offset(r: u32) -> u32 {
  var rest = r;
  var offset = 0u;
  for (var g = params.reduced_groups; g > 1u; g--) {
    let extent = params.reduced_shape[g - 1u];
    offset += (rest % extent) * params.reduced_strides[g - 1u];
    rest /= extent;
  }
  return offset + rest * params.reduced_strides[0];
}
