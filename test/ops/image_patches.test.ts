// extractPatches against a plain-loop reference of Keras's identity-kernel convolution (TF's
// 'valid' and 'same' window rules), padImages and cropImages against index arithmetic written
// out here, Keras's docstring shapes and values, the GPU against the CPU, gradients by finite
// differences, and errors.

import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../../src/node';
import { cropImages, extractPatches, padImages, type ExtractPatchesOptions } from '../../src/ops/image_patches';
import { gradCheck } from '../autograd/gradcheck';
import { imagePatchesCases } from '../cases/image_patches';
import { seededRandom } from '../cases/data';
import { checkCases, onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

describe('GPU matches CPU', () => checkCases(imagePatchesCases));

const next = seededRandom(99);
const randomValues = (size: number) => Array.from({ length: size }, () => Math.round((next() * 2 - 1) * 1024) / 1024);
const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** TF's window geometry along one axis: [outputs, padding before]. */
function windows(size: number, patch: number, stride: number, dilation: number, padding: 'valid' | 'same'): [number, number] {
  const span = (patch - 1) * dilation + 1;
  if (padding === 'valid') return [Math.floor((size - span) / stride) + 1, 0];
  const outputs = Math.ceil(size / stride);
  return [outputs, Math.floor(Math.max((outputs - 1) * stride + span - size, 0) / 2)];
}

/** Patches of channels-last [b, h, w, c] values, features ordered (row, col, channel). */
function referencePatches(values: number[], [b, h, w, c]: number[], [ph, pw]: number[], [sh, sw]: number[], [dh, dw]: number[], padding: 'valid' | 'same'): { shape: number[]; values: number[] } {
  const [rows, top] = windows(h, ph, sh, dh, padding);
  const [cols, left] = windows(w, pw, sw, dw, padding);
  const out: number[] = [];
  for (let n = 0; n < b; n++) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        for (let di = 0; di < ph; di++) {
          for (let dj = 0; dj < pw; dj++) {
            const y = i * sh + di * dh - top;
            const x = j * sw + dj * dw - left;
            for (let k = 0; k < c; k++) out.push(y >= 0 && y < h && x >= 0 && x < w ? values[((n * h + y) * w + x) * c + k] : 0);
          }
        }
      }
    }
  }
  return { shape: [b, rows, cols, ph * pw * c], values: out };
}

async function expectValues(actual: Tensor, shape: number[], expected: number[]): Promise<void> {
  expect(actual.shape).toEqual(shape);
  expect(Array.from(await actual.data())).toEqual(expected);
  actual.dispose();
}

