// Color augmentation layers: each formula against a float64 reference computed from the layer's
// own random draws (replayed from its seed) or from ranges collapsed to a point, the identity in
// inference, the WebGPU and CPU backends agreeing, configs, and argument errors.

import { describe, expect, it } from 'vitest';
import { getBackend, randomUniform, setBackend, tensor, type Tensor } from '../../src/node';
import {
  Input,
  RandomBrightness,
  RandomColorJitter,
  RandomContrast,
  RandomGrayscale,
  RandomHue,
  RandomInvert,
  RandomSaturation,
  Solarization,
  deserializeLayer,
  type Layer,
} from '../../src/layers/index';
import { SeedSequence } from '../../src/layers/layer_utils';
import { useWebGPU } from '../helpers';
import { expectClose, seededValues } from './layer_helpers';

useWebGPU();

const SHAPE = [6, 3, 4, 3];
const PIXELS = SHAPE.reduce((a, b) => a * b, 1) / 3;
/** Whole pixel values in [0, 255]. */
const pixels = (seed: number) => seededValues(PIXELS * 3, seed, 0, 256).map(Math.floor);
const valuesOf = async (t: Tensor) => Array.from(await t.data());
const train = async (layer: Layer, values: number[], shape = SHAPE) => valuesOf(layer.apply(tensor(values, shape), { training: true }) as Tensor);

/**
 * The per-image draws a layer seeded with `seed` makes, in order: each a uniform in [low, high)
 * of one value per image, replayed with the layer's seed sequence.
 */
async function replayDraws(seed: number, ranges: Array<[number, number]>, batch = SHAPE[0]): Promise<number[][]> {
  const seeds = new SeedSequence(seed);
  const out = [];
  for (const [low, high] of ranges) out.push(await valuesOf(randomUniform([batch, 1, 1, 1], { minval: low, maxval: high, seed: seeds.next() })));
  return out;
}

/** Applies f to each RGB pixel of image b (pixel index within the whole batch). */
function mapPixels(values: number[], f: (rgb: number[], image: number) => number[]): number[] {
  const perImage = PIXELS / SHAPE[0];
  const out: number[] = [];
  for (let p = 0; p < PIXELS; p++) out.push(...f(values.slice(p * 3, p * 3 + 3), Math.floor(p / perImage)));
  return out;
}

// Plain float64 HSV conversions (colorsys's formulas), values in [0, 1].
function rgbToHsv([r, g, b]: number[]): number[] {
  const max = Math.max(r, g, b);
  const range = max - Math.min(r, g, b);
  const saturation = max > 0 ? range / max : 0;
  if (range === 0) return [0, saturation, max];
  let hue = max === r ? (g - b) / range : max === g ? 2 + (b - r) / range : 4 + (r - g) / range;
  hue = (((hue / 6) % 1) + 1) % 1;
  return [hue, saturation, max];
}
function hsvToRgb([h, s, v]: number[]): number[] {
  const sector = (((h % 1) + 1) % 1) * 6;
  const i = Math.floor(sector) % 6;
  const f = sector - Math.floor(sector);
  const [p, q, t] = [v * (1 - s), v * (1 - s * f), v * (1 - s * (1 - f))];
  return [[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]][i];
}
const clip = (x: number, low: number, high: number) => Math.min(Math.max(x, low), high);

const hueReference = (rgb: number[], delta: number) => {
  const [h, s, v] = rgbToHsv(rgb.map((c) => c / 255));
  return hsvToRgb([h + delta, s, v]).map((c) => clip(c, 0, 1) * 255);
};
const saturationReference = (rgb: number[], factor: number) => {
  const [h, s, v] = rgbToHsv(rgb.map((c) => c / 255));
  return hsvToRgb([h, clip((s * factor) / (1 - factor + 1e-7), 0, 1), v]).map((c) => c * 255);
};

const colorLayers = (): Layer[] => [
  new RandomGrayscale({ seed: 1 }),
  new RandomInvert({ seed: 2 }),
  new Solarization({ additionFactor: 0.1, thresholdFactor: [0.3, 0.6], seed: 3 }),
  new RandomHue({ factor: 0.5, seed: 4 }),
  new RandomSaturation({ factor: [0.2, 0.9], seed: 5 }),
  new RandomColorJitter({ brightnessFactor: 0.2, contrastFactor: 0.3, saturationFactor: [0.3, 0.7], hueFactor: 0.2, seed: 6 }),
];

describe('inference and shapes', () => {
  it('returns the input unchanged outside training, and keeps shapes', async () => {
    const values = pixels(1);
    for (const layer of colorLayers()) {
      expect(await valuesOf(layer.apply(tensor(values, SHAPE), { training: false }) as Tensor), layer.constructor.name).toEqual(values);
      expect((layer.apply(Input({ shape: [5, 6, 3] })) as { shape: unknown }).shape).toEqual([null, 5, 6, 3]);
      expect((layer.apply(tensor(values.slice(0, 36), [3, 4, 3]), { training: true }) as Tensor).shape).toEqual([3, 4, 3]);
    }
  });
});

