// AUC with multiLabel (counts per label, one area per label, averaged), numLabels and labelWeights:
// the values of Keras's MultiAUCTest (worked out exactly here from its comments), float64
// references for every curve and summation method with sample and label weights over two batches,
// the counts' shape and lifetime, getConfig round trips, and the errors; on WebGPU and on the CPU.

import { afterEach, describe, expect, it } from 'vitest';
import { getBackend, setBackend, tensor } from '../../src/node';
import { AUC, type AUCCurve, type AUCOptions, type AUCSummationMethod } from '../../src/metrics/index';
import { seededRandom } from '../cases/data';
import { useWebGPU } from '../helpers';
import { expectFlatMemory, referenceAuc } from './metric_helpers';

useWebGPU();
afterEach(() => setBackend('webgpu'));

const BACKENDS = ['webgpu', 'cpu'] as const;

/** Each update is [yTrue, yPred, sampleWeight?] as nested arrays. */
type Update = [number[][], number[][], (number[] | number[][])?];

/** The metric's result after the updates, on WebGPU then on the CPU backend. */
async function resultOnBothBackends(options: AUCOptions, updates: Update[]): Promise<number[]> {
  const results: number[] = [];
  for (const backend of BACKENDS) {
    setBackend(backend);
    expect(getBackend()).toBe(backend);
    const m = new AUC(options);
    for (const [yTrue, yPred, weights] of updates) m.updateState(tensor(yTrue), tensor(yPred), weights && tensor(weights));
    const result = m.result();
    expect(result.shape).toEqual([]);
    results.push((await result.data())[0]);
    m.dispose();
  }
  return results;
}

function expectClose(results: number[], expected: number, digits = 5): void {
  for (const r of results) expect(r).toBeCloseTo(expected, digits);
}

/** Keras's MultiAUCTest data: 4 samples, 2 labels. */
const Y_PRED = [[0, 0.1], [0.5, 0.2], [0.3, 0.3], [0.9, 0.4]];
const Y_TRUE_GOOD = [[0, 0], [0, 0], [1, 1], [1, 1]];
const Y_TRUE_BAD = [[0, 1], [0, 1], [1, 0], [1, 0]];
const SAMPLE_WEIGHT = [1, 2, 3, 4];

