// Writing values at index tuples or into a block, as keras.ops.scatter, scatter_update and
// slice_update. An index tuple of length k names a slice of the first k dimensions; the tuples
// become flat segment ids (from the numbers in TypeScript, or from an index tensor by int32
// arithmetic on the device), and the writes are segment reductions of src/ops/scatter.ts and
// src/ops/segment.ts, so every op runs as device kernels and takes its gradient from them.

import { formatShape, sizeOf, stridesOf } from '../backend/types';
import { tensor } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { arange, ones } from './creation';
import { add, cast, greaterEqual, less, logicalAnd, maximum, minimum, mul, sub, where } from './elementwise';
import { all, sum } from './reduce';
import { unsortedSegmentSum } from './scatter';
import { segmentMax, segmentMin, segmentProd, type SegmentIds } from './segment';
import { gather, pad, reshape } from './shape';
import { sameShape } from './shape_util';
import { checkShape, checkTensor, describeValue } from './validate';

/** Index tuples as numbers: one list of k coordinates per update. */
export type IndexTuples = ReadonlyArray<readonly number[]>;

/** How scatterUpdate combines updates with the values they land on (Keras's `reduction`). */
export type ScatterReduction = 'add' | 'max' | 'min' | 'mul';

const SCATTER_REDUCTIONS: readonly ScatterReduction[] = ['add', 'max', 'min', 'mul'];

/** Element-wise int32 math runs in float32 on the GPU: flat offsets are exact below 2^24. */
const MAX_OFFSET = 2 ** 24;

/**
 * A tensor of `shape` that is zero except at `indices`, where `values` are added
 * (keras.ops.scatter): `indices` has shape `[..., k]`, each row of k coordinates naming a slice
 * of the first k dimensions, and `values` has shape `indices.shape[:-1] + shape[k:]`. Repeated
 * indices add up, as Keras. Negative coordinates count from the end; listed ones are checked,
 * and in an index tensor those out of range are dropped. The result has the dtype of `values`.
 *
 * @example
 * ops.scatter([[0, 1], [1, 1]], tensor([1, 1]), [2, 2]);   // [[0, 1], [0, 1]]
 */
export function scatter(indices: Tensor | IndexTuples, values: Tensor, shape: readonly number[]): Tensor {
  checkShape('scatter', shape);
  checkTensor('scatter', values);
  const target = resolveIndices('scatter', indices, shape);
  checkUpdateShape('scatter', 'values', values, target, shape);
  return tidy(() => reshape(unsortedSegmentSum(reshape(values, [target.count, ...shape.slice(target.k)]), flatIds(target), target.slices), shape));
}

/**
 * `inputs` with the slices at `indices` replaced by `updates` (keras.ops.scatter_update): the
 * index and update shapes as `scatter`, with `shape` the shape of `inputs`. When an index
 * repeats, the last update wins (Keras's documented rule). With `reduction` the updates are
 * combined with the values instead: 'add' adds them, 'max' / 'min' keep the largest / smallest,
 * 'mul' multiplies. Updates are cast to the dtype of `inputs`.
 *
 * @example
 * ops.scatterUpdate(zeros([4]), [[0], [0], [1]], tensor([1, 2, 3]));          // [2, 3, 0, 0]
 * ops.scatterUpdate(zeros([4]), [[0], [0], [1]], tensor([1, 1, 1]), 'add');   // [2, 1, 0, 0]
 */
