// MixUp and CutMix: in training the images and labels equal a float64 reference built from the
// layer's own draws (the permutation and weights replayed from its seed), on both backends, and the
// two backends agree; labels mix with the images' weights; inference and unbatched images pass
// through; configs round-trip; symbolic shapes; argument errors.

import { describe, expect, it } from 'vitest';
import { getBackend, randomBeta, randomUniform, range, setBackend, shuffle, tensor, type Tensor } from '../../src/node';
import { CutMix, Input, MixUp, deserializeLayer, type Layer } from '../../src/layers/index';
import type { SymbolicTensor } from '../../src/layers/symbolic';
import { SeedSequence } from '../../src/layers/layer_utils';
import { onBothBackends, useWebGPU } from '../helpers';
import { expectClose, seededValues } from './layer_helpers';

useWebGPU();

const [BATCH, HEIGHT, WIDTH, CHANNELS, CLASSES] = [8, 5, 6, 2, 4];
const IMAGE_SIZE = HEIGHT * WIDTH * CHANNELS;
const imageValues = seededValues(BATCH * IMAGE_SIZE, 3, 0, 255);
/** One-hot labels, class b % CLASSES for image b. */
const labelValues = Array.from({ length: BATCH * CLASSES }, (_, i) => (Math.floor(i / CLASSES) % CLASSES === i % CLASSES ? 1 : 0));

const valuesOf = async (t: Tensor) => Array.from(await t.data());
const inputs = (): [Tensor, Tensor] => [tensor(imageValues, [BATCH, HEIGHT, WIDTH, CHANNELS]), tensor(labelValues, [BATCH, CLASSES])];

async function train(layer: Layer): Promise<[number[], number[]]> {
  const [images, labels] = layer.apply(inputs(), { training: true }) as Tensor[];
  return [await valuesOf(images), await valuesOf(labels)];
}

/** Row b of a [batch, size] list of values. */
const row = (values: number[], size: number, b: number) => values.slice(b * size, (b + 1) * size);

/** w y + (1 - w) y' per example, in float64. */
function blendReference(values: number[], size: number, permutation: number[], weights: number[]): number[] {
  return permutation.flatMap((partner, b) => row(values, size, b).map((v, i) => weights[b] * v + (1 - weights[b]) * values[partner * size + i]));
}

function expectPermutation(permutation: number[]): void {
  expect([...permutation].sort((a, b) => a - b)).toEqual(Array.from({ length: BATCH }, (_, i) => i));
}

