// keras.ops.get_item: NumPy's `x[key]` for basic indexing (integers, slices, new axes, the
// ellipsis) and one array index (a gather). The key is resolved on the host into at most four
// existing ops: one stridedSlice for every integer and slice, one gather for the array index, a
// reshape that drops the integer axes and inserts the new ones, and, by NumPy's rule for an array
// index separated from an integer, a transpose. So it runs on the device and is differentiable.
// Boolean masks and several array indices (broadcast together in NumPy) are not supported.

import { formatShape } from '../backend/types';
import type { Tensor } from '../tensor/tensor';
import { tidy } from '../tensor/memory';
import { gather, reshape, stridedSlice, transpose, type IndexList } from './shape';
import { checkTensor, describeValue } from './validate';

/** Python's `start:stop:step` on one axis; a missing part takes NumPy's default. */
export interface IndexSlice {
  start?: number | null;
  stop?: number | null;
  step?: number | null;
}

/**
 * One entry of a `getItem` key, for one axis unless said otherwise:
 * - a number: that index (negative counts from the end), the axis dropped;
 * - a slice: `{ start, stop, step }`, or the same as a string, `':'`, `'1:'`, `'::-1'`, `'1:5:2'`;
 * - `'...'`: as many whole axes as the other entries leave (Python's Ellipsis), at most once;
 * - `null`: a new axis of size 1 (np.newaxis), consuming no axis of `x`;
 * - an int32 tensor or a list of numbers (nested for more dimensions): an array index, whose
 *   shape replaces the axis (at most one per key).
 */
export type IndexEntry = number | string | IndexSlice | null | Tensor | IndexList;

/** A `getItem` key: one entry, or a list of entries (Python's tuple), one per indexed axis. */
export type GetItemKey = IndexEntry | readonly IndexEntry[];

type ResolvedEntry =
  | { kind: 'integer'; index: number }
  | { kind: 'slice'; start?: number; stop?: number; step: number }
  | { kind: 'newAxis' }
  | { kind: 'ellipsis' }
  | { kind: 'array'; indices: Tensor | IndexList };

/**
 * `x[key]` with NumPy's rules (keras.ops.get_item). A list as key is the tuple of per-axis
 * entries (`[0, ':', null]` is `x[0, :, None]`), so a list index along the first axis is written
 * nested: `[[2, 0]]` is `x[[2, 0]]`. Axes the key leaves out are kept whole. With an array index
 * and an integer that are not next to each other in the key, the array's dimensions come first,
 * as in NumPy. Numbers and number lists are checked against the shape; the entries of an int32
 * index tensor are not read back, and those outside the axis give 0 (as `gather`).
 *
 * @example
 * getItem(x, 1);                       // x[1]
 * getItem(x, [-1, '::2']);             // x[-1, ::2]
 * getItem(x, ['...', null, { stop: 3 }]);   // x[..., None, :3]
 * getItem(x, [':', [2, 0]]);           // x[:, [2, 0]]
 * getItem(x, tensor([[0, 1]], [1, 2], 'int32'));   // x[[[0, 1]]]: shape [1, 2, ...x.shape.slice(1)]
 */
