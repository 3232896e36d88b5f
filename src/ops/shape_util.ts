// Shape arithmetic shared by ops: NumPy broadcasting, axis normalization, rank limits. Pure
// functions of shapes; errors name the op and the shapes.

import { formatShape, stridesOf, type ConcreteShape } from '../backend/types';

/** Highest rank the GPU kernels index (their uniform blocks hold 8 dimensions). */
export const MAX_RANK = 8;

export function checkRank(op: string, shape: ConcreteShape): void {
  if (shape.length > MAX_RANK) throw new Error(`${op}: rank ${shape.length} (shape ${formatShape(shape)}) exceeds the maximum of ${MAX_RANK}.`);
}

/** The broadcast of two shapes, NumPy rules; throws naming the op when they do not broadcast. */
export function broadcastShapes(op: string, a: ConcreteShape, b: ConcreteShape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together (dimension ${i} of the result: ${da} vs ${db}).`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides (in elements) to read an operand of shape `shape` at coordinates of the broadcast shape
 * `outShape`: 0 along dimensions the operand broadcasts over.
 */
export function broadcastStrides(shape: ConcreteShape, outShape: ConcreteShape): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_, i) => {
    const d = i - offset;
    return d < 0 || shape[d] === 1 ? 0 : own[d];
  });
}

/** Maps a possibly negative axis into [0, rank). */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (typeof axis === 'object' && axis !== null && !Array.isArray(axis)) {
    // Keras's keyword `axis=0` written as an option record.
    throw new Error(`${op}: axis must be an integer, got an object ${JSON.stringify(axis)}; the axis is a plain argument here, not an option record ({ axis: 0 } is written 0).`);
  }
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw new Error(`${op}: axis ${axis} is out of range for a tensor of rank ${rank} (expected an integer in [${-rank}, ${Math.max(rank - 1, 0)}]).`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Normalizes, sorts and de-duplicates axes; undefined means every axis. */
export function normalizeAxes(op: string, axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return [...Array(rank).keys()];
  // Anything but a list (a number, or an option record that normalizeAxis explains) is one axis.
  const list: readonly number[] = Array.isArray(axes) ? axes : [axes as number];
  const normalized = list.map((a) => normalizeAxis(op, a, rank));
  const unique = [...new Set(normalized)].sort((x, y) => x - y);
  if (unique.length !== normalized.length) throw new Error(`${op}: axes [${list.join(',')}] repeat an axis.`);
  return unique;
}

export function sameShape(a: ConcreteShape, b: ConcreteShape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
