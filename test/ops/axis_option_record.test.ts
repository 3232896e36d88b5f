// Keras writes axis=0 as a keyword; here the axis is a plain argument. A port that passes
// `{ axis: 0 }` gets an error saying so, instead of "axis [object Object] is out of range".

import { describe, expect, it } from 'vitest';
import { ops, tensor } from '../../src/node';

describe('an axis given as an option record', () => {
  it('says the axis is a plain argument', () => {
    const x = tensor([[1, 2], [3, 4]]);
    const take = ops.take as unknown as (...args: unknown[]) => unknown;
    expect(() => take(x, [1, 0], { axis: 0 })).toThrow('take: axis must be an integer, got an object {"axis":0}; the axis is a plain argument here, not an option record ({ axis: 0 } is written 0).');
    expect(() => (ops.stack as unknown as (...args: unknown[]) => unknown)([x, x], { axis: 1 })).toThrow(/axis must be an integer, got an object \{"axis":1\}/);
    expect(ops.take(x, [1, 0], 0).shape).toEqual([2, 2]);
  });

  it('says so in ops that take one axis or a list of axes (normalize)', () => {
    const x = tensor([[3, 4], [0, 0]]);
    expect(() => ops.normalize(x, { axis: 1 } as never)).toThrow(/normalize: axis must be an integer, got an object \{"axis":1\}; the axis is a plain argument here/);
    expect(ops.normalize(x, [1]).shape).toEqual([2, 2]);
  });
});