describe('formulas against float64 references', () => {
  it('RandomGrayscale converts the images whose draw is below factor to luma on every channel', async () => {
    const values = pixels(2);
    const [draws] = await replayDraws(7, [[0, 1]]);
    const out = await train(new RandomGrayscale({ factor: 0.5, seed: 7 }), values);
    const expected = mapPixels(values, (rgb, b) => (draws[b] < 0.5 ? new Array(3).fill(0.2989 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]) : rgb));
    expectClose(out, expected, { atol: 1e-3, rtol: 1e-5 });
    const converted = draws.filter((d) => d < 0.5).length;
    expect(converted, 'seed 7 converts some of the images but not all').toBeGreaterThan(0);
    expect(converted).toBeLessThan(SHAPE[0]);
    expect(await train(new RandomGrayscale({ factor: 0 }), values)).toEqual(values);
  });

  it('RandomInvert maps x to low + high - x where the threshold draw is below the drawn probability', async () => {
    const values = pixels(3).map((v) => v / 127.5 - 1);
    const [probability, threshold] = await replayDraws(8, [[0.5, 0.5], [0, 1]]);
    const out = await train(new RandomInvert({ factor: [0.5, 0.5], valueRange: [-1, 1], seed: 8 }), values);
    expectClose(out, mapPixels(values, (rgb, b) => (threshold[b] < probability[b] ? rgb.map((x) => -x) : rgb)), { atol: 1e-6 });
    const inverted = threshold.filter((t) => t < 0.5).length;
    expect(inverted).toBeGreaterThan(0);
    expect(inverted).toBeLessThan(SHAPE[0]);
  });

  it('Solarization: the Keras docstring pixel, and addition and threshold on a [0, 1] range', async () => {
    // keras.layers.Solarization(value_range=(0, 255)) maps [59, 62, 63] to [196, 193, 192].
    expect(await train(new Solarization(), [59, 62, 63], [1, 1, 1, 3])).toEqual([196, 193, 192]);
    const values = pixels(4).map((v) => v / 255);
    const out = await train(new Solarization({ additionFactor: [0.1, 0.1], thresholdFactor: [0.5, 0.5], valueRange: [0, 1] }), values);
    const expected = values.map((x) => {
      const y = clip(x * 255 + 25.5, 0, 255);
      return (y < 127.5 ? y : 255 - y) / 255;
    });
    expectClose(out, expected, { atol: 1e-5 });
  });

  it('RandomHue turns the hue by a random sign times factor / 2', async () => {
    const values = pixels(5);
    const [sign, factor] = await replayDraws(9, [[0, 1], [0.2, 0.6]]);
    const out = await train(new RandomHue({ factor: [0.2, 0.6], seed: 9 }), values);
    expectClose(out, mapPixels(values, (rgb, b) => hueReference(rgb, (sign[b] > 0.5 ? -1 : 1) * factor[b] * 0.5)), { atol: 2e-3, rtol: 1e-4 });
    expect(new Set(sign.map((s) => s > 0.5)).size, 'seed 9 turns both ways').toBe(2);
    expectClose(await train(new RandomHue({ factor: 0 }), values), values, { atol: 2e-3 });
  });

  it('RandomSaturation scales saturation by f / (1 - f), clipped to [0, 1]', async () => {
    const values = pixels(6);
    const [factor] = await replayDraws(10, [[0.1, 0.9]]);
    const out = await train(new RandomSaturation({ factor: [0.1, 0.9], seed: 10 }), values);
    expectClose(out, mapPixels(values, (rgb, b) => saturationReference(rgb, factor[b])), { atol: 2e-3, rtol: 1e-4 });
    // 0 makes every pixel gray at its value (its largest channel); 0.5 leaves images unchanged.
    expectClose(await train(new RandomSaturation({ factor: [0, 0] }), values), mapPixels(values, (rgb) => new Array(3).fill(Math.max(...rgb))), { atol: 1e-3 });
    expectClose(await train(new RandomSaturation({ factor: [0.5, 0.5] }), values), values, { atol: 2e-3 });
  });

  it('RandomColorJitter is brightness, contrast, saturation, hue in order, each step with its own seed', async () => {
    const values = pixels(7);
    const seed = 11;
    const layer = new RandomColorJitter({ brightnessFactor: [-0.1, 0.2], contrastFactor: 0.3, saturationFactor: [0.3, 0.8], hueFactor: 0.4, seed });
    const out = await train(layer, values);
    const [delta] = await replayDraws(seed, [[-0.1 * 255, 0.2 * 255]]);
    const [contrast] = await replayDraws(seed + 1, [[0.7, 1.3]]);
    const [saturation] = await replayDraws(seed + 2, [[0.3, 0.8]]);
    const [sign, hue] = await replayDraws(seed + 3, [[0, 1], [0, 0.4]]);
    let x = mapPixels(values, (rgb, b) => rgb.map((c) => clip(c + delta[b], 0, 255)));
    const perImage = PIXELS / SHAPE[0];
    const means = Array.from({ length: SHAPE[0] }, (_, b) => [0, 1, 2].map((c) => x.filter((_, i) => Math.floor(i / 3 / perImage) === b && i % 3 === c).reduce((s, v) => s + v, 0) / perImage));
    x = mapPixels(x, (rgb, b) => rgb.map((c, k) => clip((c - means[b][k]) * contrast[b] + means[b][k], 0, 255)));
    x = mapPixels(x, (rgb, b) => saturationReference(rgb, saturation[b]));
    x = mapPixels(x, (rgb, b) => hueReference(rgb, (sign[b] > 0.5 ? -1 : 1) * hue[b] * 0.5));
    expectClose(out, x, { atol: 5e-3, rtol: 1e-4 });
    // Without factors it is the identity; with only brightness it is RandomBrightness with its seed.
    expect(await train(new RandomColorJitter(), values)).toEqual(values);
    const brightness = await train(new RandomBrightness({ factor: 0.3, seed: 4 }), values);
    expect(await train(new RandomColorJitter({ brightnessFactor: 0.3, seed: 4 }), values)).toEqual(brightness);
    expect(await train(new RandomColorJitter({ contrastFactor: 0.3, seed: 4 }), values)).toEqual(await train(new RandomContrast({ factor: 0.3, seed: 5 }), values));
  });
});

