// Image ops: resize against plain loops of TF's half-pixel rules written out here, affineTransform
// against plain loops of scipy.ndimage.map_coordinates' rules for each fill mode and
// interpolation, the GPU against the CPU, resize's gradient by finite differences, and errors.

import { describe, expect, it } from 'vitest';
import { GradientTape, tensor, type Tensor } from '../../src/node';
import { affineTransform, resize } from '../../src/ops/image';
import { gradCheck } from '../autograd/gradcheck';
import { imageCases } from '../cases/image';
import { seededRandom } from '../cases/data';
import { checkCases, onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

describe('GPU matches CPU', () => checkCases(imageCases));

const next = seededRandom(424242);
/** Values that float32 holds exactly (multiples of 1/1024), so exact copies compare equal. */
const randomValues = (size: number) => Array.from({ length: size }, () => Math.round((next() * 2 - 1) * 1024) / 1024);

/** Pixel (b, y, x, c) of channels-last values of shape [batch, height, width, channels]. */
const pixel = (values: number[], [, height, width, channels]: number[]) => (b: number, y: number, x: number, c: number) => values[((b * height + y) * width + x) * channels + c];

/** tf.image.resize (half_pixel_centers, no antialias), one output value at a time. */
function referenceResize(values: number[], shape: number[], [outHeight, outWidth]: number[], interpolation: 'bilinear' | 'nearest'): number[] {
  const [batch, height, width, channels] = shape;
  const at = pixel(values, shape);
  // TF computes the scale in float32.
  const scaleY = Math.fround(height / outHeight);
  const scaleX = Math.fround(width / outWidth);
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        for (let c = 0; c < channels; c++) {
          if (interpolation === 'nearest') {
            const y = Math.min(Math.floor((oy + 0.5) * scaleY), height - 1);
            const x = Math.min(Math.floor((ox + 0.5) * scaleX), width - 1);
            out.push(at(b, y, x, c));
            continue;
          }
          const sourceY = (oy + 0.5) * scaleY - 0.5;
          const sourceX = (ox + 0.5) * scaleX - 0.5;
          const y0 = Math.floor(sourceY);
          const x0 = Math.floor(sourceX);
          const clampY = (y: number) => Math.min(Math.max(y, 0), height - 1);
          const clampX = (x: number) => Math.min(Math.max(x, 0), width - 1);
          const fy = sourceY - y0;
          const fx = sourceX - x0;
          out.push(
            (1 - fy) * (1 - fx) * at(b, clampY(y0), clampX(x0), c) +
              (1 - fy) * fx * at(b, clampY(y0), clampX(x0 + 1), c) +
              fy * (1 - fx) * at(b, clampY(y0 + 1), clampX(x0), c) +
              fy * fx * at(b, clampY(y0 + 1), clampX(x0 + 1), c),
          );
        }
      }
    }
  }
  return out;
}

/** The source index of `index` under a fill mode (null: outside, take the fill value). */
function referenceIndex(index: number, size: number, fillMode: string): number | null {
  if (fillMode === 'constant') return index >= 0 && index < size ? index : null;
  if (fillMode === 'nearest') return Math.min(Math.max(index, 0), size - 1);
  let i = index;
  if (fillMode === 'wrap') {
    while (i < 0) i += size;
    while (i >= size) i -= size;
    return i;
  }
  // reflect about the outer edges of the border pixels, repeatedly: d c b a | a b c d | d c b a
  while (i < 0 || i >= size) i = i < 0 ? -i - 1 : 2 * size - i - 1;
  return i;
}

