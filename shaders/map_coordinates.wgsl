// keras.ops.image.map_coordinates for src/ops/image_geometry.ts: out[i] samples the input (any
// rank up to MAX_RANK, row-major) at the point whose coordinate along axis d is
// coordinates[d * size + i] (coordinates [rank, ...output shape], flattened). ORDER 0 takes the
// nearest element (coordinate rounded half away from zero); ORDER 1 blends the 2^rank corners
// around the point with linear weights (as jax.scipy.ndimage.map_coordinates). Each corner's
// index is mapped onto the axis by FILL_MODE first: 0 constant (outside reads fill_value, still
// weighted), 1 nearest (clamped), 2 reflect (d c b a | a b c d | d c b a), 3 wrap
// (a b c d | a b c d), 4 mirror (c d c b | a b c d | c b a b).
// Bindings: 0 uniform Params, 1 input (f32, read), 2 coordinates (f32, read), 3 out (f32,
// read-write).
// Workgroup: 256 invocations, one output element each; the grid is 2-D so that more than 65535
// workgroups fit (the flat index folds y into x). No shared memory: each output reads its rank
// coordinates and at most 2^rank input elements.
// Specialization: ORDER (0 or 1), FILL_MODE (as above), RANK (1 to MAX_RANK).
// src/ops/image_geometry.ts prepends fill_index.wgsl (fill_index, round_half_away_from_zero, COORDINATE_LIMIT).

override ORDER: u32 = 1u;
override FILL_MODE: u32 = 0u;
override RANK: u32 = 1u;

const WORKGROUP_SIZE: u32 = 256u;
const MAX_RANK: u32 = 8u;

struct Params {
  size: u32,
  fill_value: f32,
  _pad0: u32,
  _pad1: u32,
  /** The input's shape and row-major strides, MAX_RANK entries each (unused ones 0). */
  shape: array<vec4<u32>, 2>,
  strides: array<vec4<u32>, 2>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> coordinates: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn flat_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WORKGROUP_SIZE;
}

fn axis_size(d: u32) -> i32 {
  return i32(params.shape[d / 4u][d % 4u]);
}

fn axis_stride(d: u32) -> u32 {
  return params.strides[d / 4u][d % 4u];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn map_coordinates(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.size) { return; }
  var lower: array<i32, MAX_RANK>;
  var upper_weight: array<f32, MAX_RANK>;
  for (var d = 0u; d < RANK; d++) {
    let c = clamp(coordinates[d * params.size + i], -COORDINATE_LIMIT, COORDINATE_LIMIT);
    if (ORDER == 0u) {
      lower[d] = i32(round_half_away_from_zero(c));
      upper_weight[d] = 0.0;
    } else {
      let f = floor(c);
      lower[d] = i32(f);
      upper_weight[d] = c - f;
    }
  }
  let corners = select(1u << RANK, 1u, ORDER == 0u);
  var total = 0.0;
  for (var corner = 0u; corner < corners; corner++) {
    var weight = 1.0;
    var offset = 0u;
    var outside = false;
    for (var d = 0u; d < RANK; d++) {
      let upper = (corner >> d) & 1u;
      weight *= select(1.0 - upper_weight[d], upper_weight[d], upper == 1u);
      let index = fill_index(lower[d] + i32(upper), axis_size(d));
      if (index < 0) {
        outside = true;
      } else {
        offset += u32(index) * axis_stride(d);
      }
    }
    total += weight * select(input[offset], params.fill_value, outside);
  }
  out[i] = total;
}
