// Adafactor (Shazeer & Stern 2018, "Adafactor: Adaptive Learning Rates with Sublinear Memory
// Cost"), as keras.optimizers.Adafactor: the second moment of a matrix is kept as its row and
// column means, the step is relative to the variable's RMS and clipped by its own RMS. Means and
// RMS are reductions, so the update is written with ops (updateStep).

import { expandDims } from '../ops/shape';
import { div, maximum, minimum, pow, sub } from '../ops/elementwise';
import { mean } from '../ops/reduce';
import type { Variable } from '../autograd/variable';
import type { Tensor } from '../tensor/tensor';
import { booleanOption, numberOption, Optimizer, type OptimizerOptions } from './optimizer';

export interface AdafactorOptions extends OptimizerOptions {
  /** The second moment's decay is 1 - t^beta2Decay at step t (default -0.8). */
  beta2Decay?: number;
  /** Added to the squared gradient (default 1e-30). */
  epsilon1?: number;
  /** The least RMS a variable's relative step is taken from (default 1e-3). */
  epsilon2?: number;
  /** The update's RMS is clipped to this (default 1). */
  clipThreshold?: number;
  /** Cap a constant learning rate at 1 / sqrt(t) (default true; the cap applies in Keras either way). */
  relativeStep?: boolean;
}

/**
 * Adafactor. Defaults: learning rate 0.001, beta2Decay -0.8, epsilon1 1e-30, epsilon2 1e-3,
 * clipThreshold 1, relativeStep true. At step t, with `rho = min(lr, 1 / sqrt(t))`,
 * `alpha = max(epsilon2, rms(w)) * rho`, `beta = 1 - t^beta2Decay` and `s = g^2 + epsilon1`:
 * for a variable of rank >= 2, `r = beta r + (1 - beta) mean(s, -1)`,
 * `c = beta c + (1 - beta) mean(s, -2)`, `v = (r / mean(r, -1))[..., None] * c[..., None, :]`;
 * otherwise `v = beta v + (1 - beta) s`. Then `u = g / sqrt(v)`,
 * `w -= alpha * u / max(1, rms(u) / clipThreshold)`. Slots: 'r', 'c' (scalars for variables of
 * rank < 2), 'velocity'.
 *
 * @example
 * model.compile({ optimizer: new Adafactor({ learningRate: 0.01 }), loss: 'sparse_categorical_crossentropy' });
 */
export class Adafactor extends Optimizer {
  readonly beta2Decay: number;
  readonly epsilon1: number;
  readonly epsilon2: number;
  readonly clipThreshold: number;
  readonly relativeStep: boolean;

  constructor(options: AdafactorOptions = {}) {
    super(options, ['beta2Decay', 'epsilon1', 'epsilon2', 'clipThreshold', 'relativeStep'], { className: 'Adafactor', name: 'adafactor', learningRate: 0.001 });
    this.beta2Decay = numberOption('Adafactor', 'beta2Decay', options.beta2Decay ?? -0.8);
    this.epsilon1 = numberOption('Adafactor', 'epsilon1', options.epsilon1 ?? 1e-30, 0);
    this.epsilon2 = numberOption('Adafactor', 'epsilon2', options.epsilon2 ?? 1e-3, 0);
    this.clipThreshold = numberOption('Adafactor', 'clipThreshold', options.clipThreshold ?? 1, 0);
    this.relativeStep = booleanOption('Adafactor', 'relativeStep', options.relativeStep ?? true);
  }

  protected slotNames(): string[] {
    return ['r', 'c', 'velocity'];
  }

  protected override slotShape(slotName: string, variable: Variable): readonly number[] {
    const shape = variable.shape;
    if (slotName === 'velocity') return shape;
    if (shape.length < 2) return [];
    return slotName === 'r' ? shape.slice(0, -1) : [...shape.slice(0, -2), shape[shape.length - 1]];
  }

  override updateStep(gradient: Tensor, variable: Variable, learningRate: Tensor): void {
    const step = this.stepScalar(() => this.updates + 1);
    const rms = (x: Tensor) => mean(x.square()).sqrt();
    const stepSize = minimum(learningRate, div(1, step.sqrt()));
    const relativeStepSize = maximum(rms(variable), this.epsilon2).mul(stepSize);
    const squared = gradient.square().add(this.epsilon1);
    const decay = sub(1, pow(step, this.beta2Decay));
    const keep = sub(1, decay);
    const velocity = this.getSlot(variable, 'velocity')!;
    if (variable.rank >= 2) {
      const rows = this.getSlot(variable, 'r')!;
      const columns = this.getSlot(variable, 'c')!;
      rows.assign(decay.mul(rows).add(keep.mul(mean(squared, -1))));
      columns.assign(decay.mul(columns).add(keep.mul(mean(squared, -2))));
      velocity.assign(expandDims(rows.div(mean(rows, -1, true)), -1).mul(expandDims(columns, -2)));
    } else {
      velocity.assign(decay.mul(velocity).add(keep.mul(squared)));
    }
    const update = gradient.div(velocity.sqrt());
    const clipped = update.div(maximum(rms(update).div(this.clipThreshold), 1));
    variable.assign(variable.sub(relativeStepSize.mul(clipped)));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta2Decay: this.beta2Decay, epsilon1: this.epsilon1, epsilon2: this.epsilon2, clipThreshold: this.clipThreshold, relativeStep: this.relativeStep };
  }
}
