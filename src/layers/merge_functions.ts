// Keras's functional merge helpers (keras/src/layers/merging: `add`, `subtract`, `multiply`,
// `average`, `maximum`, `minimum`, `concatenate`, `dot`): each makes its merge layer from the
// options and applies it to the list of inputs, symbolic or concrete.

import type { Tensor } from '../tensor/tensor';
import { Dot, type DotArgs } from './dot';
import type { LayerArgs } from './layer';
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract, type ConcatenateArgs, type Merge } from './merging';
import type { SymbolicTensor } from './symbolic';

/** A merge helper's inputs: symbolic tensors (graph building) or tensors (eager). */
type MergeInputs = SymbolicTensor[] | Tensor[];
/** One symbolic tensor for symbolic inputs, one tensor for tensors. */
type Merged<T extends MergeInputs> = T extends SymbolicTensor[] ? SymbolicTensor : Tensor;

function merge<T extends MergeInputs>(layer: Merge, inputs: T): Merged<T> {
  return layer.apply(inputs as Tensor[]) as unknown as Merged<T>;
}

/**
 * `new Add(options).apply(inputs)` (keras.layers.add).
 *
 * @example
 * const sum = layers.add([Input({ shape: [16] }), Input({ shape: [16] })]);   // shape [null, 16]
 */
export function add<T extends MergeInputs>(inputs: T, options: LayerArgs = {}): Merged<T> {
  return merge(new Add(options), inputs);
}

/** `new Subtract(options).apply(inputs)` (keras.layers.subtract): the first input minus the second. */
export function subtract<T extends MergeInputs>(inputs: T, options: LayerArgs = {}): Merged<T> {
  return merge(new Subtract(options), inputs);
}

/** `new Multiply(options).apply(inputs)` (keras.layers.multiply). */
export function multiply<T extends MergeInputs>(inputs: T, options: LayerArgs = {}): Merged<T> {
  return merge(new Multiply(options), inputs);
}

/** `new Average(options).apply(inputs)` (keras.layers.average). */
export function average<T extends MergeInputs>(inputs: T, options: LayerArgs = {}): Merged<T> {
  return merge(new Average(options), inputs);
}

/** `new Maximum(options).apply(inputs)` (keras.layers.maximum). */
export function maximum<T extends MergeInputs>(inputs: T, options: LayerArgs = {}): Merged<T> {
  return merge(new Maximum(options), inputs);
}

/** `new Minimum(options).apply(inputs)` (keras.layers.minimum). */
export function minimum<T extends MergeInputs>(inputs: T, options: LayerArgs = {}): Merged<T> {
  return merge(new Minimum(options), inputs);
}

/**
 * `new Concatenate(options).apply(inputs)` (keras.layers.concatenate), along `axis` (default -1).
 *
 * @example
 * layers.concatenate([Input({ shape: [3] }), Input({ shape: [5] })]).shape;   // [null, 8]
 */
export function concatenate<T extends MergeInputs>(inputs: T, options: ConcatenateArgs = {}): Merged<T> {
  return merge(new Concatenate(options), inputs);
}

/**
 * `new Dot(options).apply(inputs)` (keras.layers.dot); `axes` defaults to -1 here, as in Keras's
 * helper (the Dot layer itself requires it).
 *
 * @example
 * layers.dot([a, b], { axes: 1, normalize: true });   // cosine similarity of [batch, n] rows
 */
export function dot<T extends MergeInputs>(inputs: T, options: Partial<DotArgs> = {}): Merged<T> {
  // Anything but an options object goes to Dot as is, for the constructor's message.
  const args = typeof options === 'object' && options !== null ? { ...options, axes: options.axes ?? -1 } : options;
  return merge(new Dot(args as DotArgs), inputs);
}
