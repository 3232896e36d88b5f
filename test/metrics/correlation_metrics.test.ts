// PearsonCorrelation and ConcordanceCorrelation (and their functions): values computed by Keras 3.16
// for its docstring inputs and for weighted batches accumulated one after the other, resetState,
// the axis option (one axis or several), WebGPU against the CPU backend, no readback while
// updating, getConfig round trips, compile() names, saving and loading in a compiled model, and
// the errors for bad options and inputs.

import { afterEach, describe, expect, it } from 'vitest';
import { Input, Sequential, layers, loadKerasModel, loadModel, ops, removeModel, saveKerasModel, setBackend, tensor, type Tensor } from '../../src/node';
import { currentGpu } from '../../src/backend/engine';
import { ConcordanceCorrelation, Metric, PearsonCorrelation, concordanceCorrelation, getMetric, pearsonCorrelation } from '../../src/metrics/index';
import { onBothBackends, useWebGPU } from '../helpers';
import { expectFlatMemory } from './metric_helpers';

useWebGPU();
afterEach(() => setBackend('webgpu'));

async function value(metric: Metric): Promise<number> {
  const result = metric.result();
  expect(result.rank).toBe(0);
  return (await result.data())[0];
}

function expectClose(actual: ArrayLike<number>, expected: number[], tolerance = 2e-6): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((v, i) => {
    if (!(Math.abs(actual[i] - v) <= tolerance * (1 + Math.abs(v)))) throw new Error(`element ${i}: got ${actual[i]}, expected ${v} (all: ${Array.from(actual).join(', ')})`);
  });
}

// Two batches of three features per sample, with sample weights.
const first = () => ({
  yTrue: tensor([[0, 1, 0.5], [1, 1, 0.2], [0.3, -0.2, 0.9]]),
  yPred: tensor([[0.1, 0.9, 0.5], [1, 0.9, 0.2], [0.5, 0.1, 0.4]]),
  weights: tensor([1, 0.5, 2]),
});
const second = () => ({
  yTrue: tensor([[2, 0, 1], [0.5, 0.7, 0.1]]),
  yPred: tensor([[1.5, 0.3, 0.8], [0.1, 0.9, 0.6]]),
  weights: tensor([0.25, 3]),
});

/**
 * Keras 3.16's results (numpy backend) for the batches above: after the first weighted batch,
 * after both, and after resetState and the second batch unweighted; along axis 0 (the first batch,
 * then both, unweighted) and along axes (0, 1) (both, unweighted).
 */
const KERAS = {
  PearsonCorrelation: { make: (o = {}) => new PearsonCorrelation(o), doc: 0.99669957, fn: [1, 0.9933992, 0.68324345], weighted: [0.81805325, 0.54503459], afterReset: 0.59219223, axis0: [0.85902089, 0.92951041], axis01: 0.86841458 },
  ConcordanceCorrelation: { make: (o = {}) => new ConcordanceCorrelation(o), doc: 0.9816317, fn: [0.97560948, 0.98765391, 0.45192292], weighted: [0.67808062, 0.45991799], afterReset: 0.51754415, axis0: [0.7350809, 0.69808513], axis01: 0.81918985 },
};

describe('values computed by Keras 3.16', () => {
  it('the functions give one coefficient per sample', async () => {
    const { yTrue, yPred } = first();
    expectClose(await pearsonCorrelation(yTrue, yPred).data(), KERAS.PearsonCorrelation.fn);
    expectClose(await concordanceCorrelation(yTrue, yPred).data(), KERAS.ConcordanceCorrelation.fn);
  });

  for (const [name, keras] of Object.entries(KERAS)) {
    it(
      `${name}: the docstring example, weighted batches accumulated, resetState`,
      onBothBackends(async () => {
        const doc = keras.make();
        doc.updateState(tensor([[0, 1, 0.5], [1, 1, 0.2]]), tensor([[0.1, 0.9, 0.5], [1, 0.9, 0.2]]));
        expectClose([await value(doc)], [keras.doc]);
        const m = keras.make();
        const a = first();
        m.updateState(a.yTrue, a.yPred, a.weights);
        expectClose([await value(m)], [keras.weighted[0]]);
        const b = second();
        m.updateState(b.yTrue, b.yPred, b.weights);
        expectClose([await value(m)], [keras.weighted[1]]);
        m.resetState();
        expect(await value(m)).toBe(0);
        m.updateState(b.yTrue, b.yPred);
        expectClose([await value(m)], [keras.afterReset]);
      }),
    );

    it(
      `${name}: along axis 0, and along axes [0, 1] (one value per batch)`,
      onBothBackends(async () => {
        const columns = keras.make({ axis: 0 });
        columns.updateState(first().yTrue, first().yPred);
        expectClose([await value(columns)], [keras.axis0[0]]);
        columns.updateState(second().yTrue, second().yPred);
        expectClose([await value(columns)], [keras.axis0[1]]);
        const whole = keras.make({ axis: [0, 1] });
        whole.updateState(first().yTrue, first().yPred);
        whole.updateState(second().yTrue, second().yPred);
        expectClose([await value(whole)], [keras.axis01]);
      }),
    );
  }

  it('a constant row has no deviation: NaN, as in Keras', async () => {
    expect(Number.isNaN((await pearsonCorrelation(tensor([[1, 1, 1]]), tensor([[1, 2, 3]])).data())[0])).toBe(true);
  });

  it('labels of shape [n] meet predictions of shape [n, 1] (Keras aligns the ranks); int32 labels work', async () => {
    // keras.metrics.pearson_correlation([1, 2, 4], [[1], [3], [4]], axis=0) in Keras 3.16.
    const pcc = await pearsonCorrelation(tensor([1, 2, 4], [3], 'int32'), tensor([[1], [3], [4]]), { axis: 0 }).data();
    expectClose(pcc, [0.9285713]);
  });
});

