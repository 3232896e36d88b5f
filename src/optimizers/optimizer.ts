// The Optimizer base class (Keras 3's BaseOptimizer): learning rate or schedule, the step count,
// gradient clipping, decoupled weight decay, lazily created slot variables, and `applyGradients`,
// which runs the fused update kernel on all the variables at once (one dispatch for as many as
// the device's storage buffer limit allows, src/optimizers/update_kernel.ts) and assigns the
// results, projected by the variables' constraints where they have one. A subclass only names its
// slots and the parameters of its update. Nothing here reads GPU data back: the step count lives
// on the CPU, clipping norms stay on the GPU.

import { Variable, type VariableConstraint } from '../autograd/variable';
import { formatShape } from '../backend/types';
import { scalar } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import { Tensor } from '../tensor/tensor';
import { stepEffect, stepGuard } from '../tensor/trace';
import { fill } from '../ops/creation';
import { clip, div } from '../ops/elementwise';
import { clone } from '../ops/clone';
import { LearningRateSchedule, scheduleFromConfig, type ScheduleConfig } from './schedules';
import { optimizerUpdates, type UpdateParams } from './update_kernel';

/** Options every optimizer accepts (Keras 3's base optimizer arguments). */
export interface OptimizerOptions {
  /** A number, or a schedule evaluated at `iterations` before each update. */
  learningRate?: number | LearningRateSchedule;
  /** Decoupled weight decay: each update first scales a variable by 1 - learningRate * weightDecay. */
  weightDecay?: number | null;
  /** Clip each gradient to this L2 norm. */
  clipnorm?: number | null;
  /** Clip each gradient element to [-clipvalue, clipvalue]. */
  clipvalue?: number | null;
  /** Scale all gradients together so that their global L2 norm is at most this. */
  globalClipnorm?: number | null;
  name?: string;
}

/** What a subclass fixes for the base class. */
export interface OptimizerDefaults {
  /** The class name that errors and configs report (minifiers rename classes). */
  className: string;
  name: string;
  learningRate: number;
  weightDecay?: number | null;
}

/** The update's parameters that a subclass gives (the base class adds the learning rate and weight decay). */
export type UpdateRule = Omit<UpdateParams, 'learningRate' | 'decayFactor'>;

const BASE_KEYS = ['learningRate', 'weightDecay', 'clipnorm', 'clipvalue', 'globalClipnorm', 'name'] as const;

/**
 * Base class of optimizers. Subclasses name their slot variables and describe their fused update;
 * `applyGradients` does the rest: it skips null gradients, checks shapes, clips, and replaces each
 * variable's value (and its slots') with the output of one update kernel, passed through the
 * variable's constraint when it has one.
 *
 * @example
 * const optimizer = new Adam({ learningRate: 1e-3 });
 * const tape = new GradientTape();
 * const loss = tape.record(() => ops.square(w.sub(target)).mean());
 * const [dw] = tape.gradient(loss, [w]);
 * tidy(() => optimizer.applyGradients([[dw, w]]));
 */
export abstract class Optimizer {
  readonly className: string;
  readonly name: string;
  /** Updates applied so far; schedules and Adam's bias corrections read it. */
  iterations = 0;
  readonly weightDecay: number | null;
  readonly clipnorm: number | null;
  readonly clipvalue: number | null;
  readonly globalClipnorm: number | null;
  private learningRateValue: number | LearningRateSchedule;
  /** Variables in the order their slots were created. */
  private readonly trackedVariables: Variable[] = [];
  private readonly slotsByVariable = new Map<Variable, Variable[]>();

  protected constructor(options: OptimizerOptions, extraKeys: readonly string[], defaults: OptimizerDefaults) {
    const className = defaults.className;
    this.className = className;
    checkOptionKeys(className, options, [...BASE_KEYS, ...extraKeys]);
    this.name = options.name ?? defaults.name;
    this.learningRateValue = checkLearningRate(className, options.learningRate ?? defaults.learningRate);
    this.weightDecay = optionalNumber(className, 'weightDecay', options.weightDecay === undefined ? (defaults.weightDecay ?? null) : options.weightDecay);
    this.clipnorm = optionalNumber(className, 'clipnorm', options.clipnorm ?? null);
    this.clipvalue = optionalNumber(className, 'clipvalue', options.clipvalue ?? null);
    this.globalClipnorm = optionalNumber(className, 'globalClipnorm', options.globalClipnorm ?? null);
    const clipArgs = [this.clipnorm, this.clipvalue, this.globalClipnorm].filter((v) => v !== null);
    if (clipArgs.length > 1) {
      throw new Error(
        `${className}: only one of \`clipnorm\`, \`clipvalue\` and \`globalClipnorm\` can be set. ` +
          `Received: clipnorm=${this.clipnorm}, clipvalue=${this.clipvalue}, globalClipnorm=${this.globalClipnorm}`,
      );
    }
  }

