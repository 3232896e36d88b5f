// Reductions and scans that ignore NaN (keras.ops.nansum, nanmean, nanmax, ..., nanquantile),
// with percentile and Keras's aliases amax/amin. Each is a composite: NaN is replaced by the
// neutral value of the reduction (0 for sums, 1 for products, -Infinity/+Infinity for max/min)
// and the existing reduction, scan or sort kernels do the work on the device; a slice with no
// value left gets NumPy's answer (Keras's -1 for the arg reductions) through a `where` on its
// NaN mask. Gradients come from the ops used: an element that was NaN gets gradient 0. int32
// tensors hold no NaN and go straight to the plain op. Nothing here reads tensor data back.

import { formatShape, sizeOf, type DType } from '../backend/types';
import { tensor } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import {
  add, cast, ceil, divide, equal, floor, isNaN, logicalNot, maximum, minimum, mul, round, sqrt, square, sub, where,
} from './elementwise';
import { quantile, quantileArguments, type QuantileOptions } from './numpy_extras';
import { all, argMax, argMin, max, min, prod, sum } from './reduce';
import { cumprod, cumsum } from './scan';
import { moveaxis, reshape, transpose } from './shape';
import { normalizeAxes } from './shape_util';
import { sort } from './sort';
import { takeAlongAxis } from './take_along_axis';
import { checkDtype, checkTensor } from './validate';

/** Axes of a reduction: one axis, a list of axes, or undefined for every axis. */
type Axes = number | readonly number[];

/**
 * The largest value over `axis` (undefined: all axes), as `keras.ops.amax`: the same op as
 * `max`, under NumPy's other name. NaN wins.
 * @example ops.amax(tensor([[1, 5], [3, 4]]), 0) // [3, 5]
 */
export function amax(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return max(x, axis, keepDims);
}

/**
 * The smallest value over `axis` (undefined: all axes), as `keras.ops.amin`: the same op as
 * `min`, under NumPy's other name. NaN wins.
 * @example ops.amin(tensor([[1, 5], [3, 0]]), 1) // [1, 0]
 */
export function amin(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return min(x, axis, keepDims);
}

/** `x` with its NaN replaced by `value` (int32 tensors have none and come back as they are). */
function replaceNaN(x: Tensor, value: number): Tensor {
  return x.dtype === 'float32' ? where(isNaN(x), value, x) : x;
}

/** The number of non-NaN elements over `axes` (float32). */
function countNonNaN(x: Tensor, axis: Axes | undefined, keepDims: boolean): Tensor {
  return sum(cast(logicalNot(isNaN(x)), 'float32'), axis, keepDims);
}

/**
 * The sum over `axis` (undefined: all axes) treating NaN as 0, as `keras.ops.nansum`; int32
 * stays int32. An all-NaN slice sums to 0.
 * @example ops.nansum(tensor([[1, NaN], [3, 4]]), 1) // [1, 7]
 */
export function nansum(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  checkReduction('nansum', x, axis);
  return tidy(() => sum(replaceNaN(x, 0), axis, keepDims));
}

/**
 * The product over `axis` (undefined: all axes) treating NaN as 1, as `keras.ops.nanprod`;
 * int32 stays int32. An all-NaN slice gives 1.
 * @example ops.nanprod(tensor([[2, NaN], [3, 4]]), 1) // [2, 12]
 */
export function nanprod(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  checkReduction('nanprod', x, axis);
  return tidy(() => prod(replaceNaN(x, 1), axis, keepDims));
}

/**
 * The mean of the non-NaN values over `axis` (undefined: all axes), float32, as
 * `keras.ops.nanmean`. An all-NaN slice gives NaN (NumPy warns and returns NaN).
 * @example ops.nanmean(tensor([[1, NaN], [3, 4]]), 1) // [1, 3.5]
 */
export function nanmean(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  checkReduction('nanmean', x, axis);
  return tidy(() => {
    const values = cast(x, 'float32');
    return divide(sum(replaceNaN(values, 0), axis, keepDims), countNonNaN(values, axis, keepDims));
  });
}

/**
 * The population variance of the non-NaN values over `axis` (undefined: all axes), float32, as
 * `keras.ops.nanvar`. An all-NaN slice gives NaN.
 * @example ops.nanvar(tensor([1, NaN, 3])) // 1
 */
export function nanvar(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  checkReduction('nanvar', x, axis);
  return tidy(() => {
    const values = cast(x, 'float32');
    const missing = isNaN(values);
    const clean = where(missing, 0, values);
    const mean = divide(sum(clean, axis, true), countNonNaN(values, axis, true));
    const centered = where(missing, 0, sub(clean, mean));
    return divide(sum(square(centered), axis, keepDims), countNonNaN(values, axis, keepDims));
  });
}

/**
 * The population standard deviation of the non-NaN values over `axis` (undefined: all axes),
 * float32, as `keras.ops.nanstd`. An all-NaN slice gives NaN.
 * @example ops.nanstd(tensor([1, NaN, 3])) // 1
 */
