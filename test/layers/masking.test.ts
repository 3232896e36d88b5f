// Masking, as Keras 3: Embedding's maskZero and the Masking layer make masks; the mask travels on
// the tensors (getMask) through the layers that support masking, eagerly and in functional and
// Sequential models; recurrent layers skip padded steps (a padded sequence gives what the sequence
// alone gives), GlobalAveragePooling1D averages the unmasked steps, merges combine masks,
// MultiHeadAttention turns masks into its attention mask; the loss and metrics of fit and evaluate
// leave padded positions out. Checked on both backends against independent references (runs on
// the unpadded sequences, hand-computed values), with memory flat and save/load keeping the masks.

import { describe, expect, it, vi } from 'vitest';
import { Input, Layer, Model, Sequential, getBackend, getMask, memory, ops, optimizers, setMask, tensor, tidy, type InputMask, type SymbolicTensor, type Tensor } from '../../src/node';
import {
  Add,
  Bidirectional,
  Concatenate,
  Dense,
  Embedding,
  Flatten,
  GRU,
  GlobalAveragePooling1D,
  LSTM,
  Masking,
  Maximum,
  MultiHeadAttention,
  SimpleRNN,
  TimeDistributed,
  deserializeLayer,
  type RecurrentLayer,
} from '../../src/layers/index';
import { MeanSquaredError } from '../../src/losses/index';
import { MeanAbsoluteError } from '../../src/metrics/index';
import { loadModel, removeModel } from '../../src/io/index';
import { onBothBackends, settleGarbage, useWebGPU } from '../helpers';
import { expectClose, seededValues } from './layer_helpers';

useWebGPU();

const values = async (t: Tensor) => Array.from(await t.data());
const ints = (rows: number[][]) => tensor(rows.flat(), [rows.length, rows[0].length], 'int32');
const seeded = (seed: number) => ({ className: 'RandomUniform', config: { minval: -0.5, maxval: 0.5, seed } });

describe('making masks', () => {
  it(
    'Embedding with maskZero marks index 0 as padding; without it there is no mask',
    onBothBackends(async () => {
      const indices = ints([[3, 5, 0], [0, 2, 0]]);
      const masked = new Embedding({ inputDim: 6, outputDim: 2, maskZero: true }).apply(indices);
      expect(await values(getMask(masked)!)).toEqual([1, 1, 0, 0, 1, 0]);
      expect(getMask(new Embedding({ inputDim: 6, outputDim: 2 }).apply(indices))).toBeNull();
    }),
  );

  it(
    'Masking zeroes the steps whose features all equal maskValue and masks them',
    onBothBackends(async () => {
      const x = tensor([1, 2, -1, -1, -1, 3, -1, -1], [2, 2, 2]);
      const y = new Masking({ maskValue: -1 }).apply(x);
      // x · 0 is -0 for negative x, as in Keras; + 0 makes it 0.
      expect((await values(y)).map((v) => v + 0)).toEqual([1, 2, 0, 0, -1, 3, 0, 0]);
      expect(await values(getMask(y)!)).toEqual([1, 0, 1, 0]);
      expect(getMask(y)!.shape).toEqual([2, 2]);
    }),
  );

  it('the configs keep maskZero and maskValue; bad options are Keras-style errors', () => {
    const embedding = deserializeLayer({ className: 'Embedding', config: new Embedding({ inputDim: 4, outputDim: 2, maskZero: true }).getConfig() }) as Embedding;
    expect(embedding.maskZero).toBe(true);
    expect(embedding.supportsMasking).toBe(true);
    const masking = deserializeLayer({ className: 'Masking', config: new Masking({ maskValue: -2 }).getConfig() }) as Masking;
    expect(masking.maskValue).toBe(-2);
    expect(() => new Masking({ maskValue: 'x' as never })).toThrow(/Invalid value for argument maskValue. Expected a number. Received: maskValue=x/);
    expect(() => new Embedding({ inputDim: 4, outputDim: 2, maskZero: 1 as never })).toThrow(/Expected a boolean. Received: maskZero=1/);
  });
});

