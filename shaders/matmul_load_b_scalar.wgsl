// Loader of op(B) for shaders/matmul.wgsl, any layout: binding 2 as f32 words, read one by one.
// `cols` are the element offsets of (k = 0, column) of four columns (b_col_offsets).

@group(0) @binding(2) var<storage, read> b: array<f32>;

// Column j: the four columns at k0 + j (a row of op(B)).
fn b_block(cols: vec4<u32>, k0: u32) -> mat4x4<f32> {
  return mat4x4<f32>(b_row(cols, k0), b_row(cols, k0 + 1u), b_row(cols, k0 + 2u), b_row(cols, k0 + 3u));
}

// The four columns at one k.
fn b_row(cols: vec4<u32>, k: u32) -> vec4<f32> {
  let at = cols + vec4<u32>(k * b_k_stride());
  return vec4<f32>(b[at.x], b[at.y], b[at.z], b[at.w]);
}