describe('AUC multiLabel (Keras MultiAUCTest values)', () => {
  // Label 0: tpr [1, 1, 0.5, 0.5, 0], fpr [1, 0.5, 0, 0, 0], area 0.875; label 1: area 1.
  it('averages the ROC areas of the labels', async () => {
    expectClose(await resultOnBothBackends({ numThresholds: 5, multiLabel: true }, [[Y_TRUE_GOOD, Y_PRED]]), (0.875 + 1) / 2);
  });

  it('applies the sigmoid with fromLogits', async () => {
    const logits = Y_PRED.map((row) => row.map((p) => -Math.log(1 / (p + 1e-12) - 1)));
    expectClose(await resultOnBothBackends({ numThresholds: 5, multiLabel: true, fromLogits: true }, [[Y_TRUE_GOOD, logits]]), (0.875 + 1) / 2);
  });

  it('is 1 for perfect predictions, per label or flattened', async () => {
    expectClose(await resultOnBothBackends({ multiLabel: true }, [[Y_TRUE_GOOD, Y_TRUE_GOOD]]), 1, 6);
    expectClose(await resultOnBothBackends({ multiLabel: false }, [[Y_TRUE_GOOD, Y_TRUE_GOOD]]), 1, 6);
  });

  it('weights the label areas by labelWeights', async () => {
    expectClose(await resultOnBothBackends({ numThresholds: 5, multiLabel: true, labelWeights: [0.75, 0.25] }, [[Y_TRUE_GOOD, Y_PRED]]), 0.875 * 0.75 + 1 * 0.25);
  });

  it('weights the flattened pairs by labelWeights without multiLabel', async () => {
    // tpr [1, 1, 0.375, 0.375, 0], fpr [1, 0.375, 0, 0, 0].
    expectClose(await resultOnBothBackends({ numThresholds: 5, labelWeights: [0.75, 0.25] }, [[Y_TRUE_GOOD, Y_PRED]]), 1 - (0.625 * 0.375) / 2);
  });

  it('flattens without multiLabel, with per-sample or per-element sample weights', async () => {
    expectClose(await resultOnBothBackends({ numThresholds: 5 }, [[Y_TRUE_GOOD, Y_PRED]]), 1 - 3 / 32);
    // tpr [1, 1, 2/7, 2/7, 0], fpr [1, 1/3, 0, 0, 0].
    expectClose(await resultOnBothBackends({ numThresholds: 5 }, [[Y_TRUE_GOOD, Y_PRED, SAMPLE_WEIGHT]]), 1 - (1 / 3) * (5 / 7) / 2);
    // Weights arange(8) as [4, 2]: tpr [1, 1, 3/11, 3/11, 0], fpr [1, 1/3, 0, 0, 0].
    expectClose(await resultOnBothBackends({ numThresholds: 5 }, [[Y_TRUE_GOOD, Y_PRED, [[0, 1], [2, 3], [4, 5], [6, 7]]]]), 1 - (1 / 3) * (8 / 11) / 2);
  });

  it('uses the given thresholds', async () => {
    // Per label: tpr [[1, 0.5, 0], [1, 0, 0]], fpr [[1, 0, 0], [1, 0, 0]]: areas 0.75 and 0.5.
    expectClose(await resultOnBothBackends({ thresholds: [0.5], multiLabel: true }, [[Y_TRUE_GOOD, Y_PRED]]), (0.75 + 0.5) / 2);
  });

  it('weights the counts per sample (ROC)', async () => {
    // Label 0: tpr [1, 1, 4/7, 4/7, 0], fpr [1, 2/3, 0, 0, 0], area 6/7; label 1: area 1.
    expectClose(await resultOnBothBackends({ numThresholds: 5, multiLabel: true }, [[Y_TRUE_GOOD, Y_PRED, SAMPLE_WEIGHT]]), (6 / 7 + 1) / 2);
  });

  // Davis & Goadrich per interval: slope * (dTP + intercept * log(P_A / P_B)) / positives.
  const prGoodLabel0 = 0.25 * (1 + 0.5 * Math.log(3)) + 0.5;

  it('PR interpolation, then accumulating a second, worse batch', async () => {
    expectClose(await resultOnBothBackends({ numThresholds: 5, curve: 'PR', multiLabel: true }, [[Y_TRUE_GOOD, Y_PRED]]), (prGoodLabel0 + 1) / 2);
    // Label 1 after both batches: tp [4, 2, 0, 0, 0], fp [4, 2, 0, 0, 0], area 0.5; label 0 is scale-free.
    expectClose(await resultOnBothBackends({ numThresholds: 5, curve: 'PR', multiLabel: true }, [[Y_TRUE_GOOD, Y_PRED], [Y_TRUE_BAD, Y_PRED]]), (prGoodLabel0 + 0.5) / 2);
  });

  it('PR interpolation with sample weights', async () => {
    // Label 0: tp [7, 7, 4, 4, 0], fp [3, 2, 0, 0, 0]; Keras's comment gives 0.939.
    const label0 = (0.6 * (3 + 1.6 * Math.log(9 / 4))) / 7 + 4 / 7;
    expect(label0).toBeCloseTo(0.939, 2);
    expectClose(await resultOnBothBackends({ numThresholds: 5, curve: 'PR', multiLabel: true }, [[Y_TRUE_GOOD, Y_PRED, SAMPLE_WEIGHT]]), (label0 + 1) / 2);
  });
});

/** Random [samples, labels] labels and predictions that lean toward them, on a 0.05 grid that hits thresholds exactly. */
function randomBatch(next: () => number, samples: number, labels: number): [number[][], number[][]] {
  const yTrue = Array.from({ length: samples }, () => Array.from({ length: labels }, () => (next() < 0.5 ? 1 : 0)));
  const yPred = yTrue.map((row) => row.map((l) => Math.min(1, Math.round((0.35 * l + 0.65 * next()) * 20) / 20)));
  return [yTrue, yPred];
}

