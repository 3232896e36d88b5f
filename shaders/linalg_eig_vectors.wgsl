// What the two eig kernels share, appended to each by src/ops/linalg_eig.ts: linalg_eig.wgsl (one
// invocation per matrix, up to 64 x 64) and linalg_eig_large.wgsl (a workgroup per matrix, split
// over dispatches). Each defines the accessors used here: h(i, j), the quasi-triangular Schur form
// T; vector_entry(i, j) and set_vector_entry(i, j, value), the eigenvectors of T being written
// (the small kernel writes them over T's own entries, as EISPACK's hqr2 does; the large one into
// a buffer of their own); real(i) and imag(i), the eigenvalues; and the constant EPSILON.

fn sign_of(value: f32) -> f32 {
  return select(-1.0, 1.0, value >= 0.0);
}

// (ar + i ai) / (br + i bi), scaled so that no intermediate overflows (Smith's algorithm).
fn complex_divide(ar: f32, ai: f32, br: f32, bi: f32) -> vec2<f32> {
  if (abs(br) > abs(bi)) {
    let ratio = bi / br;
    let denominator = br + ratio * bi;
    return vec2<f32>((ar + ratio * ai) / denominator, (ai - ratio * ar) / denominator);
  }
  let ratio = br / bi;
  let denominator = bi + ratio * br;
  return vec2<f32>((ratio * ar + ai) / denominator, (ratio * ai - ar) / denominator);
}

// hqr2's back-substitution for eigenvalue `last` of T, rows 0..last: a real eigenvalue's
// eigenvector into column `last`; for the second of a complex pair (imag(last) < 0), the real and
// imaginary parts of the first's eigenvector into columns last - 1 and last (nothing for the
// first). `norm` (hqr2's, of the Hessenberg matrix) scales the stand-in for a zero pivot; a column
// that grows large enough to overflow is rescaled.
fn schur_eigenvector(last: i32, norm: f32) {
  let p = real(last);
  let q = imag(last);
  var r = 0.0;
  var s = 0.0;
  var t = 0.0;
  var w = 0.0;
  var x = 0.0;
  var y = 0.0;
  var z = 0.0;
  if (q == 0.0) {
    var l = last;
    set_vector_entry(last, last, 1.0);
    for (var i = last - 1; i >= 0; i--) {
      w = h(i, i) - p;
      r = 0.0;
      for (var j = l; j <= last; j++) { r += h(i, j) * vector_entry(j, last); }
      if (imag(i) < 0.0) {
        z = w;
        s = r;
        continue;
      }
      l = i;
      if (imag(i) == 0.0) {
        set_vector_entry(i, last, -r / select(EPSILON * norm, w, w != 0.0));
      } else {
        // Rows i, i + 1 hold a 2 x 2 block: solve the real 2 x 2 system.
        x = h(i, i + 1);
        y = h(i + 1, i);
        let determinant = (real(i) - p) * (real(i) - p) + imag(i) * imag(i);
        t = (x * s - z * r) / determinant;
        set_vector_entry(i, last, t);
        set_vector_entry(i + 1, last, select((-s - y * t) / z, (-r - w * t) / x, abs(x) > abs(z)));
      }
      t = abs(vector_entry(i, last));
      if (EPSILON * t * t > 1.0) {
        for (var j = i; j <= last; j++) { set_vector_entry(j, last, vector_entry(j, last) / t); }
      }
    }
  } else if (q < 0.0) {
    var l = last - 1;
    if (abs(h(last, last - 1)) > abs(h(last - 1, last))) {
      set_vector_entry(last - 1, last - 1, q / h(last, last - 1));
      set_vector_entry(last - 1, last, -(h(last, last) - p) / h(last, last - 1));
    } else {
      let c = complex_divide(0.0, -h(last - 1, last), h(last - 1, last - 1) - p, q);
      set_vector_entry(last - 1, last - 1, c.x);
      set_vector_entry(last - 1, last, c.y);
    }
    set_vector_entry(last, last - 1, 0.0);
    set_vector_entry(last, last, 1.0);
    for (var i = last - 2; i >= 0; i--) {
      var ra = 0.0;
      var sa = 0.0;
      for (var j = l; j <= last; j++) {
        ra += h(i, j) * vector_entry(j, last - 1);
        sa += h(i, j) * vector_entry(j, last);
      }
      w = h(i, i) - p;
      if (imag(i) < 0.0) {
        z = w;
        r = ra;
        s = sa;
        continue;
      }
      l = i;
      if (imag(i) == 0.0) {
        let c = complex_divide(-ra, -sa, w, q);
        set_vector_entry(i, last - 1, c.x);
        set_vector_entry(i, last, c.y);
      } else {
        // Rows i, i + 1 hold a 2 x 2 block: solve the complex 2 x 2 system.
        x = h(i, i + 1);
        y = h(i + 1, i);
        var vr = (real(i) - p) * (real(i) - p) + imag(i) * imag(i) - q * q;
        let vi = (real(i) - p) * 2.0 * q;
        if (vr == 0.0 && vi == 0.0) { vr = EPSILON * norm * (abs(w) + abs(q) + abs(x) + abs(y) + abs(z)); }
        let c = complex_divide(x * r - z * ra + q * sa, x * s - z * sa - q * ra, vr, vi);
        set_vector_entry(i, last - 1, c.x);
        set_vector_entry(i, last, c.y);
        if (abs(x) > abs(z) + abs(q)) {
          set_vector_entry(i + 1, last - 1, (-ra - w * c.x + q * c.y) / x);
          set_vector_entry(i + 1, last, (-sa - w * c.y - q * c.x) / x);
        } else {
          let d = complex_divide(-r - y * c.x, -s - y * c.y, z, q);
          set_vector_entry(i + 1, last - 1, d.x);
          set_vector_entry(i + 1, last, d.y);
        }
      }
      t = max(abs(vector_entry(i, last - 1)), abs(vector_entry(i, last)));
      if (EPSILON * t * t > 1.0) {
        for (var j = i; j <= last; j++) {
          set_vector_entry(j, last - 1, vector_entry(j, last - 1) / t);
          set_vector_entry(j, last, vector_entry(j, last) / t);
        }
      }
    }
  }
}
