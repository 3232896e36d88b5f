// Numerically careful scalar functions shared by the element-wise kernels (unary.wgsl,
// binary.wgsl, focal_loss.wgsl) and the softmax and pooling kernels, which src/ops prepends to
// those shaders.

// Whether v is NaN, from its bits: WGSL lets an implementation assume no NaN in float
// comparisons, so `v != v` (and any comparison with a NaN) cannot be trusted.
fn is_nan(v: f32) -> bool {
  let bits = bitcast<u32>(v);
  return (bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0u;
}

fn stable_sigmoid(v: f32) -> f32 {
  if (v >= 0.0) { return 1.0 / (1.0 + exp(-v)); }
  let e = exp(v);
  return e / (1.0 + e);
}

// log(1 + v) without losing the low bits of v near 0.
fn log1p_accurate(v: f32) -> f32 {
  let u = 1.0 + v;
  if (u == 1.0) { return v; }
  return log(u) * v / (u - 1.0);
}

// exp(v) - 1 without cancellation near 0 (Kahan).
fn expm1_accurate(v: f32) -> f32 {
  if (abs(v) > 0.5) { return exp(v) - 1.0; }
  let u = exp(v);
  if (u == 1.0) { return v; }
  return (u - 1.0) * v / log(u);
}

// Abramowitz & Stegun 7.1.26, absolute error below 1.5e-7.
fn erf_approx(v: f32) -> f32 {
  let a = abs(v);
  let t = 1.0 / (1.0 + 0.3275911 * a);
  let poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  let r = 1.0 - poly * exp(-a * a);
  return select(r, -r, v < 0.0);
}

// log(1 + exp(v)), without overflow for large v or lost precision for very negative v.
fn softplus(v: f32) -> f32 {
  return max(v, 0.0) + log1p_accurate(exp(-abs(v)));
}
