// SGD: gradient descent with optional (Nesterov) momentum, as keras.optimizers.SGD.

import { booleanOption, numberOption, Optimizer, type OptimizerOptions, type UpdateRule } from './optimizer';

export interface SGDOptions extends OptimizerOptions {
  /** In [0, 1]; 0 (the default) is plain gradient descent and keeps no slot. */
  momentum?: number;
  /** Nesterov momentum (default false). */
  nesterov?: boolean;
}

/**
 * Gradient descent (with momentum). Learning rate 0.01 by default.
 * Without momentum: `w = w - lr * g`. With momentum: `m = momentum * m - lr * g; w = w + m`;
 * Nesterov: `w = w + momentum * m - lr * g`. Slot: 'momentum' (only when momentum > 0).
 *
 * @example
 * const optimizer = new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true });
 * optimizer.applyGradients([[dw, w]]);
 */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(options: SGDOptions = {}) {
    super(options, ['momentum', 'nesterov'], { className: 'SGD', name: 'SGD', learningRate: 0.01 });
    this.momentum = numberOption('SGD', 'momentum', options.momentum ?? 0, 0, 1);
    this.nesterov = booleanOption('SGD', 'nesterov', options.nesterov ?? false);
  }

  protected slotNames(): string[] {
    return this.momentum !== 0 ? ['momentum'] : [];
  }

  protected updateRule(): UpdateRule {
    return { algorithm: 'sgd', momentum: this.momentum, nesterov: this.nesterov, useMomentum: this.momentum !== 0 };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }
}
