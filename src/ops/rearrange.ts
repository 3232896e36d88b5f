// Ops that rearrange or mask elements without computing new values, as keras.ops: flip, roll,
// repeat, tril and triu. Each is a composite of shape, creation and element-wise ops, so each
// runs as device kernels on WebGPU and takes its gradient from the ops it is made of:
//   flip    one strided copy walking the flipped axes backwards (stridedSlice with stride -1);
//   roll    per rolled axis, the two slices that trade places, joined by concat;
//   repeat  one broadcasting copy for a single count; for one count per element, a gather with
//           an int32 index list computed from the counts alone (never from tensor data) and
//           uploaded, the only data sent from the CPU;
//   tril, triu  where() with a mask made on the device from two int32 ranges.

import { formatShape, sizeOf } from '../backend/types';
import type { Tensor } from '../tensor/tensor';
import { tidy } from '../tensor/memory';
import { range } from './creation';
import { add, greaterEqual, lessEqual, where } from './elementwise';
import { broadcastTo, concat, gather, reshape, slice, stridedSlice } from './shape';
import { normalizeAxes, normalizeAxis } from './shape_util';
import { checkTensor } from './validate';

/**
 * Reverses the order of the elements along `axis`: one axis, a list of axes, or (undefined) every
 * axis, as `keras.ops.flip`. Negative axes count from the end.
 *
 * @example
 * ops.flip(tensor([[1, 2], [3, 4]]));      // [[4, 3], [2, 1]]
 * ops.flip(tensor([[1, 2], [3, 4]]), 1);   // [[2, 1], [4, 3]]
 */
export function flip(x: Tensor, axis?: number | readonly number[]): Tensor {
  checkTensor('flip', x);
  checkAxisArgument('flip', axis);
  const axes = normalizeAxes('flip', axis, x.rank).filter((a) => a < x.rank);
  const everything = (1 << x.rank) - 1;
  const origin = x.shape.map(() => 0);
  const strides = x.shape.map((_, d) => (axes.includes(d) ? -1 : 1));
  return stridedSlice(x, origin, origin, strides, { beginMask: everything, endMask: everything });
}

/**
 * Shifts the elements along `axis` by `shift` places, those pushed past the end coming back at the
 * start, as `keras.ops.roll` (NumPy's `roll`). Without an axis the flattened tensor is rolled and
 * the shape restored. `shift` and `axis` may be lists of one length (a single value pairs with
 * every entry of the other); shifts along a repeated axis add up. Negative shifts roll backwards.
 *
 * @example
 * ops.roll(tensor([0, 1, 2, 3, 4]), 2);                 // [3, 4, 0, 1, 2]
 * ops.roll(tensor([[0, 1, 2], [3, 4, 5]]), 1);          // [[5, 0, 1], [2, 3, 4]]
 * ops.roll(tensor([[0, 1, 2], [3, 4, 5]]), -1, 1);      // [[1, 2, 0], [4, 5, 3]]
 */
export function roll(x: Tensor, shift: number | readonly number[], axis?: number | readonly number[]): Tensor {
  checkTensor('roll', x);
  const shifts = typeof shift === 'number' ? [shift] : shift;
  if (!Array.isArray(shifts) || shifts.length === 0 || shifts.some((s) => !Number.isInteger(s))) {
    throw new Error(`roll: Invalid value for argument shift. Expected an integer or a non-empty list of integers. Received: shift=${JSON.stringify(shift)}.`);
  }
  checkAxisArgument('roll', axis);
  if (axis === undefined) {
    return tidy(() => reshape(rollAlong(reshape(x, [-1]), new Map([[0, shifts.reduce((a, b) => a + b, 0)]])), x.shape));
  }
  const axes = typeof axis === 'number' ? [axis] : axis;
  if (axes.length === 0) throw new Error('roll: Invalid value for argument axis. Expected an integer, a non-empty list of integers or undefined. Received: axis=[].');
  if (shifts.length !== axes.length && shifts.length !== 1 && axes.length !== 1) {
    throw new Error(
      `roll: Invalid value for argument shift. Expected one shift, or one per axis of axis=${JSON.stringify(axis)}. Received: shift=${JSON.stringify(shift)}.`,
    );
  }
  const totals = new Map<number, number>();
  for (let i = 0; i < Math.max(shifts.length, axes.length); i++) {
    const at = normalizeAxis('roll', axes[axes.length === 1 ? 0 : i], x.rank);
    // A scalar accepts axis 0 (normalizeAxis allows it) and has nothing to roll.
    if (at < x.rank) totals.set(at, (totals.get(at) ?? 0) + shifts[shifts.length === 1 ? 0 : i]);
  }
  return tidy(() => rollAlong(x, totals));
}

/** Rolls `x` by `shifts.get(axis)` along each axis: the last s elements move to the front. */
function rollAlong(x: Tensor, shifts: ReadonlyMap<number, number>): Tensor {
  let y = x;
  for (const [axis, shift] of shifts) {
    const n = y.shape[axis];
    const s = n === 0 ? 0 : ((shift % n) + n) % n;
    if (s === 0) continue;
    const starts = y.shape.map(() => 0);
    const sizes = y.shape.map(() => -1);
    sizes[axis] = s;
    starts[axis] = n - s;
    const tail = slice(y, starts, sizes);
    sizes[axis] = n - s;
    starts[axis] = 0;
    y = concat([tail, slice(y, starts, sizes)], axis);
  }
  return y === x ? reshape(x, x.shape) : y;
}

