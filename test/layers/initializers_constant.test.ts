// keras.initializers.Constant takes its value as a number, as nested arrays broadcast to the shape,
// or, as the other initializers take their arguments, as `{ value }` (found porting keras.io's
// quasi-SVM example, whose RandomFourierFeatures makes its kernel scale with a Constant
// initializer, and its PointNet, whose T-net bias starts at the identity).

import { describe, expect, it } from 'vitest';
import { initializers, layers } from '../../src/node';

describe('Constant initializer', () => {
  it('takes a number or { value }, and names a bad value', async () => {
    expect(Array.from(await new initializers.Constant(3).apply([2]).data())).toEqual([3, 3]);
    expect(Array.from(await new initializers.Constant({ value: 2.5 }).apply([2]).data())).toEqual([2.5, 2.5]);
    expect(new initializers.Constant({}).value).toBe(0);
    expect(new initializers.Constant({ value: 4 }).getConfig()).toEqual({ value: 4 });
    expect(() => new initializers.Constant('3' as unknown as number)).toThrow('Constant: Invalid value for argument value. Expected a number or nested arrays of numbers (or { value }). Received: value="3".');
  });
});

describe('Constant initializer with an array value', () => {
  // keras.io's PointNet starts its T-net's bias at the identity: Constant(np.eye(k).flatten()).
  // An array used to be read as a `{ value }` record and silently filled zeros.
  it('broadcasts nested arrays to the shape, and keeps them in its config', async () => {
    expect(Array.from(await new initializers.Constant([1, 0, 0, 1]).apply([4]).data())).toEqual([1, 0, 0, 1]);
    expect(Array.from(await new initializers.Constant([[1], [2]]).apply([2, 3]).data())).toEqual([1, 1, 1, 2, 2, 2]);
    expect(Array.from(await new initializers.Constant({ value: [5, 6] }).apply([2, 2]).data())).toEqual([5, 6, 5, 6]);
    expect(new initializers.Constant([1, 0]).getConfig()).toEqual({ value: [1, 0] });
    expect(() => new initializers.Constant([1, 'a'] as unknown as number[])).toThrow('Expected a number or nested arrays of numbers');
    expect(() => new initializers.Constant([1, 2, 3]).apply([4])).toThrow('broadcastTo');
  });
});

describe('Constant initializer from a saved Keras config', () => {
  // Keras writes an array value as { class_name: '__numpy__', config: { value, dtype } }; it used to
  // load as zeros.
  it('reads the array of a __numpy__ value, by class and by identifier', async () => {
    const saved = { value: { class_name: '__numpy__', config: { value: [1, 0, 0, 1], dtype: 'float64' } } } as const;
    expect(Array.from(await new initializers.Constant(saved as never).apply([4]).data())).toEqual([1, 0, 0, 1]);
    const layer = new layers.Dense({ units: 4, biasInitializer: { className: 'Constant', config: saved } });
    layer.build([null, 2]);
    expect(Array.from(await layer.getWeights()[1].data())).toEqual([1, 0, 0, 1]);
    expect(Array.from(await initializers.constant([2, 3]).apply([2]).data())).toEqual([2, 3]);
  });
});
