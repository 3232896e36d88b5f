// Image preprocessing and augmentation layers: output shapes, the identity in inference, what
// each augmentation does in training (exact flips and crops, identity transforms for empty
// ranges, the contrast and brightness formulas worked by hand), seeded determinism, configs,
// UpSampling2D's bilinear mode, a model that trains with fit (its replayed steps drawing fresh
// randomness), save and load, and argument errors.

import { describe, expect, it, vi } from 'vitest';
import { LambdaCallback, Sequential, optimizers, setRandomSeed, tensor, type Tensor } from '../../src/node';
import { loadModel, memoryHandler } from '../../src/io/index';
import {
  CenterCrop,
  Conv2D,
  Dense,
  Flatten,
  Input,
  RandomBrightness,
  RandomContrast,
  RandomCrop,
  RandomFlip,
  RandomRotation,
  RandomTranslation,
  RandomZoom,
  Resizing,
  UpSampling2D,
  deserializeLayer,
  Layer,
} from '../../src/layers/index';
import { resize } from '../../src/ops/image';
import { onBothBackends, useWebGPU } from '../helpers';
import { expectClose, seededValues } from './layer_helpers';

useWebGPU();

const SHAPE = [4, 5, 6, 2];
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
/** Pixel values in [0, 255), whole numbers so that float32 holds them and their sums exactly. */
const pixels = (shape: number[], seed: number) => seededValues(size(shape), seed, 0, 255).map(Math.floor);
const valuesOf = async (t: Tensor) => Array.from(await t.data());

/** Image b of a channels-last batch as [height][width][channel] nested arrays. */
function image(values: number[], [, height, width, channels]: number[], b: number): number[][][] {
  return Array.from({ length: height }, (_, y) => Array.from({ length: width }, (_, x) => Array.from({ length: channels }, (_, c) => values[((b * height + y) * width + x) * channels + c])));
}
const mirrorLeftRight = (img: number[][][]) => img.map((row) => [...row].reverse());
const mirrorUpDown = (img: number[][][]) => [...img].reverse();

const augmentations = (): Layer[] => [
  new RandomCrop({ height: 3, width: 4, seed: 1 }),
  new RandomFlip({ seed: 2 }),
  new RandomRotation({ factor: 0.2, seed: 3 }),
  new RandomZoom({ heightFactor: 0.3, widthFactor: [-0.2, 0.1], seed: 4 }),
  new RandomTranslation({ heightFactor: 0.2, widthFactor: [-0.1, 0.3], fillMode: 'constant', fillValue: 9, seed: 5 }),
  new RandomContrast({ factor: 0.5, seed: 6 }),
  new RandomBrightness({ factor: [-0.2, 0.3], seed: 7 }),
];

describe('shapes', () => {
  it('gives Keras output shapes, symbolic and concrete, batched and single', () => {
    const input = Input({ shape: [5, 6, 2] });
    expect(new Resizing({ height: 3, width: 8 }).apply(input).shape).toEqual([null, 3, 8, 2]);
    expect(new CenterCrop({ height: 2, width: 3 }).apply(input).shape).toEqual([null, 2, 3, 2]);
    expect(new RandomCrop({ height: 3, width: 4 }).apply(input).shape).toEqual([null, 3, 4, 2]);
    for (const layer of augmentations().slice(1)) expect((layer.apply(input) as { shape: unknown }).shape).toEqual([null, 5, 6, 2]);
    const x = tensor(pixels(SHAPE, 1), SHAPE);
    for (const layer of augmentations()) {
      const expected = layer instanceof RandomCrop ? [4, 3, 4, 2] : SHAPE;
      expect((layer.apply(x, { training: true }) as Tensor).shape).toEqual(expected);
      expect((layer.apply(tensor(pixels(SHAPE.slice(1), 2), SHAPE.slice(1)), { training: true }) as Tensor).shape).toEqual(expected.slice(1));
    }
  });
});

