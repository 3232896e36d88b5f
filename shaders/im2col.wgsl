// Patch unfolding for convolutions, channels-last, over up to three spatial axes (depth, rows,
// columns; 1-D and 2-D convolutions pass unit outer axes), in two directions that share one
// geometry:
//   im2col: cols[p, q] = x[b, iz, iy, ix, c] (0 where the tap falls in the padding), with
//           p = ((b * out_d + oz) * out_h + oy) * out_w + ox,
//           q = ((kz * kernel_h + ky) * kernel_w + kx) * channels + c,
//           iz = oz * stride_z - pad_front + kz * dilation_z (likewise iy, ix).
//   col2im: x[b, iz, iy, ix, c] = sum of cols[p, q] over the (p, q) whose im2col read that
//           element, so the transpose of im2col. One invocation per input element gathers its own
//           sum, so overlapping patches need no atomics and the order of the sum is fixed.
// Bindings: 0 uniform Params, 1 src (f32, read), 2 dst (f32, written); src/dst are x/cols for
// im2col and cols/x for col2im.
// Workgroup: 256 invocations along x; im2col has one per (patch row, kernel tap) and copies that
// tap's channels, col2im one per input element. The grid is 2-D so that more than 65535
// workgroups fit (the flat index folds y into x). No workgroup memory: independent gathers.

const WORKGROUP_SIZE: u32 = 256u;

struct Params {
  // Invocations: patch rows * kernel taps for im2col, input elements for col2im.
  size: u32,
  channels: u32,
  in_d: i32,
  in_h: i32,
  in_w: i32,
  out_d: i32,
  out_h: i32,
  out_w: i32,
  kernel_d: i32,
  kernel_h: i32,
  kernel_w: i32,
  stride_z: i32,
  stride_y: i32,
  stride_x: i32,
  dilation_z: i32,
  dilation_y: i32,
  dilation_x: i32,
  pad_front: i32,
  pad_top: i32,
  pad_left: i32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

fn flat_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WORKGROUP_SIZE;
}

// Along one axis: the output index whose window tap reads the input at offset t (the input index
// plus the padding before, less the tap's offset), or -1 when the stride does not land on t or no
// output is that far.
fn output_reading(t: i32, stride: i32, outputs: i32) -> i32 {
  if (t < 0 || t % stride != 0 || t / stride >= outputs) { return -1; }
  return t / stride;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn im2col(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  // One invocation per (patch row p, kernel tap): the tap's channels are contiguous in both x and
  // cols, so the index arithmetic is paid once per tap rather than once per element.
  let i = flat_index(gid, groups);
  let taps = u32(params.kernel_d * params.kernel_h * params.kernel_w);
  if (i >= params.size) { return; }
  let p = i / taps;
  let tap = i32(i % taps);
  let kx = tap % params.kernel_w;
  let ky = (tap / params.kernel_w) % params.kernel_h;
  let kz = tap / (params.kernel_w * params.kernel_h);
  let ox = i32(p % u32(params.out_w));
  var rest = p / u32(params.out_w);
  let oy = i32(rest % u32(params.out_h));
  rest = rest / u32(params.out_h);
  let oz = i32(rest % u32(params.out_d));
  let b = i32(rest / u32(params.out_d));
  let iz = oz * params.stride_z - params.pad_front + kz * params.dilation_z;
  let iy = oy * params.stride_y - params.pad_top + ky * params.dilation_y;
  let ix = ox * params.stride_x - params.pad_left + kx * params.dilation_x;
  let out_at = i * params.channels;
  if (iz < 0 || iz >= params.in_d || iy < 0 || iy >= params.in_h || ix < 0 || ix >= params.in_w) {
    for (var c = 0u; c < params.channels; c++) { dst[out_at + c] = 0.0; }
    return;
  }
  let in_at = u32(((b * params.in_d + iz) * params.in_h + iy) * params.in_w + ix) * params.channels;
  for (var c = 0u; c < params.channels; c++) { dst[out_at + c] = src[in_at + c]; }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn col2im(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.size) { return; }
  let c = i % params.channels;
  let voxel = i / params.channels;
  let ix = i32(voxel % u32(params.in_w));
  var rest = voxel / u32(params.in_w);
  let iy = i32(rest % u32(params.in_h));
  rest = rest / u32(params.in_h);
  let iz = i32(rest % u32(params.in_d));
  let b = i32(rest / u32(params.in_d));
  let taps = u32(params.kernel_d * params.kernel_h * params.kernel_w) * params.channels;
  var sum = 0.0;
  for (var kz = 0; kz < params.kernel_d; kz++) {
    let oz = output_reading(iz + params.pad_front - kz * params.dilation_z, params.stride_z, params.out_d);
    if (oz < 0) { continue; }
    for (var ky = 0; ky < params.kernel_h; ky++) {
      let oy = output_reading(iy + params.pad_top - ky * params.dilation_y, params.stride_y, params.out_h);
      if (oy < 0) { continue; }
      for (var kx = 0; kx < params.kernel_w; kx++) {
        let ox = output_reading(ix + params.pad_left - kx * params.dilation_x, params.stride_x, params.out_w);
        if (ox < 0) { continue; }
        let p = u32(((b * params.out_d + oz) * params.out_h + oy) * params.out_w + ox);
        sum += src[p * taps + u32((kz * params.kernel_h + ky) * params.kernel_w + kx) * params.channels + c];
      }
    }
  }
  dst[i] = sum;
}
