// utils.timeseriesDatasetFromArray as a specification: Keras's docstring examples and its own test
// values, every window of stride / sampling / start / end combinations against an independent loop,
// single windows without a batch size, seeded shuffling, Keras's argument errors, fit on the dataset,
// and memory that stays flat while fit iterates it; on the GPU (the examples on both backends).

import { describe, expect, it } from 'vitest';
import { Input, Sequential, getBackend, layers, memory, optimizers, tensor, utils, type Tensor } from '../../src/node';
import { onBothBackends, settleGarbage, useWebGPU } from '../helpers';

useWebGPU();

const arange = (n: number) => Array.from({ length: n }, (_, i) => i);
const generate = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

/** Every element of a dataset as [inputs, targets] arrays (targets null without them). */
async function collect(dataset: Iterable<utils.TimeseriesBatch>): Promise<Array<[unknown[], unknown[] | null]>> {
  const out: Array<[unknown[], unknown[] | null]> = [];
  for (const element of dataset) {
    const [inputs, targets] = Array.isArray(element) ? element : [element, null];
    out.push([(await inputs.array()) as unknown[], targets ? ((await targets.array()) as unknown[]) : null]);
    inputs.dispose();
    targets?.dispose();
  }
  return out;
}

/** Window starts as Keras defines them, by a plain loop over candidate starts. */
function referenceStarts(length: number, targetLength: number | null, sequenceLength: number, stride: number, rate: number, start = 0, end = length): number[] {
  const starts: number[] = [];
  for (let s = start; s + (sequenceLength - 1) * rate < end && (targetLength === null || s < targetLength); s += stride) starts.push(s);
  return starts;
}

