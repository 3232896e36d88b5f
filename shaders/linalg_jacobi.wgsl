// Parallel Jacobi for eigh and svd of matrices over 64 x 64 (src/ops/linalg_jacobi.ts), where the
// kernels of linalg.wgsl (one invocation per matrix) stop. A sweep is the n' - 1 rounds of a
// round-robin ("chess tournament") schedule over n' = n rounded up to even indices: in round r,
// pair 0 is (n' - 1, r) and pair k > 0 is ((r + k) mod (n' - 1), (r - k) mod (n' - 1)), so the
// n' / 2 pairs of a round are disjoint and a sweep meets every pair once. Index n' - 1 = n (odd n)
// is a dummy: its pair rotates nothing. Every matrix is row-major and contiguous; matrix b of a
// batch starts at b * rows * columns. A rotation (c, s) of the pair (p, q) maps x_p, x_q to
// c x_p - s x_q, s x_p + c x_q (rows or columns p and q alike).
// Entry points and their storage bindings (binding 0 is the uniform Params):
//   eigh_init:     1 a [batch, n, n], 2 work [batch, n, n], 3 vt [batch, n, n], 4 rotations
//                  (vec2: c, s) [batch, n' / 2]. work = the symmetric matrix of a's lower
//                  triangle, vt = I, rotations = identity (1, 0).
//   eigh_round:    1 work, 2 vt, 3 previous_rotations (read), 4 rotations [batch, n' / 2]. Round
//                  `round` of two-sided Jacobi, work = J^T A J done in two halves over two
//                  dispatches: on entry, work holds J_prev^T A_prev (the previous round rotated
//                  rows only), so each pair's workgroup first rotates the columns of its own rows
//                  p and q by all of the previous round's rotations (that makes rows p and q those
//                  of A), then takes (c, s) zeroing a_pq from a_pp, a_qq, a_pq, stores it, and
//                  rotates rows p and q of work and of vt (vt = V^T: V's columns are its rows). A
//                  workgroup reads and writes only its own two rows, so the pairs run in parallel
//                  and every access is along a row.
//   eigh_diagonal: 1 work, 2 previous_rotations (the last round's), 3 diagonal [batch, n]: the
//                  eigenvalues in index order (the last round's column rotations applied).
//   eigh_sort:     1 diagonal, 2 vt, 3 w [batch, n], 4 v [batch, n, n]: w ascending, v's columns
//                  (vt's rows) in the same order.
//   svd_init:      1 a [batch, m, n] (m >= n), 2 work [batch, n, m], 3 vt [batch, n, n]: work =
//                  A^T (a column of A is a row of work), vt = I.
//   svd_round:     1 work, 2 vt. Round `round` of one-sided (Hestenes) Jacobi: each pair's
//                  workgroup reduces alpha = |a_p|^2, beta = |a_q|^2, gamma = a_p . a_q over the
//                  m rows, then rotates rows p and q of work and vt so that a_p . a_q = 0.
//   svd_norms:     1 work, 2 norms [batch, n]: the column norms of A (rows of work).
//   svd_sort:      1 work, 2 vt, 3 norms, 4 u [batch, m, n], 5 s [batch, n], 6 v [batch, n, n]:
//                  s descending, v's columns in the same order, u's column j = a_j / s_j, or 0
//                  where s_j <= max(s) * m * EPSILON (negligible: TypeScript completes those).
// A rotation is skipped (and stored as (1, 0)) when its pair is already orthogonal to float32
// precision (the tests of linalg.wgsl's eigh and svd), so converged sweeps cost reads only.
// Workgroups: the round, norm and sort kernels of svd and the round kernel of eigh run one
// workgroup of WORKGROUP_SIZE lanes per (matrix, pair or index), the lanes striding along rows
// (consecutive lanes touch consecutive elements); the others run one invocation per element or
// per (matrix, index). Grids are 2-D so that more than 65535 workgroups fit.

const WORKGROUP_SIZE: u32 = 64u;
// float32's machine epsilon.
const EPSILON: f32 = 1.1920929e-7;

