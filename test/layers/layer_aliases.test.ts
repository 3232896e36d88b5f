// Keras's other layer names (keras.layers.MaxPool2D is MaxPooling2D, Convolution2D is Conv2D, ...):
// the same classes, registered under both names so a config naming either loads, saved under the
// canonical name; and the functional merge helpers (layers.add, layers.concatenate, layers.dot,
// ...), which make the merge layer and apply it, on symbolic tensors and on tensors.

import { beforeEach, describe, expect, it } from 'vitest';
import { Input, Model, getBackend, layers, loadModel, tensor, type IOHandler, type ModelArtifacts, type Tensor } from '../../src/node';
import { deserializeLayer, getLayerClass } from '../../src/layers/index';
import { onBothBackends, useWebGPU } from '../helpers';
import { expectClose } from './layer_helpers';

useWebGPU();
beforeEach(() => expect(getBackend()).toBe('webgpu'));

/** Keras's aliases (keras/api/layers/__init__.py) of the layers this library has, and their classes. */
const ALIASES: Array<[string, unknown, string]> = [
  ['Convolution1D', layers.Convolution1D, 'Conv1D'],
  ['Convolution2D', layers.Convolution2D, 'Conv2D'],
  ['Convolution1DTranspose', layers.Convolution1DTranspose, 'Conv1DTranspose'],
  ['Convolution2DTranspose', layers.Convolution2DTranspose, 'Conv2DTranspose'],
  ['SeparableConvolution2D', layers.SeparableConvolution2D, 'SeparableConv2D'],
  ['MaxPool1D', layers.MaxPool1D, 'MaxPooling1D'],
  ['MaxPool2D', layers.MaxPool2D, 'MaxPooling2D'],
  ['AvgPool1D', layers.AvgPool1D, 'AveragePooling1D'],
  ['AvgPool2D', layers.AvgPool2D, 'AveragePooling2D'],
  ['GlobalAvgPool1D', layers.GlobalAvgPool1D, 'GlobalAveragePooling1D'],
  ['GlobalAvgPool2D', layers.GlobalAvgPool2D, 'GlobalAveragePooling2D'],
  ['GlobalMaxPool1D', layers.GlobalMaxPool1D, 'GlobalMaxPooling1D'],
  ['GlobalMaxPool2D', layers.GlobalMaxPool2D, 'GlobalMaxPooling2D'],
];

/** An IOHandler that keeps what was saved and loads it after `edit`. */
function editingHandler(edit: (json: string) => string): IOHandler & { saved?: ModelArtifacts } {
  const handler: IOHandler & { saved?: ModelArtifacts } = {
    async save(artifacts) {
      handler.saved = artifacts;
      return { dateSaved: new Date().toISOString(), modelJsonBytes: artifacts.modelJson.length, weightBytes: artifacts.weights.length };
    },
    async load() {
      return { modelJson: edit(handler.saved!.modelJson), weights: handler.saved!.weights };
    },
  };
  return handler;
}

describe('Keras layer aliases', () => {
  for (const [alias, cls, canonical] of ALIASES) {
    it(`${alias} is ${canonical}, registered under both names`, () => {
      const canonicalClass = (layers as unknown as Record<string, unknown>)[canonical];
      expect(cls).toBe(canonicalClass);
      expect(getLayerClass(alias)).toBe(canonicalClass);
      expect(getLayerClass(canonical)).toBe(canonicalClass);
    });
  }

  it('makes the same layer as the canonical name, named and configured as it', () => {
    const pool = new layers.MaxPool2D({ poolSize: 3 });
    expect(pool).toBeInstanceOf(layers.MaxPooling2D);
    expect(pool.name).toMatch(/^max_pooling2d/);
    const conv = new layers.Convolution2D({ filters: 2, kernelSize: 3 });
    expect(conv.name).toMatch(/^conv2d/);
    // A config saved under the alias's name rebuilds the layer.
    const rebuilt = deserializeLayer({ className: 'Convolution2D', config: conv.getConfig() });
    expect(rebuilt).toBeInstanceOf(layers.Conv2D);
    expect(rebuilt.getConfig()).toEqual({ ...conv.getConfig(), name: conv.name });
  });

  it(
    'computes what the canonical layer computes',
    onBothBackends(async () => {
      // [1, 4] rows of 2 channels: max and mean over windows of 2.
      const x = tensor([1, 8, 3, 2, 5, 4, 7, 6], [1, 4, 2]);
      expectClose(await new layers.MaxPool1D().apply(x).data(), [3, 8, 7, 6]);
      expectClose(await new layers.AvgPool1D().apply(x).data(), [2, 5, 6, 5]);
      expectClose(await new layers.GlobalAvgPool1D().apply(x).data(), [4, 5]);
      expectClose(await new layers.GlobalMaxPool1D().apply(x).data(), [7, 8]);
    }),
  );

  it('saves a model built with aliases under the canonical class names, and loads a file that names the aliases', async () => {
    const inputs = Input({ shape: [6, 6, 1] });
    const conv = new layers.Convolution2D({ filters: 2, kernelSize: 3, kernelInitializer: 'heNormal' }).apply(inputs);
    const pooled = new layers.GlobalAvgPool2D().apply(new layers.MaxPool2D().apply(conv));
    const model = new Model({ inputs, outputs: pooled });
    const toAliases = (json: string) => json.replace(/"Conv2D"/g, '"Convolution2D"').replace(/"MaxPooling2D"/g, '"MaxPool2D"').replace(/"GlobalAveragePooling2D"/g, '"GlobalAvgPool2D"');
    const handler = editingHandler(toAliases);
    await model.save(handler);
    const saved = handler.saved!.modelJson;
    for (const canonical of ['"Conv2D"', '"MaxPooling2D"', '"GlobalAveragePooling2D"']) expect(saved).toContain(canonical);
    for (const alias of ['Convolution2D', 'MaxPool2D', 'GlobalAvgPool2D']) {
      expect(saved).not.toContain(alias);
      expect(toAliases(saved)).toContain(`"${alias}"`);
    }

    const restored = await loadModel(handler);
    expect(restored.layers.map((l) => l.constructor)).toEqual([layers.InputLayer, layers.Conv2D, layers.MaxPooling2D, layers.GlobalAveragePooling2D]);
    const x = tensor(Array.from({ length: 72 }, (_, i) => Math.sin(i)), [2, 6, 6, 1]);
    expectClose(await ((await restored.predict(x)) as Tensor).data(), await ((await model.predict(x)) as Tensor).data());
  });
});

