// A training flag given where a layer was applied to symbolic tensors wins over the model's own
// (Keras gives an explicit call argument priority): a frozen base applied with training false keeps
// its BatchNormalization in inference mode while the model trains, and Dropout applied with
// training true (Monte Carlo dropout) stays on in predict.

import { beforeEach, describe, expect, it } from 'vitest';
import { Input, Model, getBackend, layers, ops, tensor, type Tensor } from '../../src/node';
import { useWebGPU } from '../helpers';

useWebGPU();
beforeEach(() => expect(getBackend()).toBe('webgpu'));

describe('a training flag recorded on a functional node', () => {
  it('keeps a base applied with training false in inference mode during fit', async () => {
    const inner = Input({ shape: [4] });
    const norm = new layers.BatchNormalization({ name: 'bn' });
    const base = new Model({ inputs: inner, outputs: norm.apply(inner) });
    const input = Input({ shape: [4] });
    const model = new Model({ inputs: input, outputs: new layers.Dense({ units: 1 }).apply(base.apply(input, { training: false })) });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const before = await Promise.all(norm.getWeights().map((w) => w.data()));
    const x = ops.randomNormal([16, 4], { mean: 3, stddev: 2, seed: 5 });
    await model.fit(x, ops.zeros([16, 1]), { epochs: 2, batchSize: 8, verbose: 0 });
    // gamma and beta train (they are trainable); the moving mean and variance do not move.
    const after = await Promise.all(norm.getWeights().map((w) => w.data()));
    expect(Array.from(after[2])).toEqual(Array.from(before[2]));
    expect(Array.from(after[3])).toEqual(Array.from(before[3]));
    // So a training step computes what inference does: fit's loss for one step (taken before its
    // update) is evaluate's loss just before it.
    const evaluated = (await model.evaluate(x, ops.zeros([16, 1]), { batchSize: 16, verbose: 0 })).loss;
    const fitLoss = (await model.fit(x, ops.zeros([16, 1]), { epochs: 1, batchSize: 16, verbose: 0, shuffle: false })).history.loss[0];
    expect(fitLoss).toBeCloseTo(evaluated, 4);
  });

  it('keeps Dropout applied with training true on in predict, and the default off', async () => {
    const input = Input({ shape: [200] });
    const mc = new Model({ inputs: input, outputs: new layers.Dropout({ rate: 0.5 }).apply(input, { training: true }) });
    const plain = new Model({ inputs: input, outputs: new layers.Dropout({ rate: 0.5 }).apply(input) });
    const x = ops.ones([1, 200]);
    const zeros = async (t: Tensor) => Array.from(await t.data()).filter((v) => v === 0).length;
    const dropped = await zeros((await mc.predict(x)) as Tensor);
    expect(dropped).toBeGreaterThan(50);
    expect(dropped).toBeLessThan(150);
    expect(await zeros((await plain.predict(x)) as Tensor)).toBe(0);
    expect(Array.from(await ((await plain.predict(tensor([[...Array(200).keys()]]))) as Tensor).data())).toEqual([...Array(200).keys()]);
  });
});
