// keras.ops.eig: eigenvalues and eigenvectors of batches of general (non-symmetric) square
// matrices, as complex pairs [real, imag] (src/ops/complex.ts). The CPU version is the algorithm
// below in float64, the steps of LAPACK's dgeev: balancing by powers of 2, Householder reduction
// to Hessenberg form, Francis double-shift QR iteration to real Schur form (EISPACK's hqr2),
// back-substitution on the quasi-triangular Schur form, and back-transformation. On the GPU
// (float32) the same steps run in shaders/linalg_eig.wgsl up to 64 x 64, one invocation per
// matrix (good for big batches of small matrices), and beyond in shaders/linalg_eig_large.wgsl,
// split over dispatches that each do bounded work with the O(n) loops spread over lanes: the
// balancing, Hessenberg reduction and QR iteration a workgroup per matrix, the last two a slice of
// columns or double steps a dispatch (the iteration's state kept between them), then the
// eigenvectors an invocation each. Not differentiable.

import { formatShape } from '../backend/types';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import type { WebGPUBackend } from '../backend/webgpu/webgpu_backend';
import { recordGradient } from '../autograd/tape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { runKernel, type Kernel } from './kernel';
import { MAX_MATRIX_SIZE, matrixCount, matrixOperand } from './linalg_batch';
import eigShader from '../../shaders/linalg_eig.wgsl?raw';
import largeEigShader from '../../shaders/linalg_eig_large.wgsl?raw';
import eigVectorsShader from '../../shaders/linalg_eig_vectors.wgsl?raw';

/** Francis QR iterations allowed per matrix row (EISPACK's budget of 30 n in all). */
const ITERATIONS_PER_ROW = 30;
/** Balancing sweeps allowed (one or two suffice for ordinary matrices). */
const MAX_BALANCE_SWEEPS = 20;
/** Doublings of one balancing factor per step, so that the factor stays within float32's range. */
const MAX_SCALING_STEPS = 60;
/**
 * Components within this relative margin of the largest magnitude count as tied for it: the first
 * of them is made real and positive, so that float32 and float64 rounding pick the same one.
 */
const PHASE_TIE_MARGIN = 1e-3;
const WORKGROUP_SIZE = 64;
/** The two kernels, each with the back-substitution and helpers they share. */
const SMALL_EIG_SHADER = `${eigShader}\n${eigVectorsShader}`;
const LARGE_EIG_SHADER = `${largeEigShader}\n${eigVectorsShader}`;
/**
 * Over 64 x 64, a dispatch reduces ROWS_PER_DISPATCH / n Hessenberg columns or takes as many QR
 * double steps (each about n^2 work spread over 64 lanes): it bounds each dispatch's time, as GPU
 * watchdogs ask, while a matrix's iteration (typically 2 n to 4 n double steps) takes a few dozen
 * dispatches; those after it converges return at once.
 */
const ROWS_PER_DISPATCH = 4096;
/** Bytes of one matrix's state between the dispatches of shaders/linalg_eig_large.wgsl (its MatrixState). */
const MATRIX_STATE_BYTES = 24;

interface EigAttrs {
  n: number;
}

/** A general eigendecomposition: eigenvalue i is real[i] + i imag[i], its eigenvector column i of vectorsReal + i vectorsImag. */
interface Eigensystem {
  real: Float64Array;
  imag: Float64Array;
  vectorsReal: Float64Array;
  vectorsImag: Float64Array;
}

/**
 * Scales rows and columns of h (n x n) by powers of 2 (exactly) until each row and column of the
 * off-diagonal part have similar 1-norms (EISPACK's balanc without permutation): this improves
 * the accuracy of the eigenvalues of badly scaled matrices. Returns the factors D, h <- D^-1 h D.
 */
