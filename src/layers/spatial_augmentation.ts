// Spatial augmentation layers (keras/src/layers/preprocessing/image_preprocessing): RandomShear,
// which shears each image by ops.affineTransform, and RandomErasing, which overwrites a random
// rectangle of each image. Both act in training and without a training flag (Keras's default),
// and return their input with `training: false` (predict, evaluate); images are channels last. Rectangles and shears are drawn on the
// device, so nothing is read back.

import { add, clip, div, greater, greaterEqual, less, logicalAnd, mul, sqrt, sub, where } from '../ops/elementwise';
import { range } from '../ops/creation';
import { concat, reshape, split, stack } from '../ops/shape';
import { tensor } from '../tensor/creation';
import type { Tensor } from '../tensor/tensor';
import {
  checkValueRange,
  copyFactor,
  factorRange,
  invalid,
  perBox,
  RandomImageLayer,
  RandomResampling,
  transformRows,
  type FactorRange,
  type ImageTransformation,
  type RandomLayerArgs,
  type ResamplingArgs,
} from './image_preprocessing';

export interface RandomShearArgs extends ResamplingArgs {
  /**
   * Horizontal shear range: [lower, upper] (each in [0, 1]), or f for [-f, f]; the drawn shear
   * takes a random sign (default 0: none).
   */
  xFactor?: FactorRange;
  /** Vertical shear range, as xFactor (default 0: none). */
  yFactor?: FactorRange;
}

/** The parameters of one RandomShear call. */
export interface ShearTransformation extends ImageTransformation {
  /** [batch, 2]: each image's shear (x, y), its sign drawn with it. */
  shearFactor: Tensor;
}

/**
 * Shears each image in training, as Keras: the output pixel (x, y) samples the input at
 * `(x + s * shearX * y, y + s * shearY * x)`, shearX and shearY drawn per image in their ranges and
 * s = +1 or -1 with equal chance (one sign for both). The shear is about the top-left corner.
 * In Keras's dict, boxes are sheared as Keras does it (in coordinates relative to the image size,
 * the corners chosen by the shear's sign) and clipped to the image; segmentation masks shear with
 * their images.
 *
 * @example
 * new RandomShear({ xFactor: 0.2, fillMode: 'constant' }).apply(images, { training: true });
 */
export class RandomShear extends RandomResampling<ShearTransformation> {
  readonly xFactor: FactorRange;
  readonly yFactor: FactorRange;
  private readonly xRange: [number, number];
  private readonly yRange: [number, number];

  constructor(args: RandomShearArgs = {}) {
    super(args);
    this.xFactor = copyFactor(args.xFactor ?? 0);
    this.yFactor = copyFactor(args.yFactor ?? 0);
    const symmetric = (f: number): [number, number] => [-f, f];
    this.xRange = factorRange('xFactor', this.xFactor, 0, 1, symmetric);
    this.yRange = factorRange('yFactor', this.yFactor, 0, 1, symmetric);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), xFactor: copyFactor(this.xFactor), yFactor: copyFactor(this.yFactor) };
  }

  getRandomTransformation(images: Tensor): ShearTransformation {
    const [batch, imageHeight, imageWidth] = images.shape;
    const sign = where(greater(this.uniform([batch], 0, 1), 0.5), -1, 1);
    const shearX = mul(this.uniform([batch], this.xRange[0], this.xRange[1]), sign);
    const shearY = mul(this.uniform([batch], this.yRange[0], this.yRange[1]), sign);
    return { shearFactor: stack([shearX, shearY], 1), imageHeight, imageWidth };
  }

  protected override transformRows({ shearFactor }: ShearTransformation): Tensor {
    const batch = shearFactor.shape[0];
    const [shearX, shearY] = split(shearFactor, 2, 1).map((t) => reshape(t, [batch]));
    return transformRows(batch, [1, shearX, 0, shearY, 1, 0, 0, 0]);
  }

  /**
   * Keras's box shear, in coordinates relative to the image: x moves by -shearX * y, taken at the
   * top or bottom edge by the shear's sign, then y by -shearY * x, at the left or right edge.
   */
  protected override moveBoxesInPixels(boxes: Tensor, { shearFactor, imageHeight: height, imageWidth: width }: ShearTransformation): Tensor {
    const [shearX, shearY] = split(shearFactor, 2, 1).map(perBox);
    const [left, top, right, bottom] = split(boxes, 4, -1);
    const [x1, y1, x2, y2] = [div(left, width), div(top, height), div(right, width), div(bottom, height)];
    const xNegative = less(shearX, 0);
    const yPositive = greater(shearY, 0);
    const newX1 = where(xNegative, sub(x1, mul(shearX, y1)), sub(x1, mul(shearX, y2)));
    const newX2 = where(xNegative, sub(x2, mul(shearX, y2)), sub(x2, mul(shearX, y1)));
    const newY1 = where(yPositive, sub(y1, mul(shearY, newX2)), sub(y1, mul(shearY, newX1)));
    const newY2 = where(yPositive, sub(y2, mul(shearY, newX1)), sub(y2, mul(shearY, newX2)));
    return concat([mul(newX1, width), mul(newY1, height), mul(newX2, width), mul(newY2, height)], -1);
  }
}

