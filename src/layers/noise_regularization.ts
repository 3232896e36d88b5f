// More regularization layers (keras/src/layers/regularization): SpatialDropout1D, 2D and 3D
// (whole channels dropped), GaussianDropout (multiplicative normal noise),
// AlphaDropout (dropout that keeps a SELU network's mean and variance), all active only in
// training with masks and noise drawn on the device; and ActivityRegularization, which adds an
// L1/L2 penalty on its input to the model's losses.

import { add, cast, greaterEqual, mul } from '../ops/elementwise';
import { randomNormal, randomUniform } from '../ops/random';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { Layer, type CallArgs, type LayerArgs } from './layer';
import { activityPenalty, checkSeed, checkUnitInterval, SeedSequence, normalizeDataFormat, type DataFormat } from './layer_utils';
import { l1l2 } from './regularizers';
import { formatSymbolicShape, type Shape } from './symbolic';

/** Keras's SELU constants, which AlphaDropout's dropped value and affine correction derive from. */
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

export interface RandomRegularizationArgs extends LayerArgs {
  /** Fraction of the units (or channels) to drop, in [0, 1]. */
  rate: number;
  /** Makes the sequence of masks or noise tensors reproducible. */
  seed?: number;
}

/** What the layers here that draw in training share: the rate, the seed, and a new seed for each draw. */
abstract class RandomRegularization extends Layer {
  /** Passes its input's mask on (see getMask), as Keras. */
  override supportsMasking = true;
  readonly rate: number;
  readonly seed: number | undefined;
  private readonly seeds: SeedSequence;

  constructor(args: RandomRegularizationArgs) {
    super(args);
    this.rate = checkUnitInterval('rate', args?.rate);
    this.seed = checkSeed(args.seed);
    this.seeds = new SeedSequence(this.seed);
  }

  /** The seed of the next draw (see SeedSequence). */
  protected nextSeed(): number | undefined {
    return this.seeds.next();
  }

  /** A float32 keep mask (1 with probability 1 - rate) of `shape`, drawn on the device. */
  protected keepMask(shape: readonly number[]): Tensor {
    return cast(greaterEqual(randomUniform(shape, { seed: this.nextSeed() }), this.rate), 'float32');
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

/** Spatial dropout: inverted dropout with one keep decision per sample and channel. */
abstract class SpatialDropout extends RandomRegularization {
  /** The mask's shape for an input shape: the batch and channel sizes, 1 elsewhere. */
  protected abstract noiseShape(shape: readonly number[]): number[];

  override call(inputs: Tensor, { training = false }: CallArgs = {}): Tensor {
    if (!training || this.rate === 0) return inputs;
    return tidy(() => {
      if (this.rate === 1) return inputs.mul(0);
      return inputs.mul(this.keepMask(this.noiseShape(inputs.shape)).mul(1 / (1 - this.rate)));
    });
  }
}

/**
 * Dropout of whole 1D feature maps: in training each channel of each sample of a
 * [batch, steps, channels] input is zeroed with probability `rate` at every step at once, and the
 * kept ones are scaled by `1 / (1 - rate)`. Better than Dropout when neighbouring steps are
 * strongly correlated (early convolution layers). Outside training it returns its input.
 *
 * @example
 * const dropout = new SpatialDropout1D({ rate: 0.2, seed: 1 });
 * dropout.apply(x, { training: true });   // x: [batch, steps, channels]; ~20% of the channels zero
 */
export class SpatialDropout1D extends SpatialDropout {
  constructor(args: RandomRegularizationArgs) {
    super(args);
    this.inputSpec = { ndim: 3 };
  }

  protected noiseShape([batch, , channels]: readonly number[]): number[] {
    return [batch, 1, channels];
  }
}

export interface SpatialDropout2DArgs extends RandomRegularizationArgs {
  /** 'channels_last' ([batch, rows, cols, channels]) or 'channels_first' ([batch, channels, rows, cols]). Default: config.imageDataFormat(). */
  dataFormat?: DataFormat;
}

/**
 * Dropout of whole 2D feature maps: in training each channel of each sample of a 4D input is
 * zeroed with probability `rate` over all its pixels at once, and the kept ones are scaled by
 * `1 / (1 - rate)`. Outside training it returns its input.
 *
 * @example
 * const dropout = new SpatialDropout2D({ rate: 0.2, dataFormat: 'channels_first' });
 * dropout.apply(images, { training: true });   // images: [batch, channels, rows, cols]
 */
export class SpatialDropout2D extends SpatialDropout {
  readonly dataFormat: DataFormat;

  constructor(args: SpatialDropout2DArgs) {
    super(args);
    this.dataFormat = normalizeDataFormat(args.dataFormat);
    this.inputSpec = { ndim: 4 };
  }

  protected noiseShape([batch, second, , last]: readonly number[]): number[] {
    return this.dataFormat === 'channels_first' ? [batch, second, 1, 1] : [batch, 1, 1, last];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dataFormat: this.dataFormat };
  }
}

export interface SpatialDropout3DArgs extends RandomRegularizationArgs {
  /** 'channels_last' ([batch, dim1, dim2, dim3, channels]) or 'channels_first' ([batch, channels, dim1, dim2, dim3]). Default: config.imageDataFormat(). */
  dataFormat?: DataFormat;
}

/**
 * Dropout of whole 3D feature maps: in training each channel of each sample of a 5D input is
 * zeroed with probability `rate` over all its voxels at once, and the kept ones are scaled by
 * `1 / (1 - rate)`. Outside training it returns its input.
 *
 * @example
 * const dropout = new SpatialDropout3D({ rate: 0.2, seed: 1 });
 * dropout.apply(volumes, { training: true });   // volumes: [batch, depth, rows, cols, channels]
 */
export class SpatialDropout3D extends SpatialDropout {
  readonly dataFormat: DataFormat;

