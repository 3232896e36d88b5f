// Weight initializers, by name ('glorotUniform', 'glorot_uniform', and Keras's aliases such as
// 'normal' or 'one') or as objects with `seed`. Keras 3 defaults and formulas
// (keras/src/initializers): fans from the shape, variance scaling for glorot/he/lecun (normal
// variants use a truncated normal scaled by 0.8796...), the identity matrix, all generated on the
// device except orthogonal, whose QR runs once on the CPU.

import { formatShape, type DType } from '../backend/types';
import { fromTypedArray, tensor } from '../tensor/creation';
import type { NestedArray, Tensor } from '../tensor/tensor';
import { eye, fill } from '../ops/creation';
import { mul } from '../ops/elementwise';
import { broadcastTo } from '../ops/shape';
import { tidy } from '../tensor/memory';
import { drawSeed, hostUniformStream, randomNormal, randomUniform, truncatedNormal } from '../ops/random';
import { getCustomObject, getRegisteredName, registrationHint } from '../io/object_registration';

export abstract class Initializer {
  abstract readonly className: string;
  /** A tensor of the given shape. */
  abstract apply(shape: readonly number[], dtype?: DType): Tensor;
  getConfig(): Record<string, unknown> {
    return {};
  }
}

/** Fan-in and fan-out of a weight shape, as keras.initializers compute them. */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape.at(-2)! * receptive, fanOut: shape.at(-1)! * receptive };
}

export class Zeros extends Initializer {
  readonly className = 'Zeros';
  apply(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    return fill(shape, 0, dtype);
  }
}

export class Ones extends Initializer {
  readonly className = 'Ones';
  apply(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    return fill(shape, 1, dtype);
  }
}

/**
 * Fills with `value` (keras.initializers.Constant; default 0), given as a number, or as nested
 * arrays broadcast to the shape (as Keras's `value * ones(shape)`, e.g. an identity bias from
 * `np.eye(k).flatten()`), or, as the other initializers take their arguments, as `{ value }`.
 *
 * @example
 * new initializers.Constant(3).apply([2]);            // [3, 3]
 * new initializers.Constant({ value: 3 }).apply([2]); // [3, 3]
 * new initializers.Constant([1, 0, 0, 1]).apply([4]); // [1, 0, 0, 1]
 */
export class Constant extends Initializer {
  readonly className = 'Constant';
  readonly value: NestedArray;
  constructor(value: NestedArray | { value?: NestedArray | SavedArray } = 0) {
    super();
    const isOptions = typeof value === 'object' && value !== null && !Array.isArray(value) && !(value as Tensor).isTensorInstance;
    const given = isNestedNumbers(value) ? value : isOptions ? ((value as { value?: NestedArray | SavedArray }).value ?? 0) : value;
    // A Keras config saves an array value as { class_name: '__numpy__', config: { value, dtype } }.
    const resolved = isSavedArray(given) ? given.config.value : given;
    if (!isNestedNumbers(resolved)) throw new Error(`Constant: Invalid value for argument value. Expected a number or nested arrays of numbers (or { value }). Received: value=${describeConstantValue(value)}.`);
    this.value = resolved;
  }
  apply(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    if (typeof this.value === 'number') return fill(shape, this.value, dtype);
    const value = this.value;
    return tidy(() => broadcastTo(tensor(value, undefined, dtype), shape));
  }
  override getConfig() {
    return { value: this.value };
  }
}

/**
 * The received value for Constant's error: a tensor by its shape (its JSON would be the whole
 * device state) with how to pass its values, anything else as JSON.
 */
function describeConstantValue(value: unknown): string {
  const given = typeof value === 'object' && value !== null && !(value as Tensor).isTensorInstance && 'value' in value ? (value as { value: unknown }).value : value;
  if (typeof given === 'object' && given !== null && (given as Tensor).isTensorInstance) {
    return `a Tensor of shape ${formatShape((given as Tensor).shape)} (give its values as nested arrays: await t.array())`;
  }
  return JSON.stringify(value) ?? String(value);
}

function isNestedNumbers(value: unknown): value is NestedArray {
  return typeof value === 'number' || (Array.isArray(value) && value.every(isNestedNumbers));
}

/** An array as Keras's serialization writes it (a NumPy array or a tensor). */
interface SavedArray {
  class_name: '__numpy__' | '__tensor__';
  config: { value: NestedArray; dtype?: string };
}

