// Weight constraints (keras/src/constraints/constraints.py): projections that the optimizer
// applies to a variable's new value after each update (Keras 3's `variable.constraint`), such as
// keeping a kernel non-negative or the norm of each of its columns bounded. Each is a few ops
// (square, sum with keepDims, sqrt, clip, maximum), so it runs as the backend's kernels and is
// traced into compiled training steps with the update itself. Nothing here assigns a variable:
// `Layer.addWeight` attaches the constraint and the optimizer applies it.

import { epsilon } from '../backend/config';
import { formatShape } from '../backend/types';
import { checkOptionNames } from '../ops/validate';
import type { Tensor } from '../tensor/tensor';
import { canonicalName } from './initializers';
import { getCustomObject, getRegisteredName, registrationHint, withCustomObjects, type CustomObjects } from '../io/object_registration';

/**
 * Base class of weight constraints, and the identity constraint. A subclass overrides `apply`,
 * which takes a weight's value and returns its projection (same shape and dtype), and `getConfig`
 * when it has options. A layer takes one as `kernelConstraint` (and the like), or `addWeight`
 * as `constraint`; the optimizer then replaces the weight by `apply(weight)` after each update.
 *
 * @example
 * class NonNegative extends constraints.Constraint {
 *   override apply(w: Tensor) { return w.mul(w.greaterEqual(0).cast('float32')); }
 * }
 * new layers.Dense({ units: 4, kernelConstraint: new NonNegative() });
 */
export class Constraint {
  /** The name a saved config records: the class's (the built-ins fix theirs, which minifiers would rename). */
  readonly className: string;

  constructor() {
    this.className = new.target === Constraint ? 'Constraint' : new.target.name;
  }

  /** The projection of `w` (Keras's `__call__`); the base class returns `w` unchanged. */
  apply(w: Tensor): Tensor {
    return w;
  }

  /** The options that rebuild the constraint through `getConstraint({ className, config })`. */
  getConfig(): Record<string, unknown> {
    return {};
  }

  /**
   * Throws when the constraint cannot apply to a weight of this shape (an axis out of range).
   * `addWeight` calls it, so that a bad axis fails when the layer builds rather than at the first
   * training step. The base class accepts any shape.
   */
  checkShape(_shape: readonly number[], _weightName = 'the weight'): void {}
}

/** The axes a norm is taken over: one axis, several, or null for the whole weight. */
export type NormAxis = number | readonly number[] | null;

/** What MaxNorm, MinMaxNorm and UnitNorm share: the L2 norms of `w` over `axis`, kept as size-1 axes. */
abstract class NormConstraint extends Constraint {
  readonly axis: number | number[] | null;

  protected constructor(className: string, axis: NormAxis) {
    super();
    this.axis = checkAxis(className, axis);
  }

  override checkShape(shape: readonly number[], weightName = 'the weight'): void {
    const rank = shape.length;
    const axes = this.axis === null ? [] : typeof this.axis === 'number' ? [this.axis] : this.axis;
    const normalized = axes.map((axis) => {
      if (axis < -rank || axis >= rank) {
        throw new Error(`${this.className}: axis ${axis} is out of range for ${weightName} of shape ${formatShape(shape)}; expected axes in [${-rank}, ${rank - 1}].`);
      }
      return axis < 0 ? axis + rank : axis;
    });
    if (new Set(normalized).size !== normalized.length) {
      throw new Error(`${this.className}: axes [${axes.join(', ')}] name the same axis twice for ${weightName} of shape ${formatShape(shape)}.`);
    }
  }

  /** sqrt(sum(w^2, axis, keepdims)), as Keras computes it. */
  protected norms(w: Tensor): Tensor {
    this.checkShape(w.shape);
    return w.square().sum(this.axis ?? undefined, true).sqrt();
  }

  protected axisConfig(): number | number[] | null {
    return Array.isArray(this.axis) ? [...this.axis] : this.axis;
  }
}

