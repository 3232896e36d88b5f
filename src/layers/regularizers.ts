// Weight regularizers: penalties added to the loss, computed on the GPU from the weights each time
// `layer.losses` is read (inside the training step's tape, so they are differentiated).

import type { Tensor } from '../tensor/tensor';
import { canonicalName } from './initializers';
import { getCustomObject, getRegisteredName, registrationHint } from '../io/object_registration';

/**
 * The L1/L2 penalty, and the base class of custom regularizers: a subclass overrides `apply`
 * (and `getConfig` when it has options) and is registered with `registerKerasSerializable` so that
 * saved models naming it load.
 *
 * A saved config is rebuilt as `new MyRegularizer(config)` (or `MyRegularizer.fromConfig(config)`
 * when the class defines it), so a subclass's constructor takes the record its `getConfig` returns,
 * as layers do.
 *
 * @example
 * class Orthogonality extends regularizers.Regularizer {
 *   readonly factor: number;
 *   constructor({ factor = 0.01 }: { factor?: number } = {}) { super(); this.factor = factor; }
 *   override apply(w: Tensor) { ... }
 *   override getConfig() { return { factor: this.factor }; }
 * }
 * registerKerasSerializable(Orthogonality);
 */
export class Regularizer {
  /** The name a saved config records: 'L1L2' for the built-in, else the registered or class name. */
  readonly className: string;
  readonly l1: number;
  readonly l2: number;
  /** The factors as numbers, or as the record getConfig returns ({ l1, l2 }). */
  constructor(l1: number | { l1?: number; l2?: number } = 0, l2 = 0) {
    if (typeof l1 === 'object' && l1 !== null) [l1, l2] = [l1.l1 ?? 0, l1.l2 ?? 0];
    if (!(l1 >= 0) || !(l2 >= 0)) throw new Error(`Regularizer: l1 and l2 must be non-negative, got l1=${String(l1)}, l2=${l2}.`);
    this.l1 = l1;
    this.l2 = l2;
    this.className = new.target === Regularizer ? 'L1L2' : (getRegisteredName(new.target) ?? new.target.name);
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

export type RegularizerIdentifier = 'l1' | 'l2' | 'l1l2' | 'l1_l2' | Regularizer | { className: string; config?: Record<string, unknown> };

/** A regularizer from a name, `{ className, config }` (built-in, registered or in the load's customObjects) or an instance. */
export function getRegularizer(identifier: RegularizerIdentifier): Regularizer {
  if (identifier instanceof Regularizer) return identifier;
  const name = typeof identifier === 'string' ? identifier : identifier.className;
  const config = (typeof identifier === 'string' ? {} : (identifier.config ?? {})) as { l1?: number; l2?: number };
  const custom = getCustomObject(name);
  if (typeof custom === 'function' && custom.prototype instanceof Regularizer) {
    const cls = custom as unknown as { new (config: unknown): Regularizer; fromConfig?: (config: Record<string, unknown>) => Regularizer };
    return typeof cls.fromConfig === 'function' ? cls.fromConfig(config) : new cls(config);
  }
  switch (canonicalName(name).toLowerCase()) {
    case 'l1':
      return l1(config.l1);
    case 'l2':
      return l2(config.l2);
    case 'l1l2':
      return l1l2(config);
    default:
      throw new Error(`Unknown regularizer: '${name}'. Expected one of l1, l2, l1l2 (or a Regularizer). ${registrationHint(name)}`);
  }
}
