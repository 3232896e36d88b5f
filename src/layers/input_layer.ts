// `Input(...)`: the entry point of a functional model, a symbolic tensor made by an InputLayer.

import type { DType } from '../backend/types';
import { Layer } from './layer';
import { Node, SymbolicTensor, type Shape } from './symbolic';

export interface InputArgs {
  /** Shape of one sample, `null` for unknown dimensions. */
  shape?: Shape;
  /** Shape including the batch dimension (instead of `shape`). */
  batchShape?: Shape;
  /** @deprecated Keras 2's name of `shape`, which Keras 3's InputLayer still takes, with a warning. */
  inputShape?: Shape;
  /** Keras 2's name of `batchShape`, which Keras 3's InputLayer still takes. */
  batchInputShape?: Shape;
  batchSize?: number;
  dtype?: DType;
  name?: string;
}

/** The layer behind `Input`; it passes its input through. */
export class InputLayer extends Layer {
  constructor({ shape, batchShape, inputShape, batchInputShape, batchSize, dtype = 'float32', name }: InputArgs) {
    if (inputShape !== undefined) {
      console.warn('Argument `inputShape` is deprecated. Use `shape` instead.');
      shape ??= inputShape;
    }
    batchShape ??= batchInputShape;
    if (!shape && !batchShape) throw new Error('Input: give `shape` (without the batch dimension) or `batchShape`.');
    if ((dtype as string) === 'string') {
      throw new Error(
        "Input: dtype 'string' is not supported: strings are host data, which a model's inputs cannot take. " +
          "Apply the StringLookup (or Hashing, TextVectorization) to the data before fit and give the model its indices: Input({ shape, dtype: 'int32' }), " +
          "then CategoryEncoding for Keras's one-hot/multi-hot lookup output or Embedding for 'int'.",
      );
    }
    const fullShape: Shape = batchShape ? [...batchShape] : [batchSize ?? null, ...shape!];
    for (const d of fullShape) {
      if (d !== null && (!Number.isInteger(d) || d < 0)) throw new Error(`Input: shape (${fullShape.join(', ')}) must hold non-negative integers or null.`);
    }
    super({ name, dtype, batchInputShape: fullShape });
    this.built = true;
    const output = new SymbolicTensor(fullShape, dtype, this.name);
    const node = new Node(this, [], [output], {});
    output.node = node;
    this.inboundNodes.push(node);
  }

  /** The symbolic tensor that `Input` returns. */
  override get output(): SymbolicTensor {
    return this.inboundNodes[0].outputs[0];
  }

  override getConfig(): Record<string, unknown> {
    return { name: this.name, dtype: this.dtype, batchShape: this.batchInputShape };
  }
}

/**
 * A symbolic input for a functional model.
 *
 * @example
 * const inputs = Input({ shape: [32] });               // batch dimension unknown
 * const outputs = new layers.Dense({ units: 1 }).apply(inputs);
 * const model = new Model({ inputs, outputs });
 */
export function Input(args: InputArgs): SymbolicTensor {
  return new InputLayer(args).output;
}