describe('inference', () => {
  it('returns the input unchanged for every augmentation but RandomCrop', onBothBackends(async () => {
    const values = pixels(SHAPE, 3);
    const x = tensor(values, SHAPE);
    for (const layer of augmentations().slice(1)) expect(await valuesOf(layer.apply(x, { training: false }) as Tensor)).toEqual(values);
  }));

  it('without a training flag the augmentations act, as Keras 3 (call(training=True)); the default stays local', async () => {
    const values = pixels(SHAPE, 3);
    const x = tensor(values, SHAPE);
    // The same seed draws the same flips, so a flag-less call matches a training call of a twin layer.
    const flips = await valuesOf(new RandomFlip({ mode: 'horizontal', seed: 21 }).apply(x, { training: true }) as Tensor);
    expect(flips).not.toEqual(values);
    expect(await valuesOf(new RandomFlip({ mode: 'horizontal', seed: 21 }).apply(x) as Tensor)).toEqual(flips);
    // keras-io's `data_augmentation = keras.Sequential([RandomFlip(...)])` then `data_augmentation(images)`.
    const augment = new Sequential([new RandomFlip({ mode: 'horizontal', seed: 21 })]);
    expect(await valuesOf(augment.apply(x) as Tensor)).toEqual(flips);
    expect(await valuesOf(augment.apply(x, { training: false }) as Tensor)).toEqual(values);
    // In a model, predict (training false) leaves the images; fit's steps get training true.
    const model = new Sequential([Input({ shape: SHAPE.slice(1) }), new RandomFlip({ mode: 'horizontal', seed: 21 })]);
    expect(await valuesOf(await model.predict(x) as Tensor)).toEqual(values);
    // A layer whose own default is inference does not pass it on: its augmentation still acts,
    // and an explicit false reaches it.
    class Outer extends Layer {
      readonly flip = new RandomFlip({ mode: 'horizontal', seed: 21 });
      override call(inputs: Tensor): Tensor {
        return this.flip.apply(inputs);
      }
    }
    expect(await valuesOf(new Outer().apply(x) as Tensor)).toEqual(flips);
    expect(await valuesOf(new Outer().apply(x, { training: false }) as Tensor)).toEqual(values);
  });

  it('RandomCrop resizes the centered window with the target aspect ratio', onBothBackends(async () => {
    const values = pixels([1, 6, 8, 1], 4);
    // Target 3x3 is square: the centered 6x6 window (columns 1..6), resized to 3x3.
    const window = [0, 1, 2, 3, 4, 5].flatMap((y) => [1, 2, 3, 4, 5, 6].map((x) => values[y * 8 + x]));
    const expected = await valuesOf(resize(tensor(window, [1, 6, 6, 1]), [3, 3]));
    expectClose(await valuesOf(new RandomCrop({ height: 3, width: 3 }).apply(tensor(values, [1, 6, 8, 1]), { training: false }) as Tensor), expected);
  }));
});

