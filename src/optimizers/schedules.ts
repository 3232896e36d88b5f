// Learning rate schedules: pure functions of the optimizer's step count (Keras 3's
// keras.optimizers.schedules), evaluated on the CPU in float64 before each update so that the
// learning rate reaches the update kernel as a uniform. Each schedule's config is its options
// object, so `new ExponentialDecay(schedule.getConfig())` rebuilds it.

import { checkOptionNames } from '../ops/validate';

/** What every built-in schedule takes besides its own options. */
export interface ScheduleOptions {
  /** Keras's schedule name (default: the class name). */
  name?: string;
}

/** A schedule's serialized form, as an optimizer's config holds it. */
export interface ScheduleConfig {
  className: string;
  config: Record<string, unknown>;
}

/**
 * Base class of learning rate schedules: `call(step)` gives the learning rate for a step count
 * (0 on the first update). Pass an instance as an optimizer's `learningRate`.
 *
 * @example
 * class InverseTime extends LearningRateSchedule {
 *   readonly className = 'InverseTime';
 *   constructor(private readonly initial: number) { super(); }
 *   call(step: number): number { return this.initial / (step + 1); }
 *   getConfig() { return { initial: this.initial }; }
 * }
 * const optimizer = new SGD({ learningRate: new InverseTime(0.1) });
 */
export abstract class LearningRateSchedule {
  abstract readonly className: string;
  private readonly givenName: string | undefined;

  /** `name`: Keras's schedule name (default: the class name), kept in the config. */
  constructor(name?: string) {
    if (name !== undefined && typeof name !== 'string') throw new Error(`LearningRateSchedule: argument \`name\` must be a string. Received: name=${String(name)}`);
    this.givenName = name;
  }

  /** The schedule's name, as Keras's `name` argument (default: Keras's default for the class). */
  get name(): string {
    return this.givenName ?? this.defaultName;
  }

  /** The name without a `name` argument: the class name unless Keras defaults to another. */
  protected get defaultName(): string {
    return this.className;
  }

  /** The learning rate at `step` (the optimizer's `iterations` before the update). */
  abstract call(step: number): number;
  abstract getConfig(): Record<string, unknown>;

  /** `{ className, config }`, for an optimizer's config. */
  serialize(): ScheduleConfig {
    return { className: this.className, config: this.getConfig() };
  }
}

export interface ExponentialDecayOptions extends ScheduleOptions {
  initialLearningRate: number;
  /** Must be > 0. */
  decaySteps: number;
  decayRate: number;
  /** Decay at whole multiples of decaySteps only (default false). */
  staircase?: boolean;
}

/**
 * `initialLearningRate * decayRate ^ (step / decaySteps)`, with an integer exponent when
 * `staircase`.
 *
 * @example
 * const schedule = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 1000, decayRate: 0.96, staircase: true });
 * const optimizer = new SGD({ learningRate: schedule });
 */
export class ExponentialDecay extends LearningRateSchedule {
  readonly className = 'ExponentialDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;

  constructor(options: ExponentialDecayOptions) {
    super(options?.name);
    checkKeys('ExponentialDecay', options, ['initialLearningRate', 'decaySteps', 'decayRate', 'staircase']);
    this.initialLearningRate = finite('ExponentialDecay', 'initialLearningRate', options.initialLearningRate);
    this.decaySteps = positive('ExponentialDecay', 'decaySteps', options.decaySteps);
    this.decayRate = finite('ExponentialDecay', 'decayRate', options.decayRate);
    this.staircase = options.staircase ?? false;
  }

  call(step: number): number {
    let p = step / this.decaySteps;
    if (this.staircase) p = Math.floor(p);
    return this.initialLearningRate * this.decayRate ** p;
  }

  getConfig(): Record<string, unknown> {
    return { initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, decayRate: this.decayRate, staircase: this.staircase, name: this.name };
  }
}

