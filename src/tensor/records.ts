// What the library reads as a record in the structures it takes and returns (Keras's dicts of
// tensors, shapes, data or options): a plain object, `{ ... }`, not a tensor, a list or an
// instance of some class.

/** Whether `value` is a plain object (a record by key). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}
