// Embedding: integer indices to dense vectors (keras/src/layers/core/embedding.py) by `gather`
// on the embeddings matrix; the gradient reaches the matrix through gather's scatter-add rule.
// With `maskZero`, index 0 is padding: the output carries the mask `indices != 0`.

import type { Variable } from '../autograd/variable';
import { cast, notEqual } from '../ops/elementwise';
import { gather } from '../ops/shape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import type { Constraint, ConstraintIdentifier } from './constraints';
import type { Initializer, InitializerIdentifier } from './initializers';
import { Layer, type LayerArgs, type OutputMask } from './layer';
import { checkPositiveInt, constraintConfig, initializerConfig, regularizerConfig, resolveConstraint, resolveInitializer, resolveRegularizer } from './layer_utils';
import type { Regularizer, RegularizerIdentifier } from './regularizers';
import type { Shape } from './symbolic';

export interface EmbeddingArgs extends LayerArgs {
  /** Size of the vocabulary: indices are in [0, inputDim). */
  inputDim: number;
  /** Size of each embedding vector. */
  outputDim: number;
  /** Default 'uniform' (RandomUniform in [-0.05, 0.05)). */
  embeddingsInitializer?: InitializerIdentifier;
  embeddingsRegularizer?: RegularizerIdentifier | null;
  /** Applied to the embeddings matrix after each optimizer update (e.g. 'unit_norm' with axis 1). */
  embeddingsConstraint?: ConstraintIdentifier | null;
  /**
   * Whether index 0 is padding (default false): the output then carries the mask `indices != 0`
   * (see getMask), which recurrent layers, pooling, attention and the loss honour. Index 0 still
   * has a row in the matrix, so the vocabulary needs inputDim = words + 1.
   */
  maskZero?: boolean;
}

/**
 * Turns indices into vectors: an input of shape [batch, ...] gives [batch, ..., outputDim], row
 * `i` of the `embeddings` weight ([inputDim, outputDim]) for index `i`. Indices may be int32 or
 * float (truncated to integers). An index outside [0, inputDim) gives a zero vector. With
 * `maskZero: true` the output's mask (see getMask) is 0 where the index is 0.
 *
 * Arguments: `inputDim`, `outputDim`; `embeddingsInitializer` ('uniform');
 * `embeddingsRegularizer`; `embeddingsConstraint`; `maskZero` (false).
 *
 * @example
 * const embed = new Embedding({ inputDim: 1000, outputDim: 64 });
 * embed.apply(tensor([[4, 20, 7]], [1, 3], 'int32')).shape;   // [1, 3, 64]
 * const padded = new Embedding({ inputDim: 1000, outputDim: 64, maskZero: true }).apply(tensor([[4, 20, 0]], [1, 3], 'int32'));
 * getMask(padded);   // [[1, 1, 0]]
 */
export class Embedding extends Layer {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly embeddingsInitializer: Initializer;
  readonly embeddingsRegularizer: Regularizer | null;
  readonly embeddingsConstraint: Constraint | null;
  readonly maskZero: boolean;
  embeddings!: Variable;

  constructor(args: EmbeddingArgs) {
    // inputDim is the vocabulary here, not LayerArgs' input shape [inputDim].
    super({ ...args, inputDim: undefined });
    this.inputDim = checkPositiveInt('inputDim', args?.inputDim);
    this.outputDim = checkPositiveInt('outputDim', args.outputDim);
    this.embeddingsInitializer = resolveInitializer(args.embeddingsInitializer ?? 'uniform');
    this.embeddingsRegularizer = resolveRegularizer(args.embeddingsRegularizer);
    this.embeddingsConstraint = resolveConstraint(args.embeddingsConstraint);
    const maskZero = args.maskZero ?? false;
    if (typeof maskZero !== 'boolean') throw new Error(`Invalid value for argument maskZero. Expected a boolean. Received: maskZero=${String(args.maskZero)}`);
    this.maskZero = maskZero;
    this.supportsMasking = maskZero;
  }

  override build(_inputShape?: Shape | Shape[]): void {
    this.embeddings = this.addWeight({
      name: 'embeddings',
      shape: [this.inputDim, this.outputDim],
      initializer: this.embeddingsInitializer,
      regularizer: this.embeddingsRegularizer ?? undefined,
      constraint: this.embeddingsConstraint,
    });
  }

  override call(inputs: Tensor): Tensor {
    return tidy(() => gather(this.embeddings, inputs.dtype === 'int32' ? inputs : cast(inputs, 'int32'), 0));
  }

  /** With maskZero: 1 where the index is not 0 (int32, the indices' shape); otherwise null. */
  override computeMask(inputs: Tensor | Tensor[]): OutputMask {
    if (!this.maskZero) return null;
    return notEqual(Array.isArray(inputs) ? inputs[0] : inputs, 0);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape, this.outputDim];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      embeddingsInitializer: initializerConfig(this.embeddingsInitializer),
      embeddingsRegularizer: regularizerConfig(this.embeddingsRegularizer),
      embeddingsConstraint: constraintConfig(this.embeddingsConstraint),
      maskZero: this.maskZero,
    };
  }
}
