// Factorizations and solvers for batches of small dense matrices (src/ops/linalg_solve.ts and
// src/ops/linalg_decompose.ts). Every matrix is row-major and contiguous; matrix b of a batch
// starts at b * rows * columns.
// Entry points and their storage bindings (binding 0 is the uniform Params):
//   lu_factor:        1 a [batch, m, n], 2 lu [batch, m, n], 3 pivots (i32) [batch, min(m, n)].
//                     Partial pivoting; pivots[j] is the row swapped with row j at step j (SciPy's
//                     0-based lu_factor convention).
//   solve:            1 a [batch, n, n], 2 b [batch, n, k], 3 work [batch, n, n] (scratch that ends
//                     up holding the eliminated a), 4 x [batch, n, k]. Gaussian elimination with
//                     partial pivoting on [a | b], then back substitution.
//   solve_triangular: 1 a [batch, n, n], 2 b [batch, n, k], 3 x [batch, n, k]. Forward (LOWER) or
//                     backward substitution, reading only a's triangle.
//   cholesky:         1 a [batch, n, n], 2 l [batch, n, n]. Cholesky-Banachiewicz on the lower
//                     triangle of a; the strict upper triangle of l is zero.
//   eigh:             1 a [batch, n, n], 2 work [batch, n, n] (scratch: the rotated matrix),
//                     3 w [batch, n], 4 v [batch, n, n]. Cyclic two-sided Jacobi on the symmetric
//                     matrix taken from a's lower triangle; eigenvalues ascending, eigenvectors in
//                     the columns of v.
//   svd:              1 a [batch, m, n] with m >= n, 2 u [batch, m, u_columns] (n or m),
//                     3 s [batch, n], 4 v [batch, n, n]. One-sided (Hestenes) Jacobi: column pairs
//                     of u are rotated until orthogonal, the rotations accumulated in v; then
//                     s = column norms, descending. Columns of u for (numerically) zero singular
//                     values and the extra columns of a complete u are filled with an orthonormal
//                     completion (Gram-Schmidt on the unit vectors).
//   qr:               1 a [batch, m, n], 2 q [batch, m, m], 3 r [batch, m, n]. Householder
//                     reflections; each reflector's vector is kept in r's column while it is applied.
// Workgroup: 64 invocations, one invocation per matrix (solve_triangular: per matrix and column of
// b). A matrix's algorithm is sequential (pivots, sweeps, reflections depend on all earlier
// steps), and the matrices this serves are small (at most 64 x 64, checked in TypeScript; the
// blocked algorithms of src/ops/linalg_blocked.ts bring the diagonal blocks of larger ones here),
// so a batch of them fills the device while each invocation keeps its matrix in its own slice of
// the output (or scratch) buffer, with no workgroup memory or barriers. The grid is 2-D so that
// more than 65535 workgroups fit.
// Specialization: LOWER (solve_triangular: a is lower triangular).

override LOWER: bool = false;

const WORKGROUP_SIZE: u32 = 64u;
// Jacobi sweeps allowed (float32 converges in well under 20 for the sizes served).
const MAX_SWEEPS: u32 = 40u;
// float32's machine epsilon.
const EPSILON: f32 = 1.1920929e-7;

struct Params {
  // Matrices in the batch (solve_triangular: matrices times columns of b).
  count: u32,
  rows: u32,
  columns: u32,
  // Columns of b (solve, solve_triangular) or of u (svd).
  extra_columns: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> lu: array<f32>;
@group(0) @binding(3) var<storage, read_write> pivots: array<i32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> work: array<f32>;
@group(0) @binding(4) var<storage, read_write> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> x_triangular: array<f32>;
@group(0) @binding(2) var<storage, read_write> l: array<f32>;
@group(0) @binding(2) var<storage, read_write> eigen_work: array<f32>;
@group(0) @binding(3) var<storage, read_write> w: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
@group(0) @binding(2) var<storage, read_write> u: array<f32>;
@group(0) @binding(3) var<storage, read_write> s: array<f32>;
@group(0) @binding(2) var<storage, read_write> q: array<f32>;
@group(0) @binding(3) var<storage, read_write> r: array<f32>;

fn flat_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WORKGROUP_SIZE;
}