export function scatterUpdate(inputs: Tensor, indices: Tensor | IndexTuples, updates: Tensor, reduction?: ScatterReduction): Tensor {
  checkTensor('scatterUpdate', inputs);
  checkTensor('scatterUpdate', updates);
  if (reduction !== undefined && !SCATTER_REDUCTIONS.includes(reduction)) {
    throw new Error(`scatterUpdate: Invalid reduction: ${JSON.stringify(reduction)}. Expected undefined (replace) or one of ${SCATTER_REDUCTIONS.map((r) => `'${r}'`).join(', ')}.`);
  }
  const target = resolveIndices('scatterUpdate', indices, inputs.shape);
  checkUpdateShape('scatterUpdate', 'updates', updates, target, inputs.shape);
  const slice = inputs.shape.slice(target.k);
  return tidy(() => {
    const ids = flatIds(target);
    const rows = reshape(updates.dtype === inputs.dtype ? updates : cast(updates, inputs.dtype), [target.count, ...slice]);
    const slices = reshape(inputs, [target.slices, ...slice]);
    let result: Tensor;
    if (reduction === 'add') result = add(slices, unsortedSegmentSum(rows, ids, target.slices));
    else if (reduction === 'max') result = maximum(slices, segmentMax(rows, ids, target.slices));
    else if (reduction === 'min') result = minimum(slices, segmentMin(rows, ids, target.slices));
    else if (reduction === 'mul') result = mul(slices, segmentProd(rows, ids, target.slices));
    else {
      // The last update naming a slice: the largest update position among those naming it (-2^31 when none does).
      const lastWriter = segmentMax(arange(target.count), ids, target.slices);
      const written = reshape(greaterEqual(lastWriter, 0), [target.slices, ...slice.map(() => 1)]);
      result = where(written, gather(rows, where(less(lastWriter, 0), target.count, lastWriter), 0), slices);
    }
    return reshape(result, inputs.shape);
  });
}

/**
 * `inputs` with the block that starts at `startIndices` replaced by `updates`
 * (keras.ops.slice_update): `updates` has the rank of `inputs` and must fit. A start may be a
 * number or an integer scalar tensor (a position computed on the device, as a label or a cache
 * index; `startIndices` may also be one int tensor of shape [rank]). Numbers must fit,
 * `startIndices[d] + updates.shape[d] <= inputs.shape[d]` (an error otherwise); a tensor start is
 * clamped into [0, inputs.shape[d] - updates.shape[d]], as Keras's JAX and TensorFlow backends
 * (dynamic_update_slice) do. Updates are cast to the dtype of `inputs`.
 *
 * @example
 * ops.sliceUpdate(zeros([3, 3]), [1, 1], ones([2, 2]));   // [[0, 0, 0], [0, 1, 1], [0, 1, 1]]
 * ops.sliceUpdate(zeros([10]), [label], ones([1]));        // one-hot at a scalar int32 tensor `label`
 */
export function sliceUpdate(inputs: Tensor, startIndices: readonly (number | Tensor)[] | Tensor, updates: Tensor): Tensor {
  checkTensor('sliceUpdate', inputs);
  checkTensor('sliceUpdate', updates);
  if (updates.rank !== inputs.rank) {
    throw new Error(`sliceUpdate: updates of shape ${formatShape(updates.shape)} must have the rank of inputs of shape ${formatShape(inputs.shape)}.`);
  }
  const starts = startList(inputs, startIndices);
  const tooLarge = inputs.shape.findIndex((n, d) => updates.shape[d] > n);
  if (tooLarge >= 0) {
    throw new Error(`sliceUpdate: updates of shape ${formatShape(updates.shape)} do not fit in inputs of shape ${formatShape(inputs.shape)} (dimension ${tooLarge}: ${updates.shape[tooLarge]} > ${inputs.shape[tooLarge]}).`);
  }
  if (!Array.isArray(starts) || starts.some((s) => typeof s !== 'number')) return sliceUpdateAt(inputs, starts, updates);
  const startNumbers = starts as number[];
  const overflow = inputs.shape.findIndex((n, d) => startNumbers[d] + updates.shape[d] > n);
  if (overflow >= 0) {
    throw new Error(
      `sliceUpdate: updates of shape ${formatShape(updates.shape)} at start ${formatShape(startNumbers)} do not fit in inputs of shape ${formatShape(inputs.shape)} (dimension ${overflow}: ${startNumbers[overflow]} + ${updates.shape[overflow]} > ${inputs.shape[overflow]}).`,
    );
  }
  const widths = inputs.shape.map((n, d): [number, number] => [startNumbers[d], n - startNumbers[d] - updates.shape[d]]);
  return tidy(() => {
    const block = pad(updates.dtype === inputs.dtype ? updates : cast(updates, inputs.dtype), widths);
    return where(pad(ones(updates.shape, 'int32'), widths), block, inputs);
  });
}

