// Element-wise ops: unary functions, binary arithmetic and comparisons with NumPy broadcasting,
// `where`, `clip` and `cast`. One table per family gives each op its code in the WGSL kernel
// (shaders/unary.wgsl, shaders/binary.wgsl, shaders/where.wgsl) and its CPU reference.
// Math runs in float32, except where int32 operands give an int32 result (arithmetic, pow,
// comparisons, logical and integer-only ops, neg, abs, sign, square, relu, relu6, round, clip,
// cast, trunc): both backends compute those in int32, exact over the whole range and wrapping on
// overflow as NumPy's int32, with integer number operands passed to the GPU as int32 bits. The
// float64 references of the special functions (erfc, erfinv, i0, gammainc, ...) live in
// ./special_functions.

import { formatShape, type DType, type TypedArray } from '../backend/types';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import { scalar } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import type { Tensor, TensorLike } from '../tensor/tensor';
import { recordGradient } from '../autograd/tape';
import { sumToShape } from '../autograd/unbroadcast';
import { runKernel1, type Kernel } from './kernel';
import { broadcastShapes, broadcastStrides, checkRank, MAX_RANK, sameShape } from './shape_util';
import {
  besselI0Reference,
  besselI1Reference,
  erfcReference,
  erfinvReference,
  fmodInt,
  gammaDensityReference,
  gammaincReference,
  gcdInt,
  lcmInt,
  leftShiftInt,
  nextafterFloat32Reference,
  rightShiftInt,
  sincDerivativeReference,
  sincReference,
} from './special_functions';
import { checkDtype, checkOperand, checkTensor } from './validate';
import stableMath from '../../shaders/stable_math.wgsl?raw';
import unaryShader from '../../shaders/unary.wgsl?raw';
import binaryShader from '../../shaders/binary.wgsl?raw';
import whereShader from '../../shaders/where.wgsl?raw';

const UNARY_SOURCE = `${stableMath}\n${unaryShader}`;
const BINARY_SOURCE = `${stableMath}\n${binaryShader}`;

const WORKGROUP_SIZE = 256;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** How an op's output dtype follows from its input dtype. */
type DTypeRule = 'same' | 'float' | 'bool';

interface UnaryOp {
  code: number;
  dtype: DTypeRule;
  cpu: (v: number, alpha: number, beta: number, isIntInput: boolean) => number;
  /** d(out)/d(x) times dy, from x, the output y and the op's parameters; absent: not differentiable. */
  grad?: (dy: Tensor, x: Tensor, y: Tensor, alpha: number, beta: number) => Tensor;
}

const SELU_SCALE = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

const sigmoidRef = (v: number) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

/** Codes match the `switch OP` of shaders/unary.wgsl. */
const UNARY_OPS = {
  neg: { code: 0, dtype: 'same', cpu: (v) => -v,
    grad: (dy) => neg(dy) },
  abs: { code: 1, dtype: 'same', cpu: (v) => Math.abs(v),
    grad: (dy, x) => dy.mul(sign(x)) },
  sign: { code: 2, dtype: 'same', cpu: (v) => Math.sign(v),
    grad: (dy) => dy.mul(0) },
  square: { code: 3, dtype: 'same', cpu: (v, _a, _b, isInt) => (isInt ? Math.imul(v, v) : v * v),
    grad: (dy, x) => dy.mul(x).mul(2) },
  sqrt: { code: 4, dtype: 'float', cpu: (v) => Math.sqrt(v),
    grad: (dy, _x, y) => dy.div(y.mul(2)) },
  rsqrt: { code: 5, dtype: 'float', cpu: (v) => 1 / Math.sqrt(v),
    grad: (dy, _x, y) => dy.mul(y.pow(3)).mul(-0.5) },
  exp: { code: 6, dtype: 'float', cpu: (v) => Math.exp(v),
    grad: (dy, _x, y) => dy.mul(y) },
  log: { code: 7, dtype: 'float', cpu: (v) => Math.log(v),
    grad: (dy, x) => dy.div(x) },
  log1p: { code: 8, dtype: 'float', cpu: (v) => Math.log1p(v),
    grad: (dy, x) => dy.div(x.add(1)) },
  expm1: { code: 9, dtype: 'float', cpu: (v) => Math.expm1(v),
    grad: (dy, _x, y) => dy.mul(y.add(1)) },
  sin: { code: 10, dtype: 'float', cpu: (v) => Math.sin(v),
    grad: (dy, x) => dy.mul(cos(x)) },
  cos: { code: 11, dtype: 'float', cpu: (v) => Math.cos(v),
    grad: (dy, x) => dy.mul(sin(x)).neg() },
  tanh: { code: 12, dtype: 'float', cpu: (v) => Math.tanh(v),
    grad: (dy, _x, y) => dy.mul(sub(1, y.square())) },
  sigmoid: { code: 13, dtype: 'float', cpu: sigmoidRef,
    grad: (dy, _x, y) => dy.mul(y.mul(sub(1, y))) },
  softplus: { code: 14, dtype: 'float', cpu: (v) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))),
    grad: (dy, x) => dy.mul(sigmoid(x)) },
  relu: { code: 15, dtype: 'same', cpu: (v) => Math.max(v, 0),
    grad: (dy, x) => dy.mul(greater(x, 0)) },
  relu6: { code: 16, dtype: 'same', cpu: (v) => Math.min(Math.max(v, 0), 6),
    grad: (dy, x) => dy.mul(logicalAnd(greater(x, 0), less(x, 6))) },
  leakyRelu: { code: 17, dtype: 'float', cpu: (v, alpha) => (v >= 0 ? v : v * alpha),
    grad: (dy, x, _y, alpha) => dy.mul(where(greaterEqual(x, 0), 1, alpha)) },
  elu: { code: 18, dtype: 'float', cpu: (v, alpha) => (v > 0 ? v : alpha * Math.expm1(v)),
    grad: (dy, x, y, alpha) => dy.mul(where(greater(x, 0), 1, y.add(alpha))) },
  selu: { code: 19, dtype: 'float', cpu: (v) => SELU_SCALE * (v > 0 ? v : SELU_ALPHA * Math.expm1(v)),
    grad: (dy, x, y) => dy.mul(where(greater(x, 0), SELU_SCALE, y.add(SELU_SCALE * SELU_ALPHA))) },
  gelu: { code: 20, dtype: 'float', cpu: (v) => 0.5 * v * (1 + erfReference(v / Math.SQRT2)),
    grad: (dy, x) => dy.mul(erf(x.mul(Math.SQRT1_2)).add(1).mul(0.5).add(x.mul(exp(x.square().mul(-0.5))).mul(1 / Math.sqrt(2 * Math.PI)))) },
  geluTanh: { code: 21, dtype: 'float', cpu: (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))),
    grad: (dy, x) => {
      const k = Math.sqrt(2 / Math.PI);
      const t = tanh(x.add(x.pow(3).mul(0.044715)).mul(k));
      const dInner = x.square().mul(3 * 0.044715).add(1).mul(k);
      return dy.mul(t.add(1).mul(0.5).add(x.mul(sub(1, t.square())).mul(dInner).mul(0.5)));
    } },
  swish: { code: 22, dtype: 'float', cpu: (v) => v * sigmoidRef(v),
    grad: (dy, x) => {
      const s = sigmoid(x);
      return dy.mul(s.mul(x.mul(sub(1, s)).add(1)));
    } },
  floor: { code: 23, dtype: 'float', cpu: (v) => Math.floor(v),
    grad: (dy) => dy.mul(0) },
  ceil: { code: 24, dtype: 'float', cpu: (v) => Math.ceil(v),
    grad: (dy) => dy.mul(0) },
  round: { code: 25, dtype: 'same', cpu: (v) => roundHalfToEven(v),
    grad: (dy) => dy.mul(0) },
  clip: { code: 26, dtype: 'same', cpu: (v, lo, hi) => Math.min(Math.max(v, lo), hi),
    grad: (dy, x, _y, lo, hi) => dy.mul(logicalAnd(greaterEqual(x, lo), lessEqual(x, hi))) },
  logicalNot: { code: 27, dtype: 'bool', cpu: (v) => (v === 0 ? 1 : 0) },
  isNaN: { code: 28, dtype: 'bool', cpu: (v, _a, _b, isInt) => (!isInt && Number.isNaN(v) ? 1 : 0) },
  isFinite: { code: 29, dtype: 'bool', cpu: (v, _a, _b, isInt) => (isInt || Number.isFinite(v) ? 1 : 0) },
  erf: { code: 31, dtype: 'float', cpu: (v) => erfReference(v), grad: (dy, x) => dy.mul(exp(x.square().neg())).mul(2 / Math.sqrt(Math.PI)) },
  cast: { code: 30, dtype: 'same', cpu: (v) => v,
    grad: (dy) => dy },
  tan: { code: 32, dtype: 'float', cpu: (v) => Math.tan(v),
    grad: (dy, _x, y) => dy.mul(y.square().add(1)) },
  sinh: { code: 33, dtype: 'float', cpu: (v) => Math.sinh(v),
    grad: (dy, x) => dy.mul(cosh(x)) },
  cosh: { code: 34, dtype: 'float', cpu: (v) => Math.cosh(v),
    grad: (dy, x) => dy.mul(sinh(x)) },
  arcsin: { code: 35, dtype: 'float', cpu: (v) => Math.asin(v),
    grad: (dy, x) => dy.mul(rsqrt(sub(1, x.square()))) },
  arccos: { code: 36, dtype: 'float', cpu: (v) => Math.acos(v),
    grad: (dy, x) => dy.mul(rsqrt(sub(1, x.square()))).neg() },
  arctan: { code: 37, dtype: 'float', cpu: (v) => Math.atan(v),
    grad: (dy, x) => dy.div(x.square().add(1)) },
  arcsinh: { code: 38, dtype: 'float', cpu: (v) => Math.asinh(v),
    grad: (dy, x) => dy.mul(rsqrt(x.square().add(1))) },
  arccosh: { code: 39, dtype: 'float', cpu: (v) => Math.acosh(v),
    grad: (dy, x) => dy.mul(rsqrt(x.square().sub(1))) },
  arctanh: { code: 40, dtype: 'float', cpu: (v) => Math.atanh(v),
    grad: (dy, x) => dy.div(sub(1, x.square())) },
  exp2: { code: 41, dtype: 'float', cpu: (v) => 2 ** v,
    grad: (dy, _x, y) => dy.mul(y).mul(Math.LN2) },
  trunc: { code: 42, dtype: 'same', cpu: (v) => Math.trunc(v),
    grad: (dy) => dy.mul(0) },
  signbit: { code: 43, dtype: 'bool', cpu: (v) => (v < 0 || Object.is(v, -0) ? 1 : 0) },
  isinf: { code: 44, dtype: 'bool', cpu: (v) => (v === Infinity || v === -Infinity ? 1 : 0) },
  cbrt: { code: 45, dtype: 'float', cpu: (v) => Math.cbrt(v),
    grad: (dy, _x, y) => dy.div(y.square().mul(3)) },
  erfc: { code: 46, dtype: 'float', cpu: (v) => erfcReference(v),
    grad: (dy, x) => dy.mul(exp(x.square().neg())).mul(-2 / Math.sqrt(Math.PI)) },
  erfinv: { code: 47, dtype: 'float', cpu: (v) => erfinvReference(v),
    grad: (dy, _x, y) => dy.mul(exp(y.square())).mul(Math.sqrt(Math.PI) / 2) },
  sinc: { code: 48, dtype: 'float', cpu: (v) => sincReference(v),
    grad: (dy, x) => dy.mul(sincDerivative(x)) },
  i0: { code: 49, dtype: 'float', cpu: (v) => besselI0Reference(v),
    grad: (dy, x) => dy.mul(besselI1(x)) },
  // Not exported: i0's derivative.
  besselI1: { code: 50, dtype: 'float', cpu: (v) => besselI1Reference(v) },
  isneginf: { code: 51, dtype: 'bool', cpu: (v) => (v === -Infinity ? 1 : 0) },
  isposinf: { code: 52, dtype: 'bool', cpu: (v) => (v === Infinity ? 1 : 0) },
  isreal: { code: 53, dtype: 'bool', cpu: () => 1 },
  bitwiseNot: { code: 54, dtype: 'same', cpu: (v) => ~v },
  // Not exported: sinc's derivative.
  sincDerivative: { code: 55, dtype: 'float', cpu: (v) => sincDerivativeReference(v) },
  // saturateCast's clip to [lo, hi] for the conversion to int32: above hi (2^31 and up) 2^31 - 1, NaN 0, as Keras on JAX.
  saturateToInt32: { code: 56, dtype: 'same', cpu: (v, lo, hi) => (Number.isNaN(v) ? 0 : v > hi ? INT32_MAX : Math.max(v, lo)) },
} satisfies Record<string, UnaryOp>;

