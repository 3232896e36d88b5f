// The linear-algebra ops of src/ops/linalg_solve.ts and src/ops/linalg_decompose.ts on both
// backends: values from Keras 3.16 where a decomposition is unique, otherwise the properties that
// define it (reconstruction, orthogonality, triangularity) checked with float64 loops here;
// gradients by finite differences; memory; and the errors users meet.

import { describe, expect, it } from 'vitest';
import { memory, ops, tensor, tidy, type Tensor } from '../../src/node';
import { gradCheck } from '../autograd/gradcheck';
import { seededRandom } from '../cases/data';
import { expectValuesClose, onBothBackends, settleGarbage, useWebGPU } from '../helpers';

useWebGPU();

type Matrix = number[][];

/** Every element of `actual` within atol + rtol * |expected| of `expected` (tolerances 1e-4 here). */
const expectClose = (actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-4, rtol = 1e-4): void => expectValuesClose(actual, expected, rtol, atol);

const multiply = (a: Matrix, b: Matrix): Matrix => a.map((row) => b[0].map((_, j) => row.reduce((total, v, k) => total + v * b[k][j], 0)));
const transposed = (a: Matrix): Matrix => a[0].map((_, j) => a.map((row) => row[j]));
const identityMatrix = (n: number): Matrix => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
const flat = (a: Matrix): number[] => a.flat();
const diagonalMatrix = (values: number[], rows: number, columns: number): Matrix =>
  Array.from({ length: rows }, (_, i) => Array.from({ length: columns }, (_, j) => (i === j ? values[i] : 0)));

/** Random matrices [count][rows][columns] in [-1, 1); `shift` is added to the diagonal. */
function randomMatrices(seed: number, count: number, rows: number, columns: number, shift = 0): Matrix[] {
  const next = seededRandom(seed);
  return Array.from({ length: count }, () => Array.from({ length: rows }, (_, i) => Array.from({ length: columns }, (_, j) => next() * 2 - 1 + (i === j ? shift : 0))));
}

/** Random symmetric positive definite matrices: B B^T + n I. */
function spdMatrices(seed: number, count: number, n: number): Matrix[] {
  return randomMatrices(seed, count, n, n).map((b) => multiply(b, transposed(b)).map((row, i) => row.map((v, j) => v + (i === j ? n : 0))));
}

const batchTensor = (matrices: Matrix[]): Tensor => tensor(matrices.flat(2), [matrices.length, matrices[0].length, matrices[0][0].length]);

/** The matrices of a [count, rows, columns] result. */
async function matricesOf(t: Tensor): Promise<Matrix[]> {
  return (await t.array()) as Matrix[];
}

describe('solve, solveTriangular, inv, luFactor', () => {
  it('luFactor matches Keras (scipy.linalg.lu_factor)', onBothBackends(async () => {
    const [lu, pivots] = ops.luFactor(tensor([[1, 2, 3], [4, 5, 6], [7, 8, 10]]));
    // Keras 3.16: keras.ops.lu_factor([[1, 2, 3], [4, 5, 6], [7, 8, 10]]).
    expectClose(await lu.data(), [7, 8, 10, 0.14285715, 0.8571428, 1.5714285, 0.5714286, 0.4999998, -0.5], 1e-5);
    expect(pivots.dtype).toBe('int32');
    expect(await pivots.array()).toEqual([2, 2, 2]);
    expect(ops.luFactor(tensor(new Array(24).fill(1), [2, 4, 3]))[1].shape).toEqual([2, 3]);
  }));

  it('solve gives a x = b for matrix and vector right-hand sides, batch axes broadcast', onBothBackends(async () => {
    const a = randomMatrices(1, 2, 3, 3, 2);
    const b = randomMatrices(2, 2, 3, 2);
    const x = await matricesOf(ops.solve(batchTensor(a), batchTensor(b)));
    a.forEach((matrix, i) => expectClose(flat(multiply(matrix, x[i])), flat(b[i])));
    const vectors = [[1, 2, 3], [-1, 0, 2]];
    const y = ops.solve(batchTensor(a), tensor(vectors));
    expect(y.shape).toEqual([2, 3]);
    const yValues = (await y.array()) as number[][];
    a.forEach((matrix, i) => expectClose(flat(multiply(matrix, yValues[i].map((v) => [v]))), vectors[i]));
    // One matrix against a batch of right-hand sides.
    const shared = ops.solve(tensor(a[0]), batchTensor(b));
    expect(shared.shape).toEqual([2, 3, 2]);
    (await matricesOf(shared)).forEach((solution, i) => expectClose(flat(multiply(a[0], solution)), flat(b[i])));
    expectClose(await ops.solve(tensor([[2, 0], [0, 4]]), tensor([2, 2])).data(), [1, 0.5]);
  }));

  it('solveTriangular reads only the chosen triangle', onBothBackends(async () => {
    // The other triangle holds values that would change the result if read.
    const a = [[2, 9, 9], [1, 3, 9], [-1, 2, 4]];
    const b = [[1, 2], [3, 4], [5, 6]];
    const lower = a.map((row, i) => row.map((v, j) => (j <= i ? v : 0)));
    const upper = a.map((row, i) => row.map((v, j) => (j >= i ? v : 0)));
    const xLower = (await ops.solveTriangular(tensor(a), tensor(b), true).array()) as Matrix;
    expectClose(flat(multiply(lower, xLower)), flat(b));
    const xUpper = (await ops.solveTriangular(tensor(a), tensor(b)).array()) as Matrix;
    expectClose(flat(multiply(upper, xUpper)), flat(b));
    expectClose(await ops.solveTriangular(tensor([[2, 0], [1, 1]]), tensor([2, 3]), true).data(), [1, 2]);
  }));

  it('inv gives the inverse of each matrix', onBothBackends(async () => {
    const a = randomMatrices(3, 3, 4, 4, 2);
    const inverse = await matricesOf(ops.inv(batchTensor(a)));
    a.forEach((matrix, i) => expectClose(flat(multiply(matrix, inverse[i])), flat(identityMatrix(4))));
    expectClose(await ops.inv(tensor([[1, 2], [3, 4]], [2, 2], 'int32')).data(), [-2, 1, 1.5, -0.5], 1e-5);
  }));
});

