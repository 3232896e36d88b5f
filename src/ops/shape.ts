// Shape ops. reshape, expandDims and squeeze only relabel the shape and share the storage. The
// copying ops are all built from one primitive, a strided copy (shaders/copy_strided.wgsl): each
// op describes its work as a `CopyPlan` (constant fills, then regions copied with signed strides)
// that the CPU kernel and the WebGPU kernel both execute. gather has its own kernel
// (shaders/gather.wgsl). An op whose output equals its input returns a view instead of copying.
// Each op records its gradient rule next to its forward rule; the rules are shape ops too (the
// adjoint copy, a sum over repeats, or gather's adjoint scatterAdd), so they run on the device.

import { formatShape, sizeOf, stridesOf, type DType, type TypedArray } from '../backend/types';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import { recordGradient } from '../autograd/tape';
import { sumToShape } from '../autograd/unbroadcast';
import { tensor } from '../tensor/creation';
import { Tensor } from '../tensor/tensor';
import { activeTracer } from '../tensor/trace';
import { tidy } from '../tensor/memory';
import { cast } from './elementwise';
import { runKernel, runKernel1, type Kernel, type OutputSpec } from './kernel';
import { sum as sumOver } from './reduce';
import { scatterAdd } from './scatter';
import { broadcastStrides, checkRank, MAX_RANK, normalizeAxis, normalizeAxes, sameShape } from './shape_util';
import { checkTensor, describeValue } from './validate';
import copyStridedShader from '../../shaders/copy_strided.wgsl?raw';
import gatherShader from '../../shaders/gather.wgsl?raw';

const WORKGROUP_SIZE = 256;

/**
 * A tensor with the same values in a new shape; one dimension may be -1 (inferred). Shares storage.
 *
 * @example
 * reshape(tensor([1, 2, 3, 4, 5, 6]), [2, -1]);   // [[1, 2, 3], [4, 5, 6]]
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = resolveReshape(x.shape, shape);
  checkRank('reshape', target);
  return view('reshape', x, target);
}

/**
 * Inserts a dimension of size 1 at `axis` (negative counts from the end of the result).
 *
 * @example
 * expandDims(tensor([1, 2]), -1).shape;   // [2, 1]
 */
export function expandDims(x: Tensor, axis = 0): Tensor {
  const at = normalizeAxis('expandDims', axis, x.rank + 1);
  const shape = [...x.shape];
  shape.splice(at, 0, 1);
  checkRank('expandDims', shape);
  return view('expandDims', x, shape);
}

/**
 * Removes dimensions of size 1: the given axes, or all of them.
 *
 * @example
 * squeeze(tensor([[[1], [2]]])).shape;   // [2]
 */
export function squeeze(x: Tensor, axis?: number | number[]): Tensor {
  const axes = axis === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normalizeAxes('squeeze', axis, x.rank);
  for (const a of axes) {
    if (x.shape[a] !== 1) throw new Error(`squeeze: axis ${a} of shape ${formatShape(x.shape)} has size ${x.shape[a]}, expected 1.`);
  }
  return view('squeeze', x, x.shape.filter((_, i) => !axes.includes(i)));
}

/**
 * Permutes the axes: output dimension i is input dimension `perm[i]`. The default reverses the
 * axes. Negative entries count from the end, as in NumPy.
 *
 * @example
 * transpose(tensor([[1, 2, 3], [4, 5, 6]]));   // [[1, 4], [2, 5], [3, 6]]
 */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  checkTensor('transpose', x);
  const axes = resolvePerm(x.shape, perm);
  if (axes.every((p, i) => p === i)) return view('transpose', x, x.shape);
  const strides = stridesOf(x.shape);
  const shape = axes.map((p) => x.shape[p]);
  const y = copy('transpose', x, shape, 0, axes.map((p) => strides[p]));
  recordFloat('transpose', x, y, () => ([dy]) => {
    const inverse: number[] = [];
    axes.forEach((p, i) => (inverse[p] = i));
    return [transpose(dy, inverse)];
  });
  return y;
}

/**
 * The block of `x` that starts at `begin` and has `size` (TF.js `tf.slice`). `begin` may be
 * shorter than the rank (missing entries are 0) and must not be negative; a `size` of -1 or a
 * missing entry runs to the end of the dimension. Use `stridedSlice` for indices counted from the
 * end or for steps.
 *
 * @example
 * slice(tensor([[1, 2, 3], [4, 5, 6]]), [0, 1], [2, -1]);   // [[2, 3], [5, 6]]
 */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  checkTensor('slice', x);
  checkIntegers('slice', 'begin', begin, 0);
  if (size) checkIntegers('slice', 'size', size, -1);
  if (begin.length > x.rank || (size && size.length > x.rank)) {
    throw new Error(`slice: begin ${formatShape(begin)} and size ${formatShape(size ?? [])} may have at most one entry per dimension of shape ${formatShape(x.shape)}.`);
  }
  const starts = x.shape.map((_, d) => begin[d] ?? 0);
  const sizes = x.shape.map((n, d) => (size?.[d] === undefined || size[d] === -1 ? n - starts[d] : size[d]));
  x.shape.forEach((n, d) => {
    if (starts[d] + sizes[d] > n || sizes[d] < 0) {
      throw new Error(`slice: begin ${formatShape(begin)} with size ${formatShape(size ?? [])} exceeds shape ${formatShape(x.shape)} in dimension ${d} (${starts[d]} + ${Math.max(sizes[d], 0)} > ${n}).`);
    }
  });
  return sliceWindow('slice', x, starts, sizes, x.shape.map(() => 1));
}

/** Options of `stridedSlice`: bit d set means begin[d] / end[d] is ignored and the range is full. */
export interface StridedSliceOptions {
  beginMask?: number;
  endMask?: number;
}