type UnaryName = keyof typeof UNARY_OPS;

interface UnaryAttrs {
  op: UnaryOp;
  alpha: number;
  beta: number;
}

const unaryKernel: Kernel<UnaryAttrs> = {
  name: 'unary',
  cpu([x], [y], { op, alpha, beta }) {
    const isInt = x.dtype === 'int32';
    const src = x.values;
    const dst = y.values;
    for (let i = 0; i < dst.length; i++) dst[i] = op.cpu(src[i], alpha, beta, isInt);
    if (y.dtype === 'int32') truncateInPlace(dst);
  },
  webgpu(gpu, [x], [y], { op, alpha, beta }) {
    gpu.dispatch({
      shader: UNARY_SOURCE,
      constants: { OP: op.code, IN_INT: x.dtype === 'int32', OUT_INT: y.dtype === 'int32' },
      uniforms: new Uniforms().u32(y.size).f32(alpha, beta).i32(int32Bound(alpha), int32Bound(beta)).finish(),
      buffers: [x.buffer, y.buffer],
      workgroups: gridFor(y.size, WORKGROUP_SIZE),
    });
  },
};

/** A bound truncated toward zero and clamped to the int32 range (clip's bounds for int32 input; NaN gives 0). */
function int32Bound(v: number): number {
  return Number.isNaN(v) ? 0 : Math.min(Math.max(Math.trunc(v), INT32_MIN), INT32_MAX);
}

/**
 * A number operand becomes a scalar as Keras converts Python numbers (ops.square(1e-3)): int32
 * when it is an integer, else float32.
 */
function unary(name: UnaryName, x: TensorLike, alpha = 0, beta = 0, dtype?: DType): Tensor {
  if (typeof x === 'number') {
    const owned = scalar(x, Number.isInteger(x) ? 'int32' : 'float32');
    try {
      return unary(name, owned, alpha, beta, dtype);
    } finally {
      owned.dispose();
    }
  }
  checkTensor(name, x);
  const op: UnaryOp = UNARY_OPS[name];
  const outDtype = dtype ?? (op.dtype === 'same' ? x.dtype : op.dtype === 'bool' ? 'int32' : 'float32');
  const y = runKernel1(unaryKernel, [x], { shape: x.shape, dtype: outDtype }, { op, alpha, beta }, name);
  const grad = op.grad;
  if (grad && x.dtype === 'float32' && outDtype === 'float32') {
    recordGradient(name, [x], [y], () => ([dy]) => [grad(dy, x, y, alpha, beta)]);
  }
  return y;
}

/** -x */
export const neg = (x: TensorLike): Tensor => unary('neg', x);
/** -x (Keras's name for neg). */
export const negative = neg;
/** |x| */
export const abs = (x: TensorLike): Tensor => unary('abs', x);
/** |x| (Keras's name for abs). */
export const absolute = abs;
/** -1, 0 or 1 by the sign of x. */
export const sign = (x: TensorLike): Tensor => unary('sign', x);
export const square = (x: TensorLike): Tensor => unary('square', x);
export const sqrt = (x: TensorLike): Tensor => unary('sqrt', x);
/** 1 / sqrt(x) */
export const rsqrt = (x: TensorLike): Tensor => unary('rsqrt', x);
export const exp = (x: TensorLike): Tensor => unary('exp', x);
/** Natural logarithm. */
export const log = (x: TensorLike): Tensor => unary('log', x);
/** Base-2 logarithm; float32. */
export const log2 = (x: TensorLike): Tensor => tidy(() => log(x).mul(Math.LOG2E));
/** Base-10 logarithm; float32. */
export const log10 = (x: TensorLike): Tensor => tidy(() => log(x).mul(Math.LOG10E));
/** log(1 + x), accurate near 0. */
export const log1p = (x: TensorLike): Tensor => unary('log1p', x);
/** exp(x) - 1, accurate near 0. */
export const expm1 = (x: TensorLike): Tensor => unary('expm1', x);
export const sin = (x: TensorLike): Tensor => unary('sin', x);
export const cos = (x: TensorLike): Tensor => unary('cos', x);
export const tanh = (x: TensorLike): Tensor => unary('tanh', x);
/** 1 / (1 + exp(-x)), stable for large |x|. */
export const sigmoid = (x: TensorLike): Tensor => unary('sigmoid', x);
/** log(1 + exp(x)), stable for large |x|. */
export const softplus = (x: TensorLike): Tensor => unary('softplus', x);
/** max(x, 0) */
export const relu = (x: TensorLike): Tensor => unary('relu', x);
/** min(max(x, 0), 6) */
export const relu6 = (x: TensorLike): Tensor => unary('relu6', x);
/** x where x >= 0, alpha * x elsewhere (alpha defaults to 0.2, as keras.ops.leaky_relu). */
export const leakyRelu = (x: TensorLike, alpha = 0.2): Tensor => unary('leakyRelu', x, alpha);
/** x where x > 0, alpha * (exp(x) - 1) elsewhere. */
export const elu = (x: TensorLike, alpha = 1): Tensor => unary('elu', x, alpha);
/** Scaled ELU with the constants of Klambauer et al. */
export const selu = (x: TensorLike): Tensor => unary('selu', x);
/**
 * Gaussian error linear unit (keras.ops.gelu): the tanh approximation by default, as Keras's op;
 * the exact x·Φ(x) (erf) with `approximate` false. The activation 'gelu' of layers is exact, as
 * Keras's activation.
 */
