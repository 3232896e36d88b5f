// The options of the metrics as a specification: every built-in metric rejects an option it does
// not take (with the camelCase hint for Keras's snake_case names) and rebuilds from its own
// getConfig; Precision and Recall with topK, AUC with explicit thresholds and the PR and PR-gain
// curves, and SparseCategoricalCrossentropy with ignoreClass, against the values of Keras's tests
// and docstrings and float64 references written out here, on WebGPU and on the CPU backend.

import { afterEach, describe, expect, it } from 'vitest';
import { getBackend, setBackend, tensor, type Tensor } from '../../src/node';
import * as metrics from '../../src/metrics/index';
import { AUC, Metric, Precision, Recall, SparseCategoricalCrossentropy } from '../../src/metrics/index';
import { seededRandom } from '../cases/data';
import { useWebGPU } from '../helpers';
import { referenceAuc } from './metric_helpers';

useWebGPU();
afterEach(() => setBackend('webgpu'));

const BACKENDS = ['webgpu', 'cpu'] as const;

/** The options a metric cannot be built without. */
const REQUIRED: Record<string, object> = {
  IoU: { numClasses: 3, targetClassIds: [0] },
  MeanIoU: { numClasses: 3 },
  OneHotIoU: { numClasses: 3, targetClassIds: [0] },
  OneHotMeanIoU: { numClasses: 3 },
  PrecisionAtRecall: { recall: 0.5 },
  RecallAtPrecision: { precision: 0.5 },
  SensitivityAtSpecificity: { specificity: 0.5 },
  SpecificityAtSensitivity: { sensitivity: 0.5 },
};

type MetricClass = new (options: object) => Metric;

/** Every concrete metric class the module exports, by name. */
const METRIC_CLASSES = Object.entries(metrics).filter(
  ([name, value]) => typeof value === 'function' && value.prototype instanceof Metric && name !== 'MeanMetricWrapper',
) as [string, MetricClass][];

async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

/** The metric's result after the given updates, on each backend. */
async function resultOnBothBackends(make: () => Metric, update: (m: Metric) => void): Promise<Record<(typeof BACKENDS)[number], number[]>> {
  const results = {} as Record<(typeof BACKENDS)[number], number[]>;
  for (const backend of BACKENDS) {
    setBackend(backend);
    expect(getBackend()).toBe(backend);
    const metric = make();
    update(metric);
    results[backend] = await values(metric.result());
    metric.dispose();
  }
  return results;
}

describe('option names', () => {
  it('covers every metric class', () => {
    expect(METRIC_CLASSES.length).toBeGreaterThanOrEqual(40);
  });

  for (const [name, cls] of METRIC_CLASSES) {
    it(`${name} rejects an unknown option and rebuilds from getConfig`, () => {
      const required = REQUIRED[name] ?? {};
      expect(() => new cls({ ...required, bogus: 1 })).toThrow(`${name}: unknown option 'bogus'`);
      const metric = new cls(required);
      const config = metric.getConfig();
      const copy = new cls(config);
      expect(copy.getConfig()).toEqual(config);
      metric.dispose();
      copy.dispose();
    });
  }

  it("names Keras's snake_case spelling and lists the options", () => {
    expect(() => new Precision({ top_k: 1 } as never)).toThrow("Precision: unknown option 'top_k' (did you mean 'topK'?). Its options: name, dtype, thresholds, topK, classId.");
    expect(() => new metrics.MeanIoU({ numClasses: 2, ignore_class: 0 } as never)).toThrow("MeanIoU: unknown option 'ignore_class' (did you mean 'ignoreClass'?)");
    expect(() => new metrics.F1Score({ beta: 2 } as never)).toThrow("F1Score: unknown option 'beta'. Its options: name, dtype, average, threshold.");
    expect(() => new metrics.MeanIoU({ numClasses: 2, targetClassIds: [0] } as never)).toThrow("MeanIoU: unknown option 'targetClassIds'");
    expect(() => new metrics.BinaryIoU({ numClasses: 3 } as never)).toThrow("BinaryIoU: unknown option 'numClasses'");
  });

  it('takes one options object and float32 only', () => {
    expect(() => new Precision(0.5 as never)).toThrow('Precision: the constructor takes one options object');
    expect(() => new metrics.Mean({ dtype: 'int32' } as never)).toThrow("Mean: invalid value for argument dtype. Expected 'float32'");
    expect(new metrics.Mean({ dtype: 'float32' } as never).name).toBe('mean');
  });

  it('keeps the default names when name is left undefined (as getMetric passes it)', () => {
    expect(new metrics.BinaryAccuracy({ name: undefined }).name).toBe('binary_accuracy');
    expect(new metrics.MeanIoU({ numClasses: 2, name: undefined }).name).toBe('mean_io_u');
    expect(new metrics.BinaryIoU({ name: undefined }).name).toBe('binary_io_u');
  });
});

