// Element-wise binary ops with NumPy broadcasting: out[i] = f(a[ia], b[ib]).
// Bindings: 0 uniform Params, 1 a, 2 b, 3 out (raw 32-bit words).
// Workgroup: 256 invocations, one output element each, 2-D grid folded into a flat index.
// Specialization: OP picks the function (codes match BINARY_OPS in src/ops/elementwise.ts).
// A_MODE / B_MODE: 0 = same shape as the output (read at i), 1 = broadcast (index through the
// output coordinates and the operand's strides, 0 on broadcast dimensions), 2 = a scalar held in
// the uniform block (a plain number operand; its binding is a placeholder), 3 = repeated along
// leading dimensions (read at i % modulus: a bias [C] added to [N, C]), 4 = stretched along
// trailing dimensions (read at i / divisor: a [N, 1] column against [N, C]). Modes 3 and 4 skip
// the per-dimension index arithmetic of mode 1.
// A_INT / B_INT / OUT_INT say whether words hold i32 rather than f32. Math runs in f32, except
// for int32 div, floorDivide and mod, which run in i32 so that they are exact over the whole range.
// log1p_accurate and is_nan come from shaders/stable_math.wgsl, prepended by src/ops/elementwise.ts.

override OP: u32;
override A_MODE: u32 = 0u;
override B_MODE: u32 = 0u;
override A_INT: bool = false;
override B_INT: bool = false;
override OUT_INT: bool = false;

const WORKGROUP_SIZE: u32 = 256u;

struct Params {
  size: u32,
  rank: u32,
  a_scalar: f32,
  b_scalar: f32,
  a_modulus: u32,
  a_divisor: u32,
  b_modulus: u32,
  b_divisor: u32,
  out_shape: array<vec4<u32>, 2>,
  a_strides: array<vec4<u32>, 2>,
  b_strides: array<vec4<u32>, 2>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<u32>;
@group(0) @binding(2) var<storage, read> b: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<u32>;

fn as_f32(bits: u32, is_int: bool) -> f32 {
  return select(bitcast<f32>(bits), f32(bitcast<i32>(bits)), is_int);
}

// A NaN and +inf built at run time (WGSL rejects non-finite constants).
var<private> nan_bits: u32 = 0x7fc00000u;
var<private> inf_bits: u32 = 0x7f800000u;

// Truthiness as NumPy's bool(x): nonzero, NaN included. From the bits, because WGSL lets an
// implementation assume no NaN in comparisons (x != 0.0 may be false for a NaN).
fn truthy(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7fffffffu) != 0u;
}

// base ** exponent with IEEE 754's special cases (those of JavaScript's Math.pow, the CPU
// reference). WGSL's pow is exp2(exponent * log2(base)), defined for a finite base > 0 only, so
// zeros, infinities and negative bases are handled here; an odd integer exponent keeps the sign
// of the base (pow(-0, 3) = -0, pow(-inf, -3) = -0).
fn pow_ieee(base: f32, exponent: f32) -> f32 {
  if (exponent == 0.0 || base == 1.0) { return 1.0; }
  let infinity = bitcast<f32>(inf_bits);
  let magnitude_of_base = abs(base);
  let infinite_exponent = abs(exponent) == infinity;
  let integer_exponent = !infinite_exponent && floor(exponent) == exponent;
  // Beyond 2^24 every f32 is even, and halving is exact: half is a whole number unless odd.
  let half = abs(exponent) * 0.5;
  let odd_exponent = integer_exponent && floor(half) != half;
  var magnitude: f32;
  if (infinite_exponent) {
    if (magnitude_of_base == 1.0) { return bitcast<f32>(nan_bits); }
    magnitude = select(0.0, infinity, (magnitude_of_base > 1.0) == (exponent > 0.0));
  } else if (magnitude_of_base == 0.0 || magnitude_of_base == infinity) {
    magnitude = select(0.0, infinity, (magnitude_of_base == 0.0) == (exponent < 0.0));
  } else {
    if (base < 0.0 && !integer_exponent) { return bitcast<f32>(nan_bits); }
    magnitude = pow(magnitude_of_base, exponent);
  }
  let negative = odd_exponent && (bitcast<u32>(base) & 0x80000000u) != 0u;
  return select(magnitude, -magnitude, negative);
}

