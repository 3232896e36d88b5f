// Batch-mixing augmentation layers (keras/src/layers/preprocessing/image_preprocessing): MixUp,
// which blends each image with a partner from the same batch, and CutMix, which pastes a
// rectangle of the partner into it; the labels are blended with the same weights. Keras takes a
// dict {images, labels}; a layer here takes a tensor or a list, so the input is `images` alone or
// the list `[images, labels]`, and the output has the same form. They act in training and without
// a training flag (Keras's default), and return their input with `training: false` (and for a
// single unbatched image, which has no partner). Images are channels last; the partners (a permutation of the
// batch) and the weights are drawn on the device, so nothing is read back.

import { arange } from '../ops/creation';
import { add, cast, greaterEqual, less, logicalAnd, mul, sqrt, sub, where } from '../ops/elementwise';
import { randomBeta } from '../ops/random_distributions';
import { randomUniform } from '../ops/random';
import { shuffle } from '../ops/random_sampling';
import { gather, reshape } from '../ops/shape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { checkImageShape, copyFactor, factorRange, invalid, type FactorRange } from './image_preprocessing';
import { Layer, type CallArgs, type LayerArgs } from './layer';
import { checkSeed, SeedSequence } from './layer_utils';
import { formatSymbolicShape, type Shape } from './symbolic';

/** Keras's CutMix adds this to the drawn Beta parameter, so a factor of 0 stays a valid Beta. */
const CUTMIX_ALPHA_OFFSET = 1e-6;

export interface MixingLayerArgs extends LayerArgs {
  /** Makes the sequence of draws reproducible. */
  seed?: number;
}

/** What a mixing layer's subclass computes for a batch: the mixed images, the partners and the label weights. */
interface Mixed {
  images: Tensor;
  /** int32 [batch]: the index of each image's partner. */
  partner: Tensor;
  /** [batch]: the weight of an image's own label; its partner's gets 1 - weight. */
  labelWeights: Tensor;
}

/** `x` [batch, ...] weighted per example: weights [batch] reshaped to broadcast over the rest. */
function perExample(weights: Tensor, x: Tensor): Tensor {
  return mul(reshape(weights, [x.shape[0], ...new Array<number>(x.rank - 1).fill(1)]), x);
}

/** weight * x + (1 - weight) * x[partner], per example. */
function blend(x: Tensor, partner: Tensor, weights: Tensor): Tensor {
  return add(perExample(weights, x), perExample(sub(1, weights), gather(x, partner, 0)));
}

/**
 * What MixUp and CutMix share: the input forms, the identity outside training, the seeds, and
 * the labels blended with the weights the subclass draws.
 */
abstract class MixingLayer extends Layer {
  /** As Keras's `call(data, training=True)`: applied directly, the layer mixes. */
  protected override readonly trainingDefault = true;
  readonly seed: number | undefined;
  private readonly seeds: SeedSequence;

  protected constructor(args: MixingLayerArgs) {
    super(args);
    this.seed = checkSeed(args?.seed);
    this.seeds = new SeedSequence(this.seed);
  }

  /** Mixes a float32 batch [batch, height, width, channels] with the draws of `nextSeed`. */
  protected abstract mix(images: Tensor, nextSeed: () => number | undefined): Mixed;

  override call(inputs: Tensor | Tensor[], { training = false }: CallArgs = {}): Tensor | Tensor[] {
    const [images, labels] = this.unpack<Tensor>(inputs);
    this.checkShapes([...images.shape], labels && [...labels.shape]);
    if (!training || images.rank === 3) return inputs;
    return tidy(() => {
      const mixed = this.mix(cast(images, 'float32'), () => this.seeds.next());
      if (labels === undefined) return mixed.images;
      return [mixed.images, blend(cast(labels, 'float32'), mixed.partner, mixed.labelWeights)];
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const [images, labels] = this.unpack<Shape>(inputShape as Shape | Shape[]);
    this.checkShapes(images, labels);
    return labels === undefined ? [...images] : [[...images], [...labels]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), seed: this.seed };
  }

  /** The partner of each image: a permutation of the batch, as int32 [batch]. */
  protected permutation(batch: number, seed: number | undefined): Tensor {
    return shuffle(arange(0, batch, 1, 'int32'), { seed });
  }

  private unpack<T extends Tensor | Shape>(inputs: T | T[]): [T, T | undefined] {
    // A shape is a list of numbers (and nulls); a list of inputs holds tensors or shapes.
    const isList = Array.isArray(inputs) && inputs.some((x) => x !== null && typeof x === 'object');
    if (!isList) return [inputs as T, undefined];
    const list = inputs as T[];
    if (list.length !== 2) throw new Error(`${this.constructor.name} '${this.name}': expected images or a list [images, labels], got a list of ${list.length} inputs.`);
    return [list[0], list[1]];
  }

  private checkShapes(images: Shape, labels: Shape | undefined): void {
    checkImageShape(this, images);
    if (labels === undefined || images.length === 3) return;
    if (labels.length === 0 || (images[0] !== null && labels[0] !== null && labels[0] !== images[0])) {
      throw new Error(
        `${this.constructor.name} '${this.name}': labels must have one row per image, [batch, ...]. Received: images shape=${formatSymbolicShape(images)}, labels shape=${formatSymbolicShape(labels)}`,
      );
    }
  }
}

export interface MixUpArgs extends MixingLayerArgs {
  /** The parameter of the Beta(alpha, alpha) distribution of the mixing weights, positive (default 0.2). */
  alpha?: number;
}

/**
 * MixUp (Zhang et al. 2018) in training: each image and its label become `w x + (1 - w) x'`, the
 * partner x' from a random permutation of the batch and the weight w drawn per image from
 * Beta(alpha, alpha). Draws, in order: the permutation, then the weights.
 *
 * @example
 * const mixUp = new MixUp({ alpha: 0.2 });
 * const [mixedImages, mixedLabels] = mixUp.apply([images, oneHotLabels], { training: true });
 */
export class MixUp extends MixingLayer {
  readonly alpha: number;

