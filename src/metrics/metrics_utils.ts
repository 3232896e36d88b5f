// Helpers shared by the metrics: rank alignment as Keras does it (labels of shape [N] against
// predictions of shape [N, 1] are brought to the same rank before they are compared), sample
// weights as tensors, argument checks, and division that gives 0 where the denominator is 0.

import { scalar } from '../tensor/creation';
import type { Tensor } from '../tensor/tensor';
import { cast } from '../ops/elementwise';
import { expandDims, squeeze } from '../ops/shape';
import type { SampleWeight } from './metric';

/**
 * When the ranks of `a` and `b` differ by one and the longer one ends in a dimension of 1, squeezes
 * that dimension, or (with `expandRank1` and a rank-1 shorter operand) expands the shorter one.
 */
export function squeezeOrExpandToSameRank(a: Tensor, b: Tensor, expandRank1 = true): [Tensor, Tensor] {
  if (a.rank === b.rank + 1 && a.shape[a.rank - 1] === 1) {
    return b.rank === 1 && expandRank1 ? [a, expandDims(b, -1)] : [squeeze(a, -1), b];
  }
  if (b.rank === a.rank + 1 && b.shape[b.rank - 1] === 1) {
    return a.rank === 1 && expandRank1 ? [expandDims(a, -1), b] : [a, squeeze(b, -1)];
  }
  return [a, b];
}

/** A sample weight as a float32 tensor (a number becomes a scalar). */
export function weightTensor(sampleWeight: SampleWeight, op: string): Tensor {
  if (typeof sampleWeight === 'number') return scalar(sampleWeight);
  if (!isTensor(sampleWeight)) {
    throw new Error(`${op}: sampleWeight must be a Tensor or a number, got ${Array.isArray(sampleWeight) ? 'an array (wrap it with tensor(...))' : typeof sampleWeight}.`);
  }
  return sampleWeight.dtype === 'float32' ? sampleWeight : cast(sampleWeight, 'float32');
}

/** a / b, and 0 where b is 0 (keras.ops.divide_no_nan). */
/** Throws a readable error unless `x` is a tensor. */
export function checkTensor(op: string, argument: string, x: unknown): asserts x is Tensor {
  if (!isTensor(x)) {
    throw new Error(`${op}: ${argument} must be a Tensor, got ${Array.isArray(x) ? 'an array (wrap it with tensor(...))' : x === null ? 'null' : typeof x}.`);
  }
}

/** `x` as float32, cast only when it is not already. */
export function asFloat(x: Tensor): Tensor {
  return x.dtype === 'float32' ? x : cast(x, 'float32');
}

function isTensor(x: unknown): x is Tensor {
  return x !== null && typeof x === 'object' && (x as Tensor).isTensorInstance === true;
}
