// fit, evaluate and predict on datasets of batches (iterables and async iterables yielding
// [x, y] or [x, y, sampleWeight]), as Keras takes a tf.data.Dataset or a generator: the same
// training as on the tensors in memory batch for batch, Keras's epoch rules (a fresh iteration an
// epoch, or stepsPerEpoch carried across epochs and interrupted when the data runs out), the
// tensors a dataset makes freed after their step, and clear errors before any GPU work.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Input, LambdaCallback, Model, Sequential, callbacks, getBackend, layers, memory, ops, optimizers, tensor, type Batch, type Tensor } from '../../src/node';
import { onBothBackends, settleGarbage, useWebGPU } from '../helpers';

useWebGPU();
beforeEach(() => expect(getBackend()).toBe('webgpu'));
afterEach(() => vi.restoreAllMocks());

const SAMPLES = 40;
const BATCH = 16;

function data(): { x: Tensor; y: Tensor } {
  const x = ops.randomUniform([SAMPLES, 5], { minval: -1, maxval: 1, seed: 21 });
  const classes = ops.cast(ops.randomUniform([SAMPLES], { minval: 0, maxval: 3, seed: 22 }), 'int32');
  return { x, y: ops.oneHot(classes, 3) };
}

function classifier(runEagerly = false, seedModel?: Sequential): Sequential {
  const model = new Sequential([Input({ shape: [5] }), new layers.Dense({ units: 8, activation: 'relu' }), new layers.Dense({ units: 3, activation: 'softmax' })]);
  model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.2 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'], runEagerly });
  if (seedModel) model.setWeights(seedModel.getWeights());
  return model;
}

/** Rows [start, start + size) of t, as a new tensor. */
const rows = (t: Tensor, start: number, size: number) => ops.slice(t, [start, 0], [size, t.shape[1]]);

/** A dataset that starts over each epoch: batches sliced from x and y (the last one partial), made as it goes. */
function slicedDataset(x: Tensor, y: Tensor, w?: Tensor): Iterable<Batch> {
  return {
    *[Symbol.iterator]() {
      for (let start = 0; start < SAMPLES; start += BATCH) {
        const size = Math.min(BATCH, SAMPLES - start);
        const batch: Batch = w ? [rows(x, start, size), rows(y, start, size), ops.slice(w, [start], [size])] : [rows(x, start, size), rows(y, start, size)];
        yield batch;
      }
    },
  };
}

async function weightsOf(model: Model): Promise<Float32Array[]> {
  return Promise.all(model.getWeights().map(async (w) => Float32Array.from(await w.data())));
}

function expectClose(a: Float32Array[], b: Float32Array[], tolerance = 1e-6): void {
  expect(a.length).toBe(b.length);
  a.forEach((values, i) => values.forEach((v, j) => expect(Math.abs(v - b[i][j])).toBeLessThanOrEqual(tolerance)));
}

