// Image resampling for src/ops/image.ts, channels-last images viewed as [batch, height, width,
// channels]. Three entry points share one set of bindings and one Params block:
//   resize           out[b, y, x, c] sampled from source [batch, in_height, in_width, channels]
//                    at TF's half-pixel positions (keras.ops.image.resize, antialias off):
//                    bilinear: p = (o + 0.5) * scale - 0.5, lower = max(floor(p), 0),
//                              upper = min(ceil(p), size - 1), lerp = p - floor(p), interpolated
//                              along x, then along y;
//                    nearest:  i = min(floor((o + 0.5) * scale), size - 1);
//                    scale = in_size / out_size, computed in float32 on the CPU and passed in, so
//                    both backends pick the same pixels.
//   resize_backward  the gradient of resize: out is the image-shaped gradient, source the
//                    resized-shaped upstream gradient. WGSL has no float atomics, so instead of
//                    scattering each output's weights into its input pixels this gathers: each
//                    invocation owns one input element and loops over the outputs that can sample
//                    it (a window of rows and columns around i / scale, widened by one for
//                    rounding, and every later or earlier output at the last or first pixel,
//                    which the clamps send there), recomputing the forward's taps and weights.
//                    The rule is separable, so the weight is weight_y * weight_x. Work per
//                    invocation is O((out / in + 2)^2); deterministic, with no atomics.
//   affine_transform keras.ops.image.affine_transform: transform row [a0, a1, a2, b0, b1, b2, c0, c1]
//                    maps output pixel (x, y) to the source point ((a0 x + a1 y + a2) / k,
//                    (b0 x + b1 y + b2) / k), k = c0 x + c1 y + 1 (k = 0 gives fill_value). The
//                    point is sampled at integer pixel positions (nearest: rounded half away
//                    from zero; bilinear: its four neighbours), each neighbour index first mapped
//                    by FILL_MODE (0 constant: outside reads fill_value; 1 nearest: clamped;
//                    2 reflect: d c b a | a b c d | d c b a; 3 wrap: a b c d | a b c d), as
//                    scipy.ndimage.map_coordinates, which Keras's JAX and NumPy backends call.
// Bindings: 0 uniform Params, 1 source (f32, read), 2 out (f32, read-write), 3 transforms (f32,
// read; affine_transform only: one row of 8 per image, or one shared row when transform_stride
// is 0).
// Workgroup: 256 invocations, one output element each; the grid is 2-D so that more than 65535
// workgroups fit (the flat index folds y into x). No shared memory: each element reads at most
// four source pixels (forward) or a small window of gradients (backward).
// Specialization: INTERPOLATION (0 bilinear, 1 nearest), FILL_MODE (affine_transform only).
// src/ops/image.ts prepends fill_index.wgsl (fill_index, round_half_away_from_zero, COORDINATE_LIMIT).

override INTERPOLATION: u32 = 0u;
override FILL_MODE: u32 = 0u;

const WORKGROUP_SIZE: u32 = 256u;
const BILINEAR: u32 = 0u;
const NEAREST: u32 = 1u;

struct Params {
  size: u32,
  in_height: u32,
  in_width: u32,
  out_height: u32,
  out_width: u32,
  channels: u32,
  transform_stride: u32,
  _pad: u32,
  scale_y: f32,
  scale_x: f32,
  fill_value: f32,
  _pad1: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> source: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<storage, read> transforms: array<f32>;

struct Taps {
  lower: u32,
  upper: u32,
  lerp: f32,
}

fn bilinear_taps(o: u32, scale: f32, size: u32) -> Taps {
  let position = (f32(o) + 0.5) * scale - 0.5;
  let start = floor(position);
  let lower = u32(max(start, 0.0));
  let upper = u32(clamp(ceil(position), 0.0, f32(size - 1u)));
  return Taps(lower, upper, position - start);
}

fn nearest_tap(o: u32, scale: f32, size: u32) -> u32 {
  return min(u32(floor((f32(o) + 0.5) * scale)), size - 1u);
}

fn flat_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WORKGROUP_SIZE;
}

// Element i of a channels-last [batch, height, width, channels] tensor as (batch, y, x, channel).
fn pixel_of(i: u32, height: u32, width: u32) -> vec4<u32> {
  let c = i % params.channels;
  let x = (i / params.channels) % width;
  let y = (i / (params.channels * width)) % height;
  return vec4<u32>(i / (params.channels * width * height), y, x, c);
}

