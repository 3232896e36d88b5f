// FTRL-Proximal ("Follow The Regularized Leader", McMahan et al. 2013), as keras.optimizers.Ftrl:
// per-element learning rates from accumulated squared gradients, with online L1 and L2
// regularization (L1 sets small weights to exactly zero) and an optional L2 shrinkage penalty.

import { numberOption, Optimizer, type OptimizerOptions, type UpdateRule } from './optimizer';

export interface FtrlOptions extends OptimizerOptions {
  /** How the per-element learning rate decreases, <= 0; 0 keeps it fixed (default -0.5). */
  learningRatePower?: number;
  /** Starting value of the accumulators, >= 0 (default 0.1). */
  initialAccumulatorValue?: number;
  /** L1 regularization strength, >= 0 (default 0). */
  l1RegularizationStrength?: number;
  /** L2 regularization strength (the paper's stabilizing penalty), >= 0 (default 0). */
  l2RegularizationStrength?: number;
  /** L2 penalty added to the loss (a magnitude penalty), >= 0 (default 0). */
  l2ShrinkageRegularizationStrength?: number;
  /** The paper's beta (default 0). */
  beta?: number;
}

/**
 * Ftrl. Defaults: learning rate 0.001, learningRatePower -0.5, initial accumulator 0.1, no
 * regularization, beta 0. With p = -learningRatePower, for accumulator n and linear term z:
 * `n' = n + g^2; z += g + 2 l2Shrinkage w - (n'^p - n^p) / lr * w;
 * w = (clip(z, -l1, l1) - z) / (n'^p / lr + 2 l2 + beta / lr); n = n'`.
 * Slots: 'accumulator', 'linear'.
 *
 * @example
 * const optimizer = new Ftrl({ learningRate: 0.1, l1RegularizationStrength: 0.01 });
 * model.compile({ optimizer, loss: 'binaryCrossentropy' });
 */
export class Ftrl extends Optimizer {
  readonly learningRatePower: number;
  readonly initialAccumulatorValue: number;
  readonly l1RegularizationStrength: number;
  readonly l2RegularizationStrength: number;
  readonly l2ShrinkageRegularizationStrength: number;
  readonly beta: number;

  constructor(options: FtrlOptions = {}) {
    super(
      options,
      ['learningRatePower', 'initialAccumulatorValue', 'l1RegularizationStrength', 'l2RegularizationStrength', 'l2ShrinkageRegularizationStrength', 'beta'],
      { className: 'Ftrl', name: 'ftrl', learningRate: 0.001 },
    );
    const power = options.learningRatePower ?? -0.5;
    if (typeof power !== 'number' || !(power <= 0) || !Number.isFinite(power)) {
      throw new Error(`Ftrl: argument \`learningRatePower\` needs to be negative or zero. Received: learningRatePower=${String(power)}`);
    }
    this.learningRatePower = power;
    this.initialAccumulatorValue = numberOption('Ftrl', 'initialAccumulatorValue', options.initialAccumulatorValue ?? 0.1, 0);
    this.l1RegularizationStrength = numberOption('Ftrl', 'l1RegularizationStrength', options.l1RegularizationStrength ?? 0, 0);
    this.l2RegularizationStrength = numberOption('Ftrl', 'l2RegularizationStrength', options.l2RegularizationStrength ?? 0, 0);
    this.l2ShrinkageRegularizationStrength = numberOption('Ftrl', 'l2ShrinkageRegularizationStrength', options.l2ShrinkageRegularizationStrength ?? 0, 0);
    this.beta = numberOption('Ftrl', 'beta', options.beta ?? 0);
  }

  protected slotNames(): string[] {
    return ['accumulator', 'linear'];
  }

  protected override slotInitialValue(slotName: string): number {
    return slotName === 'accumulator' ? this.initialAccumulatorValue : 0;
  }

  protected updateRule(): UpdateRule {
    return {
      algorithm: 'ftrl',
      learningRatePower: this.learningRatePower,
      l1: this.l1RegularizationStrength,
      l2: this.l2RegularizationStrength,
      l2Shrinkage: this.l2ShrinkageRegularizationStrength,
      beta: this.beta,
    };
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      learningRatePower: this.learningRatePower,
      initialAccumulatorValue: this.initialAccumulatorValue,
      l1RegularizationStrength: this.l1RegularizationStrength,
      l2RegularizationStrength: this.l2RegularizationStrength,
      l2ShrinkageRegularizationStrength: this.l2ShrinkageRegularizationStrength,
      beta: this.beta,
    };
  }
}
