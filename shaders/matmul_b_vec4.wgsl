// Prelude of shaders/matmul.wgsl when B is not transposed and N % 4 == 0: rows of B start on
// vec4 boundaries and the kernel's 4-column groups start at multiples of 4 (or are clamped edge
// groups whose values are never stored), so four columns are one vec4 load.

@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;

fn load_b4(at: vec4<u32>) -> vec4<f32> {
  return b[at.x / 4u];
}
