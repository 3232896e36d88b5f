// The rest of keras.ops' NumPy math that needs no kernel of its own: comparisons with tolerance
// (isclose), replacing non-finite values (nanToNum), counting and weighted averages, order
// statistics (quantile, median, ptp), evenly spaced values (linspace, logspace), coordinate grids
// (meshgrid) and diagonals (diag, diagonal, trace, tri). Each is a composite of element-wise,
// reduction, shape, sort and creation ops, so each runs as device kernels on WebGPU and takes its
// gradient from the ops it is made of. Index lists and fractions are computed from shapes and
// arguments only, never from tensor data.

import { formatShape, sizeOf, type DType } from '../backend/types';
import { tensor } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import type { Tensor, TensorLike } from '../tensor/tensor';
import { clone } from './clone';
import { eye, fill, range } from './creation';
import {
  abs, add, cast, divide, equal, floor, isFinite, isNaN, lessEqual, logicalAnd, logicalOr, mul, notEqual, pow, round, sub, trunc, where,
} from './elementwise';
import { max, mean, min, sum } from './reduce';
import { broadcastTo, concat, gather, moveaxis, pad, reshape, slice, transpose } from './shape';
import { normalizeAxes, normalizeAxis, sameShape } from './shape_util';
import { sort } from './sort';
import { checkDtype, checkOperand, checkOptionNames, checkTensor } from './validate';

/** The largest finite float32, NumPy's replacement for +Infinity in a float32 nan_to_num. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** Axes of a reduction: one axis, a list of axes, or undefined for every axis. */
type Axes = number | readonly number[];

export interface IscloseOptions {
  /** Relative tolerance (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /** Whether NaN equals NaN (default false). */
  equalNan?: boolean;
}

/**
 * 1 where |a - b| <= atol + rtol * |b|, else 0 (int32), broadcasting, as `keras.ops.isclose`
 * (NumPy's rule: not symmetric in a and b). Infinities are close only to the same infinity;
 * NaN is close to nothing unless `equalNan`.
 *
 * @example
 * ops.isclose(tensor([1, 1.1, Infinity]), tensor([1.000001, 1, Infinity])); // [1, 0, 1]
 */
export function isclose(a: TensorLike, b: TensorLike, options: IscloseOptions = {}): Tensor {
  checkOperand('isclose', a);
  checkOperand('isclose', b);
  checkOptionNames('isclose', options, { rtol: true, atol: true, equalNan: true } satisfies Record<keyof IscloseOptions, true>);
  const { rtol = 1e-5, atol = 1e-8, equalNan = false } = options;
  for (const [name, value] of [['rtol', rtol], ['atol', atol]] as const) {
    if (typeof value !== 'number' || !(value >= 0)) {
      throw new Error(`isclose: Invalid value for argument ${name}. Expected a non-negative number. Received: ${name}=${String(value)}.`);
    }
  }
  return tidy(() => {
    const difference = sub(a, b);
    // A finite difference rules out infinities (and NaN), which only equality may match.
    const withinTolerance = logicalAnd(lessEqual(abs(difference), add(mul(abs(asTensor(b)), rtol), atol)), isFinite(difference));
    const close = logicalOr(withinTolerance, equal(a, b));
    return equalNan ? logicalOr(close, logicalAnd(nanMask(a), nanMask(b))) : close;
  });
}

/** A number operand as a float32 scalar tensor (made in the caller's tidy scope). */
function asTensor(x: TensorLike): Tensor {
  return typeof x === 'number' ? tensor(x) : x;
}

/**
 * 1 where the operand is NaN: isNaN tests the bits, where a comparison such as x != x may be
 * folded away by a GPU compiler that assumes no NaN.
 */
function nanMask(x: TensorLike): TensorLike {
  return typeof x === 'number' ? Number(Number.isNaN(x)) : isNaN(x);
}

export interface NanToNumOptions {
  /** The value for NaN (default 0). */
  nan?: number;
  /** The value for +Infinity (default the largest finite float32). */
  posinf?: number;
  /** The value for -Infinity (default the most negative finite float32). */
  neginf?: number;
}

