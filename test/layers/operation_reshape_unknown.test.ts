// ops.reshape of a symbolic tensor of unknown batch size to a shape with -1 (src/layers/operation.ts):
// keras-io's SCAN example reshapes [batch * k, clusters] to [-1, k, clusters]. Keras's
// compute_output_spec makes the -1 unknown; tracing on stand-in sizes (2 or 3) could not divide by k.

import { describe, expect, it } from 'vitest';
import { Input, Model, ops, tensor } from '../../src/node';
import { valuesOf } from '../helpers';

describe('symbolic reshape with an unknown size', () => {
  it('gives the -1 an unknown size, keeps the dtype, and reshapes the real batch', async () => {
    const flat = Input({ shape: [2] });
    const grouped = ops.reshape(flat, [-1, 5, 2]);
    expect(grouped.shape).toEqual([null, 5, 2]);
    const ids = ops.reshape(Input({ shape: [4], dtype: 'int32' }), [-1, 5, 4]);
    expect([ids.shape, ids.dtype]).toEqual([[null, 5, 4], 'int32']);
    const model = new Model({ inputs: flat, outputs: grouped });
    const values = Array.from({ length: 20 }, (_, i) => i);
    const out = model.apply(tensor(values, [10, 2]));
    expect(out.shape).toEqual([2, 5, 2]);
    expect(await valuesOf(out)).toEqual(values);
  });
});
