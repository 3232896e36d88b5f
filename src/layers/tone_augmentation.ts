// Tone layers (keras/src/layers/preprocessing/image_preprocessing): AutoContrast, which stretches
// each channel to the value range in training and inference alike, and the training-only
// augmentations RandomPosterization, RandomSharpness and RandomColorDegeneration. Images are
// channels last with values in `valueRange`; everything runs as ops on the device. In Keras's
// dict, boxes, masks and labels pass through.

import { add, clip, div, exp2, floor, greater, minimum, mul, sub, where } from '../ops/elementwise';
import { depthwiseConv2d } from '../ops/depthwise_conv';
import { rgbToGrayscale } from '../ops/image_color';
import { max, min } from '../ops/reduce';
import { tile } from '../ops/shape';
import { tidy } from '../tensor/memory';
import { tensor } from '../tensor/creation';
import type { Tensor } from '../tensor/tensor';
import { fromScale, fromZero, toScale } from './color_augmentation';
import { checkImageShape, checkValueRange, copyFactor, FactorImageLayer, ImagePreprocessingLayer, invalid, RandomImageLayer, type FactorRange, type ImageBatch, type ImagePreprocessingArgs, type RandomLayerArgs } from './image_preprocessing';
import type { Shape } from './symbolic';

export interface AutoContrastArgs extends ImagePreprocessingArgs {
  /** The range of the pixel values, [low, high] (default [0, 255]). */
  valueRange?: readonly [number, number];
}

/**
 * Stretches each channel of each image linearly so that its smallest value becomes `low` and its
 * largest `high`, in training and inference (not random). A constant channel is left unchanged.
 * In Keras's dict, boxes, masks and labels pass through.
 *
 * @example
 * new AutoContrast({ valueRange: [0, 1] }).apply(images);
 */
export class AutoContrast extends ImagePreprocessingLayer {
  readonly valueRange: [number, number];

  constructor(args: AutoContrastArgs = {}) {
    super(args);
    this.valueRange = checkValueRange(args.valueRange ?? [0, 255]);
  }

  protected override transformBatch(batch: ImageBatch): ImageBatch {
    return { ...batch, images: this.callImages(batch.images) };
  }

  protected override callImages(inputs: Tensor): Tensor {
    const [low, high] = this.valueRange;
    return tidy(() => {
      const x = inputs.dtype === 'float32' ? inputs : inputs.cast('float32');
      const spatialAxes = x.rank === 4 ? [1, 2] : [0, 1];
      const smallest = min(x, spatialAxes, true);
      const largest = max(x, spatialAxes, true);
      const spread = sub(largest, smallest);
      const varies = greater(spread, 0);
      const stretched = add(mul(div(sub(x, smallest), where(varies, spread, 1)), high - low), low);
      return where(varies, clip(stretched, low, high), x);
    });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    checkImageShape(this, inputShape);
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), valueRange: [...this.valueRange] };
  }
}

export interface RandomPosterizationArgs extends RandomLayerArgs {
  /** The bits kept per channel value: an integer in [1, 8], or [lower, upper] for a random count per image. */
  factor: number | readonly [number, number];
  /** The range of the pixel values, [low, high] (default [0, 255]). */
  valueRange?: readonly [number, number];
  /** Makes the sequence of draws reproducible. */
  seed?: number;
}

/**
 * Keeps the top `bits` bits of each 8-bit value in training: on the value range mapped to
 * [0, 255], `floor(floor(x) / 2^(8 - bits)) * 2^(8 - bits)`, mapped back.
 *
 * @example
 * new RandomPosterization({ factor: 3 }).apply(images, { training: true });   // 8 levels per channel
 */
export class RandomPosterization extends RandomImageLayer {
  readonly factor: number | [number, number];
  readonly valueRange: [number, number];