export interface CosineDecayOptions extends ScheduleOptions {
  initialLearningRate: number;
  /** Steps of the cosine decay (after the warmup), > 0. */
  decaySteps: number;
  /** The final learning rate as a fraction of the decay's starting rate (default 0). */
  alpha?: number;
  /** With a target, the rate first rises linearly from initialLearningRate to it over warmupSteps. */
  warmupTarget?: number | null;
  /** Default 0. */
  warmupSteps?: number;
}

/**
 * Cosine decay (Loshchilov & Hutter, SGDR), optionally after a linear warmup. Without warmup:
 * `lr0 * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decaySteps) / decaySteps)) + alpha)`.
 * With `warmupTarget`, the rate goes from `initialLearningRate` to `warmupTarget` over
 * `warmupSteps`, then decays from `warmupTarget` as above.
 *
 * @example
 * const schedule = new CosineDecay({ initialLearningRate: 0, decaySteps: 1000, warmupTarget: 1e-3, warmupSteps: 100 });
 */
export class CosineDecay extends LearningRateSchedule {
  readonly className = 'CosineDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;

  constructor(options: CosineDecayOptions) {
    super(options?.name);
    checkKeys('CosineDecay', options, ['initialLearningRate', 'decaySteps', 'alpha', 'warmupTarget', 'warmupSteps']);
    this.initialLearningRate = finite('CosineDecay', 'initialLearningRate', options.initialLearningRate);
    this.decaySteps = positive('CosineDecay', 'decaySteps', options.decaySteps);
    this.alpha = finite('CosineDecay', 'alpha', options.alpha ?? 0);
    this.warmupTarget = options.warmupTarget == null ? null : finite('CosineDecay', 'warmupTarget', options.warmupTarget);
    this.warmupSteps = options.warmupSteps ?? 0;
    if (!Number.isFinite(this.warmupSteps) || this.warmupSteps < 0) {
      throw new Error(`CosineDecay: argument \`warmupSteps\` must be >= 0. Received: warmupSteps=${String(options.warmupSteps)}`);
    }
  }

  call(step: number): number {
    if (this.warmupTarget === null) return this.decay(Math.min(step, this.decaySteps), this.initialLearningRate);
    const clamped = Math.min(step, this.decaySteps + this.warmupSteps);
    if (clamped < this.warmupSteps) {
      return (this.warmupTarget - this.initialLearningRate) * (clamped / this.warmupSteps) + this.initialLearningRate;
    }
    return this.decay(clamped - this.warmupSteps, this.warmupTarget);
  }

  getConfig(): Record<string, unknown> {
    return {
      initialLearningRate: this.initialLearningRate,
      decaySteps: this.decaySteps,
      alpha: this.alpha,
      warmupTarget: this.warmupTarget,
      warmupSteps: this.warmupSteps,
      name: this.name,
    };
  }

  private decay(step: number, from: number): number {
    const cosine = 0.5 * (1 + Math.cos((Math.PI * step) / this.decaySteps));
    return from * ((1 - this.alpha) * cosine + this.alpha);
  }
}

export interface PiecewiseConstantDecayOptions extends ScheduleOptions {
  /** Strictly increasing step counts. */
  boundaries: number[];
  /** One more value than boundaries. */
  values: number[];
}

/**
 * `values[0]` while `step <= boundaries[0]`, `values[i]` while
 * `boundaries[i - 1] < step <= boundaries[i]`, and the last value after the last boundary.
 *
 * @example
 * // 1.0 for the first 100001 steps, 0.5 for the next 10000, then 0.1.
 * const schedule = new PiecewiseConstantDecay({ boundaries: [100000, 110000], values: [1.0, 0.5, 0.1] });
 */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  readonly className = 'PiecewiseConstantDecay';

  protected override get defaultName(): string {
    return 'PiecewiseConstant';
  }

  readonly boundaries: readonly number[];
  readonly values: readonly number[];

  constructor(options: PiecewiseConstantDecayOptions) {
    super(options?.name);
    checkKeys('PiecewiseConstantDecay', options, ['boundaries', 'values']);
    const { boundaries, values } = options;
    if (!Array.isArray(boundaries) || !Array.isArray(values) || boundaries.length !== values.length - 1) {
      throw new Error(
        'PiecewiseConstantDecay: the length of boundaries should be 1 less than the length of values. ' +
          `Received: boundaries=${JSON.stringify(boundaries)} and values=${JSON.stringify(values)}.`,
      );
    }
    if (boundaries.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= boundaries[i - 1]))) {
      throw new Error(`PiecewiseConstantDecay: boundaries must be finite and strictly increasing. Received: boundaries=${JSON.stringify(boundaries)}`);
    }
    this.boundaries = Object.freeze([...boundaries]);
    this.values = Object.freeze([...values]);
  }

  call(step: number): number {
    const index = this.boundaries.findIndex((b) => step <= b);
    return this.values[index === -1 ? this.values.length - 1 : index];
  }

  getConfig(): Record<string, unknown> {
    return { boundaries: [...this.boundaries], values: [...this.values], name: this.name };
  }
}