/** sliceUpdate's starts, checked: non-negative integers or int scalar tensors, one per dimension, or one int tensor of them. */
function startList(inputs: Tensor, startIndices: unknown): Array<number | Tensor> | Tensor {
  const expected = `startIndices must be ${inputs.rank} non-negative integers, one per dimension of inputs of shape ${formatShape(inputs.shape)}`;
  const tensorsToo = ` A start may also be an int32 scalar tensor, or all of them one int32 tensor of shape [${inputs.rank}].`;
  const isTensor = (x: unknown): x is Tensor => x !== null && typeof x === 'object' && (x as Tensor).isTensorInstance === true;
  const describe = (x: unknown) => (isTensor(x) ? `a ${x.dtype} tensor of shape ${formatShape(x.shape)}` : typeof x === 'number' ? String(x) : describeValue(x));
  if (isTensor(startIndices)) {
    checkTensor('sliceUpdate', startIndices);
    if (startIndices.dtype !== 'int32' || startIndices.rank !== 1 || startIndices.shape[0] !== inputs.rank) throw new Error(`sliceUpdate: ${expected}; got ${describe(startIndices)}.${tensorsToo}`);
    return startIndices;
  }
  if (!Array.isArray(startIndices) || startIndices.length !== inputs.rank) {
    throw new Error(`sliceUpdate: ${expected}; got ${Array.isArray(startIndices) ? `[${startIndices.map(describe).join(', ')}]` : describe(startIndices)}.${tensorsToo}`);
  }
  for (const s of startIndices) {
    if (isTensor(s)) checkTensor('sliceUpdate', s);
    const valid = isTensor(s) ? s.rank === 0 && s.dtype === 'int32' : Number.isInteger(s) && (s as number) >= 0;
    if (!valid) throw new Error(`sliceUpdate: ${expected}; got [${startIndices.map(describe).join(', ')}].${tensorsToo}`);
  }
  return startIndices as Array<number | Tensor>;
}

/**
 * sliceUpdate at starts that may be tensors, without reading them: along each dimension, the
 * positions inside the block take the update row at (position - start), gathered on the device,
 * and a mask of the block picks those over `inputs`.
 */
function sliceUpdateAt(inputs: Tensor, startIndices: Array<number | Tensor> | Tensor, updates: Tensor): Tensor {
  return tidy(() => {
    const starts = Array.isArray(startIndices) ? startIndices : inputs.shape.map((_, d) => reshape(gather(startIndices, [d]), []));
    let block = updates.dtype === inputs.dtype ? updates : cast(updates, inputs.dtype);
    let inside = ones(inputs.shape.map(() => 1), 'int32');
    for (let d = 0; d < inputs.rank; d++) {
      const [size, width, start] = [inputs.shape[d], updates.shape[d], starts[d]];
      const offsets = sub(arange(size), typeof start === 'number' ? start : minimum(maximum(start, 0), size - width));
      block = gather(block, minimum(maximum(offsets, 0), width - 1), d);
      inside = logicalAnd(inside, reshape(logicalAnd(greaterEqual(offsets, 0), less(offsets, width)), inputs.shape.map((n, axis) => (axis === d ? n : 1))));
    }
    return where(inside, block, inputs);
  });
}

/** Index tuples resolved against a shape: k coordinates each, `count` of them, into `slices` slices. */
interface IndexTarget {
  /** The index tensor (int32, shape [..., k]) or the flat ids computed from listed tuples. */
  indices: Tensor | number[];
  /** The shape of the tuples' leading dimensions (indices.shape[:-1]). */
  leading: number[];
  k: number;
  count: number;
  shape: readonly number[];
  /** The number of slices the first k dimensions hold. */
  slices: number;
}