export const gelu = (x: TensorLike, approximate = true): Tensor => unary(approximate ? 'geluTanh' : 'gelu', x);
/** x * sigmoid(x) */
export const swish = (x: TensorLike): Tensor => unary('swish', x);
/** Same as swish. */
export const silu = swish;
/**
 * Rounds toward -infinity; float32, int32 input included (keras.ops.floor promotes integers).
 * @example ops.floor(tensor([-1.5, 2.5])) // [-2, 2]
 */
export const floor = (x: TensorLike): Tensor => unary('floor', x);
/**
 * Rounds toward +infinity; float32, int32 input included (keras.ops.ceil promotes integers).
 * @example ops.ceil(tensor([-1.5, 2.5])) // [-1, 3]
 */
export const ceil = (x: TensorLike): Tensor => unary('ceil', x);
/**
 * Rounds half to even (as NumPy and TensorFlow) to `decimals` decimal places (keras.ops.round):
 * x * 10^decimals rounded, divided by 10^decimals, in float32 as JAX. An int32 tensor keeps its
 * values for decimals >= 0 and rounds to a multiple of 10^-decimals below (int32).
 * @example ops.round(tensor([1.25, 2.35, 6.5]), 1) // [1.2, 2.4, 6.5]; ops.round(tensor([15, 25], [2], 'int32'), -1) // [20, 20]
 */
export const round = (x: TensorLike, decimals = 0): Tensor => {
  if (!Number.isInteger(decimals)) throw new Error(`round: decimals must be an integer, got ${decimals}.`);
  if (decimals === 0) return unary('round', x);
  const factor = 10 ** decimals;
  const isInt = typeof x !== 'number' && x.dtype === 'int32';
  if (isInt && decimals > 0) return unary('round', x);
  return tidy(() => {
    const rounded = div(unary('round', mul(isInt ? cast(x, 'float32') : x, factor)), factor);
    return isInt ? cast(unary('round', rounded), 'int32') : rounded;
  });
};
/** The error function (Abramowitz & Stegun 7.1.26, absolute error below 1.5e-7). */
export const erf = (x: TensorLike): Tensor => unary('erf', x);
/** 1 where x is 0, else 0 (int32); NaN is nonzero (true), so it gives 0. */
export const logicalNot = (x: TensorLike): Tensor => unary('logicalNot', x);
/** 1 where x is NaN (int32). */
export const isNaN = (x: TensorLike): Tensor => unary('isNaN', x);
/** 1 where x is neither infinite nor NaN (int32). */
export const isFinite = (x: TensorLike): Tensor => unary('isFinite', x);

/**
 * Tangent, element-wise; float32.
 * @example ops.tan(tensor([0, Math.PI / 4])) // [0, 1]
 */
export const tan = (x: TensorLike): Tensor => unary('tan', x);
/**
 * Hyperbolic sine; float32.
 * @example ops.sinh(tensor([0, 1])) // [0, 1.1752]
 */
export const sinh = (x: TensorLike): Tensor => unary('sinh', x);
/**
 * Hyperbolic cosine; float32.
 * @example ops.cosh(tensor([0, 1])) // [1, 1.5431]
 */
export const cosh = (x: TensorLike): Tensor => unary('cosh', x);
/**
 * Inverse sine, in [-pi/2, pi/2]; NaN outside [-1, 1]. float32.
 * @example ops.arcsin(tensor([0, 1])) // [0, 1.5708]
 */
export const arcsin = (x: TensorLike): Tensor => unary('arcsin', x);
/**
 * Inverse cosine, in [0, pi]; NaN outside [-1, 1]. float32.
 * @example ops.arccos(tensor([1, 0])) // [0, 1.5708]
 */
export const arccos = (x: TensorLike): Tensor => unary('arccos', x);
/**
 * Inverse tangent, in (-pi/2, pi/2); float32.
 * @example ops.arctan(tensor([0, 1])) // [0, 0.7854]
 */
export const arctan = (x: TensorLike): Tensor => unary('arctan', x);
/**
 * Inverse hyperbolic sine; float32.
 * @example ops.arcsinh(tensor([0, 1])) // [0, 0.8814]
 */
export const arcsinh = (x: TensorLike): Tensor => unary('arcsinh', x);
/**
 * Inverse hyperbolic cosine; NaN below 1. float32.
 * @example ops.arccosh(tensor([1, 2])) // [0, 1.3170]
 */
export const arccosh = (x: TensorLike): Tensor => unary('arccosh', x);
/**
 * Inverse hyperbolic tangent; ±Infinity at ±1 and NaN beyond. float32.
 * @example ops.arctanh(tensor([0, 0.5])) // [0, 0.5493]
 */
export const arctanh = (x: TensorLike): Tensor => unary('arctanh', x);
/**
 * 2 ** x; float32.
 * @example ops.exp2(tensor([0, 3, -1])) // [1, 8, 0.5]
 */
export const exp2 = (x: TensorLike): Tensor => unary('exp2', x);
/**
 * Rounds toward zero; int32 stays int32. Its gradient is 0 (piecewise constant).
 * @example ops.trunc(tensor([-1.7, 1.7])) // [-1, 1]
 */
export const trunc = (x: TensorLike): Tensor => unary('trunc', x);
/**
 * 1 where the sign bit is set (negative values and -0), else 0 (int32), as keras.ops.signbit.
 * NaN gives 0.
 * @example ops.signbit(tensor([-2, -0, 0, 3])) // [1, 1, 0, 0]
 */
export const signbit = (x: TensorLike): Tensor => unary('signbit', x);
/**
 * 1 where x is +Infinity or -Infinity, else 0 (int32).
 * @example ops.isinf(tensor([1, Infinity, -Infinity, NaN])) // [0, 1, 1, 0]
 */
export const isinf = (x: TensorLike): Tensor => unary('isinf', x);
/** 1 where x is NaN (int32); Keras's name for isNaN. */
export const isnan = isNaN;
/** 1 where x is neither infinite nor NaN (int32); Keras's name for isFinite. */
export const isfinite = isFinite;
/**
 * 1 where x is -Infinity, else 0 (int32; Keras's bool); always 0 for int32 x.
 * @example ops.isneginf(tensor([-Infinity, Infinity, NaN, -1])) // [1, 0, 0, 0]
 */
export const isneginf = (x: TensorLike): Tensor => unary('isneginf', x);
/**
 * 1 where x is +Infinity, else 0 (int32; Keras's bool); always 0 for int32 x.
 * @example ops.isposinf(tensor([-Infinity, Infinity, NaN, 1])) // [0, 1, 0, 0]
 */
export const isposinf = (x: TensorLike): Tensor => unary('isposinf', x);
/**
 * 1 for every element (int32; Keras's bool): there is no complex dtype here, so every value is real.
 * @example ops.isreal(tensor([1.5, NaN])) // [1, 1]
 */
export const isreal = (x: TensorLike): Tensor => unary('isreal', x);

/**
 * The real cube root, negative for negative x; float32, int32 input included (as keras.ops.cbrt).
 * @example ops.cbrt(tensor([8, -27, 0.5])) // [2, -3, 0.7937]
 */
export const cbrt = (x: TensorLike): Tensor => unary('cbrt', x);
/**
 * Degrees to radians, x * pi / 180; float32, int32 input included.
 * @example ops.deg2rad(tensor([180, -90])) // [3.1416, -1.5708]
 */
export function deg2rad(x: Tensor): Tensor {
  checkTensor('deg2rad', x);
  return mul(x, Math.PI / 180);
}
/**
 * Radians to degrees, x * 180 / pi; float32, int32 input included.
 * @example ops.rad2deg(tensor([Math.PI, -Math.PI / 2])) // [180, -90]
 */
export function rad2deg(x: Tensor): Tensor {
  checkTensor('rad2deg', x);
  return mul(x, 180 / Math.PI);
}
/**
 * |x| as float32 (keras.ops.fabs: int32 input gives float32, where abs keeps int32).
 * @example ops.fabs(tensor([-2, 3], [2], 'int32')) // float32 [2, 3]
 */
export function fabs(x: Tensor): Tensor {
  checkTensor('fabs', x);
  return x.dtype === 'int32' ? tidy(() => abs(cast(x, 'float32'))) : abs(x);
}
/**
 * The complementary error function 1 - erf(x), accurate in the tail (relative error below
 * 1.2e-7, where 1 - erf(x) would round to 0); float32.
 * @example ops.erfc(tensor([0, 1, 5])) // [1, 0.1573, 1.5375e-12]
 */
