// The losses module as a specification: each loss against Keras 3's docstring values, values
// computed by Keras 3.16 (the generalized cross-entropy) or a float64 reference written out here,
// every reduction and sample weights, fromLogits and labelSmoothing, the WebGPU backend against the
// CPU backend, gradients with respect to yPred against finite differences, name lookup and
// serialization, and the errors users meet.

import { beforeEach, describe, expect, it } from 'vitest';
import { Input, Sequential, layers, loadKerasModel, loadModel, memory, removeModel, saveKerasModel, setBackend, tensor, tidy, type Tensor } from '../../src/node';
import * as losses from '../../src/losses/index';
import { Loss, type LossFunction } from '../../src/losses/index';
import { gradCheck } from '../autograd/gradcheck';
import { seededRandom } from '../cases/data';
import { useWebGPU } from '../helpers';

useWebGPU();

async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

function expectClose(actual: ArrayLike<number> | number, expected: number[] | number, atol = 1e-4, rtol = 1e-4): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : expected;
  expect(a.length).toBe(e.length);
  e.forEach((v, i) => {
    if (!(Math.abs(a[i] - v) <= atol + rtol * Math.abs(v))) throw new Error(`element ${i}: got ${a[i]}, expected ${v} (all: ${a.join(', ')})`);
  });
}

/** Uniform values in [low, high), seeded. */
function uniform(count: number, low: number, high: number, seed: number): number[] {
  const next = seededRandom(seed);
  return Array.from({ length: count }, () => low + (high - low) * next());
}

/** Rows of a one-hot matrix for the given classes. */
function oneHotRows(classes: number[], depth: number): number[][] {
  return classes.map((c) => Array.from({ length: depth }, (_, j) => (j === c ? 1 : 0)));
}

// ---- float64 references, written from the formulas ----

const EPS = 1e-7;
const clip64 = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
const sigmoid64 = (x: number) => 1 / (1 + Math.exp(-x));
const meanOf = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sumOf = (v: number[]) => v.reduce((a, b) => a + b, 0);

function rows(flat: number[], width: number): number[][] {
  return Array.from({ length: flat.length / width }, (_, i) => flat.slice(i * width, (i + 1) * width));
}

function perRow(t: number[][], p: number[][], f: (t: number[], p: number[]) => number): number[] {
  return t.map((row, i) => f(row, p[i]));
}

const bce64 = (y: number, prob: number) => {
  const q = clip64(prob, EPS, 1 - EPS);
  return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
};

function cce64(t: number[], p: number[], { fromLogits = false, labelSmoothing = 0 } = {}): number {
  const labels = t.map((y) => y * (1 - labelSmoothing) + labelSmoothing / t.length);
  if (fromLogits) {
    const m = Math.max(...p);
    const lse = m + Math.log(sumOf(p.map((x) => Math.exp(x - m))));
    return -sumOf(labels.map((y, j) => y * (p[j] - lse)));
  }
  const s = sumOf(p);
  return -sumOf(labels.map((y, j) => y * Math.log(clip64(p[j] / s, EPS, 1 - EPS))));
}

function bfce64(t: number[], p: number[], { gamma = 2, alpha = 0.25, balance = false, fromLogits = false, labelSmoothing = 0 } = {}): number {
  return meanOf(t.map((y0, j) => {
    const y = y0 * (1 - labelSmoothing) + 0.5 * labelSmoothing;
    const prob = fromLogits ? sigmoid64(p[j]) : p[j];
    const pT = y * prob + (1 - y) * (1 - prob);
    const weight = balance ? y * alpha + (1 - y) * (1 - alpha) : 1;
    return weight * (1 - pT) ** gamma * bce64(y, prob);
  }));
}

function cfce64(t: number[], p: number[], { gamma = 2, alpha = 0.25, fromLogits = false } = {}): number {
  const probs = fromLogits ? p.map((x) => Math.exp(x - Math.max(...p))) : p;
  const s = sumOf(probs);
  return sumOf(t.map((y, j) => {
    const out = clip64(probs[j] / s, EPS, 1 - EPS);
    return alpha * (1 - out) ** gamma * -y * Math.log(out);
  }));
}

function focal64(z: number, x: number, alpha: number, gamma: number): number {
  const p = clip64(sigmoid64(x), 1e-8, 1);
  return z > 0 ? -alpha * (z - p) ** gamma * Math.log(p) : -(1 - alpha) * p ** gamma * Math.log(1 - p);
}

// ---- Keras docstring values ----

