// Color-space image ops: rgbToGrayscale, rgbToHsv and hsvToRgb against float64 plain loops of
// TF's luma weights and dm_pix's formulas (which Keras's backends use), known colors, the
// round trip, the GPU against the CPU, gradients by finite differences, and errors.

import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../../src/node';
import { hsvToRgb, rgbToGrayscale, rgbToHsv } from '../../src/ops/image_color';
import { gradCheck } from '../autograd/gradcheck';
import { imageColorCases } from '../cases/image_color';
import { seededRandom } from '../cases/data';
import { checkCases, onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

describe('GPU matches CPU', () => checkCases(imageColorCases));

const next = seededRandom(5150);
/** Channels-last pixels in [0, 1], rounded to float32 so the reference sees the same inputs. */
const randomPixels = (count: number) => Array.from({ length: count * 3 }, () => Math.fround(next()));

/** Applies a per-pixel function to channels-last triples. */
const perPixel = (values: number[], f: (p: [number, number, number]) => number[]) => {
  const out: number[] = [];
  for (let i = 0; i < values.length; i += 3) out.push(...f([values[i], values[i + 1], values[i + 2]]));
  return out;
};

const referenceGray = ([r, g, b]: number[]) => [0.2989 * r + 0.587 * g + 0.114 * b];

/** dm_pix's rgb_to_hsv in float64. */
function referenceHsv(pixel: number[]): number[] {
  const [r, g, b] = pixel.map((v) => (Math.abs(v) < 2 ** -23 ? 0 : v));
  const value = Math.max(r, g, b);
  const range = value - Math.min(r, g, b);
  const saturation = value > 0 ? range / value : 0;
  const norm = 1 / (6 * (range > 0 ? range : 1));
  let hue = value === g ? norm * (b - r) + 2 / 6 : norm * (r - g) + 4 / 6;
  if (value === r) hue = norm * (g - b);
  hue = (range > 0 ? hue : 0) + (hue < 0 ? 1 : 0);
  return [hue, saturation, value];
}

/** dm_pix's hsv_to_rgb in float64. */
function referenceRgb([h, s, v]: number[]): number[] {
  const sector = (h - Math.floor(h)) * 6;
  const clip = (x: number) => Math.min(Math.max(x, 0), 1);
  const weights = [clip(Math.abs(sector - 3) - 1), clip(2 - Math.abs(sector - 2)), clip(2 - Math.abs(sector - 4))];
  return weights.map((w) => v * (1 - s + s * w));
}

async function expectClose(actual: Tensor, expected: number[], atol = 2e-6): Promise<void> {
  const values = await actual.data();
  actual.dispose();
  expect(values.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(values[i] - e), `element ${i}: ${values[i]} vs ${e}`).toBeLessThanOrEqual(atol + 2e-6 * Math.abs(e)));
}

/** Channels-last values [h, w, 3] rearranged to channels first [3, h, w]. */
const toChannelsFirst = (values: number[], pixels: number) => [0, 1, 2].flatMap((c) => Array.from({ length: pixels }, (_, p) => values[3 * p + c]));

