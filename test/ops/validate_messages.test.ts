// The argument checks of src/ops/validate.ts: what an op says when handed host data in place of a
// tensor (Keras code passes NumPy arrays, such as ctc_decode's sequence_lengths).

import { describe, expect, it } from 'vitest';
import { ops, randomUniform } from '../../src/node';
import { useWebGPU } from '../helpers';

useWebGPU();

describe('op argument messages', () => {
  it('names a typed array and says to wrap it, as for an array', () => {
    const scores = randomUniform([2, 5, 4]);
    expect(() => ops.ctcDecode(scores, new Float64Array([5, 5]) as never)).toThrow('ctcDecode: expected a Tensor, got a Float64Array (wrap it with tensor(...)).');
    expect(() => ops.ctcDecode(scores, [5, 5] as never)).toThrow('ctcDecode: expected a Tensor, got an array (wrap it with tensor(...)).');
    expect(() => ops.add(new Float32Array([1, 2]) as never, 1)).toThrow('add: expected a Tensor or a number, got a Float32Array (wrap it with tensor(...)).');
    scores.dispose();
  });
});