describe('Keras docstring values', () => {
  it('mean squared, absolute and absolute percentage error', async () => {
    expectClose(await values(new losses.MeanSquaredError().apply(tensor([1, 0, 1]), tensor([0.9, 0.1, 0.8]))), 0.02);
    expectClose(await values(new losses.MeanAbsoluteError().apply(tensor([1, 0.3, 1]), tensor([1.9, 0.3, 1.8]))), 0.5666667);
    expectClose(await values(new losses.MeanAbsolutePercentageError().apply(tensor([100, 200, 300]), tensor([90, 210, 310]))), 6.111111);
  });

  it('mean squared logarithmic error floors negative values at epsilon', async () => {
    const yTrue = tensor([[1, 9, 2], [-5, -2, 6]]);
    const yPred = tensor([[4, 8, 12], [8, 1, 3]]);
    expectClose(await values(new losses.MeanSquaredLogarithmicError().apply(yTrue, yPred)), 1.437, 1e-3);
    expectClose(await values(new losses.MeanSquaredLogarithmicError().apply(yTrue, yPred, 2.3)), 3.3051, 1e-3);
  });

  it('huber, log-cosh and cosine similarity', async () => {
    expectClose(await values(new losses.Huber().apply(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]]))), 0.155);
    expectClose(await values(losses.huber(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]]))), [0.18, 0.13]);
    expectClose(await values(new losses.LogCosh().apply(tensor([[0, 1], [0, 0]]), tensor([[1, 1], [0, 0]]))), 0.108, 1e-3);
    const cos = losses.cosineSimilarity(tensor([[0, 1], [1, 1], [1, 1]]), tensor([[1, 0], [1, 1], [-1, -1]]));
    expectClose(await values(cos), [0, -0.99999994, 0.99999994]);
  });

  it('hinge, squared hinge and categorical hinge (0/1 labels converted to -1/1)', async () => {
    const yTrue = tensor([[0, 1], [0, 0]]);
    const yPred = tensor([[0.6, 0.4], [0.4, 0.6]]);
    expectClose(await values(new losses.Hinge().apply(yTrue, yPred)), 1.3);
    expectClose(await values(new losses.Hinge({ reduction: 'sum' }).apply(yTrue, yPred)), 2.6);
    expectClose(await values(new losses.SquaredHinge().apply(yTrue, yPred)), 1.86);
    expectClose(await values(new losses.CategoricalHinge().apply(yTrue, yPred)), 1.4);
    // Labels already -1/1 are used as they are.
    expectClose(await values(losses.hinge(tensor([[-1, 1]]), tensor([[0.6, 0.4]]))), [(1.6 + 0.6) / 2]);
  });

  it('binary crossentropy from logits, with every reduction and sample weights', async () => {
    const logits1 = tensor([-18.6, 0.51, 2.94, -12.8]);
    expectClose(await values(new losses.BinaryCrossentropy({ fromLogits: true }).apply(tensor([0, 1, 0, 0]), logits1)), 0.8654);
    const yTrue = tensor([[0, 1], [0, 0]]);
    const yPred = tensor([[-18.6, 0.51], [2.94, -12.8]]);
    const bce = new losses.BinaryCrossentropy({ fromLogits: true });
    expectClose(await values(bce.apply(yTrue, yPred)), 0.8654);
    expectClose(await values(bce.apply(yTrue, yPred, tensor([0.8, 0.2]))), 0.243, 1e-3);
    expectClose(await values(new losses.BinaryCrossentropy({ fromLogits: true, reduction: 'sum' }).apply(yTrue, yPred)), 1.73, 1e-3);
    expectClose(await values(new losses.BinaryCrossentropy({ fromLogits: true, reduction: 'none' }).apply(yTrue, yPred)), [0.235, 1.496], 1e-3);
  });

  it('binary crossentropy from probabilities', async () => {
    expectClose(await values(losses.binaryCrossentropy(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]]))), [0.916, 0.714], 1e-3);
  });

  it('categorical and sparse categorical crossentropy', async () => {
    const probs = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]];
    for (const [make, labels] of [
      [(o: losses.LossOptions) => new losses.CategoricalCrossentropy(o), tensor([[0, 1, 0], [0, 0, 1]])],
      [(o: losses.LossOptions) => new losses.SparseCategoricalCrossentropy(o), tensor([1, 2], [2], 'int32')],
      [(o: losses.LossOptions) => new losses.SparseCategoricalCrossentropy(o), tensor([1, 2])],
      [(o: losses.LossOptions) => new losses.SparseCategoricalCrossentropy(o), tensor([[1], [2]], [2, 1], 'int32')],
    ] as const) {
      expectClose(await values(make({}).apply(labels, tensor(probs))), 1.177, 1e-3);
      expectClose(await values(make({}).apply(labels, tensor(probs), tensor([0.3, 0.7]))), 0.814, 1e-3);
      expectClose(await values(make({ reduction: 'sum' }).apply(labels, tensor(probs))), 2.354, 1e-3);
      expectClose(await values(make({ reduction: 'none' }).apply(labels, tensor(probs))), [0.0513, 2.303], 1e-3);
    }
  });

  it('binary focal crossentropy, with and without class balancing', async () => {
    const logits = tensor([-18.6, 0.51, 2.94, -12.8]);
    const labels = tensor([0, 1, 0, 0]);
    expectClose(await values(new losses.BinaryFocalCrossentropy({ gamma: 2, fromLogits: true }).apply(labels, logits)), 0.691, 1e-3);
    expectClose(await values(new losses.BinaryFocalCrossentropy({ applyClassBalancing: true, gamma: 2, fromLogits: true }).apply(labels, logits)), 0.51, 1e-3);

    const yTrue = tensor([[0, 1], [0, 0]]);
    const yPred = tensor([[-18.6, 0.51], [2.94, -12.8]]);
    const make = (gamma: number, applyClassBalancing: boolean, reduction: losses.ReductionName = 'sum_over_batch_size') =>
      new losses.BinaryFocalCrossentropy({ gamma, applyClassBalancing, fromLogits: true, reduction });
    expectClose(await values(make(3, false).apply(yTrue, yPred)), 0.647, 1e-3);
    expectClose(await values(make(3, true).apply(yTrue, yPred)), 0.482, 1e-3);
    expectClose(await values(make(3, false).apply(yTrue, yPred, tensor([0.8, 0.2]))), 0.133, 1e-3);
    expectClose(await values(make(3, true).apply(yTrue, yPred, tensor([0.8, 0.2]))), 0.097, 1e-3);
    expectClose(await values(make(4, false, 'sum').apply(yTrue, yPred)), 1.222, 1e-3);
    expectClose(await values(make(4, true, 'sum').apply(yTrue, yPred)), 0.914, 1e-3);
    expectClose(await values(make(5, false, 'none').apply(yTrue, yPred)), [0.0017, 1.1561], 1e-4, 1e-3);
    expectClose(await values(make(5, true, 'none').apply(yTrue, yPred)), [0.0004, 0.867], 1e-4, 1e-3);

    const focal = losses.binaryFocalCrossentropy(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]]), { gamma: 2 });
    expectClose(await values(focal), [0.33, 0.206], 1e-3);
  });

  it('categorical focal crossentropy', async () => {
    const yTrue = tensor([[0, 1, 0], [0, 0, 1]]);
    const yPred = tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]]);
    expectClose(await values(new losses.CategoricalFocalCrossentropy().apply(yTrue, yPred)), 0.23315276);
    expectClose(await values(new losses.CategoricalFocalCrossentropy().apply(yTrue, yPred, tensor([0.3, 0.7]))), 0.1632);
    expectClose(await values(new losses.CategoricalFocalCrossentropy({ reduction: 'sum' }).apply(yTrue, yPred)), 0.46631);
    expectClose(await values(new losses.CategoricalFocalCrossentropy({ reduction: 'none' }).apply(yTrue, yPred)), [3.2058331e-5, 0.46627346], 1e-6, 1e-3);
    const fn = losses.categoricalFocalCrossentropy(yTrue, tensor([[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]]));
    expectClose(await values(fn), [2.63401289e-4, 0.675912094], 1e-6, 1e-3);
  });
});

