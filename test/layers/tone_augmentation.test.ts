// AutoContrast, RandomPosterization, RandomSharpness and RandomColorDegeneration: each formula
// against a float64 plain-loop reference from the layer's own draws (replayed from its seed) or
// fixed factors, inference behaviour, the WebGPU and CPU backends agreeing, configs, and errors.

import { describe, expect, it } from 'vitest';
import { getBackend, randomUniform, setBackend, tensor, type Tensor } from '../../src/node';
import { AutoContrast, Input, RandomColorDegeneration, RandomPosterization, RandomSharpness, deserializeLayer, type Layer } from '../../src/layers/index';
import { SeedSequence } from '../../src/layers/layer_utils';
import { useWebGPU } from '../helpers';
import { expectClose, seededValues } from './layer_helpers';

useWebGPU();

const SHAPE = [5, 4, 6, 3];
const [BATCH, HEIGHT, WIDTH, CHANNELS] = SHAPE;
const SIZE = SHAPE.reduce((a, b) => a * b, 1);
const pixels = (seed: number, low = 0, high = 256) => seededValues(SIZE, seed, low, high).map(Math.floor);
const valuesOf = async (t: Tensor) => Array.from(await t.data());
const train = async (layer: Layer, values: number[], training = true) => valuesOf(layer.apply(tensor(values, SHAPE), { training }) as Tensor);
const index = (b: number, y: number, x: number, c: number) => ((b * HEIGHT + y) * WIDTH + x) * CHANNELS + c;
const imageOf = (i: number) => Math.floor(i / (HEIGHT * WIDTH * CHANNELS));
const clip = (x: number, low: number, high: number) => Math.min(Math.max(x, low), high);

/** The per-image uniform draws of a layer seeded with `seed`, in order. */
async function replayDraws(seed: number, ranges: Array<[number, number]>): Promise<number[][]> {
  const seeds = new SeedSequence(seed);
  const out = [];
  for (const [low, high] of ranges) out.push(await valuesOf(randomUniform([BATCH, 1, 1, 1], { minval: low, maxval: high, seed: seeds.next() })));
  return out;
}

const layers = (): Layer[] => [
  new RandomPosterization({ factor: [2, 6], seed: 1 }),
  new RandomSharpness({ factor: [0, 1], seed: 2 }),
  new RandomColorDegeneration({ factor: 0.8, seed: 3 }),
];

describe('AutoContrast', () => {
  it('stretches each channel of each image to the value range, in training and inference', async () => {
    const values = pixels(1, 40, 200).map((v) => v / 255);
    // Image 1, channel 2 is constant: it stays as it is.
    for (let y = 0; y < HEIGHT; y++) for (let x = 0; x < WIDTH; x++) values[index(1, y, x, 2)] = 0.5;
    const expected = values.map((v, i) => {
      const channel = values.filter((_, j) => imageOf(j) === imageOf(i) && j % CHANNELS === i % CHANNELS);
      const [low, high] = [Math.min(...channel), Math.max(...channel)];
      return high > low ? ((v - low) / (high - low)) * 2 - 1 : v;
    });
    const layer = new AutoContrast({ valueRange: [-1, 1] });
    expectClose(await train(layer, values, false), expected, { atol: 1e-5 });
    expectClose(await train(layer, values), expected, { atol: 1e-5 });
    const single = await valuesOf(layer.apply(tensor(values.slice(0, HEIGHT * WIDTH * CHANNELS), SHAPE.slice(1))) as Tensor);
    expectClose(single, expected.slice(0, HEIGHT * WIDTH * CHANNELS), { atol: 1e-5 });
  });
});

