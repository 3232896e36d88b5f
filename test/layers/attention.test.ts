// MultiHeadAttention against a plain-loop float64 reference (projections, scaled dot product,
// masks, softmax, output projection) on both backends; causal and user masks; dropout; symbolic
// shapes and several outputs; errors; config round trip; gradients; a functional model that trains
// with fit and survives save and load. Inputs of rank > 3 with attentionAxes against Keras 3.16's
// values, and a file Keras saved with such layers.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Input, Layer, Model, getBackend, getMask, layers, loadKerasModel, memory, ops, saveKerasModel, tensor, tidy, type SymbolicTensor, type Tensor } from '../../src/node';
import { GlobalAveragePooling1D, Dense, Masking, MultiHeadAttention, deserializeLayer, registerLayer, type MultiHeadAttentionArgs } from '../../src/layers/index';
import { loadModel, removeModel } from '../../src/io/index';
import { onBothBackends, settleGarbage, useWebGPU } from '../helpers';
import { expectClose, layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();

interface ReferenceCase {
  numHeads: number;
  keyDim: number;
  valueDim: number;
  outputSize: number;
  batch: number;
  targetLength: number;
  sourceLength: number;
  query: number[];
  queryDim: number;
  value: number[];
  valueInputDim: number;
  key: number[];
  keyInputDim: number;
  /** Weights in Keras's order, flat row-major: query kernel/bias, key kernel/bias, value kernel/bias, output kernel/bias. */
  weights: number[][];
  /** Whether query position t of sample b may attend to source position s. */
  attends: (b: number, t: number, s: number) => boolean;
}

/** Output [batch, target, outputSize] and probabilities [batch, heads, target, source], in float64 loops. */
function attentionReference(c: ReferenceCase): { output: number[]; scores: number[] } {
  const [qKernel, qBias, kKernel, kBias, vKernel, vBias, oKernel, oBias] = c.weights;
  const heads = c.numHeads;
  const project = (x: number[], dim: number, kernel: number[], bias: number[], size: number, b: number, position: number, n: number, h: number) => {
    let total = bias[n * size + h];
    for (let d = 0; d < dim; d++) total += x[(b * (x.length / c.batch / dim) + position) * dim + d] * kernel[(d * heads + n) * size + h];
    return total;
  };
  const output = new Array<number>(c.batch * c.targetLength * c.outputSize).fill(0);
  const scores = new Array<number>(c.batch * heads * c.targetLength * c.sourceLength).fill(0);
  for (let b = 0; b < c.batch; b++) {
    for (let t = 0; t < c.targetLength; t++) {
      for (let o = 0; o < c.outputSize; o++) output[(b * c.targetLength + t) * c.outputSize + o] = oBias[o];
    }
    for (let n = 0; n < heads; n++) {
      for (let t = 0; t < c.targetLength; t++) {
        const logits: number[] = [];
        for (let s = 0; s < c.sourceLength; s++) {
          let dot = 0;
          for (let h = 0; h < c.keyDim; h++) dot += project(c.query, c.queryDim, qKernel, qBias, c.keyDim, b, t, n, h) * project(c.key, c.keyInputDim, kKernel, kBias, c.keyDim, b, s, n, h);
          logits.push(dot / Math.sqrt(c.keyDim) + (c.attends(b, t, s) ? 0 : -1e9));
        }
        const top = Math.max(...logits);
        const exps = logits.map((l) => Math.exp(l - top));
        const total = exps.reduce((a, e) => a + e, 0);
        const probabilities = exps.map((e) => e / total);
        probabilities.forEach((p, s) => (scores[((b * heads + n) * c.targetLength + t) * c.sourceLength + s] = p));
        for (let h = 0; h < c.valueDim; h++) {
          let mixed = 0;
          for (let s = 0; s < c.sourceLength; s++) mixed += probabilities[s] * project(c.value, c.valueInputDim, vKernel, vBias, c.valueDim, b, s, n, h);
          for (let o = 0; o < c.outputSize; o++) output[(b * c.targetLength + t) * c.outputSize + o] += mixed * oKernel[(n * c.valueDim + h) * c.outputSize + o];
        }
      }
    }
  }
  return { output, scores };
}

/** A small cross-attention case: query [2, 3, 5], value [2, 4, 4], key [2, 4, 3], 2 heads. */
function crossCase(attends: ReferenceCase['attends'] = () => true): ReferenceCase {
  const [numHeads, keyDim, valueDim] = [2, 3, 2];
  const [batch, targetLength, sourceLength, queryDim, valueInputDim, keyInputDim] = [2, 3, 4, 5, 4, 3];
  const sizes = [queryDim * numHeads * keyDim, numHeads * keyDim, keyInputDim * numHeads * keyDim, numHeads * keyDim, valueInputDim * numHeads * valueDim, numHeads * valueDim, numHeads * valueDim * queryDim, queryDim];
  return {
    numHeads,
    keyDim,
    valueDim,
    outputSize: queryDim,
    batch,
    targetLength,
    sourceLength,
    query: seededValues(batch * targetLength * queryDim, 1),
    queryDim,
    value: seededValues(batch * sourceLength * valueInputDim, 2),
    valueInputDim,
    key: seededValues(batch * sourceLength * keyInputDim, 3),
    keyInputDim,
    weights: sizes.map((size, i) => seededValues(size, 10 + i)),
    attends,
  };
}

function inputsOf(c: ReferenceCase): [Tensor, Tensor, Tensor] {
  return [
    tensor(c.query, [c.batch, c.targetLength, c.queryDim]),
    tensor(c.value, [c.batch, c.sourceLength, c.valueInputDim]),
    tensor(c.key, [c.batch, c.sourceLength, c.keyInputDim]),
  ];
}

/** A built layer holding the case's weights. */
function layerFor(c: ReferenceCase, inputs: Tensor[]): MultiHeadAttention {
  const layer = new MultiHeadAttention({ numHeads: c.numHeads, keyDim: c.keyDim, valueDim: c.valueDim });
  tidy(() => layer.apply(inputs));
  layer.setWeights(layer.weights.map((w, i) => tensor(c.weights[i], w.shape as number[])));
  return layer;
}

async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

describe('MultiHeadAttention values', () => {
  it('matches the plain-loop reference for query, value and key, with the scores, on both backends', async () => {
    const c = crossCase();
    const expected = attentionReference(c);
    const results: Record<string, number[]> = {};
    await onBothBackends(async () => {
      const inputs = inputsOf(c);
      const layer = layerFor(c, inputs);
      const [output, scores] = layer.apply(inputs, { returnAttentionScores: true }) as Tensor[];
      expect(output.shape).toEqual([2, 3, 5]);
      expect(scores.shape).toEqual([2, 2, 3, 4]);
      expectClose(await values(output), expected.output, { atol: 1e-5 });
      expectClose(await values(scores), expected.scores, { atol: 1e-6 });
      results[getBackend()] = await values(output);
    })();
    expectClose(results.webgpu, results.cpu, { atol: 1e-5 });
  });

  it('uses value as key when no key is given', async () => {
    const c = crossCase();
    const selfKey: ReferenceCase = { ...c, key: c.value, keyInputDim: c.valueInputDim, weights: [...c.weights] };
    selfKey.weights[2] = seededValues(c.valueInputDim * c.numHeads * c.keyDim, 30);
    const [query, value] = inputsOf(selfKey);
    const layer = layerFor(selfKey, [query, value]);
    expect(layer.weights[2].shape).toEqual([4, 2, 3]);
    expectClose(await values(layer.apply([query, value]) as Tensor), attentionReference(selfKey).output, { atol: 1e-5 });
  });

  it('applies an attention mask of shape [batch, target, source] (0 = masked), on both backends', async () => {
    const maskValues = Array.from({ length: 2 * 3 * 4 }, (_, i) => (i % 3 === 1 || i % 4 === 0 ? 1 : 0));
    const c = crossCase((b, t, s) => maskValues[(b * 3 + t) * 4 + s] === 1);
    const expected = attentionReference(c);
    await onBothBackends(async () => {
      const inputs = inputsOf(c);
      const layer = layerFor(c, inputs);
      const [output, scores] = layer.apply(inputs, { attentionMask: tensor(maskValues, [2, 3, 4], 'int32'), returnAttentionScores: true }) as Tensor[];
      expectClose(await values(output), expected.output, { atol: 1e-5 });
      expectClose(await values(scores), expected.scores, { atol: 1e-6 });
    })();
  });

  it('broadcasts a [target, source] float mask over the batch', async () => {
    const maskValues = [1, 1, 0, 0, 0, 1, 1, 0, 1, 0, 0, 1];
    const c = crossCase((_, t, s) => maskValues[t * 4 + s] === 1);
    const inputs = inputsOf(c);
    const output = layerFor(c, inputs).apply(inputs, { attentionMask: tensor(maskValues, [3, 4]) }) as Tensor;
    expectClose(await values(output), attentionReference(c).output, { atol: 1e-5 });
  });

  it('with useCausalMask attends only to positions at or before each query position, combined with a mask', async () => {
    const c = crossCase();
    const causal = { ...c, sourceLength: 3, value: c.value.slice(0, 2 * 3 * 4), key: c.key.slice(0, 2 * 3 * 3) };
    const padding = [1, 1, 1, 1, 1, 0]; // [batch, source]: the last source position of sample 1 is padding
    const inputs = inputsOf(causal);
    const layer = layerFor(causal, inputs);
    const [output, scores] = layer.apply(inputs, { useCausalMask: true, returnAttentionScores: true }) as Tensor[];
    const lower = attentionReference({ ...causal, attends: (_, t, s) => s <= t });
    expectClose(await values(output), lower.output, { atol: 1e-5 });
    const probabilities = await values(scores);
    for (let t = 0; t < 3; t++) for (let s = t + 1; s < 3; s++) expect(probabilities[t * 3 + s]).toBe(0);
    const mask = tensor(padding, [2, 1, 3]);
    const both = layer.apply(inputs, { useCausalMask: true, attentionMask: mask }) as Tensor;
    expectClose(await values(both), attentionReference({ ...causal, attends: (b, t, s) => s <= t && padding[b * 3 + s] === 1 }).output, { atol: 1e-5 });
  });

  it("gives a fully masked query position zero probabilities, as Keras's masked softmax", async () => {
    const c = crossCase();
    const inputs = inputsOf(c);
    const mask = tensor([1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1], [1, 3, 4]);
    const [, scores] = layerFor(c, inputs).apply(inputs, { attentionMask: mask, returnAttentionScores: true }) as Tensor[];
    const probabilities = await values(scores);
    expectClose(probabilities.slice(4, 8), [0, 0, 0, 0], { atol: 1e-6 });
  });

  it('drops attention probabilities only in training, leaving the returned scores whole', async () => {
    const c = crossCase();
    const inputs = inputsOf(c);
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 3, valueDim: 2, dropout: 0.5, seed: 7 });
    tidy(() => layer.apply(inputs));
    layer.setWeights(layer.weights.map((w, i) => tensor(c.weights[i], w.shape as number[])));
    const expected = attentionReference(c);
    expectClose(await values(layer.apply(inputs) as Tensor), expected.output, { atol: 1e-5 });
    const [trained, scores] = layer.apply(inputs, { training: true, returnAttentionScores: true }) as Tensor[];
    expectClose(await values(scores), expected.scores, { atol: 1e-6 });
    const differences = (await values(trained)).filter((v, i) => Math.abs(v - expected.output[i]) > 1e-4);
    expect(differences.length).toBeGreaterThan(0);
  });

  it('projects to outputShape, with Keras weight shapes and names', () => {
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 4, valueDim: 3, outputShape: [2, 5], name: 'mha' });
    const query = Input({ shape: [6, 8] });
    const value = Input({ shape: [7, 3] });
    expect(layer.apply([query, value]).shape).toEqual([null, 6, 2, 5]);
    expect(layer.weights.map((w) => [w.name, [...w.shape]])).toEqual([
      ['mha/query/kernel', [8, 2, 4]],
      ['mha/query/bias', [2, 4]],
      ['mha/key/kernel', [3, 2, 4]],
      ['mha/key/bias', [2, 4]],
      ['mha/value/kernel', [3, 2, 3]],
      ['mha/value/bias', [2, 3]],
      ['mha/attention_output/kernel', [2, 3, 2, 5]],
      ['mha/attention_output/bias', [2, 5]],
    ]);
    expect(new MultiHeadAttention({ numHeads: 2, keyDim: 4, useBias: false }).apply([query, value]).shape).toEqual([null, 6, 8]);
  });

  it('runs with no biases and an outputShape on both backends', async () => {
    await onBothBackends(async () => {
      const layer = new MultiHeadAttention({ numHeads: 1, keyDim: 2, useBias: false, outputShape: 3, kernelInitializer: 'ones' });
      const x = tensor([1, 2, 3, 4], [1, 2, 2]);
      const y = layer.apply([x, x]) as Tensor;
      expect(layer.weights).toHaveLength(4);
      expect(y.shape).toEqual([1, 2, 3]);
      // All-ones kernels: every head feature is the row sum; both positions average the value sums (3 and 7) and sum over 2 head features.
      const logits = [3 * 3 * 2, 3 * 7 * 2, 7 * 3 * 2, 7 * 7 * 2].map((v) => v / Math.sqrt(2));
      const mix = (a: number, b: number) => (3 * Math.exp(a) + 7 * Math.exp(b)) / (Math.exp(a) + Math.exp(b));
      const rows = [mix(logits[0] - logits[1], 0), mix(logits[2] - logits[3], 0)].map((m) => m * 2);
      expectClose(await values(y), [rows[0], rows[0], rows[0], rows[1], rows[1], rows[1]], { atol: 1e-4 });
    })();
  });
});