/**
 * `x` with NaN, +Infinity and -Infinity replaced by finite values, as `keras.ops.nan_to_num`.
 * int32 tensors have none and come back as a copy. The gradient passes through finite elements.
 *
 * @example
 * ops.nanToNum(tensor([NaN, Infinity, -Infinity, 2]), { posinf: 9 }); // [0, 9, -3.4028e38, 2]
 */
export function nanToNum(x: Tensor, options: NanToNumOptions = {}): Tensor {
  checkTensor('nanToNum', x);
  checkOptionNames('nanToNum', options, { nan: true, posinf: true, neginf: true } satisfies Record<keyof NanToNumOptions, true>);
  const { nan = 0, posinf = FLOAT32_MAX, neginf = -FLOAT32_MAX } = options;
  for (const [name, value] of [['nan', nan], ['posinf', posinf], ['neginf', neginf]] as const) {
    if (typeof value !== 'number') throw new Error(`nanToNum: Invalid value for argument ${name}. Expected a number. Received: ${name}=${String(value)}.`);
  }
  if (x.dtype === 'int32') return clone(x);
  return tidy(() => where(isNaN(x), nan, where(equal(x, Infinity), posinf, where(equal(x, -Infinity), neginf, x))));
}

/**
 * The number of nonzero elements over `axis` (undefined: all of them), int32, as
 * `keras.ops.count_nonzero`. NaN counts as nonzero.
 *
 * @example
 * ops.countNonzero(tensor([[0, 1, 7, 0], [3, 0, 2, 19]]), 0); // [1, 1, 2, 1]
 */
export function countNonzero(x: Tensor, axis?: Axes): Tensor {
  checkTensor('countNonzero', x);
  // isNaN tests the bits: a GPU compiler may treat NaN != 0 as false.
  return tidy(() => sum(logicalOr(notEqual(x, 0), isNaN(x)), axis));
}

/**
 * The weighted average over `axis` (undefined: all elements), float32, as `keras.ops.average`:
 * sum(x * weights) / sum(weights). `weights` has the shape of `x`, or is 1-D with one weight per
 * element along a single `axis`. Without weights it is the mean. Weights summing to 0 give
 * NaN or Infinity (checking the sum would read data back).
 *
 * @example
 * ops.average(tensor([[0, 1], [2, 3], [4, 5]]), 1, tensor([0.25, 0.75])); // [0.75, 2.75, 4.75]
 */
export function average(x: Tensor, axis?: Axes, weights?: Tensor): Tensor {
  checkTensor('average', x);
  if (weights === undefined) return mean(x, axis);
  checkTensor('average', weights);
  return tidy(() => {
    const values = toFloat(x);
    const w = toFloat(weights);
    if (sameShape(w.shape, x.shape)) return divide(sum(mul(values, w), axis), sum(w, axis));
    const single = typeof axis === 'number' ? axis : Array.isArray(axis) && axis.length === 1 ? axis[0] : undefined;
    if (w.rank !== 1 || single === undefined) {
      throw new Error(
        `average: Invalid value for argument weights. Expected the shape of x ${formatShape(x.shape)}, or a 1-D tensor with a single integer axis. ` +
          `Received: weights.shape=${formatShape(w.shape)}, axis=${JSON.stringify(axis)}.`,
      );
    }
    const at = normalizeAxis('average', single, x.rank);
    if (w.shape[0] !== x.shape[at]) {
      throw new Error(
        `average: Invalid value for argument weights. Expected ${x.shape[at]} weights, one per element along axis ${at} of x ${formatShape(x.shape)}. Received: weights.shape=${formatShape(w.shape)}.`,
      );
    }
    const along = reshape(w, x.shape.map((d, i) => (i === at ? d : 1)));
    return divide(sum(mul(values, along), at), sum(w));
  });
}

/** How quantile picks a value between the two data points i < j around the quantile's position. */
export type QuantileMethod = 'linear' | 'lower' | 'higher' | 'midpoint' | 'nearest';

const QUANTILE_METHODS: readonly QuantileMethod[] = ['linear', 'lower', 'higher', 'midpoint', 'nearest'];

