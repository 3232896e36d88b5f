// Products and norms with Keras 3 (NumPy) semantics: tensordot, dot, inner, outer, vdot, norm and
// normalize. Every op here is a composite: contractions go through einsum's pairwise matmul
// (src/ops/einsum.ts), the rest through element-wise ops and reductions, so all of them run on
// the active backend and get their gradients from the ops they use.

import { epsilon as configEpsilon } from '../backend/config';
import { formatShape } from '../backend/types';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { abs, cast, maximum, mul, notEqual, pow, rsqrt, sqrt, square } from './elementwise';
import { checkFloatOperand, contract } from './einsum';
import { svd } from './linalg_decompose';
import { max, min, sum } from './reduce';
import { expandDims, moveaxis, reshape } from './shape';
import { checkRank, normalizeAxes, normalizeAxis } from './shape_util';
import { checkTensor } from './validate';

/**
 * Sums the products of `a` and `b` over pairs of axes (keras.ops.tensordot, numpy.tensordot).
 * `axes` is either a count N (the last N axes of `a` against the first N of `b`, default 2) or a
 * pair of axis lists (or single axes) `[axesOfA, axesOfB]`. The result holds the remaining axes
 * of `a`, then those of `b`. Both operands float32.
 *
 * @example
 * ops.tensordot(a, b, 1);              // [2, 3] x [3, 4] -> [2, 4], a matrix product
 * ops.tensordot(a, b, [[0, 1], [1, 0]]); // [2, 3, 5] x [3, 2, 7] -> [5, 7]
 */
export function tensordot(a: Tensor, b: Tensor, axes: number | readonly [number | readonly number[], number | readonly number[]] = 2): Tensor {
  checkFloatOperand('tensordot', 'a', a);
  checkFloatOperand('tensordot', 'b', b);
  if (typeof axes === 'number') {
    if (!Number.isInteger(axes) || axes < 0 || axes > Math.min(a.rank, b.rank)) {
      throw new Error(
        `tensordot: Invalid value for argument axes. Expected an integer in [0, ${Math.min(a.rank, b.rank)}] for shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}, or a pair of axis lists. Received: axes=${axes}.`,
      );
    }
    return contractAxes('tensordot', a, b, range(a.rank - axes, a.rank), range(0, axes));
  }
  if (!Array.isArray(axes) || axes.length !== 2) {
    throw new Error(`tensordot: Invalid value for argument axes. Expected an integer or a pair [axesOfA, axesOfB]. Received: axes=${JSON.stringify(axes)}.`);
  }
  const list = (value: number | readonly number[]) => (typeof value === 'number' ? [value] : [...value]);
  const [axesOfA, axesOfB] = [list(axes[0]), list(axes[1])];
  if (axesOfA.length !== axesOfB.length) {
    throw new Error(`tensordot: Invalid value for argument axes. Expected as many axes of a as of b. Received: axes=${JSON.stringify(axes)}.`);
  }
  return contractAxes('tensordot', a, b, axesOfA, axesOfB);
}

/**
 * The dot product with NumPy's rules (keras.ops.dot): a scalar operand scales the other; two
 * vectors give their inner product; otherwise the last axis of `a` is summed against the
 * second-to-last axis of `b` (the only axis of a vector `b`), so two matrices give their matrix
 * product. Float32 operands (a scalar operand may be int32).
 *
 * @example
 * ops.dot(tensor([1, 2, 3]), tensor([4, 5, 6]));   // 32
 * ops.dot(zeros([2, 3, 4]), zeros([5, 4, 6])).shape; // [2, 3, 5, 6]
 */
export function dot(a: Tensor, b: Tensor): Tensor {
  checkTensor('dot', a);
  checkTensor('dot', b);
  if (a.rank === 0 || b.rank === 0) return mul(a, b);
  checkFloatOperand('dot', 'a', a);
  checkFloatOperand('dot', 'b', b);
  return contractAxes('dot', a, b, [a.rank - 1], [Math.max(b.rank - 2, 0)]);
}

