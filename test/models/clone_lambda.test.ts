// cloneModel of a model with a Lambda layer (keras.io's DDIM clones its U-Net, whose noise
// embedding is a Lambda, for the EMA network): the clone shares the function, which no config can
// hold. Lambda takes a function typed for one Tensor as it is (Keras's Lambda(sinusoidal_embedding)).

import { describe, expect, it } from 'vitest';
import { Input, Model, cloneModel, layers, ops, tensor, type Tensor } from '../../src/node';

function shiftAndDouble(x: Tensor): Tensor {
  return ops.multiply(ops.add(x, 1), 2);
}

describe('cloneModel with a Lambda', () => {
  it('clones the layer with the same function, name and output shape', async () => {
    const input = Input({ shape: [2] });
    const lambda = new layers.Lambda({ function: shiftAndDouble, outputShape: [2], name: 'shift' });
    const model = new Model({ inputs: input, outputs: new layers.Dense({ units: 1, kernelInitializer: 'ones' }).apply(lambda.apply(input)) });
    const clone = cloneModel(model);
    const cloned = clone.layers.find((l) => l instanceof layers.Lambda) as InstanceType<typeof layers.Lambda>;
    expect(cloned).not.toBe(lambda);
    expect([cloned.name, cloned.function, cloned.outputShape]).toEqual(['shift', shiftAndDouble, [2]]);
    clone.setWeights(model.getWeights());
    expect(Array.from(await (clone.apply(tensor([[1, 2]])) as Tensor).data())).toEqual([10]);
  });
});
