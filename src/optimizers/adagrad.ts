// Adagrad (Duchi et al. 2011), as keras.optimizers.Adagrad: per-element learning rates from the
// accumulated squared gradients.

import { numberOption, Optimizer, type OptimizerOptions, type UpdateRule } from './optimizer';

export interface AdagradOptions extends OptimizerOptions {
  /** Starting value of the accumulator (default 0.1). */
  initialAccumulatorValue?: number;
  /** Added under the square root (default 1e-7). */
  epsilon?: number;
}

/**
 * Adagrad. Defaults: learning rate 0.001, initial accumulator 0.1, epsilon 1e-7.
 * `s += g^2; w -= lr g / sqrt(s + epsilon)`. Slot: 'accumulator'.
 *
 * @example
 * const optimizer = new Adagrad({ learningRate: 0.01 });
 */
export class Adagrad extends Optimizer {
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(options: AdagradOptions = {}) {
    super(options, ['initialAccumulatorValue', 'epsilon'], { className: 'Adagrad', name: 'adagrad', learningRate: 0.001 });
    this.initialAccumulatorValue = numberOption('Adagrad', 'initialAccumulatorValue', options.initialAccumulatorValue ?? 0.1, 0);
    this.epsilon = numberOption('Adagrad', 'epsilon', options.epsilon ?? 1e-7, 0);
  }

  protected slotNames(): string[] {
    return ['accumulator'];
  }

  protected override slotInitialValue(): number {
    return this.initialAccumulatorValue;
  }

  protected updateRule(): UpdateRule {
    return { algorithm: 'adagrad', epsilon: this.epsilon };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}