// ---- float64 references ----

describe('float64 references', () => {
  const B = 4;
  const C = 5;
  const probsFlat = uniform(B * C, 0.02, 0.98, 11);
  const logitsFlat = uniform(B * C, -4, 4, 12);
  const binaryFlat = uniform(B * C, 0, 1, 13).map((v) => (v < 0.5 ? 0 : 1));
  const classes = [0, 3, 4, 1];
  const onehot = oneHotRows(classes, C);

  it('regression losses', async () => {
    const t = uniform(B * C, -2, 2, 21);
    const p = uniform(B * C, -2, 2, 22);
    const tr = rows(t, C);
    const pr = rows(p, C);
    const cases: Array<[LossFunction, (t: number[], p: number[]) => number]> = [
      [losses.meanSquaredError, (a, b) => meanOf(a.map((v, j) => (v - b[j]) ** 2))],
      [losses.meanAbsoluteError, (a, b) => meanOf(a.map((v, j) => Math.abs(v - b[j])))],
      [losses.meanAbsolutePercentageError, (a, b) => 100 * meanOf(a.map((v, j) => Math.abs((v - b[j]) / Math.max(Math.abs(v), EPS))))],
      [losses.meanSquaredLogarithmicError, (a, b) => meanOf(a.map((v, j) => (Math.log(Math.max(b[j], EPS) + 1) - Math.log(Math.max(v, EPS) + 1)) ** 2))],
      [losses.logCosh, (a, b) => meanOf(a.map((v, j) => Math.log(Math.cosh(b[j] - v))))],
      [(yt, yp) => losses.huber(yt, yp, { delta: 0.7 }), (a, b) => meanOf(a.map((v, j) => {
        const e = Math.abs(b[j] - v);
        return e <= 0.7 ? 0.5 * e * e : 0.7 * e - 0.5 * 0.49;
      }))],
      [losses.cosineSimilarity, (a, b) => {
        const na = Math.sqrt(sumOf(a.map((v) => v * v)));
        const nb = Math.sqrt(sumOf(b.map((v) => v * v)));
        return -sumOf(a.map((v, j) => v * b[j])) / (na * nb);
      }],
    ];
    for (const [fn, ref] of cases) expectClose(await values(fn(tensor(tr), tensor(pr))), perRow(tr, pr, ref), 1e-5, 1e-4);
  });

  it('KL divergence and Poisson', async () => {
    const t = rows(uniform(B * C, 0, 1, 31), C);
    const p = rows(probsFlat, C);
    expectClose(await values(losses.klDivergence(tensor(t), tensor(p))), perRow(t, p, (a, b) => sumOf(a.map((v, j) => {
      const y = clip64(v, EPS, 1);
      return y * Math.log(y / clip64(b[j], EPS, 1));
    }))), 1e-5, 1e-4);
    const counts = rows(uniform(B * C, 0, 6, 32).map(Math.floor), C);
    expectClose(await values(losses.poisson(tensor(counts), tensor(p))), perRow(counts, p, (a, b) => meanOf(a.map((y, j) => b[j] - y * Math.log(b[j] + EPS)))), 1e-5, 1e-4);
  });

  it('binary crossentropy: probabilities, logits, label smoothing, another axis', async () => {
    const t = rows(binaryFlat, C);
    for (const labelSmoothing of [0, 0.2]) {
      const smooth = (y: number) => y * (1 - labelSmoothing) + 0.5 * labelSmoothing;
      const fromProbs = losses.binaryCrossentropy(tensor(t), tensor(rows(probsFlat, C)), { labelSmoothing });
      expectClose(await values(fromProbs), perRow(t, rows(probsFlat, C), (a, b) => meanOf(a.map((y, j) => bce64(smooth(y), b[j])))), 1e-5, 1e-4);
      const fromLogits = losses.binaryCrossentropy(tensor(t), tensor(rows(logitsFlat, C)), { fromLogits: true, labelSmoothing });
      const logitRef = (a: number[], b: number[]) => meanOf(a.map((y, j) => {
        const x = b[j];
        return Math.max(x, 0) - x * smooth(y) + Math.log1p(Math.exp(-Math.abs(x)));
      }));
      expectClose(await values(fromLogits), perRow(t, rows(logitsFlat, C), logitRef), 1e-5, 1e-4);
    }
    // Averaged over axis 0 instead: one value per column.
    const byColumn = await values(losses.binaryCrossentropy(tensor(t), tensor(rows(probsFlat, C)), { axis: 0 }));
    const expected = Array.from({ length: C }, (_, j) => meanOf(t.map((row, i) => bce64(row[j], probsFlat[i * C + j]))));
    expectClose(byColumn, expected, 1e-5, 1e-4);
  });

  it('binary crossentropy from logits stays finite and exact for large logits', async () => {
    const loss = await values(losses.binaryCrossentropy(tensor([[1, 0, 1, 0]]), tensor([[100, -100, -100, 100]]), { fromLogits: true }));
    expectClose(loss, [(0 + 0 + 100 + 100) / 4], 1e-3);
  });

  it('categorical crossentropy: probabilities, logits, label smoothing, another axis', async () => {
    for (const labelSmoothing of [0, 0.1]) {
      for (const fromLogits of [false, true]) {
        const p = rows(fromLogits ? logitsFlat : probsFlat, C);
        const got = losses.categoricalCrossentropy(tensor(onehot), tensor(p), { fromLogits, labelSmoothing });
        expectClose(await values(got), perRow(onehot, p, (a, b) => cce64(a, b, { fromLogits, labelSmoothing })), 1e-5, 1e-4);
      }
    }
    // Classes along axis 0: the transpose gives the same per-sample values.
    const p = rows(logitsFlat, C);
    const transpose = (m: number[][]) => m[0].map((_, j) => m.map((row) => row[j]));
    const got = losses.categoricalCrossentropy(tensor(transpose(onehot)), tensor(transpose(p)), { fromLogits: true, axis: 0 });
    expectClose(await values(got), perRow(onehot, p, (a, b) => cce64(a, b, { fromLogits: true })), 1e-5, 1e-4);
  });

  it('sparse categorical crossentropy equals categorical crossentropy of one-hot labels', async () => {
    for (const fromLogits of [false, true]) {
      const p = rows(fromLogits ? logitsFlat : probsFlat, C);
      const sparse = await values(losses.sparseCategoricalCrossentropy(tensor(classes, [B], 'int32'), tensor(p), { fromLogits }));
      expectClose(sparse, perRow(onehot, p, (a, b) => cce64(a, b, { fromLogits })), 1e-5, 1e-4);
    }
  });

  it('focal crossentropies', async () => {
    const t = rows(binaryFlat, C);
    for (const options of [{ gamma: 2 }, { gamma: 0 }, { gamma: 1.5, balance: true, alpha: 0.4 }, { gamma: 2, fromLogits: true, labelSmoothing: 0.1 }]) {
      const p = rows(options.fromLogits ? logitsFlat : probsFlat, C);
      const got = losses.binaryFocalCrossentropy(tensor(t), tensor(p), { ...options, applyClassBalancing: options.balance ?? false });
      expectClose(await values(got), perRow(t, p, (a, b) => bfce64(a, b, options)), 1e-5, 1e-4);
    }
    for (const options of [{ gamma: 2 }, { gamma: 0, alpha: 1 }, { gamma: 3, fromLogits: true, alpha: 0.5 }]) {
      const p = rows(options.fromLogits ? logitsFlat : probsFlat, C);
      const got = losses.categoricalFocalCrossentropy(tensor(onehot), tensor(p), options);
      expectClose(await values(got), perRow(onehot, p, (a, b) => cfce64(a, b, options)), 1e-5, 1e-4);
    }
    // Per-class alpha.
    const alpha = [0.1, 0.2, 0.3, 0.4, 0.5];
    const p = rows(probsFlat, C);
    const got = await values(losses.categoricalFocalCrossentropy(tensor(onehot), tensor(p), { alpha }));
    expectClose(got, perRow(onehot, p, (a, b) => cfce64(a, b, { alpha: alpha[a.indexOf(1)] })), 1e-5, 1e-4);
  });
});