  /** Names of the slots kept per variable, in the order the update kernel takes them. */
  protected abstract slotNames(): string[];

  /** The algorithm and its parameters for the update at `step` (1 on the first update). */
  protected abstract updateRule(learningRate: number, step: number): UpdateRule;

  /** The value a new slot starts from (0 unless the algorithm says otherwise). */
  protected slotInitialValue(_slotName: string): number {
    return 0;
  }

  /** The learning rate as given: a number or a schedule. */
  get learningRate(): number | LearningRateSchedule {
    return this.learningRateValue;
  }

  set learningRate(value: number | LearningRateSchedule) {
    if (this.learningRateValue instanceof LearningRateSchedule && !(value instanceof LearningRateSchedule)) {
      throw new TypeError(
        `${this.className}: this optimizer was created with a LearningRateSchedule as its \`learningRate\`, ` +
          'hence its learning rate is not settable to a number. Create the optimizer with a number `learningRate` to change it.',
      );
    }
    this.learningRateValue = checkLearningRate(this.className, value);
  }

  /** The learning rate of the next update (the schedule evaluated at `iterations`). */
  get lr(): number {
    const value = this.learningRateValue;
    return value instanceof LearningRateSchedule ? value.call(this.iterations) : value;
  }

  /**
   * Updates each variable from its gradient, then counts one iteration. Null gradients are
   * skipped (their variables are left alone); at least one gradient must be given. Each update is
   * one kernel: call it inside `tidy` with the step's other work, or on its own. A variable with a
   * `constraint` takes `constraint.apply(newValue)`, as Keras 3 applies constraints after the
   * update.
   *
   * @example
   * const [dw, db] = tape.gradient(loss, [w, b]);
   * optimizer.applyGradients([[dw, w], [db, b]]);
   */
  applyGradients(gradsAndVars: ReadonlyArray<readonly [Tensor | null | undefined, Variable]>): void {
    const className = this.className;
    if (!Array.isArray(gradsAndVars)) {
      throw new Error(`${className}.applyGradients: expected an array of [gradient, variable] pairs, got ${gradsAndVars === null ? 'null' : typeof gradsAndVars}.`);
    }
    if (gradsAndVars.length === 0) return;
    const pairs: Array<[Tensor, Variable]> = [];
    gradsAndVars.forEach((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) throw new Error(`${className}.applyGradients: entry ${i} must be a [gradient, variable] pair.`);
      const [gradient, variable] = pair;
      if (!(variable instanceof Variable)) {
        throw new Error(`${className}.applyGradients: entry ${i} must pair a gradient with a Variable, got ${variable instanceof Tensor ? 'a plain Tensor (wrap it with new Variable(...))' : typeof variable}.`);
      }
      if (gradient === null || gradient === undefined) return;
      if (!(gradient instanceof Tensor)) throw new Error(`${className}.applyGradients: the gradient for variable '${variable.name}' must be a Tensor or null, got ${typeof gradient}.`);
      if (gradient.shape.length !== variable.shape.length || gradient.shape.some((d, k) => d !== variable.shape[k])) {
        throw new Error(
          `${className}.applyGradients: the gradient for variable '${variable.name}' has shape ${formatShape(gradient.shape)}, ` +
            `but the variable has shape ${formatShape(variable.shape)}.`,
        );
      }
      if (variable.dtype !== 'float32' || gradient.dtype !== 'float32') {
        throw new Error(`${className}.applyGradients: variable '${variable.name}' (${variable.dtype}) and its gradient (${gradient.dtype}) must be float32.`);
      }
      pairs.push([gradient, variable]);
    });
    if (pairs.length === 0) throw new Error(`${className}.applyGradients: no gradients provided for any variable.`);

