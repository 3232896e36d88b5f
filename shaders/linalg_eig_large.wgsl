// The eigendecomposition of general square matrices over 64 x 64, keras.ops.eig
// (src/ops/linalg_eig.ts, which dispatches these entry points and holds the same algorithm in
// float64 for the CPU), where linalg_eig.wgsl (one invocation per matrix) stops. The steps are
// that kernel's (LAPACK's dgeev, EISPACK's hqr2), split over dispatches that each do a bounded
// amount of work (params.steps_per_dispatch Hessenberg columns or QR double steps, about n^2 of
// them a dispatch in all), with every O(n) inner loop spread over lanes or invocations, and the
// sequential decisions taken once and shared through workgroup memory.
// Entry points and their storage bindings (binding 0 is the uniform Params):
//   eig_balance:        1 work [batch, n, n] (a copy of a), 2 balance_scale [batch, n],
//                       3 vectors [batch, n, n]. One workgroup per matrix: balancing by powers of
//                       2 (each row/column pair's norms a workgroup reduction, its scaling spread
//                       over the lanes), and vectors = I.
//   hessenberg_reduce:  1 work, 2 householder [batch, n] (scratch), 3 vectors. One workgroup per
//                       matrix reduces columns step.. of work (step + steps_per_dispatch at most)
//                       by Householder reflections I - u u^T / half: the lanes build u (two
//                       reductions), apply it to the columns (one a lane), then to the rows of
//                       work and vectors (one a lane).
//   schur_start:        1 work (Hessenberg), 2 states [batch]. One workgroup per matrix: the
//                       Hessenberg matrix's norm (a reduction) and the QR iteration's starting
//                       state; a zero matrix has nothing to iterate, one with NaN or Infinity fails.
//   schur_iterate:      1 work, 2 states, 3 vectors, 4 values_real, 5 values_imag [batch, n]. One
//                       workgroup per matrix goes on with the Francis double-shift QR iteration
//                       from its saved state for at most steps_per_dispatch double steps (the
//                       TypeScript dispatches enough of these for the whole budget of 30 n; those
//                       after convergence return at once). Lane 0 takes every sequential
//                       decision (deflation and eigenvalues, shifts, the start of the double step,
//                       each 3 x 3 reflector of the bulge chase) and shares it through workgroup
//                       memory; all lanes apply the rotations and reflectors to the rows and
//                       columns of work and the columns of vectors.
//   schur_eigenvectors: 1 work (the Schur form T, read), 2 states, 3 eigenvectors [batch, n, n]
//                       (Y, upper triangular), 4 values_real, 5 values_imag. One invocation per
//                       (matrix, eigenvalue): T's eigenvector by back-substitution (column j
//                       real, or columns j, j + 1 a complex pair's real and imaginary parts, made
//                       by the invocation of j + 1). T stays intact (hqr2 overwrites it in place,
//                       last column first), so the columns are independent.
//   back_transform:     1 work, 2 schur_vectors (V), 3 eigenvectors (Y). One invocation per
//                       element: work = V Y.
//   eig_normalize:      1 work (V Y), 2 states, 3 balance_scale, 4 values_real, 5 values_imag,
//                       6 vectors_real, 7 vectors_imag. One invocation per (matrix, column): the
//                       balancing undone, then unit 2-norm with the first largest component real
//                       and positive; NaN throughout for a matrix that failed, eigenvalues 0 for a
//                       zero one.
// Every matrix is row-major and contiguous; matrix b starts at b * n * n. Grids are 2-D so that
// more than 65535 workgroups fit. Workgroups have 64 lanes: one or two subgroups on common GPUs.

const WORKGROUP_SIZE: u32 = 64u;
// float32's machine epsilon and largest finite value.
const EPSILON: f32 = 1.1920929e-7;
const FLOAT32_MAX: f32 = 0x1.fffffep+127f;
// Francis QR iterations allowed per matrix row (EISPACK's budget of 30 n in all).
const ITERATIONS_PER_ROW: i32 = 30;
// Balancing sweeps allowed, and doublings of one factor per step (2^60 stays within float32).
const MAX_BALANCE_SWEEPS: u32 = 20u;
const MAX_SCALING_STEPS: u32 = 60u;
// Components within this relative margin of the largest magnitude count as tied for it.
const PHASE_TIE_MARGIN: f32 = 1e-3;