/**
 * Python-style slicing per dimension, as `tf.strided_slice`: `x[begin[d]:end[d]:strides[d]]`.
 * Negative indices count from the end, out-of-range indices are clamped, a negative stride walks
 * backwards, and bit d of `beginMask` / `endMask` takes the widest range for that end. Dimensions
 * past `begin.length` are kept whole. Strides default to 1.
 *
 * @example
 * stridedSlice(tensor([0, 1, 2, 3, 4, 5]), [-1], [0], [-2]);   // [5, 3, 1]
 * stridedSlice(x, [0, 1], [0, 0], [1, 1], { beginMask: 1, endMask: 3 });   // x[:, 1:]
 */
export function stridedSlice(x: Tensor, begin: readonly number[], end: readonly number[], strides?: readonly number[], options: StridedSliceOptions = {}): Tensor {
  checkTensor('stridedSlice', x);
  const steps = strides ?? begin.map(() => 1);
  checkIntegers('stridedSlice', 'begin', begin);
  checkIntegers('stridedSlice', 'end', end);
  checkIntegers('stridedSlice', 'strides', steps);
  if (end.length !== begin.length || steps.length !== begin.length || begin.length > x.rank) {
    throw new Error(
      `stridedSlice: begin ${formatShape(begin)}, end ${formatShape(end)} and strides ${formatShape(steps)} must have the same length, at most the rank of shape ${formatShape(x.shape)}.`,
    );
  }
  const { beginMask = 0, endMask = 0 } = options;
  const starts: number[] = [];
  const sizes: number[] = [];
  const fullSteps: number[] = [];
  x.shape.forEach((n, d) => {
    const step = steps[d] ?? 1;
    if (step === 0) throw new Error(`stridedSlice: strides ${formatShape(steps)} has a 0 in dimension ${d}; strides must be nonzero.`);
    const whole = d >= begin.length;
    // Python's slice.indices: clamp to [0, n] going forward, to [-1, n - 1] going backward.
    const [low, high] = step > 0 ? [0, n] : [-1, n - 1];
    const clampIndex = (i: number) => (i < 0 ? Math.max(i + n, low) : Math.min(i, high));
    const start = whole || beginMask & (1 << d) ? (step > 0 ? low : high) : clampIndex(begin[d]);
    const stop = whole || endMask & (1 << d) ? (step > 0 ? high : low) : clampIndex(end[d]);
    starts.push(start);
    sizes.push(Math.max(0, Math.ceil((stop - start) / step)));
    fullSteps.push(step);
  });
  return sliceWindow('stridedSlice', x, starts, sizes, fullSteps);
}

/** How `pad` fills the new elements: NumPy's modes (keras.ops.pad). */
export type PadMode = 'constant' | 'reflect' | 'symmetric' | 'edge' | 'wrap';

/**
 * Keras's pad widths: `p` (every side of every axis), `[before, after]` (every axis), or one
 * `[before, after]` or `[p]` per axis (a single entry applies to every axis).
 */
export type PadWidth = number | readonly [number, number] | ReadonlyArray<readonly [number, number] | readonly [number]>;

const PAD_MODES: readonly PadMode[] = ['constant', 'reflect', 'symmetric', 'edge', 'wrap'];

/**
 * Pads `x` (keras.ops.pad, NumPy semantics): `padWidth` adds `[before, after]` elements around
 * each dimension, filled by `mode`: 'constant' (`constantValues`, default 0, truncated for
 * int32), 'reflect' (mirrored without the edge element), 'symmetric' (mirrored with it), 'edge'
 * (the edge element repeated) or 'wrap' (the other end). Widths larger than the dimension
 * repeat the pattern, as NumPy. A number as third argument is the constant value (the signature
 * before modes existed).
 *
 * @example
 * pad(tensor([[1, 2]]), [[1, 0], [0, 1]]);   // [[0, 0, 0], [1, 2, 0]]
 * pad(tensor([1, 2, 3]), [2, 1], 'reflect'); // [3, 2, 1, 2, 3, 2]
 * pad(tensor([1, 2, 3]), 1, 'constant', 9);  // [9, 1, 2, 3, 9]
 */
export function pad(x: Tensor, padWidth: PadWidth, mode: PadMode | number = 'constant', constantValues?: number): Tensor {
  checkTensor('pad', x);
  const widths = padWidths(x.shape, padWidth);
  if (typeof mode === 'number') {
    if (constantValues !== undefined) throw new Error(`pad: got both a constant value ${mode} as mode and constantValues ${constantValues}; pass pad(x, padWidth, 'constant', value).`);
    return padConstant(x, widths, mode);
  }
  if (!PAD_MODES.includes(mode)) {
    throw new Error(`pad: unknown mode ${JSON.stringify(mode)}. Expected one of ${PAD_MODES.map((m) => `'${m}'`).join(', ')} (or a number, the constant value).`);
  }
  if (constantValues !== undefined && (mode !== 'constant' || typeof constantValues !== 'number')) {
    throw new Error(mode === 'constant'
      ? `pad: constantValues must be a number, got ${describeValue(constantValues)}.`
      : `pad: constantValues applies to mode 'constant' only, got ${constantValues} with mode '${mode}'.`);
  }
  if (mode === 'constant') return padConstant(x, widths, constantValues ?? 0);
  const empty = widths.findIndex(([before, after], d) => x.shape[d] === 0 && before + after > 0);
  if (empty >= 0) throw new Error(`pad: cannot extend dimension ${empty} of shape ${formatShape(x.shape)}, which is empty, with mode '${mode}' (only 'constant' pads an empty dimension).`);
  if (widths.every(([before, after]) => before === 0 && after === 0)) return view('pad', x, x.shape);
  // One gather per padded dimension, by the source index of each output position; gather's
  // gradient (a scatter-add) sums the mirrored or repeated elements back.
  return tidy(() =>
    widths.reduce((y, [before, after], d) => {
      if (before === 0 && after === 0) return y;
      const n = x.shape[d];
      const sources = Array.from({ length: before + n + after }, (_, j) => padSource(j - before, n, mode));
      return gather(y, sources, d);
    }, x),
  );
}

