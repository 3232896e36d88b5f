// Schedule-Free AdamW (Defazio et al. 2024, "The Road Less Scheduled"), as
// keras.optimizers.ScheduleFreeAdamW: no learning rate schedule, but an interpolation between the
// sequence the gradient steps move (slot 'momentum', Keras's name for it) and its running average.
// The model's variables hold the interpolation during training and evaluation alike, as in Keras,
// which adds no evaluation hook. Written with ops (updateStep); the step count and warmup come
// from stepScalar, so compiled training steps replay it.

import { div, minimum, pow, sub } from '../ops/elementwise';
import { clone } from '../ops/clone';
import { Variable } from '../autograd/variable';
import { tidy } from '../tensor/memory';
import { Tensor } from '../tensor/tensor';
import { numberOption, Optimizer, type OptimizerOptions } from './optimizer';

export interface ScheduleFreeAdamWOptions extends OptimizerOptions {
  /** The interpolation weight of the average, and Adam's first-moment rate (default 0.9). */
  beta1?: number;
  /** Decay rate of the second moment (default 0.999). */
  beta2?: number;
  /** Added to the root of the bias-corrected second moment (default 1e-8). */
  epsilon?: number;
  /** The learning rate grows linearly from 0 over this many updates (default 0: no warmup). */
  warmupSteps?: number;
}

/**
 * ScheduleFreeAdamW. Defaults as Keras: learning rate 0.0025, beta1 0.9, beta2 0.999, epsilon
 * 1e-8, no warmup, no weight decay. Slot 'momentum' (z, starting at the variable's value) and
 * 'velocity'. At step t, with `lr_t = lr * min(t / warmupSteps, 1)` and y the variable:
 * `v += (g^2 - v)(1 - beta2); z -= lr_t * g / (sqrt(v / (1 - beta2^t)) + epsilon);
 * x = (y - (1 - beta1) z_{t-1}) / beta1; x = (1 - 1/t) x + z / t; y = (1 - beta1) z + beta1 x`.
 * Weight decay (the base class's, `y -= y * weightDecay * lr`, without warmup) comes first, as in
 * Keras. The average x is recovered from z before the step, as the algorithm (Defazio et al.) and
 * Keras's JAX and TensorFlow backends have it (Keras's torch backend reads z after updating it in
 * place, an aliasing slip).
 *
 * @example
 * model.compile({ optimizer: new ScheduleFreeAdamW({ learningRate: 0.0025, warmupSteps: 100 }), loss: 'mse' });
 */
export class ScheduleFreeAdamW extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly warmupSteps: number;

  constructor(options: ScheduleFreeAdamWOptions = {}) {
    super(options, ['beta1', 'beta2', 'epsilon', 'warmupSteps'], { className: 'ScheduleFreeAdamW', name: 'schedule_free_adam_w', learningRate: 0.0025 });
    this.beta1 = numberOption('ScheduleFreeAdamW', 'beta1', options.beta1 ?? 0.9, 0, 1);
    if (this.beta1 === 0) throw new Error('ScheduleFreeAdamW: argument `beta1` must be in (0, 1]: the update divides by it. Received: beta1=0');
    this.beta2 = numberOption('ScheduleFreeAdamW', 'beta2', options.beta2 ?? 0.999, 0, 1);
    this.epsilon = numberOption('ScheduleFreeAdamW', 'epsilon', options.epsilon ?? 1e-8, 0);
    const warmupSteps = options.warmupSteps ?? 0;
    if (!Number.isInteger(warmupSteps) || warmupSteps < 0) {
      throw new Error(`ScheduleFreeAdamW: argument \`warmupSteps\` must be an integer >= 0. Received: warmupSteps=${String(warmupSteps)}`);
    }
    this.warmupSteps = warmupSteps;
  }

  protected slotNames(): string[] {
    return ['momentum', 'velocity'];
  }

  /** Creates the slots of these variables, each 'momentum' starting at its variable's value (Keras's build). */
  override build(variables: readonly Variable[]): void {
    const fresh = variables.filter((variable) => !this.getSlot(variable, 'momentum'));
    super.build(variables);
    for (const variable of fresh) tidy(() => this.getSlot(variable, 'momentum')!.assign(clone(variable)));
  }

  /** Builds the slots of variables seen for the first time (so that 'momentum' starts at their value), then updates. */
  protected override updateVariables(pairs: ReadonlyArray<readonly [Tensor, Variable]>): void {
    this.build(pairs.map(([, variable]) => variable));
    super.updateVariables(pairs);
  }

  override updateStep(gradient: Tensor, variable: Variable, learningRate: Tensor): void {
    const step = this.stepScalar(() => this.updates + 1);
    const rate = this.warmupSteps > 0 ? learningRate.mul(minimum(step.div(this.warmupSteps), 1)) : learningRate;
    const z = this.getSlot(variable, 'momentum')!;
    const velocity = this.getSlot(variable, 'velocity')!;
    // The average x from y = (1 - beta1) z + beta1 x, with z before this step.
    const average = variable.sub(z.mul(1 - this.beta1)).div(this.beta1);
    velocity.assign(velocity.add(gradient.square().sub(velocity).mul(1 - this.beta2)));
    const denominator = velocity.div(sub(1, pow(this.beta2, step))).sqrt().add(this.epsilon);
    z.assign(z.sub(rate.mul(gradient).div(denominator)));
    const weight = div(1, step);
    const newAverage = average.mul(sub(1, weight)).add(z.mul(weight));
    variable.assign(z.mul(1 - this.beta1).add(newAverage.mul(this.beta1)));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, warmupSteps: this.warmupSteps };
  }
}