// Floor modulo of f32 as NumPy's mod: the sign of y, and a zero remainder signed as y. An
// infinite y leaves a finite x of its sign (the quotient is 0) and gives y itself for a finite x
// of the other sign (the quotient is -1); the formula would give inf * 0 = NaN.
fn floor_mod(x: f32, y: f32) -> f32 {
  var r = x - floor(x / y) * y;
  let x_finite = (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
  let y_infinite = (bitcast<u32>(y) & 0x7fffffffu) == 0x7f800000u;
  if (x_finite && y_infinite) { r = select(y, x, x == 0.0 || (x < 0.0) == (y < 0.0)); }
  if ((bitcast<u32>(r) & 0x7fffffffu) == 0u) { r = bitcast<f32>(bitcast<u32>(y) & 0x80000000u); }
  return r;
}

// int32 floor division (OP 3, div, and 17, floorDivide) or floor modulo (OP 18), exact in i32;
// a division by 0 gives 0, as NumPy's integer ops. WGSL defines i32 / and % on overflow
// (-2^31 / -1 is -2^31, -2^31 % -1 is 0), matching the CPU's wrap-around.
fn apply_int(x: i32, y: i32) -> i32 {
  if (y == 0) { return 0; }
  let remainder = x % y;
  let signs_differ = remainder != 0 && ((remainder < 0) != (y < 0));
  if (OP == 18u) { return select(remainder, remainder + y, signs_differ); }
  let quotient = x / y;
  return select(quotient, quotient - 1, signs_differ);
}

// sqrt(x^2 + y^2) scaled by the larger magnitude, so that neither squares overflow nor underflow.
fn hypot_scaled(x: f32, y: f32) -> f32 {
  let big = max(abs(x), abs(y));
  let small = min(abs(x), abs(y));
  if (big == 0.0 || small == 0.0 || bitcast<u32>(big) == 0x7f800000u) { return big; }
  let ratio = small / big;
  return big * sqrt(1.0 + ratio * ratio);
}

// log(exp(x) + exp(y)) without overflow; equal operands (infinite ones included) give x + log 2.
fn log_add_exp(x: f32, y: f32) -> f32 {
  if (x == y) { return x + 0.6931471805599453; }
  return max(x, y) + log1p_accurate(exp(-abs(x - y)));
}

// The result of OP for a NaN operand where the formula in `apply` would not give IEEE's: false
// comparisons but notEqual, NaN from max and min (WGSL leaves both to the implementation, and
// SwiftShader's max(NaN, y) gives y), NaN from arctan2, hypot, logaddexp and pow (whose formulas
// call max, abs and exp), but pow(x, 0) = pow(1, y) = 1, and hypot of an infinity is +inf.
fn nan_operand_result(x: f32, y: f32) -> f32 {
  if (OP == 20u && (abs(x) == bitcast<f32>(inf_bits) || abs(y) == bitcast<f32>(inf_bits))) { return bitcast<f32>(inf_bits); }
  if (OP == 4u && ((!is_nan(y) && y == 0.0) || (!is_nan(x) && x == 1.0))) { return 1.0; }
  if (OP >= 7u && OP <= 12u) { return select(0.0, 1.0, OP == 8u); }
  return bitcast<f32>(nan_bits);
}

fn apply(x: f32, y: f32) -> f32 {
  // OP is a pipeline constant: the other ops compile without these tests.
  let nan_sensitive = OP == 4u || (OP >= 5u && OP <= 12u) || (OP >= 19u && OP <= 21u);
  if (nan_sensitive && (is_nan(x) || is_nan(y))) { return nan_operand_result(x, y); }
  switch OP {
    case 0u: { return x + y; }
    case 1u: { return x - y; }
    case 2u: { return x * y; }
    case 3u: { return x / y; }
    case 4u: { return pow_ieee(x, y); }
    case 5u: { return max(x, y); }
    case 6u: { return min(x, y); }
    case 7u: { return select(0.0, 1.0, x == y); }
    case 8u: { return select(0.0, 1.0, x != y); }
    case 9u: { return select(0.0, 1.0, x > y); }
    case 10u: { return select(0.0, 1.0, x >= y); }
    case 11u: { return select(0.0, 1.0, x < y); }
    case 12u: { return select(0.0, 1.0, x <= y); }
    case 13u: { return select(0.0, 1.0, truthy(x) && truthy(y)); }
    case 14u: { return select(0.0, 1.0, truthy(x) || truthy(y)); }
    case 15u: { return (x - y) * (x - y); }
    case 16u: { return select(x / y, 0.0, y == 0.0); }
    case 17u: { return floor(x / y); }
    case 18u: { return floor_mod(x, y); }
    case 19u: { return atan2(x, y); }
    case 20u: { return hypot_scaled(x, y); }
    case 21u: { return log_add_exp(x, y); }
    case 22u: { return select(0.0, 1.0, truthy(x) != truthy(y)); }
    default: { return x; }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.size) { return; }
  var ia = i;
  var ib = i;
  if (A_MODE == 1u || B_MODE == 1u) {
    var strided_a = 0u;
    var strided_b = 0u;
    var rest = i;
    for (var d = i32(params.rank) - 1; d >= 0; d--) {
      let dim = u32(d);
      let extent = params.out_shape[dim / 4u][dim % 4u];
      let coord = rest % extent;
      rest = rest / extent;
      strided_a += coord * params.a_strides[dim / 4u][dim % 4u];
      strided_b += coord * params.b_strides[dim / 4u][dim % 4u];
    }
    if (A_MODE == 1u) { ia = strided_a; }
    if (B_MODE == 1u) { ib = strided_b; }
  }
  if (A_MODE == 3u) { ia = i % params.a_modulus; }
  if (A_MODE == 4u) { ia = i / params.a_divisor; }
  if (B_MODE == 3u) { ib = i % params.b_modulus; }
  if (B_MODE == 4u) { ib = i / params.b_divisor; }
  var x = params.a_scalar;
  if (A_MODE != 2u) { x = as_f32(a[ia], A_INT); }
  var y = params.b_scalar;
  if (B_MODE != 2u) { y = as_f32(b[ib], B_INT); }
  // An int32 result of div, floorDivide or mod: both operands are int32 tensors or integers.
  if (OUT_INT && (OP == 3u || OP == 17u || OP == 18u)) {
    var xi = i32(x);
    if (A_MODE != 2u && A_INT) { xi = bitcast<i32>(a[ia]); }
    var yi = i32(y);
    if (B_MODE != 2u && B_INT) { yi = bitcast<i32>(b[ib]); }
    out[i] = bitcast<u32>(apply_int(xi, yi));
    return;
  }
  let r = apply(x, y);
  out[i] = select(bitcast<u32>(r), bitcast<u32>(i32(r)), OUT_INT);
}
