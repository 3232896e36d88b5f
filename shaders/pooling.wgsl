// Max and average pooling, channels-last, over up to three spatial axes (depth, rows, columns;
// 2-D pooling passes a unit depth axis), and their gradients.
//   forward:  out[b, oz, oy, ox, c] = max or mean of x over the window depths
//             [oz * stride_z - pad_front, + pool_d) x rows [oy * stride_y - pad_top, + pool_h) x
//             columns [ox * stride_x - pad_left, + pool_w), clipped to the input: padding never
//             wins a max and is not counted in a mean (Keras 'same' average pooling).
//   backward: out[b, iz, iy, ix, c] = sum over the windows containing (iz, iy, ix) of
//             max: dy of the window when (iz, iy, ix) is its arg-max (the first strict maximum in
//                  depth-, row-, then column-major window order, the tie rule of the CPU kernel
//                  in src/ops/pooling.ts);
//             avg: dy of the window / the window's element count.
//             Each input element gathers its own sum: no atomics, deterministic.
//   backward_windows (max only, windows that do not overlap: stride >= pool on every axis): the
//             same dx, one invocation per cell and channel instead of per input element. Cell
//             (cz, cy, cx) is the stride-sized block [c * stride - pad_before, + stride) on each
//             axis, clipped to the input, so the cells tile the input; a cell holds at most one
//             window (its first pool elements). The invocation finds the window's arg-max once,
//             writes dy there and 0 on the rest of the cell (the window's other elements, the
//             gaps of stride > pool, and the remainder cells past the last window).
//   at_arg_max (max only): out[b, oz, oy, ox, c] = dy[b, iz, iy, ix, c] at the window's arg-max
//             (iz, iy, ix) of x, dy having x's shape here: the gradient of the max backward with
//             respect to its dy, so that max pooling differentiates twice.
// Bindings: 0 uniform Params, 1 x (f32), 2 out (f32, y for forward and at_arg_max, dx for
// backward and backward_windows), 3 dy (f32, not read by forward). The backward entry reads x in
// both modes (only max needs it) so that both modes share one binding layout.
// Workgroup: 256 invocations along x, one output element (one cell for backward_windows) each;
// the grid is 2-D so that more than 65535 workgroups fit (the flat index folds y into x). Windows
// are small: plain loops, no workgroup memory.
// Specialization: MODE 0 max, 1 average.

override MODE: u32 = 0u;

const MODE_MAX: u32 = 0u;
const WORKGROUP_SIZE: u32 = 256u;

struct Params {
  // Elements of out (cells times channels for backward_windows).
  size: u32,
  channels: u32,
  in_d: i32,
  in_h: i32,
  in_w: i32,
  out_d: i32,
  out_h: i32,
  out_w: i32,
  pool_d: i32,
  pool_h: i32,
  pool_w: i32,
  stride_z: i32,
  stride_y: i32,
  stride_x: i32,
  pad_front: i32,
  pad_top: i32,
  pad_left: i32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;

// A window clipped to the input, as (depth, row, column) ranges [start, end).
struct Window {
  start: vec3<i32>,
  end: vec3<i32>,
}

fn window_at(o: vec3<i32>) -> Window {
  let origin = o * vec3<i32>(params.stride_z, params.stride_y, params.stride_x) - vec3<i32>(params.pad_front, params.pad_top, params.pad_left);
  let limit = vec3<i32>(params.in_d, params.in_h, params.in_w);
  return Window(max(origin, vec3<i32>(0)), min(origin + vec3<i32>(params.pool_d, params.pool_h, params.pool_w), limit));
}

fn window_count(w: Window) -> f32 {
  let extent = w.end - w.start;
  return f32(extent.x * extent.y * extent.z);
}

fn x_index(b: i32, at: vec3<i32>, c: u32) -> u32 {
  return u32(((b * params.in_d + at.x) * params.in_h + at.y) * params.in_w + at.z) * params.channels + c;
}

// The (depth, row, column) of the first strict maximum of channel c in window w; the first NaN
// beats everything (ops.max and the max pools give NaN wherever the window holds one).
fn arg_max(b: i32, c: u32, w: Window) -> vec3<i32> {
  var best = x[x_index(b, w.start, c)];
  var at = w.start;
  for (var iz = w.start.x; iz < w.end.x; iz++) {
    for (var iy = w.start.y; iy < w.end.y; iy++) {
      for (var ix = w.start.z; ix < w.end.z; ix++) {
        let v = x[x_index(b, vec3<i32>(iz, iy, ix), c)];
        if (!is_nan(best) && (is_nan(v) || v > best)) {
          best = v;
          at = vec3<i32>(iz, iy, ix);
        }
      }
    }
  }
  return at;
}

fn flat_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WORKGROUP_SIZE;
}

