// A Variable assigned to a layer's property (Keras 3: `self.scale = keras.Variable(1.0)`) is one of
// its weights: listed, trained by fit, saved; a stateful RNN's states (keptVariables) are not.

import { describe, expect, it } from 'vitest';
import { Input, Layer, Model, Variable, layers, ops, optimizers, scalar, tensor, variable, type Tensor } from '../../src/node';
import { useWebGPU, valuesOf } from '../helpers';

useWebGPU();

/** x * scale + shift, its two variables made directly (one in a record), with no addWeight. */
class ScaleShift extends Layer {
  scale = variable(scalar(1), { name: 'scale' });
  extra = { shift: variable(scalar(0), { name: 'shift' }) };

  override call(inputs: Tensor): Tensor {
    return ops.add(ops.multiply(inputs, this.scale), this.extra.shift);
  }
}

describe('Variables held in layer properties', () => {
  it('are weights: listed after the addWeight ones, trained by fit and set by setWeights', async () => {
    const input = Input({ shape: [1] });
    const scaleShift = new ScaleShift();
    const dense = new layers.Dense({ units: 1, kernelInitializer: 'ones', useBias: false });
    const model = new Model({ inputs: input, outputs: scaleShift.apply(dense.apply(input)) });
    expect(scaleShift.weights.map((w) => w.name)).toEqual(['scale', 'shift']);
    expect(model.trainableWeights.map((w) => w.name)).toEqual([dense.kernel.name, 'scale', 'shift']);
    model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.05 }), loss: 'mse' });
    // y = 3x + 1: gradient descent moves every weight; the loss falls from mean((3x + 1 - x)^2).
    const x = tensor([[0], [1], [2], [-1]]);
    const y = tensor([[1], [4], [7], [-2]]);
    const history = await model.fit(x, y, { epochs: 20, batchSize: 4, verbose: 0 });
    expect(history.history.loss[19]).toBeLessThan(history.history.loss[0] / 4);
    expect((await valuesOf(scaleShift.extra.shift))[0]).toBeGreaterThan(0.1);
    model.setWeights([tensor([[2]]), scalar(1.5), scalar(-1)]);
    expect(await valuesOf(await model.predict<Tensor>(tensor([[1]])))).toEqual([2]);
  });

  it('leave out a stateful RNN\'s states and frozen layers\' variables', () => {
    const rnn = new layers.SimpleRNN({ units: 2, stateful: true });
    rnn.apply(ops.ones([1, 3, 2]));
    expect(rnn.states).toHaveLength(1);
    expect(rnn.weights).toHaveLength(3);
    const frozen = new ScaleShift();
    frozen.trainable = false;
    expect(frozen.trainableWeights).toEqual([]);
    expect(frozen.nonTrainableWeights.map((w) => w.name)).toEqual(['scale', 'shift']);
    expect(frozen.weights.every((w) => w instanceof Variable)).toBe(true);
  });
});
