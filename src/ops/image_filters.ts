// Image filters, as keras.ops.image: `gaussianBlur`, a depthwise convolution of each channel with
// a normalized Gaussian kernel (made on the host from the sizes, uploaded once a call), zero
// padded to keep the size, as Keras's backends do. A composite of the depthwise convolution, so it
// runs on the active backend and is differentiable with respect to the images.

import { imageDataFormat } from '../backend/config';
import { tidy } from '../tensor/memory';
import { tensor } from '../tensor/creation';
import type { Tensor } from '../tensor/tensor';
import { depthwiseConv2d } from './depthwise_conv';
import { asChannelsLastBatch, checkDataFormat, checkImages, type ImageDataFormat } from './image';
import { checkOptionNames } from './validate';

export interface GaussianBlurOptions {
  /** The kernel's [height, width] (positive integers; default [3, 3]). */
  kernelSize?: readonly [number, number];
  /** The standard deviations along height and width (positive; default [1, 1]). */
  sigma?: readonly [number, number];
  /** 'channels_last' ([batch, height, width, channels]) or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: ImageDataFormat;
}

const OPTIONS: Record<keyof GaussianBlurOptions, true> = { kernelSize: true, sigma: true, dataFormat: true };

/**
 * Blurs images with a Gaussian kernel, as keras.ops.image.gaussian_blur: each channel convolved
 * with exp(-x^2 / 2 sigma^2) along height and width (normalized to sum 1), the image zero padded
 * so that its size stays ('same'). One image [h, w, c] or a batch [n, h, w, c] (channels first
 * too). For a kernel that is not square, Keras's backends disagree on which size is the height;
 * here it is `kernelSize[0]`, as its documentation says.
 *
 * @example
 * const soft = ops.gaussianBlur(images, { kernelSize: [5, 5], sigma: [1.5, 1.5] });   // same shape
 */
export function gaussianBlur(images: Tensor, options: GaussianBlurOptions = {}): Tensor {
  const op = 'gaussianBlur';
  checkOptionNames(op, options, OPTIONS);
  checkImages(op, images);
  const dataFormat = checkDataFormat(options.dataFormat ?? imageDataFormat());
  const kernelSize = pair(op, 'kernelSize', options.kernelSize ?? [3, 3], (v) => Number.isInteger(v) && v > 0, 'positive integers');
  const sigma = pair(op, 'sigma', options.sigma ?? [1, 1], (v) => Number.isFinite(v) && v > 0, 'positive numbers');
  const rows = gaussianWeights(kernelSize[0], sigma[0]);
  const columns = gaussianWeights(kernelSize[1], sigma[1]);
  const channels = images.shape.at(dataFormat === 'channels_last' ? -1 : -3)!;
  // [height, width, channels, 1]: the outer product of the two 1-D kernels, once per channel.
  const kernel = new Float32Array(kernelSize[0] * kernelSize[1] * channels);
  rows.forEach((r, i) => columns.forEach((c, j) => kernel.fill(r * c, (i * kernelSize[1] + j) * channels, (i * kernelSize[1] + j + 1) * channels)));
  return tidy(() => asChannelsLastBatch(images, dataFormat, (batch) => depthwiseConv2d(batch, tensor(kernel, [kernelSize[0], kernelSize[1], channels, 1]), { padding: 'same' })));
}

/** A 1-D Gaussian of `size` taps centred on the middle, normalized to sum 1 (in float64). */
function gaussianWeights(size: number, sigma: number): number[] {
  const weights = Array.from({ length: size }, (_, i) => Math.exp(-0.5 * ((i - (size - 1) / 2) / sigma) ** 2));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

function pair(op: string, name: string, value: unknown, valid: (v: number) => boolean, what: string): [number, number] {
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === 'number' && valid(v))) {
    throw new Error(`${op}: ${name} must be two ${what} [height, width]. Received: ${name}=${JSON.stringify(value)}`);
  }
  return [value[0], value[1]];
}
