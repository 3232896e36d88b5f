// Element-wise unary ops: y[i] = f(x[i]) for every element.
// Bindings: 0 uniform Params, 1 input x (raw 32-bit words), 2 output y (raw 32-bit words).
// Workgroup: 256 invocations along x, one element each; the grid is 2-D so that more than
// 65535 workgroups fit (the flat index folds y into x).
// Numerically careful helpers (stable_sigmoid, softplus, ...) come from shaders/stable_math.wgsl,
// prepended by src/ops/elementwise.ts.
// Specialization: OP picks the function (codes match UNARY_OPS in src/ops/elementwise.ts);
// IN_INT / OUT_INT say whether the words hold i32 rather than f32. Math runs in f32, except for
// the ops whose int32 input gives an int32 result (neg, abs, sign, square, relu, relu6, round,
// clip, cast, trunc, bitwiseNot): `apply_int` computes them in i32, exact over the whole int32
// range and wrapping on overflow as NumPy (abs and neg of -2^31 give -2^31, as WGSL's do).
// Inverse functions outside their domain give NaN (asin, acos, acosh, atanh), and atanh(±1) gives
// ±inf, as NumPy, where WGSL leaves the result undefined.
// The special functions (erfc, erfinv, i0, i1) use the methods of src/ops/special_functions.ts,
// the CPU reference, in f32.

override OP: u32;
override IN_INT: bool = false;
override OUT_INT: bool = false;

const WORKGROUP_SIZE: u32 = 256u;

