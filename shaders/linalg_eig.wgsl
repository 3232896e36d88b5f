// The eigendecomposition of batches of general (non-symmetric) square matrices, keras.ops.eig
// (src/ops/linalg_eig.ts, which holds the same algorithm in float64 for the CPU and documents each
// step). Every matrix is row-major and contiguous; matrix b of a batch starts at b * n * n.
// Steps, as LAPACK's dgeev: balancing by powers of 2; Householder reduction to Hessenberg form,
// the reflections accumulated in V; Francis double-shift QR iteration to real Schur form (EISPACK's
// hqr2), the transformations accumulated in V; back-substitution for the eigenvectors of the
// quasi-triangular Schur form; back-transformation by V; unit 2-norm with the first largest
// component real and positive. A matrix with NaN or Infinity, or whose iteration does not converge,
// gives NaN throughout. src/ops/linalg_eig.ts appends linalg_eig_vectors.wgsl (the back-substitution
// and helpers shared with linalg_eig_large.wgsl).
// Bindings (0 is the uniform Params):
//   1 a [batch, n, n] (read), 2 schur [batch, n, n] (scratch: the Hessenberg, then Schur form,
//   then the Schur form's eigenvectors), 3 values_real [batch, n], 4 values_imag [batch, n]
//   (a complex pair's positive imaginary part first), 5 vectors_real [batch, n, n] (also V while
//   it is accumulated), 6 vectors_imag [batch, n, n]; eigenvector i in column i.
// Workgroup: 64 invocations, one invocation per matrix: each step depends on all earlier ones,
// and the matrices are small (n <= 64, checked in TypeScript), so a batch fills the device while
// each invocation works in its own slices of the buffers, with no workgroup memory or barriers.
// The grid is 2-D so that more than 65535 workgroups fit.

const WORKGROUP_SIZE: u32 = 64u;
// The largest n (MAX_MATRIX_SIZE in src/ops/linalg_batch.ts): the length of the private vectors.
const MAX_SIZE: u32 = 64u;
// float32's machine epsilon and largest finite value.
const EPSILON: f32 = 1.1920929e-7;
const FLOAT32_MAX: f32 = 0x1.fffffep+127f;
// Francis QR iterations allowed per matrix row (EISPACK's budget of 30 n in all).
const ITERATIONS_PER_ROW: i32 = 30;
// Balancing sweeps allowed, and doublings of one factor per step (2^60 stays within float32).
const MAX_BALANCE_SWEEPS: u32 = 20u;
const MAX_SCALING_STEPS: u32 = 60u;
// Components within this relative margin of the largest magnitude count as tied for it (the
// first is made real and positive), so that float32 and float64 rounding pick the same one.
const PHASE_TIE_MARGIN: f32 = 1e-3;

