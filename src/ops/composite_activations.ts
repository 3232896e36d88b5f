// Activation functions of keras.ops that are short compositions of element-wise ops: hardSigmoid,
// hardSilu, softsign, logSigmoid, mish, hardTanh, squareplus, sparsePlus, celu, glu, and the
// shrink and threshold functions (hardShrink, softShrink, tanhShrink, sparseSigmoid, threshold).
// They run on the active backend and are differentiated through the ops they use. sparsemax
// composes sort, cumsum and reductions, and states its own gradient (the Jacobian of a projection
// onto the simplex), which is cheaper than differentiating through the sort. The activations with
// a code of their own in shaders/unary.wgsl (relu, sigmoid, gelu, ...) live in elementwise.ts.
// Inputs are computed in float32 (an int32 tensor is cast first).

import { formatShape } from '../backend/types';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { customGradient } from '../autograd/custom_gradient';
import { abs, add, cast, clip, div, divNoNan, expm1, greater, greaterEqual, less, lessEqual, maximum, minimum, mul, neg, relu, relu6, sigmoid, softplus, sqrt, square, sub, tanh, where } from './elementwise';
import { range } from './creation';
import { sum } from './reduce';
import { cumsum } from './scan';
import { reshape, split } from './shape';
import { sort } from './sort';
import { normalizeAxis } from './shape_util';
import { checkTensor } from './validate';

/** The float32 input of an activation, after checking it is a tensor. */
function floatInput(op: string, x: Tensor): Tensor {
  checkTensor(op, x);
  return x.dtype === 'float32' ? x : cast(x, 'float32');
}

/**
 * relu6(x + 3) / 6: 0 below -3, 1 above 3, linear between (keras.ops.hard_sigmoid, Keras 3).
 * @example ops.hardSigmoid(tensor([-4, 0, 1.5])) // [0, 0.5, 0.75]
 */
export const hardSigmoid = (x: Tensor): Tensor => tidy(() => div(relu6(add(floatInput('hardSigmoid', x), 3)), 6));

/**
 * x * hardSigmoid(x) (keras.ops.hard_silu).
 * @example ops.hardSilu(tensor([-4, 0, 1.5])) // [0, 0, 1.125]
 */
export const hardSilu = (x: Tensor): Tensor =>
  tidy(() => {
    const v = floatInput('hardSilu', x);
    return mul(v, div(relu6(add(v, 3)), 6));
  });
/** x * hardSigmoid(x) (keras.ops.hard_swish, the same as hardSilu). */
export const hardSwish = hardSilu;

/**
 * x / (|x| + 1) (keras.ops.softsign).
 * @example ops.softsign(tensor([-3, 1])) // [-0.75, 0.5]
 */
export const softsign = (x: Tensor): Tensor =>
  tidy(() => {
    const v = floatInput('softsign', x);
    return div(v, add(abs(v), 1));
  });

/**
 * log(sigmoid(x)) = -softplus(-x), stable for large |x| (keras.ops.log_sigmoid).
 * @example ops.logSigmoid(tensor([0])) // [-0.6931]
 */
export const logSigmoid = (x: Tensor): Tensor => tidy(() => neg(softplus(neg(floatInput('logSigmoid', x)))));

/**
 * x * tanh(softplus(x)) (keras.ops.mish).
 * @example ops.mish(tensor([0, 1])) // [0, 0.8651]
 */
export const mish = (x: Tensor): Tensor =>
  tidy(() => {
    const v = floatInput('mish', x);
    return mul(v, tanh(softplus(v)));
  });

/**
 * x clipped to [-1, 1] (keras.ops.hard_tanh).
 * @example ops.hardTanh(tensor([-2, 0.5, 3])) // [-1, 0.5, 1]
 */
export const hardTanh = (x: Tensor): Tensor => tidy(() => clip(floatInput('hardTanh', x), -1, 1));

/**
 * (x + sqrt(x^2 + b)) / 2, a smooth relu (keras.ops.squareplus); `b` >= 0, default 4.
 * @example ops.squareplus(tensor([0, 3])) // [1, 3.5]
 */
export function squareplus(x: Tensor, b = 4): Tensor {
  if (typeof b !== 'number' || !(b >= 0)) throw new Error(`squareplus: Invalid value for argument b. Expected a non-negative number. Received: b=${String(b)}.`);
  return tidy(() => {
    const v = floatInput('squareplus', x);
    return div(add(v, sqrt(add(square(v), b))), 2);
  });
}

/**
 * 0 for x <= -1, x for x >= 1 and (x + 1)^2 / 4 between (keras.ops.sparse_plus).
 * @example ops.sparsePlus(tensor([-2, 0, 2])) // [0, 0.25, 2]
 */
export const sparsePlus = (x: Tensor): Tensor =>
  tidy(() => {
    const v = floatInput('sparsePlus', x);
    return where(lessEqual(v, -1), 0, where(greaterEqual(v, 1), v, div(square(add(v, 1)), 4)));
  });

/**
 * max(x, 0) + alpha * (exp(min(x, 0) / alpha) - 1), a continuously differentiable ELU
 * (keras.ops.celu); `alpha` > 0, default 1.
 * @example ops.celu(tensor([-1, 2])) // [-0.6321, 2]
 */
export function celu(x: Tensor, alpha = 1): Tensor {
  if (typeof alpha !== 'number' || !(alpha > 0)) throw new Error(`celu: Invalid value for argument alpha. Expected a positive number. Received: alpha=${String(alpha)}.`);
  return tidy(() => {
    const v = floatInput('celu', x);
    return add(relu(v), mul(expm1(div(minimum(v, 0), alpha)), alpha));
  });
}

