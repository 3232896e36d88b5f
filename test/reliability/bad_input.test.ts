// Bad input to fit / evaluate / predict, compile, layers and setWeights: each gets an error that
// says what was wrong and what was expected, thrown before any GPU work (no submit, no tensor
// left behind, weights untouched), and the model still trains afterwards.

import { describe, expect, it } from 'vitest';
import { Input, Model, Sequential, layers, memory, ops, tensor, tidy, type Tensor } from '../../src/node';
import { currentGpu } from '../../src/backend/engine';
import { settleGarbage, useWebGPU } from '../helpers';

useWebGPU();

function classifier(): Sequential {
  const model = new Sequential({ name: 'clf' });
  model.add(new layers.Dense({ units: 8, inputShape: [4], activation: 'relu' }));
  model.add(new layers.Dense({ units: 3, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

const x = () => ops.randomUniform([12, 4], { seed: 1 });
const yOneHot = () => ops.oneHot(ops.argMax(ops.randomUniform([12, 3], { seed: 2 }), -1), 3);

async function snapshot(model: Model): Promise<number[][]> {
  return Promise.all(model.weights.map(async (w) => Array.from(await w.data())));
}

/**
 * Runs `bad`, expects `message`, and checks that nothing reached the GPU or leaked and that the
 * model then trains on good data.
 */
async function rejectsCleanly(model: Model, bad: () => Promise<unknown> | unknown, message: string | RegExp, { submits = 0, sparse = false } = {}) {
  const xs = x();
  const ys = sparse ? tidy(() => ops.argMax(yOneHot(), -1)) : yOneHot();
  const weights = await snapshot(model);
  const iterations = model.optimizer?.iterations;
  const gpu = currentGpu()!;
  // Garbage of earlier tests is collected first, so the FinalizationRegistry cannot move the count.
  await settleGarbage();
  const submitsBefore = gpu.recorder.submitCount;
  const before = memory();
  await expect(Promise.resolve().then(bad)).rejects.toThrow(message);
  expect(gpu.recorder.submitCount - submitsBefore).toBe(submits);
  await settleGarbage();
  expect(memory().liveTensors).toBe(before.liveTensors);
  expect(memory().gpuBytes).toBe(before.gpuBytes);
  expect(model.optimizer?.iterations).toBe(iterations);
  expect(await snapshot(model)).toEqual(weights);
  if (model.compileArgs) {
    const history = await model.fit(xs, ys, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(Number.isFinite(history.history.loss[0])).toBe(true);
  }
  xs.dispose();
  ys.dispose();
}

describe('fit, evaluate and predict reject bad data before any GPU work', () => {
  it('x and y of different lengths', async () => {
    const model = classifier();
    const xs = x();
    const y8 = ops.oneHot(tensor([0, 1, 2, 0, 1, 2, 0, 1], [8], 'int32'), 3);
    const message = 'fit: x has 12 samples but y has 8 (shapes [8,3]); they must share the first dimension.';
    await rejectsCleanly(model, () => model.fit(xs, y8, { verbose: 0 }), message);
    await rejectsCleanly(model, () => model.evaluate(xs, y8), message.replace('fit', 'evaluate'));
  });

  it('samples of the wrong shape for the model', async () => {
    const model = classifier();
    const wide = ops.randomUniform([12, 5]);
    const ys = yOneHot();
    const message = "input 0 of model 'clf' expects samples of shape (None, 4), got x of shape [12,5].";
    await rejectsCleanly(model, () => model.fit(wide, ys, { verbose: 0 }), `fit: ${message}`);
    await rejectsCleanly(model, () => model.predict(wide), `predict: ${message}`);
    await rejectsCleanly(model, () => model.evaluate(wide, ys), `evaluate: ${message}`);
  });

  it('integer labels given to categorical crossentropy', async () => {
    const model = classifier();
    const labels = tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
    const xs = x();
    await rejectsCleanly(
      model,
      () => model.fit(xs, labels, { verbose: 0, batchSize: 12 }),
      'categoricalCrossentropy: yTrue shape [12] and yPred shape [12,3] differ; categorical crossentropy expects one-hot labels of the same shape (use sparseCategoricalCrossentropy for integer labels).',
    );
  });

  it('one-hot labels given to sparse categorical crossentropy', async () => {
    const model = classifier();
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    const [xs, ys] = [x(), yOneHot()];
    await rejectsCleanly(
      model,
      () => model.fit(xs, ys, { verbose: 0, batchSize: 12 }),
      'sparseCategoricalCrossentropy: yTrue shape [12,3] has a last dimension of 3, but sparse labels are class indices of shape [12] or [12,1]; for one-hot labels of yPred\'s shape [12,3], use categoricalCrossentropy.',
      { sparse: true },
    );
  });

  it('NaN or infinite values, with checkFinite (one reduction and readback, no training)', async () => {
    const model = classifier();
    const values = Array.from({ length: 48 }, (_, i) => i / 48);
    values[4 * 7 + 2] = NaN;
    values[4 * 9] = Infinity;
    const dirty = tensor(values, [12, 4]);
    const [xs, ys] = [x(), yOneHot()];
    await rejectsCleanly(
      model,
      () => model.fit(dirty, ys, { verbose: 0, checkFinite: true }),
      'fit: x holds 2 NaN or infinite value(s); the first is in sample 7 (flat index 30 of shape [12,4]). Remove or replace them (e.g. impute missing values) before training.',
      { submits: 1 },
    );
    const badLabels = ops.oneHot(tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], [12], 'int32'), 3).cast('float32').div(tensor([[1], [1], [0], [1], [1], [1], [1], [1], [1], [1], [1], [1]]));
    await rejectsCleanly(model, () => model.fit(xs, badLabels, { verbose: 0, checkFinite: true, validationData: [xs, ys] }), /fit: y holds 3 NaN or infinite value\(s\); the first is in sample 2/, { submits: 1 });
    await rejectsCleanly(model, () => model.fit(xs, ys, { verbose: 0, checkFinite: true, validationData: [dirty, ys] }), /fit: validation x holds 2 NaN or infinite value\(s\); the first is in sample 7/, { submits: 1 });
  });

  it('empty data', async () => {
    const model = classifier();
    const empty = tensor(new Float32Array(0), [0, 4]);
    const noLabels = tensor(new Float32Array(0), [0, 3]);
    await rejectsCleanly(model, () => model.fit(empty, noLabels, { verbose: 0 }), 'fit: the data is empty (0 samples).');
    await rejectsCleanly(model, () => model.predict(empty), 'predict: the data is empty (0 samples).');
    await rejectsCleanly(model, () => model.fit([], [], { verbose: 0 }), /fit: x could not be converted to a tensor|fit: the data is empty/);
  });

  it('batchSize 0, negative or fractional', async () => {
    const model = classifier();
    const [xs, ys] = [x(), yOneHot()];
    for (const batchSize of [0, -4, 2.5, NaN]) {
      await rejectsCleanly(model, () => model.fit(xs, ys, { batchSize, verbose: 0 }), `fit: batchSize must be a positive integer, got ${batchSize}.`);
      await rejectsCleanly(model, () => model.predict(xs, { batchSize }), `predict: batchSize must be a positive integer, got ${batchSize}.`);
      await rejectsCleanly(model, () => model.evaluate(xs, ys, { batchSize }), `evaluate: batchSize must be a positive integer, got ${batchSize}.`);
    }
  });

  it('fit before compile', async () => {
    const model = new Sequential({ layers: [new layers.Dense({ units: 3, inputShape: [4] })] });
    const [xs, ys] = [x(), yOneHot()];
    await rejectsCleanly(model, () => model.fit(xs, ys, { verbose: 0 }), 'fit: the model must be compiled first; call model.compile({ optimizer, loss }) before fit().');
    await rejectsCleanly(model, () => model.evaluate(xs, ys), 'evaluate: the model must be compiled first');
  });

  it('a tensor used after dispose', async () => {
    const model = classifier();
    const gone = x();
    gone.dispose();
    const ys = yOneHot();
    await rejectsCleanly(model, () => model.fit(gone, ys, { verbose: 0 }), 'fit: x (shape [12,4]) was disposed.');
    await rejectsCleanly(model, () => model.predict(gone), 'predict: x (shape [12,4]) was disposed.');
    await rejectsCleanly(model, () => gone.add(1), 'add: a tensor of shape [12,4] was used after it was disposed.');
  });
});

describe('compile, layers and setWeights reject bad arguments with the valid choices', () => {
  it('unknown loss, optimizer and metric names list the valid ones and keep the previous compile', async () => {
    const model = classifier();
    await rejectsCleanly(model, () => model.compile({ optimizer: 'adam', loss: 'categorical_crossentropyy' }), /Could not interpret loss identifier: 'categorical_crossentropyy'\. Valid names: mean_squared_error .*categorical_crossentropy/);
    await rejectsCleanly(model, () => model.compile({ optimizer: 'adamx', loss: 'mse' }), /Could not interpret optimizer identifier: "adamx"\. Expected an Optimizer or one of 'sgd', 'adam', .*'adamax'/);
    await rejectsCleanly(model, () => model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['acuracy'] }), /getMetric: unknown metric 'acuracy'\. Expected one of 'accuracy', 'acc', /);
    expect(model.compileArgs!.loss).toBe('categorical_crossentropy');
  });

  it('unknown initializer and activation names list the valid ones', () => {
    expect(() => new layers.Dense({ units: 2, kernelInitializer: 'glorot' as never })).toThrow(/Unknown initializer: 'glorot'\. Expected one of .*glorotUniform/);
    expect(() => new layers.Dense({ units: 2, activation: 'relux' as never })).toThrow(/Unknown activation function: 'relux'\. Expected one of .*relu/);
  });

  it('a layer applied to an input of the wrong rank or size', async () => {
    const model = classifier();
    await rejectsCleanly(model, () => new layers.Conv2D({ filters: 2, kernelSize: 3 }).apply(Input({ shape: [28, 28] })), /Input 0 of layer "conv2d(_\d+)?" is incompatible with the layer: expected (min_)?ndim=4, found ndim=3\. Full shape received: \(None, 28, 28\)/);
    const dense = new layers.Dense({ units: 2 });
    dense.apply(Input({ shape: [4] }));
    const narrow = tensor([[1, 2, 3]]);
    await rejectsCleanly(model, () => dense.apply(narrow), /Input 0 of layer "dense(_\d+)?" is incompatible with the layer: expected axis -1 of input shape to have value 4, but received input with shape \(1, 3\)/);
  });

  it('setWeights with a wrong count or shape changes nothing', async () => {
    const model = classifier();
    const good = model.getWeights();
    const wrong = [tensor(new Float32Array(20), [5, 4]), ...good.slice(1)];
    await rejectsCleanly(model, () => model.setWeights(good.slice(1)), /clf\.setWeights: expected 4 weights \(dense(_\d+)?\/kernel \[4,8\]/);
    await rejectsCleanly(model, () => model.setWeights(wrong), /clf\.setWeights: weight 0 \(dense(_\d+)?\/kernel\) has shape \[4,8\], got \[5,4\]\./);
    for (const t of [...good, wrong[0]] as Tensor[]) t.dispose();
  });
});