export interface QuantileOptions {
  /** 'linear' (default): i + (j - i) * fraction; 'lower': i; 'higher': j; 'midpoint': (i + j) / 2; 'nearest': the closer one, ties to the even index. */
  method?: QuantileMethod;
  /** Keep the reduced axes as dimensions of size 1 (default false). */
  keepDims?: boolean;
}

/**
 * @internal The checked arguments of a quantile op (`op` names it in errors): the probabilities as
 * a list, the method and keepDims with their defaults.
 */
export function quantileArguments(op: string, x: Tensor, q: number | readonly number[], options: QuantileOptions): { probabilities: readonly number[]; method: QuantileMethod; keepDims: boolean } {
  checkTensor(op, x);
  checkOptionNames(op, options, { method: true, keepDims: true } satisfies Record<keyof QuantileOptions, true>);
  const { method = 'linear', keepDims = false } = options;
  const probabilities = typeof q === 'number' ? [q] : q;
  if (!Array.isArray(probabilities) || probabilities.length === 0 || probabilities.some((p) => typeof p !== 'number' || !(p >= 0 && p <= 1))) {
    throw new Error(`${op}: Invalid value for argument q. Expected a number in [0, 1] or a non-empty list of them. Received: q=${JSON.stringify(q)}.`);
  }
  if (!QUANTILE_METHODS.includes(method)) {
    throw new Error(`${op}: Invalid value for argument method. Expected one of ${JSON.stringify(QUANTILE_METHODS)}. Received: method=${JSON.stringify(method)}.`);
  }
  if (typeof keepDims !== 'boolean') throw new Error(`${op}: Invalid value for argument keepDims. Expected a boolean. Received: keepDims=${String(keepDims)}.`);
  return { probabilities, method, keepDims };
}

/**
 * The q-th quantile(s) of `x` over `axis` (undefined: the flattened tensor), float32, as
 * `keras.ops.quantile` (NumPy's definition: the sorted values at position q * (n - 1)). With a
 * list of probabilities the first axis of the result indexes them. A NaN in a reduced slice
 * gives NaN. Differentiable: the gradient reaches the elements the result was taken from.
 *
 * @example
 * ops.quantile(tensor([[10, 7, 4], [3, 2, 1]]), 0.5);           // 3.5
 * ops.quantile(tensor([[10, 7, 4], [3, 2, 1]]), [0.25, 0.5], 1); // [[5.5, 1.5], [7, 2]]
 */
export function quantile(x: Tensor, q: number | readonly number[], axis?: Axes, options: QuantileOptions = {}): Tensor {
  const { probabilities, method, keepDims } = quantileArguments('quantile', x, q, options);
  const reduced = normalizeAxes('quantile', axis, x.rank).filter((a) => a < x.rank);
  const kept = [...Array(x.rank).keys()].filter((a) => !reduced.includes(a));
  const n = sizeOf(reduced.map((a) => x.shape[a]));
  if (n === 0) throw new Error(`quantile: cannot take a quantile of an empty slice (axis ${JSON.stringify(axis)} of shape ${formatShape(x.shape)} has size 0).`);
  const positions = probabilities.map((p) => p * (n - 1));
  const lowerIndex = positions.map((position) => (method === 'higher' ? Math.ceil(position) : method === 'nearest' ? roundHalfToEven(position) : Math.floor(position)));
  const upperIndex = positions.map((position, k) => (method === 'linear' || method === 'midpoint' ? Math.ceil(position) : lowerIndex[k]));
  const fractions = positions.map((position, k) => (method === 'linear' ? position - lowerIndex[k] : method === 'midpoint' && upperIndex[k] !== lowerIndex[k] ? 0.5 : 0));
  const keptShape = kept.map((a) => x.shape[a]);
  return tidy(() => {
    // Rows of the n reduced elements, sorted: [...keptShape, n].
    const rows = sort(reshape(transpose(toFloat(x), [...kept, ...reduced]), [...keptShape, n]), -1);
    const last = keptShape.length;
    const lower = gather(rows, lowerIndex, last);
    let values = lower;
    if (upperIndex.some((j, k) => j !== lowerIndex[k])) {
      const upper = gather(rows, upperIndex, last);
      // Equal neighbours (infinite ones included) are the value itself, not inf - inf.
      values = where(equal(lower, upper), lower, add(lower, mul(sub(upper, lower), tensor(fractions))));
    }
    // Sorting puts NaN last: a NaN at the end of a row means the row holds one.
    const withNan = where(isNaN(gather(rows, [n - 1], last)), NaN, values);
    const reducedShape = keepDims ? x.shape.map((d, a) => (reduced.includes(a) ? 1 : d)) : keptShape;
    if (typeof q === 'number') return reshape(withNan, reducedShape);
    return reshape(moveaxis(withNan, last, 0), [probabilities.length, ...reducedShape]);
  });
}

