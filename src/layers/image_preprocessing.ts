// Image preprocessing and augmentation layers (keras/src/layers/preprocessing/image_preprocessing):
// Resizing and CenterCrop, which act in training and inference alike, and the random
// augmentations RandomCrop, RandomFlip, RandomRotation, RandomZoom, RandomTranslation,
// RandomContrast and RandomBrightness, which act in training and when called without a training
// flag (Keras's `training=True` default), and return their input with `training: false` (as
// predict and evaluate pass). Images are channels last, [batch, height, width,
// channels] or one [height, width, channels] image. The random factors are drawn on the device by
// the random ops and turned into transforms by ops, so nothing is read back; without a seed each
// draw takes a fresh seed, which a replayed training step draws again (see src/ops/random.ts).
// The base RandomImageLayer and the option checks are shared with the augmentation layers of
// color_augmentation.ts, tone_augmentation.ts and spatial_augmentation.ts.

import { add, cast, clip, cos, floor, less, lessEqual, mul, neg, sin, sub, where } from '../ops/elementwise';
import { affineTransform, aspectRatioWindow, resize, RESIZE_INTERPOLATIONS, type FillMode, type ImageInterpolation, type ResizeInterpolation } from '../ops/image';
import { randomNormal, randomUniform } from '../ops/random';
import { flip } from '../ops/rearrange';
import { mean } from '../ops/reduce';
import { gather, reshape, slice, stack } from '../ops/shape';
import { arange, zeros } from '../ops/creation';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { Layer, type CallArgs, type LayerArgs } from './layer';
import { checkSeed, SeedSequence } from './layer_utils';
import { formatSymbolicShape, type Shape } from './symbolic';

export const INTERPOLATIONS: readonly ImageInterpolation[] = ['bilinear', 'nearest'];
export const FILL_MODES: readonly FillMode[] = ['reflect', 'wrap', 'constant', 'nearest'];
const FLIP_MODES = ['horizontal', 'vertical', 'horizontal_and_vertical'] as const;

/** A factor given as one number (a range symmetric about 0, or as the layer says) or as [lower, upper]. */
export type FactorRange = number | readonly [number, number];
export type FlipMode = (typeof FLIP_MODES)[number];

export function invalid(name: string, expected: string, value: unknown): Error {
  return new Error(`Invalid value for argument \`${name}\`. Expected ${expected}. Received: ${name}=${JSON.stringify(value)}`);
}

function checkSize(name: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) <= 0) throw invalid(name, 'a positive integer', value);
  return value as number;
}

export function checkChoice<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if (!choices.includes(value as T)) throw invalid(name, `one of ${choices.map((c) => `'${c}'`).join(', ')}`, value);
  return value as T;
}

export function checkFinite(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(name, 'a finite number', value);
  return value;
}

/**
 * [lower, upper] of a factor whose values must lie in [min, max]. One number f means [-|f|, |f|],
 * or [f, f] where the bounds are not negative (RandomContrast's factor, which Keras reads so),
 * unless `single` says otherwise.
 */
export function factorRange(name: string, factor: unknown, min: number, max: number, single?: (f: number) => [number, number]): [number, number] {
  const error = () => invalid(name, `a number or a list of two numbers [lower, upper], each in [${min}, ${max}]`, factor);
  const inBounds = (v: unknown) => typeof v === 'number' && v >= min && v <= max;
  if (typeof factor === 'number') {
    if (!inBounds(factor)) throw error();
    if (single) return single(factor);
    return min >= 0 ? [factor, factor] : [-Math.abs(factor), Math.abs(factor)];
  }
  if (!Array.isArray(factor) || factor.length !== 2 || !factor.every(inBounds)) throw error();
  return factor[0] <= factor[1] ? [factor[0], factor[1]] : [factor[1], factor[0]];
}

export function checkValueRange(value: unknown): [number, number] {
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw invalid('valueRange', 'a list of two numbers [low, high]', value);
  }
  return value[0] <= value[1] ? [value[0], value[1]] : [value[1], value[0]];
}

/** A config copy of a factor as given. */
export const copyFactor = (factor: FactorRange): FactorRange => (typeof factor === 'number' ? factor : [factor[0], factor[1]]);

/** Runs `fn` on the images as a float32 batch; a single image gains and loses the batch axis. */
function onBatch(inputs: Tensor, fn: (batch: Tensor) => Tensor): Tensor {
  return tidy(() => {
    const x = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
    if (x.rank === 4) return fn(x);
    const result = fn(reshape(x, [1, ...x.shape]));
    return reshape(result, result.shape.slice(1));
  });
}

