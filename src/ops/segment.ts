// Segment reductions, as keras.ops.segment_sum / segment_max / segment_min / segment_prod: the
// rows of `data` that share a segment id reduced into one row per segment. segmentSum is
// unsortedSegmentSum (src/ops/scatter.ts); max, min and product run shaders/segment_reduce.wgsl,
// with gradient rules made of gather, scatter and element-wise ops. Ids given as numbers are
// checked here; ids in a tensor are never read back, and those out of range are dropped.

import { formatShape, sizeOf } from '../backend/types';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import { recordGradient } from '../autograd/tape';
import { tensor } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { cast, divNoNan, equal, greaterEqual, less, logicalOr, mul, where } from './elementwise';
import { runKernel1, type Kernel } from './kernel';
import { unsortedSegmentSum } from './scatter';
import { gather } from './shape';
import { checkRank, sameShape } from './shape_util';
import { checkTensor } from './validate';
import segmentReduceShader from '../../shaders/segment_reduce.wgsl?raw';

const WORKGROUP_SIZE = 256;

/** Codes match the REDUCE_* constants of shaders/segment_reduce.wgsl (whose sum, 3, scatter.ts runs). */
const SEGMENT_REDUCTIONS = { max: 0, min: 1, prod: 2 } as const;
type SegmentReduction = keyof typeof SEGMENT_REDUCTIONS;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Segment ids: an int32 tensor whose shape is a prefix of the data's, or a list of numbers (one per row). */
export type SegmentIds = Tensor | readonly number[];

/**
 * The sum of the rows of `data` in each segment (keras.ops.segment_sum): `segmentIds` (shape a
 * prefix of `data.shape`) names each row's segment; the result has shape
 * `[numSegments, ...data.shape[segmentIds.rank:]]`, 0 for segments no id names. Negative ids
 * (Keras's -1) and, in a tensor, ids past the end are dropped. `numSegments` is required (Keras
 * infers it from the ids, which would read them back). `sorted` is accepted for Keras
 * compatibility; the result does not depend on it.
 *
 * @example
 * ops.segmentSum(tensor([1, 2, 10, 20, 100, 200]), [0, 0, 1, 1, 2, 2], 3);   // [3, 30, 300]
 */
export function segmentSum(data: Tensor, segmentIds: SegmentIds, numSegments: number, sorted = false): Tensor {
  checkSegmentArguments('segmentSum', data, segmentIds, numSegments, sorted);
  if (!Array.isArray(segmentIds)) return unsortedSegmentSum(data, segmentIds as Tensor, numSegments);
  return withValidRows(data, segmentIds as readonly number[], (rows, ids) => unsortedSegmentSum(rows, ids, numSegments));
}

/**
 * The maximum of the rows of `data` in each segment (keras.ops.segment_max); shapes and ids as
 * `segmentSum`. A segment no id names holds -Infinity (float32) or the int32 minimum (int32, as
 * TensorFlow and Keras's torch backend). Differentiable for float32 data: the gradient of a
 * segment goes to the elements equal to its maximum, shared equally among ties.
 *
 * @example
 * ops.segmentMax(tensor([1, 5, 2, 3]), [0, 0, 2, 2], 3);   // [5, -Infinity, 3]
 */
export function segmentMax(data: Tensor, segmentIds: SegmentIds, numSegments: number, sorted = false): Tensor {
  return segmentReduce('segmentMax', 'max', data, segmentIds, numSegments, sorted);
}

/**
 * The minimum of the rows of `data` in each segment (keras.ops.segment_min); shapes and ids as
 * `segmentSum`. A segment no id names holds +Infinity (float32) or the int32 maximum (int32).
 * Differentiable for float32 data, as segmentMax.
 *
 * @example
 * ops.segmentMin(tensor([1, 5, 2, 3]), [0, 0, 2, 2], 3);   // [1, Infinity, 2]
 */
export function segmentMin(data: Tensor, segmentIds: SegmentIds, numSegments: number, sorted = false): Tensor {
  return segmentReduce('segmentMin', 'min', data, segmentIds, numSegments, sorted);
}

/**
 * The product of the rows of `data` in each segment (keras.ops.segment_prod); shapes and ids as
 * `segmentSum`. A segment no id names holds 1. Differentiable for float32 data, zeros included
 * (an element's gradient is the product of the other elements of its segment).
 *
 * @example
 * ops.segmentProd(tensor([1, 5, 2, 3]), [0, 0, 2, -1], 3);   // [5, 1, 2]
 */
