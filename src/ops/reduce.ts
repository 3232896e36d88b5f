// Reductions over any axes with keepDims: sum, mean, prod, max, min, all, any, logSumExp, and
// argMax/argMin along one axis or the flattened tensor. One WGSL kernel family
// (shaders/reduce.wgsl) reads the input in place through the layout of reduction_layout.ts; the
// CPU reference walks the same layout and folds each output's values in float64. Gradient rules
// (float32 inputs only) sit beside each op's forward rule and reshape dy to the keepDims shape so
// it broadcasts back over the reduced axes.

import { formatShape, type DType } from '../backend/types';
import type { Tensor } from '../tensor/tensor';
import { recordGradient } from '../autograd/tape';
import { where } from './elementwise';
import { broadcastTo, reshape } from './shape';
import { runKernel1, type Kernel } from './kernel';
import { keptOffset, reducedOffset, reductionDispatch, reductionLayout, reductionUniforms, withReductionLayout, type ReductionLayout } from './reduction_layout';
import { checkRank, normalizeAxes, normalizeAxis } from './shape_util';
import { checkTensor } from './validate';
import reduceShader from '../../shaders/reduce.wgsl?raw';

const REDUCE_SOURCE = withReductionLayout(reduceShader);

type Axes = number | number[] | readonly number[];

interface ReduceOp {
  /** Matches the OP_* constants of shaders/reduce.wgsl. */
  code: number;
  /** 'same' keeps int32 as int32; 'float' always gives float32; 'int' always gives int32. */
  dtype: 'same' | 'float' | 'int';
  /** Folds one output's values (in reduction order) to its result. */
  cpu: (values: number[], isInt: boolean) => number;
  /**
   * dy * d(out)/d(x), of x's shape; dy and y come in the keepDims shape, `count` is the number of
   * elements each output reduces. Absent: not differentiable.
   */
  grad?: (dy: Tensor, x: Tensor, y: Tensor, axes: readonly number[], count: number) => Tensor;
}

const REDUCE_OPS = {
  sum: { code: 0, dtype: 'same', cpu: (v, isInt) => (isInt ? v.reduce((a, b) => (a + b) | 0, 0) : v.reduce((a, b) => a + b, 0)),
    grad: (dy, x) => broadcastTo(dy, x.shape) },
  mean: { code: 1, dtype: 'float', cpu: (v) => v.reduce((a, b) => a + b, 0) / v.length,
    grad: (dy, x, _y, _axes, count) => broadcastTo(dy.div(Math.max(count, 1)), x.shape) },
  prod: { code: 2, dtype: 'same', cpu: (v, isInt) => (isInt ? v.reduce((a, b) => Math.imul(a, b), 1) : v.reduce((a, b) => a * b, 1)),
    grad: (dy, x, _y, axes) => dy.mul(productOfOthers(x, axes)) },
  max: { code: 3, dtype: 'same', cpu: (v, isInt) => v.reduce((a, b) => (Number.isNaN(a) || a >= b ? a : b), isInt ? -(2 ** 31) : -Infinity),
    grad: (dy, x, y, axes) => dy.mul(shareAmongTies(x, y, axes)) },
  min: { code: 4, dtype: 'same', cpu: (v, isInt) => v.reduce((a, b) => (Number.isNaN(a) || a <= b ? a : b), isInt ? 2 ** 31 - 1 : Infinity),
    grad: (dy, x, y, axes) => dy.mul(shareAmongTies(x, y, axes)) },
  all: { code: 5, dtype: 'int', cpu: (v) => Number(v.every((x) => x !== 0)) },
  any: { code: 6, dtype: 'int', cpu: (v) => Number(v.some((x) => x !== 0)) },
  logSumExp: { code: 7, dtype: 'float', cpu: logSumExpRef,
    grad: (dy, x, y) => dy.mul(x.sub(y).exp()) },
  argMax: { code: 8, dtype: 'int', cpu: (v) => argExtreme(v, (a, b) => a > b) },
  argMin: { code: 9, dtype: 'int', cpu: (v) => argExtreme(v, (a, b) => a < b) },
} satisfies Record<string, ReduceOp>;

type ReduceName = keyof typeof REDUCE_OPS;

/** Reductions whose result over a single element is that element. */
const IDENTITY_ON_ONE = new Set<ReduceName>(['sum', 'mean', 'prod', 'max', 'min']);

interface ReduceAttrs {
  op: ReduceOp;
  layout: ReductionLayout;
}

