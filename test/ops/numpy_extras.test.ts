// The composite NumPy ops of src/ops/numpy_extras.ts on both backends against references written
// here (Keras docstring values, hand-computed values, NumPy's rules as float64 loops), their
// gradients by finite differences, memory, and the errors users meet.

import { describe, expect, it } from 'vitest';
import { GradientTape, memory, ops, tensor, tidy, type Tensor } from '../../src/node';
import { gradCheck } from '../autograd/gradcheck';
import { seededRandom } from '../cases/data';
import { expectValuesClose, onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

const FLOAT32_MAX = 3.4028234663852886e38;

const values = async (t: Tensor) => t.array();
const int32 = (list: number[], shape: number[] = [list.length]) => tensor(list, shape, 'int32');

/** NumPy's quantile of one slice in float64: the sorted values at position q * (n - 1). */
function quantileReference(slice: number[], q: number, method: string): number {
  if (slice.some(Number.isNaN)) return NaN;
  const sorted = [...slice].sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const [i, j] = [Math.floor(position), Math.ceil(position)];
  const fraction = position - i;
  if (method === 'lower') return sorted[i];
  if (method === 'higher') return sorted[j];
  if (method === 'midpoint') return i === j ? sorted[i] : (sorted[i] + sorted[j]) / 2;
  if (method === 'nearest') {
    const rounded = fraction === 0.5 ? (i % 2 === 0 ? i : j) : Math.round(position);
    return sorted[rounded];
  }
  return sorted[i] + (sorted[j] - sorted[i]) * fraction;
}

/** Random values of a [2, 3, 4] tensor, row-major. */
function cubeValues(seed: number): number[] {
  const next = seededRandom(seed);
  return Array.from({ length: 24 }, () => Math.round((next() * 20 - 10) * 100) / 100);
}

/** The [2, 3, 4] elements at (a, b, c), flat index a * 12 + b * 4 + c. */
const at = (data: number[], a: number, b: number, c: number) => data[a * 12 + b * 4 + c];

describe('element-wise kernels added for keras.ops (both backends against NumPy values)', () => {
  it('trigonometric and hyperbolic functions and their inverses', onBothBackends(async () => {
    const x = [-0.9, -0.3, 0, 0.4, 0.8];
    // WGSL allows tan the error of sin / cos (2^-11 absolute on [-pi, pi]); SwiftShader uses part of it.
    expectValuesClose(await ops.tan(tensor(x)).data(), x.map(Math.tan), 1e-4, 2 ** -11);
    const cases: Array<[(t: Tensor) => Tensor, (v: number) => number]> = [
      [ops.sinh, Math.sinh], [ops.cosh, Math.cosh], [ops.arcsin, Math.asin], [ops.arccos, Math.acos],
      [ops.arctan, Math.atan], [ops.arcsinh, Math.asinh], [ops.arctanh, Math.atanh], [ops.exp2, (v) => 2 ** v],
    ];
    for (const [op, reference] of cases) expectValuesClose(await op(tensor(x)).data(), x.map(reference), 1e-5, 1e-6);
    expectValuesClose(await ops.arccosh(tensor([1, 1.5, 10])).data(), [0, 0.9624236501192069, 2.993222846126381]);
    expectValuesClose(await ops.arcsinh(tensor([-1000, 1000])).data(), [-7.600902709541988, 7.600902709541988]);
    expect(await values(ops.arctanh(tensor([-1, 1, 2])))).toEqual([-Infinity, Infinity, NaN]);
    expect(await values(ops.arcsin(tensor([1.5])))).toEqual([NaN]);
    expect(await values(ops.arccosh(tensor([0.5])))).toEqual([NaN]);
    expect(await values(ops.exp2(tensor([0, 3, -1])))).toEqual([1, 8, 0.5]);
  }));

  it('trunc, signbit, isinf, isnan, isfinite', onBothBackends(async () => {
    expect(await values(ops.trunc(tensor([-1.7, -0.2, 0.2, 1.7, 3])))).toEqual([-1, -0, 0, 1, 3]);
    expect(await values(ops.signbit(tensor([-2, -0, 0, 3, -Infinity])))).toEqual([1, 1, 0, 0, 1]);
    expect(await values(ops.signbit(int32([-2, 0, 3])))).toEqual([1, 0, 0]);
    const special = tensor([1, Infinity, -Infinity, NaN]);
    expect(await values(ops.isinf(special))).toEqual([0, 1, 1, 0]);
    expect(await values(ops.isnan(special))).toEqual([0, 0, 0, 1]);
    expect(await values(ops.isfinite(special))).toEqual([1, 0, 0, 0]);
  }));

  it('arctan2, hypot, logaddexp, logicalXor', onBothBackends(async () => {
    expectValuesClose(await ops.arctan2(tensor([1, 1, -1, -1, 0, 2]), tensor([1, -1, -1, 1, -1, 0])).data(), [Math.PI / 4, (3 * Math.PI) / 4, (-3 * Math.PI) / 4, -Math.PI / 4, Math.PI, Math.PI / 2]);
    expectValuesClose(await ops.hypot(tensor([3, 3e30, 0, -5]), tensor([4, 4e30, 0, 12])).data(), [5, 5e30, 0, 13]);
    expect(await values(ops.hypot(tensor([Infinity]), tensor([2])))).toEqual([Infinity]);
    expectValuesClose(await ops.logaddexp(tensor([0, 1000, -Infinity, 2]), tensor([0, 1000, 3, -Infinity])).data(), [Math.LN2, 1000 + Math.LN2, 3, 2]);
    expect(await values(ops.logaddexp(tensor([Infinity, -Infinity]), tensor([Infinity, -Infinity])))).toEqual([Infinity, -Infinity]);
    expect(await values(ops.logicalXor(tensor([0, 1, 2, 0]), tensor([1, 1, 0, 0])))).toEqual([1, 0, 1, 0]);
  }));
});

describe('isclose', () => {
  it('follows NumPy: |a - b| <= atol + rtol * |b|, infinities equal only to themselves', onBothBackends(async () => {
    const a = tensor([1, 1.1, Infinity, -Infinity, NaN, 1e-9, 5, 1]);
    const b = tensor([1.000001, 1, Infinity, Infinity, NaN, 0, Infinity, NaN]);
    const close = ops.isclose(a, b);
    expect(close.dtype).toBe('int32');
    expect(await values(close)).toEqual([1, 0, 1, 0, 0, 1, 0, 0]);
    expect(await values(ops.isclose(a, b, { equalNan: true }))).toEqual([1, 0, 1, 0, 1, 1, 0, 0]);
  }));

  it('takes rtol relative to b, atol, broadcasting and number operands', onBothBackends(async () => {
    // |0 - 1| <= 0.5 * |1| but not |1 - 0| <= 0.5 * |0|: the rule is not symmetric.
    expect(await values(ops.isclose(tensor([0, 1]), tensor([1, 0]), { rtol: 0.5, atol: 0 }))).toEqual([0, 0]);
    expect(await values(ops.isclose(tensor([0.6, 1]), tensor([1, 0.6]), { rtol: 0.5, atol: 0 }))).toEqual([1, 0]);
    expect(await values(ops.isclose(tensor([[1, 1.05], [2, 0.96]]), 1, { rtol: 0, atol: 0.05 }))).toEqual([[1, 1], [0, 1]]);
    expect(await values(ops.isclose(int32([3, 4]), int32([3, 5])))).toEqual([1, 0]);
  }));
});

describe('nanToNum', () => {
  it('replaces NaN by 0 and infinities by the float32 extremes by default', onBothBackends(async () => {
    expect(await values(ops.nanToNum(tensor([NaN, Infinity, -Infinity, 2.5])))).toEqual([0, FLOAT32_MAX, -FLOAT32_MAX, 2.5]);
    expect(await values(ops.nanToNum(tensor([NaN, Infinity, -Infinity, 2.5]), { nan: -1, posinf: 9, neginf: -9 }))).toEqual([-1, 9, -9, 2.5]);
    const ints = ops.nanToNum(int32([1, -2]));
    expect(ints.dtype).toBe('int32');
    expect(await values(ints)).toEqual([1, -2]);
  }));

  it('passes the gradient through finite elements only', onBothBackends(async () => {
    const x = tensor([NaN, 1, Infinity, -2, -Infinity]);
    const tape = new GradientTape();
    tape.watch(x);
    const y = tape.record(() => ops.sum(ops.nanToNum(x).mul(tensor([1, 2, 3, 4, 5]))));
    expect(await values(tape.gradient(y, x) as Tensor)).toEqual([0, 2, 0, 4, 0]);
  }));
});

describe('countNonzero, average, ptp', () => {
  it('countNonzero gives the Keras docstring values', onBothBackends(async () => {
    const x = int32([0, 1, 7, 0, 3, 0, 2, 19], [2, 4]);
    const all = ops.countNonzero(x);
    expect(all.dtype).toBe('int32');
    expect(await values(all)).toBe(5);
    expect(await values(ops.countNonzero(x, 0))).toEqual([1, 1, 2, 1]);
    expect(await values(ops.countNonzero(x, 1))).toEqual([2, 3]);
    expect(await values(ops.countNonzero(tensor([0, NaN, -0, 0.5])))).toBe(2);
  }));

  it('average gives the Keras docstring values', onBothBackends(async () => {
    expect(await values(ops.average(ops.arange(1, 5)))).toBe(2.5);
    expect(await values(ops.average(ops.arange(1, 11), undefined, ops.arange(10, 0, -1)))).toBeCloseTo(4, 6);
    const data = ops.reshape(ops.arange(6), [3, 2]);
    expectValuesClose((await ops.average(data, 1, tensor([0.25, 0.75])).data()), [0.75, 2.75, 4.75]);
    expectValuesClose((await ops.average(data, -2, tensor([1, 0, 3])).data()), [3, 4]);
  }));

  it('average with weights of the shape of x matches sum(x * w) / sum(w) in float64', onBothBackends(async () => {
    const x = cubeValues(1);
    const w = cubeValues(2).map((v) => Math.abs(v) + 0.5);
    const expected: number[] = [];
    for (let a = 0; a < 2; a++) {
      for (let c = 0; c < 4; c++) {
        let [num, den] = [0, 0];
        for (let b = 0; b < 3; b++) {
          num += at(x, a, b, c) * at(w, a, b, c);
          den += at(w, a, b, c);
        }
        expected.push(num / den);
      }
    }
    const result = ops.average(tensor(x, [2, 3, 4]), 1, tensor(w, [2, 3, 4]));
    expect(result.shape).toEqual([2, 4]);
    expectValuesClose(await result.data(), expected);
  }));

  it('ptp is max - min over the axes', onBothBackends(async () => {
    const x = tensor([[4, 9, 2], [1, 5, 1]]);
    expect(await values(ops.ptp(x, 1))).toEqual([7, 4]);
    expect(await values(ops.ptp(x))).toBe(8);
    expect(await values(ops.ptp(x, 0, true))).toEqual([[3, 4, 1]]);
    expect(ops.ptp(int32([3, -4])).dtype).toBe('int32');
  }));
});

describe('quantile and median', () => {
  const methods = ['linear', 'lower', 'higher', 'midpoint', 'nearest'] as const;

  it('every method matches NumPy over one axis, with a list of probabilities', onBothBackends(async () => {
    const x = cubeValues(3);
    const q = [0, 0.1, 0.375, 0.5, 0.9, 1];
    for (const method of methods) {
      const result = ops.quantile(tensor(x, [2, 3, 4]), q, 1, { method });
      expect(result.shape).toEqual([6, 2, 4]);
      const expected: number[] = [];
      for (const p of q) {
        for (let a = 0; a < 2; a++) {
          for (let c = 0; c < 4; c++) expected.push(quantileReference([0, 1, 2].map((b) => at(x, a, b, c)), p, method));
        }
      }
      expectValuesClose(await result.data(), expected);
    }
  }));

  it('reduces several axes, the flattened tensor, or keeps dimensions', onBothBackends(async () => {
    const x = cubeValues(4);
    const cube = tensor(x, [2, 3, 4]);
    const overOuter = ops.quantile(cube, 0.3, [0, 2]);
    expect(overOuter.shape).toEqual([3]);
    expectValuesClose(await overOuter.data(), [0, 1, 2].map((b) => quantileReference([0, 1].flatMap((a) => [0, 1, 2, 3].map((c) => at(x, a, b, c))), 0.3, 'linear')));
    const everything = ops.quantile(cube, 0.8);
    expect(everything.shape).toEqual([]);
    expectValuesClose(await everything.data(), [quantileReference(x, 0.8, 'linear')]);
    expect(ops.quantile(cube, 0.5, [0, 2], { keepDims: true }).shape).toEqual([1, 3, 1]);
    expect(ops.quantile(cube, [0.5, 0.7], -1, { keepDims: true }).shape).toEqual([2, 2, 3, 1]);
  }));

  it('nearest rounds a half position to the even index, as NumPy', onBothBackends(async () => {
    // Five values: q = 0.375 is position 1.5 (index 2), q = 0.625 is position 2.5 (index 2).
    const x = tensor([50, 10, 40, 20, 30]);
    expect(await values(ops.quantile(x, [0.375, 0.625, 0.3], undefined, { method: 'nearest' }))).toEqual([30, 30, 20]);
  }));

  it('median of odd and even counts, int32 input, NaN and infinities', onBothBackends(async () => {
    expect(await values(ops.median(tensor([[10, 7, 4], [3, 2, 1]]), 1))).toEqual([7, 2]);
    expect(await values(ops.median(tensor([[10, 7, 4], [3, 2, 1]])))).toBe(3.5);
    const ints = ops.median(int32([4, 1, 3, 2]));
    expect(ints.dtype).toBe('float32');
    expect(await values(ints)).toBe(2.5);
    const withNan = await ops.median(tensor([[1, NaN, 3], [1, 2, 3]]), 1).data();
    expect(Number.isNaN(withNan[0])).toBe(true);
    expect(withNan[1]).toBe(2);
    expect(await values(ops.median(tensor([Infinity, Infinity, 1, -Infinity])))).toBe(Infinity);
  }));

  it('gradients reach the values the quantiles came from', async () => {
    const result = await gradCheck((x) => ops.quantile(x, [0.3, 0.5, 1], 1), [[2, 5]], { values: [[0.3, -1.2, 0.8, 2.1, -0.4, 1.7, 0.2, -0.9, 1.1, 0.5]] });
    expect(result.message).toBe('ok');
    expect((await gradCheck((x) => ops.median(x, 0), [[4, 2]], { values: [[0.3, -1.2, 0.8, 2.1, -0.4, 1.7, 0.2, -0.9]] })).message).toBe('ok');
  });
});

describe('linspace and logspace', () => {
  it('spaces num values with or without the endpoint', onBothBackends(async () => {
    expect(await values(ops.linspace(2, 3, 5))).toEqual([2, 2.25, 2.5, 2.75, 3]);
    expectValuesClose(await ops.linspace(2, 3, 5, { endpoint: false }).data(), [2, 2.2, 2.4, 2.6, 2.8]);
    expect(ops.linspace(0, 1).shape).toEqual([50]);
    expect(await values(ops.linspace(4, -2, 1))).toEqual([4]);
    expect(ops.linspace(4, -2, 0).shape).toEqual([0]);
    const expected = Array.from({ length: 7 }, (_, i) => 0.1 + (i * (0.7 - 0.1)) / 6);
    const spaced = await ops.linspace(0.1, 0.7, 7).data();
    expectValuesClose(spaced, expected);
    expect(spaced[6]).toBe(Math.fround(0.7));
  }));

  it('int32 floors the float samples, as NumPy 2', onBothBackends(async () => {
    const ints = ops.linspace(-1, 1, 5, { dtype: 'int32' });
    expect(ints.dtype).toBe('int32');
    expect(await values(ints)).toEqual([-1, -1, 0, 0, 1]);
  }));

  it('logspace is base ** linspace', onBothBackends(async () => {
    expectValuesClose(await ops.logspace(0, 3, 4).data(), [1, 10, 100, 1000]);
    expectValuesClose(await ops.logspace(0, 3, 3, { base: 2, endpoint: false }).data(), [1, 2, 4]);
    expect(await values(ops.logspace(0, 2, 3, { dtype: 'int32' }))).toEqual([1, 10, 100]);
    expect(await values(ops.logspace(0, 1, 2, { base: 2.5, dtype: 'int32' }))).toEqual([1, 2]);
  }));
});

describe('meshgrid', () => {
  it('ij gives the Keras docstring grids; xy swaps the first two axes', onBothBackends(async () => {
    const [gx, gy] = ops.meshgrid(tensor([1, 2, 3]), tensor([4, 5, 6]), { indexing: 'ij' });
    expect(await values(gx)).toEqual([[1, 1, 1], [2, 2, 2], [3, 3, 3]]);
    expect(await values(gy)).toEqual([[4, 5, 6], [4, 5, 6], [4, 5, 6]]);
    const [x, y] = ops.meshgrid(tensor([1, 2, 3]), tensor([4, 5]));
    expect(await values(x)).toEqual([[1, 2, 3], [1, 2, 3]]);
    expect(await values(y)).toEqual([[4, 4, 4], [5, 5, 5]]);
  }));

  it('three inputs: grid i holds input i along its axis', onBothBackends(async () => {
    const inputs = [tensor([1, 2]), int32([10, 20, 30]), tensor([[7], [8], [9], [6]])];
    for (const indexing of ['xy', 'ij'] as const) {
      const grids = ops.meshgrid(...inputs, { indexing });
      const shape = indexing === 'xy' ? [3, 2, 4] : [2, 3, 4];
      const flat = [[1, 2], [10, 20, 30], [7, 8, 9, 6]];
      const axisOf = (i: number) => (indexing === 'xy' && i < 2 ? 1 - i : i);
      for (let i = 0; i < 3; i++) {
        expect(grids[i].shape).toEqual(shape);
        expect(grids[i].dtype).toBe(inputs[i].dtype);
        const expected: number[] = [];
        for (let a = 0; a < shape[0]; a++) {
          for (let b = 0; b < shape[1]; b++) {
            for (let c = 0; c < shape[2]; c++) expected.push(flat[i][[a, b, c][axisOf(i)]]);
          }
        }
        expect(Array.from(await grids[i].data())).toEqual(expected);
      }
    }
    expect(ops.meshgrid()).toEqual([]);
  }));

  it('differentiates through the broadcast', async () => {
    const result = await gradCheck((a, b) => {
      const [ga, gb] = ops.meshgrid(a, b);
      return ga.mul(gb);
    }, [[3], [2]]);
    expect(result.message).toBe('ok');
  });
});

describe('diag, diagonal, trace, tri', () => {
  it('diag extracts and builds diagonals (Keras docstring values)', onBothBackends(async () => {
    const x = ops.reshape(ops.arange(9), [3, 3]);
    expect(await values(ops.diag(x))).toEqual([0, 4, 8]);
    expect(await values(ops.diag(x, 1))).toEqual([1, 5]);
    expect(await values(ops.diag(x, -1))).toEqual([3, 7]);
    expect(await values(ops.diag(ops.diag(x)))).toEqual([[0, 0, 0], [0, 4, 0], [0, 0, 8]]);
    expect(await values(ops.diag(tensor([1, 2]), 1))).toEqual([[0, 1, 0], [0, 0, 2], [0, 0, 0]]);
    expect(await values(ops.diag(tensor([1, 2]), -1))).toEqual([[0, 0, 0], [1, 0, 0], [0, 2, 0]]);
    expect(ops.diag(x, 5).shape).toEqual([0]);
  }));

  it('diagonal over any two axes matches x[..., i, i + offset] in a loop', onBothBackends(async () => {
    expect(await values(ops.diagonal(ops.reshape(ops.arange(8), [2, 2, 2]), 0, 0, 1))).toEqual([[0, 6], [1, 7]]);
    const x = cubeValues(5);
    const cube = tensor(x, [2, 3, 4]);
    const cases: Array<[number, number, number]> = [[0, 1, 2], [1, 1, 2], [-1, 2, 1], [1, 0, 2], [-2, 2, 0], [3, 1, 2]];
    for (const [offset, axis1, axis2] of cases) {
      const shape = [2, 3, 4];
      const batch = [0, 1, 2].find((d) => d !== axis1 && d !== axis2)!;
      const length = Math.max(0, Math.min(shape[axis1] - Math.max(-offset, 0), shape[axis2] - Math.max(offset, 0)));
      const expected: number[] = [];
      for (let t = 0; t < shape[batch]; t++) {
        for (let i = 0; i < length; i++) {
          const index = [0, 0, 0];
          index[batch] = t;
          index[axis1] = i + Math.max(-offset, 0);
          index[axis2] = i + Math.max(offset, 0);
          expected.push(at(x, index[0], index[1], index[2]));
        }
      }
      const result = ops.diagonal(cube, offset, axis1, axis2);
      expect(result.shape, `offset ${offset} axes ${axis1}, ${axis2}`).toEqual([shape[batch], length]);
      expect(Array.from(await result.data())).toEqual(expected.map(Math.fround));
    }
  }));

  it('trace sums the diagonal; the result drops the two axes', onBothBackends(async () => {
    expect(await values(ops.trace(tensor([[1, 2], [3, 4]])))).toBe(5);
    expect(await values(ops.trace(tensor([[1, 2, 3], [4, 5, 6]]), 1))).toBe(8);
    expect(await values(ops.trace(tensor([[1, 2, 3], [4, 5, 6]]), -1))).toBe(4);
    const stacked = ops.trace(ops.reshape(ops.arange(12), [3, 2, 2]), 0, 1, 2);
    expect(stacked.dtype).toBe('int32');
    expect(await values(stacked)).toEqual([3, 11, 19]);
    expect(await values(ops.trace(tensor([[1, 2]]), 4))).toBe(0);
  }));

  it('tri has ones where j <= i + k', onBothBackends(async () => {
    for (const [n, m, k] of [[3, 3, 0], [3, 4, 1], [4, 2, -1], [2, 5, -3], [0, 2, 0]]) {
      const expected = Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => (j <= i + k ? 1 : 0)));
      const result = ops.tri(n, m, k);
      expect(result.dtype).toBe('float32');
      expect(result.shape).toEqual([n, m]);
      expect(Array.from(await result.data())).toEqual(expected.flat());
    }
    expect(await values(ops.tri(2))).toEqual([[1, 0], [1, 1]]);
    expect(ops.tri(2, 2, 0, 'int32').dtype).toBe('int32');
  }));

  it('gradients of diag (both ways), diagonal and trace', async () => {
    expect((await gradCheck((v) => ops.diag(v, -1), [[3]])).message).toBe('ok');
    expect((await gradCheck((x) => ops.diag(x, 1), [[3, 3]])).message).toBe('ok');
    expect((await gradCheck((x) => ops.diagonal(x, -1, 2, 0), [[3, 2, 2]])).message).toBe('ok');
    expect((await gradCheck((x) => ops.trace(x, 0, 1, 2), [[2, 3, 3]])).message).toBe('ok');
  });

  it('gradient of average with respect to x and the weights', async () => {
    expect((await gradCheck((x, w) => ops.average(x, 1, w), [[2, 3], [3]], { low: 0.5, high: 2 })).message).toBe('ok');
    expect((await gradCheck((x, w) => ops.average(x, undefined, w), [[2, 3], [2, 3]], { low: 0.5, high: 2 })).message).toBe('ok');
  });
});

