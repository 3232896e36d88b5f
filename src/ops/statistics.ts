// keras.ops' statistics and set-membership functions: correlation (corrcoef, correlate), pairwise
// distances (cdist), integration (trapezoid), counting into bins (histogram, bincount, digitize),
// binary-search positions (searchsorted), membership (isin) and tolerance checks (allclose).
// searchsorted is a kernel of its own (shaders/search.wgsl: a bisection per value); digitize and
// isin search with it, bincount and histogram count with unsortedSegmentSum's kernel, correlate
// is a conv1d, and the rest are composites of element-wise, reduction, shape and matmul ops. So
// everything runs as device kernels on WebGPU, and the float ops take their gradients from the
// ops they are made of.
// Output lengths come from shapes and arguments only, never from tensor data.

import { formatShape, type TypedArray } from '../backend/types';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import { tensor } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { conv1d } from './conv';
import { fill, range } from './creation';
import {
  abs, add, cast, clip, divide, equal, greater, greaterEqual, less, logicalAnd, logicalNot, minimum, mul, pow, sqrt, square, sub, where,
} from './elementwise';
import { runKernel1, type Kernel } from './kernel';
import { matmul } from './matmul';
import { isclose, type IscloseOptions } from './numpy_extras';
import { all, max, mean, min, sum } from './reduce';
import { flip } from './rearrange';
import { unsortedSegmentSum } from './scatter';
import { sort } from './sort';
import { concat, expandDims, gather, pad, reshape, slice } from './shape';
import { broadcastShapes, normalizeAxis } from './shape_util';
import { checkTensor, checkOptionNames } from './validate';
import searchShader from '../../shaders/search.wgsl?raw';

/**
 * The Pearson correlation coefficients of the variables in the rows of `x` (observations in its
 * columns), as `keras.ops.corrcoef`: cov(x)[i, j] / sqrt(cov[i, i] * cov[j, j]), clipped to
 * [-1, 1] as NumPy does; float32. A 1-D `x` is a single variable and gives the scalar 1; a
 * constant variable gives NaN.
 *
 * @example
 * ops.corrcoef(tensor([[1, 2, 3], [3, 2, 0]])); // [[1, -0.9820], [-0.9820, 1]]
 */
export function corrcoef(x: Tensor): Tensor {
  checkTensor('corrcoef', x);
  if (x.rank !== 1 && x.rank !== 2) {
    throw new Error(`corrcoef: Invalid value for argument x. Expected a 1-D or 2-D tensor (variables in rows). Received: x.shape=${formatShape(x.shape)}.`);
  }
  return tidy(() => {
    const variables = x.rank === 1 ? reshape(cast(x, 'float32'), [1, x.size]) : cast(x, 'float32');
    const count = variables.shape[0];
    const centered = sub(variables, mean(variables, 1, true));
    const covariance = matmul(centered, centered, { transposeB: true });
    const deviation = sqrt(sum(square(centered), 1));
    const correlation = divide(divide(covariance, reshape(deviation, [count, 1])), reshape(deviation, [1, count]));
    const clipped = clip(correlation, -1, 1);
    return x.rank === 1 ? reshape(clipped, []) : clipped;
  });
}

/** How much of the sliding product `correlate` returns. */
export type CorrelateMode = 'valid' | 'same' | 'full';

const CORRELATE_MODES: readonly CorrelateMode[] = ['valid', 'same', 'full'];

/**
 * The cross-correlation of two 1-D tensors, as `keras.ops.correlate` (NumPy's definition:
 * c[k] = sum over n of x1[n + k] * x2[n]); float32. `mode` 'valid' (default) keeps the
 * max(M, N) - min(M, N) + 1 full overlaps, 'same' max(M, N) outputs centred on them, 'full'
 * every overlap (M + N - 1). When x2 is the longer, the result is that of the swapped inputs
 * reversed, as NumPy.
 *
 * @example
 * ops.correlate(tensor([1, 2, 3]), tensor([0, 1, 0.5])); // [3.5]
 */
