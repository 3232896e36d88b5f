// Gamma, Beta and Binomial samples from the counter-based generator of random.wgsl, which this
// file is appended to: it uses that file's Params block (size, seed), output y, random_bits,
// standard_normal and log_positive, and adds one entry point per distribution. Element i of each
// output is a pure function of (seed, i, parameters), mirrored by src/ops/random_distributions.ts
// on the CPU. Rejection loops run a bounded number of tries so every invocation ends; the chance
// of reaching the bound is given at each constant, and what is returned then.
//   gamma_main    y = Gamma(alpha) (Marsaglia & Tsang 2000; for alpha < 1 a Gamma(alpha + 1) sample
//                 times u^(1 / alpha)); binding 2: alpha per element.
//   beta_main     y = Ga / (Ga + Gb) for Ga = Gamma(alpha), Gb = Gamma(beta) from separate draws,
//                 computed as 1 / (1 + exp(log Gb - log Ga)) so tiny gammas (small alphas) do not
//                 give 0 / 0; bindings 2 and 3: alpha and beta per element.
//   binomial_main y = Binomial(n, p) with q = min(p, 1 - p): for n q < 10 inversion (counting
//                 geometric waiting times), else BTRS (Hormann 1993, as TensorFlow and JAX); the
//                 count of the rarer outcome is flipped back when p > 1/2; bindings 2 and 3: counts
//                 (floored) and probabilities per element.
// A parameter outside its domain (alpha or beta not > 0, counts < 0, p outside [0, 1], NaN)
// gives NaN.
// Draws: gamma stream s (0: alpha, 1: beta) uses draws [64 s, 64 s + 64): normals of try t from
// draws 64 s + 2 t and 64 s + 2 t + 1, its uniform from 64 s + 32 + t, the boost uniform from
// 64 s + 48. Binomial: inversion step k uses draw k; BTRS try t draws 2 t and 2 t + 1.
// Workgroup: 256 invocations along x, one element each, as random.wgsl's main.

// Tries per gamma sample; each is accepted with probability 0.95 or more (the least, at alpha = 1), so all 16 fail with probability below 1e-20 (then the sample is d = alpha - 1/3).
const GAMMA_TRIES: u32 = 16u;
const GAMMA_STREAM_DRAWS: u32 = 64u;
// Geometric steps of the inversion; with n q < 10 the count exceeds 63 with probability below 1e-25 (then 63 is returned, capped at n).
const INVERSION_STEPS: u32 = 64u;
// BTRS tries; each is accepted with probability 0.7 or more (the least, at n q = 10), so all 32 fail with probability below 1e-16 (then the mode).
const BTRS_TRIES: u32 = 32u;
const INVERSION_LIMIT: f32 = 10.0;
const NAN_BITS: u32 = 0x7fc00000u;

@group(0) @binding(2) var<storage, read> parameter_a: array<f32>;
@group(0) @binding(3) var<storage, read> parameter_b: array<f32>;

// A uniform strictly inside (0, 1), (2k + 1) 2^-24 for 23 random bits k: exact in f32, finite log.
fn open_uniform(index: u32, draw: u32) -> f32 {
  return f32((random_bits(index, draw) >> 9u) * 2u + 1u) * INV_2_POW_24;
}

// A Gamma(alpha) sample as value * exp(log_scale) (log_scale is 0 unless alpha < 1).
struct GammaSample {
  value: f32,
  log_scale: f32,
}

fn gamma_sample(index: u32, alpha: f32, stream: u32) -> GammaSample {
  let boosted = alpha < 1.0;
  let shape = select(alpha, alpha + 1.0, boosted);
  let d = shape - 1.0 / 3.0;
  let c = 1.0 / sqrt(9.0 * d);
  let first_draw = stream * GAMMA_STREAM_DRAWS;
  var value = d;
  for (var t = 0u; t < GAMMA_TRIES; t++) {
    let x = standard_normal(index, first_draw / 2u + t);
    let v = 1.0 + c * x;
    if (v <= 0.0) {
      continue;
    }
    let v3 = v * v * v;
    let log_u = log_positive(open_uniform(index, first_draw + 32u + t));
    if (log_u < 0.5 * x * x + d - d * v3 + d * log_positive(v3)) {
      value = d * v3;
      break;
    }
  }
  var log_scale = 0.0;
  if (boosted) {
    log_scale = log_positive(open_uniform(index, first_draw + 48u)) / alpha;
  }
  return GammaSample(value, log_scale);
}