function isSavedArray(value: unknown): value is SavedArray {
  const saved = value as SavedArray | null;
  return typeof saved === 'object' && saved !== null && (saved.class_name === '__numpy__' || saved.class_name === '__tensor__') && isNestedNumbers(saved.config?.value);
}

/**
 * `gain` times the identity matrix (keras.initializers.Identity); only for 2-D shapes, which may
 * be rectangular (ones on the main diagonal). `gain` defaults to 1.
 *
 * @example
 * new initializers.Identity({ gain: 2 }).apply([2, 3]);   // [[2, 0, 0], [0, 2, 0]]
 * new layers.Dense({ units: 4, kernelInitializer: 'identity' });
 */
export class Identity extends Initializer {
  readonly className = 'Identity';
  readonly gain: number;
  constructor({ gain = 1 }: { gain?: number } = {}) {
    super();
    if (typeof gain !== 'number' || !Number.isFinite(gain)) throw new Error(`Identity: Invalid value for argument gain. Expected a finite number. Received: gain=${String(gain)}.`);
    this.gain = gain;
  }
  apply(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    if (shape.length !== 2) {
      throw new Error(`Identity matrix initializer can only be used for 2D matrices. Received: shape=[${shape.join(', ')}] of rank ${shape.length}.`);
    }
    const [rows, columns] = shape;
    if (this.gain === 1) return eye(rows, columns, 0, dtype);
    return tidy(() => mul(eye(rows, columns, 0, 'float32'), this.gain).cast(dtype));
  }
  /** Keras 3.16's Identity writes no config (so its gain is lost on saving); this one keeps it. */
  override getConfig() {
    return { gain: this.gain };
  }
}

/** Random initializers draw floats: Keras's dtype argument is accepted when it is float32. */
function checkFloatDType(initializer: string, dtype: DType | undefined): void {
  if (dtype !== undefined && dtype !== 'float32') throw new Error(`${initializer}: draws float32 values; got dtype '${dtype}'. Use Zeros, Ones or Constant for an integer tensor.`);
}

export interface RandomArgs {
  seed?: number;
}

/** Normal values with `mean` and `stddev` (Keras defaults 0 and 0.05). */
export class RandomNormal extends Initializer {
  readonly className: string = 'RandomNormal';
  readonly mean: number;
  readonly stddev: number;
  readonly seed?: number;
  constructor({ mean = 0, stddev = 0.05, seed }: { mean?: number; stddev?: number } & RandomArgs = {}) {
    super();
    this.mean = mean;
    this.stddev = stddev;
    this.seed = seed;
  }
  apply(shape: readonly number[], dtype?: DType): Tensor {
    checkFloatDType(this.className, dtype);
    return randomNormal(shape, { mean: this.mean, stddev: this.stddev, seed: this.seed });
  }
  override getConfig(): Record<string, unknown> {
    return { mean: this.mean, stddev: this.stddev, seed: this.seed };
  }
}

export class RandomUniform extends Initializer {
  readonly className = 'RandomUniform';
  readonly minval: number;
  readonly maxval: number;
  readonly seed?: number;
  constructor({ minval = -0.05, maxval = 0.05, seed }: { minval?: number; maxval?: number } & RandomArgs = {}) {
    super();
    this.minval = minval;
    this.maxval = maxval;
    this.seed = seed;
  }
  apply(shape: readonly number[], dtype?: DType): Tensor {
    checkFloatDType(this.className, dtype);
    return randomUniform(shape, { minval: this.minval, maxval: this.maxval, seed: this.seed });
  }
  override getConfig() {
    return { minval: this.minval, maxval: this.maxval, seed: this.seed };
  }
}

/** Like RandomNormal, with values beyond two standard deviations redrawn. */
export class TruncatedNormal extends RandomNormal {
  override readonly className: string = 'TruncatedNormal';
  override apply(shape: readonly number[], dtype?: DType): Tensor {
    checkFloatDType(this.className, dtype);
    return truncatedNormal(shape, { mean: this.mean, stddev: this.stddev, seed: this.seed });
  }
}

type FanMode = 'fanIn' | 'fanOut' | 'fanAvg';
type Distribution = 'truncatedNormal' | 'untruncatedNormal' | 'uniform';

/** Standard deviation of a unit truncated normal cut at 2 (Keras divides by it). */
const TRUNCATED_STDDEV = 0.87962566103423978;