/** Keras's multi-label AUC in float64: referenceAuc per label column, then the (label-weighted) mean. */
function referenceMultiLabelAuc(
  yTrue: number[][], yPred: number[][], weights: number[][], thresholds: number[], curve: AUCCurve, method: AUCSummationMethod, labelWeights: number[] | null,
): number {
  const column = (rows: number[][], l: number) => rows.map((row) => row[l]);
  const areas = yTrue[0].map((_, l) => referenceAuc(column(yTrue, l), column(yPred, l), column(weights, l), thresholds, curve, method));
  const shares = labelWeights ?? areas.map(() => 1);
  const total = shares.reduce((a, b) => a + b, 0);
  return total === 0 ? 0 : areas.reduce((a, area, l) => a + area * shares[l], 0) / total;
}

describe('AUC multiLabel against a float64 reference', () => {
  const curves: AUCCurve[] = ['ROC', 'PR', 'PRGAIN'];
  const methods: AUCSummationMethod[] = ['interpolation', 'minoring', 'majoring'];
  for (const curve of curves) {
    for (const method of methods) {
      it(`${curve} ${method}: uneven thresholds, sample and label weights, two batches`, async () => {
        const next = seededRandom(curve.length * 7 + method.length);
        const [samples, labels] = [24, 3];
        const [yTrue, yPred] = randomBatch(next, samples, labels);
        const sampleWeights = yTrue.map(() => 0.5 + Math.round(next() * 4) / 2);
        const labelWeights = [0.5, 2, 1];
        const given = [0.1, 0.25, 0.3, 0.55, 0.7, 0.95];
        const perElement = sampleWeights.map((w) => Array<number>(labels).fill(w));
        const expected = referenceMultiLabelAuc(yTrue, yPred, perElement, [-1e-7, ...given, 1 + 1e-7], curve, method, labelWeights);
        const half = samples / 2;
        const results = await resultOnBothBackends({ thresholds: given, curve, summationMethod: method, multiLabel: true, labelWeights }, [
          [yTrue.slice(0, half), yPred.slice(0, half), sampleWeights.slice(0, half)],
          [yTrue.slice(half), yPred.slice(half), sampleWeights.slice(half)],
        ]);
        expectClose(results, expected);
      });
    }
    it(`${curve}: evenly spaced thresholds, per-element sample weights, numLabels`, async () => {
      const next = seededRandom(curve.length + 100);
      const [samples, labels, numThresholds] = [30, 4, 9];
      const yTrue = Array.from({ length: samples }, () => Array.from({ length: labels }, () => (next() < 0.4 ? 1 : 0)));
      // Off-grid predictions, so float32 rounding cannot move one across a threshold.
      const yPred = yTrue.map((row) => row.map((l) => Math.fround(Math.min(0.999, 0.3 * l + 0.7 * next()))));
      const weights = yTrue.map((row) => row.map(() => Math.round(next() * 6) / 2));
      const thresholds = [-1e-7, ...Array.from({ length: numThresholds - 2 }, (_, i) => (i + 1) / (numThresholds - 1)), 1 + 1e-7];
      const expected = referenceMultiLabelAuc(yTrue, yPred, weights, thresholds, curve, 'interpolation', null);
      const results = await resultOnBothBackends({ numThresholds, curve, multiLabel: true, numLabels: labels }, [
        [yTrue.slice(0, 10), yPred.slice(0, 10), weights.slice(0, 10)],
        [yTrue.slice(10), yPred.slice(10), weights.slice(10)],
      ]);
      expectClose(results, expected);
    });
  }

  it('labelWeights without multiLabel weigh each flattened pair by its label', async () => {
    const next = seededRandom(11);
    const [yTrue, yPred] = randomBatch(next, 20, 3);
    const sampleWeights = yTrue.map(() => 1 + Math.round(next() * 3));
    const labelWeights = [1, 0, 2.5];
    const flat = (rows: number[][]) => rows.flat();
    const pairWeights = yTrue.flatMap((row, i) => row.map((_, l) => sampleWeights[i] * labelWeights[l]));
    const given = [0.2, 0.45, 0.6, 0.8];
    const expected = referenceAuc(flat(yTrue), flat(yPred), pairWeights, [-1e-7, ...given, 1 + 1e-7], 'PR', 'interpolation');
    expectClose(await resultOnBothBackends({ thresholds: given, curve: 'PR', labelWeights }, [[yTrue, yPred, sampleWeights]]), expected);
  });

  it('labels of weight 0 leave the average; all weights 0 give 0', async () => {
    const ignoreLabel1 = await resultOnBothBackends({ numThresholds: 5, multiLabel: true, labelWeights: [1, 0] }, [[Y_TRUE_GOOD, Y_PRED]]);
    expectClose(ignoreLabel1, 0.875);
    expectClose(await resultOnBothBackends({ numThresholds: 5, multiLabel: true, labelWeights: [0, 0] }, [[Y_TRUE_GOOD, Y_PRED]]), 0);
  });
});

