// Image ops, as keras.ops.image: `resize` (optionally cropping or padding to the target aspect
// ratio first) and `affineTransform` (projective resampling with Keras's fill modes). Bilinear and
// nearest resizing and affineTransform run shaders/image.wgsl on the GPU and the same rules in
// plain loops on the CPU; resize differentiates through them with a gather-style backward kernel.
// resize's other interpolations ('bicubic', 'lanczos3', 'lanczos5', 'area', and 'bilinear' with
// antialias when downsampling) are a fixed linear map per axis: their weight matrices come from
// src/ops/resize_kernels.ts and are applied with matmul, which also gives their gradient.
// affineTransform is not differentiable and says so when a gradient reaches it.

import { imageDataFormat } from '../backend/config';
import { formatShape } from '../backend/types';
import type { WebGPUBackend } from '../backend/webgpu/webgpu_backend';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import { recordGradient } from '../autograd/tape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { tensor } from '../tensor/creation';
import { clone } from './clone';
import { runKernel1, type Kernel } from './kernel';
import { matmul } from './matmul';
import { areaWeights, filterWeights, type FilterInterpolation } from './resize_kernels';
import { pad, reshape, slice, transpose } from './shape';
import { checkOptionNames, checkTensor } from './validate';
import fillIndexShader from '../../shaders/fill_index.wgsl?raw';
import imageShader from '../../shaders/image.wgsl?raw';

const WORKGROUP_SIZE = 256;
/** image.wgsl with the fill modes it shares with mapCoordinates. */
const IMAGE_SOURCE = `${fillIndexShader}\n${imageShader}`;

/** @internal Keras's resize interpolations ('area' from its TensorFlow backend). */
export const RESIZE_INTERPOLATIONS = ['bilinear', 'nearest', 'bicubic', 'lanczos3', 'lanczos5', 'area'] as const;
/** Keras's affine_transform interpolations, which image.wgsl implements for resize too. */
const AFFINE_TRANSFORM_INTERPOLATIONS = ['bilinear', 'nearest'] as const;
/** Codes match FILL_MODE in fill_index.wgsl. */
const FILL_MODES = { constant: 0, nearest: 1, reflect: 2, wrap: 3 } as const;

export type ImageInterpolation = (typeof AFFINE_TRANSFORM_INTERPOLATIONS)[number];
export type ResizeInterpolation = (typeof RESIZE_INTERPOLATIONS)[number];
export type FillMode = keyof typeof FILL_MODES;
export type ImageDataFormat = 'channels_last' | 'channels_first';

