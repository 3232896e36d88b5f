// ReversibleEmbedding (keras/src/layers/core/reversible_embedding.py): an Embedding that a language
// model also calls "in reverse", with `reverse: true`, to project hidden states back to logits
// over the vocabulary, through the transposed embeddings (tied weights) or a matrix of its own.
// Keras's int8/int4 quantized variants are not part of this library.

import type { Variable } from '../autograd/variable';
import type { DType } from '../backend/types';
import { dense } from '../ops/dense';
import { cast, tanh } from '../ops/elementwise';
import { transpose } from '../ops/shape';
import { checkOptionNames } from '../ops/validate';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { Embedding, type EmbeddingArgs } from './embedding';
import type { CallArgs, LayerInput, OutputMask } from './layer';
import { formatSymbolicShape, type Shape, type SymbolicTensor } from './symbolic';

export interface ReversibleEmbeddingArgs extends EmbeddingArgs {
  /** Whether the reverse projection uses the transposed `embeddings` (default true) or a `reverse_embeddings` weight of its own. */
  tieWeights?: boolean;
  /** The dtype of the reverse projection's matmul (default null: the layer's, float32; float32 is the only float dtype here). */
  reverseDtype?: DType | null;
  /** With a number c, the reverse projection's logits become `tanh(logits / c) * c` (default null: none). */
  logitSoftCap?: number | null;
}

export interface ReversibleEmbeddingCallArgs extends CallArgs {
  /** Project hidden states [..., outputDim] to logits [..., inputDim] instead of looking up indices (default false). */
  reverse?: boolean;
}

const CALL_OPTIONS: Record<keyof ReversibleEmbeddingCallArgs, true> = { training: true, mask: true, reverse: true };

/**
 * An Embedding that also projects backwards: `apply(indices)` looks up rows as Embedding does
 * ([..., outputDim], with the mask of `maskZero`), and `apply(hidden, { reverse: true })` maps
 * hidden states [..., outputDim] to logits [..., inputDim] by `hidden · embeddingsᵀ` (tied
 * weights, the default) or by `hidden · reverse_embeddings` ([outputDim, inputDim], with
 * `tieWeights: false`), then, with `logitSoftCap` c, `tanh(logits / c) * c`. No bias; the reverse
 * output carries no mask.
 *
 * Arguments: Embedding's (`inputDim`, `outputDim`, `embeddingsInitializer` ('uniform'),
 * `embeddingsRegularizer`, `embeddingsConstraint`, `maskZero` (false)); `tieWeights` (true);
 * `reverseDtype` (null); `logitSoftCap` (null).
 * Weights: `embeddings` [inputDim, outputDim], then (untied) `reverse_embeddings` [outputDim, inputDim],
 * initialized with `embeddingsInitializer`.
 *
 * @example
 * const embedding = new ReversibleEmbedding({ inputDim: 100, outputDim: 32 });
 * const hidden = embedding.apply(tokenIds);                      // [batch, length] -> [batch, length, 32]
 * const logits = embedding.apply(hidden, { reverse: true });     // [batch, length, 100]
 */
export class ReversibleEmbedding extends Embedding {
  readonly tieWeights: boolean;
  readonly reverseDtype: DType | null;
  readonly logitSoftCap: number | null;
  /** The reverse projection's own matrix [outputDim, inputDim] when the weights are not tied; null otherwise. */
  reverseEmbeddings: Variable | null = null;
  /** Whether the `apply` in progress is a reverse one (computeOutputShape and computeMask take no call options). */
  private reversing = false;