struct Params {
  // Matrices in the batch.
  count: u32,
  // Rows of A (svd: m; eigh: n).
  rows: u32,
  // Columns of A (n).
  columns: u32,
  // n rounded up to even.
  padded: u32,
  // The round of the sweep (eigh_diagonal: the last round).
  round: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> init_work: array<f32>;
@group(0) @binding(3) var<storage, read_write> init_vt: array<f32>;
@group(0) @binding(4) var<storage, read_write> init_rotations: array<vec2<f32>>;
@group(0) @binding(1) var<storage, read_write> work: array<f32>;
@group(0) @binding(2) var<storage, read_write> vt: array<f32>;
@group(0) @binding(3) var<storage, read> previous_rotations: array<vec2<f32>>;
@group(0) @binding(4) var<storage, read_write> rotations: array<vec2<f32>>;
@group(0) @binding(1) var<storage, read> final_work: array<f32>;
@group(0) @binding(2) var<storage, read> last_rotations: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read_write> diagonal: array<f32>;
@group(0) @binding(1) var<storage, read> sorted_diagonal: array<f32>;
@group(0) @binding(2) var<storage, read> final_vt: array<f32>;
@group(0) @binding(3) var<storage, read_write> w: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
@group(0) @binding(2) var<storage, read_write> norms: array<f32>;
@group(0) @binding(3) var<storage, read> final_norms: array<f32>;
@group(0) @binding(4) var<storage, read_write> u: array<f32>;
@group(0) @binding(5) var<storage, read_write> s: array<f32>;
@group(0) @binding(6) var<storage, read_write> sorted_v: array<f32>;

var<workgroup> partial_sums: array<vec3<f32>, WORKGROUP_SIZE>;
var<workgroup> partial_ranks: array<u32, WORKGROUP_SIZE>;
var<workgroup> partial_largest: array<f32, WORKGROUP_SIZE>;

fn flat_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WORKGROUP_SIZE;
}

fn group_index(wid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return wid.x + wid.y * groups.x;
}

// Pair k of round `round` (indices p, q; one may be the dummy n' - 1).
fn round_pair(round: u32, k: u32) -> vec2<u32> {
  let last = params.padded - 1u;
  if (k == 0u) { return vec2<u32>(last, round); }
  return vec2<u32>((round + k) % last, (round + last - k) % last);
}

// Where `index` plays in round `round`: (its pair k, its partner, 1 if it is the pair's p else 0).
fn round_position(round: u32, index: u32) -> vec3<u32> {
  let last = params.padded - 1u;
  if (index == last) { return vec3<u32>(0u, round, 1u); }
  if (index == round) { return vec3<u32>(0u, last, 0u); }
  let k = (index + last - round) % last;
  if (k < params.padded / 2u) { return vec3<u32>(k, (round + last - k) % last, 1u); }
  let other = last - k;
  return vec3<u32>(other, (round + other) % last, 0u);
}

// (c, s) of the Jacobi rotation zeroing `off` in the symmetric block [[pp, off], [off, qq]].
fn jacobi_rotation(pp: f32, qq: f32, off: f32) -> vec2<f32> {
  let tau = (qq - pp) / (2.0 * off);
  let t = select(-1.0, 1.0, tau >= 0.0) / (abs(tau) + sqrt(1.0 + tau * tau));
  let c = inverseSqrt(1.0 + t * t);
  return vec2<f32>(c, t * c);
}

