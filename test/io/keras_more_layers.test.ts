// ReversibleEmbedding, TernaryDense and SpectralNormalization in Keras files: more_layers.keras,
// saved by Keras 3.16 itself (test/fixtures/keras/make_more_layers.py; a functional model over
// token ids, features and a sequence, with reversible embeddings looking up the ids and projecting
// back (tied, and untied with a soft cap), ternary dense layers, and spectral normalization around a Dense and a Conv1D), loads and predicts
// what Keras predicted (more_layers.json); vector_u comes from the wrapper's own `vars`, so a
// training call normalizes as Keras's did; and the model saved again with saveKerasModel loads
// back predicting the same.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadKerasModel, saveKerasModel, tensor, type Model, type Tensor } from '../../src/node';
import { ReversibleEmbedding, SpectralNormalization, TernaryDense } from '../../src/layers/index';
import { readHdf5, type Hdf5Group } from '../../src/io/hdf5';
import { readZipEntry } from '../../src/io/zip';
import { onBothBackends, useWebGPU } from '../helpers';
import { expectClose } from '../layers/layer_helpers';

useWebGPU();

const WRITTEN = 'test/fixtures/keras/keras_written';
const FILE = new Uint8Array(readFileSync(`${WRITTEN}/more_layers.keras`));
type Values = { shape: number[]; values: number[] };
const KERAS = JSON.parse(readFileSync(`${WRITTEN}/more_layers.json`, 'utf8')) as { ids: number[][]; model: Values[]; spectral_training: Values[][] };

/** make_more_layers.py's inputs: the ids, then input n (1, 2) as sin(0.7 i + n) / 2. */
function inputs(): Tensor[] {
  const wave = (n: number, shape: number[]) => tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(0.7 * i + n) / 2), shape);
  return [tensor(KERAS.ids, [2, 3], 'int32'), wave(1, [2, 4]), wave(2, [2, 5, 3])];
}

async function expectKerasPredictions(model: Model): Promise<void> {
  const predicted = (await model.predict(inputs())) as Tensor[];
  expect(predicted.map((t) => [...t.shape])).toEqual(KERAS.model.map((output) => output.shape));
  for (const [i, output] of predicted.entries()) expectClose(await output.data(), KERAS.model[i].values, { atol: 3e-6, rtol: 1e-5 });
}

/** Each SpectralNormalization's training call on the model's inputs: its output, kernel and vector_u as Keras's. */
async function expectKerasTraining(model: Model): Promise<void> {
  const wrappers = model.layers.filter((layer): layer is SpectralNormalization => layer instanceof SpectralNormalization);
  expect(wrappers.map((layer) => layer.name)).toEqual(['spectral_dense', 'spectral_conv']);
  const [, features, sequence] = inputs();
  for (const [k, [layer, x]] of ([[wrappers[0], features], [wrappers[1], sequence]] as const).entries()) {
    const [output, kernel, vectorU] = KERAS.spectral_training[k];
    const y = layer.apply(x, { training: true });
    expect(y.shape).toEqual(output.shape);
    expectClose(await y.data(), output.values, { atol: 3e-6, rtol: 1e-5 });
    expectClose(await layer.kernel.data(), kernel.values, { atol: 3e-6, rtol: 1e-5 });
    expectClose(await layer.vectorU.data(), vectorU.values, { atol: 3e-6, rtol: 1e-5 });
  }
}

describe('ReversibleEmbedding, TernaryDense and SpectralNormalization in Keras files', () => {
  it(
    'more_layers.keras, which Keras 3.16 wrote, loads and predicts what Keras predicted, and trains its spectral normalization as Keras did',
    onBothBackends(async () => {
      const model = await loadKerasModel(FILE);
      const byName = (name: string) => model.layers.find((layer) => layer.name === name)!;
      expect((byName('untied_embedding') as ReversibleEmbedding).getConfig()).toMatchObject({ inputDim: 7, outputDim: 4, tieWeights: false, logitSoftCap: 2 });
      expect((byName('ternary_fixed') as TernaryDense).threshold).toBe(0.3);
      expect((byName('spectral_dense') as SpectralNormalization).powerIterations).toBe(2);
      await expectKerasPredictions(model);
      await expectKerasTraining(model);
    }),
  );

  it("saved again, it keeps Keras's layout (the wrapper's own vars: the kernel, then vector_u) and loads back predicting the same", async () => {
    const saved = await saveKerasModel(await loadKerasModel(FILE));
    const root = readHdf5(await readZipEntry(saved, 'model.weights.h5'));
    const layers = root.members.get('layers') as Hdf5Group;
    const group = (path: string) => path.split('/').reduce((g, name) => g.members.get(name) as Hdf5Group, layers);
    const shapes = (path: string) => [...group(path).members.values()].map((dataset) => (dataset as { shape: number[] }).shape);
    expect(shapes('reversible_embedding/vars')).toEqual([[7, 4]]);
    expect(shapes('reversible_embedding_1/vars')).toEqual([[7, 4], [4, 7]]);
    expect(shapes('reversible_embedding_2/vars')).toEqual([[7, 4]]);
    expect(shapes('ternary_dense/vars')).toEqual([[4, 4], [4]]);
    expect(shapes('spectral_normalization/vars')).toEqual([[4, 3], [1, 3]]);
    expect(shapes('spectral_normalization/layer/vars')).toEqual([[4, 3], [3]]);
    expect(shapes('spectral_normalization_1/vars')).toEqual([[2, 3, 2], [1, 2]]);
    const reloaded = await loadKerasModel(saved);
    await expectKerasPredictions(reloaded);
    await expectKerasTraining(reloaded);
  });
});

describe('layers called more than once', () => {
  // shared_calls.keras (make_shared_calls.py): a Dense applied to its own output, and a tied
  // ReversibleEmbedding whose reverse call takes a later layer's output.
  const SHARED = new Uint8Array(readFileSync(`${WRITTEN}/shared_calls.keras`));
  const { inputs: given, outputs } = JSON.parse(readFileSync(`${WRITTEN}/shared_calls.json`, 'utf8')) as { inputs: number[][][]; outputs: number[][][][] };

  it(
    'a call that waits for a layer listed after its own is made once that layer has run, as Keras rebuilds the graph; saved again, the same',
    onBothBackends(async () => {
      const model = await loadKerasModel(SHARED);
      for (const candidate of [model, await loadKerasModel(await saveKerasModel(model))]) {
        const predicted = (await candidate.predict([tensor(given[0]), tensor(given[1], undefined, 'int32')])) as Tensor[];
        for (const [i, output] of predicted.entries()) expectClose(await output.data(), outputs[i].flat(2), { atol: 3e-6, rtol: 1e-5 });
      }
    }),
  );
});
