// Variables: tensors whose value persists across steps and can be assigned, such as a layer's
// weights. Tapes watch trainable variables automatically; tidy scopes never dispose them.

import type { Storage } from '../backend/storage';
import { formatShape, type DType } from '../backend/types';
import { tensor, type TensorValues } from '../tensor/creation';
import { keep, tidy } from '../tensor/memory';
import { activeTracer } from '../tensor/trace';
import { Tensor } from '../tensor/tensor';
import { add, cast, sub } from '../ops/elementwise';
import { setTrainableVariableTest } from './tape';

export interface VariableOptions {
  /** Whether optimizers update it and tapes watch it (default true). */
  trainable?: boolean;
  name?: string;
  dtype?: DType;
  /** Applied by optimizers to each new value (see `Variable.constraint`); default none. */
  constraint?: VariableConstraint | null;
}

/**
 * A projection of a variable's value (keras.constraints.Constraint): `apply` takes the value and
 * returns the projected value, of the same shape and dtype, made with ops.
 */
export interface VariableConstraint {
  apply(value: Tensor): Tensor;
}

let unnamed = 0;

/**
 * A tensor with a persistent, assignable value.
 *
 * @example
 * const w = new Variable(randomNormal([3, 1]), { name: 'w' });
 * w.assign(w.sub(grad.mul(0.1)));
 */
export class Variable extends Tensor {
  trainable: boolean;
  readonly name: string;
  private constraintValue: VariableConstraint | null = null;

  constructor(initialValue: Tensor | TensorValues, options: VariableOptions = {}) {
    const source = initialValue instanceof Tensor ? initialValue : tensor(initialValue, undefined, options.dtype);
    const converted = options.dtype && source.dtype !== options.dtype ? cast(source, options.dtype) : source;
    // Tensors are immutable, so the variable can share the initial value's storage.
    super(converted.storage.retain(), converted.shape, converted.dtype);
    if (converted !== source) converted.dispose();
    if (source !== initialValue) source.dispose();
    keep(this);
    this.trainable = options.trainable ?? true;
    this.name = options.name ?? `variable_${unnamed++}`;
    this.constraint = options.constraint ?? null;
  }

  /**
   * Keras 3's `variable.path`: where the variable sits, e.g. 'dense/kernel' for a weight made by
   * `Layer.addWeight`, or the name alone for a standalone variable. Here `name` already holds the
   * path (Keras 3's `name` is only its last part, 'kernel').
   *
   * @example
   * model.weights.map((w) => w.path);   // ['dense/kernel', 'dense/bias']
   */
  get path(): string {
    return this.name;
  }

  /**
   * Keras 3's `variable.value`: the variable as a plain Tensor, for code that reads `w.value`. It is
   * the variable itself, so it follows later assigns; `ops.copy(w)` takes a snapshot.
   *
   * @example
   * ops.sum(layer.kernel.value);
   */
  get value(): Tensor {
    return this;
  }

  /**
   * Applied by the optimizer after each update, as Keras 3's `variable.constraint`: the variable
   * takes `constraint.apply(newValue)` instead of the new value. Null for none. `Layer.addWeight`
   * sets it from its `constraint` option.
   */
  get constraint(): VariableConstraint | null {
    return this.constraintValue;
  }

  set constraint(value: VariableConstraint | null) {
    if (value !== null && (typeof value !== 'object' || typeof value.apply !== 'function')) {
      throw new Error(`Variable '${this.name}': invalid value for attribute constraint. Expected a Constraint (an object with apply(value)) or null. Received: ${typeof value}.`);
    }
    this.constraintValue = value;
  }

  /**
   * Takes `value` (same shape and dtype) as the new value, sharing its storage; numbers and arrays
   * are converted to the variable's dtype, as Keras's `assign(0.0)`. Returns the variable.
   */
  assign(value: Tensor | TensorValues): this {
    if (!(value instanceof Tensor)) {
      const converted = tensor(value, undefined, this.dtype);
      try {
        return this.assign(converted);
      } finally {
        converted.dispose();
      }
    }
    if (value.shape.length !== this.shape.length || value.shape.some((d, i) => d !== this.shape[i])) {
      throw new Error(`Variable.assign (${this.name}): shape ${formatShape(value.shape)} differs from the variable's ${formatShape(this.shape)}.`);
    }
    if (value.dtype !== this.dtype) {
      throw new Error(`Variable.assign (${this.name}): dtype ${value.dtype} differs from the variable's ${this.dtype}.`);
    }
    this.replaceStorage(value.storage.retain());
    activeTracer()?.assign(this, value);
    return this;
  }

  /**
   * Adds `value` (a tensor, number or array broadcasting to the variable's shape) to the value, as
   * Keras's `assign_add`. Returns the variable.
   *
   * @example
   * total.assignAdd(ops.sum(batch, 0));   // a running sum kept in a non-trainable weight
   */
  assignAdd(value: Tensor | TensorValues): this {
    return this.assignCombined('assignAdd', value, add);
  }

  /** Subtracts `value` from the value, as Keras's `assign_sub`. Returns the variable. */
  assignSub(value: Tensor | TensorValues): this {
    return this.assignCombined('assignSub', value, sub);
  }

  private assignCombined(op: string, value: Tensor | TensorValues, combine: (a: Tensor, b: Tensor) => Tensor): this {
    tidy(() => {
      const operand = value instanceof Tensor ? value : tensor(value, undefined, this.dtype);
      const combined = combine(this, operand);
      if (combined.shape.length !== this.shape.length || combined.shape.some((d, i) => d !== this.shape[i])) {
        throw new Error(`Variable.${op} (${this.name}): a value of shape ${formatShape(operand.shape)} does not broadcast to the variable's ${formatShape(this.shape)}.`);
      }
      this.assign(combined.dtype === this.dtype ? combined : cast(combined, this.dtype));
    });
    return this;
  }

  /** @internal Takes a storage of the variable's shape and dtype as its value (a replayed step's assignment). */
  adoptStorage(storage: Storage): void {
    this.replaceStorage(storage.retain());
  }
}

/** Same as `new Variable(initialValue, options)`. */
export function variable(initialValue: Tensor | TensorValues, options: VariableOptions = {}): Variable {
  return new Variable(initialValue, options);
}

setTrainableVariableTest((t) => t instanceof Variable && t.trainable);
