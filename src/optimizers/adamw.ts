// AdamW (Loshchilov & Hutter): Adam with decoupled weight decay, as keras.optimizers.AdamW. The
// decay is part of the same fused update kernel (the variable is scaled by 1 - lr * weightDecay
// before the Adam step).

import { Adam, type AdamOptions } from './adam';

/**
 * Adam with decoupled weight decay (default weightDecay 0.004; the other defaults are Adam's).
 *
 * @example
 * const optimizer = new AdamW({ learningRate: 1e-3, weightDecay: 0.01 });
 * optimizer.applyGradients([[dw, w]]);
 */
export class AdamW extends Adam {
  constructor(options: AdamOptions = {}) {
    super(options, { className: 'AdamW', name: 'adamw', learningRate: 0.001, weightDecay: 0.004 });
    if (this.weightDecay === null) {
      throw new Error('AdamW: argument `weightDecay` must be a number. Received: weightDecay=null');
    }
  }
}