  constructor(args: RandomPosterizationArgs) {
    super(args);
    const factor = args?.factor;
    const isBits = (v: unknown) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 8;
    if (!(isBits(factor) || (Array.isArray(factor) && factor.length === 2 && factor.every(isBits)))) {
      throw invalid('factor', 'an integer in [1, 8] or a list of two such integers [lower, upper]', factor);
    }
    this.factor = typeof factor === 'number' ? factor : factor[0] <= factor[1] ? [factor[0], factor[1]] : [factor[1], factor[0]];
    this.valueRange = checkValueRange(args.valueRange ?? [0, 255]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: copyFactor(this.factor), valueRange: [...this.valueRange] };
  }

  protected override augment(images: Tensor): Tensor {
    const [lower, upper] = typeof this.factor === 'number' ? [this.factor, this.factor] : this.factor;
    const bits = minimum(floor(this.perImage(images, [lower, upper + 1])), upper);
    const step = exp2(sub(8, bits));
    const levels = clip(floor(toScale(images, this.valueRange, 255)), 0, 255);
    return fromScale(mul(floor(div(levels, step)), step), this.valueRange, 255);
  }
}

interface BlendArgs extends RandomLayerArgs {
  /** The range of the pixel values, [low, high] (default [0, 255]); outputs are clipped to it. */
  valueRange?: readonly [number, number];
  /** Makes the sequence of draws reproducible. */
  seed?: number;
}

/**
 * Moves each image toward a target image by a factor f drawn per image from `factor` ([lower,
 * upper], or f for [0, f]): `x + weight(f) * (target(x) - x)`, clipped to the value range.
 */
abstract class BlendLayer extends FactorImageLayer {
  constructor(args: BlendArgs & { factor: FactorRange }) {
    super(args, (factor) => fromZero('factor', factor));
  }

  /** The image each image moves toward. */
  protected abstract target(images: Tensor): Tensor;

  /** How far an image moves for its drawn factor (the factor itself unless overridden). */
  protected weight(factor: Tensor): Tensor {
    return factor;
  }

  protected override augment(images: Tensor): Tensor {
    const weight = this.weight(this.perImage(images, this.range));
    return clip(add(images, mul(weight, sub(this.target(images), images))), this.valueRange[0], this.valueRange[1]);
  }
}

export interface RandomSharpnessArgs extends BlendArgs {
  /**
   * The sharpness factor f, drawn per image: [lower, upper], or f for [0, f]; each in [0, 1].
   * 0 gives the smoothed image, 0.5 the image unchanged, 1 sharpens it.
   */
  factor: FactorRange;
}

/**
 * Sharpens or blurs each image in training, as Keras: `x + (1 - 2f) * (smooth(x) - x)`, clipped,
 * where smooth is the 3x3 kernel [[1, 1, 1], [1, 5, 1], [1, 1, 1]] / 13 per channel with zero
 * padding.
 *
 * @example
 * new RandomSharpness({ factor: [0.5, 1] }).apply(images, { training: true });
 */
export class RandomSharpness extends BlendLayer {
  constructor(args: RandomSharpnessArgs) {
    super(args);
  }

  protected override target(images: Tensor): Tensor {
    const [a, b] = [1 / 13, 5 / 13];
    const kernel = tile(tensor([a, a, a, a, b, a, a, a, a], [3, 3, 1, 1]), [1, 1, images.shape[3], 1]);
    return depthwiseConv2d(images, kernel, { padding: 'same' });
  }

  protected override weight(factor: Tensor): Tensor {
    return sub(1, mul(factor, 2));
  }
}

export interface RandomColorDegenerationArgs extends BlendArgs {
  /**
   * How far each image moves toward its grayscale version, drawn per image: [lower, upper], or f
   * for [0, f]; each in [0, 1]. 0 leaves images unchanged, 1 makes them gray.
   */
  factor: FactorRange;
}

/**
 * Blends each RGB image with its grayscale version in training: `x + f * (gray(x) - x)`,
 * clipped to the value range.
 *
 * @example
 * new RandomColorDegeneration({ factor: [0, 0.5] }).apply(images, { training: true });
 */
export class RandomColorDegeneration extends BlendLayer {
  constructor(args: RandomColorDegenerationArgs) {
    super(args);
  }

  protected override target(images: Tensor): Tensor {
    return rgbToGrayscale(images, { dataFormat: 'channels_last' });
  }
}
