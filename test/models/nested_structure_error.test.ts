// A functional model's inputs and outputs are flat (a tensor, a list or a record of them): a list
// nested inside (Keras's nested structures, as keras-io's involution example builds from the
// [output, kernel] pairs of its layers) is a clear error that says to flatten it.

import { describe, expect, it } from 'vitest';
import { Input, Layer, Model, layers, type SymbolicTensor, type Tensor } from '../../src/node';

class OutputAndKernel extends Layer {
  call(x: Tensor) {
    return [x.mul(2), x.add(1)];
  }
}

describe('nested model structures', () => {
  it('are an error that says to flatten them; the flat list works', () => {
    const inputs = Input({ shape: [3] });
    const pairs = [new OutputAndKernel().apply(inputs), new OutputAndKernel().apply(inputs)] as unknown as SymbolicTensor[][];
    expect(() => new Model({ inputs, outputs: pairs as never })).toThrow(/nested `outputs` .* are not supported; give a flat list or a record of symbolic tensors \(e\.g\. outputs\.flat\(\)\)/);
    expect(() => new Model({ inputs: [[inputs]] as never, outputs: new layers.Dense({ units: 1 }).apply(inputs) })).toThrow(/nested `inputs`/);
    expect(new Model({ inputs, outputs: pairs.flat() }).outputs).toHaveLength(4);
  });
});
