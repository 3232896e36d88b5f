// Image ops that move pixels without resampling, as keras.ops.image: `extractPatches` (each
// window's pixels flattened into the channel axis, ViT's patching), `padImages` and `cropImages`
// (Keras's argument forms: two of top / bottom / target height, two of left / right / target
// width). Composites of reshape, transpose, conv2d, pad and slice, so they run on the active
// backend and are differentiable.

import { imageDataFormat } from '../backend/config';
import { formatShape } from '../backend/types';
import type { Tensor } from '../tensor/tensor';
import { conv2d, type Padding } from './conv';
import { eye } from './creation';
import { asChannelsLastBatch, checkDataFormat, checkImages, type ImageDataFormat } from './image';
import { pad, reshape, slice, transpose } from './shape';
import { checkOptionNames, checkTensor } from './validate';

export interface ExtractPatchesOptions {
  /** Step between patches: one number or [height, width]. Default: the patch size (no overlap). */
  strides?: number | readonly [number, number] | null;
  /** Spacing between a patch's sampled pixels: one number or [height, width]. Default 1. */
  dilationRate?: number | readonly [number, number];
  /** 'valid' (default: only whole patches) or 'same' (zero-padded, ceil(size / stride) patches). */
  padding?: Padding;
  /** 'channels_last' or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: ImageDataFormat;
}

/** Two of each triple (top, bottom, targetHeight) and (left, right, targetWidth), non-negative. */
export interface PadImagesOptions {
  /** Rows of zeros added above. */
  topPadding?: number | null;
  /** Columns of zeros added on the left. */
  leftPadding?: number | null;
  /** Rows of zeros added below. */
  bottomPadding?: number | null;
  /** Columns of zeros added on the right. */
  rightPadding?: number | null;
  /** Height of the padded images. */
  targetHeight?: number | null;
  /** Width of the padded images. */
  targetWidth?: number | null;
  /** 'channels_last' or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: ImageDataFormat;
}

/** Two of each triple (top, bottom, targetHeight) and (left, right, targetWidth), non-negative. */
export interface CropImagesOptions {
  /** Rows removed from the top. */
  topCropping?: number | null;
  /** Columns removed from the left. */
  leftCropping?: number | null;
  /** Rows removed from the bottom. */
  bottomCropping?: number | null;
  /** Columns removed from the right. */
  rightCropping?: number | null;
  /** Height of the cropped images. */
  targetHeight?: number | null;
  /** Width of the cropped images. */
  targetWidth?: number | null;
  /** 'channels_last' or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: ImageDataFormat;
}

const PATCH_OPTIONS: Record<keyof ExtractPatchesOptions, true> = { strides: true, dilationRate: true, padding: true, dataFormat: true };
const PAD_OPTIONS: Record<keyof PadImagesOptions, true> = { topPadding: true, leftPadding: true, bottomPadding: true, rightPadding: true, targetHeight: true, targetWidth: true, dataFormat: true };
const CROP_OPTIONS: Record<keyof CropImagesOptions, true> = { topCropping: true, leftCropping: true, bottomCropping: true, rightCropping: true, targetHeight: true, targetWidth: true, dataFormat: true };

/** A number or a pair of positive integers as [height, width]. */
function positivePair(op: string, name: string, value: unknown): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`${op}: Invalid \`${name}\` argument. Expected a positive integer or a list of 2 of them [height, width]. Received: ${name}=${JSON.stringify(value)}`);
  }
  return [pair[0], pair[1]];
}

/**
 * Extracts `size` patches from images, as keras.ops.image.extract_patches (2-D): the output is
 * [batch, patchRows, patchCols, patchHeight * patchWidth * channels] (channels first:
 * [batch, features, patchRows, patchCols]), each patch's pixels in row-major order with their
 * channels innermost, as Keras's identity-kernel convolution gives them. Non-overlapping patches
 * (strides = size, no dilation) are a reshape and a transpose; other strides, dilation and
 * 'same' padding go through conv2d with that identity kernel.
 *
 * @example
 * const tokens = ops.extractPatches(images, 16);                  // [8, 224, 224, 3] -> [8, 14, 14, 768]
 * const windows = ops.extractPatches(image, [3, 3], { strides: 1 }); // [20, 20, 3] -> [18, 18, 27]
 */
