// Layer.apply (src/layers/layer.ts) on inputs that are not tensors: a clear error naming the
// layer and what it received, before any build or GPU work.

import { describe, expect, it } from 'vitest';
import { layers, tensor } from '../../src/node';
import { useWebGPU } from '../helpers';

useWebGPU();

describe('Layer.apply inputs', () => {
  it('explains a record, or a list holding something other than tensors', () => {
    const dense = new layers.Dense({ units: 2, name: 'dense_head' });
    expect(() => dense.apply({ images: tensor([1, 2], [1, 2]) } as never)).toThrow(
      'dense_head: apply() takes a tensor or a list of tensors (or symbolic tensors from Input). Received: an object with keys ["images"].',
    );
    expect(() => new layers.Add({ name: 'sum' }).apply([tensor([1], [1, 1]), 3] as never)).toThrow('sum: apply() takes a tensor or a list of tensors (or symbolic tensors from Input). Received: 3.');
    expect(dense.built).toBe(false);
  });
});
