// keras.ops.image.scale_and_translate (jax.image.scale_and_translate): resampling along chosen
// axes with a scale and a translation per axis. Each axis is a linear map from its input samples
// to its output samples, whose [in, out] weight matrix is built from `scale` and `translation`
// with element-wise ops on the active backend (they are tensors, so no readback), then applied
// with a matmul. Differentiable with respect to the images, the scale and the translation.

import { formatShape } from '../backend/types';
import { tidy } from '../tensor/memory';
import { tensor } from '../tensor/creation';
import type { Tensor } from '../tensor/tensor';
import { arange } from './creation';
import { abs, add, cast, div, greater, greaterEqual, lessEqual, logicalAnd, maximum, mul, notEqual, sin, sub, where } from './elementwise';
import { matmul } from './matmul';
import { sum } from './reduce';
import { moveaxis, reshape, slice } from './shape';
import { checkOptionNames, checkTensor } from './validate';

/** Keras's method names; each alias maps to its kernel. */
const SCALE_AND_TRANSLATE_METHODS = {
  linear: 'linear',
  bilinear: 'linear',
  trilinear: 'linear',
  triangle: 'linear',
  cubic: 'cubic',
  bicubic: 'cubic',
  tricubic: 'cubic',
  lanczos3: 'lanczos3',
  lanczos5: 'lanczos5',
} as const;

export type ScaleAndTranslateMethod = keyof typeof SCALE_AND_TRANSLATE_METHODS;

export interface ScaleAndTranslateOptions {
  /** Widens the kernel by the downsampling factor when downsampling, a low-pass filter (default true). */
  antialias?: boolean;
}

const OPTIONS: Record<keyof ScaleAndTranslateOptions, true> = { antialias: true };

/** Weights of output samples whose kernel weights sum to no more than this are 0 (Keras's rule). */
const MIN_WEIGHT_SUM = 1000 * 2 ** -23;

/** The kernels as element-wise ops on distances x >= 0, as Keras's NumPy backend writes them. */
function kernelWeights(kernel: (typeof SCALE_AND_TRANSLATE_METHODS)[ScaleAndTranslateMethod], x: Tensor): Tensor {
  switch (kernel) {
    case 'linear':
      return maximum(sub(1, x), 0);
    case 'cubic': {
      const near = add(mul(mul(sub(mul(x, 1.5), 2.5), x), x), 1);
      const far = add(mul(sub(mul(add(mul(x, -0.5), 2.5), x), 4), x), 2);
      return where(greaterEqual(x, 2), 0, where(greaterEqual(x, 1), far, near));
    }
    case 'lanczos3':
    case 'lanczos5': {
      const radius = kernel === 'lanczos3' ? 3 : 5;
      const windowed = mul(mul(sin(mul(x, Math.PI)), sin(mul(x, Math.PI / radius))), radius);
      const sinc = where(greater(x, 1e-3), div(windowed, where(notEqual(x, 0), mul(mul(x, x), Math.PI * Math.PI), 1)), 1);
      return where(greater(x, radius), 0, sinc);
    }
  }
}

/**
 * The [inSize, outSize] weights of one axis: output o samples the input at
 * (o + 0.5) / scale - translation / scale - 0.5 (half-pixel centres), each input pixel weighted by
 * the kernel of its distance (divided by max(1 / scale, 1) with antialias), normalized per output;
 * outputs that sample outside [-0.5, inSize - 0.5] get no weight (they are 0).
 */
function axisWeights(inSize: number, outSize: number, scale: Tensor, translation: Tensor, kernel: (typeof SCALE_AND_TRANSLATE_METHODS)[ScaleAndTranslateMethod], antialias: boolean): Tensor {
  const inverseScale = div(1, scale);
  const samples = sub(sub(mul(add(arange(outSize, undefined, 1, 'float32'), 0.5), inverseScale), mul(translation, inverseScale)), 0.5);
  let distance = abs(sub(reshape(samples, [1, outSize]), reshape(arange(inSize, undefined, 1, 'float32'), [inSize, 1])));
  if (antialias) distance = div(distance, maximum(inverseScale, 1));
  const weights = kernelWeights(kernel, distance);
  const total = sum(weights, 0, true);
  const normalized = where(greater(abs(total), MIN_WEIGHT_SUM), div(weights, where(notEqual(total, 0), total, 1)), 0);
  const inside = logicalAnd(greaterEqual(samples, -0.5), lessEqual(samples, inSize - 0.5));
  return where(reshape(inside, [1, outSize]), normalized, 0);
}