// A key whose unsigned order is the float order (NaN above +inf): sorts always give a permutation.
fn order_key(x: f32) -> u32 {
  let bits = bitcast<u32>(x);
  return select(bits | 0x80000000u, ~bits, (bits & 0x80000000u) != 0u);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn eigh_init(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let index = flat_index(gid, groups);
  let n = params.columns;
  if (index < params.count * (params.padded / 2u)) { init_rotations[index] = vec2<f32>(1.0, 0.0); }
  if (index >= params.count * n * n) { return; }
  let base = index - index % (n * n);
  let i = (index % (n * n)) / n;
  let j = index % n;
  init_work[index] = a[base + max(i, j) * n + min(i, j)];
  init_vt[index] = select(0.0, 1.0, i == j);
}

// Rotates entries `pair` (columns) of the row starting at `row` by `rotation`.
fn rotate_row_entries(row: u32, pair: vec2<u32>, rotation: vec2<f32>) {
  let x = work[row + pair.x];
  let y = work[row + pair.y];
  work[row + pair.x] = rotation.x * x - rotation.y * y;
  work[row + pair.y] = rotation.y * x + rotation.x * y;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn eigh_round(@builtin(local_invocation_index) lane: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let pair_count = params.padded / 2u;
  let index = group_index(wid, groups);
  if (index >= params.count * pair_count) { return; }
  let n = params.columns;
  let matrix = index / pair_count;
  let k = index % pair_count;
  let pq = round_pair(params.round, k);
  let p = pq.x;
  let q = pq.y;
  let base = matrix * n * n;
  let rotation_base = matrix * pair_count;
  // Rows p and q of A: their columns rotated by the previous round (rows were by its workgroups).
  let previous = (params.round + params.padded - 2u) % (params.padded - 1u);
  for (var other = lane; other < pair_count; other += WORKGROUP_SIZE) {
    let rotation = previous_rotations[rotation_base + other];
    if (rotation.y == 0.0) { continue; }
    let columns = round_pair(previous, other);
    if (p < n) { rotate_row_entries(base + p * n, columns, rotation); }
    if (q < n) { rotate_row_entries(base + q * n, columns, rotation); }
  }
  if (p >= n || q >= n) {
    if (lane == 0u) { rotations[rotation_base + k] = vec2<f32>(1.0, 0.0); }
    return;
  }
  storageBarrier();
  let pp = work[base + p * n + p];
  let qq = work[base + q * n + q];
  let off = work[base + p * n + q];
  // Every lane has read the block before any lane rotates it.
  workgroupBarrier();
  var rotation = vec2<f32>(1.0, 0.0);
  if (abs(off) > EPSILON * 0.5 * sqrt(abs(pp * qq)) && abs(off) >= 1e-30) { rotation = jacobi_rotation(pp, qq, off); }
  if (lane == 0u) { rotations[rotation_base + k] = rotation; }
  if (rotation.y == 0.0) { return; }
  for (var j = lane; j < n; j += WORKGROUP_SIZE) {
    let xp = work[base + p * n + j];
    let xq = work[base + q * n + j];
    work[base + p * n + j] = rotation.x * xp - rotation.y * xq;
    work[base + q * n + j] = rotation.y * xp + rotation.x * xq;
    let vp = vt[base + p * n + j];
    let vq = vt[base + q * n + j];
    vt[base + p * n + j] = rotation.x * vp - rotation.y * vq;
    vt[base + q * n + j] = rotation.y * vp + rotation.x * vq;
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn eigh_diagonal(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let index = flat_index(gid, groups);
  let n = params.columns;
  if (index >= params.count * n) { return; }
  let matrix = index / n;
  let i = index % n;
  let row = matrix * n * n + i * n;
  let position = round_position(params.round, i);
  let rotation = last_rotations[matrix * (params.padded / 2u) + position.x];
  let own = final_work[row + i];
  if (rotation.y == 0.0) {
    diagonal[index] = own;
    return;
  }
  let other = final_work[row + position.y];
  diagonal[index] = select(rotation.y * other + rotation.x * own, rotation.x * own - rotation.y * other, position.z == 1u);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn eigh_sort(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let index = flat_index(gid, groups);
  let n = params.columns;
  if (index >= params.count * n) { return; }
  let matrix = index / n;
  let i = index % n;
  let key = order_key(sorted_diagonal[index]);
  var rank = 0u;
  for (var j = 0u; j < n; j++) {
    let other = order_key(sorted_diagonal[matrix * n + j]);
    if (other < key || (other == key && j < i)) { rank++; }
  }
  w[matrix * n + rank] = sorted_diagonal[index];
  let base = matrix * n * n;
  for (var t = 0u; t < n; t++) { v[base + t * n + rank] = final_vt[base + i * n + t]; }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn svd_init(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let index = flat_index(gid, groups);
  let m = params.rows;
  let n = params.columns;
  if (index < params.count * n * n) { init_vt[index] = select(0.0, 1.0, (index % (n * n)) / n == index % n); }
  if (index >= params.count * m * n) { return; }
  // index runs over work [batch, n, m]: row j, element t is a[t, j].
  let matrix = index / (m * n);
  let j = (index % (m * n)) / m;
  let t = index % m;
  init_work[index] = a[matrix * m * n + t * n + j];
}

// The sum over the workgroup of each lane's `value` (every lane gets it).
fn workgroup_sum(lane: u32, value: vec3<f32>) -> vec3<f32> {
  partial_sums[lane] = value;
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride >>= 1u) {
    workgroupBarrier();
    if (lane < stride) { partial_sums[lane] += partial_sums[lane + stride]; }
  }
  workgroupBarrier();
  return partial_sums[0];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn svd_round(@builtin(local_invocation_index) lane: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let pair_count = params.padded / 2u;
  let index = group_index(wid, groups);
  if (index >= params.count * pair_count) { return; }
  let m = params.rows;
  let n = params.columns;
  let matrix = index / pair_count;
  let pq = round_pair(params.round, index % pair_count);
  if (pq.x >= n || pq.y >= n) { return; }
  let row_p = matrix * n * m + pq.x * m;
  let row_q = matrix * n * m + pq.y * m;
  var sums = vec3<f32>(0.0);
  for (var t = lane; t < m; t += WORKGROUP_SIZE) {
    let xp = work[row_p + t];
    let xq = work[row_q + t];
    sums += vec3<f32>(xp * xp, xq * xq, xp * xq);
  }
  let total = workgroup_sum(lane, sums);
  let alpha = total.x;
  let beta = total.y;
  let gamma = total.z;
  if (abs(gamma) <= EPSILON * sqrt(alpha) * sqrt(beta) || abs(gamma) < 1e-30) { return; }
  let rotation = jacobi_rotation(alpha, beta, gamma);
  for (var t = lane; t < m; t += WORKGROUP_SIZE) {
    let xp = work[row_p + t];
    let xq = work[row_q + t];
    work[row_p + t] = rotation.x * xp - rotation.y * xq;
    work[row_q + t] = rotation.y * xp + rotation.x * xq;
  }
  let v_p = matrix * n * n + pq.x * n;
  let v_q = matrix * n * n + pq.y * n;
  for (var t = lane; t < n; t += WORKGROUP_SIZE) {
    let vp = vt[v_p + t];
    let vq = vt[v_q + t];
    vt[v_p + t] = rotation.x * vp - rotation.y * vq;
    vt[v_q + t] = rotation.y * vp + rotation.x * vq;
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn svd_norms(@builtin(local_invocation_index) lane: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let index = group_index(wid, groups);
  if (index >= params.count * params.columns) { return; }
  let m = params.rows;
  var sum = 0.0;
  for (var t = lane; t < m; t += WORKGROUP_SIZE) {
    let x = final_work[index * m + t];
    sum += x * x;
  }
  let total = workgroup_sum(lane, vec3<f32>(sum, 0.0, 0.0));
  if (lane == 0u) { norms[index] = sqrt(total.x); }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn svd_sort(@builtin(local_invocation_index) lane: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let index = group_index(wid, groups);
  let m = params.rows;
  let n = params.columns;
  if (index >= params.count * n) { return; }
  let matrix = index / n;
  let j = index % n;
  let norm = final_norms[index];
  let key = order_key(norm);
  // Descending: the rank of j is the number of norms before it (larger, or equal at a lower index).
  var rank = 0u;
  var largest = 0.0;
  for (var i = lane; i < n; i += WORKGROUP_SIZE) {
    let other_norm = final_norms[matrix * n + i];
    let other = order_key(other_norm);
    if (other > key || (other == key && i < j)) { rank++; }
    largest = max(largest, other_norm);
  }
  partial_ranks[lane] = rank;
  partial_largest[lane] = largest;
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride >>= 1u) {
    workgroupBarrier();
    if (lane < stride) {
      partial_ranks[lane] += partial_ranks[lane + stride];
      partial_largest[lane] = max(partial_largest[lane], partial_largest[lane + stride]);
    }
  }
  workgroupBarrier();
  let position = partial_ranks[0];
  let negligible = partial_largest[0] * f32(m) * EPSILON;
  if (lane == 0u) { s[matrix * n + position] = norm; }
  let scale = select(0.0, 1.0 / norm, norm > negligible);
  for (var t = lane; t < m; t += WORKGROUP_SIZE) { u[(matrix * m + t) * n + position] = final_work[index * m + t] * scale; }
  for (var t = lane; t < n; t += WORKGROUP_SIZE) { sorted_v[(matrix * n + t) * n + position] = final_vt[matrix * n * n + j * n + t]; }
}
