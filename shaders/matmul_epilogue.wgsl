// The output stage of the matmul kernels (shaders/matmul.wgsl) and of split-K's sum of partial
// products (shaders/matmul_split_sum.wgsl): the epilogue activation(product + bias) and the
// guarded store of 4 outputs of a row. The including shader declares `params` (with m and n),
// `bias` and `out`.
// Specialization: HAS_BIAS adds bias[column] to every output; ACTIVATION applies an activation to
// the sum (codes match FUSED_ACTIVATIONS in src/ops/matmul.ts: 0 linear, 1 relu, 2 sigmoid, 3
// tanh, with the formulas of shaders/unary.wgsl).

override HAS_BIAS: bool = false;
override ACTIVATION: u32 = 0u;

const STEPS = vec4<u32>(0u, 1u, 2u, 3u);

// Which lanes hold NaN, from their bits: WGSL's max and clamp may return the other operand for a
// NaN, so relu and tanh pass a NaN on explicitly, as the CPU reference does.
fn nan_lanes(v: vec4<f32>) -> vec4<bool> {
  let bits = bitcast<vec4<u32>>(v);
  return ((bits & vec4<u32>(0x7f800000u)) == vec4<u32>(0x7f800000u)) & ((bits & vec4<u32>(0x007fffffu)) != vec4<u32>());
}

// The epilogue: activation(values + the bias of the four columns from `col`, clamped in bounds).
fn epilogue(values: vec4<f32>, col: u32) -> vec4<f32> {
  var v = values;
  if (HAS_BIAS) {
    let cols = min(vec4<u32>(col) + STEPS, vec4<u32>(params.n - 1u));
    v += vec4<f32>(bias[cols.x], bias[cols.y], bias[cols.z], bias[cols.w]);
  }
  switch ACTIVATION {
    case 1u: { return select(max(v, vec4<f32>()), v, nan_lanes(v)); }
    case 2u: {
      // Stable sigmoid: 1 / (1 + e^-v) for v >= 0, e^v / (1 + e^v) below.
      let e = exp(-abs(v));
      return select(e / (1.0 + e), 1.0 / (1.0 + e), v >= vec4<f32>());
    }
    case 3u: { return select(tanh(clamp(v, vec4<f32>(-15.0), vec4<f32>(15.0))), v, nan_lanes(v)); }
    default: { return v; }
  }
}

// Writes the epilogue of the outputs (row, col..col+3) that lie inside the matrix.
fn store4(out_base: u32, row: u32, col: u32, sums: vec4<f32>) {
  let n = params.n;
  if (row >= params.m || col >= n) { return; }
  let values = epilogue(sums, col);
  let at = out_base + row * n + col;
  out[at] = values.x;
  if (col + 1u < n) { out[at + 1u] = values.y; }
  if (col + 2u < n) { out[at + 2u] = values.z; }
  if (col + 3u < n) { out[at + 3u] = values.w; }
}
