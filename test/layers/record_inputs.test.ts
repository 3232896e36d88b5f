// A custom layer applied to a record (Keras's dict inputs, as keras.io's VariableSelection takes a
// dict of Inputs): build receives a record of shapes, call the record; in a functional model the
// node keeps the keys, so the model runs, trains, clones and saves (this library's JSON and Keras
// files) with the record intact. Built-in layers still refuse a record.

import { describe, expect, it } from 'vitest';
import { Input, Layer, Model, cloneModel, layers, loadKerasModel, modelFromJSON, ops, optimizers, registerLayer, saveKerasModel, tensor, type Shape, type SymbolicTensor, type Tensor, type Variable } from '../../src/node';
import { useWebGPU, valuesOf } from '../helpers';

useWebGPU();

/** Weighs each named feature by its own scalar and sums them (a tiny variable selection). */
class WeightedSum extends Layer {
  weightsByName: Record<string, Variable> = {};
  shapesSeen: Record<string, Shape> | null = null;

  override build(inputShape: Shape): void {
    this.shapesSeen = inputShape as unknown as Record<string, Shape>;
    for (const key of Object.keys(this.shapesSeen)) this.weightsByName[key] = this.addWeight({ name: key, shape: [1], initializer: 'ones' });
  }

  override call(inputs: Tensor): Tensor {
    const record = inputs as unknown as Record<string, Tensor>;
    return Object.keys(record)
      .map((key) => ops.multiply(record[key], this.weightsByName[key]))
      .reduce((sum, term) => ops.add(sum, term));
  }
}
registerLayer(WeightedSum);

function recordModel(): { model: Model; layer: WeightedSum } {
  const a = Input({ shape: [2], name: 'a' });
  const b = Input({ shape: [2], name: 'b' });
  const layer = new WeightedSum({ name: 'weighted' });
  const summed = layer.apply({ b, a } as never) as unknown as SymbolicTensor;
  return { model: new Model({ inputs: { a, b }, outputs: new layers.Dense({ units: 1, kernelInitializer: 'ones', useBias: false }).apply(summed) }), layer };
}

describe('a custom layer applied to a record', () => {
  it('builds on a record of shapes, runs in a functional model and trains', async () => {
    const { model, layer } = recordModel();
    expect(layer.shapesSeen).toEqual({ b: [null, 2], a: [null, 2] });
    expect(layer.weights.map((w) => w.name)).toEqual(['weighted/b', 'weighted/a']);
    const x = { a: tensor([[1, 2], [3, 4]]), b: tensor([[10, 20], [30, 40]]) };
    // Every weight 1: the sum of a + b over the two features.
    expect(await valuesOf(await model.predict<Tensor>(x))).toEqual([33, 77]);
    model.compile({ optimizer: new optimizers.SGD({ learningRate: 1e-4 }), loss: 'mse' });
    const history = await model.fit(x, tensor([[0], [0]]), { epochs: 2, verbose: 0 });
    expect(history.history.loss[1]).toBeLessThan(history.history.loss[0]);
  });

  it('keeps the record through cloneModel, toJSON and Keras files', async () => {
    const { model } = recordModel();
    const x = { a: tensor([[1, -2]]), b: tensor([[0.5, 3]]) };
    const expected = await valuesOf(await model.predict<Tensor>(x));
    const clone = cloneModel(model);
    clone.setWeights(model.getWeights());
    expect(await valuesOf(await clone.predict<Tensor>(x))).toEqual(expected);
    const fromJSON = modelFromJSON(model.toJSON());
    fromJSON.setWeights(model.getWeights());
    expect(await valuesOf(await fromJSON.predict<Tensor>(x))).toEqual(expected);
    const loaded = await loadKerasModel(await saveKerasModel(model));
    expect(await valuesOf(await loaded.predict<Tensor>(x))).toEqual(expected);
  });

  it('is refused by a built-in layer, and must hold tensors of one kind', () => {
    const dense = new layers.Dense({ units: 1, name: 'dense_of_record' });
    expect(() => dense.apply({ a: ops.ones([1, 2]) } as never)).toThrow('dense_of_record: apply() takes a tensor or a list of tensors');
    expect(() => new WeightedSum({ name: 'mixed' }).apply({ a: Input({ shape: [2] }), b: ops.ones([1, 2]) } as never)).toThrow('mixed: the record mixes symbolic tensors (from Input) and concrete tensors; use one kind.');
    expect(() => new WeightedSum({ name: 'numbers' }).apply({ a: 3 } as never)).toThrow("numbers: apply() takes a record only of tensors (its call receives the record), but entry 'a' is 3.");
    expect(() => new WeightedSum({ name: 'empty' }).apply({} as never)).toThrow('empty: apply() takes a record only of tensors (its call receives the record), but it is empty.');
  });
});