// ---- reductions ----

describe('reductions and sample weights', () => {
  // Made per test: describe bodies run before WebGPU is initialized.
  let yTrue: Tensor;
  let yPred: Tensor;
  beforeEach(() => {
    yTrue = tensor([[0, 1], [1, 1], [0, 0]]);
    yPred = tensor([[0.5, 0.5], [1, 3], [2, -2]]);
  });
  const perSample = [0.25, 1 / 2 * (0 + 4), 4];

  it('sum_over_batch_size divides the sum by the number of per-sample values', async () => {
    expectClose(await values(new losses.MeanSquaredError().apply(yTrue, yPred)), sumOf(perSample) / 3);
    expectClose(await values(new losses.MeanSquaredError({ reduction: 'sumOverBatchSize' }).apply(yTrue, yPred)), sumOf(perSample) / 3);
  });

  it("'sum' sums, 'none' returns the per-sample values, and call() never reduces", async () => {
    expectClose(await values(new losses.MeanSquaredError({ reduction: 'sum' }).apply(yTrue, yPred)), sumOf(perSample));
    const none = new losses.MeanSquaredError({ reduction: 'none' }).apply(yTrue, yPred);
    expect(none.shape).toEqual([3]);
    expectClose(await values(none), perSample);
    expectClose(await values(new losses.MeanSquaredError().call(yTrue, yPred)), perSample);
  });

  it('weights samples by a tensor ([batch] or [batch, 1]) or a number', async () => {
    const w = [2, 0, 1];
    const weighted = sumOf(perSample.map((v, i) => v * w[i]));
    expectClose(await values(new losses.MeanSquaredError().apply(yTrue, yPred, tensor(w))), weighted / 3);
    expectClose(await values(new losses.MeanSquaredError().apply(yTrue, yPred, tensor(w, [3, 1]))), weighted / 3);
    expectClose(await values(new losses.MeanSquaredError({ reduction: 'sum' }).apply(yTrue, yPred, 0.5)), sumOf(perSample) / 2);
  });

  it('reconciles labels of shape [batch] with predictions of shape [batch, 1]', async () => {
    const loss = new losses.MeanSquaredError({ reduction: 'none' }).apply(tensor([1, 2, 3]), tensor([[1], [0], [5]]));
    expect(loss.shape).toEqual([3]);
    expectClose(await values(loss), [0, 4, 4]);
  });

  it('rejects an unknown reduction as Keras does', () => {
    expect(() => new losses.MeanSquaredError({ reduction: 'mean_of_squares' as never })).toThrow(
      "Invalid value for argument reduction. Expected one of ['sum_over_batch_size', 'mean', 'mean_with_sample_weight', 'sum', 'none', 'sumOverBatchSize', 'meanWithSampleWeight', null]. Received: reduction='mean_of_squares'",
    );
  });

  it('frees its intermediates', () => {
    const t = tensor([[0, 1, 0]]);
    const p = tensor([[0.2, 0.5, 0.3]]);
    const before = memory().liveTensors;
    const loss = new losses.CategoricalFocalCrossentropy({ labelSmoothing: 0.1 }).apply(t, p, tensor([2]));
    expect(memory().liveTensors).toBe(before + 2); // the result and the sample weight
    loss.dispose();
  });
});

// ---- GPU vs CPU ----

