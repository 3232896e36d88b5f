// dotProductAttention: against a float64 plain-loop reference of Keras's definition (scale
// 1/sqrt(H) by default, bias added, mask true = keep, causal lower triangle, grouped-query heads
// n -> floor(n / (N / K))), the GPU against the CPU, gradients by finite differences, and errors.

import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../../src/node';
import { dotProductAttention, type DotProductAttentionOptions } from '../../src/ops/attention';
import { gradCheck } from '../autograd/gradcheck';
import { attentionCases } from '../cases/attention';
import { seededRandom } from '../cases/data';
import { checkCases, onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

describe('GPU matches CPU', () => checkCases(attentionCases));

const next = seededRandom(777);
const randomValues = (size: number, scale = 1) => Array.from({ length: size }, () => (next() * 2 - 1) * scale);

interface ReferenceOptions {
  bias?: { values: number[]; shape: number[] };
  mask?: { values: number[]; shape: number[] };
  scale?: number;
  isCausal?: boolean;
}

/** Element `index` ([b, n, t, s]) of a tensor broadcast to `target`. */
function broadcastAt({ values, shape }: { values: number[]; shape: number[] }, index: number[]): number {
  const offset = index.length - shape.length;
  let flat = 0;
  shape.forEach((d, i) => (flat = flat * d + (d === 1 ? 0 : index[offset + i])));
  return values[flat];
}

/** Keras's dot_product_attention in float64 loops: q [B,T,N,H], k and v [B,S,K,H]. */
function referenceAttention(q: number[], k: number[], v: number[], [B, T, N, H]: number[], [S, K]: number[], options: ReferenceOptions = {}): number[] {
  const scale = options.scale ?? 1 / Math.sqrt(H);
  const groups = N / K;
  const out = new Array<number>(B * T * N * H).fill(0);
  for (let b = 0; b < B; b++) {
    for (let n = 0; n < N; n++) {
      const kv = Math.floor(n / groups);
      for (let t = 0; t < T; t++) {
        const logits: number[] = [];
        for (let s = 0; s < S; s++) {
          let dot = 0;
          for (let h = 0; h < H; h++) dot += q[((b * T + t) * N + n) * H + h] * k[((b * S + s) * K + kv) * H + h];
          let logit = dot * scale;
          if (options.bias) logit += broadcastAt(options.bias, [b, n, t, s]);
          const kept = (!options.mask || broadcastAt(options.mask, [b, n, t, s]) !== 0) && (!options.isCausal || s <= t);
          logits.push(kept ? logit : -0.7 * 3.38953e38);
        }
        const max = Math.max(...logits);
        const weights = logits.map((l) => Math.exp(l - max));
        const total = weights.reduce((a, w) => a + w, 0);
        for (let s = 0; s < S; s++) {
          for (let h = 0; h < H; h++) out[((b * T + t) * N + n) * H + h] += (weights[s] / total) * v[((b * S + s) * K + kv) * H + h];
        }
      }
    }
  }
  return out;
}

async function expectClose(actual: Tensor, expected: number[], atol = 2e-5): Promise<void> {
  const values = await actual.data();
  actual.dispose();
  expect(values.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(values[i] - e)).toBeLessThanOrEqual(atol + 1e-5 * Math.abs(e)));
}

/** Runs dotProductAttention and the reference on the same random inputs. */
async function checkAgainstReference([B, T, N, H]: number[], [S, K]: number[], options: ReferenceOptions = {}): Promise<void> {
  const q = randomValues(B * T * N * H, 2);
  const k = randomValues(B * S * K * H, 2);
  const v = randomValues(B * S * K * H);
  const opts: DotProductAttentionOptions = { scale: options.scale, isCausal: options.isCausal };
  const owned: Tensor[] = [];
  if (options.bias) owned.push((opts.bias = tensor(options.bias.values, options.bias.shape)));
  if (options.mask) owned.push((opts.mask = tensor(options.mask.values, options.mask.shape, 'int32')));
  const args = [tensor(q, [B, T, N, H]), tensor(k, [B, S, K, H]), tensor(v, [B, S, K, H])] as const;
  const y = dotProductAttention(...args, opts);
  expect(y.shape).toEqual([B, T, N, H]);
  await expectClose(y, referenceAttention(q, k, v, [B, T, N, H], [S, K], options));
  for (const t of [...args, ...owned]) t.dispose();
}