/**
 * The inner product over the last axes (keras.ops.inner, numpy.inner): the result holds the other
 * axes of `a`, then those of `b`. A scalar operand scales the other. Float32 operands.
 *
 * @example
 * ops.inner(tensor([[1, 2], [3, 4]]), tensor([1, 1]));   // [3, 7]
 */
export function inner(a: Tensor, b: Tensor): Tensor {
  checkTensor('inner', a);
  checkTensor('inner', b);
  if (a.rank === 0 || b.rank === 0) return mul(a, b);
  checkFloatOperand('inner', 'a', a);
  checkFloatOperand('inner', 'b', b);
  return contractAxes('inner', a, b, [a.rank - 1], [b.rank - 1]);
}

/**
 * The outer product of the flattened operands (keras.ops.outer): `out[i, j] = a[i] * b[j]`, of
 * shape [a.size, b.size].
 *
 * @example
 * ops.outer(tensor([1, 2]), tensor([3, 4, 5]));   // [[3, 4, 5], [6, 8, 10]]
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  checkTensor('outer', a);
  checkTensor('outer', b);
  return tidy(() => mul(reshape(a, [a.size, 1]), reshape(b, [b.size])));
}

/**
 * The dot product of the flattened operands (keras.ops.vdot; no conjugation, the values are real):
 * a scalar. Both must have the same number of elements.
 *
 * @example
 * ops.vdot(tensor([[1, 2], [3, 4]]), tensor([1, 0, 0, 1]));   // 5
 */
export function vdot(a: Tensor, b: Tensor): Tensor {
  checkTensor('vdot', a);
  checkTensor('vdot', b);
  if (a.size !== b.size) {
    throw new Error(`vdot: Invalid value for argument b. Expected as many elements as a (shape ${formatShape(a.shape)}, ${a.size}). Received: b of shape ${formatShape(b.shape)} (${b.size}).`);
  }
  return tidy(() => sum(mul(reshape(a, [a.size]), reshape(b, [b.size]))));
}

/** The order of a norm: a number (p, Infinity, -Infinity, 0), or 'fro' or 'nuc' (matrices). */
export type NormOrder = number | 'fro' | 'nuc';

/**
 * Vector or matrix norm (keras.ops.norm, numpy.linalg.norm). `axis` picks the kind: one axis
 * gives vector norms, two axes matrix norms (rows, columns); undefined means the vector norm of a
 * rank-1 tensor, the matrix norm of a rank-2 one, or, with no `ord`, the 2-norm of all elements.
 * Vector orders: 2 (default), 1, Infinity (max |x|), -Infinity (min |x|), 0 (count of nonzeros)
 * and any other p: sum(|x|^p)^(1/p). Matrix orders: 'fro' (default), 1 and -1 (max / min column
 * sum of |x|), Infinity and -Infinity (max / min row sum), 2 and -2 (largest / smallest singular
 * value) and 'nuc' (their sum), the last three from `svd`. int32
 * input is cast to float32.
 *
 * @example
 * ops.norm(tensor([3, 4]));                        // 5
 * ops.norm(tensor([[1, -2], [3, 4]]), 1);          // 6, the largest column sum of |x|
 * ops.norm(tensor([[3, 4], [6, 8]]), 2, -1, true); // [[5], [10]]
 */
