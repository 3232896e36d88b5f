// Equalization and ContrastLimitedAdaptiveHistogramEqualization against Keras 3.16's values; RandAugment and AugMix by structure: shapes, the
// value range, the identity outside training, which sub-augmentations a policy can produce, the
// mixing formula, seeded reproducibility, the two backends agreeing, configs, and errors.

import { describe, expect, it } from 'vitest';
import { getBackend, memory, setBackend, tensor, type Tensor } from '../../src/node';
import { AutoContrast, Input, RandomPosterization, RandomSharpness, Solarization, type Layer } from '../../src/layers/index';
import { ContrastLimitedAdaptiveHistogramEqualization as Clahe, Equalization } from '../../src/layers/equalization';
import { AugMix, RandAugment } from '../../src/layers/policy_augmentation';
import { onBothBackends, settleGarbage, useWebGPU } from '../helpers';
import { expectClose, seededValues } from './layer_helpers';

useWebGPU();

const valuesOf = async (t: Tensor) => Array.from(await t.data());

/** ((i * multiplier + 7) mod modulus) * scale + offset for i = 0, 1, ...: the inputs the Keras script built alike. */
function pattern(shape: number[], multiplier: number, modulus: number, scale = 1, offset = 0): number[] {
  const size = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: size }, (_, i) => Math.fround(((i * multiplier + 7) % modulus) * scale + offset));
}

describe('Equalization', () => {
  it(
    'matches Keras 3.16: one histogram per channel over the batch, value ranges, bins, a one-bin channel',
    onBothBackends(async () => {
      // Expected values from Keras 3.16 (kpy, NumPy backend) on the same patterns.
      const batch = pattern([2, 3, 4, 2], 53, 97, 2, 40);
      const batchExpected = [
        22, 144, 55, 177, 89, 211, 111, 233, 133, 255, 155, 11, 177, 33, 200, 55, 222, 78, 244, 100, 0, 122, 33, 155, 67, 188, 100, 222, 122, 244, 144, 0, 166, 22,
        188, 44, 211, 67, 233, 89, 255, 111, 11, 133, 44, 166, 78, 200,
      ];
      expect(await valuesOf(new Equalization().apply(tensor(batch, [2, 3, 4, 2]), { training: true }) as Tensor)).toEqual(batchExpected);

      // One image on [0, 1] with 16 bins; channel 2 is constant, so it stays as it is.
      const image = pattern([4, 3, 3], 29, 31, 1 / 31).map((v, i) => (i % 3 === 2 ? 0.25 : v));
      const imageExpected = [
        0.2980392277240753, 0.20000001788139343, 0.25, 0.0, 1.0, 0.25, 0.9019608497619629, 0.8000000715255737, 0.25, 0.6980392336845398, 0.6000000238418579, 0.25,
        0.501960813999176, 0.40000003576278687, 0.25, 0.2980392277240753, 0.20000001788139343, 0.25, 0.0, 0.0, 0.25, 1.0, 0.9019608497619629, 0.25, 0.8000000715255737,
        0.6980392336845398, 0.25, 0.6000000238418579, 0.501960813999176, 0.25, 0.40000003576278687, 0.2980392277240753, 0.25, 0.10196079313755035, 0.0, 0.25,
      ];
      const unit = new Equalization({ valueRange: [0, 1], bins: 16 });
      expectClose(await valuesOf(unit.apply(tensor(image, [4, 3, 3]), { training: true }) as Tensor), imageExpected, { atol: 1e-6, rtol: 0 });

      // [-1, 1] given reversed, 64 bins, values below the range falling in the first bin.
      const signed = pattern([1, 5, 4, 1], 17, 23, 0.1, -1.2);
      const signedExpected = [
        -0.4431372284889221, -1.0, 0.6627452373504639, 0.11372554302215576, -0.5529411435127258, -1.0, 0.5529413223266602, 0.003921627998352051, -0.6705882549285889, 1.0,
        0.4431372880935669, -0.11372542381286621, -0.7803921699523926, 0.8901962041854858, 0.3333333730697632, -0.22352933883666992, -0.8901960849761963, 0.7803922891616821,
        0.22352945804595947, -0.3333333134651184,
      ];
      const layer = new Equalization({ valueRange: [1, -1], bins: 64 });
      expectClose(await valuesOf(layer.apply(tensor(signed, [1, 5, 4, 1]), { training: true }) as Tensor), signedExpected, { atol: 1e-6, rtol: 0 });
    }),
  );

  it('returns its input outside training (Keras training=False) and keeps shapes', async () => {
    const x = tensor(pattern([1, 2, 2, 3], 5, 11, 20), [1, 2, 2, 3]);
    expect(new Equalization().apply(x, { training: false })).toBe(x);
    expect((new Equalization().apply(Input({ shape: [4, 6, 3] })) as { shape: unknown }).shape).toEqual([null, 4, 6, 3]);
    expect(new Equalization().computeOutputShape([null, 4, 6, 3])).toEqual([null, 4, 6, 3]);
  });

  it('config round trip and errors', () => {
    const layer = new Equalization({ valueRange: [1, 0], bins: 32, name: 'eq' });
    const config = layer.getConfig();
    expect(config).toMatchObject({ valueRange: [0, 1], bins: 32, name: 'eq' });
    expect(new Equalization(config as never).getConfig()).toEqual(config);
    expect(new Equalization().getConfig()).toMatchObject({ valueRange: [0, 255], bins: 256 });
    expect(() => new Equalization({ bins: 0 })).toThrow('Invalid value for argument `bins`. Expected a positive integer. Received: bins=0');
    expect(() => new Equalization({ valueRange: [0] as never })).toThrow('Invalid value for argument `valueRange`.');
    expect(() => new Equalization({ valueRange: [1, 1] })).toThrow('Invalid value for argument `valueRange`. Expected a list of two different numbers [low, high]. Received: valueRange=[1,1]');
    expect(() => new Equalization().apply(Input({ shape: [4] }))).toThrow("Equalization 'equalization");
  });
});

