// GPU-versus-CPU cases for dotProductAttention: plain multi-head, grouped-query and multi-query
// heads, a causal mask on a non-square [T, S], a broadcast boolean mask with a fully masked row,
// a bias with an explicit scale, and the gradients of query, key, value and bias through the tape.

import { GradientTape, tensor, type Tensor } from '../../src/index';
import { dotProductAttention, type DotProductAttentionOptions } from '../../src/ops/attention';
import type { OpCase } from './case';
import { rand } from './data';

/** Mask [1, 1, T, S] with a pattern of kept positions and row 0 fully masked. */
function patternMask(t: number, s: number): Tensor {
  return tensor(Array.from({ length: t * s }, (_, k) => (k < s ? 0 : Number((k * 7) % 3 !== 0))), [1, 1, t, s], 'int32');
}

/** The tape's gradients of sum(r * attention) with respect to query, key, value and bias. */
function attentionGradients(): Tensor[] {
  const [q, k, v, bias] = [rand([2, 3, 4, 5]), rand([2, 6, 2, 5]), rand([2, 6, 2, 5]), rand([1, 4, 3, 6])];
  const r = rand([2, 3, 4, 5]);
  const tape = new GradientTape();
  tape.watch([q, k, v, bias]);
  const target = tape.record(() => dotProductAttention(q, k, v, { bias, isCausal: true }).mul(r));
  return tape.gradient(target, [q, k, v, bias]).map((g) => g!);
}

const attention = (b: number, t: number, s: number, n: number, kv: number, h: number, options: DotProductAttentionOptions = {}) =>
  dotProductAttention(rand([b, t, n, h]), rand([b, s, kv, h]), rand([b, s, kv, h]), options);

export const attentionCases: OpCase[] = [
  { name: 'dotProductAttention [2,4,8,16] x [2,6,8,16]', run: () => attention(2, 4, 6, 8, 8, 16) },
  { name: 'dotProductAttention grouped-query, 6 heads over 2', run: () => attention(2, 5, 7, 6, 2, 4) },
  { name: 'dotProductAttention multi-query, causal, T > S', run: () => attention(1, 7, 5, 3, 1, 8, { isCausal: true }) },
  { name: 'dotProductAttention broadcast mask with a fully masked row, causal', run: () => attention(2, 4, 6, 2, 2, 3, { mask: patternMask(4, 6), isCausal: true }) },
  { name: 'dotProductAttention bias [N,T,S] and scale 0.3', run: () => dotProductAttention(rand([2, 3, 2, 4]), rand([2, 5, 2, 4]), rand([2, 5, 2, 4]), { bias: rand([2, 3, 5], { low: -2, high: 2 }), scale: 0.3 }) },
  { name: 'dotProductAttention gradients of query, key, value and bias', run: attentionGradients },
];
