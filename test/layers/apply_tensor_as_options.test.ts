// A tensor where a layer's call options belong (Keras's `layer(query, value)` ported as
// `apply(query, value)`) is an error saying to give the inputs as one list, both for layers that
// check their call options (MultiHeadAttention) and for those that do not (Dense), on tensors
// and on symbolic tensors, instead of an "unknown option 'shape'" or a silently ignored input.

import { describe, expect, it } from 'vitest';
import { Input, layers, ones, type CallArgs } from '../../src/node';

const asOptions = (x: unknown) => x as CallArgs;

describe('a tensor as the call options of apply', () => {
  it('is an error that says to pass several inputs as a list', () => {
    const [query, value] = [Input({ shape: [4, 8] }), Input({ shape: [6, 8] })];
    const attention = new layers.MultiHeadAttention({ numHeads: 2, keyDim: 4 });
    expect(() => attention.apply(query, asOptions(value))).toThrow(/expected options \(training, mask, .*\) here, got a tensor of shape \[None,6,8\].*apply\(\[query, value\]\)/);
    expect(() => attention.apply(ones([1, 4, 8]), asOptions(ones([1, 6, 8])))).toThrow(/got a tensor of shape \[1,6,8\]/);
    expect(() => new layers.Dense({ units: 2 }).apply(ones([1, 4]), asOptions(ones([1, 4])))).toThrow(/the second argument is a tensor.*apply\(\[query, value\]\)/);
    expect(attention.apply([query, value])).toMatchObject({ shape: [null, 4, 8] });
  });
});