function balance(h: Float64Array, n: number): Float64Array {
  const scale = new Float64Array(n).fill(1);
  let changed = true;
  for (let sweep = 0; sweep < MAX_BALANCE_SWEEPS && changed; sweep++) {
    changed = false;
    for (let i = 0; i < n; i++) {
      let columnNorm = 0;
      let rowNorm = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        columnNorm += Math.abs(h[j * n + i]);
        rowNorm += Math.abs(h[i * n + j]);
      }
      // Zero, infinite or NaN norms: nothing to balance.
      if (!(columnNorm > 0 && rowNorm > 0 && columnNorm < Infinity && rowNorm < Infinity)) continue;
      // factor f scales column i by f and row i by 1 / f; scaled = columnNorm f^2.
      let factor = 1;
      let scaled = columnNorm;
      for (let step = 0; step < MAX_SCALING_STEPS && scaled < rowNorm / 2; step++) {
        factor *= 2;
        scaled *= 4;
      }
      for (let step = 0; step < MAX_SCALING_STEPS && scaled >= rowNorm * 2; step++) {
        factor /= 2;
        scaled /= 4;
      }
      if ((scaled + rowNorm) / factor >= 0.95 * (columnNorm + rowNorm)) continue;
      changed = true;
      scale[i] *= factor;
      for (let j = 0; j < n; j++) {
        h[i * n + j] /= factor;
        h[j * n + i] *= factor;
      }
    }
  }
  return scale;
}

/**
 * Reduces h (n x n) to upper Hessenberg form Q^T h Q by Householder reflections and sets v = Q.
 * Each reflection P = I - u u^T / half zeroes column k below the subdiagonal.
 */
function reduceToHessenberg(h: Float64Array, v: Float64Array, n: number): void {
  v.fill(0);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  const u = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    let scale = 0;
    for (let i = k + 1; i < n; i++) scale += Math.abs(h[i * n + k]);
    if (scale === 0) continue;
    let normSquared = 0;
    for (let i = k + 1; i < n; i++) {
      u[i] = h[i * n + k] / scale;
      normSquared += u[i] * u[i];
    }
    // alpha of the opposite sign to u[k + 1], so that u[k + 1] - alpha does not cancel.
    const alpha = -(u[k + 1] >= 0 ? 1 : -1) * Math.sqrt(normSquared);
    u[k + 1] -= alpha;
    const half = -alpha * u[k + 1];
    for (let j = k + 1; j < n; j++) {
      let dot = 0;
      for (let i = k + 1; i < n; i++) dot += u[i] * h[i * n + j];
      const f = dot / half;
      for (let i = k + 1; i < n; i++) h[i * n + j] -= f * u[i];
    }
    for (const matrix of [h, v]) {
      for (let i = 0; i < n; i++) {
        let dot = 0;
        for (let j = k + 1; j < n; j++) dot += matrix[i * n + j] * u[j];
        const f = dot / half;
        for (let j = k + 1; j < n; j++) matrix[i * n + j] -= f * u[j];
      }
    }
    h[(k + 1) * n + k] = alpha * scale;
    for (let i = k + 2; i < n; i++) h[i * n + k] = 0;
  }
}

/** (ar + i ai) / (br + i bi), scaled so that no intermediate overflows (Smith's algorithm). */
function complexDivide(ar: number, ai: number, br: number, bi: number): [number, number] {
  if (Math.abs(br) > Math.abs(bi)) {
    const ratio = bi / br;
    const denominator = br + ratio * bi;
    return [(ar + ratio * ai) / denominator, (ai - ratio * ar) / denominator];
  }
  const ratio = br / bi;
  const denominator = bi + ratio * br;
  return [(ratio * ar + ai) / denominator, (ratio * ai - ar) / denominator];
}

/**
 * Francis double-shift QR iteration of the Hessenberg matrix h (n x n) to real Schur form,
 * accumulating the transformations into v (EISPACK's hqr2; shifts and deflation as JAMA's port).
 * Eigenvalue i is real[i] + i imag[i]; a complex pair is stored with the positive imaginary part
 * first. Returns false when the iteration does not converge within its budget.
 */
