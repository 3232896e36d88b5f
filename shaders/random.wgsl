// Seeded random tensors from a counter-based generator: element i of draw number d is a pure
// function of (seed, i, d), so any invocation order (and the CPU backend, which reproduces the u32
// arithmetic with Math.imul) gives the same values.
// Bits: two rounds of the PCG hash of Jarzynski & Olano ("Hash Functions for GPU Rendering", 2020)
// over the element index, keyed by a hash of (seed, draw); only u32 multiply, xor, add and shift.
// Distributions (DIST, codes match DISTRIBUTIONS in src/ops/random.ts):
//   0 uniform float in [low, low + scale): 24 random bits scaled by 2^-24, then low + u * scale;
//   1 uniform int32 in [int_low, int_low + int_range): bits modulo int_range;
//   2 normal: Box-Muller on draws 0 and 1, then low + scale * z (low = mean, scale = stddev);
//   3 truncated normal: as 2, but a z with |z| > 2 is redrawn from draws 2r and 2r + 1 in round r,
//     up to TRUNCATION_ROUNDS rounds; a value still outside after the last round is clamped;
//   4 standard Gumbel: -log(-log(u)) with u = (2k + 1) 2^-24 for 23 random bits k, so u lies
//     strictly inside (0, 1) and is exact in f32 (no infinite noise).
// log and cos are evaluated with polynomials below rather than the WGSL builtins, whose allowed
// error (2^-11 absolute for cos) would make GPU and CPU normals differ by more than 1e-4.
// Gamma, Beta and Binomial samplers (shaders/random_distributions.wgsl) are appended to this file
// and share its generator, Params and output.
// Bindings: 0 uniform Params, 1 output y (raw 32-bit words: f32, or i32 when DIST is 1).
// Workgroup: 256 invocations along x, one element each, 2-D grid folded into a flat index.

override DIST: u32;

const WORKGROUP_SIZE: u32 = 256u;
const TRUNCATION_ROUNDS: u32 = 8u;
const TRUNCATION_BOUND: f32 = 2.0;
const INV_2_POW_24: f32 = 5.9604644775390625e-8;
const LN_2: f32 = 0.6931471805599453;
const SQRT_HALF: f32 = 0.7071067811865476;
const TWO_PI: f32 = 6.283185307179586;

struct Params {
  size: u32,
  seed: u32,
  low: f32,
  scale: f32,
  int_low: i32,
  int_range: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> y: array<u32>;

fn pcg_hash(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

fn random_bits(index: u32, draw: u32) -> u32 {
  let key = pcg_hash(params.seed + pcg_hash(draw));
  return pcg_hash(pcg_hash(index ^ key) + key);
}

// Natural log of u > 0: u = m * 2^e with m in [sqrt(1/2), sqrt(2)), log(m) = 2 atanh(s) with
// s = (m - 1) / (m + 1), |s| < 0.172, so five terms of the series reach float32 precision.
fn log_positive(u: f32) -> f32 {
  let parts = frexp(u);
  var m = parts.fract;
  var e = f32(parts.exp);
  if (m < SQRT_HALF) {
    m = m * 2.0;
    e = e - 1.0;
  }
  let s = (m - 1.0) / (m + 1.0);
  let s2 = s * s;
  let series = s * (2.0 + s2 * (2.0 / 3.0 + s2 * (2.0 / 5.0 + s2 * (2.0 / 7.0 + s2 * (2.0 / 9.0)))));
  return e * LN_2 + series;
}

// cos(2 pi u) for u in [0, 1): reduced to an angle in [0, pi / 2] and a Taylor polynomial of
// degree 12 (truncation error below 1e-8).
fn cos_two_pi(u: f32) -> f32 {
  var w = abs(u - round(u));
  var sign = 1.0;
  if (w > 0.25) {
    w = 0.5 - w;
    sign = -1.0;
  }
  let x = TWO_PI * w;
  let x2 = x * x;
  let c = 1.0 + x2 * (-1.0 / 2.0 + x2 * (1.0 / 24.0 + x2 * (-1.0 / 720.0 + x2 * (1.0 / 40320.0 + x2 * (-1.0 / 3628800.0 + x2 * (1.0 / 479001600.0))))));
  return sign * c;
}

// A standard normal from draws 2 * round and 2 * round + 1 (Box-Muller).
fn standard_normal(index: u32, round: u32) -> f32 {
  let u1 = (f32(random_bits(index, 2u * round) >> 8u) + 1.0) * INV_2_POW_24;
  let u2 = f32(random_bits(index, 2u * round + 1u) >> 8u) * INV_2_POW_24;
  return sqrt(-2.0 * log_positive(u1)) * cos_two_pi(u2);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.size) { return; }
  switch DIST {
    case 0u: {
      let u = f32(random_bits(i, 0u) >> 8u) * INV_2_POW_24;
      y[i] = bitcast<u32>(params.low + u * params.scale);
    }
    case 1u: {
      y[i] = bitcast<u32>(params.int_low + i32(random_bits(i, 0u) % params.int_range));
    }
    case 2u: {
      y[i] = bitcast<u32>(params.low + params.scale * standard_normal(i, 0u));
    }
    case 4u: {
      let u = f32((random_bits(i, 0u) >> 9u) * 2u + 1u) * INV_2_POW_24;
      y[i] = bitcast<u32>(-log_positive(-log_positive(u)));
    }
    default: {
      var z = standard_normal(i, 0u);
      for (var round = 1u; round < TRUNCATION_ROUNDS && abs(z) > TRUNCATION_BOUND; round++) {
        z = standard_normal(i, round);
      }
      z = clamp(z, -TRUNCATION_BOUND, TRUNCATION_BOUND);
      y[i] = bitcast<u32>(params.low + params.scale * z);
    }
  }
}
