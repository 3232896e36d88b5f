// An op handed a Promise in place of a tensor (src/ops/validate.ts): keras-io code reads
// `np.argmax(model.predict(x))`, whose port easily forgets to await predict; the message says so.

import { describe, expect, it } from 'vitest';
import { Sequential, layers, ops, tensor, type Tensor } from '../../src/node';

describe('a Promise given for a tensor', () => {
  it('is named, with a hint to await it', async () => {
    const model = new Sequential([new layers.Dense({ units: 2 })]);
    const pending = model.predict(tensor([[1, 2, 3]]), { verbose: 0 });
    expect(() => ops.argmax(pending as never, 1)).toThrow(/argMax: expected a Tensor, got a Promise \(await it first/);
    expect(((await pending) as Tensor).shape).toEqual([1, 2]);
  });
});
