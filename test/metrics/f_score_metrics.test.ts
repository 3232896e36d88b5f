// FBetaScore and F1Score: Keras docstring values, the averages and the argmax mode computed by
// hand, sample weights, accumulation over batches, resetState, getConfig round trips, WebGPU
// against the CPU backend, and use in compile() + fit() + evaluate().

import { afterEach, describe, expect, it } from 'vitest';
import { Sequential, layers, ops, setBackend, setRandomSeed, tensor, type Tensor } from '../../src/node';
import { F1Score, FBetaScore, Metric, TruePositives, getMetric } from '../../src/metrics/index';
import { useWebGPU } from '../helpers';
import { expectFlatMemory } from './metric_helpers';

useWebGPU();

afterEach(() => setBackend('webgpu'));

async function value(metric: Metric): Promise<number[]> {
  const result = metric.result();
  const values = Array.from(await result.data());
  result.dispose();
  return values;
}

function expectClose(actual: number[], expected: number[], digits = 5): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i], `element ${i} of [${actual.join(', ')}]`).toBeCloseTo(e, digits));
}

// The Keras docstring batch.
const labels = () => tensor([[1, 1, 1], [1, 0, 0], [1, 1, 0]]);
const scores = () => tensor([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]]);

describe('FBetaScore and F1Score (Keras docstrings)', () => {
  it('F1Score with threshold 0.5: [0.5, 0.8, 0.6666667]', async () => {
    const m = new F1Score({ threshold: 0.5 });
    m.updateState(labels(), scores());
    expectClose(await value(m), [0.5, 0.8, 2 / 3]);
  });

  it('FBetaScore with beta 2 and threshold 0.5: [0.3846154, 0.90909094, 0.8333334]', async () => {
    const m = new FBetaScore({ beta: 2, threshold: 0.5 });
    m.updateState(labels(), scores());
    expectClose(await value(m), [0.3846154, 0.90909094, 0.8333334]);
  });
});

describe('averages, argmax mode and weights (computed by hand)', () => {
  // Predicted at 0.5: [[0, 1, 1], [0, 1, 1], [1, 1, 0]]. Per class (tp, fp, fn): (1, 0, 2), (2, 1, 0),
  // (1, 1, 0); true labels per class 3, 2, 1.
  it("'micro' pools the counts: tp 4, fp 2, fn 2 give 2/3", async () => {
    const m = new F1Score({ average: 'micro', threshold: 0.5 });
    m.updateState(labels(), scores());
    expectClose(await value(m), [2 / 3]);
    expect(m.result().shape).toEqual([]);
  });

  it("'macro' is the mean of the class scores, 'weighted' weighs them by true labels (3, 2, 1)", async () => {
    const macro = new F1Score({ average: 'macro', threshold: 0.5 });
    const weighted = new F1Score({ average: 'weighted', threshold: 0.5 });
    macro.updateState(labels(), scores());
    weighted.updateState(labels(), scores());
    expectClose(await value(macro), [(0.5 + 0.8 + 2 / 3) / 3]);
    expectClose(await value(weighted), [(0.5 * 3 + 0.8 * 2 + (2 / 3) * 1) / 6]);
  });

  it('threshold null marks the largest score of each row, ties included', async () => {
    // Predicted: [[0, 0, 1], [0, 1, 1], [0, 1, 0]]: class 0 (0, 0, 3), class 1 (1, 1, 1), class 2 (1, 1, 0).
    const m = new F1Score();
    m.updateState(labels(), scores());
    expectClose(await value(m), [0, 0.5, 2 / 3]);
  });

  it('sample weights of shape [batch] weigh rows; batches accumulate; resetState clears', async () => {
    // Weights [1, 0, 2]: class 0 (2, 0, 1) gives 0.8; classes 1 and 2 lose their false positive (row 1).
    const m = new F1Score({ threshold: 0.5 });
    m.updateState(tensor([[1, 1, 1]]), tensor([[0.2, 0.6, 0.7]]), tensor([1]));
    m.updateState(tensor([[1, 0, 0], [1, 1, 0]]), tensor([[0.2, 0.6, 0.6], [0.6, 0.8, 0.0]]), tensor([0, 2]));
    expectClose(await value(m), [0.8, 1, 1]);
    m.resetState();
    m.updateState(labels(), scores());
    expectClose(await value(m), [0.5, 0.8, 2 / 3]);
  });

  it('WebGPU and the CPU backend agree', async () => {
    const results: number[][] = [];
    for (const backend of ['webgpu', 'cpu'] as const) {
      setBackend(backend);
      const m = new FBetaScore({ beta: 0.5, average: 'weighted' });
      m.updateState(labels(), scores(), tensor([0.5, 2, 1]));
      m.updateState(scores().greater(0.5).cast('float32'), scores());
      expect(m.variables[0].storage.backend).toBe(backend);
      results.push(await value(m));
    }
    expectClose(results[0], results[1], 6);
  });
});

