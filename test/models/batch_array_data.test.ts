// fit, evaluate and predict given an array of batches ([x, y] arrays), as a port of a tf.data
// pipeline may build one: an array is data, so the error says to pass the batches as a dataset
// (an iterable) rather than reading them as inputs and fit's options as targets.

import { describe, expect, it } from 'vitest';
import { Input, Model, layers, tensor } from '../../src/node';
import { useWebGPU } from '../helpers';

useWebGPU();

function compiledModel(): Model {
  const x = Input({ shape: [2], name: 'x' });
  const model = new Model({ inputs: x, outputs: new layers.Dense({ units: 1 }).apply(x) });
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  return model;
}

describe('data given as an array of batches', () => {
  it('is refused by fit, evaluate and predict with a hint to pass an iterable', async () => {
    const model = compiledModel();
    const batches = [
      [tensor([[1, 2]]), tensor([[1]])],
      [{ x: tensor([[1, 3]]) }, tensor([[2]])],
    ];
    const hint = 'the data is an array of 2 batches (arrays such as [x, y]); an array is data, not a dataset.';
    await expect(model.fit(batches as never, { epochs: 1, verbose: 0 } as never)).rejects.toThrow(`fit: ${hint}`);
    await expect(model.fit(batches as never, undefined, { verbose: 0 })).rejects.toThrow('{ [Symbol.iterator]: () => batches[Symbol.iterator]() }');
    await expect(model.evaluate(batches as never)).rejects.toThrow(`evaluate: ${hint}`);
    await expect(model.predict([[tensor([[1, 2]])], [tensor([[3, 4]])]] as never)).rejects.toThrow('predict: the data is an array of 2 batches');
  });

  it('trains from the same batches given as an iterable, and still takes nested number arrays as data', async () => {
    const model = compiledModel();
    const batches: Array<[ReturnType<typeof tensor>, ReturnType<typeof tensor>]> = [[tensor([[1, 2]]), tensor([[1]])]];
    const history = await model.fit({ [Symbol.iterator]: () => batches[Symbol.iterator]() }, { epochs: 2, verbose: 0 });
    expect(history.history.loss).toHaveLength(2);
    const plain = await model.fit([[1, 2], [3, 4]], [[1], [2]], { epochs: 1, verbose: 0 });
    expect(plain.history.loss).toHaveLength(1);
  });
});
