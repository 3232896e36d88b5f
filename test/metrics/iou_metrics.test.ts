// IoU, MeanIoU, BinaryIoU, OneHotIoU and OneHotMeanIoU: Keras docstring values, values computed
// by Keras 3.16 for weighted batches of one-hot labels, ignored and out-of-range classes, a
// float64 confusion-matrix reference, sample weights, accumulation over batches, resetState,
// getConfig round trips, WebGPU against the CPU backend, and use in compile() + fit() + evaluate()
// with saving and loading.

import { afterEach, describe, expect, it } from 'vitest';
import { Input, Sequential, layers, loadKerasModel, loadModel, ops, removeModel, saveKerasModel, setBackend, setRandomSeed, tensor, type Tensor } from '../../src/node';
import { currentGpu } from '../../src/backend/engine';
import { BinaryIoU, IoU, MeanIoU, Metric, OneHotIoU, OneHotMeanIoU, getMetric } from '../../src/metrics/index';
import { seededRandom } from '../cases/data';
import { useWebGPU } from '../helpers';
import { expectFlatMemory } from './metric_helpers';

useWebGPU();

afterEach(() => setBackend('webgpu'));

async function value(metric: Metric): Promise<number> {
  const result = metric.result();
  const values = await result.data();
  result.dispose();
  expect(result.rank).toBe(0);
  return values[0];
}

describe('Keras docstrings', () => {
  it('IoU of class 0: 0.33333334, and 0.33333334 weighted', async () => {
    const m = new IoU({ numClasses: 2, targetClassIds: [0] });
    m.updateState(tensor([0, 0, 1, 1]), tensor([0, 1, 0, 1]));
    expect(await value(m)).toBeCloseTo(1 / 3, 6);
    m.resetState();
    m.updateState(tensor([0, 0, 1, 1]), tensor([0, 1, 0, 1]), tensor([0.3, 0.3, 0.3, 0.1]));
    expect(await value(m)).toBeCloseTo(1 / 3, 6);
  });

  it('MeanIoU: 0.33333334, and 0.23809525 weighted', async () => {
    const m = new MeanIoU({ numClasses: 2 });
    m.updateState(tensor([0, 0, 1, 1]), tensor([0, 1, 0, 1]));
    expect(await value(m)).toBeCloseTo(1 / 3, 6);
    m.resetState();
    m.updateState(tensor([0, 0, 1, 1]), tensor([0, 1, 0, 1]), tensor([0.3, 0.3, 0.3, 0.1]));
    expect(await value(m)).toBeCloseTo(0.23809525, 6);
    // cm = [[0.3, 0.3], [0.3, 0.1]], rows the true class.
    expect(Array.from(await m.totalConfusionMatrix.data()).map((v) => Number(v.toFixed(6)))).toEqual([0.3, 0.3, 0.3, 0.1]);
  });

  it('BinaryIoU with threshold 0.3: 0.33333334, and 0.17361112 weighted', async () => {
    const m = new BinaryIoU({ targetClassIds: [0, 1], threshold: 0.3 });
    m.updateState(tensor([0, 1, 0, 1]), tensor([0.1, 0.2, 0.4, 0.7]));
    expect(await value(m)).toBeCloseTo(1 / 3, 6);
    m.resetState();
    m.updateState(tensor([0, 1, 0, 1]), tensor([0.1, 0.2, 0.4, 0.7]), tensor([0.2, 0.3, 0.4, 0.1]));
    expect(await value(m)).toBeCloseTo(0.17361112, 6);
  });

  it("dense labels and predictions (OneHotIoU's and OneHotMeanIoU's examples): 0.071 and 0.048", async () => {
    const yTrue = () => tensor([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]]);
    const yPred = () => tensor([[0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]]);
    const weights = () => tensor([0.1, 0.2, 0.3, 0.4]);
    const oneHot = new IoU({ numClasses: 3, targetClassIds: [0, 2], sparseYTrue: false, sparseYPred: false });
    oneHot.updateState(yTrue(), yPred(), weights());
    expect(await value(oneHot)).toBeCloseTo((0 + 0.1 / 0.7) / 2, 6);
    const mean = new MeanIoU({ numClasses: 3, sparseYTrue: false, sparseYPred: false });
    mean.updateState(yTrue(), yPred(), weights());
    expect(await value(mean)).toBeCloseTo(0.1 / 0.7 / 3, 6);
  });
});

