// Regularization layers: Dropout (keras/src/layers/regularization/dropout.py). The keep mask is
// drawn on the device by randomUniform; nothing is read back.

import { cast, greaterEqual } from '../ops/elementwise';
import { randomUniform } from '../ops/random';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { Layer, type CallArgs, type LayerArgs } from './layer';
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
  readonly rate: number;
  readonly noiseShape: Shape | null;
  readonly seed: number | undefined;
  /** Masks drawn so far; with a seed, each call's mask seed is derived from it. */
  private draws = 0;

  constructor(args: DropoutArgs) {
    super(args);
    const rate = args?.rate;
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
      throw new Error(`Invalid value received for argument \`rate\`. Expected a float value between 0 and 1. Received: rate=${String(rate)}`);
    }
    if (args.seed !== undefined && !Number.isSafeInteger(args.seed)) {
      throw new Error(`Invalid value received for argument \`seed\`. Expected an integer. Received: seed=${String(args.seed)}`);
    }
    this.rate = rate;
    this.noiseShape = args.noiseShape ? [...args.noiseShape] : null;
    this.seed = args.seed;
  }

  override call(inputs: Tensor, { training = false }: CallArgs = {}): Tensor {
    if (!training || this.rate === 0) return inputs;
    if (this.rate === 1) return tidy(() => inputs.mul(0));
    const noiseShape = this.resolveNoiseShape(inputs.shape);
    const seed = this.seed === undefined ? undefined : ((this.seed % 2 ** 32) + (Math.imul(++this.draws, 0x9e3779b9) >>> 0)) % 2 ** 32;
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