describe('propagation', () => {
  it(
    'layers that support masking pass it on, the others drop it; setMask checks the shape',
    onBothBackends(async () => {
      const embedded = new Embedding({ inputDim: 5, outputDim: 3, maskZero: true }).apply(ints([[1, 2, 0]]));
      const dense = new Dense({ units: 2 }).apply(embedded);
      expect(await values(getMask(dense)!)).toEqual([1, 1, 0]);
      const distributed = new TimeDistributed({ layer: new Dense({ units: 2 }) }).apply(embedded);
      expect(await values(getMask(distributed)!)).toEqual([1, 1, 0]);
      expect(getMask(new GlobalAveragePooling1D().apply(embedded))).toBeNull();
      expect(getMask(new LSTM({ units: 2 }).apply(embedded))).toBeNull();
      expect(() => setMask(dense, tensor([1, 0], [1, 2], 'int32'))).toThrow(/Expected a mask of the tensor's leading dimensions \(a prefix of \[1,3,2\]\)\. Received: mask.shape=\[1,2\]/);
    }),
  );

  it(
    "a custom layer that overrides computeMask supports masking by default, as Keras 3 (the guide's TemporalSplit and CustomEmbedding)",
    onBothBackends(async () => {
      class TemporalSplit extends Layer {
        override call(inputs: Tensor | Tensor[]) {
          return ops.split(inputs as Tensor, 2, 1);
        }
        override computeMask(_inputs: Tensor | Tensor[], mask: InputMask) {
          return mask === null ? null : ops.split(mask as Tensor, 2, 1);
        }
      }
      class ZeroMaskingIdentity extends Layer {
        override computeMask(inputs: Tensor | Tensor[]) {
          return ops.notEqual(inputs as Tensor, 0);
        }
      }
      const embedded = new Embedding({ inputDim: 5, outputDim: 3, maskZero: true }).apply(ints([[1, 2, 3, 0], [4, 0, 0, 0]]));
      const split = new TemporalSplit();
      expect(split.supportsMasking).toBe(true);
      const [first, second] = split.apply(embedded) as unknown as Tensor[];
      expect(await values(getMask(first)!)).toEqual([1, 1, 1, 0]);
      expect(await values(getMask(second)!)).toEqual([1, 0, 0, 0]);
      expect(await values(getMask(new ZeroMaskingIdentity().apply(ints([[5, 0, 7]])))!)).toEqual([1, 0, 1]);
      // Without a computeMask of its own a custom layer still drops masks unless it opts in.
      class Plain extends Layer {
        override call(inputs: Tensor | Tensor[]) {
          return (inputs as Tensor).mul(2);
        }
      }
      expect(new Plain().supportsMasking).toBe(false);
      expect(getMask(new Plain().apply(embedded) as Tensor)).toBeNull();
    }),
  );

  it(
    "symbolic tensors carry their mask's shape, so a mask-consuming custom layer gets a mask when a functional model is built (the guide's TemporalSoftmax)",
    onBothBackends(async () => {
      class TemporalSoftmax extends Layer {
        constructor() {
          super();
          this.supportsMasking = true;
        }
        override call(inputs: Tensor | Tensor[], { mask }: { mask?: InputMask } = {}) {
          if (!mask) throw new Error('TemporalSoftmax: no mask');
          const kept = ops.expandDims(ops.cast(mask as Tensor, 'float32'), -1);
          const exponentials = ops.exp(inputs as Tensor).mul(kept);
          return exponentials.div(ops.sum(exponentials, 1, true));
        }
      }
      const tokens = Input({ shape: [null], dtype: 'int32' });
      const embedding = new Embedding({ inputDim: 5, outputDim: 3, maskZero: true, embeddingsInitializer: seeded(1) });
      const dense = new Dense({ units: 1, kernelInitializer: seeded(2) });
      const embedded = embedding.apply(tokens);
      const scores = dense.apply(embedded);
      expect([tokens.maskShape, embedded.maskShape, scores.maskShape]).toEqual([null, [null, null], [null, null]]);
      expect(new LSTM({ units: 2 }).apply(embedded).maskShape).toBeNull();
      expect(new LSTM({ units: 2, returnSequences: true }).apply(embedded).maskShape).toEqual([null, null]);
      expect(new Masking().apply(Input({ shape: [4, 2] })).maskShape).toEqual([null, 4]);
      const model = new Model({ inputs: tokens, outputs: new TemporalSoftmax().apply(scores) });
      const rows = [[1, 2, 0], [3, 0, 0]];
      const weights = await values(model.apply(ints(rows)) as Tensor);
      // The softmax over each row's unpadded steps of the same layers' scores, by hand.
      const raw = await values(dense.apply(embedding.apply(ints(rows))));
      const expected = rows.flatMap((row, r) => {
        const exps = row.map((token, t) => (token === 0 ? 0 : Math.exp(raw[3 * r + t])));
        const total = exps.reduce((a, b) => a + b, 0);
        return exps.map((e) => e / total);
      });
      expectClose(weights, expected, { atol: 1e-6 });
    }),
  );

  it('the mask option is for tensors: on symbolic tensors it is a clear error', () => {
    expect(() => new Dense({ units: 2 }).apply(Input({ shape: [3, 2] }), { mask: tensor([1, 0, 1], [1, 3], 'int32') })).toThrow(/the mask option is for tensors/);
  });

  it("a layer without masking support that is given a masked input says it destroys the mask, in Keras's words, when the model is built", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const ids = Input({ shape: [4], dtype: 'int32' });
      const embedded = new Embedding({ inputDim: 9, outputDim: 3, maskZero: true }).apply(ids) as SymbolicTensor;
      new LSTM({ units: 2 }).apply(embedded);
      new GlobalAveragePooling1D().apply(embedded);
      expect(warn).not.toHaveBeenCalled();
      new Flatten({ name: 'flat' }).apply(embedded);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toBe("Layer 'flat' (of type Flatten) was passed an input with a mask attached to it. However, this layer does not support masking and will therefore destroy the mask information. Downstream layers will not see the mask.");
    } finally {
      warn.mockRestore();
    }
  });

  it('a mask belongs to its tensor: tidy keeps it with a returned tensor, dispose frees it', async () => {
    const embedding = new Embedding({ inputDim: 5, outputDim: 3, maskZero: true });
    const dense = new Dense({ units: 2 });
    const indices = ints([[1, 2, 0]]);
    dense.apply(embedding.apply(indices)).dispose();
    await settleGarbage();
    const before = memory().liveTensors;
    const kept = tidy(() => dense.apply(embedding.apply(indices)));
    expect(await values(getMask(kept)!)).toEqual([1, 1, 0]);
    kept.dispose();
    expect(memory().liveTensors).toBe(before);
  });
});

