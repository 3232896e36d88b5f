// Loader of op(A) for shaders/matmul.wgsl, any layout: binding 1 as f32 words, read one by one.
// `rows` are the element offsets of (row, k = 0) of four rows (shaders/matmul.wgsl a_row_offsets).

@group(0) @binding(1) var<storage, read> a: array<f32>;

// Column r: row r of the group at k0..k0+3.
fn a_block(rows: vec4<u32>, k0: u32) -> mat4x4<f32> {
  let s = a_k_stride();
  let at = rows + vec4<u32>(k0 * s);
  return mat4x4<f32>(
    vec4<f32>(a[at.x], a[at.x + s], a[at.x + 2u * s], a[at.x + 3u * s]),
    vec4<f32>(a[at.y], a[at.y + s], a[at.y + 2u * s], a[at.y + 3u * s]),
    vec4<f32>(a[at.z], a[at.z + s], a[at.z + 2u * s], a[at.z + 3u * s]),
    vec4<f32>(a[at.w], a[at.w + s], a[at.w + 2u * s], a[at.w + 3u * s]),
  );
}

// The four rows at one k.
fn a_column(rows: vec4<u32>, k: u32) -> vec4<f32> {
  let at = rows + vec4<u32>(k * a_k_stride());
  return vec4<f32>(a[at.x], a[at.y], a[at.z], a[at.w]);
}

// The subgroup kernel's share of the block for one lane: the four rows at k0 + lane.
// `base` is a_quad_base(rows, lane), computed once before the K loop.
fn a_quad_base(rows: vec4<u32>, lane: u32) -> vec4<u32> {
  return rows;
}

fn a_quad(base: vec4<u32>, k0: u32, lane: u32) -> vec4<f32> {
  return a_column(base, k0 + lane);
}