export interface MaxNormOptions {
  /** The largest norm allowed (default 2). */
  maxValue?: number;
  /**
   * The axes the norm is taken over (default 0): for a Dense kernel [inputDim, units], 0 bounds
   * each unit's incoming weights; for a Conv2D kernel [height, width, inChannels, filters],
   * [0, 1, 2] bounds each filter. null takes one norm over the whole weight.
   */
  axis?: NormAxis;
}

/**
 * Scales the weights incident to each unit down to a norm of at most `maxValue`:
 * `w * clip(norms, 0, maxValue) / (epsilon + norms)` with `norms` the L2 norms over `axis`.
 *
 * @example
 * new layers.Dense({ units: 64, kernelConstraint: new constraints.MaxNorm({ maxValue: 3 }) });
 * new layers.Conv2D({ filters: 8, kernelSize: 3, kernelConstraint: constraints.maxNorm(2, [0, 1, 2]) });
 */
export class MaxNorm extends NormConstraint {
  override readonly className = 'MaxNorm';
  readonly maxValue: number;

  constructor(options: MaxNormOptions = {}) {
    checkOptions('MaxNorm', options, { maxValue: true, axis: true } satisfies Record<keyof MaxNormOptions, true>);
    super('MaxNorm', options.axis === undefined ? 0 : options.axis);
    this.maxValue = checkNonNegative('MaxNorm', 'maxValue', options.maxValue ?? 2);
  }

  override apply(w: Tensor): Tensor {
    const norms = this.norms(w);
    const desired = norms.clip(0, this.maxValue);
    return w.mul(desired.div(norms.add(epsilon())));
  }

  override getConfig(): Record<string, unknown> {
    return { maxValue: this.maxValue, axis: this.axisConfig() };
  }
}

export interface MinMaxNormOptions {
  /** The smallest norm allowed (default 0). */
  minValue?: number;
  /** The largest norm allowed (default 1). */
  maxValue?: number;
  /**
   * How strictly the bounds are enforced, in [0, 1] (default 1): the norms become
   * `rate * clip(norms, minValue, maxValue) + (1 - rate) * norms`, so below 1 each step moves
   * them only part of the way into the interval.
   */
  rate?: number;
  /** The axes the norm is taken over (default 0), as for MaxNorm. */
  axis?: NormAxis;
}

/**
 * Rescales the weights incident to each unit to a norm between `minValue` and `maxValue`:
 * `w * desired / (epsilon + norms)` with
 * `desired = rate * clip(norms, minValue, maxValue) + (1 - rate) * norms`.
 *
 * @example
 * new layers.Dense({ units: 64, kernelConstraint: new constraints.MinMaxNorm({ minValue: 0.5, maxValue: 1, rate: 0.5 }) });
 */
export class MinMaxNorm extends NormConstraint {
  override readonly className = 'MinMaxNorm';
  readonly minValue: number;
  readonly maxValue: number;
  readonly rate: number;

  constructor(options: MinMaxNormOptions = {}) {
    checkOptions('MinMaxNorm', options, { minValue: true, maxValue: true, rate: true, axis: true } satisfies Record<keyof MinMaxNormOptions, true>);
    super('MinMaxNorm', options.axis === undefined ? 0 : options.axis);
    this.minValue = checkNonNegative('MinMaxNorm', 'minValue', options.minValue ?? 0);
    this.maxValue = checkNonNegative('MinMaxNorm', 'maxValue', options.maxValue ?? 1);
    if (this.minValue > this.maxValue) {
      throw new Error(`MinMaxNorm: minValue must not exceed maxValue. Received: minValue=${this.minValue}, maxValue=${this.maxValue}`);
    }
    const rate = options.rate ?? 1;
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
      throw new Error(`MinMaxNorm: invalid value for argument rate. Expected a number in [0, 1]. Received: rate=${String(rate)}`);
    }
    this.rate = rate;
  }

  override apply(w: Tensor): Tensor {
    const norms = this.norms(w);
    const desired = norms.clip(this.minValue, this.maxValue).mul(this.rate).add(norms.mul(1 - this.rate));
    return w.mul(desired.div(norms.add(epsilon())));
  }

  override getConfig(): Record<string, unknown> {
    return { minValue: this.minValue, maxValue: this.maxValue, rate: this.rate, axis: this.axisConfig() };
  }
}

