// Geometric augmentation layers (keras/src/layers/preprocessing/image_preprocessing):
// RandomGaussianBlur, which blurs images with a separable Gaussian, RandomPerspective, which moves
// the image corners by a projective transform (ops.affineTransform), and RandomElasticTransform,
// which warps images along a smoothed random displacement field. They act in training and without
// a training flag (Keras's default), and return their input with `training: false` (predict,
// evaluate); images are channels last.
// Each layer splits its work as Keras's does: `getRandomTransformation` draws the parameters on
// the device, `transformImages` applies given parameters, so nothing is read back and a caller
// can replay a transform with parameters of its own. In Keras's dict, masks move with the images
// and RandomPerspective moves boxes too (`transformBoundingBoxes`).

import { abs, add, cast, clip, div, exp, floor, greaterEqual, less, lessEqual, logicalAnd, maximum, minimum, mod, mul, neg, square, sub, where } from '../ops/elementwise';
import { ones, onesLike, range, zerosLike } from '../ops/creation';
import { depthwiseConv2d } from '../ops/depthwise_conv';
import { affineTransform, type ImageInterpolation } from '../ops/image';
import { inv, solve } from '../ops/linalg_solve';
import { matmul } from '../ops/matmul';
import { max, min, sum } from '../ops/reduce';
import { broadcastTo, concat, expandDims, gather, reshape, split, squeeze, stack } from '../ops/shape';
import { formatShape } from '../backend/types';
import { tensor } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { fromZero } from './color_augmentation';
import { asImages, checkChoice, checkFinite, checkValueRange, copyFactor, INTERPOLATIONS, invalid, RandomImageLayer, type FactorRange, type ImageBatch, type RandomLayerArgs } from './image_preprocessing';
import type { BoundingBoxes } from '../utils/bounding_boxes';

/** The fill modes of RandomElasticTransform: those of ops.affineTransform and 'mirror' (c b | a b c | b a). */
export type ElasticFillMode = 'reflect' | 'mirror' | 'wrap' | 'constant' | 'nearest';
const ELASTIC_FILL_MODES: readonly ElasticFillMode[] = ['reflect', 'mirror', 'wrap', 'constant', 'nearest'];

/**
 * [lower, upper] of Keras's sigma and scale ranges (`_set_factor_by_name`): one number f in
 * [0, 1] means [0, f]; a pair is accepted unless its first value is above 1 or its second below
 * 0, and is sorted.
 */
function kerasRange(name: string, value: unknown): [number, number] {
  const error = () => invalid(name, 'a number in [0, 1] or a list of two numbers [lower, upper] with lower <= 1 and upper >= 0', value);
  if (typeof value === 'number') {
    if (!(value >= 0 && value <= 1)) throw error();
    return [0, value];
  }
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) throw error();
  if (value[0] > 1 || value[1] < 0) throw error();
  return value[0] <= value[1] ? [value[0], value[1]] : [value[1], value[0]];
}

/** Throws unless `images` is a float32 batch [batch, height, width, channels]. */
function checkBatch(layer: RandomImageLayer, images: Tensor): void {
  if (images.rank !== 4 || images.dtype !== 'float32') {
    throw new Error(`${layer.constructor.name} '${layer.name}': transformImages expects a float32 batch of images [batch, height, width, channels]. Received: ${images.dtype} images of shape ${formatShape(images.shape)}`);
  }
}

/** Throws unless `t` has `shape` (the parameter `name` of a transformation). */
function checkParameter(layer: RandomImageLayer, name: string, t: Tensor, shapes: number[][]): void {
  if (!shapes.some((shape) => shape.length === t.rank && shape.every((d, i) => d === t.shape[i]))) {
    throw new Error(`${layer.constructor.name} '${layer.name}': transformation.${name} must have shape ${shapes.map(formatShape).join(' or ')}. Received: shape ${formatShape(t.shape)}`);
  }
}

/**
 * The normalized 1-D Gaussian `exp(-x^2 / (2 sigma^2))` at the `count` integer offsets centered on
 * 0, as a [count] tensor; taps farther than `halfWidth` (a tensor, when given) from the center
 * are 0, so that one tensor shape serves kernels of any width up to `count`.
 */