export function correlate(x1: Tensor, x2: Tensor, mode: CorrelateMode = 'valid'): Tensor {
  checkTensor('correlate', x1);
  checkTensor('correlate', x2);
  if (x1.rank !== 1 || x2.rank !== 1 || x1.size === 0 || x2.size === 0) {
    throw new Error(`correlate: Expected two non-empty 1-D tensors. Received: x1.shape=${formatShape(x1.shape)}, x2.shape=${formatShape(x2.shape)}.`);
  }
  if (!CORRELATE_MODES.includes(mode)) {
    throw new Error(`correlate: Invalid value for argument mode. Expected one of ${JSON.stringify(CORRELATE_MODES)}. Received: mode=${JSON.stringify(mode)}.`);
  }
  return tidy(() => {
    const [a, v] = [cast(x1, 'float32'), cast(x2, 'float32')];
    return x2.size > x1.size ? flip(slidingProducts(v, a, mode)) : slidingProducts(a, v, mode);
  });
}

/**
 * correlate for a of length n >= m = v's length: output j of 'full' is the dot product of v with
 * the window of a padded by m - 1 zeros on each side that starts at j, which is conv1d's
 * cross-correlation; the other modes keep a contiguous run of those windows.
 */
function slidingProducts(a: Tensor, v: Tensor, mode: CorrelateMode): Tensor {
  const [n, m] = [a.size, v.size];
  const [first, count] = mode === 'valid' ? [m - 1, n - m + 1] : mode === 'same' ? [(m - 1) >> 1, n] : [0, n + m - 1];
  const windows = slice(pad(a, [[m - 1, m - 1]]), [first], [count + m - 1]);
  return reshape(conv1d(reshape(windows, [1, count + m - 1, 1]), reshape(v, [m, 1, 1])), [count]);
}

export interface CdistOptions {
  /** The order of the Minkowski distance: 2 (default, Euclidean as keras.ops.cdist), 1, any p > 0, or Infinity (largest difference). */
  p?: number;
}

/**
 * The pairwise distances between the rows of `x` ([..., m, d]) and of `y` ([..., n, d]), shape
 * [..., m, n] with the batch dimensions broadcast, float32, as `keras.ops.cdist` (Euclidean).
 * The option `p` (not in Keras) gives other Minkowski distances, as scipy's cdist. The gradient
 * of the Euclidean distance between equal rows is NaN (that of sqrt at 0).
 *
 * @example
 * ops.cdist(tensor([[0, 0], [1, 1]]), tensor([[1, 0], [0, 1]])); // [[1, 1], [1, 1.4142]]
 */
export function cdist(x: Tensor, y: Tensor, options: CdistOptions = {}): Tensor {
  checkTensor('cdist', x);
  checkTensor('cdist', y);
  checkOptionNames('cdist', options, { p: true } satisfies Record<keyof CdistOptions, true>);
  const { p = 2 } = options;
  if (x.rank < 2 || y.rank < 2 || x.shape[x.rank - 1] !== y.shape[y.rank - 1]) {
    throw new Error(`cdist: Expected inputs of rank >= 2 whose last dimensions match. Received: x.shape=${formatShape(x.shape)}, y.shape=${formatShape(y.shape)}.`);
  }
  broadcastShapes('cdist', x.shape.slice(0, -2), y.shape.slice(0, -2));
  if (typeof p !== 'number' || !(p > 0)) throw new Error(`cdist: Invalid value for argument p. Expected a number > 0 or Infinity. Received: p=${String(p)}.`);
  return tidy(() => {
    const difference = sub(expandDims(cast(x, 'float32'), -2), expandDims(cast(y, 'float32'), -3));
    if (p === 2) return sqrt(sum(square(difference), -1));
    if (p === 1) return sum(abs(difference), -1);
    if (p === Infinity) return max(abs(difference), -1);
    return pow(sum(pow(abs(difference), p), -1), 1 / p);
  });
}