export function getItem(x: Tensor, key: GetItemKey): Tensor {
  checkTensor('getItem', x);
  const fail = (why: string): never => {
    throw new Error(`getItem: key ${describeKey(key)} on shape ${formatShape(x.shape)}: ${why}`);
  };
  const given = (Array.isArray(key) ? key : [key]) as readonly IndexEntry[];
  const resolved = given.map((entry) => resolveEntry(entry, fail));
  const consuming = resolved.filter((e) => e.kind === 'integer' || e.kind === 'slice' || e.kind === 'array').length;
  if (consuming > x.rank) fail(`too many indices: the key indexes ${consuming} axes, the tensor has ${x.rank}.`);
  if (resolved.filter((e) => e.kind === 'ellipsis').length > 1) fail(`'...' may appear only once.`);
  if (resolved.filter((e) => e.kind === 'array').length > 1) fail('only one array index is supported (NumPy broadcasts several together); index one axis at a time, or use ops.takeAlongAxis.');
  const whole = (): ResolvedEntry => ({ kind: 'slice', step: 1 });
  const ellipsisAt = resolved.findIndex((e) => e.kind === 'ellipsis');
  const filler = Array.from({ length: x.rank - consuming }, whole);
  const entries = ellipsisAt < 0 ? [...resolved, ...filler] : [...resolved.slice(0, ellipsisAt), ...filler, ...resolved.slice(ellipsisAt + 1)];

  const begin: number[] = [];
  const end: number[] = [];
  const strides: number[] = [];
  let beginMask = 0;
  let endMask = 0;
  let arrayAxis = -1;
  let axis = 0;
  for (const entry of entries) {
    if (entry.kind === 'newAxis' || entry.kind === 'ellipsis') continue;
    const n = x.shape[axis];
    if (entry.kind === 'integer') {
      if (entry.index < -n || entry.index >= n) fail(`index ${entry.index} is out of range for axis ${axis} of size ${n}.`);
      const i = entry.index < 0 ? entry.index + n : entry.index;
      begin.push(i);
      end.push(i + 1);
      strides.push(1);
    } else {
      if (entry.kind === 'array') arrayAxis = axis;
      const slice = entry.kind === 'slice' ? entry : { start: undefined, stop: undefined, step: 1 };
      if (slice.start === undefined) beginMask |= 1 << axis;
      if (slice.stop === undefined) endMask |= 1 << axis;
      begin.push(slice.start ?? 0);
      end.push(slice.stop ?? 0);
      strides.push(slice.step);
    }
    axis++;
  }

  return tidy(() => {
    const sliced = x.rank === 0 ? x : stridedSlice(x, begin, end, strides, { beginMask, endMask });
    const arrayEntry = entries.find((e) => e.kind === 'array');
    const picked = arrayEntry ? gather(sliced, arrayEntry.indices, arrayAxis) : sliced;
    const indexShape = picked.shape.slice(arrayAxis, arrayAxis + picked.rank - sliced.rank + 1);
    const shape: number[] = [];
    let arrayAt = -1;
    let d = 0;
    for (const entry of entries) {
      if (entry.kind === 'newAxis') shape.push(1);
      else if (entry.kind === 'slice') shape.push(sliced.shape[d++]);
      else if (entry.kind === 'integer') d++;
      else if (entry.kind === 'array') {
        arrayAt = shape.length;
        shape.push(...indexShape);
        d++;
      }
    }
    const y = reshape(picked, shape);
    // NumPy: an array index and integers (indices too) not adjacent in the key put the array's
    // dimensions first.
    const advanced = entries.flatMap((e, i) => (e.kind === 'array' || e.kind === 'integer' ? [i] : []));
    const adjacent = advanced.length === 0 || advanced.at(-1)! - advanced[0] === advanced.length - 1;
    if (arrayAt <= 0 || adjacent) return y;
    const indexDims = Array.from({ length: indexShape.length }, (_, i) => arrayAt + i);
    return transpose(y, [...indexDims, ...shape.keys()].filter((a, i, all) => all.indexOf(a) === i));
  });
}

/** One key entry in its resolved form; `fail` reports an entry of no known form. */
function resolveEntry(entry: IndexEntry, fail: (why: string) => never): ResolvedEntry {
  if (entry === null) return { kind: 'newAxis' };
  if (typeof entry === 'number') {
    if (!Number.isInteger(entry)) fail(`index ${entry} is not an integer.`);
    return { kind: 'integer', index: entry };
  }
  if (typeof entry === 'string') {
    if (entry.trim() === '...') return { kind: 'ellipsis' };
    const parts = /^\s*(-?\d+)?\s*:\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?$/.exec(entry);
    if (!parts) fail(`'${entry}' is neither a slice such as ':', '1:', '::-1', '1:5:2' nor '...'.`);
    return checkSlice({ start: toNumber(parts![1]), stop: toNumber(parts![2]), step: toNumber(parts![3]) }, entry, fail);
  }
  if (Array.isArray(entry)) return { kind: 'array', indices: entry as IndexList };
  if (typeof entry === 'object' && (entry as Tensor).isTensorInstance) {
    const indices = entry as Tensor;
    checkTensor('getItem', indices);
    if (indices.dtype !== 'int32') fail(`an index tensor must be int32, got ${indices.dtype} (boolean masks are not supported: their result's shape depends on the data; use await ops.nonzero(mask)).`);
    return { kind: 'array', indices };
  }
  if (typeof entry === 'object') {
    const unknown = Object.keys(entry).filter((k) => k !== 'start' && k !== 'stop' && k !== 'step');
    if (unknown.length > 0) fail(`a slice has only start, stop and step, got ${unknown.map((k) => `'${k}'`).join(', ')}.`);
    const slice = entry as IndexSlice;
    return checkSlice({ start: slice.start ?? undefined, stop: slice.stop ?? undefined, step: slice.step ?? undefined }, JSON.stringify(entry), fail);
  }
  return fail(`an entry must be a number, a slice, '...', null, an int32 tensor or a list of numbers, got ${describeValue(entry)}.`);
}

function checkSlice(slice: { start?: number; stop?: number; step?: number }, written: string, fail: (why: string) => never): ResolvedEntry {
  for (const [name, value] of Object.entries(slice)) {
    if (value !== undefined && !Number.isInteger(value)) fail(`the ${name} of slice ${written} must be an integer, got ${String(value)}.`);
  }
  if (slice.step === 0) fail(`the step of slice ${written} must be nonzero.`);
  return { kind: 'slice', start: slice.start, stop: slice.stop, step: slice.step ?? 1 };
}

function toNumber(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text);
}

/** A key as written in an error message (tensors by their shape). */
function describeKey(key: GetItemKey): string {
  const describe = (e: unknown): string => {
    if (e === null) return 'null';
    if (typeof e === 'object' && (e as Tensor).isTensorInstance) return `<${(e as Tensor).dtype} tensor ${formatShape((e as Tensor).shape)}>`;
    if (Array.isArray(e)) return `[${e.map(describe).join(', ')}]`;
    return JSON.stringify(e);
  };
  return describe(key);
}