describe('WebGPU matches the CPU backend', () => {
  const B = 3;
  const C = 4;
  const data = () => ({
    probs: tensor(rows(uniform(B * C, 0.05, 0.95, 41), C)),
    logits: tensor(rows(uniform(B * C, -3, 3, 42), C)),
    binary: tensor(rows(uniform(B * C, 0, 1, 43).map((v) => (v < 0.5 ? 0 : 1)), C)),
    onehot: tensor(oneHotRows([2, 0, 3], C)),
    sparse: tensor([2, 0, 3], [B], 'int32'),
    real: tensor(rows(uniform(B * C, -2, 2, 44), C)),
  });
  type Data = ReturnType<typeof data>;
  const cases: Array<[string, (d: Data) => Tensor]> = [
    ['mse', (d) => new losses.MeanSquaredError().apply(d.real, d.logits)],
    ['mae', (d) => new losses.MeanAbsoluteError({ reduction: 'sum' }).apply(d.real, d.logits)],
    ['mape', (d) => new losses.MeanAbsolutePercentageError({ reduction: 'none' }).apply(d.real, d.logits)],
    ['msle', (d) => new losses.MeanSquaredLogarithmicError().apply(d.real, d.logits)],
    ['huber', (d) => new losses.Huber({ delta: 0.5 }).apply(d.real, d.logits)],
    ['logCosh', (d) => new losses.LogCosh().apply(d.real, d.logits)],
    ['cosine', (d) => new losses.CosineSimilarity({ reduction: 'none' }).apply(d.real, d.logits)],
    ['kld', (d) => new losses.KLDivergence().apply(d.probs, d.probs.sqrt())],
    ['poisson', (d) => new losses.Poisson().apply(d.binary, d.probs)],
    ['hinge', (d) => new losses.Hinge().apply(d.binary, d.logits)],
    ['squaredHinge', (d) => new losses.SquaredHinge().apply(d.binary, d.logits)],
    ['categoricalHinge', (d) => new losses.CategoricalHinge().apply(d.onehot, d.logits)],
    ['bce', (d) => new losses.BinaryCrossentropy({ labelSmoothing: 0.1, reduction: 'none' }).apply(d.binary, d.probs)],
    ['bce logits', (d) => new losses.BinaryCrossentropy({ fromLogits: true }).apply(d.binary, d.logits)],
    ['cce', (d) => new losses.CategoricalCrossentropy({ reduction: 'none' }).apply(d.onehot, d.probs)],
    ['cce logits', (d) => new losses.CategoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.2 }).apply(d.onehot, d.logits)],
    ['scce logits', (d) => new losses.SparseCategoricalCrossentropy({ fromLogits: true, reduction: 'none' }).apply(d.sparse, d.logits)],
    ['bfce', (d) => new losses.BinaryFocalCrossentropy({ applyClassBalancing: true, fromLogits: true }).apply(d.binary, d.logits)],
    ['cfce', (d) => new losses.CategoricalFocalCrossentropy({ fromLogits: true, reduction: 'none' }).apply(d.onehot, d.logits)],
    ['focalLoss', (d) => losses.focalLoss()(d.binary, d.logits)],
    ['cgce', (d) => new losses.CategoricalGeneralizedCrossEntropy({ q: 0.3, reduction: 'none' }).apply(d.sparse, d.probs)],
    ['scce axis 0', (d) => new losses.SparseCategoricalCrossentropy({ axis: 0, reduction: 'none' }).apply(tensor([1, 0, 2, 1], [4], 'int32'), d.probs)],
  ];
  for (const [name, run] of cases) {
    it(name, async () => {
      const gpu = await values(tidy(() => run(data())));
      setBackend('cpu');
      let cpu: number[];
      try {
        cpu = await values(tidy(() => run(data())));
      } finally {
        setBackend('webgpu');
      }
      expectClose(gpu, cpu, 1e-5, 1e-4);
    });
  }
});

// ---- gradients ----

describe('gradients with respect to yPred match finite differences', () => {
  const shape = [3, 4];
  const probabilities = { low: 0.1, high: 0.9 };
  const labels = {
    real: () => tensor(rows(uniform(12, -1, 1, 51), 4)),
    binary: () => tensor([[0, 1, 1, 0], [1, 0, 0, 1], [1, 1, 0, 0]]),
    onehot: () => tensor(oneHotRows([1, 3, 0], 4)),
    positive: () => tensor(rows(uniform(12, 0.5, 3, 52), 4)),
    distribution: () => tensor([[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25], [0.7, 0.1, 0.1, 0.1]]),
  };
  const cases: Array<[string, (yPred: Tensor) => Tensor, { low?: number; high?: number }]> = [
    ['meanSquaredError', (p) => losses.meanSquaredError(labels.real(), p), {}],
    ['meanAbsoluteError', (p) => losses.meanAbsoluteError(labels.real(), p.add(3)), {}],
    ['meanAbsolutePercentageError', (p) => losses.meanAbsolutePercentageError(labels.positive(), p), {}],
    ['meanSquaredLogarithmicError', (p) => losses.meanSquaredLogarithmicError(labels.positive(), p), { low: 0.2, high: 2 }],
    ['huber', (p) => losses.huber(labels.real(), p.mul(2)), {}],
    ['logCosh', (p) => losses.logCosh(labels.real(), p.mul(3)), {}],
    ['cosineSimilarity', (p) => losses.cosineSimilarity(labels.real(), p), {}],
    ['klDivergence', (p) => losses.klDivergence(labels.distribution(), p), probabilities],
    ['poisson', (p) => losses.poisson(labels.positive(), p), { low: 0.5, high: 2 }],
    ['hinge', (p) => losses.hinge(labels.binary(), p.mul(3)), {}],
    ['squaredHinge', (p) => losses.squaredHinge(labels.binary(), p.mul(3)), {}],
    ['categoricalHinge', (p) => losses.categoricalHinge(labels.onehot(), p), {}],
    ['binaryCrossentropy', (p) => losses.binaryCrossentropy(labels.binary(), p, { labelSmoothing: 0.1 }), probabilities],
    ['binaryCrossentropy fromLogits', (p) => losses.binaryCrossentropy(labels.binary(), p.mul(4), { fromLogits: true }), {}],
    ['categoricalCrossentropy', (p) => losses.categoricalCrossentropy(labels.onehot(), p), probabilities],
    ['categoricalCrossentropy fromLogits', (p) => losses.categoricalCrossentropy(labels.onehot(), p.mul(4), { fromLogits: true, labelSmoothing: 0.1 }), {}],
    ['sparseCategoricalCrossentropy fromLogits', (p) => losses.sparseCategoricalCrossentropy(tensor([1, 3, 0], [3], 'int32'), p.mul(4), { fromLogits: true }), {}],
    ['binaryFocalCrossentropy', (p) => losses.binaryFocalCrossentropy(labels.binary(), p.mul(4), { fromLogits: true, applyClassBalancing: true }), {}],
    ['categoricalFocalCrossentropy', (p) => losses.categoricalFocalCrossentropy(labels.onehot(), p, { gamma: 2 }), probabilities],
    ['categoricalGeneralizedCrossEntropy', (p) => losses.categoricalGeneralizedCrossEntropy(tensor([1, 3, 0], [3], 'int32'), p, { q: 0.3 }), probabilities],
    ['sparseCategoricalCrossentropy axis 0', (p) => losses.sparseCategoricalCrossentropy(tensor([2, 0, 1, 1], [4], 'int32'), p, { axis: 0 }), probabilities],
    ['Loss.apply (sum over batch size)', (p) => new losses.CategoricalCrossentropy({ fromLogits: true }).apply(labels.onehot(), p.mul(4)), {}],
  ];
  for (const [name, f, range] of cases) {
    it(name, async () => {
      const result = await gradCheck(f, [shape], range);
      expect(result.message).toBe('ok');
    });
  }
});

