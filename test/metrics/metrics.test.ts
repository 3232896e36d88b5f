// Metrics: the values of Keras's docstring examples and of float64 references, accumulation over
// batches, sample weights, resetState, the resolution of 'accuracy', GPU against CPU, no readback
// or submit from updateState/result, flat memory over many updates, and getMetric.

import { afterEach, describe, expect, it } from 'vitest';
import { memory, ops, setBackend, tensor, tidy, type Tensor } from '../../src/node';
import { currentGpu } from '../../src/backend/engine';
import {
  AUC,
  Accuracy,
  BinaryAccuracy,
  BinaryCrossentropy,
  CategoricalAccuracy,
  CategoricalCrossentropy,
  CategoricalHinge,
  ConcordanceCorrelation,
  CosineSimilarity,
  Hinge,
  KLDivergence,
  LogCoshError,
  MeanAbsolutePercentageError,
  MeanSquaredLogarithmicError,
  PearsonCorrelation,
  Poisson,
  SparseCategoricalCrossentropy,
  SquaredHinge,
  METRIC_NAMES,
  Mean,
  MeanAbsoluteError,
  MeanMetricWrapper,
  MeanSquaredError,
  Metric,
  Precision,
  Recall,
  RootMeanSquaredError,
  SparseCategoricalAccuracy,
  SparseTopKCategoricalAccuracy,
  Sum,
  TopKCategoricalAccuracy,
  getMetric,
  resolveAccuracy,
  TruePositives,
  TrueNegatives,
  FalsePositives,
  FalseNegatives,
  F1Score,
  FBetaScore,
  R2Score,
  BinaryIoU,
  binaryAccuracy,
} from '../../src/metrics/index';
import { fusedCases } from '../cases/fused';
import { checkCases, useWebGPU } from '../helpers';
import { expectFlatMemory } from './metric_helpers';

useWebGPU();

type MetricClass = abstract new (...args: never[]) => Metric;

afterEach(() => setBackend('webgpu'));

/** The metric's result as a number (or a list for several thresholds). */
async function value(metric: { result(): Tensor }): Promise<number | number[]> {
  const result = metric.result();
  const values = Array.from(await result.data());
  result.dispose();
  return result.rank === 0 ? values[0] : values;
}

async function scalarValue(metric: { result(): Tensor }): Promise<number> {
  const v = await value(metric);
  if (typeof v !== 'number') throw new Error('expected a scalar result');
  return v;
}

