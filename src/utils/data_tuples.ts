// packXYSampleWeight and unpackXYSampleWeight (keras.utils.pack_x_y_sample_weight and
// unpack_x_y_sample_weight): Keras's tuple convention for a batch, `x`, `[x]`, `[x, y]` or
// `[x, y, sampleWeight]`, as datasets yield it and as a custom trainStep(data) receives it.

/**
 * The tuple fit takes from a dataset: `x` alone when there is no y (`[x]` when x is itself an
 * array, so that a list of inputs is not read as [x, y]), `[x, y]`, or `[x, y, sampleWeight]`.
 *
 * @example
 * utils.packXYSampleWeight(x);            // x
 * utils.packXYSampleWeight([a, b]);       // [[a, b]]
 * utils.packXYSampleWeight(x, y);         // [x, y]
 * utils.packXYSampleWeight(x, y, w);      // [x, y, w]
 */
export function packXYSampleWeight<X>(x: X): X extends readonly unknown[] ? [X] : X;
export function packXYSampleWeight<X, Y>(x: X, y: Y): [X, Y];
export function packXYSampleWeight<X, Y, W>(x: X, y: Y, sampleWeight: W): [X, Y, W];
export function packXYSampleWeight(x: unknown, y?: unknown, sampleWeight?: unknown): unknown {
  if (y === undefined || y === null) return Array.isArray(x) ? [x] : x;
  if (sampleWeight === undefined || sampleWeight === null) return [x, y];
  return [x, y, sampleWeight];
}

/**
 * Splits a batch into `[x, y, sampleWeight]`, with undefined for what it lacks: an array is
 * `[x]`, `[x, y]` or `[x, y, sampleWeight]`; anything else is x alone. A custom
 * `trainStep(data)` receives such an array, so this reads its data whatever the dataset gave.
 *
 * @example
 * override trainStep(data: StepData) {
 *   const [x, y, sampleWeight] = utils.unpackXYSampleWeight(data);
 *   ...
 * }
 * utils.unpackXYSampleWeight(x);          // [x, undefined, undefined]
 * utils.unpackXYSampleWeight([x, y]);     // [x, y, undefined]
 */
export function unpackXYSampleWeight<X, Y, W>(data: readonly [X, Y?, W?]): [X, Y | undefined, W | undefined];
export function unpackXYSampleWeight<T>(data: readonly T[]): [T, T | undefined, T | undefined];
export function unpackXYSampleWeight<X>(data: X): [X, undefined, undefined];
export function unpackXYSampleWeight(data: unknown): [unknown, unknown, unknown] {
  if (!Array.isArray(data)) return [data, undefined, undefined];
  if (data.length >= 1 && data.length <= 3) return [data[0], data[1], data[2]];
  throw new Error(`unpackXYSampleWeight: Data is expected to be in format \`x\`, \`[x]\`, \`[x, y]\`, or \`[x, y, sampleWeight]\`, found an array of length ${data.length}.`);
}
