// zerosLike and onesLike take Keras's optional dtype (keras.ops.zeros_like(x, dtype)), so counts
// over int32 ids can be float32 (found porting keras.io's GNN example: a segment mean as a
// segment sum over counts).

import { describe, expect, it } from 'vitest';
import { ops, tensor } from '../../src/node';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

describe('zerosLike / onesLike dtype', () => {
  it(
    'keep the dtype of x by default, take another, and reject an unknown one',
    onBothBackends(async () => {
      const ids = tensor([0, 2, 2], [3], 'int32');
      expect(ops.onesLike(ids).dtype).toBe('int32');
      const ones = ops.onesLike(ids, 'float32');
      expect(ones.dtype).toBe('float32');
      expect(Array.from(await ops.segmentSum(ones, ids, 3).data())).toEqual([1, 0, 2]);
      const zeros = ops.zerosLike(tensor([1.5, 2.5]), 'int32');
      expect([zeros.dtype, Array.from(await zeros.data())]).toEqual(['int32', [0, 0]]);
      expect(() => ops.onesLike(ids, 'bool' as 'int32')).toThrow("onesLike: unknown dtype 'bool'. Expected 'float32' or 'int32'.");
    }),
  );
});