function gaussianTaps(count: number, sigma: Tensor, halfWidth?: Tensor): Tensor {
  const offsets = range(-(count - 1) / 2, (count + 1) / 2);
  const weights = exp(mul(square(div(offsets, sigma)), -0.5));
  const kept = halfWidth === undefined ? weights : where(lessEqual(abs(offsets), halfWidth), weights, 0);
  return div(kept, sum(kept));
}

/**
 * Convolves every channel with the outer product of `heightTaps` and `widthTaps` (as two passes),
 * zero-padded to keep the image size (Keras's gaussian_blur).
 */
function separableBlur(images: Tensor, heightTaps: Tensor, widthTaps: Tensor): Tensor {
  const channels = images.shape[3];
  const rows = broadcastTo(reshape(heightTaps, [heightTaps.size, 1, 1, 1]), [heightTaps.size, 1, channels, 1]);
  const columns = broadcastTo(reshape(widthTaps, [1, widthTaps.size, 1, 1]), [1, widthTaps.size, channels, 1]);
  return depthwiseConv2d(depthwiseConv2d(images, rows, { padding: 'same' }), columns, { padding: 'same' });
}

/** A [batch] boolean as [batch, 1, 1, 1], to choose between whole images. */
const perImage = (flags: Tensor): Tensor => reshape(flags, [flags.size, 1, 1, 1]);

export interface RandomGaussianBlurArgs extends RandomLayerArgs {
  /**
   * The range of each image's blurring probability: [lower, upper], or f for [0, f]; each in
   * [0, 1] (default 1, so that half of the images are blurred).
   */
  factor?: FactorRange;
  /**
   * The kernel's size: an odd number, or [widthSize, heightSize] of two odd numbers (Keras's
   * order: the first along the width). Default 3.
   */
  kernelSize?: number | readonly [number, number];
  /**
   * The range the Gaussians' standard deviations are drawn from (one along the width and one
   * along the height, shared by the batch): f in [0, 1] for [0, f], or [lower, upper] (Keras's
   * rule: lower <= 1, upper >= 0). Default 1.
   */
  sigma?: FactorRange;
  /** The range of the pixel values, [low, high] (default [0, 255]); outputs are clipped to it. */
  valueRange?: readonly [number, number];
  /** Makes the sequence of draws reproducible. */
  seed?: number;
}

/** The parameters of one RandomGaussianBlur call. */
export interface GaussianBlurTransformation {
  /** [batch] boolean (int32 0 or 1): which images are blurred. */
  shouldApplyBlur: Tensor;
  /** [2]: the standard deviations along the width and along the height. */
  blurFactor: Tensor;
}

/**
 * Blurs each image with a probability drawn per image in the factor range, in training: each
 * channel is convolved with a zero-padded Gaussian kernel of `kernelSize`, whose standard
 * deviations along the width and the height are drawn in the sigma range (plus 1e-6) once per
 * batch. All images, blurred or not, are then clipped to the value range, as Keras does.
 *
 * @example
 * new RandomGaussianBlur({ factor: [1, 1], kernelSize: 5, sigma: 0.8, valueRange: [0, 1] }).apply(images, { training: true });
 */
export class RandomGaussianBlur extends RandomImageLayer {
  readonly factor: FactorRange;
  readonly kernelSize: number | [number, number];
  readonly sigma: FactorRange;
  readonly valueRange: [number, number];
  private readonly range: [number, number];
  private readonly sigmaRange: [number, number];
  /** The kernel's [height, width]. */
  private readonly kernelShape: [number, number];

  constructor(args: RandomGaussianBlurArgs = {}) {
    super(args);
    this.factor = copyFactor(args.factor ?? 1);
    this.range = fromZero('factor', this.factor);
    const kernelSize = args.kernelSize ?? 3;
    const odd = (v: unknown) => Number.isInteger(v) && (v as number) > 0 && (v as number) % 2 === 1;
    if (!(odd(kernelSize) || (Array.isArray(kernelSize) && kernelSize.length === 2 && kernelSize.every(odd)))) {
      throw invalid('kernelSize', 'an odd positive integer or a list of two of them [widthSize, heightSize]', kernelSize);
    }
    this.kernelSize = typeof kernelSize === 'number' ? kernelSize : [kernelSize[0], kernelSize[1]];
    this.kernelShape = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : [kernelSize[1], kernelSize[0]];
    this.sigma = copyFactor(args.sigma ?? 1);
    this.sigmaRange = kerasRange('sigma', this.sigma);
    this.valueRange = checkValueRange(args.valueRange ?? [0, 255]);
  }

