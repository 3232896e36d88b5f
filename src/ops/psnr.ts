// Peak signal-to-noise ratio (keras.ops.psnr): a composite of element-wise ops and a mean, so it
// runs on the active backend and is differentiable.

import { formatShape } from '../backend/types';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { cast, log10, squaredDifference } from './elementwise';
import { mean } from './reduce';
import { sameShape } from './shape_util';
import { checkTensor } from './validate';

/**
 * The peak signal-to-noise ratio of `x2` against `x1` (keras.ops.psnr), in decibels, over all
 * elements: 20 log10(maxVal) - 10 log10(mean((x1 - x2)²)), a float32 scalar (Infinity when they
 * are equal). `maxVal` is the largest possible signal value (1 for images in [0, 1], 255 for bytes).
 *
 * @example
 * ops.psnr(reference, reconstruction, 1);   // e.g. 32.5
 */
export function psnr(x1: Tensor, x2: Tensor, maxVal: number): Tensor {
  const op = 'psnr';
  checkTensor(op, x1);
  checkTensor(op, x2);
  if (!sameShape(x1.shape, x2.shape)) throw new Error(`${op}: input shapes ${formatShape(x1.shape)} and ${formatShape(x2.shape)} must match.`);
  if (typeof maxVal !== 'number' || !(maxVal > 0)) throw new Error(`${op}: maxVal must be a positive number, got ${JSON.stringify(maxVal)}.`);
  const asFloat = (t: Tensor) => (t.dtype === 'float32' ? t : cast(t, 'float32'));
  return tidy(() => log10(mean(squaredDifference(asFloat(x1), asFloat(x2)))).mul(-10).add(20 * Math.log10(maxVal)));
}