describe('OneHotIoU and OneHotMeanIoU: values computed by Keras 3.16', () => {
  // Keras 3.16 with dtype='float32': its default dtype for the IoU metrics is 'int', which truncates
  // fractional sample weights (to 0 here); this library keeps float32 state, as tf.keras did.
  const first = () => ({
    yTrue: tensor([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]]),
    yPred: tensor([[0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]]),
    weights: tensor([0.1, 0.2, 0.3, 0.4]),
    classes: tensor([2, 2, 0, 2]),
  });
  const second = () => ({
    yTrue: tensor([[0, 1, 0], [0, 0, 1], [1, 0, 0]]),
    yPred: tensor([[0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.3, 0.5, 0.2]]),
    weights: tensor([1, 2, 0.5]),
    classes: tensor([1, 2, 1]),
  });
  const KERAS = {
    OneHotIoU: { make: (o = {}) => new OneHotIoU({ numClasses: 3, targetClassIds: [0, 2], ...o }), first: 0.07142855, both: 0.3888889, afterReset: 0.49999994, ignoreClass1: 0.3888889 },
    OneHotMeanIoU: { make: (o = {}) => new OneHotMeanIoU({ numClasses: 3, ...o }), first: 0.04761903, both: 0.44444442, afterReset: 0.49999997, ignoreClass1: 0.25925925 },
  };

  for (const [name, keras] of Object.entries(KERAS)) {
    it(`${name}: two weighted batches, the confusion matrix, resetState, ignoreClass, class-id predictions; on WebGPU and on the CPU backend`, async () => {
      for (const backend of ['webgpu', 'cpu'] as const) {
        setBackend(backend);
        const m = keras.make();
        const [a, b] = [first(), second()];
        m.updateState(a.yTrue, a.yPred, a.weights);
        expect(await value(m), backend).toBeCloseTo(keras.first, 6);
        m.updateState(b.yTrue, b.yPred, b.weights);
        expect(await value(m), backend).toBeCloseTo(keras.both, 6);
        expect(Array.from(await m.totalConfusionMatrix.data()).map((v) => Number(v.toFixed(6)))).toEqual([0, 0.5, 0.6, 0.3, 1, 0, 0, 0, 2.1]);
        m.resetState();
        expect(await value(m)).toBe(0);
        m.updateState(b.yTrue, b.yPred);
        expect(await value(m), backend).toBeCloseTo(keras.afterReset, 6);

        const ignoring = keras.make({ ignoreClass: 1 });
        ignoring.updateState(a.yTrue, a.yPred, a.weights);
        ignoring.updateState(b.yTrue, b.yPred, b.weights);
        expect(await value(ignoring), backend).toBeCloseTo(keras.ignoreClass1, 6);
        const sparsePredictions = keras.make({ sparseYPred: true });
        sparsePredictions.updateState(a.yTrue, a.classes, a.weights);
        sparsePredictions.updateState(b.yTrue, b.classes, b.weights);
        expect(await value(sparsePredictions), backend).toBeCloseTo(keras.both, 6);
      }
    });
  }

  it('getConfig gives Keras options (labels are always one-hot, so no sparseYTrue) and rebuilds each metric', () => {
    const iou = new OneHotIoU({ numClasses: 3, targetClassIds: [0, 2], axis: 1 });
    expect(iou.getConfig()).toEqual({ name: 'one_hot_io_u', dtype: 'float32', numClasses: 3, targetClassIds: [0, 2], ignoreClass: null, sparseYPred: false, axis: 1 });
    expect(new OneHotIoU(iou.getConfig() as never).getConfig()).toEqual(iou.getConfig());
    const mean = new OneHotMeanIoU({ numClasses: 4, ignoreClass: 0, sparseYPred: true });
    expect(mean.getConfig()).toEqual({ name: 'one_hot_mean_io_u', dtype: 'float32', numClasses: 4, ignoreClass: 0, sparseYPred: true, axis: -1 });
    expect(new OneHotMeanIoU(mean.getConfig() as never).getConfig()).toEqual(mean.getConfig());
    expect(mean).toBeInstanceOf(MeanIoU);
    expect(mean.direction).toBe('up');
  });

  it('rejects bad options; no compile() names (they need numClasses), as keras.metrics.get', () => {
    expect(() => new OneHotIoU({ numClasses: 3, targetClassIds: [0], sparseYTrue: true } as never)).toThrow("OneHotIoU: unknown option 'sparseYTrue'");
    expect(() => new OneHotMeanIoU({ numClasses: 3, targetClassIds: [0] } as never)).toThrow("OneHotMeanIoU: unknown option 'targetClassIds'");
    expect(() => new OneHotIoU({ numClasses: 3, targetClassIds: [3] })).toThrow('OneHotIoU: invalid value for argument targetClassIds. Expected a non-empty list of class ids in [0, 3). Received: targetClassIds=[3].');
    expect(() => new OneHotMeanIoU({ numClasses: 0 })).toThrow('OneHotMeanIoU: invalid value for argument numClasses. Expected a positive integer. Received: numClasses=0.');
    const m = new OneHotMeanIoU({ numClasses: 3 });
    expect(() => m.updateState(tensor([[0, 1, 0]]), tensor([[0.2, 0.8, 0], [0.5, 0.5, 0]]))).toThrow('one_hot_mean_io_u.updateState: labels and predictions must give one class per sample, as many of each. Received: 1 labels and 2 predictions.');
    expect(() => getMetric('one_hot_io_u')).toThrow("unknown metric 'one_hot_io_u'");
    expect(() => getMetric('OneHotMeanIoU')).toThrow("unknown metric 'OneHotMeanIoU'");
  });
});