function schurIterate(h: Float64Array, v: Float64Array, real: Float64Array, imag: Float64Array, n: number, epsilon: number, norm: number): boolean {
  let last = n - 1;
  let shift = 0;
  let iteration = 0;
  let budget = ITERATIONS_PER_ROW * n;
  let [p, q, r, s, w, x, y, z] = [0, 0, 0, 0, 0, 0, 0, 0];
  while (last >= 0) {
    // The start `low` of the active block: the last negligible subdiagonal entry above `last`.
    let low = last;
    while (low > 0) {
      s = Math.abs(h[(low - 1) * n + low - 1]) + Math.abs(h[low * n + low]);
      if (s === 0) s = norm;
      if (Math.abs(h[low * n + low - 1]) <= epsilon * s) break;
      low--;
    }
    if (low === last) {
      // One real eigenvalue has converged.
      h[last * n + last] += shift;
      real[last] = h[last * n + last];
      imag[last] = 0;
      last--;
      iteration = 0;
    } else if (low === last - 1) {
      // A 2 x 2 block has converged: two real eigenvalues (the block is then triangularized by a
      // rotation) or a complex conjugate pair.
      w = h[last * n + last - 1] * h[(last - 1) * n + last];
      p = (h[(last - 1) * n + last - 1] - h[last * n + last]) / 2;
      q = p * p + w;
      z = Math.sqrt(Math.abs(q));
      h[last * n + last] += shift;
      h[(last - 1) * n + last - 1] += shift;
      x = h[last * n + last];
      if (q >= 0) {
        z = p >= 0 ? p + z : p - z;
        real[last - 1] = x + z;
        real[last] = z !== 0 ? x - w / z : x + z;
        imag[last - 1] = 0;
        imag[last] = 0;
        x = h[last * n + last - 1];
        s = Math.abs(x) + Math.abs(z);
        p = x / s;
        q = z / s;
        r = Math.sqrt(p * p + q * q);
        p /= r;
        q /= r;
        for (let j = last - 1; j < n; j++) {
          z = h[(last - 1) * n + j];
          h[(last - 1) * n + j] = q * z + p * h[last * n + j];
          h[last * n + j] = q * h[last * n + j] - p * z;
        }
        for (const [matrix, rows] of [[h, last + 1], [v, n]] as const) {
          for (let i = 0; i < rows; i++) {
            z = matrix[i * n + last - 1];
            matrix[i * n + last - 1] = q * z + p * matrix[i * n + last];
            matrix[i * n + last] = q * matrix[i * n + last] - p * z;
          }
        }
      } else {
        real[last - 1] = x + p;
        real[last] = x + p;
        imag[last - 1] = z;
        imag[last] = -z;
      }
      last -= 2;
      iteration = 0;
    } else {
      if (budget-- === 0) return false;
      // The shifts: the eigenvalues of the trailing 2 x 2 block (x, y, w its trace terms), with
      // exceptional shifts after 10 and 30 iterations on one eigenvalue to break cycles.
      x = h[last * n + last];
      y = h[(last - 1) * n + last - 1];
      w = h[last * n + last - 1] * h[(last - 1) * n + last];
      if (iteration === 10) {
        shift += x;
        for (let i = 0; i <= last; i++) h[i * n + i] -= x;
        s = Math.abs(h[last * n + last - 1]) + Math.abs(h[(last - 1) * n + last - 2]);
        x = y = 0.75 * s;
        w = -0.4375 * s * s;
      }
      if (iteration === 30) {
        s = (y - x) / 2;
        s = s * s + w;
        if (s > 0) {
          s = Math.sqrt(s);
          if (y < x) s = -s;
          s = x - w / ((y - x) / 2 + s);
          for (let i = 0; i <= last; i++) h[i * n + i] -= s;
          shift += s;
          x = y = w = 0.964;
        }
      }
      iteration++;
      // Start the double step at the lowest row m whose two subdiagonal entries make it nearly
      // decoupled (p, q, r: the first column of the shifted double-step matrix, scaled).
      let m = last - 2;
      for (;;) {
        z = h[m * n + m];
        r = x - z;
        s = y - z;
        p = (r * s - w) / h[(m + 1) * n + m] + h[m * n + m + 1];
        q = h[(m + 1) * n + m + 1] - z - r - s;
        r = h[(m + 2) * n + m + 1];
        s = Math.abs(p) + Math.abs(q) + Math.abs(r);
        p /= s;
        q /= s;
        r /= s;
        if (m === low) break;
        const coupling = Math.abs(h[m * n + m - 1]) * (Math.abs(q) + Math.abs(r));
        if (coupling < epsilon * (Math.abs(p) * (Math.abs(h[(m - 1) * n + m - 1]) + Math.abs(z) + Math.abs(h[(m + 1) * n + m + 1])))) break;
        m--;
      }
      for (let i = m + 2; i <= last; i++) {
        h[i * n + i - 2] = 0;
        if (i > m + 2) h[i * n + i - 3] = 0;
      }
      // The double step: a chase of 3 x 3 Householder reflections down rows m..last.
      for (let k = m; k < last; k++) {
        const notLast = k !== last - 1;
        if (k !== m) {
          p = h[k * n + k - 1];
          q = h[(k + 1) * n + k - 1];
          r = notLast ? h[(k + 2) * n + k - 1] : 0;
          x = Math.abs(p) + Math.abs(q) + Math.abs(r);
          if (x === 0) continue;
          p /= x;
          q /= x;
          r /= x;
        }
        s = Math.sqrt(p * p + q * q + r * r);
        if (p < 0) s = -s;
        if (s === 0) continue;
        if (k !== m) h[k * n + k - 1] = -s * x;
        else if (low !== m) h[k * n + k - 1] = -h[k * n + k - 1];
        p += s;
        x = p / s;
        y = q / s;
        z = r / s;
        q /= p;
        r /= p;
        for (let j = k; j < n; j++) {
          p = h[k * n + j] + q * h[(k + 1) * n + j];
          if (notLast) {
            p += r * h[(k + 2) * n + j];
            h[(k + 2) * n + j] -= p * z;
          }
          h[k * n + j] -= p * x;
          h[(k + 1) * n + j] -= p * y;
        }
        for (const [matrix, rows] of [[h, Math.min(last, k + 3) + 1], [v, n]] as const) {
          for (let i = 0; i < rows; i++) {
            p = x * matrix[i * n + k] + y * matrix[i * n + k + 1];
            if (notLast) {
              p += z * matrix[i * n + k + 2];
              matrix[i * n + k + 2] -= p * r;
            }
            matrix[i * n + k] -= p;
            matrix[i * n + k + 1] -= p * q;
          }
        }
      }
    }
  }
  return true;
}

