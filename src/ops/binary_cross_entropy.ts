// Element-wise binary cross-entropy (keras.ops.binary_crossentropy): no reduction, the loss of
// each prediction against its target. A composite of element-wise ops, so it runs on the active
// backend and gets its gradient from them.

import { epsilon } from '../backend/config';
import { formatShape } from '../backend/types';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { clip, log, mul, softplus, sub } from './elementwise';
import { sameShape } from './shape_util';
import { checkOptionNames, checkTensor } from './validate';

export interface BinaryCrossentropyOpOptions {
  /** Whether `output` holds logits rather than probabilities. Default false. */
  fromLogits?: boolean;
}

const OPTIONS: Record<keyof BinaryCrossentropyOpOptions, true> = { fromLogits: true };

/**
 * Binary cross-entropy of each element of `output` against `target` of the same shape
 * (keras.ops.binary_crossentropy), unreduced: -(t log p + (1 - t) log(1 - p)) with p clipped to
 * [epsilon, 1 - epsilon] (config.epsilon(), default 1e-7); from logits x, softplus(x) - x t, exact for large |x| (as Keras's TensorFlow
 * and JAX backends; its NumPy backend clips sigmoid(x) instead). float32 result; differentiable
 * with respect to both arguments.
 *
 * @example
 * ops.binaryCrossentropy(tensor([0, 1, 1]), tensor([0.1, 0.9, 0.8]));   // [0.1054, 0.1054, 0.2231]
 */
export function binaryCrossentropy(target: Tensor, output: Tensor, options: BinaryCrossentropyOpOptions = {}): Tensor {
  const op = 'binaryCrossentropy';
  checkOptionNames(op, options, OPTIONS);
  checkTensor(op, target);
  checkTensor(op, output);
  const { fromLogits = false } = options;
  if (typeof fromLogits !== 'boolean') throw new Error(`${op}: fromLogits must be a boolean, got ${JSON.stringify(fromLogits)}.`);
  if (!sameShape(target.shape, output.shape)) {
    throw new Error(`${op}: target and output must have the same shape. Received: target.shape=${formatShape(target.shape)}, output.shape=${formatShape(output.shape)}.`);
  }
  if (output.dtype !== 'float32') {
    throw new Error(`${op}: output is ${output.dtype} (shape ${formatShape(output.shape)}); it must be float32. Cast it first: ops.cast(output, 'float32').`);
  }
  return tidy(() => {
    if (fromLogits) return sub(softplus(output), mul(output, target));
    const clipAt = epsilon();
    const p = clip(output, clipAt, 1 - clipAt);
    return mul(target, log(p)).add(mul(sub(1, target), log(sub(1, p)))).neg();
  });
}