// ---- focal loss (the fused op) ----

describe('focalLoss', () => {
  const labelValues = [1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0];
  const logitValues = uniform(12, -5, 5, 61);

  it('sums the sigmoid focal loss of every entry (a scalar)', async () => {
    for (const [alpha, gamma] of [[0.25, 2], [0.5, 0], [0.75, 1.5]]) {
      const loss = losses.focalLoss({ alpha, gamma })(tensor(labelValues, [3, 4]), tensor(logitValues, [3, 4]));
      expect(loss.shape).toEqual([]);
      expectClose(await values(loss), sumOf(labelValues.map((z, i) => focal64(z, logitValues[i], alpha, gamma))), 1e-5, 1e-4);
    }
  });

  it('uses alpha 0.25 and gamma 2 by default and takes int32 labels', async () => {
    const loss = losses.focalLoss()(tensor(labelValues, [12], 'int32'), tensor(logitValues));
    expectClose(await values(loss), sumOf(labelValues.map((z, i) => focal64(z, logitValues[i], 0.25, 2))), 1e-5, 1e-4);
  });

  it('has the gradient of finite differences (the fused gradient kernel)', async () => {
    const f = (logits: Tensor) => losses.focalLoss({ alpha: 0.25, gamma: 2 })(tensor(labelValues, [3, 4]), logits);
    const result = await gradCheck(f, [[3, 4]], { values: [logitValues] });
    expect(result.message).toBe('ok');
  });

  it('works as a compile loss through getLoss', async () => {
    const loss = losses.getLoss(losses.focalLoss());
    expect(loss).toBeInstanceOf(losses.LossFunctionWrapper);
    const value = loss.apply(tensor(labelValues), tensor(logitValues));
    expectClose(await values(value), sumOf(labelValues.map((z, i) => focal64(z, logitValues[i], 0.25, 2))), 1e-5, 1e-4);
  });

  it('rejects bad options and mismatched shapes', () => {
    expect(() => losses.focalLoss({ gamma: -1 })).toThrow('focalLoss: gamma must be a finite number >= 0. Received: gamma=-1');
    expect(() => losses.focalLoss()(tensor([1, 0]), tensor([[1, 2]]))).toThrow('focalLoss: yTrue shape [2] and yPred shape [1,2] differ');
  });
});

// ---- lookup and serialization ----

describe('getLoss', () => {
  const expected: Array<[string, new () => Loss]> = [
    ['mse', losses.MeanSquaredError],
    ['mean_squared_error', losses.MeanSquaredError],
    ['meanSquaredError', losses.MeanSquaredError],
    ['MeanSquaredError', losses.MeanSquaredError],
    ['mae', losses.MeanAbsoluteError],
    ['mape', losses.MeanAbsolutePercentageError],
    ['msle', losses.MeanSquaredLogarithmicError],
    ['categorical_crossentropy', losses.CategoricalCrossentropy],
    ['categoricalCrossentropy', losses.CategoricalCrossentropy],
    ['binary_crossentropy', losses.BinaryCrossentropy],
    ['binaryCrossentropy', losses.BinaryCrossentropy],
    ['sparse_categorical_crossentropy', losses.SparseCategoricalCrossentropy],
    ['sparseCategoricalCrossentropy', losses.SparseCategoricalCrossentropy],
    ['kld', losses.KLDivergence],
    ['kl_divergence', losses.KLDivergence],
    ['klDivergence', losses.KLDivergence],
    ['KLDivergence', losses.KLDivergence],
    ['huber', losses.Huber],
    ['log_cosh', losses.LogCosh],
    ['logCosh', losses.LogCosh],
    ['poisson', losses.Poisson],
    ['hinge', losses.Hinge],
    ['squared_hinge', losses.SquaredHinge],
    ['squaredHinge', losses.SquaredHinge],
    ['categorical_hinge', losses.CategoricalHinge],
    ['cosine_similarity', losses.CosineSimilarity],
    ['cosineSimilarity', losses.CosineSimilarity],
    ['binary_focal_crossentropy', losses.BinaryFocalCrossentropy],
    ['binaryFocalCrossentropy', losses.BinaryFocalCrossentropy],
    ['categorical_focal_crossentropy', losses.CategoricalFocalCrossentropy],
    ['CategoricalFocalCrossentropy', losses.CategoricalFocalCrossentropy],
  ];
  for (const [name, cls] of expected) {
    it(`resolves '${name}'`, () => expect(losses.getLoss(name)).toBeInstanceOf(cls));
  }

  it('gives Keras names and the default reduction', () => {
    const loss = losses.getLoss('mse');
    expect(loss.name).toBe('mean_squared_error');
    expect(loss.reduction).toBe('sum_over_batch_size');
  });

  it('returns a Loss as is, maps built-in functions to their class and wraps other functions', async () => {
    const bce = new losses.BinaryCrossentropy({ fromLogits: true });
    expect(losses.getLoss(bce)).toBe(bce);
    expect(losses.getLoss(losses.poisson)).toBeInstanceOf(losses.Poisson);
    const cubic = (yTrue: Tensor, yPred: Tensor) => yPred.sub(yTrue).abs().pow(3).mean(-1);
    const wrapped = losses.getLoss(cubic);
    expect(wrapped).toBeInstanceOf(losses.LossFunctionWrapper);
    expect(wrapped.name).toBe('cubic');
    expectClose(await values(wrapped.apply(tensor([[0, 0], [1, 1]]), tensor([[1, 2], [1, 1]]))), (4.5 + 0) / 2);
  });

  it('lists the valid names for an unknown one', () => {
    expect(() => losses.getLoss('mean_cubic_error')).toThrow(/^Could not interpret loss identifier: 'mean_cubic_error'\. Valid names: mean_squared_error \/ meanSquaredError \/ mse \/ MSE \/ MeanSquaredError; .*categorical_focal_crossentropy/);
  });
});

