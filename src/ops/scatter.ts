// Scatter-add ops: slices of an update tensor added into zeros at the positions an index tensor
// names, repeated indices accumulating. `scatterAdd` is gather's adjoint along any axis (negative
// indices wrap as in gather; it is gather's gradient); `unsortedSegmentSum` is
// tf.math.unsorted_segment_sum (negative ids are dropped); `scatterAddAlongAxis` is
// takeAlongAxis's adjoint (its gradient), each lane with indices of its own. All run the sum of the
// row-by-id kernel that segment max, min and product share (shaders/segment_reduce.wgsl) and
// differentiate to a gather (along the axis for the last).

import { formatShape, sizeOf } from '../backend/types';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import { recordGradient } from '../autograd/tape';
import { tensor } from '../tensor/creation';
import type { Tensor } from '../tensor/tensor';
import { less, where } from './elementwise';
import { runKernel1, type Kernel } from './kernel';
import { gather } from './shape';
import { takeAlongAxis } from './take_along_axis';
import { checkRank, normalizeAxis, sameShape } from './shape_util';
import { checkTensor } from './validate';
import segmentReduceShader from '../../shaders/segment_reduce.wgsl?raw';

const WORKGROUP_SIZE = 256;
/** The sum's code in shaders/segment_reduce.wgsl (its REDUCE_SUM). */
const REDUCE_SUM = 3;

/**
 * Adds the slices of `updates` into zeros of `shape` at `indices` along `axis`: the adjoint of
 * `gather(x, indices, axis)`, so `updates.shape` must be
 * `shape[:axis] + indices.shape + shape[axis + 1:]`. Repeated indices accumulate; negative ones
 * count from the end. Indices given as numbers are checked; those in an int32 tensor are not read
 * back, and any outside [-size, size) are dropped.
 *
 * @example
 * scatterAdd(tensor([1, 2, 3]), [0, 2, 0], [3]);              // [4, 0, 2]
 * scatterAdd(tensor([[1, 2], [3, 4]]), [1, 1], [2, 3], 1);     // [[0, 3, 0], [0, 7, 0]]
 */
export function scatterAdd(updates: Tensor, indices: Tensor | readonly number[], shape: readonly number[], axis = 0): Tensor {
  checkTensor('scatterAdd', updates);
  if (!Array.isArray(shape) || shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`scatterAdd: shape ${Array.isArray(shape) ? formatShape(shape) : String(shape)} must hold at least one non-negative integer.`);
  }
  checkRank('scatterAdd', shape);
  const at = normalizeAxis('scatterAdd', axis, shape.length);
  const axisSize = shape[at];
  return withIndexTensor('scatterAdd', indices, axisSize, -axisSize, (index) => {
    const expected = [...shape.slice(0, at), ...index.shape, ...shape.slice(at + 1)];
    if (!sameShape(updates.shape, expected)) {
      throw new Error(
        `scatterAdd: updates of shape ${formatShape(updates.shape)} do not fit indices of shape ${formatShape(index.shape)} along axis ${at} of shape ${formatShape(shape)} (expected updates of shape ${formatShape(expected)}).`,
      );
    }
    const attrs: ScatterAttrs = { inner: sizeOf(shape.slice(at + 1)), count: index.size, segments: axisSize, wrapNegative: true };
    const y = runKernel1(scatterAddKernel, [updates, index], { shape: [...shape], dtype: updates.dtype }, attrs, 'scatterAdd');
    if (updates.dtype === 'float32') {
      // A number list is passed on as numbers: the tensor made from it here is freed on return.
      const indexArg = Array.isArray(indices) ? [...(indices as readonly number[])] : (indices as Tensor);
      recordGradient('scatterAdd', inputsWith(updates, indexArg), [y], () => ([dy]) => [gather(dy, indexArg, at), null]);
    }
    return y;
  });
}

