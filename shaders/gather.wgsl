// Gather along one axis: x viewed as [outer, axis_size, inner], indices flattened to [count];
//   out[o, j, k] = x[o, idx, k] where idx = indices[j], plus axis_size when idx is negative,
// and 0 when idx is still outside [0, axis_size) (no out-of-bounds read; the CPU kernel agrees).
// Bindings: 0 uniform Params, 1 x (raw words), 2 indices (i32), 3 out (raw words). A word is a
// u32, or a vec4<u32> / vec2<u32> when rows are a multiple of 4 / 2 long (`Word` is declared by
// src/ops/shape.ts; `inner` then counts words): SwiftShader pays per load, so one vec4 load beats
// four scalar ones.
// Words are copied bit for bit, so float32 and int32 share the kernel (a 0 word is 0 in both).
// Workgroup: WORKGROUP_INNER x WORKGROUP_ROWS invocations, x along the inner elements of an output
// row (o, j) and y along rows, with the widths chosen for `inner` so few lanes idle. The 2-D
// layout costs one integer division per element (row -> o, j): a flat index would need four, and
// SwiftShader runs integer division one lane at a time, which made them the kernel's main cost.
// Grid: x counts inner blocks; y and z together count row blocks (folded past the per-dimension
// limit).

override WORKGROUP_INNER: u32 = 16u;
override WORKGROUP_ROWS: u32 = 4u;

struct Params {
  rows: u32,
  inner: u32,
  count: u32,
  axis_size: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<Word>;
@group(0) @binding(2) var<storage, read> indices: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<Word>;

@compute @workgroup_size(WORKGROUP_INNER, WORKGROUP_ROWS)
fn main(
  @builtin(workgroup_id) group: vec3<u32>,
  @builtin(local_invocation_id) local: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
) {
  let k = group.x * WORKGROUP_INNER + local.x;
  let row = (group.y + group.z * groups.y) * WORKGROUP_ROWS + local.y;
  if (k >= params.inner || row >= params.rows) { return; }
  let o = row / params.count;
  let j = row - o * params.count;
  let axis_size = i32(params.axis_size);
  var idx = indices[j];
  if (idx < 0) { idx += axis_size; }
  let at = row * params.inner + k;
  if (idx < 0 || idx >= axis_size) {
    out[at] = Word();
    return;
  }
  out[at] = x[(o * params.axis_size + u32(idx)) * params.inner + k];
}
