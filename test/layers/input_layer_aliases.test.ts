// InputLayer's Keras 2 argument names, which Keras 3 still takes: `inputShape` (with a deprecation
// warning) for `shape`, and `batchInputShape` for `batchShape`.

import { describe, expect, it, vi } from 'vitest';
import { layers } from '../../src/node';

describe('InputLayer Keras 2 arguments', () => {
  it('takes inputShape with a warning and batchInputShape', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const fromInputShape = new layers.InputLayer({ inputShape: [28, 28, 1] });
      expect(fromInputShape.output.shape).toEqual([null, 28, 28, 1]);
      expect(warn).toHaveBeenCalledWith('Argument `inputShape` is deprecated. Use `shape` instead.');
    } finally {
      warn.mockRestore();
    }
    expect(new layers.InputLayer({ batchInputShape: [4, 3] }).output.shape).toEqual([4, 3]);
  });
});
