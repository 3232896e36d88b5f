// Adadelta (Zeiler 2012), as keras.optimizers.Adadelta: per-element step sizes from moving
// averages of the squared gradients and of the squared updates, scaled by a learning rate.

import { numberOption, Optimizer, type OptimizerOptions, type UpdateRule } from './optimizer';

export interface AdadeltaOptions extends OptimizerOptions {
  /** Decay rate of both moving averages (default 0.95). */
  rho?: number;
  /** Added under the square roots (default 1e-7). */
  epsilon?: number;
}

/**
 * Adadelta. Defaults: learning rate 0.001 (1.0 matches the paper), rho 0.95, epsilon 1e-7.
 * `r = rho r + (1 - rho) g^2; d = -sqrt(x + epsilon) g / sqrt(r + epsilon);
 * x = rho x + (1 - rho) d^2; w += lr d`. Slots: 'accumulated_grad', 'accumulated_delta_var'.
 *
 * @example
 * const optimizer = new Adadelta({ learningRate: 1.0 });
 * model.compile({ optimizer, loss: 'mse' });
 */
export class Adadelta extends Optimizer {
  readonly rho: number;
  readonly epsilon: number;

  constructor(options: AdadeltaOptions = {}) {
    super(options, ['rho', 'epsilon'], { className: 'Adadelta', name: 'adadelta', learningRate: 0.001 });
    this.rho = numberOption('Adadelta', 'rho', options.rho ?? 0.95, 0, 1);
    this.epsilon = numberOption('Adadelta', 'epsilon', options.epsilon ?? 1e-7, 0);
  }

  protected slotNames(): string[] {
    return ['accumulated_grad', 'accumulated_delta_var'];
  }

  protected updateRule(): UpdateRule {
    return { algorithm: 'adadelta', rho: this.rho, epsilon: this.epsilon };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, epsilon: this.epsilon };
  }
}
