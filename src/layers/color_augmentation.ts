// Color augmentation layers (keras/src/layers/preprocessing/image_preprocessing): RandomGrayscale,
// RandomInvert, Solarization, RandomHue, RandomSaturation and RandomColorJitter. They act in
// training and when called without a training flag (Keras's `training=True` default), and return
// their input with `training: false` (as predict and evaluate pass). Images are channels last, RGB where the layer converts colors, with values in `valueRange`. The per-image
// factors are drawn on the device (RandomImageLayer) and applied by element-wise ops, so nothing
// is read back.

import { epsilon } from '../backend/config';
import { add, clip, div, greater, less, mul, sub, where } from '../ops/elementwise';
import { hsvToRgb, rgbToGrayscale, rgbToHsv } from '../ops/image_color';
import { concat, split } from '../ops/shape';
import type { Tensor } from '../tensor/tensor';
import type { CallArgs } from './layer';
import {
  checkValueRange,
  copyFactor,
  factorRange,
  invalid,
  RandomBrightness,
  RandomContrast,
  RandomImageLayer,
  FactorImageLayer,
  type FactorRange,
  type RandomLayerArgs,
} from './image_preprocessing';

/** [lower, upper] of a factor in [0, 1] where one number f means [0, f] (Keras's reading for these layers). */
export const fromZero = (name: string, factor: unknown): [number, number] => factorRange(name, factor, 0, 1, (f) => [0, f]);

/** Values in [low, high] mapped linearly onto [0, scale]. */
export function toScale(images: Tensor, [low, high]: [number, number], scale: number): Tensor {
  return low === 0 && high === scale ? images : mul(sub(images, low), scale / (high - low));
}

/** The inverse of toScale. */
export function fromScale(images: Tensor, [low, high]: [number, number], scale: number): Tensor {
  return low === 0 && high === scale ? images : add(mul(images, (high - low) / scale), low);
}

export interface RandomGrayscaleArgs extends RandomLayerArgs {
  /** The probability of converting each image, in [0, 1] (default 0.5). */
  factor?: number;
  /** Makes the sequence of draws reproducible. */
  seed?: number;
}

/**
 * Converts each image to grayscale with probability `factor` in training, keeping its channel
 * count (every channel gets the luma `0.2989 R + 0.587 G + 0.114 B`, as ops.rgbToGrayscale).
 *
 * @example
 * new RandomGrayscale({ factor: 0.2 }).apply(images, { training: true });
 */
export class RandomGrayscale extends RandomImageLayer {
  readonly factor: number;

  constructor(args: RandomGrayscaleArgs = {}) {
    super(args);
    const factor = args.factor ?? 0.5;
    if (typeof factor !== 'number' || !(factor >= 0 && factor <= 1)) throw invalid('factor', 'a number in [0, 1]', factor);
    this.factor = factor;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: this.factor };
  }

  protected override augment(images: Tensor): Tensor {
    return where(this.chance(images, this.factor), rgbToGrayscale(images, { dataFormat: 'channels_last' }), images);
  }
}

export interface RandomInvertArgs extends RandomLayerArgs {
  /**
   * The range of each image's inversion probability: [lower, upper], or f for [0, f]; each in
   * [0, 1] (default 1, so that half of the images are inverted).
   */
  factor?: FactorRange;
  /** The range of the pixel values, [low, high] (default [0, 255]). */
  valueRange?: readonly [number, number];
  /** Makes the sequence of draws reproducible. */
  seed?: number;
}

/**
 * Inverts each image, `low + high - x`, with a probability drawn per image in the factor range,
 * in training.
 *
 * @example
 * new RandomInvert({ factor: [0.5, 0.5], valueRange: [0, 1] }).apply(images, { training: true });
 */
export class RandomInvert extends FactorImageLayer {
  constructor(args: RandomInvertArgs = {}) {
    super(args, (factor) => fromZero('factor', factor), 1);
  }

  protected override augment(images: Tensor): Tensor {
    const invert = this.chance(images, this.perImage(images, this.range));
    return where(invert, sub(this.valueRange[0] + this.valueRange[1], images), images);
  }
}

export interface SolarizationArgs extends RandomLayerArgs {
  /**
   * Added to every pixel before thresholding, as a fraction of the value range drawn per image:
   * [lower, upper], or f for [0, f]; each in [0, 1] (default 0).
   */
  additionFactor?: FactorRange;
  /**
   * Only pixels at or above this fraction of the value range (drawn per image as additionFactor)
   * are solarized (default 0: all of them).
   */
  thresholdFactor?: FactorRange;
  /** The range of the pixel values, [low, high] (default [0, 255]). */
  valueRange?: readonly [number, number];
  /** Makes the sequence of draws reproducible. */
  seed?: number;
}