/** A seeded uniform generator in [0, 1) (an LCG), so the references are reproducible. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('Mean and Sum (Keras docstrings)', () => {
  it('Mean averages values, weighted by sampleWeight', async () => {
    const m = new Mean();
    m.updateState(tensor([1, 3, 5, 7]));
    expect(await scalarValue(m)).toBeCloseTo(4, 6);
    m.resetState();
    m.updateState(tensor([1, 3, 5, 7]), tensor([1, 1, 0, 0]));
    expect(await scalarValue(m)).toBeCloseTo(2, 6);
  });

  it('Sum adds values, weighted by sampleWeight', async () => {
    const m = new Sum();
    m.updateState(tensor([1, 3, 5, 7]));
    expect(await scalarValue(m)).toBe(16);
    const weighted = new Sum();
    weighted.updateState(tensor([1, 3, 5, 7]), tensor([1, 1, 0, 0]));
    expect(await scalarValue(weighted)).toBe(4);
  });

  it('Mean accumulates over calls, counts each sample once, and is 0 before any value', async () => {
    const m = new Mean();
    expect(await scalarValue(m)).toBe(0);
    m.updateState(tensor([[1, 3], [5, 7]]));   // per-sample means 2 and 6
    m.updateState(tensor([10]));
    m.updateState(4);
    expect(await scalarValue(m)).toBeCloseTo((2 + 6 + 10 + 4) / 4, 6);
  });

  it('weights of the same shape as the values weight each element', async () => {
    const m = new Mean();
    m.updateState(tensor([[1, 3], [5, 7]]), tensor([[1, 0], [1, 1]]));
    // Per sample: values * weights averaged over the row ([0.5, 6]); weights averaged ([0.5, 1]).
    expect(await scalarValue(m)).toBeCloseTo((0.5 + 6) / 1.5, 6);
  });

  it('MeanMetricWrapper averages a per-sample function and takes its name', async () => {
    const m = new MeanMetricWrapper(function absoluteError(yTrue: Tensor, yPred: Tensor) {
      return ops.abs(yTrue.sub(yPred));
    });
    expect(m.name).toBe('absoluteError');
    m.updateState(tensor([1, 2, 3]), tensor([2, 2, 5]));
    m.updateState(tensor([0]), tensor([4]), tensor([3]));
    expect(await scalarValue(m)).toBeCloseTo((1 + 0 + 2 + 4 * 3) / 6, 6);
  });

  it('state Variables are non-trainable and resetState zeroes them', async () => {
    const m = new Mean();
    expect(m.variables.map((v) => v.name)).toEqual(['mean/total', 'mean/count']);
    expect(m.variables.every((v) => !v.trainable)).toBe(true);
    m.updateState(tensor([1, 2]));
    m.resetState();
    for (const v of m.variables) expect(Array.from(await v.data())).toEqual([0]);
  });

  it('rejects values that are not tensors, numbers or lists of them (test/metrics/reduction_metric_lists.test.ts has the lists)', () => {
    expect(() => new Mean().updateState('1' as never)).toThrow('mean.updateState: values must be a Tensor, got string');
    expect(() => new Mean().updateState(tensor([1]), [1] as never)).toThrow('mean.updateState: sampleWeight must be a Tensor or a number, got an array');
  });
});

describe('accuracy metrics (Keras docstrings)', () => {
  it('BinaryAccuracy', async () => {
    const m = new BinaryAccuracy();
    const yTrue = tensor([[1], [1], [0], [0]]);
    const yPred = tensor([[0.98], [1], [0], [0.6]]);
    m.updateState(yTrue, yPred);
    expect(await scalarValue(m)).toBeCloseTo(0.75, 6);
    m.resetState();
    m.updateState(yTrue, yPred, tensor([1, 0, 0, 1]));
    expect(await scalarValue(m)).toBeCloseTo(0.5, 6);
    expect(() => new BinaryAccuracy({ threshold: 1 })).toThrow('BinaryAccuracy: invalid value for argument threshold. Expected a value in interval (0, 1). Received: threshold=1.');
  });

  it('BinaryAccuracy weighs each element when the sample weight has the shape of the labels, as Keras 3 does', async () => {
    // Values from keras.metrics.BinaryAccuracy on Keras 3.16 (NumPy backend).
    const m = new BinaryAccuracy();
    const yTrue = tensor([[1, 0, 1], [0, 1, 1]]);
    const yPred = tensor([[0.9, 0.2, 0.3], [0.6, 0.8, 0.7]]);
    m.updateState(yTrue, yPred, tensor([[1, 2, 0.5], [0, 1, 3]]));
    expect(await scalarValue(m)).toBeCloseTo(0.9333334, 6);
    m.updateState(yTrue, yPred, tensor([2, 1]));
    expect(await scalarValue(m)).toBeCloseTo(0.7878788, 6);
    // keras.metrics.binary_accuracy gives each element's match: shape [2, 3].
    expect(binaryAccuracy(yTrue, yPred).shape).toEqual([2, 3]);
  });

  it('CategoricalAccuracy', async () => {
    const m = new CategoricalAccuracy();
    const yTrue = tensor([[0, 0, 1], [0, 1, 0]]);
    const yPred = tensor([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]);
    m.updateState(yTrue, yPred);
    expect(await scalarValue(m)).toBeCloseTo(0.5, 6);
    m.resetState();
    m.updateState(yTrue, yPred, tensor([0.7, 0.3]));
    expect(await scalarValue(m)).toBeCloseTo(0.3, 6);
  });

  it('SparseCategoricalAccuracy with labels [N, 1] (float) and [N] (int32)', async () => {
    const m = new SparseCategoricalAccuracy();
    const yPred = tensor([[0.1, 0.6, 0.3], [0.05, 0.95, 0]]);
    m.updateState(tensor([[2], [1]]), yPred);
    expect(await scalarValue(m)).toBeCloseTo(0.5, 6);
    m.resetState();
    m.updateState(tensor(new Int32Array([2, 1]), [2]), yPred, tensor([0.7, 0.3]));
    expect(await scalarValue(m)).toBeCloseTo(0.3, 6);
  });

  it('TopKCategoricalAccuracy and SparseTopKCategoricalAccuracy (k = 1)', async () => {
    const yPred = tensor([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]);
    const m = new TopKCategoricalAccuracy({ k: 1 });
    m.updateState(tensor([[0, 0, 1], [0, 1, 0]]), yPred);
    expect(await scalarValue(m)).toBeCloseTo(0.5, 6);
    m.resetState();
    m.updateState(tensor([[0, 0, 1], [0, 1, 0]]), yPred, tensor([0.7, 0.3]));
    expect(await scalarValue(m)).toBeCloseTo(0.3, 6);
    const sparse = new SparseTopKCategoricalAccuracy({ k: 1 });
    sparse.updateState(tensor([2, 1]), yPred, tensor([0.7, 0.3]));
    expect(await scalarValue(sparse)).toBeCloseTo(0.3, 6);
  });

  it('top-k uses k = 5 by default and counts ties at the boundary as in, as tf.math.in_top_k', async () => {
    const m = new TopKCategoricalAccuracy();
    expect(m.k).toBe(5);
    const scores = [[0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3], [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3]];
    m.updateState(tensor([[0, 0, 0, 0, 1, 0, 0], [0, 0, 0, 0, 0, 1, 0]]), tensor(scores));
    expect(await scalarValue(m)).toBeCloseTo(0.5, 6);   // 5th largest is in, 6th is not
    const tied = new TopKCategoricalAccuracy({ k: 1 });
    tied.updateState(tensor([[0, 1, 0]]), tensor([[0.5, 0.5, 0]]));
    expect(await scalarValue(tied)).toBe(1);
    expect(() => new TopKCategoricalAccuracy({ k: 0 })).toThrow('TopKCategoricalAccuracy: k must be a positive integer, got 0.');
  });

  it('accumulates over batches as one big batch would (float64 reference)', async () => {
    const rand = random(7);
    const classes = 4;
    const m = new CategoricalAccuracy();
    let hits = 0;
    let total = 0;
    for (let batch = 0; batch < 5; batch++) {
      const n = 3 + batch;
      const preds = Array.from({ length: n }, () => Array.from({ length: classes }, rand));
      const labels = Array.from({ length: n }, () => Math.floor(rand() * classes));
      const weights = Array.from({ length: n }, () => Math.round(rand() * 4) / 4);
      m.updateState(ops.oneHot(tensor(Int32Array.from(labels), [n]), classes), tensor(preds), tensor(weights));
      preds.forEach((row, i) => {
        const best = row.indexOf(Math.max(...row));
        hits += best === labels[i] ? weights[i] : 0;
        total += weights[i];
      });
    }
    expect(await scalarValue(m)).toBeCloseTo(hits / total, 6);
  });
});

describe("'accuracy' resolves by shapes, as Keras's compile()", () => {
  it('binary when predictions have a last dimension of 1 or rank 1', async () => {
    const m = new Accuracy();
    expect(m.kind).toBeNull();
    m.updateState(tensor([[1], [1], [0], [0]]), tensor([[0.98], [1], [0], [0.6]]));
    expect(m.kind).toBe('binary');
    expect(await scalarValue(m)).toBeCloseTo(0.75, 6);
    const rank1 = new Accuracy();
    rank1.updateState(tensor([1, 1, 0, 0]), tensor([0.98, 0.2, 0, 0.6]));
    expect(rank1.kind).toBe('binary');
    expect(await scalarValue(rank1)).toBeCloseTo(0.5, 6);
  });

  it('sparse categorical for labels of lower rank or with a last dimension of 1', async () => {
    const yPred = tensor([[0.1, 0.6, 0.3], [0.05, 0.95, 0]]);
    const lowerRank = new Accuracy();
    lowerRank.updateState(tensor([2, 1]), yPred);
    expect(lowerRank.kind).toBe('sparse_categorical');
    expect(await scalarValue(lowerRank)).toBeCloseTo(0.5, 6);
    const column = new Accuracy();
    column.updateState(tensor([[2], [1]]), yPred, tensor([0.7, 0.3]));
    expect(column.kind).toBe('sparse_categorical');
    expect(await scalarValue(column)).toBeCloseTo(0.3, 6);
  });

  it('categorical for one-hot labels', async () => {
    const m = new Accuracy();
    m.updateState(tensor([[0, 0, 1], [0, 1, 0]]), tensor([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]));
    expect(m.kind).toBe('categorical');
    expect(await scalarValue(m)).toBeCloseTo(0.5, 6);
    m.resetState();
    expect(m.kind).toBe('categorical');
  });

  it('resolveAccuracy follows the same rules', () => {
    expect(resolveAccuracy([8, 1], [8, 1])).toBe('binary');
    expect(resolveAccuracy([8], [8])).toBe('binary');
    expect(resolveAccuracy([8], [8, 10])).toBe('sparse_categorical');
    expect(resolveAccuracy([8, 1], [8, 10])).toBe('sparse_categorical');
    expect(resolveAccuracy([8, 10], [8, 10])).toBe('categorical');
  });
});

describe('regression metrics (Keras docstrings)', () => {
  const yTrue = () => tensor([[0, 1], [0, 0]]);
  const yPred = () => tensor([[1, 1], [0, 0]]);

  it('MeanAbsoluteError', async () => {
    const m = new MeanAbsoluteError();
    m.updateState(yTrue(), yPred());
    expect(await scalarValue(m)).toBeCloseTo(0.25, 6);
    m.resetState();
    m.updateState(yTrue(), yPred(), tensor([1, 0]));
    expect(await scalarValue(m)).toBeCloseTo(0.5, 6);
  });

  it('MeanSquaredError', async () => {
    const m = new MeanSquaredError();
    m.updateState(yTrue(), yPred());
    expect(await scalarValue(m)).toBeCloseTo(0.25, 6);
  });

  it('RootMeanSquaredError is the root of the running mean', async () => {
    const m = new RootMeanSquaredError();
    m.updateState(yTrue(), yPred());
    expect(await scalarValue(m)).toBeCloseTo(0.5, 6);
    m.resetState();
    m.updateState(yTrue(), yPred(), tensor([1, 0]));
    expect(await scalarValue(m)).toBeCloseTo(0.70710677, 6);
    m.resetState();
    m.updateState(tensor([1, 2]), tensor([2, 4]));     // squared errors 1, 4
    m.updateState(tensor([[0]]), tensor([[3]]));       // 9
    expect(await scalarValue(m)).toBeCloseTo(Math.sqrt((1 + 4 + 9) / 3), 6);
  });

  it('rank-1 targets against [N, 1] predictions count one sample per element', async () => {
    const m = new MeanAbsoluteError();
    m.updateState(tensor([1, 2, 3]), tensor([[1.5], [2], [1]]));
    m.updateState(tensor([0]), tensor([[1]]));
    expect(await scalarValue(m)).toBeCloseTo((0.5 + 0 + 2 + 1) / 4, 6);
  });
});

describe('Precision and Recall (Keras docstrings)', () => {
  it('a prediction equal to a number threshold is compared in float32, on both backends (Keras 3.16 values)', async () => {
    for (const backend of ['webgpu', 'cpu'] as const) {
      setBackend(backend);
      const yTrue = tensor([1, 0, 1, 0, 1, 0]);
      const yPred = tensor([0.3, 0.3, 0.7, 0.7, 0.4, 0.4]);
      const recall = new Recall({ thresholds: 0.3 });
      recall.updateState(yTrue, yPred);
      const positives = new TruePositives({ thresholds: 0.4 });
      positives.updateState(yTrue, yPred);
      expect([backend, await scalarValue(recall), await scalarValue(positives)]).toEqual([backend, expect.closeTo(2 / 3, 6), 1]);
      recall.dispose();
      positives.dispose();
    }
  });

  it('Precision', async () => {
    const m = new Precision();
    m.updateState(tensor([0, 1, 1, 1]), tensor([1, 0, 1, 1]));
    expect(await scalarValue(m)).toBeCloseTo(2 / 3, 6);
    m.resetState();
    m.updateState(tensor([0, 1, 1, 1]), tensor([1, 0, 1, 1]), tensor([0, 0, 1, 0]));
    expect(await scalarValue(m)).toBe(1);
    expect(m.variables.map((v) => v.name)).toEqual(['precision/true_positives', 'precision/false_positives']);
  });

  it('Recall', async () => {
    const m = new Recall();
    m.updateState(tensor([0, 1, 1, 1]), tensor([1, 0, 1, 1]));
    expect(await scalarValue(m)).toBeCloseTo(2 / 3, 6);
    m.resetState();
    m.updateState(tensor([0, 1, 1, 1]), tensor([1, 0, 1, 1]), tensor([0, 0, 1, 0]));
    expect(await scalarValue(m)).toBe(1);
  });

  it('are 0 before any positive, and a prediction equal to the threshold is negative', async () => {
    const m = new Precision();
    expect(await scalarValue(m)).toBe(0);
    const r = new Recall();
    r.updateState(tensor([[1], [1]]), tensor([[0.5], [0.51]]));
    expect(await scalarValue(r)).toBeCloseTo(0.5, 6);
  });

  it('several thresholds give one value each; batches accumulate (float64 reference)', async () => {
    const thresholds = [0.2, 0.5, 0.8];
    const precision = new Precision({ thresholds });
    const recall = new Recall({ thresholds });
    const rand = random(3);
    const tp = [0, 0, 0];
    const fp = [0, 0, 0];
    const fn = [0, 0, 0];
    for (let batch = 0; batch < 3; batch++) {
      const preds = Array.from({ length: 10 }, () => Math.fround(rand()));
      const labels = preds.map(() => (rand() < 0.5 ? 1 : 0));
      const weights = preds.map(() => Math.fround(rand()));
      for (const m of [precision, recall]) m.updateState(tensor(labels).reshape([10, 1]), tensor(preds).reshape([10, 1]), tensor(weights));
      thresholds.forEach((t, j) =>
        preds.forEach((p, i) => {
          if (p > t && labels[i]) tp[j] += weights[i];
          if (p > t && !labels[i]) fp[j] += weights[i];
          if (p <= t && labels[i]) fn[j] += weights[i];
        }),
      );
    }
    const precisions = (await value(precision)) as number[];
    const recalls = (await value(recall)) as number[];
    thresholds.forEach((_, j) => {
      expect(precisions[j]).toBeCloseTo(tp[j] / (tp[j] + fp[j]), 5);
      expect(recalls[j]).toBeCloseTo(tp[j] / (tp[j] + fn[j]), 5);
    });
  });

  it('classId counts one column of multi-class data', async () => {
    const m = new Precision({ classId: 1 });
    m.updateState(tensor([[0, 1], [1, 0], [0, 1]]), tensor([[0.2, 0.9], [0.3, 0.7], [0.9, 0.1]]));
    expect(await scalarValue(m)).toBeCloseTo(0.5, 6);   // class 1 predicted twice, right once
    expect(m.getConfig()).toEqual({ name: 'precision', dtype: 'float32', thresholds: [0.5], topK: null, classId: 1 });
  });

  it('rejects thresholds outside [0, 1]', () => {
    expect(() => new Recall({ thresholds: [0.5, 2] })).toThrow('Recall: threshold values must be in [0, 1], got 2.');
  });
});

/** Keras's AUC in float64 over float32 predictions: buckets, counts per threshold, trapezoids. */
function referenceAuc(labels: number[], preds: number[], weights: number[], numThresholds: number): number {
  const tp = new Array<number>(numThresholds).fill(0);
  const fp = new Array<number>(numThresholds).fill(0);
  preds.forEach((p, i) => {
    const bucket = Math.max(Math.ceil(Math.fround(Math.fround(Math.min(Math.max(p, 0), 1)) * (numThresholds - 1))) - 1, 0);
    for (let t = 0; t <= bucket; t++) (labels[i] ? tp : fp)[t] += weights[i];
  });
  const positives = labels.reduce((s, l, i) => s + (l ? weights[i] : 0), 0);
  const negatives = labels.reduce((s, l, i) => s + (l ? 0 : weights[i]), 0);
  let area = 0;
  for (let t = 0; t < numThresholds - 1; t++) {
    const recall = (k: number) => (positives > 0 ? tp[k] / positives : 0);
    const fpr = (k: number) => (negatives > 0 ? fp[k] / negatives : 0);
    area += (fpr(t) - fpr(t + 1)) * (recall(t) + recall(t + 1)) / 2;
  }
  return area;
}

