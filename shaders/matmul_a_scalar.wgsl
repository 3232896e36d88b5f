// Prelude of shaders/matmul.wgsl for any layout of A: binding 1 as f32 words, K entries of one row
// of op(A) loaded one by one.

@group(0) @binding(1) var<storage, read> a: array<f32>;

fn load_a1(at: u32) -> f32 {
  return a[at];
}

// Four consecutive K entries of one row of op(A), starting at element `at`.
fn load_a4(at: u32, k_stride: u32) -> vec4<f32> {
  return vec4<f32>(a[at], a[at + k_stride], a[at + 2u * k_stride], a[at + 3u * k_stride]);
}