describe('fit on a dataset', () => {
  it('trains as fit on the same tensors unshuffled, batch for batch, replayed or eager, the last batch partial', async () => {
    const { x, y } = data();
    const reference = classifier();
    const [compiled, eager] = [classifier(false, reference), classifier(true, reference)];
    const expected = await reference.fit(x, y, { epochs: 3, batchSize: BATCH, shuffle: false, verbose: 0 });
    const fromDataset = await compiled.fit(slicedDataset(x, y), { epochs: 3, verbose: 0 });
    await eager.fit(slicedDataset(x, y), { epochs: 3, verbose: 0 });
    expect(fromDataset.history.loss).toHaveLength(3);
    fromDataset.history.loss.forEach((loss, i) => expect(loss).toBeCloseTo(expected.history.loss[i], 5));
    fromDataset.history.accuracy.forEach((acc, i) => expect(acc).toBeCloseTo(expected.history.accuracy[i], 6));
    const want = await weightsOf(reference);
    expectClose(await weightsOf(compiled), want);
    expectClose(await weightsOf(eager), want);
    // 3 batches an epoch: 9 optimizer steps.
    expect(compiled.optimizer!.iterations).toBe(9);
  });

  it(
    'trains the same way on the CPU backend',
    onBothBackends(async () => {
      const { x, y } = data();
      const reference = classifier();
      const fromDataset = classifier(false, reference);
      await reference.fit(x, y, { epochs: 2, batchSize: BATCH, shuffle: false, verbose: 0 });
      await fromDataset.fit(slicedDataset(x, y), { epochs: 2, verbose: 0 });
      expectClose(await weightsOf(fromDataset), await weightsOf(reference));
    }),
  );

  it('takes sample weights from [x, y, sampleWeight] batches and classWeight, as fit on tensors does', async () => {
    const { x, y } = data();
    const w = ops.randomUniform([SAMPLES], { minval: 0, maxval: 2, seed: 23 });
    const reference = classifier();
    const weighted = classifier(false, reference);
    await reference.fit(x, y, { epochs: 2, batchSize: BATCH, shuffle: false, verbose: 0, sampleWeight: w });
    await weighted.fit(slicedDataset(x, y, w), { epochs: 2, verbose: 0 });
    expectClose(await weightsOf(weighted), await weightsOf(reference));

    const byClass = classifier();
    const byClassFromDataset = classifier(false, byClass);
    await byClass.fit(x, y, { epochs: 2, batchSize: BATCH, shuffle: false, verbose: 0, classWeight: { 0: 1, 1: 4, 2: 0.5 } });
    await byClassFromDataset.fit(slicedDataset(x, y), { epochs: 2, verbose: 0, classWeight: { 0: 1, 1: 4, 2: 0.5 } });
    expectClose(await weightsOf(byClassFromDataset), await weightsOf(byClass));
  });

  it('with stepsPerEpoch goes on with one async iteration across epochs', async () => {
    const { x, y } = data();
    let made = 0;
    async function* forever(): AsyncGenerator<Batch> {
      for (;;) {
        const start = (made++ % 2) * BATCH;
        yield [rows(x, start, BATCH), rows(y, start, BATCH)];
      }
    }
    const model = classifier();
    const history = await model.fit(forever(), { epochs: 3, stepsPerEpoch: 4, verbose: 0 });
    expect(history.history.loss).toHaveLength(3);
    expect(made).toBe(12);
    expect(model.optimizer!.iterations).toBe(12);
  });

  it('stops with Keras\'s warning when a dataset runs out before stepsPerEpoch * epochs batches', async () => {
    const { x, y } = data();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    function* fiveBatches(): Generator<Batch> {
      for (let i = 0; i < 5; i++) yield [rows(x, 0, 8), rows(y, 0, 8)];
    }
    const model = classifier();
    const history = await model.fit(fiveBatches(), { epochs: 4, stepsPerEpoch: 3, verbose: 0 });
    expect(history.history.loss).toHaveLength(2);
    expect(model.optimizer!.iterations).toBe(5);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('Your input ran out of data; interrupting training'));
  });

  it('stops with the same warning when the dataset ends exactly at an epoch boundary', async () => {
    const { x, y } = data();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    function* sixBatches(): Generator<Batch> {
      for (let i = 0; i < 6; i++) yield [rows(x, 0, 8), rows(y, 0, 8)];
    }
    const model = classifier();
    const history = await model.fit(sixBatches(), { epochs: 4, stepsPerEpoch: 3, verbose: 0 });
    expect(history.history.loss).toHaveLength(2);
    expect(model.optimizer!.iterations).toBe(6);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('Your input ran out of data; interrupting training'));
  });

  it('says that a generator object runs once when a later epoch gets no batch, and the model stays usable', async () => {
    const { x, y } = data();
    function* once(): Generator<Batch> {
      yield [rows(x, 0, 8), rows(y, 0, 8)];
    }
    const model = classifier();
    await expect(model.fit(once(), { epochs: 2, verbose: 0 })).rejects.toThrow('fit: the dataset gave no batch in epoch 2. A generator object runs once');
    expect((await model.fit(x, y, { epochs: 1, verbose: 0 })).history.loss).toHaveLength(1);
  });

  it('frees the tensors a dataset makes, keeps those made before fit, and memory stays flat across fits', async () => {
    const { x, y } = data();
    const premade = [[rows(x, 0, BATCH), rows(y, 0, BATCH)], [rows(x, BATCH, BATCH), rows(y, BATCH, BATCH)]] as Array<[Tensor, Tensor]>;
    const reusable = { [Symbol.iterator]: () => premade.values() };
    const model = classifier();
    await model.fit(slicedDataset(x, y), { epochs: 2, verbose: 0 });
    await model.fit(reusable, { epochs: 2, verbose: 0 });
    await settleGarbage();
    const before = memory().liveTensors;
    for (let i = 0; i < 3; i++) {
      await model.fit(slicedDataset(x, y), { epochs: 2, verbose: 0 });
      await model.fit(reusable, { epochs: 2, verbose: 0 });
    }
    await settleGarbage();
    expect(memory().liveTensors).toBe(before);
    expect(premade.flat().every((t) => !t.isDisposed)).toBe(true);
  });

  it('prints the steps an epoch of a dataset of unknown length took, and callbacks learn them after the first epoch', async () => {
    const { x, y } = data();
    const lines: string[] = [];
    const seen: unknown[] = [];
    const model = classifier();
    const record = new LambdaCallback({ onEpochBegin: () => void seen.push(record.params.steps) });
    await model.fit(slicedDataset(x, y), { epochs: 2, verbose: 0, callbacks: [new callbacks.ProgressBar((l) => lines.push(l)), record] });
    expect(lines.filter((l) => l.startsWith('3/3 - '))).toHaveLength(2);
    expect(seen).toEqual([undefined, 3]);
    lines.length = 0;
    await model.evaluate(slicedDataset(x, y), { verbose: 0, callbacks: [new callbacks.ProgressBar((l) => lines.push(l))] });
    expect(lines[0]).toMatch(/^3\/3 - .*loss: /);
  });

  it('validates on a dataset each epoch (validationSteps batches of it), as evaluate on the same batches', async () => {
    const { x, y } = data();
    const model = classifier();
    const history = await model.fit(x, y, { epochs: 2, batchSize: BATCH, verbose: 0, validationData: slicedDataset(x, y), validationSteps: 2 });
    expect(history.history.val_loss).toHaveLength(2);
    // Each validation starts a new iteration of the dataset (Keras resets its evaluation iterator).
    const first32 = await model.evaluate(rows(x, 0, 2 * BATCH), rows(y, 0, 2 * BATCH), { batchSize: BATCH, verbose: 0 });
    expect(history.history.val_loss[1]).toBeCloseTo(first32.loss, 5);
    expect(history.history.val_accuracy[1]).toBeCloseTo(first32.accuracy, 6);
  });
});

