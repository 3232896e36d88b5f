// Recurrent layers over a time axis of unknown length (`Input({ shape: [null, features] })`):
// each call runs over its input's steps, so a model built that way gives what models built for
// each fixed length give with the same weights (masks, returnSequences, goBackwards,
// Bidirectional, TimeDistributed), trains with fit on batches of two lengths exactly as an eager
// fit does, and survives save and load. And `unroll`, accepted and kept in the config, computes
// the same either way.

import { describe, expect, it, vi } from 'vitest';
import { Input, Model, Sequential, getBackend, memory, ops, optimizers, tensor, type SymbolicTensor, type Tensor } from '../../src/node';
import { Bidirectional, Dense, GRU, LSTM, LSTMCell, Masking, RNN, SimpleRNN, TimeDistributed, deserializeLayer } from '../../src/layers/index';
import { loadModel, removeModel } from '../../src/io/index';
import { onBothBackends, settleGarbage, useWebGPU } from '../helpers';
import { seededValues } from './layer_helpers';

useWebGPU();

const FEATURES = 3;

/** Masking, an LSTM sequence, a backwards GRU, a Bidirectional SimpleRNN and a TimeDistributed Dense; a second output is a last GRU output. */
function buildModel(time: number | null): Model {
  const input = Input({ shape: [time, FEATURES] });
  const masked = new Masking({ maskValue: 0 }).apply(input);
  const sequence = new LSTM({ units: 3, returnSequences: true }).apply(masked);
  const backwards = new GRU({ units: 2, returnSequences: true, goBackwards: true }).apply(sequence);
  const both = new Bidirectional({ layer: new SimpleRNN({ units: 2, returnSequences: true }) }).apply(backwards);
  const perStep = new TimeDistributed({ layer: new Dense({ units: 1 }) }).apply(both);
  const last = new GRU({ units: 2 }).apply(both);
  return new Model({ inputs: input, outputs: [perStep, last] });
}

/** A batch of 3 sequences of `time` steps, the last sequence padded with zeros over its last two steps. */
function paddedBatch(time: number, seed: number): Tensor {
  const values = seededValues(3 * time * FEATURES, seed, -1, 1);
  for (let t = time - 2; t < time; t++) for (let f = 0; f < FEATURES; f++) values[(2 * time + t) * FEATURES + f] = 0;
  return tensor(values, [3, time, FEATURES]);
}

async function predictions(model: Model, x: Tensor): Promise<number[][]> {
  const outputs = (await model.predict(x)) as Tensor[];
  return Promise.all(outputs.map(async (t) => Array.from(await t.data())));
}

