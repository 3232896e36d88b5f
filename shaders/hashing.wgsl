// Hash buckets of int32 values, as TensorFlow's string hashing ops compute them for Keras's
// Hashing, lookup and HashedCrossing layers:
//   hash mode:  out[i] = H(decimal digits of values[i]) mod num_buckets, where H is FarmHash's
//               Fingerprint64 (tf.strings.to_hash_bucket_fast of tf.as_string) or, with SALTED,
//               SipHash-2-4 keyed by (key0, key1) (tf.strings.to_hash_bucket_strong);
//   cross mode: out[i] = FingerprintCat64(...FingerprintCat64(key0, int64(values[0, i]))...,
//               int64(values[features - 1, i])) mod num_buckets (tf.sparse.cross_hashed, one
//               value per feature and row: an integer feature's hash is its own value).
// WGSL has no 64-bit integers: a 64-bit word is a vec2<u32> (x: low half, y: high half), and the
// multiplications take the high half of 32x32-bit products from 16-bit pieces. An int32's decimal
// text is at most 11 bytes, so FarmHash takes its short-string path and SipHash one or two blocks.
// Bindings: 0 uniform Params, 1 values (i32; [features, count] in cross mode), 2 out (i32).
// Workgroup: 64 invocations, one output each; the grid is 2-D so that more than 65535 workgroups
// fit (the flat index folds y into x).
// Specialization: CROSS picks cross mode; SALTED picks SipHash in hash mode.

override CROSS: bool = false;
override SALTED: bool = false;

const WORKGROUP_SIZE: u32 = 64u;
const MAX_DIGITS: u32 = 11u;

