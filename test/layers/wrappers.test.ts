// Bidirectional and TimeDistributed: outputs against plain-loop float64 references (a tanh
// SimpleRNN run forwards and backwards, a Dense applied per time step) on both backends, every
// merge mode, returned states and initial states, weight names, symbolic shapes, errors, config
// round trips through deserializeLayer, gradients by finite differences, and a model that trains
// with fit, leaks nothing, and survives save and load.

import { describe, expect, it } from 'vitest';
import { Input, Model, Sequential, memory, ops, tensor, type SymbolicTensor, type Tensor } from '../../src/node';
import { Bidirectional, Dense, GRU, LSTM, SimpleRNN, TimeDistributed, deserializeLayer, type MergeMode } from '../../src/layers/index';
import { loadModel, removeModel } from '../../src/io/index';
import { onBothBackends, settleGarbage, useWebGPU } from '../helpers';
import { expectClose, layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();

const [batch, time, features, units] = [2, 3, 2, 2];

/** A tanh SimpleRNN in float64: the outputs [batch][step][units] in time order, run forwards or backwards. */
function simpleRnnReference(x: number[], kernel: number[], recurrentKernel: number[], bias: number[], backwards: boolean): number[][][] {
  const out: number[][][] = [];
  for (let b = 0; b < batch; b++) {
    let h = new Array<number>(units).fill(0);
    const steps: number[][] = new Array(time);
    for (let step = 0; step < time; step++) {
      const t = backwards ? time - 1 - step : step;
      h = h.map((_, j) => {
        let sum = bias[j];
        for (let i = 0; i < features; i++) sum += x[(b * time + t) * features + i] * kernel[i * units + j];
        for (let k = 0; k < units; k++) sum += h[k] * recurrentKernel[k * units + j];
        return Math.tanh(sum);
      });
      steps[t] = h;
    }
    out.push(steps);
  }
  return out;
}

/** Forward and backward weights of a Bidirectional SimpleRNN, in its weight order. */
const forwardWeights = [seededValues(features * units, 1, -0.9, 0.9), seededValues(units * units, 2, -0.9, 0.9), seededValues(units, 3, -0.3, 0.3)];
const backwardWeights = [seededValues(features * units, 4, -0.9, 0.9), seededValues(units * units, 5, -0.9, 0.9), seededValues(units, 6, -0.3, 0.3)];
const input = seededValues(batch * time * features, 7, -1, 1);

function bidirectionalSimpleRnn(mergeMode: MergeMode, returnSequences: boolean, returnState = false): Bidirectional {
  const layer = new Bidirectional({ layer: new SimpleRNN({ units, returnSequences, returnState }), mergeMode });
  const x = tensor(input, [batch, time, features]);
  layer.apply(x);
  const shapes = [[features, units], [units, units], [units]];
  layer.setWeights([...forwardWeights, ...backwardWeights].map((v, i) => tensor(v, shapes[i % 3])));
  return layer;
}

async function values(t: Tensor | Tensor[]): Promise<number[][]> {
  return Promise.all([t].flat().map(async (x) => Array.from(await x.data())));
}

describe('Bidirectional', () => {
  const forward = simpleRnnReference(input, forwardWeights[0], forwardWeights[1], forwardWeights[2], false);
  const backward = simpleRnnReference(input, backwardWeights[0], backwardWeights[1], backwardWeights[2], true);
  const merges: Record<Exclude<MergeMode, null>, (a: number[], b: number[]) => number[]> = {
    concat: (a, b) => [...a, ...b],
    sum: (a, b) => a.map((v, j) => v + b[j]),
    mul: (a, b) => a.map((v, j) => v * b[j]),
    ave: (a, b) => a.map((v, j) => (v + b[j]) / 2),
  };

  for (const [mode, merge] of Object.entries(merges) as Array<[Exclude<MergeMode, null>, (a: number[], b: number[]) => number[]]>) {
    it(
      `merges with '${mode}': sequences in time order, and the last outputs`,
      onBothBackends(async () => {
        const x = tensor(input, [batch, time, features]);
        const sequences = bidirectionalSimpleRnn(mode, true).apply(x);
        expect(sequences.shape).toEqual([batch, time, mode === 'concat' ? 2 * units : units]);
        const expectedSequences = forward.flatMap((steps, b) => steps.flatMap((h, t) => merge(h, backward[b][t])));
        expectClose(await sequences.data(), expectedSequences, { atol: 1e-5, rtol: 1e-4 });
        // Without sequences: the forward layer's last step (time - 1) with the backward layer's last (time 0).
        const last = bidirectionalSimpleRnn(mode, false).apply(x);
        const expectedLast = forward.flatMap((steps, b) => merge(steps[time - 1], backward[b][0]));
        expectClose(await last.data(), expectedLast, { atol: 1e-5, rtol: 1e-4 });
      }),
    );
  }

  it(
    'with mergeMode null returns [forward, backward], and with returnState appends both layers\' states',
    onBothBackends(async () => {
      const x = tensor(input, [batch, time, features]);
      const [y, yBackward, forwardState, backwardState] = bidirectionalSimpleRnn(null, true, true).apply(x) as unknown as Tensor[];
      expectClose(await y.data(), forward.flat(2), { atol: 1e-5, rtol: 1e-4 });
      expectClose(await yBackward.data(), backward.flat(2), { atol: 1e-5, rtol: 1e-4 });
      expectClose(await forwardState.data(), forward.flatMap((steps) => steps[time - 1]), { atol: 1e-5, rtol: 1e-4 });
      expectClose(await backwardState.data(), backward.flatMap((steps) => steps[0]), { atol: 1e-5, rtol: 1e-4 });
      const [merged, ...states] = bidirectionalSimpleRnn('concat', false, true).apply(x) as unknown as Tensor[];
      expect(merged.shape).toEqual([batch, 2 * units]);
      expect(states.map((s) => s.shape)).toEqual([
        [batch, units],
        [batch, units],
      ]);
    }),
  );

  it(
    'passes initial states: the first half to the forward layer, the second to the backward layer',
    onBothBackends(async () => {
      const layer = new Bidirectional({ layer: new LSTM({ units, returnSequences: true, name: 'encoder' }), mergeMode: 'sum' });
      const x = tensor(input, [batch, time, features]);
      const states = [0, 1, 2, 3].map((k) => tensor(seededValues(batch * units, 40 + k, -1, 1), [batch, units]));
      const y = layer.apply(x, { initialState: states });
      // The same computation from the two wrapped layers called directly.
      const forwardOut = layer.forwardLayer.apply([x, states[0], states[1]]) as Tensor;
      const backwardOut = layer.backwardLayer.apply([x, states[2], states[3]]) as Tensor;
      expectClose(await y.data(), await forwardOut.add(ops.flip(backwardOut, 1)).data(), { atol: 1e-6, rtol: 1e-6 });
      expect(await values(layer.apply([x, ...states]))).toEqual(await values(y));
      expect(await values(layer.apply(x))).not.toEqual(await values(y));
    }),
  );

  it('copies the wrapped layer into forward_ and backward_ layers; weights are the forward layer\'s then the backward layer\'s', () => {
    const rnn = new GRU({ units: 3, name: 'gru_words' });
    const layer = new Bidirectional({ layer: rnn });
    layer.apply(ops.ones([1, 2, 4]));
    expect(layer.forwardLayer).not.toBe(rnn);
    expect([layer.forwardLayer.name, layer.forwardLayer.goBackwards, layer.backwardLayer.name, layer.backwardLayer.goBackwards]).toEqual(['forward_gru_words', false, 'backward_gru_words', true]);
    expect(layer.weights.map((w) => [w.name, w.shape])).toEqual([
      ['forward_gru_words/gru_cell/kernel', [4, 9]],
      ['forward_gru_words/gru_cell/recurrent_kernel', [3, 9]],
      ['forward_gru_words/gru_cell/bias', [2, 9]],
      ['backward_gru_words/gru_cell/kernel', [4, 9]],
      ['backward_gru_words/gru_cell/recurrent_kernel', [3, 9]],
      ['backward_gru_words/gru_cell/bias', [2, 9]],
    ]);
    expect(rnn.built).toBe(false);
  });

  it('gives symbolic output shapes', () => {
    const sequence = Input({ shape: [4, 3] });
    expect((new Bidirectional({ layer: new LSTM({ units: 5, returnSequences: true }) }).apply(sequence) as SymbolicTensor).shape).toEqual([null, 4, 10]);
    expect((new Bidirectional({ layer: new LSTM({ units: 5 }), mergeMode: 'ave' }).apply(sequence) as SymbolicTensor).shape).toEqual([null, 5]);
    const withStates = new Bidirectional({ layer: new LSTM({ units: 5, returnState: true }), mergeMode: null }).apply(sequence) as unknown as SymbolicTensor[];
    expect(withStates.map((t) => t.shape)).toEqual([[null, 5], [null, 5], [null, 5], [null, 5], [null, 5], [null, 5]]);
  });

  it('rejects what it cannot wrap, with clear messages', () => {
    expect(() => new Bidirectional({ layer: new Dense({ units: 2 }) as never })).toThrow('Invalid value for argument layer of Bidirectional. Expected a recurrent layer instance (RNN, SimpleRNN, GRU, LSTM). Received: layer=Dense(name=');
    expect(() => new Bidirectional({ layer: new LSTM({ units: 2 }), mergeMode: 'max' as never })).toThrow('Invalid merge mode. Received: max. Merge mode should be one of {"sum", "mul", "ave", "concat", null}');
    expect(() => new Bidirectional({ layer: new LSTM({ units: 2 }), backwardLayer: new LSTM({ units: 2 }) })).toThrow('Forward layer and backward layer should have different `goBackwards` value.');
    expect(() => new Bidirectional({ layer: new LSTM({ units: 2 }), backwardLayer: new LSTM({ units: 2, goBackwards: true, returnSequences: true }) })).toThrow(
      'Forward layer and backward layer are expected to have the same value for attribute "returnSequences", got "false" for forward layer and "true" for backward layer',
    );
    const layer = new Bidirectional({ layer: new LSTM({ units: 2 }), name: 'bi_states' });
    expect(() => layer.apply(ops.ones([1, 2, 3]), { initialState: [ops.zeros([1, 2]), ops.zeros([1, 2])] })).toThrow(
      'Invalid value for argument initialState of layer "bi_states". Expected 4 tensors (the forward layer\'s 2, then the backward layer\'s 2). Received: 2 of shapes (1, 2), (1, 2)',
    );
  });

  it('round-trips its config (the wrapped layers nested as { className, config }) through deserializeLayer', () => {
    const layer = new Bidirectional({ layer: new LSTM({ units: 3, returnSequences: true, dropout: 0.1 }), mergeMode: 'mul', backwardLayer: new GRU({ units: 3, goBackwards: true, returnSequences: true, name: 'reverse_gru' }) });
    const config = layer.getConfig();
    expect(config).toMatchObject({ mergeMode: 'mul', layer: { className: 'LSTM', config: { units: 3, dropout: 0.1 } }, backwardLayer: { className: 'GRU', config: { name: 'reverse_gru', goBackwards: true } } });
    const restored = deserializeLayer({ className: 'Bidirectional', config: JSON.parse(JSON.stringify(config)) }) as Bidirectional;
    expect(restored).toBeInstanceOf(Bidirectional);
    expect(restored.backwardLayer).toBeInstanceOf(GRU);
    expect(restored.getConfig()).toEqual(config);
  });

  it('has tape gradients matching finite differences', async () => {
    const make = () => new Bidirectional({ layer: new SimpleRNN({ units: 2, returnSequences: true, biasInitializer: { className: 'RandomUniform', config: { seed: 1 } }, kernelInitializer: { className: 'GlorotUniform', config: { seed: 2 } }, recurrentInitializer: { className: 'Orthogonal', config: { seed: 3 } } }) });
    expect(await layerGradCheck(make, [1, 3, 2], seededValues(6, 5, -1, 1))).toBe('ok');
  });
});

describe('TimeDistributed', () => {
  const kernel = seededValues(3 * 2, 11, -1, 1);
  const bias = [0.25, -0.5];
  const x = seededValues(2 * 3 * 3, 12, -1, 1);

  it(
    'applies the layer to every time step with the same weights',
    onBothBackends(async () => {
      const layer = new TimeDistributed({ layer: new Dense({ units: 2, activation: 'relu' }) });
      const inputs = tensor(x, [2, 3, 3]);
      layer.apply(inputs);
      layer.setWeights([tensor(kernel, [3, 2]), tensor(bias, [2])]);
      const y = layer.apply(inputs);
      expect(y.shape).toEqual([2, 3, 2]);
      const expected: number[] = [];
      for (let row = 0; row < 6; row++) {
        for (let j = 0; j < 2; j++) {
          let sum = bias[j];
          for (let i = 0; i < 3; i++) sum += x[row * 3 + i] * kernel[i * 2 + j];
          expected.push(Math.max(sum, 0));
        }
      }
      expectClose(await y.data(), expected, { atol: 1e-6, rtol: 1e-5 });
    }),
  );

  it('gives symbolic shapes, holds the wrapped layer\'s weights, and rejects inputs of rank under 3', () => {
    const dense = new Dense({ units: 4 });
    const layer = new TimeDistributed({ layer: dense });
    expect((layer.apply(Input({ shape: [5, 3] })) as SymbolicTensor).shape).toEqual([null, 5, 4]);
    expect(layer.weights).toEqual(dense.weights);
    expect(layer.weights.map((w) => w.shape)).toEqual([[3, 4], [4]]);
    expect((new TimeDistributed({ layer: new SimpleRNN({ units: 2 }) }).apply(Input({ shape: [5, 4, 3] })) as SymbolicTensor).shape).toEqual([null, 5, 2]);
    expect(() => new TimeDistributed({ layer: new Dense({ units: 2 }) }).apply(ops.ones([2, 3]))).toThrow('`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions, received: (2, 3)');
    expect(() => new TimeDistributed({ layer: 'dense' as never })).toThrow('Please initialize `TimeDistributed` layer with a `Layer` instance. Received: layer="dense"');
  });

  it('round-trips its config through deserializeLayer', () => {
    const layer = new TimeDistributed({ layer: new Dense({ units: 3, activation: 'tanh', name: 'per_step' }), name: 'distributed' });
    const config = layer.getConfig();
    expect(config).toMatchObject({ name: 'distributed', layer: { className: 'Dense', config: { units: 3, activation: 'tanh', name: 'per_step' } } });
    const restored = deserializeLayer({ className: 'TimeDistributed', config: JSON.parse(JSON.stringify(config)) }) as TimeDistributed;
    expect(restored.layer).toBeInstanceOf(Dense);
    expect(restored.getConfig()).toEqual(config);
  });

  it('has tape gradients matching finite differences', async () => {
    const make = () => new TimeDistributed({ layer: new Dense({ units: 2, activation: 'tanh', kernelInitializer: { className: 'GlorotUniform', config: { seed: 4 } }, biasInitializer: { className: 'RandomUniform', config: { seed: 5 } } }) });
    expect(await layerGradCheck(make, [2, 2, 3], seededValues(12, 6, -1, 1))).toBe('ok');
  });
});

describe('in a model', () => {
  it('a Bidirectional GRU and a TimeDistributed Dense train with fit, leak nothing, and survive save and load', async () => {
    const model = new Sequential({ name: 'tagger' });
    model.add(new Bidirectional({ layer: new GRU({ units: 3, returnSequences: true }), inputShape: [4, 2], name: 'bi_gru' }));
    model.add(new TimeDistributed({ layer: new Dense({ units: 1 }), name: 'per_step_head' }));
    model.compile({ optimizer: 'adam', loss: 'mse' });
    // Per step: the running sum of the first feature.
    const x = ops.randomUniform([16, 4, 2], { minval: -1, maxval: 1, seed: 21 });
    const y = ops.cumsum(ops.slice(x, [0, 0, 0], [-1, -1, 1]), 1);
    const history = await model.fit(x, y, { epochs: 6, batchSize: 8, verbose: 0, shuffle: false });
    const losses = history.history.loss;
    expect(losses.at(-1)!).toBeLessThan(losses[0]);
    await settleGarbage();
    const before = memory();
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    await settleGarbage();
    expect(memory().liveTensors).toBe(before.liveTensors);

    await model.save('memory://tagger');
    const restored = await loadModel('memory://tagger');
    expect(restored.layers.map((l) => l.constructor)).toEqual([Bidirectional, TimeDistributed]);
    expect(await values((await restored.predict(x)) as Tensor)).toEqual(await values((await model.predict(x)) as Tensor));
    await removeModel('memory://tagger');
  });

  it('a functional model with Bidirectional returning states saves and loads', async () => {
    const sequence = Input({ shape: [3, 2], name: 'sequence' });
    const [merged, ...states] = new Bidirectional({ layer: new LSTM({ units: 2, returnState: true }), name: 'bi_lstm' }).apply(sequence) as unknown as SymbolicTensor[];
    const model = new Model({ inputs: sequence, outputs: [merged, ...states], name: 'bi_states_model' });
    const x = ops.randomUniform([2, 3, 2], { seed: 4 });
    await model.save('memory://bi-states');
    const restored = await loadModel('memory://bi-states');
    const original = (await model.predict(x)) as Tensor[];
    expect(original.map((t) => t.shape)).toEqual([[2, 4], [2, 2], [2, 2], [2, 2], [2, 2]]);
    expect(await values((await restored.predict(x)) as Tensor[])).toEqual(await values(original));
    await removeModel('memory://bi-states');
  });
});
