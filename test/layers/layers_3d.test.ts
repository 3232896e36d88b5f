// The 3-D layers: Conv3D and Conv3DTranspose, MaxPooling3D / AveragePooling3D and their global
// versions, UpSampling3D, ZeroPadding3D, Cropping3D and SpatialDropout3D. Values against
// hand-written arrays and float64 loops written here, both data formats, Keras shapes and weight
// names, config round trips (aliases too), a small model that fits and survives save / load, and
// argument errors.

import { describe, expect, it } from 'vitest';
import { Input, Sequential, ops, setRandomSeed, tensor, type Tensor } from '../../src/node';
import {
  AveragePooling3D,
  AvgPool3D,
  Conv3D,
  Conv3DTranspose,
  Cropping3D,
  Dense,
  Flatten,
  GlobalAveragePooling3D,
  GlobalMaxPooling3D,
  MaxPool3D,
  MaxPooling3D,
  SpatialDropout3D,
  UpSampling3D,
  ZeroPadding3D,
  deserializeLayer,
  getLayerClass,
  type Layer,
} from '../../src/layers/index';
import { loadModel, memoryHandler } from '../../src/io/index';
import { onBothBackends, useWebGPU } from '../helpers';
import { expectClose, layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();

const iota = (n: number) => Array.from({ length: n }, (_, i) => i);

async function run(layer: Layer, x: Tensor, training = false): Promise<{ shape: number[]; values: number[] }> {
  const y = layer.apply(x, { training }) as Tensor;
  return { shape: [...y.shape], values: Array.from(await y.data()) };
}

/** channels-last [1, d, h, w, 1] values of `f(z, y, x)`. */
function volume(d: number, h: number, w: number, f: (z: number, y: number, x: number) => number): number[] {
  return iota(d).flatMap((z) => iota(h).flatMap((y) => iota(w).map((x) => f(z, y, x))));
}

describe('Conv3D', () => {
  it('gives Keras shapes, weight names and parameter counts', () => {
    const conv = new Conv3D({ filters: 4, kernelSize: [3, 2, 2], strides: [1, 2, 2], padding: 'same' });
    expect(conv.apply(Input({ shape: [5, 8, 7, 3] })).shape).toEqual([null, 5, 4, 4, 4]);
    expect(conv.weights.map((w) => [w.name.split('/')[1], [...w.shape]])).toEqual([['kernel', [3, 2, 2, 3, 4]], ['bias', [4]]]);
    expect(conv.countParams()).toBe(3 * 2 * 2 * 3 * 4 + 4);
    const grouped = new Conv3D({ filters: 6, kernelSize: 2, groups: 2, dataFormat: 'channels_first' });
    expect(grouped.apply(Input({ shape: [4, 3, 3, 3] })).shape).toEqual([null, 6, 2, 2, 2]);
    expect([...grouped.weights[0].shape]).toEqual([2, 2, 2, 2, 6]);
  });

  it(
    'is activation(sum over the window of x * kernel + bias), by hand',
    onBothBackends(async () => {
      const conv = new Conv3D({ filters: 1, kernelSize: 2, activation: 'relu', kernelInitializer: 'ones', biasInitializer: { className: 'Constant', config: { value: -100 } } as never });
      // Each 2x2x2 cube of 1..27 sums 8 * its first element + 52 (offsets 0, 1, 3, 4, 9, 10, 12, 13).
      const y = await run(conv, tensor(iota(27).map((i) => i + 1), [1, 3, 3, 3, 1]));
      expect(y).toEqual({ shape: [1, 2, 2, 2, 1], values: [60, 68, 84, 92, 132, 140, 156, 164].map((v) => Math.max(v - 100, 0)) });
    }),
  );

  it('channels_first gives the channels-last result between transposes', async () => {
    setRandomSeed(3);
    const last = new Conv3D({ filters: 3, kernelSize: 2, padding: 'same', strides: [2, 1, 1] });
    const first = new Conv3D({ filters: 3, kernelSize: 2, padding: 'same', strides: [2, 1, 1], dataFormat: 'channels_first' });
    const x = tensor(seededValues(2 * 3 * 4 * 3 * 2, 4), [2, 3, 4, 3, 2]);
    const yLast = last.apply(x) as Tensor;
    first.apply(ops.transpose(x, [0, 4, 1, 2, 3]));
    first.setWeights(last.getWeights());
    const yFirst = first.apply(ops.transpose(x, [0, 4, 1, 2, 3])) as Tensor;
    expect([...yFirst.shape]).toEqual([2, 3, 2, 4, 3]);
    expectClose(await ops.transpose(yFirst, [0, 2, 3, 4, 1]).data(), await yLast.data());
  });

  it('has tape gradients matching finite differences (input, kernel, bias)', async () => {
    const message = await layerGradCheck(() => new Conv3D({ filters: 2, kernelSize: 2, groups: 2, activation: 'tanh' }), [1, 2, 3, 2, 2], seededValues(24, 5));
    expect(message).toBe('ok');
  });

  it('rejects bad arguments with Keras messages', () => {
    expect(() => new Conv3D({ filters: 3, kernelSize: 3, groups: 2 })).toThrow('The number of filters must be evenly divisible by the number of groups. Received: groups=2, filters=3.');
    expect(() => new Conv3D({ filters: 2, kernelSize: 3, padding: 'causal' as never })).toThrow('The `padding` argument must be one of "valid", "same". Received: padding=causal');
    expect(() => new Conv3D({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 })).toThrow('`strides > 1` not supported in conjunction with `dilation_rate > 1`');
    expect(() => new Conv3D({ filters: 2, kernelSize: [3, 3] })).toThrow('The `kernelSize` argument must be a tuple of 3 positive integers. Received kernelSize=[3,3]');
    expect(() => new Conv3D({ filters: 2, kernelSize: 3 }).apply(Input({ shape: [4, 4, 3] }))).toThrow('expected min_ndim=5, found ndim=4. Full shape received: (None, 4, 4, 3)');
  });
});

describe('Conv3DTranspose', () => {
  it("gives Keras's output sizes, weight shapes and checks outputPadding", () => {
    const same = new Conv3DTranspose({ filters: 4, kernelSize: 3, strides: [1, 2, 2], padding: 'same' });
    expect(same.apply(Input({ shape: [3, 4, 5, 6] })).shape).toEqual([null, 3, 8, 10, 4]);
    expect(same.weights.map((w) => [w.name.split('/')[1], [...w.shape]])).toEqual([['kernel', [3, 3, 3, 4, 6]], ['bias', [4]]]);
    const valid = new Conv3DTranspose({ filters: 1, kernelSize: [2, 3, 1], strides: [2, 1, 3], outputPadding: [1, 0, 2] });
    expect(valid.apply(Input({ shape: [2, 3, 4, 1] })).shape).toEqual([null, 5, 5, 12, 1]);
    expect(new Conv3DTranspose({ filters: 2, kernelSize: 2, strides: 2, dataFormat: 'channels_first' }).apply(Input({ shape: [3, 2, 2, 2] })).shape).toEqual([null, 2, 4, 4, 4]);
    expect(() => new Conv3DTranspose({ filters: 2, kernelSize: 3, strides: 2, outputPadding: 2 })).toThrow('`output_padding` must be < `strides`. Received: outputPadding=(2, 2, 2), strides=(2, 2, 2)');
    expect(() => new Conv3DTranspose({ filters: 2, kernelSize: 3, outputPadding: [1, 1] })).toThrow('The `outputPadding` argument must be a tuple of 3 non-negative integers.');
  });

  it('maps a Conv3D output shape back to its input shape and has finite-difference gradients', async () => {
    const message = await layerGradCheck(() => new Conv3DTranspose({ filters: 1, kernelSize: 2, strides: 2, padding: 'same' }), [1, 2, 1, 2, 2], seededValues(8, 6));
    expect(message).toBe('ok');
  });
});

describe('MaxPooling3D and AveragePooling3D', () => {
  it(
    'pool 2x2x2 windows by default, in both data formats',
    onBothBackends(async () => {
      const x = tensor(volume(2, 4, 2, (z, y, x) => 100 * z + 10 * y + x), [1, 2, 4, 2, 1]);
      expect(await run(new MaxPooling3D(), x)).toEqual({ shape: [1, 1, 2, 1, 1], values: [111, 131] });
      expect(await run(new AveragePooling3D(), x)).toEqual({ shape: [1, 1, 2, 1, 1], values: [55.5, 75.5] });
      const first = tensor(volume(2, 4, 2, (z, y, x) => 100 * z + 10 * y + x), [1, 1, 2, 4, 2]);
      expect(await run(new MaxPooling3D({ dataFormat: 'channels_first', poolSize: [1, 2, 2] }), first)).toEqual({ shape: [1, 1, 2, 2, 1], values: [11, 31, 111, 131] });
    }),
  );

  it("'same' windows are clipped to the input and averages leave the padding out", async () => {
    const x = tensor(volume(1, 3, 3, (_, y, x) => 3 * y + x + 1), [1, 1, 3, 3, 1]);
    expect(await run(new AveragePooling3D({ poolSize: [1, 2, 2], padding: 'same' }), x)).toEqual({ shape: [1, 1, 2, 2, 1], values: [3, 4.5, 7.5, 9] });
    expect(await run(new MaxPooling3D({ poolSize: [1, 2, 2], padding: 'same' }), x)).toEqual({ shape: [1, 1, 2, 2, 1], values: [5, 6, 8, 9] });
  });

  it('give Keras shapes (strides default to the pool size) and reject other ranks', () => {
    expect(new MaxPooling3D({ poolSize: [1, 2, 3] }).apply(Input({ shape: [4, 6, 7, 5] })).shape).toEqual([null, 4, 3, 2, 5]);
    expect(new AveragePooling3D({ poolSize: 3, strides: 1, padding: 'same' }).apply(Input({ shape: [4, 6, null, 5] })).shape).toEqual([null, 4, 6, null, 5]);
    expect(new MaxPool3D()).toBeInstanceOf(MaxPooling3D);
    expect(new AvgPool3D()).toBeInstanceOf(AveragePooling3D);
    expect(() => new MaxPooling3D().apply(Input({ shape: [4, 4, 2] }))).toThrow('expected ndim=5, found ndim=4');
    expect(() => new MaxPooling3D({ poolSize: [2, 2] })).toThrow('The `poolSize` argument must be a tuple of 3 positive integers. Received poolSize=[2,2]');
  });
});

describe('GlobalAveragePooling3D and GlobalMaxPooling3D', () => {
  it(
    'reduce depth, height and width, in both data formats',
    onBothBackends(async () => {
      const values = seededValues(2 * 2 * 3 * 2 * 3, 7);
      const x = tensor(values, [2, 2, 3, 2, 3]);
      // Per sample and channel (channels last): the mean and max of its 12 voxels.
      const per = (b: number, c: number) => iota(12).map((v) => values[(b * 12 + v) * 3 + c]);
      const means = [0, 1].flatMap((b) => [0, 1, 2].map((c) => per(b, c).reduce((s, v) => s + v, 0) / 12));
      const maxima = [0, 1].flatMap((b) => [0, 1, 2].map((c) => Math.max(...per(b, c))));
      const avg = await run(new GlobalAveragePooling3D(), x);
      expect(avg.shape).toEqual([2, 3]);
      expectClose(avg.values, means);
      expect(await run(new GlobalMaxPooling3D(), x)).toEqual({ shape: [2, 3], values: maxima.map((v) => Math.fround(v)) });
      const first = await run(new GlobalMaxPooling3D({ dataFormat: 'channels_first', keepdims: true }), ops.transpose(x, [0, 4, 1, 2, 3]));
      expect(first).toEqual({ shape: [2, 3, 1, 1, 1], values: maxima.map((v) => Math.fround(v)) });
    }),
  );

  it('give Keras shapes', () => {
    expect(new GlobalAveragePooling3D().apply(Input({ shape: [4, 5, 6, 7] })).shape).toEqual([null, 7]);
    expect(new GlobalMaxPooling3D({ keepdims: true }).apply(Input({ shape: [4, 5, 6, 7] })).shape).toEqual([null, 1, 1, 1, 7]);
    expect(new GlobalAveragePooling3D({ dataFormat: 'channels_first' }).apply(Input({ shape: [4, 5, 6, 7] })).shape).toEqual([null, 4]);
  });
});

describe('UpSampling3D', () => {
  it(
    'repeats each voxel along depth, rows and columns',
    onBothBackends(async () => {
      const x = tensor([1, 2, 3, 4], [1, 2, 1, 2, 1]);
      const y = await run(new UpSampling3D({ size: [1, 2, 2] }), x);
      expect(y).toEqual({ shape: [1, 2, 2, 4, 1], values: [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4] });
      const first = await run(new UpSampling3D({ size: [2, 1, 1], dataFormat: 'channels_first' }), tensor([1, 2, 3, 4], [1, 2, 2, 1, 1]));
      expect(first).toEqual({ shape: [1, 2, 4, 1, 1], values: [1, 1, 2, 2, 3, 3, 4, 4] });
    }),
  );

  it('gives Keras shapes and rejects a bad size', () => {
    expect(new UpSampling3D().apply(Input({ shape: [2, null, 4, 3] })).shape).toEqual([null, 4, null, 8, 3]);
    expect(new UpSampling3D({ size: 3, dataFormat: 'channels_first' }).apply(Input({ shape: [3, 1, 2, 4] })).shape).toEqual([null, 3, 3, 6, 12]);
    expect(() => new UpSampling3D({ size: [2, 2] })).toThrow('Invalid value for argument size. Expected a positive integer or a list of 3 positive integers [depth, rows, columns]. Received: size=[2,2]');
  });
});

describe('ZeroPadding3D', () => {
  it(
    'adds zeros around each spatial axis, in both data formats',
    onBothBackends(async () => {
      const x = tensor([1, 2], [1, 1, 1, 2, 1]);
      const y = await run(new ZeroPadding3D({ padding: [[1, 0], [0, 1], [0, 0]] }), x);
      expect(y).toEqual({ shape: [1, 2, 2, 2, 1], values: [0, 0, 0, 0, 1, 2, 0, 0] });
      const first = await run(new ZeroPadding3D({ padding: [0, 0, 1], dataFormat: 'channels_first' }), tensor([1, 2], [1, 2, 1, 1, 1]));
      expect(first).toEqual({ shape: [1, 2, 1, 1, 3], values: [0, 1, 0, 0, 2, 0] });
    }),
  );

  it('defaults to 1 everywhere (Keras) and rejects bad padding', () => {
    expect(new ZeroPadding3D().apply(Input({ shape: [2, 3, null, 4] })).shape).toEqual([null, 4, 5, null, 4]);
    expect(new ZeroPadding3D().getConfig().padding).toEqual([[1, 1], [1, 1], [1, 1]]);
    expect(() => new ZeroPadding3D({ padding: [1, 2] })).toThrow(
      'Invalid value for argument padding. Expected a non-negative integer, a list of 3 [depth, height, width], or a list of 3 pairs [[front, back], [top, bottom], [left, right]] of non-negative integers. Received: padding=[1,2]',
    );
  });
});

describe('Cropping3D', () => {
  it(
    'removes slices at the borders, in both data formats',
    onBothBackends(async () => {
      const x = tensor(volume(3, 3, 3, (z, y, x) => 100 * z + 10 * y + x), [1, 3, 3, 3, 1]);
      expect(await run(new Cropping3D(), x)).toEqual({ shape: [1, 1, 1, 1, 1], values: [111] });
      const y = await run(new Cropping3D({ cropping: [[0, 1], [2, 0], [1, 1]] }), x);
      expect(y).toEqual({ shape: [1, 2, 1, 1, 1], values: [21, 121] });
      const first = await run(new Cropping3D({ cropping: [0, 0, 1], dataFormat: 'channels_first' }), tensor(volume(1, 1, 3, (_, __, x) => x), [1, 1, 1, 1, 3]));
      expect(first).toEqual({ shape: [1, 1, 1, 1, 1], values: [1] });
    }),
  );

  it('gives Keras shapes and rejects croppings as large as the input', () => {
    expect(new Cropping3D({ cropping: 2 }).apply(Input({ shape: [5, 6, null, 2] })).shape).toEqual([null, 1, 2, null, 2]);
    expect(() => new Cropping3D({ cropping: [1, 1, 2] }).apply(Input({ shape: [4, 4, 4, 1] }))).toThrow('Values in `cropping` argument should be smaller than the corresponding spatial dimension of the input.');
  });
});

describe('SpatialDropout3D', () => {
  it('returns its input outside training', () => {
    const x = tensor(seededValues(16, 8), [1, 2, 2, 2, 2]);
    expect(new SpatialDropout3D({ rate: 0.5 }).apply(x)).toBe(x);
  });

  it('drops whole channels in training and scales the rest by 1 / (1 - rate), in both data formats', async () => {
    const last = (await new SpatialDropout3D({ rate: 0.5, seed: 4 }).apply(tensor(Array(3 * 2 * 2 * 2 * 8).fill(1), [3, 2, 2, 2, 8]), { training: true }).data()) as Float32Array;
    const seen = new Set<number>();
    for (let b = 0; b < 3; b++) {
      for (let c = 0; c < 8; c++) {
        const channel = iota(8).map((v) => last[(b * 8 + v) * 8 + c]);
        expect(new Set(channel).size).toBe(1);
        seen.add(channel[0]);
      }
    }
    expect([...seen].sort()).toEqual([0, 2]);
    const first = (await new SpatialDropout3D({ rate: 0.5, seed: 5, dataFormat: 'channels_first' }).apply(tensor(Array(3 * 8 * 2 * 2 * 2).fill(1), [3, 8, 2, 2, 2]), { training: true }).data()) as Float32Array;
    for (let channel = 0; channel < 24; channel++) expect(new Set(first.slice(channel * 8, channel * 8 + 8)).size).toBe(1);
  });

  it('checks its input rank and arguments', () => {
    expect(() => new SpatialDropout3D({ rate: 0.5 }).apply(tensor(Array(16).fill(1), [1, 2, 2, 4]))).toThrow('expected ndim=5');
    expect(() => new SpatialDropout3D({ rate: 0.5, dataFormat: 'ncdhw' as never })).toThrow('Invalid value for argument dataFormat');
  });
});

describe('configs', () => {
  const examples: Array<[string, () => Layer, number[]]> = [
    ['Conv3D', () => new Conv3D({ filters: 4, kernelSize: [2, 3, 2], strides: [1, 2, 1], padding: 'same', groups: 2, activation: 'relu', kernelRegularizer: 'l2' }), [3, 5, 4, 2]],
    ['Conv3DTranspose', () => new Conv3DTranspose({ filters: 2, kernelSize: 2, strides: 2, outputPadding: [1, 0, 1], useBias: false, dataFormat: 'channels_first' }), [3, 2, 2, 2]],
    ['MaxPooling3D', () => new MaxPooling3D({ poolSize: [1, 2, 2], strides: [1, 1, 2], padding: 'same' }), [2, 4, 4, 3]],
    ['AveragePooling3D', () => new AveragePooling3D({ poolSize: 2, dataFormat: 'channels_first' }), [3, 2, 4, 4]],
    ['GlobalAveragePooling3D', () => new GlobalAveragePooling3D({ keepdims: true }), [2, 3, 4, 5]],
    ['GlobalMaxPooling3D', () => new GlobalMaxPooling3D({ dataFormat: 'channels_first' }), [2, 3, 4, 5]],
    ['UpSampling3D', () => new UpSampling3D({ size: [1, 2, 3] }), [2, 2, 2, 1]],
    ['ZeroPadding3D', () => new ZeroPadding3D({ padding: [[0, 1], 2, [1, 0]] }), [2, 2, 2, 1]],
    ['Cropping3D', () => new Cropping3D({ cropping: [[0, 1], 1, [1, 0]], dataFormat: 'channels_first' }), [1, 3, 4, 5]],
    ['SpatialDropout3D', () => new SpatialDropout3D({ rate: 0.3, seed: 2, dataFormat: 'channels_first' }), [2, 2, 2, 2]],
  ];
  for (const [className, make, sampleShape] of examples) {
    it(`${className} round-trips through JSON and deserializeLayer`, () => {
      const layer = make();
      const out = layer.apply(Input({ shape: sampleShape }));
      const config = JSON.parse(JSON.stringify(layer.getConfig())) as Record<string, unknown>;
      const rebuilt = deserializeLayer({ className, config });
      expect(rebuilt).toBeInstanceOf(layer.constructor);
      expect(JSON.parse(JSON.stringify(rebuilt.getConfig()))).toEqual(config);
      expect(rebuilt.apply(Input({ shape: sampleShape }))).toHaveProperty('shape', (out as { shape: unknown }).shape);
      expect(rebuilt.weights.map((w) => [w.name.split('/')[1], [...w.shape]])).toEqual(layer.weights.map((w) => [w.name.split('/')[1], [...w.shape]]));
    });
  }

  it("lists Keras's options with their defaults", () => {
    expect(new Conv3D({ filters: 2, kernelSize: 3 }).getConfig()).toMatchObject({ kernelSize: [3, 3, 3], strides: [1, 1, 1], padding: 'valid', dilationRate: [1, 1, 1], dataFormat: 'channels_last', groups: 1 });
    expect(new MaxPooling3D().getConfig()).toMatchObject({ poolSize: [2, 2, 2], strides: [2, 2, 2], padding: 'valid', dataFormat: 'channels_last' });
    expect(new UpSampling3D().getConfig()).toMatchObject({ size: [2, 2, 2], dataFormat: 'channels_last' });
    expect(new Cropping3D().getConfig()).toMatchObject({ cropping: [[1, 1], [1, 1], [1, 1]], dataFormat: 'channels_last' });
  });

  it("loads Keras's aliases as the same classes", () => {
    const aliases: Array<[string, string]> = [
      ['Convolution3D', 'Conv3D'],
      ['Convolution3DTranspose', 'Conv3DTranspose'],
      ['MaxPool3D', 'MaxPooling3D'],
      ['AvgPool3D', 'AveragePooling3D'],
      ['GlobalAvgPool3D', 'GlobalAveragePooling3D'],
      ['GlobalMaxPool3D', 'GlobalMaxPooling3D'],
    ];
    for (const [alias, name] of aliases) expect(getLayerClass(alias)).toBe(getLayerClass(name));
  });

  it('rejects an option that is not theirs at the first apply', () => {
    expect(() => new MaxPooling3D({ poolSize: 2, filters: 2 } as never).apply(Input({ shape: [4, 4, 4, 1] }))).toThrow(/unknown option 'filters'/);
  });
});

describe('in a model', () => {
  /** A tiny regression: volumes [12, 4, 4, 4, 1] to the mean of each volume. */
  function data() {
    const x = ops.randomUniform([12, 4, 4, 4, 1], { seed: 31 });
    return { x, y: x.mean([1, 2, 3, 4]).reshape([12, 1]) };
  }

  it('Conv3D + pooling fits (the loss decreases), saves and loads with the same predictions', async () => {
    setRandomSeed(7);
    const { x, y } = data();
    const model = new Sequential([
      Input({ shape: [4, 4, 4, 1] }),
      new Conv3D({ filters: 3, kernelSize: 2, padding: 'same', activation: 'relu' }),
      new MaxPooling3D(),
      new Conv3DTranspose({ filters: 2, kernelSize: 2, strides: 2 }),
      new AveragePooling3D({ poolSize: [2, 2, 1] }),
      new GlobalAveragePooling3D(),
      new Dense({ units: 1 }),
    ]);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const history = await model.fit(x, y, { epochs: 6, batchSize: 6, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses.at(-1)!).toBeLessThan(losses[0]);
    const slot = memoryHandler();
    await model.save(slot);
    const restored = await loadModel(slot);
    expect(restored.layers.map((l) => l.constructor.name)).toEqual(['Conv3D', 'MaxPooling3D', 'Conv3DTranspose', 'AveragePooling3D', 'GlobalAveragePooling3D', 'Dense']);
    const predict = async (m: typeof model) => Array.from(await ((await m.predict(x)) as Tensor).data());
    expect(await predict(restored as typeof model)).toEqual(await predict(model));
  });

  it('the reshaping layers and SpatialDropout3D in a model (Flatten after them)', async () => {
    setRandomSeed(8);
    const { x, y } = data();
    const model = new Sequential([
      Input({ shape: [4, 4, 4, 1] }),
      new ZeroPadding3D(),
      new Cropping3D({ cropping: [[1, 0], [0, 1], 1] }),
      new UpSampling3D({ size: [1, 1, 2] }),
      new SpatialDropout3D({ rate: 0.2, seed: 1 }),
      new Flatten(),
      new Dense({ units: 1 }),
    ]);
    expect(model.outputShape).toEqual([null, 1]);
    expect(model.layers[2].output).toHaveProperty('shape', [null, 5, 5, 8, 1]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const history = await model.fit(x, y, { epochs: 3, batchSize: 6, verbose: 0 });
    expect((history.history.loss as number[]).every(Number.isFinite)).toBe(true);
  });
});
