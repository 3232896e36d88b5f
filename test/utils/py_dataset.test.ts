// utils.PyDataset as a specification: a subclass's batches, asked for by index, train as the same
// tensors in memory do; fit asks for batches 0..length-1 each epoch, or a seeded permutation of
// them under `shuffle`, and calls the epoch hooks around each epoch; evaluate and predict keep the
// order and equal the tensors' results exactly; stepsPerEpoch, endless datasets, async getItem,
// errors naming the index, and memory that stays flat across epochs; on the GPU.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { Input, Sequential, getBackend, layers, memory, ops, optimizers, utils, type Batch, type Tensor } from '../../src/node';
import { settleGarbage, useWebGPU } from '../helpers';

useWebGPU();
afterEach(() => vi.restoreAllMocks());

const SAMPLES = 20;
const BATCH = 4;
const BATCHES = SAMPLES / BATCH;

function data(): { x: Tensor; y: Tensor } {
  const x = ops.randomUniform([SAMPLES, 3], { minval: -1, maxval: 1, seed: 31 });
  const classes = ops.cast(ops.randomUniform([SAMPLES], { minval: 0, maxval: 2, seed: 32 }), 'int32');
  return { x, y: ops.oneHot(classes, 2) };
}

function classifier(seedModel?: Sequential): Sequential {
  const model = new Sequential([Input({ shape: [3] }), new layers.Dense({ units: 6, activation: 'tanh' }), new layers.Dense({ units: 2, activation: 'softmax' })]);
  model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.5 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  if (seedModel) model.setWeights(seedModel.getWeights());
  return model;
}

/** Batches of BATCH rows sliced from x and y as they are asked for; records the calls. */
class SlicedBatches extends utils.PyDataset {
  /** Each getItem index and 'begin' / 'end' for the epoch hooks, in call order. */
  readonly events: Array<number | 'begin' | 'end'> = [];
  length = BATCHES;

  constructor(
    private readonly x: Tensor,
    private readonly y: Tensor | null,
    private readonly delayed = false,
  ) {
    super({ workers: 4, useMultiprocessing: true, maxQueueSize: 2 });
  }

  getItem(index: number): Batch | Promise<Batch> {
    this.events.push(index);
    const rows = (t: Tensor) => ops.slice(t, [index * BATCH, 0], [BATCH, t.shape[1]]);
    const batch: Batch = this.y ? [rows(this.x), rows(this.y)] : rows(this.x);
    return this.delayed ? new Promise((resolve) => setTimeout(() => resolve(batch), 1)) : batch;
  }

  onEpochBegin(): void {
    this.events.push('begin');
  }

  onEpochEnd(): void {
    this.events.push('end');
  }

  /** The getItem indices of each epoch, split at the hooks. */
  epochs(): number[][] {
    const epochs: number[][] = [];
    for (const event of this.events) {
      if (event === 'begin') epochs.push([]);
      else if (typeof event === 'number') epochs[epochs.length - 1].push(event);
    }
    return epochs;
  }
}

const inOrder = Array.from({ length: BATCHES }, (_, i) => i);
const sorted = (indices: number[]) => [...indices].sort((a, b) => a - b);

async function weightsOf(model: Sequential): Promise<number[][]> {
  return Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));
}

