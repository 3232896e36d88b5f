// The confusion-count metrics (TruePositives, TrueNegatives, FalsePositives, FalseNegatives) and
// the operating-point metrics (PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity,
// SpecificityAtSensitivity): Keras docstring values, float64 references written from the
// definitions, accumulation over batches, sample weights, resetState, getConfig round trips,
// WebGPU against the CPU backend, no readback, and the compile() names.

import { afterEach, describe, expect, it } from 'vitest';
import { setBackend, tensor, tidy, type Tensor } from '../../src/node';
import { currentGpu } from '../../src/backend/engine';
import {
  FalseNegatives, FalsePositives, Metric, PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity,
  TrueNegatives, TruePositives, getMetric,
} from '../../src/metrics/index';
import { seededRandom } from '../cases/data';
import { useWebGPU } from '../helpers';
import { expectFlatMemory } from './metric_helpers';

useWebGPU();

afterEach(() => setBackend('webgpu'));

async function value(metric: Metric): Promise<number | number[]> {
  const result = metric.result();
  const values = Array.from(await result.data());
  result.dispose();
  return result.rank === 0 ? values[0] : values;
}

describe('TruePositives, TrueNegatives, FalsePositives, FalseNegatives (Keras docstrings)', () => {
  const cases: [new () => Metric, number[], number[]][] = [
    [TruePositives, [0, 1, 1, 1], [1, 0, 1, 1]],
    [TrueNegatives, [0, 1, 0, 0], [1, 1, 0, 0]],
    [FalsePositives, [0, 1, 0, 0], [0, 0, 1, 1]],
    [FalseNegatives, [0, 1, 1, 1], [0, 1, 0, 0]],
  ];
  for (const [Class, labels, predictions] of cases) {
    it(`${Class.name}: 2, then 1 with sample_weight [0, 0, 1, 0]`, async () => {
      const m = new Class();
      m.updateState(tensor(labels), tensor(predictions));
      expect(await value(m)).toBe(2);
      m.resetState();
      m.updateState(tensor(labels), tensor(predictions), tensor([0, 0, 1, 0]));
      expect(await value(m)).toBe(1);
      m.dispose();
    });
  }

  it('a list of thresholds gives one count per threshold (strictly above counts as positive)', async () => {
    const labels = tensor([0, 1, 1, 1, 0]);
    const predictions = tensor([0.2, 0.5, 0.7, 0.1, 0.9]);
    const thresholds = [0, 0.5, 0.8];
    // Written out: positives above 0: 0.5, 0.7, 0.1; above 0.5: 0.7; above 0.8: none.
    const expected = { tp: [3, 1, 0], fn: [0, 2, 3], fp: [2, 1, 1], tn: [0, 1, 1] };
    const metrics = { tp: new TruePositives({ thresholds }), fn: new FalseNegatives({ thresholds }), fp: new FalsePositives({ thresholds }), tn: new TrueNegatives({ thresholds }) };
    for (const [key, m] of Object.entries(metrics)) {
      m.updateState(labels, predictions);
      expect(await value(m), key).toEqual(expected[key as keyof typeof expected]);
    }
  });

  it('accumulates over batches, weights broadcast from [batch] to [batch, 1]', async () => {
    const m = new TruePositives({ thresholds: [0.3, 0.6] });
    m.updateState(tensor([[1], [1], [0]]), tensor([[0.5], [0.9], [0.9]]), tensor([2, 3, 5]));
    m.updateState(tensor([1, 1]), tensor([0.35, 0.1]));
    // Threshold 0.3: 2 + 3 + 1; threshold 0.6: 3.
    expect(await value(m)).toEqual([6, 3]);
  });

  it('getConfig keeps the thresholds as given and rebuilds the metric; no direction, as Keras', () => {
    expect(new TruePositives().getConfig()).toEqual({ name: 'true_positives', dtype: 'float32', thresholds: 0.5 });
    const config = new FalseNegatives({ thresholds: [0.2, 0.4], name: 'fn' }).getConfig();
    expect(config).toEqual({ name: 'fn', dtype: 'float32', thresholds: [0.2, 0.4] });
    expect(new FalseNegatives(config as never).getConfig()).toEqual(config);
    expect(new TrueNegatives().direction).toBeNull();
  });

  it('rejects thresholds outside [0, 1]', () => {
    expect(() => new FalsePositives({ thresholds: [0.5, 1.5] })).toThrow('FalsePositives: threshold values must be in [0, 1], got 1.5.');
  });
});

