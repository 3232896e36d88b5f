// GPU-versus-CPU cases for element-wise ops: every unary and binary op, broadcasting in each
// direction, number operands, int32 inputs, sizes that are not multiples of the workgroup size,
// and empty tensors.

import { ops, tensor } from '../../src/index';
import type { OpCase } from './case';
import { rand } from './data';

// WGSL allows sin and cos an absolute error of 2^-11 on [-pi, pi]; SwiftShader uses much of it.
const WGSL_TRIG_ATOL = 2 ** -11;

const UNARY: Array<[string, (x: ReturnType<typeof rand>) => ReturnType<typeof rand>, { low?: number; high?: number; rtol?: number; atol?: number }]> = [
  ['neg', ops.neg, {}],
  ['abs', ops.abs, {}],
  ['sign', ops.sign, {}],
  ['square', ops.square, {}],
  ['sqrt', ops.sqrt, { low: 0, high: 4 }],
  ['rsqrt', ops.rsqrt, { low: 0.1, high: 4, rtol: 1e-4 }],
  ['exp', ops.exp, { low: -5, high: 5, rtol: 1e-4 }],
  ['log', ops.log, { low: 0.01, high: 10, rtol: 1e-4 }],
  ['log1p', ops.log1p, { low: -0.5, high: 3, rtol: 1e-4 }],
  ['expm1', ops.expm1, { low: -2, high: 2, rtol: 1e-4 }],
  ['sin', ops.sin, { low: -3, high: 3, rtol: 1e-4, atol: WGSL_TRIG_ATOL }],
  ['cos', ops.cos, { low: -3, high: 3, rtol: 1e-4, atol: WGSL_TRIG_ATOL }],
  ['tanh', ops.tanh, { low: -20, high: 20, rtol: 1e-4 }],
  ['sigmoid', ops.sigmoid, { low: -30, high: 30, rtol: 1e-4 }],
  ['softplus', ops.softplus, { low: -30, high: 30, rtol: 1e-4 }],
  ['relu', ops.relu, {}],
  ['relu6', ops.relu6, { low: -3, high: 9 }],
  ['leakyRelu', (x) => ops.leakyRelu(x, 0.3), {}],
  ['elu', (x) => ops.elu(x, 0.7), { low: -4, high: 4, rtol: 1e-4 }],
  ['selu', ops.selu, { low: -4, high: 4, rtol: 1e-4 }],
  ['gelu exact', (x) => ops.gelu(x, false), { low: -4, high: 4, rtol: 1e-4 }],
  ['gelu (tanh approximation by default)', (x) => ops.gelu(x), { low: -4, high: 4, rtol: 1e-4 }],
  ['swish', ops.swish, { low: -6, high: 6, rtol: 1e-4 }],
  ['erf', ops.erf, { low: -3, high: 3, rtol: 1e-4, atol: 1e-6 }],
  ['silu', ops.silu, { low: -6, high: 6, rtol: 1e-4 }],
  ['floor', ops.floor, { low: -5, high: 5 }],
  ['ceil', ops.ceil, { low: -5, high: 5 }],
  ['round', ops.round, { low: -5, high: 5 }],
  ['clip', (x) => ops.clip(x, -0.3, 0.4), {}],
  ['logicalNot', (x) => ops.logicalNot(x.round()), {}],
  ['cast to int32', (x) => ops.cast(x, 'int32'), { low: -50, high: 50 }],
  ['tan', ops.tan, { low: -1.2, high: 1.2, rtol: 1e-4, atol: WGSL_TRIG_ATOL }],
  ['sinh', ops.sinh, { low: -5, high: 5, rtol: 1e-4, atol: 1e-5 }],
  ['cosh', ops.cosh, { low: -5, high: 5, rtol: 1e-4 }],
  ['arcsin', ops.arcsin, { low: -1.5, high: 1.5, rtol: 1e-4, atol: 1e-5 }],
  ['arccos', ops.arccos, { low: -1.5, high: 1.5, rtol: 1e-4, atol: 1e-5 }],
  ['arctan', ops.arctan, { low: -20, high: 20, rtol: 1e-4, atol: 1e-5 }],
  ['arcsinh', ops.arcsinh, { low: -50, high: 50, rtol: 1e-4, atol: 1e-5 }],
  ['arccosh', ops.arccosh, { low: 0, high: 20, rtol: 1e-4, atol: 1e-5 }],
  ['arctanh', ops.arctanh, { low: -1.5, high: 1.5, rtol: 1e-4, atol: 1e-5 }],
  ['exp2', ops.exp2, { low: -10, high: 10, rtol: 1e-4 }],
  ['trunc', ops.trunc, { low: -5, high: 5 }],
  ['signbit', ops.signbit, {}],
];

