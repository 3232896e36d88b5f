// RMSprop (Hinton 2012), plain or centered, with optional momentum, as keras.optimizers.RMSprop.

import { booleanOption, numberOption, Optimizer, type OptimizerOptions, type UpdateRule } from './optimizer';

export interface RMSpropOptions extends OptimizerOptions {
  /** Discount of the moving average of squared gradients (default 0.9). */
  rho?: number;
  /** Momentum of the increments (default 0: no momentum slot). */
  momentum?: number;
  /** Added under the square root (default 1e-7). */
  epsilon?: number;
  /** Divide by the estimated variance rather than the second moment (default false). */
  centered?: boolean;
}

/**
 * RMSprop. Defaults: learning rate 0.001, rho 0.9, momentum 0, epsilon 1e-7, not centered.
 * `r = rho r + (1 - rho) g^2; w -= lr g / sqrt(r + epsilon)`; centered replaces r by
 * `r - a^2` with `a = rho a + (1 - rho) g`; momentum accumulates the increments.
 * Slots: 'velocity', then 'average_gradient' when centered, then 'momentum' when momentum > 0.
 *
 * @example
 * const optimizer = new RMSprop({ learningRate: 1e-3, centered: true });
 */
export class RMSprop extends Optimizer {
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(options: RMSpropOptions = {}) {
    super(options, ['rho', 'momentum', 'epsilon', 'centered'], { className: 'RMSprop', name: 'rmsprop', learningRate: 0.001 });
    this.rho = numberOption('RMSprop', 'rho', options.rho ?? 0.9, 0, 1);
    this.momentum = numberOption('RMSprop', 'momentum', options.momentum ?? 0, 0, 1);
    this.epsilon = numberOption('RMSprop', 'epsilon', options.epsilon ?? 1e-7, 0);
    this.centered = booleanOption('RMSprop', 'centered', options.centered ?? false);
  }

  protected slotNames(): string[] {
    return ['velocity', ...(this.centered ? ['average_gradient'] : []), ...(this.momentum > 0 ? ['momentum'] : [])];
  }

  protected updateRule(): UpdateRule {
    return { algorithm: 'rmsprop', rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered, useMomentum: this.momentum > 0 };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
}