describe('augmentations in training', () => {
  it('RandomFlip makes exact flips or leaves the image, per image, in each mode', onBothBackends(async () => {
    const shape = [8, 3, 4, 1];
    const values = pixels(shape, 5);
    const cases = [
      ['horizontal', mirrorLeftRight],
      ['vertical', mirrorUpDown],
      ['horizontal_and_vertical', (img: number[][][]) => mirrorUpDown(mirrorLeftRight(img))],
    ] as const;
    for (const [mode, flipped] of cases) {
      const out = await valuesOf(new RandomFlip({ mode, seed: 11 }).apply(tensor(values, shape), { training: true }) as Tensor);
      let flips = 0;
      for (let b = 0; b < shape[0]; b++) {
        const got = image(out, shape, b);
        const same = JSON.stringify(got) === JSON.stringify(image(values, shape, b));
        const mirrored = JSON.stringify(got) === JSON.stringify(flipped(image(values, shape, b)));
        expect(same || mirrored, `${mode} image ${b}`).toBe(true);
        if (mirrored && !same) flips++;
      }
      expect(flips, `${mode}: some but not all of 8 images flipped`).toBeGreaterThan(0);
      expect(flips).toBeLessThan(8);
    }
  }));

  it('RandomCrop takes one window of the images at one offset for the whole batch', onBothBackends(async () => {
    const shape = [3, 6, 7, 1];
    const values = pixels(shape, 6);
    const out = await valuesOf(new RandomCrop({ height: 3, width: 4, seed: 9 }).apply(tensor(values, shape), { training: true }) as Tensor);
    const offsets = [];
    for (let top = 0; top <= 3; top++) {
      for (let left = 0; left <= 3; left++) {
        const window = [0, 1, 2].flatMap((b) => [0, 1, 2].flatMap((y) => [0, 1, 2, 3].map((x) => values[(b * 6 + top + y) * 7 + left + x])));
        if (JSON.stringify(window) === JSON.stringify(out)) offsets.push([top, left]);
      }
    }
    expect(offsets.length).toBe(1);
  }));

  it('RandomRotation, RandomZoom and RandomTranslation with empty ranges are the identity', onBothBackends(async () => {
    const values = pixels(SHAPE, 7);
    const x = tensor(values, SHAPE);
    const layers = [
      new RandomRotation({ factor: [0, 0] }),
      new RandomZoom({ heightFactor: 0, widthFactor: [0, 0] }),
      new RandomTranslation({ heightFactor: 0, widthFactor: [0, 0], interpolation: 'nearest' }),
    ];
    for (const layer of layers) expect(await valuesOf(layer.apply(x, { training: true }) as Tensor)).toEqual(values);
  }));

  it('RandomRotation by a half turn turns each image upside down', onBothBackends(async () => {
    const shape = [2, 3, 5, 1];
    const values = pixels(shape, 8);
    const out = await valuesOf(new RandomRotation({ factor: [0.5, 0.5], interpolation: 'nearest' }).apply(tensor(values, shape), { training: true }) as Tensor);
    for (let b = 0; b < 2; b++) expect(image(out, shape, b)).toEqual(mirrorUpDown(mirrorLeftRight(image(values, shape, b))));
  }));

  it('RandomTranslation by whole pixels shifts and fills', onBothBackends(async () => {
    // heightFactor 1/3 of height 3 is one row down; widthFactor 0.
    const shape = [1, 3, 2, 1];
    const values = [1, 2, 3, 4, 5, 6];
    const layer = new RandomTranslation({ heightFactor: [1 / 3, 1 / 3], widthFactor: 0, fillMode: 'constant', fillValue: -1, interpolation: 'nearest' });
    expect(await valuesOf(layer.apply(tensor(values, shape), { training: true }) as Tensor)).toEqual([-1, -1, 1, 2, 3, 4]);
  }));

  it('RandomBrightness adds factor * (high - low) and clips: worked by hand', onBothBackends(async () => {
    const values = [0, 10, 200, 250];
    const out = await valuesOf(new RandomBrightness({ factor: [0.1, 0.1] }).apply(tensor(values, [1, 2, 2, 1]), { training: true }) as Tensor);
    expectClose(out, [25.5, 35.5, 225.5, 255]);
    const dimmed = await valuesOf(new RandomBrightness({ factor: [-0.5, -0.5], valueRange: [0, 1] }).apply(tensor([0.2, 0.9], [1, 1, 2, 1]), { training: true }) as Tensor);
    expectClose(dimmed, [0, 0.4]);
  }));

  it('RandomBrightness shifts each image by one delta within the range', onBothBackends(async () => {
    const shape = [6, 2, 2, 1];
    const values = seededValues(size(shape), 9, 0.4, 0.6);
    const out = await valuesOf(new RandomBrightness({ factor: 0.3, valueRange: [0, 1], seed: 1 }).apply(tensor(values, shape), { training: true }) as Tensor);
    for (let b = 0; b < 6; b++) {
      const deltas = [0, 1, 2, 3].map((i) => out[b * 4 + i] - values[b * 4 + i]);
      for (const d of deltas) expect(d).toBeCloseTo(deltas[0], 5);
      expect(Math.abs(deltas[0])).toBeLessThanOrEqual(0.3 + 1e-6);
    }
  }));

  it('RandomContrast is (x - mean) * factor + mean per channel with one factor per image in range, clipped', onBothBackends(async () => {
    // Image: channel 0 = [10, 20, 30, 40] (mean 25), channel 1 = [100, 100, 100, 200] (mean 125).
    const values = [10, 100, 20, 100, 30, 100, 40, 200];
    const out = await valuesOf(new RandomContrast({ factor: [0.3, 0.6], seed: 3 }).apply(tensor(values, [1, 2, 2, 2]), { training: true }) as Tensor);
    // The drawn factor, from the first pixel: (10 - 25) * f + 25.
    const factor = (out[0] - 25) / (10 - 25);
    expect(factor).toBeGreaterThanOrEqual(0.7 - 1e-6);
    expect(factor).toBeLessThanOrEqual(1.6 + 1e-6);
    const means = [25, 125];
    expectClose(out, values.map((v, i) => Math.min(Math.max((v - means[i % 2]) * factor + means[i % 2], 0), 255)), { atol: 1e-3, rtol: 1e-5 });
    // factor 1 draws in [0, 2]: stretched values are clipped to the value range.
    const clipped = await valuesOf(new RandomContrast({ factor: 1, valueRange: [0, 50], seed: 4 }).apply(tensor([0, 50, 50, 50], [1, 2, 2, 1]), { training: true }) as Tensor);
    for (const v of clipped) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(50);
    }
  }));

  it('is reproducible with a seed, and each call draws anew', onBothBackends(async () => {
    const x = tensor(pixels(SHAPE, 10), SHAPE);
    for (const make of augmentations().map((layer) => () => deserializeLayer({ className: layer.constructor.name, config: layer.getConfig() }))) {
      const [a, b] = [make(), make()];
      const first = await valuesOf(a.apply(x, { training: true }) as Tensor);
      expect(await valuesOf(b.apply(x, { training: true }) as Tensor)).toEqual(first);
      const calls = [first];
      for (let i = 0; i < 3; i++) calls.push(await valuesOf(a.apply(x, { training: true }) as Tensor));
      expect(new Set(calls.map((c) => JSON.stringify(c))).size, a.constructor.name).toBeGreaterThan(1);
    }
  }));
});

