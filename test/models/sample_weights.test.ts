// Sample and class weights (Keras's sample_weight and class_weight) in fit, evaluate and the
// on-batch methods, and compile's weightedMetrics: checked against formulas evaluated here in
// float64 (a weighted SGD step, the weighted loss and accuracies), against Keras's rule for class
// weights, and between the compiled and eager steps.

import { describe, expect, it } from 'vitest';
import { Input, Model, Sequential, getBackend, initializers, layers, loadModel, memory, ops, optimizers, tensor, type Tensor } from '../../src/node';
import { classWeightsToSampleWeights } from '../../src/models/data';
import { onBothBackends, settleGarbage, useWebGPU } from '../helpers';

useWebGPU();

/** A linear model y = x W + b with known weights. */
function linearModel(weights: number[][], bias: number): Sequential {
  const model = new Sequential();
  model.add(new layers.Dense({ units: 1, inputDim: weights.length }));
  model.setWeights([tensor(weights), tensor([bias])]);
  return model;
}

/** Rows of a seeded uniform matrix as numbers. */
async function rowsOf(t: Tensor): Promise<number[][]> {
  const flat = Array.from(await t.data());
  const width = t.shape[1];
  return Array.from({ length: t.shape[0] }, (_, i) => flat.slice(i * width, (i + 1) * width));
}

async function weightValues(model: Model): Promise<number[][]> {
  return Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));
}

/** A classifier 4 -> 3 (softmax) and a data set with one-hot labels. */
function classifier(): { model: Sequential; x: Tensor; y: Tensor; labels: number[] } {
  const model = new Sequential();
  model.add(new layers.Dense({ units: 3, activation: 'softmax', inputShape: [4], kernelInitializer: new initializers.GlorotUniform({ seed: 3 }) }));
  const labels = [0, 1, 2, 2, 1, 0, 0, 2, 1, 1, 2, 0];
  const x = ops.randomUniform([labels.length, 4], { minval: -1, maxval: 1, seed: 9 });
  return { model, x, y: ops.oneHot(tensor(labels, [labels.length], 'int32'), 3), labels };
}