/** Pads with one value by a strided copy of `x` into a filled output. */
function padConstant(x: Tensor, widths: Array<[number, number]>, value: number): Tensor {
  if (widths.every(([before, after]) => before === 0 && after === 0)) return view('pad', x, x.shape);
  const shape = x.shape.map((n, d) => widths[d][0] + n + widths[d][1]);
  checkRank('pad', shape);
  const outStrides = stridesOf(shape);
  const interior = region(x.shape, x.shape, 0, stridesOf(x.shape), sum(widths.map(([before], d) => before * outStrides[d])), outStrides);
  const y = runKernel1(copyKernel, [x], { shape, dtype: x.dtype }, { fills: [{ output: 0, value }], regions: [interior] });
  recordFloat('pad', x, y, () => ([dy]) => [slice(dy, widths.map(([before]) => before), x.shape)]);
  return y;
}

/** Keras's pad width forms as one [before, after] pair per dimension. */
function padWidths(shape: readonly number[], padWidth: PadWidth): Array<[number, number]> {
  const isWidth = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  const pair = (p: unknown): [number, number] | null => {
    if (!Array.isArray(p) || p.length < 1 || p.length > 2 || !p.every(isWidth)) return null;
    return [p[0], p[p.length - 1]];
  };
  let pairs: Array<[number, number] | null> | null = null;
  if (isWidth(padWidth)) pairs = [[padWidth as number, padWidth as number]];
  else if (Array.isArray(padWidth) && padWidth.length > 0 && padWidth.every((v) => typeof v === 'number')) pairs = [pair(padWidth)];
  else if (Array.isArray(padWidth)) pairs = padWidth.map(pair);
  // A single entry applies to every dimension.
  if (pairs && pairs.length === 1) pairs = shape.map(() => pairs![0]);
  if (!pairs || pairs.length !== shape.length || pairs.some((p) => p === null)) {
    throw new Error(`pad: padWidth ${JSON.stringify(padWidth)} must be a width, a [before, after] pair, or one [before, after] pair per dimension of shape ${formatShape(shape)}, with non-negative integers.`);
  }
  return pairs as Array<[number, number]>;
}

/** The index along a dimension of size n that position `j` (may be outside [0, n)) reads, by NumPy's rule for `mode`. */
function padSource(j: number, n: number, mode: Exclude<PadMode, 'constant'>): number {
  const wrap = (i: number, period: number) => ((i % period) + period) % period;
  if (mode === 'edge') return Math.min(Math.max(j, 0), n - 1);
  if (mode === 'wrap') return wrap(j, n);
  if (mode === 'reflect') {
    if (n === 1) return 0;
    const m = wrap(j, 2 * (n - 1));
    return m < n ? m : 2 * (n - 1) - m;
  }
  const m = wrap(j, 2 * n);
  return m < n ? m : 2 * n - 1 - m;
}

/**
 * Repeats `x` `reps[d]` times along dimension d. As in NumPy, a shorter `reps` is padded with
 * leading 1s and a longer one adds leading dimensions to `x`.
 *
 * @example
 * tile(tensor([[1, 2]]), [2, 2]);   // [[1, 2, 1, 2], [1, 2, 1, 2]]
 */
export function tile(x: Tensor, reps: readonly number[]): Tensor {
  checkTensor('tile', x);
  checkIntegers('tile', 'reps', reps, 0);
  const rank = Math.max(x.rank, reps.length);
  const source = [...Array<number>(rank - x.rank).fill(1), ...x.shape];
  const times = [...Array<number>(rank - reps.length).fill(1), ...reps];
  const shape = source.map((n, d) => n * times[d]);
  checkRank('tile', shape);
  if (times.every((r) => r === 1)) return view('tile', x, shape);
  const y = runKernel1(copyKernel, [x], { shape, dtype: x.dtype }, { fills: [], regions: [region(shape, source, 0, stridesOf(source), 0, stridesOf(shape))] });
  recordFloat('tile', x, y, () => ([dy]) => [reshape(sumOverRepeats(dy, source, times), x.shape)]);
  return y;
}

/**
 * Repeats `x` along dimensions of size 1 and new leading dimensions to reach `shape` (NumPy
 * broadcasting rules).
 *
 * @example
 * broadcastTo(tensor([1, 2, 3]), [2, 3]);   // [[1, 2, 3], [1, 2, 3]]
 */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('broadcastTo', x);
  checkIntegers('broadcastTo', 'shape', shape, 0);
  if (shape.length < x.rank) {
    throw new Error(`broadcastTo: cannot broadcast shape ${formatShape(x.shape)} to ${formatShape(shape)}, which has fewer dimensions.`);
  }
  const offset = shape.length - x.rank;
  x.shape.forEach((n, d) => {
    if (n !== 1 && n !== shape[offset + d]) {
      throw new Error(`broadcastTo: cannot broadcast shape ${formatShape(x.shape)} to ${formatShape(shape)}: dimension ${d} has size ${n}, expected ${shape[offset + d]} or 1.`);
    }
  });
  checkRank('broadcastTo', shape);
  if (sameShape(x.shape, shape)) return view('broadcastTo', x, shape);
  const y = copy('broadcastTo', x, shape, 0, broadcastStrides(x.shape, shape));
  recordFloat('broadcastTo', x, y, () => ([dy]) => [sumToShape(dy, x.shape)]);
  return y;
}

/**
 * Joins tensors along an existing axis (Keras `ops.concatenate`). All must share the rank and
 * every dimension but `axis`; `axis` null joins the tensors flattened (Keras's `axis=None`).
 * int32 and float32 inputs together give float32 (Keras's result_type), the int32 ones cast.
 *
 * @example
 * concat([tensor([[1, 2]]), tensor([[3, 4]])], 0);   // [[1, 2], [3, 4]]
 * concat([tensor([[1]], [1, 1], 'int32'), tensor([[0.5]])], 1);   // float32 [[1, 0.5]]
 */
