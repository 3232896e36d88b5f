// Stateful recurrent layers (Keras's `stateful=True`): a sequence fed in consecutive chunks gives
// what the whole sequence gives (checked against a float64 LSTM written here and against the
// layer without state), resetState brings back the fresh layer, fit over consecutive chunks
// carries the states from batch to batch with replayed steps exactly as an eager fit, the option
// survives config and save/load (the states are not weights), and a missing or wrong batch size is
// a clear error.

import { describe, expect, it, vi } from 'vitest';
import { Input, Sequential, getBackend, memory, ops, optimizers, tensor, type Tensor } from '../../src/node';
import { Bidirectional, GRU, LSTM, LSTMCell, RNN, SimpleRNN, deserializeLayer, type RecurrentLayer } from '../../src/layers/index';
import { loadModel, removeModel } from '../../src/io/index';
import { onBothBackends, settleGarbage, useWebGPU } from '../helpers';
import { expectClose, seededValues } from './layer_helpers';

useWebGPU();

const BATCH = 2;
const FEATURES = 3;
const UNITS = 2;

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** Keras's LSTM equations in float64 over [batch, time, features]: every output, [batch][time][units]. */
function lstmReference(x: number[], time: number, kernel: number[], recurrentKernel: number[], bias: number[]): number[][][] {
  const width = 4 * UNITS;
  return Array.from({ length: BATCH }, (_, b) => {
    let h = new Array<number>(UNITS).fill(0);
    let c = new Array<number>(UNITS).fill(0);
    const outputs: number[][] = [];
    for (let t = 0; t < time; t++) {
      const xt = x.slice((b * time + t) * FEATURES, (b * time + t + 1) * FEATURES);
      const z = Array.from({ length: width }, (_, j) => bias[j] + xt.reduce((s, v, i) => s + v * kernel[i * width + j], 0) + h.reduce((s, v, i) => s + v * recurrentKernel[i * width + j], 0));
      const gate = (k: number, j: number) => z[k * UNITS + j];
      c = c.map((cj, j) => sigmoid(gate(1, j)) * cj + sigmoid(gate(0, j)) * Math.tanh(gate(2, j)));
      h = c.map((cj, j) => sigmoid(gate(3, j)) * Math.tanh(cj));
      outputs.push(h);
    }
    return outputs;
  });
}

type Kind = 'SimpleRNN' | 'GRU' | 'LSTM' | 'RNN(LSTMCell)';

function makeLayer(kind: Kind, options: Record<string, unknown>): RNN {
  if (kind === 'SimpleRNN') return new SimpleRNN({ units: UNITS, ...options });
  if (kind === 'GRU') return new GRU({ units: UNITS, ...options });
  if (kind === 'LSTM') return new LSTM({ units: UNITS, ...options });
  return new RNN({ cell: new LSTMCell({ units: UNITS }), ...options });
}

/** A stateful layer and one without state, built for [BATCH, time, FEATURES], with the same seeded weights. */
function twinLayers(kind: Kind, options: Record<string, unknown> = {}): { stateful: RNN; whole: RNN } {
  const [stateful, whole] = [makeLayer(kind, { ...options, stateful: true }), makeLayer(kind, options)];
  for (const layer of [stateful, whole]) layer.apply(ops.zeros([BATCH, 1, FEATURES]));
  // The zeros call moved the stateful layer's states (the bias alone): start afresh.
  stateful.resetState();
  const weights = whole.weights.map((w, i) => tensor(seededValues(w.size, 40 + i, -0.8, 0.8), w.shape as number[]));
  stateful.setWeights(weights);
  whole.setWeights(weights);
  return { stateful, whole };
}

async function values(t: Tensor | Tensor[]): Promise<number[][]> {
  return Promise.all([t].flat().map(async (x) => Array.from(await x.data())));
}

/** Time steps [start, start + length) of a [batch, time, features] sequence. */
function steps(x: Tensor, start: number, length: number): Tensor {
  return ops.slice(x, [0, start, 0], [x.shape[0], length, x.shape[2]]);
}

