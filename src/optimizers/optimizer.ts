// The Optimizer base class (Keras 3's BaseOptimizer): learning rate or schedule, the step count,
// gradient clipping, decoupled weight decay (with exclusions), gradient accumulation, an
// exponential moving average of the weights, lazily created slot variables, and `applyGradients`,
// which runs the fused update kernel on all the variables at once (one dispatch for as many as
// the device's storage buffer limit allows, src/optimizers/update_kernel.ts) or a subclass's
// `updateStep` made of ops, and assigns the results, projected by the variables' constraints where
// they have one. A subclass names its slots and the parameters of its update (or its updateStep).
// Nothing here reads GPU data back: the step count lives on the CPU, clipping norms stay on the
// GPU, and Keras's `ops.cond` on the step (accumulate or apply, overwrite with the average or not)
// is a `where` on a step-dependent flag, so every step runs the same program and replays.

import { Variable, type VariableConstraint } from '../autograd/variable';
import { formatShape } from '../backend/types';
import { scalar, stepDependentValues } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import { Tensor } from '../tensor/tensor';
import { stepEffect, stepGuard } from '../tensor/trace';
import { fill } from '../ops/creation';
import { clip, div, sub, where } from '../ops/elementwise';
import { clone } from '../ops/clone';
import { reshape } from '../ops/shape';
import { checkOptionNames } from '../ops/validate';
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
  /** Keep an exponential moving average of the weights (slot 'average'; default false). */
  useEma?: boolean;
  /** The average's momentum: `average = emaMomentum * average + (1 - emaMomentum) * w` (default 0.99). */
  emaMomentum?: number;
  /** With useEma, overwrite the weights with their average every this many updates (default null: only at the end of fit). */
  emaOverwriteFrequency?: number | null;
  /**
   * Sum the gradients of this many calls (an integer >= 2; slot 'gradient_accumulator') and update
   * on every last one with their mean (default null: update at every call).
   */
  gradientAccumulationSteps?: number | null;
  /**
   * Multiply the loss by this before the gradients are taken (`scaleLoss`, which the default
   * trainStep calls) and divide the gradients by it before the update (default null: no scaling).
   */
  lossScaleFactor?: number | null;
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

const BASE_KEYS = ['learningRate', 'weightDecay', 'clipnorm', 'clipvalue', 'globalClipnorm', 'useEma', 'emaMomentum', 'emaOverwriteFrequency', 'gradientAccumulationSteps', 'lossScaleFactor', 'name'] as const;