/** Throws unless the images are rank 3 or 4 (channels last). */
export function checkImageShape(layer: Layer, shape: Shape): void {
  if (shape.length !== 3 && shape.length !== 4) {
    throw new Error(`${layer.constructor.name} '${layer.name}': expected images of rank 3 [height, width, channels] or 4 [batch, height, width, channels] (channels last). Received: input_shape=${formatSymbolicShape(shape)}`);
  }
}

/** The input shape with height and width replaced. */
function withSpatialSize(shape: Shape, height: number, width: number): Shape {
  const out = [...shape];
  out[out.length - 3] = height;
  out[out.length - 2] = width;
  return out;
}

export interface ResizingArgs extends LayerArgs {
  /** Output height. */
  height: number;
  /** Output width. */
  width: number;
  /** 'bilinear' (default), 'nearest', 'bicubic', 'lanczos3', 'lanczos5' or 'area', as ops.resize. */
  interpolation?: ResizeInterpolation;
  /** Low-pass filters while downsampling ('bilinear', 'bicubic', Lanczos; default false), as ops.resize. */
  antialias?: boolean;
  /** Crops the largest centered window with the target aspect ratio first (default false). */
  cropToAspectRatio?: boolean;
  /** Pads to the target aspect ratio first, centered, with `fillValue` (default false). */
  padToAspectRatio?: boolean;
  /** How the padding is filled: 'constant' only, as Keras's Resizing. */
  fillMode?: 'constant';
  /** The padding's value (default 0). */
  fillValue?: number;
}

/**
 * Resizes images to `[height, width]` with ops.resize (its interpolations and antialias), in
 * training and inference, after cropping or padding them to the target aspect ratio when asked.
 * Integer images become float32.
 *
 * @example
 * const model = new Sequential([new Resizing({ height: 32, width: 32, inputShape: [64, 48, 3] }), ...]);
 * new Resizing({ height: 224, width: 224, cropToAspectRatio: true }).apply(photos);
 * new Resizing({ height: 64, width: 64, interpolation: 'bicubic', antialias: true }).apply(photos);
 */
export class Resizing extends Layer {
  readonly height: number;
  readonly width: number;
  readonly interpolation: ResizeInterpolation;
  readonly antialias: boolean;
  readonly cropToAspectRatio: boolean;
  readonly padToAspectRatio: boolean;
  readonly fillMode: 'constant';
  readonly fillValue: number;

  constructor(args: ResizingArgs) {
    super(args);
    this.height = checkSize('height', args?.height);
    this.width = checkSize('width', args.width);
    this.interpolation = checkChoice('interpolation', args.interpolation ?? 'bilinear', RESIZE_INTERPOLATIONS);
    this.antialias = args.antialias ?? false;
    if (typeof this.antialias !== 'boolean') throw invalid('antialias', 'a boolean', args.antialias);
    this.cropToAspectRatio = args.cropToAspectRatio ?? false;
    this.padToAspectRatio = args.padToAspectRatio ?? false;
    if (this.cropToAspectRatio && this.padToAspectRatio) throw new Error('Resizing: Only one of `padToAspectRatio` & `cropToAspectRatio` can be `true`.');
    this.fillMode = checkChoice('fillMode', args.fillMode ?? 'constant', ['constant'] as const);
    this.fillValue = args.fillValue ?? 0;
    if (typeof this.fillValue !== 'number' || !Number.isFinite(this.fillValue)) throw invalid('fillValue', 'a finite number', args.fillValue);
  }

  override call(inputs: Tensor): Tensor {
    checkImageShape(this, inputs.shape as Shape);
    const { interpolation, antialias, cropToAspectRatio, padToAspectRatio, fillMode, fillValue } = this;
    return onBatch(inputs, (x) => resize(x, [this.height, this.width], { interpolation, antialias, cropToAspectRatio, padToAspectRatio, fillMode, fillValue }));
  }

  override computeOutputShape(inputShape: Shape): Shape {
    checkImageShape(this, inputShape);
    return withSpatialSize(inputShape, this.height, this.width);
  }

  override getConfig(): Record<string, unknown> {
    const { height, width, interpolation, antialias, cropToAspectRatio, padToAspectRatio, fillMode, fillValue } = this;
    return { ...super.getConfig(), height, width, interpolation, antialias, cropToAspectRatio, padToAspectRatio, fillMode, fillValue };
  }
}

