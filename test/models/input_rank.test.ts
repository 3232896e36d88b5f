// Keras's functional models adjust an input's rank to their Input's: data one axis short of an
// Input whose last axis is 1 gains it (MNIST's [N, 28, 28] for Input [28, 28, 1], as keras.io's
// siamese example feeds it), and a trailing axis of 1 too many is dropped; other ranks stay errors.

import { describe, expect, it } from 'vitest';
import { Input, Model, Sequential, layers, tensor, type Tensor } from '../../src/node';
import { onBothBackends, useWebGPU, valuesOf } from '../helpers';

useWebGPU();

/** Sums each sample: [N, 2, 2, 1] -> [N, 1]. */
function summingModel(): Model {
  const input = Input({ shape: [2, 2, 1] });
  return new Model({ inputs: input, outputs: new layers.Dense({ units: 1, kernelInitializer: 'ones', useBias: false }).apply(new layers.Flatten().apply(input)) });
}

describe('input rank adjustment', () => {
  const images = () => tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);

  it('a functional model takes data without the trailing axis of 1 in predict, fit and a direct call', onBothBackends(async () => {
    const model = summingModel();
    expect(await valuesOf((await model.predict(images())) as Tensor)).toEqual([10, 26]);
    expect(await valuesOf(model.apply(images()) as Tensor)).toEqual([10, 26]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const history = await model.fit(images(), tensor([[10], [26]]), { epochs: 1, verbose: 0 });
    expect(history.history.loss[0]).toBeCloseTo(0, 6);
  }));

  it('drops a trailing axis of 1 too many, and a Sequential adjusts as the functional model', onBothBackends(async () => {
    const input = Input({ shape: [3] });
    const model = new Model({ inputs: input, outputs: new layers.Dense({ units: 1, kernelInitializer: 'ones', useBias: false }).apply(input) });
    expect(await valuesOf((await model.predict(tensor([[[1], [2], [3]]]))) as Tensor)).toEqual([6]);
    const sequential = new Sequential({ layers: [Input({ shape: [2, 2, 1] }), new layers.Flatten(), new layers.Dense({ units: 1, kernelInitializer: 'ones', useBias: false })] });
    expect(await valuesOf((await sequential.predict(images())) as Tensor)).toEqual([10, 26]);
  }));

  it('other ranks are still errors that name the expected shape', async () => {
    const model = summingModel();
    await expect(model.predict(tensor([1, 2, 3, 4]).reshape([1, 4]))).rejects.toThrow('expects samples of shape (None, 2, 2, 1), got x of shape [1,4]');
    expect(() => model.apply(tensor([[[[[1]]]]]))).toThrow(/expects shape/);
  });
});
