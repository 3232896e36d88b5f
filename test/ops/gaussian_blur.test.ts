// ops.gaussianBlur (keras.ops.image.gaussian_blur) against a float64 convolution written here:
// the normalized Gaussian per channel, zero padding as XLA's 'SAME' (the extra row or column of an
// even kernel after the image), batches and single images, channels last and first.

import { describe, expect, it } from 'vitest';
import { GradientTape, ops, randomUniform, type Tensor } from '../../src/node';
import { expectTensorClose, onBothBackends, useWebGPU, valuesOf } from '../helpers';

useWebGPU();

/** The blur of channels-last images [n, h, w, c] in float64, as Keras's backends compute it. */
function referenceBlur(values: ArrayLike<number>, [n, h, w, c]: number[], [kh, kw]: number[], [sh, sw]: number[]): Float64Array {
  const weights = (size: number, sigma: number) => {
    const raw = Array.from({ length: size }, (_, i) => Math.exp(-0.5 * ((i - (size - 1) / 2) / sigma) ** 2));
    const total = raw.reduce((a, b) => a + b, 0);
    return raw.map((v) => v / total);
  };
  const [rows, cols] = [weights(kh, sh), weights(kw, sw)];
  const [top, left] = [Math.floor((kh - 1) / 2), Math.floor((kw - 1) / 2)];
  const out = new Float64Array(n * h * w * c);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let ch = 0; ch < c; ch++) {
          let acc = 0;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const [yy, xx] = [y + i - top, x + j - left];
              if (yy >= 0 && yy < h && xx >= 0 && xx < w) acc += rows[i] * cols[j] * values[((b * h + yy) * w + xx) * c + ch];
            }
          out[((b * h + y) * w + x) * c + ch] = acc;
        }
  return out;
}

describe('ops.gaussianBlur', () => {
  it('matches a float64 convolution: square, non-square and even kernels', onBothBackends(async () => {
    const images = randomUniform([2, 7, 9, 3], { seed: 3 });
    const values = await valuesOf(images);
    for (const [kernelSize, sigma] of [[[3, 3], [1, 1]], [[3, 5], [1, 2]], [[4, 4], [1.5, 0.7]]] as Array<[[number, number], [number, number]]>) {
      const blurred = ops.gaussianBlur(images, { kernelSize, sigma, dataFormat: 'channels_last' });
      expect(blurred.shape).toEqual([2, 7, 9, 3]);
      expectTensorClose(blurred, Array.from(referenceBlur(values, images.shape as number[], kernelSize, sigma)), 1e-5);
    }
  }));

  it('takes a single image, channels first, and passes gradients to the images', async () => {
    const image = randomUniform([3, 6, 5], { seed: 4 });
    const channelsLast = ops.transpose(image, [1, 2, 0]);
    const expected = ops.transpose(ops.gaussianBlur(channelsLast, { dataFormat: 'channels_last' }), [2, 0, 1]);
    expectTensorClose(ops.gaussianBlur(image, { dataFormat: 'channels_first' }), await valuesOf(expected), 1e-6);
    // d sum(blur(x)) / dx at an interior pixel is the kernel's sum, 1.
    const tape = new GradientTape();
    const x = randomUniform([1, 5, 5, 1]);
    tape.watch(x);
    const total = tape.record(() => ops.sum(ops.gaussianBlur(x, { dataFormat: 'channels_last' })));
    const grad = tape.gradient(total, x) as Tensor;
    expect((await valuesOf(grad))[12]).toBeCloseTo(1, 5);
  });

  it('explains bad options', () => {
    const images = ops.zeros([1, 4, 4, 1]);
    expect(() => ops.gaussianBlur(images, { kernelSize: [3, 0] as never })).toThrow('gaussianBlur: kernelSize must be two positive integers [height, width]. Received: kernelSize=[3,0]');
    expect(() => ops.gaussianBlur(images, { sigma: [1] as never })).toThrow('gaussianBlur: sigma must be two positive numbers [height, width]. Received: sigma=[1]');
    expect(() => ops.gaussianBlur(ops.zeros([4, 4]))).toThrow('gaussianBlur: Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images).');
  });
});
