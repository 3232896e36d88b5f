// Weight regularizers: penalties added to the loss, computed on the GPU from the weights each time
// `layer.losses` is read (inside the training step's tape, so they are differentiated).

import type { Tensor } from '../tensor/tensor';
import { canonicalName } from './initializers';

export class Regularizer {
  readonly className = 'L1L2';
  constructor(
    readonly l1 = 0,
    readonly l2 = 0,
  ) {
    if (!(l1 >= 0) || !(l2 >= 0)) throw new Error(`Regularizer: l1 and l2 must be non-negative, got l1=${l1}, l2=${l2}.`);
  }

  /** The penalty for one weight: l1 * sum(|w|) + l2 * sum(w^2). */
  apply(weight: Tensor): Tensor {
    const l1 = this.l1 > 0 ? weight.abs().sum().mul(this.l1) : null;
    const l2 = this.l2 > 0 ? weight.square().sum().mul(this.l2) : null;
    if (l1 && l2) return l1.add(l2);
    return l1 ?? l2 ?? weight.sum().mul(0);
  }

  getConfig(): Record<string, number> {
    return { l1: this.l1, l2: this.l2 };
  }
}

/** L1 penalty (Keras default factor 0.01). */
export const l1 = (factor = 0.01) => new Regularizer(factor, 0);
/** L2 penalty (Keras default factor 0.01). */
export const l2 = (factor = 0.01) => new Regularizer(0, factor);
/** Both penalties (Keras defaults 0). */
export const l1l2 = ({ l1: a = 0, l2: b = 0 }: { l1?: number; l2?: number } = {}) => new Regularizer(a, b);

export type RegularizerIdentifier = 'l1' | 'l2' | 'l1l2' | 'l1_l2' | Regularizer | { className: string; config?: { l1?: number; l2?: number } };

export function getRegularizer(identifier: RegularizerIdentifier): Regularizer {
  if (identifier instanceof Regularizer) return identifier;
  const name = typeof identifier === 'string' ? identifier : identifier.className;
  const config = typeof identifier === 'string' ? {} : (identifier.config ?? {});
  switch (canonicalName(name).toLowerCase()) {
    case 'l1':
      return l1(config.l1);
    case 'l2':
      return l2(config.l2);
    case 'l1l2':
      return l1l2(config);
    default:
      throw new Error(`Unknown regularizer: '${name}'. Expected one of l1, l2, l1l2 (or a Regularizer).`);
  }
}