describe('timeseriesDatasetFromArray', () => {
  it("Keras's docstring example 1: sequenceLength 10, samplingRate 2, sequenceStride 3 over indices 0..98", onBothBackends(async () => {
    const dataset = utils.timeseriesDatasetFromArray(arange(99), null, { sequenceLength: 10, samplingRate: 2, sequenceStride: 3 });
    const batches = await collect(dataset);
    expect(batches).toHaveLength(1);
    const windows = batches[0][0] as number[][];
    expect(windows).toHaveLength(27);
    expect(windows[0]).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(windows[1]).toEqual([3, 5, 7, 9, 11, 13, 15, 17, 19, 21]);
    expect(windows[2]).toEqual([6, 8, 10, 12, 14, 16, 18, 20, 22, 24]);
    expect(windows.at(-1)).toEqual([78, 80, 82, 84, 86, 88, 90, 92, 94, 96]);
    dataset.dispose();
  }));

  it("Keras's docstring examples 2 and 3: the next step as target, and many-to-many windows from two datasets", onBothBackends(async () => {
    const series = generate(60, (i) => (i * 7) % 13);
    const dataset = utils.timeseriesDatasetFromArray(series.slice(0, -10), series.slice(10), { sequenceLength: 10 });
    const [[inputs, targets]] = await collect(dataset);
    expect(inputs[0]).toEqual(series.slice(0, 10));
    expect(targets![0]).toBe(series[10]);
    expect(inputs).toHaveLength(41);
    dataset.dispose();

    const x = arange(100);
    const y = x.map((v) => v * 2);
    const inputsOnly = utils.timeseriesDatasetFromArray(x, null, { sequenceLength: 20, sequenceStride: 20 });
    const targetsOnly = utils.timeseriesDatasetFromArray(y, null, { sequenceLength: 20, sequenceStride: 20 });
    const [[xs]] = await collect(inputsOnly);
    const [[ys]] = await collect(targetsOnly);
    expect(xs[0]).toEqual(x.slice(0, 20));
    expect(ys[1]).toEqual(y.slice(20, 40));
    expect(xs).toHaveLength(5);
    inputsOnly.dispose();
    targetsOnly.dispose();
  }));

  it("Keras's test values: batch sizes, targets, the last smaller batch, targets shorter than the data", async () => {
    const data = arange(100);
    const targets = data.map((v) => v * 2);
    const cases = [
      { options: { sequenceLength: 9, batchSize: 5 }, batches: 19, last: 2, step: 1 },
      { options: { sequenceLength: 9, batchSize: 5, samplingRate: 2 }, batches: 17, last: 4, step: 1 },
      { options: { sequenceLength: 9, batchSize: 5, sequenceStride: 3 }, batches: 7, last: 1, step: 3 },
    ];
    for (const { options, batches, last, step } of cases) {
      const dataset = utils.timeseriesDatasetFromArray(data, targets, options);
      const elements = await collect(dataset);
      expect(elements).toHaveLength(batches);
      expect(dataset.length).toBe(batches);
      expect(elements.at(-1)![0]).toHaveLength(last);
      elements.forEach(([inputs, ys], i) =>
        (inputs as number[][]).forEach((window, j) => {
          const start = (i * 5 + j) * step;
          expect(window).toEqual(generate(9, (k) => start + k * (options.samplingRate ?? 1)));
          expect(ys![j]).toBe(2 * start);
        }),
      );
      dataset.dispose();
    }
    // targets = data[3:]: 7 windows of 3, each with the step after it.
    const regression = utils.timeseriesDatasetFromArray(arange(10), arange(10).slice(3), { sequenceLength: 3, batchSize: 1 });
    const elements = await collect(regression);
    expect(elements.map(([inputs, ys]) => [inputs[0], ys![0]])).toEqual(generate(7, (i) => [[i, i + 1, i + 2], i + 3]));
    regression.dispose();
  });

  it('yields every window of stride, sampling, start and end combinations, features kept, as an independent loop finds them', async () => {
    const length = 23;
    const data = tensor(generate(length * 2, (i) => (i % 2 === 0 ? i / 2 : -(i - 1) / 2)), [length, 2]);
    const targets = tensor(generate(15, (i) => 100 + i), [15]);
    const combos = [
      { sequenceLength: 4, sequenceStride: 1, samplingRate: 1 },
      { sequenceLength: 3, sequenceStride: 2, samplingRate: 3, batchSize: 4 },
      { sequenceLength: 5, sequenceStride: 4, samplingRate: 2, startIndex: 3, batchSize: 2 },
      { sequenceLength: 2, sequenceStride: 3, samplingRate: 5, startIndex: 1, endIndex: 20, batchSize: 3 },
      { sequenceLength: 1, sequenceStride: 7, samplingRate: 1, endIndex: 22 },
    ];
    for (const options of combos) {
      for (const withTargets of [false, true]) {
        const expected = referenceStarts(length, withTargets ? 15 : null, options.sequenceLength, options.sequenceStride, options.samplingRate, options.startIndex, options.endIndex);
        const dataset = utils.timeseriesDatasetFromArray(data, withTargets ? targets : null, options);
        expect(dataset.windowCount).toBe(expected.length);
        const elements = await collect(dataset);
        const batchSize = options.batchSize ?? 128;
        expect(elements.map(([inputs]) => inputs.length)).toEqual(generate(Math.ceil(expected.length / batchSize), (i) => Math.min(batchSize, expected.length - i * batchSize)));
        const windows = elements.flatMap(([inputs]) => inputs);
        expect(windows).toEqual(expected.map((s) => generate(options.sequenceLength, (k) => [s + k * options.samplingRate, -(s + k * options.samplingRate)])));
        if (withTargets) expect(elements.flatMap(([, ys]) => ys)).toEqual(expected.map((s) => 100 + s));
        dataset.dispose();
      }
    }
    // Tensors passed in stay the caller's.
    expect(data.isDisposed || targets.isDisposed).toBe(false);
    data.dispose();
    targets.dispose();
  });

  it('yields single windows and scalar targets with batchSize null, and takes typed arrays', async () => {
    const dataset = utils.timeseriesDatasetFromArray(new Float32Array(arange(12)), new Int32Array(generate(12, (i) => 3 * i)), { sequenceLength: 4, sequenceStride: 4, batchSize: null });
    const elements = [...dataset] as Array<[Tensor, Tensor]>;
    expect(elements.map(([inputs, ys]) => [inputs.shape, ys.shape, ys.dtype])).toEqual(generate(3, () => [[4], [], 'int32']));
    expect(await elements[2][0].array()).toEqual([8, 9, 10, 11]);
    expect(await elements[2][1].array()).toBe(24);
    elements.flat().forEach((t) => t.dispose());
    dataset.dispose();
  });

  it('shuffles every window once a pass, a new order each pass, the same orders for the same seed', async () => {
    const data = arange(30);
    const options = { sequenceLength: 5, batchSize: 4, shuffle: true, seed: 123 };
    const orderOf = async (dataset: utils.TimeseriesDataset) => (await collect(dataset)).flatMap(([inputs, ys]) => (inputs as number[][]).map((w, j) => {
      expect(ys![j]).toBe(2 * w[0]);
      return w[0];
    }));
    const first = utils.timeseriesDatasetFromArray(data, data.map((v) => v * 2), options);
    const second = utils.timeseriesDatasetFromArray(data, data.map((v) => v * 2), options);
    const passes = [await orderOf(first), await orderOf(first)];
    expect([...passes[0]].sort((a, b) => a - b)).toEqual(arange(26));
    expect(passes[0]).not.toEqual(arange(26));
    expect(passes[1]).not.toEqual(passes[0]);
    expect([await orderOf(second), await orderOf(second)]).toEqual(passes);
    first.dispose();
    second.dispose();
  });

  it("throws Keras's errors for bad arguments, and when no window fits", () => {
    const make = (options: Partial<utils.TimeseriesDatasetOptions>, targets: number[] | null = null) => () => utils.timeseriesDatasetFromArray(arange(10), targets, { sequenceLength: 3, ...options });
    expect(make({ startIndex: -1 })).toThrow('`startIndex` must be 0 or greater. Received: startIndex=-1');
    expect(make({ startIndex: 11 })).toThrow('`startIndex` must be lower than the length of the data. Received: startIndex=11, for data of length 10');
    expect(make({ endIndex: -1 })).toThrow('`endIndex` must be higher than 0');
    expect(make({ endIndex: 10 })).toThrow('`endIndex` must be lower than the length of the data. Received: endIndex=10, for data of length 10');
    expect(make({ startIndex: 5, endIndex: 5 })).toThrow('`endIndex` must be higher than `startIndex`. Received: startIndex=5, and endIndex=5');
    expect(make({ samplingRate: 0 })).toThrow('`samplingRate` must be higher than 0. Received: samplingRate=0');
    expect(make({ samplingRate: 10 })).toThrow('`samplingRate` must be lower than the length of the data');
    expect(make({ sequenceStride: 0 })).toThrow('`sequenceStride` must be higher than 0. Received: sequenceStride=0');
    expect(make({ sequenceLength: 0 })).toThrow('`sequenceLength` must be higher than 0');
    expect(make({ sequenceLength: 2.5 })).toThrow('`sequenceLength` must be an integer. Received: sequenceLength=2.5');
    expect(make({ batchSize: 0 })).toThrow('`batchSize` must be a positive integer or null');
    expect(make({ sequence_length: 3 } as never)).toThrow("unknown option 'sequence_length' (did you mean 'sequenceLength'?)");
    expect(make({ sequenceLength: 6, samplingRate: 2 })).toThrow('no window fits: a window of sequenceLength=6 at samplingRate=2 spans 11 timesteps, but timesteps [0, 10) of the data hold 10.');
    expect(make({ startIndex: 4 }, [1, 2, 3])).toThrow('no window fits');
    expect(() => utils.timeseriesDatasetFromArray(7 as never, null, { sequenceLength: 1 })).toThrow('`data` must be a tensor, nested arrays or a typed array');
    expect(() => utils.timeseriesDatasetFromArray(arange(10), undefined as never, { sequenceLength: 1 })).toThrow('`targets` is missing; pass null');
    const disposed = utils.timeseriesDatasetFromArray(arange(10), null, { sequenceLength: 3 });
    disposed.dispose();
    expect(() => [...disposed]).toThrow('this dataset was disposed');
  });

  it('trains an LSTM with fit, and memory stays flat across epochs; dispose frees the uploaded series', async () => {
    expect(getBackend()).toBe('webgpu');
    const series = generate(40, (i) => Math.sin(i / 3));
    const dataset = utils.timeseriesDatasetFromArray(series.slice(0, -4).map((v) => [v]), series.slice(4), { sequenceLength: 4, batchSize: 8 });
    const model = new Sequential([Input({ shape: [4, 1] }), new layers.LSTM({ units: 4 }), new layers.Dense({ units: 1 })]);
    model.compile({ optimizer: new optimizers.Adam({ learningRate: 0.05 }), loss: 'meanSquaredError' });
    // The first fit builds the optimizer's slots and records the step for replay.
    await model.fit(dataset, { epochs: 3, verbose: 0 });
    await settleGarbage();
    const before = memory();
    const history = await model.fit(dataset, { epochs: 3, verbose: 0 });
    await settleGarbage();
    expect(memory().liveTensors).toBe(before.liveTensors);
    expect(memory().gpuBytes).toBe(before.gpuBytes);
    expect(history.history.loss).toHaveLength(3);
    expect(history.history.loss.every(Number.isFinite)).toBe(true);
    dataset.dispose();
    expect(memory().liveTensors).toBe(before.liveTensors - 2);
  });
});