describe('Precision, Recall and AUC errors', () => {
  it('name both shapes when integer labels meet per-class predictions', () => {
    const labels = tensor([0, 2, 1], [3], 'int32');
    const probabilities = tensor([[0.8, 0.1, 0.1], [0.2, 0.2, 0.6], [0.1, 0.7, 0.2]]);
    for (const metric of [new Precision(), new Recall(), new AUC()]) {
      expect(() => metric.updateState(labels, probabilities)).toThrow(
        `${metric.name}.updateState: yTrue shape [3] and yPred shape [3,3] differ; the labels must have the predictions' shape (0/1 per output). For integer class labels, one-hot encode them (ops.oneHot) or use a sparse metric.`,
      );
    }
  });
});

describe('AUC', () => {
  it('matches the Keras docstring (numThresholds 3)', async () => {
    const m = new AUC({ numThresholds: 3 });
    m.updateState(tensor([0, 0, 1, 1]), tensor([0, 0.5, 0.3, 0.9]));
    expect(await scalarValue(m)).toBeCloseTo(0.75, 6);
    expect(Array.from(await m.truePositives.data())).toEqual([2, 1, 0]);
    expect(Array.from(await m.falsePositives.data())).toEqual([2, 0, 0]);
    expect(Array.from(await m.falseNegatives.data())).toEqual([0, 1, 2]);
    expect(Array.from(await m.trueNegatives.data())).toEqual([0, 2, 2]);
    m.resetState();
    m.updateState(tensor([0, 0, 1, 1]), tensor([0, 0.5, 0.3, 0.9]), tensor([1, 0, 0, 1]));
    expect(await scalarValue(m)).toBeCloseTo(1, 6);
  });

  it('with 200 thresholds matches the float64 reference over several weighted batches', async () => {
    const m = new AUC();
    expect(m.numThresholds).toBe(200);
    const rand = random(11);
    const labels: number[] = [];
    const preds: number[] = [];
    const weights: number[] = [];
    for (let batch = 0; batch < 4; batch++) {
      const y = Array.from({ length: 25 }, () => (rand() < 0.4 ? 1 : 0));
      // Informative but noisy scores, some outside [0, 1] to exercise the clipping.
      const p = y.map((l) => Math.fround(l * 0.3 + rand() * 0.8 - 0.05));
      const w = y.map(() => Math.fround(0.5 + rand()));
      m.updateState(tensor(y).reshape([25, 1]), tensor(p).reshape([25, 1]), tensor(w));
      labels.push(...y);
      preds.push(...p);
      weights.push(...w);
    }
    const expected = referenceAuc(labels, preds, weights, 200);
    expect(expected).toBeGreaterThan(0.6);
    expect(await scalarValue(m)).toBeCloseTo(expected, 5);
  });

  it('minoring and majoring bound the interpolated area; fromLogits applies a sigmoid', async () => {
    const labels = tensor([0, 0, 1, 1, 0, 1]);
    const preds = tensor([0.1, 0.4, 0.35, 0.8, 0.6, 0.55]);
    const results: number[] = [];
    for (const summationMethod of ['minoring', 'interpolation', 'majoring'] as const) {
      const m = new AUC({ numThresholds: 5, summationMethod });
      m.updateState(labels, preds);
      results.push(await scalarValue(m));
    }
    expect(results[0]).toBeLessThanOrEqual(results[1]);
    expect(results[1]).toBeLessThanOrEqual(results[2]);
    const fromLogits = new AUC({ numThresholds: 5, fromLogits: true });
    fromLogits.updateState(labels, ops.log(preds.div(ops.sub(1, preds))));
    expect(await scalarValue(fromLogits)).toBeCloseTo(results[1], 5);
  });

  it('rejects invalid options', () => {
    expect(() => new AUC({ numThresholds: 1 })).toThrow('AUC: argument numThresholds must be an integer > 1. Received: numThresholds=1.');
    expect(() => new AUC({ curve: 'XY' as never })).toThrow("AUC: invalid value for argument curve. Expected one of 'ROC', 'PR', 'PRGAIN'. Received: curve=XY.");
    expect(() => new AUC({ summationMethod: 'left' as never })).toThrow("Expected one of 'interpolation', 'minoring', 'majoring'. Received: summationMethod=left.");
  });

  it('thresholds are evenly spaced with the ends just outside [0, 1]', () => {
    const m = new AUC({ numThresholds: 3 });
    expect(m.thresholds).toEqual([-1e-7, 0.5, 1 + 1e-7]);
  });
});