describe('Resizing and CenterCrop', () => {
  it('Resizing is ops.resize with its options, in training and inference', onBothBackends(async () => {
    const values = pixels([2, 4, 6, 1], 12);
    const x = tensor(values, [2, 4, 6, 1]);
    const layer = new Resizing({ height: 3, width: 3, interpolation: 'nearest', cropToAspectRatio: true });
    const expected = await valuesOf(resize(x, [3, 3], { interpolation: 'nearest', cropToAspectRatio: true }));
    expect(await valuesOf(layer.apply(x) as Tensor)).toEqual(expected);
    expect(await valuesOf(layer.apply(x, { training: true }) as Tensor)).toEqual(expected);
  }));

  it('Resizing pads to the aspect ratio with ops.resize, and refuses both crop and pad, another fill mode or a bad fill value', onBothBackends(async () => {
    const x = tensor(pixels([1, 4, 6, 1], 14), [1, 4, 6, 1]);
    const layer = new Resizing({ height: 3, width: 3, padToAspectRatio: true, fillValue: 0.5 });
    expect(await valuesOf(layer.apply(x) as Tensor)).toEqual(await valuesOf(resize(x, [3, 3], { padToAspectRatio: true, fillValue: 0.5 })));
    expect(layer.getConfig()).toMatchObject({ padToAspectRatio: true, fillMode: 'constant', fillValue: 0.5 });
    expect(() => new Resizing({ height: 3, width: 3, padToAspectRatio: true, cropToAspectRatio: true })).toThrow('Resizing: Only one of `padToAspectRatio` & `cropToAspectRatio` can be `true`.');
    expect(() => new Resizing({ height: 3, width: 3, fillMode: 'reflect' as 'constant' })).toThrow("Invalid value for argument `fillMode`. Expected one of 'constant'. Received: fillMode=\"reflect\"");
    expect(() => new Resizing({ height: 3, width: 3, fillValue: 'black' as never })).toThrow('Invalid value for argument `fillValue`. Expected a finite number. Received: fillValue="black"');
  }));

  it('CenterCrop crops the middle, and resizes images smaller than the window', onBothBackends(async () => {
    const values = pixels([1, 5, 6, 1], 13);
    // Rows 1..3 ((5 - 3) / 2 = 1), columns 1..4 ((6 - 4) / 2 = 1).
    const middle = [1, 2, 3].flatMap((y) => [1, 2, 3, 4].map((x) => values[y * 6 + x]));
    expect(await valuesOf(new CenterCrop({ height: 3, width: 4 }).apply(tensor(values, [1, 5, 6, 1])) as Tensor)).toEqual(middle);
    const grown = new CenterCrop({ height: 8, width: 8 }).apply(tensor(values, [1, 5, 6, 1])) as Tensor;
    expect(grown.shape).toEqual([1, 8, 8, 1]);
    expectClose(await valuesOf(grown), await valuesOf(resize(tensor(values, [1, 5, 6, 1]), [8, 8], { cropToAspectRatio: true })));
  }));
});

