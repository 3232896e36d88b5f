// Variable.path and Variable.value: Keras 3's variable.path (the owning layer's name and the
// weight's name) and variable.value (the variable read as a tensor).

import { describe, expect, it } from 'vitest';
import { Input, Sequential, Variable, layers, tensor } from '../../src/node';

describe('Variable.path and value', () => {
  it('is the layer/weight path for layer weights and the name for a standalone variable; value is the variable as a tensor', async () => {
    const model = new Sequential([Input({ shape: [3] }), new layers.Dense({ units: 2, name: 'head' })]);
    expect(model.weights.map((w) => w.path)).toEqual(['head/kernel', 'head/bias']);
    const standalone = new Variable(tensor([1, 2]), { name: 'scale', trainable: false });
    expect(standalone.path).toBe('scale');
    // Keras 3's variable.value: the variable read as a tensor, following assigns.
    const value = standalone.value;
    expect(value).toBe(standalone);
    standalone.assign(tensor([3, 4]));
    expect(Array.from(await value.data())).toEqual([3, 4]);
  });
});