/**
 * The integral of `y` along `axis` (default -1) by the trapezoidal rule, float32, as
 * `keras.ops.trapezoid`: the sample points are `x` (1-D with one point per sample along the
 * axis, or the shape of `y`) or, without `x`, evenly spaced by `dx` (default 1).
 *
 * @example
 * ops.trapezoid(tensor([1, 2, 4]), tensor([0, 1, 3])); // 7.5
 */
export function trapezoid(y: Tensor, x?: Tensor, dx = 1, axis = -1): Tensor {
  checkTensor('trapezoid', y);
  if (x !== undefined) checkTensor('trapezoid', x);
  if (y.rank === 0) throw new Error('trapezoid: Invalid value for argument y. Expected a tensor of rank >= 1. Received: a scalar.');
  const at = normalizeAxis('trapezoid', axis, y.rank);
  const n = y.shape[at];
  if (x !== undefined && !(x.rank === 1 && x.size === n) && !(x.rank === y.rank && x.shape.every((d, i) => d === y.shape[i]))) {
    throw new Error(
      `trapezoid: Invalid value for argument x. Expected a 1-D tensor of ${n} sample points (y's axis ${at}) or the shape of y ${formatShape(y.shape)}. Received: x.shape=${formatShape(x.shape)}.`,
    );
  }
  if (typeof dx !== 'number') throw new Error(`trapezoid: Invalid value for argument dx. Expected a number. Received: dx=${String(dx)}.`);
  return tidy(() => {
    const values = cast(y, 'float32');
    const heights = divide(add(sliceAlong(values, at, 1, n - 1), sliceAlong(values, at, 0, n - 1)), 2);
    if (x === undefined) return mul(sum(heights, at), dx);
    const points = x.rank === 1 ? reshape(cast(x, 'float32'), y.shape.map((d, i) => (i === at ? d : 1))) : cast(x, 'float32');
    const widths = sub(sliceAlong(points, at, 1, n - 1), sliceAlong(points, at, 0, n - 1));
    return sum(mul(heights, widths), at);
  });
}

/** `length` elements of `x` along `axis` from `start`, every element along the other axes. */
function sliceAlong(x: Tensor, axis: number, start: number, length: number): Tensor {
  return slice(x, x.shape.map((_, i) => (i === axis ? start : 0)), x.shape.map((d, i) => (i === axis ? Math.max(length, 0) : d)));
}

/**
 * A histogram of the 1-D tensor `x` in `bins` (default 10) equal-width bins over `range`
 * (default: [min(x), max(x)], found on the device), as `keras.ops.histogram`: returns
 * [counts (int32), binEdges (float32, bins + 1 of them)]. Bins are half-open [e_i, e_i+1) except
 * the last, which holds its right edge; values outside the range and NaN are not counted. A range
 * of width 0 is widened to [lo - 0.5, hi + 0.5] as NumPy. Without a range, NaN in `x` gives NaN
 * edges and zero counts (NumPy raises; checking would read the data back).
 *
 * @example
 * const [counts, edges] = ops.histogram(tensor([0, 0.1, 0.5, 1]), 2); // [2, 2], [0, 0.5, 1]
 */
export function histogram(x: Tensor, bins = 10, range?: readonly [number, number]): [Tensor, Tensor] {
  checkTensor('histogram', x);
  if (x.rank !== 1) throw new Error(`histogram: Input tensor must be 1-dimensional. Received: input.shape=${formatShape(x.shape)}.`);
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`histogram: Invalid value for argument bins. Expected a positive integer. Received: bins=${String(bins)}.`);
  if (range !== undefined && (!Array.isArray(range) || range.length !== 2 || !range.every(Number.isFinite) || range[1] < range[0])) {
    throw new Error(`histogram: Invalid value for argument range. Expected two finite numbers [lower, upper] with lower <= upper. Received: range=${JSON.stringify(range)}.`);
  }
  return tidy(() => {
    const values = cast(x, 'float32');
    const edges = range !== undefined || x.size === 0 ? fixedEdges(range ?? [0, 1], bins) : dataEdges(values, bins);
    // The bin of a value: the number of edges at or below it, less one; the last edge closes the
    // last bin. Values outside the edges (and NaN, sorted last) get -1 or bins, which the count drops.
    const atOrBelow = sub(insertionPoints(edges, values, true), 1);
    const bin = where(equal(values, gather(edges, [bins])), bins - 1, atOrBelow);
    const counts = unsortedSegmentSum(fill([x.size], 1, 'int32'), bin, bins);
    return [counts, edges] as [Tensor, Tensor];
  }) as [Tensor, Tensor];
}

