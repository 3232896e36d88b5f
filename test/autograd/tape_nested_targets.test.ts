// GradientTape.gradient of a target given as lists or records of tensors (tf.GradientTape's nested
// targets): the gradient of their sum, nulls adding nothing. keras.io's debugging tips take
// second-order gradients this way: an outer tape differentiates the list of first-order gradients.
// Checked against hand-computed derivatives; a target that is not a tensor gets a clear error.

import { describe, expect, it } from 'vitest';
import { GradientTape, Variable, ops, tensor, type Tensor } from '../../src/node';
import { expectNumbersClose, onBothBackends, useWebGPU, valuesOf } from '../helpers';

useWebGPU();

describe('GradientTape nested targets', () => {
  it('differentiates the sum of the targets, first-order gradients included', onBothBackends(async () => {
    const w = new Variable(tensor([1, -2, 3]));
    const v = new Variable(tensor([0.5, 2]));
    const outer = new GradientTape();
    let firstOrder!: Array<Tensor | null>;
    outer.record(() => {
      const inner = new GradientTape();
      // loss = sum(w^3) + sum(v^2); d/dw = 3w^2, d/dv = 2v.
      const loss = inner.record(() => ops.add(ops.sum(ops.power(w, 3)), ops.sum(ops.square(v))));
      firstOrder = inner.gradient(loss, [w, v]);
    });
    expectNumbersClose(await valuesOf(firstOrder[0]!), [3, 12, 27], 1e-4);
    // d(sum(3w^2) + sum(2v))/dw = 6w, /dv = 2.
    const [d2w, d2v] = outer.gradient([firstOrder[0], { v: firstOrder[1] }, null], [w, v]);
    expectNumbersClose(await valuesOf(d2w!), [6, -12, 18], 1e-4);
    expectNumbersClose(await valuesOf(d2v!), [2, 2], 1e-5);

    const twice = new GradientTape();
    const square = twice.record(() => ops.square(w));
    expectNumbersClose(await valuesOf(twice.gradient([square, square], w)!), [4, -8, 12], 1e-5);
  }));

  it('names a target that is not a tensor', () => {
    const w = new Variable(tensor([1]));
    const tape = new GradientTape();
    tape.record(() => w.mul(2));
    expect(() => tape.gradient([3 as unknown as Tensor], [w])).toThrow('GradientTape.gradient (target): expected a Tensor, got number.');
  });
});