export function concat(tensors: readonly Tensor[], axis: number | null = 0): Tensor {
  checkTensorList('concat', tensors);
  // Keras's axis=None: the tensors flattened, then joined.
  if (axis === null) return tidy(() => concat(tensors.map((t) => reshape(t, [t.size])), 0));
  const first = tensors[0];
  if (first.rank === 0) throw new Error('concat: cannot concatenate scalars (rank 0); use stack to join them along a new axis.');
  const at = normalizeAxis('concat', axis, first.rank);
  for (const t of tensors) {
    if (t.rank !== first.rank) {
      throw new Error(`concat: shapes ${formatShape(first.shape)} and ${formatShape(t.shape)} have different ranks (${first.rank} and ${t.rank}).`);
    }
    const d = t.shape.findIndex((n, i) => i !== at && n !== first.shape[i]);
    if (d >= 0) {
      throw new Error(`concat: shapes ${formatShape(first.shape)} and ${formatShape(t.shape)} differ in dimension ${d} (axis ${at} is the concat axis).`);
    }
  }
  if (tensors.length === 1) return view('concat', first, first.shape);
  const sizes = tensors.map((t) => t.shape[at]);
  const dtype: DType = tensors.some((t) => t.dtype === 'float32') ? 'float32' : 'int32';
  const promoted = tensors.map((t) => (t.dtype === dtype ? t : cast(t, dtype)));
  let y: Tensor;
  try {
    y = join(promoted, tensors.map((t) => t.shape), at);
  } finally {
    promoted.forEach((t, i) => t !== tensors[i] && t.dispose());
  }
  // The parts of int32 inputs get no gradient (the backward pass's tidy frees them).
  if (dtype === 'float32') {
    recordGradient('concat', tensors, [y], () => ([dy]) =>
      split(dy, runningSums(sizes).slice(0, -1), at).map((part, i) => (tensors[i].dtype === 'float32' ? part : null)),
    );
  }
  return y;
}
/** Joins tensors along an existing axis (Keras's name for concat). */
export const concatenate = concat;

/**
 * Joins tensors of one shape along a new axis `axis` (in [-(rank + 1), rank]).
 *
 * @example
 * stack([tensor([1, 2]), tensor([3, 4])], 1);   // [[1, 3], [2, 4]]
 */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  checkTensorList('stack', tensors);
  checkSameDtype('stack', tensors);
  const first = tensors[0];
  for (const t of tensors) {
    if (!sameShape(t.shape, first.shape)) {
      throw new Error(`stack: shapes ${formatShape(first.shape)} and ${formatShape(t.shape)} differ; all tensors must have the same shape.`);
    }
  }
  const at = normalizeAxis('stack', axis, first.rank + 1);
  const expanded = [...first.shape];
  expanded.splice(at, 0, 1);
  checkRank('stack', expanded);
  if (tensors.length === 1) return view('stack', first, expanded);
  const y = join(tensors, tensors.map(() => expanded), at);
  if (first.dtype === 'float32') {
    recordGradient('stack', tensors, [y], () => ([dy]) => split(dy, tensors.length, at).map((g) => reshape(g, first.shape)));
  }
  return y;
}

/**
 * Cuts `x` along `axis` (keras.ops.split, NumPy semantics): into `indicesOrSections` equal
 * parts, or at the given sorted indices, so `[2, 5]` cuts a dimension of 7 into parts of sizes
 * 2, 3 and 2 (parts of sizes s1, s2, ... are cut at their running sums).
 *
 * @example
 * split(tensor([1, 2, 3, 4, 5]), [2]);   // [[1, 2], [3, 4, 5]]
 * split(x, 3, 1);                         // three equal parts along axis 1
 */
export function split(x: Tensor, indicesOrSections: number | readonly number[], axis = 0): Tensor[] {
  checkTensor('split', x);
  if (x.rank === 0) throw new Error('split: cannot split a scalar (rank 0).');
  const at = normalizeAxis('split', axis, x.rank);
  const sizes = splitSizes(x.shape, at, indicesOrSections);
  if (sizes.length === 1) return [view('split', x, x.shape)];
  const strides = stridesOf(x.shape);
  const outputs: OutputSpec[] = [];
  const regions: CopyRegion[] = [];
  let offset = 0;
  sizes.forEach((size, i) => {
    const shape = [...x.shape];
    shape[at] = size;
    outputs.push({ shape, dtype: x.dtype });
    regions.push(region(shape, shape, offset * strides[at], strides, 0, stridesOf(shape), 0, i));
    offset += size;
  });
  const ys = runKernel(copyKernel, [x], outputs, { fills: [], regions });
  // The tape passes zeros for the parts that got no gradient.
  if (x.dtype === 'float32') recordGradient('split', [x], ys, () => (dys) => [concat(dys, at)]);
  return ys;
}

/** Lists of `T` nested 1 to `Depth['length']` deep (a bounded depth keeps the ops' mapped types finite). */
type NestedList<T, Depth extends unknown[]> = Depth extends [unknown, ...infer Rest] ? readonly T[] | NestedList<readonly T[], Rest> : never;

/**
 * Indices as plain numbers: a list, or nested lists of one length at each depth (the shape of an
 * index tensor, up to the 8 dimensions an output may have).
 */
export type IndexList = NestedList<number, [0, 0, 0, 0, 0, 0, 0, 0]>;

/**
 * Picks slices of `x` along `axis` (Keras `ops.take`): the output shape is
 * `x.shape[:axis] + indices.shape + x.shape[axis + 1:]`. Negative indices count from the end.
 * Indices given as numbers (a list, or nested lists for more dimensions) are checked; indices in
 * an int32 tensor are not read back, and those outside [-size, size) give 0 on both backends (as
 * TF.js on the GPU).
 *
 * @example
 * gather(tensor([[1, 2], [3, 4], [5, 6]]), [2, 0]);   // [[5, 6], [1, 2]]
 * gather(x, tensor([[0, -1]], [1, 2], 'int32'), 1);    // shape [x.shape[0], 1, 2]
 * gather(x, [[0, -1]], 1);                             // the same
 */
