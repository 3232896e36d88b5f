// keras.ops' array conveniences that rearrange or pick elements without new arithmetic: fliplr,
// flipud, rot90, ravel, copy, select, argpartition, unravelIndex.
// Each op is a composite of flip, transpose, reshape, clone, where, argsort and int32 element-wise
// ops, so each runs as device kernels and takes its gradient from the ops it is made of.

import { formatShape, sizeOf } from '../backend/types';
import { tensor } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import type { Tensor, TensorLike } from '../tensor/tensor';
import { clone } from './clone';
import { floorDivide, mod, where } from './elementwise';
import { flip } from './rearrange';
import { reshape, transpose } from './shape';
import { normalizeAxis } from './shape_util';
import { argsort } from './sort';
import { checkOperand, checkShape, checkTensor } from './validate';

/** Element-wise int32 math runs in float32 on the GPU: flat indices are exact below 2^24. */
const MAX_FLAT_INDEX = 2 ** 24;

/**
 * Reverses the columns, axis 1 (keras.ops.fliplr); `x` needs rank 2 or more.
 *
 * @example
 * ops.fliplr(tensor([[1, 2], [3, 4]]));   // [[2, 1], [4, 3]]
 */
export function fliplr(x: Tensor): Tensor {
  checkTensor('fliplr', x);
  if (x.rank < 2) throw new Error(`fliplr: expected a tensor of rank 2 or more, got shape ${formatShape(x.shape)}.`);
  return flip(x, 1);
}

/**
 * Reverses the rows, axis 0 (keras.ops.flipud); `x` needs rank 1 or more.
 *
 * @example
 * ops.flipud(tensor([[1, 2], [3, 4]]));   // [[3, 4], [1, 2]]
 */
export function flipud(x: Tensor): Tensor {
  checkTensor('flipud', x);
  if (x.rank < 1) throw new Error('flipud: expected a tensor of rank 1 or more, got a scalar.');
  return flip(x, 0);
}

/**
 * Rotates `array` by 90 degrees `k` times in the plane of `axes` (keras.ops.rot90, NumPy
 * semantics): from the first axis towards the second; negative `k` rotates the other way.
 *
 * @example
 * ops.rot90(tensor([[0, 1, 2], [3, 4, 5]]));   // [[2, 5], [1, 4], [0, 3]]
 */
export function rot90(array: Tensor, k = 1, axes: readonly [number, number] = [0, 1]): Tensor {
  checkTensor('rot90', array);
  if (!Number.isInteger(k)) throw new Error(`rot90: k must be an integer, got ${String(k)}.`);
  if (array.rank < 2) throw new Error(`rot90: expected a tensor of rank 2 or more, got shape ${formatShape(array.shape)}.`);
  if (!Array.isArray(axes) || axes.length !== 2) throw new Error(`rot90: axes must be a pair of axes, got ${JSON.stringify(axes)}.`);
  const [first, second] = axes.map((a) => normalizeAxis('rot90', a, array.rank));
  if (first === second) throw new Error(`rot90: axes ${JSON.stringify(axes)} name the same axis twice.`);
  const turns = ((k % 4) + 4) % 4;
  const swap = [...Array(array.rank).keys()];
  [swap[first], swap[second]] = [second, first];
  if (turns === 0) return reshape(array, array.shape);
  if (turns === 2) return flip(array, [first, second]);
  return tidy(() => (turns === 1 ? transpose(flip(array, second), swap) : flip(transpose(array, swap), second)));
}

/**
 * The elements of `x` as a 1-D tensor, in row-major order (keras.ops.ravel); shares storage.
 *
 * @example
 * ops.ravel(tensor([[1, 2], [3, 4]]));   // [1, 2, 3, 4]
 */
export function ravel(x: Tensor): Tensor {
  checkTensor('ravel', x);
  return reshape(x, [x.size]);
}

/**
 * A copy of `x` in its own storage (keras.ops.copy); the same as `clone`.
 *
 * @example
 * const snapshot = ops.copy(weights);
 */
export function copy(x: Tensor): Tensor {
  checkTensor('copy', x);
  return clone(x);
}

