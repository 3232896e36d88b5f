// ConvLSTM1D, ConvLSTM2D and ConvLSTM3D against Keras 3.16's own values (conv_lstm.json, written by
// test/fixtures/keras/make_conv_lstm.py) given the same weights, on both backends: 'same' and
// 'valid' padding, strides, dilation, returnSequences, returnState, goBackwards, channels first,
// other activations, no bias, a mask and initial states. Also: Keras's weight names, shapes and
// forget-gate bias; symbolic shapes and errors; config round trips; stateful chunks; goBackwards and
// Bidirectional; dropout in training only; gradients by finite differences; a video model that
// trains with fit and survives save and load.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Input, Sequential, getBackend, memory, ops, optimizers, setBackend, tensor, type SymbolicTensor, type Tensor } from '../../src/node';
import { Bidirectional, ConvLSTM1D, ConvLSTM2D, ConvLSTM3D, Dense, Flatten, deserializeLayer, type ConvLSTMArgs, type Layer } from '../../src/layers/index';
import { loadModel, removeModel } from '../../src/io/index';
import { onBothBackends, settleGarbage, useWebGPU } from '../helpers';
import { expectClose, layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();

interface Output {
  shape: number[];
  values: number[];
}
const KERAS = JSON.parse(readFileSync('test/fixtures/keras/keras_written/conv_lstm.json', 'utf8')) as { inputs: Record<string, number[]>; layers: Record<string, Output[]> };

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
/** make_conv_lstm.py's weights: sin(0.37 i + seed) / 2. */
const weightValues = (seed: number, shape: readonly number[]) => Array.from({ length: size(shape) }, (_, i) => Math.sin(0.37 * i + seed) / 2);
/** make_conv_lstm.py's input n, batch 2: sin(0.7 i + n) / 2. */
function input(n: number, shape: readonly number[]): Tensor {
  return tensor(Array.from({ length: size(shape) }, (_, i) => Math.sin(0.7 * i + n) / 2), [...shape]);
}
const INPUT_NAMES = ['video', 'video_first', 'sequence', 'volumes'];
const batchInput = (name: string) => input(INPUT_NAMES.indexOf(name), [2, ...KERAS.inputs[name]]);

type ConvLSTMClass = typeof ConvLSTM1D | typeof ConvLSTM2D | typeof ConvLSTM3D;

/** make_conv_lstm.py's LAYERS, with this library's option names. */
const CASES: Array<[string, string, ConvLSTMClass, ConvLSTMArgs]> = [
  ['same_sequences', 'video', ConvLSTM2D, { filters: 3, kernelSize: 3, padding: 'same', returnSequences: true }],
  ['valid_strides', 'video', ConvLSTM2D, { filters: 2, kernelSize: [3, 2], strides: 2 }],
  ['backwards_state', 'video', ConvLSTM2D, { filters: 2, kernelSize: 2, goBackwards: true, returnState: true, activation: 'relu', recurrentActivation: 'hard_sigmoid', useBias: false }],
  ['channels_first', 'video_first', ConvLSTM2D, { filters: 2, kernelSize: 3, padding: 'same', dataFormat: 'channels_first', returnSequences: true }],
  ['dilated_1d', 'sequence', ConvLSTM1D, { filters: 2, kernelSize: 3, padding: 'same', dilationRate: 2, returnSequences: true }],
  ['volumes_3d', 'volumes', ConvLSTM3D, { filters: 2, kernelSize: [2, 2, 3] }],
];

/** Sets layer k's weights as make_conv_lstm.py does: weight j is values(10 k + j). */
function setKerasWeights(layer: Layer, k: number): void {
  layer.setWeights(layer.weights.map((w, j) => tensor(weightValues(10 * k + j, w.shape), [...w.shape])));
}

async function expectKeras(result: Tensor | Tensor[], expected: Output[]): Promise<void> {
  const outputs = Array.isArray(result) ? result : [result];
  expect(outputs.map((t) => [...t.shape])).toEqual(expected.map((e) => e.shape));
  for (const [i, t] of outputs.entries()) expectClose(await t.data(), expected[i].values, { atol: 2e-6, rtol: 1e-5 });
}

describe("Keras 3.16's values", () => {
  for (const [k, [name, source, Class, options]] of CASES.entries()) {
    it(
      `${name}: ${Class.name} ${JSON.stringify(options)} with Keras's weights predicts what Keras predicted`,
      onBothBackends(async () => {
        const layer = new Class(options);
        const x = batchInput(source);
        layer.apply(x);
        setKerasWeights(layer, k);
        await expectKeras(layer.apply(x) as Tensor | Tensor[], KERAS.layers[name]);
      }),
    );
  }

  it(
    'a mask (a sample skipping a middle step, another its last) and initial states [h, c] give what Keras gives',
    onBothBackends(async () => {
      const layer = new ConvLSTM2D({ filters: 2, kernelSize: 3, padding: 'same', returnSequences: true, returnState: true });
      const x = batchInput('video');
      const states = [input(10, [2, 5, 5, 2]), input(11, [2, 5, 5, 2])];
      const mask = tensor([1, 0, 1, 1, 1, 0], [2, 3], 'int32');
      layer.apply([x, ...states], { mask });
      setKerasWeights(layer, CASES.length);
      await expectKeras(layer.apply(x, { initialState: states, mask }), KERAS.layers.masked_initial_state);
    }),
  );

  it('the GPU and the CPU agree on a strided, dilated and channels-first layer in training with dropout off', async () => {
    expect(getBackend()).toBe('webgpu');
    const outputs: number[][] = [];
    for (const backend of ['webgpu', 'cpu'] as const) {
      setBackend(backend);
      const layer = new ConvLSTM2D({ filters: 3, kernelSize: [2, 3], strides: [1, 2], dataFormat: 'channels_first', returnSequences: true, kernelInitializer: { className: 'GlorotUniform', config: { seed: 1 } }, recurrentInitializer: { className: 'Orthogonal', config: { seed: 2 } } });
      outputs.push(Array.from(await (layer.apply(input(3, [2, 4, 2, 6, 7]), { training: true }) as Tensor).data()));
    }
    setBackend('webgpu');
    expectClose(outputs[0], outputs[1], { atol: 1e-6, rtol: 1e-5 });
  });
});

describe('weights and shapes', () => {
  it("has Keras's variables: kernel [...kernelSize, channels, 4 filters], recurrent_kernel [...kernelSize, filters, 4 filters], bias [4 filters] with the forget gate's at 1", async () => {
    const layer = new ConvLSTM2D({ filters: 3, kernelSize: [3, 2], name: 'clstm' });
    layer.apply(ops.zeros([1, 2, 6, 5, 4]));
    expect(layer.weights.map((w) => [w.name, [...w.shape]])).toEqual([
      ['clstm/conv_lstm_cell/kernel', [3, 2, 4, 12]],
      ['clstm/conv_lstm_cell/recurrent_kernel', [3, 2, 3, 12]],
      ['clstm/conv_lstm_cell/bias', [12]],
    ]);
    expect(Array.from(await layer.bias!.data())).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    const plain = new ConvLSTM1D({ filters: 2, kernelSize: 2, unitForgetBias: false, biasInitializer: 'ones' });
    plain.apply(ops.zeros([1, 2, 4, 1]));
    expect(Array.from(await plain.bias!.data())).toEqual(new Array(8).fill(1));
    const noBias = new ConvLSTM3D({ filters: 2, kernelSize: 1, useBias: false });
    noBias.apply(ops.zeros([1, 2, 2, 2, 2, 3]));
    expect(noBias.weights.map((w) => [...w.shape])).toEqual([[1, 1, 1, 3, 8], [1, 1, 1, 2, 8]]);
  });

  it('computes symbolic output shapes with an unknown time axis: sequences, last outputs and states, channels first', () => {
    const video = Input({ shape: [null, 10, 12, 3] });
    expect((new ConvLSTM2D({ filters: 4, kernelSize: 3 }).apply(video) as SymbolicTensor).shape).toEqual([null, 8, 10, 4]);
    expect((new ConvLSTM2D({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', returnSequences: true }).apply(video) as SymbolicTensor).shape).toEqual([null, null, 5, 6, 4]);
    const [y, h, c] = new ConvLSTM2D({ filters: 4, kernelSize: 3, returnState: true }).apply([video]) as SymbolicTensor[];
    expect([y.shape, h.shape, c.shape]).toEqual([[null, 8, 10, 4], [null, 8, 10, 4], [null, 8, 10, 4]]);
    const first = Input({ shape: [5, 3, 10, 12] });
    expect((new ConvLSTM2D({ filters: 4, kernelSize: 3, dataFormat: 'channels_first', returnSequences: true }).apply(first) as SymbolicTensor).shape).toEqual([null, 5, 4, 8, 10]);
    expect((new ConvLSTM1D({ filters: 2, kernelSize: 3, dilationRate: 2 }).apply(Input({ shape: [4, 9, 1] })) as SymbolicTensor).shape).toEqual([null, 5, 2]);
    expect((new ConvLSTM3D({ filters: 2, kernelSize: 2, returnSequences: true }).apply(Input({ shape: [3, 4, 5, 6, 1] })) as SymbolicTensor).shape).toEqual([null, 3, 3, 4, 5, 2]);
  });

  it('checks its options and inputs before any GPU work, with clear errors', () => {
    expect(() => new ConvLSTM2D({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 })).toThrow('Specifying `strides > 1` is not compatible with `dilation_rate > 1`');
    expect(() => new ConvLSTM2D({ filters: 2, kernelSize: 3, padding: 'causal' as never })).toThrow('The `padding` argument must be one of "valid", "same". Received: padding=causal');
    expect(() => new ConvLSTM2D({ filters: 0, kernelSize: 3 })).toThrow('filters');
    expect(() => new ConvLSTM3D({ filters: 2, kernelSize: [3, 3] })).toThrow('The `kernelSize` argument must be a tuple of 3 positive integers. Received kernelSize=[3,3]');
    expect(() => new ConvLSTM2D({ filters: 2, kernelSize: 3, dataFormat: 'nhwc' as never })).toThrow("Expected one of 'channels_last', 'channels_first'");
    expect(() => new ConvLSTM2D({ filters: 2, kernelSize: 3, dropout: 1.5 })).toThrow('Expected a float value between 0 and 1. Received: dropout=1.5');
    expect(() => new ConvLSTM2D({ filters: 2, kernel_size: 3 } as never)).toThrow("ConvLSTM2D: unknown option 'kernel_size' (did you mean 'kernelSize'? options are camelCase).");
    const layer = new ConvLSTM2D({ filters: 2, kernelSize: 3, name: 'video_lstm' });
    expect(() => layer.apply(Input({ shape: [3, 5, 2] }))).toThrow('Input 0 of layer "video_lstm" is incompatible with the layer: expected ndim=5 (batch, time, ...spatial, channels), found ndim=4. Full shape received: (None, 3, 5, 2)');
    expect(() => layer.apply(Input({ shape: [3, null, 5, 2] }))).toThrow('ConvLSTM layers only support static input shapes for the spatial dimension.');
    expect(() => layer.apply(Input({ shape: [3, 2, 5, 2] }))).toThrow('Computed output size would be negative.');
    layer.apply(Input({ shape: [3, 5, 5, 2] }));
    expect(() => layer.apply(Input({ shape: [3, 6, 5, 2] }))).toThrow('Input 0 of layer "video_lstm" is incompatible with the layer: expected shape=(None, None, 5, 5, 2), found shape=(None, 3, 6, 5, 2)');
    const states = [Input({ shape: [3, 3, 2] }), Input({ shape: [3, 3, 3] })];
    expect(() => layer.apply([Input({ shape: [3, 5, 5, 2] }), ...states])).toThrow('Invalid value for argument initialState of layer "video_lstm". Expected 2 tensors (h and c) of shape (None, 3, 3, 2).');
  });
});

describe('config', () => {
  it('round-trips through deserializeLayer with every option, and a rebuilt layer predicts the same', async () => {
    const layer = new ConvLSTM2D({
      filters: 2, kernelSize: [3, 2], strides: [2, 1], padding: 'same', dataFormat: 'channels_first', activation: 'relu', recurrentActivation: 'hard_sigmoid', useBias: true,
      kernelInitializer: { className: 'GlorotUniform', config: { seed: 5 } }, recurrentInitializer: 'glorotNormal', biasInitializer: 'ones', unitForgetBias: false,
      kernelRegularizer: 'l2', recurrentRegularizer: { className: 'L1', config: { l1: 0.01 } }, biasConstraint: 'nonNeg', dropout: 0.1, recurrentDropout: 0.2, seed: 3,
      returnSequences: true, returnState: false, goBackwards: true,
    });
    const config = layer.getConfig();
    expect(config).toMatchObject({ filters: 2, kernelSize: [3, 2], strides: [2, 1], dilationRate: [1, 1], padding: 'same', dataFormat: 'channels_first', activation: 'relu', recurrentActivation: 'hard_sigmoid', unitForgetBias: false, dropout: 0.1, recurrentDropout: 0.2, seed: 3, goBackwards: true, stateful: false, unroll: false });
    expect(config).not.toHaveProperty('cell');
    const restored = deserializeLayer({ className: 'ConvLSTM2D', config }) as ConvLSTM2D;
    expect(restored).toBeInstanceOf(ConvLSTM2D);
    expect(restored.getConfig()).toEqual(config);
    const x = input(1, [2, 3, 2, 5, 4]);
    layer.apply(x);
    restored.apply(x);
    restored.setWeights(layer.getWeights());
    expect(Array.from(await (restored.apply(x) as Tensor).data())).toEqual(Array.from(await (layer.apply(x) as Tensor).data()));
  });
});

describe('the RNN loop', () => {
  it(
    'a stateful layer fed a video in two chunks gives what the whole video gives; resetState starts afresh',
    onBothBackends(async () => {
      const options: ConvLSTMArgs = { filters: 2, kernelSize: 3, padding: 'same', returnSequences: true };
      const [stateful, whole] = [new ConvLSTM2D({ ...options, stateful: true }), new ConvLSTM2D(options)];
      const video = input(2, [2, 4, 4, 4, 1]);
      const [first, second] = ops.split(video, 2, 1);
      stateful.apply(first);
      whole.apply(video);
      stateful.resetState();
      stateful.setWeights(whole.getWeights());
      const expected = Array.from(await (whole.apply(video) as Tensor).data());
      const chunks = [stateful.apply(first) as Tensor, stateful.apply(second) as Tensor];
      expectClose(await ops.concat(chunks, 1).data(), expected, { atol: 1e-6 });
      expect(stateful.states!.map((s) => [...s.shape])).toEqual([[2, 32], [2, 32]]);
      stateful.resetState();
      expect(Array.from(await (stateful.apply(first) as Tensor).data())).toEqual(Array.from(await chunks[0].data()));
    }),
  );

  it('goBackwards with returnSequences gives the reversed sequence of the forward layer on the reversed input', async () => {
    const options: ConvLSTMArgs = { filters: 2, kernelSize: 2, padding: 'same', returnSequences: true };
    const [backwards, forward] = [new ConvLSTM1D({ ...options, goBackwards: true }), new ConvLSTM1D(options)];
    const x = input(4, [2, 3, 5, 2]);
    backwards.apply(x);
    forward.apply(x);
    forward.setWeights(backwards.getWeights());
    expectClose(await (backwards.apply(x) as Tensor).data(), await (forward.apply(ops.flip(x, 1)) as Tensor).data(), { atol: 1e-6 });
  });

  it('Bidirectional runs a ConvLSTM2D both ways, concatenating the filters of the forward and the reversed backward sequences', async () => {
    const bidirectional = new Bidirectional({ layer: new ConvLSTM2D({ filters: 2, kernelSize: 3, padding: 'same', returnSequences: true, biasInitializer: 'randomUniform' }) });
    const x = input(6, [2, 3, 4, 4, 2]);
    const y = bidirectional.apply(x) as Tensor;
    expect(y.shape).toEqual([2, 3, 4, 4, 4]);
    const expected = ops.concat([bidirectional.forwardLayer.apply(x) as Tensor, ops.flip(bidirectional.backwardLayer.apply(x) as Tensor, 1)], -1);
    expect(Array.from(await y.data())).toEqual(Array.from(await expected.data()));
  });

  it('dropout and recurrentDropout act in training only', async () => {
    const layer = new ConvLSTM2D({ filters: 2, kernelSize: 3, padding: 'same', dropout: 0.5, recurrentDropout: 0.5, seed: 7 });
    const plain = new ConvLSTM2D({ filters: 2, kernelSize: 3, padding: 'same' });
    const x = input(5, [2, 3, 4, 4, 2]);
    layer.apply(x);
    plain.apply(x);
    plain.setWeights(layer.getWeights());
    const inference = Array.from(await (layer.apply(x) as Tensor).data());
    expect(inference).toEqual(Array.from(await (plain.apply(x) as Tensor).data()));
    const training = Array.from(await (layer.apply(x, { training: true }) as Tensor).data());
    expect(training.some((v, i) => Math.abs(v - inference[i]) > 1e-4)).toBe(true);
  });
});

describe('gradients', () => {
  const initializers = { biasInitializer: { className: 'RandomUniform', config: { seed: 2 } }, kernelInitializer: { className: 'GlorotUniform', config: { seed: 3 } }, recurrentInitializer: { className: 'Orthogonal', config: { seed: 4 } } } as const;
  it('ConvLSTM2D: tape gradients match finite differences (input and every weight)', async () => {
    const make = () => new ConvLSTM2D({ filters: 1, kernelSize: 2, padding: 'same', returnSequences: true, ...initializers });
    expect(await layerGradCheck(make, [1, 2, 3, 3, 1], seededValues(18, 9, -1, 1))).toBe('ok');
  });

  it('ConvLSTM1D (strided, channels first): tape gradients match finite differences', async () => {
    const make = () => new ConvLSTM1D({ filters: 2, kernelSize: 2, strides: 2, dataFormat: 'channels_first', ...initializers });
    expect(await layerGradCheck(make, [1, 2, 2, 4], seededValues(16, 10, -1, 1))).toBe('ok');
  });
});

describe('training', () => {
  it('a next-frame model learns with fit (the loss falls), leaks nothing over epochs, and survives save and load', async () => {
    expect(getBackend()).toBe('webgpu');
    const model = new Sequential({ name: 'frames' });
    model.add(new ConvLSTM2D({ filters: 2, kernelSize: 3, padding: 'same', inputShape: [3, 4, 4, 1], name: 'conv_lstm_frames' }));
    model.add(new Flatten());
    model.add(new Dense({ units: 1 }));
    model.compile({ optimizer: new optimizers.Adam({ learningRate: 0.02 }), loss: 'mse' });
    const x = ops.randomUniform([8, 3, 4, 4, 1], { minval: -1, maxval: 1, seed: 21 });
    const y = x.mean([1, 2, 3, 4]).reshape([8, 1]).mul(3);
    const history = await model.fit(x, y, { epochs: 8, batchSize: 4, verbose: 0, shuffle: false });
    const losses = history.history.loss;
    expect(losses.at(-1)!).toBeLessThan(losses[0] * 0.8);
    await settleGarbage();
    const before = memory();
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    await settleGarbage();
    expect(memory().liveTensors).toBe(before.liveTensors);

    await model.save('memory://frames');
    const restored = await loadModel('memory://frames');
    expect(restored.layers.find((l) => l.name === 'conv_lstm_frames')).toBeInstanceOf(ConvLSTM2D);
    expect(Array.from(await ((await restored.predict(x)) as Tensor).data())).toEqual(Array.from(await ((await model.predict(x)) as Tensor).data()));
    await removeModel('memory://frames');
  });
});
