// Ops whose output shape depends on the values of their input (keras.ops.nonzero and unique).
// A shape must be known before a kernel is dispatched, so these read their input back and work
// on the host: they are async, return Promises, and have no gradient and no symbolic form. They
// are async even where Keras's `size` argument fixes the shape, because the values themselves
// still come from the readback; one calling convention is simpler than two.

import { formatShape } from '../backend/types';
import { tensor } from '../tensor/creation';
import type { Tensor } from '../tensor/tensor';
import { normalizeAxis } from './shape_util';
import { checkOptionNames, checkTensor } from './validate';

/**
 * The indices of the nonzero elements of `x` (keras.ops.nonzero, np.nonzero): one int32 tensor
 * per axis of `x`, listing the coordinates along that axis in row-major order. Async: the result's
 * length depends on the data, which is read back.
 *
 * @example
 * const [rows, columns] = await nonzero(tensor([[0, 2], [3, 0]]));   // [0, 1] and [1, 0]
 */
export async function nonzero(x: Tensor): Promise<Tensor[]> {
  checkTensor('nonzero', x);
  if (x.rank === 0) throw new Error('nonzero: x must have rank at least 1, got a scalar (shape []); NumPy does not allow nonzero on 0-d arrays.');
  const data = await x.data();
  const flat: number[] = [];
  data.forEach((v, i) => v !== 0 && flat.push(i));
  const coordinates = x.shape.map(() => new Int32Array(flat.length));
  flat.forEach((index, k) => {
    let rest = index;
    for (let d = x.rank - 1; d >= 0; d--) {
      coordinates[d][k] = rest % x.shape[d];
      rest = Math.floor(rest / x.shape[d]);
    }
  });
  return coordinates.map((c) => tensor(c, [c.length], 'int32'));
}

/** Options of `unique` (keras.ops.unique). */
export interface UniqueOptions {
  /** Accepted for Keras's signature; the values are always sorted, as with Keras's NumPy backend. */
  sorted?: boolean;
  /** Also return the index of each distinct value's (or slice's) first occurrence: in the flattened `x`, or along `axis`. */
  returnIndex?: boolean;
  /** Also return, for each element of the flattened `x` (or each slice along `axis`), the index of its value in the result. */
  returnInverse?: boolean;
  /** Also return how often each value (or slice) occurs. */
  returnCounts?: boolean;
  /** The axis whose slices are the elements compared; undefined or null (Keras's None): `x` flattened. */
  axis?: number | null;
  /** A fixed number of distinct values (or slices): fewer are padded, more are cut (the index and counts with them). */
  size?: number;
  /** The value that pads the values (or the padding slices' elements) to `size` (default 0). */
  fillValue?: number;
}

type WithExtras = { returnIndex: true } | { returnInverse: true } | { returnCounts: true };

/**
 * The sorted distinct values of the flattened `x` (keras.ops.unique, np.unique), in `x`'s dtype,
 * and on request, in this order, int32 tensors of the first occurrence of each (`returnIndex`),
 * the position of each element's value (`returnInverse`, flattened, as NumPy 1.x), and each
 * value's count (`returnCounts`). With `axis`, the elements are the slices of `x` along that axis
 * (rows for axis 0 of a matrix), sorted lexicographically, and the values keep `x`'s shape but
 * for the number of slices along `axis`; the index, inverse and counts then count slices. NaNs
 * are not merged (NumPy's `equal_nan=False`, which Keras passes; a slice holding one equals no
 * other) and sort last. With `size`, the values are cut or padded with `fillValue` to that many
 * values (slices), the counts padded with 0 and the first occurrences with 1 (as Keras's backends
 * do). Async: the values are read back to find the distinct ones. Resolves to one tensor when no
 * extra result is requested, otherwise to the list.
 *
 * @example
 * await unique(tensor([3, 1, 2, 1]));   // [1, 2, 3]
 * const [values, counts] = await unique(tensor([3, 1, 2, 1]), { returnCounts: true, size: 5 });
 * // values [1, 2, 3, 0, 0], counts [2, 1, 1, 0, 0]
 * await unique(tensor([[1, 0, 0], [0, 1, 0], [1, 0, 0]]), { axis: 0 });   // [[0, 1, 0], [1, 0, 0]]
 */
