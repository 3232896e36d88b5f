// GroupQueryAttention (keras/src/layers/attention/grouped_query_attention.py): multi-head attention
// whose query heads share key / value heads in groups (Ainslie et al., 2023). Its options, head
// layout and sliding-window mask; the projections, masks, attention and output projection are
// ProjectedAttention's (attention.ts), which runs each group as one batched product without
// repeating the key / value heads.

import { range } from '../ops/creation';
import { abs, less, sub } from '../ops/elementwise';
import { reshape } from '../ops/shape';
import type { Tensor } from '../tensor/tensor';
import { ProjectedAttention, type HeadLayout, type ProjectedAttentionArgs } from './attention';
import { checkPositiveInt } from './layer_utils';

export interface GroupQueryAttentionArgs extends ProjectedAttentionArgs {
  /** Size of each attention head (query, key and value). */
  headDim: number;
  /** Number of query heads. */
  numQueryHeads: number;
  /** Number of key and value heads; must divide numQueryHeads (1: multi-query attention). */
  numKeyValueHeads: number;
  /**
   * Null (default: full attention) or a positive integer w: each query position attends only to key
   * positions less than w away (a symmetric band; with useCausalMask, the w - 1 positions before it
   * and itself).
   */
  slidingWindow?: number | null;
}

/**
 * Grouped-query attention with Keras 3's weights and semantics: `query` [batch, targetLength,
 * queryDim] is projected to `numQueryHeads` heads, `key` and `value` [batch, sourceLength, ...] to
 * `numKeyValueHeads` heads, and query head h attends with key / value head
 * floor(h / (numQueryHeads / numKeyValueHeads)) (Keras repeats each key / value head for its group):
 * `softmax(q kᵀ / sqrt(headDim) + maskTerm) v`; the heads are concatenated and projected back to
 * queryDim. With numKeyValueHeads == numQueryHeads it is MultiHeadAttention; with 1, multi-query
 * attention.
 *
 * Called as MultiHeadAttention: `apply([query, value, key?])` with `attentionMask`,
 * `useCausalMask`, `returnAttentionScores` (scores [batch, numQueryHeads, targetLength,
 * sourceLength]) and `training`; the inputs' masks join the attention mask.
 *
 * Arguments: `headDim`, `numQueryHeads`, `numKeyValueHeads`; `dropout` (0); `useBias` (true);
 * `slidingWindow` (null); `kernelInitializer` ('glorotUniform'); `biasInitializer` ('zeros');
 * `kernelRegularizer`, `biasRegularizer`; `kernelConstraint`, `biasConstraint`;
 * `activityRegularizer` (on the four projections, as Keras); `seed`.
 * Weights, in Keras's order: query/kernel [queryDim, numQueryHeads, headDim], query/bias,
 * key/kernel [keyDim, numKeyValueHeads, headDim], key/bias, value/kernel [valueDim,
 * numKeyValueHeads, headDim], value/bias, attention_output/kernel [numQueryHeads, headDim,
 * queryDim], attention_output/bias [queryDim].
 *
 * @example
 * const gqa = new GroupQueryAttention({ headDim: 8, numQueryHeads: 4, numKeyValueHeads: 2 });
 * const tokens = Input({ shape: [10, 16] });
 * gqa.apply([tokens, tokens], { useCausalMask: true }).shape;   // [null, 10, 16]
 */
export class GroupQueryAttention extends ProjectedAttention {
  readonly headDim: number;
  readonly numQueryHeads: number;
  readonly numKeyValueHeads: number;
  readonly slidingWindow: number | null;

  constructor(args: GroupQueryAttentionArgs) {
    super(args);
    this.headDim = checkPositiveInt('headDim', args?.headDim);
    this.numQueryHeads = checkPositiveInt('numQueryHeads', args.numQueryHeads);
    this.numKeyValueHeads = checkPositiveInt('numKeyValueHeads', args.numKeyValueHeads);
    if (this.numQueryHeads % this.numKeyValueHeads !== 0) {
      throw new Error(`\`num_query_heads\` must be divisible by \`num_key_value_heads\`. Received: numQueryHeads=${this.numQueryHeads}, numKeyValueHeads=${this.numKeyValueHeads}`);
    }
    const window = args.slidingWindow ?? null;
    if (window !== null && !(Number.isInteger(window) && window > 0)) {
      throw new Error(`\`sliding_window\` must be \`None\` or a positive integer. Received: slidingWindow=${String(args.slidingWindow)}`);
    }
    this.slidingWindow = window;
  }

  protected headLayout(): HeadLayout {
    return { queryHeads: this.numQueryHeads, keyValueHeads: this.numKeyValueHeads, keyDim: this.headDim, valueDim: this.headDim };
  }

  protected configuredOutputShape(): null {
    return null;
  }

  /** With slidingWindow w, [target, source] true where |target position - source position| < w. */
  protected override positionMask(targetLength: number, sourceLength: number): Tensor | null {
    if (this.slidingWindow === null) return null;
    const rows = reshape(range(targetLength, undefined, 1, 'int32'), [targetLength, 1]);
    const columns = reshape(range(sourceLength, undefined, 1, 'int32'), [1, sourceLength]);
    return less(abs(sub(rows, columns)), this.slidingWindow);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      headDim: this.headDim,
      numQueryHeads: this.numQueryHeads,
      numKeyValueHeads: this.numKeyValueHeads,
      slidingWindow: this.slidingWindow,
    };
  }
}
