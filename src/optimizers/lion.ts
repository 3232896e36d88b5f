// Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"), as
// keras.optimizers.Lion: a step of fixed size per element, in the direction of the sign of an
// interpolation between the momentum and the gradient.

import { numberOption, Optimizer, type OptimizerOptions, type UpdateRule } from './optimizer';

export interface LionOptions extends OptimizerOptions {
  /** Weight of the momentum in the update's direction, in (0, 1] (default 0.9). */
  beta1?: number;
  /** Decay rate of the momentum (default 0.99). */
  beta2?: number;
}

/**
 * Lion. Defaults: learning rate 0.001, beta1 0.9, beta2 0.99.
 * `w -= lr sign(beta1 m + (1 - beta1) g); m = beta2 m + (1 - beta2) g`. Slot: 'momentum'.
 * Its steps are larger than Adam's: use a learning rate 3-10x smaller than AdamW's and a weight
 * decay 3-10x larger.
 *
 * @example
 * const optimizer = new Lion({ learningRate: 1e-4, weightDecay: 0.1 });
 * model.compile({ optimizer, loss: 'mse' });
 */
export class Lion extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;

  constructor(options: LionOptions = {}) {
    super(options, ['beta1', 'beta2'], { className: 'Lion', name: 'lion', learningRate: 0.001 });
    const beta1 = options.beta1 ?? 0.9;
    if (typeof beta1 !== 'number' || !(beta1 > 0 && beta1 <= 1)) {
      throw new Error(`Lion: argument \`beta1\` must be in the (0, 1] range. Otherwise, the optimizer degenerates to SignSGD. Received: beta1=${String(beta1)}`);
    }
    this.beta1 = beta1;
    this.beta2 = numberOption('Lion', 'beta2', options.beta2 ?? 0.99, 0, 1);
  }

  protected slotNames(): string[] {
    return ['momentum'];
  }

  protected updateRule(): UpdateRule {
    return { algorithm: 'lion', beta1: this.beta1, beta2: this.beta2 };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2 };
  }
}
