// saveKerasModel / loadKerasModel (src/io/keras_model.ts) with a functional model built on a record
// of Inputs and returning a record of outputs (keras.io's structured-data models: a dict of
// feature Inputs): Keras writes input_layers and output_layers as dicts of [layer, node, index],
// and loading resolves them key by key.

import { describe, expect, it } from 'vitest';
import { Input, Model, layers, loadKerasModel, ops, saveKerasModel, setRandomSeed, tensor, type SymbolicTensor, type Tensor } from '../../src/node';
import { readZipEntry } from '../../src/io/zip';

describe('loadKerasModel with a record of inputs and outputs', () => {
  it('rebuilds the records and predicts as the saved model', async () => {
    setRandomSeed(4);
    const age = Input({ name: 'age', shape: [] });
    const workclass = Input({ name: 'workclass', shape: [], dtype: 'int32' });
    const embedded = new layers.Embedding({ inputDim: 3, outputDim: 2 }).apply(workclass) as SymbolicTensor;
    const features = layers.concatenate([ops.expandDims(age, -1), embedded]);
    const score = new layers.Dense({ units: 1, activation: 'sigmoid', name: 'score' }).apply(features) as SymbolicTensor;
    const logits = new layers.Dense({ units: 2, name: 'logits' }).apply(features) as SymbolicTensor;
    const model = new Model({ inputs: { age, workclass }, outputs: { score, logits } });

    const saved = await saveKerasModel(model);
    const config = JSON.parse(new TextDecoder().decode(await readZipEntry(saved, 'config.json'))).config;
    expect(config.input_layers).toEqual({ age: ['age', 0, 0], workclass: ['workclass', 0, 0] });
    expect(config.output_layers).toEqual({ score: ['score', 0, 0], logits: ['logits', 0, 0] });

    const loaded = await loadKerasModel(saved, { compile: false });
    const x = { age: tensor([0.5, -1, 2]), workclass: tensor([2, 0, 1], undefined, 'int32') };
    const expected = (await model.predict(x, { verbose: 0 })) as Record<string, Tensor>;
    const actual = (await loaded.predict(x, { verbose: 0 })) as Record<string, Tensor>;
    expect(Object.keys(actual).sort()).toEqual(['logits', 'score']);
    for (const name of ['score', 'logits']) expect(Array.from(await actual[name].data())).toEqual(Array.from(await expected[name].data()));
  });
});
