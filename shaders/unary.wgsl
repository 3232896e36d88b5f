// Element-wise unary ops: y[i] = f(x[i]) for every element.
// Bindings: 0 uniform Params, 1 input x (raw 32-bit words), 2 output y (raw 32-bit words).
// Workgroup: 256 invocations along x, one element each; the grid is 2-D so that more than
// 65535 workgroups fit (the flat index folds y into x).
// Numerically careful helpers (stable_sigmoid, softplus, ...) come from shaders/stable_math.wgsl,
// prepended by src/ops/elementwise.ts.
// Specialization: OP picks the function (codes match UNARY_OPS in src/ops/elementwise.ts);
// IN_INT / OUT_INT say whether the words hold i32 rather than f32. Math runs in f32.
// Inverse functions outside their domain give NaN (asin, acos, acosh, atanh), and atanh(±1) gives
// ±inf, as NumPy, where WGSL leaves the result undefined.

override OP: u32;
override IN_INT: bool = false;
override OUT_INT: bool = false;

const WORKGROUP_SIZE: u32 = 256u;

struct Params {
  size: u32,
  alpha: f32,
  beta: f32,
  _pad: u32,
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

fn apply(v: f32, bits: u32) -> f32 {
  let nan_input = !IN_INT && is_nan(bitcast<f32>(bits));
  let is_inf_or_nan = !IN_INT && (bits & 0x7f800000u) == 0x7f800000u;
  // NaN in, NaN out, as the CPU reference, for every op but the tests of a value (logicalNot,
  // isNaN, isFinite, cast, signbit, isinf): WGSL's max, min and clamp may return either operand
  // when one is NaN, so relu, relu6, clip, sign and tanh's clamp would hide it.
  if (nan_input && OP != 27u && OP != 28u && OP != 29u && OP != 30u && OP != 43u && OP != 44u) { return v; }
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
    case 10u: { return sin(v); }
    case 11u: { return cos(v); }
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
    case 32u: { return tan(v); }
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
    default: { return v; }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.size) { return; }
  let bits = x[i];
  let v = select(bitcast<f32>(bits), f32(bitcast<i32>(bits)), IN_INT);
  let r = apply(v, bits);
  y[i] = select(bitcast<u32>(r), bitcast<u32>(i32(r)), OUT_INT);
}