  override getConfig(): Record<string, unknown> {
    const kernelSize = typeof this.kernelSize === 'number' ? this.kernelSize : [...this.kernelSize];
    return { ...super.getConfig(), factor: copyFactor(this.factor), kernelSize, sigma: copyFactor(this.sigma), valueRange: [...this.valueRange] };
  }

  /** Draws the parameters for a batch of images [batch, height, width, channels], as Keras's get_random_transformation. */
  getRandomTransformation(images: Tensor): GaussianBlurTransformation {
    const batch = images.shape[0];
    return tidy(() => {
      const probability = this.uniform([batch], this.range[0], this.range[1]);
      const shouldApplyBlur = less(this.uniform([batch], 0, 1), probability);
      const blurFactor = add(this.uniform([2], this.sigmaRange[0], this.sigmaRange[1]), 1e-6);
      return { shouldApplyBlur, blurFactor };
    });
  }

  /** Blurs the chosen images of a float32 batch with the given deviations, then clips all to the value range. */
  transformImages(images: Tensor, transformation: GaussianBlurTransformation): Tensor {
    checkBatch(this, images);
    checkParameter(this, 'shouldApplyBlur', transformation.shouldApplyBlur, [[images.shape[0]]]);
    checkParameter(this, 'blurFactor', transformation.blurFactor, [[2]]);
    return tidy(() => {
      const [sigmaX, sigmaY] = split(transformation.blurFactor, 2);
      const blurred = separableBlur(images, gaussianTaps(this.kernelShape[0], sigmaY), gaussianTaps(this.kernelShape[1], sigmaX));
      return clip(where(perImage(transformation.shouldApplyBlur), blurred, images), this.valueRange[0], this.valueRange[1]);
    });
  }

  protected override augment(images: Tensor): Tensor {
    return this.transformImages(images, this.getRandomTransformation(images));
  }
}

export interface RandomPerspectiveArgs extends RandomLayerArgs {
  /**
   * The range of each image's transform probability: [lower, upper], or f for [0, f]; each in
   * [0, 1] (default 1, so that half of the images are transformed).
   */
  factor?: FactorRange;
  /**
   * How far the corners move, in [0, 1] (default 1): each corner coordinate v becomes
   * `v * (1 + u)`, u uniform in [-scale / 2, scale / 2).
   */
  scale?: number;
  /** 'bilinear' (default) or 'nearest'. */
  interpolation?: ImageInterpolation;
  /** The value of points outside the image (default 0). */
  fillValue?: number;
  /** Makes the sequence of draws reproducible. */
  seed?: number;
}

/** The parameters of one RandomPerspective call. */
export interface PerspectiveTransformation {
  /** [batch] boolean (int32 0 or 1): which images are transformed. */
  applyPerspective: Tensor;
  /** [batch, 4, 2]: the (x, y) corners of the source image, top-left, top-right, bottom-left, bottom-right. */
  startPoints: Tensor;
  /** [batch, 4, 2]: where the corners go in the output. */
  endPoints: Tensor;
}

/**
 * Applies a random perspective transform to each image with a probability drawn per image in the
 * factor range, in training: the corners (x, y) of the image (pixel centers, (0, 0) to (width - 1,
 * height - 1)) move to `(x (1 + u), y (1 + v))` with u, v uniform in [-scale / 2, scale / 2), so
 * the top-left corner stays; the image is resampled by the projective transform taking the moved
 * corners back to the original ones, filled with `fillValue` outside. As Keras's.
 *
 * @example
 * new RandomPerspective({ factor: [0.5, 0.5], scale: 0.3 }).apply(images, { training: true });
 */
export class RandomPerspective extends RandomImageLayer {
  readonly factor: FactorRange;
  readonly scale: number;
  readonly interpolation: ImageInterpolation;
  readonly fillValue: number;
  private readonly range: [number, number];