describe('extractPatches matches the convolution reference', () => {
  const configurations: Array<[string, number[], [number, number], ExtractPatchesOptions]> = [
    ['non-overlapping tiles', [2, 8, 6, 3], [4, 3], {}],
    ['tiles with a remainder dropped', [1, 9, 11, 2], [4, 3], {}],
    ['overlapping, strides [1, 2]', [2, 7, 6, 2], [3, 2], { strides: [1, 2] }],
    ["'same' padding, strides 2", [1, 7, 5, 3], [3, 3], { strides: 2, padding: 'same' }],
    ["'same' tiles that divide the image", [1, 6, 4, 1], [3, 2], { padding: 'same' }],
    ["'same' tiles that do not divide the image", [1, 7, 5, 1], [3, 2], { padding: 'same' }],
    ['dilation 2, strides 1', [1, 9, 8, 2], [2, 3], { strides: 1, dilationRate: 2 }],
  ];
  for (const [name, shape, size, options] of configurations) {
    it(name, onBothBackends(async () => {
      const values = randomValues(sizeOf(shape));
      const strides = options.strides ?? size;
      const stridePair = (typeof strides === 'number' ? [strides, strides] : strides) as number[];
      const dilation = options.dilationRate ?? 1;
      const dilationPair = (typeof dilation === 'number' ? [dilation, dilation] : dilation) as number[];
      const expected = referencePatches(values, shape, size, stridePair, dilationPair, options.padding ?? 'valid');
      const x = tensor(values, shape);
      await expectValues(extractPatches(x, size, options), expected.shape, expected.values);
      x.dispose();
    }));
  }

  it('channels first gives [batch, features, rows, cols]', onBothBackends(async () => {
    const shape = [2, 4, 6, 3];
    const values = randomValues(sizeOf(shape));
    const expected = referencePatches(values, shape, [2, 3], [2, 3], [1, 1], 'valid');
    const [b, rows, cols, features] = expected.shape;
    const channelsFirst: number[] = [];
    for (let n = 0; n < b; n++) for (let c = 0; c < 3; c++) for (let i = 0; i < 4; i++) for (let j = 0; j < 6; j++) channelsFirst.push(values[((n * 4 + i) * 6 + j) * 3 + c]);
    const transposed: number[] = [];
    for (let n = 0; n < b; n++) for (let f = 0; f < features; f++) for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) transposed.push(expected.values[((n * rows + i) * cols + j) * features + f]);
    const x = tensor(channelsFirst, [2, 3, 4, 6]);
    await expectValues(extractPatches(x, [2, 3], { dataFormat: 'channels_first' }), [b, features, rows, cols], transposed);
    x.dispose();
  }));

  it("Keras's docstring shapes", () => {
    const batch = tensor(new Array(2 * 20 * 20 * 3).fill(0), [2, 20, 20, 3]);
    const single = tensor(new Array(20 * 20 * 3).fill(0), [20, 20, 3]);
    expect(extractPatches(batch, [5, 5]).shape).toEqual([2, 4, 4, 75]);
    expect(extractPatches(single, [3, 3], { strides: [1, 1] }).shape).toEqual([18, 18, 27]);
    batch.dispose();
    single.dispose();
  });
});

describe('padImages and cropImages', () => {
  it("Keras's docstring examples", async () => {
    const image = tensor(new Array(15 * 25 * 3).fill(1), [15, 25, 3]);
    expect(padImages(image, { topPadding: 2, leftPadding: 3, targetHeight: 20, targetWidth: 30 }).shape).toEqual([20, 30, 3]);
    image.dispose();
    // np.arange(1, 28).reshape([3, 3, 3]) cropped to its top-left 2 x 2: channel 0 is [[1, 4], [10, 13]].
    const cropped = cropImages(tensor(Array.from({ length: 27 }, (_, i) => i + 1), [3, 3, 3]), { topCropping: 0, leftCropping: 0, targetHeight: 2, targetWidth: 2 });
    const values = Array.from(await cropped.data());
    expect(cropped.shape).toEqual([2, 2, 3]);
    expect(values.filter((_, i) => i % 3 === 0)).toEqual([1, 4, 10, 13]);
  });

  it('pad then crop of the same sides gives the image back; padding is zeros', onBothBackends(async () => {
    const values = randomValues(2 * 3 * 4 * 2);
    const x = tensor(values, [2, 3, 4, 2]);
    const padded = padImages(x, { bottomPadding: 2, rightPadding: 1, targetHeight: 6, targetWidth: 6 });
    expect(padded.shape).toEqual([2, 6, 6, 2]);
    const p = await padded.data();
    // Top padding is 6 - 3 - 2 = 1 row, left 6 - 4 - 1 = 1 column.
    for (let n = 0; n < 2; n++) {
      for (let y = 0; y < 6; y++) {
        for (let xx = 0; xx < 6; xx++) {
          for (let c = 0; c < 2; c++) {
            const inside = y >= 1 && y < 4 && xx >= 1 && xx < 5;
            expect(p[((n * 6 + y) * 6 + xx) * 2 + c]).toBe(inside ? values[((n * 3 + y - 1) * 4 + xx - 1) * 2 + c] : 0);
          }
        }
      }
    }
    await expectValues(cropImages(padded, { topCropping: 1, bottomCropping: 2, leftCropping: 1, targetWidth: 4 }), [2, 3, 4, 2], values);
    padded.dispose();
    x.dispose();
  }));

  it('channels first crops the last two axes', onBothBackends(async () => {
    const x = tensor(Array.from({ length: 2 * 4 * 5 }, (_, i) => i), [2, 4, 5]);
    const expected: number[] = [];
    for (let c = 0; c < 2; c++) for (let y = 1; y < 3; y++) for (let xx = 2; xx < 5; xx++) expected.push(c * 20 + y * 5 + xx);
    await expectValues(cropImages(x, { targetHeight: 2, bottomCropping: 1, leftCropping: 2, rightCropping: 0, dataFormat: 'channels_first' }), [2, 2, 3], expected);
    x.dispose();
  }));
});

