// Image filters, as keras.ops.image: `gaussianBlur`, a depthwise convolution of each channel with
// a normalized Gaussian kernel (made on the host from the sizes, uploaded once a call), zero
// padded to keep the size, as Keras's backends do; `sobelEdges`, the vertical and horizontal
// Sobel derivatives of each channel; and `ssim`, the structural similarity of two images from
// Gaussian-weighted local means, variances and covariance. Composites of the depthwise convolution
// and element-wise ops, so they run on the active backend and are differentiable with respect to
// the images.

import { imageDataFormat } from '../backend/config';
import { formatShape } from '../backend/types';
import { tidy } from '../tensor/memory';
import { tensor } from '../tensor/creation';
import type { Tensor } from '../tensor/tensor';
import { depthwiseConv2d } from './depthwise_conv';
import { add, div, mul, sub } from './elementwise';
import { asChannelsLastBatch, checkDataFormat, checkImages, type ImageDataFormat } from './image';
import { mean } from './reduce';
import { pad, reshape, transpose } from './shape';
import { checkOptionNames } from './validate';

export interface GaussianBlurOptions {
  /** The kernel's [height, width] (positive integers; default [3, 3]). */
  kernelSize?: readonly [number, number];
  /** The standard deviations along height and width (positive; default [1, 1]). */
  sigma?: readonly [number, number];
  /** 'channels_last' ([batch, height, width, channels]) or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: ImageDataFormat;
}

export interface SobelEdgesOptions {
  /** 'channels_last' ([batch, height, width, channels]) or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: ImageDataFormat;
}

export interface SsimOptions {
  /** The largest possible pixel value: 1 (default) for images in [0, 1], 255 for [0, 255]. */
  maxVal?: number;
  /** The Gaussian window's height and width (a positive integer, default 11; odd, as Keras asks). */
  filterSize?: number;
  /** The Gaussian window's standard deviation (positive, default 1.5). */
  filterSigma?: number;
  /** The luminance term's stabilizer: c1 = (k1 maxVal)^2 (default 0.01). */
  k1?: number;
  /** The contrast-structure term's stabilizer: c2 = (k2 maxVal)^2 (default 0.03). */
  k2?: number;
  /** 'channels_last' ([batch, height, width, channels]) or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: ImageDataFormat;
}

const OPTIONS: Record<keyof GaussianBlurOptions, true> = { kernelSize: true, sigma: true, dataFormat: true };
const SOBEL_OPTIONS: Record<keyof SobelEdgesOptions, true> = { dataFormat: true };
const SSIM_OPTIONS: Record<keyof SsimOptions, true> = { maxVal: true, filterSize: true, filterSigma: true, k1: true, k2: true, dataFormat: true };

/** The Sobel derivative kernels, cross-correlated: d/dy (bottom row minus top row) and d/dx. */
const SOBEL_DY = [-1, -2, -1, 0, 0, 0, 1, 2, 1];
const SOBEL_DX = [-1, 0, 1, -2, 0, 2, -1, 0, 1];

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

/**
 * The Sobel edges of images, as keras.ops.image.sobel_edges: for each channel, the vertical
 * derivative dy (3x3 kernel [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]) and the horizontal one dx (its
 * transpose), stacked on a new last axis as [dy, dx]: [batch, height, width, channels] gives
 * [batch, height, width, channels, 2], and channels first [batch, channels, height, width] gives
 * [batch, channels, height, width, 2]. A batch only (rank 4), as Keras. Keras's backends disagree
 * at the border (TensorFlow mirrors without the edge pixel, NumPy mirrors with it, JAX pads with
 * zeros); here it is TensorFlow's tf.image.sobel_edges: mirrored without the edge pixel, so a
 * uniform image has no edges anywhere. Images need at least 2 rows and 2 columns.
 *
 * @example
 * const edges = ops.sobelEdges(images);   // [2, 16, 16, 3] -> [2, 16, 16, 3, 2]
 * const magnitude = ops.sqrt(ops.sum(ops.square(edges), -1));
 */
export function sobelEdges(images: Tensor, options: SobelEdgesOptions = {}): Tensor {
  const op = 'sobelEdges';
  checkOptionNames(op, options, SOBEL_OPTIONS);
  checkImages(op, images);
  if (images.rank !== 4) throw new Error(`${op}: Invalid images rank: expected rank 4 (batch of images). Received: images.shape=${formatShape(images.shape)}`);
  const dataFormat = checkDataFormat(options.dataFormat ?? imageDataFormat());
  const [height, width] = dataFormat === 'channels_last' ? images.shape.slice(1, 3) : images.shape.slice(2);
  if (height < 2 || width < 2) {
    throw new Error(`${op}: images must have at least 2 rows and 2 columns (the border is mirrored). Received: images.shape=${formatShape(images.shape)}`);
  }
  return tidy(() => {
    const batch = dataFormat === 'channels_last' ? images : transpose(images, [0, 2, 3, 1]);
    const channels = batch.shape[3];
    // [3, 3, channels, 2]: depth multiplier 2, so output channel 2c + m is channel c's [dy, dx][m].
    const kernel = new Float32Array(9 * channels * 2);
    for (let tap = 0; tap < 9; tap++) {
      for (let c = 0; c < channels; c++) kernel.set([SOBEL_DY[tap], SOBEL_DX[tap]], (tap * channels + c) * 2);
    }
    const mirrored = pad(batch, [[0, 0], [1, 1], [1, 1], [0, 0]], 'reflect');
    const edges = reshape(depthwiseConv2d(mirrored, tensor(kernel, [3, 3, channels, 2])), [...batch.shape, 2]);
    return dataFormat === 'channels_last' ? edges : transpose(edges, [0, 3, 1, 2, 4]);
  });
}

/**
 * The structural similarity (SSIM) of two images, as keras.ops.image.ssim (Wang et al. 2004):
 * per channel, local means mu, variances sigma^2 and covariance sigma12 under a normalized
 * Gaussian window (`filterSize` square, `filterSigma`), over the windows that fit inside the image
 * ('valid'); the map `(2 mu1 mu2 + c1)(2 sigma12 + c2) / ((mu1^2 + mu2^2 + c1)(sigma1^2 + sigma2^2 + c2))`
 * with c1 = (k1 maxVal)^2 and c2 = (k2 maxVal)^2 is averaged over the positions and channels.
 * Images of the same shape, [batch, height, width, channels] (gives [batch]) or one image
 * [height, width, channels] (gives a scalar); channels first with `dataFormat`. Both at least
 * `filterSize` high and wide. Differentiable with respect to both images, so `1 - ssim` is a loss.
 *
 * @example
 * const similarity = ops.ssim(predicted, target);                 // [8, 32, 32, 3] twice -> [8]
 * const loss = ops.sub(1, ops.mean(ops.ssim(predicted, target, { maxVal: 255 })));
 */
export function ssim(images1: Tensor, images2: Tensor, options: SsimOptions = {}): Tensor {
  const op = 'ssim';
  checkOptionNames(op, options, SSIM_OPTIONS);
  checkImages(op, images1);
  checkImages(op, images2);
  if (images1.shape.length !== images2.shape.length || images1.shape.some((d, i) => d !== images2.shape[i])) {
    throw new Error(`${op}: images1 and images2 must have the same shape. Received: images1.shape=${formatShape(images1.shape)}, images2.shape=${formatShape(images2.shape)}`);
  }
  const { maxVal = 1, filterSize = 11, filterSigma = 1.5, k1 = 0.01, k2 = 0.03 } = options;
  const positive = (name: string, value: unknown) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new Error(`${op}: Invalid value for argument \`${name}\`. Expected a positive number. Received: ${name}=${String(value)}`);
  };
  if (!Number.isInteger(filterSize) || filterSize < 1) throw new Error(`${op}: Invalid value for argument \`filterSize\`. Expected a positive integer. Received: filterSize=${String(filterSize)}`);
  positive('maxVal', maxVal);
  positive('filterSigma', filterSigma);
  positive('k1', k1);
  positive('k2', k2);
  const dataFormat = checkDataFormat(options.dataFormat ?? imageDataFormat());
  const [height, width] = dataFormat === 'channels_last' ? images1.shape.slice(-3, -1) : images1.shape.slice(-2);
  if (height < filterSize || width < filterSize) {
    throw new Error(`${op}: images of ${height}x${width} pixels are smaller than the ${filterSize}x${filterSize} filter (filterSize). Received: images1.shape=${formatShape(images1.shape)}`);
  }
  const channels = images1.shape.at(dataFormat === 'channels_last' ? -1 : -3)!;
  const weights = gaussianWeights(filterSize, filterSigma);
  const window = new Float32Array(filterSize * filterSize * channels);
  weights.forEach((r, i) => weights.forEach((c, j) => window.fill(r * c, (i * filterSize + j) * channels, (i * filterSize + j + 1) * channels)));
  const c1 = (k1 * maxVal) ** 2;
  const c2 = (k2 * maxVal) ** 2;
  return tidy(() => {
    const kernel = tensor(window, [filterSize, filterSize, channels, 1]);
    const channelsLastBatch = (images: Tensor) => {
      const batch = images.rank === 3 ? reshape(images, [1, ...images.shape]) : images;
      return dataFormat === 'channels_last' ? batch : transpose(batch, [0, 2, 3, 1]);
    };
    const [a, b] = [channelsLastBatch(images1), channelsLastBatch(images2)];
    const localMean = (t: Tensor) => depthwiseConv2d(t, kernel);
    const meanA = localMean(a);
    const meanB = localMean(b);
    const meanAB = mul(meanA, meanB);
    const meanSquares = add(mul(meanA, meanA), mul(meanB, meanB));
    const varianceSum = sub(add(localMean(mul(a, a)), localMean(mul(b, b))), meanSquares);
    const covariance = sub(localMean(mul(a, b)), meanAB);
    const numerator = mul(add(mul(meanAB, 2), c1), add(mul(covariance, 2), c2));
    const denominator = mul(add(meanSquares, c1), add(varianceSum, c2));
    const values = mean(div(numerator, denominator), [1, 2, 3]);
    return images1.rank === 4 ? values : reshape(values, []);
  });
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