describe('MixUp', () => {
  /** The draws of a MixUp seeded with `seed`: the permutation, then Beta(alpha, alpha) weights. */
  async function replay(seed: number, alpha: number): Promise<{ permutation: number[]; weights: number[] }> {
    const seeds = new SeedSequence(seed);
    const permutation = await valuesOf(shuffle(range(0, BATCH, 1, 'int32'), { seed: seeds.next() }));
    const weights = await valuesOf(randomBeta([BATCH], alpha, alpha, { seed: seeds.next() }));
    return { permutation, weights };
  }

  it(
    'mixes images and labels with a partner and a Beta(alpha, alpha) weight',
    onBothBackends(async () => {
      const [images, labels] = await train(new MixUp({ alpha: 0.4, seed: 17 }));
      const { permutation, weights } = await replay(17, 0.4);
      expectPermutation(permutation);
      expect(permutation.some((p, b) => p !== b)).toBe(true);
      expect(weights.every((w) => w >= 0 && w <= 1)).toBe(true);
      expectClose(images, blendReference(imageValues, IMAGE_SIZE, permutation, weights), { atol: 1e-3, rtol: 1e-5 });
      expectClose(labels, blendReference(labelValues, CLASSES, permutation, weights), { atol: 1e-6, rtol: 1e-5 });
      // Mixed one-hot labels still sum to 1 per row.
      for (let b = 0; b < BATCH; b++) expect(row(labels, CLASSES, b).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    }),
  );

  it('takes images alone and returns the mixed images', async () => {
    const out = new MixUp({ seed: 5 }).apply(inputs()[0], { training: true }) as Tensor;
    expect(out.shape).toEqual([BATCH, HEIGHT, WIDTH, CHANNELS]);
    const { permutation, weights } = await replay(5, 0.2);
    expectClose(await valuesOf(out), blendReference(imageValues, IMAGE_SIZE, permutation, weights), { atol: 1e-3, rtol: 1e-5 });
  });

  it('draws anew on each call without a seed', async () => {
    const layer = new MixUp({ alpha: 1 });
    const [first] = await train(layer);
    const [second] = await train(layer);
    expect(second).not.toEqual(first);
  });
});

describe('CutMix', () => {
  /** The draws of a CutMix seeded with `seed`, in the layer's order. */
  async function replay(seed: number, [low, high]: [number, number]) {
    const seeds = new SeedSequence(seed);
    const alpha = (await valuesOf(randomUniform([], { minval: low, maxval: high, seed: seeds.next() })))[0] + 1e-6;
    const weights = await valuesOf(randomBeta([BATCH], alpha, alpha, { seed: seeds.next() }));
    const xStarts = await valuesOf(randomUniform([BATCH], { seed: seeds.next() }));
    const yStarts = await valuesOf(randomUniform([BATCH], { seed: seeds.next() }));
    const permutation = await valuesOf(shuffle(range(0, BATCH, 1, 'int32'), { seed: seeds.next() }));
    return { weights, xStarts, yStarts, permutation };
  }

  /** The float64 reference: images with each rectangle pasted from the partner, labels weighted by the area left. */
  async function reference(seed: number, range: [number, number]) {
    const { weights, xStarts, yStarts, permutation } = await replay(seed, range);
    const images: number[] = [];
    const labelWeights: number[] = [];
    let pasted = 0;
    for (let b = 0; b < BATCH; b++) {
      const ratio = Math.sqrt(1 - weights[b]);
      const [cropWidth, cropHeight] = [ratio * WIDTH, ratio * HEIGHT];
      const x0 = xStarts[b] * (WIDTH - cropWidth);
      const y0 = yStarts[b] * (HEIGHT - cropHeight);
      labelWeights.push(1 - (cropWidth * cropHeight) / (WIDTH * HEIGHT));
      for (let r = 0; r < HEIGHT; r++) {
        for (let c = 0; c < WIDTH; c++) {
          const inside = c >= x0 && c < x0 + cropWidth && r >= y0 && r < y0 + cropHeight;
          if (inside && permutation[b] !== b) pasted++;
          const source = inside ? permutation[b] : b;
          // Copied pixels are exact: the float32 inputs themselves.
          for (let k = 0; k < CHANNELS; k++) images.push(Math.fround(imageValues[((source * HEIGHT + r) * WIDTH + c) * CHANNELS + k]));
        }
      }
    }
    return { images, labels: blendReference(labelValues, CLASSES, permutation, labelWeights), permutation, pasted };
  }

  it(
    'pastes a rectangle of the partner and mixes the labels by its area',
    onBothBackends(async () => {
      const [images, labels] = await train(new CutMix({ seed: 23 }));
      const expected = await reference(23, [0, 1]);
      expectPermutation(expected.permutation);
      // Some pixels come from other images and some stay.
      expect(expected.pasted).toBeGreaterThan(0);
      expect(expected.pasted).toBeLessThan(BATCH * HEIGHT * WIDTH);
      expectClose(images, expected.images, { atol: 0, rtol: 0 });
      expectClose(labels, expected.labels, { atol: 1e-5, rtol: 1e-5 });
    }),
  );

  it(
    'draws the Beta parameter in the factor range',
    onBothBackends(async () => {
      const [images, labels] = await train(new CutMix({ factor: [0.3, 0.8], seed: 4 }));
      const expected = await reference(4, [0.3, 0.8]);
      expectClose(images, expected.images, { atol: 0, rtol: 0 });
      expectClose(labels, expected.labels, { atol: 1e-5, rtol: 1e-5 });
    }),
  );
});

describe('both layers', () => {
  const makers: Array<() => Layer> = [() => new MixUp({ alpha: 0.5, seed: 9 }), () => new CutMix({ factor: 0.7, seed: 9 })];

  it('give the same result on the GPU and the CPU for one seed', async () => {
    expect(getBackend()).toBe('webgpu');
    for (const make of makers) {
      const [gpuImages, gpuLabels] = await train(make());
      setBackend('cpu');
      try {
        const [cpuImages, cpuLabels] = await train(make());
        expectClose(gpuImages, cpuImages, { atol: 1e-3, rtol: 1e-5 });
        expectClose(gpuLabels, cpuLabels, { atol: 1e-5, rtol: 1e-4 });
      } finally {
        setBackend('webgpu');
      }
    }
  });

  it('pass their input through in inference and for one unbatched image', async () => {
    for (const make of makers) {
      const layer = make();
      const given = inputs();
      expect(layer.apply(given, { training: false })).toBe(given);
      const image = tensor(imageValues.slice(0, IMAGE_SIZE), [HEIGHT, WIDTH, CHANNELS]);
      expect(layer.apply(image, { training: true })).toBe(image);
    }
  });

  it('round-trip their configs', async () => {
    for (const make of makers) {
      const layer = make();
      const config = JSON.parse(JSON.stringify(layer.getConfig())) as Record<string, unknown>;
      const rebuilt = deserializeLayer({ className: layer.constructor.name, config });
      expect(JSON.parse(JSON.stringify(rebuilt.getConfig()))).toEqual(config);
      // The same seed gives the same draws.
      expect(await train(rebuilt)).toEqual(await train(make()));
    }
    expect(new MixUp({ name: 'm' }).getConfig()).toEqual({ name: 'm', trainable: true, dtype: 'float32', seed: undefined, alpha: 0.2 });
    expect(new CutMix({ name: 'c' }).getConfig()).toEqual({ name: 'c', trainable: true, dtype: 'float32', seed: undefined, factor: 1 });
  });

  it('give symbolic outputs of the input shapes', () => {
    const images = Input({ shape: [HEIGHT, WIDTH, CHANNELS] });
    const labels = Input({ shape: [CLASSES] });
    for (const make of makers) {
      const out = make().apply([images, labels]) as SymbolicTensor[];
      expect(out.map((t) => t.shape)).toEqual([
        [null, HEIGHT, WIDTH, CHANNELS],
        [null, CLASSES],
      ]);
    }
  });

  it('reject bad arguments and inputs', () => {
    expect(() => new MixUp({ alpha: 0 })).toThrow('Invalid value for argument `alpha`. Expected a positive number. Received: alpha=0');
    expect(() => new CutMix({ factor: 1.5 })).toThrow('Invalid value for argument `factor`');
    expect(() => new MixUp({ seed: 0.5 })).toThrow('Expected an integer');
    const [images, labels] = inputs();
    const wrongLabels = tensor(labelValues.slice(0, 3 * CLASSES), [3, CLASSES]);
    expect(() => new MixUp().apply([images, wrongLabels], { training: true })).toThrow("MixUp 'mix_up");
    expect(() => new MixUp().apply([images, wrongLabels], { training: true })).toThrow('labels must have one row per image, [batch, ...]. Received: images shape=(8, 5, 6, 2), labels shape=(3, 4)');
    expect(() => new CutMix().apply([images, labels, labels], { training: true })).toThrow('expected images or a list [images, labels], got a list of 3 inputs');
    expect(() => new CutMix().apply(labels, { training: true })).toThrow('expected images of rank 3 [height, width, channels] or 4');
  });
});
