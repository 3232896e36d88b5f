// SimpleRNN, GRU (resetAfter true and false) and LSTM against a plain-loop float64 reference of
// Keras's equations, given fixed weights, on both backends: returnSequences, returnState,
// goBackwards and initial states; Keras's weight names, shapes and LSTM bias initialization;
// dropout masks drawn once per call; symbolic shapes and errors; config round trips; gradients by
// finite differences; a sequence model that trains with fit, leaks nothing, and survives save and load.

import { describe, expect, it, vi } from 'vitest';
import { Input, Model, Sequential, getBackend, memory, ops, optimizers, tensor, type SymbolicTensor, type Tensor } from '../../src/node';
import { Dense, GRU, LSTM, SimpleRNN, deserializeLayer, type RecurrentLayer } from '../../src/layers/index';
import { loadModel, removeModel } from '../../src/io/index';
import { onBothBackends, settleGarbage, useWebGPU } from '../helpers';
import { expectClose, layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();

type Kind = 'SimpleRNN' | 'GRU' | 'GRU-resetBefore' | 'LSTM';

interface Sizes {
  batch: number;
  time: number;
  features: number;
  units: number;
}

/** Plain-number weights in Keras's order: kernel [features, gates·units], recurrent kernel [units, gates·units], bias. */
interface ReferenceWeights {
  kernel: number[];
  recurrentKernel: number[];
  bias: number[];
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const gateCount: Record<Kind, number> = { SimpleRNN: 1, GRU: 3, 'GRU-resetBefore': 3, LSTM: 4 };

/** Row `row` of x·w for a row-major [rows, columns] w and a vector x. */
function vectorTimesMatrix(x: number[], w: number[], columns: number): number[] {
  const out = new Array<number>(columns).fill(0);
  x.forEach((xi, i) => {
    for (let j = 0; j < columns; j++) out[j] += xi * w[i * columns + j];
  });
  return out;
}

/**
 * Keras's recurrent equations in float64, one sample at a time. Returns the outputs in processing
 * order ([batch][step][units]) and the final states ([state][batch][units]).
 */
function reference(kind: Kind, { batch, time, features, units }: Sizes, x: number[], weights: ReferenceWeights, goBackwards: boolean, initial?: number[][]): { outputs: number[][][]; states: number[][][] } {
  const width = gateCount[kind] * units;
  const stateCount = kind === 'LSTM' ? 2 : 1;
  const outputs: number[][][] = [];
  const states: number[][][] = Array.from({ length: stateCount }, () => []);
  for (let b = 0; b < batch; b++) {
    let h = initial ? initial[0].slice(b * units, (b + 1) * units) : new Array<number>(units).fill(0);
    let c = initial && kind === 'LSTM' ? initial[1].slice(b * units, (b + 1) * units) : new Array<number>(units).fill(0);
    const sampleOutputs: number[][] = [];
    for (let step = 0; step < time; step++) {
      const t = goBackwards ? time - 1 - step : step;
      const xt = x.slice((b * time + t) * features, (b * time + t + 1) * features);
      const inputPart = vectorTimesMatrix(xt, weights.kernel, width);
      const block = (v: number[], k: number) => v.slice(k * units, (k + 1) * units);
      if (kind === 'SimpleRNN') {
        const recurrent = vectorTimesMatrix(h, weights.recurrentKernel, width);
        h = inputPart.map((v, j) => Math.tanh(v + recurrent[j] + weights.bias[j]));
      } else if (kind === 'LSTM') {
        const recurrent = vectorTimesMatrix(h, weights.recurrentKernel, width);
        const z = inputPart.map((v, j) => v + recurrent[j] + weights.bias[j]);
        const [i, f, g, o] = [0, 1, 2, 3].map((k) => block(z, k));
        c = c.map((cj, j) => sigmoid(f[j]) * cj + sigmoid(i[j]) * Math.tanh(g[j]));
        h = c.map((cj, j) => sigmoid(o[j]) * Math.tanh(cj));
      } else if (kind === 'GRU') {
        // resetAfter: bias [2, 3 units], input bias then recurrent bias.
        const xz = inputPart.map((v, j) => v + weights.bias[j]);
        const hz = vectorTimesMatrix(h, weights.recurrentKernel, width).map((v, j) => v + weights.bias[width + j]);
        const z = block(xz, 0).map((v, j) => sigmoid(v + block(hz, 0)[j]));
        const r = block(xz, 1).map((v, j) => sigmoid(v + block(hz, 1)[j]));
        const candidate = block(xz, 2).map((v, j) => Math.tanh(v + r[j] * block(hz, 2)[j]));
        h = h.map((hj, j) => z[j] * hj + (1 - z[j]) * candidate[j]);
      } else {
        // resetAfter false: bias [3 units]; the candidate uses (r ⊙ h) times the candidate block of the recurrent kernel.
        const xz = inputPart.map((v, j) => v + weights.bias[j]);
        const recurrent = vectorTimesMatrix(h, weights.recurrentKernel, width);
        const z = block(xz, 0).map((v, j) => sigmoid(v + block(recurrent, 0)[j]));
        const r = block(xz, 1).map((v, j) => sigmoid(v + block(recurrent, 1)[j]));
        const resetState = h.map((hj, j) => r[j] * hj);
        const candidateRecurrent = block(vectorTimesMatrix(resetState, weights.recurrentKernel, width), 2);
        const candidate = block(xz, 2).map((v, j) => Math.tanh(v + candidateRecurrent[j]));
        h = h.map((hj, j) => z[j] * hj + (1 - z[j]) * candidate[j]);
      }
      sampleOutputs.push(h);
    }
    outputs.push(sampleOutputs);
    states[0].push(h);
    if (kind === 'LSTM') states[1].push(c);
  }
  return { outputs, states };
}

function makeLayer(kind: Kind, options: Record<string, unknown> = {}): RecurrentLayer {
  const units = options.units as number;
  if (kind === 'SimpleRNN') return new SimpleRNN({ units, ...options });
  if (kind === 'LSTM') return new LSTM({ units, ...options });
  return new GRU({ units, resetAfter: kind === 'GRU', ...options });
}

function referenceWeights(kind: Kind, { features, units }: Sizes, seed: number): ReferenceWeights {
  const width = gateCount[kind] * units;
  return {
    kernel: seededValues(features * width, seed, -0.8, 0.8),
    recurrentKernel: seededValues(units * width, seed + 1, -0.8, 0.8),
    bias: seededValues(kind === 'GRU' ? 2 * width : width, seed + 2, -0.5, 0.5),
  };
}

function setReferenceWeights(layer: RecurrentLayer, weights: ReferenceWeights): void {
  layer.setWeights([weights.kernel, weights.recurrentKernel, weights.bias].map((v, i) => tensor(v, layer.weights[i].shape as number[])));
}

async function values(t: Tensor | Tensor[]): Promise<number[][]> {
  return Promise.all([t].flat().map(async (x) => Array.from(await x.data())));
}

const sizes: Sizes = { batch: 2, time: 3, features: 3, units: 2 };
const kinds: Kind[] = ['SimpleRNN', 'GRU', 'GRU-resetBefore', 'LSTM'];

describe('recurrent layers against the float64 reference', () => {
  for (const kind of kinds) {
    it(
      `${kind}: returnSequences, returnState and goBackwards`,
      onBothBackends(async () => {
        const x = seededValues(sizes.batch * sizes.time * sizes.features, 7, -1, 1);
        const weights = referenceWeights(kind, sizes, 11);
        for (const goBackwards of [false, true]) {
          const expected = reference(kind, sizes, x, weights, goBackwards);
          const sequences = makeLayer(kind, { units: sizes.units, returnSequences: true, returnState: true, goBackwards });
          const input = tensor(x, [sizes.batch, sizes.time, sizes.features]);
          sequences.apply(input);
          setReferenceWeights(sequences, weights);
          const [outputs, ...states] = sequences.apply([input]) as Tensor[];
          expect(outputs.shape).toEqual([sizes.batch, sizes.time, sizes.units]);
          expectClose(await outputs.data(), expected.outputs.flat(2), { atol: 1e-5, rtol: 1e-4 });
          expect(states.length).toBe(kind === 'LSTM' ? 2 : 1);
          for (const [k, state] of states.entries()) expectClose(await state.data(), expected.states[k].flat(), { atol: 1e-5, rtol: 1e-4 });

          const last = makeLayer(kind, { units: sizes.units, goBackwards });
          last.apply(input);
          setReferenceWeights(last, weights);
          const output = last.apply(input);
          expect(output.shape).toEqual([sizes.batch, sizes.units]);
          expectClose(await output.data(), expected.states[0].flat(), { atol: 1e-5, rtol: 1e-4 });
        }
      }),
    );

    it(
      `${kind}: initial states, as the initialState option or after the sequence in the input list`,
      onBothBackends(async () => {
        const x = seededValues(sizes.batch * sizes.time * sizes.features, 8, -1, 1);
        const weights = referenceWeights(kind, sizes, 21);
        const stateCount = kind === 'LSTM' ? 2 : 1;
        const initial = Array.from({ length: stateCount }, (_, k) => seededValues(sizes.batch * sizes.units, 30 + k, -1, 1));
        const expected = reference(kind, sizes, x, weights, false, initial);
        const layer = makeLayer(kind, { units: sizes.units, returnState: true });
        const input = tensor(x, [sizes.batch, sizes.time, sizes.features]);
        const states = initial.map((v) => tensor(v, [sizes.batch, sizes.units]));
        layer.apply(input);
        setReferenceWeights(layer, weights);
        const byOption = layer.apply([input], { initialState: stateCount === 1 ? states[0] : states }) as Tensor[];
        const byList = layer.apply([input, ...states]) as Tensor[];
        expectClose(await byOption[0].data(), expected.states[0].flat(), { atol: 1e-5, rtol: 1e-4 });
        expect(await values(byList)).toEqual(await values(byOption));
        if (kind === 'LSTM') expectClose(await byOption[2].data(), expected.states[1].flat(), { atol: 1e-5, rtol: 1e-4 });
      }),
    );
  }
});

describe('weights', () => {
  it('have Keras names and shapes, and LSTM starts its forget bias at 1', async () => {
    const input = ops.ones([2, 3, 5]);
    const shapesOf = (layer: RecurrentLayer) => {
      layer.apply(input);
      return layer.weights.map((w) => [w.name, w.shape]);
    };
    expect(shapesOf(new SimpleRNN({ units: 4, name: 'rnn' }))).toEqual([
      ['rnn/simple_rnn_cell/kernel', [5, 4]],
      ['rnn/simple_rnn_cell/recurrent_kernel', [4, 4]],
      ['rnn/simple_rnn_cell/bias', [4]],
    ]);
    expect(shapesOf(new GRU({ units: 4, name: 'gru_after' }))).toEqual([
      ['gru_after/gru_cell/kernel', [5, 12]],
      ['gru_after/gru_cell/recurrent_kernel', [4, 12]],
      ['gru_after/gru_cell/bias', [2, 12]],
    ]);
    expect(shapesOf(new GRU({ units: 4, resetAfter: false, name: 'gru_before' })).at(-1)).toEqual(['gru_before/gru_cell/bias', [12]]);
    const lstm = new LSTM({ units: 2, name: 'lstm_weights' });
    expect(shapesOf(lstm)).toEqual([
      ['lstm_weights/lstm_cell/kernel', [5, 8]],
      ['lstm_weights/lstm_cell/recurrent_kernel', [2, 8]],
      ['lstm_weights/lstm_cell/bias', [8]],
    ]);
    expect(Array.from(await lstm.bias!.data())).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
    const plain = new LSTM({ units: 2, unitForgetBias: false, biasInitializer: 'ones' });
    plain.apply(input);
    expect(Array.from(await plain.bias!.data())).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    const noBias = new SimpleRNN({ units: 3, useBias: false });
    noBias.apply(input);
    expect(noBias.weights.length).toBe(2);
    expect(noBias.countParams()).toBe(5 * 3 + 3 * 3);
  });

  it('make the recurrent kernel orthogonal by default (rows of [units, units] orthonormal)', async () => {
    const layer = new SimpleRNN({ units: 3 });
    layer.apply(ops.ones([1, 1, 2]));
    const u = Array.from(await layer.recurrentKernel.data());
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const dot = [0, 1, 2].reduce((s, k) => s + u[i * 3 + k] * u[j * 3 + k], 0);
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 5);
      }
    }
  });
});