  constructor(args: RandomPerspectiveArgs = {}) {
    super(args);
    this.factor = copyFactor(args.factor ?? 1);
    this.range = fromZero('factor', this.factor);
    const scale = args.scale ?? 1;
    if (typeof scale !== 'number' || !(scale >= 0 && scale <= 1)) throw invalid('scale', 'a number in [0, 1]', scale);
    this.scale = scale;
    this.interpolation = checkChoice('interpolation', args.interpolation ?? 'bilinear', INTERPOLATIONS);
    this.fillValue = checkFinite('fillValue', args.fillValue ?? 0);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: copyFactor(this.factor), scale: this.scale, interpolation: this.interpolation, fillValue: this.fillValue };
  }

  /** Draws the corners' moves for a batch of images [batch, height, width, channels], as Keras's get_random_transformation. */
  getRandomTransformation(images: Tensor): PerspectiveTransformation {
    const [batch, height, width] = images.shape;
    if (height < 2 || width < 2) {
      throw new Error(`RandomPerspective '${this.name}': images must be at least 2 x 2 pixels, so that their corners are distinct. Received: images of shape ${formatShape(images.shape)}`);
    }
    return tidy(() => {
      const probability = this.uniform([batch], this.range[0], this.range[1]);
      const applyPerspective = less(this.uniform([batch], 0, 1), probability);
      const moves = this.uniform([batch, 4, 2], -0.5 * this.scale, 0.5 * this.scale);
      const corners = tensor([0, 0, width - 1, 0, 0, height - 1, width - 1, height - 1], [1, 4, 2]);
      const startPoints = broadcastTo(corners, [batch, 4, 2]);
      const endPoints = where(reshape(applyPerspective, [batch, 1, 1]), add(startPoints, mul(startPoints, moves)), startPoints);
      return { applyPerspective, startPoints, endPoints };
    });
  }

  /** Resamples the chosen images of a float32 batch by the transforms taking the end points to the start points. */
  transformImages(images: Tensor, transformation: PerspectiveTransformation): Tensor {
    return this.warp(images, transformation, this.interpolation);
  }

  protected override augment(images: Tensor): Tensor {
    return this.transformImages(images, this.getRandomTransformation(images));
  }

  /**
   * Boxes [batch, num, 4] in the layer's format on images of `imageShape` ([height, width]) moved
   * as Keras's transform_bounding_boxes: each corner taken through the inverse of the transform
   * (the map from the moved corners to the original ones), the box the extent of its four moved
   * corners, clipped to the image.
   */
  transformBoundingBoxes(boundingBoxes: Required<BoundingBoxes>, transformation: PerspectiveTransformation, imageShape: [number, number]): Required<BoundingBoxes> {
    return this.moveBoxes(boundingBoxes, imageShape, imageShape, (boxes) => {
      const [batch, count] = boxes.shape;
      const toInput = reshape(concat([homography(transformation.startPoints, transformation.endPoints), ones([batch, 1])], 1), [batch, 3, 3]);
      const [x0, y0, x1, y1] = split(boxes, 4, -1);
      // [batch, count, 4 corners, 3]: (x, y, 1) of the corners (x0, y0), (x1, y1), (x0, y1), (x1, y0).
      const one = onesLike(x0);
      const corners = stack([concat([x0, y0, one], -1), concat([x1, y1, one], -1), concat([x0, y1, one], -1), concat([x1, y0, one], -1)], 2);
      const moved = matmul(reshape(corners, [batch, count * 4, 3]), inv(toInput), { transposeB: true });
      const [x, y, w] = split(reshape(moved, [batch, count, 4, 3]), 3, -1).map((t) => squeeze(t, -1));
      const [xs, ys] = [div(x, w), div(y, w)];
      const extent = stack([min(xs, -1), min(ys, -1), max(xs, -1), max(ys, -1)], -1);
      return where(reshape(transformation.applyPerspective, [batch, 1, 1]), extent, boxes);
    });
  }

  /** Boxes and segmentation masks moved with the images (masks with 'nearest', as Keras's). */
  protected override transformBatch({ images, boundingBoxes, segmentationMasks }: ImageBatch): ImageBatch {
    const transformation = this.getRandomTransformation(images);
    return {
      images: this.transformImages(images, transformation),
      boundingBoxes: boundingBoxes && this.transformBoundingBoxes(boundingBoxes, transformation, [images.shape[1], images.shape[2]]),
      segmentationMasks: segmentationMasks && asImages(segmentationMasks, (masks) => this.warp(masks, transformation, 'nearest')),
    };
  }

  private warp(images: Tensor, transformation: PerspectiveTransformation, interpolation: ImageInterpolation): Tensor {
    checkBatch(this, images);
    const batch = images.shape[0];
    checkParameter(this, 'applyPerspective', transformation.applyPerspective, [[batch]]);
    checkParameter(this, 'startPoints', transformation.startPoints, [[batch, 4, 2]]);
    checkParameter(this, 'endPoints', transformation.endPoints, [[batch, 4, 2]]);
    return tidy(() => {
      const rows = homography(transformation.startPoints, transformation.endPoints);
      const warped = affineTransform(images, rows, { interpolation, fillMode: 'constant', fillValue: this.fillValue, dataFormat: 'channels_last' });
      return where(perImage(transformation.applyPerspective), warped, images);
    });
  }
}