/**
 * Constrains the weights to be non-negative: `maximum(w, 0)`.
 *
 * @example
 * new layers.Dense({ units: 8, kernelConstraint: 'non_neg' });
 */
export class NonNeg extends Constraint {
  override readonly className = 'NonNeg';

  constructor(options: Record<string, never> = {}) {
    super();
    checkOptions('NonNeg', options, {});
  }

  override apply(w: Tensor): Tensor {
    return w.maximum(0);
  }
}

export interface UnitNormOptions {
  /** The axes the norm is taken over (default 0), as for MaxNorm. */
  axis?: NormAxis;
}

/**
 * Scales the weights incident to each unit to unit norm: `w / (epsilon + norms)`.
 *
 * @example
 * new layers.Dense({ units: 8, kernelConstraint: new constraints.UnitNorm({ axis: 0 }) });
 */
export class UnitNorm extends NormConstraint {
  override readonly className = 'UnitNorm';

  constructor(options: UnitNormOptions = {}) {
    checkOptions('UnitNorm', options, { axis: true } satisfies Record<keyof UnitNormOptions, true>);
    super('UnitNorm', options.axis === undefined ? 0 : options.axis);
  }

  override apply(w: Tensor): Tensor {
    return w.div(this.norms(w).add(epsilon()));
  }

  override getConfig(): Record<string, unknown> {
    return { axis: this.axisConfig() };
  }
}

/** `new MaxNorm({ maxValue, axis })` (Keras's `max_norm`). */
export const maxNorm = (maxValue = 2, axis: NormAxis = 0) => new MaxNorm({ maxValue, axis });
/** `new MinMaxNorm(options)` (Keras's `min_max_norm`). */
export const minMaxNorm = (options: MinMaxNormOptions = {}) => new MinMaxNorm(options);
/** `new NonNeg()` (Keras's `non_neg`). */
export const nonNeg = () => new NonNeg();
/** `new UnitNorm({ axis })` (Keras's `unit_norm`). */
export const unitNorm = (axis: NormAxis = 0) => new UnitNorm({ axis });

type ConstraintClass = new (options?: never) => Constraint;

/** The built-in constraints by canonical name (camelCase of Keras's snake_case names). */
const CONSTRAINTS: Record<string, ConstraintClass> = {
  maxNorm: MaxNorm,
  minMaxNorm: MinMaxNorm,
  nonNeg: NonNeg,
  unitNorm: UnitNorm,
  constraint: Constraint,
};

/** A constraint by name ('max_norm', 'maxNorm', 'MaxNorm', ...), as `{ className, config }`, or an instance. */
export type ConstraintIdentifier = string | Constraint | { className: string; config?: Record<string, unknown> };

/**
 * The constraint an identifier names: an instance as is; a name (camelCase, snake_case or the
 * class name) with its default options; `{ className, config }` (what `serializeConstraint` and
 * `getConfig` give) with those options.
 *
 * @example
 * constraints.getConstraint('max_norm');                                            // MaxNorm, maxValue 2, axis 0
 * constraints.getConstraint({ className: 'MaxNorm', config: { maxValue: 1, axis: [0, 1, 2] } });
 */
