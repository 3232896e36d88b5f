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
  ['gelu', (x) => ops.gelu(x), { low: -4, high: 4, rtol: 1e-4 }],
  ['gelu approximate', (x) => ops.gelu(x, true), { low: -4, high: 4, rtol: 1e-4 }],
  ['swish', ops.swish, { low: -6, high: 6, rtol: 1e-4 }],
  ['erf', ops.erf, { low: -3, high: 3, rtol: 1e-4, atol: 1e-6 }],
  ['silu', ops.silu, { low: -6, high: 6, rtol: 1e-4 }],
  ['floor', ops.floor, { low: -5, high: 5 }],
  ['ceil', ops.ceil, { low: -5, high: 5 }],
  ['round', ops.round, { low: -5, high: 5 }],
  ['clip', (x) => ops.clip(x, -0.3, 0.4), {}],
  ['logicalNot', (x) => ops.logicalNot(x.round()), {}],
  ['cast to int32', (x) => ops.cast(x, 'int32'), { low: -50, high: 50 }],
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
  { name: 'int32 divide is float', run: () => ops.divide(rand([30], { int: true, low: -50, high: 50 }), rand([30], { int: true, low: 1, high: 7 })) },
  { name: 'int32 floorDivide and mod with negatives and zero divisors', run: () => [ops.floorDivide(tensor([7, -7, 7, -7, 5], [5], 'int32'), tensor([2, 2, -2, -2, 0], [5], 'int32')), ops.mod(tensor([7, -7, 7, -7, 5], [5], 'int32'), tensor([3, 3, -3, -3, 0], [5], 'int32'))] },
  { name: 'float mod follows the divisor sign', run: () => ops.mod(tensor([5.5, -5.5, 5.5, -5.5]), tensor([2, 2, -2, -2])) },
  { name: 'int32 with float number becomes float', run: () => rand([6], { int: true, low: 0, high: 9 }).mul(0.5) },
  { name: 'int32 and float32 tensors', run: () => rand([6], { int: true, low: 0, high: 9 }).add(rand([6])) },
  { name: 'comparison with a number', run: () => rand([12]).greater(0) },
  { name: 'isNaN and isFinite', run: () => [ops.isNaN(tensor([1, NaN, Infinity, -Infinity, 0])), ops.isFinite(tensor([1, NaN, Infinity, -Infinity, 0]))] },
  { name: 'cast int32 to float32', run: () => ops.cast(rand([10], { int: true, low: -9, high: 9 }), 'float32') },
  { name: 'round half to even', run: () => ops.round(tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5])) },
  { name: 'where broadcasting condition [3,1], a [1,4], b []', run: () => ops.where(rand([3, 1]).greater(0), rand([1, 4]), tensor(9)) },
  { name: 'where with number operands', run: () => ops.where(rand([2, 5]).less(0), -1, 1) },
  { name: 'where on int32 values', run: () => ops.where(rand([8]).less(0), rand([8], { int: true, low: 0, high: 5 }), rand([8], { int: true, low: 5, high: 9 })) },
  { name: 'chained a.add(b).relu()', run: () => rand([3, 4]).add(rand([4])).relu().mul(2).sub(1).abs().add(1e-3).sqrt() },
];