/**
 * Overwrites the upper triangle of the real Schur form h with the eigenvectors of h itself, by
 * back-substitution (column j real, or columns j, j + 1 the real and imaginary parts of a complex
 * pair's first eigenvector), as hqr2 does. A zero pivot (a repeated eigenvalue) is perturbed to
 * epsilon * norm.
 */
function schurEigenvectors(h: Float64Array, real: Float64Array, imag: Float64Array, n: number, epsilon: number, norm: number): void {
  let [r, s, t, w, x, y, z] = [0, 0, 0, 0, 0, 0, 0];
  for (let last = n - 1; last >= 0; last--) {
    const p = real[last];
    const q = imag[last];
    if (q === 0) {
      let l = last;
      h[last * n + last] = 1;
      for (let i = last - 1; i >= 0; i--) {
        w = h[i * n + i] - p;
        r = 0;
        for (let j = l; j <= last; j++) r += h[i * n + j] * h[j * n + last];
        if (imag[i] < 0) {
          z = w;
          s = r;
          continue;
        }
        l = i;
        if (imag[i] === 0) {
          h[i * n + last] = -r / (w !== 0 ? w : epsilon * norm);
        } else {
          // Rows i, i + 1 hold a 2 x 2 block: solve the real 2 x 2 system.
          x = h[i * n + i + 1];
          y = h[(i + 1) * n + i];
          const determinant = (real[i] - p) * (real[i] - p) + imag[i] * imag[i];
          t = (x * s - z * r) / determinant;
          h[i * n + last] = t;
          h[(i + 1) * n + last] = Math.abs(x) > Math.abs(z) ? (-r - w * t) / x : (-s - y * t) / z;
        }
        // Rescale the column computed so far when it grows large enough to overflow.
        t = Math.abs(h[i * n + last]);
        if (epsilon * t * t > 1) for (let j = i; j <= last; j++) h[j * n + last] /= t;
      }
    } else if (q < 0) {
      // The second of a pair: columns last - 1 and last get the real and imaginary parts of the
      // eigenvector of p - i q (q < 0), that of the pair's first eigenvalue p + i |q|.
      let l = last - 1;
      if (Math.abs(h[last * n + last - 1]) > Math.abs(h[(last - 1) * n + last])) {
        h[(last - 1) * n + last - 1] = q / h[last * n + last - 1];
        h[(last - 1) * n + last] = -(h[last * n + last] - p) / h[last * n + last - 1];
      } else {
        [h[(last - 1) * n + last - 1], h[(last - 1) * n + last]] = complexDivide(0, -h[(last - 1) * n + last], h[(last - 1) * n + last - 1] - p, q);
      }
      h[last * n + last - 1] = 0;
      h[last * n + last] = 1;
      let [ra, sa] = [0, 0];
      for (let i = last - 2; i >= 0; i--) {
        ra = 0;
        sa = 0;
        for (let j = l; j <= last; j++) {
          ra += h[i * n + j] * h[j * n + last - 1];
          sa += h[i * n + j] * h[j * n + last];
        }
        w = h[i * n + i] - p;
        if (imag[i] < 0) {
          z = w;
          r = ra;
          s = sa;
          continue;
        }
        l = i;
        if (imag[i] === 0) {
          [h[i * n + last - 1], h[i * n + last]] = complexDivide(-ra, -sa, w, q);
        } else {
          // Rows i, i + 1 hold a 2 x 2 block: solve the complex 2 x 2 system.
          x = h[i * n + i + 1];
          y = h[(i + 1) * n + i];
          let vr = (real[i] - p) * (real[i] - p) + imag[i] * imag[i] - q * q;
          const vi = (real[i] - p) * 2 * q;
          if (vr === 0 && vi === 0) vr = epsilon * norm * (Math.abs(w) + Math.abs(q) + Math.abs(x) + Math.abs(y) + Math.abs(z));
          [h[i * n + last - 1], h[i * n + last]] = complexDivide(x * r - z * ra + q * sa, x * s - z * sa - q * ra, vr, vi);
          if (Math.abs(x) > Math.abs(z) + Math.abs(q)) {
            h[(i + 1) * n + last - 1] = (-ra - w * h[i * n + last - 1] + q * h[i * n + last]) / x;
            h[(i + 1) * n + last] = (-sa - w * h[i * n + last] - q * h[i * n + last - 1]) / x;
          } else {
            [h[(i + 1) * n + last - 1], h[(i + 1) * n + last]] = complexDivide(-r - y * h[i * n + last - 1], -s - y * h[i * n + last], z, q);
          }
        }
        t = Math.max(Math.abs(h[i * n + last - 1]), Math.abs(h[i * n + last]));
        if (epsilon * t * t > 1) {
          for (let j = i; j <= last; j++) {
            h[j * n + last - 1] /= t;
            h[j * n + last] /= t;
          }
        }
      }
    }
  }
}