// states[b].status: the QR iteration is under way, has converged, did not converge (or met NaN
// or Infinity: the matrix's results are NaN), or has nothing to do (a zero matrix).
const STATUS_ITERATING: u32 = 0u;
const STATUS_CONVERGED: u32 = 1u;
const STATUS_FAILED: u32 = 2u;
const STATUS_ZERO: u32 = 3u;

// What lane 0 asks the workgroup to do next in schur_iterate.
const ACTION_STOP: i32 = 0;
const ACTION_ROTATE: i32 = 1;
const ACTION_DOUBLE_STEP: i32 = 2;

struct Params {
  // Matrices in the batch.
  count: u32,
  n: u32,
  // The first column hessenberg_reduce reduces.
  step: u32,
  // Columns one hessenberg_reduce dispatch reduces, double steps one schur_iterate dispatch takes.
  steps_per_dispatch: u32,
}

// One matrix's progress, kept between dispatches.
struct MatrixState {
  status: u32,
  // The QR iteration's state (hqr2's en, its exceptional shift, its iteration counts).
  last: i32,
  iteration: i32,
  budget: i32,
  shift: f32,
  // The sum of the Hessenberg matrix's magnitudes (hqr2's norm).
  norm: f32,
}

// What lane 0 shares in schur_iterate: the action and its rows, then a rotation (p, q) or the
// first 3 x 3 reflector's scaled column (p, q, r).
struct Command {
  action: i32,
  low: i32,
  m: i32,
  last: i32,
  p: f32,
  q: f32,
  r: f32,
}

// One 3 x 3 reflector of a double step (skip: it is the identity), in hqr2's terms.
struct Reflector {
  skip: u32,
  x: f32,
  y: f32,
  z: f32,
  q: f32,
  r: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
// Each binding is a different buffer for different entry points (see above).
@group(0) @binding(1) var<storage, read_write> work: array<f32>;
@group(0) @binding(2) var<storage, read_write> balance_scale: array<f32>;
@group(0) @binding(2) var<storage, read_write> householder: array<f32>;
@group(0) @binding(2) var<storage, read_write> states: array<MatrixState>;
@group(0) @binding(2) var<storage, read> schur_vectors: array<f32>;
@group(0) @binding(3) var<storage, read_write> vectors: array<f32>;
@group(0) @binding(3) var<storage, read_write> eigenvectors: array<f32>;
@group(0) @binding(3) var<storage, read> final_scale: array<f32>;
@group(0) @binding(4) var<storage, read_write> values_real: array<f32>;
@group(0) @binding(5) var<storage, read_write> values_imag: array<f32>;
@group(0) @binding(6) var<storage, read_write> vectors_real: array<f32>;
@group(0) @binding(7) var<storage, read_write> vectors_imag: array<f32>;

var<workgroup> partial: array<vec2<f32>, WORKGROUP_SIZE>;
var<workgroup> total: vec2<f32>;
var<workgroup> command: Command;
var<workgroup> reflector: Reflector;

// NaN as bits in a private variable (WGSL rejects non-finite constants).
var<private> nan_bits: u32 = 0x7fc00000u;
// This workgroup's or invocation's matrix size and where its matrix starts.
var<private> n: i32;
var<private> base: i32;
// schur_iterate's lane 0: its matrix's iteration state, from states on entry to states on exit.
var<private> state: MatrixState;

fn group_index(wid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return wid.x + wid.y * groups.x;
}

fn flat_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WORKGROUP_SIZE;
}

// The sum of every lane's `value`, the same in every lane (uniform, so barriers may follow).
fn workgroup_sum(lane: u32, value: vec2<f32>) -> vec2<f32> {
  partial[lane] = value;
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride >>= 1u) {
    workgroupBarrier();
    if (lane < stride) { partial[lane] += partial[lane + stride]; }
  }
  if (lane == 0u) { total = partial[0]; }
  return workgroupUniformLoad(&total);
}

fn h(i: i32, j: i32) -> f32 { return work[base + i * n + j]; }
fn set_h(i: i32, j: i32, value: f32) { work[base + i * n + j] = value; }

// ---- Balancing and Hessenberg reduction ----