describe('UpSampling2D bilinear', () => {
  it('interpolates with the half-pixel rule, as Keras (ops.image.resize to the upsampled size)', onBothBackends(async () => {
    // Worked by hand: [1, 2] along the width, doubled: samples at -0.25, 0.25, 0.75, 1.25.
    const y = new UpSampling2D({ size: [1, 2], interpolation: 'bilinear' }).apply(tensor([1, 2], [1, 1, 2, 1])) as Tensor;
    expectClose(await valuesOf(y), [1, 1.25, 1.75, 2]);
    const values = seededValues(2 * 3 * 3 * 2, 14);
    const channelsFirst = new UpSampling2D({ size: 2, interpolation: 'bilinear', dataFormat: 'channels_first' }).apply(tensor(values, [2, 2, 3, 3])) as Tensor;
    expect(channelsFirst.shape).toEqual([2, 2, 6, 6]);
    expectClose(await valuesOf(channelsFirst), await valuesOf(resize(tensor(values, [2, 2, 3, 3]), [6, 6], { dataFormat: 'channels_first' })));
    expect(new UpSampling2D({ interpolation: 'bilinear' }).getConfig().interpolation).toBe('bilinear');
  }));
});

describe('configs', () => {
  it('round-trip through JSON for every layer', () => {
    const all = [new Resizing({ height: 3, width: 4, interpolation: 'nearest', cropToAspectRatio: true }), new CenterCrop({ height: 2, width: 2 }), ...augmentations()];
    for (const layer of all) {
      const config = JSON.parse(JSON.stringify(layer.getConfig())) as Record<string, unknown>;
      const rebuilt = deserializeLayer({ className: layer.constructor.name, config });
      expect(rebuilt.constructor).toBe(layer.constructor);
      expect(JSON.parse(JSON.stringify(rebuilt.getConfig()))).toEqual(config);
    }
    expect(new RandomRotation({ factor: 0.1, name: 'rotation' }).getConfig()).toEqual({ name: 'rotation', trainable: true, dtype: 'float32', factor: 0.1, fillMode: 'reflect', interpolation: 'bilinear', fillValue: 0, seed: undefined });
  });
});

