// Multi-hot encoding of integer labels (keras.ops.multi_hot): a one-hot encoding whose maximum is
// taken over the labels' axis, so each sample gets a 1 for every class among its labels. A
// composite of `oneHot` and `max`, so it runs on the active backend.

import type { DType } from '../backend/types';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { oneHot } from './creation';
import { max } from './reduce';
import { checkTensor } from './validate';

/**
 * Encodes integer labels as multi-hot vectors (keras.ops.multi_hot): the one-hot encoding of
 * `inputs` (a new axis `axis` of `numClasses`, default the last) reduced by a maximum over axis 1
 * of it (axis 0 for a rank-1 input), Keras's rule: labels [batch, k] give [batch, numClasses],
 * with a 1 at each class present. Labels outside [0, numClasses) add nothing. Float labels are
 * truncated toward zero. `dtype` defaults to 'float32'.
 *
 * @example
 * ops.multiHot(tensor([[1, 3], [0, 0]], [2, 2], 'int32'), 4);   // [[0, 1, 0, 1], [1, 0, 0, 0]]
 */
export function multiHot(inputs: Tensor, numClasses: number, axis = -1, dtype: DType = 'float32'): Tensor {
  const op = 'multiHot';
  checkTensor(op, inputs);
  if (inputs.rank === 0) throw new Error(`${op}: inputs must have rank 1 or more (labels along an axis), got a scalar.`);
  if (!Number.isInteger(numClasses) || numClasses <= 0) throw new Error(`${op}: numClasses must be a positive integer, got ${JSON.stringify(numClasses)}.`);
  return tidy(() => max(oneHot(inputs, numClasses, axis, { dtype }), inputs.rank > 1 ? 1 : 0));
}
