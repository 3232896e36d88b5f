// Dot, Attention, AdditiveAttention, EinsumDense, SpatialDropout1D/2D, GaussianDropout,
// AlphaDropout, ActivityRegularization, CategoryEncoding and Discretization: values against
// references written here (plain loops on arrays, Keras docstring values), the GPU against the
// CPU backend, training-only behaviour of the random layers with seeds, gradients, config round
// trips, and a small model that trains with fit and survives save and load.

import { describe, expect, it } from 'vitest';
import { Model, memory, ops, setRandomSeed, tensor, tidy, type Tensor } from '../../src/node';
import { loadModel, memoryHandler } from '../../src/io/index';
import {
  ActivityRegularization,
  AdditiveAttention,
  AlphaDropout,
  Attention,
  CategoryEncoding,
  Dense,
  Discretization,
  Dot,
  EinsumDense,
  Flatten,
  GaussianDropout,
  Input,
  Layer,
  SpatialDropout1D,
  SpatialDropout2D,
  deserializeLayer,
  getLayerClass,
  type Shape,
} from '../../src/layers/index';
import { getMask, setMask } from '../../src/tensor/mask';
import type { OpCase } from '../cases/case';
import { rand } from '../cases/data';
import { checkCases, useWebGPU } from '../helpers';
import { expectClose, layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();

type Matrix = number[][];

/** [rows, cols] values of a flat array. */
function matrices(values: number[], count: number, rows: number, cols: number): Matrix[] {
  return Array.from({ length: count }, (_, b) => Array.from({ length: rows }, (_, i) => values.slice((b * rows + i) * cols, (b * rows + i + 1) * cols)));
}

/**
 * Reference attention of one sample: weights = softmax over j of scores[i][j] (masked value
 * positions and, with `causal`, j > i get -1e9 added), output = weights · value, zero rows where
 * the query mask is 0.
 */
function referenceAttention(scores: Matrix, value: Matrix, { valueMask, queryMask, causal = false }: { valueMask?: number[]; queryMask?: number[]; causal?: boolean } = {}): { output: Matrix; weights: Matrix } {
  const weights = scores.map((row, i) => {
    const masked = row.map((s, j) => (valueMask?.[j] === 0 || (causal && j > i) ? s - 1e9 : s));
    const top = Math.max(...masked);
    const e = masked.map((s) => Math.exp(s - top));
    const total = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / total);
  });
  const output = weights.map((w, i) => value[0].map((_, d) => (queryMask?.[i] === 0 ? 0 : w.reduce((acc, wj, j) => acc + wj * value[j][d], 0))));
  return { output, weights };
}

const dotScores = (q: Matrix, k: Matrix, scale = 1): Matrix => q.map((qi) => k.map((kj) => scale * qi.reduce((acc, v, d) => acc + v * kj[d], 0)));
const additiveScores = (q: Matrix, k: Matrix, scale: number[]): Matrix => q.map((qi) => k.map((kj) => qi.reduce((acc, v, d) => acc + scale[d] * Math.tanh(v + kj[d]), 0)));