/** NumPy's edges for a given range, in float64: lo + i * (hi - lo) / bins, the last exactly hi. */
function fixedEdges([lower, upper]: readonly [number, number], bins: number): Tensor {
  const [lo, hi] = lower === upper ? [lower - 0.5, upper + 0.5] : [lower, upper];
  return tensor(Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + (i * (hi - lo)) / bins)));
}

/** The edges over [min(values), max(values)], computed on the device. */
function dataEdges(values: Tensor, bins: number): Tensor {
  const [smallest, largest] = [min(values), max(values)];
  const flat = equal(smallest, largest);
  const lo = where(flat, sub(smallest, 0.5), smallest);
  const hi = where(flat, add(largest, 0.5), largest);
  const spaced = add(mul(range(0, bins), divide(sub(hi, lo), bins)), lo);
  return concat([spaced, reshape(hi, [1])]);
}

/**
 * The number of occurrences of each value 0, 1, ..., minlength - 1 in the int32 tensor `x`, as
 * `keras.ops.bincount`; `x` is 1-D, or 2-D for one count per row. With `weights` (the shape of
 * `x`) each occurrence adds its weight instead of 1, and the result has the weights' dtype;
 * without, it is int32. Departure from Keras: the output length is `minlength`, required and
 * never extended to max(x) + 1 (finding that maximum would read the data back); values outside
 * [0, minlength) are not counted.
 *
 * @example
 * ops.bincount(tensor([1, 2, 2, 3], [4], 'int32'), undefined, 5); // [0, 1, 2, 1, 0]
 */
export function bincount(x: Tensor, weights?: Tensor, minlength = 0): Tensor {
  checkTensor('bincount', x);
  if (weights !== undefined) checkTensor('bincount', weights);
  if (x.dtype !== 'int32' || (x.rank !== 1 && x.rank !== 2)) {
    throw new Error(`bincount: Expected a 1-D or 2-D int32 tensor of non-negative integers. Received: x.shape=${formatShape(x.shape)}, x.dtype=${x.dtype}.`);
  }
  if (weights !== undefined && (weights.rank !== x.rank || !weights.shape.every((d, i) => d === x.shape[i]))) {
    throw new Error(`bincount: Invalid value for argument weights. Expected the shape of x ${formatShape(x.shape)}. Received: weights.shape=${formatShape(weights.shape)}.`);
  }
  if (!Number.isInteger(minlength) || minlength < 1) {
    throw new Error(
      `bincount: Invalid value for argument minlength. Expected a positive integer, the output length: it must be known without reading x back, so pass at least max(x) + 1. Received: minlength=${String(minlength)}.`,
    );
  }
  return tidy(() => {
    // Row r counts into segments [r * minlength, (r + 1) * minlength); other values are dropped.
    const rows = x.rank === 2 ? x.shape[0] : 1;
    const inRange = logicalAnd(greaterEqual(x, 0), less(x, minlength));
    const rowStart = x.rank === 2 ? mul(reshape(range(0, rows, 1, 'int32'), [rows, 1]), minlength) : 0;
    const segment = reshape(where(inRange, add(x, rowStart), -1), [x.size]);
    const contributions = weights === undefined ? fill([x.size], 1, 'int32') : reshape(weights, [x.size]);
    return reshape(unsortedSegmentSum(contributions, segment, rows * minlength), x.rank === 2 ? [rows, minlength] : [minlength]);
  });
}