  constructor(args: SpatialDropout3DArgs) {
    super(args);
    this.dataFormat = normalizeDataFormat(args.dataFormat);
    this.inputSpec = { ndim: 5 };
  }

  protected noiseShape([batch, second, , , last]: readonly number[]): number[] {
    return this.dataFormat === 'channels_first' ? [batch, second, 1, 1, 1] : [batch, 1, 1, 1, last];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dataFormat: this.dataFormat };
  }
}

/**
 * Multiplies its input by normal noise of mean 1 and standard deviation
 * `sqrt(rate / (1 - rate))` in training (multiplicative Gaussian noise, the same mean and variance
 * as dropout of that rate). Outside training it returns its input.
 *
 * @example
 * const noise = new GaussianDropout({ rate: 0.2, seed: 1 });
 * noise.apply(x, { training: true });   // x * N(1, 0.25)
 */
export class GaussianDropout extends RandomRegularization {
  override call(inputs: Tensor, { training = false }: CallArgs = {}): Tensor {
    if (!training || this.rate === 0) return inputs;
    const stddev = Math.sqrt(this.rate / (1 - this.rate));
    return tidy(() => {
      const x = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
      return mul(x, randomNormal([...inputs.shape], { mean: 1, stddev, seed: this.nextSeed() }));
    });
  }
}

export interface AlphaDropoutArgs extends RandomRegularizationArgs {
  /** Shape of the keep mask, broadcast against the input; null entries take the input's size. */
  noiseShape?: Shape | null;
}

/**
 * Dropout for self-normalizing networks (SELU activations): in training the dropped units are set
 * to SELU's negative saturation value `-alpha * scale` instead of 0, and an affine correction
 * `a * x + b` keeps the mean and variance of the input. Outside training it returns its input.
 *
 * @example
 * const dropout = new AlphaDropout({ rate: 0.1, seed: 1 });
 * dropout.apply(seluOutputs, { training: true });
 */
export class AlphaDropout extends RandomRegularization {
  readonly noiseShape: Shape | null;

  constructor(args: AlphaDropoutArgs) {
    super(args);
    const noiseShape = args.noiseShape ?? null;
    if (noiseShape !== null && (!Array.isArray(noiseShape) || noiseShape.some((d) => d !== null && !(Number.isInteger(d) && d > 0)))) {
      throw new Error(`Invalid value for argument noiseShape. Expected a list of positive integers and nulls. Received: noiseShape=${JSON.stringify(args.noiseShape)}`);
    }
    this.noiseShape = noiseShape && [...noiseShape];
  }

  override call(inputs: Tensor, { training = false }: CallArgs = {}): Tensor {
    if (!training || this.rate === 0) return inputs;
    const noiseShape = this.resolveNoiseShape(inputs.shape);
    const droppedValue = -SELU_ALPHA * SELU_SCALE;
    const a = ((1 - this.rate) * (1 + this.rate * droppedValue ** 2)) ** -0.5;
    const b = -a * droppedValue * this.rate;
    return tidy(() => {
      const keep = this.keepMask(noiseShape);
      const input = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
      // x * keep + droppedValue * (1 - keep), then the affine correction.
      const x = add(mul(input, keep), keep.mul(-droppedValue).add(droppedValue));
      return x.mul(a).add(b);
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), noiseShape: this.noiseShape ? [...this.noiseShape] : null };
  }

  private resolveNoiseShape(shape: readonly number[]): number[] {
    const noiseShape = this.noiseShape;
    if (!noiseShape) return [...shape];
    const fits = noiseShape.length === shape.length && noiseShape.every((d, i) => d === null || d === 1 || d === shape[i]);
    if (!fits) {
      throw new Error(`${this.name}: noiseShape ${formatSymbolicShape(noiseShape)} cannot be broadcast to the input shape ${formatSymbolicShape([...shape])}; it needs the input's rank, with each size null, 1 or the input's.`);
    }
    return noiseShape.map((d, i) => d ?? shape[i]);
  }
}

export interface ActivityRegularizationArgs extends LayerArgs {
  /** L1 factor (default 0). */
  l1?: number;
  /** L2 factor (default 0). */
  l2?: number;
}

/**
 * Returns its input and adds `(l1 * sum(|x|) + l2 * sum(x²)) / batchSize` to the losses (read by
 * `layer.losses` and added to the training loss by `fit`), as Keras's activity regularizer.
 *
 * @example
 * const model = new Sequential([new Dense({ units: 16 }), new ActivityRegularization({ l1: 1e-3 })]);
 */
export class ActivityRegularization extends Layer {
  /** Passes its input's mask on (see getMask), as Keras. */
  override supportsMasking = true;
  readonly l1: number;
  readonly l2: number;

  constructor(args: ActivityRegularizationArgs = {}) {
    super(args);
    for (const name of ['l1', 'l2'] as const) {
      const value = args[name] ?? 0;
      if (typeof value !== 'number' || !(value >= 0)) {
        throw new Error(`Invalid value for argument ${name}. Expected a non-negative number. Received: ${name}=${String(args[name])}`);
      }
    }
    this.l1 = args.l1 ?? 0;
    this.l2 = args.l2 ?? 0;
  }

  override call(inputs: Tensor): Tensor {
    this.addLoss(activityPenalty(l1l2({ l1: this.l1, l2: this.l2 }), inputs));
    return inputs;
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), l1: this.l1, l2: this.l2 };
  }
}
