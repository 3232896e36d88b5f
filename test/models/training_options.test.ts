// The training-loop options Keras users expect: Keras 3's batch hook names (onTrainBatchBegin/End,
// with onBatchBegin/End as aliases), fit's validationFreq and validationBatchSize,
// ModelCheckpoint's saveFreq in batches, computeMetrics / getMetricsResult for custom training
// steps, and compile without a loss (losses from addLoss or a custom computeLoss, fit(x) without
// targets). References are float64 loops over weights read back, or Keras's own rules.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  Callback, GradientTape, Input, LambdaCallback, Layer, Model, ModelCheckpoint, Sequential, getBackend, layers, listModels, loadModel, memoryHandler, ops, optimizers, removeModel, tensor,
  type Logs, type StepData, type Tensor,
} from '../../src/node';
import { currentGpu } from '../../src/backend/engine';
import { useWebGPU } from '../helpers';

useWebGPU();
beforeEach(() => expect(getBackend()).toBe('webgpu'));
afterEach(() => vi.restoreAllMocks());

/** 3 features, a linear target. */
function regressionData(count: number, seed = 5): { x: Tensor; y: Tensor } {
  const x = ops.randomUniform([count, 3], { minval: -1, maxval: 1, seed });
  const y = ops.matmul(x, tensor([[1], [-2], [0.5]])).add(0.3);
  return { x, y };
}

/** A linear model, compiled with SGD and mse, its weights copied from `like` when given. */
function linearModel(like?: Model): Sequential {
  const model = new Sequential([Input({ shape: [3] }), new layers.Dense({ units: 1 })]);
  model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.1 }), loss: 'mse', metrics: ['mae'] });
  if (like) model.setWeights(like.getWeights());
  return model;
}

/** Rows of a rank-2 tensor as float64 arrays. */
async function rows(t: Tensor): Promise<number[][]> {
  return (await t.array()) as number[][];
}

/** The mse of a Dense(1) layer's kernel and bias on (x, y), in float64. */
async function linearMse(model: Model, x: Tensor, y: Tensor): Promise<number> {
  const [kernel, bias] = await Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));
  const [xs, ys] = [await rows(x), await rows(y)];
  const sum = xs.reduce((total, row, i) => total + (row.reduce((s, v, j) => s + v * kernel[j], bias[0]) - ys[i][0]) ** 2, 0);
  return sum / xs.length;
}

