// Attention without projections (keras/src/layers/attention/attention.py and
// additive_attention.py): Attention (Luong-style, dot-product or concat scores) and
// AdditiveAttention (Bahdanau-style). Scores of a query [batch, Tq, dim] against a key
// [batch, Tv, dim] go through a softmax over Tv (after the value mask and the causal mask) and
// weight the value [batch, Tv, valueDim]. Built from ops (matmul, tanh, sum, softmax, where), so
// it runs on the GPU and has gradients; nothing is read back.

import type { Variable } from '../autograd/variable';
import { formatShape } from '../backend/types';
import { range } from '../ops/creation';
import { add, cast, greaterEqual, logicalAnd, notEqual, tanh, where } from '../ops/elementwise';
import { matmul } from '../ops/matmul';
import { sum } from '../ops/reduce';
import { expandDims, reshape } from '../ops/shape';
import { softmax } from '../ops/softmax';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { Layer, type CallArgs, type InputMask, type LayerArgs, type LayerInput, type OutputMask } from './layer';
import { checkSeed } from './layer_utils';
import { Dropout } from './regularization';
import { formatSymbolicShape, type Shape, type SymbolicTensor } from './symbolic';
import { checkOptionNames } from '../ops/validate';

/** Subtracted from the scores of masked positions before the softmax (Keras's value for float32). */
const MASKED_SCORE_OFFSET = 1e9;

/** How Attention scores a query against a key: their dot product, or the sum of tanh of their sum. */
export type AttentionScoreMode = 'dot' | 'concat';

export interface AttentionArgs extends LayerArgs {
  /** Learn a scalar `scale` that multiplies the scores (default false). */
  useScale?: boolean;
  /** 'dot' (default): `query · key`; 'concat': `sum(tanh(query + key))` times a learned scalar. */
  scoreMode?: AttentionScoreMode;
  /** Fraction of the attention weights dropped in training, in [0, 1] (default 0). */
  dropout?: number;
  /** Makes the dropout masks reproducible. */
  seed?: number;
}

export interface AdditiveAttentionArgs extends LayerArgs {
  /** Learn a `scale` vector of size dim that weights the tanh terms (default true). */
  useScale?: boolean;
  /** Fraction of the attention weights dropped in training, in [0, 1] (default 0). */
  dropout?: number;
  /** Makes the dropout masks reproducible. */
  seed?: number;
}

/** Call options of Attention and AdditiveAttention, beside `training` and `mask` ([queryMask, valueMask]). */
export interface AttentionCallArgs extends CallArgs {
  /** Also return the attention weights (after masking and softmax), [batch, Tq, Tv] (default false). */
  returnAttentionScores?: boolean;
  /** Query position i attends only to value positions j <= i (default false). */
  useCausalMask?: boolean;
}

/**
 * What Attention and AdditiveAttention share (Keras's Attention base): the input list and masks,
 * the softmax over the masked scores, dropout of the weights, and the weighted sum of the value.
 * Subclasses give the scores.
 */
abstract class BaseAttention extends Layer {
  readonly useScale: boolean;
  readonly dropout: number;
  readonly seed: number | undefined;
  /** The learned `scale` weight that the subclasses' scores use (null without useScale). */
  protected scaleWeight: Variable | null = null;
  private readonly dropoutLayer: Dropout;
  /** Whether the `apply` in progress returns the weights too (its output shapes depend on it). */
  private returningScores = false;

