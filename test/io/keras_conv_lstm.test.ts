// ConvLSTM1D/2D/3D in Keras files: conv_lstm.keras, saved by Keras 3.16 itself
// (test/fixtures/keras/make_conv_lstm.py; a functional model of six ConvLSTM layers over four
// inputs, with strides, dilation, channels first, returned states and sequences), loads and predicts
// what Keras predicted (conv_lstm.json), its variables read from `layers/<conv_lstm2d>/cell/vars`;
// loadKerasWeights fills the same architecture built here; and the model saved again with saveKerasModel
// loads back predicting the same. (keras_save.test.ts checks that the saved file is Keras's own:
// datasets, values and config.)

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Input, Model, loadKerasModel, loadKerasWeights, saveKerasModel, tensor, type Tensor } from '../../src/node';
import { ConvLSTM1D, ConvLSTM2D, ConvLSTM3D } from '../../src/layers/index';
import { readHdf5, type Hdf5Group } from '../../src/io/hdf5';
import { readZipEntry } from '../../src/io/zip';
import { onBothBackends, useWebGPU } from '../helpers';
import { expectClose } from '../layers/layer_helpers';

useWebGPU();

const WRITTEN = 'test/fixtures/keras/keras_written';
const FILE = new Uint8Array(readFileSync(`${WRITTEN}/conv_lstm.keras`));
const KERAS = JSON.parse(readFileSync(`${WRITTEN}/conv_lstm.json`, 'utf8')) as {
  inputs: Record<string, number[]>;
  model: Array<{ shape: number[]; values: number[] }>;
  layers: Record<string, Array<{ shape: number[]; values: number[] }>>;
};

/** make_conv_lstm.py's inputs, batch 2: input n is sin(0.7 i + n) / 2. */
function inputs(): Tensor[] {
  return Object.values(KERAS.inputs).map((shape, n) => {
    const full = [2, ...shape];
    return tensor(Array.from({ length: full.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(0.7 * i + n) / 2), full);
  });
}

async function expectKerasPredictions(model: Model): Promise<void> {
  const predicted = (await model.predict(inputs())) as Tensor[];
  expect(predicted.map((t) => [...t.shape])).toEqual(KERAS.model.map((output) => output.shape));
  for (const [i, output] of predicted.entries()) expectClose(await output.data(), KERAS.model[i].values, { atol: 3e-6, rtol: 1e-5 });
}

describe('ConvLSTM layers in Keras files', () => {
  it(
    'conv_lstm.keras, which Keras 3.16 wrote, loads and predicts what Keras predicted',
    onBothBackends(async () => {
      const model = await loadKerasModel(FILE);
      const convLSTMs = model.layers.filter((layer) => layer instanceof ConvLSTM1D || layer instanceof ConvLSTM2D || layer instanceof ConvLSTM3D);
      expect(convLSTMs.map((layer) => [layer.constructor.name, layer.name])).toEqual([
        ['ConvLSTM2D', 'same_sequences'], ['ConvLSTM2D', 'valid_strides'], ['ConvLSTM2D', 'backwards_state'], ['ConvLSTM2D', 'channels_first'], ['ConvLSTM1D', 'dilated_1d'], ['ConvLSTM3D', 'volumes_3d'],
      ]);
      expect((convLSTMs[3] as ConvLSTM2D).dataFormat).toBe('channels_first');
      await expectKerasPredictions(model);
    }),
  );

  it('saved again, it keeps each layer\'s variables under cell/vars in Keras\'s order and loads back predicting the same', async () => {
    const saved = await saveKerasModel(await loadKerasModel(FILE));
    const root = readHdf5(await readZipEntry(saved, 'model.weights.h5'));
    const vars = (root.members.get('layers') as Hdf5Group).members.get('conv_lstm2d') as Hdf5Group;
    const cellVars = (vars.members.get('cell') as Hdf5Group).members.get('vars') as Hdf5Group;
    expect([...cellVars.members.keys()].sort()).toEqual(['0', '1', '2']);
    expect(['0', '1', '2'].map((name) => (cellVars.members.get(name) as { shape: number[] }).shape)).toEqual([[3, 3, 2, 12], [3, 3, 3, 12], [12]]);
    await expectKerasPredictions(await loadKerasModel(saved));
  });

  it('loadKerasWeights fills the same architecture built here', async () => {
    const [video, videoFirst, sequence, volumes] = Object.entries(KERAS.inputs).map(([name, shape]) => Input({ shape, name }));
    const outputs = [
      new ConvLSTM2D({ filters: 3, kernelSize: 3, padding: 'same', returnSequences: true }).apply(video),
      new ConvLSTM2D({ filters: 2, kernelSize: [3, 2], strides: 2 }).apply(video),
      new ConvLSTM2D({ filters: 2, kernelSize: 2, goBackwards: true, returnState: true, activation: 'relu', recurrentActivation: 'hard_sigmoid', useBias: false }).apply([video]),
      new ConvLSTM2D({ filters: 2, kernelSize: 3, padding: 'same', dataFormat: 'channels_first', returnSequences: true }).apply(videoFirst),
      new ConvLSTM1D({ filters: 2, kernelSize: 3, padding: 'same', dilationRate: 2, returnSequences: true }).apply(sequence),
      new ConvLSTM3D({ filters: 2, kernelSize: [2, 2, 3] }).apply(volumes),
    ].flat();
    const model = new Model({ inputs: [video, videoFirst, sequence, volumes], outputs });
    await loadKerasWeights(model, FILE);
    await expectKerasPredictions(model);
  });
});