  constructor(args: ReversibleEmbeddingArgs) {
    super(args);
    const tieWeights = args.tieWeights ?? true;
    if (typeof tieWeights !== 'boolean') throw new Error(`Invalid value for argument tieWeights. Expected a boolean. Received: tieWeights=${String(args.tieWeights)}`);
    const reverseDtype = args.reverseDtype ?? null;
    if (reverseDtype !== null && reverseDtype !== 'float32') {
      throw new Error(`Invalid value for argument reverseDtype of ReversibleEmbedding. Expected null or 'float32' (the float dtype of this library). Received: reverseDtype=${String(reverseDtype)}`);
    }
    const logitSoftCap = args.logitSoftCap ?? null;
    if (logitSoftCap !== null && !(typeof logitSoftCap === 'number' && Number.isFinite(logitSoftCap) && logitSoftCap > 0)) {
      throw new Error(`Invalid value for argument logitSoftCap. Expected null or a positive number. Received: logitSoftCap=${String(logitSoftCap)}`);
    }
    this.tieWeights = tieWeights;
    this.reverseDtype = reverseDtype;
    this.logitSoftCap = logitSoftCap;
  }

  override build(_inputShape?: Shape | Shape[]): void {
    super.build();
    if (!this.tieWeights) {
      this.reverseEmbeddings = this.addWeight({ name: 'reverse_embeddings', shape: [this.outputDim, this.inputDim], initializer: this.embeddingsInitializer });
    }
  }

  // The call options include reverse.
  override apply(inputs: SymbolicTensor, args?: ReversibleEmbeddingCallArgs): SymbolicTensor;
  override apply(inputs: SymbolicTensor[], args?: ReversibleEmbeddingCallArgs): SymbolicTensor | SymbolicTensor[];
  override apply(inputs: Tensor, args?: ReversibleEmbeddingCallArgs): Tensor;
  override apply(inputs: Tensor[], args?: ReversibleEmbeddingCallArgs): Tensor | Tensor[];
  override apply(inputs: LayerInput, args?: ReversibleEmbeddingCallArgs): LayerInput;
  override apply(inputs: LayerInput, args: ReversibleEmbeddingCallArgs = {}): LayerInput {
    checkOptionNames(`ReversibleEmbedding '${this.name}'.apply`, args, CALL_OPTIONS);
    if (args.reverse !== undefined && typeof args.reverse !== 'boolean') {
      throw new Error(`ReversibleEmbedding '${this.name}'.apply: reverse must be a boolean. Received: reverse=${String(args.reverse)}`);
    }
    this.reversing = args.reverse ?? false;
    try {
      return super.apply(inputs, args);
    } finally {
      this.reversing = false;
    }
  }

  override call(inputs: Tensor, args: ReversibleEmbeddingCallArgs = {}): Tensor {
    if (!args.reverse) return super.call(inputs);
    this.checkHiddenShape([...inputs.shape]);
    return tidy(() => {
      const kernel = this.reverseEmbeddings ?? transpose(this.embeddings);
      const logits = dense(inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32'), kernel);
      return this.logitSoftCap === null ? logits : tanh(logits.div(this.logitSoftCap)).mul(this.logitSoftCap);
    });
  }

  /** Embedding's mask (with maskZero) on a lookup; none on the reverse projection. */
  override computeMask(inputs: Tensor | Tensor[]): OutputMask {
    return this.reversing ? null : super.computeMask(inputs);
  }

  /** [...inputShape, outputDim] for a lookup; [...inputShape without its last axis, inputDim] for the reverse projection. */
  override computeOutputShape(inputShape: Shape): Shape {
    if (!this.reversing) return super.computeOutputShape(inputShape);
    this.checkHiddenShape(inputShape);
    return [...inputShape.slice(0, -1), this.inputDim];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), tieWeights: this.tieWeights, reverseDtype: this.reverseDtype, logitSoftCap: this.logitSoftCap };
  }

  private checkHiddenShape(shape: Shape): void {
    const features = shape.at(-1);
    if (shape.length === 0 || (features !== null && features !== this.outputDim)) {
      throw new Error(
        `ReversibleEmbedding '${this.name}': the reverse projection takes hidden states whose last axis is outputDim=${this.outputDim}. Received: inputs of shape ${formatSymbolicShape(shape)}`,
      );
    }
  }
}