export interface ResizeOptions {
  /**
   * 'bilinear' (default), 'nearest', 'bicubic' (Keys cubic, a = -0.5), 'lanczos3', 'lanczos5'
   * (windowed sinc of radius 3 or 5) or 'area' (the average over each output pixel's footprint).
   */
  interpolation?: ResizeInterpolation;
  /**
   * When downsampling, widens the 'bilinear', 'bicubic' and Lanczos kernels by the downsampling
   * factor so that they low-pass filter the image (default false). No effect when upsampling, nor
   * on 'nearest' and 'area'.
   */
  antialias?: boolean;
  /**
   * Crops the largest centered window with the target aspect ratio before resizing, so the image
   * is not distorted (default false).
   */
  cropToAspectRatio?: boolean;
  /**
   * Pads the image to the target aspect ratio first, centered, with `fillValue` (default false;
   * not with cropToAspectRatio), as Keras: the same padding on both sides, half the difference
   * rounded down.
   */
  padToAspectRatio?: boolean;
  /** How padding is filled: 'constant' only, as Keras's resize. */
  fillMode?: 'constant';
  /** The padding's value (default 0). */
  fillValue?: number;
  /** 'channels_last' ([batch, height, width, channels]) or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: ImageDataFormat;
}

export interface AffineTransformOptions {
  /** 'bilinear' (default) or 'nearest'. */
  interpolation?: ImageInterpolation;
  /**
   * How points outside the image are filled: 'constant' (default, with `fillValue`), 'nearest'
   * (edge pixels repeat), 'reflect' (d c b a | a b c d | d c b a) or 'wrap' (a b c d | a b c d).
   */
  fillMode?: FillMode;
  /** The value of points outside the image when fillMode is 'constant' (default 0). */
  fillValue?: number;
  /** 'channels_last' or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: ImageDataFormat;
}

/** The option names, for checkOptionNames (the types keep the lists complete). */
const RESIZE_OPTIONS: Record<keyof ResizeOptions, true> = { interpolation: true, antialias: true, cropToAspectRatio: true, padToAspectRatio: true, fillMode: true, fillValue: true, dataFormat: true };
const AFFINE_TRANSFORM_OPTIONS: Record<keyof AffineTransformOptions, true> = { interpolation: true, fillMode: true, fillValue: true, dataFormat: true };

interface ResizeAttrs {
  interpolation: ImageInterpolation;
  /** in_size / out_size per axis, rounded to float32 once so both backends use the same value. */
  scaleY: number;
  scaleX: number;
  /** [batch, height, width, channels] of the image and of the resized image. */
  imageShape: readonly number[];
  resizedShape: readonly number[];
}

interface AffineAttrs {
  interpolation: ImageInterpolation;
  fillMode: FillMode;
  fillValue: number;
  /** One transform row per image (8) or one shared row (0). */
  transformStride: number;
}

function checkInterpolation<T extends string>(op: string, interpolation: unknown, choices: readonly T[]): T {
  if (choices.includes(interpolation as T)) return interpolation as T;
  throw new Error(`${op}: Invalid value for argument \`interpolation\`. Expected one of ${choices.map((i) => `'${i}'`).join(', ')}. Received: interpolation=${JSON.stringify(interpolation)}`);
}

/** @internal Keras's data_format values; throws on any other. */
export function checkDataFormat(dataFormat: unknown): ImageDataFormat {
  if (dataFormat === 'channels_last' || dataFormat === 'channels_first') return dataFormat;
  throw new Error(`Invalid value for argument \`dataFormat\`. Expected 'channels_last' or 'channels_first'. Received: dataFormat=${JSON.stringify(dataFormat)}`);
}

/** @internal Checks the images: float32, rank 3 (one image) or 4 (a batch). */
export function checkImages(op: string, images: Tensor): void {
  checkTensor(op, images);
  if (images.rank !== 3 && images.rank !== 4) {
    throw new Error(`${op}: Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). Received input with shape: images.shape=${formatShape(images.shape)}`);
  }
  if (images.dtype !== 'float32') throw new Error(`${op}: images must be float32, got ${images.dtype} (use ops.cast(images, 'float32')).`);
}

/**
 * @internal Runs `fn` on the images (or, with `spatialRank` 3, volumes) as a channels-last batch
 * and gives its result back in the input's layout and rank: a single image gains and loses a
 * batch axis, channels-first images are transposed on the way in and out.
 */
export function asChannelsLastBatch(images: Tensor, dataFormat: ImageDataFormat, fn: (batch: Tensor) => Tensor, spatialRank = 2): Tensor {
  return tidy(() => {
    const single = images.rank === spatialRank + 1;
    const spatialAxes = Array.from({ length: spatialRank }, (_, i) => i + 1);
    let batch = single ? reshape(images, [1, ...images.shape]) : images;
    if (dataFormat === 'channels_first') batch = transpose(batch, [0, ...spatialAxes.map((a) => a + 1), 1]);
    let result = fn(batch);
    if (dataFormat === 'channels_first') result = transpose(result, [0, spatialRank + 1, ...spatialAxes]);
    return single ? reshape(result, result.shape.slice(1)) : result;
  });
}

/** @internal Keras's crop_to_aspect_ratio window: [top, left, height, width]. */
export function aspectRatioWindow(height: number, width: number, targetHeight: number, targetWidth: number): [number, number, number, number] {
  const cropHeight = Math.max(Math.min(height, Math.trunc((width * targetHeight) / targetWidth)), 1);
  const cropWidth = Math.max(Math.min(width, Math.trunc((height * targetWidth) / targetHeight)), 1);
  return [Math.trunc((height - cropHeight) / 2), Math.trunc((width - cropWidth) / 2), cropHeight, cropWidth];
}

/**
 * Resizes images to `[height, width]`, as keras.ops.image.resize with its NumPy/JAX backends
 * (jax.image.resize's half-pixel rules). Output pixel o samples the input at
 * `(o + 0.5) * in / out - 0.5`: 'bilinear', 'bicubic', 'lanczos3' and 'lanczos5' weigh the input
 * pixels around it by their kernel, renormalized at the borders (so bilinear is TF's edge-clamped
 * bilinear); 'nearest' takes pixel `floor((o + 0.5) * in / out)`; 'area' averages the input over
 * the output pixel's footprint (tf.image.resize's area method, which Keras has on TensorFlow only).
 * `antialias` widens the kernels when downsampling. An axis whose size does not change is left
 * as it is. Images are [batch, height, width, channels] or [height, width, channels] (channels
 * first with `dataFormat`), float32. Differentiable with respect to the images.
 *
 * @example
 * const small = resize(images, [16, 16]);                                    // bilinear
 * const square = resize(photo, [224, 224], { cropToAspectRatio: true });     // center crop, then resize
 * resize(tensor([1, 2], [1, 2, 1]), [1, 4], { interpolation: 'nearest' });    // [[[1], [1], [2], [2]]]
 * const thumbnail = resize(photo, [64, 64], { interpolation: 'lanczos3', antialias: true });
 */
export function resize(images: Tensor, size: readonly number[], options: ResizeOptions = {}): Tensor {
  const op = 'resize';
  checkOptionNames(op, options, RESIZE_OPTIONS);
  checkImages(op, images);
  if (!Array.isArray(size) || size.length !== 2 || !size.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`${op}: Expected \`size\` to be a list of 2 positive integers [height, width]. Received: size=${JSON.stringify(size)}`);
  }
  const interpolation = checkInterpolation(op, options.interpolation ?? 'bilinear', RESIZE_INTERPOLATIONS);
  const antialias = options.antialias ?? false;
  if (typeof antialias !== 'boolean') throw new Error(`${op}: Invalid value for argument \`antialias\`. Expected a boolean. Received: antialias=${JSON.stringify(antialias)}`);
  const dataFormat = checkDataFormat(options.dataFormat ?? imageDataFormat());
  if (options.cropToAspectRatio && options.padToAspectRatio) throw new Error(`${op}: Only one of \`padToAspectRatio\` & \`cropToAspectRatio\` can be \`true\`.`);
  if ((options.fillMode ?? 'constant') !== 'constant') throw new Error(`${op}: Invalid value for argument \`fillMode\`. Only 'constant' is supported. Received: fillMode=${JSON.stringify(options.fillMode)}`);
  const fillValue = options.fillValue ?? 0;
  if (typeof fillValue !== 'number' || !Number.isFinite(fillValue)) throw new Error(`${op}: Invalid value for argument \`fillValue\`. Expected a finite number. Received: fillValue=${String(fillValue)}`);
  const [height, width] = size;
  const spatial = dataFormat === 'channels_last' ? images.shape.slice(-3, -1) : images.shape.slice(-2);
  if (spatial[0] === 0 || spatial[1] === 0) {
    throw new Error(`${op}: images must have a non-empty height and width. Received: images.shape=${formatShape(images.shape)}`);
  }
  return asChannelsLastBatch(images, dataFormat, (batch) => {
    let source = batch;
    if (options.cropToAspectRatio) {
      const [top, left, cropHeight, cropWidth] = aspectRatioWindow(batch.shape[1], batch.shape[2], height, width);
      source = slice(batch, [0, top, left, 0], [batch.shape[0], cropHeight, cropWidth, batch.shape[3]]);
    } else if (options.padToAspectRatio) {
      const [top, left] = aspectRatioPadding(batch.shape[1], batch.shape[2], height, width);
      if (top > 0 || left > 0) source = pad(batch, [[0, 0], [top, top], [left, left], [0, 0]], fillValue);
    }
    const [inHeight, inWidth] = source.shape.slice(1, 3);
    if (interpolation === 'nearest' || (interpolation === 'bilinear' && !(antialias && (height < inHeight || width < inWidth)))) {
      return resizeBatch(source, height, width, interpolation);
    }
    return resizeSeparable(source, height, width, interpolation, antialias);
  });
}

