// Element-wise ops: each GPU kernel against the CPU backend, plus the errors users meet.

import { describe, expect, it } from 'vitest';
import { grad, layers, ops, tensor, type Tensor } from '../../src/node';
import { elementwiseCases } from '../cases/elementwise';
import { checkCases, onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

describe('GPU matches CPU', () => checkCases(elementwiseCases));

describe('reference values', () => {
  it('computes known values', async () => {
    const x = tensor([-1, 0, 2]);
    expect(Array.from(await x.relu().data())).toEqual([0, 0, 2]);
    const sigmoid = await x.sigmoid().data();
    [1 / (1 + Math.E), 0.5, 1 / (1 + Math.exp(-2))].forEach((v, i) => expect(sigmoid[i]).toBeCloseTo(v, 6));
    expect(Array.from(await ops.leakyRelu(x).data())).toEqual([Math.fround(-0.2), 0, 2]);
    expect(await tensor([[1, 2], [3, 4]]).add(tensor([10, 20])).array()).toEqual([[11, 22], [13, 24]]);
  });

  it('gelu is the tanh approximation by default (keras.ops.gelu), the activation \'gelu\' exact', async () => {
    const points = [-3, -1, -0.25, 0, 0.5, 1, 2];
    // Float64 formulas; Φ(x) = (1 + erf(x / √2)) / 2 printed by Python's math.erf.
    const tanhGelu = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    const PHI: Record<number, number> = { [-3]: 0.0013498980316300946, [-1]: 0.15865525393145707, [-0.25]: 0.4012936743170763, 0: 0.5, 0.5: 0.6914624612740131, 1: 0.8413447460685429, 2: 0.9772498680518208 };
    const x = tensor(points);
    const approximate = await ops.gelu(x).data();
    const exact = await ops.gelu(x, false).data();
    const activation = await layers.getActivation('gelu')(x).data();
    points.forEach((v, i) => {
      expect(approximate[i]).toBeCloseTo(tanhGelu(v), 5);
      expect(exact[i]).toBeCloseTo(v * PHI[v], 5);
      expect(activation[i]).toBe(exact[i]);
    });
    expect(Math.abs(approximate[0] - exact[0])).toBeGreaterThan(1e-4);
  });

  it('booleans are int32 0/1', async () => {
    const b = tensor([1, 5, 3]).greater(2);
    expect(b.dtype).toBe('int32');
    expect(Array.from(await b.data())).toEqual([0, 1, 1]);
  });
});

describe('Keras division and names', () => {
  const ints = (values: number[]) => tensor(values, [values.length], 'int32');

  it('divide is true division, float32 even for int32 operands (keras.ops.divide)', async () => {
    const q = ops.divide(ints([7, -7, 1]), 2);
    expect(q.dtype).toBe('float32');
    expect(Array.from(await q.data())).toEqual([3.5, -3.5, 0.5]);
    expect(ops.trueDivide).toBe(ops.divide);
  });

  it('floorDivide and mod follow Python: the remainder takes the sign of the divisor', async () => {
    const a = ints([7, -7, 7, -7]);
    const b = ints([3, 3, -3, -3]);
    expect(ops.floorDivide(a, b).dtype).toBe('int32');
    expect(Array.from(await ops.floorDivide(a, b).data())).toEqual([2, -3, -3, 2]);
    expect(Array.from(await ops.mod(a, b).data())).toEqual([1, 2, -2, -1]);
    expect(Array.from(await ops.mod(tensor([5.5, -5.5, 5.5, -5.5]), tensor([2, 2, -2, -2])).data())).toEqual([1.5, 0.5, -0.5, -1.5]);
  });

  it('an int32 floorDivide or mod by zero gives 0, a float32 mod by zero NaN (NumPy)', async () => {
    expect(Array.from(await ops.floorDivide(ints([5, -5]), ints([0, 0])).data())).toEqual([0, 0]);
    expect(Array.from(await ops.mod(ints([5, -5]), ints([0, 0])).data())).toEqual([0, 0]);
    expect(Number.isNaN((await ops.mod(tensor([5]), tensor([0])).data())[0])).toBe(true);
  });

  it('reciprocal, log2 and log10', async () => {
    expect(Array.from(await ops.reciprocal(ints([2, 4])).data())).toEqual([0.5, 0.25]);
    const logs = [...(await ops.log2(tensor([8, 0.5])).data()), ...(await ops.log10(tensor([1000, 0.01])).data())];
    [3, -1, 3, -2].forEach((v, i) => expect(logs[i]).toBeCloseTo(v, 5));
  });

  it('Keras names are the same ops as the TensorFlow.js names', () => {
    expect([ops.subtract, ops.multiply, ops.power, ops.negative, ops.absolute]).toEqual([ops.sub, ops.mul, ops.pow, ops.neg, ops.abs]);
  });
});

describe('IEEE and NumPy semantics on both backends', () => {
  const floats = async (t: Tensor) => Array.from(await t.data());
  const ints = (values: number[]) => tensor(values, [values.length], 'int32');
  // NumPy's bool(x) of a float is x != 0, so NaN is true (WGSL may not compare NaN: test the bits).
  const truthy = (v: number) => v !== 0;

  it('logicalAnd, logicalOr, logicalXor and logicalNot count NaN as true', onBothBackends(async () => {
    const xs = [NaN, 0, NaN, NaN, 2, -0];
    const ys = [0, NaN, NaN, 1, NaN, NaN];
    const [x, y] = [tensor(xs), tensor(ys)];
    const expected = (f: (a: boolean, b: boolean) => boolean, b: number[]) => xs.map((v, i) => Number(f(truthy(v), truthy(b[i]))));
    expect(await floats(ops.logicalAnd(x, y))).toEqual(expected((a, b) => a && b, ys));
    expect(await floats(ops.logicalOr(x, y))).toEqual(expected((a, b) => a || b, ys));
    expect(await floats(ops.logicalXor(x, y))).toEqual(expected((a, b) => a !== b, ys));
    // A number operand (held in the kernel's uniforms), NaN included, and an int32 operand.
    expect(await floats(ops.logicalAnd(x, 1))).toEqual(expected((a, b) => a && b, xs.map(() => 1)));
    expect(await floats(ops.logicalOr(NaN, tensor([0, 0])))).toEqual([1, 1]);
    expect(await floats(ops.logicalXor(x, ints([0, 0, 3, -1, 0, 5])))).toEqual(expected((a, b) => a !== b, [0, 0, 3, -1, 0, 5]));
    expect(await floats(ops.logicalNot(x))).toEqual(xs.map((v) => Number(!truthy(v))));
  }));

  it('where picks a where a float condition is NaN (true)', onBothBackends(async () => {
    const condition = [NaN, 0, 2, -0, -Infinity];
    const picked = ops.where(tensor(condition), tensor([1, 1, 1, 1, 1]), tensor([0, 0, 0, 0, 0]));
    expect(await floats(picked)).toEqual(condition.map((v) => Number(truthy(v))));
  }));

  it('pow has IEEE 754 special cases: zeros, infinities and negative bases (as Math.pow)', onBothBackends(async () => {
    const pairs: Array<[number, number]> = [
      [0, -1], [-0, -1], [0, -0.5], [-0, -0.5], [0, -2], [-0, -2], [0, 2], [-0, 3], [-0, 2], [0, 0.5],
      [Infinity, -1], [Infinity, 0.5], [-Infinity, 0.5], [-Infinity, 3], [-Infinity, 2], [-Infinity, -3], [-Infinity, -2], [-Infinity, -0.5],
      [2, Infinity], [0.5, Infinity], [2, -Infinity], [0.5, -Infinity], [-2, Infinity], [-0.5, Infinity], [-2, -Infinity],
      [-8, 1 / 3], [-2, 3], [-2, -3], [-2, 2], [-0.5, -2], [3, 2], [4, -0.5], [10, -50], [2, 200], [-2, 201],
    ];
    const result = await floats(ops.pow(tensor(pairs.map((p) => p[0])), tensor(pairs.map((p) => p[1]))));
    pairs.forEach(([base, exponent], i) => {
      const expected = Math.fround(Math.pow(base, exponent));
      const got = result[i];
      const label = `pow(${Object.is(base, -0) ? '-0' : base}, ${exponent}) = ${Object.is(got, -0) ? '-0' : got}, expected ${Object.is(expected, -0) ? '-0' : expected}`;
      if (Number.isFinite(expected) && expected !== 0) expect(Math.abs(got - expected), label).toBeLessThanOrEqual(1e-6 * Math.abs(expected));
      else expect(Object.is(got, expected), label).toBe(true);
    });
    // Number operands take the same path: a number exponent, a number base.
    expect(await floats(ops.pow(tensor([-Infinity, Infinity, 0, -0, -4]), 0.5))).toEqual([Infinity, Infinity, 0, 0, NaN]);
    expect(await floats(ops.pow(tensor([0, -0, -Infinity]), -1))).toEqual([Infinity, -Infinity, -0]);
    expect(await floats(ops.pow(0, tensor([-1, 2, 0])))).toEqual([Infinity, 0, 1]);
  }));

  it('pow\'s gradient is unchanged by the special cases (d/da = b a^(b-1), d/db = y log a for a > 0)', onBothBackends(async () => {
    const as = [2, 0.5, 3, 0, -1.5];
    const bs = [3, -1, 0.5, 2, 2];
    const [da, db] = grad((a: Tensor, b: Tensor) => ops.sum(ops.pow(a, b)))(tensor(as), tensor(bs));
    const daValues = await floats(da);
    const dbValues = await floats(db);
    as.forEach((a, i) => {
      const b = bs[i];
      expect(daValues[i]).toBeCloseTo(b * Math.pow(a, b - 1), 4);
      expect(dbValues[i]).toBeCloseTo(a > 0 ? Math.pow(a, b) * Math.log(a) : 0, 4);
    });
  }));

  it('mod by an infinite divisor keeps a finite dividend of the divisor\'s sign, else gives the divisor (NumPy)', onBothBackends(async () => {
    // np.mod(np.float32([7, -7, 7, -7, 0, 3.5]), [inf, inf, -inf, -inf, inf, -inf]) in NumPy 2.
    const x = tensor([7, -7, 7, -7, 0, 3.5]);
    expect(await floats(ops.mod(x, tensor([Infinity, Infinity, -Infinity, -Infinity, Infinity, -Infinity])))).toEqual([7, Infinity, -Infinity, -7, 0, -Infinity]);
    expect(await floats(ops.mod(x, Infinity))).toEqual([7, Infinity, 7, Infinity, 0, 3.5]);
    // A zero remainder takes the sign of the divisor, as NumPy: np.mod([0., 4.], -2.) is [-0., -0.].
    expect(await floats(ops.mod(tensor([0, 4]), -2))).toEqual([-0, -0]);
    // An infinite or NaN dividend, or a NaN divisor, is NaN.
    const nan = await floats(ops.mod(tensor([Infinity, -Infinity, NaN, 1]), tensor([Infinity, 2, Infinity, NaN])));
    expect(nan.every(Number.isNaN)).toBe(true);
  }));

  it('int32 div, floorDivide and mod are exact over the int32 range and give 0 for a division by 0', onBothBackends(async () => {
    // np.floor_divide and np.mod of int32 [5, -5, 0, 7, -7, 2147483647, -2147483647, 16777217]
    // by [0, 0, 0, 2, -2, 1, 2, 3] in NumPy 2.
    const a = ints([5, -5, 0, 7, -7, 2147483647, -2147483647, 16777217]);
    const b = ints([0, 0, 0, 2, -2, 1, 2, 3]);
    expect(await floats(ops.div(a, b))).toEqual([0, 0, 0, 3, 3, 2147483647, -1073741824, 5592405]);
    expect(await floats(ops.floorDivide(a, b))).toEqual([0, 0, 0, 3, 3, 2147483647, -1073741824, 5592405]);
    expect(await floats(ops.mod(a, b))).toEqual([0, 0, 0, 1, -1, 0, 1, 2]);
    expect(await floats(ops.div(ints([9, -9]), 0))).toEqual([0, 0]);
    expect(ops.div(a, b).dtype).toBe('int32');
  }));

  it('a number meets a float32 tensor as float32 (0.1 equals float32 0.1), and an int32 one as an integer', onBothBackends(async () => {
    // keras.ops.equal(np.float32(0.1), 0.1) is True: Keras converts the Python float to float32.
    expect(Array.from(await ops.equal(tensor([0.1, 0.3]), 0.1).data())).toEqual([1, 0]);
    expect(Array.from(await ops.greater(tensor([0.3, 0.7]), 0.3).data())).toEqual([0, 1]);
    expect(Array.from(await ops.sub(tensor([0.1]), 0.1).data())).toEqual([0]);
    // An integer number with an int32 tensor keeps the int32 result.
    const sum = ops.add(tensor([3], [1], 'int32'), 4);
    expect([sum.dtype, Array.from(await sum.data())]).toEqual(['int32', [7]]);
  }));

  it('floor and ceil of int32 give float32, as keras.ops.floor and ceil', onBothBackends(async () => {
    const x = ints([-7, -3, 0, 5, 100]);
    for (const y of [ops.floor(x), ops.ceil(x), x.floor(), x.ceil()]) {
      expect(y.dtype).toBe('float32');
      expect(await floats(y)).toEqual([-7, -3, 0, 5, 100]);
    }
    expect(await floats(ops.floor(tensor([-1.5, 2.5])))).toEqual([-2, 2]);
    expect(await floats(ops.ceil(tensor([-1.5, 2.5])))).toEqual([-1, 3]);
  }));

  it('where takes Keras\'s result dtype: numbers are weak, int32 for integers, and float32 beats int32', onBothBackends(async () => {
    // keras.ops.where(c, ...) with c = [True, False, True] on Keras 3.16's NumPy backend.
    const c = ints([1, 0, 1]);
    const cases: Array<[Tensor, string, number[]]> = [
      [ops.where(c, 1, 0), 'int32', [1, 0, 1]],
      [ops.where(c, 1.5, 0), 'float32', [1.5, 0, 1.5]],
      [ops.where(c, ints([4, 5, 6]), 0), 'int32', [4, 0, 6]],
      [ops.where(c, ints([4, 5, 6]), 0.5), 'float32', [4, 0.5, 6]],
      [ops.where(c, tensor([4, 5, 6]), 1), 'float32', [4, 1, 6]],
      [ops.where(c, ints([4, 5, 6]), tensor([0.5, 0.5, 0.5])), 'float32', [4, 0.5, 6]],
      [ops.where(c, 2.5, ints([1, 2, 3])), 'float32', [2.5, 2, 2.5]],
    ];
    for (const [y, dtype, expected] of cases) {
      expect(y.dtype).toBe(dtype);
      expect(await floats(y)).toEqual(expected);
    }
    // The float branch of a promoted where still gets its gradient.
    const [dx] = grad((x: Tensor) => ops.sum(ops.where(c, ints([4, 5, 6]), x)))(tensor([0.5, 0.5, 0.5]));
    expect(await floats(dx)).toEqual([0, 1, 0]);
  }));
});

describe('errors', () => {
  it('names the op and the shapes when broadcasting fails', () => {
    expect(() => ops.add(tensor([[1, 2, 3]]), tensor([1, 2]))).toThrow('add: shapes [1,3] and [2] cannot be broadcast together');
  });

  it('explains that where needs both branches (no data-dependent shapes)', () => {
    expect(() => ops.where(tensor([1, 0]), undefined as never, undefined as never)).toThrow('where: expected where(condition, a, b). The one-argument form');
    expect(() => ops.where(tensor([1, 0]), undefined as never, undefined as never)).toThrow('use `await ops.nonzero(condition)`');
  });

  it('rejects a tensor used after dispose', () => {
    const x = tensor([1, 2]);
    x.dispose();
    expect(x.isDisposed).toBe(true);
    expect(() => x.exp()).toThrow('exp: a tensor of shape [2] was used after it was disposed');
  });

  it('rejects non-tensor operands', () => {
    expect(() => ops.add([1, 2] as never, 1)).toThrow('add: expected a Tensor or a number, got an array');
  });

  it('rejects clip bounds in the wrong order', () => {
    expect(() => ops.clip(tensor([1]), 2, 1)).toThrow('clip: min (2) must not exceed max (1)');
  });
});