/** The weighted confusion matrix and mean IoU over `targets`, in float64, as Keras defines them. */
function referenceIoU(labels: number[], predictions: number[], weights: number[], numClasses: number, targets: number[], ignoreClass: number | null): number {
  const cm = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  labels.forEach((t, i) => {
    const p = predictions[i];
    if (t < 0 || t >= numClasses || p < 0 || p >= numClasses || t === ignoreClass) return;
    cm[t][p] += weights[i];
  });
  let total = 0;
  let valid = 0;
  for (const c of targets) {
    const denominator = cm.reduce((s, row) => s + row[c], 0) + cm[c].reduce((s, v) => s + v, 0) - cm[c][c];
    if (denominator > 1e-9) {
      total += cm[c][c] / (denominator + 1e-7);
      valid += 1;
    }
  }
  return total / (valid + 1e-7);
}

describe('against a float64 reference', () => {
  const next = seededRandom(5);
  // Classes -1 ... 4 for 4 classes: -1 and 4 are out of range and dropped; 2 is ignored.
  const batches = Array.from({ length: 3 }, () => ({
    labels: Array.from({ length: 10 }, () => Math.floor(next() * 6) - 1),
    predictions: Array.from({ length: 10 }, () => Math.floor(next() * 6) - 1),
    weights: Array.from({ length: 10 }, () => Math.round(next() * 10) / 4),
  }));
  const all = (key: 'labels' | 'predictions' | 'weights') => batches.flatMap((b) => b[key]);

  it('IoU with ignoreClass over weighted batches of shape [2, 5], on WebGPU and on the CPU backend', async () => {
    const expected = referenceIoU(all('labels'), all('predictions'), all('weights'), 4, [0, 2, 3], 2);
    for (const backend of ['webgpu', 'cpu'] as const) {
      setBackend(backend);
      const m = new IoU({ numClasses: 4, targetClassIds: [0, 2, 3], ignoreClass: 2 });
      for (const b of batches) m.updateState(tensor(b.labels, [2, 5]), tensor(b.predictions, [2, 5]), tensor(b.weights, [2, 5]));
      expect(m.variables[0].storage.backend).toBe(backend);
      expect(await value(m), backend).toBeCloseTo(expected, 5);
    }
  });

  it('MeanIoU counts only the classes that occur; int32 labels work; a number weight scales all', async () => {
    const expected = referenceIoU(all('labels'), all('predictions'), all('labels').map(() => 1), 4, [0, 1, 2, 3], null);
    const m = new MeanIoU({ numClasses: 4 });
    for (const b of batches) m.updateState(tensor(b.labels).cast('int32'), tensor(b.predictions), 2);
    expect(await value(m)).toBeCloseTo(expected, 5);
    const unseen = new MeanIoU({ numClasses: 5 });
    unseen.updateState(tensor([0, 1, 1]), tensor([0, 1, 0]));
    // Classes 2 to 4 never occur; classes 0 and 1 each have tp 1 over a union of 2.
    expect(await value(unseen)).toBeCloseTo(0.5, 6);
  });

  it('updateState and result record GPU work without reading back; 0 before any batch', async () => {
    const recorder = currentGpu()!.recorder;
    const m = new MeanIoU({ numClasses: 3 });
    expect(await value(m)).toBe(0);
    recorder.flush();
    const reads = recorder.readCount;
    m.updateState(tensor([0, 2, 1]), tensor([0, 2, 2]));
    const result = m.result();
    expect(recorder.readCount).toBe(reads);
    expect((await result.data())[0]).toBeCloseTo((1 + 0 + 0.5) / 3, 6);
  });
});

