// Seeded random tensors generated on the device (shaders/random.wgsl): uniform, normal and
// truncated normal, and the Gumbel noise of random_sampling.ts's categorical sampling. The
// generator is counter-based: element i of draw d is a hash of (seed, i, d) using only u32
// multiply/xor/add/shift, which the CPU kernel reproduces exactly with Math.imul, so one seed gives
// the same tensor on both backends (uniform bit for bit; normals and Gumbel noise within about
// 1e-6, the difference between the GPU's float32 log/cos polynomials and Math.log/cos).
// Without a seed each call takes a fresh one.

import type { DType } from '../backend/types';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import type { Tensor } from '../tensor/tensor';
import { stepDependent } from '../tensor/trace';
import { checkDtype, checkShape } from './validate';
import { runKernel1, type Kernel } from './kernel';
import randomShader from '../../shaders/random.wgsl?raw';

export interface RandomNormalOptions {
  /** Mean of the distribution (default 0). */
  mean?: number;
  /** Standard deviation (default 1). */
  stddev?: number;
  /** An integer (the same seed gives the same values on every backend), or a SeedGenerator. */
  seed?: Seed;
  /** Only float32. */
  dtype?: DType;
}

export interface RandomUniformOptions {
  /** Lower bound, included (default 0). */
  minval?: number;
  /** Upper bound, excluded (default 1). */
  maxval?: number;
  /** An integer (the same seed gives the same values on every backend), or a SeedGenerator. */
  seed?: Seed;
  /** float32 (default) or int32 (integers in [minval, maxval)). */
  dtype?: DType;
}

const WORKGROUP_SIZE = 256;
/** Rounds of redrawing for the truncated normal; matches TRUNCATION_ROUNDS in random.wgsl. */
const TRUNCATION_ROUNDS = 8;
/** |z| bound of the truncated normal, in standard deviations (Keras: 2). */
const TRUNCATION_BOUND = 2;
const INV_2_POW_24 = 2 ** -24;

/** Codes match the `switch DIST` of shaders/random.wgsl. */
const DISTRIBUTIONS = { uniform: 0, uniformInt: 1, normal: 2, truncatedNormal: 3, gumbel: 4 } as const;

interface RandomAttrs {
  distribution: (typeof DISTRIBUTIONS)[keyof typeof DISTRIBUTIONS];
  seed: number;
  /** uniform: minval; normals: mean; gumbel: unused. */
  low: number;
  /** uniform: maxval - minval; normals: stddev; gumbel: unused. */
  scale: number;
}