  constructor(args: AttentionArgs, useScaleDefault: boolean) {
    super(args);
    this.useScale = args?.useScale ?? useScaleDefault;
    if (typeof this.useScale !== 'boolean') {
      throw new Error(`Invalid value for argument useScale. Expected a boolean. Received: useScale=${String(args.useScale)}`);
    }
    const dropout = args?.dropout ?? 0;
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout <= 1)) {
      throw new Error(`Invalid value for argument dropout. Expected a number in [0, 1]. Received: dropout=${String(args.dropout)}`);
    }
    this.dropout = dropout;
    this.seed = checkSeed(args?.seed);
    this.dropoutLayer = new Dropout({ rate: dropout, seed: this.seed, name: `${this.name}_dropout` });
    this.supportsMasking = true;
  }

  /** Scores [batch, Tq, Tv] of the query [batch, Tq, dim] against the key [batch, Tv, dim]. */
  protected abstract scores(query: Tensor, key: Tensor): Tensor;

  // A list [query, value] or [query, value, key] in; one tensor out, or [output, weights] with
  // returnAttentionScores (the single-input signatures exist for typing and throw).
  override apply(inputs: SymbolicTensor[], args: AttentionCallArgs & { returnAttentionScores: true }): SymbolicTensor[];
  override apply(inputs: Tensor[], args: AttentionCallArgs & { returnAttentionScores: true }): Tensor[];
  override apply(inputs: SymbolicTensor[], args?: AttentionCallArgs & { returnAttentionScores?: false }): SymbolicTensor;
  override apply(inputs: Tensor[], args?: AttentionCallArgs & { returnAttentionScores?: false }): Tensor;
  override apply(inputs: SymbolicTensor[], args?: AttentionCallArgs): SymbolicTensor | SymbolicTensor[];
  override apply(inputs: Tensor[], args?: AttentionCallArgs): Tensor | Tensor[];
  override apply(inputs: SymbolicTensor, args?: AttentionCallArgs): SymbolicTensor;
  override apply(inputs: Tensor, args?: AttentionCallArgs): Tensor;
  override apply(inputs: LayerInput, args?: AttentionCallArgs): LayerInput;
  override apply(inputs: LayerInput, args: AttentionCallArgs = {}): LayerInput {
    checkOptionNames(`${this.constructor.name} '${this.name}'.apply`, args, { training: true, mask: true, returnAttentionScores: true, useCausalMask: true } satisfies Record<keyof AttentionCallArgs, true>);
    if (!Array.isArray(inputs) || inputs.length < 2 || inputs.length > 3) {
      const received = Array.isArray(inputs) ? `a list of ${inputs.length}` : String(inputs);
      throw new Error(`${this.constructor.name} layer must be called on a list of inputs, namely [query, value] or [query, value, key]. Received: inputs=${received}`);
    }
    for (const flag of ['returnAttentionScores', 'useCausalMask'] as const) {
      if (args[flag] !== undefined && typeof args[flag] !== 'boolean') {
        throw new Error(`Invalid value for argument ${flag}. Expected a boolean. Received: ${flag}=${String(args[flag])}`);
      }
    }
    this.returningScores = args.returnAttentionScores === true;
    try {
      return super.apply(inputs, args);
    } finally {
      this.returningScores = false;
    }
  }

  override call(inputs: Tensor | Tensor[], args: AttentionCallArgs = {}): Tensor | Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    this.checkShapes(list.map((t) => [...t.shape]));
    const masks = this.checkMasks(args.mask ?? null, list.length);
    return tidy(() => {
      const [query, value, key = value] = list.map((t) => (t.dtype === 'float32' ? t : cast(t, 'float32')));
      const [queryMask, valueMask] = masks;
      let scores = this.scores(query, key);
      const scoresMask = this.scoresMask(valueMask, query.shape[1], value.shape[1], args.useCausalMask === true);
      if (scoresMask) scores = add(scores, where(scoresMask, 0, -MASKED_SCORE_OFFSET));
      const weights = softmax(scores, -1);
      const kept = args.training && this.dropout > 0 ? this.dropoutLayer.apply(weights, { training: true }) : weights;
      let output = matmul(kept, value);
      if (queryMask) output = where(expandDims(notEqual(queryMask, 0), -1), output, 0);
      // Keras's Attention returns the weights the value was summed with: after dropout.
      return args.returnAttentionScores ? [output, kept] : output;
    });
  }

  /** The query's mask for the output (Keras's compute_mask); the weights have none. */
  override computeMask(_inputs: Tensor | Tensor[], mask: InputMask): OutputMask {
    const queryMask = Array.isArray(mask) ? (mask[0] ?? null) : null;
    return this.returningScores ? [queryMask, null] : queryMask;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const [queryShape, valueShape, keyShape] = this.checkShapes(inputShape);
    const batch = [valueShape[0], keyShape[0]].reduce((size, other) => (size === 1 ? other : size), queryShape[0]);
    const output: Shape = [batch, queryShape[1], valueShape[2]];
    return this.returningScores ? [output, [batch, queryShape[1], valueShape[1]]] : output;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), useScale: this.useScale, dropout: this.dropout, seed: this.seed };
  }

  /** The value mask [batch, Tv] as [batch, 1, Tv], and the causal lower triangle [1, Tq, Tv], combined; null when neither. */
  private scoresMask(valueMask: Tensor | null, queryLength: number, valueLength: number, causal: boolean): Tensor | null {
    const padding = valueMask && expandDims(notEqual(valueMask, 0), 1);
    if (!causal) return padding;
    const rows = reshape(range(queryLength, undefined, 1, 'int32'), [1, queryLength, 1]);
    const columns = reshape(range(valueLength, undefined, 1, 'int32'), [1, 1, valueLength]);
    const lowerTriangle = greaterEqual(rows, columns);
    return padding ? logicalAnd(padding, lowerTriangle) : lowerTriangle;
  }

  /** Checks [query, value, key?] shapes: rank 3, batch sizes equal or 1, equal Tv of value and key, equal dim of query and key. */
  protected checkShapes(inputShape: Shape | Shape[]): Shape[] {
    const shapes = inputShape.length > 0 && Array.isArray(inputShape[0]) ? (inputShape as Shape[]) : [inputShape as Shape];
    if (shapes.length < 2 || shapes.length > 3) {
      throw new Error(`${this.constructor.name} layer accepts inputs list of length 2 or 3, namely [query, value] or [query, value, key]. Received length: ${shapes.length}.`);
    }
    const [queryShape, valueShape, keyShape = valueShape] = shapes;
    const named: Array<[string, Shape]> = [['query', queryShape], ['value', valueShape], ['key', keyShape]];
    for (const [name, shape] of named) {
      if (shape.length !== 3) {
        throw new Error(`Invalid shape for \`${name}\` of layer "${this.name}". Expected rank 3 (batch, sequence, features). Received: ${name}_shape=${formatSymbolicShape(shape)}`);
      }
    }
    const differ = (a: number | null, b: number | null) => a !== null && b !== null && a !== b;
    const shown = `query_shape=${formatSymbolicShape(queryShape)}, value_shape=${formatSymbolicShape(valueShape)}, key_shape=${formatSymbolicShape(keyShape)}`;
    // Batch sizes broadcast, as Keras's matmul of the query and the key does (keras.io's Perceiver
    // attends from one latent array, batch 1, to a batch of images).
    const batches = [queryShape[0], valueShape[0], keyShape[0]];
    if (batches.some((a) => batches.some((b) => differ(a, b) && a !== 1 && b !== 1))) {
      throw new Error(`\`query\`, \`value\` and \`key\` of layer "${this.name}" must have the same batch size, or a batch size of 1 that broadcasts. Received: ${shown}`);
    }
    if (differ(valueShape[1], keyShape[1])) {
      throw new Error(`\`value\` and \`key\` of layer "${this.name}" must have the same length (axis 1). Received: ${shown}`);
    }
    if (differ(queryShape[2], keyShape[2])) {
      throw new Error(`\`query\` and \`key\` of layer "${this.name}" must have the same feature size (last axis) to be scored against each other. Received: ${shown}`);
    }
    return [queryShape, valueShape, keyShape];
  }

  /** [queryMask, valueMask] from the mask option or the inputs' masks (null where none), with Keras's checks. */
  private checkMasks(mask: InputMask, inputCount: number): [Tensor | null, Tensor | null] {
    if (mask === null) return [null, null];
    if (!Array.isArray(mask) || mask.length < 2 || mask.length > 3) {
      const received = Array.isArray(mask) ? `a list of ${mask.length}` : `a tensor of shape ${formatShape((mask as Tensor).shape)}`;
      throw new Error(`${this.constructor.name} layer mask must be a list, namely [query_mask, value_mask] (one per input, null where none; ${inputCount} inputs). Received: mask=${received}`);
    }
    return [mask[0] ?? null, mask[1] ?? null];
  }
}