describe('AUC multiLabel counts and config', () => {
  it('numLabels creates the [thresholds, labels] counts up front; without it the first batch does', async () => {
    const fixed = new AUC({ numThresholds: 5, multiLabel: true, numLabels: 3 });
    expect(fixed.variables.map((v) => v.shape)).toEqual([[5, 3], [5, 3], [5, 3], [5, 3]]);
    expect((await fixed.result().data())[0]).toBe(0);
    fixed.dispose();

    const lazy = new AUC({ numThresholds: 5, multiLabel: true });
    expect(lazy.variables).toHaveLength(0);
    expect((await lazy.result().data())[0]).toBe(0);
    expect(() => lazy.truePositives).toThrow('auc: the counts are created at the first updateState (multiLabel without numLabels takes the number of labels from it).');
    lazy.updateState(tensor(Y_TRUE_GOOD), tensor(Y_PRED));
    expect(lazy.variables.map((v) => v.name)).toEqual(['auc/true_positives', 'auc/false_positives', 'auc/true_negatives', 'auc/false_negatives']);
    // Keras's comments: tp = [[2, 2, 1, 1, 0], [2, 2, 0, 0, 0]] (label by label), as [thresholds, labels].
    expect(await lazy.truePositives.array()).toEqual([[2, 2], [2, 2], [1, 0], [1, 0], [0, 0]]);
    expect(await lazy.trueNegatives.array()).toEqual([[0, 0], [1, 2], [2, 2], [2, 2], [2, 2]]);
    lazy.resetState();
    expect(await lazy.truePositives.array()).toEqual(Array.from({ length: 5 }, () => [0, 0]));
    expect((await lazy.result().data())[0]).toBe(0);
    lazy.dispose();
  });

  it('rebuilds from getConfig', async () => {
    const options: AUCOptions = { thresholds: [0.3, 0.6], curve: 'PR', multiLabel: true, numLabels: 2, labelWeights: [2, 1] };
    const m = new AUC(options);
    expect(m.getConfig()).toEqual({
      name: 'auc', dtype: 'float32', numThresholds: 4, curve: 'PR', summationMethod: 'interpolation', fromLogits: false, thresholds: [0.3, 0.6], multiLabel: true, numLabels: 2, labelWeights: [2, 1],
    });
    const copy = new AUC(m.getConfig() as AUCOptions);
    for (const metric of [m, copy]) metric.updateState(tensor(Y_TRUE_BAD), tensor(Y_PRED), tensor(SAMPLE_WEIGHT));
    expect(Array.from(await copy.result().data())).toEqual(Array.from(await m.result().data()));
    expect(new AUC({ labelWeights: [1, 3] }).getConfig()).toEqual({ name: 'auc', dtype: 'float32', numThresholds: 200, curve: 'ROC', summationMethod: 'interpolation', fromLogits: false, labelWeights: [1, 3] });
    expect(new AUC({ multiLabel: true }).getConfig()).toMatchObject({ multiLabel: true, numLabels: null });
    m.dispose();
    copy.dispose();
  });

  it('keeps memory flat over many updates', async () => {
    const m = new AUC({ numThresholds: 20, multiLabel: true, labelWeights: [1, 2] });
    await expectFlatMemory(m, tensor(Y_TRUE_GOOD), tensor(Y_PRED), tensor(SAMPLE_WEIGHT), 20);
    m.dispose();
  });
});