export function extractPatches(images: Tensor, size: number | readonly number[], options: ExtractPatchesOptions = {}): Tensor {
  const op = 'extractPatches';
  checkOptionNames(op, options, PATCH_OPTIONS);
  checkImages(op, images);
  if (Array.isArray(size) && size.length === 3) throw new Error(`${op}: 3-D patches (a size of length 3, keras.ops.image.extract_patches_3d's case) are not supported; pass [height, width].`);
  const [patchHeight, patchWidth] = positivePair(op, 'size', size);
  const strides = positivePair(op, 'strides', options.strides ?? [patchHeight, patchWidth]);
  const dilation = positivePair(op, 'dilationRate', options.dilationRate ?? 1);
  const { padding = 'valid' } = options;
  if (padding !== 'valid' && padding !== 'same') throw new Error(`${op}: Invalid value for argument \`padding\`. Expected 'valid' or 'same'. Received: padding=${JSON.stringify(padding)}`);
  const dataFormat = checkDataFormat(options.dataFormat ?? imageDataFormat());
  const [height, width] = dataFormat === 'channels_last' ? images.shape.slice(-3, -1) : images.shape.slice(-2);
  const spanHeight = (patchHeight - 1) * dilation[0] + 1;
  const spanWidth = (patchWidth - 1) * dilation[1] + 1;
  if (padding === 'valid' && (spanHeight > height || spanWidth > width)) {
    throw new Error(`${op}: patches spanning ${spanHeight}x${spanWidth} pixels do not fit in images of ${height}x${width} with padding 'valid' (images.shape=${formatShape(images.shape)}).`);
  }
  const tiles = strides[0] === patchHeight && strides[1] === patchWidth && dilation[0] === 1 && dilation[1] === 1 && (padding === 'valid' || (height % patchHeight === 0 && width % patchWidth === 0));
  return asChannelsLastBatch(images, dataFormat, (batch) => (tiles ? tilePatches(batch, patchHeight, patchWidth) : convolvePatches(batch, patchHeight, patchWidth, strides, dilation, padding)));
}

/** Non-overlapping patches: the whole tiles, regrouped as [b, rows, cols, ph * pw * c]. */
function tilePatches(batch: Tensor, patchHeight: number, patchWidth: number): Tensor {
  const [b, height, width, channels] = batch.shape;
  const rows = Math.floor(height / patchHeight);
  const cols = Math.floor(width / patchWidth);
  const whole = rows * patchHeight === height && cols * patchWidth === width ? batch : slice(batch, [0, 0, 0, 0], [b, rows * patchHeight, cols * patchWidth, channels]);
  const grouped = transpose(reshape(whole, [b, rows, patchHeight, cols, patchWidth, channels]), [0, 1, 3, 2, 4, 5]);
  return reshape(grouped, [b, rows, cols, patchHeight * patchWidth * channels]);
}

/** Any patches: conv2d with the identity kernel [ph, pw, c, ph * pw * c], as Keras computes them. */
function convolvePatches(batch: Tensor, patchHeight: number, patchWidth: number, strides: [number, number], dilationRate: [number, number], padding: Padding): Tensor {
  const features = patchHeight * patchWidth * batch.shape[3];
  const kernel = reshape(eye(features), [patchHeight, patchWidth, batch.shape[3], features]);
  return conv2d(batch, kernel, { strides, dilationRate, padding });
}

/** Checks rank and dtype for padImages / cropImages (any dtype: pixels are only moved). */
function checkRegionImages(op: string, images: Tensor): void {
  checkTensor(op, images);
  if (images.rank !== 3 && images.rank !== 4) {
    throw new Error(`${op}: Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). Received: images.shape=${formatShape(images.shape)}`);
  }
}

/**
 * The unknown one of (before, after, target) given the other two (Keras's rule: exactly one of
 * them null), each checked non-negative. `grow` is +1 for padding (target = size + before + after)
 * and -1 for cropping (target = size - before - after).
 */