const SEARCH_WORKGROUP_SIZE = 64;

interface SearchAttrs {
  /** Side 'right': elements equal to a value precede it. */
  right: boolean;
}

/** The number of elements of a 1-D sequence before `value` in NumPy's order (NaN last), by bisection. */
function insertionPoint(sequence: TypedArray, value: number, right: boolean): number {
  const precedes = (a: number) =>
    right ? Number.isNaN(value) || (!Number.isNaN(a) && a <= value) : !Number.isNaN(a) && (Number.isNaN(value) || a < value);
  let [low, high] = [0, sequence.length];
  while (low < high) {
    const middle = (low + high) >> 1;
    if (precedes(sequence[middle])) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Inputs: the sorted 1-D sequence and the values (same dtype); output: int32 of the values' shape. */
const searchKernel: Kernel<SearchAttrs> = {
  name: 'searchsorted',
  cpu([sequence, values], [out], { right }) {
    for (let i = 0; i < values.values.length; i++) out.values[i] = insertionPoint(sequence.values, values.values[i], right);
  },
  webgpu(gpu, [sequence, values], [out], { right }) {
    gpu.dispatch({
      shader: searchShader,
      constants: { IS_INT: sequence.dtype === 'int32', RIGHT: right },
      uniforms: new Uniforms().u32(sequence.size, values.size, 0, 0).finish(),
      buffers: [sequence.buffer, values.buffer, out.buffer],
      workgroups: gridFor(values.size, SEARCH_WORKGROUP_SIZE, gpu.limits.maxComputeWorkgroupsPerDimension),
    });
  },
};

/** searchsorted on tensors of any dtypes: int32 meets float32 as float32, as the element-wise ops. */
function insertionPoints(sequence: Tensor, values: Tensor, right: boolean): Tensor {
  const sameDtype = sequence.dtype === values.dtype;
  const [a, v] = sameDtype ? [sequence, values] : [cast(sequence, 'float32'), cast(values, 'float32')];
  return runKernel1(searchKernel, [a, v], { shape: values.shape, dtype: 'int32' }, { right }, 'searchsorted');
}

/**
 * The indices at which `values` would be inserted into the 1-D ascending `sortedSequence` to keep
 * it sorted, int32 of the shape of `values`, as `keras.ops.searchsorted`: `side` 'left' (default)
 * gives the first such index, 'right' the last. NaN sorts after every number, as NumPy. The
 * sequence is not checked to be sorted (that would read it back); for an unsorted one the
 * positions are unspecified, as in NumPy.
 *
 * @example
 * ops.searchsorted(tensor([1, 2, 2, 3]), tensor([2, 5]));                    // [1, 4]
 * ops.searchsorted(tensor([1, 2, 2, 3]), tensor([2, 5]), 'right');           // [3, 4]
 */
export function searchsorted(sortedSequence: Tensor, values: Tensor, side: 'left' | 'right' = 'left'): Tensor {
  checkTensor('searchsorted', sortedSequence);
  checkTensor('searchsorted', values);
  if (sortedSequence.rank !== 1) {
    throw new Error(`searchsorted: only supports 1-D sorted sequences. Received: sorted_sequence.shape=${formatShape(sortedSequence.shape)}.`);
  }
  if (side !== 'left' && side !== 'right') throw new Error(`searchsorted: Invalid value for argument side. Expected 'left' or 'right'. Received: side=${JSON.stringify(side)}.`);
  return tidy(() => insertionPoints(sortedSequence, values, side === 'right'));
}

/**
 * The index of the bin of `bins` (1-D, monotonic) that each value of `x` falls in, int32, as
 * `keras.ops.digitize` (NumPy's, right=false): for increasing bins, i with
 * bins[i - 1] <= x < bins[i]; for decreasing bins, i with bins[i - 1] > x >= bins[i]. Values
 * below or above all bins give 0 or bins.length; NaN sorts after every number. The direction is
 * read from the first and last bins on the device; bins given as numbers are also checked to be
 * monotonic (a tensor's are not, as that would read them back).
 *
 * @example
 * ops.digitize(tensor([0.5, 1, 3]), [0, 1, 2.5]); // [1, 2, 3]
 */
export function digitize(x: Tensor, bins: Tensor | readonly number[]): Tensor {
  checkTensor('digitize', x);
  if (Array.isArray(bins)) {
    const increasing = bins.every((b, i) => i === 0 || bins[i - 1] <= b);
    const decreasing = bins.every((b, i) => i === 0 || bins[i - 1] >= b);
    if (!increasing && !decreasing) throw new Error(`digitize: bins must be monotonically increasing or decreasing. Received: bins=${JSON.stringify(bins)}.`);
  } else {
    checkTensor('digitize', bins);
  }
  const edgeCount = Array.isArray(bins) ? bins.length : (bins as Tensor).size;
  if ((Array.isArray(bins) ? 1 : (bins as Tensor).rank) !== 1) {
    throw new Error(`digitize: bins must be 1-D. Received: bins.shape=${formatShape((bins as Tensor).shape)}.`);
  }
  return tidy(() => {
    const edges = Array.isArray(bins) ? tensor([...bins]) : (bins as Tensor);
    const increasing = insertionPoints(edges, x, true);
    if (edgeCount < 2) return increasing;
    // Decreasing bins: the edges above x are those not at or below it in the reversed (ascending) bins.
    const decreasing = sub(edgeCount, insertionPoints(flip(edges), x, true));
    const isDecreasing = greater(gather(edges, [0]), gather(edges, [edgeCount - 1]));
    return where(reshape(isDecreasing, []), decreasing, increasing);
  });
}

export interface IsinOptions {
  /** Accepted for Keras compatibility; the result does not depend on it (default false). */
  assumeUnique?: boolean;
  /** Give 1 where an element is NOT in `x2` (default false). */
  invert?: boolean;
}

/**
 * 1 where an element of `x1` equals some element of `x2` (any shape), else 0, int32 of the
 * shape of `x1`, as `keras.ops.isin`; `invert` flips it. NaN is in nothing.
 *
 * @example
 * ops.isin(tensor([[1, 2], [3, 4]]), tensor([2, 4, 6])); // [[0, 1], [0, 1]]
 */
export function isin(x1: Tensor, x2: Tensor, options: IsinOptions = {}): Tensor {
  checkTensor('isin', x1);
  checkTensor('isin', x2);
  checkOptionNames('isin', options, { assumeUnique: true, invert: true } satisfies Record<keyof IsinOptions, true>);
  const { invert = false } = options;
  if (typeof invert !== 'boolean') throw new Error(`isin: Invalid value for argument invert. Expected a boolean. Received: invert=${String(invert)}.`);
  return tidy(() => {
    if (x2.size === 0) return fill(x1.shape, invert ? 1 : 0, 'int32');
    // x1's element is in x2 when it equals the first element of sorted x2 not below it.
    const candidates = sort(reshape(x2.dtype === x1.dtype ? x2 : cast(x2, 'float32'), [x2.size]));
    const position = minimum(insertionPoints(candidates, x1, false), x2.size - 1);
    const found = equal(gather(candidates, position), x1);
    return invert ? logicalNot(found) : found;
  });
}

/**
 * 1 (an int32 scalar) when every pair of elements of `x1` and `x2` (broadcast) is close by
 * `isclose`'s rule |x1 - x2| <= atol + rtol * |x2|, else 0, as `keras.ops.allclose`.
 *
 * @example
 * ops.allclose(tensor([1, 2]), tensor([1.000001, 2])); // 1
 */
export function allclose(x1: Tensor, x2: Tensor, options: IscloseOptions = {}): Tensor {
  checkTensor('allclose', x1);
  checkTensor('allclose', x2);
  checkOptionNames('allclose', options, { rtol: true, atol: true, equalNan: true } satisfies Record<keyof IscloseOptions, true>);
  return tidy(() => all(isclose(x1, x2, options)));
}