describe('gradients match finite differences', () => {
  it('extractPatches, tiles and overlapping windows', async () => {
    expect((await gradCheck((x) => extractPatches(x, 2), [[1, 4, 4, 2]])).message).toBe('ok');
    expect((await gradCheck((x) => extractPatches(x, 3, { strides: 1, padding: 'same' }), [[1, 4, 3, 1]])).message).toBe('ok');
  });

  it('padImages and cropImages', async () => {
    expect((await gradCheck((x) => padImages(x, { topPadding: 1, bottomPadding: 0, leftPadding: 2, rightPadding: 1 }), [[3, 2, 2]])).message).toBe('ok');
    expect((await gradCheck((x) => cropImages(x, { topCropping: 1, targetHeight: 2, leftCropping: 0, rightCropping: 1 }), [[1, 4, 3, 2]])).message).toBe('ok');
  });
});

describe('errors', () => {
  const images = tensor(new Array(2 * 5 * 6 * 3).fill(0), [2, 5, 6, 3]);

  it('extractPatches: bad sizes, 3-D patches, patches larger than the image', () => {
    expect(() => extractPatches(images, [2, 0])).toThrow('extractPatches: Invalid `size` argument. Expected a positive integer or a list of 2 of them [height, width]. Received: size=[2,0]');
    expect(() => extractPatches(images, [2, 2, 2])).toThrow('extractPatches: 3-D patches (a size of length 3');
    expect(() => extractPatches(images, 6)).toThrow("extractPatches: patches spanning 6x6 pixels do not fit in images of 5x6 with padding 'valid' (images.shape=[2,5,6,3]).");
    expect(() => extractPatches(images, 2, { padding: 'causal' as never })).toThrow("extractPatches: Invalid value for argument `padding`. Expected 'valid' or 'same'. Received: padding=\"causal\"");
    expect(() => extractPatches(images, 2, { dilation_rate: 2 } as never)).toThrow("extractPatches: unknown option 'dilation_rate' (did you mean 'dilationRate'?)");
  });

  it('padImages and cropImages: not exactly two of a triple, negative or impossible sizes', () => {
    expect(() => padImages(images, { topPadding: 1, bottomPadding: 1, targetHeight: 7, leftPadding: 0, rightPadding: 0 })).toThrow(
      'padImages: Must specify exactly two of topPadding, bottomPadding, targetHeight. Received: topPadding=1, bottomPadding=1, targetHeight=7',
    );
    expect(() => padImages(images, { topPadding: 1, targetHeight: 4, leftPadding: 0, rightPadding: 0 })).toThrow('padImages: bottomPadding must be >= 0 for images of size 5 along that axis.');
    expect(() => cropImages(images, { topCropping: -1, bottomCropping: 0, leftCropping: 0, rightCropping: 0 })).toThrow('cropImages: topCropping must be a non-negative integer. Received: topCropping=-1');
    expect(() => cropImages(images, { topCropping: 3, targetHeight: 3, leftCropping: 0, rightCropping: 0 })).toThrow('cropImages: bottomCropping must be >= 0 for images of size 5 along that axis.');
    expect(() => cropImages(tensor([1, 2]), { topCropping: 0, bottomCropping: 0, leftCropping: 0, rightCropping: 0 })).toThrow('cropImages: Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). Received: images.shape=[2]');
    expect(() => cropImages(images, { top_cropping: 1 } as never)).toThrow("cropImages: unknown option 'top_cropping' (did you mean 'topCropping'?)");
  });
});
