// LossScaleOptimizer (keras.optimizers.LossScaleOptimizer): dynamic loss scaling around another
// optimizer. The loss is multiplied by a scale before the gradients are taken (`scaleLoss`, which
// Model.trainStep calls), and `applyGradients` divides them by it again. A step whose gradients
// hold an infinity or NaN leaves the variables and the inner optimizer's slots as they were and
// halves the scale; `dynamicGrowthSteps` finite steps in a row double it. Keras's `ops.cond` on
// "all gradients finite" is data here, as gradient accumulation's is in the base class: the inner
// update always runs, and its results are kept `where` the flag says so, so nothing is read back
// and a compiled step replays. The step counts live on the CPU, so they count skipped steps too.

import { Variable } from '../autograd/variable';
import { all } from '../ops/reduce';
import { clone } from '../ops/clone';
import { fill } from '../ops/creation';
import { equal, isfinite, logicalAnd, where } from '../ops/elementwise';
import { reshape } from '../ops/shape';
import { scalar } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import { Tensor } from '../tensor/tensor';
import { stepEffect } from '../tensor/trace';
import { builtInOptimizer, type OptimizerEntry, type OptimizerResolver } from './multi_optimizer';
import { checkOptionKeys, numberOption, Optimizer } from './optimizer';
import type { LearningRateSchedule } from './schedules';

/** Options of LossScaleOptimizer (the inner optimizer is its first argument). */
export interface LossScaleOptimizerOptions {
  /** The loss scale to start from (default 2 ** 15). */
  initialScale?: number;
  /** Double the scale after this many finite steps in a row (default 2000). */
  dynamicGrowthSteps?: number;
  name?: string;
}

/** The loss scale and the count of finite steps since it last changed, as Keras names them. */
interface ScaleState {
  stepCounter: Variable;
  dynamicScale: Variable;
}

/**
 * Dynamic loss scaling around `innerOptimizer` (Keras's LossScaleOptimizer). Each step the loss
 * is multiplied by `dynamicScale` (`scaleLoss`) and the gradients divided by it; when any
 * gradient is not finite the step is skipped (variables and slots unchanged) and the scale
 * halved, and after `dynamicGrowthSteps` finite steps the scale doubles. It guards float16
 * training against underflow in Keras; here, where everything is float32, it guards against
 * overflowing steps. The learning rate, slots and EMA are the inner optimizer's. State
 * (`getWeights`): the step count, `stepCounter` (int32), `dynamicScale`, then the inner
 * optimizer's getWeights. The step counts (this one's and the inner optimizer's) count skipped
 * steps too, which Keras's do not: the skip is decided on the device.
 *
 * @example
 * model.compile({ optimizer: new LossScaleOptimizer(new Adam()), loss: 'mse' });
 * await model.fit(x, y);   // fit scales the loss; a step that overflows is skipped
 */
export class LossScaleOptimizer extends Optimizer {
  readonly innerOptimizer: Optimizer;
  readonly initialScale: number;
  readonly dynamicGrowthSteps: number;
  private state: ScaleState | null = null;

  constructor(innerOptimizer: Optimizer, options: LossScaleOptimizerOptions = {}) {
    checkOptionKeys('LossScaleOptimizer', options, ['initialScale', 'dynamicGrowthSteps', 'name']);
    super({ name: options.name }, [], { className: 'LossScaleOptimizer', name: 'loss_scale_optimizer', learningRate: 0 });
    if (!(innerOptimizer instanceof Optimizer)) {
      throw new TypeError(`LossScaleOptimizer: innerOptimizer must be an Optimizer. Received: ${innerOptimizer === null ? 'null' : typeof innerOptimizer}`);
    }
    if (innerOptimizer instanceof LossScaleOptimizer) throw new Error('LossScaleOptimizer: innerOptimizer is already a LossScaleOptimizer; wrap the optimizer once.');
    this.innerOptimizer = innerOptimizer;
    this.initialScale = numberOption('LossScaleOptimizer', 'initialScale', options.initialScale ?? 2 ** 15, Number.MIN_VALUE);
    const steps = options.dynamicGrowthSteps ?? 2000;
    if (!Number.isInteger(steps) || steps < 1) throw new Error(`LossScaleOptimizer: argument \`dynamicGrowthSteps\` must be an integer >= 1. Received: dynamicGrowthSteps=${String(steps)}`);
    this.dynamicGrowthSteps = steps;
  }

  protected slotNames(): string[] {
    return [];
  }

  /** The current loss scale, a float32 scalar variable (made on first use). */
  get dynamicScale(): Variable {
    return this.scaleState().dynamicScale;
  }

  /** Finite steps since the scale last changed, an int32 scalar variable (made on first use). */
  get stepCounter(): Variable {
    return this.scaleState().stepCounter;
  }

  /** `loss * dynamicScale` (`initialScale` before the first step or build, as Keras). */
  override scaleLoss(loss: Tensor): Tensor {
    return loss.mul(this.state ? this.state.dynamicScale : this.initialScale);
  }