struct Params {
  // Matrices in the batch.
  count: u32,
  n: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> schur: array<f32>;
@group(0) @binding(3) var<storage, read_write> values_real: array<f32>;
@group(0) @binding(4) var<storage, read_write> values_imag: array<f32>;
@group(0) @binding(5) var<storage, read_write> vectors_real: array<f32>;
@group(0) @binding(6) var<storage, read_write> vectors_imag: array<f32>;

// This invocation's matrix: its size, and where it starts in the matrix and the value buffers.
var<private> n: i32;
var<private> matrix_base: i32;
var<private> value_base: i32;
// NaN as bits in a private variable (WGSL rejects non-finite constants).
var<private> nan_bits: u32 = 0x7fc00000u;
// The Householder vector of the Hessenberg reduction; the balancing factors.
var<private> householder: array<f32, MAX_SIZE>;
var<private> balance_scale: array<f32, MAX_SIZE>;

fn h(i: i32, j: i32) -> f32 { return schur[matrix_base + i * n + j]; }
fn set_h(i: i32, j: i32, value: f32) { schur[matrix_base + i * n + j] = value; }
fn v(i: i32, j: i32) -> f32 { return vectors_real[matrix_base + i * n + j]; }
fn set_v(i: i32, j: i32, value: f32) { vectors_real[matrix_base + i * n + j] = value; }
fn real(i: i32) -> f32 { return values_real[value_base + i]; }
fn imag(i: i32) -> f32 { return values_imag[value_base + i]; }
fn set_value(i: i32, re: f32, im: f32) {
  values_real[value_base + i] = re;
  values_imag[value_base + i] = im;
}

// h <- D^-1 h D with D (balance_scale) powers of 2 evening out the off-diagonal row and column norms.
fn balance() {
  for (var i = 0; i < n; i++) { balance_scale[i] = 1.0; }
  var changed = true;
  for (var sweep = 0u; sweep < MAX_BALANCE_SWEEPS && changed; sweep++) {
    changed = false;
    for (var i = 0; i < n; i++) {
      var column_norm = 0.0;
      var row_norm = 0.0;
      for (var j = 0; j < n; j++) {
        if (j == i) { continue; }
        column_norm += abs(h(j, i));
        row_norm += abs(h(i, j));
      }
      // Zero, infinite or NaN norms: nothing to balance.
      if (!(column_norm > 0.0 && row_norm > 0.0 && column_norm <= FLOAT32_MAX && row_norm <= FLOAT32_MAX)) { continue; }
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
      balance_scale[i] *= factor;
      for (var j = 0; j < n; j++) {
        set_h(i, j, h(i, j) / factor);
        set_h(j, i, h(j, i) * factor);
      }
    }
  }
}

// h <- Q^T h Q upper Hessenberg by Householder reflections I - u u^T / half, and V = Q.
fn reduce_to_hessenberg() {
  for (var i = 0; i < n; i++) {
    for (var j = 0; j < n; j++) { set_v(i, j, select(0.0, 1.0, i == j)); }
  }
  for (var k = 0; k < n - 2; k++) {
    var scale = 0.0;
    for (var i = k + 1; i < n; i++) { scale += abs(h(i, k)); }
    if (scale == 0.0) { continue; }
    var norm_squared = 0.0;
    for (var i = k + 1; i < n; i++) {
      householder[i] = h(i, k) / scale;
      norm_squared += householder[i] * householder[i];
    }
    let alpha = -sign_of(householder[k + 1]) * sqrt(norm_squared);
    householder[k + 1] -= alpha;
    let half = -alpha * householder[k + 1];
    for (var j = k + 1; j < n; j++) {
      var dot = 0.0;
      for (var i = k + 1; i < n; i++) { dot += householder[i] * h(i, j); }
      let f = dot / half;
      for (var i = k + 1; i < n; i++) { set_h(i, j, h(i, j) - f * householder[i]); }
    }
    for (var i = 0; i < n; i++) {
      var dot_h = 0.0;
      var dot_v = 0.0;
      for (var j = k + 1; j < n; j++) {
        dot_h += h(i, j) * householder[j];
        dot_v += v(i, j) * householder[j];
      }
      let fh = dot_h / half;
      let fv = dot_v / half;
      for (var j = k + 1; j < n; j++) {
        set_h(i, j, h(i, j) - fh * householder[j]);
        set_v(i, j, v(i, j) - fv * householder[j]);
      }
    }
    set_h(k + 1, k, alpha * scale);
    for (var i = k + 2; i < n; i++) { set_h(i, k, 0.0); }
  }
}

// Francis double-shift QR iteration of the Hessenberg h to real Schur form, accumulated into V;
// the eigenvalues into values_real / values_imag. False when it does not converge.
fn schur_iterate(norm: f32) -> bool {
  var last = n - 1;
  var shift = 0.0;
  var iteration = 0;
  var budget = ITERATIONS_PER_ROW * n;
  var p = 0.0;
  var q = 0.0;
  var r = 0.0;
  var s = 0.0;
  var w = 0.0;
  var x = 0.0;
  var y = 0.0;
  var z = 0.0;
  while (last >= 0) {
    var low = last;
    while (low > 0) {
      s = abs(h(low - 1, low - 1)) + abs(h(low, low));
      if (s == 0.0) { s = norm; }
      if (abs(h(low, low - 1)) <= EPSILON * s) { break; }
      low--;
    }
    if (low == last) {
      set_h(last, last, h(last, last) + shift);
      set_value(last, h(last, last), 0.0);
      last--;
      iteration = 0;
    } else if (low == last - 1) {
      w = h(last, last - 1) * h(last - 1, last);
      p = (h(last - 1, last - 1) - h(last, last)) / 2.0;
      q = p * p + w;
      z = sqrt(abs(q));
      set_h(last, last, h(last, last) + shift);
      set_h(last - 1, last - 1, h(last - 1, last - 1) + shift);
      x = h(last, last);
      if (q >= 0.0) {
        z = select(p - z, p + z, p >= 0.0);
        set_value(last - 1, x + z, 0.0);
        set_value(last, select(x + z, x - w / z, z != 0.0), 0.0);
        x = h(last, last - 1);
        s = abs(x) + abs(z);
        p = x / s;
        q = z / s;
        r = sqrt(p * p + q * q);
        p /= r;
        q /= r;
        for (var j = last - 1; j < n; j++) {
          z = h(last - 1, j);
          set_h(last - 1, j, q * z + p * h(last, j));
          set_h(last, j, q * h(last, j) - p * z);
        }
        for (var i = 0; i <= last; i++) {
          z = h(i, last - 1);
          set_h(i, last - 1, q * z + p * h(i, last));
          set_h(i, last, q * h(i, last) - p * z);
        }
        for (var i = 0; i < n; i++) {
          z = v(i, last - 1);
          set_v(i, last - 1, q * z + p * v(i, last));
          set_v(i, last, q * v(i, last) - p * z);
        }
      } else {
        set_value(last - 1, x + p, z);
        set_value(last, x + p, -z);
      }
      last -= 2;
      iteration = 0;
    } else {
      if (budget == 0) { return false; }
      budget--;
      x = h(last, last);
      y = h(last - 1, last - 1);
      w = h(last, last - 1) * h(last - 1, last);
      if (iteration == 10) {
        shift += x;
        for (var i = 0; i <= last; i++) { set_h(i, i, h(i, i) - x); }
        s = abs(h(last, last - 1)) + abs(h(last - 1, last - 2));
        x = 0.75 * s;
        y = x;
        w = -0.4375 * s * s;
      }
      if (iteration == 30) {
        s = (y - x) / 2.0;
        s = s * s + w;
        if (s > 0.0) {
          s = sqrt(s);
          if (y < x) { s = -s; }
          s = x - w / ((y - x) / 2.0 + s);
          for (var i = 0; i <= last; i++) { set_h(i, i, h(i, i) - s); }
          shift += s;
          x = 0.964;
          y = x;
          w = x;
        }
      }
      iteration++;
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
      for (var k = m; k < last; k++) {
        let not_last = k != last - 1;
        if (k != m) {
          p = h(k, k - 1);
          q = h(k + 1, k - 1);
          r = select(0.0, h(k + 2, k - 1), not_last);
          x = abs(p) + abs(q) + abs(r);
          if (x == 0.0) { continue; }
          p /= x;
          q /= x;
          r /= x;
        }
        s = sqrt(p * p + q * q + r * r);
        if (p < 0.0) { s = -s; }
        if (s == 0.0) { continue; }
        if (k != m) {
          set_h(k, k - 1, -s * x);
        } else if (low != m) {
          set_h(k, k - 1, -h(k, k - 1));
        }
        p += s;
        x = p / s;
        y = q / s;
        z = r / s;
        q /= p;
        r /= p;
        for (var j = k; j < n; j++) {
          p = h(k, j) + q * h(k + 1, j);
          if (not_last) {
            p += r * h(k + 2, j);
            set_h(k + 2, j, h(k + 2, j) - p * z);
          }
          set_h(k, j, h(k, j) - p * x);
          set_h(k + 1, j, h(k + 1, j) - p * y);
        }
        for (var i = 0; i <= min(last, k + 3); i++) {
          p = x * h(i, k) + y * h(i, k + 1);
          if (not_last) {
            p += z * h(i, k + 2);
            set_h(i, k + 2, h(i, k + 2) - p * r);
          }
          set_h(i, k, h(i, k) - p);
          set_h(i, k + 1, h(i, k + 1) - p * q);
        }
        for (var i = 0; i < n; i++) {
          p = x * v(i, k) + y * v(i, k + 1);
          if (not_last) {
            p += z * v(i, k + 2);
            set_v(i, k + 2, v(i, k + 2) - p * r);
          }
          set_v(i, k, v(i, k) - p);
          set_v(i, k + 1, v(i, k + 1) - p * q);
        }
      }
    }
  }
  return true;
}

// The eigenvectors of the real Schur form by back-substitution (linalg_eig_vectors.wgsl), written
// over its upper triangle (column j real, or columns j, j + 1 a complex pair's real and imaginary
// parts), last column first, as hqr2 does. A zero pivot (a repeated eigenvalue) is perturbed to
// EPSILON * norm.
fn schur_eigenvectors(norm: f32) {
  for (var last = n - 1; last >= 0; last--) { schur_eigenvector(last, norm); }
}

// The back-substitution's eigenvector entries are T's own (linalg_eig_vectors.wgsl's accessors).
fn vector_entry(i: i32, j: i32) -> f32 { return h(i, j); }
fn set_vector_entry(i: i32, j: i32, value: f32) { set_h(i, j, value); }

// The eigenvectors held in V (a real column, or a pair's real and imaginary parts in two columns)
// as complex columns of unit 2-norm whose first largest component is real and positive; a pair's
// second column is the conjugate of its first.
fn normalize_eigenvectors() {
  for (var j = 0; j < n; j++) {
    if (imag(j) < 0.0) { continue; }
    let pair = imag(j) > 0.0 && j + 1 < n;
    var norm_squared = 0.0;
    var largest = 0.0;
    for (var i = 0; i < n; i++) {
      let im = select(0.0, v(i, j + 1), pair);
      let magnitude = v(i, j) * v(i, j) + im * im;
      norm_squared += magnitude;
      largest = max(largest, magnitude);
    }
    let tied = largest * (1.0 - PHASE_TIE_MARGIN) * (1.0 - PHASE_TIE_MARGIN);
    var pivot = 0;
    loop {
      let im = select(0.0, v(pivot, j + 1), pair);
      if (pivot >= n - 1 || v(pivot, j) * v(pivot, j) + im * im >= tied) { break; }
      pivot++;
    }
    let pivot_re = v(pivot, j);
    let pivot_im = select(0.0, v(pivot, j + 1), pair);
    // Multiply by conj(pivot) / (|pivot| |v|): the pivot becomes |pivot| / |v|, real and positive.
    let length = sqrt((pivot_re * pivot_re + pivot_im * pivot_im) * norm_squared);
    let cr = pivot_re / length;
    let ci = -pivot_im / length;
    for (var i = 0; i < n; i++) {
      let re = v(i, j);
      let im = select(0.0, v(i, j + 1), pair);
      let index = matrix_base + i * n + j;
      vectors_real[index] = re * cr - im * ci;
      vectors_imag[index] = re * ci + im * cr;
      if (pair) {
        vectors_real[index + 1] = vectors_real[index];
        vectors_imag[index + 1] = -vectors_imag[index];
      }
    }
  }
}

// NaN for every eigenvalue and eigenvector component of this matrix.
fn fail() {
  let nan = bitcast<f32>(nan_bits);
  for (var i = 0; i < n; i++) { set_value(i, nan, nan); }
  for (var i = 0; i < n * n; i++) {
    vectors_real[matrix_base + i] = nan;
    vectors_imag[matrix_base + i] = nan;
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let matrix = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (matrix >= params.count) { return; }
  n = i32(params.n);
  matrix_base = i32(matrix) * n * n;
  value_base = i32(matrix) * n;
  for (var i = 0; i < n * n; i++) { schur[matrix_base + i] = a[matrix_base + i]; }
  for (var i = 0; i < n; i++) { set_value(i, 0.0, 0.0); }
  balance();
  reduce_to_hessenberg();
  var norm = 0.0;
  for (var i = 0; i < n; i++) {
    for (var j = max(i - 1, 0); j < n; j++) { norm += abs(h(i, j)); }
  }
  // NaN or Infinity in the matrix (or a norm beyond float32's range).
  if (!(norm <= FLOAT32_MAX)) {
    fail();
    return;
  }
  // A zero matrix is its own Schur form, with eigenvalues 0 and the unit eigenvectors in V = I.
  if (norm != 0.0) {
    if (!schur_iterate(norm)) {
      fail();
      return;
    }
    schur_eigenvectors(norm);
    // Back-transformation: V <- V times the upper triangle of the Schur form's eigenvectors.
    for (var j = n - 1; j >= 0; j--) {
      for (var i = 0; i < n; i++) {
        var total = 0.0;
        for (var k = 0; k <= j; k++) { total += v(i, k) * h(k, j); }
        set_v(i, j, total);
      }
    }
  }
  for (var i = 0; i < n; i++) {
    for (var j = 0; j < n; j++) { set_v(i, j, v(i, j) * balance_scale[i]); }
  }
  normalize_eigenvectors();
}