describe('a model whose losses need no targets', () => {
  it('trains and evaluates on a dataset of x alone or [x], as fit(x) does on tensors', async () => {
    const { x } = data();
    // A linear autoencoder whose last layer adds the reconstruction error as the model's loss.
    class Reconstruction extends layers.Layer {
      override call([input, output]: Tensor[]): Tensor {
        this.addLoss(ops.mean(ops.square(ops.subtract(output, input))));
        return output;
      }
    }
    const make = () => {
      const input = Input({ shape: [5] });
      const decoded = new layers.Dense({ units: 5 }).apply(new layers.Dense({ units: 2 }).apply(input));
      const model = new Model({ inputs: input, outputs: new Reconstruction().apply([input, decoded]) });
      model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.1 }) });
      return model;
    };
    const reference = make();
    const fromDataset = make();
    fromDataset.setWeights(reference.getWeights());
    function* inputs(): Generator<Batch> {
      for (let start = 0; start < SAMPLES; start += BATCH) yield start === 0 ? rows(x, start, BATCH) : [rows(x, start, Math.min(BATCH, SAMPLES - start))];
    }
    const expected = await reference.fit(x, undefined, { epochs: 3, batchSize: BATCH, shuffle: false, verbose: 0 });
    const history = await fromDataset.fit({ [Symbol.iterator]: inputs }, { epochs: 3, verbose: 0 });
    history.history.loss.forEach((loss, i) => expect(loss).toBeCloseTo(expected.history.loss[i], 5));
    expectClose(await weightsOf(fromDataset), await weightsOf(reference));
    expect((await fromDataset.evaluate({ [Symbol.iterator]: inputs }, { verbose: 0 })).loss).toBeCloseTo((await reference.evaluate(x, undefined, { batchSize: BATCH, verbose: 0 })).loss, 5);
  });
});