describe('operating-point metrics (Keras docstrings)', () => {
  const labels = [0, 0, 0, 1, 1];
  const predictions = [0, 0.3, 0.8, 0.3, 0.8];

  it('SensitivityAtSpecificity(0.5): 0.5, then 0.333333 weighted', async () => {
    const m = new SensitivityAtSpecificity({ specificity: 0.5 });
    m.updateState(tensor(labels), tensor(predictions));
    expect(await value(m)).toBeCloseTo(0.5, 6);
    m.resetState();
    m.updateState(tensor(labels), tensor(predictions), tensor([1, 1, 2, 2, 1]));
    expect(await value(m)).toBeCloseTo(1 / 3, 6);
  });

  it('SpecificityAtSensitivity(0.5): 0.66666667, then 0.5 weighted', async () => {
    const m = new SpecificityAtSensitivity({ sensitivity: 0.5 });
    m.updateState(tensor(labels), tensor(predictions));
    expect(await value(m)).toBeCloseTo(2 / 3, 6);
    m.resetState();
    m.updateState(tensor(labels), tensor(predictions), tensor([1, 1, 2, 2, 2]));
    expect(await value(m)).toBeCloseTo(0.5, 6);
  });

  it('PrecisionAtRecall(0.5): 0.5, then 0.33333333 weighted', async () => {
    const m = new PrecisionAtRecall({ recall: 0.5 });
    m.updateState(tensor(labels), tensor(predictions));
    expect(await value(m)).toBeCloseTo(0.5, 6);
    m.resetState();
    m.updateState(tensor(labels), tensor(predictions), tensor([2, 2, 2, 1, 1]));
    expect(await value(m)).toBeCloseTo(1 / 3, 6);
  });

  it('RecallAtPrecision(0.8): 0.5, then 1 weighted', async () => {
    const m = new RecallAtPrecision({ precision: 0.8 });
    m.updateState(tensor([0, 0, 1, 1]), tensor([0, 0.5, 0.3, 0.9]));
    expect(await value(m)).toBeCloseTo(0.5, 6);
    m.resetState();
    m.updateState(tensor([0, 0, 1, 1]), tensor([0, 0.5, 0.3, 0.9]), tensor([1, 0, 0, 1]));
    expect(await value(m)).toBeCloseTo(1, 6);
  });
});

