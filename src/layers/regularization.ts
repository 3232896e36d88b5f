// Regularization layers, active only in training (keras/src/layers/regularization): Dropout and
// GaussianNoise. The keep mask and the noise are drawn on the device by the random ops; nothing is
// read back.

import { add, cast, greaterEqual } from '../ops/elementwise';
import { randomNormal, randomUniform } from '../ops/random';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { Layer, type CallArgs, type LayerArgs } from './layer';
import { checkSeed, checkUnitInterval, SeedSequence } from './layer_utils';
import type { Shape } from './symbolic';

export interface DropoutArgs extends LayerArgs {
  /** Fraction of the input units to drop, in [0, 1]. */
  rate: number;
  /**
   * Shape of the binary mask, broadcast against the input; `null` entries take the input's size
   * (for example `[null, 1, null]` drops the same features at every time step).
   */
  noiseShape?: Shape | null;
  /** Makes the sequence of masks reproducible. */
  seed?: number;
}

/**
 * Sets input units to 0 with probability `rate` during training and scales the others by
 * `1 / (1 - rate)` so that the expected sum is unchanged (inverted dropout). Outside training
 * (`training: false`, the default of `apply` and of `predict`) it returns its input.
 *
 * @example
 * const dropout = new Dropout({ rate: 0.2, seed: 1 });
 * const y = dropout.apply(x, { training: true });   // ~20% zeros, the rest x / 0.8
 * dropout.apply(x);                                  // x itself
 */
export class Dropout extends Layer {
  /** Passes its input's mask on (see getMask), as Keras. */
  override supportsMasking = true;
  readonly rate: number;
  readonly noiseShape: Shape | null;
  readonly seed: number | undefined;
  private readonly seeds: SeedSequence;

  constructor(args: DropoutArgs) {
    super(args);
    const rate = checkUnitInterval('rate', args?.rate);
    this.rate = rate;
    this.noiseShape = args.noiseShape ? [...args.noiseShape] : null;
    this.seed = checkSeed(args.seed);
    this.seeds = new SeedSequence(this.seed);
  }

  override call(inputs: Tensor, { training = false }: CallArgs = {}): Tensor {
    if (!training || this.rate === 0) return inputs;
    if (this.rate === 1) return tidy(() => inputs.mul(0));
    const noiseShape = this.resolveNoiseShape(inputs.shape);
    const seed = this.seeds.next();
    return tidy(() => {
      const keep = greaterEqual(randomUniform(noiseShape, { seed }), this.rate);
      return inputs.mul(cast(keep, 'float32').mul(1 / (1 - this.rate)));
    });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, noiseShape: this.noiseShape, seed: this.seed };
  }

  private resolveNoiseShape(shape: readonly number[]): number[] {
    if (!this.noiseShape) return [...shape];
    if (this.noiseShape.length !== shape.length) {
      throw new Error(`${this.name}: noiseShape (${this.noiseShape.map((d) => d ?? 'None').join(', ')}) must have the rank of the input, ${shape.length}; received an input of shape (${shape.join(', ')}).`);
    }
    return this.noiseShape.map((d, i) => {
      const size = d ?? shape[i];
      if (size !== 1 && size !== shape[i]) {
        throw new Error(`${this.name}: noiseShape (${this.noiseShape!.map((n) => n ?? 'None').join(', ')}) cannot be broadcast to the input shape (${shape.join(', ')}).`);
      }
      return size;
    });
  }
}

export interface GaussianNoiseArgs extends LayerArgs {
  /** Standard deviation of the noise, in [0, 1] (Keras's bound). */
  stddev: number;
  /** Makes the sequence of noise tensors reproducible. */
  seed?: number;
}

/**
 * Adds zero-centered normal noise of standard deviation `stddev` during training, a
 * regularization against overfitting (and a form of data augmentation for real-valued inputs).
 * Outside training (`training: false`, the default of `apply` and of `predict`) it returns its
 * input.
 *
 * @example
 * const noise = new GaussianNoise({ stddev: 0.1, seed: 1 });
 * const y = noise.apply(x, { training: true });   // x + N(0, 0.1^2) noise
 * noise.apply(x);                                  // x itself
 */
export class GaussianNoise extends Layer {
  /** Passes its input's mask on (see getMask), as Keras. */
  override supportsMasking = true;
  readonly stddev: number;
  readonly seed: number | undefined;
  private readonly seeds: SeedSequence;

  constructor(args: GaussianNoiseArgs) {
    super(args);
    const stddev = checkUnitInterval('stddev', args?.stddev);
    this.stddev = stddev;
    this.seed = checkSeed(args.seed);
    this.seeds = new SeedSequence(this.seed);
  }

  override call(inputs: Tensor, { training = false }: CallArgs = {}): Tensor {
    if (!training || this.stddev === 0) return inputs;
    const seed = this.seeds.next();
    return tidy(() => {
      const x = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
      return add(x, randomNormal([...inputs.shape], { stddev: this.stddev, seed }));
    });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), stddev: this.stddev, seed: this.seed };
  }
}