const BINARY: Array<[string, (a: ReturnType<typeof rand>, b: ReturnType<typeof rand>) => ReturnType<typeof rand>, { low?: number; rtol?: number }]> = [
  ['add', ops.add, {}],
  ['sub', ops.sub, {}],
  ['mul', ops.mul, {}],
  ['div', ops.div, { low: 0.5 }],
  ['pow', ops.pow, { low: 0.1, rtol: 1e-4 }],
  ['maximum', ops.maximum, {}],
  ['minimum', ops.minimum, {}],
  ['squaredDifference', ops.squaredDifference, {}],
  ['divNoNan', (a, b) => ops.divNoNan(a, b.round()), {}],
  ['divide', ops.divide, { low: 0.5 }],
  ['floorDivide', ops.floorDivide, { low: 0.5 }],
  ['mod', ops.mod, { low: 0.5, rtol: 1e-4 }],
  ['equal', (a, b) => ops.equal(a.round(), b.round()), {}],
  ['notEqual', (a, b) => ops.notEqual(a.round(), b.round()), {}],
  ['greater', ops.greater, {}],
  ['greaterEqual', ops.greaterEqual, {}],
  ['less', ops.less, {}],
  ['lessEqual', ops.lessEqual, {}],
  ['logicalAnd', (a, b) => ops.logicalAnd(a.round(), b.round()), {}],
  ['logicalOr', (a, b) => ops.logicalOr(a.round(), b.round()), {}],
  ['logicalXor', (a, b) => ops.logicalXor(a.round(), b.round()), {}],
  ['arctan2', ops.arctan2, { rtol: 1e-4 }],
  ['hypot', ops.hypot, { rtol: 1e-5 }],
  ['logaddexp', ops.logaddexp, { rtol: 1e-5 }],
];

/** [a shape, b shape]: same shape, each direction of broadcasting, rank mismatch, size-1 and size-0 dims. */
const BROADCASTS: Array<[number[], number[]]> = [
  [[1037], [1037]],
  [[3, 1], [1, 5]],
  [[2, 3, 4], [4]],
  [[4], [2, 3, 4]],
  [[2, 1, 3], [2, 5, 1]],
  [[1], [7, 3]],
  [[0, 3], [1, 3]],
  [[70, 33], [33]],
  [[9, 1], [9, 40]],
  [[2, 3, 5], [1, 3, 5]],
  [[4, 6, 1, 1], [4, 6, 2, 3]],
];