describe('configuration and errors', () => {
  it('getConfig gives Keras names and options and rebuilds each metric', () => {
    const iou = new IoU({ numClasses: 3, targetClassIds: [1], ignoreClass: 255 % 3 });
    expect(iou.getConfig()).toEqual({ name: 'io_u', dtype: 'float32', numClasses: 3, targetClassIds: [1], ignoreClass: 0, sparseYTrue: true, sparseYPred: true, axis: -1 });
    expect(new IoU(iou.getConfig() as never).getConfig()).toEqual(iou.getConfig());
    const mean = new MeanIoU({ numClasses: 4, sparseYPred: false });
    expect(mean.getConfig()).toEqual({ name: 'mean_io_u', dtype: 'float32', numClasses: 4, ignoreClass: null, sparseYTrue: true, sparseYPred: false, axis: -1 });
    expect(new MeanIoU(mean.getConfig() as never).getConfig()).toEqual(mean.getConfig());
    const binary = new BinaryIoU({ targetClassIds: [1], threshold: 0.7 });
    expect(binary.getConfig()).toEqual({ name: 'binary_io_u', dtype: 'float32', targetClassIds: [1], threshold: 0.7 });
    expect(new BinaryIoU(binary.getConfig() as never).getConfig()).toEqual(binary.getConfig());
    expect(binary.direction).toBe('up');
  });

  it('memory stays flat over many updates', async () => {
    await expectFlatMemory(new IoU({ numClasses: 3, targetClassIds: [0, 2], ignoreClass: 1 }), tensor([0, 1, 2, 2]), tensor([0, 2, 2, 5]), tensor([1, 2, 0.5, 1]));
    await expectFlatMemory(new MeanIoU({ numClasses: 2, sparseYPred: false }), tensor([0, 1, 1]), tensor([[0.3, 0.7], [0.6, 0.4], [0.1, 0.9]]), tensor([1, 2, 0.5]));
    await expectFlatMemory(new BinaryIoU(), tensor([0, 1, 1]), tensor([0.2, 0.6, 0.4]), tensor([1, 2, 0.5]));
  });

  it('rejects bad options and inputs before any work', () => {
    expect(() => new IoU({ numClasses: 2, targetClassIds: [2] })).toThrow('IoU: invalid value for argument targetClassIds. Expected a non-empty list of class ids in [0, 2). Received: targetClassIds=[2].');
    expect(() => new MeanIoU({ numClasses: 0 })).toThrow('MeanIoU: invalid value for argument numClasses. Expected a positive integer. Received: numClasses=0.');
    expect(() => new BinaryIoU({ targetClassIds: [0, 2] })).toThrow('Received: targetClassIds=[0,2].');
    expect(() => new IoU({ numClasses: 2, targetClassIds: [0], ignoreClass: 0.5 })).toThrow('Received: ignoreClass=0.5.');
    const m = new MeanIoU({ numClasses: 2 });
    expect(() => m.updateState(tensor([0, 1, 1]), tensor([0, 1]))).toThrow('mean_io_u.updateState: labels and predictions must give one class per sample, as many of each. Received: 3 labels and 2 predictions.');
    expect(() => m.updateState(tensor([0, 1]), tensor([0, 1]), tensor([1, 1, 1]))).toThrow('sampleWeight must hold one weight per sample (2) or a single one. Received: sampleWeight.shape=[3].');
  });

  it("compile() names: only 'binary_io_u' (the others need numClasses), as keras.metrics.get", () => {
    expect(getMetric('binary_io_u')).toBeInstanceOf(BinaryIoU);
    expect(getMetric('BinaryIoU').name).toBe('binary_io_u');
    expect(() => getMetric('mean_io_u')).toThrow("unknown metric 'mean_io_u'");
  });
});

