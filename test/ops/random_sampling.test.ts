// Sampling ops: one seed gives the same samples on the GPU and the CPU backend; categorical
// frequencies match softmax(logits), randint stays in bounds and covers them evenly, shuffle is a
// permutation (one per axis, uniform over many seeds); dropout drops about its rate and scales the
// rest; errors name what was wrong.

import { describe, expect, it } from 'vitest';
import { GradientTape, getBackend, ops, randint, randomCategorical, randomUniform, setBackend, shuffle, tensor, type Tensor } from '../../src/node';
import { randomSamplingCases } from '../cases/random_sampling';
import { checkCases, useWebGPU } from '../helpers';

useWebGPU();

const { dropout } = ops;
const DRAWS = 20_000;

async function valuesOf(t: Tensor): Promise<number[]> {
  const values = Array.from(await t.data());
  t.dispose();
  return values;
}

/** How often each value in [low, high) occurs, as a fraction of all values. */
function frequencies(values: number[], low: number, high: number): number[] {
  const counts = new Array<number>(high - low).fill(0);
  for (const v of values) counts[v - low]++;
  return counts.map((c) => c / values.length);
}

describe('GPU matches CPU exactly for the same seed', () => {
  it('runs on the WebGPU backend', () => expect(getBackend()).toBe('webgpu'));
  checkCases(randomSamplingCases);
});

describe('randomCategorical', () => {
  it('draws each class with probability softmax(logits)', async () => {
    // Row 0: probabilities 0.1, 0.2, 0.7; row 1 the same plus 100 (softmax is shift-invariant);
    // row 2: a class with logit -Infinity is never drawn.
    const probabilities = [0.1, 0.2, 0.7];
    const logRow = probabilities.map(Math.log);
    const logits = tensor([logRow, logRow.map((v) => v + 100), [Math.log(0.25), -Infinity, Math.log(0.75)]]);
    const samples = randomCategorical(logits, DRAWS, { seed: 31 });
    expect(samples.shape).toEqual([3, DRAWS]);
    expect(samples.dtype).toBe('int32');
    const values = await valuesOf(samples);
    // The standard deviation of a frequency is at most sqrt(0.25 / 20000) = 0.0035.
    const rows = [0, 1, 2].map((r) => frequencies(values.slice(r * DRAWS, (r + 1) * DRAWS), 0, 3));
    for (const row of rows.slice(0, 2)) row.forEach((f, c) => expect(Math.abs(f - probabilities[c])).toBeLessThan(0.015));
    expect(rows[2][1]).toBe(0);
    expect(Math.abs(rows[2][0] - 0.25)).toBeLessThan(0.015);
  });

  it('gives the same samples for the same seed and different ones for another', async () => {
    const logits = tensor([[0, 0, 0, 0]]);
    const a = await valuesOf(randomCategorical(logits, 200, { seed: 5 }));
    expect(await valuesOf(randomCategorical(logits, 200, { seed: 5 }))).toEqual(a);
    expect(await valuesOf(randomCategorical(logits, 200, { seed: 6 }))).not.toEqual(a);
  });

  it('draws zero samples as an empty [batch, 0] tensor', () => {
    const t = randomCategorical(tensor([[1, 2], [3, 4]]), 0, { seed: 1 });
    expect(t.shape).toEqual([2, 0]);
    t.dispose();
  });

  it('rejects bad arguments before running', () => {
    expect(() => randomCategorical(tensor([1, 2, 3]), 2)).toThrow('randomCategorical: logits must be a 2-D tensor [batchSize, numClasses], got shape [3].');
    expect(() => randomCategorical(tensor([[1, 2]]), 2.5)).toThrow('randomCategorical: numSamples must be a non-negative integer, got 2.5.');
    expect(() => randomCategorical(tensor([[1, 2]], [1, 2], 'int32'), 2)).toThrow('randomCategorical: logits must be float32, got int32.');
    expect(() => randomCategorical(tensor([], [2, 0]), 2)).toThrow('randomCategorical: logits of shape [2,0] have no classes to draw from.');
    expect(() => randomCategorical(tensor([[1, 2]]), 2, { num_samples: 3 } as never)).toThrow("randomCategorical: unknown option 'num_samples'");
  });
});

describe('randint', () => {
  it('stays within [minval, maxval) and covers it evenly', async () => {
    const t = randint([DRAWS], -4, 6, { seed: 41 });
    expect(t.dtype).toBe('int32');
    const values = await valuesOf(t);
    expect(values.every((v) => Number.isInteger(v) && v >= -4 && v < 6)).toBe(true);
    // Ten values, each with frequency 0.1 (standard deviation 0.0021).
    for (const f of frequencies(values, -4, 6)) expect(Math.abs(f - 0.1)).toBeLessThan(0.01);
  });

  it('rejects float dtypes and bad bounds', () => {
    expect(() => randint([2], 0, 5, { dtype: 'float32' })).toThrow("randint: requires an integer dtype ('int32'), got 'float32'.");
    expect(() => randint([2], 3, 3)).toThrow('randint: minval (3) must be less than maxval (3) for int32.');
    expect(() => randint([2], 0, 2.5)).toThrow('randint: int32 bounds must be integers in the int32 range, got minval=0, maxval=2.5.');
    expect(() => randint([2], 0, 5, { seed: 0.5 })).toThrow('randint: seed must be an integer, got 0.5.');
  });
});

