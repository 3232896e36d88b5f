// ops.cast takes a number, as Keras casts Python numbers: keras.io's KID computes
// ops.cast(ops.shape(features)[1], 'float32').

import { describe, expect, it } from 'vitest';
import { ops } from '../../src/node';

describe('cast of a number', () => {
  it('is a scalar of the dtype', async () => {
    const f = ops.cast(3, 'float32');
    expect([f.shape, f.dtype]).toEqual([[], 'float32']);
    expect(Array.from(await f.data())).toEqual([3]);
    const i = ops.cast(-2.7, 'int32');
    expect([i.dtype, Array.from(await i.data())]).toEqual(['int32', [-2]]);
    expect(Array.from(await ops.cast(0.5, 'bool').data())).toEqual([1]);
  });
});
