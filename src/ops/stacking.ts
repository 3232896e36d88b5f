// NumPy's joining and splitting conveniences, as keras.ops: append, the stacks along fixed axes
// (hstack, vstack, dstack, columnStack), the splits along fixed axes (hsplit, vsplit, dsplit),
// arraySplit (uneven parts allowed) and unstack. Each reshapes its inputs to NumPy's rule and
// calls concat, split or squeeze, so each is a strided copy on the device and differentiable.

import { formatShape } from '../backend/types';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { concat, reshape, split, squeeze } from './shape';
import { normalizeAxis } from './shape_util';
import { checkTensor } from './validate';

/**
 * `x2` appended to `x1` along `axis` (keras.ops.append): without an axis (Keras's default, None)
 * both are flattened first; with one they must match in the other dimensions. int32 and float32
 * together give float32.
 *
 * @example
 * ops.append(tensor([[1, 2]]), tensor([3, 4]));          // [1, 2, 3, 4]
 * ops.append(tensor([[1, 2]]), tensor([[3, 4]]), 0);     // [[1, 2], [3, 4]]
 */
export function append(x1: Tensor, x2: Tensor, axis?: number): Tensor {
  checkTensor('append', x1);
  checkTensor('append', x2);
  if (axis !== undefined) return concat([x1, x2], axis);
  return tidy(() => concat([reshape(x1, [-1]), reshape(x2, [-1])], 0));
}

/**
 * Joins tensors column-wise (keras.ops.hstack): along axis 1, or axis 0 when they are 1-D
 * (scalars count as 1-D).
 *
 * @example
 * ops.hstack([tensor([1, 2]), tensor([3])]);           // [1, 2, 3]
 * ops.hstack([tensor([[1], [2]]), tensor([[3], [4]])]); // [[1, 3], [2, 4]]
 */
export function hstack(xs: readonly Tensor[]): Tensor {
  const tensors = checkList('hstack', xs);
  return tidy(() => {
    const atLeast1d = tensors.map((x) => (x.rank === 0 ? reshape(x, [1]) : x));
    return concat(atLeast1d, atLeast1d[0].rank === 1 ? 0 : 1);
  });
}

/**
 * Joins tensors row-wise (keras.ops.vstack): along axis 0, a 1-D tensor of length n counting as
 * a [1, n] row.
 *
 * @example
 * ops.vstack([tensor([1, 2]), tensor([3, 4])]);   // [[1, 2], [3, 4]]
 */
export function vstack(xs: readonly Tensor[]): Tensor {
  const tensors = checkList('vstack', xs);
  return tidy(() => concat(tensors.map((x) => (x.rank < 2 ? reshape(x, [1, x.size]) : x)), 0));
}

/**
 * Joins tensors depth-wise (keras.ops.dstack): along axis 2, a 1-D tensor [n] counting as
 * [1, n, 1] and a 2-D one [m, n] as [m, n, 1].
 *
 * @example
 * ops.dstack([tensor([1, 2]), tensor([3, 4])]);   // [[[1, 3], [2, 4]]], shape [1, 2, 2]
 */
export function dstack(xs: readonly Tensor[]): Tensor {
  const tensors = checkList('dstack', xs);
  const atLeast3d = (x: Tensor): Tensor => (x.rank === 0 || x.rank === 1 ? reshape(x, [1, x.size, 1]) : x.rank === 2 ? reshape(x, [...x.shape, 1]) : x);
  return tidy(() => concat(tensors.map(atLeast3d), 2));
}

/**
 * Joins tensors as the columns of a matrix (keras.ops.column_stack): 1-D tensors become columns
 * [n, 1], others join along axis 1.
 *
 * @example
 * ops.columnStack([tensor([1, 2]), tensor([3, 4])]);   // [[1, 3], [2, 4]]
 */
export function columnStack(xs: readonly Tensor[]): Tensor {
  const tensors = checkList('columnStack', xs);
  return tidy(() => concat(tensors.map((x) => (x.rank < 2 ? reshape(x, [x.size, 1]) : x)), 1));
}

/**
 * Cuts `x` along `axis` (keras.ops.array_split) as `split`, except that a number of sections
 * need not divide the dimension: of n elements in s sections, the first n % s get one more
 * element (and sections past n are empty).
 *
 * @example
 * ops.arraySplit(tensor([0, 1, 2, 3, 4, 5, 6]), 3);   // [[0, 1, 2], [3, 4], [5, 6]]
 */