describe('evaluate and predict on a dataset', () => {
  it('evaluate gives what it gives on the tensors, and steps limits the batches', async () => {
    const { x, y } = data();
    const model = classifier();
    const expected = await model.evaluate(x, y, { batchSize: BATCH, verbose: 0 });
    const fromDataset = await model.evaluate(slicedDataset(x, y), { verbose: 0 });
    expect(fromDataset.loss).toBeCloseTo(expected.loss, 5);
    expect(fromDataset.accuracy).toBeCloseTo(expected.accuracy, 6);
    const firstBatch = await model.evaluate(rows(x, 0, BATCH), rows(y, 0, BATCH), { verbose: 0 });
    expect((await model.evaluate(slicedDataset(x, y), { steps: 1, verbose: 0 })).loss).toBeCloseTo(firstBatch.loss, 5);
  });

  it('predict concatenates the outputs of batches of x, alone or as [x] or [x, y]', async () => {
    const { x, y } = data();
    const model = classifier();
    const expected = await (await model.predict(x, { batchSize: BATCH }) as Tensor).data();
    function* inputsOnly(): Generator<Batch> {
      for (let start = 0; start < SAMPLES; start += BATCH) yield rows(x, start, Math.min(BATCH, SAMPLES - start));
    }
    const alone = (await model.predict(inputsOnly())) as Tensor;
    expect(alone.shape).toEqual([SAMPLES, 3]);
    expectClose([Float32Array.from(await alone.data())], [Float32Array.from(expected)]);
    const withTargets = (await model.predict(slicedDataset(x, y))) as Tensor;
    expectClose([Float32Array.from(await withTargets.data())], [Float32Array.from(expected)]);
    const two = (await model.predict(slicedDataset(x, y), { steps: 2 })) as Tensor;
    expect(two.shape).toEqual([2 * BATCH, 3]);
  });

  it('takes records by input name and nested arrays in batches', async () => {
    const a = Input({ shape: [2], name: 'a' });
    const b = Input({ shape: [1], name: 'b' });
    const out = new layers.Dense({ units: 1 }).apply(new layers.Concatenate().apply([a, b]));
    const model = new Model({ inputs: [a, b], outputs: out });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    function* batches(): Generator<Batch> {
      yield [{ a: [[1, 2], [3, 4]], b: [[1], [0]] }, [[1], [2]]];
      yield [{ a: [[0, 1]], b: [[2]] }, [[3]]];
    }
    const expected = await model.evaluate([tensor([[1, 2], [3, 4], [0, 1]]), tensor([[1], [0], [2]])], tensor([[1], [2], [3]]), { batchSize: 2, verbose: 0 });
    const logs = await model.evaluate({ [Symbol.iterator]: batches }, { verbose: 0 });
    expect(logs.loss).toBeCloseTo(expected.loss, 5);
    expect((await model.fit({ [Symbol.iterator]: batches }, { epochs: 2, verbose: 0 })).history.loss).toHaveLength(2);
  });
});