describe('ContrastLimitedAdaptiveHistogramEqualization', () => {
  it(
    'matches Keras 3.16: padded tiles, clipped histograms, bilinear blending, value ranges',
    onBothBackends(async () => {
      // Expected values from Keras 3.16 (kpy, NumPy backend) on the same patterns, rounded to 4 decimals.
      const tiledExpected = [
        22.5969, 118.4659, 205.4804, 48.0672, 136.3015, 230.9508, 70.0936, 165.4088, 0, 95.0101, 185.4284, 26.3328, 114.1644, 211.2934, 54.9385, 149.9486,
        237.822, 80.4088, 167.1908, 9.3438, 102.6927, 196.8914, 32.5668, 128.0179, 217.5798, 58.0663, 147.5396, 243.5287, 86.3977, 180.9967, 16.999, 110.7312,
        199.9889, 40.9994, 132.9518, 226.9989, 65.5949, 159.1766, 250.5818, 90.5555, 178.6166, 21.5559, 117.4697, 208.6462, 49.4696, 141.5285, 232.6742,
        71.5295, 166.2322, 5.4117, 98.5538, 191.6463, 28.8385, 122.4444, 213.7534, 55.6078, 152.0099, 241.5288, 83.8417, 172.4625, 13.5583, 103.6279, 199.5028,
        37.2274, 133.0265, 224.1417, 63.3782, 156.6292, 246.9987, 87.941, 182.5868, 25.1736, 112.1881, 208.0571, 43.3147, 138.7008, 231.5286, 74.7215, 162.4625,
        5.1252, 95.0002, 191.0615, 27.8232, 119.7606, 214.0695, 56.6563, 144.5297, 239.5398, 74.131, 170.4513, 10.5879, 106.4549, 195.4703, 38.5623, 126.7337,
        224.181, 60.9409, 152.5093, 246.3326, 88.9979, 176.0672, 18.7325, 106.8906, 202.2903, 40.7341, 137.2614, 227.2888, 70.1679, 159.519, 0, 91.1118,
        184.1848, 24.0595, 119.2345, 209.2945, 52.1168, 139.6287, 235.6633, 74.1772, 169.0192, 7.8429, 102.9104, 192.0002, 32.3585, 124.7453, 217.4262, 58.5211,
        154.7042, 242.6586, 85.6379, 173.9352, 16.3665, 107.7567, 202.5389, 42.5874, 135.3906, 226.7773, 66.6853, 156.6602, 250.413
      ];
      const smallExpected = [
        143.6588, 103.1441, 63.3794, 23.6147, 243.0706, 202.9309, 163.1662, 123.4015, 83.2618, 43.1221, 3.3573, 223.1882
      ];
      const unitExpected = [
        0.25, 0.1111, 0.8889, 0.75, 0.5556, 0.3333, 0, 0.8704, 0.6389, 0.4097, 0.2222, 1, 0.8657, 0.6481, 0.3681, 0.2222, 1, 0.75, 0.5, 0.3333, 0.1111, 1,
        0.7778, 0.5556, 0.3495, 0.1852, 0.9583, 0.7083, 0.5, 0.2292, 0.0926, 0.8889, 0.6319, 0.5556, 0.3333, 0, 0.875, 0.6481, 0.4259, 0.1458, 1, 0.7778,
        0.6134, 0.4117, 0.1759, 0.9907, 0.7662, 0.5231, 0.3368, 0.1254, 0.907, 0.7593, 0.5463, 0.2639, 0.0625, 0.8889, 0.6667, 0.5, 0.2778, 0.0556, 0.9201,
        0.6632, 0.4387, 0.2049, 0, 0.7986, 0.6134, 0.412, 0.1667, 1, 0.8264, 0.5833, 0.375, 0.1296, 0.9074, 0.8542, 0.5556, 0.3333, 0.1767, 0.9641, 0.7427,
        0.5231, 0.2894, 0.0926, 0.9039, 0.7245, 0.512, 0.3148, 0.1042, 0.9583, 0.75, 0.4444, 0.2222, 0, 0.7778, 0.5556, 0.4722, 0.206, 1, 0.8264, 0.5903,
        0.3889, 0.1343, 1, 0.7778, 0.5556, 0.375, 0.2222
      ];
      const cases: Array<[Clahe, number[], number[], number[]]> = [
        // 5 x 7 in 2 x 3 tiles: padded to 6 x 9; default clip limit 4.
        [new Clahe({ tileGridSize: [2, 3] }), [2, 5, 7, 2], pattern([2, 5, 7, 2], 37, 101, 2.5), tiledExpected],
        // One 3 x 4 image in the default 8 x 8 grid: one-pixel tiles, padding longer than the image.
        [new Clahe({ clipLimit: 1.5 }), [3, 4, 1], pattern([3, 4, 1], 11, 13, 20, 3), smallExpected],
        // [0, 1] images, no clipping.
        [new Clahe({ valueRange: [0, 1], clipLimit: 0, tileGridSize: [2, 2] }), [1, 6, 6, 3], pattern([1, 6, 6, 3], 23, 29, 1 / 28), unitExpected],
      ];
      for (const [layer, shape, values, expected] of cases) {
        const scale = layer.valueRange[1] - layer.valueRange[0];
        // Applied in inference as in training, as Keras.
        expectClose(await valuesOf(layer.apply(tensor(values, shape)) as Tensor), expected, { atol: 2e-3 * (scale / 255) + 5e-5, rtol: 1e-5 });
      }
    }),
  );

  it('config round trip, shapes and errors', () => {
    const layer = new Clahe({ valueRange: [0, 1], clipLimit: 2, tileGridSize: [4, 2], name: 'clahe' });
    const config = layer.getConfig();
    expect(config).toMatchObject({ valueRange: [0, 1], clipLimit: 2, tileGridSize: [4, 2] });
    expect(new Clahe(config as never).getConfig()).toEqual(config);
    expect(new Clahe().getConfig()).toMatchObject({ valueRange: [0, 255], clipLimit: 4, tileGridSize: [8, 8] });
    expect((new Clahe().apply(Input({ shape: [9, 9, 3] })) as { shape: unknown }).shape).toEqual([null, 9, 9, 3]);
    expect(() => new Clahe({ tileGridSize: [0, 2] })).toThrow('Invalid value for argument `tileGridSize`. Expected a list of two positive integers [rows, columns]. Received: tileGridSize=[0,2]');
    expect(() => new Clahe({ clipLimit: Number.NaN })).toThrow('Invalid value for argument `clipLimit`. Expected a finite number.');
    expect(() => new Clahe().apply(Input({ shape: [4] }))).toThrow("ContrastLimitedAdaptiveHistogramEqualization 'contrast_limited_adaptive_histogram_equalization");
  });
});

