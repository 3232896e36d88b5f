// Gradients of element-wise ops on the GPU against central finite differences on the CPU.

import { describe, expect, it } from 'vitest';
import { GradientTape, ops, tensor, type Tensor } from '../../src/node';
import { useWebGPU } from '../helpers';
import { gradCheck, type GradCheckOptions } from './gradcheck';

useWebGPU();

const UNARY: Array<[string, (x: Tensor) => Tensor, GradCheckOptions?]> = [
  ['neg', ops.neg],
  ['abs', ops.abs],
  ['square', ops.square],
  ['sqrt', ops.sqrt, { low: 0.5, high: 2 }],
  ['rsqrt', ops.rsqrt, { low: 0.5, high: 2 }],
  ['exp', ops.exp],
  ['log', ops.log, { low: 0.5, high: 2 }],
  ['log1p', ops.log1p],
  ['expm1', ops.expm1],
  ['sin', ops.sin],
  ['cos', ops.cos],
  ['tanh', ops.tanh],
  ['sigmoid', ops.sigmoid, { low: -4, high: 4 }],
  ['softplus', ops.softplus, { low: -4, high: 4 }],
  ['relu', ops.relu],
  ['relu6', ops.relu6, { low: -2, high: 8 }],
  ['leakyRelu', (x) => ops.leakyRelu(x, 0.3)],
  ['elu', (x) => ops.elu(x, 0.7)],
  ['selu', ops.selu],
  ['gelu', (x) => ops.gelu(x), { low: -3, high: 3 }],
  ['gelu approximate', (x) => ops.gelu(x, true), { low: -3, high: 3 }],
  ['swish', ops.swish, { low: -3, high: 3 }],
  ['erf', ops.erf],
  ['clip', (x) => ops.clip(x, -0.5, 0.5)],
  ['tan', ops.tan],
  ['sinh', ops.sinh],
  ['cosh', ops.cosh],
  ['arcsin', ops.arcsin, { low: -0.8, high: 0.8 }],
  ['arccos', ops.arccos, { low: -0.8, high: 0.8 }],
  ['arctan', ops.arctan, { low: -3, high: 3 }],
  ['arcsinh', ops.arcsinh, { low: -3, high: 3 }],
  ['arccosh', ops.arccosh, { low: 1.5, high: 4 }],
  ['arctanh', ops.arctanh, { low: -0.8, high: 0.8 }],
  ['exp2', ops.exp2],
];

describe('unary gradients', () => {
  for (const [name, f, options] of UNARY) {
    it(name, async () => {
      const result = await gradCheck(f, [[3, 4]], options);
      expect(result.message).toBe('ok');
    });
  }
});

describe('binary gradients', () => {
  const cases: Array<[string, (a: Tensor, b: Tensor) => Tensor, number[][], GradCheckOptions?]> = [
    ['add', ops.add, [[2, 3], [2, 3]]],
    ['sub', ops.sub, [[2, 3], [2, 3]]],
    ['mul', ops.mul, [[2, 3], [2, 3]]],
    ['div', ops.div, [[2, 3], [2, 3]], { low: 0.5, high: 2 }],
    ['pow', ops.pow, [[2, 3], [2, 3]], { low: 0.5, high: 2 }],
    ['maximum', ops.maximum, [[2, 3], [2, 3]]],
    ['minimum', ops.minimum, [[2, 3], [2, 3]]],
    ['squaredDifference', ops.squaredDifference, [[2, 3], [2, 3]]],
    ['divNoNan', ops.divNoNan, [[2, 3], [2, 3]], { low: 0.5, high: 2 }],
    ['divide', ops.divide, [[2, 3], [2, 3]], { low: 0.5, high: 2 }],
    // Quotients kept away from integers, where mod jumps.
    ['mod', ops.mod, [[2, 3], [2, 3]], { values: [[5.3, -5.3, 2.7, 7.1, -1.3, 3.4], [2, 2, -1.9, 3.3, 0.7, -1.1]] }],
    ['arctan2', ops.arctan2, [[2, 3], [2, 3]], { low: 0.5, high: 2 }],
    ['arctan2 broadcast [2,3] with [3], across quadrants', ops.arctan2, [[2, 3], [3]], { values: [[0.7, -1.2, 0.4, -0.9, 1.5, -0.3], [1.1, -0.8, -1.4]] }],
    ['hypot', ops.hypot, [[2, 3], [2, 3]], { low: 0.5, high: 2 }],
    ['logaddexp', ops.logaddexp, [[2, 3], [2, 3]], { low: -3, high: 3 }],
    ['log2 and log10', (a, b) => ops.log2(a).add(ops.log10(b)), [[2, 3], [2, 3]], { low: 0.5, high: 2 }],
    ['add broadcast [2,3] + [3]', ops.add, [[2, 3], [3]]],
    ['mul broadcast [2,1,3] * [4,1]', ops.mul, [[2, 1, 3], [4, 1]]],
    ['div broadcast [3,1] / [1,2]', ops.div, [[3, 1], [1, 2]], { low: 0.5, high: 2 }],
  ];
  for (const [name, f, shapes, options] of cases) {
    it(name, async () => {
      const result = await gradCheck(f, shapes, options);
      expect(result.message).toBe('ok');
    });
  }

  it('the same tensor on both sides', async () => {
    expect((await gradCheck((x) => ops.sub(x, x).add(ops.mul(x, x)).add(ops.div(x, x)), [[2, 3]], { low: 0.5, high: 2 })).message).toBe('ok');
  });

  it('number operands', async () => {
    expect((await gradCheck((x) => ops.sub(2, x).mul(3).div(4).pow(2), [[5]])).message).toBe('ok');
  });

  it('stopGradient blocks the gradient of its input', async () => {
    const x = tensor([1, 2, 3]);
    const tape = new GradientTape();
    tape.watch(x);
    const y = tape.record(() => ops.sum(ops.mul(x, ops.stopGradient(x.mul(5)))));
    // d/dx of x * c with c = 5x held constant is c, not 10x.
    expect(Array.from(await (tape.gradient(y, x) as Tensor).data())).toEqual([5, 10, 15]);
  });

  it('where', async () => {
    const result = await gradCheck((a, b) => ops.where(a.greater(0), a.mul(b), b.square()), [[2, 3], [2, 3]]);
    expect(result.message).toBe('ok');
  });
});
