// Long Fourier transforms (more points than the DFT-matrix path of src/ops/fft.ts takes): rows of
// complex values stored as two planar f32 arrays, real and imaginary, `batch` rows of `length`.
//   entry point `stockham_pass`:     one radix-2 pass of a Stockham FFT (length a power of two):
//                                    with s = stride (the length of the sub-transforms already
//                                    done) and j < length / 2, k = j mod s,
//                                    a = src[j], b = src[j + length/2] · w^k (w = e^(∓2πi/2s)),
//                                    dst[2(j - k) + k] = (a + b)·scale, dst[2(j - k) + k + s] = (a - b)·scale.
//                                    log2(length) passes, s = 1, 2, 4, ..., ping-ponging between
//                                    buffers, leave the transform in natural order (no bit reversal).
//   entry point `chirp_in`:          Bluestein's first step: dst[t] = src[t]·table[t] for t <
//                                    signal_length, 0 up to length (src rows hold signal_length values).
//   entry point `spectrum_multiply`: dst[t] = src[t]·table[t] (the chirp's spectrum, for the convolution).
//   entry point `chirp_out`:         Bluestein's last step: dst[k] = src[k]·table[k]·scale for k <
//                                    signal_length (dst rows hold signal_length values).
// Every factor (twiddles, chirps, spectra) comes from a table the host computed in float64 and
// rounded to f32: WGSL's own cos and sin may be off by ~1e-4 (SwiftShader), which would dominate
// the error of a long transform.
// Bindings: 0 uniform Params, 1 src_real, 2 src_imag (f32, read), 3 dst_real, 4 dst_imag (f32,
// written), 5 table (vec2<f32> complex values: twiddles cos, sin of 2πm/length for m < length/2,
// or the chirp / its spectrum, already signed).
// Workgroup: 256 invocations, one butterfly (or one element) each, over all rows at once; the grid
// is 2-D so that more than 65535 workgroups fit (the flat index folds y into x). Consecutive
// invocations take consecutive j, so their loads and (pairs of) stores are adjacent.

const WORKGROUP_SIZE: u32 = 256u;

struct Params {
  batch: u32,
  // Points of the transform this dispatch works on (for Bluestein: the padded power of two).
  length: u32,
  // stockham_pass: the length of the sub-transforms the previous passes produced.
  stride: u32,
  // chirp_in, chirp_out: the points of the signal (the rows of src, resp. dst, hold this many).
  signal_length: u32,
  // Multiplies what is written (1 except on a last pass or chirp_out of a normalized transform).
  scale: f32,
  // The sign of the twiddles' imaginary parts: -1 forward, +1 inverse.
  direction: f32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src_real: array<f32>;
@group(0) @binding(2) var<storage, read> src_imag: array<f32>;
@group(0) @binding(3) var<storage, read_write> dst_real: array<f32>;
@group(0) @binding(4) var<storage, read_write> dst_imag: array<f32>;
@group(0) @binding(5) var<storage, read> table: array<vec2<f32>>;

fn flat_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WORKGROUP_SIZE;
}

fn complex_multiply(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}

fn load_source(index: u32) -> vec2<f32> {
  return vec2<f32>(src_real[index], src_imag[index]);
}

fn store_target(index: u32, value: vec2<f32>) {
  dst_real[index] = value.x;
  dst_imag[index] = value.y;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn stockham_pass(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = flat_index(gid, groups);
  let half_length = params.length / 2u;
  if (id >= params.batch * half_length) { return; }
  let row = id / half_length;
  let j = id - row * half_length;
  let base = row * params.length;
  let stride = params.stride;
  // stride is a power of two: k = j mod stride.
  let k = j & (stride - 1u);
  // w^k = e^(∓2πi·k/(2·stride)) = e^(∓2πi·m/length) with m = k·length/(2·stride) < length/2.
  let twiddle = table[k * (half_length / stride)];
  let w = vec2<f32>(twiddle.x, params.direction * twiddle.y);
  let a = load_source(base + j);
  let b = complex_multiply(load_source(base + j + half_length), w);
  let out_index = base + 2u * (j - k) + k;
  store_target(out_index, (a + b) * params.scale);
  store_target(out_index + stride, (a - b) * params.scale);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn chirp_in(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = flat_index(gid, groups);
  if (id >= params.batch * params.length) { return; }
  let row = id / params.length;
  let t = id - row * params.length;
  var value = vec2<f32>(0.0, 0.0);
  if (t < params.signal_length) {
    value = complex_multiply(load_source(row * params.signal_length + t), table[t]);
  }
  store_target(id, value);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn spectrum_multiply(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = flat_index(gid, groups);
  if (id >= params.batch * params.length) { return; }
  let t = id % params.length;
  store_target(id, complex_multiply(load_source(id), table[t]));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn chirp_out(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = flat_index(gid, groups);
  if (id >= params.batch * params.signal_length) { return; }
  let row = id / params.signal_length;
  let k = id - row * params.signal_length;
  store_target(id, complex_multiply(load_source(row * params.length + k), table[k]) * params.scale);
}
