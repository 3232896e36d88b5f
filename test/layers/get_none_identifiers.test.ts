// keras.regularizers.get(None), keras.initializers.get(None) and keras.constraints.get(None)
// return None in Keras 3, so a custom layer's `regularizers.get(kernelRegularizer)` with the usual
// default of null (keras.io's GraphAttention) gives no regularizer instead of throwing.

import { describe, expect, it } from 'vitest';
import { constraints, initializers, regularizers } from '../../src/node';

describe('get of null or undefined', () => {
  it('gives null from regularizers, initializers and constraints, and still resolves names', () => {
    expect(regularizers.get(null)).toBeNull();
    expect(regularizers.get(undefined)).toBeNull();
    expect(initializers.get(null)).toBeNull();
    expect(initializers.get(undefined)).toBeNull();
    expect(constraints.get(null)).toBeNull();
    expect(constraints.get(undefined)).toBeNull();
    expect(regularizers.get('l2')).toBeInstanceOf(regularizers.Regularizer);
    expect(initializers.get('zeros')).toBeInstanceOf(initializers.Zeros);
    expect(constraints.get('non_neg')).toBeInstanceOf(constraints.NonNeg);
  });
});