/**
 * Solarizes images in training: on the value range mapped to [0, 255], `y = clip(x + addition,
 * 0, 255)`, then `255 - y` where `y >= threshold`, mapped back.
 *
 * @example
 * new Solarization({ thresholdFactor: [0.5, 0.5] }).apply(images, { training: true });   // inverts values >= 127.5
 */
export class Solarization extends RandomImageLayer {
  readonly additionFactor: FactorRange;
  readonly thresholdFactor: FactorRange;
  readonly valueRange: [number, number];
  private readonly additionRange: [number, number];
  private readonly thresholdRange: [number, number];

  constructor(args: SolarizationArgs = {}) {
    super(args);
    this.additionFactor = copyFactor(args.additionFactor ?? 0);
    this.thresholdFactor = copyFactor(args.thresholdFactor ?? 0);
    this.additionRange = fromZero('additionFactor', this.additionFactor);
    this.thresholdRange = fromZero('thresholdFactor', this.thresholdFactor);
    this.valueRange = checkValueRange(args.valueRange ?? [0, 255]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), additionFactor: copyFactor(this.additionFactor), thresholdFactor: copyFactor(this.thresholdFactor), valueRange: [...this.valueRange] };
  }

  protected override augment(images: Tensor): Tensor {
    const [a0, a1] = this.additionRange;
    const [t0, t1] = this.thresholdRange;
    const addition = this.perImage(images, [a0 * 255, a1 * 255]);
    const threshold = this.perImage(images, [t0 * 255, t1 * 255]);
    const shifted = clip(add(toScale(images, this.valueRange, 255), addition), 0, 255);
    return fromScale(where(less(shifted, threshold), shifted, sub(255, shifted)), this.valueRange, 255);
  }
}

interface HsvArgs extends RandomLayerArgs {
  /** The range of the pixel values, [low, high] (default [0, 255]). */
  valueRange?: readonly [number, number];
  /** Makes the sequence of draws reproducible. */
  seed?: number;
}

/** RandomHue and RandomSaturation: a change of one HSV channel of images mapped to [0, 1]. */
abstract class HsvLayer extends FactorImageLayer {
  protected constructor(args: HsvArgs & { factor: FactorRange }) {
    super(args, (factor) => fromZero('factor', factor));
  }

  /** The new [hue, saturation] of images in [0, 1], each [batch, height, width, 1]. */
  protected abstract adjust(images: Tensor, hue: Tensor, saturation: Tensor): [Tensor, Tensor];

  protected override augment(images: Tensor): Tensor {
    const [hue, saturation, value] = split(rgbToHsv(toScale(images, this.valueRange, 1), { dataFormat: 'channels_last' }), 3, -1);
    const [newHue, newSaturation] = this.adjust(images, hue, saturation);
    return fromScale(clip(hsvToRgb(concat([newHue, newSaturation, value], -1), { dataFormat: 'channels_last' }), 0, 1), this.valueRange, 1);
  }
}

export interface RandomHueArgs extends HsvArgs {
  /**
   * How far the hue turns, as a fraction of half a turn, drawn per image with a random sign:
   * [lower, upper], or f for [0, f]; each in [0, 1]. 0 leaves images unchanged.
   */
  factor: FactorRange;
}

/**
 * Turns each image's hue by a random amount in training: `hue + s * factor / 2` (wrapped to
 * [0, 1]), s = +1 or -1 with equal chance, in HSV space; RGB images.
 *
 * @example
 * new RandomHue({ factor: 0.2, valueRange: [0, 1] }).apply(images, { training: true });
 */
export class RandomHue extends HsvLayer {
  constructor(args: RandomHueArgs) {
    super(args);
  }

  protected override adjust(images: Tensor, hue: Tensor, saturation: Tensor): [Tensor, Tensor] {
    const sign = where(greater(this.perImage(images, [0, 1]), 0.5), -1, 1);
    const turned = add(hue, mul(mul(sign, this.perImage(images, this.range)), 0.5));
    const wrapped = where(greater(turned, 1), sub(turned, 1), turned);
    return [where(less(wrapped, 0), add(wrapped, 1), wrapped), saturation];
  }
}

