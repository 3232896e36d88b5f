// Input({ dtype: 'string' }) (keras.io's structured-data examples feed raw string columns to a
// StringLookup inside the model): strings are host data here, so the error says how to port it.

import { describe, expect, it } from 'vitest';
import { Input } from '../../src/node';

describe("Input({ dtype: 'string' })", () => {
  it('says strings are host data and where the lookup goes instead', () => {
    const make = () => Input({ name: 'Soil_Type', shape: [], dtype: 'string' as never });
    expect(make).toThrow("Input: dtype 'string' is not supported: strings are host data");
    expect(make).toThrow("Apply the StringLookup (or Hashing, TextVectorization) to the data before fit and give the model its indices: Input({ shape, dtype: 'int32' })");
  });
});