describe('determinants and matrix functions', () => {
  it('det, slogdet and logdet match Keras; a singular matrix gives 0, sign 0 and -Infinity', onBothBackends(async () => {
    const a = [[[1, 2, 3], [4, 5, 6], [7, 8, 10]], [[2, 0, 0], [0, 3, 0], [0, 0, 1]], [[1, 2, 3], [2, 4, 6], [1, 0, 1]]];
    // Keras 3.16: det -3 and slogdet (-1, 1.0986123) for the first; log(6) = 1.7917595 for the second.
    expectClose(await ops.det(tensor(a)).data(), [-3, 6, 0], 1e-5);
    const [sign, logAbs] = ops.slogdet(tensor(a));
    expectClose(await sign.data(), [-1, 1, 0], 0);
    expectClose(await logAbs.data(), [1.0986123, 1.7917595, -Infinity]);
    expectClose(await ops.logdet(tensor(a.slice(0, 2))).data(), [1.0986123, 1.7917595]);
    expectClose(await ops.det(tensor([[1, 2], [3, 4]], [2, 2], 'int32')).data(), [-2], 1e-6);
  }));

  it('matrixPower matches Keras, with n = 0 the identity and n < 0 powers of the inverse', onBothBackends(async () => {
    const x = tensor([[1, 2], [3, 4]]);
    // Keras 3.16: matrix_power([[1, 2], [3, 4]], 3).
    expect(await ops.matrixPower(x, 3).array()).toEqual([[37, 54], [81, 118]]);
    expect(await ops.matrixPower(x, 0).array()).toEqual([[1, 0], [0, 1]]);
    const first = ops.matrixPower(x, 1);
    expect(first).not.toBe(x);
    expect(await first.array()).toEqual([[1, 2], [3, 4]]);
    expectClose(await ops.matrixPower(x, -2).data(), [5.5, -2.5, -3.75, 1.75], 1e-5);
    const integer = ops.matrixPower(tensor([[1, 2], [3, 4]], [2, 2], 'int32'), 2);
    expect(integer.dtype).toBe('int32');
    expect(await integer.array()).toEqual([[7, 10], [15, 22]]);
  }));
});