describe('configuration and errors', () => {
  it('getConfig lists every option with Keras names and rebuilds the metric', () => {
    const config = new FBetaScore({ beta: 2, average: 'macro', threshold: 0.4 }).getConfig();
    expect(config).toEqual({ name: 'fbeta_score', dtype: 'float32', average: 'macro', beta: 2, threshold: 0.4 });
    expect(new FBetaScore(config as never).getConfig()).toEqual(config);
    const f1 = new F1Score().getConfig();
    expect(f1).toEqual({ name: 'f1_score', dtype: 'float32', average: null, threshold: null });
    expect(new F1Score(f1 as never).getConfig()).toEqual(f1);
    expect(new F1Score().direction).toBe('up');
  });

  it('memory stays flat over many updates', async () => {
    await expectFlatMemory(new F1Score({ average: 'weighted' }), labels(), scores(), tensor([1, 0.5, 2]));
    await expectFlatMemory(new FBetaScore({ beta: 2, average: 'micro', threshold: 0.5 }), labels(), scores(), tensor([1, 0.5, 2]));
  });

  it('rejects bad options and inputs before any work', () => {
    expect(() => new FBetaScore({ average: 'samples' as never })).toThrow("FBetaScore: invalid value for argument average. Expected one of null, 'micro', 'macro', 'weighted'. Received: average=\"samples\".");
    expect(() => new FBetaScore({ beta: 0 })).toThrow('Received: beta=0.');
    expect(() => new F1Score({ threshold: 0 })).toThrow('F1Score: invalid value for argument threshold. Expected null or a number with 0 < threshold <= 1. Received: threshold=0.');
    const m = new F1Score();
    expect(() => m.updateState(tensor([1, 0]), tensor([0.3, 0.6]))).toThrow('expected labels and predictions of the same shape [batchSize, classes]. Received: yTrue.shape=[2], yPred.shape=[2].');
    m.updateState(labels(), scores());
    expect(() => m.updateState(tensor([[1, 0]]), tensor([[0.3, 0.6]]))).toThrow('f1_score.updateState: this metric counts 3 classes; received predictions with 2.');
  });

  it("compile() names: 'f1_score' and 'f_beta_score', as keras.metrics.get registers them", () => {
    expect(getMetric('f1_score')).toBeInstanceOf(F1Score);
    expect(getMetric('F1Score').name).toBe('f1_score');
    expect(getMetric('FBetaScore')).toBeInstanceOf(FBetaScore);
    expect(getMetric('f_beta_score').name).toBe('f_beta_score');
  });
});

describe('in a model', () => {
  it('compile + fit + evaluate log the macro F1 and the true positives of the whole data set', async () => {
    setRandomSeed(3);
    const x = ops.randomUniform([12, 4], { minval: -1, maxval: 1, seed: 9 });
    const y = x.matmul(tensor([[1, -1, 0.5], [0.5, 1, -1], [-1, 0.3, 1], [0.2, -0.5, 1]])).greater(0).cast('float32');
    const model = new Sequential();
    model.add(new layers.Dense({ units: 3, activation: 'sigmoid', inputShape: [4] }));
    model.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: [new F1Score({ average: 'macro', threshold: 0.5 }), 'true_positives'] });
    const history = await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    expect(Object.keys(history.history).sort()).toEqual(['f1_score', 'loss', 'true_positives']);
    const logs = await model.evaluate(x, y, { batchSize: 5, verbose: 0 });
    // The same metrics over the predictions in one batch.
    const predictions = (await model.predict(x)) as Tensor;
    const f1 = new F1Score({ average: 'macro', threshold: 0.5 });
    const tp = new TruePositives();
    f1.updateState(y, predictions);
    tp.updateState(y, predictions);
    expect(logs.f1_score).toBeCloseTo((await value(f1))[0], 5);
    expect(logs.true_positives).toBe((await value(tp))[0]);
    expect(logs.true_positives).toBeGreaterThan(0);
  });

  it('a per-class result is an error at the first step, not a log of its first value, and the model stays usable', async () => {
    const x = ops.randomUniform([6, 4], { seed: 2 });
    const y = tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    const model = new Sequential([layers.Input({ shape: [4] }), new layers.Dense({ units: 3, activation: 'softmax' })]);
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['f1_score'] });
    await expect(model.fit(x, y, { epochs: 1, verbose: 0 })).rejects.toThrow(
      "Metric 'f1_score' gives values of shape [3] (one per class or threshold, say), but logs hold one number per name. Compile it with a single value (new metrics.F1Score({ average: 'macro' }), one threshold), or read its values with metric.result() after evaluate.",
    );
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: [new F1Score({ average: 'macro' })] });
    const history = await model.fit(x, y, { epochs: 1, verbose: 0 });
    expect(Number.isFinite(history.history.f1_score[0])).toBe(true);
  });
});