describe('call options', () => {
  it('an option that is not one of their own is an error (Keras snake_case names get their camelCase form), for attention and recurrent layers', () => {
    const x = ops.ones([1, 3, 2]);
    expect(() => new MultiHeadAttention({ numHeads: 1, keyDim: 2, name: 'mha' }).apply([x, x], { use_causal_mask: true } as never)).toThrow(
      "MultiHeadAttention 'mha'.apply: unknown option 'use_causal_mask' (did you mean 'useCausalMask'?). Its options: training, mask, attentionMask, returnAttentionScores, useCausalMask.",
    );
    expect(() => new layers.Attention({ name: 'att' }).apply([x, x], { return_attention_scores: true } as never)).toThrow("Attention 'att'.apply: unknown option 'return_attention_scores' (did you mean 'returnAttentionScores'?)");
    expect(() => new layers.LSTM({ units: 2, name: 'lstm' }).apply(x, { initial_state: [] } as never)).toThrow("LSTM 'lstm'.apply: unknown option 'initial_state' (did you mean 'initialState'?)");
  });
});

describe('MultiHeadAttention in graphs', () => {
  it('gives two symbolic outputs with returnAttentionScores, and records a symbolic mask as an input', () => {
    const query = Input({ shape: [5, 4] });
    const value = Input({ shape: [6, 4] });
    const mask = Input({ shape: [5, 6] });
    const layer = new MultiHeadAttention({ numHeads: 3, keyDim: 2 });
    const [output, scores] = layer.apply([query, value], { returnAttentionScores: true, attentionMask: mask }) as SymbolicTensor[];
    expect(output.shape).toEqual([null, 5, 4]);
    expect(scores.shape).toEqual([null, 3, 5, 6]);
    expect(layer.inboundNodes[0].inputs).toEqual([query, value, value, mask]);
    expect(layer.inboundNodes[0].callArgs).toEqual({ returnAttentionScores: true });
  });

  it('rejects bad inputs, masks and options before any GPU work', () => {
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 2 });
    const x = tensor(seededValues(12, 1), [1, 3, 4]);
    expect(() => layer.apply(x as never)).toThrow('Expected a list [query, value] or [query, value, key]');
    expect(() => layer.apply([tensor([1, 2], [1, 2]), x])).toThrow('Invalid shape for `query`');
    expect(() => layer.apply([x, x, tensor(seededValues(8, 2), [1, 2, 4])])).toThrow('All dimensions of `value` and `key`, except the last one, must be equal');
    expect(() => layer.apply([x, x], { attentionMask: tensor([1, 1, 1, 1], [2, 2]) })).toThrow('Invalid value for argument attentionMask');
    expect(() => layer.apply([x, x], { useCausalMask: 1 as never })).toThrow('Invalid value for argument useCausalMask. Expected a boolean.');
    layer.apply([x, x]);
    expect(() => layer.apply([tensor(seededValues(6, 3), [1, 3, 2]), x])).toThrow('was built for `query` with 4 features');
    expect(() => new MultiHeadAttention({ numHeads: 2, keyDim: 2, attentionAxes: [2] }).apply([x, x])).toThrow('Invalid value for argument attentionAxes of layer');
    expect(() => new MultiHeadAttention({ numHeads: 0, keyDim: 2 })).toThrow('Received an invalid value for `numHeads`');
    expect(() => new MultiHeadAttention({ numHeads: 1, keyDim: 2, dropout: 2 })).toThrow('Invalid value for argument dropout');
    expect(() => new MultiHeadAttention({ numHeads: 1, keyDim: 2, outputShape: [0] })).toThrow('Invalid value for argument outputShape');
    expect(() => new MultiHeadAttention({ numHeads: 1, keyDim: 2, numHead: 3 } as never).apply([x, x])).toThrow("unknown option 'numHead'");
  });

  it('round-trips its config through the registry', () => {
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 4, valueDim: 3, dropout: 0.1, useBias: false, outputShape: [2, 3], attentionAxes: [1], kernelInitializer: 'heNormal', biasRegularizer: 'l2', seed: 5 });
    const config = layer.getConfig();
    expect(config).toMatchObject({ numHeads: 2, keyDim: 4, valueDim: 3, dropout: 0.1, useBias: false, outputShape: [2, 3], attentionAxes: [1], seed: 5 });
    const rebuilt = deserializeLayer({ className: 'MultiHeadAttention', config });
    expect(rebuilt).toBeInstanceOf(MultiHeadAttention);
    expect(rebuilt.getConfig()).toEqual(config);
    expect(new MultiHeadAttention({ numHeads: 1, keyDim: 2 }).getConfig()).toMatchObject({ valueDim: 2, dropout: 0, useBias: true, outputShape: null, attentionAxes: null });
  });

  it('has tape gradients matching finite differences (causal self-attention)', async () => {
    class CausalSelfAttention extends Layer {
      attention = new MultiHeadAttention({ numHeads: 2, keyDim: 2, valueDim: 1, biasInitializer: { className: 'RandomUniform', config: { seed: 3 } } });
      override call(x: Tensor | Tensor[]): Tensor {
        return this.attention.apply([x as Tensor, x as Tensor], { useCausalMask: true }) as Tensor;
      }
    }
    expect(await layerGradCheck(() => new CausalSelfAttention(), [1, 3, 2], seededValues(6, 4, -1, 1))).toBe('ok');
  });

  it('trains in a functional model with fit (loss decreases), without leaking, and survives save and load', async () => {
    const tokens = Input({ shape: [4, 3], name: 'tokens' });
    const mask = Input({ shape: [4, 4], name: 'mask' });
    const attended = new MultiHeadAttention({ numHeads: 2, keyDim: 4, name: 'attention' }).apply([tokens, tokens], { attentionMask: mask }) as SymbolicTensor;
    const outputs = new Dense({ units: 1, name: 'head' }).apply(new GlobalAveragePooling1D().apply(attended));
    const model = new Model({ inputs: [tokens, mask], outputs, name: 'attention_model' });
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const x = ops.randomUniform([16, 4, 3], { seed: 1 });
    const lowerTriangle = tensor([1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1], [1, 4, 4]);
    const masks = ops.broadcastTo(lowerTriangle, [16, 4, 4]);
    const y = x.sum([1, 2]).reshape([16, 1]).mul(0.2);
    const history = await model.fit([x, masks], y, { epochs: 5, batchSize: 8, verbose: 0, shuffle: false });
    const losses = history.history.loss;
    expect(losses.at(-1)!).toBeLessThan(losses[0]);
    await settleGarbage();
    const before = memory();
    await model.fit([x, masks], y, { epochs: 1, batchSize: 8, verbose: 0 });
    await settleGarbage();
    expect(memory().liveTensors).toBe(before.liveTensors);

    await model.save('memory://attention-model');
    const restored = await loadModel('memory://attention-model');
    expect(restored.layers.find((l) => l.name === 'attention')).toBeInstanceOf(MultiHeadAttention);
    const predictions = await restored.predict([x, masks]);
    expect(await values(predictions as Tensor)).toEqual(await values((await model.predict([x, masks])) as Tensor));
    await removeModel('memory://attention-model');
  });

  it('keeps useCausalMask and returnAttentionScores through save and load (call options of its node)', async () => {
    const tokens = Input({ shape: [3, 2], name: 'tokens' });
    const [attended, scores] = new MultiHeadAttention({ numHeads: 1, keyDim: 2, name: 'attention' }).apply([tokens, tokens], { useCausalMask: true, returnAttentionScores: true });
    const model = new Model({ inputs: tokens, outputs: [attended, scores], name: 'causal_model' });
    const x = ops.randomUniform([2, 3, 2], { seed: 3 });
    await model.save('memory://causal-model');
    const restored = await loadModel('memory://causal-model');
    const [restoredOutput, restoredScores] = (await restored.predict(x)) as Tensor[];
    const [output, originalScores] = (await model.predict(x)) as Tensor[];
    expect(await values(restoredOutput)).toEqual(await values(output));
    // Causal: query position 0 attends to key position 0 alone.
    const firstRows = ((await restoredScores.array()) as number[][][][]).map((batch) => batch[0][0]);
    expect(firstRows).toEqual([[1, 0, 0], [1, 0, 0]]);
    expect(await values(restoredScores)).toEqual(await values(originalScores));
    await removeModel('memory://causal-model');
  });

  it('refuses to save a call option that holds a tensor, saying to make it an input', async () => {
    class Scaled extends Dense {
      override call(inputs: Tensor, args: { factor?: Tensor } = {}): Tensor {
        return super.call(inputs).mul(args.factor ?? 1);
      }
    }
    registerLayer(Scaled);
    const input = Input({ shape: [2] });
    const model = new Model({ inputs: input, outputs: new Scaled({ units: 1, name: 'scaled' }).apply(input, { factor: tensor(2) } as never) as SymbolicTensor, name: 'scaled_model' });
    await expect(model.save('memory://scaled-model')).rejects.toThrow("Cannot save model 'scaled_model': layer 'scaled' was applied with the call option 'factor' holding Tensor, which cannot be saved; only booleans, numbers and strings can (pass tensors as inputs of the layer).");
  });
});