describe('serialization', () => {
  const instances: Loss[] = [
    new losses.MeanSquaredError({ reduction: 'sum', name: 'my_mse' }),
    new losses.MeanAbsoluteError(),
    new losses.MeanAbsolutePercentageError(),
    new losses.MeanSquaredLogarithmicError(),
    new losses.Huber({ delta: 2.5 }),
    new losses.LogCosh(),
    new losses.CosineSimilarity({ axis: 1, reduction: 'none' }),
    new losses.BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }),
    new losses.CategoricalCrossentropy({ labelSmoothing: 0.2, axis: 1 }),
    new losses.SparseCategoricalCrossentropy({ fromLogits: true }),
    new losses.KLDivergence(),
    new losses.Poisson(),
    new losses.Hinge(),
    new losses.SquaredHinge(),
    new losses.CategoricalHinge(),
    new losses.BinaryFocalCrossentropy({ applyClassBalancing: true, gamma: 3 }),
    new losses.CategoricalFocalCrossentropy({ alpha: [0.2, 0.3, 0.5], gamma: 1 }),
    new losses.CategoricalGeneralizedCrossEntropy({ q: 0.3, reduction: 'sum' }),
    new losses.SparseCategoricalCrossentropy({ axis: 1, ignoreClass: 4 }),
  ];
  for (const loss of instances) {
    it(`round-trips ${loss.constructor.name}`, () => {
      const saved = JSON.parse(JSON.stringify(losses.serializeLoss(loss)));
      const copy = losses.deserializeLoss(saved);
      expect(copy.constructor).toBe(loss.constructor);
      expect(copy.getConfig()).toEqual(loss.getConfig());
      expect(losses.getLoss(saved).getConfig()).toEqual(loss.getConfig());
    });
  }

  it('writes Keras-like configs with every option', () => {
    expect(new losses.BinaryCrossentropy({ fromLogits: true }).getConfig()).toEqual({
      name: 'binary_crossentropy', reduction: 'sum_over_batch_size', fromLogits: true, labelSmoothing: 0, axis: -1,
    });
    expect(new losses.MeanSquaredError().getConfig()).toEqual({ name: 'mean_squared_error', reduction: 'sum_over_batch_size' });
    expect(losses.serializeLoss(new losses.Huber()).className).toBe('Huber');
  });

  it('rebuilds through the static fromConfig', () => {
    const config = new losses.CategoricalCrossentropy({ fromLogits: true, reduction: 'sum' }).getConfig();
    const copy = losses.CategoricalCrossentropy.fromConfig(config);
    expect(copy).toBeInstanceOf(losses.CategoricalCrossentropy);
    expect(copy.fromLogits).toBe(true);
    expect(copy.reduction).toBe('sum');
  });

  it('records a wrapped built-in function by name', () => {
    const wrapper = new losses.LossFunctionWrapper<losses.HuberOptions>(losses.huber, { delta: 2 });
    const saved = losses.serializeLoss(wrapper);
    expect(saved).toEqual({ className: 'LossFunctionWrapper', config: { name: 'huber', reduction: 'sum_over_batch_size', fn: 'huber', delta: 2 } });
    expect(losses.deserializeLoss(saved).getConfig()).toEqual(saved.config);
  });

  it('names an unknown class', () => {
    expect(() => losses.deserializeLoss({ className: 'ArcFace', config: { name: 'arc_face', reduction: 'sum' } })).toThrow("deserializeLoss: unknown loss class 'ArcFace'");
  });
});

// ---- categorical generalized cross-entropy ----

