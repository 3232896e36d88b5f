// Unary element-wise ops take a plain number as Keras takes a Python scalar (ops.square(1e-3) in a
// Charbonnier loss): an integer becomes int32, any other number float32.

import { describe, expect, it } from 'vitest';
import { GradientTape, ops, tensor, type Tensor } from '../../src/node';
import { expectNumbersClose } from '../helpers';

describe('unary ops on a number', () => {
  it('give the scalar Keras gives, with its dtype', async () => {
    // Reference: KERAS_BACKEND=jax python -c "from keras import ops; print(ops.square(3), ops.square(1e-3), ops.sqrt(3), ops.abs(-3), ops.exp(1e-3))"
    const cases: Array<[Tensor, string, number]> = [
      [ops.square(3), 'int32', 9],
      [ops.square(1e-3), 'float32', 1.0000001111620804e-6],
      [ops.sqrt(3), 'float32', 1.7320507764816284],
      [ops.abs(-3), 'int32', 3],
      [ops.negative(3), 'int32', -3],
      [ops.exp(1e-3), 'float32', 1.0010005235671997],
      [ops.log10(100), 'float32', 2],
    ];
    for (const [y, dtype, expected] of cases) {
      expect(y.shape).toEqual([]);
      expect(y.dtype).toBe(dtype);
      expectNumbersClose(Array.from(await y.data()), [expected], 1e-6);
    }
    expect(() => ops.square('3' as never)).toThrow('square: expected a Tensor, got string.');
  });

  it('leave the gradient of a loss that uses one intact (the Charbonnier loss of MIRNet)', async () => {
    const diff = tensor([0.5, -2]);
    const tape = new GradientTape();
    tape.watch(diff);
    const loss = tape.record(() => ops.mean(ops.sqrt(ops.add(ops.square(diff), ops.square(1e-3)))));
    const [grad] = tape.gradient(loss, [diff]);
    // d/dx mean(sqrt(x² + ε²)) = x / (n sqrt(x² + ε²)).
    expectNumbersClose(Array.from(await grad!.data()), [0.5, -2].map((x) => x / (2 * Math.sqrt(x * x + 1e-6))), 1e-6);
  });
});