describe('dropout', () => {
  it(
    'is off outside training, and in training uses one input mask for every time step',
    onBothBackends(async () => {
      // Linear, no recurrence: each step's output is the sum of the kept features, times 1 / (1 - rate).
      const layer = new SimpleRNN({ units: 1, activation: null, dropout: 0.5, seed: 3, returnSequences: true, kernelInitializer: 'ones', recurrentInitializer: 'zeros' });
      const x = ops.ones([4, 3, 6]);
      expect(Array.from(await layer.apply(x).data())).toEqual(new Array(12).fill(6));
      const trained = Array.from(await layer.apply(x, { training: true }).data());
      for (let b = 0; b < 4; b++) {
        const steps = trained.slice(b * 3, b * 3 + 3);
        expect(steps[1]).toBe(steps[0]);
        expect(steps[2]).toBe(steps[0]);
        expect(steps[0] % 2).toBe(0);
      }
      expect(trained.some((v) => v !== 6)).toBe(true);
    }),
  );

  it(
    'uses one recurrent mask for every time step',
    onBothBackends(async () => {
      // h_t = m ⊙ h_{t-1} (identity recurrent kernel, no input): h_1 = m ⊙ h_0 and h_2 = m ⊙ h_1.
      const layer = new SimpleRNN({ units: 8, activation: null, useBias: false, recurrentDropout: 0.5, seed: 5, returnSequences: true, kernelInitializer: 'zeros' });
      const x = ops.ones([2, 2, 1]);
      layer.apply(x);
      layer.setWeights([ops.zeros([1, 8]), ops.eye(8)]);
      const out = layer.apply(x, { training: true, initialState: ops.ones([2, 8]) });
      const [steps] = await values(out);
      for (let b = 0; b < 2; b++) {
        for (let j = 0; j < 8; j++) {
          const first = steps[b * 16 + j];
          expect([0, 2]).toContain(first);
          expect(steps[b * 16 + 8 + j]).toBe(first * first);
        }
      }
    }),
  );
});

