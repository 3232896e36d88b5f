// What the library reads as a record in the structures it takes and returns (Keras's dicts of
// tensors, shapes, data or options): a plain object, `{ ... }`, not a tensor, a list or an
// instance of some class. A record an op returns for Keras's tuple also destructures by position.

/** Whether `value` is a plain object (a record by key). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * `record` that also destructures by position, in its keys' order, as the tuple Keras returns
 * (`const [mean, variance] = ops.moments(x, axes)`); the iterator is not enumerable, so
 * Object.entries and the graph's records see only the keys.
 */
export function iterableRecord<T extends Record<string, unknown>>(record: T): T & Iterable<T[keyof T]> {
  Object.defineProperty(record, Symbol.iterator, { enumerable: false, value: () => Object.values(record)[Symbol.iterator]() });
  return record as T & Iterable<T[keyof T]>;
}