export const erfc = (x: TensorLike): Tensor => unary('erfc', x);
/**
 * The inverse error function: erf(erfinv(x)) = x on (-1, 1), ±Infinity at ±1, NaN beyond
 * (Giles's single-precision approximation, relative error about 4e-7); float32.
 * @example ops.erfinv(tensor([0, 0.5, 1])) // [0, 0.4769, Infinity]
 */
export const erfinv = (x: TensorLike): Tensor => unary('erfinv', x);
/**
 * The normalized sinc function sin(pi x) / (pi x), 1 at 0 (NumPy's sinc); float32.
 * @example ops.sinc(tensor([0, 0.5, 1])) // [1, 0.6366, 0]
 */
export const sinc = (x: TensorLike): Tensor => unary('sinc', x);
/** (cos(pi x) - sinc(x)) / x, sinc's derivative (0 at 0). */
const sincDerivative = (x: Tensor): Tensor => unary('sincDerivative', x);
/**
 * The modified Bessel function of the first kind, order 0 (Abramowitz & Stegun 9.8.1-9.8.2,
 * relative error below 2e-7); float32, Infinity beyond |x| ≈ 91.9. Its gradient is i1(x).
 * @example ops.i0(tensor([0, 1, -4])) // [1, 1.2661, 11.3019]
 */
export const i0 = (x: TensorLike): Tensor => unary('i0', x);
/** The modified Bessel function of order 1, i0's derivative (Keras has no public i1). */
const besselI1 = (x: Tensor): Tensor => unary('besselI1', x);

/**
 * ~x, the bitwise complement (-x - 1) of int32 values, exact over the whole range; float32
 * input is an error, as Keras's (NumPy's) bitwise ops take integers only.
 * @example ops.bitwiseNot(tensor([0, -1, 5], [3], 'int32')) // [-1, 0, -6]
 */
export function bitwiseNot(x: Tensor): Tensor {
  checkIntegerOperand('bitwiseNot', x);
  return unary('bitwiseNot', x);
}
/** ~x of int32 values (keras.ops.bitwise_invert, the same as bitwiseNot). */
export const bitwiseInvert = bitwiseNot;

/**
 * Clips x to the range of `dtype`, then casts (keras.ops.saturate_cast): float32 to int32 gives
 * [-2^31, 2^31 - 1] (±Infinity included) and NaN gives 0, as Keras 3.15.1 on JAX; 'bool' clips to
 * [0, 1], so only positive values (and NaN) are true. Other pairs are plain casts: int32 fits in
 * float32's range.
 * @example ops.saturateCast(tensor([1e10, -1e10, 3.7]), 'int32') // [2147483647, -2147483648, 3]
 */
export function saturateCast(x: Tensor, dtype: DType | 'bool'): Tensor {
  checkTensor('saturateCast', x);
  if (dtype === 'bool') return tidy(() => cast(clip(x, 0, 1), 'bool'));
  checkDtype('saturateCast', dtype);
  if (x.dtype === 'float32' && dtype === 'int32') return unary('saturateToInt32', x, -(2 ** 31), LARGEST_FLOAT32_BELOW_2_POW_31, 'int32');
  return cast(x, dtype);
}

/** The largest float32 below 2^31, the clamp bound of float32 to int32 (2^31 - 1 rounds up to 2^31); larger values give 2^31 - 1. */
const LARGEST_FLOAT32_BELOW_2_POW_31 = 2147483520;

/** Limits values to [min, max]. */
export function clip(x: Tensor, min: number, max: number): Tensor {
  if (!(min <= max)) throw new Error(`clip: min (${min}) must not exceed max (${max}).`);
  return unary('clip', x, min, max);
}

/**
 * Converts to another dtype; float to int32 truncates toward zero. 'bool' (Keras's, for masks)
 * gives the booleans of this library, as comparisons do: int32 1 where x is nonzero, else 0.
 * A number becomes a scalar of that dtype, as Keras casts Python numbers (a shape's size, say).
 *
 * @example
 * cast(tensor([0, 2.5, -1]), 'bool');   // int32 [0, 1, 1]
 * cast(x.shape[1], 'float32');          // scalar
 */
export function cast(x: Tensor | number, dtype: DType | 'bool'): Tensor {
  if (typeof x === 'number') x = scalar(x);
  if (dtype === 'bool') return notEqual(x, 0);
  if (dtype !== 'float32' && dtype !== 'int32') throw new Error(`cast: unknown dtype '${String(dtype)}'. Expected 'float32', 'int32' or 'bool'.`);
  return unary('cast', x, 0, 0, dtype);
}

interface BinaryOp {
  code: number;
  dtype: DTypeRule;
  cpu: (a: number, b: number, intResult: boolean) => number;
  /**
   * The gradient for a and for b (before summing over broadcast dimensions), each computed only
   * when that operand is a float tensor; a number operand stays a number (a uniform, no upload).
   * Absent: not differentiable.
   */
  grad?: [OperandGrad, OperandGrad];
}

/** Null: the op is not differentiable with respect to that operand (gammainc's a). */
type OperandGrad = (dy: Tensor, a: TensorLike, b: TensorLike, y: Tensor) => Tensor | null;