export interface RandomSaturationArgs extends HsvArgs {
  /**
   * The saturation factor f, drawn per image: [lower, upper], or f for [0, f]; each in [0, 1].
   * Saturation is scaled by f / (1 - f): 0.5 leaves images unchanged, 0 makes them gray, 1
   * fully saturated.
   */
  factor: FactorRange;
}

/**
 * Scales each image's saturation by a random amount in training (in HSV space, clipped to
 * [0, 1]); RGB images.
 *
 * @example
 * new RandomSaturation({ factor: [0.3, 0.7] }).apply(images, { training: true });
 */
export class RandomSaturation extends HsvLayer {
  constructor(args: RandomSaturationArgs) {
    super(args);
  }

  protected override adjust(images: Tensor, hue: Tensor, saturation: Tensor): [Tensor, Tensor] {
    const factor = this.perImage(images, this.range);
    return [hue, clip(mul(saturation, div(factor, add(sub(1, factor), epsilon()))), 0, 1)];
  }
}

export interface RandomColorJitterArgs extends RandomLayerArgs {
  /** The range of the pixel values, [low, high] (default [0, 255]). */
  valueRange?: readonly [number, number];
  /** RandomBrightness's factor; null or absent: no brightness change. */
  brightnessFactor?: FactorRange | null;
  /** RandomContrast's factor; null or absent: no contrast change. */
  contrastFactor?: FactorRange | null;
  /** RandomSaturation's factor; null or absent: no saturation change. */
  saturationFactor?: FactorRange | null;
  /** RandomHue's factor; null or absent: no hue change. */
  hueFactor?: FactorRange | null;
  /** Makes the sequence of draws reproducible. */
  seed?: number;
}

/**
 * Applies, in training, RandomBrightness, RandomContrast, RandomSaturation and RandomHue in this
 * order, each only where its factor is given, all with the layer's value range.
 *
 * @example
 * new RandomColorJitter({ valueRange: [0, 1], brightnessFactor: 0.2, hueFactor: 0.1 }).apply(images, { training: true });
 */
export class RandomColorJitter extends RandomImageLayer {
  readonly valueRange: [number, number];
  readonly brightnessFactor: FactorRange | null;
  readonly contrastFactor: FactorRange | null;
  readonly saturationFactor: FactorRange | null;
  readonly hueFactor: FactorRange | null;
  private readonly steps: RandomImageLayer[];

  constructor(args: RandomColorJitterArgs = {}) {
    super(args);
    this.valueRange = checkValueRange(args.valueRange ?? [0, 255]);
    const given = (factor: FactorRange | null | undefined) => (factor === undefined || factor === null ? null : copyFactor(factor));
    this.brightnessFactor = given(args.brightnessFactor);
    this.contrastFactor = given(args.contrastFactor);
    this.saturationFactor = given(args.saturationFactor);
    this.hueFactor = given(args.hueFactor);
    // Each step its own seed, so that seeded steps do not draw the same numbers.
    const options = (factor: FactorRange, step: number) => ({ factor, valueRange: this.valueRange, seed: this.seed === undefined ? undefined : (this.seed % 2 ** 32) + step });
    const steps: Array<RandomImageLayer | null> = [
      this.brightnessFactor === null ? null : new RandomBrightness({ ...options(this.brightnessFactor, 0), name: `${this.name}_brightness` }),
      this.contrastFactor === null ? null : new RandomContrast({ ...options(this.contrastFactor, 1), name: `${this.name}_contrast` }),
      this.saturationFactor === null ? null : new RandomSaturation({ ...options(this.saturationFactor, 2), name: `${this.name}_saturation` }),
      this.hueFactor === null ? null : new RandomHue({ ...options(this.hueFactor, 3), name: `${this.name}_hue` }),
    ];
    this.steps = steps.filter((step) => step !== null);
  }

  override getConfig(): Record<string, unknown> {
    const copy = (factor: FactorRange | null) => (factor === null ? null : copyFactor(factor));
    return {
      ...super.getConfig(),
      valueRange: [...this.valueRange],
      brightnessFactor: copy(this.brightnessFactor),
      contrastFactor: copy(this.contrastFactor),
      saturationFactor: copy(this.saturationFactor),
      hueFactor: copy(this.hueFactor),
    };
  }

  protected override augment(images: Tensor): Tensor {
    const training: CallArgs = { training: true };
    return this.steps.reduce((x, step) => step.call(x, training) as Tensor, images);
  }
}
