// Helpers every loss function shares: argument checks that run before any GPU work (so a wrong
// shape fails with the loss's name, not deep inside an op) and Keras's rank reconciliation of labels
// and predictions. Pure shape logic and op calls; no buffers, no reads.

import { formatShape } from '../backend/types';
import { cast } from '../ops/elementwise';
import { expandDims, squeeze } from '../ops/shape';
import type { Tensor } from '../tensor/tensor';

/** Throws unless `x` is a Tensor of rank >= 1, naming the loss and the argument. */
export function checkLossInput(loss: string, role: 'yTrue' | 'yPred', x: unknown): asserts x is Tensor {
  if (x === null || typeof x !== 'object' || !(x as Tensor).isTensorInstance) {
    const got = Array.isArray(x) ? 'an array (wrap it with tensor(...))' : x === null ? 'null' : typeof x;
    throw new Error(`${loss}: expected ${role} to be a Tensor, got ${got}.`);
  }
  if ((x as Tensor).rank === 0) throw new Error(`${loss}: expected ${role} of rank at least 1 (a batch), got a scalar.`);
}

/**
 * Keras's `squeeze_or_expand_to_same_rank`: when the ranks differ by one and the longer shape ends
 * in 1, that trailing 1 is dropped, or, when the other tensor has rank 1, added to it.
 */
export function squeezeOrExpandToSameRank(a: Tensor, b: Tensor): [Tensor, Tensor] {
  if (a.rank === b.rank + 1 && a.shape[a.rank - 1] === 1) {
    return b.rank === 1 ? [a, expandDims(b, -1)] : [squeeze(a, -1), b];
  }
  if (b.rank === a.rank + 1 && b.shape[b.rank - 1] === 1) {
    return a.rank === 1 ? [expandDims(a, -1), b] : [a, squeeze(b, -1)];
  }
  return [a, b];
}

/**
 * Checks both inputs, reconciles their ranks as Keras does, requires equal shapes (no silent
 * broadcasting of labels against predictions) and casts both to float32.
 */
export function alignedPair(loss: string, yTrue: Tensor, yPred: Tensor, hint = ''): [Tensor, Tensor] {
  checkLossInput(loss, 'yTrue', yTrue);
  checkLossInput(loss, 'yPred', yPred);
  const [t, p] = squeezeOrExpandToSameRank(yTrue, yPred);
  checkSameShape(loss, yTrue, yPred, t, p, hint);
  return [toFloat(t), toFloat(p)];
}

/** Like alignedPair without the rank reconciliation: the shapes must already be equal. */
export function exactPair(loss: string, yTrue: Tensor, yPred: Tensor, hint = ''): [Tensor, Tensor] {
  checkLossInput(loss, 'yTrue', yTrue);
  checkLossInput(loss, 'yPred', yPred);
  checkSameShape(loss, yTrue, yPred, yTrue, yPred, hint);
  return [toFloat(yTrue), toFloat(yPred)];
}

function checkSameShape(loss: string, yTrue: Tensor, yPred: Tensor, t: Tensor, p: Tensor, hint: string): void {
  if (t.rank === p.rank && t.shape.every((d, i) => d === p.shape[i])) return;
  throw new Error(`${loss}: yTrue shape ${formatShape(yTrue.shape)} and yPred shape ${formatShape(yPred.shape)} differ${hint ? `; ${hint}` : ''}.`);
}

export function toFloat(x: Tensor): Tensor {
  return x.dtype === 'float32' ? x : cast(x, 'float32');
}

/** The axis as a non-negative index into a shape of `rank`, or an error naming the loss. */
export function resolveAxis(loss: string, axis: number, rank: number): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new Error(`${loss}: axis ${String(axis)} is out of range for inputs of rank ${rank} (expected an integer in [${-rank}, ${rank - 1}]).`);
  }
  return axis < 0 ? axis + rank : axis;
}

export function checkLabelSmoothing(loss: string, labelSmoothing: number): void {
  if (typeof labelSmoothing !== 'number' || !(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new Error(`${loss}: labelSmoothing must be a number in [0, 1]. Received: labelSmoothing=${String(labelSmoothing)}`);
  }
}

export function checkBoolean(loss: string, name: string, value: unknown): void {
  if (typeof value !== 'boolean') throw new Error(`${loss}: ${name} must be a boolean. Received: ${name}=${String(value)}`);
}

export function checkNonNegative(loss: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${loss}: ${name} must be a finite number >= 0. Received: ${name}=${String(value)}`);
  }
}