export function nanstd(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  checkReduction('nanstd', x, axis);
  return tidy(() => sqrt(nanvar(x, axis, keepDims)));
}

/**
 * The largest non-NaN value over `axis` (undefined: all axes), as `keras.ops.nanmax`. An
 * all-NaN slice gives NaN, as NumPy (which also warns).
 * @example ops.nanmax(tensor([[1, NaN], [NaN, NaN]]), 1) // [1, NaN]
 */
export function nanmax(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  checkReduction('nanmax', x, axis);
  if (x.dtype === 'int32') return max(x, axis, keepDims);
  return tidy(() => where(all(isNaN(x), axis, keepDims), NaN, max(replaceNaN(x, -Infinity), axis, keepDims)));
}

/**
 * The smallest non-NaN value over `axis` (undefined: all axes), as `keras.ops.nanmin`. An
 * all-NaN slice gives NaN.
 * @example ops.nanmin(tensor([[1, NaN], [NaN, NaN]]), 1) // [1, NaN]
 */
export function nanmin(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  checkReduction('nanmin', x, axis);
  if (x.dtype === 'int32') return min(x, axis, keepDims);
  return tidy(() => where(all(isNaN(x), axis, keepDims), NaN, min(replaceNaN(x, Infinity), axis, keepDims)));
}

/**
 * The index of the largest non-NaN value along `axis` (undefined: the flattened tensor), int32,
 * as `keras.ops.nanargmax`. An all-NaN slice gives -1, as Keras (NumPy raises instead; raising
 * would need the data read back). Ties give the first index.
 * @example ops.nanargmax(tensor([[1, NaN, 3], [NaN, NaN, NaN]]), 1) // [2, -1]
 */
export function nanargmax(x: Tensor, axis?: number, keepDims = false): Tensor {
  checkReduction('nanargmax', x, axis);
  if (x.dtype === 'int32') return argMax(x, axis, keepDims);
  return tidy(() => where(all(isNaN(x), axis, keepDims), -1, argMax(replaceNaN(x, -Infinity), axis, keepDims)));
}

/**
 * The index of the smallest non-NaN value along `axis` (undefined: the flattened tensor), int32,
 * as `keras.ops.nanargmin`. An all-NaN slice gives -1, as Keras.
 * @example ops.nanargmin(tensor([[1, NaN, 0], [NaN, NaN, NaN]]), 1) // [2, -1]
 */
export function nanargmin(x: Tensor, axis?: number, keepDims = false): Tensor {
  checkReduction('nanargmin', x, axis);
  if (x.dtype === 'int32') return argMin(x, axis, keepDims);
  return tidy(() => where(all(isNaN(x), axis, keepDims), -1, argMin(replaceNaN(x, Infinity), axis, keepDims)));
}

/**
 * The cumulative sum along `axis` (undefined: the flattened tensor) treating NaN as 0, as
 * `keras.ops.nancumsum`; `dtype` (default: x's) is the dtype the sum is taken in.
 * @example ops.nancumsum(tensor([1, NaN, 3])) // [1, 1, 4]
 */
export function nancumsum(x: Tensor, axis?: number, dtype: DType = x?.dtype): Tensor {
  checkReduction('nancumsum', x, axis);
  checkDtype('nancumsum', dtype);
  return tidy(() => cumsum(cast(replaceNaN(x, 0), dtype), axis));
}

/**
 * The cumulative product along `axis` (undefined: the flattened tensor) treating NaN as 1, as
 * `keras.ops.nancumprod`; `dtype` (default: x's) is the dtype the product is taken in.
 * @example ops.nancumprod(tensor([2, NaN, 3])) // [2, 2, 6]
 */
export function nancumprod(x: Tensor, axis?: number, dtype: DType = x?.dtype): Tensor {
  checkReduction('nancumprod', x, axis);
  checkDtype('nancumprod', dtype);
  return tidy(() => cumprod(cast(replaceNaN(x, 1), dtype), axis));
}

/**
 * The q-th quantile(s) of the non-NaN values of `x` over `axis` (undefined: the flattened
 * tensor), float32, as `keras.ops.nanquantile`; options and the shape of the result as
 * `quantile`. An all-NaN slice gives NaN. Each slice's number of values is counted on the
 * device, so the positions taken from its sorted values are computed there too.
 *
 * @example
 * ops.nanquantile(tensor([[1, NaN, 3], [4, 5, 6]]), 0.5, 1); // [2, 5]
 */
export function nanquantile(x: Tensor, q: number | readonly number[], axis?: Axes, options: QuantileOptions = {}): Tensor {
  return quantileIgnoringNaN('nanquantile', x, q, axis, options);
}

/**
 * The q-th percentile(s) (q in [0, 100]) of the non-NaN values of `x` over `axis`, float32, as
 * `keras.ops.nanpercentile`: nanquantile at q / 100.
 * @example ops.nanpercentile(tensor([1, NaN, 2, 3]), 50) // 2
 */
