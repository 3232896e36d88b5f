// A convolution layer's bias and activation fused into its op (the matmul epilogue, as Dense):
// Conv1D/2D/3D with a fused activation (linear, relu, sigmoid, tanh) must give what the same layer
// gives with its activation as a separate function (conv, then bias add, then activation, as
// separate ops), on both backends, grouped, pointwise and channels-first convolutions included;
// its gradients must match finite differences; the op's epilogue options are checked; and a
// small CNN's replayed fit must train bit-identically to an eager one.

import { describe, expect, it } from 'vitest';
import { Sequential, layers, ops, optimizers, tensor, type Tensor } from '../../src/node';
import type { Layer } from '../../src/layers/index';
import { expectNumbersClose, onBothBackends, useWebGPU, valuesOf } from '../helpers';
import { layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();

/** The unfused twin of a built-in activation: the same function, but not one the layer recognizes as fusable. */
const SEPARATE: Record<string, (x: Tensor) => Tensor> = {
  linear: (x) => x,
  relu: (x) => ops.relu(x),
  sigmoid: (x) => ops.sigmoid(x),
  tanh: (x) => ops.tanh(x),
};

type LayerCase = [name: string, make: (activation: string | ((x: Tensor) => Tensor)) => Layer, inputShape: number[]];

const CASES: LayerCase[] = [
  ['Conv2D relu, same', (activation) => new layers.Conv2D({ filters: 3, kernelSize: 3, padding: 'same', activation }), [2, 5, 4, 2]],
  ['Conv2D sigmoid, strides 2', (activation) => new layers.Conv2D({ filters: 3, kernelSize: 2, strides: 2, activation }), [1, 5, 5, 2]],
  ['Conv2D tanh, channels first', (activation) => new layers.Conv2D({ filters: 2, kernelSize: 3, dataFormat: 'channels_first', activation }), [1, 2, 5, 4]],
  ['Conv2D linear with bias, 1x1', (activation) => new layers.Conv2D({ filters: 4, kernelSize: 1, activation }), [2, 3, 3, 3]],
  ['Conv2D relu without bias', (activation) => new layers.Conv2D({ filters: 2, kernelSize: 2, useBias: false, activation }), [1, 4, 4, 1]],
  ['Conv2D relu, groups 2', (activation) => new layers.Conv2D({ filters: 4, kernelSize: 2, groups: 2, activation }), [1, 4, 4, 2]],
  ['Conv1D sigmoid, causal', (activation) => new layers.Conv1D({ filters: 3, kernelSize: 3, padding: 'causal', activation }), [2, 6, 2]],
  ['Conv3D relu, same', (activation) => new layers.Conv3D({ filters: 2, kernelSize: 2, padding: 'same', activation }), [1, 3, 3, 3, 1]],
];

describe('convolution layers with a fused bias and activation', () => {
  for (const [name, make, inputShape] of CASES) {
    const activation = name.split(' ')[1].replace(',', '');
    it(
      `${name}: equals conv, bias add and activation as separate ops`,
      onBothBackends(async () => {
        const x = tensor(seededValues(inputShape.reduce((a, b) => a * b, 1), 1), inputShape);
        const [fused, separate] = [make(activation), make(SEPARATE[activation])];
        fused.apply(x);
        separate.apply(x);
        // Weights in [-1, 1) and a bias of either sign, so relu clips some outputs and keeps others.
        const weights = fused.weights.map((w, i) => tensor(seededValues(w.size, 10 + i), w.shape as number[]));
        fused.setWeights(weights);
        separate.setWeights(weights);
        const expected = await valuesOf(separate.apply(x) as Tensor);
        if (activation === 'relu') expect(expected.some((v) => v === 0) && expected.some((v) => v > 0)).toBe(true);
        expectNumbersClose(await valuesOf(fused.apply(x) as Tensor), expected, 1e-5);
      }),
    );
  }

  for (const activation of ['relu', 'sigmoid', 'tanh'] as const) {
    it(`Conv2D ${activation} with bias: tape gradients match finite differences`, async () => {
      const make = () =>
        new layers.Conv2D({ filters: 2, kernelSize: 2, padding: 'same', activation, biasInitializer: { className: 'RandomUniform', config: { minval: -0.5, maxval: 0.5, seed: 3 } } });
      expect(await layerGradCheck(make, [1, 3, 4, 2], seededValues(24, 5), { eps: 1e-3 })).toBe('ok');
    });
  }

  it('Conv1D relu and Conv3D tanh with bias: tape gradients match finite differences', async () => {
    const bias = { className: 'RandomUniform', config: { minval: -0.5, maxval: 0.5, seed: 4 } };
    expect(await layerGradCheck(() => new layers.Conv1D({ filters: 2, kernelSize: 2, activation: 'relu', biasInitializer: bias }), [2, 4, 2], seededValues(16, 6), { eps: 1e-3 })).toBe('ok');
    expect(await layerGradCheck(() => new layers.Conv3D({ filters: 2, kernelSize: 2, activation: 'tanh', biasInitializer: bias }), [1, 3, 2, 3, 1], seededValues(18, 7))).toBe('ok');
  });
});

describe('the convolution ops’ epilogue options', () => {
  const x = () => tensor(seededValues(2 * 4 * 4 * 2, 8), [2, 4, 4, 2]);
  const kernel = () => tensor(seededValues(3 * 3 * 2 * 3, 9), [3, 3, 2, 3]);

  it(
    'conv2d with bias and activation equals the separate ops',
    onBothBackends(async () => {
      const bias = tensor([0.3, -0.2, 0.1]);
      const linear = ops.conv2d(x(), kernel(), { padding: 'same' }).add(bias);
      expectNumbersClose(await valuesOf(ops.conv2d(x(), kernel(), { padding: 'same', bias, activation: 'tanh' })), await valuesOf(ops.tanh(linear)), 1e-5);
      expectNumbersClose(await valuesOf(ops.conv2d(x(), kernel(), { padding: 'same', bias })), await valuesOf(linear), 1e-5);
    }),
  );

  it('rejects a bias of the wrong shape or dtype and an activation it cannot fuse, naming the op', () => {
    expect(() => ops.conv2d(x(), kernel(), { bias: tensor([1, 2]) })).toThrow("conv2d: bias of shape [2] does not match the kernel's 3 output channels (kernel shape [3,3,2,3]).");
    expect(() => ops.conv2d(x(), kernel(), { bias: tensor([1, 2, 3], [1, 3]) })).toThrow('conv2d: bias must have rank 1 [outChannels] (3 for kernel [3,3,2,3]), got shape [1,3] (rank 2).');
    expect(() => ops.conv2d(x(), kernel(), { bias: tensor([1, 2, 3], [3], 'int32') })).toThrow(/conv2d: bias is int32 .*Cast it first/);
    expect(() => ops.conv2d(x(), kernel(), { activation: 'gelu' as never })).toThrow('conv2d: unknown activation "gelu". Expected one of linear, relu, sigmoid, tanh; apply other activations to the result.');
    expect(() => ops.conv2dTranspose(x(), tensor(seededValues(18, 1), [3, 3, 1, 2]), { activation: 'relu' } as never)).toThrow("conv2dTranspose: unknown option 'activation'.");
  });
});

describe('a small CNN with fused convolutions', () => {
  it('trains bit-identically replayed (fit) and eager', async () => {
    const make = (runEagerly: boolean) => {
      const model = new Sequential();
      model.add(new layers.Conv2D({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [6, 6, 1] }));
      model.add(new layers.Conv2D({ filters: 3, kernelSize: 2, strides: 2, activation: 'tanh' }));
      model.add(new layers.Flatten());
      model.add(new layers.Dense({ units: 3, activation: 'softmax' }));
      model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.1, momentum: 0.9 }), loss: 'categoricalCrossentropy', runEagerly });
      return model;
    };
    const [compiled, eager] = [make(false), make(true)];
    eager.setWeights(compiled.getWeights());
    const x = ops.randomUniform([32, 6, 6, 1], { minval: -1, maxval: 1, seed: 21 });
    const y = ops.oneHot(ops.cast(ops.randomUniform([32], { minval: 0, maxval: 3, seed: 22 }), 'int32'), 3);
    const options = { epochs: 2, batchSize: 8, shuffle: true, seed: 5, verbose: 0 as const };
    const [a, b] = [await compiled.fit(x, y, options), await eager.fit(x, y, options)];
    expect(a.history).toEqual(b.history);
    const weightsOf = (model: Sequential) => Promise.all(model.getWeights().map((w) => valuesOf(w)));
    expect(await weightsOf(compiled)).toEqual(await weightsOf(eager));
  });
});