/** Codes match the `switch OP` of shaders/binary.wgsl. */
const BINARY_OPS = {
  add: { code: 0, dtype: 'same', cpu: (a, b) => a + b, grad: [(dy) => dy, (dy) => dy] },
  sub: { code: 1, dtype: 'same', cpu: (a, b) => a - b, grad: [(dy) => dy, (dy) => neg(dy)] },
  mul: { code: 2, dtype: 'same', cpu: (a, b, intResult) => (intResult ? Math.imul(a, b) : a * b), grad: [(dy, _a, b) => dy.mul(b), (dy, a) => dy.mul(a)] },
  div: { code: 3, dtype: 'same', cpu: (a, b, intResult) => (intResult ? floorDivideInt(a, b) : a / b),
    grad: [(dy, _a, b) => dy.div(b), (dy, a, b) => neg(dy.mul(a).div(square(b as Tensor)))] },
  pow: { code: 4, dtype: 'same', cpu: (a, b, intResult) => (intResult ? intPower(a, b) : b === 0 || a === 1 ? 1 : Math.pow(a, b)),
    grad: [
      (dy, a, b) => dy.mul(b).mul(pow(a, sub(b, 1))),
      (dy, a, _b, y) => dy.mul(where(greater(a, 0), y.mul(log(where(greater(a, 0), a, 1) as Tensor)), 0)),
    ] },
  maximum: { code: 5, dtype: 'same', cpu: (a, b) => Math.max(a, b),
    grad: [(dy, a, b) => dy.mul(greaterEqual(a, b)), (dy, a, b) => dy.mul(less(a, b))] },
  minimum: { code: 6, dtype: 'same', cpu: (a, b) => Math.min(a, b),
    grad: [(dy, a, b) => dy.mul(lessEqual(a, b)), (dy, a, b) => dy.mul(greater(a, b))] },
  equal: { code: 7, dtype: 'bool', cpu: (a, b) => Number(a === b) },
  notEqual: { code: 8, dtype: 'bool', cpu: (a, b) => Number(a !== b) },
  greater: { code: 9, dtype: 'bool', cpu: (a, b) => Number(a > b) },
  greaterEqual: { code: 10, dtype: 'bool', cpu: (a, b) => Number(a >= b) },
  less: { code: 11, dtype: 'bool', cpu: (a, b) => Number(a < b) },
  lessEqual: { code: 12, dtype: 'bool', cpu: (a, b) => Number(a <= b) },
  logicalAnd: { code: 13, dtype: 'bool', cpu: (a, b) => Number(a !== 0 && b !== 0) },
  logicalOr: { code: 14, dtype: 'bool', cpu: (a, b) => Number(a !== 0 || b !== 0) },
  squaredDifference: { code: 15, dtype: 'same', cpu: (a, b, intResult) => (intResult ? Math.imul(a - b, a - b) : (a - b) * (a - b)),
    grad: [(dy, a, b) => dy.mul(sub(a, b)).mul(2), (dy, a, b) => dy.mul(sub(b, a)).mul(2)] },
  divNoNan: { code: 16, dtype: 'float', cpu: (a, b) => (b === 0 ? 0 : a / b),
    grad: [(dy, _a, b) => divNoNan(dy, b), (dy, a, b) => neg(divNoNan(dy.mul(a), square(b as Tensor)))] },
  trueDivide: { code: 3, dtype: 'float', cpu: (a, b) => a / b,
    grad: [(dy, _a, b) => dy.div(b), (dy, a, b) => neg(dy.mul(a).div(square(b as Tensor)))] },
  // Piecewise constant: no gradient, as TensorFlow's FloorDiv.
  floorDivide: { code: 17, dtype: 'same', cpu: (a, b, intResult) => (intResult ? floorDivideInt(a, b) : floorDivideReference(a, b)) },
  mod: { code: 18, dtype: 'same', cpu: (a, b, intResult) => (intResult ? (b === 0 ? 0 : a - Math.floor(a / b) * b) : floorModReference(a, b)),
    grad: [(dy) => dy, (dy, a, b) => neg(dy.mul(floorDivide(a, b)))] },
  arctan2: { code: 19, dtype: 'float', cpu: (a, b) => Math.atan2(a, b),
    grad: [(dy, a, b) => dy.mul(b).div(add(square(a as Tensor), mul(b, b))), (dy, a, b) => neg(dy.mul(a).div(add(mul(a, a), square(b as Tensor))))] },
  hypot: { code: 20, dtype: 'float', cpu: (a, b) => Math.hypot(a, b),
    grad: [(dy, a, _b, y) => dy.mul(a).div(y), (dy, _a, b, y) => dy.mul(b).div(y)] },
  logaddexp: { code: 21, dtype: 'float', cpu: (a, b) => logAddExpReference(a, b),
    grad: [(dy, a, _b, y) => dy.mul(exp(sub(a, y))), (dy, _a, b, y) => dy.mul(exp(sub(b, y)))] },
  logicalXor: { code: 22, dtype: 'bool', cpu: (a, b) => Number((a !== 0) !== (b !== 0)) },
  fmod: { code: 23, dtype: 'same', cpu: (a, b, intResult) => (intResult ? fmodInt(a, b) : a % b),
    grad: [(dy) => dy, (dy, a, b) => neg(dy.mul(trunc(divide(a, b))))] },
  fmax: { code: 24, dtype: 'same', cpu: (a, b) => (Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b)),
    grad: [(dy, a, b) => dy.mul(fmaxTakesA(a, b)), (dy, a, b) => dy.mul(logicalNot(fmaxTakesA(a, b)))] },
  fmin: { code: 25, dtype: 'same', cpu: (a, b) => (Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.min(a, b)),
    grad: [(dy, a, b) => dy.mul(fminTakesA(a, b)), (dy, a, b) => dy.mul(logicalNot(fminTakesA(a, b)))] },
  // Piecewise constant and not differentiable, as torch.heaviside.
  heaviside: { code: 26, dtype: 'float', cpu: (a, b) => (Number.isNaN(a) ? NaN : a === 0 ? b : a > 0 ? 1 : 0) },
  ldexp: { code: 27, dtype: 'float', cpu: (a, b) => a * 2 ** Math.min(Math.max(b, -MAX_USEFUL_EXPONENT), MAX_USEFUL_EXPONENT),
    grad: [(dy, _a, b) => scaleByPowerOfTwo(dy, b), () => null] },
  logaddexp2: { code: 28, dtype: 'float', cpu: (a, b) => logAddExp2Reference(a, b),
    grad: [(dy, a, _b, y) => dy.mul(exp2(sub(a, y))), (dy, _a, b, y) => dy.mul(exp2(sub(b, y)))] },
  nextafter: { code: 29, dtype: 'float', cpu: (a, b) => nextafterFloat32Reference(a, b) },
  gcd: { code: 30, dtype: 'same', cpu: (a, b) => gcdInt(a, b) },
  lcm: { code: 31, dtype: 'same', cpu: (a, b) => lcmInt(a, b) },
  bitwiseAnd: { code: 32, dtype: 'same', cpu: (a, b) => a & b },
  bitwiseOr: { code: 33, dtype: 'same', cpu: (a, b) => a | b },
  bitwiseXor: { code: 34, dtype: 'same', cpu: (a, b) => a ^ b },
  bitwiseLeftShift: { code: 35, dtype: 'same', cpu: (a, b) => leftShiftInt(a, b) },
  bitwiseRightShift: { code: 36, dtype: 'same', cpu: (a, b) => rightShiftInt(a, b) },
  // Differentiable in x only, as Keras (torch has no derivative in a).
  gammainc: { code: 37, dtype: 'float', cpu: (a, x) => gammaincReference(a, x),
    grad: [() => null, (dy, a, x) => dy.mul(gammaDensity(a, x))] },
  // Not exported: gammainc's derivative in x.
  gammaDensity: { code: 38, dtype: 'float', cpu: (a, x) => gammaDensityReference(a, x) },
} satisfies Record<string, BinaryOp>;

type BinaryName = keyof typeof BINARY_OPS;

/** How an operand reaches the kernel (the A_MODE / B_MODE codes of shaders/binary.wgsl). */
const enum OperandMode {
  /** Same shape as the output. */
  Direct = 0,
  /** General broadcasting through strides. */
  Broadcast = 1,
  /** A plain number, held in the uniform block. */
  Scalar = 2,
  /** The output's trailing dimensions: element i % size (a bias). */
  Repeat = 3,
  /** The output's leading dimensions followed by 1s: element i / block (a column). */
  Stretch = 4,
}

/** The cheapest mode that reads `shape` at the coordinates of `outShape`. */
function operandMode(shape: readonly number[], outShape: readonly number[]): OperandMode {
  if (sameShape(shape, outShape)) return OperandMode.Direct;
  const trimmed = shape.slice(shape.findIndex((d) => d !== 1) === -1 ? shape.length : shape.findIndex((d) => d !== 1));
  if (trimmed.length > 0 && sameShape(trimmed, outShape.slice(outShape.length - trimmed.length))) return OperandMode.Repeat;
  const lead = outShape.length - shape.length;
  const padded = [...Array(lead).fill(1), ...shape];
  const firstOne = padded.findIndex((d, i) => d === 1 && outShape[i] !== 1);
  if (firstOne > 0 && padded.slice(0, firstOne).every((d, i) => d === outShape[i]) && padded.slice(firstOne).every((d) => d === 1)) return OperandMode.Stretch;
  return OperandMode.Broadcast;
}

/** Element count of an operand (Repeat modulus) and the output block each element spans (Stretch divisor). */
function modeParams(shape: readonly number[], outShape: readonly number[]): [number, number] {
  const size = shape.reduce((a, b) => a * b, 1);
  const outSize = outShape.reduce((a, b) => a * b, 1);
  return [Math.max(size, 1), Math.max(size === 0 ? 1 : outSize / size, 1)];
}

interface BinaryAttrs {
  op: BinaryOp;
  aMode: OperandMode;
  bMode: OperandMode;
  aScalar: number;
  bScalar: number;
  /** Whether a's words hold int32: an int32 tensor, or a number passed as int32 (see `binary`). */
  aInt: boolean;
  bInt: boolean;
}

const scalarFloat = new Float32Array(1);
const scalarBits = new Uint32Array(scalarFloat.buffer);

/**
 * A number operand as the word the kernel reads: its int32 bits, or its float32 bits. An integer
 * that meets an int32 operand but is not passed as int32 lies beyond the int32 range; it goes
 * past ±2^32, so that no int32 rounds to it in float32 and comparisons with it hold, as on the CPU.
 */
function scalarWord(value: number, isInt: boolean, meetsInt32: boolean): number {
  if (isInt) return value >>> 0;
  scalarFloat[0] = meetsInt32 && Number.isInteger(value) ? Math.sign(value) * Math.max(Math.abs(value), 2 ** 32) : value;
  return scalarBits[0];
}

const binaryKernel: Kernel<BinaryAttrs> = {
  name: 'binary',
  cpu(inputs, [out], attrs) {
    const { op, aMode, bMode, aScalar, bScalar } = attrs;
    const [a, b] = operandsIn(inputs, attrs);
    const intResult = out.dtype === 'int32';
    const dst = out.values;
    // The reference indexes every non-direct operand through strides, whatever mode the GPU uses.
    const aStrides = a && aMode !== OperandMode.Direct ? broadcastStrides(a.shape, out.shape) : null;
    const bStrides = b && bMode !== OperandMode.Direct ? broadcastStrides(b.shape, out.shape) : null;
    const rank = out.shape.length;
    const coords = new Array<number>(rank).fill(0);
    let ia = 0;
    let ib = 0;
    for (let i = 0; i < dst.length; i++) {
      const x = a ? a.values[aStrides ? ia : i] : aScalar;
      const y = b ? b.values[bStrides ? ib : i] : bScalar;
      dst[i] = op.cpu(x, y, intResult);
      // Advance the output coordinates and both broadcast offsets by one element.
      for (let d = rank - 1; d >= 0; d--) {
        coords[d]++;
        if (aStrides) ia += aStrides[d];
        if (bStrides) ib += bStrides[d];
        if (coords[d] < out.shape[d]) break;
        if (aStrides) ia -= aStrides[d] * coords[d];
        if (bStrides) ib -= bStrides[d] * coords[d];
        coords[d] = 0;
      }
    }
    if (intResult) truncateInPlace(dst);
  },
  webgpu(gpu, inputs, [out], attrs) {
    const [a, b] = operandsIn(inputs, attrs);
    const placeholder = (a ?? b)!.buffer;
    const stridesOf = (t: typeof a, mode: OperandMode) => (t && mode === OperandMode.Broadcast ? broadcastStrides(t.shape, out.shape) : []);
    gpu.dispatch({
      shader: BINARY_SOURCE,
      constants: {
        OP: attrs.op.code,
        A_MODE: attrs.aMode,
        B_MODE: attrs.bMode,
        A_INT: attrs.aInt,
        B_INT: attrs.bInt,
        OUT_INT: out.dtype === 'int32',
      },
      uniforms: new Uniforms()
        .u32(out.size, out.shape.length, scalarWord(attrs.aScalar, attrs.aInt, attrs.bInt), scalarWord(attrs.bScalar, attrs.bInt, attrs.aInt))
        .u32(...(a ? modeParams(a.shape, out.shape) : [1, 1]), ...(b ? modeParams(b.shape, out.shape) : [1, 1]))
        .u32Array(out.shape, MAX_RANK)
        .u32Array(stridesOf(a, attrs.aMode), MAX_RANK)
        .u32Array(stridesOf(b, attrs.bMode), MAX_RANK)
        .finish(),
      buffers: [a?.buffer ?? placeholder, b?.buffer ?? placeholder, out.buffer],
      workgroups: gridFor(out.size, WORKGROUP_SIZE),
    });
  },
};