describe('sampleWeight', () => {
  it('a weighted SGD step of fit matches the gradient of mean(w * (xW + b - y)^2) computed here', async () => {
    expect(getBackend()).toBe('webgpu');
    const W = [[0.5], [-1], [0.25]];
    const b = 0.1;
    const model = linearModel(W, b);
    model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.1 }), loss: 'mse' });
    const x = ops.randomUniform([8, 3], { minval: -1, maxval: 1, seed: 21 });
    const y = ops.randomUniform([8, 1], { minval: -1, maxval: 1, seed: 22 });
    const w = [1, 0, 2, 0.5, 3, 1, 0.25, 0];
    const [xs, ys] = [await rowsOf(x), (await rowsOf(y)).map((r) => r[0])];
    const errors = xs.map((row, i) => row.reduce((s, v, k) => s + v * W[k][0], b) - ys[i]);
    const expectedLoss = errors.reduce((s, e, i) => s + w[i] * e * e, 0) / 8;
    const gradW = W.map((_, k) => (2 / 8) * errors.reduce((s, e, i) => s + w[i] * e * xs[i][k], 0));
    const gradB = (2 / 8) * errors.reduce((s, e, i) => s + w[i] * e, 0);

    const history = await model.fit(x, y, { sampleWeight: w, batchSize: 8, epochs: 1, shuffle: false, verbose: 0 });
    expect(history.history.loss[0]).toBeCloseTo(expectedLoss, 5);
    const [kernel, bias] = await weightValues(model);
    kernel.forEach((v, k) => expect(v).toBeCloseTo(W[k][0] - 0.1 * gradW[k], 5));
    expect(bias[0]).toBeCloseTo(b - 0.1 * gradB, 5);
  });

  it('evaluate: the loss is sum(w * loss) / n, metrics ignore the weights, weightedMetrics apply them (named weighted_ when both have a name)', onBothBackends(async () => {
    const { model, x, y, labels } = classifier();
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['accuracy'], weightedMetrics: ['accuracy'] });
    const w = [1, 2, 0, 1, 0.5, 3, 1, 1, 0, 2, 1, 0.5];
    const probabilities = await rowsOf((await model.predict(x)) as Tensor);
    const losses = probabilities.map((p, i) => -Math.log(Math.min(Math.max(p[labels[i]], 1e-7), 1 - 1e-7)));
    const correct = probabilities.map((p, i): number => (p.indexOf(Math.max(...p)) === labels[i] ? 1 : 0));
    const weightSum = w.reduce((s, v) => s + v, 0);

    // One batch, so the loss tracker's mean of batch losses is the data set's loss.
    const logs = await model.evaluate(x, y, { sampleWeight: tensor(w), batchSize: 12 });
    expect(logs.loss).toBeCloseTo(losses.reduce((s, l, i) => s + w[i] * l, 0) / 12, 5);
    expect(logs.accuracy).toBeCloseTo(correct.reduce((s, c) => s + c, 0) / 12, 6);
    expect(logs.weighted_accuracy).toBeCloseTo(correct.reduce((s, c, i) => s + w[i] * c, 0) / weightSum, 6);
    expect(model.metricsNames).toEqual(['loss', 'accuracy', 'weighted_accuracy']);
  }));

  it('validation: validationData takes [x, y, sampleWeight], and validationSplit splits the weights', async () => {
    expect(getBackend()).toBe('webgpu');
    const { model, x, y } = classifier();
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    const w = tensor([1, 2, 0, 1, 0.5, 3, 1, 1, 0, 2, 1, 0.5]);
    const [vx, vy, vw] = [ops.slice(x, [8, 0], [4, 4]), ops.slice(y, [8, 0], [4, 3]), ops.slice(w, [8], [4])];
    // A learning rate of 0 keeps the weights, so val_loss can be compared with evaluate.
    model.compile({ optimizer: new optimizers.SGD({ learningRate: 0 }), loss: 'categorical_crossentropy' });
    const expected = (await model.evaluate(vx, vy, { sampleWeight: vw, batchSize: 4 })).loss;
    const unweighted = (await model.evaluate(vx, vy, { batchSize: 4 })).loss;
    expect(Math.abs(expected - unweighted)).toBeGreaterThan(1e-3);
    const fromData = await model.fit(ops.slice(x, [0, 0], [8, 4]), ops.slice(y, [0, 0], [8, 3]), { validationData: [vx, vy, vw], batchSize: 4, verbose: 0 });
    const fromSplit = await model.fit(x, y, { sampleWeight: w, validationSplit: 1 / 3, batchSize: 4, verbose: 0 });
    expect(fromData.history.val_loss[0]).toBeCloseTo(expected, 5);
    expect(fromSplit.history.val_loss[0]).toBeCloseTo(expected, 5);
  });

  it('replayed steps give the same weights as eager steps, and memory stays flat across epochs', async () => {
    expect(getBackend()).toBe('webgpu');
    const train = async (runEagerly: boolean) => {
      const { model, x, y } = classifier();
      model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', weightedMetrics: ['accuracy'], runEagerly });
      const w = ops.randomUniform([12], { seed: 4 });
      await model.fit(x, y, { sampleWeight: w, batchSize: 4, epochs: 3, seed: 1, verbose: 0 });
      await settleGarbage();
      const before = memory();
      const history = await model.fit(x, y, { sampleWeight: w, batchSize: 4, epochs: 4, seed: 2, verbose: 0 });
      await settleGarbage();
      expect(memory().liveTensors).toBe(before.liveTensors);
      return { weights: await weightValues(model), history: history.history };
    };
    const [replayed, eager] = [await train(false), await train(true)];
    expect(replayed.weights).toEqual(eager.weights);
    expect(replayed.history).toEqual(eager.history);
  });
});

describe('classWeight', () => {
  it("derives each sample's weight as Keras does: argmax of one-hot rows, rounded labels, 1 for unlisted classes", onBothBackends(async () => {
    const classWeight: Array<[number, number]> = [[0, 0.5], [2, 4]];
    const oneHot = tensor([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0.1, 0.2, 0.7, 0]]);
    expect(Array.from(await classWeightsToSampleWeights(oneHot, classWeight).data())).toEqual([0.5, 1, 4, 1, 4]);
    const labels = tensor([[0], [1.2], [1.8], [3], [-1]]);
    expect(Array.from(await classWeightsToSampleWeights(labels, classWeight).data())).toEqual([0.5, 1, 4, 1, 1]);
    const sparse = tensor([2, 0, 7], [3], 'int32');
    expect(Array.from(await classWeightsToSampleWeights(sparse, classWeight).data())).toEqual([4, 0.5, 1]);
    expect(Array.from(await classWeightsToSampleWeights(sparse, []).data())).toEqual([1, 1, 1]);
  }));

  it('fit and trainOnBatch with classWeight train exactly as with the equivalent sampleWeight', async () => {
    expect(getBackend()).toBe('webgpu');
    const run = async (weighting: { classWeight?: Record<number, number>; sampleWeight?: Tensor }) => {
      const { model, x, y } = classifier();
      model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
      const history = await model.fit(x, y, { ...weighting, batchSize: 4, epochs: 2, seed: 3, verbose: 0 });
      const batch = await model.trainOnBatch(x, y, weighting);
      return { weights: await weightValues(model), loss: history.history.loss, batch: batch.loss };
    };
    const { labels } = classifier();
    const byClass = await run({ classWeight: { 0: 1, 1: 5, 2: 0.5 } });
    const bySample = await run({ sampleWeight: tensor(labels.map((c) => [1, 5, 0.5][c])) });
    const unweighted = await run({});
    expect(byClass).toEqual(bySample);
    expect(byClass.weights).not.toEqual(unweighted.weights);
  });
});

