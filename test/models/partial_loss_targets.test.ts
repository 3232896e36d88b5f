// A model compiled with a loss for some outputs only (keras.io's miniature GPT: outputs [logits,
// embeddings], loss [fn, null]) takes one target per output with a loss, as Keras 3's CompileLoss;
// and fit/evaluate/predict given a generator function (not the generator) say so.

import { describe, expect, it } from 'vitest';
import { Input, Model, layers, tensor } from '../../src/node';
import { useWebGPU } from '../helpers';

useWebGPU();

function twoOutputs(): Model {
  const x = Input({ shape: [2] });
  const hidden = new layers.Dense({ units: 3, kernelInitializer: 'ones', biasInitializer: 'zeros' }).apply(x);
  const out = new layers.Dense({ units: 1, kernelInitializer: 'ones', biasInitializer: 'zeros' }).apply(hidden);
  return new Model({ inputs: x, outputs: [out, hidden] });
}

describe('a loss for some outputs only', () => {
  it('gives the one target to the output with a loss', async () => {
    const model = twoOutputs();
    model.compile({ optimizer: 'sgd', loss: ['mse', null] });
    // out = 3 * (x0 + x1): [3, 9] against targets [1, 1] -> mse (4 + 64) / 2 = 34.
    const logs = await model.evaluate(tensor([[1, 0], [1, 2]]), tensor([[1], [1]]), { verbose: 0 });
    expect(logs.loss).toBeCloseTo(34, 4);
  });

  it('says how many targets it takes otherwise', async () => {
    const model = twoOutputs();
    model.compile({ optimizer: 'sgd', loss: ['mse', 'mse'] });
    await expect(model.evaluate(tensor([[1, 0]]), tensor([[1]]), { verbose: 0 })).rejects.toThrow('loss: the model has 2 output(s) but 1 target(s) were given (give one target per output, or one per output with a loss: 2).');
  });
});

describe('a generator function as the data', () => {
  it('asks for the batches it makes', async () => {
    const model = twoOutputs();
    model.compile({ optimizer: 'sgd', loss: ['mse', null] });
    function* batches() {
      yield [tensor([[1, 0]]), tensor([[1]])];
    }
    await expect(model.fit(batches as never, { epochs: 1 })).rejects.toThrow("fit: the data is a function (batches); pass the batches it makes (fit(batches(), ...), a generator, which one pass uses up) or an object whose [Symbol.iterator]() makes them anew, as a tf.data.Dataset is iterated each epoch.");
    await expect(model.predict(batches as never)).rejects.toThrow(/^predict: the data is a function \(batches\)/);
  });
});
