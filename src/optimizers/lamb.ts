// LAMB (You et al. 2019, "Large Batch Optimization for Deep Learning"), as keras.optimizers.Lamb:
// Adam's bias-corrected step, scaled per variable by the trust ratio ||w|| / ||step||. The norms
// are whole-variable reductions, so the update is written with ops (updateStep), not the fused
// element-wise kernel.

import { greater, pow, sub, where } from '../ops/elementwise';
import { sum } from '../ops/reduce';
import type { Variable } from '../autograd/variable';
import type { Tensor } from '../tensor/tensor';
import { numberOption, Optimizer, type OptimizerOptions } from './optimizer';

export interface LambOptions extends OptimizerOptions {
  /** Decay rate of the first moment (default 0.9). */
  beta1?: number;
  /** Decay rate of the second moment (default 0.999). */
  beta2?: number;
  /** Added to the root of the bias-corrected second moment (default 1e-7). */
  epsilon?: number;
}

/**
 * Lamb. Defaults: learning rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7. At step t:
 * `m += (g - m)(1 - beta1); v += (g^2 - v)(1 - beta2);
 * u = (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon); w -= lr * r * u` with the trust
 * ratio `r = ||w|| / ||u||` (1 where either norm is 0). Slots: 'momentum', 'velocity'.
 *
 * @example
 * model.compile({ optimizer: new Lamb({ learningRate: 0.002, weightDecay: 0.01 }), loss: 'mse' });
 */
export class Lamb extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(options: LambOptions = {}) {
    super(options, ['beta1', 'beta2', 'epsilon'], { className: 'Lamb', name: 'lamb', learningRate: 0.001 });
    this.beta1 = numberOption('Lamb', 'beta1', options.beta1 ?? 0.9, 0, 1);
    this.beta2 = numberOption('Lamb', 'beta2', options.beta2 ?? 0.999, 0, 1);
    this.epsilon = numberOption('Lamb', 'epsilon', options.epsilon ?? 1e-7, 0);
  }

  protected slotNames(): string[] {
    return ['momentum', 'velocity'];
  }

  override updateStep(gradient: Tensor, variable: Variable, learningRate: Tensor): void {
    const step = this.stepScalar(() => this.updates + 1);
    const momentum = this.getSlot(variable, 'momentum')!;
    const velocity = this.getSlot(variable, 'velocity')!;
    momentum.assign(momentum.add(gradient.sub(momentum).mul(1 - this.beta1)));
    velocity.assign(velocity.add(gradient.square().sub(velocity).mul(1 - this.beta2)));
    const momentumHat = momentum.div(sub(1, pow(this.beta1, step)));
    const update = momentumHat.div(velocity.div(sub(1, pow(this.beta2, step))).sqrt().add(this.epsilon));
    const weightNorm = sum(variable.square()).sqrt();
    const updateNorm = sum(update.square()).sqrt();
    const ratio = where(greater(weightNorm, 0), where(greater(updateNorm, 0), weightNorm.div(updateNorm), 1), 1);
    variable.assign(variable.sub(ratio.mul(learningRate).mul(update)));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