describe('symbolic use and errors', () => {
  it('gives the output shapes of a functional model', () => {
    const sequence = Input({ shape: [5, 3] });
    expect((new LSTM({ units: 4 }).apply(sequence) as SymbolicTensor).shape).toEqual([null, 4]);
    const outputs = new GRU({ units: 2, returnSequences: true, returnState: true }).apply(sequence) as unknown as SymbolicTensor[];
    expect(outputs.map((o) => o.shape)).toEqual([
      [null, 5, 2],
      [null, 2],
    ]);
    const state = Input({ shape: [4] });
    const lstmOutputs = new LSTM({ units: 4, returnState: true }).apply([sequence, state, state]) as SymbolicTensor[];
    expect(lstmOutputs.map((o) => o.shape)).toEqual([
      [null, 4],
      [null, 4],
      [null, 4],
    ]);
  });

  it('rejects bad options and inputs with clear messages, before any GPU work', () => {
    expect(() => new LSTM({ units: 0 })).toThrow('Received an invalid value for `units`, expected a positive integer. Received: units=0');
    expect(() => new GRU({ units: 2, dropout: 1.5 })).toThrow('Invalid value received for argument `dropout`. Expected a float value between 0 and 1. Received: dropout=1.5');
    expect(() => new SimpleRNN({ units: 2, returnSequences: 'yes' as never })).toThrow('Invalid value for argument returnSequences. Expected a boolean. Received: returnSequences=yes');
    expect(() => new SimpleRNN({ units: 2, statful: true } as never).apply(ops.ones([1, 2, 3]))).toThrow("SimpleRNN 'simple_rnn");
    expect(() => new SimpleRNN({ units: 2 }).apply(ops.ones([2, 3]))).toThrow('expected ndim=3 (batch, time, features), found ndim=2. Full shape received: (2, 3)');
    expect(() => new LSTM({ units: 2 }).apply(Input({ shape: [0, 3] }))).toThrow('Expected at least 1 time step on axis 1 (or an unknown number, None). Received: input_shape=(None, 0, 3)');
    const lstm = new LSTM({ units: 2, name: 'states_check' });
    expect(() => lstm.apply(ops.ones([2, 3, 4]), { initialState: ops.zeros([2, 2]) })).toThrow(
      'Invalid value for argument initialState of layer "states_check". Expected 2 tensors of shape (2, 2). Received: 1 of shape (2, 2)',
    );
    expect(() => lstm.apply([ops.ones([2, 3, 4]), ops.zeros([2, 3]), ops.zeros([2, 3])])).toThrow('Expected 2 tensors of shape (2, 2). Received: 2 of shapes (2, 3), (2, 3)');
    expect(() => lstm.apply([ops.ones([2, 3, 4]), ops.zeros([2, 2])], { initialState: ops.zeros([2, 2]) })).toThrow('received initial states both after the sequence');
    lstm.apply(ops.ones([2, 3, 4]));
    expect(() => lstm.apply(ops.ones([2, 3, 5]))).toThrow('expected axis -1 of input shape to have value 4, but received input with shape (2, 3, 5)');
  });
});