describe('shuffle', () => {
  it('is a permutation of the slices along the axis, the same for every other index', async () => {
    // Column j holds 1000 * j + i: after shuffling along axis 0 every row keeps its columns together.
    const rows = 300;
    const values = Array.from({ length: rows * 3 }, (_, k) => 1000 * (k % 3) + Math.floor(k / 3));
    const shuffled = await valuesOf(shuffle(tensor(values, [rows, 3]), { seed: 51 }));
    const firstColumn = shuffled.filter((_, k) => k % 3 === 0);
    expect([...firstColumn].sort((a, b) => a - b)).toEqual(Array.from({ length: rows }, (_, i) => i));
    expect(firstColumn).not.toEqual(Array.from({ length: rows }, (_, i) => i));
    for (let i = 0; i < rows; i++) {
      expect(shuffled[3 * i + 1]).toBe(1000 + shuffled[3 * i]);
      expect(shuffled[3 * i + 2]).toBe(2000 + shuffled[3 * i]);
    }
  });

  it('sorted result equals sorted input along a middle axis', async () => {
    const x = tensor(Array.from({ length: 2 * 50 }, (_, k) => (k * 37) % 101), [2, 50, 1]);
    const input = await x.data();
    const shuffled = await valuesOf(shuffle(x, { axis: 1, seed: 52 }));
    for (const b of [0, 1]) {
      const sorted = (v: ArrayLike<number>) => Array.from(v).slice(b * 50, (b + 1) * 50).sort((p, q) => p - q);
      expect(sorted(shuffled)).toEqual(sorted(input));
    }
    x.dispose();
  });

  it('gives each of the 6 orders of 3 elements equally often over 1200 seeds (CPU)', async () => {
    setBackend('cpu');
    try {
      const counts = new Map<string, number>();
      const x = tensor([0, 1, 2]);
      for (let seed = 0; seed < 1200; seed++) {
        const key = (await valuesOf(shuffle(x, { seed }))).join('');
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      x.dispose();
      expect(counts.size).toBe(6);
      // Each count is binomial(1200, 1/6): mean 200, standard deviation 12.9.
      for (const c of counts.values()) expect(Math.abs(c - 200)).toBeLessThan(55);
    } finally {
      setBackend('webgpu');
    }
  });

  it('passes gradients back to the original positions', async () => {
    const x = tensor([10, 20, 30, 40, 50]);
    // y[k] = x[source[k]], so d sum(w * y) / dx[source[k]] = w[k].
    const source = (await valuesOf(shuffle(x, { seed: 61 }))).map((v) => v / 10 - 1);
    const weights = tensor([1, 2, 3, 4, 5]);
    const tape = new GradientTape();
    tape.watch([x]);
    const target = tape.record(() => shuffle(x, { seed: 61 }).mul(weights));
    const grad = await valuesOf(tape.gradient(target, [x])[0]!);
    source.forEach((from, k) => expect(grad[from]).toBe(k + 1));
  });

  it('rejects scalars and bad axes', () => {
    expect(() => shuffle(tensor(3))).toThrow('shuffle: x must have rank at least 1, got a scalar.');
    expect(() => shuffle(tensor([1, 2]), { axis: 1 })).toThrow('shuffle: axis 1 is out of range for a tensor of rank 1');
    expect(() => shuffle(tensor([1, 2]), { seed: 'a' as never })).toThrow('shuffle: seed must be an integer, got a.');
  });
});

describe('dropout', () => {
  it('zeroes about `rate` of the entries and scales the others by 1 / (1 - rate), the same on GPU and CPU for a seed', async () => {
    const x = randomUniform([DRAWS], { minval: 1, maxval: 2, seed: 3 });
    const xs = Array.from(await x.data());
    const gpu = await valuesOf(dropout(x, 0.3, { seed: 11 }));
    const dropped = gpu.filter((v) => v === 0).length / DRAWS;
    expect(Math.abs(dropped - 0.3)).toBeLessThan(0.015);
    gpu.forEach((v, i) => (v !== 0 ? expect(v).toBeCloseTo(xs[i] / 0.7, 5) : undefined));
    setBackend('cpu');
    try {
      const cpuX = tensor(xs);
      expect(await valuesOf(dropout(cpuX, 0.3, { seed: 11 }))).toEqual(gpu);
    } finally {
      setBackend('webgpu');
    }
    expect(await valuesOf(dropout(x, 0))).toEqual(xs.map((v) => Math.fround(v)));
    expect(await valuesOf(dropout(x, 1))).toEqual(new Array(DRAWS).fill(0));
  });

  it('shares a draw along the axes where noiseShape is 1, and passes gradients through the kept entries', async () => {
    const x = tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]);
    const y = await valuesOf(dropout(x, 0.5, { noiseShape: [null, 1], seed: 5 }));
    for (let row = 0; row < 4; row++) {
      const kept = y.slice(3 * row, 3 * row + 3);
      expect(kept.every((v) => v === 0) || kept.every((v, j) => v === 2 * (3 * row + j + 1))).toBe(true);
    }
    const tape = new GradientTape();
    tape.watch([x]);
    const out = tape.record(() => dropout(x, 0.5, { noiseShape: [null, 1], seed: 5 }));
    // d sum(y) / dx is 2 where kept, 0 where dropped: y / x.
    const grad = await valuesOf(tape.gradient(out, [x])[0]!);
    expect(grad).toEqual(y.map((v, i) => v / (i + 1)));
  });

  it('rejects a bad rate and a noiseShape that does not broadcast', () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(() => dropout(x, 1.5)).toThrow('dropout: rate must be a number in [0, 1], got 1.5.');
    expect(() => dropout(x, 0.5, { noiseShape: [2] })).toThrow('dropout: noiseShape (2) must have the rank of x, 2; x has shape [2,2].');
    expect(() => dropout(x, 0.5, { noiseShape: [2, 3] })).toThrow("dropout: noiseShape (2, 3) does not broadcast to x's shape [2,2]: axis 1 must be 2, 1 or null.");
    expect(() => dropout(x, 0.5, { rate: 0.5 } as never)).toThrow(/dropout: unknown option 'rate'/);
  });
});
