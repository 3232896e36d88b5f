// Model behaviour: the functional, Sequential and subclassed forms, compile by names, fit options
// and logs, evaluate/predict and the on-batch methods, both training-step styles, callbacks,
// summary, and errors.

import { describe, expect, it, vi } from 'vitest';
import {
  EarlyStopping, GradientTape, Input, LambdaCallback, LearningRateScheduler, Model, ReduceLROnPlateau, Sequential, callbacks, layers, loadModel, memory, metrics, ops, setRandomSeed, tensor, tidy,
  type CallArgs, type Variable, type Logs, type StepData, type Tensor,
} from '../../src/node';
import { currentGpu } from '../../src/backend/engine';
import { settleGarbage, useWebGPU } from '../helpers';

useWebGPU();

function regressionData(count = 64): { x: Tensor; y: Tensor } {
  const x = ops.randomUniform([count, 3], { minval: -1, maxval: 1, seed: 5 });
  const y = ops.matmul(x, tensor([[1], [-2], [0.5]])).add(0.3);
  return { x, y };
}

function smallModel(): Sequential {
  const model = new Sequential();
  model.add(new layers.Dense({ units: 1, inputShape: [3] }));
  return model;
}

describe('construction', () => {
  it("names a functional model 'functional' and layers after their Keras class names, even where a minifier renamed the class (as Keras 3)", () => {
    const input = Input({ shape: [2] });
    expect(new Model({ inputs: input, outputs: new layers.Dense({ units: 1 }).apply(input) }).name).toMatch(/^functional(_\d+)?$/);
    expect(new Sequential().name).toMatch(/^sequential(_\d+)?$/);
    const original = Object.getOwnPropertyDescriptor(layers.BatchNormalization, 'name')!;
    Object.defineProperty(layers.BatchNormalization, 'name', { value: 'e' });
    try {
      expect(new layers.BatchNormalization().name).toMatch(/^batch_normalization(_\d+)?$/);
    } finally {
      Object.defineProperty(layers.BatchNormalization, 'name', original);
    }
  });

  it('a Sequential whose first layer is a model with a known input takes its input shape and is built (as Keras)', () => {
    const inner = new Sequential({ layers: [new layers.Dense({ units: 3, inputShape: [4] })] });
    const outer = new Sequential({ layers: [inner, new layers.Dense({ units: 2 })] });
    expect(outer.inputs[0].shape).toEqual([null, 4]);
    expect(outer.layers[1].weights.map((w) => w.shape)).toEqual([[3, 2], [2]]);
  });

  it('functional models with several inputs and outputs', async () => {
    const a = Input({ shape: [2], name: 'a' });
    const b = Input({ shape: [3], name: 'b' });
    const merged = new layers.Concatenate().apply([a, b]);
    const out1 = new layers.Dense({ units: 1, name: 'first' }).apply(merged);
    const out2 = new layers.Dense({ units: 2, name: 'second' }).apply(merged);
    const model = new Model({ inputs: [a, b], outputs: [out1, out2] });
    const [y1, y2] = model.apply([tensor([[1, 2]]), tensor([[3, 4, 5]])]) as Tensor[];
    expect(y1.shape).toEqual([1, 1]);
    expect(y2.shape).toEqual([1, 2]);
    model.compile({ optimizer: 'sgd', loss: ['mse', 'mse'], lossWeights: [1, 0.5], metrics: [['mae'], ['mse', 'mae']] });
    const logs = await model.trainOnBatch([tensor([[1, 2]]), tensor([[3, 4, 5]])], [tensor([[1]]), tensor([[1, 0]])]);
    expect(Object.keys(logs).sort()).toEqual(['first_loss', 'first_mae', 'loss', 'second_loss', 'second_mae', 'second_mse']);
    // Each output's loss is logged before its weight (as Keras 3); weighted, they add up to the loss.
    expect(logs.first_loss + 0.5 * logs.second_loss).toBeCloseTo(logs.loss, 5);
    expect(logs.first_loss).toBeCloseTo(logs.first_mae ** 2, 4);
    expect(logs.second_loss).toBeCloseTo(logs.second_mse, 5);

    // Arguments that do not fit the outputs are errors at compile time, which keeps the last compile.
    expect(() => model.compile({ optimizer: 'sgd', loss: ['mse'] })).toThrow(/loss is a list of 1 entries, one per output, but the model has 2 output\(s\) \('first', 'second'\)/);
    expect(() => model.compile({ optimizer: 'sgd', loss: { first: 'mse', secnd: 'mse' } })).toThrow(/loss names output 'secnd', but the model's output names are 'first', 'second'/);
    expect(() => model.compile({ optimizer: 'sgd', loss: 'mse', lossWeights: { frist: 2 } })).toThrow(/lossWeights names output 'frist'/);
    expect(() => model.compile({ optimizer: 'sgd', loss: 'mse', metrics: { first: ['mae'], third: ['mae'] } })).toThrow(/metrics names output 'third'/);
    expect(() => model.compile({ optimizer: 'sgd', loss: 'mse', metrics: [['mae'], ['mae'], ['mae']] })).toThrow(/metrics is a list of 3 entries/);
    expect(() => model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae', ['mse']] as never })).toThrow(/mixes metrics and lists of metrics/);
    expect(() => model.compile({ optimizer: 'sgd', loss: 'mse', metrics: [new metrics.MeanAbsoluteError()] })).toThrow(/the Metric object 'mean_absolute_error' can keep the state of one output only/);
    // Keras 3's Trainer.metrics: the loss tracker, the compiled metrics, then each output's loss tracker.
    expect(model.metricsNames).toEqual(['loss', 'first_mae', 'second_mse', 'second_mae', 'first_loss', 'second_loss']);
    const [xs, ys] = [[tensor([[1, 2]]), tensor([[3, 4, 5]])], [tensor([[1]]), tensor([[1, 0]])]];
    const evaluated = await model.evaluate(xs, ys, { verbose: 0 });
    expect(await model.evaluate(xs, ys, { verbose: 0, returnDict: false })).toEqual(['loss', 'first_mae', 'second_mse', 'second_mae', 'first_loss', 'second_loss'].map((name) => evaluated[name]));
  });

  it('subclassed models with layers made in the constructor and call overridden', async () => {
    class TwoLayer extends Model {
      hidden = new layers.Dense({ units: 4, activation: 'relu' });
      out = new layers.Dense({ units: 1 });
      override call(x: Tensor, args: CallArgs = {}) {
        return this.out.apply(this.hidden.apply(x, args), args);
      }
    }
    const model = new TwoLayer();
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const { x, y } = regressionData();
    const history = await model.fit(x, y, { epochs: 3, verbose: 0 });
    expect(model.weights.length).toBe(4);
    expect(history.history.loss.length).toBe(3);
  });

  it('Sequential builds at once from inputDim, so setWeights works before fit; pop removes the last layer', async () => {
    const model = new Sequential();
    model.add(new layers.Dense({ units: 2, inputDim: 3 }));
    model.add(new layers.Dense({ units: 1 }));
    expect(model.outputs[0].shape).toEqual([null, 1]);
    model.setWeights([tensor([[1, 0], [0, 1], [1, 1]]), tensor([0, 0]), tensor([[1], [1]]), tensor([0.5])]);
    expect(await (model.predictOnBatch(tensor([[1, 2, 3]])) as Tensor).array()).toEqual([[9.5]]);
    model.pop();
    expect(model.layers.length).toBe(1);
    expect(model.outputs[0].shape).toEqual([null, 2]);
  });

  it('Sequential from a list, Input first (Keras 3 style), with Keras layer names; getLayer by name or index; saved and loaded', async () => {
    const model = new Sequential([Input({ shape: [3] }), new layers.Dense({ units: 2, activation: 'relu' }), new layers.Dense({ units: 1 })]);
    expect(model.outputs[0].shape).toEqual([null, 1]);
    expect(model.weights.length).toBe(4);
    expect(model.layers.map((l) => l.constructor.name)).toEqual(['Dense', 'Dense']);
    expect(model.getLayer(0)).toBe(model.layers[0]);
    expect(model.getLayer(model.layers[1].name)).toBe(model.layers[1]);
    expect(() => model.getLayer('nope')).toThrow(/getLayer: no layer named 'nope' in model '.*'\. Its layers are: '/);
    expect(() => model.getLayer(7)).toThrow(/getLayer: was asked for the layer at index 7, but model '.*' has \d+ layer\(s\)/);
    expect(new layers.Conv2D({ filters: 1, kernelSize: 1 }).name).toMatch(/^conv2d(_\d+)?$/);
    expect(new layers.MaxPooling2D().name).toMatch(/^max_pooling2d(_\d+)?$/);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const { x, y } = regressionData(8);
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    await model.save('memory://sequential-list');
    const restored = await loadModel('memory://sequential-list');
    expect(await ((await restored.predict(x)) as Tensor).data()).toEqual(await ((await model.predict(x)) as Tensor).data());
    expect(() => new Sequential([new layers.Dense({ units: 1, inputShape: [3] }), Input({ shape: [3] })])).toThrow(/Input\(\{ shape \}\) must come first/);
    const dense = new layers.Dense({ units: 2, name: 'not_an_input' });
    expect(() => new Sequential([dense.apply(Input({ shape: [3] })) as never])).toThrow("Sequential.add: a symbolic tensor must come from Input({ shape }), got the output of layer 'not_an_input'; add the layer itself.");
    expect(() => new Sequential([3 as never])).toThrow('Sequential.add: expected a Layer (or, first, an Input({ shape })), got number.');
    expect(() => new Sequential([Input({ shape: [3] })]).pop()).toThrow('Sequential.pop: the model has no layers.');
  });

  it("a Sequential keeps its given Input as its input (its name too, as Keras), also after pop and add", async () => {
    const input = Input({ shape: [2], name: 'features' });
    const model = new Sequential([input, new layers.Dense({ units: 3 })]);
    expect(model.inputs).toEqual([input]);
    expect(model.inputs[0].name).toBe('features');
    model.pop();
    model.add(new layers.Dense({ units: 4 }));
    expect(model.inputs[0].name).toBe('features');
    expect(((await model.predict(tensor([[1, 2]]))) as Tensor).shape).toEqual([1, 4]);
  });

  it('summary prints Keras\'s table', () => {
    const model = new Sequential({ name: 'quickstart' });
    model.add(new layers.Dense({ units: 64, inputDim: 100, name: 'd1' }));
    model.add(new layers.Dense({ units: 10, name: 'd2' }));
    const lines: string[] = [];
    const text = model.summary((l) => lines.push(l));
    expect(text).toContain('Model: "quickstart"');
    expect(text).toMatch(/d1 \(Dense\)\s+│ \(None, 64\)\s+│\s+6,464 │/);
    expect(text).toContain('Total params: 7,114 (27.79 KB)');
    expect(lines.length).toBe(1);
  });
});

describe('compile and fit', () => {
  it('accepts snake_case and camelCase names and returns History with metrics and validation', async () => {
    setRandomSeed(7);
    const { x, y } = regressionData(80);
    const model = smallModel();
    model.compile({ optimizer: 'adam', loss: 'mean_squared_error', metrics: ['mae', 'meanSquaredError'] });
    const history = await model.fit(x, y, { epochs: 4, batchSize: 16, validationSplit: 0.25, verbose: 0 });
    expect(Object.keys(history.history).sort()).toEqual(['loss', 'mae', 'mean_squared_error', 'val_loss', 'val_mae', 'val_mean_squared_error']);
    expect(history.epoch).toEqual([0, 1, 2, 3]);
  });

  it("a custom metric written as Keras's guide writes it (result() returns its state variable) counts right in replayed steps and evaluate", async () => {
    class PositiveLabels extends metrics.Metric {
      readonly positives: Variable;
      constructor() {
        super('positive_labels');
        this.positives = this.addVariable({ shape: [], name: 'positives', initializer: 'zeros' });
      }
      updateState(yTrue: Tensor): void {
        tidy(() => this.positives.assignAdd(ops.sum(ops.cast(ops.greater(yTrue, 0.5), 'float32'))));
      }
      result(): Tensor {
        return this.positives;
      }
      override resetState(): void {
        this.positives.assign(0);
      }
    }
    const labels = [1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0];
    const x = ops.randomUniform([24, 3], { seed: 2 });
    const y = tensor(labels, [24, 1]);
    const counter = new PositiveLabels();
    const model = smallModel();
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: [counter] });
    // Six steps an epoch: the later ones replay the compiled step; the logs must not free the variable.
    const history = await model.fit(x, y, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
    expect(history.history.positive_labels).toEqual([10, 10, 10]);
    expect((await model.evaluate(x, y, { batchSize: 8, verbose: 0 })).positive_labels).toBe(10);
    expect(counter.positives.isDisposed).toBe(false);
    expect((await counter.result().data())[0]).toBe(10);
  });

  it('trains from plain nested arrays, submits at most once per step and reads logs back once per epoch', async () => {
    const model = smallModel();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const recorder = currentGpu()!.recorder;
    const [submits, reads] = [recorder.submitCount, recorder.readCount];
    await model.fit([[1, 2, 3], [4, 5, 6], [7, 8, 9], [1, 1, 1]], [[1], [2], [3], [0]], { epochs: 3, batchSize: 1, verbose: 0 });
    // 12 steps in 3 epochs: at most a submit per step (and one per epoch-end readback), one readback per epoch.
    expect(recorder.readCount - reads).toBe(3);
    expect(recorder.submitCount - submits).toBeLessThanOrEqual(12 + 3 + 2);
  });

  it('evaluate, predict and the on-batch methods', async () => {
    const { x, y } = regressionData(40);
    const model = smallModel();
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    const logs = await model.evaluate(x, y, { batchSize: 16 });
    expect(Object.keys(logs).sort()).toEqual(['loss', 'mae']);
    const predicted = (await model.predict(x, { batchSize: 16 })) as Tensor;
    expect(predicted.shape).toEqual([40, 1]);
    const direct = model.apply(x) as Tensor;
    const [p, d] = [await predicted.data(), await direct.data()];
    p.forEach((v, i) => expect(v).toBeCloseTo(d[i], 5));
    const train = await model.trainOnBatch(x, y);
    const test = await model.testOnBatch(x, y);
    expect(test.loss).toBeLessThan(train.loss);
  });

  it("evaluate with returnDict: false gives Keras's default form (the loss, then the metrics as compiled; one number for the loss alone); compile accepts jitCompile and autoScaleLoss", async () => {
    const { x, y } = regressionData(24);
    const model = smallModel();
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mse', 'mae'], jitCompile: true, autoScaleLoss: true });
    const logs = await model.evaluate(x, y, { verbose: 0 });
    expect(model.metricsNames).toEqual(['loss', 'mse', 'mae']);
    expect(await model.evaluate(x, y, { verbose: 0, returnDict: false })).toEqual([logs.loss, logs.mse, logs.mae]);
    const dataset = { *[Symbol.iterator]() { yield [x, y] as [Tensor, Tensor]; } };
    expect(await model.evaluate(dataset, { verbose: 0, returnDict: false })).toEqual([logs.loss, logs.mse, logs.mae]);
    model.compile({ optimizer: 'sgd', loss: 'mse', jitCompile: 'auto' });
    const lossOnly = await model.evaluate(x, y, { verbose: 0, returnDict: false });
    expect(lossOnly).toBe((await model.evaluate(x, y, { verbose: 0 })).loss);
  });

  it('the logged loss weighs each batch by its size, as Keras: a short last batch counts less', async () => {
    const model = smallModel();
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mse'] });
    const { x, y } = regressionData(5);
    // The mse metric is the mean over samples whatever the batches; so is the loss.
    const whole = await model.evaluate(x, y, { batchSize: 5, verbose: 0 });
    const split = await model.evaluate(x, y, { batchSize: 2, verbose: 0 });
    expect(whole.loss).toBeCloseTo(whole.mse, 5);
    expect(split.loss).toBeCloseTo(whole.mse, 5);
    expect(split.mse).toBeCloseTo(whole.mse, 5);
  });

  it('a frozen model nested in another keeps its weights out of the outer trainable weights (transfer learning)', async () => {
    const baseInput = Input({ shape: [3] });
    const base = new Model({ inputs: baseInput, outputs: new layers.Dense({ units: 4, activation: 'relu' }).apply(baseInput), trainable: false });
    const input = Input({ shape: [3] });
    const head = new layers.Dense({ units: 1 });
    const outer = new Model({ inputs: input, outputs: head.apply(base.apply(input) as never) });
    expect(outer.trainableWeights).toEqual(head.weights);
    expect(outer.nonTrainableWeights).toEqual(base.weights);
    outer.compile({ optimizer: 'sgd', loss: 'mse' });
    const before = await Promise.all(base.getWeights().map(async (w) => Array.from(await w.data())));
    const { x, y } = regressionData(8);
    await outer.fit(x, y, { epochs: 1, verbose: 0 });
    expect(await Promise.all(base.getWeights().map(async (w) => Array.from(await w.data())))).toEqual(before);
    // A subclassed model of two outputs is compiled for one: a clear error instead of training one output.
    class TwoHeads extends Model {
      a = new layers.Dense({ units: 1 });
      b = new layers.Dense({ units: 1 });
      override call(t: Tensor | Tensor[]) {
        return [this.a.apply(t as Tensor), this.b.apply(t as Tensor)];
      }
    }
    const twoHeads = new TwoHeads();
    twoHeads.compile({ optimizer: 'sgd', loss: 'mse' });
    await expect(twoHeads.fit(x, [y, y], { epochs: 1, verbose: 0 })).rejects.toThrow(/loss: the model returned 2 outputs but was compiled for 1\. A subclassed model is compiled for one output/);
  });

  it('trainable: false given to a model freezes all its weights, as does setting it later', async () => {
    const inputs = Input({ shape: [3] });
    const frozen = new Model({ inputs, outputs: new layers.Dense({ units: 2 }).apply(inputs), trainable: false });
    expect(frozen.trainableWeights).toEqual([]);
    expect(frozen.nonTrainableWeights.length).toBe(2);
    expect(frozen.summary()).toMatch(/Trainable params: 0 /);
    frozen.compile({ optimizer: 'sgd', loss: 'mse' });
    const before = await Promise.all(frozen.getWeights().map(async (w) => Array.from(await w.data())));
    const { x } = regressionData(8);
    await frozen.fit(x, ops.zeros([8, 2]), { epochs: 1, verbose: 0 });
    expect(await Promise.all(frozen.getWeights().map(async (w) => Array.from(await w.data())))).toEqual(before);
    frozen.trainable = true;
    expect(frozen.trainableWeights.length).toBe(2);
  });

  it('the Keras 3 training-step style: computeLoss and a loop over this.metrics', async () => {
    class Keras3Style extends Model {
      override trainStep([x, y]: StepData) {
        const tape = new GradientTape();
        const [yPred, loss] = tape.record(() => {
          const yPred = this.apply(x, { training: true }) as Tensor;
          return [yPred, this.computeLoss(x, y!, yPred)] as const;
        });
        const vars = this.trainableVariables;
        this.optimizer.applyGradients(tape.gradient(loss, vars).map((g, i) => [g, vars[i]]));
        for (const metric of this.metrics) {
          if (metric.name === 'loss') metric.updateState(loss);
          else metric.updateState(y as Tensor, yPred);
        }
        return Object.fromEntries(this.metrics.map((m) => [m.name, m.result()]));
      }
    }
    const inputs = Input({ shape: [3] });
    const model = new Keras3Style({ inputs, outputs: new layers.Dense({ units: 1 }).apply(inputs) });
    model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
    const { x, y } = regressionData();
    const history = await model.fit(x, y, { epochs: 5, verbose: 0 });
    expect(history.history.loss[4]).toBeLessThan(history.history.loss[0]);
    expect(history.history.mae.length).toBe(5);
  });

  it('a custom trainStep that logs a tensor of several values gets an error naming the log', async () => {
    class VectorLog extends Model {
      override trainStep([x]: StepData) {
        return { loss: ops.sum(x as Tensor), perFeature: ops.mean(x as Tensor, 0) };
      }
    }
    const inputs = Input({ shape: [3] });
    const model = new VectorLog({ inputs, outputs: new layers.Dense({ units: 1 }).apply(inputs) });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const { x, y } = regressionData(8);
    await expect(model.fit(x, y, { epochs: 1, verbose: 0 })).rejects.toThrow(
      "Log 'perFeature' holds a tensor of shape [3], but logs hold one number per name: return a scalar from trainStep or testStep (reduce it, or log each value under its own name).",
    );
  });

  it('yieldEvery gives the event loop a turn between batches (through a MessageChannel, which background tabs do not throttle)', async () => {
    const model = smallModel();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const { x, y } = regressionData(8);
    const timerRanBeforeLastBatch = async (yieldEvery: number | 'never') => {
      let ticked = false;
      let seen = false;
      setTimeout(() => void (ticked = true), 0);
      const probe = new LambdaCallback({ onBatchBegin: (batch) => void (batch === 7 && (seen = ticked)) });
      await model.fit(x, y, { epochs: 1, batchSize: 1, shuffle: false, verbose: 0, yieldEvery, callbacks: [probe] });
      return seen;
    };
    expect(await timerRanBeforeLastBatch('never')).toBe(false);
    expect(await timerRanBeforeLastBatch(0)).toBe(true);
  });

  it('reclaims every tensor of a step: memory stays flat across epochs', async () => {
    const { x, y } = regressionData();
    const model = smallModel();
    model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
    await model.fit(x, y, { epochs: 2, verbose: 0 });
    await settleGarbage();
    const before = memory();
    await model.fit(x, y, { epochs: 5, verbose: 0 });
    await settleGarbage();
    expect(memory().liveTensors).toBe(before.liveTensors);
    expect(memory().gpuBytes).toBe(before.gpuBytes);
  });
});

describe('callbacks', () => {
  it('calls every hook in order, and stopTraining ends fit after the current batch', async () => {
    const events: string[] = [];
    const model = smallModel();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const { x, y } = regressionData(32);
    const cb = new LambdaCallback({
      onTrainBegin: () => void events.push('train begin'),
      onEpochBegin: (e) => void events.push(`epoch ${e} begin`),
      onBatchEnd: (b, logs: Logs) => {
        events.push(`batch ${b} end ${Number.isFinite(logs.loss)}`);
        if (b === 1) model.stopTraining = true;
      },
      onEpochEnd: (e) => void events.push(`epoch ${e} end`),
      onTrainEnd: () => void events.push('train end'),
    });
    await model.fit(x, y, { epochs: 3, batchSize: 8, callbacks: [cb], verbose: 0 });
    expect(events).toEqual(['train begin', 'epoch 0 begin', 'batch 0 end true', 'batch 1 end true', 'epoch 0 end', 'train end']);
  });

  it('EarlyStopping stops when the monitored value stops improving and restores the best weights', async () => {
    const model = smallModel();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const { x, y } = regressionData(32);
    let calls = 0;
    // A fake monitored value: improves for two epochs, then worsens.
    const fake = new LambdaCallback({ onEpochEnd: (_e, logs: Logs) => void (logs.score = [3, 2, 1, 5, 6, 7, 8][calls++]) });
    const stopper = new EarlyStopping({ monitor: 'score', mode: 'min', patience: 2, restoreBestWeights: true });
    let bestWeights: Float32Array[] = [];
    const snapshot = new LambdaCallback({
      onEpochEnd: async (epoch) => {
        if (epoch === 2) bestWeights = (await Promise.all(model.getWeights().map((w) => w.data()))) as Float32Array[];
      },
    });
    await model.fit(x, y, { epochs: 7, batchSize: 8, callbacks: [fake, snapshot, stopper], verbose: 0 });
    expect(stopper.stoppedEpoch).toBe(4);
    expect(stopper.bestEpoch).toBe(2);
    const restored = await Promise.all(model.getWeights().map((w) => w.data()));
    restored.forEach((w, k) => expect(Array.from(w)).toEqual(Array.from(bestWeights[k])));
  });

  it('ReduceLROnPlateau lowers the learning rate after a plateau', async () => {
    const model = smallModel();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const { x, y } = regressionData(16);
    const flat = new LambdaCallback({ onEpochEnd: (_e, logs: Logs) => void (logs.flat = 1) });
    await model.fit(x, y, { epochs: 4, callbacks: [flat, new ReduceLROnPlateau({ monitor: 'flat', factor: 0.5, patience: 1 })], verbose: 0 });
    expect(model.optimizer.learningRate).toBeLessThan(0.01);
  });

  it('callbacks reject options that are not theirs (a snake_case Keras name gets its camelCase form), and print with verbose', async () => {
    expect(() => new EarlyStopping({ restore_best_weights: true } as never)).toThrow(
      "EarlyStopping: unknown option 'restore_best_weights' (did you mean 'restoreBestWeights'?). Its options: monitor, minDelta, patience, mode, baseline, restoreBestWeights, startFromEpoch, verbose.",
    );
    expect(() => new ReduceLROnPlateau({ min_lr: 0.001 } as never)).toThrow("ReduceLROnPlateau: unknown option 'min_lr' (did you mean 'minLr'?)");
    expect(() => new callbacks.ModelCheckpoint({ filepath: 'memory://ckpt', save_best_only: true } as never)).toThrow("ModelCheckpoint: unknown option 'save_best_only' (did you mean 'saveBestOnly'?)");
    expect(() => new LambdaCallback({ on_epoch_end: () => {} } as never)).toThrow("LambdaCallback: unknown option 'on_epoch_end' (did you mean 'onEpochEnd'?)");

    const model = smallModel();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const { x, y } = regressionData(16);
    const flat = new LambdaCallback({ onEpochEnd: (_e, logs: Logs) => void (logs.flat = 1) });
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      await model.fit(x, y, {
        epochs: 4,
        verbose: 0,
        callbacks: [flat, new ReduceLROnPlateau({ monitor: 'flat', patience: 1, factor: 0.5, verbose: 1 }), new EarlyStopping({ monitor: 'flat', mode: 'min', patience: 1, restoreBestWeights: true, verbose: 1 })],
      });
    } finally {
      log.mockRestore();
    }
    // 'flat' never improves after epoch 1: the rate halves at epoch 2, training stops there and the best (first) epoch's weights come back.
    expect(lines).toEqual(['Epoch 2: ReduceLROnPlateau reducing learning rate to 0.005.', 'Epoch 2: early stopping', 'Restoring model weights from the end of the best epoch: 1.']);
  });

  it('LearningRateScheduler sets the rate of each epoch from the function and logs it', async () => {
    const model = smallModel();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const { x, y } = regressionData(16);
    const kernels: number[][] = [];
    const record = new LambdaCallback({ onEpochEnd: async () => void kernels.push(Array.from(await model.layers[0].weights[0].data())) });
    const rates = [0.1, 0, 0.05];
    const seen: number[] = [];
    const scheduler = new LearningRateScheduler((epoch, lr) => {
      seen.push(lr);
      return rates[epoch];
    });
    const history = await model.fit(x, y, { epochs: 3, batchSize: 8, callbacks: [scheduler, record], verbose: 0 });
    expect(history.history.learning_rate).toEqual([0.1, 0, 0.05]);
    // The function gets the rate in force: the optimizer's 0.01, then what it returned.
    expect(seen).toEqual([0.01, 0.1, 0]);
    // A rate of 0 leaves the weights where the epoch before left them; the others move them.
    expect(kernels[1]).toEqual(kernels[0]);
    expect(kernels[2]).not.toEqual(kernels[1]);
    expect(() => new LearningRateScheduler(0.1 as never)).toThrow('LearningRateScheduler: Invalid value for argument schedule. Expected a function (epoch, learningRate) => number. Received: schedule=number.');
    const bad = new LearningRateScheduler(() => NaN);
    await expect(model.fit(x, y, { epochs: 1, callbacks: [bad], verbose: 0 })).rejects.toThrow('LearningRateScheduler: the schedule function must return a finite number. Received: NaN for epoch 0.');
  });

  it('the progress bar prints Keras-style lines when verbose is 1', async () => {
    const lines: string[] = [];
    const bar = new callbacks.ProgressBar((l) => lines.push(l));
    const model = smallModel();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const { x, y } = regressionData(16);
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [bar] });
    expect(lines[0]).toBe('Epoch 1/2');
    expect(lines[1]).toMatch(/^2\/2 - \d+s - \d+ms\/step - loss: \d+\.\d{4}$/);
  });
});