describe('on the device', () => {
  it('updateState and result record GPU work without reading back', async () => {
    const recorder = currentGpu()!.recorder;
    const m = new ConcordanceCorrelation();
    recorder.flush();
    const reads = recorder.readCount;
    const { yTrue, yPred, weights } = first();
    m.updateState(yTrue, yPred, weights);
    const result = m.result();
    expect(recorder.readCount).toBe(reads);
    expectClose(await result.data(), [KERAS.ConcordanceCorrelation.weighted[0]]);
  });

  it('memory stays flat over many updates', async () => {
    const { yTrue, yPred, weights } = first();
    await expectFlatMemory(new PearsonCorrelation(), yTrue, yPred, weights);
    await expectFlatMemory(new ConcordanceCorrelation({ axis: [0, 1] }), yTrue, yPred);
  });
});

describe('configuration and errors', () => {
  it('getConfig gives Keras names and options and rebuilds each metric; both improve upwards', () => {
    const pcc = new PearsonCorrelation({ axis: [0, 1], name: 'pcc' });
    expect(pcc.getConfig()).toEqual({ name: 'pcc', dtype: 'float32', axis: [0, 1] });
    expect(new PearsonCorrelation(pcc.getConfig() as never).getConfig()).toEqual(pcc.getConfig());
    const ccc = new ConcordanceCorrelation();
    expect(ccc.getConfig()).toEqual({ name: 'concordance_correlation', dtype: 'float32', axis: -1 });
    expect(new ConcordanceCorrelation(ccc.getConfig() as never).getConfig()).toEqual(ccc.getConfig());
    expect([pcc.direction, ccc.direction]).toEqual(['up', 'up']);
  });

  it("compile() names: 'pearson_correlation' and 'concordance_correlation', as keras.metrics.get", () => {
    expect(getMetric('pearson_correlation')).toBeInstanceOf(PearsonCorrelation);
    expect(getMetric('PearsonCorrelation').name).toBe('pearson_correlation');
    expect(getMetric('concordanceCorrelation')).toBeInstanceOf(ConcordanceCorrelation);
  });

  it('rejects bad options and inputs before any work', () => {
    expect(() => new PearsonCorrelation({ axis: 1.5 })).toThrow('PearsonCorrelation: invalid value for argument axis. Expected an integer or a non-empty list of integers. Received: axis=1.5.');
    expect(() => new ConcordanceCorrelation({ axis: [] })).toThrow('Received: axis=[].');
    expect(() => new PearsonCorrelation({ axis: 0, bogus: 1 } as never)).toThrow("PearsonCorrelation: unknown option 'bogus'");
    const m = new PearsonCorrelation({ axis: 2 });
    expect(() => m.updateState(tensor([[1, 2]]), tensor([[1, 2]]))).toThrow('pearsonCorrelation: axis 2 is out of range for inputs of shape [1,2].');
    expect(() => pearsonCorrelation(tensor([[1, 2, 3]]), tensor([[1, 2]]))).toThrow('pearsonCorrelation: yTrue shape [1,3] and yPred shape [1,2] differ.');
    expect(() => concordanceCorrelation([1, 2] as never, tensor([1, 2]))).toThrow('concordanceCorrelation: yTrue must be a Tensor, got an array (wrap it with tensor(...)).');
  });
});

describe('in a model', () => {
  it('compile + fit + evaluate log both over the whole data set, and they save and load in both formats', async () => {
    const x = ops.randomUniform([10, 3], { seed: 2 });
    const y = x.matmul(tensor([[1, 0.5], [-2, 1], [0.5, 0.3]]));
    const model = new Sequential([Input({ shape: [3] }), new layers.Dense({ units: 2 })]);
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['pearson_correlation', new ConcordanceCorrelation({ name: 'ccc' })] });
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    const logs = await model.evaluate(x, y, { batchSize: 3, verbose: 0 });
    const predictions = (await model.predict(x)) as Tensor;
    const reference = new ConcordanceCorrelation();
    reference.updateState(y, predictions);
    expect(logs.ccc).toBeCloseTo(await value(reference), 5);
    expect(Number.isFinite(logs.pearson_correlation)).toBe(true);

    await model.save('memory://correlation-metrics');
    const restored = await loadModel('memory://correlation-metrics');
    const restoredLogs = await restored.evaluate(x, y, { batchSize: 3, verbose: 0 });
    expect(restoredLogs.pearson_correlation).toBeCloseTo(logs.pearson_correlation, 5);
    expect(restoredLogs.ccc).toBeCloseTo(logs.ccc, 5);
    await removeModel('memory://correlation-metrics');
    const fromKeras = await loadKerasModel(await saveKerasModel(model));
    expect((await fromKeras.evaluate(x, y, { batchSize: 3, verbose: 0 })).ccc).toBeCloseTo(logs.ccc, 5);
  });
});
