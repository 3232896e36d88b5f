// Embedding: rows of the matrix for int32 and float indices, shapes, initializer default and
// range, and the gradient reaching the matrix through gather (repeated indices accumulate).

import { describe, expect, it } from 'vitest';
import { GradientTape, Sequential, tensor, type Tensor } from '../../src/node';
import { Dense, Embedding, GlobalAveragePooling1D, Input } from '../../src/layers/index';
import { useWebGPU } from '../helpers';
import { expectClose, layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();

describe('Embedding', () => {
  const table = seededValues(5 * 3, 1);
  const rowsOf = (indices: number[]) => indices.flatMap((i) => table.slice(i * 3, i * 3 + 3));

  it('looks up rows for int32 indices', async () => {
    const embed = new Embedding({ inputDim: 5, outputDim: 3 });
    const indices = tensor([[4, 0, 2], [1, 1, 3]], undefined, 'int32');
    embed.apply(indices);
    embed.setWeights([tensor(table, [5, 3])]);
    const y = embed.apply(indices);
    expect(y.shape).toEqual([2, 3, 3]);
    expectClose(await y.data(), rowsOf([4, 0, 2, 1, 1, 3]));
  });

  it('takes inputDim as the vocabulary, not as the input shape: the first layer of a Sequential trains on [batch, length] indices', async () => {
    const model = new Sequential();
    model.add(new Embedding({ inputDim: 50, outputDim: 4 }));
    model.add(new GlobalAveragePooling1D());
    model.add(new Dense({ units: 1 }));
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tensor([[1, 2, 3], [4, 5, 6], [49, 0, 7], [8, 9, 10]], undefined, 'int32');
    const history = await model.fit(x, tensor([[1], [0], [1], [0]]), { epochs: 2, batchSize: 2, verbose: 0 });
    expect(history.history.loss.length).toBe(2);
    expect(model.layers[0].getConfig().batchInputShape).toBeUndefined();
    expect(((await model.predict(x)) as Tensor).shape).toEqual([4, 1]);
  });

  it('accepts float indices', async () => {
    const embed = new Embedding({ inputDim: 5, outputDim: 3 });
    embed.apply(tensor([0]));
    embed.setWeights([tensor(table, [5, 3])]);
    expectClose(await embed.apply(tensor([3, 0, 4])).data(), rowsOf([3, 0, 4]));
  });

  it('initializes uniformly in [-0.05, 0.05) by default', async () => {
    const embed = new Embedding({ inputDim: 100, outputDim: 8 });
    embed.apply(Input({ shape: [4], dtype: 'int32' }));
    const values = Array.from(await embed.embeddings.data());
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-0.05);
    expect(Math.max(...values)).toBeLessThan(0.05);
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(0.09);
    expect(embed.getConfig().embeddingsInitializer).toEqual({ className: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: undefined } });
  });

  it('appends outputDim to the input shape and counts Keras parameters', () => {
    const embed = new Embedding({ inputDim: 1000, outputDim: 64 });
    expect(embed.apply(Input({ shape: [10], dtype: 'int32' })).shape).toEqual([null, 10, 64]);
    expect(embed.countParams()).toBe(64000);
  });

  it('rejects non-positive dimensions', () => {
    expect(() => new Embedding({ inputDim: 0, outputDim: 2 })).toThrow('Received an invalid value for `inputDim`, expected a positive integer. Received: inputDim=0');
  });

  it('sends the gradient to the looked-up rows, summing repeated indices', async () => {
    const embed = new Embedding({ inputDim: 4, outputDim: 2 });
    const indices = tensor([1, 3, 1], undefined, 'int32');
    embed.apply(indices);
    const tape = new GradientTape();
    const loss = tape.record(() => embed.apply(indices).mul(tensor([[1, 2], [3, 4], [5, 6]])).sum());
    const grad = tape.gradient(loss, embed.embeddings);
    expectClose(await grad!.data(), [0, 0, 6, 8, 0, 0, 3, 4]);
  });

  it('has tape gradients matching finite differences', async () => {
    const make = () => new Embedding({ inputDim: 4, outputDim: 3, embeddingsInitializer: { className: 'RandomUniform', config: { minval: -1, maxval: 1, seed: 9 } } });
    expect(await layerGradCheck(make, [2, 3], [0, 2, 3, 2, 1, 0], { checkInput: false })).toBe('ok');
  });
});
