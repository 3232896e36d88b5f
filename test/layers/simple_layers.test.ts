// The simple built-in layers together: each config round-trips through JSON and deserializeLayer;
// a small model made of several of them trains (fit), saves and loads with identical predictions
// and identical continued training; a model holding a Lambda refuses to save, before anything is
// written, and says what to do instead.

import { describe, expect, it } from 'vitest';
import { Model, Sequential, layers, ops, setRandomSeed, type Tensor } from '../../src/node';
import { deserializeLayer, getLayerClass, Input, type Layer } from '../../src/layers/index';
import { loadModel, memoryHandler, type ModelArtifacts } from '../../src/io/index';
import { useWebGPU } from '../helpers';

useWebGPU();

const examples: Array<[string, () => Layer, number[]]> = [
  ['Identity', () => new layers.Identity(), [3]],
  ['RepeatVector', () => new layers.RepeatVector({ n: 4 }), [3]],
  ['UpSampling1D', () => new layers.UpSampling1D({ size: 3 }), [4, 2]],
  ['UpSampling2D', () => new layers.UpSampling2D({ size: [1, 2], dataFormat: 'channels_first', interpolation: 'nearest' }), [2, 3, 3]],
  ['ZeroPadding1D', () => new layers.ZeroPadding1D({ padding: [0, 2] }), [4, 2]],
  ['ZeroPadding2D', () => new layers.ZeroPadding2D({ padding: [[1, 0], [2, 3]], dataFormat: 'channels_first' }), [2, 3, 3]],
  ['Cropping1D', () => new layers.Cropping1D({ cropping: [1, 0] }), [4, 2]],
  ['Cropping2D', () => new layers.Cropping2D({ cropping: [1, [0, 1]] }), [4, 4, 2]],
  ['ReLU', () => new layers.ReLU({ maxValue: 4, negativeSlope: 0.1, threshold: 0.5 }), [3]],
  ['LeakyReLU', () => new layers.LeakyReLU({ negativeSlope: 0.05 }), [3]],
  ['ELU', () => new layers.ELU({ alpha: 0.4 }), [3]],
  ['Softmax', () => new layers.Softmax({ axis: [1, 2] }), [2, 3]],
  ['Rescaling', () => new layers.Rescaling({ scale: [1, 2, 3], offset: -1 }), [3]],
  ['GaussianNoise', () => new layers.GaussianNoise({ stddev: 0.2, seed: 4 }), [3]],
  ['UnitNormalization', () => new layers.UnitNormalization({ axis: [1, 2] }), [2, 3]],
];

describe('getConfig / fromConfig of the simple layers', () => {
  for (const [className, make, sampleShape] of examples) {
    it(`${className} round-trips through JSON`, () => {
      const layer = make();
      const out = layer.apply(Input({ shape: sampleShape }));
      const config = JSON.parse(JSON.stringify(layer.getConfig())) as Record<string, unknown>;
      const rebuilt = deserializeLayer({ className, config });
      expect(rebuilt).toBeInstanceOf(getLayerClass(className) as unknown as typeof layers.Layer);
      expect(JSON.parse(JSON.stringify(rebuilt.getConfig()))).toEqual(config);
      expect(rebuilt.apply(Input({ shape: sampleShape })).shape).toEqual(out.shape);
    });
  }

  it('lists Keras 3 defaults', () => {
    const defaults = (layer: Layer) => {
      const { name: _name, trainable: _trainable, dtype: _dtype, ...own } = layer.getConfig();
      return own;
    };
    expect(defaults(new layers.LeakyReLU())).toEqual({ negativeSlope: 0.3 });
    expect(defaults(new layers.ReLU())).toEqual({ maxValue: null, negativeSlope: 0, threshold: 0 });
    expect(defaults(new layers.ELU())).toEqual({ alpha: 1 });
    expect(defaults(new layers.Softmax())).toEqual({ axis: -1 });
    expect(defaults(new layers.UpSampling2D())).toEqual({ size: [2, 2], dataFormat: 'channels_last', interpolation: 'nearest' });
    expect(defaults(new layers.ZeroPadding2D())).toEqual({ padding: [[1, 1], [1, 1]], dataFormat: 'channels_last' });
    expect(defaults(new layers.Cropping2D())).toEqual({ cropping: [[0, 0], [0, 0]], dataFormat: 'channels_last' });
    expect(defaults(new layers.Cropping1D())).toEqual({ cropping: [1, 1] });
    expect(defaults(new layers.UpSampling1D())).toEqual({ size: 2 });
    expect(defaults(new layers.Rescaling({ scale: 2 }))).toEqual({ scale: 2, offset: 0 });
    expect(defaults(new layers.UnitNormalization())).toEqual({ axis: -1 });
  });

  it('rejects an option that the layer does not have (a typo)', () => {
    expect(() => new layers.UpSampling2D({ sise: 3 } as never).apply(Input({ shape: [2, 2, 1] }))).toThrow(/UpSampling2D '.*': unknown option 'sise'\. Its options: size, dataFormat, interpolation/);
  });
});