/** Embedding (maskZero) then a recurrent layer, with fixed seeded weights. */
function embeddedRecurrent(kind: 'SimpleRNN' | 'GRU' | 'LSTM', options: Record<string, unknown> = {}) {
  const embedding = new Embedding({ inputDim: 7, outputDim: 3, maskZero: true, embeddingsInitializer: seeded(1) });
  const args = { units: 3, kernelInitializer: seeded(2), recurrentInitializer: seeded(3), biasInitializer: seeded(4), ...options };
  const layer: RecurrentLayer = kind === 'SimpleRNN' ? new SimpleRNN(args) : kind === 'GRU' ? new GRU(args) : new LSTM(args);
  return { embedding, layer, run: (rows: number[][]) => layer.apply(embedding.apply(ints(rows))) as Tensor };
}

describe('recurrent layers', () => {
  const padded = [
    [3, 5, 2, 0, 0],
    [4, 0, 0, 0, 0],
  ];
  const alone = [[[3, 5, 2]], [[4]]];

  for (const kind of ['SimpleRNN', 'GRU', 'LSTM'] as const) {
    it(
      `${kind}: a padded batch gives each sequence's output run alone, forwards and backwards`,
      onBothBackends(async () => {
        for (const goBackwards of [false, true]) {
          const { run } = embeddedRecurrent(kind, { goBackwards });
          const batch = await values(run(padded));
          const expected = [...(await values(run(alone[0]))), ...(await values(run(alone[1])))];
          expectClose(batch, expected, { atol: 1e-5 });
        }
      }),
    );
  }

  it(
    'LSTM returnSequences: a masked step repeats the previous output, or is zero with zeroOutputForMask; the states are those of the last unmasked step',
    onBothBackends(async () => {
      const steps = [[3, 5, 0, 0]];
      for (const zeroOutputForMask of [false, true]) {
        const { run } = embeddedRecurrent('LSTM', { returnSequences: true, zeroOutputForMask });
        const sequence = run(steps);
        expect(await values(getMask(sequence)!)).toEqual([1, 1, 0, 0]);
        const out = await values(sequence);
        const unpadded = await values(run([[3, 5]]));
        expectClose(out.slice(0, 6), unpadded, { atol: 1e-5 });
        const masked = zeroOutputForMask ? [0, 0, 0, 0, 0, 0] : [...unpadded.slice(3), ...unpadded.slice(3)];
        expectClose(out.slice(6), masked, { atol: 1e-6 });
      }
      const { run } = embeddedRecurrent('LSTM', { returnState: true });
      const [last, h, c] = run(steps) as unknown as Tensor[];
      const [lastAlone, hAlone, cAlone] = run([[3, 5]]) as unknown as Tensor[];
      expectClose(await values(last), await values(lastAlone), { atol: 1e-5 });
      expectClose(await values(h), await values(hAlone), { atol: 1e-5 });
      expectClose(await values(c), await values(cAlone), { atol: 1e-5 });
    }),
  );

  it(
    'Bidirectional gives the unpadded result, zeros at masked steps of a returned sequence, and keeps the mask',
    onBothBackends(async () => {
      const embedding = new Embedding({ inputDim: 7, outputDim: 3, maskZero: true, embeddingsInitializer: seeded(1) });
      const make = (returnSequences: boolean) => new Bidirectional({ layer: new GRU({ units: 2, returnSequences, kernelInitializer: seeded(2), recurrentInitializer: seeded(3) }) });
      const last = make(false);
      expectClose(await values(last.apply(embedding.apply(ints([[3, 5, 2, 0]])))), await values(last.apply(embedding.apply(ints([[3, 5, 2]])))), { atol: 1e-5 });
      const sequences = make(true);
      const out = sequences.apply(embedding.apply(ints([[3, 5, 0]])));
      expect(await values(getMask(out)!)).toEqual([1, 1, 0]);
      const unpadded = await values(sequences.apply(embedding.apply(ints([[3, 5]]))));
      const padded = await values(out);
      expectClose(padded.slice(0, 8), unpadded, { atol: 1e-5 });
      expect(padded.slice(8)).toEqual([0, 0, 0, 0]);
    }),
  );
});