describe("Keras 3's batch hook names", () => {
  it('a subclass overriding onTrainBatchBegin/End or onBatchBegin/End is called once per batch, with the logs', async () => {
    class Keras3Names extends Callback {
      seen: string[] = [];
      override onTrainBatchBegin(batch: number) {
        this.seen.push(`begin ${batch}`);
      }
      override onTrainBatchEnd(batch: number, logs: Logs = {}) {
        this.seen.push(`end ${batch} ${Number.isFinite(logs.loss) && Number.isFinite(logs.mae)}`);
      }
    }
    class AliasNames extends Callback {
      seen: string[] = [];
      override onBatchBegin(batch: number) {
        this.seen.push(`begin ${batch}`);
      }
      override onBatchEnd(batch: number, logs: Logs = {}) {
        this.seen.push(`end ${batch} ${Number.isFinite(logs.loss) && Number.isFinite(logs.mae)}`);
      }
    }
    /** Keras: the alias is called by the default onTrainBatchEnd only, so overriding both calls the Keras 3 name alone. */
    class BothNames extends Callback {
      calls: string[] = [];
      override onTrainBatchEnd() {
        this.calls.push('onTrainBatchEnd');
      }
      override onBatchEnd() {
        this.calls.push('onBatchEnd');
      }
    }
    const [keras3, alias, both] = [new Keras3Names(), new AliasNames(), new BothNames()];
    expect([keras3.wantsBatchLogs, alias.wantsBatchLogs, both.wantsBatchLogs, new Callback().wantsBatchLogs]).toEqual([true, true, true, false]);
    const model = linearModel();
    const { x, y } = regressionData(24);
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [keras3, alias, both] });
    const expected = [0, 1, 2].flatMap((b) => [`begin ${b}`, `end ${b} true`]);
    expect(keras3.seen).toEqual([...expected, ...expected]);
    expect(alias.seen).toEqual([...expected, ...expected]);
    expect(both.calls).toEqual(Array(6).fill('onTrainBatchEnd'));
  });

  it('LambdaCallback takes onTrainBatchBegin/End (not together with their alias); the last batch logs the epoch loss', async () => {
    const model = linearModel();
    const { x, y } = regressionData(20);
    const events: string[] = [];
    const batchLosses: number[] = [];
    const lambda = new LambdaCallback({
      onTrainBatchBegin: (batch) => void events.push(`begin ${batch}`),
      onTrainBatchEnd: (batch, logs) => void (events.push(`end ${batch} size ${logs.size}`), batchLosses.push(logs.loss)),
    });
    expect(lambda.wantsBatchLogs).toBe(true);
    expect(new LambdaCallback({ onTrainBatchBegin: () => {} }).wantsBatchLogs).toBe(false);
    const history = await model.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0, callbacks: [lambda] });
    expect(events).toEqual(['begin 0', 'end 0 size 8', 'begin 1', 'end 1 size 8', 'begin 2', 'end 2 size 4']);
    // The logged loss is the epoch's running mean, so the last batch's is the epoch's.
    expect(batchLosses[2]).toBeCloseTo(history.history.loss[0], 6);
    expect(() => new LambdaCallback({ onTrainBatchEnd: () => {}, onBatchEnd: () => {} })).toThrow('LambdaCallback: give onTrainBatchEnd or its alias onBatchEnd, not both.');
    expect(() => new LambdaCallback({ on_train_batch_end: () => {} } as never)).toThrow("LambdaCallback: unknown option 'on_train_batch_end' (did you mean 'onTrainBatchEnd'?)");
  });

  it('a batch hook whose callback wants no batch logs is still called every batch, with only the batch and its size', async () => {
    class CountsBatches extends Callback {
      logs: Logs[] = [];
      override get wantsBatchLogs() {
        return false;
      }
      override onTrainBatchEnd(_batch: number, logs: Logs = {}) {
        this.logs.push(logs);
      }
    }
    const counter = new CountsBatches();
    const model = linearModel();
    const { x, y } = regressionData(12);
    await model.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0, callbacks: [counter] });
    expect(counter.logs).toEqual([{ batch: 0, size: 8 }, { batch: 1, size: 4 }]);
  });
});