/** keras.ops.image.affine_transform by map_coordinates' rules, one output value at a time. */
function referenceAffine(values: number[], shape: number[], rows: number[][], interpolation: string, fillMode: string, fillValue: number): number[] {
  const [batch, height, width, channels] = shape;
  const at = pixel(values, shape);
  const read = (b: number, y: number, x: number, c: number) => {
    const row = referenceIndex(y, height, fillMode);
    const column = referenceIndex(x, width, fillMode);
    return row === null || column === null ? fillValue : at(b, row, column, c);
  };
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    const [a0, a1, a2, b0, b1, b2, c0, c1] = rows[rows.length === 1 ? 0 : b];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const k = c0 * x + c1 * y + 1;
        const sx = (a0 * x + a1 * y + a2) / k;
        const sy = (b0 * x + b1 * y + b2) / k;
        for (let c = 0; c < channels; c++) {
          if (interpolation === 'nearest') {
            const round = (v: number) => (v < 0 ? -Math.round(-v) : Math.round(v));
            out.push(read(b, round(sy), round(sx), c));
            continue;
          }
          const x0 = Math.floor(sx);
          const y0 = Math.floor(sy);
          let total = 0;
          for (const [dy, wy] of [[0, 1 - (sy - y0)], [1, sy - y0]]) {
            for (const [dx, wx] of [[0, 1 - (sx - x0)], [1, sx - x0]]) total += wy * wx * read(b, y0 + dy, x0 + dx, c);
          }
          out.push(total);
        }
      }
    }
  }
  return out;
}

async function expectClose(t: Tensor, expected: number[], tolerance = 1e-5): Promise<void> {
  const got = Array.from(await t.data());
  expect(got.length).toBe(expected.length);
  got.forEach((v, i) => expect(Math.abs(v - expected[i]), `element ${i}: ${v} vs ${expected[i]}`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(expected[i]))));
}

