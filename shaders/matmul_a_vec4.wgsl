// Prelude of shaders/matmul.wgsl when A is not transposed and K % 4 == 0: every row of A starts on
// a vec4 boundary and the K loop steps by 4, so four K entries are one vec4 load.

@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;

fn load_a1(at: u32) -> f32 {
  return a[at / 4u][at % 4u];
}

fn load_a4(at: u32, _k_stride: u32) -> vec4<f32> {
  return a[at / 4u];
}