const SHAPE = [2, 5, 6, 3];
const SIZE = SHAPE.reduce((a, b) => a * b, 1);
const pixels = (seed: number) => seededValues(SIZE, seed, 0, 256).map(Math.floor);
const train = async (layer: Layer, values: number[], shape = SHAPE) => valuesOf(layer.apply(tensor(values, shape), { training: true }) as Tensor);
const maxDifference = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

/**
 * What a policy's sub-augmentation gives with factor 0 (as Keras 3.16 configures them, checked
 * with kpy): the geometric ones, brightness, color degeneration and contrast leave images as they
 * are; sharpness gives the smoothed image, posterization keeps 1 bit, solarization inverts every
 * value, and AutoContrast and Equalization do not depend on the factor.
 */
async function factorZeroCandidates(values: number[]): Promise<Record<string, number[]>> {
  return {
    identity: values,
    sharpness: await train(new RandomSharpness({ factor: [0, 0] }), values),
    posterization: await train(new RandomPosterization({ factor: 1 }), values),
    solarization: await train(new Solarization(), values),
    autoContrast: await train(new AutoContrast(), values),
    equalization: await train(new Equalization(), values),
  };
}

describe('RandAugment', () => {
  it('with factor 0 and one op gives exactly one candidate per call, several over calls (as Keras)', async () => {
    const values = pixels(1);
    const candidates = await factorZeroCandidates(values);
    const layer = new RandAugment({ factor: 0, numOps: 1, seed: 3 });
    const seen = new Set<string>();
    for (let call = 0; call < 8; call++) {
      const out = await train(layer, values);
      const matches = Object.entries(candidates).filter(([, c]) => maxDifference(out, c) < 1e-3).map(([name]) => name);
      expect(matches.length, `call ${call} matches one candidate`).toBe(1);
      seen.add(matches[0]);
    }
    expect(seen.size).toBeGreaterThan(1);
  });

  it(
    'keeps shapes and the value range, is seeded, and returns its input outside training',
    onBothBackends(async () => {
      const values = pixels(2).map((v) => v / 255);
      const make = () => new RandAugment({ valueRange: [0, 1], numOps: 3, factor: [0.2, 0.9], seed: 11 });
      const [first, second] = [make(), make()];
      for (let call = 0; call < 2; call++) {
        const out = await train(first, values);
        expect(out.length).toBe(SIZE);
        expect(Math.min(...out)).toBeGreaterThanOrEqual(0);
        expect(Math.max(...out)).toBeLessThanOrEqual(1);
        expectClose(await train(second, values), out, { atol: 1e-6, rtol: 0 });
      }
      const x = tensor(values, SHAPE);
      expect(first.apply(x, { training: false })).toBe(x);
      const single = await valuesOf(first.apply(tensor(values.slice(0, SIZE / 2), SHAPE.slice(1)), { training: true }) as Tensor);
      expect(single.length).toBe(SIZE / 2);
      expect(new RandAugment({ numOps: 0 }).apply(x, { training: true })).toBe(x);
    }),
  );
});

