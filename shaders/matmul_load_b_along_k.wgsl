// Loader of op(B) for shaders/matmul.wgsl when B is transposed (stored [N, K]) and K % 4 == 0:
// each column of op(B) is a row in memory starting on a vec4 boundary and the K loop steps by 4
// with no tail, so four K entries of a column are one vec4 load, and a 4 x 4 block is four loads
// and a register transpose.

@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;

// Column j: the four columns at k0 + j (a row of op(B)).
fn b_block(cols: vec4<u32>, k0: u32) -> mat4x4<f32> {
  let at = (cols + vec4<u32>(k0)) / 4u;
  return transpose(mat4x4<f32>(b[at.x], b[at.y], b[at.z], b[at.w]));
}

// The four columns at one k (the K loop has no tail here; defined for completeness of the contract).
fn b_row(cols: vec4<u32>, k: u32) -> vec4<f32> {
  let at = cols + vec4<u32>(k);
  return vec4<f32>(b[at.x / 4u][at.x % 4u], b[at.y / 4u][at.y % 4u], b[at.z / 4u][at.z % 4u], b[at.w / 4u][at.w % 4u]);
}
