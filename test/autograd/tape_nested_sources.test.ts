// tape.gradient with sources in nested lists and records (keras.io's ShiftViT asks for the
// gradients of [layer.trainableVariables, ...] at once, as tf.GradientTape allows): the gradients
// come back in the same structure, each the one of a flat call.

import { describe, expect, it } from 'vitest';
import { GradientTape, tensor, variable } from '../../src/node';
import { valuesOf } from '../helpers';

describe('GradientTape.gradient with nested sources', () => {
  it('returns the gradients in the structure of the sources', async () => {
    const a = variable(tensor([1, 2])), b = variable(tensor([3])), c = variable(tensor([5]));
    const unused = variable(tensor([7]));
    const tape = new GradientTape();
    const loss = tape.record(() => a.mul(b).sum().add(c.square().sum()));   // d/da = b, d/db = a1 + a2, d/dc = 2c
    const grads = tape.gradient(loss, [[a, b], { c, unused }]);
    const [[da, db], { c: dc, unused: du }] = grads;
    expect(await valuesOf(da!)).toEqual([3, 3]);
    expect(await valuesOf(db!)).toEqual([3]);
    expect(await valuesOf(dc!)).toEqual([10]);
    expect(du).toBeNull();
  });
});