/** The slots that the base class adds for gradient accumulation and the moving average, Keras's names. */
const ACCUMULATOR = 'gradient_accumulator';
const AVERAGE = 'average';

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
  /**
   * Calls of applyGradients so far (Keras's `_iterations`, what is saved); schedules read it. With
   * gradientAccumulationSteps, `updates` counts the updates applied.
   */
  iterations = 0;
  readonly weightDecay: number | null;
  readonly clipnorm: number | null;
  readonly clipvalue: number | null;
  readonly globalClipnorm: number | null;
  readonly useEma: boolean;
  readonly emaMomentum: number;
  readonly emaOverwriteFrequency: number | null;
  readonly gradientAccumulationSteps: number | null;
  readonly lossScaleFactor: number | null;
  private learningRateValue: number | LearningRateSchedule;
  /** Variables that take no weight decay, and the pattern of names that take none (excludeFromWeightDecay). */
  private decayExclusions: { variables: Set<Variable>; names: RegExp | null } = { variables: new Set(), names: null };
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
    this.useEma = booleanOption(className, 'useEma', options.useEma ?? false);
    this.emaMomentum = numberOption(className, 'emaMomentum', options.emaMomentum ?? 0.99, 0, 1);
    this.emaOverwriteFrequency = optionalInteger(className, 'emaOverwriteFrequency', options.emaOverwriteFrequency ?? null, 1);
    this.gradientAccumulationSteps = optionalInteger(className, 'gradientAccumulationSteps', options.gradientAccumulationSteps ?? null, 2);
    this.lossScaleFactor = optionalNumber(className, 'lossScaleFactor', options.lossScaleFactor ?? null);
    if (this.lossScaleFactor === 0) throw new Error(`${className}: argument \`lossScaleFactor\` must be > 0 or null. Received: lossScaleFactor=0`);
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

  /**
   * The algorithm and its parameters for the fused update at `step` (1 on the first update). A
   * subclass that writes its update with ops overrides `updateStep` instead.
   */
  protected updateRule(_learningRate: number, _step: number): UpdateRule {
    throw new Error(`${this.className}: an Optimizer subclass must override updateRule (a fused update) or updateStep (an update made of ops).`);
  }

  /**
   * Keras's `update_step`: when a subclass defines it, each variable is updated by it instead of
   * the fused kernel, with ops and `assign` (the slots of `slotNames()` come from `getSlot`).
   * `learningRate` is a float32 scalar tensor; the ops are traced into compiled training steps,
   * so whatever changes from step to step must come from tensors (the learning rate, the slots,
   * or `stepScalar`), not from numbers read on the CPU. Weight decay, clipping, gradient
   * accumulation, the moving average and constraints are the base class's, as for fused updates.
   *
   * @example
   * class MomentumSGD extends Optimizer {
   *   constructor(options: OptimizerOptions = {}) { super(options, [], { className: 'MomentumSGD', name: 'momentum_sgd', learningRate: 0.01 }); }
   *   protected slotNames() { return ['momentum']; }
   *   override updateStep(gradient: Tensor, variable: Variable, learningRate: Tensor) {
   *     const m = this.getSlot(variable, 'momentum')!;
   *     m.assign(m.mul(0.9).sub(gradient.mul(learningRate)));
   *     variable.assign(variable.add(m));
   *   }
   * }
   */
  updateStep?(gradient: Tensor, variable: Variable, learningRate: Tensor): void;

  /**
   * A float32 scalar tensor of `compute()`, computed again by every replay of a compiled training
   * step (for an `updateStep` that depends on the step count, say).
   *
   * @example
   * const step = this.stepScalar(() => this.iterations + 1);
   */
  protected stepScalar(compute: () => number): Tensor {
    return stepDependentValues(() => Float32Array.of(compute()), [], 'float32');
  }

  /** The updates applied so far: `iterations`, divided by `gradientAccumulationSteps` when set (Keras's `iterations`). */
  get updates(): number {
    const steps = this.gradientAccumulationSteps;
    return steps === null ? this.iterations : Math.floor(this.iterations / steps);
  }

  /** The value a new slot starts from (0 unless the algorithm says otherwise). */
  protected slotInitialValue(_slotName: string): number {
    return 0;
  }

  /** The shape of a variable's slot: the variable's own unless the algorithm keeps less (Adafactor's factored moments). */
  protected slotShape(_slotName: string, variable: Variable): readonly number[] {
    return variable.shape;
  }

  /**
   * The loss whose gradients this optimizer applies (Keras's `scale_loss`): the loss times
   * `lossScaleFactor` when set, else the loss itself; LossScaleOptimizer multiplies it by its loss scale. The default `trainStep` calls it inside its
   * tape; a custom trainStep that may run with a LossScaleOptimizer calls it too.
   *
   * @example
   * const grads = tape.gradient(optimizer.scaleLoss(loss), variables);   // loss scaled inside tape.record
   */
  scaleLoss(loss: Tensor): Tensor {
    return this.lossScaleFactor === null ? loss : loss.mul(this.lossScaleFactor);
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
    checkGradientPairs(`${this.className}.applyGradients`, gradsAndVars);
    if (gradsAndVars.length === 0) return;
    // As Keras 3: applyGradients is apply on the two lists, so a subclass that overrides apply
    // (to change the gradients, say) sees every update, fit's included.
    this.apply(
      gradsAndVars.map(([gradient]) => gradient),
      gradsAndVars.map(([, variable]) => variable),
    );
  }

  /**
   * Keras 3's `optimizer.apply(grads, trainableVariables)`: the gradients and the variables as two
   * lists in the same order (a gradient may be null). Without variables, those the optimizer was
   * built with or has updated, in that order. `applyGradients` and `fit` update through it: a
   * subclass overrides it to change the gradients before they are applied.
   *
   * @example
   * const grads = tape.gradient(loss, model.trainableWeights);
   * optimizer.apply(grads, model.trainableWeights);
   *
   * class CentralizedSGD extends optimizers.SGD {
   *   override apply(grads: Array<Tensor | null>, variables?: Variable[]) {
   *     super.apply(grads.map((g) => (g && g.shape.length > 1 ? g.sub(ops.mean(g, [0], true)) : g)), variables);
   *   }
   * }
   */
  apply(grads: ReadonlyArray<Tensor | null | undefined>, trainableVariables?: readonly Variable[]): void {
    const className = this.className;
    if (!Array.isArray(grads)) throw new Error(`${className}.apply: expected a list of gradients, got ${grads === null ? 'null' : typeof grads}.`);
    const listed = trainableVariables ?? this.trackedVariables;
    if (!Array.isArray(listed)) throw new Error(`${className}.apply: expected a list of variables, got ${typeof listed}.`);
    if (grads.length !== listed.length) {
      throw new Error(
        `${className}.apply: got ${grads.length} gradients for ${listed.length} variables` +
          (trainableVariables ? '.' : " (the optimizer's own, from build() or earlier updates): pass the variables, in the gradients' order."),
      );
    }
    if (grads.length === 0) return;
    const given = grads.map((g, i) => [g, listed[i]] as const);
    checkGradientPairs(`${className}.apply`, given);
    this.updateVariables(given.filter((pair): pair is readonly [Tensor, Variable] => pair[0] !== null && pair[0] !== undefined));
  }

  /**
   * The update itself, from checked pairs with a gradient each: what `apply` runs once it has
   * its lists. Optimizers that wrap others (loss scaling, routing) override it, so that a user's
   * `apply` override runs before them.
   */
  protected updateVariables(pairs: ReadonlyArray<readonly [Tensor, Variable]>): void {
    const className = this.className;
    // A replayed training step holds while the configuration stays (a change of momentum may add
    // slots); the update's step-dependent scalars are computed again by each replay.
    stepGuard('optimizer', () => JSON.stringify(this.getConfig()));
    // The constraints' ops are traced into the step, so a replay holds while each variable keeps
    // the constraint it had (setting another, or none, traces the step again); so with the
    // variables that take weight decay.
    const variables = pairs.map(([, variable]) => variable);
    stepGuard('variable constraints', () => variables.map((v) => constraintId(v.constraint)).join(','));
    stepGuard('weight decay exclusions', () => variables.map((v) => (this.decays(v) ? 1 : 0)).join(''));
    for (const variable of variables) this.slotsFor(variable);
    tidy(() => {
      const steps = this.gradientAccumulationSteps;
      // Keras's ops.cond(is_update_step, update, accumulate) as data: the update is computed at
      // every call and kept on every `steps`-th.
      const isUpdateStep = steps === null ? null : this.stepScalar(() => ((this.iterations + 1) % steps === 0 ? 1 : 0));
      // Keras unscales the gradients of a scaled loss first, before accumulation and clipping.
      const unscale = this.lossScaleFactor;
      let gradients = pairs.map(([gradient]) => (unscale === null ? gradient : gradient.div(unscale)));
      if (isUpdateStep) {
        gradients = pairs.map(([, variable], k) => {
          const accumulator = this.slot(variable, ACCUMULATOR);
          const sum = gradients[k].add(accumulator);
          accumulator.assign(where(isUpdateStep, 0, sum));
          return sum.div(steps!);
        });
      }
      gradients = this.clipGradients(gradients);
      // The values before the update, kept on accumulating steps: views (a view of a variable is
      // its value where it is made), since updateStep assigns the new values.
      const before = variables.map((v) => (isUpdateStep ? [v, ...this.algorithmSlots(v)].map((t) => reshape(t, t.shape)) : []));
      const updated = this.updateStep ? this.opUpdates(variables, gradients) : this.fusedUpdates(variables, gradients);
      // The variables' new values, assigned after the moving average (Keras applies constraints last).
      const values = new Map<Variable, Tensor>();
      updated.forEach(({ value, slots }, k) => {
        const [keptValue, ...keptSlots] = before[k];
        const kept = (next: Tensor, j: number) => (isUpdateStep ? where(isUpdateStep, next, j < 0 ? keptValue : keptSlots[j]) : next);
        this.algorithmSlots(variables[k]).forEach((slot, j) => slot.assign(kept(slots[j], j)));
        values.set(variables[k], kept(value, -1));
      });
      if (this.useEma) this.updateAverages(values);
      const updatedNow = new Set(variables);
      for (const [variable, value] of values) {
        variable.assign(variable.constraint && updatedNow.has(variable) ? constrained(className, variable, value) : value);
      }
    });
    stepEffect('optimizer step count', () => this.iterations++);
  }

  /**
   * With `useEma`, sets the variables of `varList` to their moving averages (Keras's
   * `finalize_variable_values`); `fit` calls it after its last epoch, as Keras does. Variables
   * without an average (never updated) are left alone; without `useEma` it does nothing.
   *
   * @example
   * optimizer.finalizeVariableValues(model.trainableWeights);
   */
  finalizeVariableValues(varList: readonly Variable[]): void {
    if (!this.useEma) return;
    for (const variable of varList) {
      const average = this.getSlot(variable, AVERAGE);
      if (average) variable.assign(average);
    }
  }

  /**
   * Gives these variables no weight decay (Keras's `exclude_from_weight_decay`): those of
   * `varList`, and those whose name matches one of `varNames` (regular expressions searched in
   * the name, e.g. 'bias' for every bias 'dense/bias'). Each call replaces the previous exclusions.
   *
   * @example
   * const optimizer = new AdamW({ weightDecay: 0.01 });
   * optimizer.excludeFromWeightDecay({ varNames: ['bias', 'gamma', 'beta'] });
   */
  excludeFromWeightDecay(options: { varList?: readonly Variable[]; varNames?: readonly string[] } = {}): void {
    const method = `${this.className}.excludeFromWeightDecay`;
    checkOptionNames(method, options, { varList: true, varNames: true });
    const { varList = [], varNames = [] } = options;
    if (!Array.isArray(varList) || varList.some((v) => !(v instanceof Variable))) throw new Error(`${method}: \`varList\` must be an array of Variables.`);
    if (!Array.isArray(varNames) || varNames.some((n) => typeof n !== 'string')) throw new Error(`${method}: \`varNames\` must be an array of strings (patterns of variable names).`);
    let names: RegExp | null = null;
    try {
      names = varNames.length > 0 ? new RegExp([...new Set(varNames)].join('|')) : null;
    } catch (e) {
      throw new Error(`${method}: \`varNames\` must be regular expressions: ${(e as Error).message}`);
    }
    this.decayExclusions = { variables: new Set(varList), names };
  }

  /**
   * The weight decay rate of `variable` (null: none), before exclusions: `weightDecay` unless the
   * algorithm decays some variables at another rate (Muon's AdamW-updated ones).
   */
  protected weightDecayOf(_variable: Variable): number | null {
    return this.weightDecay;
  }

  /** Whether `variable` takes weight decay: it has a rate and is not excluded. */
  private decays(variable: Variable): boolean {
    if (!this.weightDecayOf(variable)) return false;
    const { variables, names } = this.decayExclusions;
    return !variables.has(variable) && !(names?.test(variable.name) ?? false);
  }

  /** The fused kernel's new values and slots for each variable, the variables that decay and those that do not in separate groups. */
  private fusedUpdates(variables: readonly Variable[], grads: readonly Tensor[]): Array<{ value: Tensor; slots: Tensor[] }> {
    const results = new Array<{ value: Tensor; slots: Tensor[] }>(variables.length);
    for (const decay of [true, false]) {
      const indices = variables.flatMap((v, k) => (this.decays(v) === decay ? [k] : []));
      if (indices.length === 0) continue;
      const params = (): UpdateParams => {
        const learningRate = this.lr;
        const decayFactor = decay ? 1 - learningRate * this.weightDecay! : 1;
        return { ...this.updateRule(learningRate, this.updates + 1), learningRate, decayFactor };
      };
      const members = indices.map((k) => ({ variable: variables[k], gradient: grads[k], slots: this.algorithmSlots(variables[k]) }));
      optimizerUpdates(members, params).forEach(([value, ...slots], m) => (results[indices[m]] = { value, slots }));
    }
    return results;
  }

  /**
   * updateStep on each variable (after Keras's weight decay, `w - w * weightDecay * lr`); returns
   * the values it assigned, with which applyGradients goes on as with the fused kernel's (on the
   * steps that only accumulate, it assigns the previous values, `where` a step flag says so).
   */
  private opUpdates(variables: readonly Variable[], grads: readonly Tensor[]): Array<{ value: Tensor; slots: Tensor[] }> {
    const learningRate = this.stepScalar(() => this.lr);
    return variables.map((variable, k) => {
      const slots = this.algorithmSlots(variable);
      if (this.decays(variable)) variable.assign(variable.sub(variable.mul(this.weightDecayOf(variable)!).mul(learningRate)));
      this.updateStep!(grads[k], variable, learningRate);
      // Views of the values it assigned (a view of a variable is its value where it is made).
      const [value, ...slotValues] = [variable, ...slots].map((v) => reshape(v, v.shape));
      return { value, slots: slotValues };
    });
  }

  /**
   * Keras's moving average after the update, of every variable the optimizer tracks (`values`
   * holds the new values of this call's; the others keep theirs): momentum 0 on the first update
   * so that the average starts at the weights, and every `emaOverwriteFrequency` updates the
   * weights take their average.
   */
  private updateAverages(values: Map<Variable, Tensor>): void {
    const frequency = this.emaOverwriteFrequency;
    const momentum = this.stepScalar(() => (this.updates !== 0 ? this.emaMomentum : 0));
    const rest = sub(1, momentum);
    const overwrite = frequency === null ? null : this.stepScalar(() => ((this.updates + 1) % frequency === 0 ? 1 : 0));
    for (const variable of this.trackedVariables) {
      const average = this.slot(variable, AVERAGE);
      const current = values.get(variable) ?? variable;
      const newAverage = momentum.mul(average).add(rest.mul(current));
      average.assign(newAverage);
      if (overwrite) values.set(variable, where(overwrite, newAverage, current));
    }
  }

  /** The slots of `slotNames()` of a variable that has its slots. */
  private algorithmSlots(variable: Variable): Variable[] {
    return this.slotsByVariable.get(variable)!.slice(0, this.slotNames().length);
  }

  /** The slot `slotName` of a variable that has its slots. */
  private slot(variable: Variable, slotName: string): Variable {
    return this.slotsByVariable.get(variable)![this.allSlotNames().indexOf(slotName)];
  }

  /** The subclass's slots, then the accumulator and the average when used. */
  private allSlotNames(): string[] {
    return [...this.slotNames(), ...(this.gradientAccumulationSteps !== null ? [ACCUMULATOR] : []), ...(this.useEma ? [AVERAGE] : [])];
  }

  /** Creates the slots of these variables now rather than on their first update (e.g. before setWeights). */
  build(variables: readonly Variable[]): void {
    for (const variable of variables) this.slotsFor(variable);
  }

  /** The slot `slotName` of `variable` (e.g. 'momentum'), or undefined before its first update. */
  getSlot(variable: Variable, slotName: string): Variable | undefined {
    const index = this.allSlotNames().indexOf(slotName);
    return index === -1 ? undefined : this.slotsByVariable.get(variable)?.[index];
  }

  /**
   * The slot variables in the order of `getWeights` after the step count: grouped by slot name
   * (all momentums, then all velocities, ...), variables in the order they were first seen.
   */
  get variables(): Variable[] {
    return this.allSlotNames().flatMap((_, j) => this.trackedVariables.map((v) => this.slotsByVariable.get(v)![j]));
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
          (this.trackedVariables.length === 0 && this.allSlotNames().length > 0 ? ' The optimizer has no slots yet: call optimizer.build(variables) first.' : ''),
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
      // Keras's options that change what a step does, given when set (the configs of optimizers without them stay as they were).
      ...(this.useEma ? { useEma: true, emaMomentum: this.emaMomentum, emaOverwriteFrequency: this.emaOverwriteFrequency } : {}),
      ...(this.gradientAccumulationSteps !== null ? { gradientAccumulationSteps: this.gradientAccumulationSteps } : {}),
      ...(this.lossScaleFactor !== null ? { lossScaleFactor: this.lossScaleFactor } : {}),
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
      slots = this.allSlotNames().map((slotName) => {
        const shape = slotName === ACCUMULATOR || slotName === AVERAGE ? variable.shape : this.slotShape(slotName, variable);
        const initial = fill(shape, this.slotInitialValue(slotName), variable.dtype);
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

/** Checks [gradient, variable] pairs: a Variable each, a float32 gradient of its shape or null, at least one gradient. */
function checkGradientPairs(method: string, gradsAndVars: ReadonlyArray<readonly [Tensor | null | undefined, Variable]>): void {
  if (!Array.isArray(gradsAndVars)) {
    throw new Error(`${method}: expected an array of [gradient, variable] pairs, got ${gradsAndVars === null ? 'null' : typeof gradsAndVars}.`);
  }
  if (gradsAndVars.length === 0) return;
  let given = 0;
  gradsAndVars.forEach((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2) throw new Error(`${method}: entry ${i} must be a [gradient, variable] pair.`);
    const [gradient, variable] = pair;
    if (!(variable instanceof Variable)) {
      throw new Error(`${method}: entry ${i} must pair a gradient with a Variable, got ${variable instanceof Tensor ? 'a plain Tensor (wrap it with new Variable(...))' : typeof variable}.`);
    }
    if (gradient === null || gradient === undefined) return;
    if (!(gradient instanceof Tensor)) throw new Error(`${method}: the gradient for variable '${variable.name}' must be a Tensor or null, got ${typeof gradient}.`);
    if (gradient.shape.length !== variable.shape.length || gradient.shape.some((d, k) => d !== variable.shape[k])) {
      throw new Error(`${method}: the gradient for variable '${variable.name}' has shape ${formatShape(gradient.shape)}, but the variable has shape ${formatShape(variable.shape)}.`);
    }
    if (variable.dtype !== 'float32' || gradient.dtype !== 'float32') {
      throw new Error(`${method}: variable '${variable.name}' (${variable.dtype}) and its gradient (${gradient.dtype}) must be float32.`);
    }
    given++;
  });
  if (given === 0) throw new Error(`${method}: no gradients provided for any variable.`);
}

/** The variable's constraint applied to its new value, checked to be a tensor the variable can take. */
function constrained(className: string, variable: Variable, value: Tensor): Tensor {
  const projected = variable.constraint!.apply(value);
  if (!(projected instanceof Tensor)) {
    throw new Error(`${className}.apply: the constraint of variable '${variable.name}' returned ${projected === null ? 'null' : typeof projected}; its apply(w) must return a Tensor.`);
  }
  return projected;
}

/** @internal Rejects option names the optimizer does not know, as Keras does. */
export function checkOptionKeys(className: string, options: object, allowed: readonly string[]): void {
  if (options === null || typeof options !== 'object') throw new Error(`${className}: expected an options object, got ${options === null ? 'null' : typeof options}.`);
  const unknown = Object.keys(options).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    // A Keras snake_case name (learning_rate) gets the camelCase one it means.
    const hints = unknown.map((k) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())).filter((camel, i) => camel !== unknown[i] && allowed.includes(camel));
    const hint = hints.length > 0 ? ` (did you mean ${hints.map((h) => `'${h}'`).join(', ')}?)` : '';
    throw new Error(`${className}: argument(s) not recognized: ${unknown.join(', ')}${hint}. Expected some of ${allowed.join(', ')}.`);
  }
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

function optionalInteger(className: string, name: string, value: unknown, min: number): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Error(`${className}: argument \`${name}\` must be an integer >= ${min} or null. Received: ${name}=${String(value)}`);
  }
  return value;
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