describe('CategoricalGeneralizedCrossEntropy', () => {
  const labels = () => tensor([0, 1, 2, 1], [4], 'int32');
  const probabilities = () => tensor([[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.1, 0.8], [0.3, 0.6, 0.1]]);

  it('matches values computed by Keras 3.16, under every reduction and with sample weights, on WebGPU and on the CPU backend', async () => {
    for (const backend of ['webgpu', 'cpu'] as const) {
      setBackend(backend);
      try {
        // keras.losses.CategoricalGeneralizedCrossEntropy(...)(y_true, y_pred) in Keras 3.16.
        expectClose(await values(new losses.CategoricalGeneralizedCrossEntropy({ reduction: 'none' }).apply(labels(), probabilities())), [0.32667994, 0.58578646, 0.21114564, 0.45080662], 1e-6, 1e-5);
        expectClose(await values(new losses.CategoricalGeneralizedCrossEntropy({ q: 0.2 }).apply(labels(), probabilities(), tensor([1, 2, 0.5, 0]))), 0.43696588, 1e-6, 1e-5);
        expectClose(await values(new losses.CategoricalGeneralizedCrossEntropy({ q: 0.2, reduction: 'sum' }).apply(labels(), probabilities())), 1.69533253, 1e-6, 1e-5);
        // keras.losses.categorical_generalized_cross_entropy(y_true, y_pred, q=0.7).
        expectClose(await values(losses.categoricalGeneralizedCrossEntropy(labels(), probabilities(), { q: 0.7 })), [0.31563443, 0.54918253, 0.20658903, 0.42947397], 1e-6, 1e-5);
        // The docstring example: 0.3598597.
        expectClose(await values(new losses.CategoricalGeneralizedCrossEntropy().apply(tensor([0, 1, 0, 1]), tensor([[0.7, 0.3], [0.2, 0.8], [0.6, 0.4], [0.4, 0.6]]))), 0.3598597, 1e-6, 1e-5);
      } finally {
        setBackend('webgpu');
      }
    }
  });

  it('takes labels of shape [batch, 1] as [batch] (Keras would broadcast them into [batch, batch]); an out-of-range label counts as p = 0', async () => {
    const gce = new losses.CategoricalGeneralizedCrossEntropy({ reduction: 'none' });
    expectClose(await values(gce.apply(tensor([[0], [1], [2], [1]]), probabilities())), [0.32667994, 0.58578646, 0.21114564, 0.45080662], 1e-6, 1e-5);
    expectClose(await values(losses.categoricalGeneralizedCrossEntropy(tensor([3, -1], [2], 'int32'), tensor([[0.5, 0.5, 0], [0.2, 0.3, 0.5]]))), [2, 2]);
  });

  it('gives the function the class default q = 0.5; is found by class and function, not by name (keras.losses.get knows no such name)', () => {
    expect(losses.getLoss(losses.categoricalGeneralizedCrossEntropy)).toBeInstanceOf(losses.CategoricalGeneralizedCrossEntropy);
    const saved = losses.serializeLoss(new losses.CategoricalGeneralizedCrossEntropy({ q: 0.3 }));
    expect(saved).toEqual({ className: 'CategoricalGeneralizedCrossEntropy', config: { name: 'categorical_generalized_cross_entropy', reduction: 'sum_over_batch_size', q: 0.3 } });
    expect(() => losses.getLoss('categorical_generalized_cross_entropy')).toThrow("Could not interpret loss identifier: 'categorical_generalized_cross_entropy'");
    const wrapper = new losses.LossFunctionWrapper<losses.CategoricalGeneralizedCrossEntropyOptions>(losses.categoricalGeneralizedCrossEntropy, { q: 0.2 });
    expect(losses.deserializeLoss(losses.serializeLoss(wrapper)).getConfig()).toEqual(wrapper.getConfig());
  });

  it('rejects q outside (0, 1) and mismatched shapes', () => {
    expect(() => new losses.CategoricalGeneralizedCrossEntropy({ q: 1 })).toThrow('CategoricalGeneralizedCrossEntropy: q must be in the interval (0, 1). Received: q=1.');
    expect(() => losses.categoricalGeneralizedCrossEntropy(labels(), probabilities(), { q: 0 })).toThrow('categoricalGeneralizedCrossEntropy: q must be in the interval (0, 1). Received: q=0.');
    expect(() => losses.categoricalGeneralizedCrossEntropy(tensor([0, 1]), probabilities())).toThrow(
      'categoricalGeneralizedCrossEntropy: yTrue shape [2] does not match yPred shape [4,3]; expected class indices of shape [4] or [4,1].',
    );
    expect(() => new losses.CategoricalGeneralizedCrossEntropy({ q: 0.5, Q: 1 } as never)).toThrow("CategoricalGeneralizedCrossEntropy: unknown option 'Q'");
  });

  it('trains through fit, and saves and loads with its q in both formats', async () => {
    const model = new Sequential([Input({ shape: [3] }), new layers.Dense({ units: 3, activation: 'softmax' })]);
    model.compile({ optimizer: 'adam', loss: new losses.CategoricalGeneralizedCrossEntropy({ q: 0.3 }) });
    const x = tensor(uniform(24, -1, 1, 61), [8, 3]);
    const y = tensor([0, 1, 2, 1, 0, 2, 2, 1], [8], 'int32');
    const history = await model.fit(x, y, { epochs: 5, batchSize: 4, verbose: 0 });
    const trained = history.history.loss as number[];
    expect(trained.at(-1)!).toBeLessThan(trained[0]);
    const before = (await model.evaluate(x, y, { verbose: 0 })).loss;
    await model.save('memory://generalized-cross-entropy');
    const restored = await loadModel('memory://generalized-cross-entropy');
    expect((await restored.evaluate(x, y, { verbose: 0 })).loss).toBeCloseTo(before, 6);
    await removeModel('memory://generalized-cross-entropy');
    const fromKeras = await loadKerasModel(await saveKerasModel(model));
    expect((await fromKeras.evaluate(x, y, { verbose: 0 })).loss).toBeCloseTo(before, 6);
  });
});

// ---- errors ----

describe('errors', () => {
  it('explains one-hot versus integer labels for categorical crossentropy', () => {
    expect(() => losses.categoricalCrossentropy(tensor(new Array(32).fill(0), [32, 1]), tensor(new Array(320).fill(0.1), [32, 10]))).toThrow(
      'categoricalCrossentropy: yTrue shape [32,1] and yPred shape [32,10] differ; categorical crossentropy expects one-hot labels of the same shape (use sparseCategoricalCrossentropy for integer labels).',
    );
  });

  it('suggests categorical crossentropy for one-hot labels given to the sparse loss', () => {
    expect(() => losses.sparseCategoricalCrossentropy(tensor(oneHotRows([0, 1], 3)), tensor(oneHotRows([0, 1], 3)))).toThrow(
      "sparseCategoricalCrossentropy: yTrue shape [2,3] has a last dimension of 3, but sparse labels are class indices of shape [2] or [2,1]; for one-hot labels of yPred's shape [2,3], use categoricalCrossentropy.",
    );
    expect(() => losses.sparseCategoricalCrossentropy(tensor([0, 1, 2]), tensor(oneHotRows([0, 1], 3)))).toThrow(
      'sparseCategoricalCrossentropy: yTrue shape [3] does not match yPred shape [2,3]',
    );
  });

  it('names the loss and both shapes instead of broadcasting labels against predictions', () => {
    expect(() => new losses.MeanSquaredError().apply(tensor([[1], [2]]), tensor([[1, 2, 3], [4, 5, 6]]))).toThrow(
      'meanSquaredError: yTrue shape [2,1] and yPred shape [2,3] differ.',
    );
  });

  it('rejects non-tensors, scalars and bad options before any GPU work', () => {
    expect(() => losses.meanSquaredError([1, 2] as never, tensor([1, 2]))).toThrow('meanSquaredError: expected yTrue to be a Tensor, got an array (wrap it with tensor(...)).');
    expect(() => new losses.Hinge().apply(tensor(1), tensor(1))).toThrow('hinge: expected yTrue of rank at least 1 (a batch), got a scalar.');
    expect(() => losses.binaryCrossentropy(tensor([1]), tensor([1]), { labelSmoothing: 2 })).toThrow(
      'binaryCrossentropy: labelSmoothing must be a number in [0, 1]. Received: labelSmoothing=2',
    );
    expect(() => losses.categoricalCrossentropy(tensor([[1, 0]]), tensor([[1, 0]]), { axis: 2 })).toThrow(
      'categoricalCrossentropy: axis 2 is out of range for inputs of rank 2',
    );
    expect(() => losses.categoricalFocalCrossentropy(tensor([[1, 0]]), tensor([[1, 0]]), { alpha: [1, 2, 3] })).toThrow(
      'categoricalFocalCrossentropy: alpha must be a number or a list of 2 numbers (one per class).',
    );
  });
});