// 1 for x >= 0 (so that a zero entry still picks a direction), -1 otherwise.
fn sign_of(x: f32) -> f32 {
  return select(-1.0, 1.0, x >= 0.0);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn lu_factor(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let matrix = flat_index(gid, groups);
  if (matrix >= params.count) { return; }
  let m = params.rows;
  let n = params.columns;
  let steps = min(m, n);
  let base = matrix * m * n;
  for (var i = 0u; i < m * n; i++) { lu[base + i] = a[base + i]; }
  for (var j = 0u; j < steps; j++) {
    var pivot = j;
    for (var i = j + 1u; i < m; i++) {
      if (abs(lu[base + i * n + j]) > abs(lu[base + pivot * n + j])) { pivot = i; }
    }
    pivots[matrix * steps + j] = i32(pivot);
    if (pivot != j) {
      for (var c = 0u; c < n; c++) {
        let held = lu[base + j * n + c];
        lu[base + j * n + c] = lu[base + pivot * n + c];
        lu[base + pivot * n + c] = held;
      }
    }
    let diagonal = lu[base + j * n + j];
    if (diagonal == 0.0) { continue; }
    for (var i = j + 1u; i < m; i++) {
      let factor = lu[base + i * n + j] / diagonal;
      lu[base + i * n + j] = factor;
      for (var c = j + 1u; c < n; c++) { lu[base + i * n + c] -= factor * lu[base + j * n + c]; }
    }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn solve(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let matrix = flat_index(gid, groups);
  if (matrix >= params.count) { return; }
  let n = params.rows;
  let k = params.extra_columns;
  let base = matrix * n * n;
  let rhs = matrix * n * k;
  for (var i = 0u; i < n * n; i++) { work[base + i] = a[base + i]; }
  for (var i = 0u; i < n * k; i++) { x[rhs + i] = b[rhs + i]; }
  for (var j = 0u; j < n; j++) {
    var pivot = j;
    for (var i = j + 1u; i < n; i++) {
      if (abs(work[base + i * n + j]) > abs(work[base + pivot * n + j])) { pivot = i; }
    }
    if (pivot != j) {
      for (var c = j; c < n; c++) {
        let held = work[base + j * n + c];
        work[base + j * n + c] = work[base + pivot * n + c];
        work[base + pivot * n + c] = held;
      }
      for (var c = 0u; c < k; c++) {
        let held = x[rhs + j * k + c];
        x[rhs + j * k + c] = x[rhs + pivot * k + c];
        x[rhs + pivot * k + c] = held;
      }
    }
    let diagonal = work[base + j * n + j];
    for (var i = j + 1u; i < n; i++) {
      let factor = work[base + i * n + j] / diagonal;
      for (var c = j + 1u; c < n; c++) { work[base + i * n + c] -= factor * work[base + j * n + c]; }
      for (var c = 0u; c < k; c++) { x[rhs + i * k + c] -= factor * x[rhs + j * k + c]; }
    }
  }
  for (var step = 0u; step < n; step++) {
    let i = n - 1u - step;
    let diagonal = work[base + i * n + i];
    for (var c = 0u; c < k; c++) {
      var total = x[rhs + i * k + c];
      for (var t = i + 1u; t < n; t++) { total -= work[base + i * n + t] * x[rhs + t * k + c]; }
      x[rhs + i * k + c] = total / diagonal;
    }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn solve_triangular(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let index = flat_index(gid, groups);
  if (index >= params.count) { return; }
  let n = params.rows;
  let k = params.extra_columns;
  let matrix = index / k;
  let column = index % k;
  let base = matrix * n * n;
  let rhs = matrix * n * k + column;
  for (var step = 0u; step < n; step++) {
    let i = select(n - 1u - step, step, LOWER);
    var total = b[rhs + i * k];
    if (LOWER) {
      for (var t = 0u; t < i; t++) { total -= a[base + i * n + t] * x_triangular[rhs + t * k]; }
    } else {
      for (var t = i + 1u; t < n; t++) { total -= a[base + i * n + t] * x_triangular[rhs + t * k]; }
    }
    x_triangular[rhs + i * k] = total / a[base + i * n + i];
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn cholesky(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let matrix = flat_index(gid, groups);
  if (matrix >= params.count) { return; }
  let n = params.rows;
  let base = matrix * n * n;
  for (var i = 0u; i < n; i++) {
    for (var j = 0u; j < n; j++) {
      if (j > i) {
        l[base + i * n + j] = 0.0;
        continue;
      }
      var total = a[base + i * n + j];
      for (var t = 0u; t < j; t++) { total -= l[base + i * n + t] * l[base + j * n + t]; }
      // A matrix that is not positive definite gives NaN (the square root of a negative pivot).
      l[base + i * n + j] = select(total / l[base + j * n + j], sqrt(total), i == j);
    }
  }
}

// The cosine and sine of the Jacobi rotation that zeroes the off-diagonal entry `off` of the 2x2
// symmetric block [[pp, off], [off, qq]] (the smaller of the two possible angles).
fn jacobi_rotation(pp: f32, qq: f32, off: f32) -> vec2<f32> {
  let tau = (qq - pp) / (2.0 * off);
  let t = sign_of(tau) / (abs(tau) + sqrt(1.0 + tau * tau));
  let c = inverseSqrt(1.0 + t * t);
  return vec2<f32>(c, t * c);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn eigh(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let matrix = flat_index(gid, groups);
  if (matrix >= params.count) { return; }
  let n = params.rows;
  let base = matrix * n * n;
  for (var i = 0u; i < n; i++) {
    for (var j = 0u; j < n; j++) {
      eigen_work[base + i * n + j] = a[base + max(i, j) * n + min(i, j)];
      v[base + i * n + j] = select(0.0, 1.0, i == j);
    }
  }
  for (var sweep = 0u; sweep < MAX_SWEEPS; sweep++) {
    var rotated = false;
    for (var p = 0u; p < n; p++) {
      for (var qi = p + 1u; qi < n; qi++) {
        let off = eigen_work[base + p * n + qi];
        let pp = eigen_work[base + p * n + p];
        let qq = eigen_work[base + qi * n + qi];
        if (abs(off) <= EPSILON * 0.5 * sqrt(abs(pp * qq)) || abs(off) < 1e-30) { continue; }
        rotated = true;
        let cs = jacobi_rotation(pp, qq, off);
        for (var t = 0u; t < n; t++) {
          let tp = eigen_work[base + t * n + p];
          let tq = eigen_work[base + t * n + qi];
          eigen_work[base + t * n + p] = cs.x * tp - cs.y * tq;
          eigen_work[base + t * n + qi] = cs.y * tp + cs.x * tq;
        }
        for (var t = 0u; t < n; t++) {
          let pt = eigen_work[base + p * n + t];
          let qt = eigen_work[base + qi * n + t];
          eigen_work[base + p * n + t] = cs.x * pt - cs.y * qt;
          eigen_work[base + qi * n + t] = cs.y * pt + cs.x * qt;
          let vp = v[base + t * n + p];
          let vq = v[base + t * n + qi];
          v[base + t * n + p] = cs.x * vp - cs.y * vq;
          v[base + t * n + qi] = cs.y * vp + cs.x * vq;
        }
      }
    }
    if (!rotated) { break; }
  }
  let values = matrix * n;
  for (var i = 0u; i < n; i++) { w[values + i] = eigen_work[base + i * n + i]; }
  // Selection sort, ascending, moving eigenvector columns along with their eigenvalues.
  for (var i = 0u; i < n; i++) {
    var smallest = i;
    for (var j = i + 1u; j < n; j++) {
      if (w[values + j] < w[values + smallest]) { smallest = j; }
    }
    if (smallest == i) { continue; }
    let held = w[values + i];
    w[values + i] = w[values + smallest];
    w[values + smallest] = held;
    for (var t = 0u; t < n; t++) {
      let vi = v[base + t * n + i];
      v[base + t * n + i] = v[base + t * n + smallest];
      v[base + t * n + smallest] = vi;
    }
  }
}

// The dot product of columns i and j of the matrix at u[base] (m rows, `stride` columns).
fn column_dot(base: u32, stride: u32, i: u32, j: u32) -> f32 {
  var total = 0.0;
  for (var t = 0u; t < params.rows; t++) { total += u[base + t * stride + i] * u[base + t * stride + j]; }
  return total;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn svd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let matrix = flat_index(gid, groups);
  if (matrix >= params.count) { return; }
  let m = params.rows;
  let n = params.columns;
  let stride = params.extra_columns;
  let ub = matrix * m * stride;
  let vb = matrix * n * n;
  let sb = matrix * n;
  for (var i = 0u; i < m; i++) {
    for (var j = 0u; j < n; j++) { u[ub + i * stride + j] = a[matrix * m * n + i * n + j]; }
  }
  for (var i = 0u; i < n; i++) {
    for (var j = 0u; j < n; j++) { v[vb + i * n + j] = select(0.0, 1.0, i == j); }
  }
  for (var sweep = 0u; sweep < MAX_SWEEPS; sweep++) {
    var rotated = false;
    for (var p = 0u; p < n; p++) {
      for (var qi = p + 1u; qi < n; qi++) {
        let alpha = column_dot(ub, stride, p, p);
        let beta = column_dot(ub, stride, qi, qi);
        let gamma = column_dot(ub, stride, p, qi);
        if (abs(gamma) <= EPSILON * sqrt(alpha * beta) || abs(gamma) < 1e-30) { continue; }
        rotated = true;
        let cs = jacobi_rotation(alpha, beta, gamma);
        for (var t = 0u; t < m; t++) {
          let tp = u[ub + t * stride + p];
          let tq = u[ub + t * stride + qi];
          u[ub + t * stride + p] = cs.x * tp - cs.y * tq;
          u[ub + t * stride + qi] = cs.y * tp + cs.x * tq;
        }
        for (var t = 0u; t < n; t++) {
          let tp = v[vb + t * n + p];
          let tq = v[vb + t * n + qi];
          v[vb + t * n + p] = cs.x * tp - cs.y * tq;
          v[vb + t * n + qi] = cs.y * tp + cs.x * tq;
        }
      }
    }
    if (!rotated) { break; }
  }
  var largest = 0.0;
  for (var j = 0u; j < n; j++) {
    s[sb + j] = sqrt(column_dot(ub, stride, j, j));
    largest = max(largest, s[sb + j]);
  }
  // Selection sort, descending, moving the columns of u and v along with their singular values.
  for (var i = 0u; i < n; i++) {
    var biggest = i;
    for (var j = i + 1u; j < n; j++) {
      if (s[sb + j] > s[sb + biggest]) { biggest = j; }
    }
    if (biggest == i) { continue; }
    let held = s[sb + i];
    s[sb + i] = s[sb + biggest];
    s[sb + biggest] = held;
    for (var t = 0u; t < m; t++) {
      let ui = u[ub + t * stride + i];
      u[ub + t * stride + i] = u[ub + t * stride + biggest];
      u[ub + t * stride + biggest] = ui;
    }
    for (var t = 0u; t < n; t++) {
      let vi = v[vb + t * n + i];
      v[vb + t * n + i] = v[vb + t * n + biggest];
      v[vb + t * n + biggest] = vi;
    }
  }
  let negligible = largest * f32(m) * EPSILON;
  var candidate = 0u;
  for (var j = 0u; j < stride; j++) {
    if (j < n && s[sb + j] > negligible) {
      let scale = 1.0 / s[sb + j];
      for (var t = 0u; t < m; t++) { u[ub + t * stride + j] *= scale; }
      continue;
    }
    // Completion (s is sorted, so the columns before j are already orthonormal): the first unit
    // vector with a large part orthogonal to them, orthogonalized twice for accuracy.
    loop {
      for (var t = 0u; t < m; t++) { u[ub + t * stride + j] = select(0.0, 1.0, t == candidate); }
      candidate++;
      for (var round = 0u; round < 2u; round++) {
        for (var i = 0u; i < j; i++) {
          let overlap = column_dot(ub, stride, i, j);
          for (var t = 0u; t < m; t++) { u[ub + t * stride + j] -= overlap * u[ub + t * stride + i]; }
        }
      }
      let column_length = sqrt(column_dot(ub, stride, j, j));
      if (column_length > 0.5 || candidate >= m) {
        for (var t = 0u; t < m; t++) { u[ub + t * stride + j] /= column_length; }
        break;
      }
    }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn qr(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let matrix = flat_index(gid, groups);
  if (matrix >= params.count) { return; }
  let m = params.rows;
  let n = params.columns;
  let rb = matrix * m * n;
  let qb = matrix * m * m;
  for (var i = 0u; i < m * n; i++) { r[rb + i] = a[rb + i]; }
  for (var i = 0u; i < m; i++) {
    for (var j = 0u; j < m; j++) { q[qb + i * m + j] = select(0.0, 1.0, i == j); }
  }
  let steps = min(m - 1u, n);
  for (var j = 0u; j < steps; j++) {
    var norm_squared = 0.0;
    for (var i = j; i < m; i++) { norm_squared += r[rb + i * n + j] * r[rb + i * n + j]; }
    if (norm_squared == 0.0) { continue; }
    // Reflect x = r[j:, j] onto alpha e_1 with alpha = -sign(x_0) |x| (no cancellation in v_0);
    // v = x - alpha e_1 is kept in r[j:, j] while the reflection is applied.
    let alpha = -sign_of(r[rb + j * n + j]) * sqrt(norm_squared);
    r[rb + j * n + j] -= alpha;
    var v_squared = 0.0;
    for (var i = j; i < m; i++) { v_squared += r[rb + i * n + j] * r[rb + i * n + j]; }
    let scale = 2.0 / v_squared;
    for (var c = j + 1u; c < n; c++) {
      var projection = 0.0;
      for (var i = j; i < m; i++) { projection += r[rb + i * n + j] * r[rb + i * n + c]; }
      for (var i = j; i < m; i++) { r[rb + i * n + c] -= scale * projection * r[rb + i * n + j]; }
    }
    for (var row = 0u; row < m; row++) {
      var projection = 0.0;
      for (var i = j; i < m; i++) { projection += q[qb + row * m + i] * r[rb + i * n + j]; }
      for (var i = j; i < m; i++) { q[qb + row * m + i] -= scale * projection * r[rb + i * n + j]; }
    }
    r[rb + j * n + j] = alpha;
    for (var i = j + 1u; i < m; i++) { r[rb + i * n + j] = 0.0; }
  }
}