/**
 * The median over `axis` (undefined: the flattened tensor), float32, as `keras.ops.median`:
 * the mean of the two middle values when there is an even number of them.
 *
 * @example
 * ops.median(tensor([[10, 7, 4], [3, 2, 1]]), 1); // [7, 2]
 */
export function median(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return quantile(x, 0.5, axis, { keepDims });
}

/**
 * The range of values, max - min, over `axis` (undefined: all elements), as `keras.ops.ptp`
 * ("peak to peak"); int32 stays int32.
 *
 * @example
 * ops.ptp(tensor([[4, 9, 2], [1, 5, 1]]), 1); // [7, 4]
 */
export function ptp(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  checkTensor('ptp', x);
  return tidy(() => sub(max(x, axis, keepDims), min(x, axis, keepDims)));
}

export interface LinspaceOptions {
  /** Whether `stop` is the last sample (default true); otherwise num + 1 samples are spaced and the last dropped. */
  endpoint?: boolean;
  /** float32 (default) or int32 (the float values floored, as NumPy 2). */
  dtype?: DType;
}

/**
 * `num` evenly spaced numbers from `start` to `stop`, as `keras.ops.linspace`. The last sample is
 * exactly `stop` when `endpoint`.
 *
 * @example
 * ops.linspace(2, 3, 5);                        // [2, 2.25, 2.5, 2.75, 3]
 * ops.linspace(2, 3, 5, { endpoint: false });   // [2, 2.2, 2.4, 2.6, 2.8]
 */
export function linspace(start: number, stop: number, num = 50, options: LinspaceOptions = {}): Tensor {
  checkOptionNames('linspace', options, { endpoint: true, dtype: true } satisfies Record<keyof LinspaceOptions, true>);
  const { endpoint = true, dtype = 'float32' } = options;
  checkSpacing('linspace', start, stop, num, endpoint, dtype);
  return tidy(() => {
    const values = evenlySpaced(start, stop, num, endpoint);
    return dtype === 'float32' ? values : cast(floor(values), 'int32');
  });
}

export interface LogspaceOptions extends LinspaceOptions {
  /** The base of the powers (default 10). */
  base?: number;
}

/**
 * `num` numbers spaced evenly on a log scale, base ** linspace(start, stop), as
 * `keras.ops.logspace`. int32 truncates, except that values within float32 pow's error
 * (relative 1e-5) of an integer round to it: 10 ** 2 computed as 99.99999 gives 100, as NumPy's
 * float64 power does.
 *
 * @example
 * ops.logspace(0, 3, 4);              // [1, 10, 100, 1000]
 * ops.logspace(0, 3, 4, { base: 2 }); // [1, 2, 4, 8]
 */
export function logspace(start: number, stop: number, num = 50, options: LogspaceOptions = {}): Tensor {
  checkOptionNames('logspace', options, { endpoint: true, dtype: true, base: true } satisfies Record<keyof LogspaceOptions, true>);
  const { endpoint = true, dtype = 'float32', base = 10 } = options;
  checkSpacing('logspace', start, stop, num, endpoint, dtype);
  if (typeof base !== 'number' || !Number.isFinite(base)) throw new Error(`logspace: Invalid value for argument base. Expected a finite number. Received: base=${String(base)}.`);
  return tidy(() => {
    const powers = pow(base, evenlySpaced(start, stop, num, endpoint));
    if (dtype === 'float32') return powers;
    const nearest = round(powers);
    return cast(where(lessEqual(abs(sub(powers, nearest)), mul(abs(powers), 1e-5)), nearest, trunc(powers)), 'int32');
  });
}