async function flat(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

describe('Dot', () => {
  it('matches the Keras docstring example for axes [1, 2]', async () => {
    const x = tensor(Array.from({ length: 10 }, (_, i) => i), [1, 5, 2]);
    const y = tensor(Array.from({ length: 10 }, (_, i) => 10 + i), [1, 2, 5]);
    const out = new Dot({ axes: [1, 2] }).apply([x, y]);
    expect(out.shape).toEqual([1, 2, 2]);
    expect(await flat(out)).toEqual([260, 360, 320, 445]);
  });

  it('gives [batch, 1] for two vectors, and the cosine proximity with normalize', async () => {
    const a = seededValues(12, 1);
    const b = seededValues(12, 2);
    const plain = new Dot({ axes: 1 }).apply([tensor(a, [3, 4]), tensor(b, [3, 4])]);
    const cosine = new Dot({ axes: -1, normalize: true }).apply([tensor(a, [3, 4]), tensor(b, [3, 4])]);
    expect(plain.shape).toEqual([3, 1]);
    const dots = [0, 1, 2].map((r) => [0, 1, 2, 3].reduce((acc, c) => acc + a[r * 4 + c] * b[r * 4 + c], 0));
    const norms = (v: number[], r: number) => Math.hypot(...v.slice(r * 4, r * 4 + 4));
    expectClose(await flat(plain), dots);
    expectClose(await flat(cosine), dots.map((d, r) => d / (norms(a, r) * norms(b, r))));
  });

  it('follows batch_dot for inputs of different ranks: [b, n] with [b, m, n] along axes [1, 2]', async () => {
    const a = seededValues(2 * 3, 3);
    const b = seededValues(2 * 4 * 3, 4);
    const out = new Dot({ axes: [1, 2] }).apply([tensor(a, [2, 3]), tensor(b, [2, 4, 3])]);
    expect(out.shape).toEqual([2, 4]);
    const expected = [0, 1].flatMap((s) => [0, 1, 2, 3].map((m) => [0, 1, 2].reduce((acc, n) => acc + a[s * 3 + n] * b[(s * 4 + m) * 3 + n], 0)));
    expectClose(await flat(out), expected);
    expect(new Dot({ axes: [1, 2] }).apply([Input({ shape: [3] }), Input({ shape: [4, 3] })]).shape).toEqual([null, 4]);
  });

  it('rejects the batch axis, mismatched sizes and a bad axes argument before any GPU work', () => {
    const x = tensor(seededValues(6, 5), [2, 3]);
    expect(() => new Dot({ axes: 0 }).apply([x, x])).toThrow('Cannot perform batch_dot over axis 0');
    expect(() => new Dot({ axes: 1 }).apply([x, tensor(seededValues(8, 6), [2, 4])])).toThrow('Incompatible input shapes: axis values 3 (at axis 1) != 4 (at axis 1)');
    expect(() => new Dot({ axes: [1, 2, 3] as unknown as [number, number] })).toThrow('Invalid value for argument axes');
    expect(() => new Dot({ axes: 1 }).apply([x])).toThrow('A `Dot` layer should be called on a list of 2 inputs');
  });
});

describe('Attention', () => {
  it('returns the weights it summed the value with: after dropout in training, as Keras', async () => {
    const q = tensor([[[1, 0], [0, 1], [1, 1], [0, 0]]]);
    const layer = new Attention({ dropout: 0.5, seed: 3 });
    const [output, weights] = layer.apply([q, q], { returnAttentionScores: true, training: true }) as Tensor[];
    const w = Array.from(await weights.data());
    // Dropped weights are 0 and kept ones doubled (rate 0.5), so rows no longer sum to 1.
    expect(w.some((v) => v === 0)).toBe(true);
    expect(Array.from(await output.data())).toEqual(Array.from(await ops.matmul(weights, q).data()));
    const [, inference] = layer.apply([q, q], { returnAttentionScores: true }) as Tensor[];
    const rows = Array.from(await inference.data());
    for (let r = 0; r < 4; r++) expect(rows.slice(r * 4, r * 4 + 4).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  const [batch, tq, tv, dim] = [2, 3, 4, 2];
  const qValues = seededValues(batch * tq * dim, 11);
  const vValues = seededValues(batch * tv * dim, 12);
  const kValues = seededValues(batch * tv * dim, 13);
  const query = () => tensor(qValues, [batch, tq, dim]);
  const value = () => tensor(vValues, [batch, tv, dim]);
  const key = () => tensor(kValues, [batch, tv, dim]);

  it('computes softmax(q kᵀ) v with the key, and returns the weights on request', async () => {
    const [out, weights] = new Attention().apply([query(), value(), key()], { returnAttentionScores: true });
    expect(out.shape).toEqual([batch, tq, dim]);
    expect(weights.shape).toEqual([batch, tq, tv]);
    const q = matrices(qValues, batch, tq, dim);
    const v = matrices(vValues, batch, tv, dim);
    const k = matrices(kValues, batch, tv, dim);
    const refs = q.map((qb, b) => referenceAttention(dotScores(qb, k[b]), v[b]));
    expectClose(await flat(out), refs.flatMap((r) => r.output.flat()));
    expectClose(await flat(weights), refs.flatMap((r) => r.weights.flat()));
  });

  it('applies the value mask, the query mask and the causal mask as Keras', async () => {
    const valueMask = [[1, 1, 0, 1], [1, 0, 0, 0]];
    const queryMask = [[1, 0, 1], [1, 1, 0]];
    const layer = new Attention({ useScale: true });
    const out = layer.apply([query(), value()], { mask: [tensor(queryMask.flat(), [batch, tq], 'int32'), tensor(valueMask.flat(), [batch, tv], 'int32')], useCausalMask: true });
    const q = matrices(qValues, batch, tq, dim);
    const v = matrices(vValues, batch, tv, dim);
    const expected = q.flatMap((qb, b) => referenceAttention(dotScores(qb, v[b]), v[b], { valueMask: valueMask[b], queryMask: queryMask[b], causal: true }).output.flat());
    expectClose(await flat(out), expected);
  });

  it('takes the masks attached to its inputs and passes the query mask on', async () => {
    const q = query();
    const queryMask = tensor([1, 1, 0, 0, 1, 1], [batch, tq], 'int32');
    setMask(q, queryMask);
    const v = value();
    setMask(v, tensor([1, 1, 1, 0, 1, 1, 0, 0], [batch, tv], 'int32'));
    const out = new Attention().apply([q, v]);
    const refs = matrices(qValues, batch, tq, dim).map((qb, b) => {
      const vb = matrices(vValues, batch, tv, dim)[b];
      return referenceAttention(dotScores(qb, vb), vb, { valueMask: [[1, 1, 1, 0], [1, 1, 0, 0]][b], queryMask: [[1, 1, 0], [0, 1, 1]][b] });
    });
    expectClose(await flat(out), refs.flatMap((r) => r.output.flat()));
    expect(await flat(getMask(out)!)).toEqual([1, 1, 0, 0, 1, 1]);
  });

  it("scores with scoreMode 'concat' as concat_score_weight * sum(tanh(scale * (q + k)))", async () => {
    const layer = new Attention({ scoreMode: 'concat', useScale: true });
    layer.apply([query(), value()]);
    expect(layer.weights.map((w) => [w.name, w.shape])).toEqual([
      [`${layer.name}/scale`, []],
      [`${layer.name}/concat_score_weight`, []],
    ]);
    layer.setWeights([tensor(0.5, []), tensor(2, [])]);
    const out = layer.apply([query(), value()]);
    const v = matrices(vValues, batch, tv, dim);
    const expected = matrices(qValues, batch, tq, dim).flatMap((qb, b) => {
      const scores = qb.map((qi) => v[b].map((vj) => 2 * qi.reduce((acc, x, d) => acc + Math.tanh(0.5 * (x + vj[d])), 0)));
      return referenceAttention(scores, v[b]).output.flat();
    });
    expectClose(await flat(out), expected);
  });

  it('drops attention weights only in training, reproducibly from the seed', async () => {
    const make = () => new Attention({ dropout: 0.5, seed: 4 });
    const a = make();
    const b = make();
    const inference = await flat(a.apply([query(), value()]));
    expectClose(await flat(a.apply([query(), value()], { training: false })), inference);
    const trained = await flat(a.apply([query(), value()], { training: true }));
    expect(trained).toEqual(await flat(b.apply([query(), value()], { training: true })));
    expect(trained).not.toEqual(inference);
  });

  it('gives symbolic shapes, also with the weights, and checks its inputs', () => {
    const q = Input({ shape: [5, 8] });
    const v = Input({ shape: [7, 3] });
    const k = Input({ shape: [7, 8] });
    expect(new Attention().apply([q, v, k]).shape).toEqual([null, 5, 3]);
    const [out, weights] = new AdditiveAttention().apply([q, v, k], { returnAttentionScores: true });
    expect([out.shape, weights.shape]).toEqual([[null, 5, 3], [null, 5, 7]]);
    expect(() => new Attention().apply([q, v])).toThrow('must have the same feature size');
    expect(() => new Attention().apply([q] as never)).toThrow('must be called on a list of inputs, namely [query, value] or [query, value, key]');
    expect(() => new Attention({ scoreMode: 'general' as never })).toThrow("Expected one of {'dot', 'concat'}");
  });
});

describe('AdditiveAttention', () => {
  it('scores sum(scale * tanh(q + k)) with a learned scale vector [dim]', async () => {
    const [batch, tq, tv, dim] = [2, 2, 3, 3];
    const qValues = seededValues(batch * tq * dim, 21);
    const vValues = seededValues(batch * tv * dim, 22);
    const layer = new AdditiveAttention();
    layer.apply([tensor(qValues, [batch, tq, dim]), tensor(vValues, [batch, tv, dim])]);
    expect(layer.weights.map((w) => w.shape)).toEqual([[dim]]);
    const scale = [0.3, -0.7, 1.1];
    layer.setWeights([tensor(scale, [dim])]);
    const out = layer.apply([tensor(qValues, [batch, tq, dim]), tensor(vValues, [batch, tv, dim])], { useCausalMask: true });
    const v = matrices(vValues, batch, tv, dim);
    const expected = matrices(qValues, batch, tq, dim).flatMap((qb, b) => referenceAttention(additiveScores(qb, v[b], scale), v[b], { causal: true }).output.flat());
    expectClose(await flat(out), expected);
    const plain = new AdditiveAttention({ useScale: false });
    const unscaled = plain.apply([tensor(qValues, [batch, tq, dim]), tensor(vValues, [batch, tv, dim])]);
    expect(plain.weights).toHaveLength(0);
    const expectedUnscaled = matrices(qValues, batch, tq, dim).flatMap((qb, b) => referenceAttention(additiveScores(qb, v[b], [1, 1, 1]), v[b]).output.flat());
    expectClose(await flat(unscaled), expectedUnscaled);
  });
});

/** One input in, self-attention out: lets layerGradCheck (one input) check the attention layers' weights. */
class SelfAttention extends Layer {
  constructor(readonly inner: Layer) {
    super({});
  }
  override call(inputs: Tensor): Tensor {
    return this.inner.apply([inputs, inputs]) as Tensor;
  }
  override computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }
}

describe('EinsumDense', () => {
  it('gives the Keras docstring shapes, kernels and biases', () => {
    const dense = new EinsumDense({ equation: 'ab,bc->ac', outputShape: 64, biasAxes: 'c' });
    expect(dense.apply(Input({ shape: [32] })).shape).toEqual([null, 64]);
    expect(dense.weights.map((w) => w.shape)).toEqual([[32, 64], [64]]);
    const sequence = new EinsumDense({ equation: 'abc,cd->abd', outputShape: [null, 64], biasAxes: 'd' });
    expect(sequence.apply(Input({ shape: [32, 128] })).shape).toEqual([null, 32, 64]);
    expect(sequence.weights.map((w) => w.shape)).toEqual([[128, 64], [64]]);
    const ellipsis = new EinsumDense({ equation: '...x,xy->...y', outputShape: 64, biasAxes: 'y' });
    expect(ellipsis.apply(Input({ shape: [32, 128] })).shape).toEqual([null, 32, 64]);
    expect(new EinsumDense({ equation: '...x,xy->...y', outputShape: 64 }).apply(Input({ shape: [128] })).shape).toEqual([null, 64]);
    const heads = new EinsumDense({ equation: 'abc,cde->abde', outputShape: [null, 4, 8], biasAxes: 'de' });
    heads.apply(Input({ shape: [10, 16] }));
    expect(heads.weights.map((w) => w.shape)).toEqual([[16, 4, 8], [4, 8]]);
    const right = new EinsumDense({ equation: 'ab...,bc->ac...', outputShape: 5, biasAxes: 'c' });
    expect(right.apply(Input({ shape: [3, 7] })).shape).toEqual([null, 5, 7]);
    expect(right.weights.map((w) => w.shape)).toEqual([[3, 5], [5, 1]]);
  });

  it('computes activation(einsum + bias) against a loop reference', async () => {
    const [b, t, c, d, e] = [2, 3, 4, 2, 3];
    const x = seededValues(b * t * c, 31);
    const kernel = seededValues(c * d * e, 32);
    const bias = seededValues(d * e, 33);
    const layer = new EinsumDense({ equation: 'abc,cde->abde', outputShape: [null, d, e], biasAxes: 'de', activation: 'relu' });
    layer.apply(tensor(x, [b, t, c]));
    layer.setWeights([tensor(kernel, [c, d, e]), tensor(bias, [d, e])]);
    const out = layer.apply(tensor(x, [b, t, c]));
    const expected: number[] = [];
    for (let i = 0; i < b * t; i++) {
      for (let j = 0; j < d * e; j++) {
        let acc = bias[j];
        for (let k = 0; k < c; k++) acc += x[i * c + k] * kernel[k * d * e + j];
        expected.push(Math.max(acc, 0));
      }
    }
    expect(out.shape).toEqual([b, t, d, e]);
    expectClose(await flat(out), expected);
  });

  it('counts the glorotUniform fans over the contracted and output axes', async () => {
    const layer = new EinsumDense({ equation: 'abc,cde->abde', outputShape: [null, 8, 16] });
    layer.apply(Input({ shape: [4, 64] }));
    const limit = Math.sqrt(6 / (64 + 8 * 16));
    const values = await flat(layer.weights[0]);
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.9 * limit);
  });

  it('rejects bad equations, bias axes and outputShape', () => {
    expect(() => new EinsumDense({ equation: 'ab->b', outputShape: 3 })).toThrow("Invalid einsum equation 'ab->b'");
    expect(() => new EinsumDense({ equation: 'ab,bc->ac', outputShape: 3, biasAxes: 'q' }).apply(Input({ shape: [2] }))).toThrow("Bias dimension 'q' was requested");
    expect(() => new EinsumDense({ equation: 'ab,bc->ac', outputShape: -3 })).toThrow('Invalid value for argument outputShape');
    expect(() => new EinsumDense({ equation: 'abc,cd->abd', outputShape: 4 }).apply(Input({ shape: [2, 3] }))).toThrow("Expected 2 sizes for the output labels 'abd'");
    expect(() => new EinsumDense({ equation: 'ab,cd->ac', outputShape: 3 }).apply(Input({ shape: [2] }))).toThrow("Weight dimension 'd' did not have a match");
  });
});

describe('gradients (finite differences on the CPU backend)', () => {
  it('EinsumDense: input, kernel and bias', async () => {
    const make = () => new EinsumDense({ equation: 'abc,cd->abd', outputShape: [null, 3], biasAxes: 'd', activation: 'tanh' });
    expect(await layerGradCheck(make, [2, 2, 4], seededValues(16, 41))).toBe('ok');
  });

  it('Attention with a scale and concat scores', async () => {
    const make = () => new SelfAttention(new Attention({ useScale: true, scoreMode: 'concat' }));
    expect(await layerGradCheck(make, [2, 3, 2], seededValues(12, 42))).toBe('ok');
  });

  it('AdditiveAttention with its scale vector', async () => {
    const make = () => new SelfAttention(new AdditiveAttention());
    expect(await layerGradCheck(make, [2, 3, 2], seededValues(12, 43))).toBe('ok');
  });
});

describe('SpatialDropout1D and SpatialDropout2D', () => {
  it('return their input outside training', () => {
    const x = tensor(seededValues(24, 51), [2, 3, 4]);
    expect(new SpatialDropout1D({ rate: 0.5 }).apply(x)).toBe(x);
    const image = tensor(seededValues(16, 52), [1, 2, 2, 4]);
    expect(new SpatialDropout2D({ rate: 0.5 }).apply(image, { training: false })).toBe(image);
  });

  it('drop whole channels in training and scale the rest by 1 / (1 - rate)', async () => {
    const steps = (await new SpatialDropout1D({ rate: 0.5, seed: 1 }).apply(tensor(Array(4 * 6 * 8).fill(1), [4, 6, 8]), { training: true }).array()) as number[][][];
    const seen = new Set<number>();
    for (const sample of steps) for (const step of sample) step.forEach((v, c) => (expect(v).toBe(sample[0][c]), seen.add(v)));
    expect([...seen].sort()).toEqual([0, 2]);
    const first = (await new SpatialDropout2D({ rate: 0.5, seed: 2, dataFormat: 'channels_first' }).apply(tensor(Array(3 * 8 * 2 * 2).fill(1), [3, 8, 2, 2]), { training: true }).array()) as number[][][][];
    for (const sample of first) for (const channel of sample) expect(new Set(channel.flat()).size).toBe(1);
    const last = (await new SpatialDropout2D({ rate: 0.5, seed: 3 }).apply(tensor(Array(3 * 2 * 2 * 8).fill(1), [3, 2, 2, 8]), { training: true }).array()) as number[][][][];
    for (const sample of last) for (const row of sample) for (const pixel of row) expect(pixel).toEqual(sample[0][0]);
  });

  it('draw reproducibly from the seed and differently per call', async () => {
    const x = tensor(Array(2 * 3 * 16).fill(1), [2, 3, 16]);
    const a = new SpatialDropout1D({ rate: 0.5, seed: 9 });
    const b = new SpatialDropout1D({ rate: 0.5, seed: 9 });
    const a1 = await flat(a.apply(x, { training: true }));
    expect(await flat(b.apply(x, { training: true }))).toEqual(a1);
    expect(await flat(a.apply(x, { training: true }))).not.toEqual(a1);
  });

  it('check their input rank and arguments', () => {
    expect(() => new SpatialDropout1D({ rate: 0.5 }).apply(tensor([1, 2], [1, 2]))).toThrow('expected ndim=3');
    expect(() => new SpatialDropout2D({ rate: 1.5 })).toThrow('Expected a float value between 0 and 1. Received: rate=1.5');
    expect(() => new SpatialDropout2D({ rate: 0.5, dataFormat: 'nchw' as never })).toThrow('Invalid value for argument dataFormat');
  });
});

describe('GaussianDropout and AlphaDropout', () => {
  it('GaussianDropout multiplies by N(1, rate / (1 - rate)) in training only', async () => {
    const x = tensor(Array(20000).fill(2), [100, 200]);
    const layer = new GaussianDropout({ rate: 0.2, seed: 5 });
    expect(layer.apply(x)).toBe(x);
    const y = await flat(layer.apply(x, { training: true }));
    const mean = y.reduce((a, b) => a + b, 0) / y.length;
    const variance = y.reduce((a, b) => a + (b - mean) ** 2, 0) / y.length;
    // Standard errors: mean ~0.007, variance ~0.004.
    expect(Math.abs(mean - 2)).toBeLessThan(0.03);
    expect(Math.abs(variance - 4 * 0.25)).toBeLessThan(0.03);
  });

  it('AlphaDropout sets dropped units to a * (-alpha * scale) + b and keeps the mean and variance of unit normal data', async () => {
    const rate = 0.2;
    const alphaP = -1.6732632423543772 * 1.0507009873554805;
    const a = ((1 - rate) * (1 + rate * alphaP ** 2)) ** -0.5;
    const b = -a * alphaP * rate;
    const xValues = await flat(tidy(() => rand([100, 200], { seed: 6 }).mul(Math.sqrt(3))));
    const layer = new AlphaDropout({ rate, seed: 7 });
    const x = tensor(xValues, [100, 200]);
    expect(layer.apply(x)).toBe(x);
    const y = await flat(layer.apply(x, { training: true }));
    let dropped = 0;
    y.forEach((v, i) => {
      if (Math.abs(v - (a * alphaP + b)) < 1e-5) dropped++;
      else expect(Math.abs(v - (a * xValues[i] + b))).toBeLessThan(1e-5);
    });
    expect(Math.abs(dropped / y.length - rate)).toBeLessThan(0.02);
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    const variance = y.reduce((s, v) => s + (v - mean) ** 2, 0) / y.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('AlphaDropout shares its mask along size-1 axes of noiseShape', async () => {
    const y = (await new AlphaDropout({ rate: 0.5, noiseShape: [null, 1, null], seed: 8 }).apply(tensor(Array(2 * 20 * 3).fill(1), [2, 20, 3]), { training: true }).array()) as number[][][];
    for (const sample of y) for (const step of sample) expect(step).toEqual(sample[0]);
    expect(() => new AlphaDropout({ rate: 0.5, noiseShape: [2, 3] }).apply(tensor([1, 2, 3], [1, 3]), { training: true })).toThrow('cannot be broadcast to the input shape');
  });
});

describe('ActivityRegularization', () => {
  it('returns its input and adds (l1 * sum|x| + l2 * sum x²) / batch to its losses', async () => {
    const values = seededValues(12, 61);
    const x = tensor(values, [3, 4]);
    const layer = new ActivityRegularization({ l1: 0.1, l2: 0.02 });
    expect(layer.apply(x)).toBe(x);
    expect(layer.losses).toHaveLength(1);
    const expected = (0.1 * values.reduce((s, v) => s + Math.abs(v), 0) + 0.02 * values.reduce((s, v) => s + v * v, 0)) / 3;
    expectClose(await flat(layer.losses[0]), [expected]);
    expect(() => new ActivityRegularization({ l1: -1 })).toThrow('Invalid value for argument l1. Expected a non-negative number. Received: l1=-1');
  });
});

describe('CategoryEncoding', () => {
  const ids = () => tensor([0, 1, 0, 0, 1, 2, 3, 1], [4, 2], 'int32');

  it('matches the Keras docstring examples (one_hot, multi_hot, count with countWeights)', async () => {
    const oneHot = new CategoryEncoding({ numTokens: 4, outputMode: 'one_hot' }).apply(tensor([3, 2, 0, 1], [4], 'int32'));
    expect(oneHot.shape).toEqual([4, 4]);
    expect(await flat(oneHot)).toEqual([0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0]);
    expect(await flat(new CategoryEncoding({ numTokens: 4 }).apply(ids()))).toEqual([1, 1, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1]);
    expect(await flat(new CategoryEncoding({ numTokens: 4, outputMode: 'count' }).apply(ids()))).toEqual([1, 1, 0, 0, 2, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1]);
    const weights = tensor([0.1, 0.2, 0.1, 0.1, 0.2, 0.3, 0.4, 0.2], [4, 2]);
    const counted = new CategoryEncoding({ numTokens: 4, outputMode: 'count' }).apply(ids(), { countWeights: weights });
    expectClose(await flat(counted), [0.1, 0.2, 0, 0, 0.2, 0, 0, 0, 0, 0.2, 0.3, 0, 0, 0.2, 0, 0.4]);
  });

  it('squeezes a last axis of size 1 in one_hot mode, ignores ids out of range, and gives symbolic shapes', async () => {
    const out = new CategoryEncoding({ numTokens: 3, outputMode: 'one_hot' }).apply(tensor([2, 5, 0], [3, 1], 'int32'));
    expect(out.shape).toEqual([3, 3]);
    expect(await flat(out)).toEqual([0, 0, 1, 0, 0, 0, 1, 0, 0]);
    expect(new CategoryEncoding({ numTokens: 5 }).apply(Input({ shape: [7] })).shape).toEqual([null, 5]);
    expect(new CategoryEncoding({ numTokens: 5, outputMode: 'one_hot' }).apply(Input({ shape: [7] })).shape).toEqual([null, 7, 5]);
    expect(() => new CategoryEncoding({ numTokens: 0 })).toThrow('Expected an integer >= 1. Received: numTokens=0');
    expect(() => new CategoryEncoding({ numTokens: 3, outputMode: 'binary' as never })).toThrow("Expected one of 'one_hot', 'multi_hot', 'count'");
    expect(() => new CategoryEncoding({ numTokens: 4 }).apply(ids(), { countWeights: tensor([1, 2], [2]) })).toThrow('is not used when `outputMode` is not');
  });
});

describe('Discretization', () => {
  it('puts NaN in the last bin, as NumPy digitize and TensorFlow Bucketize', async () => {
    const bins = new Discretization({ binBoundaries: [0, 1] }).apply(tensor([NaN, -1, 0.5, 3])) as Tensor;
    expect(Array.from(await bins.data())).toEqual([2, 0, 1, 2]);
  });

  it('matches the Keras docstring example and encodes bucket ids', async () => {
    const x = () => tensor([-1.5, 1, 3.4, 0.5, 0, 3, 1.3, 0], [2, 4]);
    const out = new Discretization({ binBoundaries: [0, 1, 2] }).apply(x());
    expect(out.dtype).toBe('int32');
    expect(await flat(out)).toEqual([0, 2, 3, 1, 1, 3, 2, 1]);
    const counts = new Discretization({ binBoundaries: [0, 1, 2], outputMode: 'count' }).apply(x());
    expect(await flat(counts)).toEqual([1, 1, 1, 1, 0, 2, 1, 1]);
    expect(new Discretization({ binBoundaries: [0, 1], outputMode: 'one_hot' }).apply(Input({ shape: [4] })).shape).toEqual([null, 4, 3]);
    expect(() => new Discretization({ binBoundaries: [1, 0] })).toThrow('Expected a list of finite numbers in increasing order');
  });

  it("learns numBins boundaries with adapt as Keras 3 does (its docstring example, and its algorithm's results on one and on three batches)", async () => {
    const learned = new Discretization({ numBins: 4, epsilon: 0.01 });
    const x = tensor([-1.5, 1, 3.4, 0.5, 0, 3, 1.3, 0], [2, 4]);
    await learned.adapt(x);
    expect(learned.binBoundaries).toEqual([0, 0.5, Math.fround(1.3)]);
    expect(await flat(learned.apply(x))).toEqual([0, 2, 3, 2, 1, 3, 3, 1]);
    // Expected values: Keras 3's summarize, merge_summaries and get_bin_boundaries
    // (keras/src/layers/preprocessing/discretization.py) run in NumPy on the same float32 data.
    const data = Array.from({ length: 500 }, (_, i) => Math.fround(Math.sin(0.7 * i) * 3 + (i % 5)));
    const one = new Discretization({ numBins: 5, epsilon: 0.01 });
    await one.adapt(tensor(data));
    expect(one.binBoundaries).toEqual([-0.46241575479507446, 1.2306474447250366, 2.7947468757629395, 4.4145188331604]);
    const batched = new Discretization({ numBins: 7, epsilon: 0.05 });
    await batched.adapt([tensor(data.slice(0, 180)), tensor(data.slice(180, 390)), tensor(data.slice(390))]);
    expect(batched.binBoundaries).toEqual([-0.8927330374717712, 0.4828265309333801, 1.522294282913208, 2.6788368225097656, 3.816281318664551, 5.071385860443115]);
    // Saved after adapt, it comes back with the learned boundaries.
    const copy = Discretization.fromConfig(batched.getConfig()) as Discretization;
    expect([copy.numBins, copy.binBoundaries]).toEqual([7, batched.binBoundaries]);
  });

  it('asks for adapt before use with numBins, and refuses both or neither of numBins and binBoundaries as Keras', async () => {
    expect(() => new Discretization({ numBins: 3 }).apply(tensor([1, 2]))).toThrow('has no bin boundaries yet: call `await layer.adapt(data)` first');
    await expect(new Discretization({ binBoundaries: [0] }).adapt(tensor([1, 2]))).rejects.toThrow('Cannot adapt a Discretization layer that has been initialized with `binBoundaries`, use `numBins` instead.');
    expect(() => new Discretization({ numBins: 3, binBoundaries: [0] })).toThrow('Both `numBins` and `binBoundaries` should not be set.');
    expect(() => new Discretization({})).toThrow('You need to set either `numBins` or `binBoundaries`.');
  });
});

describe('config round trips', () => {
  const layers: Array<() => Layer> = [
    () => new Dot({ axes: [1, 2], normalize: true }),
    () => new Attention({ useScale: true, scoreMode: 'concat', dropout: 0.1, seed: 3 }),
    () => new AdditiveAttention({ useScale: false, dropout: 0.2 }),
    () => new EinsumDense({ equation: 'abc,cd->abd', outputShape: [null, 5], biasAxes: 'd', activation: 'relu', kernelInitializer: 'heNormal', kernelRegularizer: 'l2' }),
    () => new SpatialDropout1D({ rate: 0.3, seed: 1 }),
    () => new SpatialDropout2D({ rate: 0.3, dataFormat: 'channels_first' }),
    () => new GaussianDropout({ rate: 0.1, seed: 2 }),
    () => new AlphaDropout({ rate: 0.1, noiseShape: [null, 1, null] }),
    () => new ActivityRegularization({ l1: 0.01, l2: 0.2 }),
    () => new CategoryEncoding({ numTokens: 7, outputMode: 'count' }),
    () => new Discretization({ binBoundaries: [-1, 0.5, 2], outputMode: 'multi_hot' }),
  ];
  for (const make of layers) {
    const layer = make();
    it(`${layer.constructor.name} is registered and rebuilds from its config`, () => {
      const className = layer.constructor.name;
      expect(getLayerClass(className)).toBe(layer.constructor);
      const config = layer.getConfig();
      const rebuilt = deserializeLayer({ className, config: JSON.parse(JSON.stringify(config)) });
      expect(rebuilt.getConfig()).toEqual(config);
    });
  }

  it('rejects an option that is not theirs at the first apply', () => {
    expect(() => new EinsumDense({ equation: 'ab,bc->ac', outputShape: 2, useBias: false } as never).apply(Input({ shape: [3] }))).toThrow("unknown option 'useBias'");
  });
});

describe('in a model', () => {
  it('trains with fit and survives save and load with identical predictions', async () => {
    setRandomSeed(5);
    const inputs = Input({ shape: [4, 3] });
    const projected = new EinsumDense({ equation: 'abc,cd->abd', outputShape: [null, 6], biasAxes: 'd', activation: 'tanh' }).apply(inputs);
    const dropped = new SpatialDropout1D({ rate: 0.2, seed: 1 }).apply(projected);
    const attended = new Attention({ useScale: true, dropout: 0.1 }).apply([dropped, dropped]);
    const additive = new AdditiveAttention().apply([attended, dropped]);
    const noisy = new AlphaDropout({ rate: 0.1 }).apply(new GaussianDropout({ rate: 0.1 }).apply(additive));
    const regularized = new ActivityRegularization({ l2: 1e-3 }).apply(noisy);
    const outputs = new Dense({ units: 1 }).apply(new Flatten().apply(regularized));
    const model = new Model({ inputs, outputs });
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const x = rand([16, 4, 3], { seed: 71 });
    const y = tidy(() => x.sum([1, 2]).reshape([16, 1]).mul(0.3));
    const history = await model.fit(x, y, { epochs: 6, batchSize: 8, verbose: 0, shuffle: false });
    const losses = history.history.loss as number[];
    expect(losses.at(-1)!).toBeLessThan(losses[0]);

    const slot = memoryHandler();
    await model.save(slot);
    const restored = await loadModel(slot);
    expect(restored.layers.map((l) => l.constructor.name)).toContain('AdditiveAttention');
    expectClose(await flat((await restored.predict(x)) as Tensor), await flat((await model.predict(x)) as Tensor), { atol: 1e-6, rtol: 1e-5 });
  });
});

describe('memory', () => {
  it('leaves no tensors behind', () => {
    const q = tensor(seededValues(12, 81), [2, 3, 2]);
    const ids = tensor([0, 2, 1, 1], [2, 2], 'int32');
    const layers = { attention: new Attention({ useScale: true, dropout: 0.5 }), additive: new AdditiveAttention(), einsum: new EinsumDense({ equation: 'abc,cd->abd', outputShape: [null, 3], biasAxes: 'd' }), dot: new Dot({ axes: 2, normalize: true }) };
    const run = () =>
      tidy(() => {
        layers.attention.apply([q, q], { training: true, useCausalMask: true });
        layers.additive.apply([q, q], { returnAttentionScores: true });
        layers.einsum.apply(q);
        layers.dot.apply([q, q]);
        new SpatialDropout1D({ rate: 0.5 }).apply(q, { training: true });
        new AlphaDropout({ rate: 0.5 }).apply(q, { training: true });
        new GaussianDropout({ rate: 0.5 }).apply(q, { training: true });
        new CategoryEncoding({ numTokens: 3, outputMode: 'count' }).apply(ids);
        new Discretization({ binBoundaries: [0], outputMode: 'one_hot' }).apply(q);
      });
    run();
    const before = memory().liveTensors;
    run();
    expect(memory().liveTensors).toBe(before);
  });
});

const cases: OpCase[] = [
  { name: 'Dot axes [1, 2], normalize [2,3,4] x [2,5,3]', run: () => new Dot({ axes: [1, 2], normalize: true }).apply([rand([2, 3, 4]), rand([2, 5, 3])]) },
  { name: 'Attention causal, returnAttentionScores [2,3,2] x [2,4,2]', run: () => new Attention().apply([rand([2, 3, 2]), rand([2, 4, 2])], { returnAttentionScores: true, useCausalMask: true }) },
  { name: 'Attention concat [2,3,2] x [2,4,2]', run: () => new Attention({ scoreMode: 'concat' }).apply([rand([2, 3, 2]), rand([2, 4, 2])]) },
  { name: 'AdditiveAttention with key [2,3,2], [2,4,3], [2,4,2]', run: () => new AdditiveAttention({ useScale: false }).apply([rand([2, 3, 2]), rand([2, 4, 3]), rand([2, 4, 2])]) },
  {
    name: 'EinsumDense abc,cde->abde [2,3,4]',
    run: () => {
      const layer = new EinsumDense({ equation: 'abc,cde->abde', outputShape: [null, 2, 3], biasAxes: 'e', biasInitializer: 'ones', kernelInitializer: 'ones' });
      return layer.apply(rand([2, 3, 4]));
    },
  },
  { name: 'SpatialDropout2D seeded, training [2,3,3,4]', run: () => new SpatialDropout2D({ rate: 0.5, seed: 3 }).apply(rand([2, 3, 3, 4]), { training: true }) },
  { name: 'GaussianDropout seeded, training [4,5]', run: () => new GaussianDropout({ rate: 0.3, seed: 4 }).apply(rand([4, 5]), { training: true }) },
  { name: 'AlphaDropout seeded, training [4,5]', run: () => new AlphaDropout({ rate: 0.3, seed: 5 }).apply(rand([4, 5]), { training: true }) },
  { name: 'CategoryEncoding count [3,4]', run: () => new CategoryEncoding({ numTokens: 5, outputMode: 'count' }).apply(rand([3, 4], { low: 0, high: 5, int: true })) },
  { name: 'Discretization multi_hot [3,4]', run: () => new Discretization({ binBoundaries: [-0.5, 0, 0.5], outputMode: 'multi_hot' }).apply(rand([3, 4])) },
];

describe('GPU matches the CPU backend', () => {
  checkCases(cases);
});
