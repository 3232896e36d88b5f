// computeOutputShape traces call on zeros that stand in for unknown dimensions; when call fails on
// them (keras.io's Switch Transformer reshapes to a fixed tokens-per-batch), the error says so and
// how to give the true size, instead of an error about a batch of 2 the user never made.

import { describe, expect, it } from 'vitest';
import { Input, Layer, ops, type Tensor } from '../../src/node';

/** Reshapes to a fixed number of rows, as the Switch layer does with num_tokens_per_batch. */
class FixedRows extends Layer {
  override call(x: Tensor): Tensor {
    return ops.reshape(ops.reshape(x, [12, 4]), x.shape);
  }
}

describe('computeOutputShape on placeholder zeros', () => {
  it('explains a call that fails on the placeholder sizes, and works once the Input fixes the batch', () => {
    const layer = new FixedRows({ name: 'fixed_rows' });
    expect(() => layer.apply(Input({ shape: [3, 4] }))).toThrow(
      "FixedRows 'fixed_rows'.computeOutputShape: applied to symbolic inputs, the layer runs call on zeros of shape [2,3,4] (each unknown dimension set to 2) to find its output shape, and call failed: reshape: cannot reshape [2,3,4] (24 elements) into [12,4] (48 elements). A call that needs the true size of an unknown dimension",
    );
    expect(() => layer.apply(Input({ shape: [3, 4] }))).toThrow('Input({ shape, batchSize })');
    expect(layer.apply(Input({ shape: [3, 4], batchSize: 4 })).shape).toEqual([4, 3, 4]);
    // Without unknown dimensions the error is call's own.
    expect(() => new FixedRows().apply(Input({ shape: [3, 4], batchSize: 3 }))).toThrow(/^reshape: cannot reshape \[3,3,4\]/);
  });
});