describe('validationFreq and validationBatchSize', () => {
  it('validationFreq N validates after epochs N, 2N, ... (1-based); a list names the epochs; the others log no val_ values', async () => {
    const { x, y } = regressionData(40);
    const validatedEpochs = async (validationFreq: number | number[]) => {
      const model = linearModel();
      const withValidation: number[] = [];
      let testRuns = 0;
      const probe = new LambdaCallback({ onTestBegin: () => void testRuns++, onEpochEnd: (epoch, logs) => void ('val_loss' in logs && withValidation.push(epoch)) });
      const history = await model.fit(x, y, { epochs: 6, batchSize: 10, validationSplit: 0.25, validationFreq, verbose: 0, callbacks: [probe] });
      // As Keras's History: every epoch logs loss, the val_ lists hold only the validated epochs.
      expect(history.epoch).toEqual([0, 1, 2, 3, 4, 5]);
      expect(history.history.loss.length).toBe(6);
      expect(history.history.val_loss.length).toBe(withValidation.length);
      expect(history.history.val_mae.length).toBe(withValidation.length);
      expect(testRuns).toBe(withValidation.length);
      return withValidation;
    };
    expect(await validatedEpochs(2)).toEqual([1, 3, 5]);
    expect(await validatedEpochs(4)).toEqual([3]);
    expect(await validatedEpochs([1, 5])).toEqual([0, 4]);
    expect(await validatedEpochs(1)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('validationBatchSize sets the validation batches; val_loss equals a float64 reference and evaluate with that batch size', async () => {
    const { x, y } = regressionData(48);
    const [xVal, yVal] = [ops.slice(x, [28, 0], [20, 3]), ops.slice(y, [28, 0], [20, 1])];
    const [xTrain, yTrain] = [ops.slice(x, [0, 0], [28, 3]), ops.slice(y, [0, 0], [28, 1])];
    const model = linearModel();
    const batchSizes: number[] = [];
    const probe = new LambdaCallback({ onTestBatchEnd: (_batch, logs) => void batchSizes.push(logs.size) });
    const history = await model.fit(xTrain, yTrain, { epochs: 2, batchSize: 4, validationData: [xVal, yVal], validationBatchSize: 8, verbose: 0, callbacks: [probe] });
    expect(batchSizes).toEqual([8, 8, 4, 8, 8, 4]);
    const valLoss = history.history.val_loss[1];
    expect(valLoss).toBeCloseTo(await linearMse(model, xVal, yVal), 5);
    const evaluated = await model.evaluate(xVal, yVal, { batchSize: 8, verbose: 0 });
    expect(valLoss).toBeCloseTo(evaluated.loss, 6);
    expect(history.history.val_mae[1]).toBeCloseTo(evaluated.mae, 6);

    // With validationSplit too; default: the training batch size.
    batchSizes.length = 0;
    await model.fit(x, y, { epochs: 1, batchSize: 16, validationSplit: 0.5, verbose: 0, callbacks: [probe] });
    expect(batchSizes).toEqual([16, 8]);
    batchSizes.length = 0;
    await model.fit(x, y, { epochs: 1, batchSize: 16, validationSplit: 0.5, validationBatchSize: 24, verbose: 0, callbacks: [probe] });
    expect(batchSizes).toEqual([24]);
  });

  it('bad values and options that do not apply are errors before training', async () => {
    const model = linearModel();
    const { x, y } = regressionData(8);
    const fit = (options: object) => model.fit(x, y, { epochs: 1, verbose: 0, validationSplit: 0.5, ...options });
    await expect(fit({ validationFreq: 0 })).rejects.toThrow('fit: validationFreq must be a positive integer or a list of 1-based epochs, got 0.');
    await expect(fit({ validationFreq: 1.5 })).rejects.toThrow('fit: validationFreq must be a positive integer or a list of 1-based epochs, got 1.5.');
    await expect(fit({ validationFreq: [0, 2] })).rejects.toThrow('fit: validationFreq as a list must hold 1-based epoch numbers (positive integers), got [0, 2].');
    await expect(fit({ validationBatchSize: 0 })).rejects.toThrow('fit: validationBatchSize must be a positive integer, got 0.');
    await expect(fit({ validation_freq: 2 })).rejects.toThrow("fit: unknown option 'validation_freq' (did you mean 'validationFreq'?).");
    const applies = 'fit: validationBatchSize applies to validation data in memory (validationData as [x, y] or validationSplit); a dataset makes its own batches.';
    await expect(model.fit(x, y, { epochs: 1, verbose: 0, validationBatchSize: 4 })).rejects.toThrow(applies);
    const batches = { *[Symbol.iterator]() { yield [x, y] as [Tensor, Tensor]; } };
    await expect(model.fit(x, y, { epochs: 1, verbose: 0, validationData: batches, validationBatchSize: 4 })).rejects.toThrow(applies);
  });
});

describe('ModelCheckpoint saveFreq', () => {
  const saved = async (prefix: string) => Object.keys(await listModels()).filter((url) => url.startsWith(prefix)).sort();

  it('saves every saveFreq batches, counted across epochs as Keras, with {epoch} and {batch} 1-based, and no per-batch readback', async () => {
    const model = linearModel();
    const { x, y } = regressionData(32);
    const checkpoint = new ModelCheckpoint({ filepath: 'memory://sf-{epoch}-{batch}', saveFreq: 3, saveWeightsOnly: true });
    expect(checkpoint.wantsBatchLogs).toBe(false);
    // The readbacks of one save and of the same fit without the checkpoint (its steps compiled by a first fit), to count those of the fit with it.
    const fit = (callbacks: Callback[]) => model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks });
    await fit([]);
    const recorder = currentGpu()!.recorder;
    let reads = recorder.readCount;
    await model.saveWeights(memoryHandler());
    const readsPerSave = recorder.readCount - reads;
    reads = recorder.readCount;
    await fit([]);
    const readsPerFit = recorder.readCount - reads;
    reads = recorder.readCount;
    await fit([checkpoint]);
    // 8 batches an epoch: Keras's count saves after batches 3 and 6, then 9, 12, 15 (batches 1, 4, 7 of epoch 2).
    const expected = ['memory://sf-1-3', 'memory://sf-1-6', 'memory://sf-2-1', 'memory://sf-2-4', 'memory://sf-2-7'];
    expect(await saved('memory://sf-')).toEqual(expected);
    expect([checkpoint.lastSavedEpoch, checkpoint.lastSavedBatch]).toEqual([1, 6]);
    expect(recorder.readCount - reads).toBe(readsPerFit + expected.length * readsPerSave);
    for (const url of expected) await removeModel(url);
  });

  it('with saveBestOnly, each saveFreq batches saves only when the monitored batch log improves', async () => {
    const model = linearModel();
    const { x, y } = regressionData(32);
    const checkpoint = new ModelCheckpoint({ filepath: 'memory://sfbest-{batch:02d}-{loss:.4f}', saveFreq: 2, saveBestOnly: true, monitor: 'loss', saveWeightsOnly: true });
    expect(checkpoint.wantsBatchLogs).toBe(true);
    expect(new ModelCheckpoint({ filepath: 'memory://a-{loss}', saveFreq: 2 }).wantsBatchLogs).toBe(true);
    expect(new ModelCheckpoint({ filepath: 'memory://a-{loss}' }).wantsBatchLogs).toBe(false);
    const losses: number[] = [];
    const record = new LambdaCallback({ onTrainBatchEnd: (_batch, logs) => void losses.push(logs.loss) });
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, callbacks: [record, checkpoint] });
    // Keras's rule on the running losses of batches 2, 4, 6, 8 (1-based).
    const expected: string[] = [];
    let best = Infinity;
    for (const batch of [1, 3, 5, 7]) {
      if (losses[batch] < best) {
        best = losses[batch];
        expected.push(`memory://sfbest-${String(batch + 1).padStart(2, '0')}-${losses[batch].toFixed(4)}`);
      }
    }
    expect(expected.length).toBeGreaterThan(0);
    expect(await saved('memory://sfbest-')).toEqual(expected.sort());
    expect(checkpoint.best).toBe(best);
    for (const url of expected) await removeModel(url);
  });

  it('bad saveFreq values are errors', () => {
    expect(() => new ModelCheckpoint({ filepath: 'memory://x', saveFreq: 0 })).toThrow("ModelCheckpoint: unrecognized saveFreq 0. Expected 'epoch' or a positive integer (a number of batches).");
    expect(() => new ModelCheckpoint({ filepath: 'memory://x', saveFreq: 'batch' as never })).toThrow('ModelCheckpoint: unrecognized saveFreq "batch".');
    expect(() => new ModelCheckpoint({ filepath: 'memory://x', save_freq: 2 } as never)).toThrow("ModelCheckpoint: unknown option 'save_freq' (did you mean 'saveFreq'?)");
  });
});

