// R2Score: the Keras docstring value, a float64 reference written from the definition of the
// coefficient of determination (weighted, several outputs, every aggregation, the adjusted score),
// accumulation over batches, resetState, getConfig round trip, WebGPU against the CPU backend, and
// use in compile() + fit() + evaluate().

import { afterEach, describe, expect, it } from 'vitest';
import { Sequential, layers, ops, setBackend, setRandomSeed, tensor } from '../../src/node';
import { Metric, R2Score, getMetric } from '../../src/metrics/index';
import { seededRandom } from '../cases/data';
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

/** Per output: 1 - sum w (y - p)^2 / sum w (y - weighted mean of y)^2, in float64. */
function referenceScores(labels: number[][], predictions: number[][], weights: number[]): { scores: number[]; variances: number[] } {
  const outputs = labels[0].length;
  const scores: number[] = [];
  const variances: number[] = [];
  for (let j = 0; j < outputs; j++) {
    const totalWeight = weights.reduce((a, b) => a + b, 0);
    const mean = labels.reduce((s, row, i) => s + weights[i] * row[j], 0) / totalWeight;
    const residual = labels.reduce((s, row, i) => s + weights[i] * (row[j] - predictions[i][j]) ** 2, 0);
    const variance = labels.reduce((s, row, i) => s + weights[i] * (row[j] - mean) ** 2, 0);
    scores.push(1 - residual / variance);
    variances.push(variance);
  }
  return { scores, variances };
}

