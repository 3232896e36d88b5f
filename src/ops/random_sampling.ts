// Sampling ops built on the seeded generator of random.ts, as keras.random: `randomCategorical`
// (Gumbel-max: the argmax of logits plus Gumbel noise), `randint` (uniform integers), `shuffle`
// (a permutation along an axis: the argsort of random 32-bit keys, then a gather) and `dropout`
// (entries zeroed with a probability, the others scaled up). Composites of
// existing ops, so each runs on the active backend; for one seed the GPU and the CPU give the same
// integers and the same permutation.

import { formatShape, type DType } from '../backend/types';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { add, cast, div, less, mul, where } from './elementwise';
import { gumbelNoise, randomUniform, uniformIntegers, type Seed } from './random';
import { argMax } from './reduce';
import { expandDims, gather } from './shape';
import { normalizeAxis } from './shape_util';
import { argsort } from './sort';
import { checkDtype, checkOptionNames, checkTensor } from './validate';

export interface RandomCategoricalOptions {
  /** An integer (the same seed gives the same samples on every backend), or a SeedGenerator. */
  seed?: Seed;
  /** int32 (default) or float32. */
  dtype?: DType;
}

export interface RandintOptions {
  /** An integer (the same seed gives the same values on every backend), or a SeedGenerator. */
  seed?: Seed;
  /** Only int32 (the default). */
  dtype?: DType;
}

export interface ShuffleOptions {
  /** The axis to permute (default 0). */
  axis?: number;
  /** An integer (the same seed gives the same permutation on every backend), or a SeedGenerator. */
  seed?: Seed;
}

const CATEGORICAL_OPTIONS: Record<keyof RandomCategoricalOptions, true> = { seed: true, dtype: true };
const RANDINT_OPTIONS: Record<keyof RandintOptions, true> = { seed: true, dtype: true };
const SHUFFLE_OPTIONS: Record<keyof ShuffleOptions, true> = { axis: true, seed: true };

export interface DropoutOptions {
  /**
   * The shape of the keep-or-drop draws, broadcast over `x` (Keras's noise_shape): x's rank, each
   * size x's or 1 (one draw shared along that axis), null for x's. Default: x's shape.
   */
  noiseShape?: ReadonlyArray<number | null>;
  /** An integer, or a SeedGenerator (a new draw at each call); default a fresh seed. */
  seed?: Seed;
}

const DROPOUT_OPTIONS: Record<keyof DropoutOptions, true> = { noiseShape: true, seed: true };

/**
 * Draws `numSamples` class indices per row of `logits` ([batch, classes], unnormalized
 * log-probabilities), as keras.random.categorical: a [batch, numSamples] tensor whose entry
 * (b, s) is class c with probability softmax(logits[b])[c]. A logit of -Infinity is never drawn.
 * Gumbel-max sampling: argmax over classes of logits + Gumbel noise, one noise value per
 * (row, sample, class), so it holds a [batch, numSamples, classes] float32 tensor while it runs.
 *
 * @example
 * const tokens = randomCategorical(tensor([[0, Math.log(3)]]), 1000, { seed: 1 });   // about 3/4 ones
 */
export function randomCategorical(logits: Tensor, numSamples: number, options: RandomCategoricalOptions = {}): Tensor {
  const op = 'randomCategorical';
  checkOptionNames(op, options, CATEGORICAL_OPTIONS);
  checkTensor(op, logits);
  const { dtype = 'int32', seed } = options;
  if (logits.rank !== 2) throw new Error(`${op}: logits must be a 2-D tensor [batchSize, numClasses], got shape ${formatShape(logits.shape)}.`);
  if (logits.dtype !== 'float32') throw new Error(`${op}: logits must be float32, got ${logits.dtype}.`);
  if (logits.shape[1] === 0) throw new Error(`${op}: logits of shape ${formatShape(logits.shape)} have no classes to draw from.`);
  if (!Number.isInteger(numSamples) || numSamples < 0) throw new Error(`${op}: numSamples must be a non-negative integer, got ${String(numSamples)}.`);
  checkDtype(op, dtype);
  const [batch, classes] = logits.shape;
  return tidy(() => {
    const noise = gumbelNoise(op, [batch, numSamples, classes], seed);
    const samples = argMax(add(expandDims(logits, 1), noise), -1);
    return dtype === 'int32' ? samples : cast(samples, dtype);
  });
}