fn source_at(b: u32, y: u32, x: u32, c: u32) -> f32 {
  return source[((b * params.in_height + y) * params.in_width + x) * params.channels + c];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn resize(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.size) { return; }
  let p = pixel_of(i, params.out_height, params.out_width);
  let b = p.x;
  let y = p.y;
  let x = p.z;
  let c = p.w;
  if (INTERPOLATION == NEAREST) {
    out[i] = source_at(b, nearest_tap(y, params.scale_y, params.in_height), nearest_tap(x, params.scale_x, params.in_width), c);
    return;
  }
  let ty = bilinear_taps(y, params.scale_y, params.in_height);
  let tx = bilinear_taps(x, params.scale_x, params.in_width);
  let top_left = source_at(b, ty.lower, tx.lower, c);
  let top_right = source_at(b, ty.lower, tx.upper, c);
  let bottom_left = source_at(b, ty.upper, tx.lower, c);
  let bottom_right = source_at(b, ty.upper, tx.upper, c);
  let top = top_left + (top_right - top_left) * tx.lerp;
  let bottom = bottom_left + (bottom_right - bottom_left) * tx.lerp;
  out[i] = top + (bottom - top) * ty.lerp;
}

// How much output o's sample draws on input pixel i along one axis.
fn axis_weight(o: u32, i: u32, scale: f32, size: u32) -> f32 {
  if (INTERPOLATION == NEAREST) {
    return select(0.0, 1.0, nearest_tap(o, scale, size) == i);
  }
  let taps = bilinear_taps(o, scale, size);
  var weight = 0.0;
  if (taps.lower == i) { weight += 1.0 - taps.lerp; }
  if (taps.upper == i) { weight += taps.lerp; }
  return weight;
}

// The outputs along one axis whose sample can touch input pixel i: [first, last].
fn output_window(i: u32, scale: f32, in_size: u32, out_size: u32) -> vec2<u32> {
  let first = u32(max(floor((f32(i) - 0.5) / scale - 1.5), 0.0));
  var last = u32(clamp(ceil((f32(i) + 1.5) / scale + 0.5), 0.0, f32(out_size - 1u)));
  if (i == in_size - 1u) { last = out_size - 1u; }
  return vec2<u32>(min(first, out_size - 1u), last);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn resize_backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.size) { return; }
  let p = pixel_of(i, params.in_height, params.in_width);
  let b = p.x;
  let y = p.y;
  let x = p.z;
  let c = p.w;
  let rows = output_window(y, params.scale_y, params.in_height, params.out_height);
  let columns = output_window(x, params.scale_x, params.in_width, params.out_width);
  var total = 0.0;
  for (var oy = rows.x; oy <= rows.y; oy++) {
    let weight_y = axis_weight(oy, y, params.scale_y, params.in_height);
    if (weight_y == 0.0) { continue; }
    for (var ox = columns.x; ox <= columns.y; ox++) {
      let weight_x = axis_weight(ox, x, params.scale_x, params.in_width);
      if (weight_x == 0.0) { continue; }
      let upstream = source[((b * params.out_height + oy) * params.out_width + ox) * params.channels + c];
      total += weight_y * weight_x * upstream;
    }
  }
  out[i] = total;
}

fn sample(b: u32, y: i32, x: i32, c: u32) -> f32 {
  let row = fill_index(y, i32(params.in_height));
  let column = fill_index(x, i32(params.in_width));
  if (row < 0 || column < 0) { return params.fill_value; }
  return source_at(b, u32(row), u32(column), c);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn affine_transform(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.size) { return; }
  let p = pixel_of(i, params.out_height, params.out_width);
  let b = p.x;
  let y = p.y;
  let x = p.z;
  let c = p.w;
  let t = b * params.transform_stride;
  let xf = f32(x);
  let yf = f32(y);
  let k = transforms[t + 6u] * xf + transforms[t + 7u] * yf + 1.0;
  if (k == 0.0) {
    out[i] = params.fill_value;
    return;
  }
  let source_x = clamp((transforms[t] * xf + transforms[t + 1u] * yf + transforms[t + 2u]) / k, -COORDINATE_LIMIT, COORDINATE_LIMIT);
  let source_y = clamp((transforms[t + 3u] * xf + transforms[t + 4u] * yf + transforms[t + 5u]) / k, -COORDINATE_LIMIT, COORDINATE_LIMIT);
  if (INTERPOLATION == NEAREST) {
    out[i] = sample(b, i32(round_half_away_from_zero(source_y)), i32(round_half_away_from_zero(source_x)), c);
    return;
  }
  let x0 = floor(source_x);
  let y0 = floor(source_y);
  let wx = source_x - x0;
  let wy = source_y - y0;
  let column = i32(x0);
  let row = i32(y0);
  let top = (1.0 - wx) * sample(b, row, column, c) + wx * sample(b, row, column + 1, c);
  let bottom = (1.0 - wx) * sample(b, row + 1, column, c) + wx * sample(b, row + 1, column + 1, c);
  out[i] = (1.0 - wy) * top + wy * bottom;
}