describe('a sequence fed in chunks', () => {
  it(
    'LSTM: two halves through a stateful layer give the float64 reference of the whole sequence',
    onBothBackends(async () => {
      const { stateful } = twinLayers('LSTM', { returnSequences: true });
      const xValues = seededValues(BATCH * 6 * FEATURES, 5);
      const x = tensor(xValues, [BATCH, 6, FEATURES]);
      const first = stateful.apply(steps(x, 0, 3));
      const second = stateful.apply(steps(x, 3, 3));
      const [kernel, recurrentKernel, bias] = await values(stateful.getWeights());
      const expected = lstmReference(xValues, 6, kernel, recurrentKernel, bias);
      const halves = [...(await values(first)), ...(await values(second))];
      expectClose(halves[0], expected.flatMap((sample) => sample.slice(0, 3).flat()));
      expectClose(halves[1], expected.flatMap((sample) => sample.slice(3).flat()));
    }),
  );

  for (const kind of ['SimpleRNN', 'GRU', 'LSTM', 'RNN(LSTMCell)'] as const) {
    it(
      `${kind}: three chunks give the outputs and final states of the layer without state over the whole sequence`,
      onBothBackends(async () => {
        const { stateful, whole } = twinLayers(kind, { returnState: true });
        const x = tensor(seededValues(BATCH * 7 * FEATURES, 6), [BATCH, 7, FEATURES]);
        const chunks = [stateful.apply([steps(x, 0, 2)]), stateful.apply([steps(x, 2, 4)]), stateful.apply([steps(x, 6, 1)])] as Tensor[][];
        const [lastOutput, ...finalStates] = await values(whole.apply([x]) as Tensor[]);
        const [chunkOutput, ...chunkStates] = await values(chunks[2]);
        expectClose(chunkOutput, lastOutput);
        chunkStates.forEach((state, k) => expectClose(state, finalStates[k]));
        // The layer's states are the returned final states.
        expect(stateful.states).toHaveLength(kind === 'SimpleRNN' || kind === 'GRU' ? 1 : 2);
        expect(await values([...stateful.states!])).toEqual(chunkStates);
      }),
    );
  }

  it('resetState (and its alias resetStates) brings back the fresh layer, and chunked calls leak nothing', async () => {
    const { stateful, whole } = twinLayers('LSTM', { returnSequences: true });
    const x = tensor(seededValues(BATCH * 4 * FEATURES, 9), [BATCH, 4, FEATURES]);
    const fresh = await values(whole.apply(x) as Tensor);
    expect(await values(stateful.apply(x) as Tensor)).toEqual(fresh);
    const continued = await values(stateful.apply(x) as Tensor);
    expect(continued).not.toEqual(fresh);
    stateful.resetState();
    expect(await values(stateful.apply(x) as Tensor)).toEqual(fresh);
    stateful.resetStates();
    expect(await values([...stateful.states!])).toEqual([new Array(BATCH * UNITS).fill(0), new Array(BATCH * UNITS).fill(0)]);
    await settleGarbage();
    const before = memory();
    for (let i = 0; i < 3; i++) (stateful.apply(x) as Tensor).dispose();
    stateful.resetState();
    await settleGarbage();
    expect(memory().liveTensors).toBe(before.liveTensors);
    expect(memory().gpuBytes).toBe(before.gpuBytes);
  });

  it('model.dispose() frees the states with the weights', async () => {
    await settleGarbage();
    const before = memory();
    const model = new Sequential([Input({ shape: [4, FEATURES], batchSize: BATCH }), new LSTM({ units: UNITS, stateful: true })]);
    (model.apply(tensor(seededValues(BATCH * 4 * FEATURES, 3), [BATCH, 4, FEATURES])) as Tensor).dispose();
    model.dispose();
    await settleGarbage();
    expect(memory().liveTensors).toBe(before.liveTensors);
    expect(memory().gpuBytes).toBe(before.gpuBytes);
  });

  it('an initial state given to a stateful layer replaces its states for that call, and the final states are kept', async () => {
    const { stateful, whole } = twinLayers('SimpleRNN');
    const x = tensor(seededValues(BATCH * 3 * FEATURES, 10), [BATCH, 3, FEATURES]);
    const h0 = tensor(seededValues(BATCH * UNITS, 11), [BATCH, UNITS]);
    stateful.apply(x);
    const given = await values(stateful.apply(x, { initialState: h0 }) as Tensor);
    expect(given).toEqual(await values(whole.apply(x, { initialState: h0 }) as Tensor));
    expect(await values([...stateful.states!])).toEqual(given);
  });

  it('Bidirectional runs both directions statefully; resetState zeros both', async () => {
    const bidirectional = new Bidirectional({ layer: new LSTM({ units: UNITS, stateful: true }), mergeMode: null });
    const plain = new LSTM({ units: UNITS });
    const x = tensor(seededValues(BATCH * 4 * FEATURES, 12), [BATCH, 4, FEATURES]);
    bidirectional.apply(steps(x, 0, 2));
    plain.apply(steps(x, 0, 1));
    plain.setWeights(bidirectional.forwardLayer.getWeights());
    expect(bidirectional.stateful).toBe(true);
    const [forward] = bidirectional.apply([steps(x, 2, 2)]) as Tensor[];
    expectClose((await values(forward))[0], (await values(plain.apply(x) as Tensor))[0]);
    bidirectional.resetState();
    for (const layer of [bidirectional.forwardLayer, bidirectional.backwardLayer]) {
      for (const state of await values([...layer.states!])) expect(state).toEqual(new Array(BATCH * UNITS).fill(0));
    }
  });
});