struct Params {
  count: u32,
  features: u32,
  num_buckets: u32,
  _pad0: u32,
  // SipHash's key (SALTED), or cross mode's starting hash in key0.
  key0: vec2<u32>,
  key1: vec2<u32>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> values: array<i32>;
@group(0) @binding(2) var<storage, read_write> out: array<i32>;

// FarmHash's primes between 2^63 and 2^64, and its and FingerprintCat64's multipliers.
const K0 = vec2<u32>(0x97cb3127u, 0xc3a5c85cu);
const K2 = vec2<u32>(0x2f90404fu, 0x9ae16a3bu);
const CAT_MUL = vec2<u32>(0x5bd1e995u, 0xc6a4a793u);

fn add64(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  let low = a.x + b.x;
  return vec2<u32>(low, a.y + b.y + select(0u, 1u, low < a.x));
}

// The high 32 bits of the 64-bit product a * b.
fn mul_high32(a: u32, b: u32) -> u32 {
  let a0 = a & 0xffffu;
  let a1 = a >> 16u;
  let b0 = b & 0xffffu;
  let b1 = b >> 16u;
  let p01 = a0 * b1;
  let p10 = a1 * b0;
  let middle = ((a0 * b0) >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  return a1 * b1 + (p01 >> 16u) + (p10 >> 16u) + (middle >> 16u);
}

// The low 64 bits of a * b.
fn mul64(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  return vec2<u32>(a.x * b.x, mul_high32(a.x, b.x) + a.x * b.y + a.y * b.x);
}

// Shifts by 1 to 63 bits.
fn shift_right64(a: vec2<u32>, s: u32) -> vec2<u32> {
  if (s >= 32u) { return vec2<u32>(a.y >> (s - 32u), 0u); }
  return vec2<u32>((a.x >> s) | (a.y << (32u - s)), a.y >> s);
}

fn shift_left64(a: vec2<u32>, s: u32) -> vec2<u32> {
  if (s >= 32u) { return vec2<u32>(0u, a.x << (s - 32u)); }
  return vec2<u32>(a.x << s, (a.y << s) | (a.x >> (32u - s)));
}

fn rotate_right64(a: vec2<u32>, s: u32) -> vec2<u32> {
  return shift_right64(a, s) | shift_left64(a, 64u - s);
}

fn rotate_left64(a: vec2<u32>, s: u32) -> vec2<u32> {
  return shift_left64(a, s) | shift_right64(a, 64u - s);
}

fn shift_mix(a: vec2<u32>) -> vec2<u32> {
  return a ^ shift_right64(a, 47u);
}

// a mod n for 0 < n < 2^31: the high word's remainder, then the low word's bits one by one (the
// running remainder stays below n, so doubling it does not overflow).
fn mod64(a: vec2<u32>, n: u32) -> u32 {
  var r = a.y % n;
  for (var bit = 31i; bit >= 0i; bit--) {
    r = (r << 1u) | ((a.x >> u32(bit)) & 1u);
    if (r >= n) { r -= n; }
  }
  return r;
}

// The decimal text of an int32 (tf.as_string), one byte per element, and its length.
struct Digits {
  bytes: array<u32, MAX_DIGITS>,
  length: u32,
}

fn decimal(value: i32) -> Digits {
  var digits: Digits;
  let negative = value < 0;
  // The magnitude as u32 (2147483648 for the most negative int32).
  let magnitude = select(bitcast<u32>(value), 0u - bitcast<u32>(value), negative);
  var count = 1u;
  var rest = magnitude / 10u;
  while (rest > 0u) {
    count++;
    rest /= 10u;
  }
  let start = select(0u, 1u, negative);
  if (negative) { digits.bytes[0] = 45u; }
  rest = magnitude;
  for (var i = 0u; i < count; i++) {
    digits.bytes[start + count - 1u - i] = 48u + rest % 10u;
    rest /= 10u;
  }
  digits.length = start + count;
  return digits;
}

fn fetch32(digits: Digits, offset: u32) -> u32 {
  return digits.bytes[offset] | (digits.bytes[offset + 1u] << 8u) | (digits.bytes[offset + 2u] << 16u) | (digits.bytes[offset + 3u] << 24u);
}

fn fetch64(digits: Digits, offset: u32) -> vec2<u32> {
  return vec2<u32>(fetch32(digits, offset), fetch32(digits, offset + 4u));
}

// FarmHash's Murmur-inspired mix of two words.
fn hash_len16(u: vec2<u32>, v: vec2<u32>, mul: vec2<u32>) -> vec2<u32> {
  var a = mul64(u ^ v, mul);
  a = a ^ shift_right64(a, 47u);
  var b = mul64(v ^ a, mul);
  b = b ^ shift_right64(b, 47u);
  return mul64(b, mul);
}

// FarmHash's Fingerprint64 (farmhashna::Hash64) of 1 to 16 bytes.
fn fingerprint64(digits: Digits) -> vec2<u32> {
  let len = digits.length;
  let mul = add64(K2, vec2<u32>(len * 2u, 0u));
  if (len >= 8u) {
    let a = add64(fetch64(digits, 0u), K2);
    let b = fetch64(digits, len - 8u);
    let c = add64(mul64(rotate_right64(b, 37u), mul), a);
    let d = mul64(add64(rotate_right64(a, 25u), b), mul);
    return hash_len16(c, d, mul);
  }
  if (len >= 4u) {
    let a = shift_left64(vec2<u32>(fetch32(digits, 0u), 0u), 3u);
    return hash_len16(add64(vec2<u32>(len, 0u), a), vec2<u32>(fetch32(digits, len - 4u), 0u), mul);
  }
  let y = vec2<u32>(digits.bytes[0] + (digits.bytes[len >> 1u] << 8u), 0u);
  let z = vec2<u32>(len + (digits.bytes[len - 1u] << 2u), 0u);
  return mul64(shift_mix(mul64(y, K2) ^ mul64(z, K0)), K2);
}

struct SipState {
  v0: vec2<u32>,
  v1: vec2<u32>,
  v2: vec2<u32>,
  v3: vec2<u32>,
}

fn sip_round(s: SipState) -> SipState {
  var t = s;
  t.v0 = add64(t.v0, t.v1);
  t.v1 = rotate_left64(t.v1, 13u) ^ t.v0;
  t.v0 = t.v0.yx;
  t.v2 = add64(t.v2, t.v3);
  t.v3 = rotate_left64(t.v3, 16u) ^ t.v2;
  t.v0 = add64(t.v0, t.v3);
  t.v3 = rotate_left64(t.v3, 21u) ^ t.v0;
  t.v2 = add64(t.v2, t.v1);
  t.v1 = rotate_left64(t.v1, 17u) ^ t.v2;
  t.v2 = t.v2.yx;
  return t;
}

fn sip_compress(s: SipState, m: vec2<u32>) -> SipState {
  var t = s;
  t.v3 = t.v3 ^ m;
  t = sip_round(sip_round(t));
  t.v0 = t.v0 ^ m;
  return t;
}

// SipHash-2-4 keyed by (key0, key1) of up to 11 bytes.
fn sip_hash64(digits: Digits) -> vec2<u32> {
  var s = SipState(
    params.key0 ^ vec2<u32>(0x70736575u, 0x736f6d65u),
    params.key1 ^ vec2<u32>(0x6e646f6du, 0x646f7261u),
    params.key0 ^ vec2<u32>(0x6e657261u, 0x6c796765u),
    params.key1 ^ vec2<u32>(0x79746573u, 0x74656462u),
  );
  let len = digits.length;
  var tail_start = 0u;
  if (len >= 8u) {
    s = sip_compress(s, fetch64(digits, 0u));
    tail_start = 8u;
  }
  // The last block: the remaining bytes, little-endian, and the length in the top byte.
  var last = vec2<u32>(0u, len << 24u);
  for (var i = tail_start; i < len; i++) {
    let shift = 8u * (i - tail_start);
    if (shift < 32u) {
      last.x = last.x | (digits.bytes[i] << shift);
    } else {
      last.y = last.y | (digits.bytes[i] << (shift - 32u));
    }
  }
  s = sip_compress(s, last);
  s.v2 = s.v2 ^ vec2<u32>(0xffu, 0u);
  s = sip_round(sip_round(sip_round(sip_round(s))));
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

// TensorFlow's FingerprintCat64.
fn fingerprint_cat64(first: vec2<u32>, second: vec2<u32>) -> vec2<u32> {
  var result = first ^ CAT_MUL;
  result = result ^ mul64(shift_mix(mul64(second, CAT_MUL)), CAT_MUL);
  result = mul64(result, CAT_MUL);
  result = mul64(shift_mix(result), CAT_MUL);
  return shift_mix(result);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.count) { return; }
  var hash: vec2<u32>;
  if (CROSS) {
    hash = params.key0;
    for (var f = 0u; f < params.features; f++) {
      let value = values[f * params.count + i];
      hash = fingerprint_cat64(hash, vec2<u32>(bitcast<u32>(value), select(0u, 0xffffffffu, value < 0i)));
    }
  } else if (SALTED) {
    hash = sip_hash64(decimal(values[i]));
  } else {
    hash = fingerprint64(decimal(values[i]));
  }
  out[i] = i32(mod64(hash, params.num_buckets));
}