export function gather(x: Tensor, indices: Tensor | IndexList, axis = 0): Tensor {
  checkTensor('gather', x);
  if (x.rank === 0) throw new Error('gather: x must have rank at least 1, got a scalar.');
  const at = normalizeAxis('gather', axis, x.rank);
  const axisSize = x.shape[at];
  if (Array.isArray(indices) && indices.some((i) => Array.isArray(i))) {
    // Nested lists: checked here (positions as coordinates), the flat list gathered, then its
    // axis split into the lists' shape.
    const [list, listShape] = flattenIndexList(indices as IndexList);
    list.forEach((i, j) => {
      if (!Number.isInteger(i) || i < -axisSize || i >= axisSize) {
        const position = formatShape(unravel(j, listShape));
        throw new Error(`gather: index ${i} (position ${position}) is out of range for dimension ${at} of shape ${formatShape(x.shape)} (expected an integer in [${-axisSize}, ${axisSize - 1}]).`);
      }
    });
    return tidy(() => reshape(gather(x, list, at), [...x.shape.slice(0, at), ...listShape, ...x.shape.slice(at + 1)]));
  }
  let owned: Tensor | null = null;
  if (Array.isArray(indices)) {
    const list = indices as readonly number[];
    list.forEach((i, j) => {
      if (!Number.isInteger(i) || i < -axisSize || i >= axisSize) {
        throw new Error(`gather: index ${i} (position ${j}) is out of range for dimension ${at} of shape ${formatShape(x.shape)} (expected an integer in [${-axisSize}, ${axisSize - 1}]).`);
      }
    });
    owned = tensor(Int32Array.from(list), [list.length], 'int32');
  } else {
    checkTensor('gather', indices);
    if (indices.dtype !== 'int32') throw new Error(`gather: indices must be int32, got ${indices.dtype} (use ops.cast(indices, 'int32')).`);
  }
  const index = owned ?? (indices as Tensor);
  const shape = [...x.shape.slice(0, at), ...index.shape, ...x.shape.slice(at + 1)];
  try {
    checkRank('gather', shape);
    const attrs: GatherAttrs = { axisSize, inner: sizeOf(x.shape.slice(at + 1)), count: index.size };
    const y = runKernel1(gatherKernel, [x, index], { shape, dtype: x.dtype }, attrs);
    if (x.dtype === 'float32') {
      // Indices get no gradient. A number list is passed on as numbers (`owned` is freed below);
      // an index tensor is an input, so the tape keeps it alive for the rule.
      const indexArg = owned ? [...(indices as readonly number[])] : index;
      const inputs = owned ? [x] : [x, index];
      recordGradient('gather', inputs, [y], () => ([dy]) => [scatterAdd(dy, indexArg, x.shape, at), null]);
    }
    return y;
  } finally {
    owned?.dispose();
  }
}

/**
 * Elements of `x` at `indices` along `axis`, as keras.ops.take: with `axis` undefined (Keras's
 * default, None), `x` is flattened first. Negative indices count from the end. Otherwise gather.
 *
 * @example
 * take(tensor([[1, 2], [3, 4]]), [3, 0]);      // [4, 1]
 * take(tensor([[1, 2], [3, 4]]), [1], 1);      // [[2], [4]]
 * take(tensor([[1, 2], [3, 4]]), [[1, 0]], 1); // [[[2, 1]], [[4, 3]]]
 */
export function take(x: Tensor, indices: Tensor | number | IndexList, axis?: number): Tensor {
  checkTensor('take', x);
  if (axis !== undefined) normalizeAxis('take', axis, x.rank);
  // A single index takes one slice and drops its axis, as NumPy (x[:, 0] is take(x, 0, 1)).
  if (typeof indices === 'number') {
    if (!Number.isInteger(indices)) throw new Error(`take: an index must be an integer, got ${indices}.`);
    const index = indices;
    return tidy(() => squeeze(take(x, [index], axis), axis === undefined ? 0 : axis < 0 ? axis + x.rank : axis));
  }
  if (axis !== undefined) return gather(x, indices, axis);
  return tidy(() => gather(reshape(x, [x.size]), indices, 0));
}

/**
 * The same values with no gradient: the tape treats the result as a constant (keras.ops.stop_gradient,
 * tf.stopGradient), for targets computed from the model's own outputs. Shares storage.
 *
 * @example
 * const target = ops.stopGradient(teacher.apply(x) as Tensor);   // no gradient reaches the teacher
 */
export function stopGradient(x: Tensor): Tensor {
  checkTensor('stopGradient', x);
  return view('stopGradient', x, x.shape, false);
}

/**
 * Exchanges two axes (keras.ops.swapaxes); a transpose.
 *
 * @example
 * swapaxes(zeros([2, 3, 4]), 0, 2).shape;   // [4, 3, 2]
 */
export function swapaxes(x: Tensor, axis1: number, axis2: number): Tensor {
  checkTensor('swapaxes', x);
  const [a, b] = [normalizeAxis('swapaxes', axis1, x.rank), normalizeAxis('swapaxes', axis2, x.rank)];
  const perm = [...Array(x.rank).keys()];
  [perm[a], perm[b]] = [perm[b], perm[a]];
  return transpose(x, perm);
}

/**
 * Moves axes to new positions, the others keeping their order (keras.ops.moveaxis); a transpose.
 *
 * @example
 * moveaxis(zeros([2, 3, 4]), 0, -1).shape;            // [3, 4, 2]
 * moveaxis(zeros([2, 3, 4]), [0, 1], [-1, -2]).shape; // [4, 3, 2]
 */
