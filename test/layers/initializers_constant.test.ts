// keras.initializers.Constant takes its value as a number or, as the other initializers take
// their arguments, as `{ value }` (found porting keras.io's quasi-SVM example, whose
// RandomFourierFeatures makes its kernel scale with a Constant initializer).

import { describe, expect, it } from 'vitest';
import { initializers } from '../../src/node';

describe('Constant initializer', () => {
  it('takes a number or { value }, and names a bad value', async () => {
    expect(Array.from(await new initializers.Constant(3).apply([2]).data())).toEqual([3, 3]);
    expect(Array.from(await new initializers.Constant({ value: 2.5 }).apply([2]).data())).toEqual([2.5, 2.5]);
    expect(new initializers.Constant({}).value).toBe(0);
    expect(new initializers.Constant({ value: 4 }).getConfig()).toEqual({ value: 4 });
    expect(() => new initializers.Constant('3' as unknown as number)).toThrow('Constant: Invalid value for argument value. Expected a number (or { value: number }). Received: value="3".');
  });
});