@compute @workgroup_size(WORKGROUP_SIZE)
fn eig_balance(@builtin(local_invocation_index) lane: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let matrix = group_index(wid, groups);
  if (matrix >= params.count) { return; }
  n = i32(params.n);
  base = i32(matrix) * n * n;
  let scale_base = i32(matrix) * n;
  let first = i32(lane);
  let stride = i32(WORKGROUP_SIZE);
  for (var index = first; index < n * n; index += stride) { vectors[base + index] = select(0.0, 1.0, index % (n + 1) == 0); }
  for (var i = first; i < n; i += stride) { balance_scale[scale_base + i] = 1.0; }
  // The size from the uniform block: loops around barriers must have uniform bounds.
  let size = i32(params.n);
  var changed = true;
  for (var sweep = 0u; sweep < MAX_BALANCE_SWEEPS && changed; sweep++) {
    changed = false;
    for (var i = 0; i < size; i++) {
      var norms = vec2<f32>(0.0);
      for (var j = first; j < n; j += stride) {
        if (j != i) { norms += vec2<f32>(abs(h(j, i)), abs(h(i, j))); }
      }
      norms = workgroup_sum(lane, norms);
      let column_norm = norms.x;
      let row_norm = norms.y;
      // Zero, infinite or NaN norms: nothing to balance.
      if (!(column_norm > 0.0 && row_norm > 0.0 && column_norm <= FLOAT32_MAX && row_norm <= FLOAT32_MAX)) { continue; }
      // factor f scales column i by f and row i by 1 / f; scaled = column_norm f^2.
      var factor = 1.0;
      var scaled = column_norm;
      for (var step = 0u; step < MAX_SCALING_STEPS && scaled < row_norm / 2.0; step++) {
        factor *= 2.0;
        scaled *= 4.0;
      }
      for (var step = 0u; step < MAX_SCALING_STEPS && scaled >= row_norm * 2.0; step++) {
        factor /= 2.0;
        scaled /= 4.0;
      }
      if ((scaled + row_norm) / factor >= 0.95 * (column_norm + row_norm)) { continue; }
      changed = true;
      if (lane == 0u) { balance_scale[scale_base + i] *= factor; }
      // The lane of j = i scales the diagonal entry both ways, as the CPU loop.
      for (var j = first; j < n; j += stride) {
        set_h(i, j, h(i, j) / factor);
        set_h(j, i, h(j, i) * factor);
      }
      storageBarrier();
    }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn hessenberg_reduce(@builtin(local_invocation_index) lane: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let matrix = group_index(wid, groups);
  if (matrix >= params.count) { return; }
  n = i32(params.n);
  base = i32(matrix) * n * n;
  let u = i32(matrix) * n;
  let first = i32(lane);
  let stride = i32(WORKGROUP_SIZE);
  let end = min(i32(params.step + params.steps_per_dispatch), i32(params.n) - 2);
  for (var k = i32(params.step); k < end; k++) {
    // The reflector zeroing column k below its subdiagonal: u = x / scale - alpha e_(k + 1).
    var magnitudes = vec2<f32>(0.0);
    for (var i = k + 1 + first; i < n; i += stride) { magnitudes.x += abs(h(i, k)); }
    let scale = workgroup_sum(lane, magnitudes).x;
    if (scale == 0.0) { continue; }
    var squares = vec2<f32>(0.0);
    for (var i = k + 1 + first; i < n; i += stride) { squares.x += (h(i, k) / scale) * (h(i, k) / scale); }
    let norm_squared = workgroup_sum(lane, squares).x;
    let head = h(k + 1, k) / scale;
    // alpha of the opposite sign to the head, so that head - alpha does not cancel.
    let alpha = -sign_of(head) * sqrt(norm_squared);
    let half = -alpha * (head - alpha);
    for (var i = k + 1 + first; i < n; i += stride) { householder[u + i] = select(h(i, k) / scale, head - alpha, i == k + 1); }
    storageBarrier();
    // Columns k + 1.. of work from the left, a column a lane.
    for (var j = k + 1 + first; j < n; j += stride) {
      var dot = 0.0;
      for (var i = k + 1; i < n; i++) { dot += householder[u + i] * h(i, j); }
      let f = dot / half;
      for (var i = k + 1; i < n; i++) { set_h(i, j, h(i, j) - f * householder[u + i]); }
    }
    storageBarrier();
    // The rows of work, then of vectors, from the right, a row a lane; then column k of work.
    for (var row = first; row < 2 * n; row += stride) {
      let at = base + (row % n) * n;
      var dot = 0.0;
      if (row < n) {
        for (var j = k + 1; j < n; j++) { dot += work[at + j] * householder[u + j]; }
        for (var j = k + 1; j < n; j++) { work[at + j] -= dot / half * householder[u + j]; }
        if (row == k + 1) { work[at + k] = alpha * scale; }
        if (row > k + 1) { work[at + k] = 0.0; }
      } else {
        for (var j = k + 1; j < n; j++) { dot += vectors[at + j] * householder[u + j]; }
        for (var j = k + 1; j < n; j++) { vectors[at + j] -= dot / half * householder[u + j]; }
      }
    }
    storageBarrier();
  }
}

// ---- Francis double-shift QR iteration ----

@compute @workgroup_size(WORKGROUP_SIZE)
fn schur_start(@builtin(local_invocation_index) lane: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let matrix = group_index(wid, groups);
  if (matrix >= params.count) { return; }
  n = i32(params.n);
  base = i32(matrix) * n * n;
  var magnitudes = vec2<f32>(0.0);
  for (var i = 0; i < n; i++) {
    for (var j = max(i - 1, 0) + i32(lane); j < n; j += i32(WORKGROUP_SIZE)) { magnitudes.x += abs(h(i, j)); }
  }
  let norm = workgroup_sum(lane, magnitudes).x;
  if (lane == 0u) {
    var status = STATUS_ITERATING;
    if (norm == 0.0) { status = STATUS_ZERO; }
    // NaN or Infinity in the matrix (or a norm beyond float32's range).
    if (!(norm <= FLOAT32_MAX)) { status = STATUS_FAILED; }
    states[matrix] = MatrixState(status, n - 1, 0, ITERATIONS_PER_ROW * n, 0.0, norm);
  }
}

fn v(i: i32, j: i32) -> f32 { return vectors[base + i * n + j]; }
fn set_v(i: i32, j: i32, value: f32) { vectors[base + i * n + j] = value; }
fn set_value(i: i32, re: f32, im: f32) {
  values_real[base / n + i] = re;
  values_imag[base / n + i] = im;
}

// Lane 0's sequential part of schur_iterate: deflates what has converged (recording eigenvalues;
// a 2 x 2 block of two real ones needs a rotation, ACTION_ROTATE), and otherwise prepares the next
// double step (shifts, its starting row m and first reflector column, ACTION_DOUBLE_STEP), or
// stops when done, out of budget, or at this dispatch's share of double steps (ACTION_STOP).
fn plan_next(steps_taken: u32) -> Command {
  var p = 0.0;
  var q = 0.0;
  var r = 0.0;
  var s = 0.0;
  var w = 0.0;
  var x = 0.0;
  var y = 0.0;
  var z = 0.0;
  loop {
    if (state.status != STATUS_ITERATING) { return Command(ACTION_STOP, 0, 0, 0, 0.0, 0.0, 0.0); }
    if (state.last < 0) {
      state.status = STATUS_CONVERGED;
      continue;
    }
    let last = state.last;
    // The start `low` of the active block: the last negligible subdiagonal entry above `last`.
    var low = last;
    while (low > 0) {
      s = abs(h(low - 1, low - 1)) + abs(h(low, low));
      if (s == 0.0) { s = state.norm; }
      if (abs(h(low, low - 1)) <= EPSILON * s) { break; }
      low--;
    }
    if (low == last) {
      // One real eigenvalue has converged.
      set_h(last, last, h(last, last) + state.shift);
      set_value(last, h(last, last), 0.0);
      state.last--;
      state.iteration = 0;
      continue;
    }
    if (low == last - 1) {
      // A 2 x 2 block has converged: two real eigenvalues (then rotated to triangular form by
      // the workgroup) or a complex conjugate pair.
      w = h(last, last - 1) * h(last - 1, last);
      p = (h(last - 1, last - 1) - h(last, last)) / 2.0;
      q = p * p + w;
      z = sqrt(abs(q));
      set_h(last, last, h(last, last) + state.shift);
      set_h(last - 1, last - 1, h(last - 1, last - 1) + state.shift);
      x = h(last, last);
      state.last -= 2;
      state.iteration = 0;
      if (q >= 0.0) {
        z = select(p - z, p + z, p >= 0.0);
        set_value(last - 1, x + z, 0.0);
        set_value(last, select(x + z, x - w / z, z != 0.0), 0.0);
        x = h(last, last - 1);
        s = abs(x) + abs(z);
        p = x / s;
        q = z / s;
        r = sqrt(p * p + q * q);
        return Command(ACTION_ROTATE, low, 0, last, p / r, q / r, 0.0);
      }
      set_value(last - 1, x + p, z);
      set_value(last, x + p, -z);
      continue;
    }
    if (steps_taken == params.steps_per_dispatch) { return Command(ACTION_STOP, 0, 0, 0, 0.0, 0.0, 0.0); }
    if (state.budget == 0) {
      state.status = STATUS_FAILED;
      continue;
    }
    state.budget--;
    // The shifts: the eigenvalues of the trailing 2 x 2 block, with exceptional shifts after 10
    // and 30 iterations on one eigenvalue to break cycles.
    x = h(last, last);
    y = h(last - 1, last - 1);
    w = h(last, last - 1) * h(last - 1, last);
    if (state.iteration == 10) {
      state.shift += x;
      for (var i = 0; i <= last; i++) { set_h(i, i, h(i, i) - x); }
      s = abs(h(last, last - 1)) + abs(h(last - 1, last - 2));
      x = 0.75 * s;
      y = x;
      w = -0.4375 * s * s;
    }
    if (state.iteration == 30) {
      s = (y - x) / 2.0;
      s = s * s + w;
      if (s > 0.0) {
        s = sqrt(s);
        if (y < x) { s = -s; }
        s = x - w / ((y - x) / 2.0 + s);
        for (var i = 0; i <= last; i++) { set_h(i, i, h(i, i) - s); }
        state.shift += s;
        x = 0.964;
        y = x;
        w = x;
      }
    }
    state.iteration++;
    // Start the double step at the lowest row m whose two subdiagonal entries make it nearly decoupled.
    var m = last - 2;
    loop {
      z = h(m, m);
      r = x - z;
      s = y - z;
      p = (r * s - w) / h(m + 1, m) + h(m, m + 1);
      q = h(m + 1, m + 1) - z - r - s;
      r = h(m + 2, m + 1);
      s = abs(p) + abs(q) + abs(r);
      p /= s;
      q /= s;
      r /= s;
      if (m == low) { break; }
      let coupling = abs(h(m, m - 1)) * (abs(q) + abs(r));
      if (coupling < EPSILON * (abs(p) * (abs(h(m - 1, m - 1)) + abs(z) + abs(h(m + 1, m + 1))))) { break; }
      m--;
    }
    for (var i = m + 2; i <= last; i++) {
      set_h(i, i - 2, 0.0);
      if (i > m + 2) { set_h(i, i - 3, 0.0); }
    }
    return Command(ACTION_DOUBLE_STEP, low, m, last, p, q, r);
  }
}

// Lane 0: the 3 x 3 reflector of the double step's row k (from the shared first column at k = m,
// then from the bulge in column k - 1), setting that column's new entry.
fn plan_reflector(k: i32, step: Command) -> Reflector {
  let not_last = k != step.last - 1;
  var p = step.p;
  var q = step.q;
  var r = step.r;
  var x = 0.0;
  if (k != step.m) {
    p = h(k, k - 1);
    q = h(k + 1, k - 1);
    r = select(0.0, h(k + 2, k - 1), not_last);
    x = abs(p) + abs(q) + abs(r);
    if (x == 0.0) { return Reflector(1u, 0.0, 0.0, 0.0, 0.0, 0.0); }
    p /= x;
    q /= x;
    r /= x;
  }
  var s = sqrt(p * p + q * q + r * r);
  if (p < 0.0) { s = -s; }
  if (s == 0.0) { return Reflector(1u, 0.0, 0.0, 0.0, 0.0, 0.0); }
  if (k != step.m) {
    set_h(k, k - 1, -s * x);
  } else if (step.low != step.m) {
    set_h(k, k - 1, -h(k, k - 1));
  }
  p += s;
  return Reflector(0u, p / s, q / s, r / s, q / p, r / p);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn schur_iterate(@builtin(local_invocation_index) lane: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let matrix = group_index(wid, groups);
  if (matrix >= params.count) { return; }
  n = i32(params.n);
  base = i32(matrix) * n * n;
  let first = i32(lane);
  let stride = i32(WORKGROUP_SIZE);
  if (lane == 0u) { state = states[matrix]; }
  var steps_taken = 0u;
  loop {
    if (lane == 0u) { command = plan_next(steps_taken); }
    // Lane 0's writes to work (eigenvalues' shifts, zeroed entries) before the others read.
    storageBarrier();
    let step = workgroupUniformLoad(&command);
    if (step.action == ACTION_STOP) { break; }
    if (step.action == ACTION_ROTATE) {
      // Rotate rows and columns last - 1, last (of work, and columns of vectors) by (p, q).
      let last = step.last;
      for (var j = last - 1 + first; j < n; j += stride) {
        let held = h(last - 1, j);
        set_h(last - 1, j, step.q * held + step.p * h(last, j));
        set_h(last, j, step.q * h(last, j) - step.p * held);
      }
      storageBarrier();
      for (var i = first; i <= last; i += stride) {
        let held = h(i, last - 1);
        set_h(i, last - 1, step.q * held + step.p * h(i, last));
        set_h(i, last, step.q * h(i, last) - step.p * held);
      }
      for (var i = first; i < n; i += stride) {
        let held = v(i, last - 1);
        set_v(i, last - 1, step.q * held + step.p * v(i, last));
        set_v(i, last, step.q * v(i, last) - step.p * held);
      }
      storageBarrier();
      continue;
    }
    // The double step: a chase of 3 x 3 reflectors down rows m..last.
    steps_taken++;
    for (var k = step.m; k < step.last; k++) {
      if (lane == 0u) { reflector = plan_reflector(k, step); }
      let house = workgroupUniformLoad(&reflector);
      if (house.skip == 1u) { continue; }
      let not_last = k != step.last - 1;
      for (var j = k + first; j < n; j += stride) {
        var product = h(k, j) + house.q * h(k + 1, j);
        if (not_last) {
          product += house.r * h(k + 2, j);
          set_h(k + 2, j, h(k + 2, j) - product * house.z);
        }
        set_h(k, j, h(k, j) - product * house.x);
        set_h(k + 1, j, h(k + 1, j) - product * house.y);
      }
      storageBarrier();
      for (var i = first; i <= min(step.last, k + 3); i += stride) {
        var product = house.x * h(i, k) + house.y * h(i, k + 1);
        if (not_last) {
          product += house.z * h(i, k + 2);
          set_h(i, k + 2, h(i, k + 2) - product * house.r);
        }
        set_h(i, k, h(i, k) - product);
        set_h(i, k + 1, h(i, k + 1) - product * house.q);
      }
      for (var i = first; i < n; i += stride) {
        var product = house.x * v(i, k) + house.y * v(i, k + 1);
        if (not_last) {
          product += house.z * v(i, k + 2);
          set_v(i, k + 2, v(i, k + 2) - product * house.r);
        }
        set_v(i, k, v(i, k) - product);
        set_v(i, k + 1, v(i, k + 1) - product * house.q);
      }
      storageBarrier();
    }
  }
  if (lane == 0u) { states[matrix] = state; }
}

// ---- Eigenvectors ----

// linalg_eig_vectors.wgsl's accessors: the eigenvectors of T go to a buffer of their own (Y), so
// that every column can be computed at once.
fn vector_entry(i: i32, j: i32) -> f32 { return eigenvectors[base + i * n + j]; }
fn set_vector_entry(i: i32, j: i32, value: f32) { eigenvectors[base + i * n + j] = value; }
fn real(i: i32) -> f32 { return values_real[base / n + i]; }
fn imag(i: i32) -> f32 { return values_imag[base / n + i]; }

// One invocation per eigenvalue: its column of Y (a complex pair's second, both of the pair's) by
// back-substitution (linalg_eig_vectors.wgsl), the entries below them zero.
@compute @workgroup_size(WORKGROUP_SIZE)
fn schur_eigenvectors(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let index = flat_index(gid, groups);
  if (index >= params.count * params.n) { return; }
  let matrix = index / params.n;
  let last = i32(index % params.n);
  n = i32(params.n);
  base = i32(matrix) * n * n;
  let status = states[matrix].status;
  if (status == STATUS_FAILED) { return; }
  if (status == STATUS_ZERO) {
    // V (the Hessenberg reduction's Q = I) already holds the eigenvectors: Y = I.
    for (var i = 0; i < n; i++) { set_vector_entry(i, last, select(0.0, 1.0, i == last)); }
    return;
  }
  let q = imag(last);
  // The first of a complex pair: the second's invocation writes both columns.
  if (q > 0.0) { return; }
  for (var i = last + 1; i < n; i++) {
    set_vector_entry(i, last, 0.0);
    if (q < 0.0) { set_vector_entry(i, last - 1, 0.0); }
  }
  schur_eigenvector(last, states[matrix].norm);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn back_transform(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let index = flat_index(gid, groups);
  let size = params.n * params.n;
  if (index >= params.count * size) { return; }
  n = i32(params.n);
  base = i32(index / size) * n * n;
  let i = i32(index % size) / n;
  let j = i32(index % size) % n;
  // Y is upper triangular: the sum stops at its diagonal.
  var sum = 0.0;
  for (var k = 0; k <= j; k++) { sum += schur_vectors[base + i * n + k] * eigenvectors[base + k * n + j]; }
  work[i32(index)] = sum;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn eig_normalize(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let index = flat_index(gid, groups);
  if (index >= params.count * params.n) { return; }
  let matrix = index / params.n;
  let j = i32(index % params.n);
  n = i32(params.n);
  base = i32(matrix) * n * n;
  let value_base = i32(matrix) * n;
  if (states[matrix].status == STATUS_FAILED) {
    let nan = bitcast<f32>(nan_bits);
    values_real[value_base + j] = nan;
    values_imag[value_base + j] = nan;
    for (var i = 0; i < n; i++) {
      vectors_real[base + i * n + j] = nan;
      vectors_imag[base + i * n + j] = nan;
    }
    return;
  }
  if (states[matrix].status == STATUS_ZERO) {
    values_real[value_base + j] = 0.0;
    values_imag[value_base + j] = 0.0;
  }
  let imag_j = values_imag[value_base + j];
  if (imag_j < 0.0) { return; }
  // The column (and a pair's imaginary part, the next column) with the balancing undone.
  let pair = imag_j > 0.0 && j + 1 < n;
  var norm_squared = 0.0;
  var largest = 0.0;
  for (var i = 0; i < n; i++) {
    let re = work[base + i * n + j] * final_scale[value_base + i];
    let im = select(0.0, work[base + i * n + j + 1] * final_scale[value_base + i], pair);
    let magnitude = re * re + im * im;
    norm_squared += magnitude;
    largest = max(largest, magnitude);
  }
  let tied = largest * (1.0 - PHASE_TIE_MARGIN) * (1.0 - PHASE_TIE_MARGIN);
  var pivot_re = 0.0;
  var pivot_im = 0.0;
  for (var i = 0; i < n; i++) {
    pivot_re = work[base + i * n + j] * final_scale[value_base + i];
    pivot_im = select(0.0, work[base + i * n + j + 1] * final_scale[value_base + i], pair);
    if (pivot_re * pivot_re + pivot_im * pivot_im >= tied) { break; }
  }
  // Multiply by conj(pivot) / (|pivot| |v|): the pivot becomes |pivot| / |v|, real and positive.
  let length = sqrt((pivot_re * pivot_re + pivot_im * pivot_im) * norm_squared);
  let cr = pivot_re / length;
  let ci = -pivot_im / length;
  for (var i = 0; i < n; i++) {
    let re = work[base + i * n + j] * final_scale[value_base + i];
    let im = select(0.0, work[base + i * n + j + 1] * final_scale[value_base + i], pair);
    let at = base + i * n + j;
    vectors_real[at] = re * cr - im * ci;
    vectors_imag[at] = re * ci + im * cr;
    if (pair) {
      vectors_real[at + 1] = re * cr - im * ci;
      vectors_imag[at + 1] = -(re * ci + im * cr);
    }
  }
}