/**
 * Dot-product attention, a.k.a. Luong-style attention: `softmax(scores) · value` with scores
 * `query · keyᵀ` (scoreMode 'dot', times a learned scalar `scale` with `useScale`) or
 * `concatScoreWeight * sum(tanh(scale * (query + key)))` (scoreMode 'concat'). Inputs
 * `[query, value]` or `[query, value, key]` of shapes [batch, Tq, dim], [batch, Tv, valueDim],
 * [batch, Tv, dim] (the key defaults to the value); the output is [batch, Tq, valueDim].
 *
 * Call options: `returnAttentionScores` (the result is then `[output, weights]`, weights
 * [batch, Tq, Tv] after masking, softmax and, in training, dropout, as Keras), `useCausalMask`, `training` (dropout of the weights),
 * `mask` ([queryMask, valueMask]; by default the inputs' masks). Value positions whose mask is 0
 * get no weight; query positions whose mask is 0 give zeros; the output keeps the query's mask.
 * Weights: `scale` [] (ones, with useScale), then `concat_score_weight` [] (ones, scoreMode 'concat').
 *
 * @example
 * const attention = new Attention();
 * const context = attention.apply([query, value]);                       // [batch, Tq, valueDim]
 * const [out, weights] = attention.apply([q, v], { returnAttentionScores: true, useCausalMask: true });
 */
