// LayerNormalization's `rmsScaling` (Keras's deprecated `rms_scaling`): x / sqrt(variance + epsilon)
// * gamma, x not centered and no beta, against values numpy computed; its weights, gradients,
// config round trip, and a Keras 3.16-style config with rms_scaling true loaded from a .keras file.

import { describe, expect, it } from 'vitest';
import { Sequential, loadKerasModel, saveKerasModel, tensor, type Tensor } from '../../src/node';
import { Input, LayerNormalization, deserializeLayer } from '../../src/layers/index';
import { readZipEntry } from '../../src/io/zip';
import { writeZip } from '../../src/io/zip_writer';
import { onBothBackends, useWebGPU } from '../helpers';
import { expectClose, layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();

const X = [0.5, -1.0, 2.0, 3.5, -2.0, 0.25, 1.0, -0.75];
const GAMMA = [1.5, -0.5, 2.0, 0.25];
/** numpy: x / np.sqrt(x.var(axis=-1, keepdims=True) + 1e-3) * gamma, in float64. */
const EXPECTED = [0.4471341120557152, 0.29808940803714346, 2.3847152642971476, 0.521656464065001, -2.6656137926085823, -0.11106724135869094, 1.777075861739055, -0.1666008620380364];

describe('LayerNormalization with rmsScaling', () => {
  it(
    'divides x (not centered) by its standard deviation and multiplies by gamma, with no beta',
    onBothBackends(async () => {
      const layer = new LayerNormalization({ rmsScaling: true });
      layer.apply(tensor(X, [2, 4]));
      expect(layer.weights.map((w) => [w.name.split('/')[1], [...w.shape]])).toEqual([['gamma', [4]]]);
      layer.setWeights([tensor(GAMMA)]);
      expectClose(await layer.apply(tensor(X, [2, 4])).data(), EXPECTED, { atol: 2e-6 });
    }),
  );

  it(
    'makes gamma even with scale: false (as Keras), and normalizes over several axes',
    onBothBackends(async () => {
      const layer = new LayerNormalization({ rmsScaling: true, scale: false, center: true, axis: [1, 2] });
      const x = Array.from({ length: 12 }, (_, i) => i * 0.5 - 2);
      const y = layer.apply(tensor(x, [2, 3, 2]));
      expect(layer.weights.map((w) => [w.name.split('/')[1], [...w.shape]])).toEqual([['gamma', [3, 2]]]);
      // numpy: x / np.sqrt(x.var(axis=(1, 2), keepdims=True) + 1e-3), gamma ones; both samples have the same variance.
      const scale = 1.1702778862196206;
      expectClose(await y.data(), x.map((v) => v * scale), { atol: 2e-6 });
    }),
  );

  it('has tape gradients matching finite differences', async () => {
    const make = () => new LayerNormalization({ rmsScaling: true, gammaInitializer: { className: 'RandomUniform', config: { minval: 0.5, maxval: 1.5, seed: 3 } } });
    expect(await layerGradCheck(make, [2, 4], seededValues(8, 8, -2, 2))).toBe('ok');
  });

  it('keeps rmsScaling through getConfig and fromConfig', async () => {
    const layer = new LayerNormalization({ rmsScaling: true, epsilon: 1e-5 });
    const config = JSON.parse(JSON.stringify(layer.getConfig())) as Record<string, unknown>;
    expect(config.rmsScaling).toBe(true);
    expect(new LayerNormalization().getConfig().rmsScaling).toBe(false);
    const rebuilt = deserializeLayer({ className: 'LayerNormalization', config }) as LayerNormalization;
    expect(rebuilt.rmsScaling).toBe(true);
    rebuilt.apply(Input({ shape: [4] }));
    expect(rebuilt.weights.map((w) => w.name.split('/')[1])).toEqual(['gamma']);
  });

  it(
    'loads from a Keras 3.16 config with rms_scaling true, and saves it back as Keras writes it',
    onBothBackends(async () => {
      // The weights file: a model of the same structure, saved here (layers/layer_normalization/vars/0 = gamma).
      const source = new Sequential({ layers: [Input({ shape: [4] }), new LayerNormalization({ rmsScaling: true })] });
      source.layers[0].setWeights([tensor(GAMMA)]);
      const saved = await saveKerasModel(source);
      const savedLayer = (JSON.parse(new TextDecoder().decode(await readZipEntry(saved, 'config.json'))) as { config: { layers: Array<{ config: Record<string, unknown> }> } }).config.layers[1].config;
      expect(savedLayer).toMatchObject({ rms_scaling: true, center: true, scale: true, epsilon: 0.001 });

      const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
      const initializer = (name: string) => ({ module: 'keras.initializers', class_name: name, config: {}, registered_name: null });
      const kerasConfig = {
        module: 'keras', class_name: 'Sequential', registered_name: null, build_config: { input_shape: [null, 4] },
        config: {
          name: 'sequential', trainable: true, dtype: policy,
          layers: [
            { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 4], dtype: 'float32', sparse: false, ragged: false, name: 'input_layer', optional: false }, registered_name: null },
            {
              module: 'keras.layers', class_name: 'LayerNormalization', registered_name: null, build_config: { input_shape: [null, 4] },
              config: {
                name: 'layer_normalization', trainable: true, dtype: policy, axis: [1], epsilon: 0.001, center: true, scale: true, rms_scaling: true,
                beta_initializer: initializer('Zeros'), gamma_initializer: initializer('Ones'), beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null,
              },
            },
          ],
        },
      };
      const file = writeZip([
        { name: 'config.json', data: new TextEncoder().encode(JSON.stringify(kerasConfig)) },
        { name: 'model.weights.h5', data: await readZipEntry(saved, 'model.weights.h5') },
      ]);
      const model = await loadKerasModel(file, { compile: false });
      const layer = model.layers[0] as LayerNormalization;
      expect(layer.rmsScaling).toBe(true);
      expect(layer.beta).toBeNull();
      expectClose(await layer.gamma!.data(), GAMMA);
      const predicted = (await model.predict(tensor(X, [2, 4]))) as Tensor;
      expectClose(await predicted.data(), EXPECTED, { atol: 2e-6 });
    }),
  );
});