export interface CenterCropArgs extends LayerArgs {
  /** Output height. */
  height: number;
  /** Output width. */
  width: number;
}

/**
 * Crops the central `[height, width]` window of each image, in training and inference. An image
 * smaller than the window along either axis is instead resized to it (bilinear, after cropping
 * to the target aspect ratio), as Keras does.
 *
 * @example
 * new CenterCrop({ height: 24, width: 24 }).apply(images);   // [batch, 32, 32, 3] -> [batch, 24, 24, 3]
 */
export class CenterCrop extends Layer {
  readonly height: number;
  readonly width: number;

  constructor(args: CenterCropArgs) {
    super(args);
    this.height = checkSize('height', args?.height);
    this.width = checkSize('width', args.width);
  }

  override call(inputs: Tensor): Tensor {
    checkImageShape(this, inputs.shape as Shape);
    return onBatch(inputs, (x) => {
      const [batch, height, width, channels] = x.shape;
      if (height < this.height || width < this.width) return resize(x, [this.height, this.width], { cropToAspectRatio: true });
      const top = Math.trunc((height - this.height) / 2);
      const left = Math.trunc((width - this.width) / 2);
      return slice(x, [0, top, left, 0], [batch, this.height, this.width, channels]);
    });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    checkImageShape(this, inputShape);
    return withSpatialSize(inputShape, this.height, this.width);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height: this.height, width: this.width };
  }
}

export interface RandomLayerArgs extends LayerArgs {
  seed?: number;
}

/**
 * What the random augmentation layers share: the identity with `training: false`, channels-last images
 * of rank 3 or 4 made a float32 batch, and the seeds of the random draws.
 */
export abstract class RandomImageLayer extends Layer {
  /** As Keras's `call(data, training=True)`: applied directly, the layer augments. */
  protected override readonly trainingDefault = true;
  readonly seed: number | undefined;
  private readonly seeds: SeedSequence;

  protected constructor(args: RandomLayerArgs) {
    super(args);
    this.seed = checkSeed(args?.seed);
    this.seeds = new SeedSequence(this.seed);
  }

  /** The augmentation of a float32 batch [batch, height, width, channels]. */
  protected abstract augment(images: Tensor): Tensor;

  override call(inputs: Tensor, { training = false }: CallArgs = {}): Tensor {
    checkImageShape(this, inputs.shape as Shape);
    if (!training) return inputs;
    return onBatch(inputs, (x) => this.augment(x));
  }

  override computeOutputShape(inputShape: Shape): Shape {
    checkImageShape(this, inputShape);
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), seed: this.seed };
  }

  /** Uniform values in [low, high) of `shape`, seeded as Dropout's masks are. */
  protected uniform(shape: number[], low: number, high: number): Tensor {
    return randomUniform(shape, { minval: low, maxval: high, seed: this.seeds.next() });
  }

  /** Standard normal values of `shape`, seeded as `uniform`. */
  protected normal(shape: number[]): Tensor {
    return randomNormal(shape, { seed: this.seeds.next() });
  }

  /** One value per image in [low, high), shaped [batch, 1, 1, 1] to broadcast over its pixels. */
  protected perImage(images: Tensor, [low, high]: readonly [number, number]): Tensor {
    return this.uniform([images.shape[0], 1, 1, 1], low, high);
  }

  /** A [batch, 1, 1, 1] boolean: true with probability `probability` per image. */
  protected chance(images: Tensor, probability: Tensor | number): Tensor {
    return less(this.perImage(images, [0, 1]), probability);
  }
}

/**
 * A random image layer with Keras's `factor` (what its draws come from) and `valueRange` (the
 * pixels' [low, high], default [0, 255]), both kept in its config.
 */
export abstract class FactorImageLayer extends RandomImageLayer {
  readonly factor: FactorRange;
  readonly valueRange: [number, number];
  /** The range the layer's factors are drawn from. */
  protected readonly range: [number, number];

  /** `toRange` checks the factor and gives its range; `defaultFactor` stands for a factor left out. */
  protected constructor(
    args: RandomLayerArgs & { factor?: FactorRange; valueRange?: readonly [number, number] },
    toRange: (factor: FactorRange | undefined) => [number, number],
    defaultFactor?: FactorRange,
  ) {
    super(args);
    const factor = args?.factor ?? defaultFactor;
    this.range = toRange(factor);
    this.factor = copyFactor(factor!);
    this.valueRange = checkValueRange(args.valueRange ?? [0, 255]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: copyFactor(this.factor), valueRange: [...this.valueRange] };
  }
}

