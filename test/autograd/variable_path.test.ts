// Variable.path: Keras 3's variable.path, the owning layer's name and the weight's name.

import { describe, expect, it } from 'vitest';
import { Input, Sequential, Variable, layers, tensor } from '../../src/node';

describe('Variable.path', () => {
  it('is the layer/weight path for layer weights and the name for a standalone variable', () => {
    const model = new Sequential([Input({ shape: [3] }), new layers.Dense({ units: 2, name: 'head' })]);
    expect(model.weights.map((w) => w.path)).toEqual(['head/kernel', 'head/bias']);
    const standalone = new Variable(tensor([1, 2]), { name: 'scale', trainable: false });
    expect(standalone.path).toBe('scale');
  });
});