describe('AugMix', () => {
  it('is m * x + (1 - m) * candidate(x) for one chain of depth 1 with factor 0 (as Keras)', async () => {
    const values = pixels(3);
    const candidates = await factorZeroCandidates(values);
    const layer = new AugMix({ factor: 0, numChains: 1, chainDepth: 1, allOps: false, seed: 5 });
    let blended = 0;
    for (let call = 0; call < 6; call++) {
      const out = await train(layer, values);
      // Some m in [0, 1] and some candidate c give out = m x + (1 - m) c everywhere (least squares m).
      const fits = Object.entries(candidates).filter(([, c]) => {
        const d = values.map((v, i) => v - c[i]);
        const dd = d.reduce((t, v) => t + v * v, 0);
        if (dd === 0) return maxDifference(out, values) < 1e-3;
        const m = d.reduce((t, v, i) => t + v * (out[i] - c[i]), 0) / dd;
        return m >= -1e-6 && m <= 1 + 1e-6 && maxDifference(out, values.map((v, i) => m * v + (1 - m) * c[i])) < 2e-3;
      });
      expect(fits.length, `call ${call}`).toBeGreaterThan(0);
      if (maxDifference(out, values) > 1e-3) blended++;
    }
    expect(blended).toBeGreaterThan(0);
  });

  it(
    'chains of depth 0 mix to the input; keeps shapes and the range; seeded; identity outside training',
    onBothBackends(async () => {
      const values = pixels(4);
      expectClose(await train(new AugMix({ chainDepth: 0, seed: 1 }), values), values, { atol: 1e-3, rtol: 0 });
      const make = () => new AugMix({ numChains: 2, chainDepth: 2, factor: 0.5, alpha: 0.5, seed: 9 });
      const [first, second] = [make(), make()];
      const out = await train(first, values);
      expect(Math.min(...out)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...out)).toBeLessThanOrEqual(255);
      expectClose(await train(second, values), out, { atol: 1e-4, rtol: 0 });
      const x = tensor(values, SHAPE);
      expect(first.apply(x, { training: false })).toBe(x);
      expect((first.apply(Input({ shape: [5, 6, 3] })) as { shape: unknown }).shape).toEqual([null, 5, 6, 3]);
    }),
  );
});