export interface RandomCropArgs extends RandomLayerArgs {
  /** Output height. */
  height: number;
  /** Output width. */
  width: number;
  /** Makes the sequence of crops reproducible. */
  seed?: number;
}

/**
 * Crops a random `[height, width]` window in training, at one position for the whole batch (as
 * Keras). In inference, and in training when an image is not larger than the window along both
 * axes, it takes the largest centered window with the target aspect ratio and resizes it
 * (bilinear) to `[height, width]`, so the output shape is the same in both modes.
 *
 * @example
 * new RandomCrop({ height: 28, width: 28, seed: 1 }).apply(images, { training: true });
 */
export class RandomCrop extends RandomImageLayer {
  readonly height: number;
  readonly width: number;

  constructor(args: RandomCropArgs) {
    super(args);
    this.height = checkSize('height', args?.height);
    this.width = checkSize('width', args.width);
  }

  override call(inputs: Tensor, { training = false }: CallArgs = {}): Tensor {
    checkImageShape(this, inputs.shape as Shape);
    return onBatch(inputs, (x) => (training ? this.augment(x) : this.centerResize(x)));
  }

  override computeOutputShape(inputShape: Shape): Shape {
    checkImageShape(this, inputShape);
    return withSpatialSize(inputShape, this.height, this.width);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height: this.height, width: this.width };
  }

  protected override augment(images: Tensor): Tensor {
    const [, height, width] = images.shape;
    if (!(height > this.height && width > this.width)) return this.centerResize(images);
    const rows = add(arange(0, this.height, 1, 'int32'), this.uniformInt(height - this.height + 1));
    const columns = add(arange(0, this.width, 1, 'int32'), this.uniformInt(width - this.width + 1));
    return gather(gather(images, rows, 1), columns, 2);
  }

  /** One random integer in [0, count), as a [1] int32 tensor. */
  private uniformInt(count: number): Tensor {
    return cast(floor(mul(this.uniform([1], 0, 1), count)), 'int32');
  }

  private centerResize(images: Tensor): Tensor {
    const [batch, height, width, channels] = images.shape;
    const [top, left, cropHeight, cropWidth] = aspectRatioWindow(height, width, this.height, this.width);
    const window = slice(images, [0, top, left, 0], [batch, cropHeight, cropWidth, channels]);
    return cropHeight === this.height && cropWidth === this.width ? window : resize(window, [this.height, this.width]);
  }
}

export interface RandomFlipArgs extends RandomLayerArgs {
  /** 'horizontal', 'vertical' or 'horizontal_and_vertical' (default). */
  mode?: FlipMode;
  /** Makes the sequence of flips reproducible. */
  seed?: number;
}

/**
 * Flips each image with probability 1/2 in training: left-right ('horizontal'), upside down
 * ('vertical'), or both at once ('horizontal_and_vertical', one draw per image, as Keras 3).
 *
 * @example
 * new RandomFlip({ mode: 'horizontal', seed: 3 }).apply(images, { training: true });
 */
export class RandomFlip extends RandomImageLayer {
  readonly mode: FlipMode;

  constructor(args: RandomFlipArgs = {}) {
    super(args);
    this.mode = checkChoice('mode', args.mode ?? 'horizontal_and_vertical', FLIP_MODES);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mode: this.mode };
  }

  protected override augment(images: Tensor): Tensor {
    const axes = this.mode === 'horizontal' ? [2] : this.mode === 'vertical' ? [1] : [1, 2];
    const flips = lessEqual(this.uniform([images.shape[0], 1, 1, 1], 0, 1), 0.5);
    return where(flips, flip(images, axes), images);
  }
}

export interface ResamplingArgs extends RandomLayerArgs {
  /** How points outside the image are filled: 'reflect' (default), 'wrap', 'constant' or 'nearest'. */
  fillMode?: FillMode;
  /** 'bilinear' (default) or 'nearest'. */
  interpolation?: ImageInterpolation;
  /** The value of points outside the image when fillMode is 'constant' (default 0). */
  fillValue?: number;
  /** Makes the sequence of transforms reproducible. */
  seed?: number;
}

/** RandomRotation, RandomZoom and RandomTranslation: a random transform row per image, then ops.affineTransform. */
export abstract class RandomResampling extends RandomImageLayer {
  readonly fillMode: FillMode;
  readonly interpolation: ImageInterpolation;
  readonly fillValue: number;