/**
 * The padding of an image to the target aspect ratio, as Keras's resize computes it: on each side
 * of the height (top) or of the width (left), half the missing extent rounded down.
 */
function aspectRatioPadding(height: number, width: number, targetHeight: number, targetWidth: number): [number, number] {
  const padHeight = Math.max(height, Math.trunc((width * targetHeight) / targetWidth));
  const padWidth = Math.max(width, Math.trunc((height * targetWidth) / targetHeight));
  return [Math.trunc((padHeight - height) / 2), Math.trunc((padWidth - width) / 2)];
}

function resizeBatch(images: Tensor, height: number, width: number, interpolation: ImageInterpolation): Tensor {
  const [batch, inHeight, inWidth, channels] = images.shape;
  const attrs: ResizeAttrs = {
    interpolation,
    scaleY: Math.fround(inHeight / height),
    scaleX: Math.fround(inWidth / width),
    imageShape: [...images.shape],
    resizedShape: [batch, height, width, channels],
  };
  const y = runKernel1(resizeKernel, [images], { shape: [batch, height, width, channels], dtype: 'float32' }, attrs, 'resize');
  recordGradient('resize', [images], [y], () => ([dy]) => [resizeGradient(dy, attrs)]);
  return y;
}

/**
 * Resizes a channels-last batch along the height, then along the width, each a matmul with the
 * [outSize, inSize] weights of resize_kernels.ts; an axis of unchanged size is skipped, as Keras
 * does, so it stays exact.
 */