export function getConstraint(identifier: ConstraintIdentifier): Constraint {
  if (identifier instanceof Constraint) return identifier;
  const isObject = identifier !== null && typeof identifier === 'object';
  const name = typeof identifier === 'string' ? identifier : isObject ? (identifier as { className?: unknown }).className : undefined;
  if (typeof name !== 'string') {
    throw new Error(`Could not interpret constraint identifier: ${describe(identifier)}. Expected a Constraint, one of the names ${knownNames()}, or { className, config }.`);
  }
  const config = isObject ? (identifier as { config?: Record<string, unknown> }).config : undefined;
  const custom = getCustomObject(name);
  if (typeof custom === 'function' && custom.prototype instanceof Constraint) {
    const cls = custom as unknown as { new (config: unknown): Constraint; fromConfig?: (config: Record<string, unknown>) => Constraint };
    return typeof cls.fromConfig === 'function' ? cls.fromConfig(config ?? {}) : new cls(config ?? {});
  }
  const Cls = CONSTRAINTS[canonicalName(name)];
  if (!Cls) throw new Error(`Unknown constraint: '${name}'. Expected one of ${knownNames()} (snake_case and class names accepted), a Constraint instance, or { className, config }. ${registrationHint(name)}`);
  return new Cls((config ?? {}) as never);
}

/** The `{ className, config }` form of a constraint, for getConfig(); a registered class is named 'package>name'. */
export function serializeConstraint(constraint: Constraint): { className: string; config: Record<string, unknown> } {
  return { className: getRegisteredName(constraint.constructor) ?? constraint.className, config: constraint.getConfig() };
}

/**
 * A constraint from a name, a `{ className, config }` record or an instance (keras.constraints.get);
 * null (no constraint) for null or undefined, as Keras's None.
 * @example constraints.get('non_neg');   // a NonNeg
 */
export function get(identifier: ConstraintIdentifier): Constraint;
export function get(identifier: ConstraintIdentifier | null | undefined): Constraint | null;
export function get(identifier: ConstraintIdentifier | null | undefined): Constraint | null {
  return identifier == null ? null : getConstraint(identifier);
}

/**
 * The `{ className, config }` record of a constraint (keras.constraints.serialize).
 * @example constraints.serialize(new constraints.MaxNorm({ maxValue: 3 }));   // { className: 'MaxNorm', config: { maxValue: 3, axis: 0 } }
 */
export const serialize = (constraint: Constraint): { className: string; config: Record<string, unknown> } => serializeConstraint(constraint);

/**
 * The constraint a saved record names, looking custom class names up in `customObjects` and the
 * registered objects (keras.constraints.deserialize).
 * @example constraints.deserialize({ className: 'UnitNorm', config: { axis: 1 } });
 */
export function deserialize(config: ConstraintIdentifier, customObjects: CustomObjects = {}): Constraint {
  return withCustomObjects(customObjects, () => getConstraint(config));
}

function knownNames(): string {
  return Object.keys(CONSTRAINTS)
    .filter((name) => name !== 'constraint')
    .join(', ');
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  return typeof value === 'object' ? JSON.stringify(value) : `${typeof value} ${String(value)}`;
}

/** Rejects a non-object, and option names the constraint does not take (with a hint for snake_case). */
function checkOptions(className: string, options: unknown, known: Record<string, true>): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(`${className}: the constructor takes one options object ({ option: value, ... }); got ${describe(options)}.`);
  }
  if (Object.keys(known).length === 0 && Object.keys(options).length > 0) {
    throw new Error(`${className}: takes no options; got ${Object.keys(options).map((key) => `'${key}'`).join(', ')}.`);
  }
  checkOptionNames(className, options, known);
}

function checkNonNegative(className: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${className}: invalid value for argument ${name}. Expected a non-negative number. Received: ${name}=${String(value)}`);
  }
  return value;
}

function checkAxis(className: string, axis: unknown): number | number[] | null {
  if (axis === null) return null;
  if (typeof axis === 'number' && Number.isInteger(axis)) return axis;
  if (Array.isArray(axis) && axis.length > 0 && axis.every((a) => typeof a === 'number' && Number.isInteger(a))) {
    if (new Set(axis).size !== axis.length) throw new Error(`${className}: invalid value for argument axis: [${axis.join(', ')}] repeats an axis.`);
    return [...(axis as number[])];
  }
  throw new Error(`${className}: invalid value for argument axis. Expected an integer, a non-empty list of integers, or null (the whole weight). Received: axis=${describe(axis)}`);
}
