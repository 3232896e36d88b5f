// Shape ops. reshape, expandDims and squeeze only relabel the shape and share the storage; the
// others copy through WGSL kernels. (Copying ops being implemented.)

import { formatShape, sizeOf } from '../backend/types';
import { Tensor } from '../tensor/tensor';
import { checkRank, normalizeAxis, normalizeAxes } from './shape_util';

const todo = (name: string): never => { throw new Error(`${name}: not implemented yet`); };

/** A tensor with the same values in a new shape; one dimension may be -1 (inferred). Shares storage. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = resolveReshape(x.shape, shape);
  checkRank('reshape', target);
  return view(x, target);
}

/** Inserts a dimension of size 1 at `axis` (negative counts from the end of the result). */
export function expandDims(x: Tensor, axis = 0): Tensor {
  const at = normalizeAxis('expandDims', axis, x.rank + 1);
  const shape = [...x.shape];
  shape.splice(at, 0, 1);
  checkRank('expandDims', shape);
  return view(x, shape);
}

/** Removes dimensions of size 1: the given axes, or all of them. */
export function squeeze(x: Tensor, axis?: number | number[]): Tensor {
  const axes = axis === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normalizeAxes('squeeze', axis, x.rank);
  for (const a of axes) {
    if (x.shape[a] !== 1) throw new Error(`squeeze: axis ${a} of shape ${formatShape(x.shape)} has size ${x.shape[a]}, expected 1.`);
  }
  return view(x, x.shape.filter((_, i) => !axes.includes(i)));
}

export function transpose(_x: Tensor, _perm?: readonly number[]): Tensor { return todo('transpose'); }
export function slice(_x: Tensor, _begin: readonly number[], _size?: readonly number[]): Tensor { return todo('slice'); }
export function pad(_x: Tensor, _paddings: ReadonlyArray<readonly [number, number]>, _constantValue = 0): Tensor { return todo('pad'); }
export function tile(_x: Tensor, _reps: readonly number[]): Tensor { return todo('tile'); }
export function broadcastTo(_x: Tensor, _shape: readonly number[]): Tensor { return todo('broadcastTo'); }
export function concat(_tensors: readonly Tensor[], _axis = 0): Tensor { return todo('concat'); }
export function stack(_tensors: readonly Tensor[], _axis = 0): Tensor { return todo('stack'); }
export function split(_x: Tensor, _numOrSizes: number | readonly number[], _axis = 0): Tensor[] { return todo('split'); }
export function stridedSlice(_x: Tensor, _begin: readonly number[], _end: readonly number[], _strides?: readonly number[], _options: { beginMask?: number; endMask?: number } = {}): Tensor { return todo('stridedSlice'); }
export function gather(_x: Tensor, _indices: Tensor | readonly number[], _axis = 0): Tensor { return todo('gather'); }

function view(x: Tensor, shape: readonly number[]): Tensor {
  if (x.isDisposed) throw new Error(`reshape: a tensor of shape ${formatShape(x.shape)} was used after it was disposed.`);
  return new Tensor(x.storage.retain(), shape, x.dtype);
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
