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
// Where the channels are a multiple of 4, im2col_vec4 and col2im_vec4 do the same with vec4 loads
// and stores (bindings 1 and 2 as src4 and dst4).
// Workgroup: 256 invocations along x; im2col has one per (patch row, kernel row) and copies that
// row's taps and channels, col2im one per input element (the vec4 forms: per 4 channels). The
// grid is 2-D so that more than 65535 workgroups fit (the flat index folds y into x). No
// workgroup memory: independent gathers.

const WORKGROUP_SIZE: u32 = 256u;

struct Params {
  // Invocations: patch rows * kernel rows (kernel_d * kernel_h) for im2col, input elements for
  // col2im (divided by 4 for the vec4 forms).
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

// The offset into x of row (b, iz, iy) at column 0, or -1 where the row falls in the padding.
fn input_row(b: i32, iz: i32, iy: i32) -> i32 {
  if (iz < 0 || iz >= params.in_d || iy < 0 || iy >= params.in_h) { return -1; }
  return ((b * params.in_d + iz) * params.in_h + iy) * params.in_w;
}

// What an im2col invocation copies: patch row p's entries for kernel row (kz, ky), which are
// contiguous in cols (kernel_w taps of `channels` values), read from input row `row` (-1: the
// padding) at columns ix0 + kx * dilation_x; `at` is their first index in cols.
struct KernelRowCopy {
  at: u32,
  row: i32,
  ix0: i32,
}

fn kernel_row_copy(i: u32) -> KernelRowCopy {
  let kernel_rows = u32(params.kernel_d * params.kernel_h);
  let p = i / kernel_rows;
  let kernel_row = i32(i % kernel_rows);
  let ky = kernel_row % params.kernel_h;
  let kz = kernel_row / params.kernel_h;
  let ox = i32(p % u32(params.out_w));
  var rest = p / u32(params.out_w);
  let oy = i32(rest % u32(params.out_h));
  rest = rest / u32(params.out_h);
  let oz = i32(rest % u32(params.out_d));
  let b = i32(rest / u32(params.out_d));
  let iz = oz * params.stride_z - params.pad_front + kz * params.dilation_z;
  let iy = oy * params.stride_y - params.pad_top + ky * params.dilation_y;
  let at = i * u32(params.kernel_w) * params.channels;
  return KernelRowCopy(at, input_row(b, iz, iy), ox * params.stride_x - params.pad_left);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn im2col(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  // One invocation per (patch row, kernel row): the row's taps and their channels are contiguous
  // in cols, so the index arithmetic is paid once per kernel row rather than once per element.
  let i = flat_index(gid, groups);
  if (i >= params.size) { return; }
  let copy = kernel_row_copy(i);
  let channels = params.channels;
  for (var kx = 0; kx < params.kernel_w; kx++) {
    let ix = copy.ix0 + kx * params.dilation_x;
    let out_at = copy.at + u32(kx) * channels;
    if (copy.row < 0 || ix < 0 || ix >= params.in_w) {
      for (var c = 0u; c < channels; c++) { dst[out_at + c] = 0.0; }
      continue;
    }
    let in_at = u32(copy.row + ix) * channels;
    for (var c = 0u; c < channels; c++) { dst[out_at + c] = src[in_at + c]; }
  }
}

// im2col for channels a multiple of 4: the same copies, 4 channels a load and a store.
@group(0) @binding(1) var<storage, read> src4: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> dst4: array<vec4<f32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn im2col_vec4(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.size) { return; }
  let copy = kernel_row_copy(i);
  let quads = params.channels / 4u;
  for (var kx = 0; kx < params.kernel_w; kx++) {
    let ix = copy.ix0 + kx * params.dilation_x;
    let out_at = copy.at / 4u + u32(kx) * quads;
    if (copy.row < 0 || ix < 0 || ix >= params.in_w) {
      for (var c = 0u; c < quads; c++) { dst4[out_at + c] = vec4<f32>(); }
      continue;
    }
    let in_at = u32(copy.row + ix) * quads;
    for (var c = 0u; c < quads; c++) { dst4[out_at + c] = src4[in_at + c]; }
  }
}

// x's position (b, iz, iy, ix) at voxel `voxel` (its index over batch and spatial axes).
fn voxel_position(voxel: u32) -> vec4<i32> {
  let ix = i32(voxel % u32(params.in_w));
  var rest = voxel / u32(params.in_w);
  let iy = i32(rest % u32(params.in_h));
  rest = rest / u32(params.in_h);
  let iz = i32(rest % u32(params.in_d));
  return vec4<i32>(i32(rest / u32(params.in_d)), iz, iy, ix);
}

// The index in cols, in units of `channels`, of the entry of patch row (b, oz, oy, ox) at tap
// (kz, ky, kx).
fn entry_index(b: i32, oz: i32, oy: i32, ox: i32, kz: i32, ky: i32, kx: i32) -> u32 {
  let p = ((b * params.out_d + oz) * params.out_h + oy) * params.out_w + ox;
  return u32((p * params.kernel_d + kz) * params.kernel_h + ky) * u32(params.kernel_w) + u32(kx);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn col2im(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.size) { return; }
  let at = voxel_position(i / params.channels);
  let c = i % params.channels;
  var sum = 0.0;
  for (var kz = 0; kz < params.kernel_d; kz++) {
    let oz = output_reading(at.y + params.pad_front - kz * params.dilation_z, params.stride_z, params.out_d);
    if (oz < 0) { continue; }
    for (var ky = 0; ky < params.kernel_h; ky++) {
      let oy = output_reading(at.z + params.pad_top - ky * params.dilation_y, params.stride_y, params.out_h);
      if (oy < 0) { continue; }
      for (var kx = 0; kx < params.kernel_w; kx++) {
        let ox = output_reading(at.w + params.pad_left - kx * params.dilation_x, params.stride_x, params.out_w);
        if (ox >= 0) { sum += src[entry_index(at.x, oz, oy, ox, kz, ky, kx) * params.channels + c]; }
      }
    }
  }
  dst[i] = sum;
}

// col2im for channels a multiple of 4: one invocation per 4 channels of an element, vec4 sums.
@compute @workgroup_size(WORKGROUP_SIZE)
fn col2im_vec4(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.size) { return; }
  let quads = params.channels / 4u;
  let at = voxel_position(i / quads);
  let c = i % quads;
  var sum = vec4<f32>();
  for (var kz = 0; kz < params.kernel_d; kz++) {
    let oz = output_reading(at.y + params.pad_front - kz * params.dilation_z, params.stride_z, params.out_d);
    if (oz < 0) { continue; }
    for (var ky = 0; ky < params.kernel_h; ky++) {
      let oy = output_reading(at.z + params.pad_top - ky * params.dilation_y, params.stride_y, params.out_h);
      if (oy < 0) { continue; }
      for (var kx = 0; kx < params.kernel_w; kx++) {
        let ox = output_reading(at.w + params.pad_left - kx * params.dilation_x, params.stride_x, params.out_w);
        if (ox >= 0) { sum += src4[entry_index(at.x, oz, oy, ox, kz, ky, kx) * quads + c]; }
      }
    }
  }
  dst4[i] = sum;
}