describe('AUC multiLabel errors', () => {
  it('checks the options', () => {
    expect(() => new AUC({ multiLabel: 'yes' as never })).toThrow('AUC: invalid value for argument multiLabel. Expected true or false. Received: multiLabel=yes.');
    expect(() => new AUC({ multiLabel: true, numLabels: 0 })).toThrow('AUC: invalid value for argument numLabels. Expected a positive integer or null. Received: numLabels=0.');
    expect(() => new AUC({ numLabels: 3 })).toThrow('AUC: numLabels is needed only when multiLabel is true. Received: numLabels=3 with multiLabel=false.');
    expect(() => new AUC({ labelWeights: [] })).toThrow('AUC: invalid value for argument labelWeights. Expected a non-empty list of non-negative numbers, one per label. Received: labelWeights=[].');
    expect(() => new AUC({ labelWeights: [1, -1] })).toThrow('Received: labelWeights=[1,-1].');
    expect(() => new AUC({ multiLabel: true, numLabels: 3, labelWeights: [1, 2] })).toThrow('AUC: labelWeights has 2 entries, but numLabels=3; give one weight per label.');
    expect(() => new AUC({ multi_label: true } as never)).toThrow("(did you mean 'multiLabel'?)");
  });

  it('checks the batch before any GPU work', () => {
    const lazy = new AUC({ multiLabel: true, labelWeights: [1, 2, 3] });
    expect(() => lazy.updateState(tensor([0, 1]), tensor([0.2, 0.7]))).toThrow('auc.updateState: yPred must have rank 2 ([samples, labels]) when multiLabel is true. Received yPred of shape [2].');
    expect(() => lazy.updateState(tensor(Y_TRUE_GOOD), tensor(Y_PRED))).toThrow('auc.updateState: labelWeights has 3 entries, one per label; received yPred of shape [4,2] with 2 labels.');
    expect(lazy.variables).toHaveLength(0);
    lazy.dispose();

    const fixed = new AUC({ multiLabel: true, numLabels: 3 });
    expect(() => fixed.updateState(tensor(Y_TRUE_GOOD), tensor(Y_PRED))).toThrow('auc.updateState: this metric counts 3 labels (numLabels); received yPred of shape [4,2].');
    fixed.dispose();

    const firstBatch = new AUC({ multiLabel: true });
    firstBatch.updateState(tensor(Y_TRUE_GOOD), tensor(Y_PRED));
    expect(() => firstBatch.updateState(tensor([[1, 0, 1]]), tensor([[0.5, 0.5, 0.5]]))).toThrow('auc.updateState: this metric counts 2 labels (from its first batch); received yPred of shape [1,3].');
    expect(() => firstBatch.updateState(tensor([[1, 0]]), tensor([[0.5, 0.5], [0.1, 0.2]]))).toThrow('auc.updateState: yTrue shape [1,2] and yPred shape [2,2] differ');
    firstBatch.dispose();

    const flat = new AUC({ labelWeights: [1, 2] });
    expect(() => flat.updateState(tensor([[0, 1, 1]]), tensor([[0.1, 0.2, 0.3]]))).toThrow('auc.updateState: labelWeights has 2 entries, one per label; yPred must have shape [..., 2]. Received yPred of shape [1,3].');
    expect(() => flat.updateState(tensor([0, 1]), tensor([0.1, 0.2]))).toThrow('Received yPred of shape [2].');
    flat.dispose();
  });
});
