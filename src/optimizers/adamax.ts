// Adamax (Kingma & Ba 2014, section 7.1), as keras.optimizers.Adamax: Adam with the second moment
// replaced by an exponentially weighted infinity norm. The first moment's bias correction is
// folded into one step size computed on the CPU from the step count.

import { numberOption, Optimizer, type OptimizerOptions, type UpdateRule } from './optimizer';

export interface AdamaxOptions extends OptimizerOptions {
  /** Decay rate of the first moment (default 0.9). */
  beta1?: number;
  /** Decay rate of the infinity norm (default 0.999). */
  beta2?: number;
  /** Added to the infinity norm (default 1e-7). */
  epsilon?: number;
}

/**
 * Adamax. Defaults: learning rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7. At step t:
 * `m += (g - m)(1 - beta1); u = max(beta2 u, |g|); w -= lr / (1 - beta1^t) * m / (u + epsilon)`.
 * Slots: 'momentum', 'norm'.
 *
 * @example
 * const optimizer = new Adamax({ learningRate: 0.002 });
 * model.compile({ optimizer, loss: 'mse' });
 */
export class Adamax extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(options: AdamaxOptions = {}) {
    super(options, ['beta1', 'beta2', 'epsilon'], { className: 'Adamax', name: 'adamax', learningRate: 0.001 });
    this.beta1 = numberOption('Adamax', 'beta1', options.beta1 ?? 0.9, 0, 1);
    this.beta2 = numberOption('Adamax', 'beta2', options.beta2 ?? 0.999, 0, 1);
    this.epsilon = numberOption('Adamax', 'epsilon', options.epsilon ?? 1e-7, 0);
  }

  protected slotNames(): string[] {
    return ['momentum', 'norm'];
  }

  protected updateRule(learningRate: number, step: number): UpdateRule {
    const adamStepSize = learningRate / (1 - this.beta1 ** step);
    return { algorithm: 'adamax', beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, adamStepSize };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