export interface PolynomialDecayOptions extends ScheduleOptions {
  initialLearningRate: number;
  /** Must be > 0. */
  decaySteps: number;
  /** Default 1e-4. */
  endLearningRate?: number;
  /** Default 1 (linear). */
  power?: number;
  /** Decay again over each following multiple of decaySteps instead of staying at the end rate (default false). */
  cycle?: boolean;
}

/**
 * `(initialLearningRate - endLearningRate) * (1 - step / decaySteps) ^ power + endLearningRate`,
 * the step capped at `decaySteps`; with `cycle`, `decaySteps` becomes the first multiple of it
 * that is >= the step (decaySteps itself at step 0).
 *
 * @example
 * // From 0.1 to 0.01 over 10000 steps, along a square root.
 * const schedule = new PolynomialDecay({ initialLearningRate: 0.1, decaySteps: 10000, endLearningRate: 0.01, power: 0.5 });
 */
export class PolynomialDecay extends LearningRateSchedule {
  readonly className = 'PolynomialDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly endLearningRate: number;
  readonly power: number;
  readonly cycle: boolean;

  constructor(options: PolynomialDecayOptions) {
    super(options?.name);
    checkKeys('PolynomialDecay', options, ['initialLearningRate', 'decaySteps', 'endLearningRate', 'power', 'cycle']);
    this.initialLearningRate = finite('PolynomialDecay', 'initialLearningRate', options.initialLearningRate);
    this.decaySteps = positive('PolynomialDecay', 'decaySteps', options.decaySteps);
    this.endLearningRate = finite('PolynomialDecay', 'endLearningRate', options.endLearningRate ?? 1e-4);
    this.power = finite('PolynomialDecay', 'power', options.power ?? 1);
    this.cycle = options.cycle ?? false;
  }

  call(step: number): number {
    let decaySteps = this.decaySteps;
    if (this.cycle) decaySteps *= step === 0 ? 1 : Math.ceil(step / this.decaySteps);
    else step = Math.min(step, decaySteps);
    return (this.initialLearningRate - this.endLearningRate) * (1 - step / decaySteps) ** this.power + this.endLearningRate;
  }

  getConfig(): Record<string, unknown> {
    return {
      initialLearningRate: this.initialLearningRate,
      decaySteps: this.decaySteps,
      endLearningRate: this.endLearningRate,
      power: this.power,
      cycle: this.cycle,
      name: this.name,
    };
  }
}

export interface InverseTimeDecayOptions extends ScheduleOptions {
  initialLearningRate: number;
  /** Must be > 0. */
  decaySteps: number;
  decayRate: number;
  /** Decay at whole multiples of decaySteps only (default false). */
  staircase?: boolean;
}

/**
 * `initialLearningRate / (1 + decayRate * step / decaySteps)`, with `floor(step / decaySteps)`
 * when `staircase`.
 *
 * @example
 * // 1/t decay: 0.1, 0.0667, 0.05, ... at steps 0, 1, 2.
 * const schedule = new InverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 });
 */
export class InverseTimeDecay extends LearningRateSchedule {
  readonly className = 'InverseTimeDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;