describe('resize', () => {
  it('gives the known half-pixel values of tf.image.resize', onBothBackends(async () => {
    // Upsampling [1, 2] by 2: samples at -0.25, 0.25, 0.75, 1.25, clamped at the edges.
    await expectClose(resize(tensor([1, 2], [1, 1, 2, 1]), [1, 4]), [1, 1.25, 1.75, 2]);
    await expectClose(resize(tensor([1, 2], [1, 1, 2, 1]), [1, 4], { interpolation: 'nearest' }), [1, 1, 2, 2]);
    // Downsampling [1, 2, 3, 4] by 2: samples at 0.5 and 2.5.
    await expectClose(resize(tensor([1, 2, 3, 4], [1, 4, 1]), [1, 2]), [1.5, 3.5]);
    await expectClose(resize(tensor([1, 2, 3, 4], [1, 4, 1]), [1, 2], { interpolation: 'nearest' }), [2, 4]);
  }));

  it('matches the plain-loop reference, up, down and mixed, both interpolations', onBothBackends(async () => {
    const cases: Array<[number[], [number, number]]> = [
      [[2, 3, 4, 2], [5, 7]],
      [[1, 8, 6, 3], [3, 4]],
      [[2, 5, 4, 1], [9, 2]],
      [[1, 3, 3, 1], [3, 3]],
    ];
    for (const [shape, size] of cases) {
      const values = randomValues(shape.reduce((a, b) => a * b, 1));
      for (const interpolation of ['bilinear', 'nearest'] as const) {
        await expectClose(resize(tensor(values, shape), size, { interpolation }), referenceResize(values, shape, size, interpolation));
      }
    }
  }));

  it('crops to the target aspect ratio as Keras: the centered window, then resizes', onBothBackends(async () => {
    const shape = [1, 4, 8, 1];
    const values = randomValues(32);
    // Target 2x2 is square: the centered 4x4 window, columns 2..5.
    const window = [0, 1, 2, 3].flatMap((y) => [2, 3, 4, 5].map((x) => values[y * 8 + x]));
    const y = resize(tensor(values, shape), [2, 2], { cropToAspectRatio: true });
    expect(y.shape).toEqual([1, 2, 2, 1]);
    await expectClose(y, referenceResize(window, [1, 4, 4, 1], [2, 2], 'bilinear'));
  }));

  it('pads to the target aspect ratio as Keras: the same padding on both sides, then resizes (Keras 3.16 values)', onBothBackends(async () => {
    const tall = tensor(Array.from({ length: 24 }, (_, i) => i), [1, 4, 6, 1]);
    // keras.ops.image.resize(x, (4, 4), pad_to_aspect_ratio=True, fill_value=-1.0): one row of -1 above and below.
    await expectClose(resize(tall, [4, 4], { padToAspectRatio: true, fillValue: -1 }), [-0.6875, -0.3125, 0.0625, 0.4375, 4.75, 6.25, 7.75, 9.25, 13.75, 15.25, 16.75, 18.25, 3.8125, 4.1875, 4.5625, 4.9375]);
    const wide = tensor(Array.from({ length: 30 }, (_, i) => i), [1, 6, 5, 1]);
    // keras.ops.image.resize(y, (3, 4), pad_to_aspect_ratio=True, interpolation='nearest'): zero columns left and right.
    await expectClose(resize(wide, [3, 4], { padToAspectRatio: true, interpolation: 'nearest' }), [0, 6, 8, 0, 0, 16, 18, 0, 0, 26, 28, 0]);
    expect(() => resize(tall, [4, 4], { padToAspectRatio: true, cropToAspectRatio: true })).toThrow('resize: Only one of `padToAspectRatio` & `cropToAspectRatio` can be `true`.');
    expect(() => resize(tall, [4, 4], { padToAspectRatio: true, fillMode: 'reflect' as 'constant' })).toThrow(`resize: Invalid value for argument \`fillMode\`. Only 'constant' is supported. Received: fillMode="reflect"`);
  }));

  it('keeps a single image single and handles channels first', onBothBackends(async () => {
    const values = randomValues(2 * 3 * 4);
    expect(resize(tensor(values, [3, 4, 2]), [5, 6]).shape).toEqual([5, 6, 2]);
    const channelsFirst = resize(tensor(values, [1, 2, 3, 4]), [5, 6], { dataFormat: 'channels_first' });
    expect(channelsFirst.shape).toEqual([1, 2, 5, 6]);
    const channelsLast = resize(tensor(values, [1, 2, 3, 4]).transpose([0, 2, 3, 1]), [5, 6]).transpose([0, 3, 1, 2]);
    await expectClose(channelsFirst, Array.from(await channelsLast.data()));
  }));

  it('differentiates with respect to the images (finite differences)', async () => {
    for (const interpolation of ['bilinear', 'nearest'] as const) {
      expect((await gradCheck((x) => resize(x, [5, 3], { interpolation }), [[1, 3, 4, 2]])).message).toBe('ok');
      expect((await gradCheck((x) => resize(x, [2, 7], { interpolation }), [[2, 6, 3, 1]])).message).toBe('ok');
    }
    expect((await gradCheck((x) => resize(x, [3, 3], { cropToAspectRatio: true }), [[1, 4, 6, 1]])).message).toBe('ok');
    expect((await gradCheck((x) => resize(x, [3, 3], { padToAspectRatio: true }), [[1, 4, 6, 1]])).message).toBe('ok');
  });

  it('rejects bad arguments before any GPU work', () => {
    const x = tensor(randomValues(16), [1, 4, 4, 1]);
    expect(() => resize(x, [2])).toThrow('Expected `size` to be a list of 2 positive integers [height, width]. Received: size=[2]');
    expect(() => resize(x, [2, 0])).toThrow('Received: size=[2,0]');
    expect(() => resize(tensor([1, 2, 3, 4], [4, 1]), [2, 2])).toThrow('Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). Received input with shape: images.shape=[4,1]');
    expect(() => resize(x, [2, 2], { antialias: 'yes' as unknown as boolean })).toThrow('Invalid value for argument `antialias`. Expected a boolean.');
    expect(() => resize(x, [2, 2], { interpolation: 'cubic' as 'bilinear' })).toThrow("Invalid value for argument `interpolation`. Expected one of 'bilinear', 'nearest', 'bicubic', 'lanczos3', 'lanczos5', 'area'.");
    expect(() => resize(x, [2, 2], { dataFormat: 'nhwc' as 'channels_last' })).toThrow('Invalid value for argument `dataFormat`.');
    expect(() => resize(tensor([1, 2], [1, 1, 2, 1], 'int32'), [2, 2])).toThrow('resize: images must be float32, got int32');
  });
});