describe('decompositions', () => {
  it('cholesky matches Keras and reconstructs SPD matrices; upper gives the transpose', onBothBackends(async () => {
    // Keras 3.16: cholesky([[4, 2], [2, 3]]) and with upper=True.
    expectClose(await ops.cholesky(tensor([[4, 2], [2, 3]])).data(), [2, 0, 1, 1.4142135], 1e-5);
    expectClose(await ops.cholesky(tensor([[4, 2], [2, 3]]), true).data(), [2, 1, 0, 1.4142135], 1e-5);
    const a = spdMatrices(4, 2, 4);
    const factors = await matricesOf(ops.cholesky(batchTensor(a)));
    factors.forEach((l, i) => {
      expect(l.every((row, r) => row.every((v, c) => c <= r || v === 0))).toBe(true);
      expectClose(flat(multiply(l, transposed(l))), flat(a[i]), 1e-4);
    });
    // Keras 3.16: cholesky_inverse([[2, 0], [1, 3]]) = inv([[4, 2], [2, 10]]).
    expectClose(await ops.choleskyInverse(tensor([[2, 0], [1, 3]])).data(), [10 / 36, -2 / 36, -2 / 36, 4 / 36], 1e-5);
    expectClose(await ops.choleskyInverse(tensor([[2, 1], [0, 3]]), true).data(), [10 / 36, -2 / 36, -2 / 36, 4 / 36], 1e-5);
  }));

  it('qr: Q orthonormal, R upper triangular, Q R = x, in both modes; signs as Keras', onBothBackends(async () => {
    const [q, r] = ops.qr(tensor([[1, 2], [3, 4], [5, 6]]), 'complete');
    // Keras 3.16: keras.ops.qr([[1, 2], [3, 4], [5, 6]], mode='complete').
    expectClose(await q.data(), [-0.1690309, 0.8970852, 0.4082483, -0.5070926, 0.2760262, -0.8164966, -0.8451543, -0.3450328, 0.4082483], 1e-5);
    expectClose(await r.data(), [-5.9160798, -7.4373574, 0, 0.8280787, 0, 0], 1e-5);
    for (const [rows, columns] of [[4, 3], [3, 4]]) {
      const x = randomMatrices(5, 2, rows, columns);
      for (const mode of ['reduced', 'complete'] as const) {
        const [qs, rs] = ops.qr(batchTensor(x), mode);
        const k = mode === 'reduced' ? Math.min(rows, columns) : rows;
        expect(qs.shape).toEqual([2, rows, k]);
        expect(rs.shape).toEqual([2, k, columns]);
        const [qValues, rValues] = [await matricesOf(qs), await matricesOf(rs)];
        x.forEach((matrix, i) => {
          expectClose(flat(multiply(qValues[i], rValues[i])), flat(matrix));
          expectClose(flat(multiply(transposed(qValues[i]), qValues[i])), flat(identityMatrix(k)));
          expect(rValues[i].every((row, a) => row.every((v, b) => b >= a || v === 0))).toBe(true);
        });
      }
    }
  }));

  it('eigh: ascending eigenvalues, x v = v diag(w), v orthonormal, only the lower triangle read', onBothBackends(async () => {
    const [w2] = ops.eigh(tensor([[2, 1], [1, 2]]));
    expectClose(await w2.data(), [1, 3], 1e-5);
    const symmetric = randomMatrices(6, 3, 4, 4).map((b) => b.map((row, i) => row.map((_, j) => b[Math.max(i, j)][Math.min(i, j)])));
    // Garbage above the diagonal: eigh reads the lower triangle, as NumPy's default.
    const input = symmetric.map((m) => m.map((row, i) => row.map((v, j) => (j > i ? 7 : v))));
    const [w, v] = ops.eigh(batchTensor(input));
    const [values, vectors] = [(await w.array()) as number[][], await matricesOf(v)];
    symmetric.forEach((matrix, i) => {
      expect([...values[i]].sort((p, q) => p - q)).toEqual(values[i]);
      expectClose(flat(multiply(matrix, vectors[i])), flat(multiply(vectors[i], diagonalMatrix(values[i], 4, 4))));
      expectClose(flat(multiply(transposed(vectors[i]), vectors[i])), flat(identityMatrix(4)));
    });
  }));

  it('svd: descending singular values, x = u s vh, orthonormal u and vh, tall, wide and rank deficient', onBothBackends(async () => {
    // Keras 3.16: svd([[1, 2], [3, 4], [5, 6]], compute_uv=False) = [9.5255, 0.5143].
    expectClose(await ops.svd(tensor([[1, 2], [3, 4], [5, 6]]), { computeUv: false }).data(), [9.52551809, 0.51430058], 1e-5);
    const rankOne = [[[1, 2, 3], [2, 4, 6], [0, 0, 0], [1, 2, 3]]];
    const cases: Matrix[][] = [randomMatrices(7, 2, 4, 3), randomMatrices(8, 2, 3, 4), rankOne];
    for (const x of cases) {
      const [rows, columns] = [x[0].length, x[0][0].length];
      const k = Math.min(rows, columns);
      for (const fullMatrices of [true, false]) {
        const [u, s, vh] = ops.svd(batchTensor(x), { fullMatrices });
        expect(u.shape).toEqual([x.length, rows, fullMatrices ? rows : k]);
        expect(vh.shape).toEqual([x.length, fullMatrices ? columns : k, columns]);
        const [uValues, sValues, vhValues] = [await matricesOf(u), (await s.array()) as number[][], await matricesOf(vh)];
        x.forEach((matrix, i) => {
          expect([...sValues[i]].sort((p, q) => q - p)).toEqual(sValues[i]);
          const middle = diagonalMatrix(sValues[i], uValues[i][0].length, vhValues[i].length);
          expectClose(flat(multiply(multiply(uValues[i], middle), vhValues[i])), flat(matrix));
          expectClose(flat(multiply(transposed(uValues[i]), uValues[i])), flat(identityMatrix(uValues[i][0].length)));
          expectClose(flat(multiply(vhValues[i], transposed(vhValues[i]))), flat(identityMatrix(vhValues[i].length)));
        });
      }
    }
  }));
});