  constructor(options: InverseTimeDecayOptions) {
    super(options?.name);
    checkKeys('InverseTimeDecay', options, ['initialLearningRate', 'decaySteps', 'decayRate', 'staircase']);
    this.initialLearningRate = finite('InverseTimeDecay', 'initialLearningRate', options.initialLearningRate);
    this.decaySteps = positive('InverseTimeDecay', 'decaySteps', options.decaySteps);
    this.decayRate = finite('InverseTimeDecay', 'decayRate', options.decayRate);
    this.staircase = options.staircase ?? false;
  }

  call(step: number): number {
    let p = step / this.decaySteps;
    if (this.staircase) p = Math.floor(p);
    return this.initialLearningRate / (1 + this.decayRate * p);
  }

  getConfig(): Record<string, unknown> {
    return { initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, decayRate: this.decayRate, staircase: this.staircase, name: this.name };
  }
}

export interface CosineDecayRestartsOptions extends ScheduleOptions {
  initialLearningRate: number;
  /** Steps of the first period, > 0. */
  firstDecaySteps: number;
  /** Each period is tMul times as long as the one before (default 2, > 0). */
  tMul?: number;
  /** Each period starts at mMul times the rate the one before started at (default 1). */
  mMul?: number;
  /** The rate at the end of a period as a fraction of initialLearningRate (default 0). */
  alpha?: number;
}

/**
 * Cosine decay with warm restarts (SGDR, Loshchilov & Hutter): in period `i` (from 0), of
 * `firstDecaySteps * tMul^i` steps, the rate is
 * `lr0 * ((1 - alpha) * mMul^i * 0.5 * (1 + cos(pi * t)) + alpha)`, `t` the fraction of the period
 * done. With `tMul < 1` the periods end after `firstDecaySteps / (1 - tMul)` steps, and a later
 * step is an error (Keras gives NaN).
 *
 * @example
 * // Periods of 1000, 2000, 4000, ... steps, each from 0.1 down to 0.
 * const schedule = new CosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 1000 });
 */
export class CosineDecayRestarts extends LearningRateSchedule {
  readonly className = 'CosineDecayRestarts';

  protected override get defaultName(): string {
    return 'SGDRDecay';
  }

  readonly initialLearningRate: number;
  readonly firstDecaySteps: number;
  readonly tMul: number;
  readonly mMul: number;
  readonly alpha: number;

  constructor(options: CosineDecayRestartsOptions) {
    super(options?.name);
    checkKeys('CosineDecayRestarts', options, ['initialLearningRate', 'firstDecaySteps', 'tMul', 'mMul', 'alpha']);
    this.initialLearningRate = finite('CosineDecayRestarts', 'initialLearningRate', options.initialLearningRate);
    this.firstDecaySteps = positive('CosineDecayRestarts', 'firstDecaySteps', options.firstDecaySteps);
    this.tMul = positive('CosineDecayRestarts', 'tMul', options.tMul ?? 2);
    this.mMul = finite('CosineDecayRestarts', 'mMul', options.mMul ?? 1);
    this.alpha = finite('CosineDecayRestarts', 'alpha', options.alpha ?? 0);
  }

  call(step: number): number {
    const [restart, fraction] = this.period(step / this.firstDecaySteps);
    const cosine = 0.5 * this.mMul ** restart * (1 + Math.cos(Math.PI * fraction));
    return this.initialLearningRate * ((1 - this.alpha) * cosine + this.alpha);
  }

  getConfig(): Record<string, unknown> {
    return { initialLearningRate: this.initialLearningRate, firstDecaySteps: this.firstDecaySteps, tMul: this.tMul, mMul: this.mMul, alpha: this.alpha, name: this.name };
  }

  /**
   * The period that `done` (steps over firstDecaySteps) falls in and the fraction of it done.
   * Keras's closed form, then corrected by one where the logarithms round across a restart.
   */
  private period(done: number): [number, number] {
    const t = this.tMul;
    if (t === 1) return [Math.floor(done), done - Math.floor(done)];
    const start = (i: number) => (1 - t ** i) / (1 - t);
    if (t < 1 && done >= 1 / (1 - t)) {
      throw new Error(
        `CosineDecayRestarts: with tMul=${t} < 1 the periods end after ${this.firstDecaySteps / (1 - t)} steps. Received: step=${done * this.firstDecaySteps}`,
      );
    }
    let restart = Math.max(0, Math.floor(Math.log(1 - done * (1 - t)) / Math.log(t)));
    while (start(restart + 1) <= done) restart++;
    while (restart > 0 && start(restart) > done) restart--;
    return [restart, (done - start(restart)) / t ** restart];
  }
}