export function unique(x: Tensor, options?: UniqueOptions & { returnIndex?: false; returnInverse?: false; returnCounts?: false }): Promise<Tensor>;
export function unique(x: Tensor, options: UniqueOptions & WithExtras): Promise<Tensor[]>;
export function unique(x: Tensor, options?: UniqueOptions): Promise<Tensor | Tensor[]>;
export async function unique(x: Tensor, options: UniqueOptions = {}): Promise<Tensor | Tensor[]> {
  checkTensor('unique', x);
  checkOptionNames('unique', options, { sorted: true, returnIndex: true, returnInverse: true, returnCounts: true, axis: true, size: true, fillValue: true } satisfies Record<keyof UniqueOptions, true>);
  const { returnIndex = false, returnInverse = false, returnCounts = false, axis = null, size, fillValue = 0 } = options;
  if (axis !== null && x.rank === 0) throw new Error(`unique: axis ${axis} is given but x is a scalar (shape ${formatShape(x.shape)}); pass no axis to take its one value.`);
  const along = axis === null ? null : normalizeAxis('unique', axis, x.rank);
  if (size !== undefined && (!Number.isInteger(size) || size < 0)) throw new Error(`unique: size must be a non-negative integer, got ${size}.`);
  if (typeof fillValue !== 'number') throw new Error(`unique: fillValue must be a number, got ${typeof fillValue}.`);
  const data = await x.data();
  // The elements compared are the slices along the axis: slice k holds, for each index `outer` of
  // the axes before it and `inner` of those after it, in row-major order, the value at
  // (outer, k, inner). Flattened, each element is a slice of one value.
  const slices = along === null ? data.length : x.shape[along];
  const innerSize = along === null ? 1 : x.shape.slice(along + 1).reduce((a, b) => a * b, 1);
  const outerSize = along === null ? 1 : x.shape.slice(0, along).reduce((a, b) => a * b, 1);
  const at = (slice: number, outer: number, inner: number) => (outer * slices + slice) * innerSize + inner;
  const compareSlices = (a: number, b: number) => {
    for (let outer = 0; outer < outerSize; outer++) {
      for (let inner = 0; inner < innerSize; inner++) {
        const order = compareNaNLast(data[at(a, outer, inner)], data[at(b, outer, inner)]);
        if (order !== 0) return order;
      }
    }
    return 0;
  };
  const sameSlices = (a: number, b: number) => {
    for (let outer = 0; outer < outerSize; outer++) {
      for (let inner = 0; inner < innerSize; inner++) if (!(data[at(a, outer, inner)] === data[at(b, outer, inner)])) return false;
    }
    return true;
  };
  // A stable sort keeps equal slices in the order they occur, so each run starts at the first
  // occurrence; NaN sorts last and is never equal to itself.
  const order = Array.from({ length: slices }, (_, k) => k).sort(compareSlices);
  const first: number[] = [];
  const counts: number[] = [];
  const inverse = new Int32Array(slices);
  order.forEach((k, position) => {
    if (position === 0 || !sameSlices(k, order[position - 1])) {
      first.push(k);
      counts.push(0);
    }
    counts[counts.length - 1]++;
    inverse[k] = first.length - 1;
  });
  const kept = size ?? first.length;
  const values = x.dtype === 'int32' ? new Int32Array(outerSize * kept * innerSize) : new Float32Array(outerSize * kept * innerSize);
  for (let outer = 0; outer < outerSize; outer++) {
    for (let k = 0; k < kept; k++) {
      for (let inner = 0; inner < innerSize; inner++) {
        values[(outer * kept + k) * innerSize + inner] = k < first.length ? data[at(first[k], outer, inner)] : fillValue;
      }
    }
  }
  const valuesShape = along === null ? [kept] : x.shape.map((d, i) => (i === along ? kept : d));
  const fit = (list: number[], pad: number) => (size === undefined ? list : Array.from({ length: size }, (_, k) => (k < list.length ? list[k] : pad)));
  const int32 = (list: ArrayLike<number>) => tensor(Int32Array.from(list), [list.length], 'int32');
  const outputs = [tensor(values, valuesShape, x.dtype)];
  if (returnIndex) outputs.push(int32(fit(first, 1)));
  if (returnInverse) outputs.push(int32(inverse));
  if (returnCounts) outputs.push(int32(fit(counts, 0)));
  return outputs.length === 1 ? outputs[0] : outputs;
}

function compareNaNLast(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number(Number.isNaN(a)) - Number(Number.isNaN(b));
  return a - b;
}
