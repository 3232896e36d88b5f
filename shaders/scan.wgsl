// Scans along one axis: the cumulative sum or product (keras.ops.cumsum / cumprod), and the exact
// gradient of the cumulative product. The input is viewed as [outer, axis_size, inner]; a row is
// one (o, k) pair, the elements x[o, j, k] for j in [0, axis_size).
//   entry point `scan`:               out[o, j, k] = x[o, 0, k] (+ or *) ... (+ or *) x[o, j, k]
//                                     (with REVERSE, from x[o, axis_size - 1, k] down to x[o, j, k])
//   entry point `cumprod_gradient`:   out[o, j, k] = sum over i >= j of dy[o, i, k] times the product
//                                     of x[o, m, k] for m <= i, m != j
// The gradient is computed without dividing by x, so zeros in x give the exact result: with
// p_j = x_0 ... x_(j-1) and s_j = dy_j + x_(j+1) s_(j+1) (s past the end is 0), out_j = p_j s_j.
// A reverse pass writes s into out; a forward pass multiplies each entry by the running p.
// Bindings: 0 uniform Params, 1 x (raw 32-bit words), 2 out (raw 32-bit words), 3 dy (f32,
// cumprod_gradient only).
// Workgroup: 64 invocations, one row each, each looping along the axis in order; the grid is 2-D
// so that more than 65535 workgroups fit (the flat index folds y into x). Consecutive invocations
// take consecutive k, so their loads are adjacent. Why not a parallel (Blelloch) scan: the axes
// scanned here (sequence lengths, feature counts) are short next to the number of rows, a serial
// loop per row already fills the device, it needs no workgroup barriers (very costly on
// SwiftShader), and it combines in the same order as the CPU kernel, so float results agree
// with it to rounding.
// Specialization: PRODUCT multiplies instead of adding; REVERSE scans from the end of the axis;
// IS_INT computes in i32 (wrapping on overflow, as the CPU kernel) instead of f32.

override PRODUCT: bool = false;
override REVERSE: bool = false;
override IS_INT: bool = false;

const WORKGROUP_SIZE: u32 = 64u;

struct Params {
  rows: u32,
  axis_size: u32,
  inner: u32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;

// The word index of element j of row `row` (row = o * inner + k).
fn element_index(row: u32, j: u32) -> u32 {
  let o = row / params.inner;
  let k = row - o * params.inner;
  return (o * params.axis_size + j) * params.inner + k;
}

fn row_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WORKGROUP_SIZE;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn scan(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let row = row_index(gid, groups);
  if (row >= params.rows) { return; }
  let first = element_index(row, 0u);
  let stride = params.inner;
  var float_total = select(0.0, 1.0, PRODUCT);
  var int_total = select(0, 1, PRODUCT);
  for (var step = 0u; step < params.axis_size; step++) {
    let j = select(step, params.axis_size - 1u - step, REVERSE);
    let i = first + j * stride;
    if (IS_INT) {
      let value = bitcast<i32>(x[i]);
      int_total = select(int_total + value, int_total * value, PRODUCT);
      out[i] = bitcast<u32>(int_total);
    } else {
      let value = bitcast<f32>(x[i]);
      float_total = select(float_total + value, float_total * value, PRODUCT);
      out[i] = bitcast<u32>(float_total);
    }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn cumprod_gradient(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let row = row_index(gid, groups);
  if (row >= params.rows) { return; }
  let first = element_index(row, 0u);
  let stride = params.inner;
  var suffix = 0.0;
  var following = 0.0;
  for (var step = 0u; step < params.axis_size; step++) {
    let i = first + (params.axis_size - 1u - step) * stride;
    suffix = dy[i] + following * suffix;
    out[i] = bitcast<u32>(suffix);
    following = bitcast<f32>(x[i]);
  }
  var prefix = 1.0;
  for (var j = 0u; j < params.axis_size; j++) {
    let i = first + j * stride;
    out[i] = bitcast<u32>(bitcast<f32>(out[i]) * prefix);
    prefix *= bitcast<f32>(x[i]);
  }
}
