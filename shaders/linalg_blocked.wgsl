// The two kernels of the blocked LU factorization (src/ops/linalg_blocked.ts), which luFactor and
// solve use for matrices over 64 x 64; the rest of that algorithm is matmul and the small kernels
// of shaders/linalg.wgsl. Every matrix is row-major and contiguous; matrix b of a batch starts at
// b * rows * columns.
// Entry points and their storage bindings (binding 0 is the uniform Params):
//   lu_panel:     1 lu [batch, m, n], factored in place (TypeScript copies the input there first),
//                 2 pivots (i32) [batch, steps]. Factors the m x steps panel of columns
//                 panel_start.. with partial pivoting, each pivot searched over all m rows. The
//                 pivot's whole row (all n columns) is swapped, so the columns left of the panel
//                 (L of earlier panels) and right of it (to be updated by matmul) take LAPACK's row
//                 interchanges too. pivots[j] = row_offset + the row swapped with row j at step j
//                 (SciPy's lu_factor convention, row_offset being the panel's first row in the
//                 whole matrix). Rows below a zero pivot are left as they are (as the small kernel).
//   apply_pivots: 1 row_pivots (i32) [batch, steps], 2 b [batch, rows, columns], 3 permuted
//                 [batch, rows, columns]: b with the row swaps of luFactor's pivots applied in order
//                 (P b, for P a = L U).
// Workgroups: lu_panel runs one workgroup of PANEL_WORKGROUP_SIZE invocations per matrix (the grid
// is 2-D so that more than 65535 matrices fit): each column's pivot search is a workgroup
// reduction, the row swap is spread over the columns and the elimination over the rows, with
// barriers between the steps; the pivot row's panel part is staged in workgroup memory.
// apply_pivots runs one invocation per matrix and column of b (consecutive invocations read
// consecutive columns), each applying the swaps in order.

// Invocations a matrix's panel is spread over (a power of two, for the pivot reduction).
const PANEL_WORKGROUP_SIZE: u32 = 128u;
// The widest panel (the block size of the blocked LU).
const MAX_PANEL_WIDTH: u32 = 64u;
const WORKGROUP_SIZE: u32 = 64u;

struct Params {
  // Matrices in the batch (apply_pivots: matrices times columns of b).
  count: u32,
  rows: u32,
  columns: u32,
  // lu_panel: the panel's width; apply_pivots: pivots per matrix.
  steps: u32,
  panel_start: u32,
  row_offset: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> lu: array<f32>;
@group(0) @binding(2) var<storage, read_write> pivots: array<i32>;
@group(0) @binding(1) var<storage, read> row_pivots: array<i32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> permuted: array<f32>;

var<workgroup> best_magnitude: array<f32, PANEL_WORKGROUP_SIZE>;
var<workgroup> best_row: array<u32, PANEL_WORKGROUP_SIZE>;
var<workgroup> pivot_row: array<f32, MAX_PANEL_WIDTH>;

@compute @workgroup_size(PANEL_WORKGROUP_SIZE)
fn lu_panel(@builtin(local_invocation_index) lane: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let matrix = wid.x + wid.y * groups.x;
  if (matrix >= params.count) { return; }
  let m = params.rows;
  let n = params.columns;
  let width = params.steps;
  let first = params.panel_start;
  let base = matrix * m * n;
  for (var j = 0u; j < width; j++) {
    let column = first + j;
    // The pivot: the first row of largest magnitude among rows j.. (a lane without rows offers -1).
    var magnitude = -1.0;
    var row = j;
    for (var i = j + lane; i < m; i += PANEL_WORKGROUP_SIZE) {
      let value = abs(lu[base + i * n + column]);
      if (value > magnitude) {
        magnitude = value;
        row = i;
      }
    }
    best_magnitude[lane] = magnitude;
    best_row[lane] = row;
    for (var stride = PANEL_WORKGROUP_SIZE / 2u; stride > 0u; stride >>= 1u) {
      workgroupBarrier();
      if (lane < stride) {
        let other = best_magnitude[lane + stride];
        let other_row = best_row[lane + stride];
        if (other > best_magnitude[lane] || (other == best_magnitude[lane] && other_row < best_row[lane])) {
          best_magnitude[lane] = other;
          best_row[lane] = other_row;
        }
      }
    }
    workgroupBarrier();
    let pivot = best_row[0];
    if (lane == 0u) { pivots[matrix * width + j] = i32(params.row_offset + pivot); }
    if (pivot != j) {
      for (var c = lane; c < n; c += PANEL_WORKGROUP_SIZE) {
        let held = lu[base + j * n + c];
        lu[base + j * n + c] = lu[base + pivot * n + c];
        lu[base + pivot * n + c] = held;
      }
    }
    storageBarrier();
    for (var c = lane; c < width; c += PANEL_WORKGROUP_SIZE) { pivot_row[c] = lu[base + j * n + first + c]; }
    workgroupBarrier();
    let diagonal = pivot_row[j];
    if (diagonal != 0.0) {
      for (var i = j + 1u + lane; i < m; i += PANEL_WORKGROUP_SIZE) {
        let at = base + i * n + first;
        let factor = lu[at + j] / diagonal;
        lu[at + j] = factor;
        for (var c = j + 1u; c < width; c++) { lu[at + c] -= factor * pivot_row[c]; }
      }
    }
    storageBarrier();
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn apply_pivots(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let index = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (index >= params.count) { return; }
  let rows = params.rows;
  let columns = params.columns;
  let matrix = index / columns;
  let at = matrix * rows * columns + index % columns;
  for (var i = 0u; i < rows; i++) { permuted[at + i * columns] = b[at + i * columns]; }
  for (var j = 0u; j < params.steps; j++) {
    let pivot = u32(row_pivots[matrix * params.steps + j]);
    if (pivot == j) { continue; }
    let held = permuted[at + j * columns];
    permuted[at + j * columns] = permuted[at + pivot * columns];
    permuted[at + pivot * columns] = held;
  }
}
