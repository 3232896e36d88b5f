// The symbolic side of layers: `Input(...)` makes a SymbolicTensor (a shape with `null` for
// unknown dimensions, and the layer call that produced it); applying layers to symbolic tensors
// builds the graph that a functional Model runs.

import type { DType } from '../backend/types';
import type { Layer, CallArgs } from './layer';

/** A shape with `null` for dimensions unknown until data arrives (the batch, usually). */
export type Shape = Array<number | null>;

/** One application of a layer to symbolic inputs. */
export class Node {
  constructor(
    readonly layer: Layer,
    readonly inputs: SymbolicTensor[],
    readonly outputs: SymbolicTensor[],
    readonly callArgs: CallArgs,
    /** Whether the layer was applied to a list (merge layers) rather than a single tensor. */
    readonly listInput = false,
  ) {}
}

/** A placeholder for a tensor in a model under construction (Keras's KerasTensor). */
export class SymbolicTensor {
  readonly isSymbolic = true;
  /** The layer call that produces it; set right after construction. */
  node!: Node;
  /**
   * The shape of the mask it will carry when the model runs (Keras's `_keras_mask` on a
   * KerasTensor), or null: set from the producing layer's computeMask when the graph is built.
   */
  maskShape: Shape | null = null;

  constructor(
    readonly shape: Shape,
    readonly dtype: DType,
    readonly name: string,
    readonly outputIndex = 0,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `SymbolicTensor(name=${this.name}, shape=${formatSymbolicShape(this.shape)})`;
  }
}

export function isSymbolic(x: unknown): x is SymbolicTensor {
  return typeof x === 'object' && x !== null && (x as SymbolicTensor).isSymbolic === true;
}

/** Keras's shape notation: (None, 32). */
export function formatSymbolicShape(shape: Shape): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}
