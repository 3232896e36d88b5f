// Gradients of convolutions and pooling on the GPU against central finite differences on the CPU.
// Shapes stay tiny: the check runs two forward passes per input element.

import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/node';
import { conv1d, conv2d, type Conv1dOptions, type Conv2dOptions } from '../../src/ops/conv';
import { avgPool2d, maxPool2d, type Pool2dOptions } from '../../src/ops/pooling';
import { useWebGPU } from '../helpers';
import { gradCheck } from './gradcheck';

useWebGPU();

describe('conv2d gradients with respect to x and kernel', () => {
  const cases: Array<[number[], number[], Conv2dOptions]> = [
    [[1, 4, 4, 2], [2, 2, 2, 3], {}],
    [[2, 5, 4, 2], [3, 3, 2, 2], { padding: 'same' }],
    [[1, 5, 5, 2], [3, 2, 2, 3], { strides: 2 }],
    [[1, 5, 6, 1], [3, 3, 1, 2], { strides: 2, padding: 'same' }],
    [[1, 5, 5, 2], [2, 2, 2, 2], { dilationRate: 2 }],
    [[1, 5, 4, 1], [2, 3, 1, 2], { dilationRate: [2, 1], padding: 'same' }],
    [[1, 6, 6, 1], [2, 2, 1, 2], { dilationRate: 2, strides: 2, padding: 'same' }],
    [[2, 3, 3, 2], [1, 1, 2, 3], {}],
  ];
  for (const [xs, ks, options] of cases) {
    it(`[${xs}] x [${ks}] ${JSON.stringify(options)}`, async () => {
      const result = await gradCheck((x, k) => conv2d(x, k, options), [xs, ks]);
      expect(result.message).toBe('ok');
    });
  }
});

describe('conv1d gradients', () => {
  const cases: Array<[number[], number[], Conv1dOptions]> = [
    [[2, 6, 2], [3, 2, 3], {}],
    [[1, 7, 2], [2, 2, 2], { strides: 2, padding: 'same' }],
    [[1, 7, 1], [3, 1, 2], { dilationRate: 2, padding: 'causal' }],
  ];
  for (const [xs, ks, options] of cases) {
    it(`[${xs}] x [${ks}] ${JSON.stringify(options)}`, async () => {
      const result = await gradCheck((x, k) => conv1d(x, k, options), [xs, ks]);
      expect(result.message).toBe('ok');
    });
  }
});

describe('pooling gradients', () => {
  const cases: Array<[string, (x: Tensor, options: Pool2dOptions) => Tensor, number[], Pool2dOptions]> = [
    // Random inputs keep the maxima apart by far more than the finite-difference step.
    ['maxPool2d', maxPool2d, [1, 4, 4, 2], {}],
    ['maxPool2d', maxPool2d, [2, 5, 5, 1], { poolSize: 3, strides: 2, padding: 'same' }],
    ['avgPool2d', avgPool2d, [1, 5, 5, 2], { padding: 'same' }],
    ['avgPool2d', avgPool2d, [1, 5, 4, 1], { poolSize: [3, 2], strides: 1 }],
  ];
  for (const [name, pool, xs, options] of cases) {
    it(`${name} [${xs}] ${JSON.stringify(options)}`, async () => {
      const result = await gradCheck((x) => pool(x, options), [xs], { eps: 1e-3 });
      expect(result.message).toBe('ok');
    });
  }
});