/** Input `k` of a Keras case: 2 * sin(0.7 * i + k), as make_attention_axes.py makes it. */
function kerasInput(shape: number[], k = 0): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: size }, (_, i) => 2 * Math.sin(0.7 * i + k)), shape);
}

/** A MultiHeadAttention built on `inputs` with make_attention_axes.py's weights: sin(0.37 * i + seed), seeds in Keras's variable order. */
function kerasLayer(options: MultiHeadAttentionArgs, inputs: Tensor[]): MultiHeadAttention {
  const layer = new MultiHeadAttention(options);
  tidy(() => layer.apply(inputs));
  layer.setWeights(layer.weights.map((w, seed) => tensor(Array.from({ length: w.size }, (_, i) => Math.sin(0.37 * i + seed)), w.shape as number[])));
  return layer;
}

// What Keras 3.16 (NumPy backend) computes for the cases below, printed by
// test/fixtures/keras/make_attention_axes.py: the same layers, weights and inputs.
const KERAS = {
  grid: {
    output: [0.640703, 0.834289, 0.914959, 0.871793, 0.710634, 0.453294, -0.498736, -0.78039, -0.956421, -1.00301, -0.913838, -0.700986, 0.907237, 1.22506, 1.37708, 1.34271, 1.12662, 0.758041, 0.671407, 0.876541, 0.963038, 0.919193, 0.750939, 0.48105, -0.51542, -0.803614, -0.983043, -1.02942, -0.936472, -0.716776, 0.906192, 1.22336, 1.37496, 1.34046, 1.12453, 0.75641, 0.697683, 0.912903, 1.00457, 0.960266, 0.785998, 0.505349, -0.529538, -0.823445, -1.0059, -1.05222, -0.956119, -0.730614, 0.904985, 1.2214, 1.37251, 1.33786, 1.12213, 0.754526, 0.720059, 0.944073, 1.04031, 0.995747, 0.816414, 0.526583, -0.541451, -0.840354, -1.02552, -1.07189, -0.973177, -0.742753, 0.903604, 1.21916, 1.36971, 1.33487, 1.11937, 0.752365, 0.72503, 0.968319, 1.08055, 1.04654, 0.870876, 0.577347, -0.575463, -0.878974, -1.06352, -1.10412, -0.995289, -0.751747, 0.804337, 1.08827, 1.2249, 1.19575, 1.00477, 0.677789, 0.738528, 0.987443, 1.10271, 1.06873, 0.890107, 0.591009, -0.584108, -0.891495, -1.07822, -1.11902, -1.00836, -0.761224, 0.803556, 1.08675, 1.22285, 1.19345, 1.00252, 0.675901, 0.749496, 1.00311, 1.12095, 1.08708, 0.906081, 0.602446, -0.591298, -0.902096, -1.0908, -1.13187, -1.01974, -0.769603, 0.802635, 1.08496, 1.22044, 1.19073, 0.999871, 0.673681, 0.758384, 1.01592, 1.13595, 1.10224, 0.919346, 0.612022, -0.597246, -0.911053, -1.10155, -1.14296, -1.02968, -0.777032, 0.801554, 1.08286, 1.21761, 1.18756, 0.996779, 0.671088],
    /** scores[0, 0, 0, 0] and scores[1, 1, 2, 3]: each query position's probabilities over the 3 x 4 key positions. */
    scoreRows: [0.010821, 0.00957463, 0.231447, 0.0115136, 0.00903102, 0.230355, 0.0122634, 0.00852954, 0.228732, 0.0130748, 0.00806708, 0.22659, 2.12625e-05, 0.158545, 0.0948142, 2.10507e-05, 0.134581, 0.112461, 2.09772e-05, 0.113853, 0.132968, 2.10407e-05, 0.0960096, 0.156683],
  },
  lastAxis: {
    output: [1.28812, 1.68424, 1.85241, 1.76987, -0.0454474, -0.021822, 0.00475723, 0.030693, 0.363349, 0.578406, 0.715178, 0.755155, 0.147435, 0.32238, 0.453694, 0.523601, 1.73024, 2.0424, 2.07812, 1.83258, 0.656987, 0.885149, 0.993511, 0.967406],
    scores: [0.253532, 0, 0.590607, 0.155861, 0.00855475, 0.981112, 0, 0.010333, 0.870668, 0.055257, 0.0740746, 0, 0.855992, 0, 0.124954, 0.0190534, 1.39589e-11, 0.999964, 0, 3.5911e-05, 0.995546, 4.93087e-08, 0.0044539, 0, 0.101215, 2.16894e-09, 0.898785, 3.04087e-09, 0, 0.54574, 9.82435e-06, 0.45425, 0, 0, 0, 0, 2.51535e-05, 2.17783e-13, 0.999975, 2.22742e-16, 0, 0.0214342, 2.02907e-09, 0.978566, 0, 0, 0, 0],
  },
  defaultAxes: {
    output: [-1.50033, -2.00098, -2.2308, -2.1587, -0.690106, -1.08516, -1.33334, -1.40106, 0.800202, 1.51081, 2.01693, 2.25007, -0.778241, -1.23061, -1.51643, -1.597, 1.03149, 1.90603, 2.5226, 2.79774, -0.806681, -1.28093, -1.5818, -1.66859, 0.724692, 1.54373, 2.15383, 2.47242, 0.235256, -0.0281575, -0.28776, -0.508415, 0.742172, 0.548833, 0.281211, -0.0244716, -0.590472, -0.376054, -0.110739, 0.169564, 0.28903, -0.0108148, -0.309195, -0.565728, 0.52658, 1.32859, 1.95078, 2.30894],
    scores: [0.0635501, 0.200137, 0.0290223, 0.350597, 0.0220948, 0.334598, 0.000124325, 0.169351, 1.07551e-05, 0.640805, 1.01267e-05, 0.189698, 0.128365, 0.00237857, 0.442198, 0.00126291, 0.423212, 0.00258363, 1.24471e-06, 0.0789418, 2.18509e-08, 0.785438, 1.63968e-08, 0.135618, 0.0476259, 0.000107842, 0.439267, 3.05527e-05, 0.512889, 8.05328e-05, 8.94284e-07, 0.0639832, 1.20929e-08, 0.790806, 7.82804e-09, 0.14521, 0.573715, 0.00633937, 0.158006, 0.0333777, 0.0250748, 0.203487, 9.61353e-09, 0.996822, 1.00582e-06, 0.00193242, 0.001243, 1.48596e-06, 0.926917, 3.889e-06, 0.039134, 0.000267215, 0.000320092, 0.0333581, 1.2913e-10, 0.999286, 3.57205e-08, 0.000498064, 0.000215887, 7.48209e-08, 0.931044, 3.04013e-06, 0.0410422, 0.000206973, 0.000327146, 0.0273766, 5.99671e-09, 0.99728, 5.7839e-07, 0.00196715, 0.000750406, 1.35643e-06, 0.22991, 0.00861988, 0.0218894, 0.100831, 0.00223252, 0.636518, 0.000220131, 0.0831758, 0.0148953, 0.00100766, 0.900665, 3.65454e-05, 0.169115, 0.13997, 0.218491, 0.11406, 0.248723, 0.109641, 0.0375792, 0.316986, 0.118601, 0.0896525, 0.405997, 0.0311837, 0.0012769, 0.0619074, 0.0392156, 0.00191217, 0.895518, 0.000170415, 0.176443, 0.0310977, 0.0304707, 0.179651, 0.00647475, 0.575863, 0.00337682, 0.374011, 0.00144135, 0.460956, 0.00227744, 0.157938, 0.137645, 5.29328e-05, 0.585038, 3.6521e-05, 0.277011, 0.00021656, 0.211118, 0.000232733, 0.550551, 0.000219009, 0.236737, 0.00114174, 0.00970948, 0.423699, 0.00638402, 0.396846, 0.0109845, 0.152377, 0.0575594, 1.90029e-09, 0.827505, 1.31657e-09, 0.114936, 7.84127e-08, 3.37515e-06, 0.434293, 5.74944e-07, 0.533579, 2.28978e-06, 0.0321216],
  },
  rank5: {
    output: [-1.28229, -1.63909, -1.77405, -1.6689, 0.211748, 0.124385, 0.0201862, -0.0867445, 0.236259, 0.559842, 0.807653, 0.946152, -1.22798, -2.66744, -3.74588, -4.31733, 0.852637, 0.976961, 0.969058, 0.829998, -1.02738, -1.83434, -2.39303, -2.62784, -0.85222, -1.06888, -1.14087, -1.05845, -2.11301, -4.83269, -6.89828, -8.03023, -0.0266712, 0.418763, 0.807519, 1.08698, 0.118043, 0.439616, 0.701688, 0.868791, -2.83448, -5.61202, -7.63, -8.61529, 0.751017, 0.796803, 0.734746, 0.573244],
    scores: [0.232872, 0.116134, 0, 0.650995, 0.923389, 0, 0.0136333, 0.0629776, 0, 0.0006292, 0.999371, 0, 0.00798683, 0.0026185, 0, 0.989395, 0.471395, 0.00430448, 0, 0.524301, 0.537401, 0, 0.00313251, 0.459466, 0, 0.426982, 0.573018, 0, 0.000288913, 0.999327, 0, 0.000384303, 0.781396, 0.0279935, 0, 0.190611, 0.241872, 0, 0.508129, 0.25, 0, 0.000268847, 0.999731, 0, 0.122215, 0.499901, 0, 0.377883, 0.0347768, 6.13942e-07, 0, 0.965223, 0.0703753, 0, 0.918924, 0.0107005, 0, 0.999974, 2.57495e-05, 0, 0.249368, 0.0118842, 0, 0.738748, 0.57237, 0.000151661, 0, 0.427479, 0.00011841, 0, 0.999741, 0.000140323, 0, 0.219811, 0.780189, 0, 0.495311, 0.00561141, 0, 0.499077, 0.00523695, 3.60435e-05, 0, 0.994727, 0.997829, 0, 0.00155923, 0.000611386, 0, 0.999999, 8.76883e-07, 0, 0.0064732, 7.08184e-05, 0, 0.993456],
  },
  causal: {
    output: [-2.31129, -4.3123, -5.72966, -6.37154, 2.24605, 3.84569, 4.92483, 5.33742, -2.31128, -4.31228, -5.72964, -6.37152, 1.7313, 3.10059, 4.05024, 4.4517, -2.07993, -4.00551, -5.38897, -6.04305, -0.996334, -1.22415, -1.28629, -1.17434],
    scores: [1, 0, 0, 0.999985, 1.48163e-05, 0, 0.835349, 0.137757, 0.0268935, 1, 0, 0, 0.660921, 0.339079, 0, 5.58129e-06, 0.0204788, 0.979516],
  },
  masked: {
    output: [-1.68275, -2.54318, -3.05939, -3.16153, -1.62503, -2.15679, -2.39664, -2.31212, 0.656987, 0.885149, 0.993511, 0.967406, -2.19164, -4.78675, -6.73399, -7.76983, 0.979809, 2.50736, 3.69555, 4.38357, -2.19295, -4.78891, -6.7367, -7.77272, -0.541408, -1.06386, -1.44232, -1.62558, -0.0693445, -0.280549, -0.453782, -0.565599, 0.618494, 0.765288, 0.808504, 0.742293, 0.656987, 0.885149, 0.993511, 0.967406, -2.37025, -4.81858, -6.61474, -7.51563, 2.95397, 5.57753, 7.4462, 8.30705],
  },
};