  /**
   * Divides the gradients by the loss scale and applies them with the inner optimizer, unless one
   * is not finite: then variables and slots keep their values and the scale is halved. Updates
   * the scale and its step counter as Keras does; null gradients are skipped.
   */
  protected override updateVariables(given: ReadonlyArray<readonly [Tensor, Variable]>): void {
    this.build(given.map(([, variable]) => variable));
    const { stepCounter, dynamicScale } = this.scaleState();
    tidy(() => {
      const finite = given.map(([gradient]) => all(isfinite(gradient))).reduce((a, b) => logicalAnd(a, b));
      // What a skipped step keeps: views of the values now (a view of a variable is its value where it is made).
      const kept = [...new Set([...given.map(([, variable]) => variable), ...this.innerOptimizer.variables])];
      const before = kept.map((v) => reshape(v, v.shape));
      this.innerOptimizer.applyGradients(given.map(([gradient, variable]) => [gradient.div(dynamicScale), variable] as const));
      kept.forEach((v, i) => v.assign(where(finite, v, before[i])));
      const grow = logicalAnd(finite, equal(stepCounter, this.dynamicGrowthSteps - 1));
      const nextScale = where(finite, where(grow, dynamicScale.mul(2), dynamicScale), dynamicScale.mul(0.5));
      stepCounter.assign(where(finite, where(grow, 0, stepCounter.add(1)), 0));
      dynamicScale.assign(nextScale);
    });
    stepEffect('optimizer step count', () => this.iterations++);
  }

  /** Makes the loss scale, its step counter and the inner optimizer's slots of these variables. */
  override build(variables: readonly Variable[]): void {
    this.scaleState();
    this.innerOptimizer.build(variables);
  }

  override getSlot(variable: Variable, slotName: string): Variable | undefined {
    return this.innerOptimizer.getSlot(variable, slotName);
  }

  /** The inner optimizer's slot variables (the loss scale is in getWeights). */
  override get variables(): Variable[] {
    return this.innerOptimizer.variables;
  }

  /** The step count, stepCounter, dynamicScale, then the inner optimizer's getWeights. */
  override getWeights(): Tensor[] {
    const { stepCounter, dynamicScale } = this.scaleState();
    return [scalar(this.iterations, 'int32'), clone(stepCounter), clone(dynamicScale), ...this.innerOptimizer.getWeights()];
  }

  override async setWeights(weights: readonly Tensor[]): Promise<void> {
    if (!Array.isArray(weights) || weights.length < 4 || weights.slice(0, 3).some((w) => !(w instanceof Tensor) || w.size !== 1)) {
      throw new Error(`LossScaleOptimizer.setWeights: expected the step count, stepCounter and dynamicScale (scalars), then the inner optimizer's weights; got ${Array.isArray(weights) ? `${weights.length} entries` : typeof weights}.`);
    }
    const [iterations, counter, scale, ...inner] = weights;
    await this.innerOptimizer.setWeights(inner);
    const { stepCounter, dynamicScale } = this.scaleState();
    tidy(() => {
      stepCounter.assign(reshape(counter.cast('int32'), []));
      dynamicScale.assign(reshape(scale.cast('float32'), []));
    });
    const [count] = await iterations.data();
    if (!Number.isInteger(count) || count < 0) throw new Error(`LossScaleOptimizer.setWeights: the step count must be an integer >= 0, got ${count}.`);
    this.iterations = count;
  }

  override finalizeVariableValues(varList: readonly Variable[]): void {
    this.innerOptimizer.finalizeVariableValues(varList);
  }

  override excludeFromWeightDecay(options: { varList?: readonly Variable[]; varNames?: readonly string[] } = {}): void {
    this.innerOptimizer.excludeFromWeightDecay(options);
  }

  /** The inner optimizer's learning rate. */
  override get learningRate(): number | LearningRateSchedule {
    return this.innerOptimizer.learningRate;
  }

  override set learningRate(value: number | LearningRateSchedule) {
    this.innerOptimizer.learningRate = value;
  }

  override get lr(): number {
    return this.innerOptimizer.lr;
  }

  /** `{ name, innerOptimizer, initialScale, dynamicGrowthSteps }`, the inner optimizer serialized (Keras's config). */
  override getConfig(): Record<string, unknown> {
    const inner: OptimizerEntry = { className: this.innerOptimizer.className, config: this.innerOptimizer.getConfig() };
    return { name: this.name, innerOptimizer: inner, initialScale: this.initialScale, dynamicGrowthSteps: this.dynamicGrowthSteps };
  }

  /**
   * A LossScaleOptimizer from `getConfig()`; `resolve` builds the inner optimizer (default: the
   * built-in classes by name). Keras's `dynamic: true` of older files is accepted.
   *
   * @example
   * const copy = LossScaleOptimizer.fromConfig(optimizer.getConfig());
   */
  static override fromConfig<T extends Optimizer>(this: new (options: never) => T, config: Record<string, unknown>, resolve: OptimizerResolver = builtInOptimizer): T {
    const { innerOptimizer, dynamic, ...options } = config;
    if (dynamic === false) throw new Error('LossScaleOptimizer.fromConfig: `dynamic: false` is not supported (nor is it by Keras 3); the loss scale is always dynamic.');
    const entry = innerOptimizer as OptimizerEntry | undefined;
    if (!entry || typeof entry.className !== 'string') throw new Error(`LossScaleOptimizer.fromConfig: expected innerOptimizer to be a serialized optimizer ({ className, config }). Received: ${JSON.stringify(innerOptimizer)}`);
    return new LossScaleOptimizer(resolve(entry), options as LossScaleOptimizerOptions) as unknown as T;
  }

  override dispose(): void {
    this.innerOptimizer.dispose();
    this.state?.stepCounter.dispose();
    this.state?.dynamicScale.dispose();
    this.state = null;
  }

  private scaleState(): ScaleState {
    if (!this.state) {
      const [counter, scale] = [fill([], 0, 'int32'), fill([], this.initialScale, 'float32')];
      this.state = {
        stepCounter: new Variable(counter, { trainable: false, name: `${this.name}/step_counter` }),
        dynamicScale: new Variable(scale, { trainable: false, name: `${this.name}/dynamic_scale` }),
      };
      counter.dispose();
      scale.dispose();
    }
    return this.state;
  }
}