function resolveSides(op: string, names: [string, string, string], values: [number | null | undefined, number | null | undefined, number | null | undefined], size: number, grow: 1 | -1): [number, number, number] {
  const given = values.map((v) => (v === undefined ? null : v));
  if (given.filter((v) => v === null).length !== 1) {
    throw new Error(`${op}: Must specify exactly two of ${names.join(', ')}. Received: ${names.map((n, i) => `${n}=${String(given[i])}`).join(', ')}`);
  }
  given.forEach((v, i) => {
    if (v !== null && (!Number.isInteger(v) || v < 0)) throw new Error(`${op}: ${names[i]} must be a non-negative integer. Received: ${names[i]}=${String(v)}`);
  });
  let [before, after, target] = given;
  if (target === null) target = size + grow * (before! + after!);
  else if (before === null) before = grow * (target - size) - after!;
  else after = grow * (target - size) - before;
  const resolved: [number, number, number] = [before!, after!, target];
  resolved.forEach((v, i) => {
    if (v < 0) throw new Error(`${op}: ${names[i]} must be >= 0 for images of size ${size} along that axis. Received: ${names.map((n, k) => `${n}=${String(given[k])}`).join(', ')} (so ${names[i]}=${v})`);
  });
  return resolved;
}

/** [heightAxis, widthAxis] of rank-3 or rank-4 images in `dataFormat`. */
function spatialAxes(images: Tensor, dataFormat: ImageDataFormat): [number, number] {
  const base = images.rank === 4 ? 1 : 0;
  return dataFormat === 'channels_last' ? [base, base + 1] : [base + 1, base + 2];
}

/**
 * Pads images with zeros, as keras.ops.image.pad_images: give two of `topPadding`,
 * `bottomPadding`, `targetHeight` and two of `leftPadding`, `rightPadding`, `targetWidth`.
 *
 * @example
 * ops.padImages(image, { topPadding: 2, leftPadding: 3, targetHeight: 20, targetWidth: 30 });   // [15, 25, 3] -> [20, 30, 3]
 */
export function padImages(images: Tensor, options: PadImagesOptions = {}): Tensor {
  const op = 'padImages';
  checkOptionNames(op, options, PAD_OPTIONS);
  checkRegionImages(op, images);
  const [rowAxis, colAxis] = spatialAxes(images, checkDataFormat(options.dataFormat ?? imageDataFormat()));
  const [top, bottom] = resolveSides(op, ['topPadding', 'bottomPadding', 'targetHeight'], [options.topPadding, options.bottomPadding, options.targetHeight], images.shape[rowAxis], 1);
  const [left, right] = resolveSides(op, ['leftPadding', 'rightPadding', 'targetWidth'], [options.leftPadding, options.rightPadding, options.targetWidth], images.shape[colAxis], 1);
  const widths = images.shape.map((_, axis): [number, number] => (axis === rowAxis ? [top, bottom] : axis === colAxis ? [left, right] : [0, 0]));
  return pad(images, widths);
}

/**
 * Crops images, as keras.ops.image.crop_images: give two of `topCropping`, `bottomCropping`,
 * `targetHeight` and two of `leftCropping`, `rightCropping`, `targetWidth`.
 *
 * @example
 * ops.cropImages(images, { topCropping: 0, leftCropping: 0, targetHeight: 2, targetWidth: 2 });   // [3, 3, 3] -> [2, 2, 3]
 */
export function cropImages(images: Tensor, options: CropImagesOptions = {}): Tensor {
  const op = 'cropImages';
  checkOptionNames(op, options, CROP_OPTIONS);
  checkRegionImages(op, images);
  const [rowAxis, colAxis] = spatialAxes(images, checkDataFormat(options.dataFormat ?? imageDataFormat()));
  const [top, , height] = resolveSides(op, ['topCropping', 'bottomCropping', 'targetHeight'], [options.topCropping, options.bottomCropping, options.targetHeight], images.shape[rowAxis], -1);
  const [left, , width] = resolveSides(op, ['leftCropping', 'rightCropping', 'targetWidth'], [options.leftCropping, options.rightCropping, options.targetWidth], images.shape[colAxis], -1);
  const begin = images.shape.map((_, axis) => (axis === rowAxis ? top : axis === colAxis ? left : 0));
  const extent = images.shape.map((d, axis) => (axis === rowAxis ? height : axis === colAxis ? width : d));
  return slice(images, begin, extent);
}
