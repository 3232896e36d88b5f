// keras.utils.set_random_seed is utils.setRandomSeed here too (keras.io's ShiftViT calls it there).

import { describe, expect, it } from 'vitest';
import { randomUniform, utils } from '../../src/node';
import { valuesOf } from '../helpers';

describe('utils.setRandomSeed', () => {
  it('makes unseeded random ops repeat', async () => {
    utils.setRandomSeed(42);
    const first = await valuesOf(randomUniform([4]));
    utils.setRandomSeed(42);
    expect(await valuesOf(randomUniform([4]))).toEqual(first);
  });
});