describe('consumers', () => {
  it(
    'GlobalAveragePooling1D averages the unmasked steps (hand computation)',
    onBothBackends(async () => {
      const x = tensor([1, 2, 3, 4, 100, 100, 5, 6, 100, 100, 100, 100], [2, 3, 2]);
      setMask(x, tensor([1, 1, 0, 1, 0, 0], [2, 3], 'int32'));
      // Sample 0: mean of [1, 2] and [3, 4]; sample 1: [5, 6] alone.
      expect(await values(new GlobalAveragePooling1D().apply(x))).toEqual([2, 3, 5, 6]);
      expect(await values(new GlobalAveragePooling1D({ keepdims: true }).apply(x))).toEqual([2, 3, 5, 6]);
    }),
  );

  it(
    'merges: Add gives data where any input has data, none without every mask; Concatenate and Maximum as Keras',
    onBothBackends(async () => {
      const a = tensor([1, 2, 3, 4, 5, 6], [1, 3, 2]);
      const b = tensor([6, 5, 4, 3, 2, 1], [1, 3, 2]);
      setMask(a, tensor([1, 0, 0], [1, 3], 'int32'));
      setMask(b, tensor([0, 1, 0], [1, 3], 'int32'));
      expect(await values(getMask(new Add().apply([a, b]))!)).toEqual([1, 1, 0]);
      const unmasked = tensor([0, 0, 0, 0, 0, 0], [1, 3, 2]);
      expect(getMask(new Add().apply([a, unmasked]))).toBeNull();
      // Concatenate on the features: an input without a mask counts as all data.
      expect(await values(getMask(new Concatenate().apply([a, unmasked]))!)).toEqual([1, 1, 1]);
      expect(await values(getMask(new Concatenate().apply([a, b]))!)).toEqual([1, 1, 0]);
      // On the time axis the masks are joined.
      expect(await values(getMask(new Concatenate({ axis: 1 }).apply([a, b]))!)).toEqual([1, 0, 0, 0, 1, 0]);
      // Maximum: a masked value never wins over an unmasked one; both masked keeps the first.
      expect(await values(new Maximum().apply([a, b]))).toEqual([1, 2, 4, 3, 5, 6]);
    }),
  );

  it(
    'MultiHeadAttention with padded query and value equals the explicit attention mask, and keeps the query mask',
    onBothBackends(async () => {
      const embedding = new Embedding({ inputDim: 6, outputDim: 4, maskZero: true, embeddingsInitializer: seeded(5) });
      const query = embedding.apply(ints([[1, 2, 0], [3, 0, 0]]));
      const value = embedding.apply(ints([[4, 0], [5, 2]]));
      const attention = new MultiHeadAttention({ numHeads: 2, keyDim: 2, kernelInitializer: seeded(6) });
      const automatic = attention.apply([query, value]);
      expect(await values(getMask(automatic)!)).toEqual([1, 1, 0, 1, 0, 0]);
      // attention[b][t][s] = query mask[b][t] AND value mask[b][s], written out.
      const queryMask = [[1, 1, 0], [1, 0, 0]];
      const valueMask = [[1, 0], [1, 1]];
      const explicit = queryMask.flatMap((row, b) => row.flatMap((q) => valueMask[b].map((v) => q * v)));
      setMask(query, null);
      setMask(value, null);
      const withMask = attention.apply([query, value], { attentionMask: tensor(explicit, [2, 3, 2], 'int32') });
      expectClose(await values(automatic), await values(withMask), { atol: 1e-6 });
    }),
  );
});

