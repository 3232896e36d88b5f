// Keras writes keepdims=True as a keyword; here keepDims is the reductions' third argument. A
// port that passes `{ keepDims: true }` gets an error saying where the flag goes.

import { describe, expect, it } from 'vitest';
import { init, ops, tensor } from '../../src/node';

describe('reductions given keepDims as an option record', () => {
  it('say that keepDims is the third argument', async () => {
    await init({ backend: 'cpu' });
    const x = tensor([[1, 2], [3, 4]]);
    expect(() => ops.mean(x, -1, { keepDims: true } as never)).toThrow('mean: keepDims must be a boolean, got object. It is the third argument, not an option: mean(x, axis, true).');
    expect(() => ops.argMax(x, -1, { keepDims: true } as never)).toThrow('argMax: keepDims must be a boolean, got object. It is the third argument');
    expect(() => ops.sum(x, 0, 'yes' as never)).toThrow(/^sum: keepDims must be a boolean, got string\.$/);
  });
});