describe('larger batches and matrices', () => {
  it('more matrices than a workgroup holds, and a 16 x 12 svd', onBothBackends(async () => {
    const a = randomMatrices(9, 70, 2, 2, 2);
    const b = randomMatrices(10, 70, 2, 1);
    const x = await matricesOf(ops.solve(batchTensor(a), batchTensor(b)));
    a.forEach((matrix, i) => expectClose(flat(multiply(matrix, x[i])), flat(b[i])));
    const big = randomMatrices(11, 1, 16, 12);
    const [u, s, vh] = ops.svd(batchTensor(big), { fullMatrices: false });
    const [uValues, sValues, vhValues] = [await matricesOf(u), (await s.array()) as number[][], await matricesOf(vh)];
    expectClose(flat(multiply(multiply(uValues[0], diagonalMatrix(sValues[0], 12, 12)), vhValues[0])), flat(big[0]), 2e-4);
    expectClose(flat(multiply(transposed(uValues[0]), uValues[0])), flat(identityMatrix(12)), 2e-4);
  }));
});

describe('SVD composites', () => {
  it('pinv, lstsq and matrixRank match Keras', onBothBackends(async () => {
    const a = tensor([[1, 2], [3, 4], [5, 6]]);
    // Keras 3.16 (torch backend, as NumPy): pinv, lstsq against [1, 2, 4], matrix_rank.
    expectClose(await ops.pinv(a).data(), [-1.3333334, -0.3333333, 0.6666667, 1.0833334, 0.3333333, -0.4166667], 1e-4);
    expectClose(await ops.lstsq(a, tensor([1, 2, 4])).data(), [0.6666667, 0.0833333], 1e-4);
    expect(ops.lstsq(a, tensor([[1, 0], [2, 0], [4, 1]])).shape).toEqual([2, 2]);
    const rank = ops.matrixRank(tensor([[[1, 2], [2, 4]], [[1, 0], [0, 1]], [[0, 0], [0, 0]]]));
    expect(rank.dtype).toBe('int32');
    expect(await rank.array()).toEqual([1, 2, 0]);
    expect(await ops.matrixRank(tensor([[1, 0], [0, 1e-3]]), 0.01).array()).toEqual(1);
    // A rank-deficient pinv: pinv of the rank-one [[1, 2], [2, 4]] is itself over 25.
    expectClose(await ops.pinv(tensor([[1, 2], [2, 4]])).data(), [0.04, 0.08, 0.08, 0.16], 1e-4);
  }));
});

