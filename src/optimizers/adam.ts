// Adam (Kingma & Ba), with the AMSGrad variant, as keras.optimizers.Adam. The bias corrections
// are folded into one step size computed on the CPU from the step count.

import { booleanOption, numberOption, Optimizer, type OptimizerDefaults, type OptimizerOptions, type UpdateRule } from './optimizer';

export interface AdamOptions extends OptimizerOptions {
  /** Decay rate of the first moment (default 0.9). */
  beta1?: number;
  /** Decay rate of the second moment (default 0.999). */
  beta2?: number;
  /** Added to the root of the second moment (default 1e-7). */
  epsilon?: number;
  /** Use the running maximum of the second moment (Reddi et al. 2018; default false). */
  amsgrad?: boolean;
}

/**
 * Adam. Defaults: learning rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7. At step t:
 * `m += (g - m)(1 - beta1); v += (g^2 - v)(1 - beta2);
 * w -= lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + epsilon)`.
 * Slots: 'momentum', 'velocity', and 'velocity_hat' with amsgrad.
 *
 * @example
 * const optimizer = new Adam({ learningRate: 3e-4 });
 * optimizer.applyGradients(tape.gradient(loss, weights).map((g, i) => [g, weights[i]]));
 */
export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;

  /** `defaults` is for subclasses (AdamW); users pass options only. */
  constructor(options: AdamOptions = {}, defaults: OptimizerDefaults = { className: 'Adam', name: 'adam', learningRate: 0.001 }) {
    super(options, ['beta1', 'beta2', 'epsilon', 'amsgrad'], defaults);
    const className = defaults.className;
    this.beta1 = numberOption(className, 'beta1', options.beta1 ?? 0.9, 0, 1);
    this.beta2 = numberOption(className, 'beta2', options.beta2 ?? 0.999, 0, 1);
    this.epsilon = numberOption(className, 'epsilon', options.epsilon ?? 1e-7, 0);
    this.amsgrad = booleanOption(className, 'amsgrad', options.amsgrad ?? false);
  }

  protected slotNames(): string[] {
    return this.amsgrad ? ['momentum', 'velocity', 'velocity_hat'] : ['momentum', 'velocity'];
  }

  protected updateRule(learningRate: number, step: number): UpdateRule {
    const adamStepSize = (learningRate * Math.sqrt(1 - this.beta2 ** step)) / (1 - this.beta1 ** step);
    return { algorithm: 'adam', beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad, adamStepSize };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }
}
