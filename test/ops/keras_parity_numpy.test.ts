// keras.ops numpy and nn ops where a side-by-side run against Keras 3.15.1 (JAX backend) found
// this library different: round's decimals, floor division at infinities, sin, cos, tan and
// arctan2 (at signed zeros) on the GPU, concatenate with axis null, softmax and logSoftmax over several axes. The expected values are Keras's, made by
// the Python in each test's comment (KERAS_BACKEND=jax).

import { describe, expect, it } from 'vitest';
import { ops, tensor } from '../../src/node';
import { gradCheck } from '../autograd/gradcheck';
import { expectNumbersClose, onBothBackends, useWebGPU, valuesOf } from '../helpers';

useWebGPU();

describe('round with decimals', () => {
  // ops.round(np.array([1.25, 2.35, -0.05, 6.4999], np.float32), 1) -> [1.2, 2.4, -0., 6.5]
  // ops.round(np.array([1234.5, -55.0], np.float32), -1) -> [1230., -60.]
  // ops.round(np.array([15, 25, -35, 44], np.int32), -1) -> [20, 20, -40, 40] (int32)
  it('rounds half to even at the decimal place, int32 to multiples of ten', onBothBackends(async () => {
    expectNumbersClose(await valuesOf(ops.round(tensor([1.25, 2.35, -0.05, 6.4999]), 1)), [1.2, 2.4, -0, 6.5], 1e-6);
    expectNumbersClose(await valuesOf(ops.round(tensor([1234.5, -55]), -1)), [1230, -60], 1e-4);
    const ints = ops.round(tensor([15, 25, -35, 44], [4], 'int32'), -1);
    expect(ints.dtype).toBe('int32');
    expect(await valuesOf(ints)).toEqual([20, 20, -40, 40]);
    expect(await valuesOf(ops.round(tensor([15, -7], [2], 'int32'), 2))).toEqual([15, -7]);
  }));

  it('rejects a decimals that is not an integer', () => {
    expect(() => ops.round(tensor([1]), 0.5)).toThrow(/decimals must be an integer/);
  });
});

describe('floorDivide at infinities, as NumPy', () => {
  // ops.floor_divide(np.array([-inf, -1.5, 3, 0.5, inf, nan, 1, 2, nan], np.float32),
  //                  np.array([3, inf, -inf, 0, -0., 1, 0, inf, -inf], np.float32))
  // -> [nan, -1, -1, inf, -inf, nan, inf, 0, nan]
  it('gives NaN for an infinite dividend and 0 or -1 for an infinite divisor', onBothBackends(async () => {
    const y = await valuesOf(ops.floorDivide(tensor([-Infinity, -1.5, 3, 0.5, Infinity, NaN, 1, 2, NaN]), tensor([3, Infinity, -Infinity, 0, -0, 1, 0, Infinity, -Infinity])));
    expect(y).toEqual([NaN, -1, -1, Infinity, -Infinity, NaN, Infinity, 0, NaN]);
  }));
});

describe('arctan2 and angle at signed zeros, as Keras', () => {
  // ops.arctan2(np.array([-0., 0, 0, -0., -0., 0], np.float32), np.array([1.5, -0., 0, -2, 0, nan], np.float32))
  // -> [-0.0, 3.1415927, 0.0, -3.1415927, -0.0, nan]; ops.angle(np.array([-0., 0, -1], np.float32)) -> [3.1415927, 0, 3.1415927]
  it('takes the quadrant from the sign bits', onBothBackends(async () => {
    const pi = Math.fround(Math.PI);
    expect(await valuesOf(ops.arctan2(tensor([-0, 0, 0, -0, -0, 0]), tensor([1.5, -0, 0, -2, 0, NaN])))).toEqual([-0, pi, 0, -pi, -0, NaN]);
    expect(await valuesOf(ops.angle(tensor([-0, 0, -1])))).toEqual([pi, 0, pi]);
  }));
});

describe('sin, cos and tan to float32 rounding', () => {
  // Keras (JAX, XLA's sinf) gives sin(1.4) = 0.98544973; SwiftShader's WGSL sin was 2e-4 off.
  it('matches Math.sin, Math.cos and Math.tan on float32 inputs up to 8192', onBothBackends(async () => {
    const inputs = [-8000.5, -1387.7444, -27.3041, -3.1415927, -1.4, -0.5, -0, 0, 0.7853982, 1.4, 1.5707964, 2.6, 100.25, 5517.358].map(Math.fround);
    const x = tensor(inputs);
    for (const [op, reference] of [[ops.sin, Math.sin], [ops.cos, Math.cos], [ops.tan, Math.tan]] as const) {
      expectNumbersClose(await valuesOf(op(x)), inputs.map(reference), 1e-6);
    }
    expect(Object.is((await valuesOf(ops.sin(tensor([-0]))))[0], -0)).toBe(true);
  }));
});

describe('concatenate with axis null', () => {
  // ops.concatenate([np.array([[1, 2], [3, 4]], np.int32), np.array([5.5], np.float32)], axis=None)
  // -> [1., 2., 3., 4., 5.5] (float32)
  it('joins the tensors flattened', onBothBackends(async () => {
    const y = ops.concatenate([tensor([[1, 2], [3, 4]], [2, 2], 'int32'), tensor([5.5])], null);
    expect(y.shape).toEqual([5]);
    expect(y.dtype).toBe('float32');
    expect(await valuesOf(y)).toEqual([1, 2, 3, 4, 5.5]);
  }));
});

describe('softmax and logSoftmax over several axes', () => {
  // x = np.array([[[0.5, -1.0], [2.0, 0.0]], [[1.0, 1.0], [-0.5, 3.0]]], np.float32)
  // ops.softmax(x, axis=(1, 2)) and ops.log_softmax(x, axis=(0, 2))
  const x = () => tensor([[[0.5, -1.0], [2.0, 0.0]], [[1.0, 1.0], [-0.5, 3.0]]]);
  it('normalizes over the axes together', onBothBackends(async () => {
    expectNumbersClose(await valuesOf(ops.softmax(x(), [1, 2])), [
      0.1584447026, 0.035353791, 0.7100998759, 0.0961015671, 0.1040346026, 0.1040346026, 0.023213258, 0.7687175274,
    ], 1e-6);
    expectNumbersClose(await valuesOf(ops.logSoftmax(x(), [0, 2])), [
      -1.5086386204, -3.0086386204, -1.3700892925, -3.3700892925, -1.0086386204, -1.0086386204, -3.8700892925, -0.3700893223,
    ], 1e-5);
  }));

  it('differentiates over the axes together', async () => {
    expect((await gradCheck((t) => ops.softmax(t, [0, 2]).mul(ops.softmax(t, [0, 2])).sum(), [[2, 3, 2]])).message).toBe('ok');
    expect((await gradCheck((t) => ops.logSoftmax(t, [-1, 1]).square().sum(), [[2, 2, 3]])).message).toBe('ok');
  });
});