/**
 * The gated linear unit (keras.ops.glu): `x` split in halves a, b along `axis` (default -1),
 * then a * sigmoid(b). The size along `axis` must be even.
 * @example ops.glu(tensor([1, 2, 0, 100])) // [0.5, 2]
 */
export function glu(x: Tensor, axis = -1): Tensor {
  checkTensor('glu', x);
  const along = normalizeAxis('glu', axis, x.rank);
  if (x.rank === 0 || x.shape[along] % 2 !== 0) {
    throw new Error(`glu: Invalid value for argument x. Expected an even size along axis ${axis}. Received: x of shape ${formatShape(x.shape)}.`);
  }
  return tidy(() => {
    const [a, b] = split(floatInput('glu', x), 2, along);
    return mul(a, sigmoid(b));
  });
}

/** Throws unless `value` is a number (not NaN), naming the op and the argument. */
function checkNumber(op: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new Error(`${op}: Invalid value for argument ${name}. Expected a number. Received: ${name}=${String(value)}.`);
}

/**
 * x where |x| > threshold, else 0 (keras.ops.hard_shrink); `threshold` defaults to 0.5.
 * @example ops.hardShrink(tensor([-1, 0.3, 0.5, 0.7])) // [-1, 0, 0, 0.7]
 */
export function hardShrink(x: Tensor, threshold = 0.5): Tensor {
  checkNumber('hardShrink', 'threshold', threshold);
  return tidy(() => {
    const v = floatInput('hardShrink', x);
    return where(greater(abs(v), threshold), v, 0);
  });
}

/**
 * x - threshold above threshold, x + threshold below -threshold, 0 between
 * (keras.ops.soft_shrink); `threshold` defaults to 0.5.
 * @example ops.softShrink(tensor([-1, 0.3, 0.7])) // [-0.5, 0, 0.2]
 */
export function softShrink(x: Tensor, threshold = 0.5): Tensor {
  checkNumber('softShrink', 'threshold', threshold);
  return tidy(() => {
    const v = floatInput('softShrink', x);
    return where(greater(v, threshold), sub(v, threshold), where(less(v, -threshold), add(v, threshold), 0));
  });
}

/**
 * x - tanh(x) (keras.ops.tanh_shrink).
 * @example ops.tanhShrink(tensor([0, 1])) // [0, 0.2384]
 */
export const tanhShrink = (x: Tensor): Tensor =>
  tidy(() => {
    const v = floatInput('tanhShrink', x);
    return sub(v, tanh(v));
  });

/**
 * 0 for x <= -1, 1 for x >= 1 and (x + 1) / 2 between (keras.ops.sparse_sigmoid).
 * @example ops.sparseSigmoid(tensor([-2, 0, 0.5, 2])) // [0, 0.5, 0.75, 1]
 */
export const sparseSigmoid = (x: Tensor): Tensor =>
  tidy(() => {
    const v = floatInput('sparseSigmoid', x);
    return where(lessEqual(v, -1), 0, where(greaterEqual(v, 1), 1, div(add(v, 1), 2)));
  });

/**
 * x where x > threshold, else `defaultValue` (keras.ops.threshold; both arguments required).
 * @example ops.threshold(tensor([-1, 0.5, 2]), 0.5, -9) // [-9, -9, 2]
 */
export function threshold(x: Tensor, threshold: number, defaultValue: number): Tensor {
  checkNumber('threshold', 'threshold', threshold);
  checkNumber('threshold', 'defaultValue', defaultValue);
  return tidy(() => {
    const v = floatInput('threshold', x);
    return where(greater(v, threshold), v, defaultValue);
  });
}

/**
 * The Euclidean projection of `x` onto the probability simplex along `axis` (default -1),
 * max(x - tau, 0) with tau chosen so that the result sums to 1 (keras.ops.sparsemax; Martins and
 * Astudillo, 2016): like softmax, but exactly 0 for the classes far below the largest.
 *
 * Keras 3.16 computes tau from the sum of the cumulative sums over the support instead of the
 * sum of the support's values, so its result does not sum to 1 when more than one class is kept
 * (keras-team/keras#23425, fixed upstream by #23469); this follows the fixed formula. Where one
 * class is kept, both agree.
 * @example ops.sparsemax(tensor([0, 0.5, 1])) // [0, 0.25, 0.75]
 */
export function sparsemax(x: Tensor, axis = -1): Tensor {
  checkTensor('sparsemax', x);
  if (x.rank === 0) throw new Error('sparsemax: Invalid value for argument x. Expected a tensor of rank at least 1. Received: x of shape [].');
  const along = normalizeAxis('sparsemax', axis, x.rank);
  const n = x.shape[along];
  const positionShape = x.shape.map((d, i) => (i === along ? d : 1));
  return customGradient(function sparsemax(v: Tensor) {
    const y = tidy(() => {
      const sorted = neg(sort(neg(v), along));
      const positions = reshape(range(1, n + 1), positionShape);
      // Sorted position j (1-based) is in the support when 1 + j * sorted[j] > cumsum(sorted)[j].
      const support = greater(sub(sorted, div(sub(cumsum(sorted, along), 1), positions)), 0);
      const size = sum(cast(support, 'float32'), along, true);
      const tau = div(sub(sum(where(support, sorted, 0), along, true), 1), size);
      return maximum(sub(v, tau), 0);
    });
    // d y / d x = diag(s) - s s^T / |S| for the support s: the upstream gradient, centred over the support.
    const gradient = (dy: Tensor) =>
      tidy(() => {
        const inSupport = cast(greater(y, 0), 'float32');
        const centre = divNoNan(sum(mul(dy, inSupport), along, true), sum(inSupport, along, true));
        return mul(inSupport, sub(dy, centre));
      });
    return [y, gradient];
  })(floatInput('sparsemax', x));
}