describe('computeMetrics and getMetricsResult', () => {
  it("a custom trainStep written with computeLoss, the loss tracker and computeMetrics logs what the default one does", async () => {
    class Keras3Step extends Model {
      override trainStep([x, y, sampleWeight]: StepData) {
        const tape = new GradientTape();
        const [yPred, loss] = tape.record(() => {
          const yPred = this.apply(x, { training: true }) as Tensor;
          return [yPred, this.computeLoss(x, y, yPred, sampleWeight)] as const;
        });
        const variables = this.trainableVariables;
        this.optimizer.applyGradients(tape.gradient(loss, variables).map((g, i) => [g, variables[i]]));
        this.lossTracker.updateState(loss, yPred.shape[0]);
        return this.computeMetrics(x, y, yPred, sampleWeight);
      }
    }
    const build = (cls: typeof Model) => {
      const inputs = Input({ shape: [3] });
      const model = new cls({ inputs, outputs: new layers.Dense({ units: 1 }).apply(inputs) });
      model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.1 }), loss: 'mse', metrics: ['mae'], weightedMetrics: ['mse'] });
      return model;
    };
    const reference = build(Model);
    const custom = build(Keras3Step);
    custom.setWeights(reference.getWeights());
    const { x, y } = regressionData(20);
    const sampleWeight = ops.randomUniform([20], { minval: 0.5, maxval: 2, seed: 9 });
    const options = { epochs: 3, batchSize: 8, shuffle: false, sampleWeight, validationSplit: 0.2, verbose: 0 as const };
    const expected = (await reference.fit(x, y, options)).history;
    const got = (await custom.fit(x, y, options)).history;
    expect(Object.keys(got).sort()).toEqual(['loss', 'mae', 'mse', 'val_loss', 'val_mae', 'val_mse']);
    for (const key of Object.keys(expected)) got[key].forEach((v, i) => expect(v).toBeCloseTo(expected[key][i], 6));
    // getMetricsResult: every metric of `metrics`, by name, as tensors.
    const results = custom.getMetricsResult();
    expect(Object.keys(results)).toEqual(custom.metricsNames);
    for (const value of Object.values(results)) (value as Tensor).dispose();
  });

  it('overriding computeMetrics adds a metric to the default steps, as in Keras\'s docstring', async () => {
    class WithCount extends Sequential {
      override computeMetrics(x: Tensor | Tensor[] | undefined, y: Tensor | Tensor[] | undefined, yPred: Tensor | Tensor[], sampleWeight?: Tensor) {
        const results = super.computeMetrics(x, y, yPred, sampleWeight);
        return { ...results, batch_mean_prediction: ops.mean(yPred as Tensor) };
      }
    }
    const model = new WithCount([Input({ shape: [3] }), new layers.Dense({ units: 1 })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const { x, y } = regressionData(8);
    const history = await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    expect(Object.keys(history.history).sort()).toEqual(['batch_mean_prediction', 'loss']);
    const evaluated = await model.evaluate(x, y, { verbose: 0 });
    const prediction = model.predictOnBatch(x) as Tensor;
    expect(evaluated.batch_mean_prediction).toBeCloseTo(((await prediction.data()) as Float32Array).reduce((a, b) => a + b, 0) / 8, 5);
    prediction.dispose();
  });
});

