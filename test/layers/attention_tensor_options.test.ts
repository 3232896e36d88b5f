// MultiHeadAttention given its value or key as a named option (src/layers/attention.ts): Keras
// code often writes mha(query, value=v, key=k) (keras-io's BERT masked language model passes
// them positionally); here the tensors go in the inputs list, and the error says so.

import { describe, expect, it } from 'vitest';
import { layers, zeros } from '../../src/node';

describe('MultiHeadAttention tensor options', () => {
  it('are an error that points to the inputs list', () => {
    const mha = new layers.MultiHeadAttention({ numHeads: 1, keyDim: 2 });
    const x = zeros([1, 3, 4]);
    expect(() => mha.apply(x, { value: x, key: x } as never)).toThrow(/got 'value' and 'key' as option\(s\); the tensors go in the inputs list: apply\(\[query, value, key\]\)/);
    expect(mha.apply([x, x, x]).shape).toEqual([1, 3, 4]);
  });
});