describe('random tone augmentations against float64 references', () => {
  it('RandomPosterization keeps the top bits of each 8-bit value', async () => {
    const values = pixels(2);
    const posterize = (v: number, bits: number) => Math.floor(Math.floor(v) / 2 ** (8 - bits)) * 2 ** (8 - bits);
    expect(await train(new RandomPosterization({ factor: 3 }), values)).toEqual(values.map((v) => posterize(v, 3)));
    const unit = values.map((v) => v / 255);
    expectClose(await train(new RandomPosterization({ factor: 1, valueRange: [0, 1] }), unit), values.map((v) => posterize(v, 1) / 255), { atol: 1e-6 });
    const [draws] = await replayDraws(4, [[2, 7]]);
    const bits = draws.map((u) => Math.min(Math.floor(u), 6));
    expect(await train(new RandomPosterization({ factor: [2, 6], seed: 4 }), values)).toEqual(values.map((v, i) => posterize(v, bits[imageOf(i)])));
    expect(new Set(bits).size, 'seed 4 draws several bit counts').toBeGreaterThan(1);
  });

  it('RandomSharpness is x + (1 - 2f)(smooth(x) - x), clipped, with a zero-padded 3x3 kernel', async () => {
    const values = pixels(3);
    const [factor] = await replayDraws(5, [[0, 1]]);
    const smooth = (b: number, y: number, x: number, c: number) => {
      let total = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const [yy, xx] = [y + dy, x + dx];
          if (yy >= 0 && yy < HEIGHT && xx >= 0 && xx < WIDTH) total += values[index(b, yy, xx, c)] * (dy === 0 && dx === 0 ? 5 : 1);
        }
      }
      return total / 13;
    };
    const expected = values.map((v, i) => {
      const [b, y, x, c] = [imageOf(i), Math.floor(i / (WIDTH * CHANNELS)) % HEIGHT, Math.floor(i / CHANNELS) % WIDTH, i % CHANNELS];
      return clip(v + (1 - 2 * factor[b]) * (smooth(b, y, x, c) - v), 0, 255);
    });
    expectClose(await train(new RandomSharpness({ factor: [0, 1], seed: 5 }), values), expected, { atol: 2e-3, rtol: 1e-5 });
    expectClose(await train(new RandomSharpness({ factor: [0.5, 0.5] }), values), values, { atol: 1e-3 });
  });

  it('RandomColorDegeneration blends toward the luma by the drawn factor, clipped', async () => {
    const values = pixels(4);
    const [factor] = await replayDraws(6, [[0.2, 0.9]]);
    const expected = values.map((v, i) => {
      const p = i - (i % 3);
      const gray = 0.2989 * values[p] + 0.587 * values[p + 1] + 0.114 * values[p + 2];
      return clip(v + factor[imageOf(i)] * (gray - v), 0, 255);
    });
    expectClose(await train(new RandomColorDegeneration({ factor: [0.2, 0.9], seed: 6 }), values), expected, { atol: 2e-3, rtol: 1e-5 });
  });

  it('the random ones return their input outside training and keep shapes', async () => {
    const values = pixels(5);
    for (const layer of [...layers(), new AutoContrast()]) {
      if (!(layer instanceof AutoContrast)) expect(await train(layer, values, false)).toEqual(values);
      expect((layer.apply(Input({ shape: [4, 6, 3] })) as { shape: unknown }).shape).toEqual([null, 4, 6, 3]);
    }
  });
});

describe('backends, configs and errors', () => {
  it('WebGPU and CPU agree', async () => {
    expect(getBackend()).toBe('webgpu');
    const values = pixels(6);
    const all = () => [...layers(), new AutoContrast()];
    const gpu = [];
    for (const layer of all()) gpu.push(await train(layer, values));
    setBackend('cpu');
    try {
      const cpuLayers = all();
      for (let i = 0; i < cpuLayers.length; i++) expectClose(await train(cpuLayers[i], values), gpu[i], { atol: 2e-3, rtol: 1e-5 });
    } finally {
      setBackend('webgpu');
    }
  });

  it('configs round-trip through JSON', () => {
    for (const layer of [...layers(), new AutoContrast({ valueRange: [0, 1] })]) {
      const config = JSON.parse(JSON.stringify(layer.getConfig())) as Record<string, unknown>;
      expect(JSON.parse(JSON.stringify(deserializeLayer({ className: layer.constructor.name, config }).getConfig()))).toEqual(config);
    }
    expect(new AutoContrast().getConfig()).toMatchObject({ valueRange: [0, 255] });
  });

  it('rejects bad options', () => {
    expect(() => new RandomPosterization({ factor: 9 })).toThrow('Invalid value for argument `factor`. Expected an integer in [1, 8] or a list of two such integers [lower, upper]. Received: factor=9');
    expect(() => new RandomPosterization({ factor: [0, 4] })).toThrow('Received: factor=[0,4]');
    expect(() => new RandomSharpness({ factor: 1.5 })).toThrow('Invalid value for argument `factor`.');
    expect(() => new RandomColorDegeneration({ factor: -0.5 })).toThrow('Invalid value for argument `factor`.');
    expect(() => new AutoContrast({ valueRange: 'rgb' as never })).toThrow('Invalid value for argument `valueRange`.');
    expect(() => new AutoContrast().apply(Input({ shape: [4] }))).toThrow('expected images of rank 3');
  });
});