export function norm(x: Tensor, ord?: NormOrder, axis?: number | readonly number[], keepDims = false): Tensor {
  checkTensor('norm', x);
  if (typeof keepDims !== 'boolean') throw new Error(`norm: Invalid value for argument keepDims. Expected a boolean. Received: keepDims=${String(keepDims)}.`);
  checkRank('norm', x.shape);
  if (ord !== undefined && ord !== 'fro' && ord !== 'nuc' && (typeof ord !== 'number' || Number.isNaN(ord))) {
    throw new Error(`norm: Invalid value for argument ord. Expected a number, Infinity, -Infinity, 'fro' or 'nuc'. Received: ord=${JSON.stringify(ord)}.`);
  }
  let axes: number[];
  if (axis === undefined) {
    if (ord === undefined) return tidy(() => sqrt(sum(square(asFloat(x)), undefined, keepDims)));
    if (x.rank !== 1 && x.rank !== 2) {
      throw new Error(`norm: Invalid value for argument axis. Expected one or two axes when ord is given for a tensor of rank ${x.rank} (shape ${formatShape(x.shape)}). Received: axis=undefined, ord=${String(ord)}.`);
    }
    axes = range(0, x.rank);
  } else {
    const list = typeof axis === 'number' ? [axis] : [...axis];
    if (list.length !== 1 && list.length !== 2) {
      throw new Error(`norm: Invalid value for argument axis. Expected one axis (a vector norm) or two (a matrix norm). Received: axis=${JSON.stringify(axis)}.`);
    }
    axes = list.map((a) => normalizeAxis('norm', a, x.rank));
    if (axes.length === 2 && axes[0] === axes[1]) throw new Error(`norm: Invalid value for argument axis. Expected two different axes. Received: axis=${JSON.stringify(axis)}.`);
  }
  return tidy(() => (axes.length === 1 ? vectorNorm(asFloat(x), ord, axes[0], keepDims) : matrixNorm(asFloat(x), ord, axes as [number, number], keepDims)));
}

function vectorNorm(x: Tensor, ord: NormOrder | undefined, axis: number, keepDims: boolean): Tensor {
  if (ord === undefined || ord === 2) return sqrt(sum(square(x), axis, keepDims));
  if (ord === 'fro' || ord === 'nuc') throw new Error(`norm: Invalid value for argument ord. Expected a number for a vector norm (one axis). Received: ord='${ord}'.`);
  if (ord === 1) return sum(abs(x), axis, keepDims);
  if (ord === Infinity) return max(abs(x), axis, keepDims);
  if (ord === -Infinity) return min(abs(x), axis, keepDims);
  if (ord === 0) return sum(cast(notEqual(x, 0), 'float32'), axis, keepDims);
  return pow(sum(pow(abs(x), ord), axis, keepDims), 1 / ord);
}

function matrixNorm(x: Tensor, ord: NormOrder | undefined, [rowAxis, columnAxis]: [number, number], keepDims: boolean): Tensor {
  const both = [rowAxis, columnAxis];
  if (ord === undefined || ord === 'fro') return sqrt(sum(square(x), both, keepDims));
  if (ord === 2 || ord === -2 || ord === 'nuc') {
    const singularValues = svd(moveaxis(x, both, [-2, -1]), { computeUv: false });
    const reduced = ord === 'nuc' ? sum(singularValues, -1) : (ord === 2 ? max : min)(singularValues, -1);
    return keepDims ? reshape(reduced, x.shape.map((n, d) => (both.includes(d) ? 1 : n))) : reduced;
  }
  // Column sums (over the row axis) for 1 and -1; row sums (over the column axis) for ±Infinity.
  const extreme = ord > 0 ? max : min;
  if (ord === 1 || ord === -1) return dropAxes(extreme(sum(abs(x), rowAxis, true), columnAxis, true), both, keepDims);
  if (ord === Infinity || ord === -Infinity) return dropAxes(extreme(sum(abs(x), columnAxis, true), rowAxis, true), both, keepDims);
  throw new Error(`norm: Invalid value for argument ord. Expected 'fro', 'nuc', 1, -1, 2, -2, Infinity or -Infinity for a matrix norm (two axes). Received: ord=${String(ord)}.`);
}