fn log_gamma_sample(index: u32, alpha: f32, stream: u32) -> f32 {
  let g = gamma_sample(index, alpha, stream);
  return log_positive(g.value) + g.log_scale;
}

// log(1 + x) for x in (-1, 0], accurate for small |x| (Goldberg's correction of log(1 + x)).
fn log1p_small(x: f32) -> f32 {
  let w = 1.0 + x;
  if (w == 1.0) {
    return x;
  }
  return log_positive(w) * x / (w - 1.0);
}

// Stirling's series tail log(k!) - (k + 1/2) log(k + 1) + (k + 1) - log(2 pi) / 2, tabled below 10.
fn stirling_tail(k: f32) -> f32 {
  var table = array<f32, 10>(0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509, 0.0166446911898211,
                             0.0138761288230707, 0.0118967099458917, 0.0104112652619720, 0.00925546218271273, 0.00833056343336287);
  if (k <= 9.0) {
    return table[u32(k)];
  }
  let kp1sq = (k + 1.0) * (k + 1.0);
  return (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / 1260.0 / kp1sq) / kp1sq) / (k + 1.0);
}

// Binomial(n, q) for n q < 10: the number of geometric(q) waiting times that fit in n trials.
fn binomial_inversion(index: u32, n: f32, q: f32) -> f32 {
  let log_complement = log1p_small(-q);
  var total = 0.0;
  var k = 0u;
  for (; k < INVERSION_STEPS - 1u; k++) {
    total += ceil(log_positive(open_uniform(index, k)) / log_complement);
    if (total > n) {
      break;
    }
  }
  return min(f32(k), n);
}

// Binomial(n, q) for n q >= 10, q <= 1/2: BTRS.
fn binomial_btrs(index: u32, n: f32, q: f32) -> f32 {
  let stddev = sqrt(n * q * (1.0 - q));
  let b = 1.15 + 2.53 * stddev;
  let a = -0.0873 + 0.0248 * b + 0.01 * q;
  let c = n * q + 0.5;
  let v_r = 0.92 - 4.2 / b;
  let r = q / (1.0 - q);
  let alpha = (2.83 + 5.1 / b) * stddev;
  let m = floor((n + 1.0) * q);
  for (var t = 0u; t < BTRS_TRIES; t++) {
    let u = open_uniform(index, 2u * t) - 0.5;
    let v = open_uniform(index, 2u * t + 1u);
    let us = 0.5 - abs(u);
    let k = floor((2.0 * a / us + b) * u + c);
    if (us >= 0.07 && v <= v_r) {
      return k;
    }
    if (k < 0.0 || k > n) {
      continue;
    }
    let log_v = log_positive(v * alpha / (a / (us * us) + b));
    let bound = (m + 0.5) * log_positive((m + 1.0) / (r * (n - m + 1.0))) + (n + 1.0) * log_positive((n - m + 1.0) / (n - k + 1.0)) +
      (k + 0.5) * log_positive(r * (n - k + 1.0) / (k + 1.0)) + stirling_tail(m) + stirling_tail(n - m) - stirling_tail(k) - stirling_tail(n - k);
    if (log_v <= bound) {
      return k;
    }
  }
  return m;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn gamma_main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.size) { return; }
  let alpha = parameter_a[i];
  if (!(alpha > 0.0)) {
    y[i] = NAN_BITS;
    return;
  }
  let g = gamma_sample(i, alpha, 0u);
  y[i] = bitcast<u32>(g.value * exp(g.log_scale));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn beta_main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.size) { return; }
  let alpha = parameter_a[i];
  let beta = parameter_b[i];
  if (!(alpha > 0.0 && beta > 0.0)) {
    y[i] = NAN_BITS;
    return;
  }
  let log_ratio = log_gamma_sample(i, beta, 1u) - log_gamma_sample(i, alpha, 0u);
  y[i] = bitcast<u32>(1.0 / (1.0 + exp(log_ratio)));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn binomial_main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.size) { return; }
  let n = floor(parameter_a[i]);
  let p = parameter_b[i];
  if (!(n >= 0.0 && p >= 0.0 && p <= 1.0)) {
    y[i] = NAN_BITS;
    return;
  }
  let flipped = p > 0.5;
  let q = select(p, 1.0 - p, flipped);
  var k = 0.0;
  if (q > 0.0 && n > 0.0) {
    if (n * q < INVERSION_LIMIT) {
      k = binomial_inversion(i, n, q);
    } else {
      k = binomial_btrs(i, n, q);
    }
  }
  y[i] = bitcast<u32>(select(k, n - k, flipped));
}