export interface RandomErasingArgs extends RandomLayerArgs {
  /**
   * The range of each image's erasing probability: [lower, upper], or f for [0, f]; each in
   * [0, 1] (default 1, so that half of the images are erased).
   */
  factor?: FactorRange;
  /**
   * The range of the squared side fractions: each side of the rectangle is sqrt(u) times the
   * image's, u drawn per side in [lower, upper] (default [0.02, 0.33]); f means [0, f].
   */
  scale?: FactorRange;
  /**
   * The erased pixels' value: a number, one number per channel, or null (default) for Gaussian
   * noise times the value range's upper bound; clipped to the value range.
   */
  fillValue?: number | readonly number[] | null;
  /** The range of the pixel values, [low, high] (default [0, 255]). */
  valueRange?: readonly [number, number];
  /** Makes the sequence of draws reproducible. */
  seed?: number;
}

/**
 * Erases one random rectangle of each image with a probability drawn per image in the factor
 * range, in training (Keras's random erasing): pixels with `x0 <= x < x1` and `y0 <= y < y1` take
 * the fill value, where the rectangle's width is `sqrt(u) * width`, u in `scale`, and x0 is
 * uniform in [0, width - rectangle width) (likewise for y).
 *
 * @example
 * new RandomErasing({ factor: [0.5, 0.5], fillValue: 0 }).apply(images, { training: true });
 */
export class RandomErasing extends RandomImageLayer {
  readonly factor: FactorRange;
  readonly scale: FactorRange;
  readonly fillValue: number | number[] | null;
  readonly valueRange: [number, number];
  private readonly range: [number, number];
  private readonly scaleRange: [number, number];

  constructor(args: RandomErasingArgs = {}) {
    super(args);
    const fromZero = (f: number): [number, number] => [0, f];
    this.factor = copyFactor(args.factor ?? 1);
    this.range = factorRange('factor', this.factor, 0, 1, fromZero);
    this.scale = copyFactor(args.scale ?? [0.02, 0.33]);
    this.scaleRange = factorRange('scale', this.scale, 0, 1, fromZero);
    this.fillValue = checkFillValue(args.fillValue ?? null);
    this.valueRange = checkValueRange(args.valueRange ?? [0, 255]);
  }

  override getConfig(): Record<string, unknown> {
    const fillValue = Array.isArray(this.fillValue) ? [...this.fillValue] : this.fillValue;
    return { ...super.getConfig(), factor: copyFactor(this.factor), scale: copyFactor(this.scale), fillValue, valueRange: [...this.valueRange] };
  }

  protected override augment(images: Tensor): Tensor {
    const [batch, height, width, channels] = images.shape;
    if (Array.isArray(this.fillValue) && this.fillValue.length !== channels) {
      throw new Error(`RandomErasing '${this.name}': fillValue has ${this.fillValue.length} values, one per channel, but the images have ${channels} channels (shape [${images.shape.join(', ')}]).`);
    }
    const inColumns = this.span(batch, width, [1, 1, width, 1]);
    const inRows = this.span(batch, height, [1, height, 1, 1]);
    const erase = less(this.uniform([batch, 1, 1, 1], 0, 1), this.uniform([batch, 1, 1, 1], this.range[0], this.range[1]));
    return where(logicalAnd(logicalAnd(inColumns, inRows), erase), this.fill(images), images);
  }

  /** The rectangle's extent along an axis of `length` pixels, as a mask of the positions inside it. */
  private span(batch: number, length: number, gridShape: number[]): Tensor {
    const extent = mul(sqrt(this.uniform([batch, 1, 1, 1], this.scaleRange[0], this.scaleRange[1])), length);
    const start = mul(this.uniform([batch, 1, 1, 1], 0, 1), sub(length, extent));
    const positions = reshape(range(0, length), gridShape);
    return logicalAnd(greaterEqual(positions, start), less(positions, add(start, extent)));
  }

  private fill(images: Tensor): Tensor | number {
    const [low, high] = this.valueRange;
    if (this.fillValue === null) return clip(mul(this.normal([...images.shape]), high), low, high);
    if (typeof this.fillValue === 'number') return Math.min(Math.max(this.fillValue, low), high);
    return tensor(this.fillValue.map((v) => Math.min(Math.max(v, low), high)), [this.fillValue.length]);
  }
}

function checkFillValue(value: unknown): number | number[] | null {
  if (value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number' && Number.isFinite(v))) return [...value];
  throw invalid('fillValue', 'a number, a list of numbers (one per channel), or null', value);
}