struct Params {
  size: u32,
  alpha: f32,
  beta: f32,
  // alpha and beta truncated and saturated to i32: clip's bounds for int32 input.
  int_alpha: i32,
  int_beta: i32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> y: array<u32>;

const SELU_SCALE: f32 = 1.0507009873554805;
const SELU_ALPHA: f32 = 1.6732632423543772;
const SQRT_2_OVER_PI: f32 = 0.7978845608028654;

// NaN and +inf built at run time (WGSL rejects non-finite constants).
var<private> nan_bits: u32 = 0x7fc00000u;
var<private> inf_bits: u32 = 0x7f800000u;

// acos through asin, which is more accurate than acos on some implementations (SwiftShader's
// acos(0) is off by 7e-5): pi/2 - asin(v) in the middle, half-angle forms near ±1 where that
// difference would cancel.
fn accurate_acos(v: f32) -> f32 {
  if (abs(v) <= 0.5) { return 1.5707963267948966 - asin(v); }
  let half_angle = 2.0 * asin(sqrt((1.0 - abs(v)) * 0.5));
  return select(half_angle, 3.141592653589793 - half_angle, v < 0.0);
}

// log and log1p with IEEE's results where WGSL leaves them undefined: -inf at 0 (-1 for log1p),
// NaN below (SwiftShader gives log(0) = -88 and log(-1) = 0, the log of |v| of a subnormal).
fn log_of(v: f32) -> f32 {
  if (v < 0.0) { return bitcast<f32>(nan_bits); }
  if (v == 0.0) { return -bitcast<f32>(inf_bits); }
  return log(v);
}

fn log_of_1p(v: f32) -> f32 {
  if (v < -1.0) { return bitcast<f32>(nan_bits); }
  if (v == -1.0) { return -bitcast<f32>(inf_bits); }
  return log1p_accurate(v);
}

// asin / acos / acosh / atanh with NumPy's results outside the domain WGSL defines them on.
fn inverse_trig(v: f32) -> f32 {
  let nan = bitcast<f32>(nan_bits);
  switch OP {
    case 35u: { return select(asin(v), nan, abs(v) > 1.0); }
    case 36u: { return select(accurate_acos(v), nan, abs(v) > 1.0); }
    case 39u: { return select(acosh(v), nan, v < 1.0); }
    default: {
      if (abs(v) == 1.0) { return sign(v) * bitcast<f32>(inf_bits); }
      return select(atanh(v), nan, abs(v) > 1.0);
    }
  }
}

// cbrt through pow of |v| and one Newton step (pow alone is off by an ulp at perfect cubes: 27
// gives 2.9999998); zero and infinities return themselves, where pow is undefined.
fn cube_root(v: f32) -> f32 {
  let a = abs(v);
  if (a == 0.0 || a == bitcast<f32>(inf_bits)) { return v; }
  var r = pow(a, 1.0 / 3.0);
  r = r - (r - a / (r * r)) / 3.0;
  return select(r, -r, v < 0.0);
}

// erfc with relative error below 1.2e-7 for every v (a Chebyshev fit of exp(v^2) erfc(v)), so
// that the tail keeps its digits where 1 - erf(v) would cancel to 0.
fn erfc_accurate(v: f32) -> f32 {
  let a = abs(v);
  let t = 1.0 / (1.0 + 0.5 * a);
  let poly = -a * a - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  let r = t * exp(poly);
  return select(r, 2.0 - r, v < 0.0);
}

// Giles's single-precision inverse error function, in w = -log(1 - v^2); ±inf at ±1, NaN beyond.
fn erfinv_approx(v: f32) -> f32 {
  if (abs(v) > 1.0) { return bitcast<f32>(nan_bits); }
  if (abs(v) == 1.0) { return sign(v) * bitcast<f32>(inf_bits); }
  var w = -log((1.0 - v) * (1.0 + v));
  var p: f32;
  if (w < 5.0) {
    w = w - 2.5;
    p = 2.81022636e-08;
    p = 3.43273939e-07 + p * w;
    p = -3.5233877e-06 + p * w;
    p = -4.39150654e-06 + p * w;
    p = 0.00021858087 + p * w;
    p = -0.00125372503 + p * w;
    p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w;
    p = 1.50140941 + p * w;
  } else {
    w = sqrt(w) - 3.0;
    p = -0.000200214257;
    p = 0.000100950558 + p * w;
    p = 0.00134934322 + p * w;
    p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w;
    p = -0.0076224613 + p * w;
    p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w;
    p = 2.83297682 + p * w;
  }
  return p * v;
}

// sin(v) or cos(v) to about f32's rounding for |v| <= 8192 (Cephes's sinf and cosf): v reduced
// to r in [-pi/4, pi/4] by the octant j, pi/4 split in three parts so that j * part is exact,
// then the minimax polynomial of sin or cos on r, as the octant says. WGSL allows its sin and
// cos an absolute error of 2^-11 (SwiftShader's is 2e-4); beyond 8192, and for inf and NaN, the
// built-ins.
fn sin_or_cos(v: f32, want_cos: bool) -> f32 {
  let magnitude = abs(v);
  if (!(magnitude <= 8192.0)) { return select(sin(v), cos(v), want_cos); }
  var j = floor(magnitude * 1.2732395447351628);
  j = j + j % 2.0;
  var octant = u32(j) & 7u;
  var negative = !want_cos && (bitcast<u32>(v) & 0x80000000u) != 0u;
  if (octant > 3u) { negative = !negative; octant = octant - 4u; }
  if (want_cos && octant > 1u) { negative = !negative; }
  let r = ((magnitude - j * 0.78515625) - j * 2.4187564849853515625e-4) - j * 3.77489497744594108e-8;
  let z = r * r;
  let sine = ((-1.9515295891e-4 * z + 8.3321608736e-3) * z - 1.6666654611e-1) * z * r + r;
  let cosine = ((2.443315711809948e-5 * z - 1.388731625493765e-3) * z + 4.166664568298827e-2) * z * z - 0.5 * z + 1.0;
  let y = select(sine, cosine, (octant == 1u || octant == 2u) != want_cos);
  return select(y, -y, negative);
}

// sin(pi r) for r in [-1, 1]: r folded into [-0.5, 0.5] (sin(pi r) = sin(pi (1 - r)), exact in
// f32), then the Taylor series of sin to t^13, t = pi r, whose error is below f32's rounding.
// WGSL allows its sin an absolute error of 2^-11, too coarse for sinc's small values.
fn sin_of_pi_times(r: f32) -> f32 {
  var folded = r;
  if (r > 0.5) { folded = 1.0 - r; } else if (r < -0.5) { folded = -1.0 - r; }
  let t = 3.141592653589793 * folded;
  let t2 = t * t;
  return t * (1.0 + t2 * (-1.0 / 6.0 + t2 * (1.0 / 120.0 + t2 * (-1.0 / 5040.0 + t2 * (1.0 / 362880.0
    + t2 * (-1.0 / 39916800.0 + t2 / 6227020800.0))))));
}

// sin(pi v) / (pi v), 1 at 0. The sine's argument is reduced to pi * r with r = v - 2 round(v / 2)
// in [-1, 1] (exact in f32), so that large v keep an accurate sine.
fn normalized_sinc(v: f32) -> f32 {
  if (v == 0.0) { return 1.0; }
  return sin_of_pi_times(v - 2.0 * round(v * 0.5)) / (3.141592653589793 * v);
}

// sinc's derivative (OP 55, internal): (cos(pi v) - sinc(v)) / v, and for |pi v| <= 1, where that
// difference cancels, the series of d/dv sin(u) / u, u = pi v, to u^11.
fn sinc_derivative(v: f32) -> f32 {
  let u = 3.141592653589793 * v;
  if (abs(u) <= 1.0) {
    let u2 = u * u;
    return 3.141592653589793 * u * (-2.0 / 6.0 + u2 * (4.0 / 120.0 + u2 * (-6.0 / 5040.0 + u2 * (8.0 / 362880.0
      + u2 * (-10.0 / 39916800.0 + u2 * 12.0 / 6227020800.0)))));
  }
  let r = v - 2.0 * round(v * 0.5);
  return (sin_of_pi_times(0.5 - abs(r)) - normalized_sinc(v)) / v;
}

// Modified Bessel functions of the first kind, orders 0 (OP 49) and 1 (OP 50, i0's derivative),
// by Abramowitz & Stegun 9.8.1-9.8.4 (relative error below 2e-7). Above 3.75 the growth
// exp(|v|) / sqrt(|v|) is applied in two halves so that i0 reaches its float32 limit near 91.9
// rather than exp's at 88.7.
fn bessel_i(v: f32) -> f32 {
  let a = abs(v);
  if (a <= 3.75) {
    let t = (a / 3.75) * (a / 3.75);
    if (OP == 49u) {
      return 1.0 + t * (3.5156229 + t * (3.0899424 + t * (1.2067492 + t * (0.2659732 + t * (0.0360768 + t * 0.0045813)))));
    }
    return v * (0.5 + t * (0.87890594 + t * (0.51498869 + t * (0.15084934 + t * (0.02658733 + t * (0.00301532 + t * 0.00032411))))));
  }
  let t = 3.75 / a;
  var poly: f32;
  if (OP == 49u) {
    poly = 0.39894228 + t * (0.01328592 + t * (0.00225319 + t * (-0.00157565 + t * (0.00916281
      + t * (-0.02057706 + t * (0.02635537 + t * (-0.01647633 + t * 0.00392377)))))));
  } else {
    poly = 0.39894228 + t * (-0.03988024 + t * (-0.00362018 + t * (0.00163801 + t * (-0.01031555
      + t * (0.02282967 + t * (-0.02895312 + t * (0.01787654 - t * 0.00420059)))))));
  }
  let half_growth = exp(0.5 * a);
  let r = half_growth * (half_growth / sqrt(a) * poly);
  return select(r, -r, OP == 50u && v < 0.0);
}

// Ops whose result for a NaN is not NaN: those that test or copy a value rather than compute with
// it (logicalNot, isNaN, isFinite, cast, signbit, isinf, isneginf, isposinf, isreal), and
// saturateCast to int32, which sends NaN to the lower bound.
fn handles_nan_itself() -> bool {
  return OP == 27u || OP == 28u || OP == 29u || OP == 30u || OP == 43u || OP == 44u || (OP >= 51u && OP <= 53u) || OP == 56u;
}

fn apply(v: f32, bits: u32) -> f32 {
  let nan_input = !IN_INT && is_nan(bitcast<f32>(bits));
  let is_inf_or_nan = !IN_INT && (bits & 0x7f800000u) == 0x7f800000u;
  // NaN in, NaN out, as the CPU reference, for every other op: WGSL's max, min and clamp may
  // return either operand when one is NaN, so relu, relu6, clip, sign and tanh's clamp would hide it.
  if (nan_input && !handles_nan_itself()) { return v; }
  switch OP {
    case 0u: { return -v; }
    case 1u: { return abs(v); }
    case 2u: { return sign(v); }
    case 3u: { return v * v; }
    case 4u: { return sqrt(v); }
    case 5u: { return inverseSqrt(v); }
    case 6u: { return exp(v); }
    case 7u: { return log_of(v); }
    case 8u: { return log_of_1p(v); }
    case 9u: { return expm1_accurate(v); }
    case 10u: { return sin_or_cos(v, false); }
    case 11u: { return sin_or_cos(v, true); }
    case 12u: { return tanh(clamp(v, -15.0, 15.0)); }
    case 13u: { return stable_sigmoid(v); }
    case 14u: { return softplus(v); }
    case 15u: { return max(v, 0.0); }
    case 16u: { return clamp(v, 0.0, 6.0); }
    case 17u: { return select(v * params.alpha, v, v >= 0.0); }
    case 18u: { return select(params.alpha * expm1_accurate(v), v, v > 0.0); }
    case 19u: { return SELU_SCALE * select(SELU_ALPHA * expm1_accurate(v), v, v > 0.0); }
    case 20u: { return 0.5 * v * (1.0 + erf_approx(v * 0.7071067811865476)); }
    case 21u: { return 0.5 * v * (1.0 + tanh(clamp(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v), -15.0, 15.0))); }
    case 22u: { return v * stable_sigmoid(v); }
    case 23u: { return floor(v); }
    case 24u: { return ceil(v); }
    case 25u: { return round(v); }
    case 26u: { return min(max(v, params.alpha), params.beta); }
    // From the bits: NaN is true (nonzero), as NumPy, and v == 0.0 may hold for a NaN in WGSL.
    case 27u: { return select(0.0, 1.0, select((bits & 0x7fffffffu) == 0u, bits == 0u, IN_INT)); }
    case 28u: { return select(0.0, 1.0, nan_input); }
    case 29u: { return select(1.0, 0.0, is_inf_or_nan); }
    case 31u: { return erf_approx(v); }
    case 32u: { return sin_or_cos(v, false) / sin_or_cos(v, true); }
    case 33u: { return sinh(v); }
    case 34u: { return cosh(v); }
    case 35u, 36u, 39u, 40u: { return inverse_trig(v); }
    case 37u: { return atan(v); }
    // Odd symmetry keeps asinh accurate for large negative v, where log(v + sqrt(v * v + 1)) cancels.
    case 38u: { return sign(v) * asinh(abs(v)); }
    case 41u: { return exp2(v); }
    case 42u: { return trunc(v); }
    case 43u: { return select(0.0, 1.0, v < 0.0 || (v == 0.0 && !IN_INT && (bits & 0x80000000u) != 0u)); }
    case 44u: { return select(0.0, 1.0, is_inf_or_nan && !nan_input); }
    case 45u: { return cube_root(v); }
    case 46u: { return erfc_accurate(v); }
    case 47u: { return erfinv_approx(v); }
    case 48u: { return normalized_sinc(v); }
    case 49u, 50u: { return bessel_i(v); }
    case 55u: { return sinc_derivative(v); }
    // Clamped to [alpha, beta] before the conversion to i32, NaN to 0, where i32(NaN) is undefined
    // (main stores the largest i32 for values above beta).
    case 56u: { return select(clamp(v, params.alpha, params.beta), 0.0, nan_input); }
    case 51u: { return select(0.0, 1.0, is_inf_or_nan && !nan_input && v < 0.0); }
    case 52u: { return select(0.0, 1.0, is_inf_or_nan && !nan_input && v > 0.0); }
    case 53u: { return 1.0; }
    default: { return v; }
  }
}