/**
 * Sums the slices of `data` that share a segment id, as `tf.math.unsorted_segment_sum`:
 * `segmentIds.shape` must be a prefix of `data.shape`, and the result has shape
 * `[numSegments, ...data.shape[segmentIds.rank:]]`. Segments no id names are 0; ids outside
 * [0, numSegments), negative ones included, are dropped. Ids given as numbers are checked.
 *
 * @example
 * unsortedSegmentSum(tensor([[1, 2], [3, 4], [5, 6]]), [1, 0, 1], 2);   // [[3, 4], [6, 8]]
 */
export function unsortedSegmentSum(data: Tensor, segmentIds: Tensor | readonly number[], numSegments: number): Tensor {
  checkTensor('unsortedSegmentSum', data);
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new Error(`unsortedSegmentSum: numSegments must be a non-negative integer, got ${numSegments}.`);
  }
  return withIndexTensor('unsortedSegmentSum', segmentIds, numSegments, 0, (ids) => {
    if (ids.rank > data.rank || !sameShape(data.shape.slice(0, ids.rank), ids.shape)) {
      throw new Error(`unsortedSegmentSum: segmentIds of shape ${formatShape(ids.shape)} must be a prefix of the shape of data, ${formatShape(data.shape)}.`);
    }
    const rest = data.shape.slice(ids.rank);
    const shape = [numSegments, ...rest];
    checkRank('unsortedSegmentSum', shape);
    const attrs: ScatterAttrs = { inner: sizeOf(rest), count: ids.size, segments: numSegments, wrapNegative: false };
    const y = runKernel1(scatterAddKernel, [data, ids], { shape, dtype: data.dtype }, attrs, 'unsortedSegmentSum');
    if (data.dtype === 'float32') {
      // Listed ids were checked to be in range. gather wraps negative ids where this op drops
      // them, so tensor ids below 0 are sent out of range, where gather gives 0.
      const idsArg = Array.isArray(segmentIds) ? [...(segmentIds as readonly number[])] : (segmentIds as Tensor);
      recordGradient('unsortedSegmentSum', inputsWith(data, idsArg), [y], () => ([dy]) => [
        gather(dy, Array.isArray(idsArg) ? idsArg : where(less(idsArg, 0), numSegments, idsArg), 0),
        null,
      ]);
    }
    return y;
  });
}

/**
 * Adds `updates` into zeros of `shape` along `axis` at `indices`, each lane with indices of its
 * own: the adjoint of `takeAlongAxis(x, indices, axis)` for x of `shape`. `indices` (int32) has the
 * shape of `updates`, which is `shape` but along `axis`. Repeated indices accumulate; negative ones
 * count from the end; those still outside [0, shape[axis]) are dropped, as takeAlongAxis gives 0
 * for them. Each output element walks its lane's indices only, not all of them.
 *
 * @example
 * scatterAddAlongAxis(tensor([[1, 2], [3, 4]]), tensor([[2, 2], [0, -1]], [2, 2], 'int32'), [2, 3], 1);
 * // [[0, 0, 3], [3, 0, 4]]
 */
export function scatterAddAlongAxis(updates: Tensor, indices: Tensor, shape: readonly number[], axis: number): Tensor {
  checkTensor('scatterAddAlongAxis', updates);
  checkTensor('scatterAddAlongAxis', indices);
  const at = normalizeAxis('scatterAddAlongAxis', axis, shape.length);
  const expected = shape.map((n, d) => (d === at ? updates.shape[at] : n));
  if (indices.dtype !== 'int32') throw new Error(`scatterAddAlongAxis: indices must be int32, got ${indices.dtype} (use ops.cast(indices, 'int32')).`);
  if (!sameShape(updates.shape, expected) || !sameShape(indices.shape, updates.shape)) {
    throw new Error(
      `scatterAddAlongAxis: updates ${formatShape(updates.shape)} and indices ${formatShape(indices.shape)} must share one shape, that of the output ${formatShape(shape)} but along axis ${at} (expected ${formatShape(expected)}).`,
    );
  }
  const attrs: ScatterAttrs = { inner: sizeOf(shape.slice(at + 1)), count: updates.shape[at], segments: shape[at], wrapNegative: true, perLaneIds: true };
  const y = runKernel1(scatterAddKernel, [updates, indices], { shape: [...shape], dtype: updates.dtype }, attrs, 'scatterAddAlongAxis');
  if (updates.dtype === 'float32') recordGradient('scatterAddAlongAxis', [updates, indices], [y], () => ([dy]) => [takeAlongAxis(dy, indices, at), null]);
  return y;
}

