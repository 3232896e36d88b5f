// Sorting ops, Keras 3 names: sort, argsort (along any axis), topK (along the last axis) and
// inTopK (tf.math.in_top_k). Every order is stable: equal values keep their index order. NaN is
// the largest value (sorted last, as NumPy; taken first by topK) and -0 equals +0. The GPU kernels
// (shaders/sort.wgsl) place each element by counting the elements that precede it in its row; the
// CPU kernels run a stable comparison sort. The gradient of sorted values sends each element of dy
// back to the position its value came from: a gather of dy through the map from each input
// element to its output position (a permutation for sort), so it costs O(size) rather than
// scatterAdd's O(size * count).

import { formatShape, sizeOf, type TypedArray } from '../backend/types';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import type { WebGPUBackend } from '../backend/webgpu/webgpu_backend';
import { recordGradient } from '../autograd/tape';
import type { Tensor } from '../tensor/tensor';
import { runKernel, runKernel1, type GpuTensor, type Kernel } from './kernel';
import { gather, reshape } from './shape';
import { checkRank, normalizeAxis } from './shape_util';
import { checkTensor } from './validate';
import sortShader from '../../shaders/sort.wgsl?raw';

const WORKGROUP_SIZE = 64;

/** A tensor viewed as [outer, n, inner], rows of n elements along the sorted axis. */
interface SortAttrs {
  n: number;
  inner: number;
  /** Outputs kept per row: n for sort, k for topK. */
  k: number;
  descending: boolean;
}

/**
 * The order of one row: its indices along the sorted axis, sorted stably by value, NaN largest.
 * Array.prototype.sort is stable, so equal values keep their index order.
 */
function rowOrder(values: TypedArray, base: number, { n, inner, descending }: SortAttrs): number[] {
  const ascending = (a: number, b: number) => {
    const u = values[base + a * inner];
    const v = values[base + b * inner];
    if (Number.isNaN(u) || Number.isNaN(v)) return Number(Number.isNaN(u)) - Number(Number.isNaN(v));
    return u < v ? -1 : u > v ? 1 : 0;
  };
  return [...Array(n).keys()].sort(descending ? (a, b) => ascending(b, a) : ascending);
}

/** Calls `visit` for every row with the offset of its first element, its outer and its inner index. */
function forEachRow({ n, inner }: SortAttrs, size: number, visit: (base: number, outer: number, innerIndex: number) => void): void {
  const outer = size / (n * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) visit(o * n * inner + i, o, i);
  }
}

function sortUniforms(size: number, { n, inner, k }: SortAttrs): Uint8Array {
  const outSize = (size / (n * inner)) * k * inner;
  return new Uniforms().u32(size, n, inner, k, outSize).finish();
}

function dispatchSort(gpu: WebGPUBackend, entryPoint: string, x: GpuTensor, buffers: GPUBuffer[], attrs: SortAttrs): void {
  gpu.dispatch({
    shader: sortShader,
    entryPoint,
    constants: { IS_INT: x.dtype === 'int32', DESCENDING: attrs.descending },
    uniforms: sortUniforms(x.size, attrs),
    buffers: [x.buffer, ...buffers],
    workgroups: gridFor(x.size, WORKGROUP_SIZE),
  });
}

/** Outputs values and int32 indices of shape [outer, k, inner]: the first k of each sorted row. */
const sortKernel: Kernel<SortAttrs> = {
  name: 'sort',
  cpu([x], [values, indices], attrs) {
    forEachRow(attrs, x.values.length, (base, o, innerIndex) => {
      rowOrder(x.values, base, attrs).slice(0, attrs.k).forEach((j, r) => {
        const at = (o * attrs.k + r) * attrs.inner + innerIndex;
        values.values[at] = x.values[base + j * attrs.inner];
        indices.values[at] = j;
      });
    });
  },
  webgpu(gpu, [x], [values, indices], attrs) {
    dispatchSort(gpu, 'sort_rows', x, [values.buffer, indices.buffer], attrs);
  },
};

/**
 * For each element of x (int32, shape of x): its flat position in the [outer, k, inner] output,
 * or outer * k * inner (past the end, which gather reads as 0) when it is not kept.
 */