export const elementwiseCases: OpCase[] = [
  ...UNARY.map(([name, fn, { low, high, rtol, atol }]): OpCase => ({
    name: `${name} [7,131]`,
    run: () => fn(rand([7, 131], { low: low ?? -2, high: high ?? 2 })),
    rtol,
    atol,
  })),
  ...BINARY.flatMap(([name, fn, { low, rtol }]) =>
    BROADCASTS.map(([as, bs]): OpCase => ({
      name: `${name} [${as}] with [${bs}]`,
      run: () => fn(rand(as, { low: low ?? -2, high: 3 }), rand(bs, { low: low ?? -2, high: 3 })),
      rtol,
    })),
  ),
  { name: 'unary on empty [0,4]', run: () => ops.exp(rand([0, 4])) },
  { name: 'unary on a scalar', run: () => ops.tanh(tensor(0.3)) },
  { name: 'unary on 70000 elements (2-D grid)', run: () => ops.sigmoid(rand([70000])), rtol: 1e-4 },
  { name: 'add number', run: () => rand([5, 3]).add(1.5) },
  { name: 'number minus tensor', run: () => ops.sub(2, rand([5, 3])) },
  { name: 'div by number', run: () => rand([9]).div(3) },
  { name: 'pow with integer exponent on negatives', run: () => ops.pow(rand([20], { low: -3, high: 3 }), 3), rtol: 1e-4 },
  { name: 'pow with tensor exponents on negatives', run: () => ops.pow(tensor([-2, -2, -3, 0, 2]), tensor([2, 3, 0.5, 0, -1])), rtol: 1e-4 },
  { name: 'int32 add stays int32', run: () => rand([4, 6], { int: true, low: -100, high: 100 }).add(rand([6], { int: true, low: -5, high: 5 })) },
  { name: 'int32 div floors', run: () => ops.div(rand([30], { int: true, low: -50, high: 50 }), rand([30], { int: true, low: 1, high: 7 })) },
  { name: 'reciprocal, log2 and log10', run: () => [ops.reciprocal(rand([20], { low: 0.5, high: 4 })), ops.log2(rand([20], { low: 0.1, high: 9 })), ops.log10(rand([20], { low: 0.1, high: 9 }))], rtol: 1e-4 },
  { name: 'int32 divide is float', run: () => ops.divide(rand([30], { int: true, low: -50, high: 50 }), rand([30], { int: true, low: 1, high: 7 })) },
  { name: 'int32 floorDivide and mod with negatives and zero divisors', run: () => [ops.floorDivide(tensor([7, -7, 7, -7, 5], [5], 'int32'), tensor([2, 2, -2, -2, 0], [5], 'int32')), ops.mod(tensor([7, -7, 7, -7, 5], [5], 'int32'), tensor([3, 3, -3, -3, 0], [5], 'int32'))] },
  {
    name: 'int32 beyond 2^24: arithmetic, pow, comparisons, number operands and unary ops exact, wrapping',
    rtol: 0,
    atol: 0,
    run: () => {
      const a = tensor([2 ** 31 - 1, -(2 ** 31), 2 ** 24 + 1, 46341, -7], [5, 1], 'int32');
      const b = tensor([2 ** 24, 3, -(2 ** 31) + 1, 2 ** 24 + 3], [1, 4], 'int32');
      const pairs = [ops.add, ops.sub, ops.mul, ops.pow, ops.maximum, ops.minimum, ops.squaredDifference, ops.equal, ops.less].map((f) => f(a, b));
      return [...pairs, ops.add(a, 2 ** 24 + 1), ops.less(a, 2 ** 31), ops.neg(a), ops.abs(a), ops.square(a), ops.cast(a, 'int32'), ops.clip(a, -(2 ** 24) - 1, 2 ** 30)];
    },
  },
  { name: 'float mod follows the divisor sign', run: () => ops.mod(tensor([5.5, -5.5, 5.5, -5.5]), tensor([2, 2, -2, -2])) },
  { name: 'int32 with float number becomes float', run: () => rand([6], { int: true, low: 0, high: 9 }).mul(0.5) },
  { name: 'int32 and float32 tensors', run: () => rand([6], { int: true, low: 0, high: 9 }).add(rand([6])) },
  { name: 'comparison with a number', run: () => rand([12]).greater(0) },
  { name: 'NaN passes through the unary ops, as on the CPU', run: () => [ops.relu, ops.relu6, ops.sign, ops.tanh, ops.abs, ops.exp, ops.gelu, (x: ReturnType<typeof rand>) => ops.clip(x, 0, 1)].map((f) => f(tensor([NaN, -1, 2]))) },
  { name: 'log and log1p at and below their domain: -inf and NaN', run: () => [ops.log(tensor([-1, 0, 1, -Infinity])), ops.log1p(tensor([-2, -1, 0, 3])), ops.log2(tensor([-3, 0, 8], [3], 'int32'))] },
  { name: 'pow, arctan2, hypot and logaddexp with NaN operands', run: () => [ops.pow, ops.arctan2, ops.hypot, ops.logaddexp].map((f) => f(tensor([NaN, 1, NaN, 2, NaN]), tensor([1, NaN, 0, NaN, Infinity]))) },
  { name: 'comparisons, maximum and minimum with NaN operands', run: () => [ops.equal, ops.notEqual, ops.greater, ops.greaterEqual, ops.less, ops.lessEqual, ops.maximum, ops.minimum].map((f) => f(tensor([NaN, NaN, 1, NaN]), tensor([NaN, 0, NaN, 2]))) },
  { name: 'isNaN and isFinite', run: () => [ops.isNaN(tensor([1, NaN, Infinity, -Infinity, 0])), ops.isFinite(tensor([1, NaN, Infinity, -Infinity, 0]))] },
  { name: 'isinf, isnan, isfinite on float32 and int32', run: () => [tensor([1, NaN, Infinity, -Infinity, 0]), tensor([3, -4], [2], 'int32')].flatMap((x) => [ops.isinf(x), ops.isnan(x), ops.isfinite(x)]) },
  { name: 'signbit of -0, +0 and int32', run: () => [ops.signbit(tensor([-0, 0, -Infinity, Infinity, -1e-30])), ops.signbit(tensor([-3, 0, 5], [3], 'int32'))] },
  { name: 'trunc keeps int32', run: () => ops.trunc(rand([9], { int: true, low: -9, high: 9 })) },
  { name: 'inverse functions at and beyond their domain', run: () => [ops.arcsin(tensor([-1, 1, 1.5])), ops.arccos(tensor([-1, 1, -2])), ops.arccosh(tensor([1, 0.5])), ops.arctanh(tensor([-1, 1, 2, -3]))] },
  { name: 'hypot and logaddexp at extremes', run: () => [ops.hypot(tensor([3e30, 0, Infinity, 1e-30]), tensor([4e30, 0, 1, 1e-30])), ops.logaddexp(tensor([1000, -1000, Infinity, -Infinity, 0]), tensor([1000, -1001, 1, -Infinity, 80]))], rtol: 1e-5 },
  { name: 'arctan2 in every quadrant and on the axes', run: () => ops.arctan2(tensor([1, 1, -1, -1, 0, 0, 2, -2]), tensor([1, -1, -1, 1, 1, -1, 0, 0])), rtol: 1e-4 },
  { name: 'cast int32 to float32', run: () => ops.cast(rand([10], { int: true, low: -9, high: 9 }), 'float32') },
  { name: 'round half to even', run: () => ops.round(tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5])) },
  { name: 'where broadcasting condition [3,1], a [1,4], b []', run: () => ops.where(rand([3, 1]).greater(0), rand([1, 4]), tensor(9)) },
  { name: 'where with number operands', run: () => ops.where(rand([2, 5]).less(0), -1, 1) },
  { name: 'where on int32 values', run: () => ops.where(rand([8]).less(0), rand([8], { int: true, low: 0, high: 5 }), rand([8], { int: true, low: 5, high: 9 })) },
  { name: 'NaN is true in logicalAnd, logicalOr, logicalXor, logicalNot, all, any and where', run: () => {
    const [x, y] = [tensor([NaN, 0, NaN, NaN, 2, -0]), tensor([0, NaN, NaN, 1, NaN, NaN])];
    return [ops.logicalAnd(x, y), ops.logicalOr(x, y), ops.logicalXor(x, y), ops.logicalAnd(x, 1), ops.logicalNot(x), ops.all(ops.reshape(y, [3, 2]), 1), ops.any(ops.reshape(x, [2, 3]), 1), ops.where(x, 1, 0)];
  } },
  { name: 'pow of zeros, infinities and negative bases (IEEE 754)', run: () => ops.pow(tensor([0, -0, 0, -0, -Infinity, -Infinity, -Infinity, -Infinity, 2, -2, -8]), tensor([-1, -1, -0.5, 3, 0.5, 3, -3, -2, -Infinity, Infinity, 1 / 3])) },
  { name: 'mod by infinite divisors (NumPy)', run: () => ops.mod(tensor([7, -7, 7, -7, 0]), tensor([Infinity, Infinity, -Infinity, -Infinity, Infinity])) },
  { name: 'int32 div, floorDivide and mod past 2^24 and by 0', run: () => {
    const [a, b] = [tensor([2147483647, -2147483647, 16777217, 5, -5], [5], 'int32'), tensor([1, 2, 3, 0, 0], [5], 'int32')];
    return [ops.div(a, b), ops.floorDivide(a, b), ops.mod(a, b), ops.div(a, 0)];
  } },
  { name: 'floor and ceil of int32 are float32', run: () => [ops.floor(rand([9], { int: true, low: -9, high: 9 })), ops.ceil(rand([9], { int: true, low: -9, high: 9 }))] },
  { name: 'where promotes an int32 branch with a float number to float32', run: () => ops.where(rand([8]).less(0), rand([8], { int: true, low: 0, high: 5 }), 0.5) },
  { name: 'chained a.add(b).relu()', run: () => rand([3, 4]).add(rand([4])).relu().mul(2).sub(1).abs().add(1e-3).sqrt() },
];