export class Attention extends BaseAttention {
  readonly scoreMode: AttentionScoreMode;
  private concatScoreWeight: Variable | null = null;

  constructor(args: AttentionArgs = {}) {
    super(args, false);
    const scoreMode = args.scoreMode ?? 'dot';
    if (scoreMode !== 'dot' && scoreMode !== 'concat') {
      throw new Error(`Invalid value for argument scoreMode. Expected one of {'dot', 'concat'}. Received: scoreMode=${String(args.scoreMode)}`);
    }
    this.scoreMode = scoreMode;
  }

  override build(inputShape: Shape | Shape[]): void {
    this.checkShapes(inputShape);
    if (this.useScale) this.scaleWeight = this.addWeight({ name: 'scale', shape: [], initializer: 'ones' });
    if (this.scoreMode === 'concat') this.concatScoreWeight = this.addWeight({ name: 'concat_score_weight', shape: [], initializer: 'ones' });
  }

  protected scores(query: Tensor, key: Tensor): Tensor {
    if (this.scoreMode === 'dot') {
      const scores = matmul(query, key, { transposeB: true });
      return this.scaleWeight ? scores.mul(this.scaleWeight) : scores;
    }
    const pairs = add(expandDims(query, 2), expandDims(key, 1));
    const scaled = this.scaleWeight ? pairs.mul(this.scaleWeight) : pairs;
    return sum(tanh(scaled), -1).mul(this.concatScoreWeight!);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), scoreMode: this.scoreMode };
  }
}

/**
 * Additive attention, a.k.a. Bahdanau-style attention: scores
 * `sum(scale * tanh(query + key), -1)` over the feature axis, where `scale` is a learned vector
 * of size dim (`useScale`, the default) or 1. Inputs, call options, masks and outputs as for
 * Attention. Weight: `scale` [dim] (glorotUniform, with useScale).
 *
 * @example
 * const attention = new AdditiveAttention();
 * const context = attention.apply([query, value]);   // [batch, Tq, valueDim]
 */
export class AdditiveAttention extends BaseAttention {
  constructor(args: AdditiveAttentionArgs = {}) {
    super(args, true);
  }

  override build(inputShape: Shape | Shape[]): void {
    const [queryShape] = this.checkShapes(inputShape);
    const dim = queryShape[2];
    if (this.useScale) {
      if (dim === null) throw new Error(`The last dimension of \`query\` should be defined. Received: query_shape=${formatSymbolicShape(queryShape)}`);
      this.scaleWeight = this.addWeight({ name: 'scale', shape: [dim], initializer: 'glorotUniform' });
    }
  }

  protected scores(query: Tensor, key: Tensor): Tensor {
    const terms = tanh(add(expandDims(query, 2), expandDims(key, 1)));
    return sum(this.scaleWeight ? terms.mul(this.scaleWeight) : terms, -1);
  }
}