/**
 * Picks, element by element, from the first choice whose condition holds, else `defaultValue`
 * (keras.ops.select, NumPy semantics): conditions (nonzero is true) and choices broadcast
 * together. int32 and float32 choices together give float32.
 *
 * @example
 * const x = tensor([0, 1, 2, 3]);
 * ops.select([ops.less(x, 1), ops.greater(x, 2)], [x, ops.mul(x, 10)], -1);   // [0, -1, -1, 30]
 */
export function select(condlist: readonly Tensor[], choicelist: readonly TensorLike[], defaultValue: TensorLike = 0): Tensor {
  if (!Array.isArray(condlist) || !Array.isArray(choicelist) || condlist.length === 0 || condlist.length !== choicelist.length) {
    throw new Error(
      `select: condlist and choicelist must be non-empty arrays of one length, got ${Array.isArray(condlist) ? condlist.length : typeof condlist} conditions and ${Array.isArray(choicelist) ? choicelist.length : typeof choicelist} choices.`,
    );
  }
  condlist.forEach((c) => checkTensor('select', c));
  choicelist.forEach((c) => checkOperand('select', c));
  checkOperand('select', defaultValue);
  // From the last condition back, so that the first one that holds decides.
  return tidy(() => condlist.reduceRight<TensorLike>((rest, condition, i) => where(condition, choicelist[i], rest), defaultValue) as Tensor);
}

/**
 * Indices that partition `x` along `axis` around its `kth` element (keras.ops.argpartition): the
 * element at position kth is the one a sort puts there, no larger one before it and no smaller
 * one after. NumPy leaves the order within each side unspecified; here both sides are sorted
 * (a stable argsort is a valid partition). int32 indices; not differentiable.
 *
 * @example
 * ops.argpartition(tensor([3, 1, 4, 1, 5]), 2);   // [1, 3, 0, 2, 4]
 */
export function argpartition(x: Tensor, kth: number, axis = -1): Tensor {
  checkTensor('argpartition', x);
  if (x.rank === 0) throw new Error('argpartition: expected a tensor of rank 1 or more, got a scalar.');
  const at = normalizeAxis('argpartition', axis, x.rank);
  const n = x.shape[at];
  if (!Number.isInteger(kth) || kth < -n || kth >= n) {
    throw new Error(`argpartition: kth ${String(kth)} is out of range for dimension ${at} of shape ${formatShape(x.shape)} (expected an integer in [${-n}, ${n - 1}]).`);
  }
  return argsort(x, at);
}

/**
 * The coordinates in an array of `shape` of each flat index (keras.ops.unravel_index): one int32
 * tensor per dimension, each of the shape of `indices`. Listed indices are checked to be in
 * [0, size); those of a tensor are not read back (an index out of range gives coordinates that
 * wrap).
 *
 * @example
 * ops.unravelIndex([5, 7], [2, 4]);   // [[1, 1], [1, 3]]
 */
export function unravelIndex(indices: Tensor | readonly number[], shape: readonly number[]): Tensor[] {
  checkShape('unravelIndex', shape);
  const total = sizeOf(shape);
  if (total >= MAX_FLAT_INDEX) {
    throw new Error(`unravelIndex: shape ${formatShape(shape)} has ${total} elements; at most ${MAX_FLAT_INDEX - 1} are supported (int32 arithmetic runs in float32 on the GPU).`);
  }
  if (Array.isArray(indices)) {
    const list = indices as readonly number[];
    list.forEach((i, j) => {
      if (!Number.isInteger(i) || i < 0 || i >= total) {
        throw new Error(`unravelIndex: index ${i} (position ${j}) is out of range for shape ${formatShape(shape)} (expected an integer in [0, ${total - 1}]).`);
      }
    });
    return tidy(() => unravelIndex(tensor(Int32Array.from(list), [list.length], 'int32'), shape));
  }
  checkTensor('unravelIndex', indices);
  const flat = indices as Tensor;
  if (flat.dtype !== 'int32') throw new Error(`unravelIndex: indices must be int32, got ${flat.dtype} (use ops.cast(indices, 'int32')).`);
  return tidy(() => {
    const coordinates: Tensor[] = [];
    let rest = flat;
    for (let d = shape.length - 1; d >= 0; d--) {
      coordinates.unshift(mod(rest, shape[d]));
      rest = floorDivide(rest, shape[d]);
    }
    return coordinates;
  });
}