/** One of each metric with a batch it accepts. */
function everyMetric(): { metric: Metric; yTrue: () => Tensor; yPred: () => Tensor; weights: () => Tensor }[] {
  const binaryTrue = () => tensor([[1], [0], [1], [0], [1]]);
  const binaryPred = () => tensor([[0.9], [0.4], [0.3], [0.7], [0.55]]);
  const oneHot = () => tensor([[0, 0, 1], [0, 1, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  const sparse = () => tensor([2, 1, 0, 1, 0]);
  const scores = () => tensor([[0.1, 0.2, 0.7], [0.5, 0.3, 0.2], [0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.3, 0.3, 0.4]]);
  const weights = () => tensor([1, 0.5, 2, 0, 1]);
  return [
    { metric: new Accuracy(), yTrue: sparse, yPred: scores, weights },
    { metric: new BinaryAccuracy(), yTrue: binaryTrue, yPred: binaryPred, weights },
    { metric: new CategoricalAccuracy(), yTrue: oneHot, yPred: scores, weights },
    { metric: new SparseCategoricalAccuracy(), yTrue: sparse, yPred: scores, weights },
    { metric: new TopKCategoricalAccuracy({ k: 2 }), yTrue: oneHot, yPred: scores, weights },
    { metric: new MeanAbsoluteError(), yTrue: oneHot, yPred: scores, weights },
    { metric: new MeanSquaredError(), yTrue: oneHot, yPred: scores, weights },
    { metric: new RootMeanSquaredError(), yTrue: oneHot, yPred: scores, weights },
    { metric: new Precision(), yTrue: binaryTrue, yPred: binaryPred, weights },
    { metric: new Recall(), yTrue: binaryTrue, yPred: binaryPred, weights },
    { metric: new AUC(), yTrue: binaryTrue, yPred: binaryPred, weights },
  ];
}

describe('backends', () => {
  it('every metric gives the same result on WebGPU and on the CPU backend', async () => {
    const results: Record<string, number[]> = {};
    for (const backend of ['webgpu', 'cpu'] as const) {
      setBackend(backend);
      for (const { metric, yTrue, yPred, weights } of everyMetric()) {
        metric.updateState(yTrue(), yPred());
        metric.updateState(yTrue(), yPred(), weights());
        expect(metric.variables[0].storage.backend).toBe(backend);
        (results[metric.name] ??= []).push(await scalarValue(metric));
      }
    }
    for (const [name, [gpu, cpu]] of Object.entries(results)) {
      expect(gpu, name).toBeCloseTo(cpu, 5);
    }
  });

  it('updateState and result record GPU work without reading back', async () => {
    const recorder = currentGpu()!.recorder;
    const cases = everyMetric();
    recorder.flush();
    const reads = recorder.readCount;
    const results = cases.map(({ metric, yTrue, yPred, weights }) =>
      tidy(() => {
        metric.updateState(yTrue(), yPred(), weights());
        return metric.result();
      }),
    );
    expect(recorder.readCount).toBe(reads);
    for (const r of results) expect(r.shape).toEqual([]);
    await results[0].data();
    expect(recorder.readCount).toBe(reads + 1);
  });

  it('memory stays flat over 100 updates and results wrapped in tidy', async () => {
    for (const { metric, yTrue, yPred, weights } of everyMetric()) {
      const labels = yTrue();
      const predictions = yPred();
      const sampleWeight = weights();
      await expectFlatMemory(metric, labels, predictions, sampleWeight, 100);
    }
  });

  it('dispose frees the state Variables', () => {
    const before = memory().liveTensors;
    const m = new AUC();
    const p = new Precision({ thresholds: [0.3, 0.6] });
    m.dispose();
    p.dispose();
    expect(memory().liveTensors).toBe(before);
  });
});

describe('the running mean kernel of the mean metrics', () => checkCases(fusedCases.filter((c) => c.name.startsWith('runningMean'))));

describe('getMetric', () => {
  it('builds each metric from its Keras name, logged under that name', () => {
    const expected: Record<string, MetricClass> = {
      accuracy: Accuracy,
      acc: Accuracy,
      binary_accuracy: BinaryAccuracy,
      categorical_accuracy: CategoricalAccuracy,
      sparse_categorical_accuracy: SparseCategoricalAccuracy,
      top_k_categorical_accuracy: TopKCategoricalAccuracy,
      sparse_top_k_categorical_accuracy: SparseTopKCategoricalAccuracy,
      mae: MeanAbsoluteError,
      mean_absolute_error: MeanAbsoluteError,
      mse: MeanSquaredError,
      mean_squared_error: MeanSquaredError,
      rmse: RootMeanSquaredError,
      root_mean_squared_error: RootMeanSquaredError,
      precision: Precision,
      recall: Recall,
      auc: AUC,
      true_positives: TruePositives,
      true_negatives: TrueNegatives,
      false_positives: FalsePositives,
      false_negatives: FalseNegatives,
      f1_score: F1Score,
      f_beta_score: FBetaScore,
      r2_score: R2Score,
      pearson_correlation: PearsonCorrelation,
      concordance_correlation: ConcordanceCorrelation,
      binary_io_u: BinaryIoU,
      binary_crossentropy: BinaryCrossentropy,
      categorical_crossentropy: CategoricalCrossentropy,
      sparse_categorical_crossentropy: SparseCategoricalCrossentropy,
      kl_divergence: KLDivergence,
      poisson: Poisson,
      hinge: Hinge,
      squared_hinge: SquaredHinge,
      categorical_hinge: CategoricalHinge,
      mape: MeanAbsolutePercentageError,
      mean_absolute_percentage_error: MeanAbsolutePercentageError,
      msle: MeanSquaredLogarithmicError,
      mean_squared_logarithmic_error: MeanSquaredLogarithmicError,
      logcosh: LogCoshError,
      log_cosh_error: LogCoshError,
      cosine_similarity: CosineSimilarity,
    };
    expect([...METRIC_NAMES].sort()).toEqual(Object.keys(expected).sort());
    for (const [name, cls] of Object.entries(expected)) {
      const metric = getMetric(name);
      expect(metric, name).toBeInstanceOf(cls);
      expect(metric.name).toBe(name);
      metric.dispose();
    }
  });

  it('accepts camelCase and class names, giving the snake_case name', () => {
    const cases: [string, MetricClass, string][] = [
      ['binaryAccuracy', BinaryAccuracy, 'binary_accuracy'],
      ['sparseCategoricalAccuracy', SparseCategoricalAccuracy, 'sparse_categorical_accuracy'],
      ['topKCategoricalAccuracy', TopKCategoricalAccuracy, 'top_k_categorical_accuracy'],
      ['meanAbsoluteError', MeanAbsoluteError, 'mean_absolute_error'],
      ['RootMeanSquaredError', RootMeanSquaredError, 'root_mean_squared_error'],
      ['AUC', AUC, 'auc'],
      ['MAE', MeanAbsoluteError, 'mae'],
    ];
    for (const [identifier, cls, name] of cases) {
      const metric = getMetric(identifier);
      expect(metric, identifier).toBeInstanceOf(cls);
      expect(metric.name).toBe(name);
    }
  });

  it('returns a Metric as is and wraps a function under its name', async () => {
    const precision = new Precision();
    expect(getMetric(precision)).toBe(precision);
    const metric = getMetric(function squaredError(yTrue: Tensor, yPred: Tensor) {
      return ops.square(yTrue.sub(yPred));
    });
    expect(metric).toBeInstanceOf(MeanMetricWrapper);
    expect(metric.name).toBe('squaredError');
    metric.updateState(tensor([1, 2]), tensor([3, 2]));
    expect(await scalarValue(metric)).toBeCloseTo(2, 6);
  });

  it('names the valid names when it does not know one', () => {
    expect(() => getMetric('acuracy')).toThrow(
      "getMetric: unknown metric 'acuracy'. Expected one of 'accuracy', 'acc', 'binary_accuracy', 'categorical_accuracy', 'sparse_categorical_accuracy', 'top_k_categorical_accuracy', 'sparse_top_k_categorical_accuracy', 'mae', 'mean_absolute_error', 'mse', 'mean_squared_error', 'rmse', 'root_mean_squared_error', 'precision', 'recall', 'auc', 'true_positives', 'true_negatives', 'false_positives', 'false_negatives', 'f1_score', 'f_beta_score', 'r2_score', 'pearson_correlation', 'concordance_correlation', 'binary_io_u', 'binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy', 'kl_divergence', 'poisson', 'hinge', 'squared_hinge', 'categorical_hinge', 'mape', 'mean_absolute_percentage_error', 'msle', 'mean_squared_logarithmic_error', 'logcosh', 'log_cosh_error', 'cosine_similarity' (or their camelCase forms), a Metric, or a function (yTrue, yPred) => Tensor.",
    );
    expect(() => getMetric(3 as never)).toThrow('getMetric: expected a metric name, a Metric or a function (yTrue, yPred) => Tensor, got number.');
  });

  it('getConfig gives the options that rebuild a metric', () => {
    expect(new BinaryAccuracy({ threshold: 0.3 }).getConfig()).toEqual({ name: 'binary_accuracy', dtype: 'float32', threshold: 0.3 });
    expect(new TopKCategoricalAccuracy().getConfig()).toEqual({ name: 'top_k_categorical_accuracy', dtype: 'float32', k: 5 });
    expect(new AUC().getConfig()).toEqual({ name: 'auc', dtype: 'float32', numThresholds: 200, curve: 'ROC', summationMethod: 'interpolation', fromLogits: false });
    expect(getMetric('accuracy').getConfig()).toEqual({ name: 'accuracy', dtype: 'float32' });
  });
});

describe('subclassing Metric', () => {
  it("addVariable takes Keras's form { shape, initializer, name }; resetState refills the initial value", async () => {
    class Extremes extends Metric<[values: Tensor]> {
      readonly count = this.addVariable({ shape: [], name: 'count' });
      readonly smallest = this.addVariable({ shape: [2], initializer: 7 });
      readonly scale = this.addVariable({ shape: [], initializer: 'ones', name: 'scale' });
      constructor() {
        super('extremes');
      }
      updateState(values: Tensor): void {
        tidy(() => {
          this.count.assignAdd(values.shape[0]);
          this.smallest.assign(ops.minimum(this.smallest, ops.min(values, 0)));
        });
      }
      result(): Tensor {
        return tidy(() => ops.sum(this.smallest).mul(this.scale).add(this.count));
      }
    }
    const metric = new Extremes();
    expect(metric.variables.map((v) => v.name)).toEqual(['extremes/count', 'extremes/variable_1', 'extremes/scale']);
    metric.updateState(tensor([[9, 3], [8, 10]]));
    // count 2, smallest [7, 3] (7 from the initializer), scale 1: 2 + 10.
    expect(await scalarValue(metric)).toBe(12);
    metric.resetState();
    expect(await scalarValue(metric)).toBe(14);
    class Bad extends Metric<[values: Tensor]> {
      constructor(args: object) {
        super('bad');
        this.addVariable(args as never);
      }
      updateState(): void {}
      result(): Tensor {
        return tensor(0);
      }
    }
    expect(() => new Bad({ shape: [], initializer: 'glorot_uniform' })).toThrow(
      `bad.addVariable('variable_0'): invalid value for argument initializer. Expected 'zeros', 'ones' or a number (the value resetState fills in). Received: initializer="glorot_uniform".`,
    );
    expect(() => new Bad({ shape: [], dtype: 'int32' })).toThrow(/bad.addVariable\('variable_0'\): invalid value for argument dtype. Expected 'float32'/);
    expect(() => new Bad({ shape: [], initialiser: 'zeros' })).toThrow(/bad.addVariable: unknown option 'initialiser'/);
    expect(() => new Bad({ name: 'n' })).toThrow("bad.addVariable('n'): shape must be a list of sizes ([] for a scalar), got undefined.");
  });
});