/** The PCG hash of random.wgsl in exact u32 arithmetic. */
function pcgHash(v: number): number {
  const state = (Math.imul(v, 747796405) + 2891336453) >>> 0;
  const word = Math.imul((state >>> ((state >>> 28) + 4)) ^ state, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** @internal The 32 random bits of element `index` in draw `draw` (random.wgsl's random_bits). */
export function randomBits(seed: number, index: number, draw: number): number {
  const key = (seed + pcgHash(draw)) >>> 0;
  const hashedKey = pcgHash(key);
  return pcgHash((pcgHash((index ^ hashedKey) >>> 0) + hashedKey) >>> 0);
}

/** @internal A standard normal from draws 2 * round and 2 * round + 1 (random.wgsl's standard_normal). */
export function standardNormal(seed: number, index: number, round: number): number {
  const u1 = ((randomBits(seed, index, 2 * round) >>> 8) + 1) * INV_2_POW_24;
  const u2 = (randomBits(seed, index, 2 * round + 1) >>> 8) * INV_2_POW_24;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

const randomKernel: Kernel<RandomAttrs> = {
  name: 'random',
  cpu(_inputs, [y], { distribution, seed, low, scale }) {
    const dst = y.values;
    const low32 = Math.fround(low);
    const scale32 = Math.fround(scale);
    for (let i = 0; i < dst.length; i++) {
      if (distribution === DISTRIBUTIONS.uniform) {
        const u = (randomBits(seed, i, 0) >>> 8) * INV_2_POW_24;
        dst[i] = low32 + Math.fround(u * scale32);
      } else if (distribution === DISTRIBUTIONS.uniformInt) {
        dst[i] = (low + (randomBits(seed, i, 0) % scale)) | 0;
      } else if (distribution === DISTRIBUTIONS.gumbel) {
        const u = (((randomBits(seed, i, 0) >>> 9) * 2 + 1) >>> 0) * INV_2_POW_24;
        dst[i] = -Math.log(-Math.log(u));
      } else if (distribution === DISTRIBUTIONS.normal) {
        dst[i] = low + scale * standardNormal(seed, i, 0);
      } else {
        let z = standardNormal(seed, i, 0);
        for (let round = 1; round < TRUNCATION_ROUNDS && Math.abs(z) > TRUNCATION_BOUND; round++) z = standardNormal(seed, i, round);
        dst[i] = low + scale * Math.min(Math.max(z, -TRUNCATION_BOUND), TRUNCATION_BOUND);
      }
    }
  },
  webgpu(gpu, _inputs, [y], { distribution, seed, low, scale }) {
    gpu.dispatch({
      shader: randomShader,
      constants: { DIST: distribution },
      uniforms: new Uniforms().u32(y.size, seed).f32(low, scale).i32(low).u32(scale).finish(),
      buffers: [y.buffer],
      workgroups: gridFor(y.size, WORKGROUP_SIZE),
    });
  },
};

// Fresh seeds: a counter stepped by the golden ratio from a random start, then hashed.
let seedCounter = Math.floor(Math.random() * 2 ** 32) >>> 0;

/**
 * Makes every later unseeded random op (initializers, dropout, shuffling) reproducible, as
 * keras.utils.set_random_seed does: the same seed gives the same sequence on both backends.
 *
 * @example
 * setRandomSeed(42);
 * const model = buildModel();   // same initial weights on every run
 */
export function setRandomSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) throw new Error(`setRandomSeed: seed must be an integer, got ${String(seed)}.`);
  seedCounter = resolveSeed('setRandomSeed', seed);
}

/** @internal A fresh seed from the sequence that setRandomSeed controls (for shuffling, initializers). */
export function drawSeed(): number {
  seedCounter = (seedCounter + 0x9e3779b9) >>> 0;
  return pcgHash(seedCounter);
}

/**
 * @internal A seeded stream of uniform numbers in [0, 1) on the CPU (mulberry32), for what is
 * drawn on the host: initial values of some initializers, shuffled orders of samples.
 */
export function hostUniformStream(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** @internal Permutations of [0, n) by Fisher-Yates, each call the next one of a seeded stream. */
export function hostPermutations(seed: number): (n: number) => Int32Array {
  const random = hostUniformStream(seed);
  return (n) => {
    const order = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order;
  };
}

/**
 * A stream of seeds, as keras.random.SeedGenerator: a random op given one as its `seed` takes the
 * generator's next seed, so code that samples with it at every call (a layer's `call`, a custom
 * `trainStep`, replayed steps included) draws new values each time, in a sequence that the
 * generator's own seed fixes. Without a seed it starts from the sequence of `setRandomSeed`.
 *
 * @example
 * const seeds = new SeedGenerator(1337);
 * const a = randomNormal([2, 3], { seed: seeds });
 * const b = randomNormal([2, 3], { seed: seeds });   // other values; the same pair on every run
 */
export class SeedGenerator {
  private readonly base: number;
  private draws = 0;

  constructor(seed?: number) {
    this.base = resolveSeed('SeedGenerator', seed);
  }

  /** The next seed of the stream (a u32). */
  next(): number {
    this.draws++;
    return pcgHash((this.base + Math.imul(this.draws, 0x9e3779b9)) >>> 0);
  }
}

/** A random op's seed: an integer, or a SeedGenerator that gives a new seed at each call. */
export type Seed = number | SeedGenerator;

/** The u32 seed of the kernels: the given integer folded into 32 bits, or a fresh one. */
function resolveSeed(op: string, seed: number | undefined): number {
  if (seed === undefined) return drawSeed();
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) throw new Error(`${op}: seed must be an integer, got ${String(seed)}.`);
  const high = Math.floor(seed / 2 ** 32);
  return ((seed >>> 0) ^ (high === 0 ? 0 : pcgHash(high >>> 0))) >>> 0;
}

/**
 * @internal A kernel's attributes for `seed`: a fresh seed is drawn when none is given, the next
 * one of a SeedGenerator, and a replayed training step draws its own again (the same sequence as
 * running the step eagerly).
 */
export function seededAttrs<Attrs extends object>(op: string, seed: Seed | undefined, attrsFor: (seed: number) => Attrs): Attrs {
  if (seed instanceof SeedGenerator) return stepDependent(() => attrsFor(seed.next()));
  return seed === undefined ? stepDependent(() => attrsFor(drawSeed())) : attrsFor(resolveSeed(op, seed));
}

function checkFinite(op: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${op}: ${name} must be a finite number, got ${String(value)}.`);
}

function checkNormal(op: string, shape: readonly number[], { mean = 0, stddev = 1, dtype = 'float32' }: RandomNormalOptions): void {
  checkShape(op, shape);
  if (dtype !== 'float32') throw new Error(`${op}: dtype must be 'float32', got '${String(dtype)}'.`);
  checkFinite(op, 'mean', mean);
  checkFinite(op, 'stddev', stddev);
  if (stddev < 0) throw new Error(`${op}: stddev must not be negative, got ${stddev}.`);
}

/**
 * A tensor of normally distributed values (Box-Muller on the device).
 *
 * @example
 * const noise = randomNormal([32, 10], { stddev: 0.1, seed: 42 });
 */
export function randomNormal(shape: readonly number[], options: RandomNormalOptions = {}): Tensor {
  checkOptionsObject('randomNormal', options, '{ mean: 0, stddev: 2 }');
  checkNormal('randomNormal', shape, options);
  const attrs = seededAttrs('randomNormal', options.seed, (seed) => ({ distribution: DISTRIBUTIONS.normal, seed, low: options.mean ?? 0, scale: options.stddev ?? 1 }));
  return runKernel1(randomKernel, [], { shape, dtype: 'float32' }, attrs);
}

/**
 * A tensor of uniformly distributed values in [minval, maxval). With `dtype: 'int32'` the values
 * are integers in [minval, maxval), and both bounds must be integers.
 *
 * @example
 * const weights = randomUniform([784, 64], { minval: -0.05, maxval: 0.05, seed: 1 });
 * const classes = randomUniform([100], { maxval: 10, dtype: 'int32' });
 */
export function randomUniform(shape: readonly number[], options: RandomUniformOptions = {}): Tensor {
  const op = 'randomUniform';
  checkOptionsObject(op, options, '{ minval: -1, maxval: 1 }');
  const { minval = 0, maxval = 1, dtype = 'float32' } = options;
  checkDtype(op, dtype);
  if (dtype === 'int32') return uniformIntegers(op, shape, minval, maxval, options.seed);
  checkShape(op, shape);
  checkFinite(op, 'minval', minval);
  checkFinite(op, 'maxval', maxval);
  if (!(minval <= maxval)) throw new Error(`${op}: minval (${minval}) must not exceed maxval (${maxval}).`);
  const attrs = seededAttrs(op, options.seed, (seed) => ({ distribution: DISTRIBUTIONS.uniform, seed, low: minval, scale: maxval - minval }));
  return runKernel1(randomKernel, [], { shape, dtype }, attrs);
}

/**
 * @internal Uniform int32 values in [minval, maxval) (the random bits modulo the range), checked
 * and seeded in the name of `op` (randomUniform, randint, shuffle).
 */
export function uniformIntegers(op: string, shape: readonly number[], minval: number, maxval: number, seed: Seed | undefined): Tensor {
  checkShape(op, shape);
  checkFinite(op, 'minval', minval);
  checkFinite(op, 'maxval', maxval);
  const inInt32 = (v: number) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31;
  if (!inInt32(minval) || !inInt32(maxval)) throw new Error(`${op}: int32 bounds must be integers in the int32 range, got minval=${minval}, maxval=${maxval}.`);
  if (!(minval < maxval)) throw new Error(`${op}: minval (${minval}) must be less than maxval (${maxval}) for int32.`);
  const attrs = seededAttrs(op, seed, (s) => ({ distribution: DISTRIBUTIONS.uniformInt, seed: s, low: minval, scale: maxval - minval }));
  return runKernel1(randomKernel, [], { shape, dtype: 'int32' }, attrs);
}

/**
 * @internal Standard Gumbel noise -log(-log(u)), u uniform in (0, 1), seeded in the name of `op`:
 * the perturbation of Gumbel-max sampling (randomCategorical). GPU and CPU agree within about 1e-6.
 */
export function gumbelNoise(op: string, shape: readonly number[], seed: Seed | undefined): Tensor {
  checkShape(op, shape);
  const attrs = seededAttrs(op, seed, (s) => ({ distribution: DISTRIBUTIONS.gumbel, seed: s, low: 0, scale: 1 }));
  return runKernel1(randomKernel, [], { shape, dtype: 'float32' }, attrs);
}

/**
 * A tensor of normal values truncated at two standard deviations, as Keras' `TruncatedNormal`
 * initializer: a value more than 2 stddev from the mean is redrawn (up to 8 rounds, deterministic
 * for a given seed; the chance that a value is still outside after 8 rounds, 1e-11, is handled by
 * clamping).
 *
 * @example
 * const kernel = truncatedNormal([64, 64], { stddev: 0.05, seed: 7 });
 */
export function truncatedNormal(shape: readonly number[], options: RandomNormalOptions = {}): Tensor {
  checkOptionsObject('truncatedNormal', options, '{ mean: 0, stddev: 2 }');
  checkNormal('truncatedNormal', shape, options);
  const attrs = seededAttrs('truncatedNormal', options.seed, (seed) => ({ distribution: DISTRIBUTIONS.truncatedNormal, seed, low: options.mean ?? 0, scale: options.stddev ?? 1 }));
  return runKernel1(randomKernel, [], { shape, dtype: 'float32' }, attrs);
}

/** The options of a random op must be a record: Keras's and TF.js's positional bounds (randomUniform(shape, -1, 1)) are an error here, not ignored. */
function checkOptionsObject(op: string, options: unknown, example: string): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(`${op}: the second argument is the options record, got ${JSON.stringify(options)}; write ${op}(shape, ${example}).`);
  }
}
