// ops.sobelEdges and ops.ssim (keras.ops.image.sobel_edges and ssim) against float64 NumPy
// references written from Keras's formulas (the snippet is in the comment above each table),
// Keras's own test cases, channels first against channels last, gradients by finite differences,
// and errors.

import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../../src/node';
import { sobelEdges, ssim } from '../../src/ops/image_filters';
import { transpose } from '../../src/ops/shape';
import { gradCheck } from '../autograd/gradcheck';
import { expectNumbersClose, onBothBackends, useWebGPU, valuesOf } from '../helpers';

useWebGPU();

/** NumPy: `(((np.arange(n) * mult) % mod) / (mod - 1)).reshape(shape)`. */
function pattern(shape: number[], mult: number, mod: number): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: size }, (_, i) => ((i * mult) % mod) / (mod - 1)), shape);
}

/*
 * tf.image.sobel_edges in NumPy (REFLECT padding, kernels cross-correlated):
 *   x = pattern((1, 3, 4, 2), 7, 11)
 *   p = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)), mode='reflect')
 *   ky = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]); kx = ky.T
 *   corr = lambda k: sum(k[i, j] * p[:, i:i + 3, j:j + 4, :] for i in range(3) for j in range(3))
 *   np.stack([corr(ky), corr(kx)], -1).reshape(-1)
 */
const SOBEL_EXPECTED = [
  0, 0, 0, 0, 0, 2.4, 0, -2, 0, 2.4, 0, 0.2, 0, 0, 0, 0, 0.8, 0, -1.4, 0, 0.8, 2.4, -1.4, -2, -0.3, 1.3, -0.3, 1.3, -1.4, 0, 0.8, 0, 0, 0, 0, 0, 0, 2.4,
  0, -2, 0, 0.2, 0, 2.4, 0, 0, 0, 0,
];

describe('ops.sobelEdges', () => {
  it('matches tf.image.sobel_edges in NumPy, channels last and first', onBothBackends(async () => {
    const images = pattern([1, 3, 4, 2], 7, 11);
    const edges = sobelEdges(images, { dataFormat: 'channels_last' });
    expect(edges.shape).toEqual([1, 3, 4, 2, 2]);
    expectNumbersClose(await valuesOf(edges), SOBEL_EXPECTED, 1e-5);
    const first = sobelEdges(transpose(images, [0, 3, 1, 2]), { dataFormat: 'channels_first' });
    expect(first.shape).toEqual([1, 2, 3, 4, 2]);
    expectNumbersClose(await valuesOf(transpose(first, [0, 2, 3, 1, 4])), SOBEL_EXPECTED, 1e-5);
  }));

  it("finds Keras's test edges; a uniform image has none", onBothBackends(async () => {
    // Keras's test: a vertical edge at column 4 gives dx there; a horizontal one at row 4 gives dy.
    const vertical = Array.from({ length: 64 }, (_, i) => (i % 8 >= 4 ? 1 : 0));
    const dx = await valuesOf(sobelEdges(tensor(vertical, [1, 8, 8, 1]), { dataFormat: 'channels_last' }));
    for (let row = 0; row < 8; row++) {
      expect([0, 1, 2, 3, 4, 5, 6, 7].map((col) => dx[(row * 8 + col) * 2 + 1])).toEqual([0, 0, 0, 4, 4, 0, 0, 0]);
      expect([0, 1, 2, 3, 4, 5, 6, 7].map((col) => dx[(row * 8 + col) * 2])).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    }
    const uniform = await valuesOf(sobelEdges(tensor(new Array(2 * 5 * 6 * 3).fill(0.5), [2, 5, 6, 3]), { dataFormat: 'channels_last' }));
    expect(uniform.every((v) => v === 0)).toBe(true);
  }));

  it('differentiates (finite differences)', async () => {
    expect((await gradCheck((x) => sobelEdges(x, { dataFormat: 'channels_last' }), [[2, 3, 4, 2]])).message).toBe('ok');
  });

  it('rejects bad arguments', () => {
    const x = pattern([1, 4, 4, 1], 3, 7);
    expect(() => sobelEdges(pattern([4, 4, 1], 3, 7))).toThrow('sobelEdges: Invalid images rank: expected rank 4 (batch of images). Received: images.shape=[4,4,1]');
    expect(() => sobelEdges(pattern([1, 1, 4, 1], 3, 7), { dataFormat: 'channels_last' })).toThrow('sobelEdges: images must have at least 2 rows and 2 columns (the border is mirrored). Received: images.shape=[1,1,4,1]');
    expect(() => sobelEdges(x, { dataFormat: 'nhwc' as never })).toThrow("Expected 'channels_last' or 'channels_first'. Received: dataFormat=\"nhwc\"");
    expect(() => sobelEdges(x, { data_format: 'channels_last' } as never)).toThrow('data_format');
  });
});