    // A replayed training step holds while the configuration stays (a change of momentum may add
    // slots); the update's step-dependent scalars are computed again by each replay.
    stepGuard('optimizer', () => JSON.stringify(this.getConfig()));
    // The constraints' ops are traced into the step, so a replay holds while each variable keeps
    // the constraint it had (setting another, or none, traces the step again).
    const variables = pairs.map(([, variable]) => variable);
    stepGuard('variable constraints', () => variables.map((v) => constraintId(v.constraint)).join(','));
    const params = (): UpdateParams => {
      const learningRate = this.lr;
      const decayFactor = this.weightDecay ? 1 - learningRate * this.weightDecay : 1;
      return { ...this.updateRule(learningRate, this.iterations + 1), learningRate, decayFactor };
    };
    for (const [, variable] of pairs) this.slotsFor(variable);
    tidy(() => {
      const grads = this.clipGradients(pairs.map(([g]) => g));
      const members = pairs.map(([, variable], k) => ({ variable, gradient: grads[k], slots: this.slotsByVariable.get(variable)! }));
      optimizerUpdates(members, params).forEach(([value, ...slotValues], k) => {
        const { variable } = members[k];
        variable.assign(variable.constraint ? constrained(className, variable, value) : value);
        members[k].slots.forEach((slot, j) => slot.assign(slotValues[j]));
      });
    });
    stepEffect('optimizer step count', () => this.iterations++);
  }

  /** Creates the slots of these variables now rather than on their first update (e.g. before setWeights). */
  build(variables: readonly Variable[]): void {
    for (const variable of variables) this.slotsFor(variable);
  }

  /** The slot `slotName` of `variable` (e.g. 'momentum'), or undefined before its first update. */
  getSlot(variable: Variable, slotName: string): Variable | undefined {
    const index = this.slotNames().indexOf(slotName);
    return index === -1 ? undefined : this.slotsByVariable.get(variable)?.[index];
  }

  /**
   * The slot variables in the order of `getWeights` after the step count: grouped by slot name
   * (all momentums, then all velocities, ...), variables in the order they were first seen.
   */
  get variables(): Variable[] {
    return this.slotNames().flatMap((_, j) => this.trackedVariables.map((v) => this.slotsByVariable.get(v)![j]));
  }

  /**
   * The optimizer's state as new tensors (the caller disposes them): the step count (an int32
   * scalar), then the slots in the order of `variables`.
   *
   * @example
   * const state = optimizer.getWeights();
   * await restored.setWeights(state);
   */
  getWeights(): Tensor[] {
    return [scalar(this.iterations, 'int32'), ...this.variables.map((slot) => clone(slot))];
  }

  /**
   * Restores what `getWeights` returned. The slots must exist already: apply a step or call
   * `build(variables)` with the same variables in the same order first. The tensors are copied
   * by reference (tensors are immutable), so the caller may dispose them afterwards.
   */
  async setWeights(weights: readonly Tensor[]): Promise<void> {
    const className = this.className;
    const slots = this.variables;
    if (!Array.isArray(weights) || weights.length !== slots.length + 1) {
      throw new Error(
        `${className}.setWeights: expected ${slots.length + 1} tensors (the step count and ${slots.length} slots), got ${Array.isArray(weights) ? weights.length : typeof weights}.` +
          (this.trackedVariables.length === 0 && this.slotNames().length > 0 ? ' The optimizer has no slots yet: call optimizer.build(variables) first.' : ''),
      );
    }
    const [iterations, ...values] = weights;
    if (!(iterations instanceof Tensor) || iterations.size !== 1) throw new Error(`${className}.setWeights: the first tensor must be the step count, a scalar.`);
    values.forEach((value, i) => {
      const slot = slots[i];
      if (!(value instanceof Tensor) || value.shape.length !== slot.shape.length || value.shape.some((d, k) => d !== slot.shape[k])) {
        throw new Error(
          `${className}.setWeights: optimizer variable '${slot.name}' has shape ${formatShape(slot.shape)}, ` +
            `not compatible with the provided weight of shape ${value instanceof Tensor ? formatShape(value.shape) : typeof value}.`,
        );
      }
    });
    values.forEach((value, i) => slots[i].assign(value.dtype === slots[i].dtype ? value : tidy(() => value.cast(slots[i].dtype))));
    const [count] = await iterations.data();
    if (!Number.isInteger(count) || count < 0) throw new Error(`${className}.setWeights: the step count must be an integer >= 0, got ${count}.`);
    this.iterations = count;
  }

  /** The configuration, from which `fromConfig` builds an equal optimizer (without its state). */
  getConfig(): Record<string, unknown> {
    const learningRate = this.learningRateValue;
    return {
      name: this.name,
      learningRate: learningRate instanceof LearningRateSchedule ? learningRate.serialize() : learningRate,
      weightDecay: this.weightDecay,
      clipnorm: this.clipnorm,
      globalClipnorm: this.globalClipnorm,
      clipvalue: this.clipvalue,
    };
  }

  /**
   * An optimizer of this class from `getConfig()`.
   *
   * @example
   * const copy = Adam.fromConfig(adam.getConfig());
   */
  static fromConfig<T extends Optimizer>(this: new (options: never) => T, config: Record<string, unknown>): T {
    const learningRate = config.learningRate as number | ScheduleConfig | undefined;
    const options = { ...config, learningRate: learningRate !== null && typeof learningRate === 'object' ? scheduleFromConfig(learningRate) : learningRate };
    return new this(options as never);
  }

  /** Disposes the slot variables; the optimizer starts from fresh slots if used again. */
  dispose(): void {
    for (const slots of this.slotsByVariable.values()) for (const slot of slots) slot.dispose();
    this.slotsByVariable.clear();
    this.trackedVariables.length = 0;
  }

  private slotsFor(variable: Variable): Variable[] {
    let slots = this.slotsByVariable.get(variable);
    if (!slots) {
      slots = this.slotNames().map((slotName) => {
        const initial = fill(variable.shape, this.slotInitialValue(slotName), variable.dtype);
        const slot = new Variable(initial, { trainable: false, name: `${variable.name}_${slotName}` });
        initial.dispose();
        return slot;
      });
      this.slotsByVariable.set(variable, slots);
      this.trackedVariables.push(variable);
    }
    return slots;
  }

  /** Keras's clipping: per-gradient norm, global norm (computed on the device) or value. */
  private clipGradients(grads: Tensor[]): Tensor[] {
    const { clipnorm, globalClipnorm, clipvalue } = this;
    if (clipnorm !== null && clipnorm > 0) {
      return grads.map((g) => g.mul(clipnorm).div(g.square().sum().sqrt().maximum(clipnorm)));
    }
    if (globalClipnorm !== null && globalClipnorm > 0) {
      const norm = grads.map((g) => g.square().sum()).reduce((total, s) => total.add(s)).sqrt();
      // clipnorm * min(1 / norm, 1 / clipnorm), made NaN by a non-finite norm, as Keras does.
      const scale = div(1, norm).minimum(1 / globalClipnorm).mul(globalClipnorm).add(norm.sub(norm));
      return grads.map((g) => g.mul(scale));
    }
    if (clipvalue !== null && clipvalue > 0) return grads.map((g) => clip(g, -clipvalue, clipvalue));
    return grads;
  }
}