describe('config', () => {
  it('round-trips through deserializeLayer with every option', () => {
    const layers: RecurrentLayer[] = [
      new SimpleRNN({ units: 3, activation: 'relu', useBias: false, dropout: 0.1, recurrentDropout: 0.2, returnSequences: true, goBackwards: true, seed: 4, kernelRegularizer: 'l2' }),
      new GRU({ units: 2, resetAfter: false, recurrentActivation: 'hard_sigmoid', returnState: true, recurrentInitializer: 'glorotUniform' }),
      new LSTM({ units: 5, unitForgetBias: false, biasInitializer: 'ones', recurrentRegularizer: { className: 'L1', config: { l1: 0.01 } } }),
    ];
    const classNames = ['SimpleRNN', 'GRU', 'LSTM'];
    for (const [i, layer] of layers.entries()) {
      const config = layer.getConfig();
      const restored = deserializeLayer({ className: classNames[i], config });
      expect(restored.constructor).toBe(layer.constructor);
      expect(restored.getConfig()).toEqual(config);
    }
    expect(layers[0].getConfig()).toMatchObject({ units: 3, activation: 'relu', useBias: false, dropout: 0.1, recurrentDropout: 0.2, returnSequences: true, returnState: false, goBackwards: true, seed: 4 });
    expect(layers[1].getConfig()).toMatchObject({ recurrentActivation: 'hard_sigmoid', resetAfter: false, activation: 'tanh' });
    expect(layers[2].getConfig()).toMatchObject({ unitForgetBias: false, recurrentInitializer: { className: 'Orthogonal' } });
  });
});