describe('an unknown number of time steps', () => {
  it('gives symbolic shapes with the time axis unknown', () => {
    const input = Input({ shape: [null, FEATURES] });
    expect((new LSTM({ units: 4, returnSequences: true }).apply(input) as SymbolicTensor).shape).toEqual([null, null, 4]);
    const [sequence, h, c] = new RNN({ cell: new LSTMCell({ units: 2 }), returnSequences: true, returnState: true }).apply([input]) as SymbolicTensor[];
    expect([sequence.shape, h.shape, c.shape]).toEqual([
      [null, null, 2],
      [null, 2],
      [null, 2],
    ]);
    const model = buildModel(null);
    expect((model.outputs as SymbolicTensor[]).map((o) => o.shape)).toEqual([
      [null, null, 1],
      [null, 2],
    ]);
  });

  it(
    'gives what models built for each fixed length give with the same weights (masks, goBackwards, Bidirectional, TimeDistributed)',
    onBothBackends(async () => {
      const variable = buildModel(null);
      for (const [time, seed] of [
        [5, 1],
        [3, 2],
      ]) {
        const x = paddedBatch(time, seed);
        const fixed = buildModel(time);
        fixed.setWeights(variable.getWeights());
        const [got, expected] = [await predictions(variable, x), await predictions(fixed, x)];
        expect(got[0].length).toBe(3 * time);
        expect(got).toEqual(expected);
      }
    }),
  );

  it('rejects a sequence with no time step at the call', () => {
    const layer = new GRU({ units: 2, name: 'empty_sequence' });
    layer.apply(Input({ shape: [null, 2] }));
    expect(() => layer.apply(ops.ones([2, 0, 2]))).toThrow('Invalid input shape for layer "empty_sequence". Expected at least 1 time step on axis 1 (or an unknown number, None). Received: input_shape=(2, 0, 2)');
  });

  it('fit on batches of two lengths replays one step per length and trains bit-identically to an eager fit, leaking nothing', async () => {
    expect(getBackend()).toBe('webgpu');
    const make = (runEagerly: boolean) => {
      const model = new Sequential([Input({ shape: [null, 2] }), new GRU({ units: 3, returnSequences: true }), new LSTM({ units: 2, goBackwards: true })]);
      model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.1, momentum: 0.9 }), loss: 'mse', runEagerly });
      return model;
    };
    const [compiled, eager] = [make(false), make(true)];
    eager.setWeights(compiled.getWeights());
    const calls = vi.spyOn(compiled.layers[0], 'call');
    const batches = [5, 3].map((time, k) => [ops.randomUniform([8, time, 2], { seed: 40 + k }), ops.randomUniform([8, 2], { seed: 50 + k })] as const);
    const options = { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 as const };
    const losses: number[][] = [[], []];
    for (let round = 0; round < 2; round++) {
      for (const [x, y] of batches) {
        const [a, b] = [await compiled.fit(x, y, options), await eager.fit(x, y, options)];
        expect(a.history).toEqual(b.history);
        losses[round].push(...a.history.loss);
      }
    }
    // 16 steps per length, each traced, compared, then replayed (three calls per length).
    expect(calls).toHaveBeenCalledTimes(6);
    const weightsOf = (model: Sequential) => Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));
    expect(await weightsOf(compiled)).toEqual(await weightsOf(eager));
    expect(losses[1].at(-1)!).toBeLessThan(losses[0][0]);

    await settleGarbage();
    const before = memory();
    for (const [x, y] of batches) await compiled.fit(x, y, options);
    await settleGarbage();
    expect(memory().liveTensors).toBe(before.liveTensors);
  });

  it('saves and loads with the time axis unknown, predicting the same on two lengths', async () => {
    const model = buildModel(null);
    await model.save('memory://unknown-time');
    const restored = await loadModel('memory://unknown-time');
    expect((restored.inputs as SymbolicTensor[])[0].shape).toEqual([null, null, FEATURES]);
    for (const time of [4, 2]) {
      const x = paddedBatch(time, 10 + time);
      expect(await predictions(restored, x)).toEqual(await predictions(model, x));
    }
    await removeModel('memory://unknown-time');
  });
});

describe('unroll', () => {
  it('is accepted with either value, kept in the config, and computes the same', async () => {
    const x = tensor(seededValues(2 * 4 * 3, 5), [2, 4, 3]);
    const rolled = new LSTM({ units: 3, returnSequences: true });
    const unrolled = new LSTM({ units: 3, returnSequences: true, unroll: true });
    rolled.apply(x);
    unrolled.apply(x);
    unrolled.setWeights(rolled.getWeights());
    expect(Array.from(await unrolled.apply(x).data())).toEqual(Array.from(await rolled.apply(x).data()));
    expect(rolled.getConfig().unroll).toBe(false);
    expect(unrolled.getConfig().unroll).toBe(true);
    expect((deserializeLayer({ className: 'LSTM', config: unrolled.getConfig() }) as LSTM).unroll).toBe(true);
    const rnn = new RNN({ cell: new LSTMCell({ units: 2 }), unroll: true });
    expect((deserializeLayer({ className: 'RNN', config: rnn.getConfig() }) as RNN).unroll).toBe(true);
    expect(() => new GRU({ units: 2, unroll: 'yes' as never })).toThrow('Invalid value for argument unroll. Expected a boolean. Received: unroll=yes');
  });
});