function resolveIndices(op: string, indices: Tensor | IndexTuples, shape: readonly number[]): IndexTarget {
  if (Array.isArray(indices)) {
    const tuples = indices as IndexTuples;
    const k = Array.isArray(tuples[0]) ? tuples[0].length : 0;
    if (tuples.length === 0 || k === 0 || k > shape.length || tuples.some((t) => !Array.isArray(t) || t.length !== k)) {
      throw new Error(`${op}: indices must be a non-empty list of index tuples of one length between 1 and ${shape.length} (the rank of shape ${formatShape(shape)}), got ${JSON.stringify(indices)}.`);
    }
    const strides = stridesOf(shape.slice(0, k));
    const flat = tuples.map((tuple, row) =>
      tuple.reduce((offset, coordinate, d) => {
        const n = shape[d];
        if (!Number.isInteger(coordinate) || coordinate < -n || coordinate >= n) {
          throw new Error(`${op}: index ${JSON.stringify(tuple)} (row ${row}) is out of range for shape ${formatShape(shape)} (coordinate ${d} must be an integer in [${-n}, ${n - 1}]).`);
        }
        return offset + (coordinate < 0 ? coordinate + n : coordinate) * strides[d];
      }, 0),
    );
    return { indices: flat, leading: [tuples.length], k, count: tuples.length, shape, slices: sizeOf(shape.slice(0, k)) };
  }
  checkTensor(op, indices);
  const index = indices as Tensor;
  if (index.dtype !== 'int32') throw new Error(`${op}: indices must be int32, got ${index.dtype} (use ops.cast(indices, 'int32')).`);
  const k = index.shape[index.rank - 1];
  if (index.rank === 0 || k === 0 || k > shape.length) {
    throw new Error(`${op}: indices of shape ${formatShape(index.shape)} must have a last dimension k between 1 and ${shape.length} (the rank of shape ${formatShape(shape)}).`);
  }
  const slices = sizeOf(shape.slice(0, k));
  if (slices >= MAX_OFFSET) {
    throw new Error(`${op}: the first ${k} dimensions of shape ${formatShape(shape)} hold ${slices} slices; index tensors address at most ${MAX_OFFSET - 1} (offsets are computed in float32 on the GPU).`);
  }
  const leading = index.shape.slice(0, -1);
  return { indices: index, leading, k, count: sizeOf(leading), shape, slices };
}

function checkUpdateShape(op: string, name: string, updates: Tensor, target: IndexTarget, shape: readonly number[]): void {
  const expected = [...target.leading, ...shape.slice(target.k)];
  if (!sameShape(updates.shape, expected)) {
    throw new Error(`${op}: ${name} of shape ${formatShape(updates.shape)} do not fit ${target.count} index tuples of length ${target.k} into shape ${formatShape(shape)} (expected ${name} of shape ${formatShape(expected)}).`);
  }
}

/**
 * One flat slice id per tuple, as segment ids of length `count`: the listed ones as numbers; from
 * a tensor, the coordinates (negative ones wrapped) times the strides, summed on the device, with
 * tuples out of range sent to `slices`, past the end, where the segment ops drop them.
 */
function flatIds(target: IndexTarget): SegmentIds {
  if (Array.isArray(target.indices)) return target.indices;
  const { k, shape, count, slices } = target;
  const coordinates = reshape(target.indices, [count, k]);
  const sizes = tensor(Int32Array.from(shape.slice(0, k)), [1, k], 'int32');
  const strides = tensor(Int32Array.from(stridesOf(shape.slice(0, k))), [1, k], 'int32');
  const wrapped = where(less(coordinates, 0), add(coordinates, sizes), coordinates);
  const inRange = all(logicalAnd(greaterEqual(wrapped, 0), less(wrapped, sizes)), 1);
  return where(inRange, sum(mul(wrapped, strides), 1), slices);
}