  constructor(args: MixUpArgs = {}) {
    super(args);
    const alpha = args.alpha ?? 0.2;
    if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha <= 0) throw invalid('alpha', 'a positive number', alpha);
    this.alpha = alpha;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), alpha: this.alpha };
  }

  protected override mix(images: Tensor, nextSeed: () => number | undefined): Mixed {
    const batch = images.shape[0];
    const partner = this.permutation(batch, nextSeed());
    const weights = randomBeta([batch], this.alpha, this.alpha, { seed: nextSeed() });
    return { images: blend(images, partner, weights), partner, labelWeights: weights };
  }
}

export interface CutMixArgs extends MixingLayerArgs {
  /**
   * The range of the Beta parameter drawn once per batch: [lower, upper], or f for [0, f]; each
   * in [0, 1] (default 1).
   */
  factor?: FactorRange;
}

/**
 * CutMix (Yun et al. 2019) in training, as Keras: per batch a parameter a is drawn in the factor
 * range (plus 1e-6), and per image a weight w from Beta(a, a); a rectangle of
 * `sqrt(1 - w) * width` by `sqrt(1 - w) * height` pixels (fractional edges; the pixels whose
 * indices fall inside it) at a uniformly random position is replaced by the same rectangle of the
 * partner image, and the label becomes `w' y + (1 - w') y'` with w' = 1 - (rectangle area) /
 * (image area). Draws, in order: a, the weights, the rectangles' x starts, their y starts, the
 * permutation.
 *
 * @example
 * const cutMix = new CutMix({ factor: 1, seed: 3 });
 * const [mixedImages, mixedLabels] = cutMix.apply([images, oneHotLabels], { training: true });
 */
export class CutMix extends MixingLayer {
  readonly factor: FactorRange;
  private readonly range: [number, number];

  constructor(args: CutMixArgs = {}) {
    super(args);
    this.factor = copyFactor(args.factor ?? 1);
    this.range = factorRange('factor', this.factor, 0, 1, (f) => [0, f]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: copyFactor(this.factor) };
  }

  protected override mix(images: Tensor, nextSeed: () => number | undefined): Mixed {
    const [batch, height, width] = images.shape;
    const alpha = add(randomUniform([], { minval: this.range[0], maxval: this.range[1], seed: nextSeed() }), CUTMIX_ALPHA_OFFSET);
    const ratio = sqrt(sub(1, randomBeta([batch], alpha, alpha, { seed: nextSeed() })));
    const [x0, x1] = this.cropBounds(ratio, width, nextSeed());
    const [y0, y1] = this.cropBounds(ratio, height, nextSeed());
    const partner = this.permutation(batch, nextSeed());
    // Pixel (row, column) of image b is the partner's when x0[b] <= column < x1[b] and y0[b] <= row < y1[b].
    const columns = reshape(arange(0, width, 1, 'float32'), [1, 1, width, 1]);
    const rows = reshape(arange(0, height, 1, 'float32'), [1, height, 1, 1]);
    const corner = (t: Tensor) => reshape(t, [batch, 1, 1, 1]);
    const inside = logicalAnd(
      logicalAnd(greaterEqual(columns, corner(x0)), less(columns, corner(x1))),
      logicalAnd(greaterEqual(rows, corner(y0)), less(rows, corner(y1))),
    );
    const area = mul(sub(x1, x0), sub(y1, y0));
    return { images: where(inside, gather(images, partner, 0), images), partner, labelWeights: sub(1, mul(area, 1 / (width * height))) };
  }

  /** [start, end) of each image's rectangle along an axis of `length` pixels: ratio * length long, uniformly placed. */
  private cropBounds(ratio: Tensor, length: number, seed: number | undefined): [Tensor, Tensor] {
    const crop = mul(ratio, length);
    const start = mul(randomUniform([ratio.shape[0]], { seed }), sub(length, crop));
    return [start, add(start, crop)];
  }
}