describe('MultiHeadAttention over attentionAxes (inputs of rank > 3), as Keras 3.16 computes it', () => {
  it('attends over axes [1, 2] of [2, 3, 4, 6] inputs jointly (one softmax over the 3 x 4 key positions), with Keras scores [batch, heads, 3, 4, 3, 4], on both backends', async () => {
    const results: Record<string, number[]> = {};
    await onBothBackends(async () => {
      const [grid, value] = [kerasInput([2, 3, 4, 6]), kerasInput([2, 3, 4, 6], 1)];
      const layer = kerasLayer({ numHeads: 2, keyDim: 3, attentionAxes: [1, 2] }, [grid, value]);
      const [output, scores] = layer.apply([grid, value], { returnAttentionScores: true }) as Tensor[];
      expect(output.shape).toEqual([2, 3, 4, 6]);
      expect(scores.shape).toEqual([2, 2, 3, 4, 3, 4]);
      expectClose(await values(output), KERAS.grid.output, { atol: 1e-5, rtol: 1e-5 });
      const probabilities = await values(scores);
      expectClose([...probabilities.slice(0, 12), ...probabilities.slice(564, 576)], KERAS.grid.scoreRows, { atol: 1e-6, rtol: 1e-5 });
      results[getBackend()] = await values(output);
    })();
    expectClose(results.webgpu, results.cpu, { atol: 1e-5 });
  });

  it('attends over the last axis before the features with key != value, valueDim, outputShape and a mask [batch, other axis, target, source]; -2 is the same axis', async () => {
    const mask = Array.from({ length: 24 }, (_, i) => (i % 5 !== 1 && !(i >= 20) ? 1 : 0));
    await onBothBackends(async () => {
      const inputs = [kerasInput([1, 2, 3, 4]), kerasInput([1, 2, 4, 3], 1), kerasInput([1, 2, 4, 5], 2)];
      for (const attentionAxes of [[2], -2]) {
        const layer = kerasLayer({ numHeads: 2, keyDim: 2, valueDim: 3, outputShape: [2, 2], attentionAxes }, inputs);
        const [output, scores] = layer.apply(inputs, { attentionMask: tensor(mask, [1, 2, 3, 4]), returnAttentionScores: true }) as Tensor[];
        expect(output.shape).toEqual([1, 2, 3, 2, 2]);
        expect(scores.shape).toEqual([1, 2, 2, 3, 4]);
        expectClose(await values(output), KERAS.lastAxis.output, { atol: 1e-5, rtol: 1e-5 });
        expectClose(await values(scores), KERAS.lastAxis.scores, { atol: 1e-6, rtol: 1e-5 });
      }
    })();
  });

  it('by default attends over every axis between batch and features, the value with other sizes on them than the query', async () => {
    await onBothBackends(async () => {
      const [query, value] = [kerasInput([2, 2, 3, 4]), kerasInput([2, 3, 2, 4], 1)];
      const [output, scores] = kerasLayer({ numHeads: 2, keyDim: 2 }, [query, value]).apply([query, value], { returnAttentionScores: true }) as Tensor[];
      expect(scores.shape).toEqual([2, 2, 2, 3, 3, 2]);
      expectClose(await values(output), KERAS.defaultAxes.output, { atol: 1e-5, rtol: 1e-5 });
      expectClose(await values(scores), KERAS.defaultAxes.scores, { atol: 1e-6, rtol: 1e-5 });
    })();
  });

  it('attends over axes [3, 1] of rank-5 inputs (scores in that order, axis 2 a batch axis) with a mask on the attention axes alone', async () => {
    const maskValues = Array.from({ length: 16 }, (_, i) => (i % 3 !== 2 ? 1 : 0));
    await onBothBackends(async () => {
      const mask = tensor(maskValues, [2, 2, 2, 2], 'int32');
      const [query, value] = [kerasInput([1, 2, 3, 2, 4]), kerasInput([1, 2, 3, 2, 4], 1)];
      const layer = kerasLayer({ numHeads: 2, keyDim: 2, attentionAxes: [3, 1] }, [query, value]);
      const [output, scores] = layer.apply([query, value], { attentionMask: mask, returnAttentionScores: true }) as Tensor[];
      expect(output.shape).toEqual([1, 2, 3, 2, 4]);
      expect(scores.shape).toEqual([1, 3, 2, 2, 2, 2, 2]);
      expectClose(await values(output), KERAS.rank5.output, { atol: 1e-5, rtol: 1e-5 });
      expectClose(await values(scores), KERAS.rank5.scores, { atol: 1e-6, rtol: 1e-5 });
    })();
  });

  it('with useCausalMask and attention over axis 1 of rank-4 inputs, is causal along it', async () => {
    await onBothBackends(async () => {
      const [query, value] = [kerasInput([1, 3, 2, 4]), kerasInput([1, 3, 2, 4], 1)];
      const [output, scores] = kerasLayer({ numHeads: 1, keyDim: 2, attentionAxes: 1 }, [query, value]).apply([query, value], { useCausalMask: true, returnAttentionScores: true }) as Tensor[];
      expect(scores.shape).toEqual([1, 2, 1, 3, 3]);
      expectClose(await values(output), KERAS.causal.output, { atol: 1e-5, rtol: 1e-5 });
      expectClose(await values(scores), KERAS.causal.scores, { atol: 1e-6, rtol: 1e-5 });
    })();
  });

  it("joins Masking's mask of rank-4 inputs when attending over the last axis before the features, and keeps it on the output", async () => {
    // Keras's masked case zeroes the feature vectors at [0, 0, 2] and [1, 1, 0] (flat positions 2 and 9 of [2, 2, 3]).
    const x = tidy(() => kerasInput([2, 2, 3, 4]).mul(tensor([1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 1, 1], [2, 2, 3, 1])));
    await onBothBackends(async () => {
      const grid = Input({ shape: [2, 3, 4] });
      const masked = new Masking().apply(grid) as SymbolicTensor;
      const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 2, attentionAxes: 2 });
      const model = new Model({ inputs: grid, outputs: layer.apply([masked, masked]) as SymbolicTensor });
      layer.setWeights(layer.weights.map((w, seed) => tensor(Array.from({ length: w.size }, (_, i) => Math.sin(0.37 * i + seed)), w.shape as number[])));
      const input = tensor(await values(x), [2, 2, 3, 4]);
      expectClose(await values((await model.predict(input)) as Tensor), KERAS.masked.output, { atol: 1e-5, rtol: 1e-5 });
      const maskedInput = new Masking().apply(input) as Tensor;
      expect(await values(getMask(layer.apply([maskedInput, maskedInput]) as Tensor)!)).toEqual([1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 1, 1]);
    })();
  });

  it('has the weight shapes of rank-3 inputs, symbolic shapes in Keras layout, and its config round-trips', () => {
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 3, valueDim: 4, outputShape: 5, attentionAxes: [2, -4], name: 'axes' });
    const [output, scores] = layer.apply([Input({ shape: [3, 4, 2, 6] }), Input({ shape: [7, 4, 2, 8] })], { returnAttentionScores: true }) as SymbolicTensor[];
    expect(output.shape).toEqual([null, 3, 4, 2, 5]);
    expect(scores.shape).toEqual([null, 2, 2, 4, 3, 4, 7]);
    expect(layer.weights.map((w) => [...w.shape])).toEqual([[6, 2, 3], [2, 3], [8, 2, 3], [2, 3], [8, 2, 4], [2, 4], [2, 4, 5], [5]]);
    const config = layer.getConfig();
    expect(config.attentionAxes).toEqual([2, -4]);
    expect(deserializeLayer({ className: 'MultiHeadAttention', config }).getConfig()).toEqual(config);
  });

  it('has tape gradients matching finite differences (attention over axes [2, 1], which moves them)', async () => {
    class GridAttention extends Layer {
      attention = new MultiHeadAttention({ numHeads: 2, keyDim: 2, valueDim: 1, attentionAxes: [2, 1], biasInitializer: { className: 'RandomUniform', config: { seed: 3 } } });
      override call(x: Tensor | Tensor[]): Tensor {
        return this.attention.apply([x as Tensor, x as Tensor]) as Tensor;
      }
    }
    expect(await layerGradCheck(() => new GridAttention(), [1, 2, 3, 2], seededValues(12, 4, -1, 1))).toBe('ok');
  });

  it('rejects axes, shapes, masks and options that Keras cannot attend with, saying what it expected', () => {
    const x = kerasInput([1, 2, 3, 4]);
    const layer = (attentionAxes: MultiHeadAttentionArgs['attentionAxes']) => new MultiHeadAttention({ numHeads: 2, keyDim: 2, attentionAxes, name: 'mha' });
    for (const axes of [0, [], [1, 1], [1.5], 'a' as never]) {
      expect(() => layer(axes)).toThrow(`Invalid value for argument attentionAxes. Expected null (attention over every axis between the batch axis and the features), an axis or a non-empty list of distinct axes (integers, not the batch axis 0). Received: attentionAxes=${JSON.stringify(axes)}`);
    }
    expect(() => layer(3).apply([x, x])).toThrow('Invalid value for argument attentionAxes of layer "mha" for inputs of rank 4. Expected distinct axes between the batch axis and the features: 1 to 2 (or -3 to -2). Received: attentionAxes=3');
    expect(() => layer(-1).apply([x, x])).toThrow('Invalid value for argument attentionAxes of layer "mha" for inputs of rank 4');
    expect(() => layer([2, -2]).apply([x, x])).toThrow('Invalid value for argument attentionAxes of layer "mha" for inputs of rank 4');
    expect(() => layer(null).apply([x, tensor(seededValues(12, 1), [1, 3, 4])])).toThrow('`query`, `value` and `key` of layer "mha" must have the same rank');
    expect(() => layer(null).apply([tensor([1, 2], [1, 2]), x])).toThrow('Invalid shape for `query` of layer "mha". Expected rank 3 or more');
    expect(() => layer(2).apply([x, kerasInput([1, 3, 3, 4])])).toThrow('The axes of `query` and `value` that layer "mha" does not attend over (all but [2] and the batch and features) must be equal. Received: query_shape=');
    expect(() => layer(2).apply([x, x], { attentionMask: tensor([1, 1, 1, 1, 1, 1], [2, 3]) })).toThrow(
      'Invalid value for argument attentionMask of layer "mha". Expected a mask of the scores\' shape (batch, <other axes>, num_heads, <query attention axes>, <key attention axes>) = (1, 2, 2, 3, 3)',
    );
    expect(() => layer([1, 2]).apply([x, x], { attentionMask: ops.ones([1, 6, 6]) })).toThrow('Invalid value for argument attentionMask of layer "mha"');
    expect(() => layer([1, 2]).apply([x, x], { useCausalMask: true })).toThrow('Invalid value for argument useCausalMask of layer "mha". A causal mask needs attention over one axis');
    const masked = layer(null);
    expect(() => masked.apply([x, x], { mask: [ops.ones([1, 2, 3]), null] } as never)).toThrow('Layer "mha" received inputs that carry masks');
  });
});

describe('a file Keras 3.16 saved with MultiHeadAttention over attentionAxes', () => {
  // keras_written/attention_axes.keras: axes [1, 2] of the grid, then axis 1 against a context
  // (written by make_attention_axes.py, with what Keras predicted).
  const written = JSON.parse(readFileSync('test/fixtures/keras/keras_written/attention_axes.json', 'utf8')) as { inputs: number[][]; outputs: number[] };
  const file = () => new Uint8Array(readFileSync('test/fixtures/keras/keras_written/attention_axes.keras'));

  it(
    'predicts what Keras predicted, and saved again predicts the same',
    onBothBackends(async () => {
      const model = await loadKerasModel(file());
      const xs = [tensor(written.inputs[0]), tensor(written.inputs[1])];
      const predicted = await values((await model.predict(xs)) as Tensor);
      expectClose(predicted, written.outputs.flat(Infinity) as number[], { atol: 3e-6, rtol: 0 });
      const again = await loadKerasModel(await saveKerasModel(model));
      expect(await values((await again.predict(xs)) as Tensor)).toEqual(predicted);
    }),
  );
});