  protected constructor(args: ResamplingArgs) {
    super(args);
    this.fillMode = checkChoice('fillMode', args?.fillMode ?? 'reflect', FILL_MODES);
    this.interpolation = checkChoice('interpolation', args?.interpolation ?? 'bilinear', INTERPOLATIONS);
    this.fillValue = checkFinite('fillValue', args?.fillValue ?? 0);
  }

  /** The [batch, 8] transform rows for images of this size. */
  protected abstract transformRows(batch: number, height: number, width: number): Tensor;

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), fillMode: this.fillMode, interpolation: this.interpolation, fillValue: this.fillValue };
  }

  protected override augment(images: Tensor): Tensor {
    const [batch, height, width] = images.shape;
    const rows = this.transformRows(batch, height, width);
    return affineTransform(images, rows, { fillMode: this.fillMode, interpolation: this.interpolation, fillValue: this.fillValue });
  }
}

/** Stacks per-image columns (tensors of [batch], or numbers) into [batch, 8] rows. */
export function transformRows(batch: number, columns: Array<Tensor | number>): Tensor {
  return stack(columns.map((c) => (typeof c === 'number' ? add(zeros([batch]), c) : c)), 1);
}

export interface RandomRotationArgs extends ResamplingArgs {
  /**
   * Rotation range as a fraction of a full turn: [lower, upper], or f for [-f, f]; each in
   * [-1, 1]. Positive angles rotate counter-clockwise.
   */
  factor: FactorRange;
}

/**
 * Rotates each image about its center by a random angle in `factor * 2pi` in training.
 *
 * @example
 * new RandomRotation({ factor: 0.1, seed: 4 }).apply(images, { training: true });   // within +-36 degrees
 */
export class RandomRotation extends RandomResampling {
  readonly factor: FactorRange;
  private readonly range: [number, number];

  constructor(args: RandomRotationArgs) {
    super(args);
    this.range = factorRange('factor', args?.factor, -1, 1);
    this.factor = copyFactor(args.factor);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: copyFactor(this.factor) };
  }

  protected override transformRows(batch: number, height: number, width: number): Tensor {
    const angle = this.uniform([batch], this.range[0] * 2 * Math.PI, this.range[1] * 2 * Math.PI);
    const c = cos(angle);
    const s = sin(angle);
    // Rotation about the image center ((width - 1) / 2, (height - 1) / 2).
    const xOffset = sub(width - 1, sub(mul(c, width - 1), mul(s, height - 1))).mul(0.5);
    const yOffset = sub(height - 1, add(mul(s, width - 1), mul(c, height - 1))).mul(0.5);
    return transformRows(batch, [c, neg(s), xOffset, s, c, yOffset, 0, 0]);
  }
}

export interface RandomZoomArgs extends ResamplingArgs {
  /**
   * Vertical zoom range as a fraction: [lower, upper], or f for [-f, f]; each in [-1, 1].
   * Positive values zoom out, negative values zoom in.
   */
  heightFactor: FactorRange;
  /** Horizontal zoom range as heightFactor; by default the vertical zoom, keeping the aspect ratio. */
  widthFactor?: FactorRange | null;
}

/**
 * Zooms each image in or out about its center by a random amount in training.
 *
 * @example
 * new RandomZoom({ heightFactor: [-0.2, 0.1], seed: 5 }).apply(images, { training: true });
 */
export class RandomZoom extends RandomResampling {
  readonly heightFactor: FactorRange;
  readonly widthFactor: FactorRange | null;
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number] | null;

  constructor(args: RandomZoomArgs) {
    super(args);
    this.heightRange = factorRange('heightFactor', args?.heightFactor, -1, 1);
    this.widthRange = args.widthFactor === undefined || args.widthFactor === null ? null : factorRange('widthFactor', args.widthFactor, -1, 1);
    this.heightFactor = copyFactor(args.heightFactor);
    this.widthFactor = args.widthFactor === undefined || args.widthFactor === null ? null : copyFactor(args.widthFactor);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), heightFactor: copyFactor(this.heightFactor), widthFactor: this.widthFactor === null ? null : copyFactor(this.widthFactor) };
  }

  protected override transformRows(batch: number, height: number, width: number): Tensor {
    const zoomY = this.uniform([batch], 1 + this.heightRange[0], 1 + this.heightRange[1]);
    const zoomX = this.widthRange ? this.uniform([batch], 1 + this.widthRange[0], 1 + this.widthRange[1]) : zoomY;
    const xOffset = sub(1, zoomX).mul((width - 1) / 2);
    const yOffset = sub(1, zoomY).mul((height - 1) / 2);
    return transformRows(batch, [zoomX, 0, xOffset, 0, zoomY, yOffset, 0, 0]);
  }
}

