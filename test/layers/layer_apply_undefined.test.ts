// Layer.apply (src/layers/layer.ts) on undefined or a list holding undefined (a tensor left out,
// say a step's y where fit had none): the same clear error as for any other non-tensor, before any build.

import { describe, expect, it } from 'vitest';
import { layers, tensor } from '../../src/node';

describe('Layer.apply on a list holding undefined', () => {
  it('says which item is not a tensor and leaves the layer unbuilt', () => {
    const add = new layers.Add({ name: 'step_sum' });
    expect(() => add.apply([tensor([1, 2], [1, 2]), undefined] as never)).toThrow(
      'step_sum: apply() takes a tensor or a list of tensors (or symbolic tensors from Input). Received: undefined.',
    );
    expect(add.built).toBe(false);
    const dense = new layers.Dense({ units: 1, name: 'step_dense' });
    expect(() => dense.apply(undefined as never)).toThrow('step_dense: apply() takes a tensor or a list of tensors (or symbolic tensors from Input). Received: undefined.');
  });
});
