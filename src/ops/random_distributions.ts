// Seeded Gamma, Beta and Binomial samples, as keras.random.gamma, beta and binomial: kernels of
// shaders/random_distributions.wgsl (appended to random.wgsl, whose generator they share) and
// their CPU mirrors below, which take the same draws and the same branches. For one seed the two
// backends agree to float32 rounding (about 1e-6 relative; binomial counts exactly): the GPU
// evaluates in float32 with random.wgsl's log polynomial, the CPU in float64, so in the rare
// element whose rejection test or rounding down to a count falls within that rounding of its
// boundary (of the order of one in 10^5 for counts near 1000) the two may differ.
// Parameters are numbers or tensors broadcastable to the output shape, one value per element.

import { formatShape, type DType } from '../backend/types';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { fill } from './creation';
import { cast } from './elementwise';
import { runKernel1, type Kernel } from './kernel';
import { randomBits, seededAttrs, standardNormal, type Seed } from './random';
import { broadcastTo } from './shape';
import { checkOptionNames, checkShape, checkTensor } from './validate';
import randomShader from '../../shaders/random.wgsl?raw';
import distributionsShader from '../../shaders/random_distributions.wgsl?raw';

export interface RandomDistributionOptions {
  /** An integer (the same seed gives the same samples on every backend), or a SeedGenerator. */
  seed?: Seed;
  /** Only float32 (the default), as Keras's floating-point-only samplers. */
  dtype?: DType;
}

const OPTIONS: Record<keyof RandomDistributionOptions, true> = { seed: true, dtype: true };
const SOURCE = `${randomShader}\n${distributionsShader}`;
const WORKGROUP_SIZE = 256;
const INV_2_POW_24 = 2 ** -24;
// The bounds of random_distributions.wgsl (see there for why they suffice).
const GAMMA_TRIES = 16;
const GAMMA_STREAM_DRAWS = 64;
const INVERSION_STEPS = 64;
const BTRS_TRIES = 32;
const INVERSION_LIMIT = 10;
const STIRLING_TAIL = [
  0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509, 0.0166446911898211, 0.0138761288230707, 0.0118967099458917,
  0.010411265261972, 0.00925546218271273, 0.00833056343336287,
];

type Distribution = 'gamma' | 'beta' | 'binomial';

interface SamplerAttrs {
  distribution: Distribution;
  seed: number;
}

/** random_distributions.wgsl's open_uniform: (2k + 1) 2^-24, strictly inside (0, 1). */
function openUniform(seed: number, index: number, draw: number): number {
  return ((randomBits(seed, index, draw) >>> 9) * 2 + 1) * INV_2_POW_24;
}

/** A Gamma(alpha) sample as [value, logScale]: the sample is value * exp(logScale). */
function gammaSample(seed: number, index: number, alpha: number, stream: number): [number, number] {
  const boosted = alpha < 1;
  const d = (boosted ? alpha + 1 : alpha) - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  const firstDraw = stream * GAMMA_STREAM_DRAWS;
  let value = d;
  for (let t = 0; t < GAMMA_TRIES; t++) {
    const x = standardNormal(seed, index, firstDraw / 2 + t);
    const v = 1 + c * x;
    if (v <= 0) continue;
    const v3 = v * v * v;
    if (Math.log(openUniform(seed, index, firstDraw + 32 + t)) < 0.5 * x * x + d - d * v3 + d * Math.log(v3)) {
      value = d * v3;
      break;
    }
  }
  return [value, boosted ? Math.log(openUniform(seed, index, firstDraw + 48)) / alpha : 0];
}

function logGammaSample(seed: number, index: number, alpha: number, stream: number): number {
  const [value, logScale] = gammaSample(seed, index, alpha, stream);
  return Math.log(value) + logScale;
}

function stirlingTail(k: number): number {
  if (k <= 9) return STIRLING_TAIL[k];
  const kp1sq = (k + 1) * (k + 1);
  return (1 / 12 - (1 / 360 - 1 / 1260 / kp1sq) / kp1sq) / (k + 1);
}

