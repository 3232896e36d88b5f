// Gradients of matmul on the GPU against central finite differences on the CPU: every transpose
// combination, batch broadcasting in each direction, and vectors.

import { describe, expect, it } from 'vitest';
import { ops } from '../../src/node';
import { useWebGPU } from '../helpers';
import { gradCheck } from './gradcheck';

useWebGPU();

describe('matmul gradients', () => {
  const cases: Array<[string, number[], number[], { transposeA?: boolean; transposeB?: boolean }]> = [
    ['[3,4] x [4,2]', [3, 4], [4, 2], {}],
    ['transposeA [4,3] x [4,2]', [4, 3], [4, 2], { transposeA: true }],
    ['transposeB [3,4] x [2,4]', [3, 4], [2, 4], { transposeB: true }],
    ['both transposed [4,3] x [2,4]', [4, 3], [2, 4], { transposeA: true, transposeB: true }],
    ['batch [2,3,4] x [4,2] (kernel broadcast)', [2, 3, 4], [4, 2], {}],
    ['batch [3,4] x [2,4,2] (left broadcast)', [3, 4], [2, 4, 2], {}],
    ['batch [2,1,2,3] x [3,3,2] with transposeB', [2, 1, 2, 3], [3, 2, 3], { transposeB: true }],
    ['vector [4] x [4,3]', [4], [4, 3], {}],
    ['[3,4] x vector [4]', [3, 4], [4], {}],
  ];
  for (const [name, aShape, bShape, options] of cases) {
    it(name, async () => {
      const result = await gradCheck((a, b) => ops.matmul(a, b, options), [aShape, bShape]);
      expect(result.message).toBe('ok');
    });
  }
});
