// MultiHeadAttention against a plain-loop float64 reference (projections, scaled dot product,
// masks, softmax, output projection) on both backends; causal and user masks; dropout; symbolic
// shapes and several outputs; errors; config round trip; gradients; a functional model that trains
// with fit and survives save and load.

import { describe, expect, it } from 'vitest';
import { Input, Layer, Model, getBackend, layers, memory, ops, tensor, tidy, type SymbolicTensor, type Tensor } from '../../src/node';
import { GlobalAveragePooling1D, Dense, MultiHeadAttention, deserializeLayer, registerLayer } from '../../src/layers/index';
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
    expect(() => new MultiHeadAttention({ numHeads: 2, keyDim: 2, attentionAxes: [2] })).toThrow('Invalid value for argument attentionAxes');
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