/** The tensor operands in a/b order, undefined for scalar ones. */
function operandsIn<T>(inputs: T[], attrs: BinaryAttrs): [T | undefined, T | undefined] {
  const a = attrs.aMode === OperandMode.Scalar ? undefined : inputs[0];
  const b = attrs.bMode === OperandMode.Scalar ? undefined : inputs[attrs.aMode === OperandMode.Scalar ? 0 : 1];
  return [a, b];
}

function binary(name: BinaryName, a: TensorLike, b: TensorLike): Tensor {
  const op: BinaryOp = BINARY_OPS[name];
  if (typeof a === 'number' && typeof b === 'number') {
    const owned = scalar(a, Number.isInteger(a) && Number.isInteger(b) ? 'int32' : 'float32');
    try {
      return binary(name, owned, b);
    } finally {
      owned.dispose();
    }
  }
  checkOperand(name, a);
  checkOperand(name, b);
  const aShape = typeof a === 'number' ? [] : a.shape;
  const bShape = typeof b === 'number' ? [] : b.shape;
  const outShape = broadcastShapes(name, aShape, bShape);
  checkRank(name, outShape);
  const aInt = typeof a === 'number' ? Number.isInteger(a) : a.dtype === 'int32';
  const bInt = typeof b === 'number' ? Number.isInteger(b) : b.dtype === 'int32';
  const intOperands = aInt && bInt;
  const outDtype: DType = op.dtype === 'bool' ? 'int32' : op.dtype === 'same' && intOperands ? 'int32' : 'float32';
  const mode = (t: TensorLike): OperandMode => (typeof t === 'number' ? OperandMode.Scalar : operandMode(t.shape, outShape));
  // A number meets a float32 operand as float32 (as Keras converts a Python float), on the CPU as
  // on the GPU, whose uniform holds it so: 0.1 compared with float32 0.1 is equal on both. An
  // integer meeting int32 reaches the GPU as its int32 bits, exact; one beyond the int32 range
  // cannot, and meets the int32 operand in float32 there (see scalarWord).
  const wordIsInt = (t: TensorLike): boolean => (typeof t === 'number' ? intOperands && t >= INT32_MIN && t <= INT32_MAX : t.dtype === 'int32');
  const attrs: BinaryAttrs = {
    op,
    aMode: mode(a),
    bMode: mode(b),
    aScalar: typeof a === 'number' ? (intOperands ? a : Math.fround(a)) : 0,
    bScalar: typeof b === 'number' ? (intOperands ? b : Math.fround(b)) : 0,
    aInt: wordIsInt(a),
    bInt: wordIsInt(b),
  };
  // The tensor operands with their position (0: a, 1: b); x.sub(x) lists x twice.
  const operands = [a, b].flatMap((t, position) => (typeof t === 'number' ? [] : [{ tensor: t, position }]));
  const tensors = operands.map((o) => o.tensor);
  const y = runKernel1(binaryKernel, tensors, { shape: outShape, dtype: outDtype }, attrs, name);
  const grad = op.grad;
  if (grad && outDtype === 'float32') {
    recordGradient(name, tensors, [y], () => ([dy], needed) =>
      operands.map(({ tensor, position }, k) => {
        if (tensor.dtype !== 'float32' || !needed[k]) return null;
        const g = grad[position](dy, a, b, y);
        return g && sumToShape(g, tensor.shape);
      }),
    );
  }
  return y;
}

/** a + b, broadcasting. */
export const add = (a: TensorLike, b: TensorLike): Tensor => binary('add', a, b);
/** a - b, broadcasting. */
export const sub = (a: TensorLike, b: TensorLike): Tensor => binary('sub', a, b);
/** a - b (Keras's name for sub). */
export const subtract = sub;
/** a * b, broadcasting. */
export const mul = (a: TensorLike, b: TensorLike): Tensor => binary('mul', a, b);
/** a * b (Keras's name for mul). */
export const multiply = mul;
/**
 * a / b, broadcasting; floor division when both are int32 (as TensorFlow.js's div), exact, and 0
 * for a division by 0 (as floorDivide).
 * @example ops.div(tensor([7, -7, 7], [3], 'int32'), tensor([2, 2, 0], [3], 'int32')) // [3, -4, 0]
 */
export const div = (a: TensorLike, b: TensorLike): Tensor => binary('div', a, b);
/**
 * a / b, broadcasting, always float32 (keras.ops.divide and true_divide: 7 / 2 is 3.5 for int32
 * operands too).
 * @example ops.divide(tensor([7, -7], [2], 'int32'), 2) // [3.5, -3.5]
 */
export const divide = (a: TensorLike, b: TensorLike): Tensor => binary('trueDivide', a, b);
/** a / b, always float32 (Keras's true_divide, the same as divide). */
export const trueDivide = divide;
/** 1 / x; float32. */
export const reciprocal = (x: Tensor): Tensor => divide(1, x);
/**
 * floor(a / b), broadcasting; int32 stays int32 (exact) and an int32 division by 0 gives 0, as NumPy.
 * Not differentiable (piecewise constant).
 * @example ops.floorDivide(tensor([7, -7], [2], 'int32'), 2) // [3, -4]
 */
export const floorDivide = (a: TensorLike, b: TensorLike): Tensor => binary('floorDivide', a, b);
/**
 * The remainder of floor division, a - floor(a / b) * b: its sign follows b, as Python's % and
 * keras.ops.mod (NumPy's np.mod: a zero remainder is signed as b, and an infinite b leaves a
 * finite a of its sign, giving b for the other sign). int32 stays int32 (exact); a remainder by 0
 * is 0 for int32 and NaN for float32.
 * @example ops.mod(tensor([7, -7], [2], 'int32'), 3) // [1, 2]
 * @example ops.mod(tensor([7, -7]), Infinity) // [7, Infinity]
 */
export const mod = (a: TensorLike, b: TensorLike): Tensor => binary('mod', a, b);
/**
 * a ** b, broadcasting, with IEEE 754's special cases as Math.pow (pow(0, -1) = Infinity,
 * pow(-0, -1) = -Infinity, pow(-Infinity, 0.5) = Infinity); a negative base with an integer
 * exponent keeps its sign for odd exponents, and gives NaN with a non-integer one. int32 operands
 * give int32, exact and wrapping on overflow; a negative int32 exponent gives 1 / a^|b| truncated
 * (0 unless a is 1 or -1; NumPy raises there).
 * @example ops.pow(tensor([-2, 0, -Infinity]), tensor([3, -1, 0.5])) // [-8, Infinity, Infinity]
 * @example ops.pow(tensor([3, 2], [2], 'int32'), 31) // int32 [1264544299, -2147483648]
 */
export const pow = (a: TensorLike, b: TensorLike): Tensor => binary('pow', a, b);
/** a ** b (Keras's name for pow). */
export const power = pow;
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binary('maximum', a, b);
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binary('minimum', a, b);
/** a / b, or 0 where b is 0 (metrics' averages before any sample), broadcasting. */
export const divNoNan = (a: TensorLike, b: TensorLike): Tensor => binary('divNoNan', a, b);
/** Keras's name of divNoNan (keras.ops.divide_no_nan). */
export const divideNoNan = divNoNan;
/** (a - b)^2, broadcasting. */
export const squaredDifference = (a: TensorLike, b: TensorLike): Tensor => binary('squaredDifference', a, b);
/** 1 where a == b, else 0 (int32). */
export const equal = (a: TensorLike, b: TensorLike): Tensor => binary('equal', a, b);
export const notEqual = (a: TensorLike, b: TensorLike): Tensor => binary('notEqual', a, b);
export const greater = (a: TensorLike, b: TensorLike): Tensor => binary('greater', a, b);
export const greaterEqual = (a: TensorLike, b: TensorLike): Tensor => binary('greaterEqual', a, b);
export const less = (a: TensorLike, b: TensorLike): Tensor => binary('less', a, b);
export const lessEqual = (a: TensorLike, b: TensorLike): Tensor => binary('lessEqual', a, b);
/** 1 where both are nonzero (int32); NaN is nonzero (true), as NumPy. */
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => binary('logicalAnd', a, b);
/** 1 where either is nonzero (int32); NaN is nonzero (true), as NumPy. */
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => binary('logicalOr', a, b);
/**
 * 1 where exactly one of a and b is nonzero (int32), broadcasting.
 * @example ops.logicalXor(tensor([0, 1, 1]), tensor([1, 1, 0])) // [1, 0, 1]
 */