/** Passes its second input on and adds the mean squared difference from its first as a loss (a reconstruction term). */
class ReconstructionLoss extends Layer {
  override call([input, output]: Tensor[]) {
    this.addLoss(ops.mean(ops.square(output.sub(input))));
    return output;
  }
}

/** A linear autoencoder 4 -> 2 -> 4 whose only loss is its ReconstructionLoss layer's. */
function autoencoder(): Model {
  const inputs = Input({ shape: [4] });
  const decoded = new layers.Dense({ units: 4 }).apply(new layers.Dense({ units: 2 }).apply(inputs));
  return new Model({ inputs, outputs: new ReconstructionLoss().apply([inputs, decoded]) });
}

/** The reconstruction mse of a linear autoencoder's weights on x, in float64. */
async function autoencoderMse(model: Model, x: Tensor): Promise<number> {
  const [k1, b1, k2, b2] = await Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));
  const xs = await rows(x);
  let sum = 0;
  for (const row of xs) {
    const hidden = [0, 1].map((h) => row.reduce((s, v, i) => s + v * k1[i * 2 + h], b1[h]));
    for (let o = 0; o < 4; o++) sum += (hidden.reduce((s, v, h) => s + v * k2[h * 4 + o], b2[o]) - row[o]) ** 2;
  }
  return sum / (xs.length * 4);
}

