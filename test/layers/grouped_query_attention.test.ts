// GroupQueryAttention against a float64 loop of the formula (query head h attends with key / value
// head floor(h / group size)) on both backends, with masks, causal and sliding-window masks; equal
// to MultiHeadAttention whose key / value kernels repeat each shared head; symbolic shapes, errors,
// config round trip, gradients, and a functional model that trains with fit and survives save and
// load.

import { describe, expect, it } from 'vitest';
import { Input, Layer, Model, getBackend, ops, tensor, tidy, type SymbolicTensor, type Tensor } from '../../src/node';
import { Dense, GlobalAveragePooling1D, GroupQueryAttention, MultiHeadAttention, deserializeLayer } from '../../src/layers/index';
import { loadModel, removeModel } from '../../src/io/index';
import { onBothBackends, useWebGPU } from '../helpers';
import { expectClose, layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();

interface Case {
  queryHeads: number;
  keyValueHeads: number;
  headDim: number;
  batch: number;
  targetLength: number;
  sourceLength: number;
  queryDim: number;
  valueDim: number;
  keyDim: number;
  query: number[];
  value: number[];
  key: number[];
  /** Keras's order: query kernel/bias, key kernel/bias, value kernel/bias, output kernel/bias. */
  weights: number[][];
}

function makeCase(queryHeads: number, keyValueHeads: number): Case {
  const [headDim, batch, targetLength, sourceLength, queryDim, valueDim, keyDim] = [3, 2, 4, 5, 6, 4, 3];
  const sizes = [queryDim * queryHeads * headDim, queryHeads * headDim, keyDim * keyValueHeads * headDim, keyValueHeads * headDim, valueDim * keyValueHeads * headDim, keyValueHeads * headDim, queryHeads * headDim * queryDim, queryDim];
  return {
    queryHeads,
    keyValueHeads,
    headDim,
    batch,
    targetLength,
    sourceLength,
    queryDim,
    valueDim,
    keyDim,
    query: seededValues(batch * targetLength * queryDim, 1),
    value: seededValues(batch * sourceLength * valueDim, 2),
    key: seededValues(batch * sourceLength * keyDim, 3),
    weights: sizes.map((size, i) => seededValues(size, 20 + i)),
  };
}

/**
 * The formula in float64 loops: output [batch, target, queryDim] and probabilities [batch,
 * queryHeads, target, source]; masked logits get -1e9 and a fully masked row is zero.
 */
function reference(c: Case, attends: (b: number, t: number, s: number) => boolean): { output: number[]; scores: number[] } {
  const [qK, qB, kK, kB, vK, vB, oK, oB] = c.weights;
  const d = c.headDim;
  const group = c.queryHeads / c.keyValueHeads;
  const project = (x: number[], length: number, dim: number, kernel: number[], bias: number[], heads: number, b: number, position: number, head: number, i: number) => {
    let total = bias[head * d + i];
    for (let f = 0; f < dim; f++) total += x[(b * length + position) * dim + f] * kernel[(f * heads + head) * d + i];
    return total;
  };
  const output: number[] = [];
  const scores: number[] = new Array<number>(c.batch * c.queryHeads * c.targetLength * c.sourceLength).fill(0);
  for (let b = 0; b < c.batch; b++) {
    for (let t = 0; t < c.targetLength; t++) {
      const out = oB.slice();
      for (let h = 0; h < c.queryHeads; h++) {
        const shared = Math.floor(h / group);
        const q = Array.from({ length: d }, (_, i) => project(c.query, c.targetLength, c.queryDim, qK, qB, c.queryHeads, b, t, h, i));
        const logits = Array.from({ length: c.sourceLength }, (_, s) => {
          let dot = 0;
          for (let i = 0; i < d; i++) dot += q[i] * project(c.key, c.sourceLength, c.keyDim, kK, kB, c.keyValueHeads, b, s, shared, i);
          return dot / Math.sqrt(d) + (attends(b, t, s) ? 0 : -1e9);
        });
        const top = Math.max(...logits);
        const exps = logits.map((l) => Math.exp(l - top));
        const total = exps.reduce((a, e) => a + e, 0);
        const probabilities = exps.map((e, s) => (attends(b, t, s) ? e / total : 0));
        probabilities.forEach((p, s) => (scores[((b * c.queryHeads + h) * c.targetLength + t) * c.sourceLength + s] = p));
        for (let i = 0; i < d; i++) {
          let mixed = 0;
          for (let s = 0; s < c.sourceLength; s++) mixed += probabilities[s] * project(c.value, c.sourceLength, c.valueDim, vK, vB, c.keyValueHeads, b, s, shared, i);
          for (let o = 0; o < c.queryDim; o++) out[o] += mixed * oK[(h * d + i) * c.queryDim + o];
        }
      }
      output.push(...out);
    }
  }
  return { output, scores };
}

function inputsOf(c: Case): [Tensor, Tensor, Tensor] {
  return [tensor(c.query, [c.batch, c.targetLength, c.queryDim]), tensor(c.value, [c.batch, c.sourceLength, c.valueDim]), tensor(c.key, [c.batch, c.sourceLength, c.keyDim])];
}

/** A built GroupQueryAttention holding the case's weights. */
function layerFor(c: Case, inputs: Tensor[], slidingWindow: number | null = null): GroupQueryAttention {
  const layer = new GroupQueryAttention({ headDim: c.headDim, numQueryHeads: c.queryHeads, numKeyValueHeads: c.keyValueHeads, slidingWindow });
  tidy(() => layer.apply(inputs));
  layer.setWeights(layer.weights.map((w, i) => tensor(c.weights[i], w.shape as number[])));
  return layer;
}

async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

describe('GroupQueryAttention values', () => {
  it('matches the float64 formula with 6 query heads sharing 2 key / value heads, with the scores, on both backends', async () => {
    const c = makeCase(6, 2);
    const expected = reference(c, () => true);
    const results: Record<string, number[]> = {};
    await onBothBackends(async () => {
      const inputs = inputsOf(c);
      const [output, scores] = layerFor(c, inputs).apply(inputs, { returnAttentionScores: true }) as Tensor[];
      expect(output.shape).toEqual([2, 4, 6]);
      expect(scores.shape).toEqual([2, 6, 4, 5]);
      expectClose(await values(output), expected.output, { atol: 1e-5 });
      expectClose(await values(scores), expected.scores, { atol: 1e-6 });
      results[getBackend()] = await values(output);
    })();
    expectClose(results.webgpu, results.cpu, { atol: 1e-5 });
  });

  it('applies an attention mask with useCausalMask, and multi-query attention (1 key / value head), on both backends', async () => {
    const c = makeCase(4, 1);
    const allowed = (b: number, t: number, s: number) => s <= t && !(b === 1 && s === 0);
    const expected = reference(c, allowed);
    const maskValues: number[] = [];
    for (let b = 0; b < 2; b++) for (let t = 0; t < 4; t++) for (let s = 0; s < 5; s++) maskValues.push(b === 1 && s === 0 ? 0 : 1);
    await onBothBackends(async () => {
      const inputs = inputsOf(c);
      const [output, scores] = layerFor(c, inputs).apply(inputs, { attentionMask: tensor(maskValues, [2, 4, 5]), useCausalMask: true, returnAttentionScores: true }) as Tensor[];
      expectClose(await values(output), expected.output, { atol: 1e-5 });
      expectClose(await values(scores), expected.scores, { atol: 1e-6 });
    })();
  });

  it('with slidingWindow attends only to keys less than the window away (and with useCausalMask, the window before)', async () => {
    const c = makeCase(4, 2);
    const inputs = inputsOf(c);
    const layer = layerFor(c, inputs, 2);
    const band = reference(c, (_b, t, s) => Math.abs(t - s) < 2);
    const [output, scores] = layer.apply(inputs, { returnAttentionScores: true }) as Tensor[];
    expectClose(await values(output), band.output, { atol: 1e-5 });
    expectClose(await values(scores), band.scores, { atol: 1e-6 });
    const causalBand = reference(c, (_b, t, s) => s <= t && t - s < 2);
    expectClose(await values(layer.apply(inputs, { useCausalMask: true }) as Tensor), causalBand.output, { atol: 1e-5 });
  });

  it('equals MultiHeadAttention whose key and value kernels repeat each shared head for its group', async () => {
    const c = makeCase(6, 3);
    const inputs = inputsOf(c);
    const gqa = layerFor(c, inputs);
    // [features, keyValueHeads, headDim] -> [features, queryHeads, headDim], head h reading h / 2.
    const repeatHeads = (w: number[], features: number) => {
      const out: number[] = [];
      for (let f = 0; f < features; f++) for (let h = 0; h < 6; h++) out.push(...w.slice((f * 3 + Math.floor(h / 2)) * 3, (f * 3 + Math.floor(h / 2) + 1) * 3));
      return out;
    };
    const [qK, qB, kK, kB, vK, vB, oK, oB] = c.weights;
    const mhaWeights = [qK, qB, repeatHeads(kK, c.keyDim), repeatHeads(kB, 1), repeatHeads(vK, c.valueDim), repeatHeads(vB, 1), oK, oB];
    const mha = new MultiHeadAttention({ numHeads: 6, keyDim: 3 });
    tidy(() => mha.apply(inputs));
    mha.setWeights(mha.weights.map((w, i) => tensor(mhaWeights[i], w.shape as number[])));
    const options = { useCausalMask: true, returnAttentionScores: true } as const;
    const [gqaOutput, gqaScores] = gqa.apply(inputs, options) as Tensor[];
    const [mhaOutput, mhaScores] = mha.apply(inputs, options) as Tensor[];
    expectClose(await values(gqaOutput), await values(mhaOutput), { atol: 1e-5 });
    expectClose(await values(gqaScores), await values(mhaScores), { atol: 1e-6 });
  });

  it('with as many key / value heads as query heads is MultiHeadAttention with the same weights', async () => {
    const c = makeCase(2, 2);
    const inputs = inputsOf(c);
    const gqa = layerFor(c, inputs);
    const mha = new MultiHeadAttention({ numHeads: 2, keyDim: 3 });
    tidy(() => mha.apply(inputs));
    mha.setWeights(gqa.getWeights());
    expect(mha.weights.map((w) => [...w.shape])).toEqual(gqa.weights.map((w) => [...w.shape]));
    expectClose(await values(gqa.apply(inputs) as Tensor), await values(mha.apply(inputs) as Tensor), { atol: 1e-6 });
  });

  it('drops attention probabilities only in training', async () => {
    const c = makeCase(4, 2);
    const inputs = inputsOf(c);
    const layer = new GroupQueryAttention({ headDim: 3, numQueryHeads: 4, numKeyValueHeads: 2, dropout: 0.5, seed: 1 });
    const inference = await values(layer.apply(inputs) as Tensor);
    expect(await values(layer.apply(inputs) as Tensor)).toEqual(inference);
    expect(await values(layer.apply(inputs, { training: true }) as Tensor)).not.toEqual(inference);
  });
});

describe('GroupQueryAttention layer', () => {
  it('gives Keras shapes, weight names and shapes', () => {
    const layer = new GroupQueryAttention({ headDim: 8, numQueryHeads: 4, numKeyValueHeads: 2 });
    const query = Input({ shape: [10, 16] });
    const value = Input({ shape: [7, 12] });
    const [output, scores] = layer.apply([query, value], { returnAttentionScores: true });
    expect(output.shape).toEqual([null, 10, 16]);
    expect(scores.shape).toEqual([null, 4, 10, 7]);
    expect(layer.weights.map((w) => [w.name.split('/').slice(-2).join('/'), [...w.shape]])).toEqual([
      ['query/kernel', [16, 4, 8]],
      ['query/bias', [4, 8]],
      ['key/kernel', [12, 2, 8]],
      ['key/bias', [2, 8]],
      ['value/kernel', [12, 2, 8]],
      ['value/bias', [2, 8]],
      ['attention_output/kernel', [4, 8, 16]],
      ['attention_output/bias', [16]],
    ]);
    expect(new GroupQueryAttention({ headDim: 2, numQueryHeads: 2, numKeyValueHeads: 1, useBias: false }).apply([query, query]).shape).toEqual([null, 10, 16]);
  });

  it('rejects bad options and inputs before any GPU work', () => {
    expect(() => new GroupQueryAttention({ headDim: 4, numQueryHeads: 6, numKeyValueHeads: 4 })).toThrow('`num_query_heads` must be divisible by `num_key_value_heads`. Received: numQueryHeads=6, numKeyValueHeads=4');
    expect(() => new GroupQueryAttention({ headDim: 0, numQueryHeads: 2, numKeyValueHeads: 1 })).toThrow(/headDim/);
    expect(() => new GroupQueryAttention({ headDim: 2, numQueryHeads: 2, numKeyValueHeads: 1, slidingWindow: 0 })).toThrow('`sliding_window` must be `None` or a positive integer. Received: slidingWindow=0');
    expect(() => new GroupQueryAttention({ headDim: 2, numQueryHeads: 2, numKeyValueHeads: 1, dropout: 2 })).toThrow('Invalid value for argument dropout. Expected a number in [0, 1]. Received: dropout=2');
    const layer = new GroupQueryAttention({ headDim: 2, numQueryHeads: 2, numKeyValueHeads: 1, name: 'gqa' });
    const x = tensor(seededValues(12, 1), [1, 3, 4]);
    expect(() => layer.apply([x, x], { use_causal_mask: true } as never)).toThrow("GroupQueryAttention 'gqa'.apply: unknown option 'use_causal_mask' (did you mean 'useCausalMask'?)");
    expect(() => layer.apply([x, x], { attentionMask: tensor([1, 1], [1, 1, 2]) })).toThrow(/Invalid value for argument attentionMask of layer "gqa"/);
    expect(() => new GroupQueryAttention({ headDim: 2, numQueryHeads: 2, numKeyValueHeads: 1, head_dim: 2 } as never).apply([x, x])).toThrow(/unknown option 'head_dim'/);
  });

  it('round-trips its config through the registry, under both Keras names', () => {
    const layer = new GroupQueryAttention({ headDim: 4, numQueryHeads: 4, numKeyValueHeads: 2, dropout: 0.1, useBias: false, slidingWindow: 3, kernelInitializer: 'heNormal', biasRegularizer: 'l2', seed: 5 });
    const config = JSON.parse(JSON.stringify(layer.getConfig())) as Record<string, unknown>;
    expect(config).toMatchObject({ headDim: 4, numQueryHeads: 4, numKeyValueHeads: 2, dropout: 0.1, useBias: false, slidingWindow: 3, seed: 5 });
    for (const className of ['GroupQueryAttention', 'GroupedQueryAttention']) {
      const rebuilt = deserializeLayer({ className, config });
      expect(rebuilt).toBeInstanceOf(GroupQueryAttention);
      expect(JSON.parse(JSON.stringify(rebuilt.getConfig()))).toEqual(config);
    }
    expect(new GroupQueryAttention({ headDim: 2, numQueryHeads: 2, numKeyValueHeads: 2 }).getConfig()).toMatchObject({ dropout: 0, useBias: true, slidingWindow: null });
  });

  it('has tape gradients matching finite differences (causal self-attention, 4 query heads on 2)', async () => {
    class CausalSelfAttention extends Layer {
      attention = new GroupQueryAttention({ headDim: 2, numQueryHeads: 4, numKeyValueHeads: 2, biasInitializer: { className: 'RandomUniform', config: { seed: 3 } } });
      override call(x: Tensor | Tensor[]): Tensor {
        return this.attention.apply([x as Tensor, x as Tensor], { useCausalMask: true }) as Tensor;
      }
    }
    expect(await layerGradCheck(() => new CausalSelfAttention(), [1, 3, 2], seededValues(6, 4, -1, 1))).toBe('ok');
  });

  it('trains in a functional model with fit (loss decreases) and survives save and load', async () => {
    const tokens = Input({ shape: [4, 3], name: 'tokens' });
    const attended = new GroupQueryAttention({ headDim: 4, numQueryHeads: 4, numKeyValueHeads: 2, name: 'attention' }).apply([tokens, tokens], { useCausalMask: true }) as SymbolicTensor;
    const outputs = new Dense({ units: 1, name: 'head' }).apply(new GlobalAveragePooling1D().apply(attended));
    const model = new Model({ inputs: tokens, outputs, name: 'gqa_model' });
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const x = ops.randomUniform([16, 4, 3], { seed: 1 });
    const y = x.sum([1, 2]).reshape([16, 1]).mul(0.2);
    const history = await model.fit(x, y, { epochs: 5, batchSize: 8, verbose: 0, shuffle: false });
    const losses = history.history.loss;
    expect(losses.at(-1)!).toBeLessThan(losses[0]);

    await model.save('memory://gqa-model');
    const restored = await loadModel('memory://gqa-model');
    expect(restored.layers.find((l) => l.name === 'attention')).toBeInstanceOf(GroupQueryAttention);
    expect(await values((await restored.predict(x)) as Tensor)).toEqual(await values((await model.predict(x)) as Tensor));
    await removeModel('memory://gqa-model');
  });
});