export function segmentProd(data: Tensor, segmentIds: SegmentIds, numSegments: number, sorted = false): Tensor {
  return segmentReduce('segmentProd', 'prod', data, segmentIds, numSegments, sorted);
}

function segmentReduce(op: string, reduction: SegmentReduction, data: Tensor, segmentIds: SegmentIds, numSegments: number, sorted: boolean): Tensor {
  checkSegmentArguments(op, data, segmentIds, numSegments, sorted);
  if (Array.isArray(segmentIds)) {
    return withValidRows(data, segmentIds as readonly number[], (rows, ids) => {
      const owned = tensor(Int32Array.from(ids), [ids.length], 'int32');
      try {
        return runSegmentReduce(op, reduction, rows, owned, ids, numSegments);
      } finally {
        owned.dispose();
      }
    });
  }
  const ids = segmentIds as Tensor;
  return runSegmentReduce(op, reduction, data, ids, ids, numSegments);
}

interface SegmentAttrs {
  reduction: (typeof SEGMENT_REDUCTIONS)[SegmentReduction];
  inner: number;
  count: number;
  segments: number;
}

/** Output [segments, inner] from data [count, inner] and ids [count]. */
const segmentReduceKernel: Kernel<SegmentAttrs> = {
  name: 'segmentReduce',
  cpu([data, ids], [out], { reduction, inner, count, segments }) {
    const isInt = out.dtype === 'int32';
    out.values.fill(identityOf(reduction, isInt));
    // Ids in order, as the GPU kernel, so float products agree bit for bit.
    for (let j = 0; j < count; j++) {
      const s = ids.values[j];
      if (s < 0 || s >= segments) continue;
      for (let k = 0; k < inner; k++) {
        const at = s * inner + k;
        const [acc, v] = [out.values[at], data.values[j * inner + k]];
        if (reduction === SEGMENT_REDUCTIONS.max) out.values[at] = Math.max(acc, v);
        else if (reduction === SEGMENT_REDUCTIONS.min) out.values[at] = Math.min(acc, v);
        else out.values[at] = isInt ? Math.imul(acc, v) : acc * v;
      }
    }
  },
  webgpu(gpu, [data, ids], [out], attrs) {
    gpu.dispatch({
      shader: segmentReduceShader,
      constants: { REDUCTION: attrs.reduction, IS_INT: out.dtype === 'int32' },
      uniforms: new Uniforms().u32(out.size, attrs.inner, attrs.count, attrs.segments, identityBits(attrs.reduction, out.dtype === 'int32')).finish(),
      buffers: [data.buffer, ids.buffer, out.buffer],
      workgroups: gridFor(out.size, WORKGROUP_SIZE),
    });
  },
};

/** The value a segment no id names holds: -inf / +inf (the int32 extremes for int32) or 1. */
function identityOf(reduction: SegmentAttrs['reduction'], isInt: boolean): number {
  if (reduction === SEGMENT_REDUCTIONS.prod) return 1;
  if (reduction === SEGMENT_REDUCTIONS.max) return isInt ? INT32_MIN : -Infinity;
  return isInt ? INT32_MAX : Infinity;
}

/** The identity as the 32-bit word the kernel starts each output element from. */
function identityBits(reduction: SegmentAttrs['reduction'], isInt: boolean): number {
  const word = isInt ? Int32Array.of(identityOf(reduction, true)) : Float32Array.of(identityOf(reduction, false));
  return new Uint32Array(word.buffer)[0];
}

/**
 * Runs the kernel on `data` with `ids` (an int32 tensor); `idsForGradient` is what the gradient
 * rule gathers with: the tensor itself, or the checked number list it was made from.
 */
function runSegmentReduce(op: string, reduction: SegmentReduction, data: Tensor, ids: Tensor, idsForGradient: SegmentIds, numSegments: number): Tensor {
  const rest = data.shape.slice(ids.rank);
  const shape = [numSegments, ...rest];
  checkRank(op, shape);
  const attrs: SegmentAttrs = { reduction: SEGMENT_REDUCTIONS[reduction], inner: sizeOf(rest), count: ids.size, segments: numSegments };
  const y = runKernel1(segmentReduceKernel, [data, ids], { shape, dtype: data.dtype }, attrs, op);
  if (data.dtype === 'float32') {
    const inputs = Array.isArray(idsForGradient) ? [data] : [data, ids];
    recordGradient(op, inputs, [y], () => ([dy]) => {
      const gatherIds = inRangeIds(idsForGradient, numSegments);
      const grad = reduction === 'prod' ? prodGradient(data, gatherIds, numSegments, dy) : extremumGradient(data, y, gatherIds, numSegments, dy);
      return [grad, null];
    });
  }
  return y;
}

