// The arithmetic of a SymbolicTensor (Keras's operators on a KerasTensor: `x + y`, `-x`, `x @ w`,
// `x < y`, `x.reshape(...)`), under the Tensor method names: each records the op as a graph node
// named as Keras names it, and the model computes what the ops compute on tensors.

import { describe, expect, it } from 'vitest';
import { Input, Model, layers, tensor, type Tensor } from '../../src/node';
import { expectTensorClose, useWebGPU } from '../helpers';

useWebGPU();

describe('SymbolicTensor arithmetic', () => {
  it('records add, sub, mul, div, pow, neg, abs, matmul, comparisons, reshape and squeeze as graph nodes', async () => {
    const x = Input({ shape: [3] });
    const arithmetic = x.mul(2).add(x.neg().abs()).sub(1).div(2).pow(2); // ((2x + |x| - 1) / 2)^2
    const projected = x.matmul(tensor([[1], [2], [3]])); // [batch, 1]
    const inRange = x.greater(0).logicalAnd(x.lessEqual(2));
    const roundTrip = x.reshape([-1, 3, 1]).squeeze(-1).sub(x); // zeros
    const model = new Model({ inputs: x, outputs: [arithmetic, projected, inRange, roundTrip] });
    expect(model.layers.map((layer) => layer.name).filter((name) => /^(multiply|negative|abs|add|subtract|divide|power|matmul)/.test(name)).length).toBe(9);

    const [a, p, r, z] = (await model.predict(tensor([[1, -2, 3], [0, 0.5, -1]]), { verbose: 0 })) as Tensor[];
    // ((2x + |x| - 1) / 2)^2 for 1, -2, 3, 0, 0.5, -1: 1, 2.25, 16, 0.25, 0.0625, 1
    await expectTensorClose(a, [1, 2.25, 16, 0.25, 0.0625, 1]);
    await expectTensorClose(p, [1 - 4 + 9, 0 + 1 - 3]);
    await expectTensorClose(r.cast('float32'), [1, 0, 0, 0, 1, 0]);
    await expectTensorClose(z, [0, 0, 0, 0, 0, 0]);
  });

  it('takes another symbolic tensor as the operand, as a residual connection does', async () => {
    const x = Input({ shape: [2] });
    const dense = new layers.Dense({ units: 2, kernelInitializer: 'ones', biasInitializer: 'zeros' });
    const model = new Model({ inputs: x, outputs: dense.apply(x).add(x) });
    await expectTensorClose((await model.predict(tensor([[1, 2]]), { verbose: 0 })) as Tensor, [4, 5]);
  });
});
