// The shape check of a functional model's inputs, as Keras's functional input spec
// (allow_last_axis_squeeze): a trailing axis of 1 is dropped from the Input's shape and the data's,
// then the axes both have must agree where both are known.

import { describe, expect, it } from 'vitest';
import { fitsInputShape } from '../../src/models/functional';

describe('fitsInputShape', () => {
  it('squeezes a trailing 1 and compares the shared axes', () => {
    expect(fitsInputShape([8, 4, 80], [null, null, 1])).toBe(true);
    expect(fitsInputShape([8, 4, 1], [null, null, 1])).toBe(true);
    expect(fitsInputShape([12, 4], [null, 4])).toBe(true);
    expect(fitsInputShape([12, 5], [null, 4])).toBe(false);
    expect(fitsInputShape([1, 4], [null, 2, 2, 1])).toBe(false);
    expect(fitsInputShape([1, 1, 1, 1], [null, 2, 2, 1])).toBe(false);
  });
});