/**
 * Ids for gather: a checked list as it is; a tensor with the ids the forward pass dropped
 * (negative or past the end) sent to `numSegments`, where gather reads 0.
 */
function inRangeIds(ids: SegmentIds, numSegments: number): SegmentIds {
  if (Array.isArray(ids)) return ids;
  const t = ids as Tensor;
  return where(logicalOr(less(t, 0), greaterEqual(t, numSegments)), numSegments, t);
}

/** Max / min: dy of the segment, split equally among the elements equal to its extremum. */
function extremumGradient(data: Tensor, y: Tensor, ids: SegmentIds, numSegments: number, dy: Tensor): Tensor {
  const isExtremum = cast(equal(data, gather(y, ids, 0)), 'float32');
  const ties = unsortedSegmentSum(isExtremum, ids, numSegments);
  return mul(isExtremum, gather(divNoNan(dy, ties), ids, 0));
}

/**
 * Product: dy times the product of the other elements of the segment, computed without dividing
 * by zero: the product of the nonzero elements and the count of zeros per segment decide it.
 */
function prodGradient(data: Tensor, ids: SegmentIds, numSegments: number, dy: Tensor): Tensor {
  const isZero = equal(data, 0);
  const zeroCount = gather(unsortedSegmentSum(cast(isZero, 'float32'), ids, numSegments), ids, 0);
  const nonzeroProduct = gather(segmentReduce('segmentProd', 'prod', where(isZero, 1, data), ids, numSegments, false), ids, 0);
  // A nonzero element: the others' product when the segment has no zero. A zero: the product of
  // the nonzero others when it is the segment's only zero.
  const others = where(isZero, where(equal(zeroCount, 1), nonzeroProduct, 0), where(equal(zeroCount, 0), divNoNan(nonzeroProduct, data), 0));
  return mul(others, gather(dy, ids, 0));
}

/**
 * Runs `fn` on the rows whose listed id is not negative (Keras drops id -1): all of `data` when
 * none is, otherwise the kept rows gathered (gather carries the gradient back).
 */
function withValidRows(data: Tensor, ids: readonly number[], fn: (rows: Tensor, ids: readonly number[]) => Tensor): Tensor {
  const kept = ids.flatMap((id, row) => (id >= 0 ? [row] : []));
  if (kept.length === ids.length) return fn(data, ids);
  return tidy(() => fn(gather(data, kept, 0), kept.map((row) => ids[row])));
}

function checkSegmentArguments(op: string, data: Tensor, segmentIds: SegmentIds, numSegments: number, sorted: boolean): void {
  checkTensor(op, data);
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new Error(`${op}: numSegments must be a non-negative integer, got ${String(numSegments)} (it is required: inferring it from the ids would read them back).`);
  }
  if (typeof sorted !== 'boolean') throw new Error(`${op}: sorted must be a boolean, got ${typeof sorted}.`);
  if (data.rank === 0) throw new Error(`${op}: data must have rank at least 1, got a scalar.`);
  if (Array.isArray(segmentIds)) {
    const list = segmentIds as readonly number[];
    if (list.length !== data.shape[0]) {
      throw new Error(`${op}: segmentIds has ${list.length} ids but data of shape ${formatShape(data.shape)} has ${data.shape[0]} rows; give one id per row.`);
    }
    list.forEach((id, j) => {
      if (!Number.isInteger(id) || id >= numSegments) {
        throw new Error(`${op}: segment id ${String(id)} (position ${j}) is out of range (expected an integer below numSegments = ${numSegments}; negative ids are dropped).`);
      }
    });
    return;
  }
  checkTensor(op, segmentIds);
  const ids = segmentIds as Tensor;
  if (ids.dtype !== 'int32') throw new Error(`${op}: segmentIds must be int32, got ${ids.dtype} (use ops.cast(segmentIds, 'int32')).`);
  if (ids.rank > data.rank || !sameShape(data.shape.slice(0, ids.rank), ids.shape)) {
    throw new Error(`${op}: segmentIds of shape ${formatShape(ids.shape)} must be a prefix of the shape of data, ${formatShape(data.shape)}.`);
  }
}
