// Root-mean-square normalization (keras.ops.rms_normalization): `x * rsqrt(mean(x^2) + epsilon)`
// over the given axes, times an optional scale. A composite of element-wise ops and a mean, so it
// runs on the active backend and gets its gradient from the ops it uses.

import { epsilon as configEpsilon } from '../backend/config';
import { formatShape } from '../backend/types';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { cast, mul, rsqrt, square } from './elementwise';
import { mean } from './reduce';
import { expandDims } from './shape';
import { normalizeAxes } from './shape_util';
import { checkOperand, checkTensor } from './validate';

/**
 * Divides `x` by its root mean square over `axis` (one axis or several, default the last), then
 * multiplies by `scale` (a tensor broadcast against `x`, or a number; null for none), as
 * keras.ops.rms_normalization: `x * rsqrt(mean(square(x), axis, keepdims) + epsilon) * scale`.
 * epsilon defaults to config.epsilon() (1e-7 unless set). The result is float32; a scalar is
 * treated as a vector of one element.
 *
 * @example
 * ops.rmsNormalization(tensor([[3, 4]]));                        // [[0.8485, 1.1314]]
 * ops.rmsNormalization(x, gamma, -1, 1e-6);                      // gamma of shape [features]
 */
export function rmsNormalization(x: Tensor, scale: Tensor | number | null = null, axis: number | readonly number[] = -1, epsilon = configEpsilon()): Tensor {
  checkTensor('rmsNormalization', x);
  if (scale !== null) checkOperand('rmsNormalization', scale);
  if (typeof epsilon !== 'number' || !(epsilon >= 0) || !Number.isFinite(epsilon)) {
    throw new Error(`rmsNormalization: Invalid value for argument epsilon. Expected a non-negative number. Received: epsilon=${String(epsilon)}.`);
  }
  const shape = x.rank === 0 ? [1] : [...x.shape];
  const axes = normalizeAxes('rmsNormalization', axis, shape.length);
  if (scale !== null && typeof scale !== 'number') {
    const fits = scale.rank <= shape.length && scale.shape.every((d, i) => d === 1 || d === shape[shape.length - scale.rank + i]);
    if (!fits) {
      throw new Error(`rmsNormalization: scale of shape ${formatShape(scale.shape)} does not broadcast to x's shape ${formatShape(shape)}; expected the sizes of the normalized axes (e.g. [${axes.map((a) => shape[a]).join(', ')}] when they are the last ones).`);
    }
  }
  return tidy(() => {
    const float = x.dtype === 'float32' ? x : cast(x, 'float32');
    const vector = x.rank === 0 ? expandDims(float, 0) : float;
    const normalized = mul(vector, rsqrt(mean(square(vector), axes, true).add(epsilon)));
    return scale === null ? normalized : mul(normalized, scale);
  });
}
