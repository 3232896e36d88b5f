// keras.ops' NumPy products and differences of whole arrays: diff (n-th discrete difference),
// cross (cross product of 2- and 3-vectors) and kron (Kronecker product). Each is a composite of
// slice, pad, reshape, stack and element-wise ops, so each runs as device kernels and takes its
// gradient from the ops it is made of. int32 inputs stay int32.

import { formatShape } from '../backend/types';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { mul, sub } from './elementwise';
import { moveaxis, pad, reshape, slice, stack } from './shape';
import { MAX_RANK, normalizeAxis } from './shape_util';
import { unstack } from './stacking';
import { checkTensor } from './validate';

/**
 * The `n`-th discrete difference along `axis` (keras.ops.diff): `a[i + 1] - a[i]`, applied `n`
 * times (default 1), so the axis shrinks by n (to 0 at most). n = 0 returns `a` unchanged.
 *
 * @example
 * ops.diff(tensor([1, 4, 9, 16]));      // [3, 5, 7]
 * ops.diff(tensor([1, 4, 9, 16]), 2);   // [2, 2]
 */
export function diff(a: Tensor, n = 1, axis = -1): Tensor {
  checkTensor('diff', a);
  if (!Number.isInteger(n) || n < 0) throw new Error(`diff: n must be a non-negative integer, got ${String(n)}.`);
  if (a.rank === 0) throw new Error('diff: expected a tensor of rank 1 or more, got a scalar.');
  const at = normalizeAxis('diff', axis, a.rank);
  return tidy(() => {
    let y = reshape(a, a.shape);
    for (let i = 0; i < n && y.shape[at] > 0; i++) {
      const length = y.shape[at] - 1;
      const sizes = y.shape.map((d, j) => (j === at ? length : d));
      y = sub(slice(y, y.shape.map((_, j) => (j === at ? 1 : 0)), sizes), slice(y, y.shape.map(() => 0), sizes));
    }
    return y;
  });
}

/** Where `cross` finds the vectors and puts the result (keras.ops.cross's axis arguments). */
export interface CrossOptions {
  /** The axis of `x1` holding its vectors (default -1). */
  axisa?: number;
  /** The axis of `x2` holding its vectors (default -1). */
  axisb?: number;
  /** The axis of the result holding the product vectors (default -1). */
  axisc?: number;
  /** When given, replaces axisa, axisb and axisc. */
  axis?: number;
}

/**
 * The cross product of the vectors of `x1` and `x2` (keras.ops.cross, NumPy semantics): vectors
 * of 2 or 3 components along `axisa` / `axisb`, the other dimensions broadcasting. A 2-vector is
 * a 3-vector with a zero z; when both are 2-vectors the result is their z component alone (that
 * axis dropped), otherwise 3-vectors along `axisc`.
 *
 * @example
 * ops.cross(tensor([1, 2, 3]), tensor([4, 5, 6]));   // [-3, 6, -3]
 * ops.cross(tensor([1, 2]), tensor([3, 4]));         // -2 (a scalar)
 */
export function cross(x1: Tensor, x2: Tensor, options: CrossOptions = {}): Tensor {
  checkTensor('cross', x1);
  checkTensor('cross', x2);
  const { axis } = options;
  const [axisa, axisb, axisc] = axis === undefined ? [options.axisa ?? -1, options.axisb ?? -1, options.axisc ?? -1] : [axis, axis, axis];
  if (x1.rank === 0 || x2.rank === 0) throw new Error(`cross: expected tensors of rank 1 or more, got shapes ${formatShape(x1.shape)} and ${formatShape(x2.shape)}.`);
  const a = normalizeAxis('cross', axisa, x1.rank);
  const b = normalizeAxis('cross', axisb, x2.rank);
  const [na, nb] = [x1.shape[a], x2.shape[b]];
  if ((na !== 2 && na !== 3) || (nb !== 2 && nb !== 3)) {
    throw new Error(
      `cross: incompatible vector sizes: axis ${a} of shape ${formatShape(x1.shape)} has ${na} and axis ${b} of shape ${formatShape(x2.shape)} has ${nb} components (expected 2 or 3).`,
    );
  }
  const [outerA, outerB] = [x1.shape.filter((_, d) => d !== a), x2.shape.filter((_, d) => d !== b)];
  const resultRank = Math.max(outerA.length, outerB.length) + (na === 2 && nb === 2 ? 0 : 1);
  const c = na === 2 && nb === 2 ? -1 : normalizeAxis('cross', axisc, resultRank);
  return tidy(() => {
    // x, y and z of each vector, a 2-vector given z = 0.
    const components = (x: Tensor, at: number): Tensor[] => {
      const vectors = moveaxis(x, at, -1);
      const last = vectors.rank - 1;
      const threeD = vectors.shape[last] === 3 ? vectors : pad(vectors, vectors.shape.map((_, d): [number, number] => [0, d === last ? 1 : 0]));
      return unstack(threeD, undefined, -1);
    };
    const [u0, u1, u2] = components(x1, a);
    const [v0, v1, v2] = components(x2, b);
    const z = sub(mul(u0, v1), mul(u1, v0));
    if (na === 2 && nb === 2) return z;
    return moveaxis(stack([sub(mul(u1, v2), mul(u2, v1)), sub(mul(u2, v0), mul(u0, v2)), z], -1), -1, c);
  });
}

/**
 * The Kronecker product of `x1` and `x2` (keras.ops.kron): blocks of `x2` scaled by each element
 * of `x1`, shape `x1.shape[d] * x2.shape[d]` per dimension (the lower rank padded with leading
 * 1s). Ranks up to 4 (the product is formed at twice the rank).
 *
 * @example
 * ops.kron(tensor([[1, 2], [3, 4]]), tensor([1, 10]));   // [[1, 10, 2, 20], [3, 30, 4, 40]]
 */
export function kron(x1: Tensor, x2: Tensor): Tensor {
  checkTensor('kron', x1);
  checkTensor('kron', x2);
  const rank = Math.max(x1.rank, x2.rank);
  if (2 * rank > MAX_RANK) {
    throw new Error(`kron: shapes ${formatShape(x1.shape)} and ${formatShape(x2.shape)} have rank ${rank}; at most ${MAX_RANK / 2} is supported (the product is formed at twice the rank).`);
  }
  const padded = (x: Tensor) => [...Array<number>(rank - x.rank).fill(1), ...x.shape];
  const [shapeA, shapeB] = [padded(x1), padded(x2)];
  return tidy(() => {
    // [a0, 1, a1, 1, ...] times [1, b0, 1, b1, ...] is [a0, b0, a1, b1, ...]: element (i, j) at i * b + j.
    const interleavedA = reshape(x1, shapeA.flatMap((d) => [d, 1]));
    const interleavedB = reshape(x2, shapeB.flatMap((d) => [1, d]));
    return reshape(mul(interleavedA, interleavedB), shapeA.map((d, i) => d * shapeB[i]));
  });
}
