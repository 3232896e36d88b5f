// Reductions over any set of axes: out[o] folds every input element that shares output o's kept
// coordinates (sum, mean, prod, max, min, all, any, logSumExp, argMax, argMin).
// Bindings: 0 uniform Params, 1 x (raw 32-bit words), 2 out (raw 32-bit words).
// Addressing: the kept/reduced group layout of shaders/reduction_layout.wgsl, which is prepended
// (uniforms, input binding, kept_offset/reduced_offset); the input is read in place.
// Entry points (src/ops/reduction_layout.ts picks: per_thread for short reductions, or up to 2048
// elements when there are many outputs):
//   per_thread: 64 invocations, one output each, walking its short reduction alone.
//   per_workgroup: one workgroup of 64 per output; each invocation folds every 64th element, then
//     a 6-round tree in workgroup memory combines the 64 partial states. Few invocations that each
//     fold many elements keep barrier rounds few (barriers are very costly on CPU implementations
//     such as SwiftShader) while the grid still spans one workgroup per output.
// Every op is a State with an identity, a merge (associative; used both to fold one element and
// to combine partials) and a finish that writes the output word.
// Specialization: OP picks the op (codes match REDUCE_OPS in src/ops/reduce.ts); IN_INT says the
// input words hold i32 (sum, prod, max and min then stay in exact i32 arithmetic).

override OP: u32;

const OP_SUM: u32 = 0u;
const OP_MEAN: u32 = 1u;
const OP_PROD: u32 = 2u;
const OP_MAX: u32 = 3u;
const OP_MIN: u32 = 4u;
const OP_ALL: u32 = 5u;
const OP_ANY: u32 = 6u;
const OP_LOG_SUM_EXP: u32 = 7u;
const OP_ARG_MAX: u32 = 8u;
const OP_ARG_MIN: u32 = 9u;

@group(0) @binding(2) var<storage, read_write> out: array<u32>;

// Infinities built at run time (WGSL rejects non-finite constants).
var<private> positive_infinity_bits: u32 = 0x7f800000u;
var<private> negative_infinity_bits: u32 = 0xff800000u;

const NO_INDEX: u32 = 0xffffffffu;
const I32_MIN: i32 = -2147483647 - 1;
const I32_MAX: i32 = 2147483647;

// value: the float accumulator (sum, product, extreme, 0/1 flag; logSumExp: the running max).
// scaled_sum: logSumExp's sum of exp(x - value). int_value: the i32 accumulator for int32 inputs.
// index: the arg ops' reduced index of the extreme (NO_INDEX before any element).
struct State {
  value: f32,
  scaled_sum: f32,
  int_value: i32,
  index: u32,
}

fn is_nan(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
}

fn identity() -> State {
  let pos_inf = bitcast<f32>(positive_infinity_bits);
  let neg_inf = bitcast<f32>(negative_infinity_bits);
  switch OP {
    case OP_PROD, OP_ALL: { return State(1.0, 0.0, 1, NO_INDEX); }
    case OP_MAX, OP_LOG_SUM_EXP, OP_ARG_MAX: { return State(neg_inf, 0.0, I32_MIN, NO_INDEX); }
    case OP_MIN, OP_ARG_MIN: { return State(pos_inf, 0.0, I32_MAX, NO_INDEX); }
    default: { return State(0.0, 0.0, 0, NO_INDEX); }
  }
}

// The state of one element, the r-th of its reduction.
fn element(bits: u32, r: u32) -> State {
  let v = select(bitcast<f32>(bits), f32(bitcast<i32>(bits)), IN_INT);
  var value = v;
  if (OP == OP_ALL || OP == OP_ANY) {
    // True unless +0 or -0 (NaN is true, as NumPy), from the bits: WGSL lets an implementation
    // assume no NaN in comparisons, so v != 0.0 may be false for a NaN.
    value = select(0.0, 1.0, select((bits & 0x7fffffffu) != 0u, bits != 0u, IN_INT));
  }
  return State(value, 1.0, bitcast<i32>(bits), r);
}

// max and min that return a NaN operand (WGSL's built-ins leave NaN unspecified).
fn max_propagating(a: f32, b: f32) -> f32 {
  return select(b, a, is_nan(a) || a >= b);
}

fn min_propagating(a: f32, b: f32) -> f32 {
  return select(b, a, is_nan(a) || a <= b);
}