describe('backends', () => {
  it('WebGPU and CPU agree on every layer with a seed', async () => {
    expect(getBackend()).toBe('webgpu');
    const values = pixels(8);
    const gpu = [];
    for (const layer of colorLayers()) gpu.push(await train(layer, values));
    setBackend('cpu');
    try {
      const layers = colorLayers();
      for (let i = 0; i < layers.length; i++) expectClose(await train(layers[i], values), gpu[i], { atol: 2e-3, rtol: 1e-4 });
    } finally {
      setBackend('webgpu');
    }
  });
});

describe('configs and errors', () => {
  it('round-trip through JSON, with Keras defaults', () => {
    for (const layer of colorLayers()) {
      const config = JSON.parse(JSON.stringify(layer.getConfig())) as Record<string, unknown>;
      const rebuilt = deserializeLayer({ className: layer.constructor.name, config });
      expect(rebuilt.constructor).toBe(layer.constructor);
      expect(JSON.parse(JSON.stringify(rebuilt.getConfig()))).toEqual(config);
    }
    expect(new RandomGrayscale({ name: 'g' }).getConfig()).toEqual({ name: 'g', trainable: true, dtype: 'float32', seed: undefined, factor: 0.5 });
    expect(new RandomInvert().getConfig()).toMatchObject({ factor: 1, valueRange: [0, 255] });
    expect(new Solarization().getConfig()).toMatchObject({ additionFactor: 0, thresholdFactor: 0, valueRange: [0, 255] });
    expect(new RandomColorJitter().getConfig()).toMatchObject({ valueRange: [0, 255], brightnessFactor: null, contrastFactor: null, saturationFactor: null, hueFactor: null });
  });

  it('rejects bad options', () => {
    expect(() => new RandomGrayscale({ factor: 1.5 })).toThrow('Invalid value for argument `factor`. Expected a number in [0, 1]. Received: factor=1.5');
    expect(() => new RandomInvert({ factor: [0.2, 1.2] })).toThrow('Invalid value for argument `factor`. Expected a number or a list of two numbers [lower, upper], each in [0, 1]. Received: factor=[0.2,1.2]');
    expect(() => new Solarization({ thresholdFactor: -0.1 })).toThrow('Invalid value for argument `thresholdFactor`.');
    expect(() => new RandomHue({} as never)).toThrow('Invalid value for argument `factor`.');
    expect(() => new RandomSaturation({ factor: 0.5, valueRange: [1] as never })).toThrow('Invalid value for argument `valueRange`. Expected a list of two numbers [low, high]. Received: valueRange=[1]');
    expect(() => new RandomColorJitter({ hueFactor: 2 })).toThrow('Invalid value for argument `factor`.');
    expect(() => new RandomHue({ factor: 0.1, value_range: [0, 1] } as never)).toThrow("RandomHue: unknown option 'value_range' (did you mean 'valueRange'? options are camelCase).");
    expect(() => new RandomHue({ factor: 0.1 }).apply(tensor(new Array(8).fill(0), [1, 2, 2, 2]), { training: true })).toThrow('Invalid channel size');
  });
});
