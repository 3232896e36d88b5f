// Loader of op(A) for shaders/matmul.wgsl when A is transposed (stored [K, M]) and M % 4 == 0:
// the four rows of op(A) in a group are adjacent in memory at every k and start on a vec4 boundary
// (clamped groups past the edge read a valid block whose values are never stored), so the group at
// one k is one vec4 load, and a 4 x 4 block is four loads and a register transpose.

@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;

// Column r: row r of the group at k0..k0+3.
fn a_block(rows: vec4<u32>, k0: u32) -> mat4x4<f32> {
  let m = params.m;
  let at = rows.x + k0 * m;
  return transpose(mat4x4<f32>(a[at / 4u], a[(at + m) / 4u], a[(at + 2u * m) / 4u], a[(at + 3u * m) / 4u]));
}

// The four rows at one k.
fn a_column(rows: vec4<u32>, k: u32) -> vec4<f32> {
  return a[(rows.x + k * params.m) / 4u];
}

// The subgroup kernel's share of the block for one lane: the four rows at k0 + lane.
// `base` is a_quad_base(rows, lane), computed once before the K loop.
fn a_quad_base(rows: vec4<u32>, lane: u32) -> vec4<u32> {
  return rows;
}

fn a_quad(base: vec4<u32>, k0: u32, lane: u32) -> vec4<f32> {
  return a_column(base, k0 + lane);
}
