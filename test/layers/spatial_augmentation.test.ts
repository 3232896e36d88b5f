// RandomShear and RandomErasing: the sheared and erased images against float64 plain-loop
// references built from the layer's own draws (replayed from its seed), the identity in inference
// and for empty ranges, the WebGPU and CPU backends agreeing, configs, and argument errors.

import { describe, expect, it } from 'vitest';
import { getBackend, randomNormal, randomUniform, setBackend, tensor, type Tensor } from '../../src/node';
import { Input, RandomErasing, RandomShear, deserializeLayer, type Layer } from '../../src/layers/index';
import { SeedSequence } from '../../src/layers/layer_utils';
import { useWebGPU } from '../helpers';
import { expectClose, seededValues } from './layer_helpers';

useWebGPU();

const SHAPE = [6, 5, 7, 2];
const [BATCH, HEIGHT, WIDTH, CHANNELS] = SHAPE;
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const pixels = (seed: number) => seededValues(size(SHAPE), seed, 0, 256).map(Math.floor);
const valuesOf = async (t: Tensor) => Array.from(await t.data());
const train = async (layer: Layer, values: number[]) => valuesOf(layer.apply(tensor(values, SHAPE), { training: true }) as Tensor);
const at = (values: number[], b: number, y: number, x: number, c: number) => values[((b * HEIGHT + y) * WIDTH + x) * CHANNELS + c];

/** The uniform draws of a layer seeded with `seed`, in order, each of `shape` in [low, high). */
async function replayDraws(seed: number, draws: Array<[number[], number, number]>): Promise<number[][]> {
  const seeds = new SeedSequence(seed);
  const out = [];
  for (const [shape, low, high] of draws) out.push(await valuesOf(randomUniform(shape, { minval: low, maxval: high, seed: seeds.next() })));
  return out;
}

/** A float64 image batch from a function of (b, y, x, c). */
const build = (f: (b: number, y: number, x: number, c: number) => number) =>
  Array.from({ length: size(SHAPE) }, (_, i) => f(Math.floor(i / (HEIGHT * WIDTH * CHANNELS)), Math.floor(i / (WIDTH * CHANNELS)) % HEIGHT, Math.floor(i / CHANNELS) % WIDTH, i % CHANNELS));

const layers = (): Layer[] => [
  new RandomShear({ xFactor: 0.3, yFactor: [0.1, 0.4], seed: 1 }),
  new RandomErasing({ seed: 2 }),
  new RandomErasing({ factor: [0.8, 1], scale: [0.1, 0.5], fillValue: [7, 9], seed: 3 }),
];

describe('inference and shapes', () => {
  it('returns the input unchanged outside training, and keeps shapes', async () => {
    const values = pixels(1);
    for (const layer of layers()) {
      expect(await valuesOf(layer.apply(tensor(values, SHAPE), { training: false }) as Tensor)).toEqual(values);
      expect((layer.apply(Input({ shape: [5, 6, 2] })) as { shape: unknown }).shape).toEqual([null, 5, 6, 2]);
    }
    expect(await train(new RandomShear(), values)).toEqual(values);
  });
});

describe('RandomShear', () => {
  it('samples (x + s * shearX * y, y + s * shearY * x), one random sign per image', async () => {
    const values = pixels(2);
    // Whole-pixel shears along x (shearX = +-1) with nearest sampling and a constant fill.
    const [sign] = await replayDraws(5, [[[BATCH], 0, 1]]);
    const out = await train(new RandomShear({ xFactor: [1, 1], interpolation: 'nearest', fillMode: 'constant', fillValue: -1, seed: 5 }), values);
    const expected = build((b, y, x, c) => {
      const source = x + (sign[b] > 0.5 ? -1 : 1) * y;
      return source >= 0 && source < WIDTH ? at(values, b, y, source, c) : -1;
    });
    expect(out).toEqual(expected);
    expect(new Set(sign.map((s) => s > 0.5)).size, 'seed 5 shears both ways').toBe(2);
  });

  it('bilinear shears along both axes match a float64 reference inside the image', async () => {
    const values = pixels(3);
    const [sign, shearX, shearY] = await replayDraws(6, [[[BATCH], 0, 1], [[BATCH], 0.1, 0.3], [[BATCH], 0.2, 0.4]]);
    const out = await train(new RandomShear({ xFactor: [0.1, 0.3], yFactor: [0.2, 0.4], fillMode: 'nearest', seed: 6 }), values);
    const clamp = (v: number, n: number) => Math.min(Math.max(v, 0), n - 1);
    const expected = build((b, y, x, c) => {
      const s = sign[b] > 0.5 ? -1 : 1;
      const [sx, sy] = [x + s * shearX[b] * y, y + s * shearY[b] * x];
      const [x0, y0] = [Math.floor(sx), Math.floor(sy)];
      const [fx, fy] = [sx - x0, sy - y0];
      const pixel = (yy: number, xx: number) => at(values, b, clamp(yy, HEIGHT), clamp(xx, WIDTH), c);
      return (1 - fy) * ((1 - fx) * pixel(y0, x0) + fx * pixel(y0, x0 + 1)) + fy * ((1 - fx) * pixel(y0 + 1, x0) + fx * pixel(y0 + 1, x0 + 1));
    });
    expectClose(out, expected, { atol: 2e-3, rtol: 1e-4 });
  });
});