export function moveaxis(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  checkTensor('moveaxis', x);
  const from = (typeof source === 'number' ? [source] : [...source]).map((a) => normalizeAxis('moveaxis', a, x.rank));
  const to = (typeof destination === 'number' ? [destination] : [...destination]).map((a) => normalizeAxis('moveaxis', a, x.rank));
  if (from.length !== to.length) {
    throw new Error(`moveaxis: source and destination must have the same number of axes, got ${JSON.stringify(source)} and ${JSON.stringify(destination)}.`);
  }
  for (const [name, axes] of [['source', from], ['destination', to]] as const) {
    if (new Set(axes).size !== axes.length) throw new Error(`moveaxis: repeated axis in ${name} ${JSON.stringify(name === 'source' ? source : destination)}.`);
  }
  const rest = [...Array(x.rank).keys()].filter((a) => !from.includes(a));
  const perm = new Array<number>(x.rank);
  to.forEach((d, i) => (perm[d] = from[i]));
  for (let d = 0; d < x.rank; d++) if (perm[d] === undefined) perm[d] = rest.shift()!;
  return transpose(x, perm);
}

/**
 * One strided copy: for each coordinate c of `shape`,
 * `dst[dstBase + Σ c[d]·dstStrides[d]] = src[srcBase + Σ (c[d] mod srcExtent[d])·srcStrides[d]]`.
 * `srcExtent` equals `shape` except for tile, which wraps around the source.
 */
interface CopyRegion {
  input: number;
  output: number;
  shape: number[];
  srcExtent: number[];
  srcBase: number;
  srcStrides: number[];
  dstBase: number;
  dstStrides: number[];
}

/** Writes `value` to every element of an output. */
interface Fill {
  output: number;
  value: number;
}

/** The work of a copying op: the fills run first, then the regions in order. */
interface CopyPlan {
  fills: Fill[];
  regions: CopyRegion[];
}

const copyKernel: Kernel<CopyPlan> = {
  name: 'copyStrided',
  cpu(inputs, outputs, { fills, regions }) {
    for (const f of fills) outputs[f.output].values.fill(f.value);
    for (const r of regions) copyRegion(inputs[r.input].values, outputs[r.output].values, r);
  },
  webgpu(gpu, inputs, outputs, { fills, regions }) {
    for (const f of fills) {
      const out = outputs[f.output];
      gpu.dispatch({
        shader: copyStridedShader,
        entryPoint: 'fill',
        uniforms: copyUniforms(out.size, fillBits(f.value, out.dtype), emptyRegion),
        buffers: [out.buffer],
        workgroups: gridFor(out.size, WORKGROUP_SIZE),
      });
    }
    for (const r of regions) {
      const size = sizeOf(r.shape);
      if (size === 0) continue;
      gpu.dispatch({
        shader: copyStridedShader,
        constants: { TILE: r.srcExtent.some((e, d) => e !== r.shape[d]) },
        uniforms: copyUniforms(size, 0, r),
        buffers: [outputs[r.output].buffer, inputs[r.input].buffer],
        workgroups: gridFor(size, WORKGROUP_SIZE),
      });
    }
  },
};

const emptyRegion = region([], [], 0, [], 0, []);

/** The Params block of shaders/copy_strided.wgsl (the fill entry point reads size and fill_bits). */
function copyUniforms(size: number, fillBitsValue: number, r: CopyRegion): Uint8Array {
  return new Uniforms()
    .u32(size, r.shape.length)
    .i32(r.srcBase, r.dstBase)
    .u32(fillBitsValue)
    .u32Array(r.shape, MAX_RANK)
    .u32Array(r.srcExtent, MAX_RANK)
    .i32Array(r.srcStrides, MAX_RANK)
    .i32Array(r.dstStrides, MAX_RANK)
    .finish();
}

/** The 32-bit word a value of `dtype` is stored as (int32 truncates, as Int32Array.fill does). */
function fillBits(value: number, dtype: DType): number {
  const word = dtype === 'int32' ? Int32Array.of(value) : Float32Array.of(value);
  return new Uint32Array(word.buffer)[0];
}

function copyRegion(src: TypedArray, dst: TypedArray, r: CopyRegion): void {
  const size = sizeOf(r.shape);
  const rank = r.shape.length;
  for (let i = 0; i < size; i++) {
    let rest = i;
    let from = r.srcBase;
    let to = r.dstBase;
    for (let d = rank - 1; d >= 0; d--) {
      const coord = rest % r.shape[d];
      rest = (rest - coord) / r.shape[d];
      to += coord * r.dstStrides[d];
      from += (coord % r.srcExtent[d]) * r.srcStrides[d];
    }
    dst[to] = src[from];
  }
}

/**
 * Builds a region with the fewest dimensions that does the same copy: size-1 dimensions are
 * dropped and neighbours that are contiguous in both source and destination are merged, so most
 * copies index one or two dimensions (and tile may exceed MAX_RANK before merging).
 */
function region(
  shape: readonly number[],
  srcExtent: readonly number[],
  srcBase: number,
  srcStrides: readonly number[],
  dstBase: number,
  dstStrides: readonly number[],
  input = 0,
  output = 0,
): CopyRegion {
  const r: CopyRegion = { input, output, shape: [], srcExtent: [], srcBase, srcStrides: [], dstBase, dstStrides: [] };
  shape.forEach((n, d) => {
    if (n === 1) return;
    const last = r.shape.length - 1;
    // Merging keeps `c mod extent` right only when the inner dimension does not wrap.
    const mergeable =
      last >= 0 && srcExtent[d] === n && r.srcStrides[last] === n * srcStrides[d] && r.dstStrides[last] === n * dstStrides[d];
    if (mergeable) {
      r.shape[last] *= n;
      r.srcExtent[last] *= n;
      r.srcStrides[last] = srcStrides[d];
      r.dstStrides[last] = dstStrides[d];
    } else {
      r.shape.push(n);
      r.srcExtent.push(srcExtent[d]);
      r.srcStrides.push(srcStrides[d]);
      r.dstStrides.push(dstStrides[d]);
    }
  });
  return r;
}

/** A single-region copy of `x` into a new contiguous tensor of `shape`. */
function copy(op: string, x: Tensor, shape: readonly number[], srcBase: number, srcStrides: readonly number[]): Tensor {
  checkRank(op, shape);
  const r = region(shape, shape, srcBase, srcStrides, 0, stridesOf(shape));
  return runKernel1(copyKernel, [x], { shape, dtype: x.dtype }, { fills: [], regions: [r] });
}