const sortDestinationsKernel: Kernel<SortAttrs> = {
  name: 'sortDestinations',
  cpu([x], [destination], attrs) {
    const outSize = (x.values.length / (attrs.n * attrs.inner)) * attrs.k * attrs.inner;
    forEachRow(attrs, x.values.length, (base, o, innerIndex) => {
      rowOrder(x.values, base, attrs).forEach((j, r) => {
        destination.values[base + j * attrs.inner] = r < attrs.k ? (o * attrs.k + r) * attrs.inner + innerIndex : outSize;
      });
    });
  },
  webgpu(gpu, [x], [destination], attrs) {
    dispatchSort(gpu, 'destinations', x, [destination.buffer], attrs);
  },
};

/**
 * Runs the sort kernel on `x` along `axis`; with `differentiable`, records the gradient of the
 * values (the indices never have one).
 */
function sortAlong(op: string, x: Tensor, axis: number, k: number, descending: boolean, differentiable: boolean): [Tensor, Tensor] {
  const attrs: SortAttrs = { n: x.shape[axis], inner: sizeOf(x.shape.slice(axis + 1)), k, descending };
  const shape = [...x.shape.slice(0, axis), k, ...x.shape.slice(axis + 1)];
  const [values, indices] = runKernel(sortKernel, [x], [{ shape, dtype: x.dtype }, { shape, dtype: 'int32' }], attrs, op);
  if (differentiable && x.dtype === 'float32') {
    recordGradient(op, [x], [values], () => ([dValues]) => {
      const destination = runKernel1(sortDestinationsKernel, [x], { shape: x.shape, dtype: 'int32' }, attrs, op);
      return [gather(reshape(dValues, [-1]), destination)];
    });
  }
  return [values, indices];
}

/** Checks x and resolves Keras's axis (null: the flattened tensor) into a tensor and an axis. */
function prepareAxis(op: string, x: Tensor, axis: number | null): [Tensor, number] {
  checkTensor(op, x);
  checkRank(op, x.shape);
  if (axis === null) return [reshape(x, [-1]), 0];
  if (x.rank === 0) throw new Error(`${op}: Invalid value for argument x. Expected a tensor of rank at least 1 (or axis=null). Received: x of shape [].`);
  return [x, normalizeAxis(op, axis, x.rank)];
}

/**
 * The values of `x` sorted in ascending order along `axis` (default -1; null sorts the flattened
 * tensor), as keras.ops.sort. Stable: equal values keep their order. NaN sorts last, as in NumPy;
 * -0 and +0 are equal. Differentiable for float32 `x`: each gradient element goes back to the
 * position its value came from.
 *
 * @example
 * ops.sort(tensor([[3, 1, 2], [0, -1, 0]]));     // [[1, 2, 3], [-1, 0, 0]]
 * ops.sort(tensor([[3, 1], [0, 5]]), 0);         // [[0, 1], [3, 5]]
 */
export function sort(x: Tensor, axis: number | null = -1): Tensor {
  const [source, at] = prepareAxis('sort', x, axis);
  const [values, indices] = sortAlong('sort', source, at, source.shape[at], false, true);
  indices.dispose();
  return values;
}

/**
 * The int32 indices that sort `x` in ascending order along `axis` (default -1; null: the indices
 * into the flattened tensor), as keras.ops.argsort. Ties keep the lower index first (a stable
 * sort, as NumPy's kind='stable'); NaN sorts last. Not differentiable.
 *
 * @example
 * ops.argsort(tensor([3, 1, 2, 1]));             // [1, 3, 2, 0]
 */
export function argsort(x: Tensor, axis: number | null = -1): Tensor {
  const [source, at] = prepareAxis('argsort', x, axis);
  const [values, indices] = sortAlong('argsort', source, at, source.shape[at], false, false);
  values.dispose();
  return indices;
}

/**
 * The `k` largest values along the last axis and their int32 indices, as keras.ops.top_k:
 * `[values, indices]`, each of shape `[...x.shape[:-1], k]`, largest first. Equal values come
 * in index order (lower index first, as tf.math.top_k); NaN counts as the largest value.
 * `sorted` is accepted for Keras compatibility: the order of unsorted results is unspecified
 * there, and here they are always sorted. The values are differentiable for float32 `x`; the
 * indices are not.
 *
 * @example
 * const [values, indices] = ops.topK(tensor([5, 2, 7, 1, 9, 3]), 3);   // [9, 7, 5], [4, 2, 0]
 */