describe('RandomErasing', () => {
  it('fills the rectangle [x0, x0 + sqrt(u) W) x [y0, y0 + sqrt(v) H) of the images it erases', async () => {
    const values = pixels(4);
    const one: number[] = [BATCH, 1, 1, 1];
    const [scaleX, startX, scaleY, startY, threshold, probability] = await replayDraws(7, [
      [one, 0.1, 0.5],
      [one, 0, 1],
      [one, 0.1, 0.5],
      [one, 0, 1],
      [one, 0, 1],
      [one, 0.5, 0.5],
    ]);
    const out = await train(new RandomErasing({ factor: [0.5, 0.5], scale: [0.1, 0.5], fillValue: [300, 20], seed: 7 }), values);
    const inside = (position: number, length: number, scale: number, start: number) => {
      const extent = Math.sqrt(scale) * length;
      const from = start * (length - extent);
      return position >= from && position < from + extent;
    };
    const expected = build((b, y, x, c) => {
      const erased = threshold[b] < probability[b] && inside(x, WIDTH, scaleX[b], startX[b]) && inside(y, HEIGHT, scaleY[b], startY[b]);
      // 300 is clipped to the value range's 255.
      return erased ? [255, 20][c] : at(values, b, y, x, c);
    });
    expect(out).toEqual(expected);
    expect(out.filter((v, i) => v !== values[i]).length, 'some pixels are erased').toBeGreaterThan(0);
    const erased = threshold.filter((t) => t < 0.5).length;
    expect(erased, 'seed 7 erases some images but not all').toBeGreaterThan(0);
    expect(erased).toBeLessThan(BATCH);
  });

  it('fills with Gaussian noise times the upper bound, clipped, by default', async () => {
    const values = pixels(5).map((v) => v / 255);
    const one: number[] = [BATCH, 1, 1, 1];
    const seeds = new SeedSequence(8);
    const uniform = async (low: number, high: number) => valuesOf(randomUniform(one, { minval: low, maxval: high, seed: seeds.next() }));
    const [scaleX, startX, scaleY, startY, threshold, probability] = [await uniform(0.02, 0.33), await uniform(0, 1), await uniform(0.02, 0.33), await uniform(0, 1), await uniform(0, 1), await uniform(0, 1)];
    const noise = await valuesOf(randomNormal(SHAPE, { seed: seeds.next() }));
    const out = await train(new RandomErasing({ valueRange: [0, 1], seed: 8 }), values);
    const inside = (position: number, length: number, scale: number, start: number) => {
      const extent = Math.sqrt(scale) * length;
      const from = start * (length - extent);
      return position >= from && position < from + extent;
    };
    const expected = build((b, y, x, c) => {
      const i = ((b * HEIGHT + y) * WIDTH + x) * CHANNELS + c;
      const erased = threshold[b] < probability[b] && inside(x, WIDTH, scaleX[b], startX[b]) && inside(y, HEIGHT, scaleY[b], startY[b]);
      return erased ? Math.min(Math.max(noise[i], 0), 1) : values[i];
    });
    expectClose(out, expected, { atol: 1e-6 });
    expect(out.filter((v, i) => v !== values[i]).length, 'some pixels are erased').toBeGreaterThan(0);
  });
});

describe('backends', () => {
  it('WebGPU and CPU agree', async () => {
    expect(getBackend()).toBe('webgpu');
    const values = pixels(6);
    const gpu = [];
    for (const layer of layers()) gpu.push(await train(layer, values));
    setBackend('cpu');
    try {
      const cpuLayers = layers();
      for (let i = 0; i < cpuLayers.length; i++) expectClose(await train(cpuLayers[i], values), gpu[i], { atol: 2e-3, rtol: 1e-4 });
    } finally {
      setBackend('webgpu');
    }
  });
});

describe('configs and errors', () => {
  it('round-trip through JSON, with Keras defaults', () => {
    for (const layer of layers()) {
      const config = JSON.parse(JSON.stringify(layer.getConfig())) as Record<string, unknown>;
      const rebuilt = deserializeLayer({ className: layer.constructor.name, config });
      expect(JSON.parse(JSON.stringify(rebuilt.getConfig()))).toEqual(config);
    }
    expect(new RandomShear().getConfig()).toMatchObject({ xFactor: 0, yFactor: 0, fillMode: 'reflect', interpolation: 'bilinear', fillValue: 0 });
    expect(new RandomErasing().getConfig()).toMatchObject({ factor: 1, scale: [0.02, 0.33], fillValue: null, valueRange: [0, 255] });
  });

  it('rejects bad options and inputs', () => {
    expect(() => new RandomShear({ xFactor: -0.2 })).toThrow('Invalid value for argument `xFactor`. Expected a number or a list of two numbers [lower, upper], each in [0, 1]. Received: xFactor=-0.2');
    expect(() => new RandomShear({ fillMode: 'mirror' as never })).toThrow('Invalid value for argument `fillMode`.');
    expect(() => new RandomErasing({ scale: [0.1, 2] })).toThrow('Invalid value for argument `scale`.');
    expect(() => new RandomErasing({ fillValue: 'black' as never })).toThrow('Invalid value for argument `fillValue`. Expected a number, a list of numbers (one per channel), or null. Received: fillValue="black"');
    expect(() => new RandomErasing({ fill_value: 0 } as never)).toThrow("did you mean 'fillValue'?");
    expect(() => new RandomErasing({ fillValue: [1, 2, 3] }).apply(tensor(pixels(7), SHAPE), { training: true })).toThrow('fillValue has 3 values, one per channel, but the images have 2 channels');
  });
});
