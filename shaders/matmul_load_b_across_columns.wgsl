// Loader of op(B) for shaders/matmul.wgsl when B is not transposed and N % 4 == 0: rows of B
// start on vec4 boundaries and column groups start at multiples of 4 (or are clamped edge groups
// whose values are never stored), so four columns at one k are one vec4 load.

@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;

// Column j: the four columns at k0 + j (a row of op(B)).
fn b_block(cols: vec4<u32>, k0: u32) -> mat4x4<f32> {
  return mat4x4<f32>(b_row(cols, k0), b_row(cols, k0 + 1u), b_row(cols, k0 + 2u), b_row(cols, k0 + 3u));
}

// The four columns at one k.
fn b_row(cols: vec4<u32>, k: u32) -> vec4<f32> {
  return b[(cols.x + k * params.n) / 4u];
}
