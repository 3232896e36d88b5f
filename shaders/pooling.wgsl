// 2-D max and average pooling, channels-last, and their gradients.
//   forward:  out[b, oy, ox, c] = max or mean of x over the window rows
//             [oy * stride_y - pad_top, + pool_h) x columns [ox * stride_x - pad_left, + pool_w),
//             clipped to the input: padding never wins a max and is not counted in a mean
//             (Keras 'same' average pooling).
//   backward: out[b, iy, ix, c] = sum over the windows containing (iy, ix) of
//             max: dy of the window when (iy, ix) is its arg-max (the first strict maximum in
//                  row-major window order, the tie rule of the CPU kernel in src/ops/pooling.ts);
//             avg: dy of the window / the window's element count.
//             Each input element gathers its own sum: no atomics, deterministic.
// Bindings: 0 uniform Params, 1 x (f32), 2 out (f32, y for forward, dx for backward),
// 3 dy (f32, backward only). The backward entry reads x in both modes (only max needs it) so that
// both modes share one binding layout.
// Workgroup: 256 invocations along x, one output element each; the grid is 2-D so that more than
// 65535 workgroups fit (the flat index folds y into x). Windows are small: plain loops, no
// workgroup memory.
// Specialization: MODE 0 max, 1 average.

override MODE: u32 = 0u;

const MODE_MAX: u32 = 0u;
const WORKGROUP_SIZE: u32 = 256u;

struct Params {
  // Elements of out.
  size: u32,
  channels: u32,
  in_h: i32,
  in_w: i32,
  out_h: i32,
  out_w: i32,
  pool_h: i32,
  pool_w: i32,
  stride_y: i32,
  stride_x: i32,
  pad_top: i32,
  pad_left: i32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;

// A window clipped to the input: rows [start.x, end.x), columns [start.y, end.y).
struct Window {
  start: vec2<i32>,
  end: vec2<i32>,
}

fn window_at(oy: i32, ox: i32) -> Window {
  let origin = vec2<i32>(oy * params.stride_y - params.pad_top, ox * params.stride_x - params.pad_left);
  let limit = vec2<i32>(params.in_h, params.in_w);
  return Window(max(origin, vec2<i32>(0)), min(origin + vec2<i32>(params.pool_h, params.pool_w), limit));
}

fn x_index(b: i32, iy: i32, ix: i32, c: u32) -> u32 {
  return u32((b * params.in_h + iy) * params.in_w + ix) * params.channels + c;
}

// The (row, column) of the first strict maximum of channel c in window w; the first NaN beats
// everything (ops.max and maxPool2d give NaN wherever the window holds one).
fn arg_max(b: i32, c: u32, w: Window) -> vec2<i32> {
  var best = x[x_index(b, w.start.x, w.start.y, c)];
  var at = w.start;
  for (var iy = w.start.x; iy < w.end.x; iy++) {
    for (var ix = w.start.y; ix < w.end.y; ix++) {
      let v = x[x_index(b, iy, ix, c)];
      if (!is_nan(best) && (is_nan(v) || v > best)) {
        best = v;
        at = vec2<i32>(iy, ix);
      }
    }
  }
  return at;
}

fn flat_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WORKGROUP_SIZE;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.size) { return; }
  let c = i % params.channels;
  let pixel = i / params.channels;
  let ox = i32(pixel % u32(params.out_w));
  let rest = pixel / u32(params.out_w);
  let oy = i32(rest % u32(params.out_h));
  let b = i32(rest / u32(params.out_h));
  let w = window_at(oy, ox);
  if (MODE == MODE_MAX) {
    let at = arg_max(b, c, w);
    out[i] = x[x_index(b, at.x, at.y, c)];
    return;
  }
  var sum = 0.0;
  for (var iy = w.start.x; iy < w.end.x; iy++) {
    for (var ix = w.start.y; ix < w.end.y; ix++) {
      sum += x[x_index(b, iy, ix, c)];
    }
  }
  out[i] = sum / f32((w.end.x - w.start.x) * (w.end.y - w.start.y));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.size) { return; }
  let c = i % params.channels;
  let pixel = i / params.channels;
  let ix = i32(pixel % u32(params.in_w));
  let rest = pixel / u32(params.in_w);
  let iy = i32(rest % u32(params.in_h));
  let b = i32(rest / u32(params.in_h));
  // Windows whose origin lies in (position - pool, position], as output indices (ceil by shifting).
  let ty = iy + params.pad_top;
  let tx = ix + params.pad_left;
  let oy_first = max((ty - params.pool_h + params.stride_y) / params.stride_y, 0);
  let ox_first = max((tx - params.pool_w + params.stride_x) / params.stride_x, 0);
  let oy_last = min(ty / params.stride_y, params.out_h - 1);
  let ox_last = min(tx / params.stride_x, params.out_w - 1);
  var sum = 0.0;
  for (var oy = oy_first; oy <= oy_last; oy++) {
    for (var ox = ox_first; ox <= ox_last; ox++) {
      let w = window_at(oy, ox);
      let g = dy[u32((b * params.out_h + oy) * params.out_w + ox) * params.channels + c];
      if (MODE == MODE_MAX) {
        if (all(arg_max(b, c, w) == vec2<i32>(iy, ix))) { sum += g; }
      } else {
        sum += g / f32((w.end.x - w.start.x) * (w.end.y - w.start.y));
      }
    }
  }
  out[i] = sum;
}