const reduceKernel: Kernel<ReduceAttrs> = {
  name: 'reduce',
  cpu([x], [y], { op, layout }) {
    const isInt = x.dtype === 'int32';
    const values = new Array<number>(layout.reducedSize);
    for (let o = 0; o < layout.outSize; o++) {
      const base = keptOffset(layout, o);
      for (let r = 0; r < layout.reducedSize; r++) values[r] = x.values[base + reducedOffset(layout, r)];
      y.values[o] = op.cpu(values, isInt);
    }
  },
  webgpu(gpu, [x], [y], { op, layout }) {
    const scale = layout.reducedSize === 0 ? NaN : 1 / layout.reducedSize;
    gpu.dispatch({
      shader: REDUCE_SOURCE,
      ...reductionDispatch(layout, gpu.tuning),
      constants: { OP: op.code, IN_INT: x.dtype === 'int32' },
      uniforms: reductionUniforms(layout, scale),
      buffers: [x.buffer, y.buffer],
    });
  },
};

function reduce(name: ReduceName, x: Tensor, axes: readonly number[], keepDims: boolean): Tensor {
  const op: ReduceOp = REDUCE_OPS[name];
  const layout = reductionLayout(x.shape, axes, keepDims);
  const dtype: DType = op.dtype === 'same' ? x.dtype : op.dtype === 'int' ? 'int32' : 'float32';
  // Reducing one element per output (a scalar's sum, a mean over axes of size 1) is a reshape.
  if (layout.reducedSize === 1 && IDENTITY_ON_ONE.has(name) && dtype === x.dtype) return reshape(x, layout.outShape);
  const y = runKernel1(reduceKernel, [x], { shape: layout.outShape, dtype }, { op, layout });
  const grad = op.grad;
  if (grad && x.dtype === 'float32') {
    const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    recordGradient(name, [x], [y], () => ([dy]) => [grad(reshape(dy, keptShape), x, reshape(y, keptShape), axes, layout.reducedSize)]);
  }
  return y;
}

/**
 * d prod(x) / d x_i: the product of the other elements of x_i's reduction, exact where x has
 * zeros. With no zero it is prod / x_i; with one zero, the product of the nonzero elements at the
 * zero and 0 elsewhere; with two or more zeros, 0 everywhere.
 */
function productOfOthers(x: Tensor, axes: readonly number[]): Tensor {
  const isZero = x.equal(0);
  const zeros = sum(isZero, axes, true);
  const nonZero = where(isZero, 1, x);
  const productOfNonZero = prod(nonZero, axes, true);
  const atTheOnlyZero = where(isZero.logicalAnd(zeros.equal(1)), productOfNonZero, 0);
  return where(zeros.equal(0), productOfNonZero.div(nonZero), atTheOnlyZero);
}

/**
 * d max(x) / d x (and min): 1 / (number of ties) where x equals the result, else 0, as
 * TensorFlow and JAX split the gradient evenly among tied extremes; y is in the keepDims shape.
 */
function shareAmongTies(x: Tensor, y: Tensor, axes: readonly number[]): Tensor {
  const isExtreme = x.equal(y).cast('float32');
  return isExtreme.div(sum(isExtreme, axes, true));
}

/** Validates a multi-axis reduction's arguments and returns its sorted axes. */
function reductionAxes(name: ReduceName, x: Tensor, axis: Axes | undefined, keepDims: boolean): number[] {
  checkTensor(name, x);
  checkRank(name, x.shape);
  if (axis !== undefined && typeof axis !== 'number' && !Array.isArray(axis)) {
    throw new Error(`${name}: axis must be a number, an array of numbers or undefined (all axes), got ${typeof axis}.`);
  }
  checkKeepDims(name, keepDims);
  // A scalar accepts axis 0 (normalizeAxis allows it) and reduces nothing.
  return normalizeAxes(name, axis, x.rank).filter((a) => a < x.rank);
}

function multiAxis(name: ReduceName) {
  return (x: Tensor, axis?: Axes, keepDims = false): Tensor => reduce(name, x, reductionAxes(name, x, axis, keepDims), keepDims);
}

/**
 * Sum over `axis` (a number, a list, or undefined for all axes). int32 stays int32 (wrapping).
 * An empty reduction gives 0.
 * @example ops.sum(tensor([[1, 2], [3, 4]]), 1) // [3, 7]
 */
export const sum = multiAxis('sum');

/**
 * Arithmetic mean over `axis`; always float32. An empty reduction gives NaN.
 * @example ops.mean(tensor([[1, 2], [3, 4]]), 0, true) // [[2, 3]]
 */
export const mean = multiAxis('mean');

/**
 * Largest value over `axis`; NaN wins. An empty reduction gives -Infinity (int32: -2^31).
 * @example ops.max(tensor([[1, 5], [3, 4]]), -1) // [5, 4]
 */
export const max = multiAxis('max');