describe('errors, before any GPU work', () => {
  it('both weightings, a sample count that differs, bad class weights, several outputs; the model stays usable', async () => {
    expect(getBackend()).toBe('webgpu');
    const { model, x, y } = classifier();
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    const ones = ops.ones([12]);
    const before = memory().liveTensors;
    await expect(model.fit(x, y, { sampleWeight: ones, classWeight: { 0: 2 }, verbose: 0 })).rejects.toThrow(/sampleWeight or classWeight, not both/);
    await expect(model.fit(x, y, { sampleWeight: [1, 2, 3], verbose: 0 })).rejects.toThrow(/x has 12 samples but sampleWeight has 3/);
    await expect(model.evaluate(x, y, { sampleWeight: [1, 2] })).rejects.toThrow(/x has 12 samples but sampleWeight has 2/);
    await expect(model.fit(x, y, { classWeight: { '-1': 2 } as Record<number, number>, verbose: 0 })).rejects.toThrow(/classWeight keys must be class indices/);
    await expect(model.fit(x, y, { classWeight: { 1: Number.NaN }, verbose: 0 })).rejects.toThrow(/classWeight\[1\] must be a finite number/);
    await expect(model.fit(x, y, { validationData: [x, y, [1]], verbose: 0 })).rejects.toThrow(/validation x has 12 samples but validation sampleWeight has 1/);
    await expect(model.fit(x, y, { classWeight: [1, 2] as never, verbose: 0 })).rejects.toThrow('fit: classWeight must be an object mapping class indices to weights, such as { 0: 1, 1: 5 }.');
    await expect(model.fit(x, y, { classWeight: { [2 ** 21]: 2 }, verbose: 0 })).rejects.toThrow('fit: classWeight key 2097152 is above the largest class index supported, 1048576.');
    await expect(model.fit(x, y, { sampleWeight: [ones, ones], verbose: 0 })).rejects.toThrow('fit: sampleWeight must be one tensor (one weight per sample, shared by every output), got 2.');
    expect(memory().liveTensors).toBe(before);
    await expect(model.trainOnBatch(ops.zeros([2, 4]), ops.zeros([2, 1, 3]), { classWeight: { 0: 2 } })).rejects.toThrow('trainOnBatch: classWeight needs targets of shape [samples] or [samples, classes], got [2,1,3] (use sampleWeight).');
    expect((await model.fit(x, y, { classWeight: { 1: 2 }, verbose: 0 })).history.loss.length).toBe(1);

    const input = Input({ shape: [4] });
    const twoOutputs = new Model({ inputs: input, outputs: [new layers.Dense({ units: 1 }).apply(input), new layers.Dense({ units: 1 }).apply(input)] });
    twoOutputs.compile({ optimizer: 'sgd', loss: ['mse', 'mse'] });
    await expect(twoOutputs.fit(x, [ops.slice(y, [0, 0], [12, 1]), ops.slice(y, [0, 1], [12, 1])], { classWeight: { 0: 2 }, verbose: 0 })).rejects.toThrow(/single output/);
  });
});

describe('saving', () => {
  it('keeps weightedMetrics in the compile config', async () => {
    const { model, x, y } = classifier();
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['mae'], weightedMetrics: ['accuracy'] });
    await model.save('memory://weighted-metrics');
    const restored = await loadModel('memory://weighted-metrics');
    const logs = await restored.evaluate(x, y, { sampleWeight: ops.randomUniform([12], { seed: 2 }) });
    expect(Object.keys(logs).sort()).toEqual(['accuracy', 'loss', 'mae']);
    expect(restored.compileArgs!.weightedMetrics).toEqual(['accuracy']);
  });
});
