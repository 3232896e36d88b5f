// The `models` namespace (keras.models): the same classes and functions as the top level.

import { describe, expect, it } from 'vitest';
import { Input, Model, Sequential, cloneModel, layers, loadModel, modelFromJSON, models } from '../../src/node';

describe('models namespace', () => {
  it('holds Model, Sequential, cloneModel, loadModel and modelFromJSON', () => {
    expect(models.Model).toBe(Model);
    expect(models.Sequential).toBe(Sequential);
    expect(models.cloneModel).toBe(cloneModel);
    expect(models.loadModel).toBe(loadModel);
    expect(models.modelFromJSON).toBe(modelFromJSON);
    const model = new models.Sequential([Input({ shape: [2] }), new layers.Dense({ units: 1 })]);
    expect(models.cloneModel(model)).toBeInstanceOf(models.Model);
  });
});
