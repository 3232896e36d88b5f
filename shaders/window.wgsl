// Window functions of length M (keras.ops.bartlett, blackman, hamming, hanning, kaiser), the
// symmetric forms of NumPy: with r = n / (M - 1) for element n,
//   bartlett  1 - |2r - 1|
//   hamming   0.54 - 0.46 cos(2 pi r)
//   hanning   0.5 - 0.5 cos(2 pi r)
//   blackman  0.42 - 0.5 cos(2 pi r) + 0.08 cos(4 pi r)
//   kaiser    I0(beta sqrt(1 - (2r - 1)^2)) / I0(beta)
// and [1] when M = 1.
// Bindings: 0 uniform Params, 1 output y (f32).
// Workgroup: 256 invocations, one element each; the grid is 2-D so that more than 65535
// workgroups fit (the flat index folds y into x).
// Accuracy: cosines are taken of arguments reduced to [-pi, pi], where WGSL bounds their error.
// I0 is its power series, sum over k of ((x / 2)^k / k!)^2, started at 1 / I0(beta) (from the
// host, in float64) so that no partial sum exceeds 1: float32 holds it for |beta| up to 80.
// Specialization: MODE picks the window (codes match WINDOWS in src/ops/windows.ts).

override MODE: u32;

const WORKGROUP_SIZE: u32 = 256u;
const MODE_BARTLETT: u32 = 0u;
const MODE_BLACKMAN: u32 = 1u;
const MODE_HAMMING: u32 = 2u;
const MODE_HANNING: u32 = 3u;
const MODE_KAISER: u32 = 4u;
const PI: f32 = 3.14159265358979;
const MAX_SERIES_TERMS: u32 = 1000u;

struct Params {
  size: u32,
  _pad0: u32,
  beta: f32,
  // 1 / I0(beta).
  inverse_i0_beta: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;

/** cos(2 pi t), the argument reduced to [-pi, pi] first: cos(2 pi t) = -cos(pi (2 fract(t) - 1)). */
fn cos_turns(t: f32) -> f32 {
  return -cos(PI * (2.0 * fract(t) - 1.0));
}

/** I0(x) / I0(beta), its series summed from the first term 1 / I0(beta) until the terms vanish. */
fn scaled_i0(x: f32) -> f32 {
  let quarter_square = x * x / 4.0;
  var term = params.inverse_i0_beta;
  var total = term;
  for (var k = 1u; k < MAX_SERIES_TERMS; k++) {
    term *= quarter_square / f32(k * k);
    total += term;
    if (f32(k) > x && term <= total * 1e-9) { break; }
  }
  return total;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let n = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (n >= params.size) { return; }
  // A window of one element is [1], as NumPy's.
  if (params.size == 1u) {
    y[n] = 1.0;
    return;
  }
  let r = f32(n) / f32(params.size - 1u);
  let centered = 2.0 * r - 1.0;
  var value: f32;
  switch MODE {
    case MODE_BARTLETT: { value = 1.0 - abs(centered); }
    case MODE_BLACKMAN: { value = 0.42 - 0.5 * cos_turns(r) + 0.08 * cos_turns(2.0 * r); }
    case MODE_HAMMING: { value = 0.54 - 0.46 * cos_turns(r); }
    case MODE_HANNING: { value = 0.5 - 0.5 * cos_turns(r); }
    case MODE_KAISER, default: { value = scaled_i0(abs(params.beta) * sqrt(max(1.0 - centered * centered, 0.0))); }
  }
  y[n] = value;
}