function imageModel(): Sequential {
  return new Sequential({
    layers: [
      new layers.Rescaling({ scale: 0.5, offset: -0.25, inputShape: [4, 4, 1] }),
      new layers.ZeroPadding2D({ padding: 1 }),
      new layers.Conv2D({ filters: 2, kernelSize: 3 }),
      new layers.LeakyReLU(),
      new layers.UpSampling2D({ size: [1, 2] }),
      new layers.Cropping2D({ cropping: [[0, 0], [1, 1]] }),
      new layers.GaussianNoise({ stddev: 0.05 }),
      new layers.Flatten(),
      new layers.Dense({ units: 6 }),
      new layers.ReLU({ maxValue: 6, negativeSlope: 0.1 }),
      new layers.UnitNormalization(),
      new layers.Identity(),
      new layers.Dense({ units: 2 }),
      new layers.Softmax(),
    ],
  });
}

async function values(t: Tensor | Tensor[]): Promise<number[][]> {
  return Promise.all([t].flat().map(async (x) => Array.from(await x.data())));
}

describe('a model of simple layers', () => {
  it('trains, saves and loads: identical predictions and identical continued training', async () => {
    const x = ops.randomUniform([16, 4, 4, 1], { seed: 21 });
    const y = ops.oneHot(x.sum([1, 2, 3]).greater(8).cast('int32'), 2);
    setRandomSeed(5);
    const model = imageModel();
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    const history = await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, shuffle: false });
    const losses = history.history.loss as number[];
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(losses[0]);

    const slot = memoryHandler();
    await model.save(slot);
    const restored = await loadModel(slot);
    expect(restored.layers.map((l) => l.constructor.name)).toEqual(model.layers.map((l) => l.constructor.name));
    expect(restored.layers.map((l) => JSON.stringify(l.getConfig()))).toEqual(model.layers.map((l) => JSON.stringify(l.getConfig())));
    expect(await values(await restored.predict(x))).toEqual(await values(await model.predict(x)));

    setRandomSeed(9);
    const original = await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, shuffle: false });
    setRandomSeed(9);
    const resumed = await restored.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, shuffle: false });
    expect(resumed.history).toEqual(original.history);
  });

  it('with a Lambda, runs and trains but refuses to save before writing anything', async () => {
    const input = Input({ shape: [3] });
    const doubled = new layers.Lambda({ function: (t) => ops.mul(t as Tensor, 2), name: 'double' }).apply(input);
    const model = new Model({ inputs: input, outputs: new layers.Dense({ units: 1 }).apply(doubled) });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    await model.fit(ops.ones([4, 3]), ops.zeros([4, 1]), { epochs: 1, verbose: 0 });
    const written: ModelArtifacts[] = [];
    const handler = { save: async (a: ModelArtifacts) => (written.push(a), { dateSaved: '', modelJsonBytes: 0, weightBytes: 0 }) };
    await expect(model.save(handler)).rejects.toThrow(/Cannot serialize Lambda layer 'double'.*write the computation as a custom layer instead: subclass Layer.*registerLayer\(MyLayer\)/);
    expect(written).toEqual([]);
  });
});
