// The normalization functions of keras.ops.nn: `batchNormalization` (x normalized by a given mean
// and variance per entry of one axis, then scaled and shifted) and `layerNormalization` (x
// normalized by its own mean and variance over the given axes, then scaled by gamma and shifted by
// beta). Composites of element-wise ops and `moments`, so they run on the active backend and get
// their gradients from the ops they use.

import { epsilon as configEpsilon } from '../backend/config';
import { formatShape } from '../backend/types';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { add, cast, mul, rsqrt, sub } from './elementwise';
import { moments } from './moments';
import { reshape } from './shape';
import { normalizeAxes, normalizeAxis } from './shape_util';
import { checkTensor } from './validate';

const asFloat = (t: Tensor): Tensor => (t.dtype === 'float32' ? t : cast(t, 'float32'));

function checkEpsilon(op: string, epsilon: unknown): void {
  if (typeof epsilon !== 'number' || !(epsilon >= 0) || !Number.isFinite(epsilon)) {
    throw new Error(`${op}: Invalid value for argument epsilon. Expected a non-negative number. Received: epsilon=${String(epsilon)}.`);
  }
}

/**
 * Normalizes `x` by a given `mean` and `variance` along `axis` (keras.ops.batch_normalization):
 * `(x - mean) / sqrt(variance + epsilon) * scale + offset`, where mean, variance and the optional
 * offset and scale (null: none) are vectors of x's size along `axis`. epsilon defaults to 1e-3, as
 * Keras. The result is float32. Differentiable with respect to every tensor argument.
 *
 * @example
 * ops.batchNormalization(x, movingMean, movingVariance, -1, beta, gamma);   // x [32, 10], the rest [10]
 */
export function batchNormalization(x: Tensor, mean: Tensor, variance: Tensor, axis: number, offset: Tensor | null = null, scale: Tensor | null = null, epsilon = 1e-3): Tensor {
  const op = 'batchNormalization';
  checkTensor(op, x);
  const along = normalizeAxis(op, axis, x.rank);
  const size = x.shape[along];
  const vectors: Array<[string, Tensor | null]> = [['mean', mean], ['variance', variance], ['offset', offset], ['scale', scale]];
  for (const [name, vector] of vectors) {
    if (vector === null) continue;
    checkTensor(op, vector);
    if (vector.rank !== 1 || vector.shape[0] !== size) {
      throw new Error(`${op}: ${name} must be a vector of x's size along axis ${axis}, [${size}] (x has shape ${formatShape(x.shape)}), got shape ${formatShape(vector.shape)}.`);
    }
  }
  checkEpsilon(op, epsilon);
  const broadcastShape = x.shape.map((d, i) => (i === along ? d : 1));
  const along1 = (vector: Tensor) => reshape(asFloat(vector), broadcastShape);
  return tidy(() => {
    let inverse = rsqrt(add(along1(variance), epsilon));
    if (scale !== null) inverse = mul(inverse, along1(scale));
    const normalized = mul(sub(asFloat(x), along1(mean)), inverse);
    return offset === null ? normalized : add(normalized, along1(offset));
  });
}

/**
 * Layer normalization (keras.ops.layer_normalization, Ba et al., 2016): x minus its mean, divided
 * by sqrt(its variance + epsilon), both over `axis` (one axis or several, default the last), then
 * times `gamma` and plus `beta` (null: none). gamma and beta have the sizes of the normalized axes
 * (or broadcast against x); epsilon defaults to config.epsilon() (1e-7 unless set). The result is
 * float32. Differentiable with respect to x, gamma and beta.
 *
 * @example
 * ops.layerNormalization(ops.arange(5));   // [-1.4142, -0.7071, 0, 0.7071, 1.4142]
 */
export function layerNormalization(x: Tensor, gamma: Tensor | null = null, beta: Tensor | null = null, axis: number | readonly number[] = -1, epsilon = configEpsilon()): Tensor {
  const op = 'layerNormalization';
  checkTensor(op, x);
  const axes = normalizeAxes(op, axis, x.rank);
  checkEpsilon(op, epsilon);
  const normalizedShape = x.shape.map((d, i) => (axes.includes(i) ? d : 1));
  const onlyLast = axes.length === 1 && axes[0] === x.rank - 1;
  const parameter = (name: string, value: Tensor | null): Tensor | null => {
    if (value === null) return null;
    checkTensor(op, value);
    // As Keras: a parameter of another rank holds the normalized axes' sizes, placed on them.
    const reshaped = value.rank !== x.rank && !onlyLast;
    const sizes = axes.map((a) => x.shape[a]);
    const broadcasts = value.rank <= x.rank && value.shape.every((d, i) => d === 1 || d === x.shape[x.rank - value.rank + i]);
    if (reshaped ? value.size !== sizes.reduce((product, d) => product * d, 1) : !broadcasts) {
      throw new Error(`${op}: ${name} of shape ${formatShape(value.shape)} does not fit x of shape ${formatShape(x.shape)} normalized over axes [${axes.join(', ')}]; expected the sizes of those axes, [${sizes.join(', ')}].`);
    }
    return reshaped ? reshape(value, normalizedShape) : value;
  };
  return tidy(() => {
    const scale = parameter('gamma', gamma);
    const shift = parameter('beta', beta);
    const input = asFloat(x);
    const stats = moments(input, axes, { keepDims: true });
    let normalized = mul(sub(input, stats.mean), rsqrt(add(stats.variance, epsilon)));
    if (scale) normalized = mul(normalized, scale);
    return shift ? add(normalized, shift) : normalized;
  });
}
