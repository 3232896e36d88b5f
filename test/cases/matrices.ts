// Row-major float64 matrices for the linear algebra tests: seeded random entries (rounded to
// float32, as a tensor holds them), products and transposes, to check identities such as
// x = q r or A v = v diag(w) independently of the library.

import { seededRandom } from './data';

/** A row-major rows x columns matrix, uniform in [-1, 1), rounded to float32. */
export function randomMatrix(rows: number, columns: number, seed: number): number[] {
  const next = seededRandom(seed);
  return Array.from({ length: rows * columns }, () => Math.fround(next() * 2 - 1));
}

/** The float64 product of a (m x k) and b (k x n), row-major. */
export function product(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) out[i * n + j] += a[i * k + p] * b[p * n + j];
  return out;
}

/** The transpose of a row-major rows x columns matrix. */
export function transposed(a: ArrayLike<number>, rows: number, columns: number): Float64Array {
  const out = new Float64Array(rows * columns);
  for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) out[j * rows + i] = a[i * columns + j];
  return out;
}