/** Counts per threshold i / (T - 1), a prediction counting as positive when strictly above it, in float64. */
function referenceCounts(labels: number[], predictions: number[], weights: number[], numThresholds: number) {
  const thresholds = numThresholds === 1 ? [0.5] : Array.from({ length: numThresholds }, (_, i) => i / (numThresholds - 1));
  return thresholds.map((t) => {
    const c = { tp: 0, fp: 0, tn: 0, fn: 0 };
    labels.forEach((l, i) => {
      const above = predictions[i] > t;
      if (l === 1) c[above ? 'tp' : 'fn'] += weights[i];
      else c[above ? 'fp' : 'tn'] += weights[i];
    });
    return c;
  });
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** Keras's search: the largest `dependent` among thresholds whose `constrained` reaches `target`, else 0. */
function referenceBest(counts: ReturnType<typeof referenceCounts>, target: number, constrained: (c: (typeof counts)[0]) => number, dependent: (c: (typeof counts)[0]) => number): number {
  return Math.max(0, ...counts.filter((c) => constrained(c) >= target).map(dependent));
}

const recall64 = (c: { tp: number; fn: number }) => ratio(c.tp, c.tp + c.fn);
const precision64 = (c: { tp: number; fp: number }) => ratio(c.tp, c.tp + c.fp);
const specificity64 = (c: { tn: number; fp: number }) => ratio(c.tn, c.tn + c.fp);

describe('operating-point metrics against a float64 reference', () => {
  // Predictions on a grid of 1/1000 away from the thresholds i / 9, so rounding cannot move one across.
  const next = seededRandom(31);
  const batches = Array.from({ length: 3 }, () => {
    const labels = Array.from({ length: 12 }, () => (next() < 0.45 ? 1 : 0));
    const predictions = labels.map((l) => Math.round((l * 0.25 + next() * 0.75) * 900 + 0.5) / 1000 + 0.0005);
    const weights = labels.map(() => Math.round(next() * 20) / 10);
    return { labels, predictions, weights };
  });
  const all = {
    labels: batches.flatMap((b) => b.labels),
    predictions: batches.flatMap((b) => b.predictions),
    weights: batches.flatMap((b) => b.weights),
  };

  const cases: [string, (numThresholds: number) => Metric, (counts: ReturnType<typeof referenceCounts>) => number][] = [
    ['PrecisionAtRecall', (n) => new PrecisionAtRecall({ recall: 0.6, numThresholds: n }), (c) => referenceBest(c, 0.6, recall64, precision64)],
    ['RecallAtPrecision', (n) => new RecallAtPrecision({ precision: 0.7, numThresholds: n }), (c) => referenceBest(c, 0.7, precision64, recall64)],
    ['SensitivityAtSpecificity', (n) => new SensitivityAtSpecificity({ specificity: 0.6, numThresholds: n }), (c) => referenceBest(c, 0.6, specificity64, recall64)],
    ['SpecificityAtSensitivity', (n) => new SpecificityAtSensitivity({ sensitivity: 0.7, numThresholds: n }), (c) => referenceBest(c, 0.7, recall64, specificity64)],
  ];

  for (const [name, make, reference] of cases) {
    it(`${name}: weighted batches, on WebGPU and on the CPU backend, 10 thresholds and 1`, async () => {
      for (const numThresholds of [10, 1]) {
        const expected = reference(referenceCounts(all.labels, all.predictions, all.weights, numThresholds));
        for (const backend of ['webgpu', 'cpu'] as const) {
          setBackend(backend);
          const m = make(numThresholds);
          for (const b of batches) m.updateState(tensor(b.labels), tensor(b.predictions), tensor(b.weights));
          expect(m.variables[0].storage.backend).toBe(backend);
          expect(await value(m), `${backend}, ${numThresholds} thresholds`).toBeCloseTo(expected, 5);
          m.dispose();
        }
      }
    });
  }

  it('the counts match the reference per threshold; prediction 0 is above no threshold', async () => {
    const m = new SensitivityAtSpecificity({ specificity: 0.5, numThresholds: 10 });
    const predictions = [0, ...all.predictions];
    const labels = [1, ...all.labels];
    const weights = [1, ...all.weights];
    m.updateState(tensor(labels), tensor(predictions), tensor(weights));
    const expected = referenceCounts(labels, predictions, weights, 10);
    const read = async (v: Tensor) => Array.from(await v.data());
    const [tp, fp, tn, fn] = await Promise.all([m.truePositives, m.falsePositives, m.trueNegatives, m.falseNegatives].map(read));
    expected.forEach((c, i) => {
      expect(tp[i]).toBeCloseTo(c.tp, 4);
      expect(fp[i]).toBeCloseTo(c.fp, 4);
      expect(tn[i]).toBeCloseTo(c.tn, 4);
      expect(fn[i]).toBeCloseTo(c.fn, 4);
    });
    expect(m.thresholds[9]).toBe(1);
  });

  it('classId counts one column of [samples, classes] inputs', async () => {
    const m = new PrecisionAtRecall({ recall: 0.5, classId: 1 });
    m.updateState(tensor([[1, 0], [1, 0], [0, 0], [1, 1], [0, 1]]), tensor([[0.9, 0], [0.9, 0.3], [0.9, 0.8], [0.1, 0.3], [0.9, 0.8]]));
    // Column 1 is the docstring batch: labels [0, 0, 0, 1, 1], predictions [0, 0.3, 0.8, 0.3, 0.8].
    expect(await value(m)).toBeCloseTo(0.5, 6);
  });
});

describe('state, configuration and errors', () => {
  it('updateState and result record GPU work without reading back', async () => {
    const recorder = currentGpu()!.recorder;
    const metrics = [new TruePositives({ thresholds: [0.2, 0.7] }), new PrecisionAtRecall({ recall: 0.5 }), new SpecificityAtSensitivity({ sensitivity: 0.4, numThresholds: 1 })];
    recorder.flush();
    const reads = recorder.readCount;
    const results = metrics.map((m) =>
      tidy(() => {
        m.updateState(tensor([0, 1, 1]), tensor([0.3, 0.6, 0.9]), tensor([1, 2, 1]));
        return m.result();
      }),
    );
    expect(recorder.readCount).toBe(reads);
    expect(results.map((r) => r.shape)).toEqual([[2], [], []]);
  });

  it('getConfig rebuilds each metric, with Keras names and defaults', () => {
    const m = new SensitivityAtSpecificity({ specificity: 0.3 });
    expect(m.getConfig()).toEqual({ name: 'sensitivity_at_specificity', dtype: 'float32', classId: undefined, numThresholds: 200, specificity: 0.3 });
    expect(m.direction).toBe('up');
    const configs = [
      new PrecisionAtRecall({ recall: 0.8, numThresholds: 50, classId: 2, name: 'p_at_r' }).getConfig(),
      new RecallAtPrecision({ precision: 0.9 }).getConfig(),
      new SpecificityAtSensitivity({ sensitivity: 0.1, numThresholds: 7 }).getConfig(),
    ];
    expect(configs[1].name).toBe('recall_at_precision');
    expect(new PrecisionAtRecall(configs[0] as never).getConfig()).toEqual(configs[0]);
    expect(new RecallAtPrecision(configs[1] as never).getConfig()).toEqual(configs[1]);
    expect(new SpecificityAtSensitivity(configs[2] as never).getConfig()).toEqual(configs[2]);
  });

  it('rejects bad arguments before any work', () => {
    expect(() => new PrecisionAtRecall({ recall: 1.5 })).toThrow('PrecisionAtRecall: invalid value for argument recall. Expected a number in [0, 1]. Received: recall=1.5.');
    expect(() => new RecallAtPrecision({} as never)).toThrow('Received: precision=undefined.');
    expect(() => new SensitivityAtSpecificity({ specificity: 0.5, numThresholds: 0 })).toThrow('Expected an integer > 0. Received: numThresholds=0.');
    expect(() => new SpecificityAtSensitivity({ sensitivity: 0.5, classId: -1 })).toThrow('Received: classId=-1.');
    const m = new PrecisionAtRecall({ recall: 0.5, classId: 0 });
    expect(() => m.updateState(tensor([1, 0]), tensor([0.4, 0.6]))).toThrow('classId needs predictions of shape [samples, classes]');
  });

  it('memory stays flat over many updates', async () => {
    const [labels, predictions, weights] = [tensor([0, 1, 1, 0]), tensor([0.2, 0.7, 0.4, 0.9]), tensor([1, 2, 0, 1])];
    for (const m of [new FalsePositives({ thresholds: [0.3, 0.6] }), new TruePositives(), new RecallAtPrecision({ precision: 0.5 }), new SpecificityAtSensitivity({ sensitivity: 0.5, numThresholds: 1 })]) {
      await expectFlatMemory(m, labels, predictions, weights);
    }
  });

  it('compile() names: the counts by their Keras names; the operating points need an argument, so no name', () => {
    for (const [name, Class] of [['true_positives', TruePositives], ['trueNegatives', TrueNegatives], ['FalsePositives', FalsePositives], ['false_negatives', FalseNegatives]] as const) {
      const m = getMetric(name);
      expect(m).toBeInstanceOf(Class);
      m.dispose();
    }
    expect(getMetric('TruePositives').name).toBe('true_positives');
    expect(() => getMetric('precision_at_recall')).toThrow("getMetric: unknown metric 'precision_at_recall'");
  });
});
