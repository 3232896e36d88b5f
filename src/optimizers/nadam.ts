// Nadam (Dozat 2015), as keras.optimizers.Nadam: Adam with Nesterov momentum and a warming-up
// momentum schedule. Keras keeps the running product of that schedule in a variable; it depends
// on the step count only, so here it is computed on the CPU in float64 with the other scalars
// that follow the step, and a replayed training step recomputes it.

import { numberOption, Optimizer, type OptimizerOptions, type UpdateRule } from './optimizer';

export interface NadamOptions extends OptimizerOptions {
  /** Decay rate of the first moment, the base of the momentum schedule (default 0.9). */
  beta1?: number;
  /** Decay rate of the second moment (default 0.999). */
  beta2?: number;
  /** Added to the root of the bias-corrected second moment (default 1e-7). */
  epsilon?: number;
}

/** Keras's decay of the momentum schedule: mu_t = beta1 (1 - 0.5 * MOMENTUM_DECAY^t). */
const MOMENTUM_DECAY = 0.96;

/**
 * Nadam. Defaults: learning rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7. With the momentum
 * schedule `mu_t = beta1 (1 - 0.5 * 0.96^t)` and its product `P_t = mu_1 ... mu_t`, at step t:
 * `m += (g - m)(1 - beta1); v += (g^2 - v)(1 - beta2);
 * mHat = mu_{t+1} m / (1 - P_{t+1}) + (1 - mu_t) g / (1 - P_t);
 * w -= lr * mHat / (sqrt(v / (1 - beta2^t)) + epsilon)`. Slots: 'momentum', 'velocity'.
 *
 * @example
 * const optimizer = new Nadam({ learningRate: 2e-3 });
 * model.compile({ optimizer, loss: 'categoricalCrossentropy' });
 */
export class Nadam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** The last product computed, so that consecutive steps cost one multiplication. */
  private productCache = { step: 0, product: 1 };

  constructor(options: NadamOptions = {}) {
    super(options, ['beta1', 'beta2', 'epsilon'], { className: 'Nadam', name: 'nadam', learningRate: 0.001 });
    this.beta1 = numberOption('Nadam', 'beta1', options.beta1 ?? 0.9, 0, 1);
    this.beta2 = numberOption('Nadam', 'beta2', options.beta2 ?? 0.999, 0, 1);
    this.epsilon = numberOption('Nadam', 'epsilon', options.epsilon ?? 1e-7, 0);
  }

  protected slotNames(): string[] {
    return ['momentum', 'velocity'];
  }

  protected updateRule(_learningRate: number, step: number): UpdateRule {
    const momentum = this.scheduledMomentum(step);
    const nextMomentum = this.scheduledMomentum(step + 1);
    const product = this.momentumProduct(step);
    return {
      algorithm: 'nadam',
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      nadamMomentumScale: nextMomentum / (1 - product * nextMomentum),
      nadamGradientScale: (1 - momentum) / (1 - product),
      nadamVelocityScale: 1 / (1 - this.beta2 ** step),
    };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  /** mu_t of the momentum schedule. */
  private scheduledMomentum(step: number): number {
    return this.beta1 * (1 - 0.5 * MOMENTUM_DECAY ** step);
  }

  /**
   * @internal P_t = mu_1 ... mu_t, continued from the last product computed when it is not past
   * `step` (Keras keeps it as a variable, which Keras files hold).
   */
  momentumProduct(step: number): number {
    let { step: from, product } = this.productCache.step <= step ? this.productCache : { step: 0, product: 1 };
    while (from < step) product *= this.scheduledMomentum(++from);
    this.productCache = { step, product };
    return product;
  }
}