/**
 * Resamples `images` to `outputShape`, as keras.ops.image.scale_and_translate: along each axis
 * `spatialDims[i]`, the input point y maps to the output point y * scale[i] + translation[i]
 * (pixel centres at index + 0.5); each output samples the input there with `method`'s kernel
 * ('linear' / 'bilinear' / 'trilinear' / 'triangle', 'cubic' / 'bicubic' / 'tricubic' (Keys,
 * a = -0.5), 'lanczos3', 'lanczos5'), zero where it falls outside the input. `scale` and
 * `translation` hold one value per spatial axis (tensors or numbers). Other axes keep their size.
 * float32; differentiable with respect to the images, the scale and the translation. The weights
 * are computed on the active backend, from its sin for the Lanczos kernels.
 *
 * @example
 * // np.arange(9).reshape(3, 3) upsampled to 5 x 5 with its corners kept:
 * ops.scaleAndTranslate(tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), [5, 5], [2, 2], [-0.5, -0.5], [0, 1], 'linear');
 * // [[0, 0.5, 1, 1.5, 2], [1.5, 2, 2.5, 3, 3.5], ..., [6, 6.5, 7, 7.5, 8]]
 */
export function scaleAndTranslate(
  images: Tensor,
  outputShape: readonly number[],
  scale: Tensor | readonly number[],
  translation: Tensor | readonly number[],
  spatialDims: readonly number[],
  method: ScaleAndTranslateMethod,
  options: ScaleAndTranslateOptions = {},
): Tensor {
  const op = 'scaleAndTranslate';
  checkOptionNames(op, options, OPTIONS);
  checkTensor(op, images);
  if (images.dtype !== 'float32') throw new Error(`${op}: images must be float32, got ${images.dtype} (use ops.cast(images, 'float32')).`);
  if (!(method in SCALE_AND_TRANSLATE_METHODS)) {
    throw new Error(`${op}: Invalid value for argument \`method\`. Expected one of ${Object.keys(SCALE_AND_TRANSLATE_METHODS).map((m) => `'${m}'`).join(', ')}. Received: method=${JSON.stringify(method)}`);
  }
  const antialias = options.antialias ?? true;
  if (typeof antialias !== 'boolean') throw new Error(`${op}: Invalid value for argument \`antialias\`. Expected a boolean. Received: antialias=${JSON.stringify(antialias)}`);
  if (!Array.isArray(outputShape) || outputShape.length !== images.rank || !outputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`${op}: outputShape must be ${images.rank} positive integers, one per axis of images. Received: outputShape=${JSON.stringify(outputShape)}, images.shape=${formatShape(images.shape)}`);
  }
  if (!Array.isArray(spatialDims) || !spatialDims.every((d) => Number.isInteger(d) && d >= -images.rank && d < images.rank)) {
    throw new Error(`${op}: spatialDims must be axes of images (integers in [${-images.rank}, ${images.rank})). Received: spatialDims=${JSON.stringify(spatialDims)}`);
  }
  const axes = spatialDims.map((d) => (d + images.rank) % images.rank);
  if (new Set(axes).size !== axes.length) throw new Error(`${op}: spatialDims must not repeat an axis. Received: spatialDims=${JSON.stringify(spatialDims)}`);
  images.shape.forEach((d, axis) => {
    if (!axes.includes(axis) && outputShape[axis] !== d) {
      throw new Error(`${op}: outputShape may change only the spatialDims axes; axis ${axis} is ${d} in images but ${outputShape[axis]} in outputShape. Received: outputShape=${JSON.stringify(outputShape)}, images.shape=${formatShape(images.shape)}`);
    }
  });
  const kernel = SCALE_AND_TRANSLATE_METHODS[method];
  return tidy(() => {
    const asVector = (name: string, value: Tensor | readonly number[]) => {
      const t = Array.isArray(value) ? tensor(value as number[]) : (value as Tensor);
      checkTensor(op, t);
      if (t.rank !== 1 || t.shape[0] !== axes.length) {
        throw new Error(`${op}: ${name} must hold one value per spatial axis, shape [${axes.length}]. Received: ${name}.shape=${formatShape(t.shape)}`);
      }
      return cast(t, 'float32');
    };
    const scales = asVector('scale', scale);
    const translations = asVector('translation', translation);
    let output = images;
    axes.forEach((axis, i) => {
      const weights = axisWeights(images.shape[axis], outputShape[axis], slice(scales, [i], [1]), slice(translations, [i], [1]), kernel, antialias);
      const moved = moveaxis(output, axis, -1);
      const resampled = reshape(matmul(reshape(moved, [-1, images.shape[axis]]), weights), [...moved.shape.slice(0, -1), outputShape[axis]]);
      output = moveaxis(resampled, -1, axis);
    });
    return output;
  });
}