// Splits a flat channels-last index into (batch, (depth, row, column)) over `size` positions.
fn position(flat: u32, size: vec3<i32>) -> vec4<i32> {
  let ix = i32(flat % u32(size.z));
  var rest = flat / u32(size.z);
  let iy = i32(rest % u32(size.y));
  rest = rest / u32(size.y);
  return vec4<i32>(i32(rest / u32(size.x)), i32(rest % u32(size.x)), iy, ix);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.size) { return; }
  let c = i % params.channels;
  let o = position(i / params.channels, vec3<i32>(params.out_d, params.out_h, params.out_w));
  let b = o.x;
  let w = window_at(o.yzw);
  if (MODE == MODE_MAX) {
    out[i] = x[x_index(b, arg_max(b, c, w), c)];
    return;
  }
  var sum = 0.0;
  for (var iz = w.start.x; iz < w.end.x; iz++) {
    for (var iy = w.start.y; iy < w.end.y; iy++) {
      for (var ix = w.start.z; ix < w.end.z; ix++) {
        sum += x[x_index(b, vec3<i32>(iz, iy, ix), c)];
      }
    }
  }
  out[i] = sum / window_count(w);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.size) { return; }
  let c = i % params.channels;
  let p = position(i / params.channels, vec3<i32>(params.in_d, params.in_h, params.in_w));
  let b = p.x;
  // Windows whose origin lies in (position - pool, position], as output indices (ceil by shifting).
  let t = p.yzw + vec3<i32>(params.pad_front, params.pad_top, params.pad_left);
  let stride = vec3<i32>(params.stride_z, params.stride_y, params.stride_x);
  let first = max((t - vec3<i32>(params.pool_d, params.pool_h, params.pool_w) + stride) / stride, vec3<i32>(0));
  let last = min(t / stride, vec3<i32>(params.out_d, params.out_h, params.out_w) - vec3<i32>(1));
  var sum = 0.0;
  for (var oz = first.x; oz <= last.x; oz++) {
    for (var oy = first.y; oy <= last.y; oy++) {
      for (var ox = first.z; ox <= last.z; ox++) {
        let w = window_at(vec3<i32>(oz, oy, ox));
        let g = dy[u32(((b * params.out_d + oz) * params.out_h + oy) * params.out_w + ox) * params.channels + c];
        if (MODE == MODE_MAX) {
          if (all(arg_max(b, c, w) == p.yzw)) { sum += g; }
        } else {
          sum += g / window_count(w);
        }
      }
    }
  }
  out[i] = sum;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn backward_windows(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.size) { return; }
  let c = i % params.channels;
  let input = vec3<i32>(params.in_d, params.in_h, params.in_w);
  let stride = vec3<i32>(params.stride_z, params.stride_y, params.stride_x);
  let origin_shift = vec3<i32>(params.pad_front, params.pad_top, params.pad_left);
  let cells = (input + origin_shift + stride - vec3<i32>(1)) / stride;
  let o = position(i / params.channels, cells);
  let b = o.x;
  let origin = o.yzw * stride - origin_shift;
  let cell = Window(max(origin, vec3<i32>(0)), min(origin + stride, input));
  // Cells past the last window (remainders of 'valid') hold no arg-max: all zeros.
  var at = vec3<i32>(-1);
  var g = 0.0;
  if (all(o.yzw < vec3<i32>(params.out_d, params.out_h, params.out_w))) {
    at = arg_max(b, c, window_at(o.yzw));
    g = dy[u32(((b * params.out_d + o.y) * params.out_h + o.z) * params.out_w + o.w) * params.channels + c];
  }
  for (var iz = cell.start.x; iz < cell.end.x; iz++) {
    for (var iy = cell.start.y; iy < cell.end.y; iy++) {
      for (var ix = cell.start.z; ix < cell.end.z; ix++) {
        let p = vec3<i32>(iz, iy, ix);
        out[x_index(b, p, c)] = select(0.0, g, all(p == at));
      }
    }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn at_arg_max(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.size) { return; }
  let c = i % params.channels;
  let o = position(i / params.channels, vec3<i32>(params.out_d, params.out_h, params.out_w));
  let b = o.x;
  out[i] = dy[x_index(b, arg_max(b, c, window_at(o.yzw)), c)];
}
