// Activation functions of keras.ops that are short compositions of element-wise ops: hardSigmoid,
// hardSilu, softsign, logSigmoid, mish, hardTanh, squareplus, sparsePlus, celu and glu. They run
// on the active backend and are differentiated through the ops they use. The activations with a
// code of their own in shaders/unary.wgsl (relu, sigmoid, gelu, ...) live in elementwise.ts.
// Inputs are computed in float32 (an int32 tensor is cast first).

import { formatShape } from '../backend/types';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { abs, add, cast, clip, div, expm1, greaterEqual, lessEqual, minimum, mul, neg, relu, relu6, sigmoid, softplus, sqrt, square, tanh, where } from './elementwise';
import { split } from './shape';
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
