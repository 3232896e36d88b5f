// takeAlongAxis (keras.ops.take_along_axis, numpy.take_along_axis): a composite with no kernel of
// its own. The flat source offset of every output element is computed on the device from int32
// index arithmetic (broadcast aranges times strides, plus the given index times the axis stride),
// then one gather reads them. Its gradient is its own, scatterAddAlongAxis (each element of the
// gradient walks the indices of its lane), not the flat gather's scatter-add, which would walk
// every index for every element.

import { recordGradient, withoutRecording } from '../autograd/tape';
import { sumToShape } from '../autograd/unbroadcast';
import { formatShape, sizeOf, stridesOf } from '../backend/types';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { arange } from './creation';
import { add, cast, greaterEqual, less, logicalAnd, mul, where } from './elementwise';
import { broadcastTo, gather, reshape } from './shape';
import { scatterAddAlongAxis } from './scatter';
import { normalizeAxis } from './shape_util';
import { checkTensor } from './validate';

/** Element-wise int32 math runs in float32 on the GPU: offsets are exact below 2^24. */
const MAX_OFFSET = 2 ** 24;

/**
 * The elements of `x` at `indices` along `axis` (keras.ops.take_along_axis, NumPy semantics):
 * `indices` has the rank of `x`, its other dimensions broadcast against those of `x`, and the
 * output has the broadcast shape with `indices.shape[axis]` along `axis`. Negative indices count
 * from the end; indices outside [-n, n) give 0. Without `axis` (Keras's default, None), `x` is
 * flattened and `indices` must be 1-D. Float indices are cast to int32 (truncated).
 *
 * @example
 * const x = tensor([[10, 30, 20], [60, 40, 50]]);
 * takeAlongAxis(x, argsort(x, 1), 1);                     // each row sorted
 * takeAlongAxis(x, tensor([[0], [2]], [2, 1], 'int32'), 1); // [[10], [50]]
 */
export function takeAlongAxis(x: Tensor, indices: Tensor, axis?: number): Tensor {
  checkTensor('takeAlongAxis', x);
  checkTensor('takeAlongAxis', indices);
  if (axis === undefined) {
    if (indices.rank !== 1) throw new Error(`takeAlongAxis: without an axis, x is flattened and indices must be 1-D, got shape ${formatShape(indices.shape)}.`);
    return tidy(() => takeAlongAxis(reshape(x, [x.size]), indices, 0));
  }
  if (x.rank === 0 || indices.rank !== x.rank) {
    throw new Error(`takeAlongAxis: x and indices must have the same rank (at least 1), got shapes ${formatShape(x.shape)} and ${formatShape(indices.shape)}.`);
  }
  const at = normalizeAxis('takeAlongAxis', axis, x.rank);
  const mismatch = x.shape.findIndex((n, d) => d !== at && n !== indices.shape[d] && n !== 1 && indices.shape[d] !== 1);
  if (mismatch >= 0) {
    throw new Error(
      `takeAlongAxis: shapes ${formatShape(x.shape)} and ${formatShape(indices.shape)} must broadcast in every dimension but the axis ${at} (dimension ${mismatch}: ${x.shape[mismatch]} vs ${indices.shape[mismatch]}).`,
    );
  }
  const others = x.shape.map((n, d) => (d === at ? 1 : n === 1 ? indices.shape[d] : n));
  const sourceShape = others.map((n, d) => (d === at ? x.shape[at] : n));
  const outShape = others.map((n, d) => (d === at ? indices.shape[at] : n));
  const total = sizeOf(sourceShape);
  if (total >= MAX_OFFSET) {
    throw new Error(`takeAlongAxis: x broadcast to ${formatShape(sourceShape)} has ${total} elements; at most ${MAX_OFFSET - 1} are supported (offsets are computed in float32 on the GPU).`);
  }
  const intIndices = () => broadcastTo(indices.dtype === 'int32' ? indices : cast(indices, 'int32'), outShape);
  const y = withoutRecording(() => tidy(() => {
    const n = x.shape[at];
    const strides = stridesOf(sourceShape);
    const given = intIndices();
    const index = where(less(given, 0), add(given, n), given);
    let offset = mul(index, strides[at]);
    outShape.forEach((size, d) => {
      if (d === at || size === 1) return;
      const coordinate = reshape(arange(size), outShape.map((_, e) => (e === d ? size : 1)));
      offset = add(offset, mul(coordinate, strides[d]));
    });
    // `total` is past the end of the flat source: gather gives 0 there on both backends.
    const inRange = logicalAnd(greaterEqual(index, 0), less(index, n));
    return gather(reshape(broadcastTo(x, sourceShape), [total]), where(inRange, offset, total), 0);
  }));
  if (x.dtype === 'float32') {
    recordGradient('takeAlongAxis', [x, indices], [y], () => ([dy]) => [tidy(() => sumToShape(scatterAddAlongAxis(dy, intIndices(), sourceShape, at), x.shape)), null]);
  }
  return y;
}