describe('functional merge helpers', () => {
  it('build the merge layer on symbolic tensors, with its options', () => {
    const a = Input({ shape: [4] });
    const b = Input({ shape: [4] });
    const c = Input({ shape: [2] });
    for (const helper of [layers.add, layers.subtract, layers.multiply, layers.average, layers.maximum, layers.minimum]) {
      expect(helper([a, b]).shape).toEqual([null, 4]);
    }
    const joined = layers.concatenate([a, c], { name: 'joined' });
    expect(joined.shape).toEqual([null, 6]);
    expect(joined.node.layer).toBeInstanceOf(layers.Concatenate);
    expect(joined.node.layer.name).toBe('joined');
    expect(layers.add([a, b]).node.layer).toBeInstanceOf(layers.Add);
    expect(layers.dot([a, b]).shape).toEqual([null, 1]);
    expect(layers.dot([Input({ shape: [3, 4] }), Input({ shape: [3, 5] })], { axes: 1 }).shape).toEqual([null, 4, 5]);
  });

  it(
    'compute the merge on tensors',
    onBothBackends(async () => {
      const a = tensor([[1, -2, 3]]);
      const b = tensor([[4, 5, -6]]);
      expectClose(await layers.add([a, b]).data(), [5, 3, -3]);
      expectClose(await layers.subtract([a, b]).data(), [-3, -7, 9]);
      expectClose(await layers.multiply([a, b]).data(), [4, -10, -18]);
      expectClose(await layers.average([a, b]).data(), [2.5, 1.5, -1.5]);
      expectClose(await layers.maximum([a, b]).data(), [4, 5, 3]);
      expectClose(await layers.minimum([a, b]).data(), [1, -2, -6]);
      expectClose(await layers.concatenate([a, b], { axis: 0 }).data(), [1, -2, 3, 4, 5, -6]);
      // Default axes -1: 1*4 - 2*5 - 3*6 = -24; normalized: -24 / (sqrt(14) * sqrt(77)).
      expectClose(await layers.dot([a, b]).data(), [-24]);
      expectClose(await layers.dot([a, b], { normalize: true }).data(), [-24 / Math.sqrt(14 * 77)]);
    }),
  );

  it('make a functional model that trains', async () => {
    const x1 = Input({ shape: [3] });
    const x2 = Input({ shape: [3] });
    const merged = layers.concatenate([layers.add([x1, x2]), layers.multiply([x1, x2])]);
    const model = new Model({ inputs: [x1, x2], outputs: new layers.Dense({ units: 1 }).apply(merged) });
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const a = tensor(Array.from({ length: 24 }, (_, i) => Math.cos(i)), [8, 3]);
    const b = tensor(Array.from({ length: 24 }, (_, i) => Math.sin(2 * i)), [8, 3]);
    const y = a.mul(b).sum(1, true);
    const history = await model.fit([a, b], y, { epochs: 5, batchSize: 4, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses.at(-1)!).toBeLessThan(losses[0]);
  });

  it('pass their errors on from the layer', () => {
    expect(() => layers.subtract([Input({ shape: [2] }), Input({ shape: [2] }), Input({ shape: [2] })])).toThrow('A `Subtract` layer should be called on exactly 2 inputs');
    expect(() => layers.dot([Input({ shape: [2] }), Input({ shape: [2] })], 1 as never)).toThrow("Dot: the constructor takes one options object");
    expect(() => layers.concatenate([Input({ shape: [2] }), Input({ shape: [2] })], { axis: 1, use_bias: true } as never)).toThrow("unknown option 'use_bias'");
  });
});