/** The elements starts[d] + k·steps[d] for k < sizes[d]; a view when that is all of x. */
function sliceWindow(op: string, x: Tensor, starts: number[], sizes: number[], steps: number[]): Tensor {
  if (sameShape(sizes, x.shape) && starts.every((s) => s === 0) && steps.every((s) => s === 1)) return view(op, x, x.shape);
  const strides = stridesOf(x.shape);
  const y = copy(op, x, sizes, windowBase(x.shape, starts, sizes), steps.map((s, d) => s * strides[d]));
  recordFloat(op, x, y, () => ([dy]) => [unsliceWindow(dy, x.shape, starts, steps)]);
  return y;
}

/**
 * The adjoint of `sliceWindow` (the gradient of slice and stridedSlice): zeros of `shape` with
 * `window` written at the elements starts[d] + k·steps[d]. Steps are nonzero, so no two window
 * elements land on one element and a plain strided copy (no accumulation) is exact.
 */
function unsliceWindow(window: Tensor, shape: readonly number[], starts: number[], steps: number[]): Tensor {
  const strides = stridesOf(shape);
  const r = region(window.shape, window.shape, 0, stridesOf(window.shape), windowBase(shape, starts, window.shape), steps.map((s, d) => s * strides[d]));
  const y = runKernel1(copyKernel, [window], { shape: [...shape], dtype: window.dtype }, { fills: [{ output: 0, value: 0 }], regions: [r] }, 'sliceGradient');
  recordFloat('sliceGradient', window, y, () => ([dy]) => [sliceWindow('sliceGradient', dy, starts, [...window.shape], steps)]);
  return y;
}

/** The flat offset of a window's first element; an empty window has no valid start, and copies nothing. */
function windowBase(shape: readonly number[], starts: readonly number[], sizes: readonly number[]): number {
  const strides = stridesOf(shape);
  return sizeOf(sizes) === 0 ? 0 : sum(starts.map((s, d) => s * strides[d]));
}

/**
 * The gradient of tile: `dy` summed over the repeats. Output index r·source[d] + c along d comes
 * from source index c, so each tiled dimension is split into [repeats, size] and summed over the
 * repeats, one dimension at a time (each step is a rank-3 reduction, whatever the rank).
 */
function sumOverRepeats(dy: Tensor, source: readonly number[], times: readonly number[]): Tensor {
  let g = dy;
  const current = [...dy.shape];
  times.forEach((t, d) => {
    if (t === 1) return;
    const outer = sizeOf(current.slice(0, d));
    const inner = sizeOf(current.slice(d + 1));
    g = sumOver(reshape(g, [outer, t, source[d] * inner]), 1);
    current[d] = source[d];
  });
  return g;
}

/**
 * Copies the tensors into one along `at`: tensor i, seen with shape `shapes[i]` (its own, or with
 * a 1 inserted at `at` for stack), lands after the ones before it.
 */
function join(tensors: readonly Tensor[], shapes: ReadonlyArray<readonly number[]>, at: number): Tensor {
  const shape = [...shapes[0]];
  shape[at] = sum(shapes.map((s) => s[at]));
  const outStrides = stridesOf(shape);
  let offset = 0;
  const regions = shapes.map((s, i) => {
    const r = region(s, s, 0, stridesOf(s), offset * outStrides[at], outStrides, i);
    offset += s[at];
    return r;
  });
  return runKernel1(copyKernel, tensors, { shape, dtype: tensors[0].dtype }, { fills: [], regions });
}

/** Records a one-input gradient rule when the op is differentiable (float32). */
function recordFloat(op: string, x: Tensor, y: Tensor, makeBackward: () => (dys: Tensor[]) => Tensor[]): void {
  if (x.dtype === 'float32') recordGradient(op, [x], [y], makeBackward);
}

interface GatherAttrs {
  axisSize: number;
  inner: number;
  count: number;
}

const gatherKernel: Kernel<GatherAttrs> = {
  name: 'gather',
  cpu([x, indices], [out], { axisSize, inner, count }) {
    const outer = out.values.length / (inner * count);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < count; j++) {
        const raw = indices.values[j];
        const idx = raw < 0 ? raw + axisSize : raw;
        const inRange = idx >= 0 && idx < axisSize;
        for (let k = 0; k < inner; k++) {
          out.values[(o * count + j) * inner + k] = inRange ? x.values[(o * axisSize + idx) * inner + k] : 0;
        }
      }
    }
  },
  webgpu(gpu, [x, indices], [out], { axisSize, inner, count }) {
    const rows = out.size / inner;
    const wordSize = inner % 4 === 0 ? 4 : inner % 2 === 0 ? 2 : 1;
    const words = inner / wordSize;
    // 64 invocations. A GPU: as wide along a row's words as the row needs, up to 16. SwiftShader:
    // one word an invocation, 64 rows a workgroup (measured 15% faster on fit's batch gather).
    const workgroupInner = gpu.tuning === 'software' ? 1 : words >= 16 ? 16 : words >= 4 ? 4 : 1;
    const workgroupRows = 64 / workgroupInner;
    const [y, z] = gridFor(rows, workgroupRows, gpu.limits.maxComputeWorkgroupsPerDimension);
    gpu.dispatch({
      shader: GATHER_SOURCES[wordSize],
      constants: { WORKGROUP_INNER: workgroupInner, WORKGROUP_ROWS: workgroupRows },
      uniforms: new Uniforms().u32(rows, words, count, axisSize).finish(),
      buffers: [x.buffer, indices.buffer, out.buffer],
      workgroups: [Math.ceil(words / workgroupInner), y, z],
    });
  },
};