/** The modes and distributions by their names here and Keras's ('fan_in', 'truncated_normal'; 'normal' is truncated, as in Keras). */
const FAN_MODES: Record<string, FanMode> = { fanIn: 'fanIn', fanOut: 'fanOut', fanAvg: 'fanAvg', fan_in: 'fanIn', fan_out: 'fanOut', fan_avg: 'fanAvg' };
const DISTRIBUTIONS: Record<string, Distribution> = {
  truncatedNormal: 'truncatedNormal', untruncatedNormal: 'untruncatedNormal', uniform: 'uniform',
  truncated_normal: 'truncatedNormal', untruncated_normal: 'untruncatedNormal', normal: 'truncatedNormal',
};

export class VarianceScaling extends Initializer {
  readonly className: string = 'VarianceScaling';
  readonly scale: number;
  readonly mode: FanMode;
  readonly distribution: Distribution;
  readonly seed?: number;
  constructor({ scale = 1, mode = 'fanIn', distribution = 'truncatedNormal', seed }: { scale?: number; mode?: FanMode | 'fan_in' | 'fan_out' | 'fan_avg'; distribution?: Distribution | 'truncated_normal' | 'untruncated_normal' | 'normal' } & RandomArgs = {}) {
    super();
    if (!(scale > 0)) throw new Error(`VarianceScaling: scale must be positive, got ${scale}.`);
    if (!Object.hasOwn(FAN_MODES, mode)) throw new Error(`VarianceScaling: invalid mode ${JSON.stringify(mode)}; expected one of 'fanIn', 'fanOut', 'fanAvg' (or Keras's 'fan_in', 'fan_out', 'fan_avg').`);
    if (!Object.hasOwn(DISTRIBUTIONS, distribution)) {
      throw new Error(`VarianceScaling: invalid distribution ${JSON.stringify(distribution)}; expected one of 'truncatedNormal', 'untruncatedNormal', 'uniform' (or Keras's 'truncated_normal', 'untruncated_normal', 'normal').`);
    }
    this.scale = scale;
    this.mode = FAN_MODES[mode];
    this.distribution = DISTRIBUTIONS[distribution];
    this.seed = seed;
  }
  apply(shape: readonly number[], dtype?: DType): Tensor {
    checkFloatDType(this.className, dtype);
    const { fanIn, fanOut } = computeFans(shape);
    const fan = this.mode === 'fanIn' ? fanIn : this.mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
    const variance = this.scale / Math.max(1, fan);
    if (this.distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      return randomUniform(shape, { minval: -limit, maxval: limit, seed: this.seed });
    }
    if (this.distribution === 'untruncatedNormal') return randomNormal(shape, { stddev: Math.sqrt(variance), seed: this.seed });
    return truncatedNormal(shape, { stddev: Math.sqrt(variance) / TRUNCATED_STDDEV, seed: this.seed });
  }
  override getConfig(): Record<string, unknown> {
    return { scale: this.scale, mode: this.mode, distribution: this.distribution, seed: this.seed };
  }
}

const scaling = (className: string, scale: number, mode: FanMode, distribution: Distribution) => {
  const initializerClass = class extends VarianceScaling {
    override readonly className = className;
    constructor({ seed }: RandomArgs = {}) {
      super({ scale, mode, distribution, seed });
    }
    override getConfig(): Record<string, unknown> {
      return { seed: this.seed };
    }
  };
  // The class expression is anonymous: give it its Keras name, which printing it or its instances' constructor shows.
  Object.defineProperty(initializerClass, 'name', { value: className });
  return initializerClass;
};

/** Uniform in ±sqrt(6 / (fanIn + fanOut)); the default for kernels. */
export const GlorotUniform = scaling('GlorotUniform', 1, 'fanAvg', 'uniform');
export const GlorotNormal = scaling('GlorotNormal', 1, 'fanAvg', 'truncatedNormal');
export const HeNormal = scaling('HeNormal', 2, 'fanIn', 'truncatedNormal');
export const HeUniform = scaling('HeUniform', 2, 'fanIn', 'uniform');
export const LecunNormal = scaling('LecunNormal', 1, 'fanIn', 'truncatedNormal');
export const LecunUniform = scaling('LecunUniform', 1, 'fanIn', 'uniform');

