// The activityRegularizer option every layer takes (Keras 3's base Layer): after each eager call,
// regularizer(output) / batch size joins the layer's losses, one term per output; hand-computed
// penalties, MultiHeadAttention's four projection penalties (as Keras's), configs and saving, the
// training step (the penalty is in the reported loss and shrinks the activations), and errors.

import { beforeEach, describe, expect, it } from 'vitest';
import { Input, Layer, Model, Sequential, getBackend, layers, loadModel, memoryHandler, optimizers, regularizers, tensor, tidy, type Tensor } from '../../src/node';
import { deserializeLayer } from '../../src/layers/index';
import { rand } from '../cases/data';
import { onBothBackends, useWebGPU } from '../helpers';
import { expectClose, seededValues } from './layer_helpers';

useWebGPU();
beforeEach(() => expect(getBackend()).toBe('webgpu'));

/** (l1 * sum|o| + l2 * sum o²) / batch, in float64, from an output's values. */
async function expectedPenalty(output: Tensor, l1: number, l2: number): Promise<number> {
  const values = Array.from(await output.data());
  return (l1 * values.reduce((s, v) => s + Math.abs(v), 0) + l2 * values.reduce((s, v) => s + v * v, 0)) / output.shape[0];
}

async function lossValues(layer: Layer): Promise<number[]> {
  return Promise.all(layer.losses.map(async (t) => (await t.data())[0]));
}