/** start + i * step for i < num (float32), the last sample set to exactly `stop` when `endpoint`. */
function evenlySpaced(start: number, stop: number, num: number, endpoint: boolean): Tensor {
  const divisions = endpoint ? num - 1 : num;
  const step = divisions > 0 ? (stop - start) / divisions : 0;
  const exactLast = endpoint && num > 1;
  const spaced = add(mul(range(0, exactLast ? num - 1 : num), step), start);
  return exactLast ? concat([spaced, fill([1], stop)]) : spaced;
}

function checkSpacing(op: string, start: number, stop: number, num: number, endpoint: boolean, dtype: DType): void {
  for (const [name, value] of [['start', start], ['stop', stop]] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${op}: Invalid value for argument ${name}. Expected a finite number. Received: ${name}=${String(value)}.`);
  }
  if (!Number.isInteger(num) || num < 0) throw new Error(`${op}: Invalid value for argument num. Expected a non-negative integer. Received: num=${String(num)}.`);
  if (typeof endpoint !== 'boolean') throw new Error(`${op}: Invalid value for argument endpoint. Expected a boolean. Received: endpoint=${String(endpoint)}.`);
  checkDtype(op, dtype);
}

export interface MeshgridOptions {
  /** 'xy' (default, Cartesian: the first two output axes swapped) or 'ij' (matrix indexing). */
  indexing?: 'xy' | 'ij';
}

/**
 * Coordinate grids from coordinate vectors, as `keras.ops.meshgrid`: for inputs of sizes
 * s0, s1, ..., sN-1 (each flattened), N tensors of shape [s0, s1, ...] ('ij') or [s1, s0, ...]
 * ('xy'), output i repeating input i along its own axis.
 *
 * @example
 * const [gridX, gridY] = ops.meshgrid(tensor([1, 2, 3]), tensor([4, 5]));
 * // gridX [[1, 2, 3], [1, 2, 3]], gridY [[4, 4, 4], [5, 5, 5]]
 */
export function meshgrid(...args: Array<Tensor | MeshgridOptions>): Tensor[] {
  const last = args[args.length - 1];
  const hasOptions = last !== undefined && last !== null && typeof last === 'object' && !(last as Tensor).isTensorInstance;
  if (hasOptions) checkOptionNames('meshgrid', last, { indexing: true } satisfies Record<keyof MeshgridOptions, true>);
  const { indexing = 'xy' } = (hasOptions ? last : {}) as MeshgridOptions;
  if (indexing !== 'xy' && indexing !== 'ij') {
    throw new Error(`meshgrid: Invalid value for argument indexing. Expected 'xy' or 'ij'. Received: indexing=${JSON.stringify(indexing)}.`);
  }
  const inputs = (hasOptions ? args.slice(0, -1) : args) as Tensor[];
  inputs.forEach((x) => checkTensor('meshgrid', x));
  const cartesian = indexing === 'xy' && inputs.length >= 2;
  const axisOf = (i: number) => (cartesian && i < 2 ? 1 - i : i);
  const shape = inputs.map((_, d) => inputs[cartesian && d < 2 ? 1 - d : d].size);
  return tidy(() => inputs.map((x, i) => broadcastTo(reshape(x, shape.map((size, d) => (d === axisOf(i) ? size : 1))), shape)));
}

/**
 * The k-th diagonal of a matrix, or a square matrix with a vector on its k-th diagonal, as
 * `keras.ops.diag`. k > 0 is above the main diagonal, k < 0 below it.
 *
 * @example
 * ops.diag(tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), 1); // [1, 5]
 * ops.diag(tensor([1, 2]), -1);                           // [[0, 0, 0], [1, 0, 0], [0, 2, 0]]
 */
export function diag(x: Tensor, k = 0): Tensor {
  checkTensor('diag', x);
  checkOffset('diag', 'k', k);
  if (x.rank === 2) return diagonal(x, k);
  if (x.rank !== 1) throw new Error(`diag: Invalid value for argument x. Expected a 1-D or 2-D tensor. Received: x.shape=${formatShape(x.shape)}.`);
  const n = x.size;
  return tidy(() => {
    // Row i of the n x n product holds x[i] at column i; padding shifts it onto diagonal k.
    const square = mul(eye(n, n, 0, x.dtype), reshape(x, [1, n]));
    return pad(square, k >= 0 ? [[0, k], [k, 0]] : [[-k, 0], [0, -k]]);
  });
}

/**
 * The diagonal elements x[..., i, i + offset] of the matrices spanned by `axis1` and `axis2`, as
 * `keras.ops.diagonal`: those two axes are removed and the diagonal appended as the last axis.
 *
 * @example
 * ops.diagonal(tensor([[[0, 1], [2, 3]], [[4, 5], [6, 7]]]), 0, 0, 1); // [[0, 6], [1, 7]]
 */
export function diagonal(x: Tensor, offset = 0, axis1 = 0, axis2 = 1): Tensor {
  checkTensor('diagonal', x);
  checkOffset('diagonal', 'offset', offset);
  if (x.rank < 2) throw new Error(`diagonal: Invalid value for argument x. Expected a tensor of rank 2 or more. Received: x.shape=${formatShape(x.shape)}.`);
  const first = normalizeAxis('diagonal', axis1, x.rank);
  const second = normalizeAxis('diagonal', axis2, x.rank);
  if (first === second) throw new Error(`diagonal: Invalid value for arguments axis1 and axis2. Expected two different axes. Received: axis1=${axis1}, axis2=${axis2}.`);
  const batch = [...Array(x.rank).keys()].filter((a) => a !== first && a !== second);
  const batchShape = batch.map((a) => x.shape[a]);
  const [rows, columns] = [x.shape[first], x.shape[second]];
  const rowStart = Math.max(-offset, 0);
  const columnStart = Math.max(offset, 0);
  const length = Math.max(0, Math.min(rows - rowStart, columns - columnStart));
  return tidy(() => {
    const matrices = reshape(transpose(x, [...batch, first, second]), [...batchShape, rows * columns]);
    if (length === 0) return slice(matrices, matrices.shape.map(() => 0), [...batchShape, 0]);
    const indices = Array.from({ length }, (_, i) => (rowStart + i) * columns + columnStart + i);
    return gather(matrices, indices, batchShape.length);
  });
}

/**
 * The sum along the diagonal x[..., i, i + offset] of the matrices spanned by `axis1` and
 * `axis2`, as `keras.ops.trace`: the result has the shape of `x` without those two axes.
 *
 * @example
 * ops.trace(tensor([[1, 2], [3, 4]])); // 5
 */
export function trace(x: Tensor, offset = 0, axis1 = 0, axis2 = 1): Tensor {
  return tidy(() => sum(diagonal(x, offset, axis1, axis2), -1));
}

/**
 * An n x m matrix with ones at and below diagonal k (T[i, j] = 1 where j <= i + k) and zeros
 * elsewhere, as `keras.ops.tri`.
 *
 * @example
 * ops.tri(3, 4, 1); // [[1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1]]
 */
export function tri(n: number, m: number = n, k = 0, dtype: DType = 'float32'): Tensor {
  for (const [name, value] of [['n', n], ['m', m]] as const) {
    if (!Number.isInteger(value) || value < 0) throw new Error(`tri: Invalid value for argument ${name}. Expected a non-negative integer. Received: ${name}=${String(value)}.`);
  }
  checkOffset('tri', 'k', k);
  checkDtype('tri', dtype);
  return tidy(() => {
    const mask = lessEqual(range(0, m, 1, 'int32'), add(reshape(range(0, n, 1, 'int32'), [n, 1]), k));
    return dtype === 'int32' ? mask : cast(mask, dtype);
  });
}

function checkOffset(op: string, name: string, value: number): void {
  if (!Number.isInteger(value)) throw new Error(`${op}: Invalid value for argument ${name}. Expected an integer. Received: ${name}=${String(value)}.`);
}

function toFloat(x: Tensor): Tensor {
  return x.dtype === 'float32' ? x : cast(x, 'float32');
}

function roundHalfToEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
