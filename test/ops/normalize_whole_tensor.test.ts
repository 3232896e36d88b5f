// ops.normalize with axis null normalizes by the norm of the whole tensor (Keras's axis=None,
// tf.math.l2_normalize's default): keras.io's "what convnets learn" normalizes its input-image
// gradients this way; null used to crash inside the axis check with a TypeError.

import { describe, expect, it } from 'vitest';
import { ops, tensor } from '../../src/node';
import { expectNumbersClose, onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

describe('ops.normalize over the whole tensor', () => {
  it('divides by the norm of every element, for order 2 and order 1', onBothBackends(async () => {
    // Hand-computed: the elements 3, 0, 0, 4 have L2 norm 5; 3, 0, -4 have L1 norm 7 (other
    // orders follow norm's axis=None rule, as NumPy's: vector or matrix norms only).
    const x = tensor([[[3, 0]], [[0, 4]]]);
    expectNumbersClose(Array.from(await ops.normalize(x, null).data()), [0.6, 0, 0, 0.8]);
    expectNumbersClose(Array.from(await ops.normalize(tensor([3, 0, -4]), null, 1).data()), [3 / 7, 0, -4 / 7]);
    expect(ops.normalize(x, null).shape).toEqual([2, 1, 2]);
  }));
});