/** The gather kernel copying u32 words one, two or four at a time (rows a multiple of 2 or 4 long), by word size. */
const GATHER_SOURCES: Record<number, string> = Object.fromEntries(
  ([[1, 'u32'], [2, 'vec2<u32>'], [4, 'vec4<u32>']] as const).map(([size, word]) => [size, `alias Word = ${word};\n${gatherShader}`]),
);

/** The part sizes of a split: equal sections, or the gaps between sorted cut indices. */
function splitSizes(shape: readonly number[], axis: number, indicesOrSections: number | readonly number[]): number[] {
  const n = shape[axis];
  if (typeof indicesOrSections === 'number') {
    if (!Number.isInteger(indicesOrSections) || indicesOrSections < 1) throw new Error(`split: the number of sections must be a positive integer, got ${indicesOrSections}.`);
    if (n % indicesOrSections !== 0) {
      throw new Error(`split: dimension ${axis} of shape ${formatShape(shape)} has size ${n}, which does not split into ${indicesOrSections} equal sections.`);
    }
    return Array<number>(indicesOrSections).fill(n / indicesOrSections);
  }
  const cuts = Array.isArray(indicesOrSections) ? indicesOrSections : null;
  if (!cuts || cuts.some((c, i) => !Number.isInteger(c) || c < (i > 0 ? cuts[i - 1] : 0) || c > n)) {
    throw new Error(
      `split: indices ${JSON.stringify(indicesOrSections)} must be sorted integers in [0, ${n}], the points at which dimension ${axis} of shape ${formatShape(shape)} is cut ` +
        '(keras.ops.split; for parts of given sizes pass their running sums: sizes [2, 3, 2] are indices [2, 5]).',
    );
  }
  return [...cuts, n].map((c, i) => c - (i > 0 ? cuts[i - 1] : 0));
}

/** [a, a + b, a + b + c, ...]. */
function runningSums(values: readonly number[]): number[] {
  let total = 0;
  return values.map((v) => (total += v));
}

function resolvePerm(shape: readonly number[], perm: readonly number[] | undefined): number[] {
  const rank = shape.length;
  if (perm === undefined) return [...Array(rank).keys()].reverse();
  const axes = perm.map((p) => (Number.isInteger(p) && p < 0 ? p + rank : p));
  const seen = new Set(axes);
  if (axes.length !== rank || seen.size !== rank || axes.some((p) => !Number.isInteger(p) || p < 0 || p >= rank)) {
    throw new Error(`transpose: perm [${perm.join(',')}] is not a permutation of the axes of shape ${formatShape(shape)} (expected each of 0..${rank - 1} exactly once).`);
  }
  return axes;
}

function checkTensorList(op: string, tensors: readonly Tensor[]): void {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new Error(`${op}: expected a non-empty array of tensors.`);
  tensors.forEach((t) => checkTensor(op, t));
}

function checkSameDtype(op: string, tensors: readonly Tensor[]): void {
  const other = tensors.find((t) => t.dtype !== tensors[0].dtype);
  if (other) throw new Error(`${op}: dtypes ${tensors[0].dtype} and ${other.dtype} differ; all tensors must share one dtype.`);
}

/** The numbers of nested index lists in order, and the lists' shape; ragged lists are refused. */
function flattenIndexList(list: IndexList): [number[], number[]] {
  const shape: number[] = [];
  for (let level: unknown = list; Array.isArray(level); level = level[0]) shape.push(level.length);
  const flat: number[] = [];
  const visit = (item: unknown, depth: number): void => {
    const isList = Array.isArray(item);
    if (isList !== depth < shape.length || (isList && item.length !== shape[depth])) {
      throw new Error(`gather: indices ${JSON.stringify(list)} are ragged: every list at one depth must have the same length.`);
    }
    if (isList) item.forEach((inner) => visit(inner, depth + 1));
    else flat.push(item as number);
  };
  visit(list, 0);
  return [flat, shape];
}

/** The coordinates of element `index` of a row-major array of `shape`. */
function unravel(index: number, shape: readonly number[]): number[] {
  const coords = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    coords[d] = index % shape[d];
    index = Math.floor(index / shape[d]);
  }
  return coords;
}

function checkIntegers(op: string, what: string, values: readonly number[], min = -Infinity): void {
  if (!Array.isArray(values) || values.some((v) => !Number.isInteger(v) || v < min)) {
    const rule = min === -Infinity ? 'integers' : min === -1 ? 'non-negative integers or -1' : 'non-negative integers';
    throw new Error(`${op}: ${what} ${Array.isArray(values) ? formatShape(values) : String(values)} must hold ${rule}.`);
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** The same storage in another shape (reshape, expandDims, squeeze, and ops that change nothing). */
/** A tensor on x's storage in another shape; its gradient is reshaped back unless `differentiable` is false. */
function view(op: string, x: Tensor, shape: readonly number[], differentiable = true): Tensor {
  if (x.isDisposed) throw new Error(`${op}: a tensor of shape ${formatShape(x.shape)} was used after it was disposed.`);
  activeTracer()?.view(x);
  const y = new Tensor(x.storage.retain(), shape, x.dtype);
  if (differentiable) recordFloat(op, x, y, () => ([dy]) => [reshape(dy, x.shape)]);
  return y;
}

function resolveReshape(from: readonly number[], to: readonly number[]): number[] {
  const size = sizeOf(from);
  const inferred = to.filter((d) => d === -1).length;
  if (inferred > 1 || to.some((d) => !Number.isInteger(d) || d < -1)) {
    throw new Error(`reshape: invalid target shape ${formatShape(to)}: use non-negative integers and at most one -1.`);
  }
  const known = sizeOf(to.filter((d) => d !== -1));
  if (inferred === 1) {
    if (known === 0 || size % known !== 0) throw new Error(`reshape: cannot reshape ${formatShape(from)} (${size} elements) into ${formatShape(to)}.`);
    return to.map((d) => (d === -1 ? size / known : d));
  }
  if (known !== size) throw new Error(`reshape: cannot reshape ${formatShape(from)} (${size} elements) into ${formatShape(to)} (${known} elements).`);
  return [...to];
}