describe('fit on a PyDataset', () => {
  it('trains as fit on the same tensors unshuffled, asking for batches 0..length-1 each epoch between the hooks', async () => {
    expect(getBackend()).toBe('webgpu');
    const warn = vi.spyOn(console, 'warn');
    const { x, y } = data();
    const reference = classifier();
    const model = classifier(reference);
    const dataset = new SlicedBatches(x, y);
    const expected = await reference.fit(x, y, { epochs: 6, batchSize: BATCH, shuffle: false, verbose: 0 });
    const history = await model.fit(dataset, { epochs: 6, shuffle: false, verbose: 0 });
    const losses = history.history.loss;
    expect(losses[5]).toBeLessThan(losses[0]);
    losses.forEach((loss, i) => expect(loss).toBeCloseTo(expected.history.loss[i], 5));
    const want = await weightsOf(reference);
    (await weightsOf(model)).forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo(want[i][j], 5)));
    expect(dataset.events.slice(0, 7)).toEqual(['begin', ...inOrder, 'end']);
    expect(dataset.epochs()).toEqual(Array(6).fill(inOrder));
    expect(dataset.events.filter((e) => e === 'end')).toHaveLength(6);
    expect(warn).not.toHaveBeenCalled();
    // Keras's parallelism options are kept, without effect.
    expect([dataset.workers, dataset.useMultiprocessing, dataset.maxQueueSize, dataset.numBatches]).toEqual([4, true, 2, BATCHES]);
  });

  it('shuffles the batch order each epoch by default, a new permutation each epoch, the same for the same seed', async () => {
    const { x, y } = data();
    const orders = async (seed: number) => {
      const dataset = new SlicedBatches(x, y);
      await classifier().fit(dataset, { epochs: 4, seed, verbose: 0 });
      return dataset.epochs();
    };
    const first = await orders(7);
    expect(first).toHaveLength(4);
    for (const epoch of first) expect(sorted(epoch)).toEqual(inOrder);
    expect(new Set(first.map((epoch) => epoch.join())).size).toBeGreaterThan(1);
    expect(first.some((epoch) => epoch.join() !== inOrder.join())).toBe(true);
    expect(await orders(7)).toEqual(first);
    expect(await orders(8)).not.toEqual(first);
  });

  it('calls the hooks of a validation PyDataset around each validation, in order', async () => {
    const { x, y } = data();
    const validation = new SlicedBatches(x, y);
    await classifier().fit(new SlicedBatches(x, y), { epochs: 3, validationData: validation, validationFreq: 2, verbose: 0 });
    expect(validation.epochs()).toEqual([inOrder]);
    expect(validation.events.at(-1)).toBe('end');
  });

  it('takes stepsPerEpoch batches an epoch, goes on with the pass across epochs, and ends an epoch early with a warning when the pass ends first', async () => {
    const { x, y } = data();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const dataset = new SlicedBatches(x, y);
    const history = await classifier().fit(dataset, { epochs: 4, stepsPerEpoch: 2, shuffle: false, verbose: 0 });
    expect(dataset.epochs()).toEqual([[0, 1], [2, 3], [4], [0, 1]]);
    expect(history.history.loss).toHaveLength(4);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain('pass of 5 batches ended after 1 of the epoch\'s 2 steps');

    const evaluated = new SlicedBatches(x, y);
    await classifier().evaluate(evaluated, { steps: 7, verbose: 0 });
    expect(evaluated.epochs()).toEqual([inOrder]);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('reads an endless PyDataset (length Infinity) stepsPerEpoch at a time, unshuffled, and needs a step count', async () => {
    const { x, y } = data();
    class Endless extends SlicedBatches {
      length = Infinity;
      getItem(index: number) {
        return super.getItem(index % BATCHES);
      }
    }
    const dataset = new Endless(x, y);
    expect(dataset.numBatches).toBeNull();
    await classifier().fit(dataset, { epochs: 2, stepsPerEpoch: 3, verbose: 0 });
    expect(dataset.epochs()).toEqual([[0, 1, 2], [3, 4, 0]]);
    await expect(classifier().fit(dataset, { epochs: 1, verbose: 0 })).rejects.toThrow(
      'fit: Endless is endless (its length is Infinity), so an epoch needs a step count: fit\'s stepsPerEpoch or validationSteps, evaluate\'s or predict\'s steps.',
    );
  });
});

describe('evaluate and predict on a PyDataset', () => {
  it('equal the results on the same tensors exactly, in order, sync or async getItem', async () => {
    const { x, y } = data();
    const model = classifier();
    const expectedLogs = await model.evaluate(x, y, { batchSize: BATCH, verbose: 0 });
    const expectedPredictions = Array.from(await (await model.predict<Tensor>(x, { batchSize: BATCH })).data());
    for (const delayed of [false, true]) {
      const dataset = new SlicedBatches(x, y, delayed);
      expect(await model.evaluate(dataset, { verbose: 0 })).toEqual(expectedLogs);
      const inputs = new SlicedBatches(x, null, delayed);
      expect(Array.from(await (await model.predict<Tensor>(inputs)).data())).toEqual(expectedPredictions);
      expect(dataset.epochs()).toEqual([inOrder]);
      expect(inputs.epochs()).toEqual([inOrder]);
    }
  });

  it('is iterable in order without the hooks, as Keras\'s __iter__', async () => {
    const { x, y } = data();
    const dataset = new SlicedBatches(x, y, true);
    const firsts: number[] = [];
    for await (const batch of dataset) {
      const [bx, by] = batch as [Tensor, Tensor];
      firsts.push((await bx.data())[0]);
      bx.dispose();
      by.dispose();
    }
    const xs = await x.data();
    expect(firsts).toEqual(inOrder.map((i) => xs[i * BATCH * 3]));
    expect(dataset.events).toEqual(inOrder);
  });
});