describe('compile without a loss', () => {
  it('an autoencoder whose layer adds the loss trains with fit(x) and fit(x, undefined, options); evaluate(x) equals a float64 reference', async () => {
    const model = autoencoder();
    model.compile({ optimizer: new optimizers.Adam({ learningRate: 0.02 }) });
    const x = ops.randomNormal([32, 4], { seed: 3 });
    const before = await autoencoderMse(model, x);
    vi.spyOn(console, 'log').mockImplementation(() => {});   // fit's default verbose prints a line in Node
    const first = await model.fit(x);
    expect(first.history.loss.length).toBe(1);
    const history = await model.fit(x, undefined, { epochs: 30, batchSize: 8, validationSplit: 0.25, verbose: 0 });
    expect(history.history.val_loss.length).toBe(30);
    const after = await autoencoderMse(model, x);
    expect(after).toBeLessThan(before * 0.8);
    const evaluated = await model.evaluate(x, undefined, { batchSize: 32, verbose: 0 });
    expect(evaluated.loss).toBeCloseTo(after, 5);
  });

  it('a custom computeLoss is the loss of the default steps, without targets', async () => {
    class MeanSquare extends Sequential {
      override computeLoss(_x: Tensor | Tensor[] | undefined, _y: Tensor | Tensor[] | undefined, yPred: Tensor | Tensor[]) {
        return ops.mean(ops.square(yPred as Tensor));
      }
    }
    const model = new MeanSquare([Input({ shape: [3] }), new layers.Dense({ units: 1 })]);
    model.compile({ optimizer: 'sgd' });
    const { x } = regressionData(16);
    const history = await model.fit(x, undefined, { epochs: 2, batchSize: 16, validationData: [x], verbose: 0 });
    // Reference: mean((x k + b)^2) over the final weights, in float64.
    const [kernel, bias] = await Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));
    const reference = (await rows(x)).reduce((s, row) => s + row.reduce((a, v, j) => a + v * kernel[j], bias[0]) ** 2, 0) / 16;
    expect((await model.evaluate(x, undefined, { verbose: 0 })).loss).toBeCloseTo(reference, 5);
    expect(history.history.val_loss[1]).toBeCloseTo(reference, 5);
  });

  it('a model compiled without a loss is saved and loaded so, and trains on after loading', async () => {
    const model = new Sequential([Input({ shape: [3] }), new layers.Dense({ units: 2 }), new layers.ActivityRegularization({ l2: 0.1 })]);
    model.compile({ optimizer: 'adam' });
    const { x } = regressionData(8);
    await model.fit(x, undefined, { epochs: 1, verbose: 0 });
    const slot = memoryHandler();
    await model.save(slot);
    const loaded = await loadModel(slot);
    expect(loaded.compileArgs?.loss).toBeUndefined();
    const history = await loaded.fit(x, undefined, { epochs: 1, verbose: 0 });
    expect(Number.isFinite(history.history.loss[0])).toBe(true);
  });

  it('errors say which loss or targets are missing, before any GPU work', async () => {
    const { x, y } = regressionData(8);
    const noLoss = new Sequential([Input({ shape: [3] }), new layers.Dense({ units: 1 })]);
    noLoss.compile({ optimizer: 'sgd' });
    await expect(noLoss.fit(x, y, { epochs: 1, verbose: 0 })).rejects.toThrow("computeLoss: no loss to compute. Give compile() a loss, add losses with this.addLoss() in a layer's call, or override computeLoss or trainStep.");
    const withLoss = linearModel();
    const submits = currentGpu()!.recorder.submitCount;
    const missing = "the model was compiled with a loss, which compares predictions with targets, but no targets y were given. Pass y, or compile without a loss when the model's losses come from this.addLoss() or a custom computeLoss.";
    await expect(withLoss.fit(x)).rejects.toThrow(`fit: ${missing}`);
    await expect(withLoss.evaluate(x)).rejects.toThrow(`evaluate: ${missing}`);
    expect(currentGpu()!.recorder.submitCount).toBe(submits);
    const metricsOnly = autoencoder();
    metricsOnly.compile({ optimizer: 'sgd', metrics: ['mae'] });
    await expect(metricsOnly.fit(ops.zeros([8, 4]))).rejects.toThrow('fit: the compiled metrics (mae) compare predictions with targets, but no targets y were given.');
    expect(() => noLoss.compile({ optimizer: 'sgd', lossWeights: [1] })).toThrow('compile: lossWeights weigh the losses of the outputs, but no loss was given.');
    const compiled = autoencoder();
    compiled.compile({ optimizer: 'sgd' });
    await expect(compiled.fit(ops.zeros([8, 4]), undefined, { classWeight: { 0: 2 }, verbose: 0 })).rejects.toThrow('fit: classWeight weighs samples by the class of their target, but no targets y were given.');
    await expect(compiled.fit(ops.zeros([8, 4]), { epochs: 2, verbose: 0 } as never)).rejects.toThrow(
      "fit: the second argument is y, the targets, but it holds fit's options (epochs, verbose); for a model without targets call fit(x, undefined, options).",
    );
    await expect(withLoss.fit(x, y, { verbose: 0, callbacks: [{ onEpochEnd() {} } as never] })).rejects.toThrow(
      'fit: callbacks[0] is not a Callback instance: extend Callback, or wrap the hooks in new LambdaCallback({ onEpochEnd: (epoch, logs) => ... }).',
    );
  });
});

