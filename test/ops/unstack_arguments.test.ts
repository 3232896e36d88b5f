// ops.unstack's positional arguments (src/ops/stacking.ts), as Keras's unstack(x, num=None,
// axis=0): an options object in num's place (keras-io's BST port wrote tf.unstack(x, axis=1) as
// { axis: 1 }) is a clear error, and null is Keras's None.

import { describe, expect, it } from 'vitest';
import { Input, ops, tensor } from '../../src/node';
import { valuesOf } from '../helpers';

describe('ops.unstack arguments', () => {
  it('refuses an options object for num, saying the arguments are positional; takes null as None', async () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(() => ops.unstack(x, { axis: 1 } as never)).toThrow(/unstack: num must be a number or undefined. Received: num=\{"axis":1\}. Its arguments are positional.* ops\.unstack\(x, undefined, axis\)/);
    expect(() => ops.unstack(Input({ shape: [3, 4] }) as never, { axis: 1 } as never)).toThrow(/num must be a number or undefined/);
    const columns = ops.unstack(x, null, 1);
    expect(await Promise.all(columns.map(valuesOf))).toEqual([[1, 3], [2, 4]]);
  });
});