export const logicalXor = (a: TensorLike, b: TensorLike): Tensor => binary('logicalXor', a, b);
/**
 * The angle of the point (b, a), atan(a / b) in the right quadrant, in [-pi, pi]; float32,
 * broadcasting (NumPy's arctan2(x1, x2) with x1 the y coordinate).
 * @example ops.arctan2(tensor([1, 1, -1]), tensor([1, -1, -1])) // [0.7854, 2.3562, -2.3562]
 */
export const arctan2 = (a: TensorLike, b: TensorLike): Tensor => binary('arctan2', a, b);
/**
 * sqrt(a^2 + b^2) without intermediate overflow; float32, broadcasting.
 * @example ops.hypot(tensor([3, 1e30]), tensor([4, 1e30])) // [5, 1.4142e30]
 */
export const hypot = (a: TensorLike, b: TensorLike): Tensor => binary('hypot', a, b);
/**
 * log(exp(a) + exp(b)) without overflow; float32, broadcasting.
 * @example ops.logaddexp(tensor([0, 1000]), tensor([0, 1000])) // [0.6931, 1000.6931]
 */
export const logaddexp = (a: TensorLike, b: TensorLike): Tensor => binary('logaddexp', a, b);
/**
 * log2(2^a + 2^b) without overflow; float32, broadcasting.
 * @example ops.logaddexp2(tensor([1, 1000]), tensor([1, 1000])) // [2, 1001]
 */
export const logaddexp2 = (a: TensorLike, b: TensorLike): Tensor => binary('logaddexp2', a, b);
/**
 * C's remainder a - trunc(a / b) * b: its sign follows a (NumPy's fmod, where mod follows b).
 * int32 stays int32 (exact), and a remainder by 0 is 0 for int32 and NaN for float32; the float32
 * remainder is exact, as NumPy's.
 * @example ops.fmod(tensor([7.5, -7.5]), 2) // [1.5, -1.5]
 */
export const fmod = (a: TensorLike, b: TensorLike): Tensor => binary('fmod', a, b);
/**
 * The larger of a and b, ignoring NaN (NumPy's fmax: NaN only where both are NaN), broadcasting;
 * int32 stays int32. The gradient goes to a on ties.
 * @example ops.fmax(tensor([NaN, 1, NaN]), tensor([2, NaN, NaN])) // [2, 1, NaN]
 */
export const fmax = (a: TensorLike, b: TensorLike): Tensor => binary('fmax', a, b);
/**
 * The smaller of a and b, ignoring NaN (NumPy's fmin), broadcasting; int32 stays int32. The
 * gradient goes to a on ties.
 * @example ops.fmin(tensor([NaN, 1, NaN]), tensor([2, NaN, NaN])) // [2, 1, NaN]
 */
export const fmin = (a: TensorLike, b: TensorLike): Tensor => binary('fmin', a, b);
/**
 * The Heaviside step: 0 where a < 0, b where a == 0, 1 where a > 0, NaN where a is NaN; float32
 * (int32 operands included, as Keras), broadcasting. Not differentiable.
 * @example ops.heaviside(tensor([-1, 0, 2]), 0.5) // [0, 0.5, 1]
 */
export const heaviside = (a: TensorLike, b: TensorLike): Tensor => binary('heaviside', a, b);
/**
 * a * 2^b, exact unless it overflows or underflows; float32. The exponent b must be int32 (a
 * tensor or an integer), as Keras requires.
 * @example ops.ldexp(tensor([1, 3]), tensor([130, -2], [2], 'int32')) // [Infinity, 0.75]
 */
export function ldexp(a: TensorLike, b: TensorLike): Tensor {
  checkOperand('ldexp', a);
  checkIntegerOperand('ldexp', b);
  // Beyond ±300 every exponent acts alike (every finite float32 overflows or underflows), and
  // within it a number exponent is exact in the float32 uniform.
  return scaleByPowerOfTwo(a, typeof b === 'number' ? Math.min(Math.max(b, -MAX_USEFUL_EXPONENT), MAX_USEFUL_EXPONENT) : b);
}
/** |exponent| past which ldexp's result no longer depends on it (2^300 exceeds float32's whole range). */
const MAX_USEFUL_EXPONENT = 300;
const scaleByPowerOfTwo = (a: TensorLike, b: TensorLike): Tensor => binary('ldexp', a, b);
/**
 * The float32 value next to a in the direction of b (b itself where they are equal; NaN if either
 * is NaN), as NumPy's nextafter in float32; int32 operands give float32. Not differentiable.
 * @example ops.nextafter(tensor([1, 0]), tensor([2, -1])) // [1.0000001, -1.4e-45]
 */
export const nextafter = (a: TensorLike, b: TensorLike): Tensor => binary('nextafter', a, b);
/**
 * The regularized lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a), as
 * keras.ops.gammainc (scipy's): NaN for a < 0, x < 0 or a = x = 0, and 1 for a = 0 < x; float32,
 * broadcasting. A series below x = a + 1 and a continued fraction above. Differentiable in x only,
 * as Keras; a gets no gradient.
 * @example ops.gammainc(tensor([1, 2]), tensor([1, 3])) // [0.6321, 0.8009]
 */
export const gammainc = (a: TensorLike, x: TensorLike): Tensor => binary('gammainc', a, x);
/** dP(a, x)/dx = x^(a-1) e^(-x) / Γ(a), gammainc's gradient in x. */
const gammaDensity = (a: TensorLike, x: TensorLike): Tensor => binary('gammaDensity', a, x);

/**
 * The greatest common divisor of |a| and |b|, int32 (exact), broadcasting; gcd(0, 0) = 0. Integers
 * only, as Keras.
 * @example ops.gcd(tensor([-4, 0, 12], [3], 'int32'), tensor([6, 5, -18], [3], 'int32')) // [2, 5, 6]
 */
export const gcd = (a: TensorLike, b: TensorLike): Tensor => integerBinary('gcd', a, b);
/**
 * The least common multiple of |a| and |b|, int32 (wrapping on overflow, as NumPy), 0 where either
 * is 0, broadcasting. Integers only.
 * @example ops.lcm(tensor([-4, 0, 12], [3], 'int32'), tensor([6, 5, -18], [3], 'int32')) // [12, 0, 36]
 */
export const lcm = (a: TensorLike, b: TensorLike): Tensor => integerBinary('lcm', a, b);
/**
 * a & b of int32 values, broadcasting; integers only, as Keras.
 * @example ops.bitwiseAnd(tensor([12, -1], [2], 'int32'), 10) // [8, 10]
 */
export const bitwiseAnd = (a: TensorLike, b: TensorLike): Tensor => integerBinary('bitwiseAnd', a, b);
/**
 * a | b of int32 values, broadcasting; integers only.
 * @example ops.bitwiseOr(tensor([12, 0], [2], 'int32'), 10) // [14, 10]
 */
export const bitwiseOr = (a: TensorLike, b: TensorLike): Tensor => integerBinary('bitwiseOr', a, b);
/**
 * a ^ b of int32 values, broadcasting; integers only.
 * @example ops.bitwiseXor(tensor([12, -1], [2], 'int32'), 10) // [6, -11]
 */
export const bitwiseXor = (a: TensorLike, b: TensorLike): Tensor => integerBinary('bitwiseXor', a, b);
/**
 * a << b of int32 values (wrapping), broadcasting; a shift outside [0, 31] gives 0, as NumPy.
 * @example ops.bitwiseLeftShift(tensor([1, -1], [2], 'int32'), 3) // [8, -8]
 */
export const bitwiseLeftShift = (a: TensorLike, b: TensorLike): Tensor => integerBinary('bitwiseLeftShift', a, b);
/**
 * a >> b of int32 values, arithmetic (the sign fills in), broadcasting; a shift outside [0, 31]
 * leaves the sign, 0 or -1, as NumPy.
 * @example ops.bitwiseRightShift(tensor([-8, 8], [2], 'int32'), 1) // [-4, 4]
 */
