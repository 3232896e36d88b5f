// Weight regularizers: penalties added to the loss, computed on the GPU from the weights each time
// `layer.losses` is read (inside the training step's tape, so they are differentiated).

import type { Tensor } from '../tensor/tensor';
import { canonicalName } from './initializers';
import { getCustomObject, getRegisteredName, registrationHint, withCustomObjects, type CustomObjects } from '../io/object_registration';
import { eye } from '../ops/creation';
import { abs, mul, sub } from '../ops/elementwise';
import { normalize } from '../ops/linalg';
import { matmul } from '../ops/matmul';
import { sum } from '../ops/reduce';
import { transpose } from '../ops/shape';
import { tidy } from '../tensor/memory';

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

  getConfig(): Record<string, unknown> {
    return { l1: this.l1, l2: this.l2 };
  }
}

/**
 * Both penalties, l1 * sum(|w|) + l2 * sum(w^2) (keras.regularizers.L1L2; defaults 0).
 * @example new layers.Dense({ units: 3, kernelRegularizer: new regularizers.L1L2({ l1: 0.01, l2: 0.01 }) });
 */
export class L1L2 extends Regularizer {
  override readonly className = 'L1L2';
}

/**
 * The L1 penalty l1 * sum(|w|) (keras.regularizers.L1; default factor 0.01).
 * @example new layers.Dense({ units: 3, kernelRegularizer: new regularizers.L1(0.001) });
 */
export class L1 extends Regularizer {
  override readonly className = 'L1';
  constructor(factor: number | { l1?: number } = 0.01) {
    super(typeof factor === 'number' ? factor : (factor.l1 ?? 0.01), 0);
  }
  override getConfig(): Record<string, unknown> {
    return { l1: this.l1 };
  }
}

/**
 * The L2 penalty l2 * sum(w^2) (keras.regularizers.L2; default factor 0.01).
 * @example new layers.Dense({ units: 3, kernelRegularizer: new regularizers.L2(0.001) });
 */
export class L2 extends Regularizer {
  override readonly className = 'L2';
  constructor(factor: number | { l2?: number } = 0.01) {
    super(0, typeof factor === 'number' ? factor : (factor.l2 ?? 0.01));
  }
  override getConfig(): Record<string, unknown> {
    return { l2: this.l2 };
  }
}

/** Options of OrthogonalRegularizer. */
export interface OrthogonalRegularizerArgs {
  /** The weight of the penalty (default 0.01). */
  factor?: number;
  /** 'rows' (default): keep the rows orthogonal to each other; 'columns': the columns. */
  mode?: 'rows' | 'columns';
}

/**
 * Encourages the rows (or columns) of a 2-D weight to be orthogonal
 * (keras.regularizers.OrthogonalRegularizer): with the vectors L2-normalized, the penalty is
 * factor * 0.5 * sum over the off-diagonal entries of |V Vᵀ|, divided by the number of pairs
 * n (n - 1) / 2.
 *
 * @example
 * new layers.Dense({ units: 4, kernelRegularizer: new regularizers.OrthogonalRegularizer({ factor: 0.01, mode: 'columns' }) });
 */
export class OrthogonalRegularizer extends Regularizer {
  override readonly className = 'OrthogonalRegularizer';
  readonly factor: number;
  readonly mode: 'rows' | 'columns';
  constructor({ factor = 0.01, mode = 'rows' }: OrthogonalRegularizerArgs = {}) {
    super();
    if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 0) {
      throw new Error(`OrthogonalRegularizer: Invalid value for argument factor: expected a non-negative float. Received: factor=${String(factor)}.`);
    }
    if (mode !== 'rows' && mode !== 'columns') throw new Error(`OrthogonalRegularizer: Invalid value for argument mode. Expected one of 'rows', 'columns'. Received: mode=${JSON.stringify(mode)}.`);
    this.factor = factor;
    this.mode = mode;
  }

  override apply(weight: Tensor): Tensor {
    if (weight.rank !== 2) throw new Error(`Inputs to OrthogonalRegularizer must have rank 2. Received: inputs.shape=[${weight.shape.join(', ')}].`);
    const vectors = this.mode === 'rows' ? weight : transpose(weight);
    const size = vectors.shape[0];
    if (size < 2) throw new Error(`OrthogonalRegularizer: needs at least 2 ${this.mode} to compare. Received: inputs.shape=[${weight.shape.join(', ')}].`);
    return tidy(() => {
      const unit = normalize(vectors, 1);
      const product = matmul(unit, transpose(unit));
      const offDiagonal = mul(product, sub(1, eye(size, size, 0, product.dtype)));
      return mul(sum(abs(offDiagonal)), (this.factor * 0.5) / ((size * (size - 1)) / 2));
    });
  }

  override getConfig(): Record<string, unknown> {
    return { factor: this.factor, mode: this.mode };
  }
}

/** L1 penalty (Keras default factor 0.01). */
export const l1 = (factor = 0.01) => new Regularizer(factor, 0);
/** L2 penalty (Keras default factor 0.01). */
export const l2 = (factor = 0.01) => new Regularizer(0, factor);
/** Both penalties (Keras defaults 0). */
export const l1l2 = ({ l1: a = 0, l2: b = 0 }: { l1?: number; l2?: number } = {}) => new Regularizer(a, b);
/** Keras's `l1_l2`, the same as `l1l2`. @example regularizers.l1L2({ l1: 0.01, l2: 0.01 }) */
export const l1L2 = l1l2;
/** An OrthogonalRegularizer (keras.regularizers.orthogonal_regularizer). @example regularizers.orthogonalRegularizer({ factor: 0.1 }) */
export const orthogonalRegularizer = (args?: OrthogonalRegularizerArgs) => new OrthogonalRegularizer(args);

export type RegularizerIdentifier = 'l1' | 'l2' | 'l1l2' | 'l1_l2' | 'orthogonal_regularizer' | Regularizer | { className: string; config?: Record<string, unknown> };

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
    case 'orthogonalregularizer':
      return new OrthogonalRegularizer(config as OrthogonalRegularizerArgs);
    default:
      throw new Error(`Unknown regularizer: '${name}'. Expected one of l1, l2, l1l2, orthogonal_regularizer (or a Regularizer). ${registrationHint(name)}`);
  }
}

/**
 * A regularizer from a name, a `{ className, config }` record or an instance
 * (keras.regularizers.get); null (no regularizer) for null or undefined, as Keras's None.
 * @example regularizers.get('l2');   // l2 factor 0.01
 */
export function get(identifier: RegularizerIdentifier): Regularizer;
export function get(identifier: RegularizerIdentifier | null | undefined): Regularizer | null;
export function get(identifier: RegularizerIdentifier | null | undefined): Regularizer | null {
  return identifier == null ? null : getRegularizer(identifier);
}

/**
 * The `{ className, config }` record of a regularizer (keras.regularizers.serialize).
 * @example regularizers.serialize(new regularizers.L2(0.1));   // { className: 'L2', config: { l2: 0.1 } }
 */
export function serialize(regularizer: Regularizer): { className: string; config: Record<string, unknown> } {
  return { className: regularizer.className, config: regularizer.getConfig() };
}

/**
 * The regularizer a saved record names, looking custom class names up in `customObjects` and the
 * registered objects (keras.regularizers.deserialize).
 * @example regularizers.deserialize({ className: 'OrthogonalRegularizer', config: { factor: 0.1, mode: 'rows' } });
 */
export function deserialize(config: RegularizerIdentifier, customObjects: CustomObjects = {}): Regularizer {
  return withCustomObjects(customObjects, () => getRegularizer(config));
}