describe('fit over consecutive chunks', () => {
  const CHUNKS = 6;
  const TIME = 2;

  /** Sequences [BATCH, CHUNKS·TIME, FEATURES] cut along time into CHUNKS batches of BATCH samples: batch k holds chunk k of every sequence. */
  function chunked(x: Tensor): Tensor {
    return ops.concat(Array.from({ length: CHUNKS }, (_, k) => steps(x, k * TIME, TIME)), 0);
  }

  function statefulModel(runEagerly: boolean, learningRate: number): Sequential {
    const model = new Sequential([Input({ shape: [TIME, FEATURES], batchSize: BATCH }), new LSTM({ units: UNITS, stateful: true, returnSequences: true }), new GRU({ units: UNITS, stateful: true })]);
    model.compile({ optimizer: new optimizers.SGD({ learningRate, momentum: 0.9 }), loss: 'mse', runEagerly });
    return model;
  }

  const statesOf = (model: Sequential) => values(model.layers.flatMap((layer) => [...(layer as RNN).states!]));
  const weightsOf = (model: Sequential) => values(model.getWeights());

  it('replayed steps carry the states from batch to batch: with a zero learning rate they end as the whole sequences leave a model without state', async () => {
    expect(getBackend()).toBe('webgpu');
    const model = statefulModel(false, 0);
    const calls = vi.spyOn(model.layers[0], 'call');
    const x = tensor(seededValues(BATCH * CHUNKS * TIME * FEATURES, 13), [BATCH, CHUNKS * TIME, FEATURES]);
    await model.fit(chunked(x), ops.zeros([CHUNKS * BATCH, UNITS]), { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 });
    // Six steps of one batch shape: one eager, two traced, three replayed.
    expect(calls).toHaveBeenCalledTimes(3);
    const [lstm, gru] = model.layers as RecurrentLayer[];
    const plainLstm = new LSTM({ units: UNITS, returnSequences: true, returnState: true });
    const plainGru = new GRU({ units: UNITS, returnState: true });
    const [sequence] = plainLstm.apply([steps(x, 0, 1)]) as Tensor[];
    plainGru.apply([sequence]);
    plainLstm.setWeights(lstm.getWeights());
    plainGru.setWeights(gru.getWeights());
    const [whole, ...wholeLstmStates] = plainLstm.apply([x]) as Tensor[];
    const [, wholeGruState] = plainGru.apply([whole]) as Tensor[];
    const expected = await values([...wholeLstmStates, wholeGruState]);
    const kept = await statesOf(model);
    expect(kept).toHaveLength(3);
    kept.forEach((state, k) => expectClose(state, expected[k]));
  });

  it('trains bit-identically to an eager fit over two epochs (states not reset between epochs, as Keras), weights and states alike', async () => {
    expect(getBackend()).toBe('webgpu');
    const [compiled, eager] = [statefulModel(false, 0.1), statefulModel(true, 0.1)];
    eager.setWeights(compiled.getWeights());
    const calls = vi.spyOn(compiled.layers[0], 'call');
    const x = chunked(tensor(seededValues(BATCH * CHUNKS * TIME * FEATURES, 14), [BATCH, CHUNKS * TIME, FEATURES]));
    const y = tensor(seededValues(CHUNKS * BATCH * UNITS, 15), [CHUNKS * BATCH, UNITS]);
    const options = { epochs: 2, batchSize: BATCH, shuffle: false, verbose: 0 as const };
    const [a, b] = [await compiled.fit(x, y, options), await eager.fit(x, y, options)];
    expect(calls).toHaveBeenCalledTimes(3);
    expect(a.history).toEqual(b.history);
    expect(await weightsOf(compiled)).toEqual(await weightsOf(eager));
    expect(await statesOf(compiled)).toEqual(await statesOf(eager));
    // A reset between fits is the user's: both then start the next epoch from zeros.
    for (const model of [compiled, eager]) for (const layer of model.layers) (layer as RNN).resetState();
    const [c, d] = [await compiled.fit(x, y, { ...options, epochs: 1 }), await eager.fit(x, y, { ...options, epochs: 1 })];
    expect(c.history).toEqual(d.history);
    expect(await weightsOf(compiled)).toEqual(await weightsOf(eager));
  });
});