interface ScatterAttrs {
  inner: number;
  count: number;
  segments: number;
  /** Negative ids count from the end (scatterAdd) rather than being dropped (unsortedSegmentSum). */
  wrapNegative: boolean;
  /** Ids shaped as the updates, [outer, count, inner], rather than [count] (scatterAddAlongAxis). */
  perLaneIds?: boolean;
}

/** Output [outer, segments, inner] from updates [outer, count, inner] and ids [count] (or, per lane, [outer, count, inner]). */
const scatterAddKernel: Kernel<ScatterAttrs> = {
  name: 'scatterAdd',
  cpu([updates, ids], [out], { inner, count, segments, wrapNegative, perLaneIds = false }) {
    const outer = out.values.length / (segments * inner);
    // Same order as the GPU kernel (ids ascending per output element), so float sums agree bit for bit.
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < count; j++) {
        for (let k = 0; k < inner; k++) {
          const raw = ids.values[perLaneIds ? (o * count + j) * inner + k : j];
          const s = wrapNegative && raw < 0 ? raw + segments : raw;
          if (s < 0 || s >= segments) continue;
          out.values[(o * segments + s) * inner + k] += updates.values[(o * count + j) * inner + k];
        }
      }
    }
  },
  webgpu(gpu, [updates, ids], [out], { inner, count, segments, wrapNegative, perLaneIds = false }) {
    gpu.dispatch({
      shader: segmentReduceShader,
      constants: { REDUCTION: REDUCE_SUM, WRAP_NEGATIVE: wrapNegative, PER_LANE_IDS: perLaneIds, IS_INT: out.dtype === 'int32' },
      // The sum starts from 0, whose bits are 0 in both dtypes.
      uniforms: new Uniforms().u32(out.size, inner, count, segments, 0).finish(),
      buffers: [updates.buffer, ids.buffer, out.buffer],
      workgroups: gridFor(out.size, WORKGROUP_SIZE),
    });
  },
};

/**
 * Runs `fn` with the indices as an int32 tensor: a number list is checked against
 * [min, size) and uploaded (and freed afterwards); a tensor must be int32.
 */
function withIndexTensor(op: string, indices: Tensor | readonly number[], size: number, min: number, fn: (index: Tensor) => Tensor): Tensor {
  if (!Array.isArray(indices)) {
    checkTensor(op, indices);
    if ((indices as Tensor).dtype !== 'int32') throw new Error(`${op}: indices must be int32, got ${(indices as Tensor).dtype} (use ops.cast(indices, 'int32')).`);
    return fn(indices as Tensor);
  }
  const list = indices as readonly number[];
  list.forEach((i, j) => {
    if (!Number.isInteger(i) || i < min || i >= size) {
      throw new Error(`${op}: index ${i} (position ${j}) is out of range (expected an integer in [${min}, ${size - 1}]).`);
    }
  });
  const owned = tensor(Int32Array.from(list), [list.length], 'int32');
  try {
    return fn(owned);
  } finally {
    owned.dispose();
  }
}

/** The op's inputs for the tape: an index tensor is one (so the tape keeps it), a list is not. */
function inputsWith(x: Tensor, indices: Tensor | readonly number[]): Tensor[] {
  return Array.isArray(indices) ? [x] : [x, indices as Tensor];
}

