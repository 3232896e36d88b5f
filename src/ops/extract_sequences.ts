// Framing of the last axis into overlapping windows (keras.ops.math.extract_sequences, the
// framing step of an STFT): a gather of the windows' positions, so it runs on the active backend
// and is differentiable (overlapping positions add their gradients).

import { formatShape } from '../backend/types';
import type { Tensor } from '../tensor/tensor';
import { gather } from './shape';
import { checkTensor } from './validate';

/**
 * Slides a window of `sequenceLength` over the last axis of `x` with step `sequenceStride`
 * (keras.ops.math.extract_sequences): [..., length] -> [..., 1 + floor((length - sequenceLength) /
 * sequenceStride), sequenceLength]. Any dtype; differentiable for float32.
 *
 * @example
 * ops.extractSequences(tensor([1, 2, 3, 4, 5, 6]), 3, 2);   // [[1, 2, 3], [3, 4, 5]]
 */
export function extractSequences(x: Tensor, sequenceLength: number, sequenceStride: number): Tensor {
  const op = 'extractSequences';
  checkTensor(op, x);
  if (x.rank === 0) throw new Error(`${op}: x must have rank 1 or more (sequences along the last axis), got a scalar.`);
  for (const [name, value] of [['sequenceLength', sequenceLength], ['sequenceStride', sequenceStride]] as const) {
    if (!Number.isInteger(value) || value <= 0) throw new Error(`${op}: ${name} must be a positive integer, got ${JSON.stringify(value)}.`);
  }
  const length = x.shape[x.rank - 1];
  if (sequenceLength > length) {
    throw new Error(`${op}: sequenceLength ${sequenceLength} is longer than the last axis of x ${formatShape(x.shape)} (${length}).`);
  }
  const count = 1 + Math.floor((length - sequenceLength) / sequenceStride);
  const positions = Array.from({ length: count }, (_, i) => Array.from({ length: sequenceLength }, (_, j) => i * sequenceStride + j));
  return gather(x, positions, x.rank - 1);
}