describe('losses and metrics', () => {
  it(
    'a loss and a mean metric leave masked positions out (hand computation)',
    onBothBackends(async () => {
      const yTrue = tensor([0, 0, 0, 0, 0, 0], [2, 3, 1]);
      const yPred = tensor([1, 2, 9, 3, 9, 9], [2, 3, 1]);
      setMask(yPred, tensor([1, 1, 0, 1, 0, 0], [2, 3], 'int32'));
      // Squared errors of the unmasked steps: 1, 4, 9; their mean 14 / 3 (Keras divides by unmasked + 1e-7).
      expectClose(await values(new MeanSquaredError().apply(yTrue, yPred)), [14 / 3], { atol: 1e-5 });
      expectClose(await values(new MeanSquaredError({ reduction: 'sum' }).apply(yTrue, yPred)), [14], { atol: 1e-5 });
      // A weight per sample weighs its unmasked steps: (2·1 + 2·4 + 1·9) / 3.
      expectClose(await values(new MeanSquaredError().apply(yTrue, yPred, tensor([2, 1]))), [19 / 3], { atol: 1e-5 });
      const mae = new MeanAbsoluteError();
      mae.updateState(yTrue, yPred);
      expectClose(await values(mae.result()), [2], { atol: 1e-6 });
      mae.dispose();
    }),
  );

  it('evaluate and fit count only the unmasked steps of a sequence output', async () => {
    expect(getBackend()).toBe('webgpu');
    const inputs = Input({ shape: [4], dtype: 'int32' });
    const embedded = new Embedding({ inputDim: 5, outputDim: 3, maskZero: true, embeddingsInitializer: seeded(7) }).apply(inputs);
    const outputs = new Dense({ units: 1, kernelInitializer: seeded(8) }).apply(new LSTM({ units: 3, returnSequences: true }).apply(embedded));
    const model = new Model({ inputs, outputs });
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    const x = ints([[1, 2, 3, 0], [4, 0, 0, 0]]);
    const y = tensor(seededValues(8, 3), [2, 4, 1]);
    const predicted = await values((await model.predict(x)) as Tensor);
    const target = await values(y);
    const kept = [0, 1, 2, 4];
    const mse = kept.reduce((s, i) => s + (predicted[i] - target[i]) ** 2, 0) / kept.length;
    const mae = kept.reduce((s, i) => s + Math.abs(predicted[i] - target[i]), 0) / kept.length;
    const logs = await model.evaluate(x, y, { verbose: 0 });
    expectClose([logs.loss as number, logs.mae as number], [mse, mae], { atol: 1e-5 });
    // The masked targets do not matter: changing them changes nothing.
    const otherTargets = tensor(target.map((v, i) => (kept.includes(i) ? v : v + 10)), [2, 4, 1]);
    expectClose([(await model.evaluate(x, otherTargets, { verbose: 0 })).loss as number], [mse], { atol: 1e-5 });
    const history = await model.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    expectClose([history.history.loss[0]], [mse], { atol: 1e-5 });
  });
});