function binomialInversion(seed: number, index: number, n: number, q: number): number {
  const logComplement = Math.log1p(-q);
  let total = 0;
  let k = 0;
  for (; k < INVERSION_STEPS - 1; k++) {
    total += Math.ceil(Math.log(openUniform(seed, index, k)) / logComplement);
    if (total > n) break;
  }
  return Math.min(k, n);
}

function binomialBtrs(seed: number, index: number, n: number, q: number): number {
  const stddev = Math.sqrt(n * q * (1 - q));
  const b = 1.15 + 2.53 * stddev;
  const a = -0.0873 + 0.0248 * b + 0.01 * q;
  const c = n * q + 0.5;
  const vR = 0.92 - 4.2 / b;
  const r = q / (1 - q);
  const alpha = (2.83 + 5.1 / b) * stddev;
  const m = Math.floor((n + 1) * q);
  for (let t = 0; t < BTRS_TRIES; t++) {
    const u = openUniform(seed, index, 2 * t) - 0.5;
    const v = openUniform(seed, index, 2 * t + 1);
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (us >= 0.07 && v <= vR) return k;
    if (k < 0 || k > n) continue;
    const logV = Math.log((v * alpha) / (a / (us * us) + b));
    const bound =
      (m + 0.5) * Math.log((m + 1) / (r * (n - m + 1))) +
      (n + 1) * Math.log((n - m + 1) / (n - k + 1)) +
      (k + 0.5) * Math.log((r * (n - k + 1)) / (k + 1)) +
      stirlingTail(m) +
      stirlingTail(n - m) -
      stirlingTail(k) -
      stirlingTail(n - k);
    if (logV <= bound) return k;
  }
  return m;
}

function binomialSample(seed: number, index: number, counts: number, p: number): number {
  const n = Math.floor(counts);
  if (!(n >= 0 && p >= 0 && p <= 1)) return NaN;
  const flipped = p > 0.5;
  const q = flipped ? 1 - p : p;
  let k = 0;
  if (q > 0 && n > 0) k = n * q < INVERSION_LIMIT ? binomialInversion(seed, index, n, q) : binomialBtrs(seed, index, n, q);
  return flipped ? n - k : k;
}

const samplerKernel: Kernel<SamplerAttrs> = {
  name: 'randomDistribution',
  cpu(inputs, [y], { distribution, seed }) {
    const a = inputs[0].values;
    const b = inputs[1]?.values;
    const dst = y.values;
    for (let i = 0; i < dst.length; i++) {
      if (distribution === 'binomial') {
        dst[i] = binomialSample(seed, i, a[i], b![i]);
      } else if (distribution === 'gamma') {
        if (!(a[i] > 0)) dst[i] = NaN;
        else {
          const [value, logScale] = gammaSample(seed, i, a[i], 0);
          dst[i] = value * Math.exp(logScale);
        }
      } else {
        dst[i] = a[i] > 0 && b![i] > 0 ? 1 / (1 + Math.exp(logGammaSample(seed, i, b![i], 1) - logGammaSample(seed, i, a[i], 0))) : NaN;
      }
    }
  },
  webgpu(gpu, inputs, [y], { distribution, seed }) {
    gpu.dispatch({
      shader: SOURCE,
      entryPoint: `${distribution}_main`,
      // random.wgsl's Params block; only size and seed are read here.
      uniforms: new Uniforms().u32(y.size, seed).f32(0, 0).i32(0).u32(0).finish(),
      buffers: [y.buffer, ...inputs.map((t) => t.buffer)],
      workgroups: gridFor(y.size, WORKGROUP_SIZE),
    });
  },
};

type Parameter = number | Tensor;

/** Checks a number parameter with `valid` (its domain said by `expected`), or a tensor's shape against `shape`. */
function checkParameter(op: string, name: string, value: Parameter, shape: readonly number[], valid: (v: number) => boolean, expected: string): void {
  if (typeof value === 'number') {
    if (!valid(value)) throw new Error(`${op}: ${name} must be ${expected}, got ${value}.`);
    return;
  }
  if (value === null || typeof value !== 'object') throw new Error(`${op}: ${name} must be a number or a Tensor (${expected}), got ${String(value)}.`);
  checkTensor(op, value);
  const offset = shape.length - value.rank;
  const fits = offset >= 0 && value.shape.every((d, i) => d === 1 || d === shape[offset + i]);
  if (!fits) throw new Error(`${op}: ${name} of shape ${formatShape(value.shape)} does not broadcast to the output shape ${formatShape(shape)}.`);
}