export function nanpercentile(x: Tensor, q: number | readonly number[], axis?: Axes, options: QuantileOptions = {}): Tensor {
  return quantileIgnoringNaN('nanpercentile', x, percentToProbability('nanpercentile', q), axis, options);
}

/**
 * The median of the non-NaN values of `x` over `axis` (undefined: the flattened tensor), float32,
 * as `keras.ops.nanmedian`. An all-NaN slice gives NaN.
 * @example ops.nanmedian(tensor([[1, NaN, 3], [4, 5, 6]]), 1) // [2, 5]
 */
export function nanmedian(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return quantileIgnoringNaN('nanmedian', x, 0.5, axis, { keepDims });
}

/**
 * The q-th percentile(s) (q in [0, 100]) of `x` over `axis` (undefined: the flattened tensor),
 * float32, as `keras.ops.percentile`: quantile at q / 100, with its options.
 * @example ops.percentile(tensor([[10, 7, 4], [3, 2, 1]]), 50) // 3.5
 */
export function percentile(x: Tensor, q: number | readonly number[], axis?: Axes, options: QuantileOptions = {}): Tensor {
  return quantile(x, percentToProbability('percentile', q), axis, options);
}

/** q / 100, checking that every q is a number in [0, 100]. */
function percentToProbability(op: string, q: number | readonly number[]): number | number[] {
  const list = typeof q === 'number' ? [q] : q;
  if (!Array.isArray(list) || list.length === 0 || list.some((p) => typeof p !== 'number' || !(p >= 0 && p <= 100))) {
    throw new Error(`${op}: Invalid value for argument q. Expected a number in [0, 100] or a non-empty list of them. Received: q=${JSON.stringify(q)}.`);
  }
  return typeof q === 'number' ? q / 100 : list.map((p) => p / 100);
}

/**
 * NumPy's nanquantile: per slice, the sorted values (NaN sorted last) at position q * (count - 1),
 * count being the slice's number of non-NaN values, a tensor; so the indices are tensors too.
 */
function quantileIgnoringNaN(op: string, x: Tensor, q: number | readonly number[], axis: Axes | undefined, options: QuantileOptions): Tensor {
  const { probabilities, method, keepDims } = quantileArguments(op, x, q, options);
  const reduced = normalizeAxes(op, axis, x.rank).filter((a) => a < x.rank);
  const kept = [...Array(x.rank).keys()].filter((a) => !reduced.includes(a));
  const n = sizeOf(reduced.map((a) => x.shape[a]));
  if (n === 0) throw new Error(`${op}: cannot take a quantile of an empty slice (axis ${JSON.stringify(axis)} of shape ${formatShape(x.shape)} has size 0).`);
  const keptDims = kept.map((a) => x.shape[a]);
  return tidy(() => {
    // Rows of the n reduced elements, sorted with NaN last: [...keptDims, n].
    const rows = sort(reshape(transpose(cast(x, 'float32'), [...kept, ...reduced]), [...keptDims, n]), -1);
    const count = sum(cast(logicalNot(isNaN(rows)), 'float32'), -1, true);
    // Positions [...keptDims, Q]; an all-NaN row (count 0) reads index 0 and becomes NaN below.
    // Clamped to [0, count - 1]: float32 rounding of q * (count - 1) must not step past the last value.
    const positions = maximum(minimum(mul(sub(count, 1), tensor([...probabilities])), sub(count, 1)), 0);
    const lowerPosition = method === 'higher' ? ceil(positions) : method === 'nearest' ? round(positions) : floor(positions);
    const upperPosition = method === 'linear' || method === 'midpoint' ? ceil(positions) : lowerPosition;
    const lower = takeAlongAxis(rows, cast(lowerPosition, 'int32'), -1);
    const upper = takeAlongAxis(rows, cast(upperPosition, 'int32'), -1);
    const fraction = method === 'linear' ? sub(positions, lowerPosition) : method === 'midpoint' ? 0.5 : 0;
    // Equal neighbours (infinite ones included) are the value itself, not inf - inf.
    const values = where(equal(lower, upper), lower, add(lower, mul(sub(upper, lower), fraction)));
    const withNaN = where(equal(count, 0), NaN, values);
    const last = keptDims.length;
    const reducedShape = keepDims ? x.shape.map((d, a) => (reduced.includes(a) ? 1 : d)) : keptDims;
    if (typeof q === 'number') return reshape(withNaN, reducedShape);
    return reshape(moveaxis(withNaN, last, 0), [probabilities.length, ...reducedShape]);
  });
}

/** Checks the tensor and the axes of a reduction, naming the op. */
function checkReduction(op: string, x: Tensor, axis: Axes | number | undefined): void {
  checkTensor(op, x);
  normalizeAxes(op, axis, x.rank);
}