/** Drops the reduced `axes` (of size 1) of a result computed with keepDims, unless `keepDims`. */
function dropAxes(y: Tensor, axes: readonly number[], keepDims: boolean): Tensor {
  return keepDims ? y : reshape(y, y.shape.filter((_, d) => !axes.includes(d)));
}

/**
 * `x` divided by its norm along `axis`, the norm bounded below by `epsilon` (default
 * config.epsilon(), 1e-7 unless set) (keras.ops.normalize): `x / max(norm(x, order, axis), epsilon)`. `order` is an integer >= 1
 * (default 2, computed as x * rsqrt(max(sum(x^2), epsilon^2))); `axis` one axis or several, or
 * null for the whole tensor (Keras's axis=None, tf.math.l2_normalize's default).
 * A scalar is treated as a vector of one element.
 *
 * @example
 * ops.normalize(tensor([[3, 4], [0, 0]]));   // [[0.6, 0.8], [0, 0]]
 * ops.normalize(tensor([[3, 0], [0, 4]]), null); // [[0.6, 0], [0, 0.8]]
 */
export function normalize(x: Tensor, axis: number | readonly number[] | null = -1, order = 2, epsilon = configEpsilon()): Tensor {
  checkTensor('normalize', x);
  if (!Number.isInteger(order) || order < 1) {
    throw new Error(`normalize: Invalid value for argument order. Expected an integer >= 1. Received: order=${String(order)}.`);
  }
  if (typeof epsilon !== 'number' || !(epsilon >= 0)) {
    throw new Error(`normalize: Invalid value for argument epsilon. Expected a non-negative number. Received: epsilon=${String(epsilon)}.`);
  }
  return tidy(() => {
    const vector = x.rank === 0 ? expandDims(asFloat(x), 0) : asFloat(x);
    const axes = axis === null ? undefined : normalizeAxes('normalize', axis, vector.rank);
    if (order === 2) return vector.mul(rsqrt(maximum(sum(square(vector), axes, true), epsilon * epsilon)));
    return vector.div(maximum(norm(vector, order, axes, true), epsilon));
  });
}

/** The products of `a` and `b` summed over the paired axes, after checking them. */
function contractAxes(op: string, a: Tensor, b: Tensor, axesOfA: readonly number[], axesOfB: readonly number[]): Tensor {
  const paired = [...axesOfA.keys()].map((i) => {
    const [p, q] = [normalizeAxis(op, axesOfA[i], a.rank), normalizeAxis(op, axesOfB[i], b.rank)];
    if (a.shape[p] !== b.shape[q]) {
      throw new Error(`${op}: cannot sum axis ${p} of a (shape ${formatShape(a.shape)}, size ${a.shape[p]}) against axis ${q} of b (shape ${formatShape(b.shape)}, size ${b.shape[q]}): the sizes differ.`);
    }
    return [p, q];
  });
  for (const [name, axes] of [['a', paired.map(([p]) => p)], ['b', paired.map(([, q]) => q)]] as const) {
    if (new Set(axes).size !== axes.length) throw new Error(`${op}: Invalid value for argument axes. Expected each axis of ${name} at most once. Received: [${axes.join(', ')}].`);
  }
  const aLabels = range(0, a.rank).map((d) => `a${d}`);
  const bLabels = range(0, b.rank).map((d) => `b${d}`);
  for (const [p, q] of paired) bLabels[q] = aLabels[p];
  const output = [...aLabels.filter((_, d) => !paired.some(([p]) => p === d)), ...bLabels.filter((_, d) => !paired.some(([, q]) => q === d))];
  checkRank(op, output.map(() => 1));
  return tidy(() => contract([{ tensor: a, labels: aLabels }, { tensor: b, labels: bLabels }], output));
}

function asFloat(x: Tensor): Tensor {
  return x.dtype === 'float32' ? x : cast(x, 'float32');
}

function range(start: number, stop: number): number[] {
  return Array.from({ length: Math.max(stop - start, 0) }, (_, i) => start + i);
}
