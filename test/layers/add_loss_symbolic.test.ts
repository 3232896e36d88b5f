// addLoss takes concrete tensors only (Keras 3): a functional model's symbolic term, which tf.keras
// once accepted and this library silently dropped from fit's loss, is refused with a clear error.

import { describe, expect, it } from 'vitest';
import { Input, Model, layers, ops, type SymbolicTensor } from '../../src/node';

describe('Layer.addLoss', () => {
  it('refuses a symbolic tensor, saying what to do instead', () => {
    const input = Input({ shape: [2] });
    const output = new layers.Dense({ units: 1 }).apply(input);
    const model = new Model({ inputs: input, outputs: output, name: 'with_symbolic_loss' });
    const term = ops.mean(ops.square(output)) as unknown as SymbolicTensor;
    expect(() => model.addLoss(term as never)).toThrow(
      /^addLoss\(\) can only be called from inside build\(\) or call\(\), on a tensor input\. Received invalid value: SymbolicTensor\(.*\) \(layer "with_symbolic_loss"\)\. For a loss computed from a functional model's symbolic tensors, compute it in the call of a layer/,
    );
    expect(() => model.addLoss(3 as never)).toThrow('Received invalid value: 3');
    expect(model.losses).toEqual([]);
  });
});