describe('Precision and Recall with topK (Keras docstring and test values)', () => {
  it('Precision counts only the top k predictions, ties in index order', async () => {
    const top2 = await resultOnBothBackends(() => new Precision({ topK: 2 }), (m) => m.updateState(tensor([0, 0, 1, 1]), tensor([1, 1, 1, 1])));
    const top4 = await resultOnBothBackends(() => new Precision({ topK: 4 }), (m) => m.updateState(tensor([0, 0, 1, 1]), tensor([1, 1, 1, 1])));
    const top3 = await resultOnBothBackends(() => new Precision({ topK: 3 }), (m) => m.updateState(tensor([0, 1, 1, 0, 0]), tensor([0.2, 0.1, 0.5, 0, 0.2])));
    for (const backend of BACKENDS) {
      expect(top2[backend][0]).toBeCloseTo(0, 6);
      expect(top4[backend][0]).toBeCloseTo(0.5, 6);
      expect(top3[backend][0]).toBeCloseTo(1 / 3, 6);
    }
  });

  it('Recall counts only the top k predictions', async () => {
    const result = await resultOnBothBackends(() => new Recall({ topK: 3 }), (m) => m.updateState(tensor([0, 1, 1, 0, 0]), tensor([0.2, 0.1, 0.5, 0, 0.2])));
    for (const backend of BACKENDS) expect(result[backend][0]).toBeCloseTo(0.5, 6);
  });

  it('weighted over batches of rank 2 and rank 1 (keras test_weighted_top_k)', async () => {
    const update = (m: Metric) => {
      m.updateState(tensor([[0, 1, 1, 0, 1]]), tensor([[0.2, 0.1, 0.4, 0, 0.2]]), tensor([[1, 4, 2, 3, 5]]));
      m.updateState(tensor([1, 0, 1, 1, 1]), tensor([0.2, 0.6, 0.4, 0.2, 0.2]), 3);
    };
    const precision = await resultOnBothBackends(() => new Precision({ topK: 3 }), update);
    const recall = await resultOnBothBackends(() => new Recall({ topK: 3 }), update);
    for (const backend of BACKENDS) {
      expect(precision[backend][0]).toBeCloseTo((2 + 5 + 3 + 3) / (1 + 2 + 5 + 3 + 3 + 3), 6);
      expect(recall[backend][0]).toBeCloseTo((2 + 5 + 3 + 3) / (4 + 2 + 5 + 3 + 3 + 3 + 3), 6);
    }
  });

  it('with a threshold, a top-k prediction must also be above it', async () => {
    const precision = await resultOnBothBackends(() => new Precision({ thresholds: 0.7, topK: 2 }), (m) => m.updateState(tensor([0, 1, 1, 0, 1]), tensor([0.2, 0.8, 0.6, 0, 0.2])));
    const recall = await resultOnBothBackends(() => new Recall({ thresholds: 0.7, topK: 2 }), (m) => m.updateState(tensor([1, 1, 1, 0, 1]), tensor([0.2, 0.8, 0.6, 0, 0.2])));
    for (const backend of BACKENDS) {
      expect(precision[backend][0]).toBeCloseTo(1, 6);
      expect(recall[backend][0]).toBeCloseTo(0.25, 6);
    }
  });

  it('per sample of [samples, classes] with classId, against a float64 reference', async () => {
    const next = seededRandom(7);
    const [samples, classes, k] = [12, 5, 2];
    const scores = Array.from({ length: samples * classes }, () => Math.round(next() * 8) / 8);
    const labels: number[] = Array.from({ length: samples * classes }, () => (next() < 0.4 ? 1 : 0));
    // Reference: per row, the k largest (lower index first among equals) are positive.
    const positive: boolean[] = [];
    for (let r = 0; r < samples; r++) {
      const row = scores.slice(r * classes, (r + 1) * classes);
      const order = row.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      const top = new Set(order.slice(0, k).map(([, i]) => i));
      for (let c = 0; c < classes; c++) positive.push(top.has(c));
    }
    const count = (cell: (label: number, predicted: boolean, column: number) => boolean) =>
      labels.reduce((n, label, i) => n + (cell(label, positive[i], i % classes) ? 1 : 0), 0);
    const precisionAll = count((l, p) => l === 1 && p) / count((_, p) => p);
    const recallClass = count((l, p, c) => c === 3 && l === 1 && p) / count((l, _, c) => c === 3 && l === 1);
    const update = (m: Metric) => m.updateState(tensor(labels, [samples, classes]), tensor(scores, [samples, classes]));
    const precision = await resultOnBothBackends(() => new Precision({ topK: k }), update);
    const recall = await resultOnBothBackends(() => new Recall({ topK: k, classId: 3 }), update);
    for (const backend of BACKENDS) {
      expect(precision[backend][0]).toBeCloseTo(precisionAll, 6);
      expect(recall[backend][0]).toBeCloseTo(recallClass, 6);
    }
  });

  it('rejects a bad topK, and a topK above the number of predictions before any GPU work', () => {
    expect(() => new Precision({ topK: 0 })).toThrow('Precision: invalid value for argument topK. Expected a positive integer or null. Received: topK=0.');
    const m = new Recall({ topK: 3 });
    expect(() => m.updateState(tensor([[0, 1]]), tensor([[0.2, 0.8]]))).toThrow('recall.updateState: topK=3 needs at least 3 predictions along the last axis; received yPred of shape [1,2].');
    m.dispose();
  });

  it('getConfig records topK, and no internal threshold', () => {
    expect(new Precision({ topK: 2 }).getConfig()).toEqual({ name: 'precision', dtype: 'float32', thresholds: null, topK: 2, classId: undefined });
    expect(new Recall({ topK: 2, thresholds: [0.4, 0.9] }).getConfig()).toEqual({ name: 'recall', dtype: 'float32', thresholds: [0.4, 0.9], topK: 2, classId: undefined });
  });
});

