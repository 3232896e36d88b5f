// A subclassed model whose custom trainStep runs only its sub-models never runs its own call, so it
// is not built; it still holds their weights, and saveWeights/loadWeights take them (keras.io's
// DDIM checkpoints such a model with ModelCheckpoint(saveWeightsOnly)). Keras builds a model that
// has no build() at construction.

import { describe, expect, it } from 'vitest';
import { Input, Model, layers, tensor, type Tensor } from '../../src/node';

class Wrapper extends Model {
  network: Model;
  constructor() {
    super();
    const input = Input({ shape: [2] });
    this.network = new Model({ inputs: input, outputs: new layers.Dense({ units: 1 }).apply(input) });
  }
}

describe('saveWeights of a subclassed model never called', () => {
  it('saves and loads its sub-models weights; an empty unbuilt model is still an error', async () => {
    const source = new Wrapper();
    expect(source.built).toBe(false);
    await source.saveWeights('memory://wrapper-weights');
    const target = new Wrapper();
    await target.loadWeights('memory://wrapper-weights');
    const x = tensor([[1, 2]]);
    const [a, b] = [source.network.apply(x) as Tensor, target.network.apply(x) as Tensor];
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    await expect(new Model().saveWeights('memory://empty')).rejects.toThrow(/saveWeights: model '\w+' is not built yet/);
  });
});