describe('match float64 references', () => {
  it('rgbToGrayscale: 0.2989 R + 0.587 G + 0.114 B, channels last and first', onBothBackends(async () => {
    const values = randomPixels(2 * 4 * 5);
    await expectClose(rgbToGrayscale(tensor(values, [2, 4, 5, 3])), perPixel(values, referenceGray));
    const single = values.slice(0, 60);
    const gray = perPixel(single, referenceGray);
    const y = rgbToGrayscale(tensor(toChannelsFirst(single, 20), [3, 4, 5]), { dataFormat: 'channels_first' });
    expect(y.shape).toEqual([1, 4, 5]);
    await expectClose(y, gray);
  }));

  it('rgbToHsv on random and special pixels, channels last and first', onBothBackends(async () => {
    const special = [0, 0, 0, 1, 1, 1, 0.5, 0.5, 0.5, 0.7, 0.7, 0.2, 0.3, 0.9, 0.9, 0.9, 0.1, 0.9, 1e-9, 0.2, 0, 0.4, 0, 0.4].map(Math.fround);
    const values = [...randomPixels(40), ...special];
    await expectClose(rgbToHsv(tensor(values, [1, 6, 8, 3])), perPixel(values, referenceHsv));
    const y = rgbToHsv(tensor(toChannelsFirst(values, 48), [1, 3, 6, 8]), { dataFormat: 'channels_first' });
    await expectClose(y, toChannelsFirst(perPixel(values, referenceHsv), 48));
  }));

  it('hsvToRgb with hues that wrap', onBothBackends(async () => {
    const values = randomPixels(30).map((v, i) => (i % 3 === 0 ? Math.fround(3 * v - 1) : v));
    await expectClose(hsvToRgb(tensor(values, [5, 6, 3])), perPixel(values, referenceRgb));
  }));

  it('known colors: red, green, blue, cyan and gray', async () => {
    const rgb = [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0.5, 0.5, 0.25, 0.25, 0.25];
    const hsv = [0, 1, 1, 1 / 3, 1, 1, 2 / 3, 1, 1, 0.5, 1, 0.5, 0, 0, 0.25];
    await expectClose(rgbToHsv(tensor(rgb, [5, 1, 3])), hsv);
    await expectClose(hsvToRgb(tensor(hsv, [5, 1, 3])), rgb);
  });

  it('hsvToRgb inverts rgbToHsv', async () => {
    const values = randomPixels(64);
    const x = tensor(values, [8, 8, 3]);
    await expectClose(hsvToRgb(rgbToHsv(x)), values, 1e-5);
    x.dispose();
  });
});

describe('gradients match finite differences', () => {
  // Channels at least 0.1 apart and hues away from the sector edges, so that eps = 1e-2 stays on
  // one branch of the piecewise formulas.
  const rgb = [0.9, 0.5, 0.1, 0.2, 0.7, 0.4, 0.3, 0.1, 0.8, 0.45, 0.6, 0.25];
  const hsv = [0.1, 0.6, 0.8, 0.4, 0.3, 0.5, 0.75, 0.9, 0.7, 0.55, 0.5, 0.4];

  it('rgbToGrayscale', async () => expect((await gradCheck((x) => rgbToGrayscale(x), [[1, 2, 2, 3]])).message).toBe('ok'));
  it('rgbToHsv', async () => expect((await gradCheck((x) => rgbToHsv(x), [[2, 2, 3]], { values: [rgb] })).message).toBe('ok'));
  it('hsvToRgb', async () => expect((await gradCheck((x) => hsvToRgb(x), [[2, 2, 3]], { values: [hsv] })).message).toBe('ok'));
});

describe('errors', () => {
  it('rejects wrong ranks, channel counts, dtypes and options', () => {
    expect(() => rgbToGrayscale(tensor([1, 2, 3]))).toThrow('rgbToGrayscale: Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). Received input with shape: images.shape=[3]');
    expect(() => rgbToGrayscale(tensor(new Array(8).fill(0), [2, 2, 2]))).toThrow('rgbToGrayscale: Invalid channel size: expected 3 (RGB) or 1 (grayscale) on axis -1. Received input with shape: images.shape=[2,2,2]');
    expect(() => rgbToHsv(tensor(new Array(12).fill(0), [1, 3, 4]))).toThrow('rgbToHsv: Invalid channel size: expected 3 (RGB or HSV) on axis -1. Received input with shape: images.shape=[1,3,4]');
    expect(() => hsvToRgb(tensor(new Array(12).fill(0), [4, 3, 1]), { dataFormat: 'channels_first' })).toThrow('hsvToRgb: Invalid channel size: expected 3 (RGB or HSV) on axis -3. Received input with shape: images.shape=[4,3,1]');
    expect(() => rgbToHsv(tensor([1, 2, 3], [1, 1, 3], 'int32'))).toThrow('rgbToHsv: images must be float32, got int32');
    expect(() => rgbToHsv(tensor([1, 2, 3], [1, 1, 3]), { data_format: 'channels_first' } as never)).toThrow("rgbToHsv: unknown option 'data_format' (did you mean 'dataFormat'?)");
  });
});
