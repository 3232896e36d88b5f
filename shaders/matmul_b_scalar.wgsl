// Prelude of shaders/matmul.wgsl for any layout of B: binding 2 as f32 words, and four columns
// of one row of op(B) loaded one by one from their element offsets.

@group(0) @binding(2) var<storage, read> b: array<f32>;

fn load_b4(at: vec4<u32>) -> vec4<f32> {
  return vec4<f32>(b[at.x], b[at.y], b[at.z], b[at.w]);
}