describe('PyDataset errors', () => {
  it('names the index of a batch that getItem returned wrong', async () => {
    const { x, y } = data();
    class Broken extends SlicedBatches {
      constructor(private readonly bad: (index: number) => unknown) {
        super(x, y);
      }
      getItem(index: number): Batch | Promise<Batch> {
        return index === 3 ? (this.bad(index) as Batch) : super.getItem(index);
      }
    }
    const fit = (bad: (index: number) => unknown) => classifier().fit(new Broken(bad), { shuffle: false, verbose: 0 });
    await expect(fit(() => undefined)).rejects.toThrow('fit: Broken.getItem(3) returned undefined; expected a batch: x, [x], [x, y] or [x, y, sampleWeight]');
    await expect(fit(() => [x, y, y, y])).rejects.toThrow('fit: Broken.getItem(3) returned an array of 4; expected a batch');
    await expect(fit(() => 'batch')).rejects.toThrow('fit: Broken.getItem(3) returned string');
    await expect(fit(() => [ops.zeros([BATCH, 4]), ops.zeros([BATCH, 2])])).rejects.toThrow("the PyDataset's batch 3");
  });

  it('rejects a length that is not a positive integer before asking for any batch', async () => {
    const { x, y } = data();
    for (const length of [0, 2.5, -1, Number.NaN]) {
      const dataset = new SlicedBatches(x, y);
      dataset.length = length;
      await expect(classifier().fit(dataset, { verbose: 0 })).rejects.toThrow(
        `fit: SlicedBatches.length (its batches, Keras's __len__) must be a positive integer, or Infinity for an endless dataset; got ${length}.`,
      );
      await expect(classifier().predict(dataset)).rejects.toThrow('predict: SlicedBatches.length');
      expect(dataset.events).toEqual([]);
    }
  });

  it('rejects unknown constructor options', () => {
    class Named extends utils.PyDataset {
      length = 1;
      getItem(): Batch {
        return [[0]];
      }
    }
    expect(() => new Named({ use_multiprocessing: true } as never)).toThrow("PyDataset: unknown option 'use_multiprocessing' (did you mean 'useMultiprocessing'?)");
  });
});

describe('PyDataset memory', () => {
  it('frees the tensors getItem makes after their step, keeps those made before fit, and stays flat across epochs', async () => {
    const { x, y } = data();
    const premadeX = ops.slice(x, [0, 0], [BATCH, 3]);
    const premadeY = ops.slice(y, [0, 0], [BATCH, 2]);
    class Premade extends utils.PyDataset {
      length = 2;
      getItem(index: number): Batch {
        return index === 0 ? [premadeX, premadeY] : [ops.slice(x, [BATCH, 0], [BATCH, 3]), ops.slice(y, [BATCH, 0], [BATCH, 2])];
      }
    }
    const model = classifier();
    await model.fit(new SlicedBatches(x, y), { epochs: 2, verbose: 0 });
    await model.fit(new Premade(), { epochs: 2, verbose: 0 });
    await settleGarbage();
    const before = memory().liveTensors;
    await model.fit(new SlicedBatches(x, y), { epochs: 4, verbose: 0 });
    await model.fit(new Premade(), { epochs: 4, verbose: 0 });
    await model.evaluate(new SlicedBatches(x, y), { verbose: 0 });
    await settleGarbage();
    expect(memory().liveTensors).toBe(before);
    expect(premadeX.isDisposed || premadeY.isDisposed).toBe(false);
  });
});