export function arraySplit(x: Tensor, indicesOrSections: number | readonly number[], axis = 0): Tensor[] {
  checkTensor('arraySplit', x);
  if (typeof indicesOrSections !== 'number') return split(x, indicesOrSections, axis);
  if (!Number.isInteger(indicesOrSections) || indicesOrSections < 1) {
    throw new Error(`arraySplit: the number of sections must be a positive integer, got ${indicesOrSections}.`);
  }
  if (x.rank === 0) throw new Error('arraySplit: cannot split a scalar (rank 0).');
  const n = x.shape[normalizeAxis('arraySplit', axis, x.rank)];
  const [base, extra] = [Math.floor(n / indicesOrSections), n % indicesOrSections];
  const cuts: number[] = [];
  for (let i = 1, at = 0; i < indicesOrSections; i++) cuts.push((at += base + (i <= extra ? 1 : 0)));
  return split(x, cuts, axis);
}

/**
 * Cuts `x` column-wise (keras.ops.hsplit): `split` along axis 1, or axis 0 for a 1-D tensor.
 *
 * @example
 * ops.hsplit(tensor([[1, 2, 3, 4]]), 2);   // [[[1, 2]], [[3, 4]]]
 */
export function hsplit(x: Tensor, indicesOrSections: number | readonly number[]): Tensor[] {
  checkTensor('hsplit', x);
  if (x.rank === 0) throw new Error('hsplit: expected a tensor of rank 1 or more, got a scalar.');
  return split(x, indicesOrSections, x.rank === 1 ? 0 : 1);
}

/**
 * Cuts `x` row-wise (keras.ops.vsplit): `split` along axis 0 of a tensor of rank 2 or more.
 *
 * @example
 * ops.vsplit(tensor([[1, 2], [3, 4]]), 2);   // [[[1, 2]], [[3, 4]]]
 */
export function vsplit(x: Tensor, indicesOrSections: number | readonly number[]): Tensor[] {
  checkTensor('vsplit', x);
  if (x.rank < 2) throw new Error(`vsplit: expected a tensor of rank 2 or more, got shape ${formatShape(x.shape)}.`);
  return split(x, indicesOrSections, 0);
}

/**
 * Cuts `x` depth-wise (keras.ops.dsplit): `split` along axis 2 of a tensor of rank 3 or more.
 *
 * @example
 * ops.dsplit(zeros([1, 2, 4]), 2).map((t) => t.shape);   // [[1, 2, 2], [1, 2, 2]]
 */
export function dsplit(x: Tensor, indicesOrSections: number | readonly number[]): Tensor[] {
  checkTensor('dsplit', x);
  if (x.rank < 3) throw new Error(`dsplit: expected a tensor of rank 3 or more, got shape ${formatShape(x.shape)}.`);
  return split(x, indicesOrSections, 2);
}

/**
 * The slices of `x` along `axis` (keras.ops.unstack), each without that axis. `num`, when given,
 * must equal the dimension's size.
 *
 * @example
 * ops.unstack(tensor([[1, 2], [3, 4]]), undefined, 1);   // [[1, 3], [2, 4]]
 */
export function unstack(x: Tensor, num?: number | null, axis = 0): Tensor[] {
  checkTensor('unstack', x);
  if (x.rank === 0) throw new Error('unstack: cannot unstack a scalar (rank 0).');
  if (num !== undefined && num !== null && typeof num !== 'number') {
    throw new Error(`unstack: num must be a number or undefined. Received: num=${JSON.stringify(num)}. Its arguments are positional, as Keras's unstack(x, num=None, axis=0): ops.unstack(x, undefined, axis).`);
  }
  const at = normalizeAxis('unstack', axis, x.rank);
  const n = x.shape[at];
  if (num !== undefined && num !== null && num !== n) {
    throw new Error(`unstack: num is ${String(num)} but dimension ${at} of shape ${formatShape(x.shape)} has size ${n}.`);
  }
  if (n === 0) return [];
  return tidy(() => split(x, n, at).map((part) => squeeze(part, at)));
}

function checkList(op: string, xs: readonly Tensor[]): readonly Tensor[] {
  if (!Array.isArray(xs) || xs.length === 0) throw new Error(`${op}: expected a non-empty array of tensors.`);
  xs.forEach((x) => checkTensor(op, x));
  return xs;
}