describe('policy backends, configs and errors', () => {
  it('WebGPU and CPU agree for a seed', async () => {
    expect(getBackend()).toBe('webgpu');
    const values = pixels(5);
    const make = () => [new RandAugment({ numOps: 2, factor: 0.4, seed: 2 }), new AugMix({ numChains: 2, chainDepth: 2, seed: 4 })];
    const gpu = [];
    for (const layer of make()) gpu.push(await train(layer, values));
    setBackend('cpu');
    try {
      const cpu = make();
      // RandomRotation resamples at angles whose GPU sin and cos are float32 approximations (Vulkan
      // allows 2^-11 absolute error), so where a chain rotates, pixels may differ by about 0.1.
      for (let i = 0; i < cpu.length; i++) expectClose(await train(cpu[i], values), gpu[i], { atol: 0.25, rtol: 1e-4 });
    } finally {
      setBackend('webgpu');
    }
  });

  it('leaves no tensors behind', async () => {
    const x = tensor(pixels(6), SHAPE);
    const layers = [new Equalization(), new Clahe({ tileGridSize: [2, 2] }), new RandAugment({ seed: 1 }), new AugMix({ numChains: 2, chainDepth: 1, seed: 2 })];
    for (const layer of layers) (layer.apply(x, { training: true }) as Tensor).dispose();
    await settleGarbage();
    const live = memory().liveTensors;
    for (const layer of layers) {
      const out = layer.apply(x, { training: true }) as Tensor;
      await out.data();
      out.dispose();
    }
    await settleGarbage();
    expect(memory().liveTensors).toBe(live);
  });

  it('configs round-trip, with Keras defaults', () => {
    expect(new RandAugment().getConfig()).toMatchObject({ valueRange: [0, 255], numOps: 2, factor: 0.5, interpolation: 'bilinear', seed: undefined });
    expect(new AugMix().getConfig()).toMatchObject({ valueRange: [0, 255], numChains: 3, chainDepth: 3, factor: 0.3, alpha: 1, allOps: true, interpolation: 'bilinear' });
    const layers = [
      new RandAugment({ valueRange: [0, 1], numOps: 3, factor: [0.1, 0.4], interpolation: 'nearest', seed: 5, name: 'ra' }),
      new AugMix({ valueRange: [-1, 1], numChains: 2, chainDepth: 1, factor: 0.2, alpha: 0.5, allOps: false, seed: 6, name: 'am' }),
    ];
    for (const layer of layers) {
      const config = JSON.parse(JSON.stringify(layer.getConfig())) as Record<string, unknown>;
      const rebuilt = new (layer.constructor as new (c: Record<string, unknown>) => Layer)(config);
      expect(JSON.parse(JSON.stringify(rebuilt.getConfig()))).toEqual(config);
    }
  });

  it('rejects bad options', () => {
    expect(() => new RandAugment({ factor: 1.5 })).toThrow('Invalid value for argument `factor`. Expected a number or a list of two numbers [lower, upper], each in [0, 1]. Received: factor=1.5');
    expect(() => new RandAugment({ numOps: -1 })).toThrow('Invalid value for argument `numOps`. Expected an integer of at least 0. Received: numOps=-1');
    expect(() => new RandAugment({ interpolation: 'cubic' as never })).toThrow("Invalid value for argument `interpolation`. Expected one of 'bilinear', 'nearest'.");
    expect(() => new AugMix({ numChains: 0 })).toThrow('Invalid value for argument `numChains`. Expected an integer of at least 1. Received: numChains=0');
    expect(() => new AugMix({ chainDepth: 1.5 })).toThrow('`chainDepth`');
    expect(() => new AugMix({ alpha: 0 })).toThrow('Invalid value for argument `alpha`. Expected a positive number. Received: alpha=0');
    expect(() => new AugMix({ allOps: 'yes' as never })).toThrow('Invalid value for argument `allOps`. Expected a boolean.');
    expect(() => new AugMix({ valueRange: 3 as never })).toThrow('Invalid value for argument `valueRange`.');
    expect(() => new RandAugment().apply(Input({ shape: [4] }))).toThrow("RandAugment 'rand_augment");
  });
});