/**
 * Smallest value over `axis`; NaN wins. An empty reduction gives +Infinity (int32: 2^31 - 1).
 * @example ops.min(tensor([[1, 5], [3, 4]])) // 1
 */
export const min = multiAxis('min');

/**
 * Product over `axis`. int32 stays int32 (wrapping). An empty reduction gives 1.
 * @example ops.prod(tensor([1, 2, 3, 4])) // 24
 */
export const prod = multiAxis('prod');

/**
 * log(sum(exp(x))) over `axis`, without overflow for large x; float32. An empty reduction gives
 * -Infinity.
 * @example ops.logSumExp(tensor([1000, 1000])) // 1000.6931
 */
export const logSumExp = multiAxis('logSumExp');
/** log(sum(exp(x))) over `axis` (Keras's name for logSumExp). */
export const logsumexp = logSumExp;

/**
 * 1 where every value over `axis` is nonzero, else 0 (int32). An empty reduction gives 1.
 * @example ops.all(tensor([[1, 0], [2, 3]]), 1) // [0, 1]
 */
export const all = multiAxis('all');

/**
 * 1 where some value over `axis` is nonzero, else 0 (int32). An empty reduction gives 0.
 * @example ops.any(tensor([[0, 0], [2, 0]]), 1) // [0, 1]
 */
export const any = multiAxis('any');

function argReduce(name: 'argMax' | 'argMin', x: Tensor, axis: number | undefined, keepDims: boolean): Tensor {
  checkTensor(name, x);
  checkRank(name, x.shape);
  if (axis !== undefined && typeof axis !== 'number') {
    throw new Error(`${name}: axis must be a single number or undefined (the flattened tensor), got ${Array.isArray(axis) ? 'an array' : typeof axis}.`);
  }
  checkKeepDims(name, keepDims);
  const axes = axis === undefined ? [...Array(x.rank).keys()] : [normalizeAxis(name, axis, x.rank)].filter((a) => a < x.rank);
  const length = axes.reduce((n, a) => n * x.shape[a], 1);
  if (length === 0) {
    const over = axis === undefined ? 'the flattened tensor' : `axis ${axis}`;
    throw new Error(`${name}: cannot take the ${name === 'argMax' ? 'maximum' : 'minimum'} of an empty sequence (${over} of shape ${formatShape(x.shape)} has size 0).`);
  }
  return reduce(name, x, axes, keepDims);
}

/**
 * Index of the largest value along `axis` (int32); undefined indexes the flattened tensor, as
 * keras.ops.argmax(axis=None). Ties give the first index; NaN counts as the largest.
 * @example ops.argMax(tensor([[1, 9, 9], [7, 2, 3]]), 1) // [1, 0]
 */
export function argMax(x: Tensor, axis?: number, keepDims = false): Tensor {
  return argReduce('argMax', x, axis, keepDims);
}
/** Index of the largest value along `axis` (Keras's name for argMax, with its default: the flattened tensor). */
export const argmax = argMax;

/**
 * Index of the smallest value along `axis` (int32); undefined indexes the flattened tensor. Ties
 * give the first index; NaN counts as the smallest.
 * @example ops.argMin(tensor([[1, 9, 0], [7, 2, 3]])) // 2
 */
export function argMin(x: Tensor, axis?: number, keepDims = false): Tensor {
  return argReduce('argMin', x, axis, keepDims);
}
/** Index of the smallest value along `axis` (Keras's name for argMin). */
export const argmin = argMin;

/** Max then sum of exp(x - max) in float64; infinite maxima pass through as TensorFlow's do. */
function logSumExpRef(values: number[]): number {
  let m = -Infinity;
  for (const v of values) {
    if (Number.isNaN(v)) return NaN;
    m = Math.max(m, v);
  }
  if (!Number.isFinite(m)) return m;
  let s = 0;
  for (const v of values) s += Math.exp(v - m);
  return m + Math.log(s);
}

/** First index whose value beats every other by `better`; the first NaN beats everything. */
function argExtreme(values: number[], better: (a: number, b: number) => boolean): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) {
    if (Number.isNaN(values[best])) break;
    if (Number.isNaN(values[i]) || better(values[i], values[best])) best = i;
  }
  return best;
}

function checkKeepDims(op: string, keepDims: unknown): void {
  if (typeof keepDims === 'boolean') return;
  // Keras's keepdims=True is a keyword; here it is the third argument, which a port may miss.
  const asOption = keepDims !== null && typeof keepDims === 'object' && 'keepDims' in keepDims;
  const hint = asOption ? ` It is the third argument, not an option: ${op}(x, axis, true).` : '';
  throw new Error(`${op}: keepDims must be a boolean, got ${typeof keepDims}.${hint}`);
}