/**
 * The [batch, 8] projective transform rows (ops.affineTransform's) that take each end point to
 * its start point: the solution of the 8 x 8 system of the four point pairs (Keras's
 * compute_homography_matrix).
 */
function homography(startPoints: Tensor, endPoints: Tensor): Tensor {
  const batch = startPoints.shape[0];
  const start = split(reshape(startPoints, [batch, 8]), 8, 1);
  const end = split(reshape(endPoints, [batch, 8]), 8, 1);
  const zero = zerosLike(start[0]);
  const one = onesLike(start[0]);
  const equations: Tensor[] = [];
  for (let i = 0; i < 4; i++) {
    const [sx, sy, ex, ey] = [start[2 * i], start[2 * i + 1], end[2 * i], end[2 * i + 1]];
    equations.push(concat([ex, ey, one, zero, zero, zero, neg(mul(sx, ex)), neg(mul(sx, ey))], 1));
    equations.push(concat([zero, zero, zero, ex, ey, one, neg(mul(sy, ex)), neg(mul(sy, ey))], 1));
  }
  return solve(stack(equations, 1), reshape(startPoints, [batch, 8]));
}

export interface RandomElasticTransformArgs extends RandomLayerArgs {
  /**
   * The range of each image's transform probability: [lower, upper], or f for [0, f]; each in
   * [0, 1] (default 1, so that half of the images are transformed).
   */
  factor?: FactorRange;
  /**
   * The range the distortion's magnitude is drawn from, once per batch: f in [0, 1] for [0, f],
   * or [lower, upper] (Keras's rule: lower <= 1, upper >= 0). Default 1.
   */
  scale?: FactorRange;
  /** 'bilinear' (default) or 'nearest' (the nearer pixel, halves rounded up). */
  interpolation?: ImageInterpolation;
  /**
   * How points outside the image are filled: 'reflect' (default, d c b a | a b c d), 'mirror'
   * (d c b | a b c d), 'wrap', 'constant' (fillValue) or 'nearest'.
   */
  fillMode?: ElasticFillMode;
  /** The value of points outside the image when fillMode is 'constant' (default 0). */
  fillValue?: number;
  /** The range of the pixel values, [low, high] (default [0, 255]); outputs are clipped to it. */
  valueRange?: readonly [number, number];
  /** Makes the sequence of draws reproducible. */
  seed?: number;
}

/** The parameters of one RandomElasticTransform call. */
export interface ElasticTransformation {
  /** [batch] boolean (int32 0 or 1): which images are warped. */
  applyTransform: Tensor;
  /** [] or [1]: the distortion's magnitude d, within the layer's scale range. */
  distortionFactor: Tensor;
  /** [batch, height, width] standard normal draws: the horizontal displacements before smoothing. */
  noiseX: Tensor;
  /** [batch, height, width] standard normal draws: the vertical displacements before smoothing. */
  noiseY: Tensor;
}