/** The eigendecomposition (float64) of a general n x n matrix; all NaN when the QR iteration fails. */
function generalEigen(source: ArrayLike<number>, n: number): Eigensystem {
  const h = Float64Array.from(source);
  const v = new Float64Array(n * n);
  const result: Eigensystem = { real: new Float64Array(n), imag: new Float64Array(n), vectorsReal: new Float64Array(n * n), vectorsImag: new Float64Array(n * n) };
  const scale = balance(h, n);
  reduceToHessenberg(h, v, n);
  let norm = 0;
  for (let i = 0; i < n; i++) for (let j = Math.max(i - 1, 0); j < n; j++) norm += Math.abs(h[i * n + j]);
  const fail = () => {
    for (const values of Object.values(result)) values.fill(NaN);
    return result;
  };
  // NaN or Infinity in the matrix.
  if (!Number.isFinite(norm)) return fail();
  // A zero matrix is its own Schur form, with eigenvalues 0 and the unit eigenvectors in v = I.
  if (norm !== 0) {
    if (!schurIterate(h, v, result.real, result.imag, n, Number.EPSILON, norm)) return fail();
    schurEigenvectors(h, result.real, result.imag, n, Number.EPSILON, norm);
    // Back-transformation: v <- v times the upper triangle of h (the Schur vectors' eigenvectors).
    for (let j = n - 1; j >= 0; j--) {
      for (let i = 0; i < n; i++) {
        let total = 0;
        for (let k = 0; k <= j; k++) total += v[i * n + k] * h[k * n + j];
        v[i * n + j] = total;
      }
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) v[i * n + j] *= scale[i];
  normalizeEigenvectors(v, result, n);
  return result;
}

/**
 * Writes the eigenvectors held in v (a real column, or a complex pair's real and imaginary parts
 * in two columns) as complex columns of unit 2-norm whose first largest component (see
 * PHASE_TIE_MARGIN) is real and positive; a pair's second column is the conjugate of its first.
 */
function normalizeEigenvectors(v: Float64Array, { imag, vectorsReal, vectorsImag }: Eigensystem, n: number): void {
  for (let j = 0; j < n; j++) {
    if (imag[j] < 0) continue;
    const pair = imag[j] > 0 && j + 1 < n;
    const re = (i: number) => v[i * n + j];
    const im = (i: number) => (pair ? v[i * n + j + 1] : 0);
    let normSquared = 0;
    let largest = 0;
    for (let i = 0; i < n; i++) {
      const magnitude = re(i) * re(i) + im(i) * im(i);
      normSquared += magnitude;
      largest = Math.max(largest, magnitude);
    }
    let pivot = 0;
    while (pivot < n - 1 && re(pivot) * re(pivot) + im(pivot) * im(pivot) < largest * (1 - PHASE_TIE_MARGIN) ** 2) pivot++;
    // Multiply by conj(pivot) / (|pivot| |v|): the pivot becomes |pivot| / |v|, real and positive.
    const length = Math.sqrt((re(pivot) * re(pivot) + im(pivot) * im(pivot)) * normSquared);
    const [cr, ci] = [re(pivot) / length, -im(pivot) / length];
    for (let i = 0; i < n; i++) {
      const [x, y] = [re(i) * cr - im(i) * ci, re(i) * ci + im(i) * cr];
      vectorsReal[i * n + j] = x;
      vectorsImag[i * n + j] = y;
      if (pair) {
        vectorsReal[i * n + j + 1] = x;
        vectorsImag[i * n + j + 1] = -y;
      }
    }
  }
}

/** Outputs schur [..., n, n] (scratch), the eigenvalues' real and imaginary parts [..., n] and the eigenvectors' [..., n, n]. */
const eigKernel: Kernel<EigAttrs> = {
  name: 'eig',
  cpu([a], [, real, imag, vectorsReal, vectorsImag], { n }) {
    for (let matrix = 0; matrix < matrixCount(a.shape); matrix++) {
      const result = generalEigen(a.values.subarray(matrix * n * n, (matrix + 1) * n * n), n);
      real.values.set(result.real, matrix * n);
      imag.values.set(result.imag, matrix * n);
      vectorsReal.values.set(result.vectorsReal, matrix * n * n);
      vectorsImag.values.set(result.vectorsImag, matrix * n * n);
    }
  },
  webgpu(gpu, [a], outputs, { n }) {
    const count = matrixCount(a.shape);
    if (n > MAX_MATRIX_SIZE) {
      dispatchLargeEig(gpu, count, n, [a.buffer, ...outputs.map((o) => o.buffer)]);
      return;
    }
    gpu.dispatch({
      shader: SMALL_EIG_SHADER,
      uniforms: new Uniforms().u32(count, n).finish(),
      buffers: [a.buffer, ...outputs.map((o) => o.buffer)],
      workgroups: gridFor(count, WORKGROUP_SIZE),
    });
  },
};

/**
 * Records the eigendecomposition of `count` n x n matrices `a` over 64 x 64 into `schur` (scratch),
 * the eigenvalues `real`, `imag` [count, n] and the eigenvectors `vectorsReal`, `vectorsImag`
 * [count, n, n] (see shaders/linalg_eig_large.wgsl for each entry point's part).
 */
function dispatchLargeEig(gpu: WebGPUBackend, count: number, n: number, [a, schur, real, imag, vectorsReal, vectorsImag]: GPUBuffer[]): void {
  if (count === 0) return;
  const states = gpu.allocate(count * MATRIX_STATE_BYTES);
  const balanceScale = gpu.allocate(count * n * 4);
  const householder = gpu.allocate(count * n * 4);
  const stepsPerDispatch = Math.max(1, Math.floor(ROWS_PER_DISPATCH / n));
  const run = (entryPoint: string, buffers: GPUBuffer[], [invocations, workgroupSize]: [number, number], step = 0) =>
    gpu.dispatch({
      shader: LARGE_EIG_SHADER,
      entryPoint,
      uniforms: new Uniforms().u32(count, n, step, stepsPerDispatch).finish(),
      buffers,
      workgroups: gridFor(invocations, workgroupSize, gpu.limits.maxComputeWorkgroupsPerDimension),
    });
  const perMatrix: [number, number] = [count, 1];
  const perColumn: [number, number] = [count * n, WORKGROUP_SIZE];
  gpu.copy(a, schur, count * n * n * 4);
  run('eig_balance', [schur, balanceScale, vectorsReal], perMatrix);
  for (let k = 0; k < n - 2; k += stepsPerDispatch) run('hessenberg_reduce', [schur, householder, vectorsReal], perMatrix, k);
  run('schur_start', [schur, states], perMatrix);
  // Enough dispatches for the whole budget of ITERATIONS_PER_ROW * n double steps, and one to find it spent.
  const iterationDispatches = Math.ceil((ITERATIONS_PER_ROW * n) / stepsPerDispatch) + 1;
  for (let d = 0; d < iterationDispatches; d++) run('schur_iterate', [schur, states, vectorsReal, real, imag], perMatrix);
  run('schur_eigenvectors', [schur, states, vectorsImag, real, imag], perColumn);
  run('back_transform', [schur, vectorsReal, vectorsImag], [count * n * n, WORKGROUP_SIZE]);
  run('eig_normalize', [schur, states, balanceScale, real, imag, vectorsReal, vectorsImag], perColumn);
  for (const buffer of [states, balanceScale, householder]) gpu.release(buffer);
}

/**
 * The eigenvalues and right eigenvectors of each square matrix of `x` [..., M, M], as
 * keras.ops.eig: `[eigenvalues, eigenvectors]`, each a complex pair [real, imag] (see
 * `ops.real`, `ops.imag`): eigenvalues [..., M], eigenvectors [..., M, M] with the eigenvector of
 * eigenvalue i in column i, so x v = v diag(w). Each eigenvector has unit 2-norm, and its
 * largest component is real and positive (NumPy only makes it real). A complex conjugate pair of
 * eigenvalues comes as two neighbours, the one with positive imaginary part first. The order is
 * that of the real Schur form (as LAPACK's, which NumPy returns), which is often but not always
 * NumPy's order; repeated eigenvalues may have (nearly) parallel eigenvectors, as in NumPy.
 * Any size: over 64 x 64 the GPU splits each step over dispatches and lanes (see
 * shaders/linalg_eig_large.wgsl). int32 input is cast to float32. A matrix with NaN or Infinity,
 * or on which the QR iteration does not converge within 30 M QR iterations, gives NaN throughout,
 * where NumPy raises. Not differentiable: a gradient that reaches it throws.
 *
 * @example
 * const [[wr, wi], [vr, vi]] = ops.eig(tensor([[0, -1], [1, 0]]));   // wr = [0, 0], wi = [1, -1]
 */
export function eig(x: Tensor): [[Tensor, Tensor], [Tensor, Tensor]] {
  return tidy(() => {
    const matrices = matrixOperand('eig', 'x', x, true);
    const n = matrices.shape[matrices.rank - 1];
    const values = { shape: matrices.shape.slice(0, -1), dtype: 'float32' as const };
    const vectors = { shape: matrices.shape, dtype: 'float32' as const };
    const [schur, real, imag, vectorsReal, vectorsImag] = runKernel(eigKernel, [matrices], [vectors, values, values, vectors, vectors], { n });
    schur.dispose();
    recordGradient('eig', [matrices], [real, imag, vectorsReal, vectorsImag], () => () => {
      throw new Error(`eig is not differentiable: no gradient flows to its input x (of shape ${formatShape(x.shape)}). For a symmetric matrix use ops.eigh, which is; otherwise stop the gradient with ops.stopGradient.`);
    });
    return [[real, imag], [vectorsReal, vectorsImag]];
  });
}