function resizeSeparable(images: Tensor, height: number, width: number, interpolation: FilterInterpolation | 'area', antialias: boolean): Tensor {
  const [batch, inHeight, inWidth, channels] = images.shape;
  const weights = (inSize: number, outSize: number) => tensor(interpolation === 'area' ? areaWeights(inSize, outSize) : filterWeights(inSize, outSize, interpolation, antialias), [outSize, inSize]);
  if (inHeight === height && inWidth === width) return clone(images);
  let x = images;
  if (inHeight !== height) x = reshape(matmul(weights(inHeight, height), reshape(x, [batch, inHeight, inWidth * channels])), [batch, height, inWidth, channels]);
  if (inWidth !== width) x = reshape(matmul(weights(inWidth, width), reshape(x, [batch * height, inWidth, channels])), [batch, height, width, channels]);
  return x;
}

/** The adjoint of resize: the resized-shaped gradient back onto the image's pixels. */
function resizeGradient(dy: Tensor, attrs: ResizeAttrs): Tensor {
  const dx = runKernel1(resizeBackwardKernel, [dy], { shape: [...attrs.imageShape], dtype: 'float32' }, attrs, 'resize');
  // Linear, so its own gradient is the forward resize.
  recordGradient('resizeGradient', [dy], [dx], () => ([ddx]) => [runKernel1(resizeKernel, [ddx], { shape: [...attrs.resizedShape], dtype: 'float32' }, attrs, 'resize')]);
  return dx;
}

/**
 * Applies a projective transform to each image, as keras.ops.image.affine_transform. A transform
 * row `[a0, a1, a2, b0, b1, b2, c0, c1]` maps the output point (x, y) (x along the width) to the
 * source point `((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)` with `k = c0 x + c1 y + 1`;
 * the source is sampled there with `interpolation`, and points outside the image follow
 * `fillMode`. `transform` is [batch, 8] (one row per image) or [8] (shared). The output has the
 * images' shape. Not differentiable: a gradient that reaches it throws.
 *
 * @example
 * // Shift right by one pixel, filling with zeros:
 * affineTransform(images, tensor([1, 0, -1, 0, 1, 0, 0, 0]));
 * // Rotate each image by its own angle, mirroring at the borders:
 * affineTransform(images, rotationRows, { fillMode: 'reflect' });
 */
