// Gradients of the 3-D convolutions and pooling on the GPU against central finite differences on
// the CPU. Shapes stay tiny: the check runs two forward passes per input element.

import { describe, expect, it } from 'vitest';
import { conv3d, conv3dTranspose, type Conv3dOptions, type Conv3dTransposeOptions } from '../../src/ops/conv3d';
import { avgPool3d, maxPool3d, type Pool3dOptions } from '../../src/ops/pooling';
import { useWebGPU } from '../helpers';
import { gradCheck } from './gradcheck';

useWebGPU();

describe('conv3d gradients with respect to x and kernel', () => {
  const cases: Array<[number[], number[], Conv3dOptions]> = [
    [[1, 3, 3, 3, 1], [2, 2, 2, 1, 2], {}],
    [[1, 3, 4, 3, 2], [2, 3, 2, 2, 1], { strides: [1, 2, 2], padding: 'same' }],
    [[1, 4, 3, 3, 1], [2, 2, 1, 1, 1], { dilationRate: [2, 1, 1] }],
    [[1, 2, 3, 3, 2], [2, 2, 2, 1, 2], { padding: 'same' }],
    [[1, 2, 2, 3, 2], [2, 2, 2, 2, 1], { dataFormat: 'channels_first' }],
  ];
  for (const [xs, ks, options] of cases) {
    it(`[${xs}] x [${ks}] ${JSON.stringify(options)}`, async () => {
      const result = await gradCheck((x, k) => conv3d(x, k, options), [xs, ks]);
      expect(result.message).toBe('ok');
    });
  }
});

describe('conv3dTranspose gradients with respect to x and kernel', () => {
  const cases: Array<[number[], number[], Conv3dTransposeOptions]> = [
    [[1, 2, 2, 2, 1], [2, 2, 2, 2, 1], { strides: 2, padding: 'same' }],
    [[1, 2, 2, 1, 2], [2, 1, 2, 1, 2], { strides: [1, 2, 1], outputPadding: [0, 1, 0] }],
  ];
  for (const [xs, ks, options] of cases) {
    it(`[${xs}] x [${ks}] ${JSON.stringify(options)}`, async () => {
      const result = await gradCheck((x, k) => conv3dTranspose(x, k, options), [xs, ks]);
      expect(result.message).toBe('ok');
    });
  }
});

describe('3-D pooling gradients', () => {
  const cases: Array<[string, typeof maxPool3d, number[], Pool3dOptions]> = [
    // Random inputs keep the maxima apart by far more than the finite-difference step.
    ['maxPool3d', maxPool3d, [1, 4, 4, 4, 1], {}],
    ['maxPool3d', maxPool3d, [1, 3, 4, 3, 2], { poolSize: [2, 3, 2], strides: [1, 2, 1], padding: 'same' }],
    ['avgPool3d', avgPool3d, [1, 3, 3, 3, 2], { padding: 'same' }],
    ['avgPool3d', avgPool3d, [1, 2, 4, 3, 1], { poolSize: [2, 2, 3], strides: 1 }],
  ];
  for (const [name, pool, xs, options] of cases) {
    it(`${name} [${xs}] ${JSON.stringify(options)}`, async () => {
      const result = await gradCheck((x) => pool(x, options), [xs], { eps: 1e-3 });
      expect(result.message).toBe('ok');
    });
  }
});