export const bitwiseRightShift = (a: TensorLike, b: TensorLike): Tensor => integerBinary('bitwiseRightShift', a, b);
/** a << b of int32 values (keras.ops.left_shift, the same as bitwiseLeftShift). */
export const leftShift = bitwiseLeftShift;
/** a >> b of int32 values (keras.ops.right_shift, the same as bitwiseRightShift). */
export const rightShift = bitwiseRightShift;

/** Throws unless x is an int32 tensor or a number that is an int32 integer. */
function checkIntegerOperand(op: string, x: TensorLike): void {
  checkOperand(op, x);
  if (typeof x === 'number') {
    if (!Number.isInteger(x) || x < -(2 ** 31) || x >= 2 ** 31) throw new Error(`${op}: expected int32 operands (an int32 tensor or an integer), got the number ${x}.`);
  } else if (x.dtype !== 'int32') {
    throw new Error(`${op}: expected int32 operands (an int32 tensor or an integer), got a ${x.dtype} tensor of shape ${formatShape(x.shape)}; cast it with ops.cast(x, 'int32').`);
  }
}

/** A binary op of int32 operands only (gcd, lcm, bitwise ops, shifts). */
function integerBinary(name: BinaryName, a: TensorLike, b: TensorLike): Tensor {
  checkIntegerOperand(name, a);
  checkIntegerOperand(name, b);
  return binary(name, a, b);
}

interface WhereAttrs {
  outInt: boolean;
}

const whereKernel: Kernel<WhereAttrs> = {
  name: 'where',
  cpu([cond, a, b], [out]) {
    const cs = broadcastStrides(cond.shape, out.shape);
    const as = broadcastStrides(a.shape, out.shape);
    const bs = broadcastStrides(b.shape, out.shape);
    const rank = out.shape.length;
    for (let i = 0; i < out.values.length; i++) {
      let rest = i;
      let ic = 0;
      let ia = 0;
      let ib = 0;
      for (let d = rank - 1; d >= 0; d--) {
        const coord = rest % out.shape[d];
        rest = Math.floor(rest / out.shape[d]);
        ic += coord * cs[d];
        ia += coord * as[d];
        ib += coord * bs[d];
      }
      out.values[i] = cond.values[ic] !== 0 ? a.values[ia] : b.values[ib];
    }
  },
  webgpu(gpu, [cond, a, b], [out]) {
    gpu.dispatch({
      shader: whereShader,
      constants: { COND_INT: cond.dtype === 'int32' },
      uniforms: new Uniforms()
        .u32(out.size, out.shape.length)
        .u32Array(out.shape, MAX_RANK)
        .u32Array(broadcastStrides(cond.shape, out.shape), MAX_RANK)
        .u32Array(broadcastStrides(a.shape, out.shape), MAX_RANK)
        .u32Array(broadcastStrides(b.shape, out.shape), MAX_RANK)
        .finish(),
      buffers: [cond.buffer, a.buffer, b.buffer, out.buffer],
      workgroups: gridFor(out.size, WORKGROUP_SIZE),
    });
  },
};

/**
 * Picks `a` where `condition` is nonzero (NaN included) and `b` elsewhere, broadcasting all three.
 * The dtype is Keras's result type with numbers as weak (Python) scalars: an integer number is
 * int32 and any other number float32, a tensor's dtype wins over a number of its kind, and
 * float32 beats int32 (int32 branches are then cast).
 * @example ops.where(tensor([1, 0], [2], 'int32'), 1, 0) // int32 [1, 0]
 * @example ops.where(tensor([1, 0], [2], 'int32'), tensor([4, 5], [2], 'int32'), 0.5) // float32 [4, 0.5]
 */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor('where', condition);
  if (a === undefined && b === undefined) {
    throw new Error(
      'where: expected where(condition, a, b). The one-argument form (the indices of the nonzero elements, as keras.ops.where(condition)) gives a shape that depends on the data, ' +
        'and every op here knows its output shape before it runs; use `await ops.nonzero(condition)`, which reads the condition back and returns the indices.',
    );
  }
  checkOperand('where', a);
  checkOperand('where', b);
  const isFloat = (t: TensorLike): boolean => (typeof t === 'number' ? !Number.isInteger(t) : t.dtype === 'float32');
  const dtype: DType = isFloat(a) || isFloat(b) ? 'float32' : 'int32';
  const owned: Tensor[] = [];
  const asTensor = (t: TensorLike): Tensor => {
    if (typeof t !== 'number' && t.dtype === dtype) return t;
    const converted = typeof t === 'number' ? scalar(t, dtype) : cast(t, dtype);
    owned.push(converted);
    return converted;
  };
  const ta = asTensor(a);
  const tb = asTensor(b);
  const outShape = broadcastShapes('where', broadcastShapes('where', condition.shape, ta.shape), tb.shape);
  checkRank('where', outShape);
  let y: Tensor;
  try {
    y = runKernel1(whereKernel, [condition, ta, tb], { shape: outShape, dtype }, { outInt: dtype === 'int32' });
  } finally {
    for (const t of owned) t.dispose();
  }
  if (dtype === 'float32') {
    const differentiable = [ta, tb].filter((t) => !owned.includes(t));
    // The condition is an input of the entry so that the tape keeps it for the rule.
    recordGradient('where', [condition, ...differentiable], [y], () => ([dy], needed) => [
      null,
      ...differentiable.map((t, k) => (needed[k + 1] ? sumToShape(t === ta ? where(condition, dy, 0) : where(condition, 0, dy), t.shape) : null)),
    ]);
  }
  return y;
}

function truncateInPlace(values: TypedArray): void {
  for (let i = 0; i < values.length; i++) values[i] = Math.trunc(values[i]);
}

/**
 * base ** exponent of int32 values by repeated squaring, wrapping as NumPy's int32. A negative
 * exponent gives the truncation of 1 / base^|exponent|: 1 for base 1, ±1 for base -1, else 0
 * (base 0 included, where NumPy raises), as the GPU kernel.
 */
function intPower(base: number, exponent: number): number {
  if (exponent < 0) return base === -1 ? (exponent % 2 === 0 ? 1 : -1) : Number(base === 1);
  let result = 1;
  let factor = base;
  for (let rest = exponent; rest > 0; rest = Math.floor(rest / 2)) {
    if (rest % 2 === 1) result = Math.imul(result, factor);
    factor = Math.imul(factor, factor);
  }
  return result;
}

/** Floor division of int32 values (exact in float64); a division by 0 gives 0, as NumPy's integer ops. */
function floorDivideInt(a: number, b: number): number {
  return b === 0 ? 0 : Math.floor(a / b);
}

/**
 * NumPy's floor modulo of floats (np.mod): the sign of b, a zero remainder signed as b. An
 * infinite b leaves a finite a of its sign and gives b for a finite a of the other sign, where
 * a - floor(a / b) * b would be inf * 0 = NaN.
 */
function floorModReference(a: number, b: number): number {
  const infiniteDivisor = Number.isFinite(a) && (b === Infinity || b === -Infinity);
  const r = infiniteDivisor ? (a !== 0 && a < 0 !== b < 0 ? b : a) : a - Math.floor(a / b) * b;
  return r === 0 ? (b < 0 ? -0 : 0) : r;
}

/** NumPy's float floor_divide at infinities: inf // y is NaN, x // inf is 0 or -1 (signs that differ). */
function floorDivideReference(a: number, b: number): number {
  const aInfinite = a === Infinity || a === -Infinity;
  const bInfinite = b === Infinity || b === -Infinity;
  if (aInfinite && b !== 0) return NaN;
  if (bInfinite && !Number.isNaN(a) && a !== 0 && a < 0 !== b < 0) return -1;
  return Math.floor(a / b);
}

function roundHalfToEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** log(exp(a) + exp(b)) in float64; equal operands (infinite ones included) give a + log 2. */
function logAddExpReference(a: number, b: number): number {
  if (a === b) return a + Math.LN2;
  return Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** log2(2^a + 2^b) in float64; equal operands (infinite ones included) give a + 1. */
function logAddExp2Reference(a: number, b: number): number {
  if (a === b) return a + 1;
  return Math.max(a, b) + Math.log1p(2 ** -Math.abs(a - b)) * Math.LOG2E;
}

/** 1 where fmax picks a (a >= b, or b is NaN), else 0: the share of fmax's gradient that a gets. */
function fmaxTakesA(a: TensorLike, b: TensorLike): Tensor {
  return logicalOr(greaterEqual(a, b), typeof b === 'number' ? Number(Number.isNaN(b)) : isNaN(b));
}

/** 1 where fmin picks a (a <= b, or b is NaN), else 0. */
function fminTakesA(a: TensorLike, b: TensorLike): Tensor {
  return logicalOr(lessEqual(a, b), typeof b === 'number' ? Number(Number.isNaN(b)) : isNaN(b));
}

/** Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7). */
function erfReference(v: number): number {
  const a = Math.abs(v);
  const t = 1 / (1 + 0.3275911 * a);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const r = 1 - poly * Math.exp(-a * a);
  return v < 0 ? -r : r;
}
