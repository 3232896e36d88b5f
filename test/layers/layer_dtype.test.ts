// A layer's dtype option (src/layers/layer.ts): tensors here are float32 or int32, so another
// dtype (Keras's int64 for token ids, float16) is refused when the layer is made, with the fix.
// Also the masking warning names a functional model's class as Keras does ('Functional').

import { afterEach, describe, expect, it, vi } from 'vitest';
import { Input, Model, layers, ops } from '../../src/node';

afterEach(() => vi.restoreAllMocks());

describe('Layer dtype', () => {
  it("refuses dtypes other than 'float32' and 'int32', in Input too", () => {
    expect(() => Input({ shape: [null], dtype: 'int64' as never })).toThrow("InputLayer: Invalid dtype: int64. Tensors here are 'float32' or 'int32' (use 'int32' for Keras's 'int64' token ids).");
    expect(() => new layers.Dense({ units: 1, dtype: 'float16' as never })).toThrow('Dense: Invalid dtype: float16.');
    expect(Input({ shape: [null], dtype: 'int32' }).dtype).toBe('int32');
    expect(new layers.Dense({ units: 1, dtype: null as never }).dtype).toBe('float32');
  });

  it("names a functional model 'Functional' when it drops a mask, as Keras's warning does", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const ids = Input({ shape: [3], dtype: 'int32' });
    const inner = Input({ shape: [3, 2] });
    const nested = new Model({ inputs: inner, outputs: ops.multiply(inner, 2), name: 'nested' });
    nested.apply(new layers.Embedding({ inputDim: 4, outputDim: 2, maskZero: true }).apply(ids));
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("Layer 'nested' (of type Functional) was passed an input with a mask attached to it."));
  });
});