/**
 * Same as `new ExponentialDecay(options)`.
 *
 * @example
 * const optimizer = new Adam({ learningRate: exponentialDecay({ initialLearningRate: 1e-3, decaySteps: 100, decayRate: 0.5 }) });
 */
export function exponentialDecay(options: ExponentialDecayOptions): ExponentialDecay {
  return new ExponentialDecay(options);
}

/**
 * Same as `new CosineDecay(options)`.
 *
 * @example
 * const optimizer = new SGD({ learningRate: cosineDecay({ initialLearningRate: 0.1, decaySteps: 500 }) });
 */
export function cosineDecay(options: CosineDecayOptions): CosineDecay {
  return new CosineDecay(options);
}

/**
 * Same as `new PiecewiseConstantDecay({ boundaries, values })`.
 *
 * @example
 * const optimizer = new SGD({ learningRate: piecewiseConstant([1000], [0.1, 0.01]) });
 */
export function piecewiseConstant(boundaries: number[], values: number[]): PiecewiseConstantDecay {
  return new PiecewiseConstantDecay({ boundaries, values });
}

/**
 * Same as `new PolynomialDecay(options)`.
 *
 * @example
 * const optimizer = new SGD({ learningRate: polynomialDecay({ initialLearningRate: 0.1, decaySteps: 1000, endLearningRate: 0.001 }) });
 */
export function polynomialDecay(options: PolynomialDecayOptions): PolynomialDecay {
  return new PolynomialDecay(options);
}

/**
 * Same as `new InverseTimeDecay(options)`.
 *
 * @example
 * const optimizer = new SGD({ learningRate: inverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 100, decayRate: 0.5 }) });
 */
export function inverseTimeDecay(options: InverseTimeDecayOptions): InverseTimeDecay {
  return new InverseTimeDecay(options);
}

/**
 * Same as `new CosineDecayRestarts(options)`.
 *
 * @example
 * const optimizer = new SGD({ learningRate: cosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 500 }) });
 */
export function cosineDecayRestarts(options: CosineDecayRestartsOptions): CosineDecayRestarts {
  return new CosineDecayRestarts(options);
}

const SCHEDULES: Record<string, new (config: never) => LearningRateSchedule> = {
  ExponentialDecay,
  CosineDecay,
  PiecewiseConstantDecay,
  PolynomialDecay,
  InverseTimeDecay,
  CosineDecayRestarts,
};

/**
 * Rebuilds a built-in schedule from `schedule.serialize()`.
 *
 * @example
 * const copy = scheduleFromConfig(new CosineDecay({ initialLearningRate: 0.1, decaySteps: 10 }).serialize());
 */
export function scheduleFromConfig(serialized: ScheduleConfig): LearningRateSchedule {
  const Schedule = SCHEDULES[serialized?.className];
  if (!Schedule) {
    throw new Error(`Unknown learning rate schedule: '${String(serialized?.className)}'. Expected one of ${JSON.stringify(Object.keys(SCHEDULES))}.`);
  }
  return new Schedule(serialized.config as never);
}

function checkKeys(className: string, options: object, allowed: readonly string[]): void {
  if (options === null || typeof options !== 'object') throw new Error(`${className}: expected an options object, got ${options === null ? 'null' : typeof options}.`);
  checkOptionNames(className, options, Object.fromEntries([...allowed, 'name'].map((name) => [name, true as const])));
}

function finite(className: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${className}: argument \`${name}\` must be a finite number. Received: ${name}=${String(value)}`);
  }
  return value;
}

function positive(className: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new Error(`${className}: argument \`${name}\` must be > 0. Received: ${name}=${String(value)}`);
  }
  return value;
}
