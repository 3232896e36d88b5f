// Ops whose output shape depends on the values of their input (keras.ops.nonzero and unique).
// A shape must be known before a kernel is dispatched, so these read their input back and work
// on the host: they are async, return Promises, and have no gradient and no symbolic form. They
// are async even where Keras's `size` argument fixes the shape, because the values themselves
// still come from the readback; one calling convention is simpler than two.

import { formatShape } from '../backend/types';
import { tensor } from '../tensor/creation';
import type { Tensor } from '../tensor/tensor';
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
  /** Also return the index in the flattened `x` of each value's first occurrence. */
  returnIndex?: boolean;
  /** Also return, for each element of the flattened `x`, the index of its value in the result. */
  returnInverse?: boolean;
  /** Also return how often each value occurs. */
  returnCounts?: boolean;
  /** Only undefined (Keras's None: `x` flattened) is supported. */
  axis?: undefined;
  /** A fixed length: fewer values are padded, more are cut (the index and counts with them). */
  size?: number;
  /** The value that pads the values to `size` (default 0). */
  fillValue?: number;
}

type WithExtras = { returnIndex: true } | { returnInverse: true } | { returnCounts: true };

/**
 * The sorted distinct values of the flattened `x` (keras.ops.unique, np.unique), in `x`'s dtype,
 * and on request, in this order, int32 tensors of the first occurrence of each (`returnIndex`),
 * the position of each element's value (`returnInverse`, flattened, as NumPy 1.x), and each
 * value's count (`returnCounts`). NaNs are not merged (NumPy's `equal_nan=False`, which Keras
 * passes). With `size`, the values are cut or padded with `fillValue` to that length, the counts
 * padded with 0 and the first occurrences with 1 (as Keras's backends do). Async: the values are
 * read back to find the distinct ones. Resolves to one tensor when no extra result is requested,
 * otherwise to the list.
 *
 * @example
 * await unique(tensor([3, 1, 2, 1]));   // [1, 2, 3]
 * const [values, counts] = await unique(tensor([3, 1, 2, 1]), { returnCounts: true, size: 5 });
 * // values [1, 2, 3, 0, 0], counts [2, 1, 1, 0, 0]
 */
export function unique(x: Tensor, options?: UniqueOptions & { returnIndex?: false; returnInverse?: false; returnCounts?: false }): Promise<Tensor>;
export function unique(x: Tensor, options: UniqueOptions & WithExtras): Promise<Tensor[]>;
export function unique(x: Tensor, options?: UniqueOptions): Promise<Tensor | Tensor[]>;
export async function unique(x: Tensor, options: UniqueOptions = {}): Promise<Tensor | Tensor[]> {
  checkTensor('unique', x);
  checkOptionNames('unique', options, { sorted: true, returnIndex: true, returnInverse: true, returnCounts: true, axis: true, size: true, fillValue: true } satisfies Record<keyof UniqueOptions, true>);
  const { returnIndex = false, returnInverse = false, returnCounts = false, axis, size, fillValue = 0 } = options;
  if (axis !== undefined) throw new Error(`unique: only axis undefined (x flattened) is supported, got axis ${String(axis)} for shape ${formatShape(x.shape)}.`);
  if (size !== undefined && (!Number.isInteger(size) || size < 0)) throw new Error(`unique: size must be a non-negative integer, got ${size}.`);
  if (typeof fillValue !== 'number') throw new Error(`unique: fillValue must be a number, got ${typeof fillValue}.`);
  const data = await x.data();
  // A stable sort keeps equal values in the order they occur, so each run starts at the first
  // occurrence; NaN sorts last and is never equal to itself.
  const order = Array.from(data.keys()).sort((i, j) => compareNaNLast(data[i], data[j]));
  const values: number[] = [];
  const first: number[] = [];
  const counts: number[] = [];
  const inverse = new Int32Array(data.length);
  order.forEach((i, k) => {
    if (k === 0 || !(data[i] === data[order[k - 1]])) {
      values.push(data[i]);
      first.push(i);
      counts.push(0);
    }
    counts[counts.length - 1]++;
    inverse[i] = values.length - 1;
  });
  const fit = (list: number[], pad: number) => (size === undefined ? list : Array.from({ length: size }, (_, k) => (k < list.length ? list[k] : pad)));
  const fitted = fit(values, fillValue);
  const outputs = [tensor(x.dtype === 'int32' ? Int32Array.from(fitted) : Float32Array.from(fitted), [fitted.length], x.dtype)];
  const int32 = (list: ArrayLike<number>) => tensor(Int32Array.from(list), [list.length], 'int32');
  if (returnIndex) outputs.push(int32(fit(first, 1)));
  if (returnInverse) outputs.push(int32(inverse));
  if (returnCounts) outputs.push(int32(fit(counts, 0)));
  return outputs.length === 1 ? outputs[0] : outputs;
}

function compareNaNLast(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number(Number.isNaN(a)) - Number(Number.isNaN(b));
  return a - b;
}
