// Tensors made from a rule on the element index: fill (every element the same value), range
// (start + i * step) and eye (1 on diagonal k of a rows x columns matrix, 0 elsewhere).
// Bindings: 0 uniform Params, 1 output y (raw 32-bit words).
// Workgroup: 256 invocations along x, one element each; the grid is 2-D so that more than 65535
// workgroups fit (the flat index folds y into x).
// Specialization: MODE picks the rule (codes match FILL_MODES in src/ops/creation.ts); OUT_INT
// says whether the words hold i32 rather than f32. Integer outputs are computed in i32, so large
// integer ranges stay exact.

override MODE: u32;
override OUT_INT: bool = false;

const WORKGROUP_SIZE: u32 = 256u;
const MODE_FILL: u32 = 0u;
const MODE_RANGE: u32 = 1u;
const MODE_EYE: u32 = 2u;

struct Params {
  size: u32,
  // eye: columns of the matrix.
  columns: u32,
  // fill: the value; range: start and step; eye: the diagonal offset k (int_value). Float and
  // integer copies, read by OUT_INT.
  value: f32,
  step: f32,
  int_value: i32,
  int_step: i32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> y: array<u32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.size) { return; }
  var float_value = params.value;
  var int_value = params.int_value;
  if (MODE == MODE_RANGE) {
    float_value = params.value + f32(i) * params.step;
    int_value = params.int_value + i32(i) * params.int_step;
  } else if (MODE == MODE_EYE) {
    let on_diagonal = i32(i % params.columns) - i32(i / params.columns) == params.int_value;
    float_value = select(0.0, 1.0, on_diagonal);
    int_value = select(0, 1, on_diagonal);
  }
  y[i] = select(bitcast<u32>(float_value), bitcast<u32>(int_value), OUT_INT);
}