export function affineTransform(images: Tensor, transform: Tensor, options: AffineTransformOptions = {}): Tensor {
  const op = 'affineTransform';
  checkOptionNames(op, options, AFFINE_TRANSFORM_OPTIONS);
  checkImages(op, images);
  checkTensor(op, transform);
  const interpolation = checkInterpolation(op, options.interpolation ?? 'bilinear', AFFINE_TRANSFORM_INTERPOLATIONS);
  const fillMode = options.fillMode ?? 'constant';
  if (!(fillMode in FILL_MODES)) {
    throw new Error(`Invalid value for argument \`fillMode\`. Expected one of 'constant', 'nearest', 'reflect', 'wrap'. Received: fillMode=${JSON.stringify(fillMode)}`);
  }
  const fillValue = options.fillValue ?? 0;
  if (typeof fillValue !== 'number' || !Number.isFinite(fillValue)) {
    throw new Error(`Invalid value for argument \`fillValue\`. Expected a finite number. Received: fillValue=${String(fillValue)}`);
  }
  const dataFormat = checkDataFormat(options.dataFormat ?? imageDataFormat());
  const batchSize = images.rank === 4 ? images.shape[0] : 1;
  const perImage = transform.rank === 2 && transform.shape[1] === 8 && (transform.shape[0] === batchSize || transform.shape[0] === 1);
  if (!(transform.rank === 1 && transform.shape[0] === 8) && !perImage) {
    throw new Error(`${op}: Invalid transform shape: expected [8] or [batch, 8] with batch = ${batchSize} (the images' batch). Received: transform.shape=${formatShape(transform.shape)}, images.shape=${formatShape(images.shape)}`);
  }
  if (transform.dtype !== 'float32') throw new Error(`${op}: transform must be float32, got ${transform.dtype}.`);
  const attrs: AffineAttrs = { interpolation, fillMode, fillValue, transformStride: transform.rank === 2 && transform.shape[0] > 1 ? 8 : 0 };
  return asChannelsLastBatch(images, dataFormat, (batch) => {
    const y = runKernel1(affineKernel, [batch, transform], { shape: [...batch.shape], dtype: 'float32' }, attrs, op);
    recordGradient(op, [batch, transform], [y], () => () => {
      throw new Error('affineTransform is not differentiable: no gradient flows to its images or transform. Apply augmentation layers (RandomRotation, RandomZoom, RandomTranslation) to the model inputs, before any trainable layer, or stop the gradient with ops.stopGradient.');
    });
    return y;
  });
}

/** TF's bilinear taps of output index `o` along one axis: the two source indices and the weight of the upper one. */
function bilinearTaps(o: number, scale: number, size: number): [number, number, number] {
  const position = Math.fround(Math.fround((o + 0.5) * scale) - 0.5);
  const start = Math.floor(position);
  return [Math.max(start, 0), Math.min(Math.max(Math.ceil(position), 0), size - 1), position - start];
}

function nearestTap(o: number, scale: number, size: number): number {
  return Math.min(Math.floor(Math.fround((o + 0.5) * scale)), size - 1);
}