/** Identities of the constraints seen by replay guards (0: none), so that a guard compares objects, not configs. */
const constraintIds = new WeakMap<VariableConstraint, number>();
let constraintsSeen = 0;

function constraintId(constraint: VariableConstraint | null): number {
  if (constraint === null) return 0;
  let id = constraintIds.get(constraint);
  if (id === undefined) constraintIds.set(constraint, (id = ++constraintsSeen));
  return id;
}

/** The variable's constraint applied to its new value, checked to be a tensor the variable can take. */
function constrained(className: string, variable: Variable, value: Tensor): Tensor {
  const projected = variable.constraint!.apply(value);
  if (!(projected instanceof Tensor)) {
    throw new Error(`${className}.applyGradients: the constraint of variable '${variable.name}' returned ${projected === null ? 'null' : typeof projected}; its apply(w) must return a Tensor.`);
  }
  return projected;
}

/** @internal Rejects option names the optimizer does not know, as Keras does. */
export function checkOptionKeys(className: string, options: object, allowed: readonly string[]): void {
  if (options === null || typeof options !== 'object') throw new Error(`${className}: expected an options object, got ${options === null ? 'null' : typeof options}.`);
  const unknown = Object.keys(options).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw new Error(`${className}: argument(s) not recognized: ${unknown.join(', ')}. Expected some of ${allowed.join(', ')}.`);
}

/** @internal A number option within [min, max]. */
export function numberOption(className: string, name: string, value: unknown, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new Error(`${className}: argument \`${name}\` must be a number ${range}. Received: ${name}=${String(value)}`);
  }
  return value;
}

/** @internal A boolean option. */
export function booleanOption(className: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new Error(`${className}: argument \`${name}\` must be a boolean. Received: ${name}=${String(value)}`);
  return value;
}

function optionalNumber(className: string, name: string, value: unknown): number | null {
  return value === null ? null : numberOption(className, name, value, 0);
}

function checkLearningRate(className: string, value: unknown): number | LearningRateSchedule {
  if (value instanceof LearningRateSchedule) return value;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(
      `${className}: argument \`learningRate\` should be a number >= 0 or a LearningRateSchedule. Received instead: learningRate=${String(value)}`,
    );
  }
  return value;
}
