// ops.cast to Keras's 'bool' (for masks): this library's booleans, int32 1 where nonzero, as comparisons give.

import { describe, expect, it } from 'vitest';
import { ops, tensor } from '../../src/node';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

describe("cast to 'bool'", () => {
  it('gives int32 1 where the value is nonzero (NaN and -0 included as numpy does), else 0', onBothBackends(async () => {
    const mask = ops.cast(tensor([0, 2.5, -1, -0, NaN]), 'bool');
    expect(mask.dtype).toBe('int32');
    expect(Array.from(await mask.data())).toEqual([0, 1, 1, 0, 1]);
    expect(Array.from(await ops.cast(tensor([0, 3], [2], 'int32'), 'bool').data())).toEqual([0, 1]);
  }));

  it('names the dtypes it takes', () => {
    expect(() => ops.cast(tensor([1]), 'float64' as never)).toThrow("cast: unknown dtype 'float64'. Expected 'float32', 'int32' or 'bool'.");
  });
});
