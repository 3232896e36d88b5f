// The VarianceScaling family's classes carry their Keras names (keras.io's reproducibility recipe
// prints each initializer class): GlorotNormal.name is 'GlorotNormal', as are its instances'
// constructor names, and a seeded instance gives the same values each time.

import { describe, expect, it } from 'vitest';
import { initializers } from '../../src/node';
import { valuesOf } from '../helpers';

describe('VarianceScaling family class names', () => {
  it('are the Keras names', async () => {
    const classes = { GlorotNormal: initializers.GlorotNormal, GlorotUniform: initializers.GlorotUniform, HeNormal: initializers.HeNormal, HeUniform: initializers.HeUniform, LecunNormal: initializers.LecunNormal, LecunUniform: initializers.LecunUniform };
    for (const [name, cls] of Object.entries(classes)) {
      expect(cls.name).toBe(name);
      const initializer = new cls({ seed: 42 });
      expect(initializer.constructor.name).toBe(name);
      expect(initializer).toBeInstanceOf(initializers.VarianceScaling);
      expect(await valuesOf(initializer.apply([2, 2]))).toEqual(await valuesOf(new cls({ seed: 42 }).apply([2, 2])));
    }
  });
});