// Whether OP maps int32 to int32 exactly in `apply_int`.
fn int_to_int() -> bool {
  return OP <= 3u || OP == 15u || OP == 16u || OP == 25u || OP == 26u || OP == 30u || OP == 42u || OP == 54u;
}

// The int32-to-int32 ops in i32. Clamping to the truncated bounds is clamping in float64 and then
// truncating, as the CPU reference: truncation is monotonic and leaves integers unchanged.
fn apply_int(v: i32) -> i32 {
  switch OP {
    case 0u: { return -v; }
    case 1u: { return abs(v); }
    case 2u: { return sign(v); }
    case 3u: { return v * v; }
    case 15u: { return max(v, 0); }
    case 16u: { return clamp(v, 0, 6); }
    case 26u: { return clamp(v, params.int_alpha, params.int_beta); }
    case 54u: { return ~v; }
    default: { return v; }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.size) { return; }
  let bits = x[i];
  if (IN_INT && OUT_INT && int_to_int()) {
    y[i] = bitcast<u32>(apply_int(bitcast<i32>(bits)));
    return;
  }
  let v = select(bitcast<f32>(bits), f32(bitcast<i32>(bits)), IN_INT);
  // saturateCast to int32: float32 values above beta (2^31 and up, which f32 cannot clamp to 2^31 - 1).
  if (OP == 56u && v > params.beta) {
    y[i] = 0x7fffffffu;
    return;
  }
  let r = apply(v, bits);
  y[i] = select(bitcast<u32>(r), bitcast<u32>(i32(r)), OUT_INT);
}
