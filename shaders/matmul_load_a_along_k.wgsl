// Loader of op(A) for shaders/matmul.wgsl when A is not transposed and K % 4 == 0: every row
// starts on a vec4 boundary and the K loop steps by 4 with no tail, so four K entries of a row are
// one vec4 load. `rows` are the element offsets of (row, k = 0) of four rows.

@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;

// Column r: row r of the group at k0..k0+3.
fn a_block(rows: vec4<u32>, k0: u32) -> mat4x4<f32> {
  let at = (rows + vec4<u32>(k0)) / 4u;
  return mat4x4<f32>(a[at.x], a[at.y], a[at.z], a[at.w]);
}

// The four rows at one k (the K loop has no tail here; defined for completeness of the contract).
fn a_column(rows: vec4<u32>, k: u32) -> vec4<f32> {
  let at = rows + vec4<u32>(k);
  return vec4<f32>(a[at.x / 4u][at.x % 4u], a[at.y / 4u][at.y % 4u], a[at.z / 4u][at.z % 4u], a[at.w / 4u][at.w % 4u]);
}

// The subgroup kernel's share of the block for one lane: row `lane` of the group at k0..k0+3.
// `base` is a_quad_base(rows, lane), computed once before the K loop.
fn a_quad_base(rows: vec4<u32>, lane: u32) -> vec4<u32> {
  return vec4<u32>(rows[lane]);
}

fn a_quad(base: vec4<u32>, k0: u32, lane: u32) -> vec4<f32> {
  return a[(base.x + k0) / 4u];
}