/**
 * Repeats each element along `axis` `repeats` times, as `keras.ops.repeat` (NumPy's `repeat`):
 * one count for every element, or a list with one count per element along the axis. Without an
 * axis the tensor is flattened first.
 *
 * @example
 * ops.repeat(tensor([[1, 2], [3, 4]]), 2);          // [1, 1, 2, 2, 3, 3, 4, 4]
 * ops.repeat(tensor([[1, 2], [3, 4]]), [1, 2], 0);  // [[1, 2], [3, 4], [3, 4]]
 */
export function repeat(x: Tensor, repeats: number | readonly number[], axis?: number): Tensor {
  checkTensor('repeat', x);
  const counts = typeof repeats === 'number' ? [repeats] : repeats;
  if (!Array.isArray(counts) || counts.length === 0 || counts.some((r) => !Number.isInteger(r) || r < 0)) {
    throw new Error(
      `repeat: Invalid value for argument repeats. Expected a non-negative integer or a non-empty list of them. Received: repeats=${JSON.stringify(repeats)}.`,
    );
  }
  if (axis !== undefined && typeof axis !== 'number') {
    throw new Error(`repeat: Invalid value for argument axis. Expected an integer or undefined. Received: axis=${JSON.stringify(axis)}.`);
  }
  const flat = axis === undefined || x.rank === 0;
  const at = flat ? 0 : normalizeAxis('repeat', axis, x.rank);
  const shape = flat ? [x.size] : [...x.shape];
  const n = shape[at];
  if (counts.length !== 1 && counts.length !== n) {
    throw new Error(
      `repeat: Invalid value for argument repeats. Expected one count, or one per element along axis ${at} (${n}) of shape ${formatShape(shape)}. Received: repeats=${JSON.stringify(repeats)}.`,
    );
  }
  return tidy(() => {
    const source = flat ? reshape(x, shape) : x;
    if (counts.every((r) => r === counts[0])) {
      // [outer, n, 1, inner] broadcast to [outer, n, r, inner] lists each element r times in a row.
      const r = counts[0];
      const outer = sizeOf(shape.slice(0, at));
      const inner = sizeOf(shape.slice(at + 1));
      const repeated = broadcastTo(reshape(source, [outer, n, 1, inner]), [outer, n, r, inner]);
      return reshape(repeated, shape.map((d, i) => (i === at ? d * r : d)));
    }
    return gather(source, counts.flatMap((r, i) => Array<number>(r).fill(i)), at);
  });
}

/**
 * The lower triangle of the last two axes of `x` (the leading axes are a batch): the elements on
 * and below diagonal `k` kept, the others set to 0, as `keras.ops.tril`. k = 0 is the main
 * diagonal, k > 0 above it, k < 0 below it.
 *
 * @example
 * ops.tril(tensor([[1, 2, 3], [4, 5, 6]]));       // [[1, 0, 0], [4, 5, 0]]
 * ops.tril(tensor([[1, 2, 3], [4, 5, 6]]), -1);   // [[0, 0, 0], [4, 0, 0]]
 */
export function tril(x: Tensor, k = 0): Tensor {
  return triangle('tril', x, k);
}

/**
 * The upper triangle of the last two axes of `x` (the leading axes are a batch): the elements on
 * and above diagonal `k` kept, the others set to 0, as `keras.ops.triu`. k = 0 is the main
 * diagonal, k > 0 above it, k < 0 below it.
 *
 * @example
 * ops.triu(tensor([[1, 2, 3], [4, 5, 6]]));      // [[1, 2, 3], [0, 5, 6]]
 * ops.triu(tensor([[1, 2, 3], [4, 5, 6]]), 1);   // [[0, 2, 3], [0, 0, 6]]
 */
export function triu(x: Tensor, k = 0): Tensor {
  return triangle('triu', x, k);
}

/** tril / triu: element (i, j) of each matrix is kept when j <= i + k (tril) or j >= i + k (triu). */
function triangle(op: 'tril' | 'triu', x: Tensor, k: number): Tensor {
  checkTensor(op, x);
  if (x.rank < 2) {
    throw new Error(`${op}: Invalid value for argument x. Expected a tensor of rank 2 or more (a matrix or a batch of them). Received: x.shape=${formatShape(x.shape)}.`);
  }
  if (!Number.isInteger(k)) throw new Error(`${op}: Invalid value for argument k. Expected an integer. Received: k=${JSON.stringify(k)}.`);
  const [rows, columns] = x.shape.slice(-2);
  return tidy(() => {
    const shiftedRows = add(reshape(range(0, rows, 1, 'int32'), [rows, 1]), k);
    const column = range(0, columns, 1, 'int32');
    const kept = op === 'tril' ? lessEqual(column, shiftedRows) : greaterEqual(column, shiftedRows);
    return where(kept, x, 0);
  });
}

/** Throws unless `axis` is undefined, an integer or a list of integers. */
function checkAxisArgument(op: string, axis: unknown): void {
  if (axis === undefined || typeof axis === 'number') return;
  if (!Array.isArray(axis) || axis.some((a) => typeof a !== 'number')) {
    throw new Error(`${op}: Invalid value for argument axis. Expected an integer, a list of integers or undefined. Received: axis=${JSON.stringify(axis)}.`);
  }
}