describe('gradients (tape on WebGPU against finite differences on the CPU)', () => {
  const spd = (x: Tensor) => ops.add(ops.matmul(x, x, { transposeB: true }), ops.mul(ops.eye(x.shape[1]), 3));
  const symmetric = (x: Tensor) => ops.mul(ops.add(x, ops.transpose(x)), 0.5);
  const wellConditioned = (x: Tensor) => ops.add(x, ops.mul(ops.eye(x.shape[1]), 2));
  const cases: Array<[string, (...xs: Tensor[]) => Tensor, number[][]]> = [
    ['inv', (x) => ops.inv(wellConditioned(x)), [[3, 3]]],
    ['det', (x) => ops.det(x), [[2, 3, 3]]],
    ['logdet', (x) => ops.logdet(wellConditioned(x)), [[3, 3]]],
    ['slogdet', (x) => ops.slogdet(wellConditioned(x))[1], [[3, 3]]],
    ['solve', (a, b) => ops.solve(wellConditioned(a), b), [[3, 3], [3, 2]]],
    ['solveTriangular', (a, b) => ops.solveTriangular(wellConditioned(a), b, true), [[3, 3], [3, 2]]],
    ['cholesky', (x) => ops.cholesky(spd(x)), [[3, 3]]],
    ['choleskyInverse', (x) => ops.choleskyInverse(ops.cholesky(spd(x))), [[3, 3]]],
    ['matrixPower', (x) => ops.matrixPower(wellConditioned(x), -2), [[2, 2]]],
    ['eigh eigenvalues', (x) => ops.eigh(symmetric(x))[0], [[3, 3]]],
    // Squares are sign-invariant, as eigenvectors and singular vectors are not.
    ['eigh eigenvectors', (x) => ops.square(ops.eigh(symmetric(x))[1]), [[3, 3]]],
    ['svd singular values', (x) => ops.svd(x, { computeUv: false }), [[3, 2]]],
    ['svd vectors', (x) => { const [u, , vh] = ops.svd(x, { fullMatrices: false }); return ops.concat([ops.reshape(ops.square(u), [-1]), ops.reshape(ops.square(vh), [-1])], 0); }, [[3, 2]]],
    ['qr', (x) => { const [q, r] = ops.qr(x); return ops.concat([ops.reshape(q, [-1]), ops.reshape(r, [-1])], 0); }, [[3, 2]]],
    ['qr of a square matrix, complete', (x) => ops.matmul(...ops.qr(wellConditioned(x), 'complete')), [[3, 3]]],
    ['pinv', (x) => ops.pinv(x), [[3, 2]]],
    ['lstsq', (a, b) => ops.lstsq(a, b), [[3, 2], [3]]],
  ];
  for (const [name, f, shapes] of cases) {
    it(name, async () => {
      const result = await gradCheck(f, shapes, { eps: 1e-2, rtol: 3e-2, atol: 3e-3 });
      expect(result.message).toBe('ok');
    });
  }
});

describe('memory and errors', () => {
  it('frees every intermediate', onBothBackends(async () => {
    await settleGarbage();
    const x = tensor([[4, 2, 1], [2, 5, 3], [1, 3, 6]]);
    const before = memory().liveTensors;
    const results = tidy(() => [ops.inv(x), ops.det(x), ...ops.slogdet(x), ops.cholesky(x), ...ops.qr(x), ...ops.eigh(x), ...ops.svd(x), ops.pinv(x), ops.matrixRank(x), ops.matrixPower(x, -3), ...ops.luFactor(x)]);
    expect(memory().liveTensors).toBe(before + results.length);
    results.forEach((t) => t.dispose());
    expect(memory().liveTensors).toBe(before);
    x.dispose();
  }));

  it('rejects bad inputs with messages that name the op and the shapes', () => {
    expect(() => ops.inv(tensor([[1, 2, 3], [4, 5, 6]]))).toThrow('inv: Invalid value for argument x. Expected square matrices (the last two dimensions equal). Received: x of shape [2,3].');
    expect(() => ops.det(tensor([1, 2]))).toThrow('det: Invalid value for argument x. Expected a tensor of rank 2 or more');
    expect(() => ops.eig(ops.zeros([2, 65, 64]))).toThrow('eig: Invalid value for argument x. Expected square matrices (the last two dimensions equal). Received: x of shape [2,65,64].');
    expect(() => ops.solve(ops.eye(3), tensor([1, 2]))).toThrow('solve: Invalid value for argument b. Expected 3 rows to match a (shape [3,3])');
    expect(() => ops.qr(ops.eye(2), 'full' as 'complete')).toThrow(`qr: Invalid value for argument mode. Expected one of {'reduced', 'complete'}. Received: mode="full".`);
    expect(() => ops.matrixPower(ops.eye(2), 1.5)).toThrow('matrixPower: Invalid value for argument n. Expected an integer. Received: n=1.5.');
    expect(() => ops.lstsq(ops.eye(3), tensor([1, 2]))).toThrow('lstsq: Invalid value for argument b. Expected a tensor of shape [3] or [3, K]');
    expect(() => ops.svd(ops.eye(2), { fullMatrices: 1 as unknown as boolean })).toThrow('svd: Invalid value for option fullMatrices. Expected a boolean.');
    expect(() => ops.pinv(ops.eye(2), -1)).toThrow('pinv: Invalid value for argument rcond. Expected a non-negative number or undefined. Received: rcond=-1.');
  });
});
