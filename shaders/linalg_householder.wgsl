// Householder QR of matrices of any size (src/ops/linalg_householder.ts), for qr over 64 x 64.
// The matrices are stored transposed, [batch, columns, m], so that a column of A (or of Q) is a
// contiguous row here and a workgroup's loads along it are consecutive. Reflector j, built from
// column j at rows j.., is v (zero above row j, kept in `reflectors` [batch, steps, m]) with
// H_j = I - scale_j v v^T (`scales` [batch, steps]; scale 0 when the column is already zero below
// its diagonal, H_j = I). The conventions are the small kernel's (shaders/linalg.wgsl, qr):
// alpha = -sign(x_j) |x|, v = x - alpha e_j, so R's diagonal may be negative, as LAPACK's.
// Entry points and their storage bindings (binding 0 is the uniform Params):
//   householder_first: 1 work [batch, rows_total, m], 2 reflectors, 3 scales. One workgroup per
//                      matrix builds reflector 0 from work row 0 and leaves there R's column 0.
//   householder_apply: the same bindings. One workgroup per matrix and row c of work in
//                      [first, first + width) applies H_step to it (a dot product over rows step..,
//                      a workgroup reduction, then the update). With build_next, the workgroup of
//                      row `first` (= step + 1) then builds reflector step + 1 from its updated row:
//                      one dispatch per column factors A, each reading only reflector `step` and
//                      its own row.
//   householder_identity: 1 work [batch, rows_total, m] set to the first rows_total rows of the
//                      identity (Q's columns before the reflectors are applied, last first).
// Workgroups: householder_first, householder_apply run WORKGROUP_SIZE invocations per row (the
// grid is 2-D so that many rows fit); householder_identity one invocation per element.

const WORKGROUP_SIZE: u32 = 64u;

struct Params {
  // Matrices in the batch (householder_identity: elements of work).
  count: u32,
  // Rows of A: the length of each row of work.
  m: u32,
  // Rows of work per matrix (A's columns, or Q's columns).
  rows_total: u32,
  // Reflectors per matrix.
  steps: u32,
  // The reflector applied (householder_apply).
  step: u32,
  // The rows of work this dispatch updates: [first, first + width).
  first: u32,
  width: u32,
  // 1: the workgroup of row `first` builds the next reflector from it.
  build_next: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> work: array<f32>;
@group(0) @binding(2) var<storage, read_write> reflectors: array<f32>;
@group(0) @binding(3) var<storage, read_write> scales: array<f32>;

var<workgroup> partial: array<f32, WORKGROUP_SIZE>;
var<workgroup> total: f32;

// The sum of every lane's `value`, the same in every lane (uniform, so barriers may follow).
fn workgroup_sum(lane: u32, value: f32) -> f32 {
  partial[lane] = value;
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride >>= 1u) {
    workgroupBarrier();
    if (lane < stride) { partial[lane] += partial[lane + stride]; }
  }
  if (lane == 0u) { total = partial[0]; }
  return workgroupUniformLoad(&total);
}

// Builds reflector j of `matrix` from row j of work (A's column j, its rows j..), and leaves R's
// column there: alpha at j, zeros below.
fn build_reflector(lane: u32, matrix: u32, j: u32) {
  let m = params.m;
  let row = (matrix * params.rows_total + j) * m;
  let vector = (matrix * params.steps + j) * m;
  var squares = 0.0;
  for (var i = j + lane; i < m; i += WORKGROUP_SIZE) { squares += work[row + i] * work[row + i]; }
  let norm_squared = workgroup_sum(lane, squares);
  let head = work[row + j];
  if (norm_squared == 0.0) {
    for (var i = j + lane; i < m; i += WORKGROUP_SIZE) { reflectors[vector + i] = 0.0; }
    if (lane == 0u) { scales[matrix * params.steps + j] = 0.0; }
    return;
  }
  let alpha = -select(-1.0, 1.0, head >= 0.0) * sqrt(norm_squared);
  let shifted_head = head - alpha;
  for (var i = j + lane; i < m; i += WORKGROUP_SIZE) {
    reflectors[vector + i] = select(work[row + i], shifted_head, i == j);
    work[row + i] = select(0.0, alpha, i == j);
  }
  if (lane == 0u) { scales[matrix * params.steps + j] = 2.0 / (norm_squared - head * head + shifted_head * shifted_head); }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn householder_first(@builtin(local_invocation_index) lane: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let matrix = wid.x + wid.y * groups.x;
  if (matrix >= params.count) { return; }
  build_reflector(lane, matrix, 0u);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn householder_apply(@builtin(local_invocation_index) lane: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let index = wid.x + wid.y * groups.x;
  if (index >= params.count * params.width) { return; }
  let matrix = index / params.width;
  let c = params.first + index % params.width;
  let m = params.m;
  let j = params.step;
  let row = (matrix * params.rows_total + c) * m;
  let vector = (matrix * params.steps + j) * m;
  var products = 0.0;
  for (var i = j + lane; i < m; i += WORKGROUP_SIZE) { products += reflectors[vector + i] * work[row + i]; }
  let coefficient = scales[matrix * params.steps + j] * workgroup_sum(lane, products);
  for (var i = j + lane; i < m; i += WORKGROUP_SIZE) { work[row + i] -= coefficient * reflectors[vector + i]; }
  if (params.build_next == 1u && c == params.first) {
    storageBarrier();
    build_reflector(lane, matrix, c);
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn householder_identity(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let index = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (index >= params.count) { return; }
  let m = params.m;
  work[index] = select(0.0, 1.0, (index / m) % params.rows_total == index % m);
}