/**
 * Warps each image along a smooth random displacement field with a probability drawn per image
 * in the factor range, in training (Keras's elastic transform): with the magnitude d drawn in the
 * scale range once per batch, `sigma = 0.05 d min(height, width)` and `alpha = 0.1 d max(height,
 * width)`, the output pixel (x, y) samples the image at `(x + alpha * gx, y + alpha * gy)`, where
 * gx and gy are standard normal fields times sigma blurred by a zero-padded Gaussian of deviation
 * sigma and size `floor(6 sigma) | 1`. All images, warped or not, are then clipped to the value
 * range. A factor or scale whose upper bound is 0 leaves images unchanged.
 *
 * @example
 * new RandomElasticTransform({ factor: [1, 1], scale: 0.5, valueRange: [0, 1] }).apply(images, { training: true });
 */
export class RandomElasticTransform extends RandomImageLayer {
  readonly factor: FactorRange;
  readonly scale: FactorRange;
  readonly interpolation: ImageInterpolation;
  readonly fillMode: ElasticFillMode;
  readonly fillValue: number;
  readonly valueRange: [number, number];
  private readonly range: [number, number];
  private readonly scaleRange: [number, number];

  constructor(args: RandomElasticTransformArgs = {}) {
    super(args);
    this.factor = copyFactor(args.factor ?? 1);
    this.range = fromZero('factor', this.factor);
    this.scale = copyFactor(args.scale ?? 1);
    this.scaleRange = kerasRange('scale', this.scale);
    this.interpolation = checkChoice('interpolation', args.interpolation ?? 'bilinear', INTERPOLATIONS);
    this.fillMode = checkChoice('fillMode', args.fillMode ?? 'reflect', ELASTIC_FILL_MODES);
    this.fillValue = checkFinite('fillValue', args.fillValue ?? 0);
    this.valueRange = checkValueRange(args.valueRange ?? [0, 255]);
  }

  override getConfig(): Record<string, unknown> {
    const { interpolation, fillMode, fillValue } = this;
    return { ...super.getConfig(), factor: copyFactor(this.factor), scale: copyFactor(this.scale), interpolation, fillMode, fillValue, valueRange: [...this.valueRange] };
  }

  /**
   * Draws the parameters for a batch of images [batch, height, width, channels], as Keras's
   * get_random_transformation and the noise of its elastic_transform; null (no change) when the
   * factor's or the scale's upper bound is 0.
   */
  getRandomTransformation(images: Tensor): ElasticTransformation | null {
    if (this.scaleRange[1] === 0 || this.range[1] === 0) return null;
    const [batch, height, width] = images.shape;
    return tidy(() => {
      const probability = this.uniform([batch], this.range[0], this.range[1]);
      const applyTransform = less(this.uniform([batch], 0, 1), probability);
      const distortionFactor = this.uniform([1], this.scaleRange[0], this.scaleRange[1]);
      return { applyTransform, distortionFactor, noiseX: this.normal([batch, height, width]), noiseY: this.normal([batch, height, width]) };
    });
  }

  /** Warps the chosen images of a float32 batch by the given parameters, then clips all to the value range; null: the images. */
  transformImages(images: Tensor, transformation: ElasticTransformation | null): Tensor {
    return this.warp(images, transformation, this.interpolation);
  }

  protected override augment(images: Tensor): Tensor {
    return this.transformImages(images, this.getRandomTransformation(images));
  }

  /** Segmentation masks warped as the images, with 'nearest' (and clipped to the value range, as Keras's); boxes raise, as in Keras. */
  protected override transformBatch({ images, boundingBoxes, segmentationMasks }: ImageBatch): ImageBatch {
    if (boundingBoxes) throw this.unsupported('bounding_boxes', "Keras's RandomElasticTransform has no box transform either");
    const transformation = this.getRandomTransformation(images);
    return {
      images: this.transformImages(images, transformation),
      segmentationMasks: segmentationMasks && asImages(segmentationMasks, (masks) => this.warp(masks, transformation, 'nearest')),
    };
  }