describe('callbacks of evaluate, predict and fit\'s validation', () => {
  it('evaluate calls the test hooks in order, with per-batch logs only for a callback that asks', async () => {
    const events: string[] = [];
    const model = smallModel();
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    const { x, y } = regressionData(20);
    const batchLosses: number[] = [];
    const cb = new LambdaCallback({
      onTestBegin: () => void events.push('test begin'),
      onTestBatchBegin: (b) => void events.push(`batch ${b} begin`),
      onTestBatchEnd: (b, logs: Logs) => {
        events.push(`batch ${b} end (${logs.size} samples)`);
        batchLosses.push(logs.loss);
      },
      onTestEnd: (logs: Logs) => void events.push(`test end ${Object.keys(logs).sort().join(',')}`),
    });
    const logs = await model.evaluate(x, y, { batchSize: 8, callbacks: [cb], verbose: 0 });
    expect(events).toEqual(['test begin', 'batch 0 begin', 'batch 0 end (8 samples)', 'batch 1 begin', 'batch 1 end (8 samples)', 'batch 2 begin', 'batch 2 end (4 samples)', 'test end loss,mae']);
    // The loss tracker's running mean after the last batch is the result.
    expect(batchLosses[2]).toBe(logs.loss);
    // Each batch's mean: the running mean after batch 0 is batch 0's loss alone.
    const first = await model.evaluate(ops.slice(x, [0, 0], [8, 3]), ops.slice(y, [0, 0], [8, 1]), { verbose: 0 });
    expect(batchLosses[0]).toBeCloseTo(first.loss, 6);
  });

  it('fit calls the test hooks for its validation each epoch, before onEpochEnd, and prints no extra line', async () => {
    const events: string[] = [];
    const lines: string[] = [];
    const model = smallModel();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const { x, y } = regressionData(32);
    const cb = new LambdaCallback({
      onTestBegin: () => void events.push('test begin'),
      onTestEnd: (logs: Logs) => void events.push(`test end ${Number.isFinite(logs.loss)}`),
      onEpochEnd: (e, logs: Logs) => void events.push(`epoch ${e} end ${Object.keys(logs).sort().join(',')}`),
    });
    await model.fit(x, y, { epochs: 2, batchSize: 8, validationSplit: 0.25, callbacks: [cb, new callbacks.ProgressBar((l) => lines.push(l))], verbose: 0 });
    expect(events).toEqual(['test begin', 'test end true', 'epoch 0 end loss,val_loss', 'test begin', 'test end true', 'epoch 1 end loss,val_loss']);
    expect(lines.length).toBe(4);
    expect(lines[1]).toMatch(/^3\/3 - \d+s - \d+ms\/step - loss: \d+\.\d{4} - val_loss: \d+\.\d{4}$/);
  });

  it('evaluate prints one Keras-style line when verbose is 1 or 2; predict calls the predict hooks', async () => {
    const model = smallModel();
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    const { x, y } = regressionData(20);
    const printed: string[] = [];
    const log = console.log;
    console.log = (line: string) => void printed.push(line);
    try {
      await model.evaluate(x, y, { batchSize: 8, verbose: 1 });
      await model.evaluate(x, y, { batchSize: 8, verbose: 0 });
      await model.evaluate(x, y, { batchSize: 8, verbose: 2 });
    } finally {
      console.log = log;
    }
    expect(printed.length).toBe(2);
    expect(printed[0]).toMatch(/^3\/3 - \d+s - \d+ms\/step - loss: \d+\.\d{4} - mae: \d+\.\d{4}$/);
    expect(printed[1].replace(/\d+ms/, '')).toBe(printed[0].replace(/\d+ms/, ''));

    const events: string[] = [];
    const cb = new LambdaCallback({
      onPredictBegin: () => void events.push('predict begin'),
      onPredictBatchBegin: (b) => void events.push(`batch ${b} begin`),
      onPredictBatchEnd: (b) => void events.push(`batch ${b} end`),
      onPredictEnd: () => void events.push('predict end'),
    });
    const before = memory().liveTensors;
    const predicted = (await model.predict(x, { batchSize: 8, callbacks: [cb] })) as Tensor;
    expect(predicted.shape).toEqual([20, 1]);
    predicted.dispose();
    expect(memory().liveTensors).toBe(before);
    expect(events).toEqual(['predict begin', 'batch 0 begin', 'batch 0 end', 'batch 1 begin', 'batch 1 end', 'batch 2 begin', 'batch 2 end', 'predict end']);
    // A callback that throws at the end frees the outputs it would have returned.
    const failing = new LambdaCallback({ onPredictEnd: () => { throw new Error('callback failed'); } });
    await expect(model.predict(x, { batchSize: 8, callbacks: [failing] })).rejects.toThrow('callback failed');
    expect(memory().liveTensors).toBe(before);
  });
});