/*
 * Keras's _ssim in NumPy, float64:
 *   def ssim(a, b, max_val=1.0, fs=11, sigma=1.5, k1=0.01, k2=0.03):
 *       g = np.exp(-((np.arange(fs) - (fs - 1) / 2) ** 2) / (2 * sigma ** 2)); g /= g.sum(); k = np.outer(g, g)
 *       H, W = a.shape[1] - fs + 1, a.shape[2] - fs + 1
 *       f = lambda t: sum(k[i, j] * t[:, i:i + H, j:j + W, :] for i in range(fs) for j in range(fs))
 *       m1, m2 = f(a), f(b); s1 = f(a * a) - m1 * m1; s2 = f(b * b) - m2 * m2; s12 = f(a * b) - m1 * m2
 *       c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
 *       return (((2 * m1 * m2 + c1) * (2 * s12 + c2)) / ((m1 * m1 + m2 * m2 + c1) * (s1 + s2 + c2))).mean(axis=(1, 2, 3))
 *   a = pattern((2, 6, 7, 2), 37, 17); b = pattern((2, 6, 7, 2), 53, 19)
 *   ssim(a, b, fs=3, sigma=1.0)                                             -> SSIM_EXPECTED
 *   ssim(a * 255, b * 255, max_val=255, fs=5, sigma=1.5, k1=0.02, k2=0.05)  -> SSIM_255_EXPECTED
 */
const SSIM_EXPECTED = [0.06604136458809391, -0.03286347756194008];
const SSIM_255_EXPECTED = [0.055552771752932495, -0.09504787673125929];

describe('ops.ssim', () => {
  const a = () => pattern([2, 6, 7, 2], 37, 17);
  const b = () => pattern([2, 6, 7, 2], 53, 19);

  it("matches Keras's formula in NumPy, with default and custom constants", onBothBackends(async () => {
    const result = ssim(a(), b(), { filterSize: 3, filterSigma: 1, dataFormat: 'channels_last' });
    expect(result.shape).toEqual([2]);
    expectNumbersClose(await valuesOf(result), SSIM_EXPECTED, 1e-5);
    const scaled = ssim(a().mul(255), b().mul(255), { maxVal: 255, filterSize: 5, filterSigma: 1.5, k1: 0.02, k2: 0.05, dataFormat: 'channels_last' });
    expectNumbersClose(await valuesOf(scaled), SSIM_255_EXPECTED, 1e-4);
  }));

  it('gives a scalar for one image, the same for channels first, and 1 for identical images', onBothBackends(async () => {
    const single = ssim(a().slice([1, 0, 0, 0], [1, 6, 7, 2]).reshape([6, 7, 2]), b().slice([1, 0, 0, 0], [1, 6, 7, 2]).reshape([6, 7, 2]), { filterSize: 3, filterSigma: 1, dataFormat: 'channels_last' });
    expect(single.shape).toEqual([]);
    expectNumbersClose(await valuesOf(single), [SSIM_EXPECTED[1]], 1e-5);
    const first = ssim(transpose(a(), [0, 3, 1, 2]), transpose(b(), [0, 3, 1, 2]), { filterSize: 3, filterSigma: 1, dataFormat: 'channels_first' });
    expectNumbersClose(await valuesOf(first), SSIM_EXPECTED, 1e-5);
    // Keras's test: identical images (here 12x12 with the default 11x11 window) give 1.
    const image = pattern([2, 12, 12, 3], 29, 23);
    expectNumbersClose(await valuesOf(ssim(image, image, { dataFormat: 'channels_last' })), [1, 1], 1e-4);
  }));

  it('differentiates with respect to both images (finite differences)', async () => {
    const f = (x: Tensor, y: Tensor) => ssim(x, y, { filterSize: 3, filterSigma: 1, dataFormat: 'channels_last' });
    expect((await gradCheck(f, [[2, 4, 5, 2], [2, 4, 5, 2]], { low: 0, high: 1 })).message).toBe('ok');
  });

  it('rejects bad arguments', () => {
    const x = pattern([1, 6, 6, 1], 3, 7);
    const options = { dataFormat: 'channels_last' } as const;
    expect(() => ssim(x, pattern([1, 6, 5, 1], 3, 7), options)).toThrow('ssim: images1 and images2 must have the same shape. Received: images1.shape=[1,6,6,1], images2.shape=[1,6,5,1]');
    expect(() => ssim(x, x, options)).toThrow('ssim: images of 6x6 pixels are smaller than the 11x11 filter (filterSize). Received: images1.shape=[1,6,6,1]');
    expect(() => ssim(x, x, { ...options, filterSize: 2.5 })).toThrow('ssim: Invalid value for argument `filterSize`. Expected a positive integer. Received: filterSize=2.5');
    expect(() => ssim(x, x, { ...options, filterSize: 3, maxVal: 0 })).toThrow('ssim: Invalid value for argument `maxVal`. Expected a positive number. Received: maxVal=0');
    expect(() => ssim(x, x, { ...options, filterSize: 3, filterSigma: -1 })).toThrow('Received: filterSigma=-1');
    expect(() => ssim(x, x, { ...options, filterSize: 3, k2: Number.NaN })).toThrow('Received: k2=NaN');
    expect(() => ssim(pattern([6, 6], 3, 7), pattern([6, 6], 3, 7))).toThrow('ssim: Invalid images rank');
    expect(() => ssim(x, x, { max_val: 2 } as never)).toThrow('max_val');
  });
});
