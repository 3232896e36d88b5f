// `tensor` from any numeric typed array: integer arrays whose values fit int32 (image bytes in a
// Uint8Array, as NumPy's uint8 MNIST arrays in keras.io examples) give int32 tensors, the others
// float32 unless a dtype is given; values are kept exactly.

import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/node';
import { expectNumbersClose, onBothBackends, useWebGPU, valuesOf } from '../helpers';

useWebGPU();

describe('tensor from typed arrays', () => {
  it('integer arrays give int32 with their values', onBothBackends(async () => {
    const cases = [new Uint8Array([0, 128, 255]), new Uint8ClampedArray([0, 7, 255]), new Int8Array([-128, 0, 127]), new Int16Array([-32768, 5, 32767]), new Uint16Array([0, 1, 65535])];
    for (const values of cases) {
      const t = tensor(values, [3]);
      expect(t.dtype).toBe('int32');
      expect(await valuesOf(t)).toEqual(Array.from(values));
    }
  }));

  it('Float64Array and Uint32Array give float32; a given dtype wins', onBothBackends(async () => {
    expect(tensor(new Float64Array([0.5, -2])).dtype).toBe('float32');
    expect(tensor(new Uint32Array([1, 4000000000])).dtype).toBe('float32');
    const bytes = tensor(new Uint8Array([0, 51, 255]), [3], 'float32');
    expect(bytes.dtype).toBe('float32');
    expectNumbersClose(await valuesOf(bytes.div(255)), [0, 0.2, 1], 1e-7);
  }));
});