  private warp(images: Tensor, transformation: ElasticTransformation | null, interpolation: ImageInterpolation): Tensor {
    checkBatch(this, images);
    if (transformation === null) return images;
    const [batch, height, width] = images.shape;
    checkParameter(this, 'applyTransform', transformation.applyTransform, [[batch]]);
    checkParameter(this, 'distortionFactor', transformation.distortionFactor, [[], [1]]);
    checkParameter(this, 'noiseX', transformation.noiseX, [[batch, height, width]]);
    checkParameter(this, 'noiseY', transformation.noiseY, [[batch, height, width]]);
    return tidy(() => {
      const magnitude = transformation.distortionFactor;
      const sigma = mul(mul(magnitude, 0.05), Math.min(height, width));
      const alpha = mul(mul(magnitude, 0.1), Math.max(height, width));
      // Keras's kernel has floor(6 sigma) | 1 taps; one of the widest size the scale range allows
      // (and no wider than the zero-padded image can use) serves them all, its outer taps zeroed.
      const widest = Math.floor(6 * 0.05 * Math.min(height, width) * Math.max(this.scaleRange[1], 0) * (1 + 1e-6)) | 1;
      const taps = gaussianTaps(Math.min(widest, 2 * Math.max(height, width) - 1), sigma, floor(div(floor(mul(sigma, 6)), 2)));
      const smoothed = (noise: Tensor) => mul(reshape(separableBlur(reshape(mul(noise, sigma), [batch, height, width, 1]), taps, taps), [batch, height, width]), alpha);
      const sourceX = add(reshape(range(0, width), [1, 1, width]), smoothed(transformation.noiseX));
      const sourceY = add(reshape(range(0, height), [1, height, 1]), smoothed(transformation.noiseY));
      const warped = resample(images, sourceY, sourceX, interpolation, this.fillMode, this.fillValue);
      return clip(where(perImage(transformation.applyTransform), warped, images), this.valueRange[0], this.valueRange[1]);
    });
  }
}

/**
 * The images [batch, height, width, channels] sampled at the points (sourceX, sourceY) (each
 * [batch, height, width], in pixels), by gathers: bilinear from the four pixels around a point,
 * or the nearest pixel (halves rounded up, as scipy's map_coordinates); pixels outside the image
 * follow `fillMode`.
 */
function resample(images: Tensor, sourceY: Tensor, sourceX: Tensor, interpolation: ImageInterpolation, fillMode: ElasticFillMode, fillValue: number): Tensor {
  const [batch, height, width, channels] = images.shape;
  const pixels = reshape(images, [batch * height * width, channels]);
  const imageStart = reshape(range(0, batch * height * width, height * width), [batch, 1, 1]);
  const pixel = (row: Tensor, column: Tensor): Tensor => {
    const [r, rowInside] = foldIndex(row, height, fillMode);
    const [c, columnInside] = foldIndex(column, width, fillMode);
    const values = gather(pixels, cast(add(imageStart, add(mul(r, width), c)), 'int32'), 0);
    return fillMode === 'constant' ? where(expandDims(logicalAnd(rowInside, columnInside), -1), values, fillValue) : values;
  };
  if (interpolation === 'nearest') return pixel(floor(add(sourceY, 0.5)), floor(add(sourceX, 0.5)));
  const top = floor(sourceY);
  const left = floor(sourceX);
  const down = expandDims(sub(sourceY, top), -1);
  const right = expandDims(sub(sourceX, left), -1);
  const bottom = add(top, 1);
  const rightColumn = add(left, 1);
  const upper = add(pixel(top, left), mul(right, sub(pixel(top, rightColumn), pixel(top, left))));
  const lower = add(pixel(bottom, left), mul(right, sub(pixel(bottom, rightColumn), pixel(bottom, left))));
  return add(upper, mul(down, sub(lower, upper)));
}

/**
 * Integer pixel indices (as float32) along an axis of `size` pixels mapped into [0, size) by the
 * fill mode, with whether each was inside (for 'constant', whose outside pixels are filled).
 */
function foldIndex(index: Tensor, size: number, fillMode: ElasticFillMode): [Tensor, Tensor] {
  const inside = logicalAnd(greaterEqual(index, 0), less(index, size));
  const clamped = minimum(maximum(index, 0), size - 1);
  switch (fillMode) {
    case 'constant':
    case 'nearest':
      return [clamped, inside];
    case 'wrap':
      return [mod(index, size), inside];
    case 'reflect': {
      const folded = mod(index, 2 * size);
      return [where(greaterEqual(folded, size), sub(2 * size - 1, folded), folded), inside];
    }
    case 'mirror': {
      if (size === 1) return [zerosLike(index), inside];
      const folded = mod(index, 2 * size - 2);
      return [where(greaterEqual(folded, size), sub(2 * size - 2, folded), folded), inside];
    }
  }
}