describe('training', () => {
  it('a padded-sequence classifier (Embedding maskZero, LSTM, Dense) trains with fit, leaks nothing, and survives save and load', async () => {
    expect(getBackend()).toBe('webgpu');
    // Label: whether the sequence holds token 1; sequences of 1 to 4 tokens, padded with 0.
    const rows: number[][] = [];
    const labels: number[] = [];
    const tokens = seededValues(64, 21, 1, 3.99).map(Math.floor);
    const lengths = seededValues(16, 22, 1, 4.99).map(Math.floor);
    for (let i = 0; i < 16; i++) {
      const row = tokens.slice(i * 4, i * 4 + lengths[i]);
      labels.push(row.includes(1) ? 1 : 0);
      rows.push([...row, ...new Array(4 - row.length).fill(0)]);
    }
    const model = new Sequential([
      Input({ shape: [4], dtype: 'int32' }),
      new Embedding({ inputDim: 4, outputDim: 4, maskZero: true, name: 'tokens' }),
      new LSTM({ units: 4 }),
      new Dense({ units: 1, activation: 'sigmoid' }),
    ]);
    model.compile({ optimizer: new optimizers.Adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const x = ints(rows);
    const y = tensor(labels, [16, 1]);
    const history = await model.fit(x, y, { epochs: 8, batchSize: 8, verbose: 0, shuffle: false });
    const losses = history.history.loss;
    expect(losses.at(-1)!).toBeLessThan(losses[0]);
    await settleGarbage();
    const before = memory();
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    await settleGarbage();
    expect(memory().liveTensors).toBe(before.liveTensors);

    await model.save('memory://padded-classifier');
    const restored = await loadModel('memory://padded-classifier');
    expect((restored.getLayer('tokens') as Embedding).maskZero).toBe(true);
    expect(await values((await restored.predict(x)) as Tensor)).toEqual(await values((await model.predict(x)) as Tensor));
    await removeModel('memory://padded-classifier');
  });

  it('fit replays a masked step (three layer calls for eight steps) and trains bit-identically to an eager fit', async () => {
    const make = (runEagerly: boolean) => {
      const model = new Sequential([
        Input({ shape: [3], dtype: 'int32' }),
        new Embedding({ inputDim: 4, outputDim: 2, maskZero: true, embeddingsInitializer: seeded(11) }),
        new GRU({ units: 2, returnSequences: true, kernelInitializer: seeded(12), recurrentInitializer: seeded(13) }),
        new Dense({ units: 1, kernelInitializer: seeded(14) }),
      ]);
      model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.1 }), loss: 'mse', metrics: ['mae'], runEagerly });
      return model;
    };
    const [compiled, eager] = [make(false), make(true)];
    const calls = vi.spyOn(compiled.layers[1], 'call');
    const x = ints([[1, 2, 0], [3, 0, 0], [2, 2, 1], [1, 0, 0], [3, 1, 0], [2, 0, 0], [1, 1, 1], [3, 3, 0]]);
    const y = tensor(seededValues(24, 15), [8, 3, 1]);
    const options = { epochs: 4, batchSize: 4, shuffle: false, verbose: 0 as const };
    const [a, b] = [await compiled.fit(x, y, options), await eager.fit(x, y, options)];
    expect(calls).toHaveBeenCalledTimes(3);
    expect(a.history).toEqual(b.history);
  });

  it('a saved model with Masking loads with its maskValue and still skips the padded steps', async () => {
    const model = new Sequential([Input({ shape: [3, 1] }), new Masking({ maskValue: -1, name: 'padding' }), new SimpleRNN({ units: 2, kernelInitializer: seeded(9), recurrentInitializer: seeded(10) })]);
    await model.save('memory://masking-model');
    const restored = await loadModel('memory://masking-model');
    expect((restored.getLayer('padding') as Masking).maskValue).toBe(-1);
    const padded = await values((await restored.predict(tensor([0.5, 0.25, -1], [1, 3, 1]))) as Tensor);
    const alone = await values(restored.getLayer(1).apply(tensor([0.5, 0.25], [1, 2, 1])) as Tensor);
    expectClose(padded, alone, { atol: 1e-6 });
    await removeModel('memory://masking-model');
  });
});