describe('in a model', () => {
  it('compile + fit + evaluate log BinaryIoU and MeanIoU of dense predictions over the whole data set', async () => {
    setRandomSeed(4);
    const x = ops.randomUniform([10, 3], { minval: -1, maxval: 1, seed: 2 });
    const yBinary = x.matmul(tensor([[1], [-2], [0.5]])).greater(0).cast('float32');
    const model = new Sequential();
    model.add(new layers.Dense({ units: 2, activation: 'softmax', inputShape: [3] }));
    const yOneHot = ops.concat([ops.sub(1, yBinary), yBinary], 1);
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: [new MeanIoU({ numClasses: 2, sparseYTrue: false, sparseYPred: false })] });
    const history = await model.fit(x, yOneHot, { epochs: 2, batchSize: 4, verbose: 0 });
    expect(Object.keys(history.history).sort()).toEqual(['loss', 'mean_io_u']);
    const logs = await model.evaluate(x, yOneHot, { batchSize: 3, verbose: 0 });
    const predictions = (await model.predict(x)) as Tensor;
    const reference = new MeanIoU({ numClasses: 2 });
    reference.updateState(yBinary, ops.argMax(predictions, -1));
    expect(logs.mean_io_u).toBeCloseTo(await value(reference), 5);

    const binaryModel = new Sequential();
    binaryModel.add(new layers.Dense({ units: 1, activation: 'sigmoid', inputShape: [3] }));
    binaryModel.compile({ optimizer: 'sgd', loss: 'binary_crossentropy', metrics: ['binary_io_u'] });
    await binaryModel.fit(x, yBinary, { epochs: 1, batchSize: 5, verbose: 0 });
    const binaryLogs = await binaryModel.evaluate(x, yBinary, { batchSize: 4, verbose: 0 });
    const binaryReference = new BinaryIoU();
    binaryReference.updateState(yBinary, (await binaryModel.predict(x)) as Tensor);
    expect(binaryLogs.binary_io_u).toBeCloseTo(await value(binaryReference), 5);
  });

  it('OneHotIoU and OneHotMeanIoU log over the whole data set and save and load in both formats', async () => {
    const x = ops.randomUniform([12, 3], { seed: 3 });
    const yOneHot = ops.oneHot(ops.argMax(x.matmul(tensor([[1, -1, 0], [0, 2, -1], [-1, 0, 1]])), -1), 3);
    const model = new Sequential([Input({ shape: [3] }), new layers.Dense({ units: 3, activation: 'softmax' })]);
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: [new OneHotIoU({ numClasses: 3, targetClassIds: [1, 2] }), new OneHotMeanIoU({ numClasses: 3, name: 'miou' })] });
    await model.fit(x, yOneHot, { epochs: 2, batchSize: 4, verbose: 0 });
    const logs = await model.evaluate(x, yOneHot, { batchSize: 5, verbose: 0 });
    const reference = new OneHotMeanIoU({ numClasses: 3 });
    reference.updateState(yOneHot, (await model.predict(x)) as Tensor);
    expect(logs.miou).toBeCloseTo(await value(reference), 5);

    await model.save('memory://one-hot-iou');
    const restored = await loadModel('memory://one-hot-iou');
    const restoredLogs = await restored.evaluate(x, yOneHot, { batchSize: 5, verbose: 0 });
    expect(restoredLogs.one_hot_io_u).toBeCloseTo(logs.one_hot_io_u, 5);
    expect(restoredLogs.miou).toBeCloseTo(logs.miou, 5);
    await removeModel('memory://one-hot-iou');
    const fromKeras = await loadKerasModel(await saveKerasModel(model));
    const kerasLogs = await fromKeras.evaluate(x, yOneHot, { batchSize: 5, verbose: 0 });
    expect(kerasLogs.one_hot_io_u).toBeCloseTo(logs.one_hot_io_u, 5);
    expect(kerasLogs.miou).toBeCloseTo(logs.miou, 5);
  });
});
