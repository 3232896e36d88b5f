// extractPatches and extractPatches3d against plain-loop references of Keras's identity-kernel
// convolution (TF's 'valid' and 'same' window rules), reconstructPatches as their inverse and
// against Keras's test values, padImages and cropImages against index arithmetic written
// out here, Keras's docstring shapes and values, the GPU against the CPU, gradients by finite
// differences, and errors.

import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../../src/node';
import { cropImages, extractPatches, extractPatches3d, padImages, reconstructPatches, type ExtractPatches3dOptions, type ExtractPatchesOptions } from '../../src/ops/image_patches';
import { slice, transpose } from '../../src/ops/shape';
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

  it('extractPatches: bad sizes, patches larger than the image', () => {
    expect(() => extractPatches(images, [2, 0])).toThrow('extractPatches: Invalid `size` argument. Expected a positive integer or a list of 2 of them [height, width]. Received: size=[2,0]');
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

/** 3-D patches of channels-last [b, d, h, w, c] values, features ordered (depth, row, col, channel). */
function referencePatches3d(values: number[], [b, d, h, w, c]: number[], patch: number[], strides: number[], dilation: number[], padding: 'valid' | 'same'): { shape: number[]; values: number[] } {
  const [[depths, front], [rows, top], [cols, left]] = [d, h, w].map((size, i) => windows(size, patch[i], strides[i], dilation[i], padding));
  const out: number[] = [];
  for (let n = 0; n < b; n++)
    for (let gz = 0; gz < depths; gz++)
      for (let gy = 0; gy < rows; gy++)
        for (let gx = 0; gx < cols; gx++)
          for (let dz = 0; dz < patch[0]; dz++)
            for (let dy = 0; dy < patch[1]; dy++)
              for (let dx = 0; dx < patch[2]; dx++) {
                const [z, y, x] = [gz * strides[0] + dz * dilation[0] - front, gy * strides[1] + dy * dilation[1] - top, gx * strides[2] + dx * dilation[2] - left];
                const inside = z >= 0 && z < d && y >= 0 && y < h && x >= 0 && x < w;
                for (let k = 0; k < c; k++) out.push(inside ? values[(((n * d + z) * h + y) * w + x) * c + k] : 0);
              }
  return { shape: [b, depths, rows, cols, patch[0] * patch[1] * patch[2] * c], values: out };
}

describe('extractPatches3d matches the convolution reference', () => {
  const configurations: Array<[string, number[], [number, number, number], ExtractPatches3dOptions]> = [
    ['non-overlapping tiles with a remainder dropped', [2, 4, 5, 6, 2], [2, 2, 3], {}],
    ['overlapping, strides [1, 2, 1]', [1, 4, 5, 3, 1], [2, 3, 2], { strides: [1, 2, 1] }],
    ["'same' padding, strides 2", [1, 5, 3, 4, 2], [3, 2, 2], { strides: 2, padding: 'same' }],
    ['dilation 2, strides 1', [1, 5, 4, 5, 1], [2, 2, 2], { strides: 1, dilationRate: 2 }],
  ];
  for (const [name, shape, size, options] of configurations) {
    it(name, onBothBackends(async () => {
      const values = randomValues(sizeOf(shape));
      const strides = options.strides ?? size;
      const dilation = options.dilationRate ?? 1;
      const triple = (v: number | readonly number[]) => (typeof v === 'number' ? [v, v, v] : [...v]);
      const expected = referencePatches3d(values, shape, size, triple(strides), triple(dilation), options.padding ?? 'valid');
      const x = tensor(values, shape);
      await expectValues(extractPatches3d(x, size, { ...options, dataFormat: 'channels_last' }), expected.shape, expected.values);
      x.dispose();
    }));
  }

  it("channels first, one volume, extractPatches with a size of length 3, Keras's docstring shapes", onBothBackends(async () => {
    const shape = [1, 4, 4, 2, 3];
    const values = randomValues(sizeOf(shape));
    const expected = referencePatches3d(values, shape, [2, 2, 2], [2, 2, 2], [1, 1, 1], 'valid');
    const x = tensor(values, shape);
    const first = extractPatches3d(transpose(x, [0, 4, 1, 2, 3]), 2, { dataFormat: 'channels_first' });
    await expectValues(transpose(first, [0, 2, 3, 4, 1]), expected.shape, expected.values);
    await expectValues(extractPatches(x.reshape([4, 4, 2, 3]), [2, 2, 2], { dataFormat: 'channels_last' }), expected.shape.slice(1), expected.values);
    const volumes = tensor(new Array(2 * 10 * 10 * 10 * 3).fill(0), [2, 10, 10, 10, 3]);
    expect(extractPatches3d(volumes, [3, 3, 3], { dataFormat: 'channels_last' }).shape).toEqual([2, 3, 3, 3, 81]);
    expect(extractPatches3d(volumes.slice([0, 0, 0, 0, 0], [1, 10, 10, 10, 3]).reshape([10, 10, 10, 3]), 3, { dataFormat: 'channels_last' }).shape).toEqual([3, 3, 3, 81]);
    x.dispose();
    volumes.dispose();
  }));

  it('differentiates (finite differences)', async () => {
    expect((await gradCheck((x) => extractPatches3d(x, 2, { dataFormat: 'channels_last' }), [[1, 2, 4, 2, 1]])).message).toBe('ok');
    expect((await gradCheck((x) => extractPatches3d(x, 2, { strides: 1, dataFormat: 'channels_last' }), [[1, 3, 3, 2, 1]])).message).toBe('ok');
  });

  it('rejects bad arguments', () => {
    const volumes = tensor(new Array(1 * 4 * 4 * 4 * 1).fill(0), [1, 4, 4, 4, 1]);
    expect(() => extractPatches3d(tensor([1, 2, 3, 4], [2, 2, 1]), 2)).toThrow('extractPatches3d: Invalid volumes rank: expected rank 4 (single volume) or rank 5 (batch of volumes). Received: volumes.shape=[2,2,1]');
    expect(() => extractPatches3d(volumes, [2, 2])).toThrow('extractPatches3d: size must be a positive integer or a list of 3 of them [depth, height, width], got [2,2].');
    expect(() => extractPatches3d(volumes, 2, { strides: [1, 1] as never })).toThrow('extractPatches3d: strides must be a positive integer or a list of 3 of them');
    expect(() => extractPatches3d(volumes, [2, 5, 2], { dataFormat: 'channels_last' })).toThrow("extractPatches3d: patches spanning 2x5x2 voxels do not fit in volumes of 4x4x4 with padding 'valid' (volumes.shape=[1,4,4,4,1]).");
    expect(() => extractPatches3d(volumes, 2, { padding: 'full' as never })).toThrow("extractPatches3d: Invalid value for argument `padding`. Expected 'valid' or 'same'. Received: padding=\"full\"");
    expect(() => extractPatches3d(volumes.cast('int32'), 2)).toThrow('extractPatches3d: volumes must be float32, got int32');
    volumes.dispose();
  });
});

describe('reconstructPatches inverts non-overlapping extraction', () => {
  it('hand values: the 2 x 2 patches of np.arange(16).reshape(1, 4, 4, 1)', onBothBackends(async () => {
    const patches = tensor([0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15], [1, 2, 2, 4]);
    await expectValues(reconstructPatches(patches, [2, 2], [4, 4], { dataFormat: 'channels_last' }), [1, 4, 4, 1], Array.from({ length: 16 }, (_, i) => i));
  }));

  const cases: Array<[string, number[], number[], 'valid' | 'same', number[]]> = [
    ["2-D 'valid'", [2, 6, 9, 2], [3, 3], 'valid', [6, 9]],
    ["2-D 'valid', the remainder dropped", [1, 7, 5, 3], [2, 2], 'valid', [6, 4]],
    ["2-D 'same'", [1, 7, 5, 1], [3, 2], 'same', [7, 5]],
    ["3-D 'valid'", [1, 4, 4, 6, 2], [2, 2, 3], 'valid', [4, 4, 6]],
    ["3-D 'same'", [2, 5, 3, 4, 1], [2, 2, 3], 'same', [5, 3, 4]],
  ];
  for (const [name, shape, size, padding, outputSize] of cases) {
    it(name, onBothBackends(async () => {
      const values = randomValues(sizeOf(shape));
      const x = tensor(values, shape);
      const options = { padding, dataFormat: 'channels_last' } as const;
      const patches = extractPatches(x, size, options);
      const rebuilt = reconstructPatches(patches, size, outputSize, options);
      const kept = slice(x, shape.map(() => 0), [shape[0], ...outputSize, shape.at(-1)!]);
      const expected = Array.from(await kept.data());
      await expectValues(rebuilt, [...kept.shape], expected);
      // Channels first: the same pixels, moved.
      const first = reconstructPatches(transpose(patches, [0, size.length + 1, ...size.map((_, i) => i + 1)]), size, outputSize, { padding, dataFormat: 'channels_first' });
      await expectValues(transpose(first, [0, ...size.map((_, i) => i + 2), 1]), [...kept.shape], expected);
      x.dispose();
    }));
  }

  it('unbatched patches and an integer size', onBothBackends(async () => {
    const values = randomValues(4 * 6 * 2);
    const image = tensor(values, [4, 6, 2]);
    await expectValues(reconstructPatches(extractPatches(image, 2, { dataFormat: 'channels_last' }), 2, [4, 6], { strides: 2, dataFormat: 'channels_last' }), [4, 6, 2], values);
    image.dispose();
  }));

  it('differentiates (finite differences)', async () => {
    expect((await gradCheck((p) => reconstructPatches(p, [2, 2], [3, 4], { padding: 'same', dataFormat: 'channels_last' }), [[1, 2, 2, 8]])).message).toBe('ok');
  });

  it("rejects bad arguments with Keras's checks", () => {
    const patches = tensor(new Array(2 * 2 * 2 * 8).fill(0), [2, 2, 2, 8]);
    const options = { dataFormat: 'channels_last' } as const;
    expect(() => reconstructPatches(patches, [2, 2, 2, 2], [4, 4], options)).toThrow('reconstructPatches: Invalid `size` argument. Expected a positive integer or a list of length 2 or 3. Received: size=[2,2,2,2]');
    expect(() => reconstructPatches(patches, [2, 0], [4, 4], options)).toThrow('reconstructPatches: Invalid `size` argument. Expected positive integers. Received: size=[2,0]');
    expect(() => reconstructPatches(patches, [2, 2], [4, 4, 4], options)).toThrow('reconstructPatches: Invalid `outputSize`. Expected 2 positive integers [height, width] for 2-D patches. Received: outputSize=[4,4,4]');
    expect(() => reconstructPatches(patches, [2, 2], [4, 4], { ...options, strides: 1 })).toThrow('reconstructPatches: only non-overlapping reconstruction is supported (strides == size), as Keras. Received: strides=1, size=[2,2]');
    expect(() => reconstructPatches(patches, [2, 2], [4, 4], { ...options, padding: 'causal' as never })).toThrow("reconstructPatches: Invalid value for argument `padding`. Expected 'valid' or 'same'. Received: padding=\"causal\"");
    expect(() => reconstructPatches(patches.reshape([4, 2, 8]), [2, 2, 2], [4, 4, 4], options)).toThrow('reconstructPatches: `patches` has unexpected rank for 3-D reconstruction. Expected 4 (unbatched) or 5 (batched). Received: patches.shape=[4,2,8]');
    expect(() => reconstructPatches(patches, [3, 3], [6, 6], options)).toThrow('reconstructPatches: `patches` feature size (8) is not divisible by prod(size) (9).');
    expect(() => reconstructPatches(patches, [2, 2], [4, 5], options)).toThrow("reconstructPatches: padding 'valid' requires outputSize to equal size * grid. Received: outputSize=[4,5], grid width=2, size=[2,2]");
    expect(() => reconstructPatches(patches, [2, 2], [2, 4], { ...options, padding: 'same' })).toThrow("reconstructPatches: with padding 'same', outputSize height (2) must be in ((grid - 1) * size, grid * size] = (2, 4]. Received: grid height=2, size=2");
    expect(() => reconstructPatches(patches, [2, 2], [4, 4], { output_size: [4, 4] } as never)).toThrow('output_size');
    patches.dispose();
  });
});