// Whether candidate b beats the incumbent a for argMax (or argMin when `smallest`): NaN beats
// numbers, as in NumPy, and ties go to the lower index.
fn arg_better(a: State, b: State, smallest: bool) -> bool {
  if (b.index == NO_INDEX) { return false; }
  if (a.index == NO_INDEX) { return true; }
  let earlier = b.index < a.index;
  if (IN_INT) {
    if (a.int_value == b.int_value) { return earlier; }
    return select(b.int_value > a.int_value, b.int_value < a.int_value, smallest);
  }
  let a_nan = is_nan(a.value);
  let b_nan = is_nan(b.value);
  if (a_nan || b_nan) { return b_nan && (!a_nan || earlier); }
  if (a.value == b.value) { return earlier; }
  return select(b.value > a.value, b.value < a.value, smallest);
}

// Combines two partial logSumExp states (running max m, sum of exp(x - m)) around the larger max.
// Equal maxima add directly so that infinite maxima do not produce inf - inf. A NaN element makes
// the max NaN and stays there (explicitly: CPU implementations do not all propagate NaN through exp).
fn merge_log_sum_exp(a: State, b: State) -> State {
  if (is_nan(a.value)) { return a; }
  if (is_nan(b.value)) { return b; }
  if (a.value == b.value) { return State(a.value, a.scaled_sum + b.scaled_sum, 0, NO_INDEX); }
  if (a.value > b.value) { return State(a.value, a.scaled_sum + b.scaled_sum * exp(b.value - a.value), 0, NO_INDEX); }
  return State(b.value, b.scaled_sum + a.scaled_sum * exp(a.value - b.value), 0, NO_INDEX);
}

fn merge(a: State, b: State) -> State {
  switch OP {
    case OP_SUM, OP_MEAN: { return State(a.value + b.value, 0.0, a.int_value + b.int_value, NO_INDEX); }
    case OP_PROD: { return State(a.value * b.value, 0.0, a.int_value * b.int_value, NO_INDEX); }
    case OP_MAX: { return State(max_propagating(a.value, b.value), 0.0, max(a.int_value, b.int_value), NO_INDEX); }
    case OP_MIN: { return State(min_propagating(a.value, b.value), 0.0, min(a.int_value, b.int_value), NO_INDEX); }
    case OP_ALL: { return State(min(a.value, b.value), 0.0, 0, NO_INDEX); }
    case OP_ANY: { return State(max(a.value, b.value), 0.0, 0, NO_INDEX); }
    case OP_LOG_SUM_EXP: { return merge_log_sum_exp(a, b); }
    case OP_ARG_MAX, OP_ARG_MIN: {
      if (arg_better(a, b, OP == OP_ARG_MIN)) { return b; }
      return a;
    }
    default: { return a; }
  }
}

fn finish(s: State) -> u32 {
  switch OP {
    case OP_MEAN: { return bitcast<u32>(s.value * params.scale); }
    case OP_ALL, OP_ANY: { return u32(s.value); }
    case OP_LOG_SUM_EXP: { return select(bitcast<u32>(log(s.scaled_sum) + s.value), bitcast<u32>(s.value), is_nan(s.value)); }
    case OP_ARG_MAX, OP_ARG_MIN: { return s.index; }
    default: { return select(bitcast<u32>(s.value), bitcast<u32>(s.int_value), IN_INT); }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn per_thread(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let o = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (o >= params.out_size) { return; }
  let base = kept_offset(o);
  var state = identity();
  for (var r = 0u; r < params.reduced_size; r++) {
    state = merge(state, element(x[base + reduced_offset(r)], r));
  }
  out[o] = finish(state);
}

var<workgroup> partials: array<State, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn per_workgroup(@builtin(local_invocation_index) lane: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let o = wid.x + wid.y * groups.x;
  if (o >= params.out_size) { return; }
  let base = kept_offset(o);
  var state = identity();
  for (var r = lane; r < params.reduced_size; r += WORKGROUP_SIZE) {
    state = merge(state, element(x[base + reduced_offset(r)], r));
  }
  partials[lane] = state;
  for (var step = WORKGROUP_SIZE / 2u; step > 0u; step >>= 1u) {
    workgroupBarrier();
    if (lane < step) { partials[lane] = merge(partials[lane], partials[lane + step]); }
  }
  if (lane == 0u) { out[o] = finish(partials[0]); }
}
