// Normalization's `mean` and `variance` (Keras's layer.mean / layer.variance): the statistics in the
// input's broadcast shape, given or adapted, as keras.io's DDIM uses them to undo the normalization.

import { describe, expect, it } from 'vitest';
import { layers, ops, tensor } from '../../src/node';
import { expectValuesClose, valuesOf } from '../helpers';

describe('Normalization mean and variance', () => {
  it('are null before build, then the adapted or given statistics in the broadcast shape', async () => {
    const adapted = new layers.Normalization();
    expect(adapted.mean).toBeNull();
    expect(adapted.variance).toBeNull();
    const x = tensor([0, 10, 2, 30, 4, 50, 6, 70], [2, 2, 2]);
    await adapted.adapt(x);
    expect(adapted.mean!.shape).toEqual([1, 1, 2]);
    expectValuesClose(await valuesOf(adapted.mean!), [3, 40]);
    expectValuesClose(await valuesOf(adapted.variance!), [5, 500]);
    // mean + normalized * sqrt(variance) gives the data back (the DDIM denormalize).
    const restored = ops.add(adapted.mean!, ops.multiply(adapted.apply(x), ops.sqrt(adapted.variance!)));
    expectValuesClose(await valuesOf(restored), await valuesOf(x), 1e-5, 1e-4);

    const given = new layers.Normalization({ mean: [1, 2], variance: [4, 9] });
    given.apply(tensor([1, 2], [1, 2]));
    expect(given.variance!.shape).toEqual([1, 2]);
    expectValuesClose(await valuesOf(given.mean!), [1, 2]);
  });
});