describe('AUC curves and thresholds (Keras test values)', () => {
  const yTrue = [0, 0, 1, 1];
  const yPred = [0, 0.5, 0.3, 0.9];
  const weights = [1, 2, 3, 4];
  const cases: [string, object, number, boolean][] = [
    ['PR, interpolation', { curve: 'PR' }, 2.416 / 7 + 4 / 7, true],
    ['PR, majoring', { curve: 'PR', summationMethod: 'majoring' }, 0.429 + 0.571, true],
    ['PR, minoring', { curve: 'PR', summationMethod: 'minoring' }, 0.7 * 0.429, true],
    ['PRGAIN, interpolation', { curve: 'PRGAIN' }, 0.5, true],
    ['PRGAIN, majoring', { curve: 'PRGAIN', summationMethod: 'majoring' }, 1, true],
    ['PRGAIN, minoring', { curve: 'PRGAIN', summationMethod: 'minoring' }, 0, true],
    ['thresholds [0.5] (as numThresholds 3)', { thresholds: [0.5] }, 0.75, false],
  ];
  for (const [label, options, expected, weighted] of cases) {
    it(label, async () => {
      const result = await resultOnBothBackends(
        () => new AUC({ numThresholds: 3, ...options }),
        (m) => m.updateState(tensor(yTrue), tensor(yPred), weighted ? tensor(weights) : undefined),
      );
      for (const backend of BACKENDS) expect(result[backend][0]).toBeCloseTo(expected, 3);
    });
  }

  it('PR interpolation with negative weights gives 0 (every divisor is 0)', async () => {
    const result = await resultOnBothBackends(() => new AUC({ numThresholds: 3, curve: 'PR' }), (m) => m.updateState(tensor(yTrue), tensor(yPred), tensor([-1, -2, -3, -4])));
    for (const backend of BACKENDS) expect(result[backend][0]).toBeCloseTo(0, 6);
  });

  it('PRGAIN on ten samples (keras test_prgain_interpolation)', async () => {
    const result = await resultOnBothBackends(
      () => new AUC({ numThresholds: 3, curve: 'PRGAIN' }),
      (m) => m.updateState(tensor([0, 0, 0, 1, 0, 1, 0, 1, 1, 1]), tensor([0.1, 0.2, 0.3, 0.3, 0.4, 0.4, 0.6, 0.6, 0.8, 0.9])),
    );
    for (const backend of BACKENDS) expect(result[backend][0]).toBeCloseTo(0.666666 * 0.333333 + 0.333333 * 0.833333, 4);
  });

  it('explicit thresholds are sorted and framed by -1e-7 and 1 + 1e-7, as Keras lists them', () => {
    const m = new AUC({ thresholds: [0.5, 0.3] });
    expect(m.numThresholds).toBe(4);
    expect(m.thresholds).toEqual([-1e-7, 0.3, 0.5, 1 + 1e-7]);
    expect(m.getConfig()).toEqual({ name: 'auc', dtype: 'float32', numThresholds: 4, curve: 'ROC', summationMethod: 'interpolation', fromLogits: false, thresholds: [0.3, 0.5] });
    m.dispose();
  });

  for (const curve of ['ROC', 'PR', 'PRGAIN'] as const) {
    for (const method of ['interpolation', 'minoring', 'majoring'] as const) {
      it(`${curve} ${method} over uneven thresholds and two weighted batches, against a float64 reference`, async () => {
        const next = seededRandom(curve.length * 10 + method.length);
        const count = 40;
        const labels = Array.from({ length: count }, () => (next() < 0.5 ? 1 : 0));
        // Predictions lean toward the label, on a grid that also hits the thresholds exactly.
        const predictions = labels.map((l) => Math.min(1, Math.max(0, Math.round((0.35 * l + 0.65 * next()) * 20) / 20)));
        const sampleWeights = labels.map(() => 0.5 + Math.round(next() * 4) / 2);
        const given = [0.1, 0.25, 0.3, 0.55, 0.7, 0.95];
        const expected = referenceAuc(labels, predictions, sampleWeights, [-1e-7, ...given, 1 + 1e-7], curve, method);
        const half = count / 2;
        const result = await resultOnBothBackends(
          () => new AUC({ thresholds: given, curve, summationMethod: method }),
          (m) => {
            m.updateState(tensor(labels.slice(0, half)), tensor(predictions.slice(0, half)), tensor(sampleWeights.slice(0, half)));
            m.updateState(tensor(labels.slice(half)), tensor(predictions.slice(half)), tensor(sampleWeights.slice(half)));
          },
        );
        for (const backend of BACKENDS) expect(result[backend][0]).toBeCloseTo(expected, 5);
      });
    }
  }

  it('evenly spaced explicit thresholds give what numThresholds gives', async () => {
    const next = seededRandom(3);
    const labels = Array.from({ length: 30 }, () => (next() < 0.5 ? 1 : 0));
    const predictions = labels.map(() => next());
    const update = (m: Metric) => m.updateState(tensor(labels), tensor(predictions));
    const even = await resultOnBothBackends(() => new AUC({ numThresholds: 5, curve: 'PR' }), update);
    const given = await resultOnBothBackends(() => new AUC({ thresholds: [0.25, 0.5, 0.75], curve: 'PR' }), update);
    for (const backend of BACKENDS) expect(given[backend][0]).toBeCloseTo(even[backend][0], 6);
  });

  it('rejects bad thresholds', () => {
    expect(() => new AUC({ thresholds: [0.5, 1.5] })).toThrow('AUC: invalid value for argument thresholds. Expected a list of numbers in [0, 1]. Received: thresholds=[0.5,1.5].');
  });
});