describe('errors', () => {
  it('fit before compile', async () => {
    const { x, y } = regressionData(8);
    await expect(smallModel().fit(x, y)).rejects.toThrow('fit: the model must be compiled first; call model.compile({ optimizer, loss }) before fit().');
  });

  it('x and y of different lengths, empty data, bad batch sizes, wrong feature shape', async () => {
    const model = smallModel();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    await expect(model.fit(ops.zeros([10, 3]), ops.zeros([9, 1]))).rejects.toThrow('fit: x has 10 samples but y has 9');
    await expect(model.fit(ops.zeros([0, 3]), ops.zeros([0, 1]))).rejects.toThrow('fit: the data is empty (0 samples).');
    await expect(model.fit(ops.zeros([4, 3]), ops.zeros([4, 1]), { batchSize: 0 })).rejects.toThrow('fit: batchSize must be a positive integer, got 0.');
    await expect(model.fit(ops.zeros([4, 5]), ops.zeros([4, 1]))).rejects.toThrow("fit: input 0 of model 'sequential");
    await expect(model.fit({ features: ops.zeros([4, 3]) }, ops.zeros([4, 1]))).rejects.toThrow(`fit: x names 'features', but the model's inputs are '${model.inputs[0].node.layer.name}'.`);
  });

  it('inputs or outputs that are not symbolic tensors, lists or records of them are a clear error', () => {
    const a = Input({ shape: [2], name: 'a' });
    const o = new layers.Dense({ units: 1 }).apply(a);
    const expected = 'must be a symbolic tensor (from Input or a layer applied to one), a non-empty list of them or a record of them by key; got';
    expect(() => new Model({ inputs: a, outputs: { o: 3 } as never, name: 'dict_model' })).toThrow(`Model 'dict_model': \`outputs\` ${expected} a record holding o: number.`);
    expect(() => new Model({ inputs: {}, outputs: o, name: 'dict_model' })).toThrow(`Model 'dict_model': \`inputs\` ${expected} an empty record.`);
    expect(() => new Model({ inputs: [], outputs: o, name: 'empty' })).toThrow(`Model 'empty': \`inputs\` ${expected} an empty list.`);
  });

  it('data records by input and output name (Keras dicts), in any key order', async () => {
    const a = Input({ shape: [2], name: 'a' });
    const b = Input({ shape: [3], name: 'b' });
    const merged = new layers.Concatenate().apply([a, b]);
    const model = new Model({ inputs: [a, b], outputs: [new layers.Dense({ units: 1, name: 'first' }).apply(merged), new layers.Dense({ units: 2, name: 'second' }).apply(merged)] });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const xa = ops.randomUniform([8, 2], { seed: 1 });
    const xb = ops.randomUniform([8, 3], { seed: 2 });
    const y1 = ops.zeros([8, 1]);
    const y2 = ops.ones([8, 2]);
    const byList = (await model.predict([xa, xb])) as Tensor[];
    const byName = (await model.predict({ b: xb, a: xa })) as Tensor[];
    for (let i = 0; i < 2; i++) expect(Array.from(await byName[i].data())).toEqual(Array.from(await byList[i].data()));
    const listed = await model.evaluate([xa, xb], [y1, y2], { verbose: 0 });
    expect(await model.evaluate({ b: xb, a: xa }, { second: y2, first: y1 }, { verbose: 0 })).toEqual(listed);
    const history = await model.fit({ a: xa, b: [[0, 0, 0], [1, 1, 1], [0, 1, 0], [1, 0, 1], [0, 0, 1], [1, 1, 0], [0, 1, 1], [1, 0, 0]] }, { first: y1, second: y2 }, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(history.history.first_loss).toHaveLength(1);

    await expect(model.fit({ a: xa }, [y1, y2])).rejects.toThrow("fit: x has no entry for 'b'; the model's inputs are 'a', 'b' (got 'a').");
    await expect(model.fit({ a: xa, b: xb, c: xb }, [y1, y2])).rejects.toThrow("fit: x names 'c', but the model's inputs are 'a', 'b'.");
    await expect(model.evaluate([xa, xb], { first: y1, third: y2 })).rejects.toThrow("evaluate: y names 'third', but the model's outputs are 'first', 'second'.");
    await expect(model.predict({ a: xa, b: [xb, xb] as never })).rejects.toThrow("predict: x['b'] is a list of tensors; each named entry is one tensor.");

    // A subclassed model has no input names: its call receives the record (test/models/subclassed_records.test.ts); y may not be one.
    class Doubler extends Model {
      override call(inputs: Tensor | Tensor[]): Tensor {
        return (inputs as Tensor).mul(2);
      }
    }
    const doubler = new Doubler();
    doubler.compile({ optimizer: 'sgd', loss: 'mse' });
    await expect(doubler.evaluate(xa, { a: y1 })).rejects.toThrow("evaluate: y is a record ('a'), but this model has no named outputs (only a functional or Sequential model does); give a tensor, a list of tensors, or nested arrays.");
    model.dispose();
  });

  it('an option name that is not one of theirs (a typo, a snake_case Keras name) is an error for compile, fit, evaluate, predict and the batch methods', async () => {
    const model = smallModel();
    expect(() => model.compile({ optimizer: 'sgd', loss: 'mse', metric: ['mae'] } as never)).toThrow("compile: unknown option 'metric'. Its options: optimizer, loss, metrics, weightedMetrics, lossWeights, runEagerly, jitCompile, autoScaleLoss.");
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const { x, y } = regressionData(8);
    await expect(model.fit(x, y, { epoch: 5 } as never)).rejects.toThrow(/^fit: unknown option 'epoch'\. Its options: epochs, batchSize,/);
    await expect(model.fit(x, y, { batch_size: 4 } as never)).rejects.toThrow("fit: unknown option 'batch_size' (did you mean 'batchSize'?).");
    await expect(model.evaluate(x, y, { sample_weight: [1] } as never)).rejects.toThrow("evaluate: unknown option 'sample_weight' (did you mean 'sampleWeight'?).");
    await expect(model.predict(x, { batch: 2 } as never)).rejects.toThrow("predict: unknown option 'batch'. Its options: batchSize, verbose, callbacks, steps.");
    await expect(model.trainOnBatch(x, y, { class_weight: { 0: 1 } } as never)).rejects.toThrow("trainOnBatch: unknown option 'class_weight' (did you mean 'classWeight'?).");
    expect((await model.fit(x, y, { epochs: 1, verbose: 0 })).history.loss.length).toBe(1);
  });

  it('new Sequential(layers, { name }), and inputShape / outputShape as Keras', () => {
    const model = new Sequential([Input({ shape: [3] }), new layers.Dense({ units: 2 })], { name: 'named_stack' });
    expect(model.name).toBe('named_stack');
    expect(model.inputShape).toEqual([null, 3]);
    expect(model.outputShape).toEqual([null, 2]);
    expect(() => new Sequential().inputShape).toThrow(/inputShape: model '.*' has no graph yet/);
  });

  it('a functional model given no outputs, and a layer given the wrong rank', () => {
    expect(() => new Model({ inputs: Input({ shape: [2] }) })).toThrow('give both inputs and outputs');
    const dense = new layers.Dense({ units: 2 });
    expect(() => dense.apply(tensor([1, 2]))).toThrow(`Input 0 of layer "${dense.name}" is incompatible with the layer: expected min_ndim=2, found ndim=1.`);
  });

  it('sparse labels outside the classes give a NaN loss, which fit reports, not a perfect 0', async () => {
    const model = new Sequential();
    model.add(new layers.Dense({ units: 2, activation: 'softmax', inputShape: [3] }));
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    const { x } = regressionData(8);
    const labels = tensor([0, 1, 5, 1, 0, 1, 0, 1], [8], 'int32');
    expect((await model.evaluate(x, labels, { verbose: 0 })).loss).toBeNaN();
    const history = await model.fit(x, labels, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
    expect(history.firstNonFiniteLoss).toEqual({ epoch: 0, batch: 0 });
  });

  it('a Model without graph or call override says what to do', () => {
    expect(() => new Model().apply(tensor([[1]]))).toThrow('has no graph: construct it with { inputs, outputs }, or subclass Model and override call().');
  });
});

describe('getConfig and fromConfig (Keras get_config / from_config)', () => {
  it('a functional model\'s config holds its graph, and Model.fromConfig rebuilds it with fresh weights', async () => {
    const input = Input({ shape: [3], name: 'features' });
    const hidden = new layers.Dense({ units: 4, activation: 'relu', name: 'hidden' }).apply(input);
    const model = new Model({ inputs: input, outputs: new layers.Dense({ units: 2, name: 'head' }).apply(hidden), name: 'mlp' });
    const config = model.getConfig();
    expect(Object.keys(config)).toEqual(expect.arrayContaining(['name', 'layers', 'input_layers', 'output_layers']));
    expect((config.layers as Array<{ class_name: string }>).map((l) => l.class_name)).toEqual(['InputLayer', 'Dense', 'Dense']);
    const twin = Model.fromConfig(config);
    expect(twin).toBeInstanceOf(Model);
    expect(twin.name).toBe('mlp');
    expect(twin.layers.map((l) => l.name)).toEqual(['features', 'hidden', 'head']);
    expect(twin.outputShape).toEqual([null, 2]);
    // Fresh weights of the same shapes; with the original's weights it computes the same outputs.
    expect(twin.weights.map((w) => w.shape)).toEqual(model.weights.map((w) => w.shape));
    expect(twin.weights.every((w) => !model.weights.includes(w))).toBe(true);
    twin.setWeights(model.getWeights());
    const x = tensor([[1, -2, 0.5], [0, 3, -1]]);
    expect(Array.from(await (twin.apply(x) as Tensor).data())).toEqual(Array.from(await (model.apply(x) as Tensor).data()));
  });

  it('Sequential.fromConfig rebuilds a Sequential, built on its input shape', () => {
    const model = new Sequential([Input({ shape: [5] }), new layers.Dense({ units: 3 }), new layers.Dropout({ rate: 0.5 })], { name: 'stack' });
    const config = model.getConfig();
    expect(config.build_input_shape).toEqual([null, 5]);
    const twin = Sequential.fromConfig(config);
    expect(twin).toBeInstanceOf(Sequential);
    expect(twin.name).toBe('stack');
    expect(twin.layers.map((l) => l.constructor.name)).toEqual(['Dense', 'Dropout']);
    expect(twin.weights.map((w) => w.shape)).toEqual([[5, 3], [3]]);
  });

  it('a subclassed model keeps its constructor options as its config', () => {
    class Scaled extends Model {
      constructor(config: { factor?: number; name?: string } = {}) {
        super(config);
      }
    }
    expect(new Scaled({ factor: 2, name: 'scaled' }).getConfig()).toMatchObject({ factor: 2, name: 'scaled' });
  });
});
