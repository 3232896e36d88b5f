// Element-wise ops: each GPU kernel against the CPU backend, plus the errors users meet.

import { describe, expect, it } from 'vitest';
import { layers, ops, tensor } from '../../src/node';
import { elementwiseCases } from '../cases/elementwise';
import { checkCases, useWebGPU } from '../helpers';

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

describe('errors', () => {
  it('names the op and the shapes when broadcasting fails', () => {
    expect(() => ops.add(tensor([[1, 2, 3]]), tensor([1, 2]))).toThrow('add: shapes [1,3] and [2] cannot be broadcast together');
  });

  it('explains that where needs both branches (no data-dependent shapes)', () => {
    expect(() => ops.where(tensor([1, 0]), undefined as never, undefined as never)).toThrow('where: expected where(condition, a, b). The one-argument form');
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