describe('R2Score', () => {
  it('matches the Keras docstring: 0.57142854', async () => {
    const m = new R2Score();
    m.updateState(tensor([[1], [4], [3]]), tensor([[2], [4], [4]]));
    // By hand: residual 2, variance 42/9.
    expect((await value(m))[0]).toBeCloseTo(1 - 2 / (42 / 9), 6);
    expect(m.result().shape).toEqual([]);
  });

  const next = seededRandom(17);
  const rows = 9;
  const labels = Array.from({ length: rows }, () => [next() * 4 - 2, next() * 10]);
  const predictions = labels.map(([a, b]) => [a + next() - 0.5, b * 0.8 + next() * 2]);
  const weights = labels.map(() => Math.round(next() * 8) / 4 + 0.25);
  const reference = referenceScores(labels, predictions, weights);
  const batches = [[0, 4], [4, 9]];

  /** The metric fed the rows in two weighted batches. */
  function fed(options: ConstructorParameters<typeof R2Score>[0]): R2Score {
    const m = new R2Score(options);
    for (const [from, to] of batches) {
      m.updateState(tensor(labels.slice(from, to)), tensor(predictions.slice(from, to)), tensor(weights.slice(from, to)));
    }
    return m;
  }

  it('every aggregation matches the reference over weighted batches, on WebGPU and on the CPU backend', async () => {
    const { scores, variances } = reference;
    const expected = {
      none: scores,
      uniform: [(scores[0] + scores[1]) / 2],
      weighted: [(variances[0] * scores[0] + variances[1] * scores[1]) / (variances[0] + variances[1])],
    };
    for (const backend of ['webgpu', 'cpu'] as const) {
      setBackend(backend);
      const none = await value(fed({ classAggregation: null }));
      const uniform = await value(fed({}));
      const weighted = await value(fed({ classAggregation: 'variance_weighted_average' }));
      for (const [name, actual] of Object.entries({ none, uniform, weighted })) {
        const e = expected[name as keyof typeof expected];
        expect(actual.length, `${backend} ${name}`).toBe(e.length);
        e.forEach((v, i) => expect(actual[i], `${backend} ${name}`).toBeCloseTo(v, 4));
      }
    }
  });

  it('the adjusted score uses the samples of nonzero weight, and falls back to R2 when p >= n - 1', async () => {
    const r2 = reference.scores.reduce((a, b) => a + b, 0) / 2;
    const n = rows;
    const adjusted = await value(fed({ numRegressors: 3 }));
    expect(adjusted[0]).toBeCloseTo(1 - ((1 - r2) * (n - 1)) / (n - 3 - 1), 4);
    expect((await value(fed({ numRegressors: 8 })))[0]).toBeCloseTo(r2, 4);
    // A zero weight leaves a sample out of n.
    const m = new R2Score({ numRegressors: 1 });
    m.updateState(tensor([[1], [4], [3], [7]]), tensor([[2], [4], [4], [0]]), tensor([1, 1, 1, 0]));
    const plain = 1 - 2 / (42 / 9);
    expect((await value(m))[0]).toBeCloseTo(1 - ((1 - plain) * 2) / (3 - 1 - 1), 5);
    expect(Array.from(await m.numSamples.data())).toEqual([3]);
  });

  it('labels that do not vary score 0 where predictions miss them; [N] labels meet [N, 1] predictions', async () => {
    const m = new R2Score({ classAggregation: null });
    m.updateState(tensor([[2, 1], [2, 3]]), tensor([[1, 1], [2, 3]]));
    // Output 0: residual 1 over variance 0 is -inf, scored 0. Output 1: a perfect fit.
    expect(await value(m)).toEqual([0, 1]);
    const single = new R2Score();
    single.updateState(tensor([1, 4, 3]), tensor([[2], [4], [4]]));
    expect((await value(single))[0]).toBeCloseTo(1 - 2 / (42 / 9), 6);
    single.resetState();
    single.updateState(tensor([1, 4, 3]), tensor([[1], [4], [3]]));
    expect((await value(single))[0]).toBeCloseTo(1, 6);
  });

  it('getConfig lists the options with Keras names and rebuilds the metric', () => {
    const config = new R2Score({ classAggregation: 'variance_weighted_average', numRegressors: 2 }).getConfig();
    expect(config).toEqual({ name: 'r2_score', dtype: 'float32', classAggregation: 'variance_weighted_average', numRegressors: 2 });
    expect(new R2Score(config as never).getConfig()).toEqual(config);
    expect(new R2Score().direction).toBe('up');
    expect(getMetric('r2_score')).toBeInstanceOf(R2Score);
    expect(getMetric('R2Score').name).toBe('r2_score');
  });

  it('memory stays flat over many updates', async () => {
    await expectFlatMemory(new R2Score({ numRegressors: 1, classAggregation: 'variance_weighted_average' }), tensor([[1, 2], [3, 1], [0, 4]]), tensor([[1.5, 2], [2, 1], [0, 3]]), tensor([1, 0.5, 2]));
  });

  it('rejects bad options and inputs before any work', () => {
    expect(() => new R2Score({ classAggregation: 'mean' as never })).toThrow(
      "R2Score: invalid value for argument classAggregation. Expected one of 'uniform_average', 'variance_weighted_average', null. Received: classAggregation=\"mean\".",
    );
    expect(() => new R2Score({ numRegressors: -1 })).toThrow('Expected an integer >= 0. Received: numRegressors=-1.');
    const m = new R2Score();
    expect(() => m.updateState(tensor([1, 2]), tensor([1, 2]))).toThrow('r2_score.updateState: expected labels and predictions of the same shape [batchSize, outputs]. Received: yTrue.shape=[2], yPred.shape=[2].');
    m.updateState(tensor([[1, 2]]), tensor([[1, 2]]));
    expect(() => m.updateState(tensor([[1]]), tensor([[1]]))).toThrow('this metric has seen 2 outputs; received 1.');
  });

  it('compile + fit + evaluate log the R2 of the whole data set', async () => {
    setRandomSeed(8);
    const x = ops.randomUniform([12, 3], { minval: -1, maxval: 1, seed: 4 });
    const y = x.matmul(tensor([[1], [-2], [0.5]])).add(0.3);
    const model = new Sequential();
    model.add(new layers.Dense({ units: 1, inputShape: [3] }));
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['r2_score'] });
    const history = await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    expect(Object.keys(history.history).sort()).toEqual(['loss', 'r2_score']);
    const logs = await model.evaluate(x, y, { batchSize: 5, verbose: 0 });
    const whole = new R2Score();
    whole.updateState(y, model.apply(x) as never);
    expect(logs.r2_score).toBeCloseTo((await value(whole))[0], 4);
  });
});
