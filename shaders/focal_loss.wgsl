// Sigmoid focal loss (Lin et al. 2017, in the form of the widely used TensorFlow implementation),
// element-wise, fused: the loss or its derivative with respect to the logit in one kernel.
// With p = clip(sigmoid(x), min_p, 1) and q = 1 - sigmoid(x):
//   label z > 0: loss = -alpha * (z - p)^gamma * log(p)
//   otherwise:   loss = -(1 - alpha) * p^gamma * log(1 - p)
// Stable forms: log(p) = -softplus(-x), log(1 - p) = -softplus(x), z - p = (z - 1) + q. The clip
// is active exactly when x < min_logit = logit(min_p); p and both logs are then the constants of
// the uniform block and the derivative is 0.
// Derivatives (dp/dx = p q):
//   z > 0:     alpha * q * (gamma * (z - p)^(gamma - 1) * p * log(p) - (z - p)^gamma)
//   otherwise: (1 - alpha) * p^gamma * (p - gamma * q * log(1 - p))
// Bindings: 0 uniform Params, 1 labels (raw 32-bit words), 2 logits (raw 32-bit words), 3 out (f32).
// Workgroup: 256 invocations, one element each, 2-D grid folded into a flat index.
// Specialization: GRADIENT picks the derivative; LABELS_INT / LOGITS_INT say the words hold i32.

override GRADIENT: bool = false;
override LABELS_INT: bool = false;
override LOGITS_INT: bool = false;

const WORKGROUP_SIZE: u32 = 256u;

struct Params {
  size: u32,
  alpha: f32,
  gamma: f32,
  // The clip's constants, computed once in TypeScript so both backends use the same f32 values.
  min_logit: f32,
  min_p: f32,
  log_min_p: f32,
  log1m_min_p: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> labels: array<u32>;
@group(0) @binding(2) var<storage, read> logits: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

// Infinity and NaN built at run time (WGSL rejects non-finite constants).
var<private> infinity_bits: u32 = 0x7f800000u;
var<private> nan_bits: u32 = 0x7fc00000u;

fn as_f32(bits: u32, is_int: bool) -> f32 {
  return select(bitcast<f32>(bits), f32(bitcast<i32>(bits)), is_int);
}

// base^e with the cases WGSL's pow leaves undefined: a zero base, and a negative base (defined
// for integer exponents only, NaN otherwise), as Math.pow.
fn power(base: f32, e: f32) -> f32 {
  if (e == 0.0) { return 1.0; }
  if (base == 0.0) { return select(bitcast<f32>(infinity_bits), 0.0, e > 0.0); }
  if (base > 0.0) { return pow(base, e); }
  if (floor(e) != e) { return bitcast<f32>(nan_bits); }
  let magnitude = pow(-base, e);
  return select(magnitude, -magnitude, (abs(e) % 2.0) == 1.0);
}

fn focal(z: f32, x: f32) -> f32 {
  let alpha = params.alpha;
  let gamma = params.gamma;
  let clipped = x < params.min_logit;
  if (GRADIENT && clipped) { return 0.0; }
  let p = select(stable_sigmoid(x), params.min_p, clipped);
  let q = stable_sigmoid(-x);
  if (z > 0.0) {
    let log_p = select(-softplus(-x), params.log_min_p, clipped);
    let d = select((z - 1.0) + q, z - params.min_p, clipped);
    if (!GRADIENT) { return -alpha * power(d, gamma) * log_p; }
    // gamma = 0 drops the first term (avoiding 0 * inf when d = 0).
    let slope = select(gamma * power(d, gamma - 1.0) * p * log_p, 0.0, gamma == 0.0);
    return alpha * q * (slope - power(d, gamma));
  }
  let log_1mp = select(-softplus(x), params.log1m_min_p, clipped);
  if (!GRADIENT) { return -(1.0 - alpha) * power(p, gamma) * log_1mp; }
  return (1.0 - alpha) * power(p, gamma) * (p - gamma * q * log_1mp);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.size) { return; }
  out[i] = focal(as_f32(labels[i], LABELS_INT), as_f32(logits[i], LOGITS_INT));
}