describe('a loss for some outputs only', () => {
  it('trains on the outputs given a loss (a record without the others, or null in a list), logs theirs, and saves so', async () => {
    const make = () => {
      const input = Input({ shape: [3] });
      const shared = new layers.Dense({ units: 4, name: 'shared' }).apply(input);
      const main = new layers.Dense({ units: 1, name: 'main' }).apply(shared);
      const aux = new layers.Dense({ units: 2, name: 'aux' }).apply(shared);
      return new Model({ inputs: input, outputs: [main, aux] });
    };
    const { x, y } = regressionData(8);
    const auxY = ops.zeros([8, 2]);
    const byRecord = make();
    byRecord.compile({ optimizer: 'sgd', loss: { main: 'mse' }, metrics: { aux: ['mae'] } });
    const byList = make();
    byList.setWeights(byRecord.getWeights());
    byList.compile({ optimizer: 'sgd', loss: ['mse', null], metrics: [[], ['mae']] });
    // The loss is the main output's alone: evaluate's loss equals the main output's mse.
    const mainOnly = (await byRecord.evaluate(x, [y, auxY], { verbose: 0 })) as Record<string, number>;
    const predictions = (await byRecord.predict(x)) as Tensor[];
    const mse = ops.mean(ops.square(ops.subtract(predictions[0], y)));
    expect(mainOnly.loss).toBeCloseTo((await mse.data())[0], 5);
    expect(Object.keys(mainOnly).sort()).toEqual(['aux_mae', 'loss', 'main_loss']);
    const [a, b] = [await byRecord.fit(x, [y, auxY], { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 }), await byList.fit(x, [y, auxY], { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 })];
    expect(a.history.loss).toEqual(b.history.loss);
    await byRecord.save('memory://some-losses');
    const restored = await loadModel('memory://some-losses');
    expect(((await restored.evaluate(x, [y, auxY], { verbose: 0 })) as Record<string, number>).loss).toBeCloseTo(((await byRecord.evaluate(x, [y, auxY], { verbose: 0 })) as Record<string, number>).loss, 6);
    await removeModel('memory://some-losses');
    expect(() => make().compile({ optimizer: 'sgd', loss: [null, null] })).toThrow("compile: the loss gives no output a loss (outputs 'main', 'aux'); leave loss out to compile without one.");
  });
});