/** Source [batch, inHeight, inWidth, channels] to output [batch, outHeight, outWidth, channels]. */
const resizeKernel: Kernel<ResizeAttrs> = {
  name: 'resize',
  cpu([x], [y], { interpolation, scaleY, scaleX }) {
    const [, inHeight, inWidth, channels] = x.shape;
    const [batch, outHeight, outWidth] = y.shape;
    const at = (b: number, row: number, column: number, c: number) => x.values[((b * inHeight + row) * inWidth + column) * channels + c];
    let i = 0;
    for (let b = 0; b < batch; b++) {
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++) {
          for (let c = 0; c < channels; c++, i++) {
            if (interpolation === 'nearest') {
              y.values[i] = at(b, nearestTap(oy, scaleY, inHeight), nearestTap(ox, scaleX, inWidth), c);
              continue;
            }
            const [top, bottom, lerpY] = bilinearTaps(oy, scaleY, inHeight);
            const [left, right, lerpX] = bilinearTaps(ox, scaleX, inWidth);
            const upper = at(b, top, left, c) + (at(b, top, right, c) - at(b, top, left, c)) * lerpX;
            const lower = at(b, bottom, left, c) + (at(b, bottom, right, c) - at(b, bottom, left, c)) * lerpX;
            y.values[i] = upper + (lower - upper) * lerpY;
          }
        }
      }
    }
  },
  webgpu(gpu, [x], [y], attrs) {
    const { interpolation, scaleY, scaleX } = attrs;
    dispatchImage(gpu, 'resize', { INTERPOLATION: interpolationCode(interpolation), FILL_MODE: 0 }, [x.buffer, y.buffer], { size: y.size, imageShape: x.shape, resizedShape: y.shape, scaleY, scaleX });
  },
};

/** Upstream gradient [batch, outHeight, outWidth, channels] to the image's [batch, inHeight, inWidth, channels]. */
const resizeBackwardKernel: Kernel<ResizeAttrs> = {
  name: 'resizeBackward',
  cpu([dy], [dx], { interpolation, scaleY, scaleX }) {
    const [, inHeight, inWidth, channels] = dx.shape;
    const [batch, outHeight, outWidth] = dy.shape;
    // Scatters each output's weights into its source pixels (the GPU gathers the same sums).
    const rowTaps = (oy: number): Array<[number, number]> => {
      if (interpolation === 'nearest') return [[nearestTap(oy, scaleY, inHeight), 1]];
      const [top, bottom, lerp] = bilinearTaps(oy, scaleY, inHeight);
      return [[top, 1 - lerp], [bottom, lerp]];
    };
    const columnTaps = (ox: number): Array<[number, number]> => {
      if (interpolation === 'nearest') return [[nearestTap(ox, scaleX, inWidth), 1]];
      const [left, right, lerp] = bilinearTaps(ox, scaleX, inWidth);
      return [[left, 1 - lerp], [right, lerp]];
    };
    let i = 0;
    for (let b = 0; b < batch; b++) {
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++) {
          for (let c = 0; c < channels; c++, i++) {
            for (const [row, weightY] of rowTaps(oy)) {
              for (const [column, weightX] of columnTaps(ox)) dx.values[((b * inHeight + row) * inWidth + column) * channels + c] += weightY * weightX * dy.values[i];
            }
          }
        }
      }
    }
  },
  webgpu(gpu, [dy], [dx], attrs) {
    const { interpolation, scaleY, scaleX } = attrs;
    dispatchImage(gpu, 'resize_backward', { INTERPOLATION: interpolationCode(interpolation), FILL_MODE: 0 }, [dy.buffer, dx.buffer], { size: dx.size, imageShape: dx.shape, resizedShape: dy.shape, scaleY, scaleX });
  },
};

/**
 * @internal Maps an integer index onto [0, size) by the fill mode (affineTransform's, and
 * mapCoordinates' 'mirror'); -1 is outside (constant mode).
 */
export function fillIndex(index: number, size: number, fillMode: FillMode | 'mirror'): number {
  const floorMod = (a: number, b: number) => ((a % b) + b) % b;
  switch (fillMode) {
    case 'constant':
      return index < 0 || index >= size ? -1 : index;
    case 'nearest':
      return Math.min(Math.max(index, 0), size - 1);
    case 'reflect': {
      const folded = floorMod(index, 2 * size);
      return folded >= size ? 2 * size - 1 - folded : folded;
    }
    case 'wrap':
      return floorMod(index, size);
    case 'mirror':
      return size === 1 ? 0 : Math.abs(floorMod(index + size - 1, 2 * (size - 1)) - (size - 1));
  }
}

/** @internal Matches COORDINATE_LIMIT in fill_index.wgsl. */
export const COORDINATE_LIMIT = 2 ** 24;