describe('activityRegularizer', () => {
  it(
    "adds regularizer(output) / batch size to a Dense layer's losses (hand-computed)",
    onBothBackends(async () => {
      // Kernel of ones: each output unit is the row sum, 6 and -1.5 for the two rows.
      const x = tensor([[1, 2, 3], [0.5, -1, -1]]);
      const dense = new layers.Dense({ units: 2, kernelInitializer: 'ones', activityRegularizer: regularizers.l1l2({ l1: 0.1, l2: 0.01 }) });
      dense.apply(x);
      const expected = (0.1 * 2 * (6 + 1.5) + 0.01 * 2 * (36 + 2.25)) / 2;
      expectClose(await lossValues(dense), [expected]);
      // Each call replaces the last call's terms; 'l2' is Keras's l2(0.01).
      const byName = new layers.Dense({ units: 2, kernelInitializer: 'ones', activityRegularizer: 'l2' });
      byName.apply(x);
      byName.apply(x);
      expectClose(await lossValues(byName), [(0.01 * 2 * (36 + 2.25)) / 2]);
    }),
  );

  const factories: Array<[string, () => Layer, number[]]> = [
    ['Conv1D', () => new layers.Conv1D({ filters: 2, kernelSize: 2, activityRegularizer: 'l1' }), [2, 5, 3]],
    ['Conv2D', () => new layers.Conv2D({ filters: 2, kernelSize: 2, activityRegularizer: 'l2' }), [2, 4, 4, 1]],
    ['Conv1DTranspose', () => new layers.Conv1DTranspose({ filters: 2, kernelSize: 2, strides: 2, activityRegularizer: 'l2' }), [2, 3, 2]],
    ['Conv2DTranspose', () => new layers.Conv2DTranspose({ filters: 1, kernelSize: 2, activityRegularizer: 'l1' }), [2, 3, 3, 2]],
    ['DepthwiseConv2D', () => new layers.DepthwiseConv2D({ kernelSize: 2, activityRegularizer: 'l2' }), [3, 3, 3, 2]],
    ['SeparableConv2D', () => new layers.SeparableConv2D({ filters: 2, kernelSize: 2, activityRegularizer: 'l1' }), [2, 3, 3, 2]],
    ['EinsumDense', () => new layers.EinsumDense({ equation: 'abc,cd->abd', outputShape: [null, 3], activityRegularizer: 'l2' }), [2, 4, 3]],
    ['SimpleRNN', () => new layers.SimpleRNN({ units: 3, activityRegularizer: 'l2' }), [2, 4, 3]],
    ['GRU', () => new layers.GRU({ units: 3, returnSequences: true, activityRegularizer: 'l1' }), [2, 4, 3]],
  ];
  for (const [name, make, shape] of factories) {
    it(`${name} adds the penalty of its output`, async () => {
      const layer = make();
      const output = layer.apply(tensor(seededValues(shape.reduce((a, b) => a * b, 1), 51, -1, 1), shape)) as Tensor;
      const regularizer = layer.activityRegularizer!;
      expectClose(await lossValues(layer), [await expectedPenalty(output, regularizer.l1, regularizer.l2)], { atol: 1e-6, rtol: 1e-4 });
    });
  }

  it('adds one term per output (LSTM with returnState: the output and both states)', async () => {
    const lstm = new layers.LSTM({ units: 2, returnState: true, activityRegularizer: 'l2' });
    const outputs = lstm.apply(tensor(seededValues(12, 52), [2, 3, 2])) as unknown as Tensor[];
    expect(outputs).toHaveLength(3);
    expectClose(await lossValues(lstm), await Promise.all(outputs.map((o) => expectedPenalty(o, 0, 0.01))));
  });

  it("puts MultiHeadAttention's penalty on its query, key, value and output projections, as Keras", async () => {
    // Kernels of ones, zero biases: every projected entry of a position is its feature sum.
    const x = tensor(seededValues(2 * 3 * 4, 53), [2, 3, 4]);
    const mha = new layers.MultiHeadAttention({ numHeads: 2, keyDim: 3, kernelInitializer: 'ones', activityRegularizer: 'l2' });
    const output = mha.apply([x, x]);
    const rowSums = tidy(() => x.sum(-1));
    const projected = (0.01 * 2 * 3 * Array.from(await rowSums.data()).reduce((s, v) => s + v * v, 0)) / 2;
    expectClose(await lossValues(mha), [projected, projected, projected, await expectedPenalty(output, 0, 0.01)]);
  });

  it('is in the config when given (Keras leaves it out otherwise), and rebuilds', () => {
    const dense = new layers.Dense({ units: 3, activityRegularizer: regularizers.l1(0.2) });
    expect(dense.getConfig().activityRegularizer).toEqual({ className: 'L1L2', config: { l1: 0.2, l2: 0 } });
    expect('activityRegularizer' in new layers.Dense({ units: 3 }).getConfig()).toBe(false);
    const rebuilt = deserializeLayer({ className: 'Dense', config: JSON.parse(JSON.stringify(dense.getConfig())) });
    expect(rebuilt.activityRegularizer?.l1).toBe(0.2);
    // A custom layer's automatic config carries it too.
    class Doubler extends Layer {
      override call(x: Tensor): Tensor {
        return x.mul(2);
      }
    }
    expect(new Doubler({ activityRegularizer: 'l1' }).getConfig().activityRegularizer).toEqual({ className: 'L1L2', config: { l1: 0.01, l2: 0 } });
  });

  it('rejects an unknown regularizer at construction', () => {
    expect(() => new layers.Dense({ units: 1, activityRegularizer: 'l3' as never })).toThrow("Unknown regularizer: 'l3'. Expected one of l1, l2, l1l2, orthogonal_regularizer (or a Regularizer).");
    expect(() => new layers.Dense({ units: 1, activity_regularizer: 'l2' } as never)).toThrow("Dense: unknown option 'activity_regularizer' (did you mean 'activityRegularizer'? options are camelCase).");
  });

  it('is in the loss that evaluate reports (hand-computed), and saved with the model', async () => {
    const inputs = Input({ shape: [2] });
    const model = new Model({ inputs, outputs: new layers.Dense({ units: 1, kernelInitializer: 'ones', activityRegularizer: regularizers.l2(0.5) }).apply(inputs) });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    // Outputs 3, -1, 0.5, 2 against targets 1, 1, 1, 1.
    const x = tensor([[1, 2], [-2, 1], [0, 0.5], [1, 1]]);
    const y = tensor([[1], [1], [1], [1]]);
    const mse = (4 + 4 + 0.25 + 1) / 4;
    const penalty = (0.5 * (9 + 1 + 0.25 + 4)) / 4;
    const logs = await model.evaluate(x, y, { batchSize: 4, verbose: 0 });
    expectClose([typeof logs === 'number' ? logs : (logs as Record<string, number>).loss], [mse + penalty]);

    const slot = memoryHandler();
    await model.save(slot);
    const restored = await loadModel(slot);
    restored.apply(x);
    expectClose(await lossValues(restored), [penalty]);
  });

  it('is trained against by fit (replayed steps): the activations shrink against an unregularized twin', async () => {
    const x = rand([32, 4], { seed: 54 });
    const y = tidy(() => x.sum(1, true).mul(3));
    const train = async (activityRegularizer: number | null) => {
      const model = new Sequential([
        Input({ shape: [4] }),
        new layers.Dense({ units: 8, kernelInitializer: 'ones', activation: 'tanh', activityRegularizer: activityRegularizer === null ? null : regularizers.l2(activityRegularizer) }),
        new layers.Dense({ units: 1, kernelInitializer: 'ones' }),
      ]);
      model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.05 }), loss: 'mse' });
      const history = await model.fit(x, y, { epochs: 8, batchSize: 8, verbose: 0, shuffle: false });
      const hidden = new Model({ inputs: model.inputs, outputs: model.layers[0].output });
      const activations = (await hidden.predict(x)) as Tensor;
      const meanSquare = (await activations.square().mean().data())[0];
      return { losses: history.history.loss as number[], meanSquare };
    };
    const plain = await train(null);
    const regularized = await train(1);
    expect(regularized.losses.at(-1)!).toBeLessThan(regularized.losses[0]);
    expect(regularized.meanSquare).toBeLessThan(plain.meanSquare * 0.8);
  });
});
