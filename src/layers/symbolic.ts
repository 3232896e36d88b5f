// The symbolic side of layers: `Input(...)` makes a SymbolicTensor (a shape with `null` for
// unknown dimensions, and the layer call that produced it); applying layers to symbolic tensors
// builds the graph that a functional Model runs.

import type { DType } from '../backend/types';
import type { Tensor } from '../tensor/tensor';
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
    /** The keys, in order, when the layer was applied to a record of tensors (a custom layer given Keras's dict); else null. */
    readonly inputKeys: readonly string[] | null = null,
  ) {}

  /** Values for the node's inputs, in order, in the form the layer was applied to: one, a list, or a record. */
  packInputs<T>(values: T[]): T | T[] | Record<string, T> {
    if (this.inputKeys) return Object.fromEntries(this.inputKeys.map((key, i) => [key, values[i]]));
    return this.listInput ? values : values[0];
  }
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

  // Keras's operators on a KerasTensor (`x + y`, `-x`, `x < y`, `x @ w`), under the names of the
  // Tensor methods: each records the op as a node of the graph, as `ops.add(x, y)` does.
  /**
   * `ops.add(this, other)` as a node of the graph (Keras's `x + other`); sub, mul, div, pow,
   * matmul, the comparisons, logicalAnd/Or/Not, neg, abs, reshape and squeeze likewise.
   *
   * @example
   * const x = Input({ shape: [4] });
   * const residual = new layers.Dense({ units: 4 }).apply(x).add(x);
   */
  add(other: SymbolicOperand): SymbolicTensor { return recordOp('add', [this, other]); }
  sub(other: SymbolicOperand): SymbolicTensor { return recordOp('subtract', [this, other]); }
  mul(other: SymbolicOperand): SymbolicTensor { return recordOp('multiply', [this, other]); }
  div(other: SymbolicOperand): SymbolicTensor { return recordOp('divide', [this, other]); }
  pow(other: SymbolicOperand): SymbolicTensor { return recordOp('power', [this, other]); }
  matmul(other: SymbolicTensor | Tensor): SymbolicTensor { return recordOp('matmul', [this, other]); }
  equal(other: SymbolicOperand): SymbolicTensor { return recordOp('equal', [this, other]); }
  notEqual(other: SymbolicOperand): SymbolicTensor { return recordOp('notEqual', [this, other]); }
  less(other: SymbolicOperand): SymbolicTensor { return recordOp('less', [this, other]); }
  lessEqual(other: SymbolicOperand): SymbolicTensor { return recordOp('lessEqual', [this, other]); }
  greater(other: SymbolicOperand): SymbolicTensor { return recordOp('greater', [this, other]); }
  greaterEqual(other: SymbolicOperand): SymbolicTensor { return recordOp('greaterEqual', [this, other]); }
  logicalAnd(other: SymbolicOperand): SymbolicTensor { return recordOp('logicalAnd', [this, other]); }
  logicalOr(other: SymbolicOperand): SymbolicTensor { return recordOp('logicalOr', [this, other]); }
  logicalNot(): SymbolicTensor { return recordOp('logicalNot', [this]); }
  neg(): SymbolicTensor { return recordOp('negative', [this]); }
  abs(): SymbolicTensor { return recordOp('abs', [this]); }
  /** `ops.reshape(this, shape)`: the batch dimension included, as Keras's KerasTensor.reshape. */
  reshape(shape: readonly number[]): SymbolicTensor { return recordOp('reshape', [this, shape]); }
  squeeze(axis?: number | number[]): SymbolicTensor { return recordOp('squeeze', axis === undefined ? [this] : [this, axis]); }
}

/** What the arithmetic of a SymbolicTensor takes besides another one: a tensor constant or a number. */
export type SymbolicOperand = SymbolicTensor | Tensor | number;

// operation.ts records ops as graph nodes; it imports this file, so it hands the recorder over
// when it loads instead of being imported here.
let opRecorder: ((op: string, args: unknown[]) => unknown) | null = null;

/** Sets how a SymbolicTensor's arithmetic records an op (called once by operation.ts). */
export function setSymbolicOpRecorder(record: (op: string, args: unknown[]) => unknown): void {
  opRecorder = record;
}

function recordOp(op: string, args: unknown[]): SymbolicTensor {
  if (!opRecorder) throw new Error(`SymbolicTensor: ops.${op} cannot be recorded before the layers module has loaded; import the library's entry point.`);
  return opRecorder(op, args) as SymbolicTensor;
}

export function isSymbolic(x: unknown): x is SymbolicTensor {
  return typeof x === 'object' && x !== null && (x as SymbolicTensor).isSymbolic === true;
}

/** Keras's shape notation: (None, 32). */
export function formatSymbolicShape(shape: Shape): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}