/**
 * Uniform random integers in [minval, maxval), as keras.random.randint; both bounds are integers
 * in the int32 range.
 *
 * @example
 * const dice = randint([10], 1, 7, { seed: 3 });
 */
export function randint(shape: readonly number[], minval: number, maxval: number, options: RandintOptions = {}): Tensor {
  checkOptionNames('randint', options, RANDINT_OPTIONS);
  const { dtype = 'int32', seed } = options;
  if (dtype !== 'int32') throw new Error(`randint: requires an integer dtype ('int32'), got '${String(dtype)}'.`);
  return uniformIntegers('randint', shape, minval, maxval, seed);
}

/**
 * `x` with its slices along `axis` (default 0) in a uniformly random order, as
 * keras.random.shuffle: one permutation for the whole axis. Differentiable (a gather).
 *
 * @example
 * const rows = shuffle(examples, { seed: 7 });           // the rows of examples, reordered
 */
export function shuffle(x: Tensor, options: ShuffleOptions = {}): Tensor {
  checkOptionNames('shuffle', options, SHUFFLE_OPTIONS);
  checkTensor('shuffle', x);
  if (x.rank === 0) throw new Error('shuffle: x must have rank at least 1, got a scalar.');
  const { axis = 0, seed } = options;
  const at = normalizeAxis('shuffle', axis, x.rank);
  // 32-bit keys: two of n keys are equal with probability about n^2 / 2^33, and a tie still gives
  // a permutation (argsort is stable), only a slightly less uniform one.
  return tidy(() => gather(x, argsort(uniformIntegers('shuffle', [x.shape[at]], -(2 ** 31), 2 ** 31 - 1, seed)), at));
}

/**
 * Zeroes each entry of `x` with probability `rate` and divides the others by `1 - rate`, as
 * keras.random.dropout (float32 result; with `noiseShape`, entries that share a draw are kept or
 * dropped together). Always applied: a layer calls it when `training` is true. Differentiable;
 * inside a replayed training step each replay draws anew.
 *
 * @example
 * class CustomDropout extends Layer {
 *   call(x: Tensor, { training }: CallArgs = {}) { return training ? ops.dropout(x, 0.5) : x; }
 * }
 */
export function dropout(x: Tensor, rate: number, options: DropoutOptions = {}): Tensor {
  checkOptionNames('dropout', options, DROPOUT_OPTIONS);
  checkTensor('dropout', x);
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) throw new Error(`dropout: rate must be a number in [0, 1], got ${String(rate)}.`);
  const noiseShape = dropoutNoiseShape(x.shape, options.noiseShape);
  return tidy(() => {
    const values = x.dtype === 'float32' ? x : cast(x, 'float32');
    if (rate === 1) return mul(values, 0);
    const keepProbability = 1 - rate;
    const kept = less(randomUniform(noiseShape, { seed: options.seed }), keepProbability);
    return where(kept, div(values, keepProbability), 0);
  });
}

/** The shape of dropout's draws: `noiseShape` with null entries taken from x, checked to broadcast over x. */
function dropoutNoiseShape(shape: readonly number[], noiseShape: ReadonlyArray<number | null> | undefined): number[] {
  if (noiseShape === undefined || noiseShape === null) return [...shape];
  const shown = `(${noiseShape.map((d) => d ?? 'None').join(', ')})`;
  if (!Array.isArray(noiseShape) || noiseShape.length !== shape.length) {
    throw new Error(`dropout: noiseShape ${Array.isArray(noiseShape) ? shown : String(noiseShape)} must have the rank of x, ${shape.length}; x has shape ${formatShape(shape)}.`);
  }
  return noiseShape.map((d, i) => {
    if (d === null) return shape[i];
    if (d !== shape[i] && d !== 1) throw new Error(`dropout: noiseShape ${shown} does not broadcast to x's shape ${formatShape(shape)}: axis ${i} must be ${shape[i]}, 1 or null.`);
    return d;
  });
}