describe('training', () => {
  const makeModel = (runEagerly: boolean) => {
    const model = new Sequential([
      Input({ shape: [6, 6, 1] }),
      new RandomFlip({ mode: 'horizontal' }),
      new RandomRotation({ factor: 0.05 }),
      new RandomBrightness({ factor: 0.2, valueRange: [0, 1] }),
      new Conv2D({ filters: 2, kernelSize: 3, activation: 'relu' }),
      new Flatten(),
      new Dense({ units: 1 }),
    ]);
    model.compile({ optimizer: new optimizers.SGD({ learningRate: 0 }), loss: 'mse', runEagerly });
    return model;
  };
  // One image repeated: with learning rate 0, each batch's loss differs only through the augmentation.
  const sample = seededValues(36, 15, 0, 1);
  const data = () => ({ x: tensor(Array.from({ length: 16 }, () => sample).flat(), [16, 6, 6, 1]), y: tensor(new Array(16).fill(0.5), [16, 1]) });

  it('trains with fit; replayed steps draw fresh randomness each step, as an eager fit does', async () => {
    const { x, y } = data();
    const losses = async (runEagerly: boolean) => {
      setRandomSeed(33);
      const model = makeModel(runEagerly);
      const calls = vi.spyOn(model.layers[0], 'call');
      const batchLosses: number[] = [];
      await model.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0, callbacks: [new LambdaCallback({ onBatchEnd: (_batch, logs) => void batchLosses.push(logs?.loss as number) })] });
      return { batchLosses, calls: calls.mock.calls.length };
    };
    const compiled = await losses(false);
    const eager = await losses(true);
    expect(compiled.batchLosses.length).toBe(8);
    // The layer ran on the eager step and the two traced ones; the other five steps were replays.
    expect(compiled.calls).toBe(3);
    expect(eager.calls).toBe(8);
    expectClose(compiled.batchLosses, eager.batchLosses, { atol: 1e-5, rtol: 1e-4 });
    const replayed = compiled.batchLosses.slice(3);
    expect(new Set(replayed).size).toBe(replayed.length);
  });

  it('trains a few steps with a learning rate and saves and loads', async () => {
    const { x, y } = data();
    const model = new Sequential([
      Input({ shape: [6, 6, 1] }),
      new RandomZoom({ heightFactor: 0.1, fillMode: 'nearest' }),
      new RandomTranslation({ heightFactor: 0.1, widthFactor: 0.1 }),
      new RandomContrast({ factor: 0.2, valueRange: [0, 1], seed: 2 }),
      new Conv2D({ filters: 2, kernelSize: 3 }),
      new Flatten(),
      new Dense({ units: 1 }),
    ]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const history = await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    expect(history.history.loss.every((l) => Number.isFinite(l as number))).toBe(true);
    const slot = memoryHandler();
    await model.save(slot);
    const restored = await loadModel(slot);
    expect(restored.layers.map((l) => l.constructor.name)).toEqual(['RandomZoom', 'RandomTranslation', 'RandomContrast', 'Conv2D', 'Flatten', 'Dense']);
    expect(restored.layers[2].getConfig()).toEqual(model.layers[2].getConfig());
    const predict = async (m: typeof model) => Array.from(await ((await m.predict(x)) as Tensor).data());
    expect(await predict(restored as typeof model)).toEqual(await predict(model));
  });
});

describe('errors', () => {
  it('rejects bad options and inputs', () => {
    expect(() => new RandomRotation({ factor: 1.5 })).toThrow('Invalid value for argument `factor`. Expected a number or a list of two numbers [lower, upper], each in [-1, 1]. Received: factor=1.5');
    expect(() => new RandomContrast({ factor: -0.1 })).toThrow('Received: factor=-0.1');
    expect(() => new RandomZoom({ heightFactor: [0.1] as unknown as [number, number] })).toThrow('Invalid value for argument `heightFactor`.');
    expect(() => new RandomRotation({ factor: 0.1, fillMode: 'mirror' as 'reflect' })).toThrow("Invalid value for argument `fillMode`. Expected one of 'reflect', 'wrap', 'constant', 'nearest'. Received: fillMode=\"mirror\"");
    expect(() => new RandomFlip({ mode: 'diagonal' as 'vertical' })).toThrow('Invalid value for argument `mode`.');
    expect(() => new Resizing({ height: 0, width: 2 })).toThrow('Invalid value for argument `height`. Expected a positive integer. Received: height=0');
    expect(() => new RandomBrightness({ factor: 0.1, valueRange: [0] as unknown as [number, number] })).toThrow('Invalid value for argument `valueRange`.');
    expect(() => new RandomCrop({ height: 2, width: 2, seed: 1.5 })).toThrow('Invalid value received for argument `seed`. Expected an integer. Received: seed=1.5');
    expect(() => new RandomFlip({ name: 'flat' }).apply(Input({ shape: [4] }))).toThrow("RandomFlip 'flat': expected images of rank 3 [height, width, channels] or 4 [batch, height, width, channels] (channels last). Received: input_shape=");
  });
});