describe('affineTransform', () => {
  it('rejects an option that is not one of its own, as resize does', () => {
    const image = tensor([[[1], [2]], [[3], [4]]]);
    expect(() => affineTransform(image, tensor([1, 0, 0, 0, 1, 0, 0, 0]), { fill_mode: 'nearest' } as never)).toThrow("affineTransform: unknown option 'fill_mode' (did you mean 'fillMode'?)");
    expect(() => resize(image, [4, 4], { interpolaton: 'nearest' } as never)).toThrow("resize: unknown option 'interpolaton'. Its options: interpolation, antialias, cropToAspectRatio, padToAspectRatio, fillMode, fillValue, dataFormat.");
  });

  const shape = [2, 4, 5, 2];
  const rows = [
    [1.13, 0.07, -1.31, -0.05, 0.91, 1.71, 0, 0],
    [0.61, -0.79, 2.73, 0.79, 0.61, -1.83, 0, 0],
  ];
  for (const interpolation of ['bilinear', 'nearest'] as const) {
    for (const fillMode of ['constant', 'nearest', 'reflect', 'wrap'] as const) {
      it(`matches the reference: ${interpolation}, fillMode ${fillMode}`, onBothBackends(async () => {
        const values = randomValues(80);
        const y = affineTransform(tensor(values, shape), tensor(rows.flat(), [2, 8]), { interpolation, fillMode, fillValue: 0.25 });
        await expectClose(y, referenceAffine(values, shape, rows, interpolation, fillMode, 0.25));
      }));
    }
  }

  it('applies a shared [8] row to every image, and a projective row', onBothBackends(async () => {
    const values = randomValues(80);
    const projective = [0.9, 0.1, 0.3, -0.1, 1.1, -0.4, 0.02, -0.03];
    await expectClose(affineTransform(tensor(values, shape), tensor(projective), { fillMode: 'reflect' }), referenceAffine(values, shape, [projective], 'bilinear', 'reflect', 0));
  }));

  it('is the identity for the identity row and shifts by whole pixels exactly', onBothBackends(async () => {
    const values = randomValues(12);
    const image = tensor(values, [1, 3, 4, 1]);
    await expectClose(affineTransform(image, tensor([1, 0, 0, 0, 1, 0, 0, 0])), values, 0);
    // Output x reads source x - 1: a shift right by one, the first column filled.
    const shifted = [0, 1, 2].flatMap((y) => [7, values[y * 4], values[y * 4 + 1], values[y * 4 + 2]]);
    await expectClose(affineTransform(image, tensor([1, 0, -1, 0, 1, 0, 0, 0]), { fillValue: 7 }), shifted, 0);
  }));

  it('says clearly that it has no gradient', () => {
    const x = tensor(randomValues(16), [1, 4, 4, 1]);
    const tape = new GradientTape();
    tape.watch([x]);
    const y = tape.record(() => affineTransform(x, tensor([1, 0, 0.5, 0, 1, 0, 0, 0])).sum());
    expect(() => tape.gradient(y, [x])).toThrow('affineTransform is not differentiable');
  });

  it('rejects bad arguments before any GPU work', () => {
    const x = tensor(randomValues(32), [2, 4, 4, 1]);
    expect(() => affineTransform(x, tensor([1, 0, 0, 0, 1, 0]))).toThrow('Invalid transform shape: expected [8] or [batch, 8] with batch = 2 (the images\' batch). Received: transform.shape=[6]');
    expect(() => affineTransform(x, tensor(new Array(24).fill(0), [3, 8]))).toThrow('Received: transform.shape=[3,8]');
    expect(() => affineTransform(x, tensor(new Array(8).fill(0)), { fillMode: 'mirror' as 'reflect' })).toThrow("Invalid value for argument `fillMode`. Expected one of 'constant', 'nearest', 'reflect', 'wrap'. Received: fillMode=\"mirror\"");
    expect(() => affineTransform(x, tensor(new Array(8).fill(0)), { fillValue: Number.NaN })).toThrow('Invalid value for argument `fillValue`.');
  });
});