/** Images [batch, height, width, channels] and transforms [batch or 1, 8] or [8] to images. */
const affineKernel: Kernel<AffineAttrs> = {
  name: 'affineTransform',
  cpu([x, transform], [y], { interpolation, fillMode, fillValue, transformStride }) {
    const [batch, height, width, channels] = x.shape;
    const t = transform.values;
    const sample = (b: number, row: number, column: number, c: number) => {
      const r = fillIndex(row, height, fillMode);
      const col = fillIndex(column, width, fillMode);
      return r < 0 || col < 0 ? fillValue : x.values[((b * height + r) * width + col) * channels + c];
    };
    const clampCoordinate = (v: number) => Math.min(Math.max(v, -COORDINATE_LIMIT), COORDINATE_LIMIT);
    const roundHalfAway = (v: number) => Math.sign(v) * Math.floor(Math.abs(v) + 0.5);
    let i = 0;
    for (let b = 0; b < batch; b++) {
      const o = b * transformStride;
      for (let row = 0; row < height; row++) {
        for (let column = 0; column < width; column++) {
          const k = t[o + 6] * column + t[o + 7] * row + 1;
          const sourceX = clampCoordinate((t[o] * column + t[o + 1] * row + t[o + 2]) / k);
          const sourceY = clampCoordinate((t[o + 3] * column + t[o + 4] * row + t[o + 5]) / k);
          for (let c = 0; c < channels; c++, i++) {
            if (k === 0) {
              y.values[i] = fillValue;
            } else if (interpolation === 'nearest') {
              y.values[i] = sample(b, roundHalfAway(sourceY), roundHalfAway(sourceX), c);
            } else {
              const x0 = Math.floor(sourceX);
              const y0 = Math.floor(sourceY);
              const wx = sourceX - x0;
              const wy = sourceY - y0;
              const top = (1 - wx) * sample(b, y0, x0, c) + wx * sample(b, y0, x0 + 1, c);
              const bottom = (1 - wx) * sample(b, y0 + 1, x0, c) + wx * sample(b, y0 + 1, x0 + 1, c);
              y.values[i] = (1 - wy) * top + wy * bottom;
            }
          }
        }
      }
    }
  },
  webgpu(gpu, [x, transform], [y], { interpolation, fillMode, fillValue, transformStride }) {
    const constants = { INTERPOLATION: interpolationCode(interpolation), FILL_MODE: FILL_MODES[fillMode] };
    dispatchImage(gpu, 'affine_transform', constants, [x.buffer, y.buffer, transform.buffer], { size: y.size, imageShape: x.shape, resizedShape: y.shape, transformStride, fillValue });
  },
};

interface ImageParams {
  /** Elements of the written buffer, one invocation each. */
  size: number;
  /** [batch, height, width, channels] of the source image and of the resampled one. */
  imageShape: readonly number[];
  resizedShape: readonly number[];
  scaleY?: number;
  scaleX?: number;
  transformStride?: number;
  fillValue?: number;
}

/** One dispatch of an image.wgsl entry point; the fields follow its Params struct. */
function dispatchImage(gpu: WebGPUBackend, entryPoint: string, constants: { INTERPOLATION: number; FILL_MODE: number }, buffers: GPUBuffer[], params: ImageParams): void {
  const { size, imageShape, resizedShape, scaleY = 0, scaleX = 0, transformStride = 0, fillValue = 0 } = params;
  gpu.dispatch({
    shader: IMAGE_SOURCE,
    entryPoint,
    constants,
    uniforms: new Uniforms()
      .u32(size, imageShape[1], imageShape[2], resizedShape[1], resizedShape[2], imageShape[3], transformStride, 0)
      .f32(scaleY, scaleX, fillValue, 0)
      .finish(),
    buffers,
    workgroups: gridFor(size, WORKGROUP_SIZE),
  });
}

const interpolationCode = (interpolation: ImageInterpolation) => (interpolation === 'nearest' ? 1 : 0);