export function topK(x: Tensor, k: number, sorted = true): [Tensor, Tensor] {
  checkTensor('topK', x);
  checkRank('topK', x.shape);
  if (x.rank === 0) throw new Error('topK: Invalid value for argument x. Expected a tensor of rank at least 1. Received: x of shape [].');
  const last = x.shape[x.rank - 1];
  if (!Number.isInteger(k) || k < 1 || k > last) {
    throw new Error(`topK: Invalid value for argument k. Expected an integer in [1, ${last}] (the last dimension of x, of shape ${formatShape(x.shape)}). Received: k=${k}.`);
  }
  if (typeof sorted !== 'boolean') throw new Error(`topK: Invalid value for argument sorted. Expected a boolean. Received: sorted=${String(sorted)}.`);
  return sortAlong('topK', x, x.rank - 1, k, true, true);
}

interface InTopKAttrs {
  k: number;
}

/** Output int32 [rows] from predictions [rows, classes] and int32 targets [rows]. */
const inTopKKernel: Kernel<InTopKAttrs> = {
  name: 'inTopK',
  cpu([predictions, targets], [result], { k }) {
    const classes = predictions.shape[1];
    for (let row = 0; row < targets.values.length; row++) {
      const target = targets.values[row];
      const scores = predictions.values.subarray(row * classes, (row + 1) * classes);
      if (target < 0 || target >= classes || !scores.every(Number.isFinite)) continue;
      const greater = scores.filter((score) => score > scores[target]).length;
      result.values[row] = greater < k ? 1 : 0;
    }
  },
  webgpu(gpu, [predictions, targets], [result], { k }) {
    const [rows, classes] = predictions.shape;
    gpu.dispatch({
      shader: sortShader,
      entryPoint: 'in_top_k',
      constants: { IS_INT: predictions.dtype === 'int32' },
      uniforms: new Uniforms().u32(rows, classes, 1, k, rows).finish(),
      buffers: [predictions.buffer, targets.buffer, result.buffer],
      workgroups: gridFor(rows, WORKGROUP_SIZE),
    });
  },
};

/**
 * Whether each target class is among the `k` largest predictions of its row, as
 * keras.ops.in_top_k (tf.math.in_top_k): int32 1 or 0 (this library's booleans), shape [batch].
 * A target counts as in the top k when fewer than k predictions of its row are strictly greater,
 * so ties at the boundary are all in. As in TensorFlow, the result is 0 for a target outside
 * [0, classes) and for a row holding a non-finite prediction. `k` may exceed the classes.
 *
 * @example
 * ops.inTopK(tensor([2, 5, 3], [3], 'int32'), tensor([[0.1, 0.4, 0.6, 0.9, 0.5],
 *   [0.1, 0.7, 0.9, 0.8, 0.3], [0.1, 0.6, 0.9, 0.9, 0.5]]), 3);   // [1, 0, 1]
 */
export function inTopK(targets: Tensor, predictions: Tensor, k: number): Tensor {
  checkTensor('inTopK', targets);
  checkTensor('inTopK', predictions);
  if (predictions.rank !== 2) {
    throw new Error(`inTopK: Invalid value for argument predictions. Expected a tensor of rank 2, [batch, classes]. Received: predictions of shape ${formatShape(predictions.shape)}.`);
  }
  if (targets.dtype !== 'int32' || targets.rank !== 1 || targets.shape[0] !== predictions.shape[0]) {
    throw new Error(
      `inTopK: Invalid value for argument targets. Expected an int32 tensor of shape [${predictions.shape[0]}] (one class per row of predictions, of shape ${formatShape(predictions.shape)}). Received: targets of shape ${formatShape(targets.shape)} and dtype ${targets.dtype}.`,
    );
  }
  if (!Number.isInteger(k) || k < 1) throw new Error(`inTopK: Invalid value for argument k. Expected a positive integer. Received: k=${k}.`);
  return runKernel1(inTopKKernel, [predictions, targets], { shape: [targets.shape[0]], dtype: 'int32' }, { k });
}