describe('config, save and load', () => {
  it('keeps stateful in the config of every recurrent layer', () => {
    for (const [className, layer] of [['SimpleRNN', new SimpleRNN({ units: 2, stateful: true })], ['GRU', new GRU({ units: 2, stateful: true })], ['LSTM', new LSTM({ units: 2, stateful: true })], ['RNN', new RNN({ cell: new LSTMCell({ units: 2 }), stateful: true })]] as const) {
      const config = layer.getConfig();
      expect(config.stateful).toBe(true);
      const restored = deserializeLayer({ className, config }) as RNN;
      expect(restored.stateful).toBe(true);
      expect(restored.getConfig()).toEqual(config);
    }
    expect(new LSTM({ units: 2 }).getConfig().stateful).toBe(false);
  });

  it('a saved stateful model loads stateful, with the same weights (the states are not among them) and fresh states', async () => {
    const model = new Sequential([Input({ shape: [3, FEATURES], batchSize: BATCH }), new LSTM({ units: UNITS, stateful: true, name: 'stateful_lstm' })]);
    expect(model.getWeights()).toHaveLength(3);
    expect(model.layers[0].nonTrainableWeights).toHaveLength(0);
    const x = tensor(seededValues(BATCH * 3 * FEATURES, 16), [BATCH, 3, FEATURES]);
    const fresh = await values((await model.predict(x)) as Tensor);
    await model.save('memory://stateful-lstm');
    const restored = await loadModel('memory://stateful-lstm');
    const layer = restored.layers.find((l) => l.name === 'stateful_lstm') as LSTM;
    expect(layer.stateful).toBe(true);
    expect(layer.states?.map((s) => s.shape)).toEqual([[BATCH, UNITS], [BATCH, UNITS]]);
    expect(await values((await restored.predict(x)) as Tensor)).toEqual(fresh);
    // predict carries the states too: the second prediction continues the first.
    expect(await values((await restored.predict(x)) as Tensor)).not.toEqual(fresh);
    await removeModel('memory://stateful-lstm');
  });
});

describe('errors', () => {
  it('needs a known batch size, as Keras', () => {
    expect(() => new Sequential([Input({ shape: [3, FEATURES] }), new LSTM({ units: UNITS, stateful: true })])).toThrow(/batch size must be static.*\(None, 3, 3\).*Input\(\{ shape, batchSize \}\)/s);
    expect(() => new Sequential([Input({ shape: [3, FEATURES], batchSize: BATCH }), new LSTM({ units: UNITS, stateful: true })])).not.toThrow();
    expect(() => new GRU({ units: UNITS, stateful: true }).apply(Input({ shape: [3, FEATURES] }))).toThrow(/batch size must be static/);
  });

  it('rejects a call of another batch size before any GPU work, and a non-boolean stateful', () => {
    const layer = new SimpleRNN({ units: UNITS, stateful: true });
    layer.apply(ops.zeros([BATCH, 2, FEATURES]));
    expect(() => layer.apply(ops.zeros([3, 2, FEATURES]))).toThrow(/stateful.*expected batch size 2, received 3 \(input shape \[3,2,3\]; with fit, give a sample count that is a multiple of batchSize\)/);
    expect(() => new LSTM({ units: UNITS, stateful: 'yes' as unknown as boolean })).toThrow(/stateful/);
  });

  it('Bidirectional: the two layers must agree on stateful, and resetState needs a stateful layer', () => {
    expect(() => new Bidirectional({ layer: new LSTM({ units: UNITS, stateful: true }), backwardLayer: new LSTM({ units: UNITS, goBackwards: true }) })).toThrow(/same value for attribute "stateful"/);
    expect(() => new Bidirectional({ layer: new LSTM({ units: UNITS }) }).resetState()).toThrow(/resetState\(\) needs a stateful layer/);
  });

  it('resetState of a layer without state does nothing, as Keras', () => {
    const layer = new LSTM({ units: UNITS });
    layer.apply(ops.zeros([BATCH, 2, FEATURES]));
    expect(layer.states).toBeNull();
    expect(() => layer.resetState()).not.toThrow();
  });
});