describe('memory', () => {
  it('the composites leave only their results', () => {
    const x = tensor([[3, NaN, 2], [6, 5, 4]]);
    const [u, v, w] = [tensor([1, 2]), tensor([3]), tensor([1, 2, 3])];
    const start = memory().liveTensors;
    tidy(() => {
      ops.isclose(x, 3, { equalNan: true });
      ops.nanToNum(x);
      ops.countNonzero(x);
      ops.average(x, 1, w);
      ops.quantile(x, [0.2, 0.5], 1);
      ops.ptp(x);
      ops.linspace(0, 1, 5);
      ops.logspace(0, 1, 5, { dtype: 'int32' });
      ops.meshgrid(u, v);
      ops.diag(u);
      ops.trace(x);
      ops.tri(3);
    });
    expect(memory().liveTensors).toBe(start);
    const median = ops.median(x, 0);
    const grids = ops.meshgrid(u, v);
    expect(memory().liveTensors).toBe(start + 3);
    median.dispose();
    grids.forEach((g) => g.dispose());
  });
});

describe('errors', () => {
  it('an option that is not one of theirs (a typo, a snake_case Keras name) is an error', () => {
    expect(() => ops.isclose(tensor([1]), tensor([1]), { equal_nan: true } as never)).toThrow("isclose: unknown option 'equal_nan' (did you mean 'equalNan'?). Its options: rtol, atol, equalNan.");
    expect(() => ops.quantile(tensor([1, 2]), 0.5, 0, { keepdims: true } as never)).toThrow("quantile: unknown option 'keepdims'. Its options: method, keepDims.");
    expect(() => ops.nanToNum(tensor([1]), { posInf: 1 } as never)).toThrow("nanToNum: unknown option 'posInf'.");
    expect(() => ops.linspace(0, 1, 3, { end_point: false } as never)).toThrow("linspace: unknown option 'end_point'");
  });

  it('say what was expected and what was received', () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(() => ops.quantile(x, 1.5)).toThrow('quantile: Invalid value for argument q. Expected a number in [0, 1] or a non-empty list of them. Received: q=1.5.');
    expect(() => ops.quantile(x, [])).toThrow('Received: q=[]');
    expect(() => ops.quantile(x, 0.5, 0, { method: 'cubic' as never })).toThrow("Invalid value for argument method. Expected one of");
    expect(() => ops.quantile(tensor([], [0, 2]), 0.5, 0)).toThrow('quantile: cannot take a quantile of an empty slice');
    expect(() => ops.average(x, undefined, tensor([1, 2]))).toThrow('average: Invalid value for argument weights. Expected the shape of x [2,2], or a 1-D tensor with a single integer axis. Received: weights.shape=[2], axis=undefined.');
    expect(() => ops.average(x, 1, tensor([1, 2, 3]))).toThrow('Expected 2 weights, one per element along axis 1 of x [2,2]. Received: weights.shape=[3].');
    expect(() => ops.linspace(0, 1, -1)).toThrow('linspace: Invalid value for argument num. Expected a non-negative integer. Received: num=-1.');
    expect(() => ops.linspace(0, Infinity)).toThrow('linspace: Invalid value for argument stop. Expected a finite number. Received: stop=Infinity.');
    expect(() => ops.meshgrid(x, { indexing: 'yx' as never })).toThrow("meshgrid: Invalid value for argument indexing. Expected 'xy' or 'ij'. Received: indexing=\"yx\".");
    expect(() => ops.diag(ops.zeros([2, 2, 2]))).toThrow('diag: Invalid value for argument x. Expected a 1-D or 2-D tensor. Received: x.shape=[2,2,2].');
    expect(() => ops.diag(x, 0.5)).toThrow('diag: Invalid value for argument k. Expected an integer. Received: k=0.5.');
    expect(() => ops.diagonal(tensor([1, 2]))).toThrow('diagonal: Invalid value for argument x. Expected a tensor of rank 2 or more. Received: x.shape=[2].');
    expect(() => ops.trace(x, 0, 1, -1)).toThrow('diagonal: Invalid value for arguments axis1 and axis2. Expected two different axes. Received: axis1=1, axis2=-1.');
    expect(() => ops.tri(-1)).toThrow('tri: Invalid value for argument n. Expected a non-negative integer. Received: n=-1.');
    expect(() => ops.isclose(x, x, { rtol: -1 })).toThrow('isclose: Invalid value for argument rtol. Expected a non-negative number. Received: rtol=-1.');
    expect(() => ops.nanToNum(x, { nan: 'zero' as never })).toThrow('nanToNum: Invalid value for argument nan. Expected a number. Received: nan=zero.');
  });
});
