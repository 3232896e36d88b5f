// layer.input / layer.output (Keras's: the tensors of the layer's first call on symbolic tensors,
// one tensor or a list) and model.input / model.output (the model's inputs and outputs as given);
// the transfer-learning idiom `new Model({ inputs: base.inputs, outputs: base.getLayer(name).output })`
// sharing the base's weights and training, frozen or not.

import { beforeEach, describe, expect, it } from 'vitest';
import { Input, Model, Sequential, getBackend, layers, optimizers, tensor, tidy, type SymbolicTensor, type Tensor } from '../../src/node';
import { rand } from '../cases/data';
import { useWebGPU } from '../helpers';
import { expectClose } from './layer_helpers';

useWebGPU();
beforeEach(() => expect(getBackend()).toBe('webgpu'));

describe('layer.input and layer.output', () => {
  it('are the tensors of the first call; a list for several', () => {
    const x = Input({ shape: [4] });
    const dense = new layers.Dense({ units: 3 });
    const y = dense.apply(x);
    expect(dense.input).toBe(x);
    expect(dense.output).toBe(y);
    // A second call leaves them at the first, as Keras 3.
    dense.apply(Input({ shape: [4] }));
    expect(dense.input).toBe(x);
    expect(dense.output).toBe(y);

    const other = Input({ shape: [3] });
    const add = new layers.Add();
    const sum = add.apply([y, other]);
    expect(add.input).toEqual([y, other]);
    expect(add.output).toBe(sum);

    const mha = new layers.MultiHeadAttention({ numHeads: 1, keyDim: 2 });
    const sequence = Input({ shape: [5, 4] });
    const outputs = mha.apply([sequence, sequence], { returnAttentionScores: true });
    expect(mha.output).toEqual(outputs);
    expect((mha.output as SymbolicTensor[]).map((t) => t.shape)).toEqual([[null, 5, 4], [null, 1, 5, 5]]);
  });

  it("of an InputLayer are the tensor Input returned", () => {
    const x = Input({ shape: [2], name: 'features' });
    const inputLayer = x.node.layer;
    expect(inputLayer.input).toBe(x);
    expect(inputLayer.output).toBe(x);
  });

  it('throw for a layer never called on symbolic tensors (eager calls make no graph node)', () => {
    const dense = new layers.Dense({ units: 2, name: 'lonely' });
    expect(() => dense.input).toThrow('The layer lonely has never been called and thus has no defined input: apply it to a symbolic tensor (from Input) first.');
    dense.apply(tensor([[1, 2]]));
    expect(() => dense.output).toThrow('The layer lonely has never been called and thus has no defined output');
  });
});

describe('model.input and model.output', () => {
  it('are the inputs and outputs as given: one tensor, or a list', () => {
    const a = Input({ shape: [2] });
    const b = Input({ shape: [3] });
    const joined = new layers.Concatenate().apply([a, b]);
    const single = new Model({ inputs: [a, b], outputs: joined });
    expect(single.input).toEqual([a, b]);
    expect(single.output).toBe(joined);
    const doubled = new layers.Dense({ units: 2 }).apply(a);
    const twoOut = new Model({ inputs: a, outputs: [doubled, a] });
    expect(twoOut.input).toBe(a);
    expect(twoOut.output).toEqual([doubled, a]);
    expect(new Model({ inputs: [a], outputs: [doubled] }).input).toEqual([a]);

    const sequential = new Sequential([Input({ shape: [4] }), new layers.Dense({ units: 2, name: 'seq_dense' })]);
    expect((sequential.input as SymbolicTensor).shape).toEqual([null, 4]);
    expect(sequential.output).toBe(sequential.getLayer('seq_dense').output);
  });

  it('of a model used as a layer in another model are its own graph ends', () => {
    const inner = new Sequential([Input({ shape: [3] }), new layers.Dense({ units: 2 })]);
    const x = Input({ shape: [3] });
    const outer = new Model({ inputs: x, outputs: inner.apply(x) });
    expect(inner.input).toBe(inner.inputs[0]);
    expect(inner.input).not.toBe(x);
    expect(outer.input).toBe(x);
  });
});

describe('transfer learning with a layer output', () => {
  function base(): Model {
    const inputs = Input({ shape: [4] });
    const hidden = new layers.Dense({ units: 6, activation: 'tanh', name: 'features' }).apply(inputs);
    return new Model({ inputs, outputs: new layers.Dense({ units: 1, name: 'head' }).apply(hidden) });
  }

  it('builds a feature extractor that shares the weights and computes the hidden layer', async () => {
    const model = base();
    const extractor = new Model({ inputs: model.inputs, outputs: model.getLayer('features').output });
    expect(extractor.outputShape).toEqual([null, 6]);
    expect(extractor.getLayer('features')).toBe(model.getLayer('features'));
    const x = rand([5, 4], { seed: 61 });
    const [kernel, bias] = model.getLayer('features').getWeights();
    const expected = tidy(() => x.matmul(kernel).add(bias).tanh());
    expectClose(await ((await extractor.predict(x)) as Tensor).data(), await expected.data());
  });

  it('trains a new head on the frozen features; unfrozen, the base layers train too', async () => {
    const x = rand([32, 4], { seed: 62 });
    const y = tidy(() => x.square().sum(1, true));
    const train = async (freeze: boolean) => {
      const model = base();
      const features = model.getLayer('features');
      features.trainable = !freeze;
      const before = await features.getWeights()[0].data();
      const classifier = new Model({ inputs: model.inputs, outputs: new layers.Dense({ units: 1 }).apply(new layers.Dense({ units: 8, activation: 'relu' }).apply(features.output as SymbolicTensor)) });
      classifier.compile({ optimizer: new optimizers.Adam({ learningRate: 0.02 }), loss: 'mse' });
      const history = await classifier.fit(x, y, { epochs: 8, batchSize: 8, verbose: 0 });
      const after = await features.getWeights()[0].data();
      return { losses: history.history.loss as number[], changed: Array.from(after).some((v, i) => v !== before[i]) };
    };
    const frozen = await train(true);
    expect(frozen.losses.at(-1)!).toBeLessThan(frozen.losses[0]);
    expect(frozen.changed).toBe(false);
    const tuned = await train(false);
    expect(tuned.losses.at(-1)!).toBeLessThan(tuned.losses[0]);
    expect(tuned.changed).toBe(true);
  });
});