export interface RandomTranslationArgs extends ResamplingArgs {
  /** Vertical shift range as a fraction of the height: [lower, upper], or f for [-f, f]; each in [-1, 1]. */
  heightFactor: FactorRange;
  /** Horizontal shift range as a fraction of the width, as heightFactor. */
  widthFactor: FactorRange;
}

/**
 * Shifts each image by a random fraction of its height and width in training.
 *
 * @example
 * new RandomTranslation({ heightFactor: 0.1, widthFactor: 0.1, fillMode: 'constant' }).apply(images, { training: true });
 */
export class RandomTranslation extends RandomResampling {
  readonly heightFactor: FactorRange;
  readonly widthFactor: FactorRange;
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number];

  constructor(args: RandomTranslationArgs) {
    super(args);
    this.heightRange = factorRange('heightFactor', args?.heightFactor, -1, 1);
    this.widthRange = factorRange('widthFactor', args.widthFactor, -1, 1);
    this.heightFactor = copyFactor(args.heightFactor);
    this.widthFactor = copyFactor(args.widthFactor);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), heightFactor: copyFactor(this.heightFactor), widthFactor: copyFactor(this.widthFactor) };
  }

  protected override transformRows(batch: number, height: number, width: number): Tensor {
    const shiftY = this.uniform([batch], this.heightRange[0] * height, this.heightRange[1] * height);
    const shiftX = this.uniform([batch], this.widthRange[0] * width, this.widthRange[1] * width);
    return transformRows(batch, [1, 0, neg(shiftX), 0, 1, neg(shiftY), 0, 0]);
  }
}

export interface RandomContrastArgs extends RandomLayerArgs {
  /**
   * Contrast range: the factor is drawn in [1 - lower, 1 + upper] from [lower, upper], or in
   * [1 - f, 1 + f] from f; each in [0, 1].
   */
  factor: FactorRange;
  /** The range of the pixel values, [low, high] (default [0, 255]); outputs are clipped to it. */
  valueRange?: readonly [number, number];
  /** Makes the sequence of factors reproducible. */
  seed?: number;
}

/**
 * Scales each image's deviation from its per-channel mean by a random factor in training:
 * `clip((x - mean) * factor + mean, low, high)`, one factor per image.
 *
 * @example
 * new RandomContrast({ factor: 0.2, valueRange: [0, 1] }).apply(images, { training: true });
 */
export class RandomContrast extends FactorImageLayer {
  constructor(args: RandomContrastArgs) {
    super(args, (factor) => factorRange('factor', factor, 0, 1));
  }

  protected override augment(images: Tensor): Tensor {
    const factor = this.uniform([images.shape[0], 1, 1, 1], 1 - this.range[0], 1 + this.range[1]);
    const channelMean = mean(images, [1, 2], true);
    return clip(add(mul(sub(images, channelMean), factor), channelMean), this.valueRange[0], this.valueRange[1]);
  }
}

export interface RandomBrightnessArgs extends RandomLayerArgs {
  /**
   * Brightness shift as a fraction of the value range: [lower, upper], or f for [-f, f]; each in
   * [-1, 1].
   */
  factor: FactorRange;
  /** The range of the pixel values, [low, high] (default [0, 255]); outputs are clipped to it. */
  valueRange?: readonly [number, number];
  /** Makes the sequence of shifts reproducible. */
  seed?: number;
}

/**
 * Adds a random shift `delta * (high - low)` to every value of each image in training, delta
 * drawn in the factor range per image, and clips to the value range.
 *
 * @example
 * new RandomBrightness({ factor: 0.2 }).apply(images, { training: true });   // +-51 on [0, 255] images
 */
export class RandomBrightness extends FactorImageLayer {
  constructor(args: RandomBrightnessArgs) {
    super(args, (factor) => factorRange('factor', factor, -1, 1));
  }

  protected override augment(images: Tensor): Tensor {
    const span = this.valueRange[1] - this.valueRange[0];
    const delta = this.uniform([images.shape[0], 1, 1, 1], this.range[0] * span, this.range[1] * span);
    return clip(add(images, delta), this.valueRange[0], this.valueRange[1]);
  }
}
