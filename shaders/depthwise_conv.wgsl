// Depthwise 2-D convolution, channels-last, and its two gradients, by direct loops over the
// kernel window (no patch matrix). With M = depth multiplier, output channel c * M + m is input
// channel c convolved with kernel[.., .., c, m]; iy = oy * stride_y - pad_top + ky * dilation_y
// (likewise ix), taps in the padding read zero.
//   forward:         out[b, oy, ox, c * M + m] = sum over (ky, kx) of x[b, iy, ix, c] * kernel[ky, kx, c, m]
//   backward_input:  out[b, iy, ix, c] = sum over (ky, kx, m) of dy[b, oy, ox, c * M + m] * kernel[ky, kx, c, m]
//                    over the outputs (oy, ox) whose tap (ky, kx) reads (iy, ix)
//   backward_kernel: out[ky, kx, c, m] = sum over (b, oy, ox) of x[b, iy, ix, c] * dy[b, oy, ox, c * M + m]
// Each invocation gathers its own sum: no atomics, deterministic.
// Bindings: 0 uniform Params, 1 operand_a (f32, read), 2 operand_b (f32, read), 3 out (f32, written):
//   forward: x, kernel; backward_input: dy, kernel; backward_kernel: x, dy.
// Workgroup: 256 invocations along x, one output element each; the grid is 2-D so that more than
// 65535 workgroups fit (the flat index folds y into x). A direct loop per element is enough for
// the layer sizes this library trains (windows of a few taps, kernel gradients summing over
// batch * outH * outW); no workgroup memory, whose barriers cost most on software adapters.

const WORKGROUP_SIZE: u32 = 256u;

struct Params {
  // Elements of out.
  size: u32,
  channels: u32,
  multiplier: u32,
  batch: i32,
  in_h: i32,
  in_w: i32,
  out_h: i32,
  out_w: i32,
  kernel_h: i32,
  kernel_w: i32,
  stride_y: i32,
  stride_x: i32,
  dilation_y: i32,
  dilation_x: i32,
  pad_top: i32,
  pad_left: i32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> operand_a: array<f32>;
@group(0) @binding(2) var<storage, read> operand_b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn flat_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WORKGROUP_SIZE;
}

fn x_index(b: i32, iy: i32, ix: i32, c: u32) -> u32 {
  return u32((b * params.in_h + iy) * params.in_w + ix) * params.channels + c;
}

// Index of output (b, oy, ox) at channel `channel` (of channels * multiplier).
fn y_index(b: i32, oy: i32, ox: i32, channel: u32) -> u32 {
  return u32((b * params.out_h + oy) * params.out_w + ox) * params.channels * params.multiplier + channel;
}

fn kernel_index(ky: i32, kx: i32, c: u32, m: u32) -> u32 {
  return (u32(ky * params.kernel_w + kx) * params.channels + c) * params.multiplier + m;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.size) { return; }
  let out_channels = params.channels * params.multiplier;
  let channel = i % out_channels;
  let c = channel / params.multiplier;
  let m = channel % params.multiplier;
  let pixel = i / out_channels;
  let ox = i32(pixel % u32(params.out_w));
  let rest = pixel / u32(params.out_w);
  let oy = i32(rest % u32(params.out_h));
  let b = i32(rest / u32(params.out_h));
  var sum = 0.0;
  for (var ky = 0; ky < params.kernel_h; ky++) {
    let iy = oy * params.stride_y - params.pad_top + ky * params.dilation_y;
    if (iy < 0 || iy >= params.in_h) { continue; }
    for (var kx = 0; kx < params.kernel_w; kx++) {
      let ix = ox * params.stride_x - params.pad_left + kx * params.dilation_x;
      if (ix < 0 || ix >= params.in_w) { continue; }
      sum += operand_a[x_index(b, iy, ix, c)] * operand_b[kernel_index(ky, kx, c, m)];
    }
  }
  out[i] = sum;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn backward_input(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.size) { return; }
  let c = i % params.channels;
  let pixel = i / params.channels;
  let ix = i32(pixel % u32(params.in_w));
  let rest = pixel / u32(params.in_w);
  let iy = i32(rest % u32(params.in_h));
  let b = i32(rest / u32(params.in_h));
  var sum = 0.0;
  for (var ky = 0; ky < params.kernel_h; ky++) {
    // Output row whose tap ky reads row iy, if the stride lands on it.
    let ty = iy + params.pad_top - ky * params.dilation_y;
    let oy = ty / params.stride_y;
    if (ty < 0 || ty % params.stride_y != 0 || oy >= params.out_h) { continue; }
    for (var kx = 0; kx < params.kernel_w; kx++) {
      let tx = ix + params.pad_left - kx * params.dilation_x;
      let ox = tx / params.stride_x;
      if (tx < 0 || tx % params.stride_x != 0 || ox >= params.out_w) { continue; }
      for (var m = 0u; m < params.multiplier; m++) {
        sum += operand_a[y_index(b, oy, ox, c * params.multiplier + m)] * operand_b[kernel_index(ky, kx, c, m)];
      }
    }
  }
  out[i] = sum;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn backward_kernel(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.size) { return; }
  let m = i % params.multiplier;
  let c = (i / params.multiplier) % params.channels;
  let tap = i32(i / (params.multiplier * params.channels));
  let kx = tap % params.kernel_w;
  let ky = tap / params.kernel_w;
  let channel = c * params.multiplier + m;
  var sum = 0.0;
  for (var b = 0; b < params.batch; b++) {
    for (var oy = 0; oy < params.out_h; oy++) {
      let iy = oy * params.stride_y - params.pad_top + ky * params.dilation_y;
      if (iy < 0 || iy >= params.in_h) { continue; }
      for (var ox = 0; ox < params.out_w; ox++) {
        let ix = ox * params.stride_x - params.pad_left + kx * params.dilation_x;
        if (ix < 0 || ix >= params.in_w) { continue; }
        sum += operand_a[x_index(b, iy, ix, c)] * operand_b[y_index(b, oy, ox, channel)];
      }
    }
  }
  out[i] = sum;
}