describe('gradients', () => {
  for (const kind of kinds) {
    it(`${kind}: tape gradients match finite differences (input and every weight)`, async () => {
      const make = () => makeLayer(kind, { units: 2, returnSequences: true, biasInitializer: { className: 'RandomUniform', config: { seed: 2 } }, kernelInitializer: { className: 'GlorotUniform', config: { seed: 3 } }, recurrentInitializer: { className: 'Orthogonal', config: { seed: 4 } } });
      expect(await layerGradCheck(make, [1, 3, 2], seededValues(6, 9, -1, 1))).toBe('ok');
    });
  }
});

describe('training', () => {
  it('a sequence model learns the sign of a sum with fit, leaks nothing over epochs, and survives save and load', async () => {
    expect(getBackend()).toBe('webgpu');
    const model = new Sequential({ name: 'sequence_sign' });
    model.add(new LSTM({ units: 4, inputShape: [4, 1], name: 'lstm_sign' }));
    model.add(new Dense({ units: 1, activation: 'sigmoid' }));
    model.compile({ optimizer: new optimizers.Adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy' });
    const x = ops.randomUniform([32, 4, 1], { minval: -1, maxval: 1, seed: 12 });
    const y = x.sum([1, 2]).greater(0).cast('float32').reshape([32, 1]);
    const history = await model.fit(x, y, { epochs: 6, batchSize: 8, verbose: 0, shuffle: false });
    const losses = history.history.loss;
    expect(losses.at(-1)!).toBeLessThan(losses[0]);
    await settleGarbage();
    const before = memory();
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    await settleGarbage();
    expect(memory().liveTensors).toBe(before.liveTensors);

    await model.save('memory://sequence-sign');
    const restored = await loadModel('memory://sequence-sign');
    expect(restored.layers.find((l) => l.name === 'lstm_sign')).toBeInstanceOf(LSTM);
    expect(await values((await restored.predict(x)) as Tensor)).toEqual(await values((await model.predict(x)) as Tensor));
    await removeModel('memory://sequence-sign');
  });

  it('fit replays the unrolled step (three layer calls for twelve steps) and trains bit-identically to an eager fit', async () => {
    const make = (runEagerly: boolean) => {
      const model = new Sequential();
      model.add(new GRU({ units: 3, inputShape: [3, 2], returnSequences: true }));
      model.add(new SimpleRNN({ units: 2, goBackwards: true }));
      model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.1, momentum: 0.9 }), loss: 'mse', runEagerly });
      return model;
    };
    const [compiled, eager] = [make(false), make(true)];
    eager.setWeights(compiled.getWeights());
    const calls = vi.spyOn(compiled.layers[0], 'call');
    const x = ops.randomUniform([16, 3, 2], { seed: 31 });
    const y = ops.randomUniform([16, 2], { seed: 32 });
    const options = { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 as const };
    const [a, b] = [await compiled.fit(x, y, options), await eager.fit(x, y, options)];
    expect(calls).toHaveBeenCalledTimes(3);
    expect(a.history).toEqual(b.history);
    const weightsOf = (model: Sequential) => Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));
    expect(await weightsOf(compiled)).toEqual(await weightsOf(eager));
  });

  it('a functional model with an initial state input and a GRU saves and loads with identical predictions', async () => {
    const sequence = Input({ shape: [3, 2], name: 'sequence' });
    const start = Input({ shape: [3], name: 'start' });
    const encoded = new GRU({ units: 3, name: 'gru_state', returnSequences: true }).apply([sequence, start]);
    const outputs = new SimpleRNN({ units: 2, name: 'rnn_head', goBackwards: true, dropout: 0.2, seed: 1 }).apply(encoded as SymbolicTensor);
    const model = new Model({ inputs: [sequence, start], outputs, name: 'stateful_input' });
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const x = ops.randomUniform([8, 3, 2], { seed: 2 });
    const h0 = ops.randomUniform([8, 3], { seed: 3 });
    await model.fit([x, h0], ops.zeros([8, 2]), { epochs: 2, batchSize: 4, verbose: 0 });
    await model.save('memory://stateful-input');
    const restored = await loadModel('memory://stateful-input');
    expect(await values((await restored.predict([x, h0])) as Tensor)).toEqual(await values((await model.predict([x, h0])) as Tensor));
    await removeModel('memory://stateful-input');
  });
});