/** A (semi-)orthogonal matrix from the QR decomposition of a seeded normal matrix (Keras's Orthogonal). */
export class Orthogonal extends Initializer {
  readonly className = 'Orthogonal';
  readonly gain: number;
  readonly seed?: number;
  constructor({ gain = 1, seed }: { gain?: number } & RandomArgs = {}) {
    super();
    this.gain = gain;
    this.seed = seed;
  }
  apply(shape: readonly number[], dtype?: DType): Tensor {
    checkFloatDType(this.className, dtype);
    if (shape.length < 2) throw new Error(`Orthogonal: needs a shape of rank 2 or more, got [${shape.join(',')}].`);
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const cols = shape.at(-1)!;
    const tall = rows >= cols;
    const [m, n] = tall ? [rows, cols] : [cols, rows];
    const random = hostUniformStream(this.seed ?? drawSeed());
    // Gram-Schmidt on the n columns of an m x n normal matrix (m >= n), then the sign fix of QR.
    const q = Array.from({ length: n }, () => Array.from({ length: m }, () => gaussian(random)));
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < j; k++) {
        const dot = q[j].reduce((s, v, i) => s + v * q[k][i], 0);
        for (let i = 0; i < m; i++) q[j][i] -= dot * q[k][i];
      }
      const norm = Math.sqrt(q[j].reduce((s, v) => s + v * v, 0));
      for (let i = 0; i < m; i++) q[j][i] /= norm;
    }
    const values = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) values[r * cols + c] = this.gain * (tall ? q[c][r] : q[r][c]);
    }
    return fromTypedArray(values, shape, 'float32');
  }
  override getConfig() {
    return { gain: this.gain, seed: this.seed };
  }
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

type InitializerClass = new (config?: never) => Initializer;

const INITIALIZERS: Record<string, InitializerClass> = {
  zeros: Zeros,
  ones: Ones,
  constant: Constant as unknown as InitializerClass,
  randomNormal: RandomNormal,
  randomUniform: RandomUniform,
  truncatedNormal: TruncatedNormal,
  varianceScaling: VarianceScaling,
  glorotUniform: GlorotUniform,
  glorotNormal: GlorotNormal,
  heNormal: HeNormal,
  heUniform: HeUniform,
  lecunNormal: LecunNormal,
  lecunUniform: LecunUniform,
  orthogonal: Orthogonal,
  identity: Identity,
  // Keras's aliases (keras/src/initializers/__init__.py).
  normal: RandomNormal,
  uniform: RandomUniform,
  one: Ones,
  zero: Zeros,
  identityInitializer: Identity,
  orthogonalInitializer: Orthogonal,
};

export type InitializerIdentifier = string | Initializer | { className: string; config?: Record<string, unknown> };

/** Normalizes 'glorot_uniform', 'GlorotUniform' and 'glorotUniform' to 'glorotUniform'. */
export function canonicalName(name: string): string {
  const camel = name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return camel.charAt(0).toLowerCase() + camel.slice(1);
}

/** An initializer from a name, a `{ className, config }` object or an instance. */
export function getInitializer(identifier: InitializerIdentifier): Initializer {
  if (identifier instanceof Initializer) return identifier;
  const name = typeof identifier === 'string' ? identifier : identifier.className;
  const config = typeof identifier === 'string' ? undefined : identifier.config;
  const custom = getCustomObject(name);
  if (typeof custom === 'function' && custom.prototype instanceof Initializer) return fromConfig(custom as InitializerClass, config);
  const Cls = INITIALIZERS[canonicalName(name)];
  if (!Cls) {
    throw new Error(`Unknown initializer: '${name}'. Expected one of ${Object.keys(INITIALIZERS).join(', ')} (snake_case accepted). ${registrationHint(name)}`);
  }
  return name === 'constant' || canonicalName(name) === 'constant'
    ? new Constant((config ?? {}) as ConstructorParameters<typeof Constant>[0])
    : new Cls(config as never);
}

/** A custom class from its config: its static fromConfig when it has one, else its constructor (Keras's from_config). */
function fromConfig(Cls: InitializerClass, config: Record<string, unknown> | undefined): Initializer {
  const withFromConfig = Cls as unknown as { fromConfig?: (config: Record<string, unknown>) => Initializer };
  return typeof withFromConfig.fromConfig === 'function' ? withFromConfig.fromConfig(config ?? {}) : new Cls((config ?? {}) as never);
}

/** The `{ className, config }` form of an initializer, for getConfig(); a registered class is named 'package>name'. */
export function serializeInitializer(init: Initializer): { className: string; config: Record<string, unknown> } {
  return { className: getRegisteredName(init.constructor) ?? init.className, config: init.getConfig() };
}