describe('SparseCategoricalCrossentropy metric with ignoreClass (Keras test values)', () => {
  const yTrue = [0, 1, 2];
  const probabilities = [0.8, 0.1, 0.1, 0.05, 0.95, 0, 0.1, 0.8, 0.1];

  it('without weights, ignored samples add 0 and still count (as Keras)', async () => {
    const result = await resultOnBothBackends(() => new SparseCategoricalCrossentropy({ ignoreClass: 0 }), (m) => m.updateState(tensor(yTrue), tensor(probabilities, [3, 3])));
    for (const backend of BACKENDS) {
      expect(result[backend][0]).toBeCloseTo(0.78462, 3);
      expect(result[backend][0]).toBeCloseTo((-Math.log(0.95) - Math.log(0.1)) / 3, 5);
    }
  });

  it('with weights, ignored samples carry no weight', async () => {
    const result = await resultOnBothBackends(
      () => new SparseCategoricalCrossentropy({ ignoreClass: 0 }),
      (m) => m.updateState(tensor(yTrue), tensor(probabilities, [3, 3]), tensor([0.5, 1.5, 2])),
    );
    const expected = (-1.5 * Math.log(0.95) - 2 * Math.log(0.1)) / 3.5;
    for (const backend of BACKENDS) expect(result[backend][0]).toBeCloseTo(expected, 4);
    expect(expected).toBeCloseTo(1.33774646, 3);
  });

  it('from logits', async () => {
    const result = await resultOnBothBackends(
      () => new SparseCategoricalCrossentropy({ ignoreClass: 0, fromLogits: true }),
      (m) => m.updateState(tensor(yTrue), tensor([10, 1, 1, 1, 9, 0, 1, 8, 1], [3, 3])),
    );
    for (const backend of BACKENDS) expect(result[backend][0]).toBeCloseTo(2.33409, 3);
  });

  it('getConfig records ignoreClass', () => {
    expect(new SparseCategoricalCrossentropy({ ignoreClass: 255 }).getConfig()).toEqual({ name: 'sparse_categorical_crossentropy', dtype: 'float32', fromLogits: false, ignoreClass: 255, axis: -1 });
    expect(() => new SparseCategoricalCrossentropy({ ignoreClass: 0.5 })).toThrow('SparseCategoricalCrossentropy: invalid value for argument ignoreClass. Expected an integer or null. Received: ignoreClass=0.5.');
  });
});