describe('batchSize with a dataset', () => {
  it('is ignored with a warning, as Keras ignores it (the dataset makes the batches)', async () => {
    const { x, y } = data();
    const model = classifier();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const history = await model.fit(slicedDataset(x, y), { batchSize: 8, epochs: 1, verbose: 0 });
      expect(history.history.loss).toHaveLength(1);
      expect(warn).toHaveBeenCalledWith('fit: batchSize (8) is ignored for a dataset of batches: the dataset makes the batches, as in Keras.');
      expect((await model.predict(slicedDataset(x, y), { batchSize: 4, verbose: 0 }) as Tensor).shape).toEqual([40, 3]);
      expect(warn).toHaveBeenCalledWith('predict: batchSize (4) is ignored for a dataset of batches: the dataset makes the batches, as in Keras.');
    } finally {
      warn.mockRestore();
    }
  });
});

describe('dataset errors, before any GPU work, the model usable after them', () => {
  it('names what is wrong', async () => {
    const { x, y } = data();
    const model = classifier();
    const ds = () => slicedDataset(x, y);
    await expect(model.fit(ds(), y as never)).rejects.toThrow("fit: x is a dataset, which yields the targets itself; the second argument must be fit's options, got a tensor of shape [40, 3].");
    await expect(model.fit(ds(), undefined, { verbose: 0 })).resolves.toBeDefined();
    await expect(model.fit(ds(), { validationSplit: 0.2 })).rejects.toThrow('fit: validationSplit applies to data in memory, not to a dataset of batches (give validationData).');
    await expect(model.fit(ds(), { sampleWeight: [1] })).rejects.toThrow('fit: sampleWeight applies to data in memory, not to a dataset of batches (yield [x, y, sampleWeight] batches).');
    await expect(model.fit(ds(), { stepsPerEpoch: 0 })).rejects.toThrow('fit: stepsPerEpoch must be a positive integer, got 0.');
    await expect(model.fit(x, y, { validationData: [x, y], validationSteps: 2 })).rejects.toThrow('fit: validationSteps applies to validationData given as a dataset of batches.');
    await expect(model.fit(x, y, { validationData: x as never })).rejects.toThrow('fit: validationData must be [x, y], [x, y, sampleWeight] or a dataset of such batches, got a tensor.');
    await expect(model.evaluate(x, y, { steps: 1 })).rejects.toThrow('evaluate: steps applies to a dataset of batches');
    await expect(model.evaluate({ *[Symbol.iterator]() {} }, { verbose: 0 })).rejects.toThrow('evaluate: the dataset gave no batch.');
  });

  it('names the batch that is wrong, frees what it made, and keeps the model', async () => {
    const { x, y } = data();
    const model = classifier();
    await settleGarbage();
    const before = memory().liveTensors;
    const failing = (third: () => Batch) =>
      function* (): Generator<Batch> {
        yield [rows(x, 0, 8), rows(y, 0, 8)];
        yield third();
      };
    await expect(model.fit(failing(() => rows(x, 0, 8))(), { verbose: 0 })).rejects.toThrow(
      "fit (the dataset's batch 1 has no targets): the model was compiled with a loss, which compares predictions with targets, but no targets y were given.",
    );
    await expect(model.fit(failing(() => [rows(x, 0, 8), rows(y, 0, 7)])(), { verbose: 0 })).rejects.toThrow("fit: the dataset's batch 1 x has 8 samples but the dataset's batch 1 y has 7");
    await expect(model.fit(failing(() => [ops.slice(x, [0, 0], [8, 4]), rows(y, 0, 8)])(), { verbose: 0 })).rejects.toThrow("fit (the dataset's batch 1): ");
    await expect(model.fit(failing(() => [rows(x, 0, 8)])(), { verbose: 0 })).rejects.toThrow("fit (the dataset's batch 1 has no targets): the model was compiled with a loss");
    const kept = rows(x, 0, 8);
    kept.dispose();
    await expect(model.fit(failing(() => [kept, rows(y, 0, 8)])(), { verbose: 0 })).rejects.toThrow("fit: the dataset's batch 1 holds a disposed tensor (shape [8, 5])");
    await settleGarbage();
    expect(memory().liveTensors).toBe(before);
    expect((await model.fit(x, y, { epochs: 1, verbose: 0 })).history.loss).toHaveLength(1);
  });
});
