// ops.view (keras.ops.view): float32 and int32 bit patterns read as each other, on both backends,
// against the IEEE 754 words written out by hand (1.0 is 0x3f800000, -0.0 is 0x80000000, NaN
// payloads kept bit for bit); new storage; the errors for dtypes this library cannot store.

import { describe, expect, it } from 'vitest';
import { Input, Model, ops, tensor, type Tensor } from '../../src/node';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

const words = async (t: Tensor) => Array.from(new Int32Array((await t.data()).slice().buffer));

describe('ops.view', () => {
  it(
    'reads float32 bits as int32: 1 -> 1065353216, -0 -> -2147483648, NaN, infinities, -1.5',
    onBothBackends(async () => {
      const y = ops.view(tensor([1, -0, NaN, Infinity, -Infinity, -1.5], [2, 3]), 'int32');
      expect(y.dtype).toBe('int32');
      expect(y.shape).toEqual([2, 3]);
      expect(Array.from(await y.data())).toEqual([0x3f800000, -0x80000000, 0x7fc00000, 0x7f800000, 0xff800000 | 0, 0xbfc00000 | 0]);
    }),
  );

  it(
    'reads int32 words as float32, keeping NaN payloads and denormals (Keras docstring: [1, 2, 3] -> [1e-45, 3e-45, 4e-45])',
    onBothBackends(async () => {
      const bits = [0x3f800000, -0x80000000, 0x7fc00001, 0xffa00005 | 0, 1, 2, 3];
      const y = ops.view(tensor(bits, [7], 'int32'), 'float32');
      expect(y.dtype).toBe('float32');
      const values = Array.from(await y.data());
      expect(values[0]).toBe(1);
      expect(Object.is(values[1], -0)).toBe(true);
      expect(values.slice(2, 4).every(Number.isNaN)).toBe(true);
      expect(values.slice(4)).toEqual(Array.from(new Float32Array(Int32Array.of(1, 2, 3).buffer)));
      expect(values.slice(4).map((v) => Number(v.toPrecision(1)))).toEqual([1e-45, 3e-45, 4e-45]);
      expect(await words(y)).toEqual(bits);
      expect(Array.from(await ops.view(y, 'int32').data())).toEqual(bits);
    }),
  );

  it(
    'with no dtype, or its own, is a copy in new storage',
    onBothBackends(async () => {
      const x = tensor([3, -7], [2], 'int32');
      const same = ops.view(x);
      const own = ops.view(x, 'int32');
      x.dispose();
      expect([same.dtype, own.dtype]).toEqual(['int32', 'int32']);
      expect(Array.from(await same.data())).toEqual([3, -7]);
      expect(Array.from(await own.data())).toEqual([3, -7]);
    }),
  );

  it('refuses dtypes this library cannot store, listing those it can', () => {
    const x = tensor([1, 2]);
    for (const dtype of ['float16', 'int8', 'uint8', 'int64', 'bool']) {
      expect(() => ops.view(x, dtype as never)).toThrow(`view: cannot view a tensor as dtype '${dtype}'. Expected one of 'float32', 'int32'`);
    }
  });

  it('runs between layers of a functional model', async () => {
    const input = Input({ shape: [2] });
    const model = new Model({ inputs: input, outputs: ops.view(input, 'int32') });
    const y = (await model.predict(tensor([[1, -2]]))) as Tensor;
    expect(y.dtype).toBe('int32');
    expect(Array.from(await y.data())).toEqual([0x3f800000, 0xc0000000 | 0]);
  });
});