describe('matches a float64 reference of Keras\'s definition', () => {
  it('multi-head attention with the default scale', onBothBackends(() => checkAgainstReference([2, 4, 3, 8], [6, 3])));
  it('grouped-query (4 heads over 2) and multi-query (3 over 1)', onBothBackends(async () => {
    await checkAgainstReference([2, 3, 4, 5], [7, 2]);
    await checkAgainstReference([1, 5, 3, 4], [4, 1]);
  }));
  it('causal with T < S and T > S (the lower triangle of [T, S] from the top-left)', onBothBackends(async () => {
    await checkAgainstReference([1, 3, 2, 4], [6, 2], { isCausal: true });
    await checkAgainstReference([2, 6, 2, 4], [3, 2], { isCausal: true });
  }));
  it('a broadcast mask with a fully masked row (uniform weights), combined with causality', onBothBackends(async () => {
    const mask = { values: Array.from({ length: 2 * 4 * 5 }, (_, i) => (i % 20 < 5 ? 0 : Number(i % 3 !== 1))), shape: [2, 1, 4, 5] };
    await checkAgainstReference([2, 4, 3, 4], [5, 3], { mask });
    await checkAgainstReference([2, 4, 3, 4], [5, 3], { mask, isCausal: true });
  }));
  it('a bias broadcast from [T, S] and an explicit scale', onBothBackends(() => checkAgainstReference([2, 3, 2, 4], [5, 2], { bias: { values: randomValues(15, 3), shape: [3, 5] }, scale: 0.25 })));

  it('with one key, every query reads that key\'s value', async () => {
    const value = tensor([1, 2, 3, 4, 5, 6], [1, 1, 2, 3]);
    const q = tensor(randomValues(2 * 2 * 3), [1, 2, 2, 3]);
    const k = tensor(randomValues(2 * 3), [1, 1, 2, 3]);
    await expectClose(dotProductAttention(q, k, value), [1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6], 1e-6);
  });
});

describe('gradients match finite differences', () => {
  it('of query, key and value, grouped-query and causal', async () => {
    const f = (q: Tensor, k: Tensor, v: Tensor) => dotProductAttention(q, k, v, { isCausal: true });
    expect((await gradCheck(f, [[1, 3, 4, 3], [1, 4, 2, 3], [1, 4, 2, 3]])).message).toBe('ok');
  });

  it('of the bias, with a mask', async () => {
    // The mask is made inside f, on whichever backend gradCheck runs it.
    const f = (q: Tensor, k: Tensor, v: Tensor, bias: Tensor) =>
      dotProductAttention(q, k, v, { bias, mask: tensor([1, 0, 1, 1, 1, 1, 0, 1, 0], [3, 3], 'int32'), scale: 0.7 });
    expect((await gradCheck(f, [[2, 3, 1, 2], [2, 3, 1, 2], [2, 3, 1, 2], [1, 3, 3]])).message).toBe('ok');
  });
});

describe('errors', () => {
  const q = tensor(new Array(2 * 3 * 4 * 5).fill(0), [2, 3, 4, 5]);
  const k = tensor(new Array(2 * 6 * 2 * 5).fill(0), [2, 6, 2, 5]);

  it('rejects wrong ranks and mismatched shapes', () => {
    expect(() => dotProductAttention(tensor([1, 2]), k, k)).toThrow('dotProductAttention: query must have rank 4 ([batch, length, heads, headDim]), got shape [2].');
    expect(() => dotProductAttention(q, k, tensor(new Array(60).fill(0), [2, 6, 1, 5]))).toThrow('dotProductAttention: value must have the shape of key, got query [2,3,4,5], key [2,6,2,5], value [2,6,1,5].');
    const wrongH = tensor(new Array(2 * 6 * 2 * 4).fill(0), [2, 6, 2, 4]);
    expect(() => dotProductAttention(q, wrongH, wrongH)).toThrow('dotProductAttention: query [B, T, N, H] and key [B, S, K, H] must agree in B and H, got query [2,3,4,5], key [2,6,2,4], value [2,6,2,4].');
    const threeHeads = tensor(new Array(2 * 6 * 3 * 5).fill(0), [2, 6, 3, 5]);
    expect(() => dotProductAttention(q, threeHeads, threeHeads)).toThrow("dotProductAttention: the query's heads (4) must be a multiple of the key's heads (3)");
  });

  it('rejects a mask or bias that does not broadcast to [B, N, T, S]', () => {
    expect(() => dotProductAttention(q, k, k, { mask: tensor([1, 0, 1], [3], 'int32') })).toThrow('dotProductAttention: mask of shape [3] does not broadcast to the logits\' shape [B, N, T, S] = [2,4,3,6].');
    expect(() => dotProductAttention(q, k, k, { bias: tensor(new Array(12).fill(0), [2, 1, 1, 3, 2]) })).toThrow('dotProductAttention: bias of shape [2,1,1,3,2] does not broadcast');
  });

  it('rejects unknown options, snake_case ones with a hint, and flash attention', () => {
    expect(() => dotProductAttention(q, k, k, { is_causal: true } as never)).toThrow("dotProductAttention: unknown option 'is_causal' (did you mean 'isCausal'?)");
    expect(() => dotProductAttention(q, k, k, { flashAttention: true })).toThrow('dotProductAttention: flashAttention is not supported');
  });
});
