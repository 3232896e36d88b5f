// Masks attached to tensors, as Keras attaches `_keras_mask` (keras/src/backend/common/masking.py):
// a companion tensor (memory.ts) holding the mask of its leading axes ([batch, time] for a sequence), 1
// where a position holds data and 0 where it is padding. Layers read their input's mask and attach
// their output's (src/layers/layer.ts); losses and metrics read the prediction's. A tensor owns its
// mask: no tidy scope disposes the mask while the tensor lives, and disposing the tensor disposes
// the mask. Masks are made by ops (notEqual, any), so they stay on the device and trace into
// replayed training steps like any other value.

import { formatShape } from '../backend/types';
import { stopGradient } from '../ops/shape';
import { getCompanion, setCompanion } from './memory';
import type { Tensor } from './tensor';

/** The kind of companion tensor a mask is (see setCompanion). */
const MASK = 'mask';

/**
 * The mask attached to `tensor` (int32 or float32, 1 = data, 0 = padding), or null. Embedding
 * with `maskZero`, Masking, and the layers that propagate masks attach them to their outputs.
 *
 * @example
 * const embedded = new layers.Embedding({ inputDim: 10, outputDim: 4, maskZero: true }).apply(tensor([[3, 5, 0]], [1, 3], 'int32'));
 * await getMask(embedded)!.array();   // [[1, 1, 0]]
 */
export function getMask(tensor: Tensor): Tensor | null {
  return getCompanion(tensor, MASK) ?? null;
}

/**
 * Attaches `mask` to `tensor` (null removes it), replacing any mask it had. The mask's shape must
 * be the tensor's leading dimensions (all of them, or [batch, time] of a [batch, time, features]
 * tensor, say). The tensor gets a view of the mask that lives as long as it does: the caller may
 * dispose `mask` itself.
 *
 * @example
 * const padded = tensor([[[1], [2], [0]]]);
 * setMask(padded, tensor([[1, 1, 0]], [1, 3], 'int32'));   // the last step is padding
 */
export function setMask(tensor: Tensor, mask: Tensor | null): void {
  if (mask !== null) {
    const prefix = tensor.shape.slice(0, mask.rank);
    if (mask.rank > tensor.rank || mask.shape.some((d, i) => d !== prefix[i])) {
      throw new Error(`Invalid value for argument mask. Expected a mask of the tensor's leading dimensions (a prefix of ${formatShape(tensor.shape)}). Received: mask.shape=${formatShape(mask.shape)}`);
    }
  }
  setCompanion(tensor, MASK, mask === null ? null : stopGradient(mask));
}