/** The parameter as a float32 tensor of the output shape (tensor values are checked by the kernel: out of domain gives NaN). */
function parameterTensor(value: Parameter, shape: readonly number[]): Tensor {
  if (typeof value === 'number') return fill(shape, value);
  return broadcastTo(value.dtype === 'float32' ? value : cast(value, 'float32'), shape);
}

function checkCommon(op: string, shape: readonly number[], options: RandomDistributionOptions): void {
  checkOptionNames(op, options, OPTIONS);
  checkShape(op, shape);
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32') throw new Error(`${op}: dtype must be 'float32' (only floating-point samples, as Keras), got '${String(dtype)}'.`);
}

function sample(op: string, distribution: Distribution, shape: readonly number[], parameters: Parameter[], seed: Seed | undefined): Tensor {
  return tidy(() => {
    const inputs = parameters.map((p) => parameterTensor(p, shape));
    const attrs = seededAttrs(op, seed, (s) => ({ distribution, seed: s }));
    return runKernel1(samplerKernel, inputs, { shape, dtype: 'float32' }, attrs, op);
  });
}

const positive = (v: number) => Number.isFinite(v) && v > 0;

/**
 * Samples of the Gamma distribution with shape `alpha` (scale 1; mean and variance alpha), as
 * keras.random.gamma. `alpha` is a positive number or a tensor broadcastable to `shape` (a value
 * that is not positive gives NaN). Marsaglia-Tsang rejection, boosted for alpha < 1.
 *
 * @example
 * const waits = randomGamma([1000], 2.5, { seed: 1 });   // mean about 2.5
 */
export function randomGamma(shape: readonly number[], alpha: Parameter, options: RandomDistributionOptions = {}): Tensor {
  const op = 'randomGamma';
  checkCommon(op, shape, options);
  checkParameter(op, 'alpha', alpha, shape, positive, 'a positive finite number');
  return sample(op, 'gamma', shape, [alpha], options.seed);
}

/**
 * Samples of the Beta(alpha, beta) distribution in [0, 1], as keras.random.beta: Ga / (Ga + Gb)
 * for independent Gamma samples, computed in log space so small parameters stay defined.
 * `alpha` and `beta` are positive numbers or tensors broadcastable to `shape`.
 *
 * @example
 * const weights = randomBeta([32], 0.2, 0.2, { seed: 7 });   // MixUp's mixing weights
 */
export function randomBeta(shape: readonly number[], alpha: Parameter, beta: Parameter, options: RandomDistributionOptions = {}): Tensor {
  const op = 'randomBeta';
  checkCommon(op, shape, options);
  checkParameter(op, 'alpha', alpha, shape, positive, 'a positive finite number');
  checkParameter(op, 'beta', beta, shape, positive, 'a positive finite number');
  return sample(op, 'beta', shape, [alpha, beta], options.seed);
}

/**
 * Samples of the Binomial distribution: the number of successes in `counts` trials of success
 * probability `probabilities`, as float32 (keras.random.binomial). Each is a number or a tensor
 * broadcastable to `shape`; counts are whole numbers up to 2^24 (a tensor's are floored), and a
 * probability outside [0, 1] or a negative count in a tensor gives NaN.
 *
 * @example
 * const heads = randomBinomial([100], 10, 0.5, { seed: 3 });   // mean about 5
 */
export function randomBinomial(shape: readonly number[], counts: Parameter, probabilities: Parameter, options: RandomDistributionOptions = {}): Tensor {
  const op = 'randomBinomial';
  checkCommon(op, shape, options);
  checkParameter(op, 'counts', counts, shape, (v) => Number.isInteger(v) && v >= 0 && v <= 2 ** 24, 'a whole number in [0, 2^24]');
  checkParameter(op, 'probabilities', probabilities, shape, (v) => v >= 0 && v <= 1, 'a number in [0, 1]');
  return sample(op, 'binomial', shape, [counts, probabilities], options.seed);
}
