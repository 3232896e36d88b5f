// Scaled dot-product attention (keras.ops.dot_product_attention) in Keras's layout: query
// [B, T, N, H], key and value [B, S, K, H], output [B, T, N, H]. A composite of einsum, where and
// softmax, as Keras's XLA-free path (keras/src/backend/numpy/nn.py), so it runs on the active
// backend and the tape differentiates it with respect to query, key, value and bias.

import { formatShape } from '../backend/types';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { tri } from './numpy_extras';
import { add, logicalAnd, mul, where } from './elementwise';
import { einsum } from './einsum';
import { repeat } from './rearrange';
import { softmax } from './softmax';
import { checkOptionNames, checkTensor } from './validate';

/**
 * The logit of a position that the mask or causality leaves out: Keras's float32 large negative,
 * -0.7 * 3.38953e38, rather than -Infinity, so that a fully masked row gives uniform weights
 * instead of NaN.
 */
const MASKED_LOGIT = -0.7 * 3.38953e38;

export interface DotProductAttentionOptions {
  /** Added to the logits; broadcastable to [B, N, T, S]. */
  bias?: Tensor | null;
  /** Nonzero (true) where a query may attend to a key; broadcastable to [B, N, T, S]. */
  mask?: Tensor | null;
  /** Multiplies q·k (default 1 / sqrt(H)). */
  scale?: number | null;
  /** Lets query t attend only to keys 0..t (the lower triangle of [T, S]); default false. */
  isCausal?: boolean;
  /** Only false or null: there is no flash-attention kernel (Keras's default picks it when available). */
  flashAttention?: boolean | null;
}

const OPTIONS: Record<keyof DotProductAttentionOptions, true> = { bias: true, mask: true, scale: true, isCausal: true, flashAttention: true };

/** Whether `shape` broadcasts to `target` (NumPy rules, the result being `target` itself). */
function broadcastsTo(shape: readonly number[], target: readonly number[]): boolean {
  const offset = target.length - shape.length;
  return offset >= 0 && shape.every((d, i) => d === 1 || d === target[offset + i]);
}

/**
 * `softmax(scale * q·k + bias, masked) · v` per head, as keras.ops.dot_product_attention. With K
 * key/value heads fewer than the N query heads (N a multiple of K), query head n reads key/value
 * head floor(n / (N / K)): grouped-query attention (multi-query when K = 1).
 *
 * @example
 * const out = ops.dotProductAttention(query, key, value, { isCausal: true });   // [2,4,8,16] x [2,6,8,16] -> [2,4,8,16]
 */
export function dotProductAttention(query: Tensor, key: Tensor, value: Tensor, options: DotProductAttentionOptions = {}): Tensor {
  const op = 'dotProductAttention';
  checkOptionNames(op, options, OPTIONS);
  const { bias = null, mask = null, scale = null, isCausal = false, flashAttention = null } = options;
  for (const [name, x] of [['query', query], ['key', key], ['value', value]] as const) {
    checkTensor(op, x);
    if (x.rank !== 4) throw new Error(`${op}: ${name} must have rank 4 ([batch, length, heads, headDim]), got shape ${formatShape(x.shape)}.`);
    if (x.dtype !== 'float32') throw new Error(`${op}: ${name} must be float32, got ${x.dtype}.`);
  }
  const [batch, queryLength, heads, headDim] = query.shape;
  const [keyBatch, keyLength, keyHeads, keyHeadDim] = key.shape;
  const shapes = `query ${formatShape(query.shape)}, key ${formatShape(key.shape)}, value ${formatShape(value.shape)}`;
  if (value.shape.join() !== key.shape.join()) throw new Error(`${op}: value must have the shape of key, got ${shapes}.`);
  if (keyBatch !== batch || keyHeadDim !== headDim) throw new Error(`${op}: query [B, T, N, H] and key [B, S, K, H] must agree in B and H, got ${shapes}.`);
  if (keyHeads === 0 || heads % keyHeads !== 0) throw new Error(`${op}: the query's heads (${heads}) must be a multiple of the key's heads (${keyHeads}), got ${shapes}.`);
  if (scale !== null && (typeof scale !== 'number' || !Number.isFinite(scale))) throw new Error(`${op}: scale must be a finite number or null, got ${String(scale)}.`);
  if (typeof isCausal !== 'boolean') throw new Error(`${op}: isCausal must be a boolean, got ${String(isCausal)}.`);
  if (flashAttention === true) throw new Error(`${op}: flashAttention is not supported (there is no flash-attention kernel); pass false or leave it out.`);
  const logitsShape = [batch, heads, queryLength, keyLength];
  for (const [name, x] of [['bias', bias], ['mask', mask]] as const) {
    if (x === null) continue;
    checkTensor(op, x);
    if (name === 'bias' && x.dtype !== 'float32') throw new Error(`${op}: bias must be float32, got ${x.dtype}.`);
    if (!broadcastsTo(x.shape, logitsShape)) {
      throw new Error(`${op}: ${name} of shape ${formatShape(x.shape)} does not broadcast to the logits' shape [B, N, T, S] = ${formatShape(logitsShape)}.`);
    }
  }
  return tidy(() => {
    const groups = heads / keyHeads;
    const keys = groups === 1 ? key : repeat(key, groups, 2);
    const values = groups === 1 ? value : repeat(value, groups, 2);
    let logits = mul(einsum('btnh,bsnh->bnts', query, keys), scale ?? 1 / Math.sqrt(headDim));
    if (bias) logits = add(logits, bias);
    const causal = isCausal ? tri(queryLength, keyLength) : null;
    const keep = mask && causal ? logicalAnd(mask, causal) : (mask ?? causal);
    if (keep) logits = where(keep, logits, MASKED_LOGIT);
    return einsum('bnts,bsnh->btnh', softmax(logits, -1), values);
  });
}
