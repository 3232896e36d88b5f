// getConfig -> fromConfig round trips for every built-in layer (through JSON, as a saved model
// would), deserialization by class name, and the registry's unknown-name error.

import { describe, expect, it } from 'vitest';
import * as layers from '../../src/layers/index';
import { deserializeLayer, getLayerClass, Input, type Layer } from '../../src/layers/index';
import { useWebGPU } from '../helpers';

useWebGPU();

const examples: Array<[string, () => Layer, number[] | null]> = [
  ['Dense', () => new layers.Dense({ units: 3, activation: 'leakyRelu', useBias: false, kernelInitializer: 'heNormal', kernelRegularizer: 'l2', kernelConstraint: 'max_norm', name: 'd1' }), [4]],
  ['Activation', () => new layers.Activation('softmax'), [4]],
  ['Dropout', () => new layers.Dropout({ rate: 0.25, noiseShape: [null, 1], seed: 3 }), [4]],
  ['Flatten', () => new layers.Flatten(), [2, 3]],
  ['Reshape', () => new layers.Reshape({ targetShape: [-1, 2] }), [2, 3]],
  ['Permute', () => new layers.Permute({ dims: [2, 1] }), [2, 3]],
  ['BatchNormalization', () => new layers.BatchNormalization({ axis: 1, momentum: 0.9, epsilon: 1e-5, center: false, gammaRegularizer: { className: 'L1L2', config: { l1: 0.1, l2: 0 } }, gammaConstraint: 'non_neg' }), [3, 2]],
  ['LayerNormalization', () => new layers.LayerNormalization({ axis: [1, 2], epsilon: 1e-6, scale: false }), [3, 2]],
  ['InstanceNormalization', () => new layers.InstanceNormalization({ epsilon: 1e-5, betaInitializer: 'ones' }), [3, 2]],
  ['Embedding', () => new layers.Embedding({ inputDim: 10, outputDim: 4, embeddingsInitializer: 'normal', embeddingsRegularizer: 'l1', embeddingsConstraint: { className: 'UnitNorm', config: { axis: 1 } } }), [5]],
  ['Conv2D', () => new layers.Conv2D({ filters: 2, kernelSize: [3, 2], strides: [1, 2], padding: 'same', activation: 'relu', biasRegularizer: 'l2', kernelConstraint: { className: 'MinMaxNorm', config: { maxValue: 2, rate: 0.5, axis: [0, 1, 2] } } }), [6, 6, 3]],
  ['Conv1D', () => new layers.Conv1D({ filters: 2, kernelSize: 3, padding: 'causal', dilationRate: 2, useBias: false }), [6, 3]],
  ['MaxPooling2D', () => new layers.MaxPooling2D({ poolSize: 3, strides: 2, padding: 'same' }), [6, 6, 3]],
  ['AveragePooling2D', () => new layers.AveragePooling2D({ poolSize: [2, 3] }), [6, 6, 3]],
  ['MaxPooling1D', () => new layers.MaxPooling1D({ poolSize: 3 }), [6, 3]],
  ['AveragePooling1D', () => new layers.AveragePooling1D({ strides: 1 }), [6, 3]],
  ['Add', () => new layers.Add(), null],
  ['Subtract', () => new layers.Subtract(), null],
  ['Multiply', () => new layers.Multiply(), null],
  ['Average', () => new layers.Average(), null],
  ['Maximum', () => new layers.Maximum(), null],
  ['Minimum', () => new layers.Minimum(), null],
  ['Concatenate', () => new layers.Concatenate({ axis: 1 }), null],
  ['GlobalAveragePooling1D', () => new layers.GlobalAveragePooling1D({ keepdims: true }), [5, 3]],
  ['GlobalMaxPooling1D', () => new layers.GlobalMaxPooling1D(), [5, 3]],
  ['GlobalAveragePooling2D', () => new layers.GlobalAveragePooling2D(), [4, 4, 3]],
  ['GlobalMaxPooling2D', () => new layers.GlobalMaxPooling2D({ keepdims: true }), [4, 4, 3]],
];

describe('getConfig / fromConfig', () => {
  for (const [className, make, sampleShape] of examples) {
    it(`${className} round-trips through JSON and rebuilds the same weights`, () => {
      const layer = make();
      const apply = (l: Layer) => (sampleShape ? l.apply(Input({ shape: sampleShape })) : l.apply([Input({ shape: [2, 3] }), Input({ shape: [2, 3] })]));
      const out = apply(layer);
      const config = JSON.parse(JSON.stringify(layer.getConfig())) as Record<string, unknown>;
      const rebuilt = deserializeLayer({ className, config });
      expect(rebuilt).toBeInstanceOf(getLayerClass(className) as unknown as typeof layers.Layer);
      expect(JSON.parse(JSON.stringify(rebuilt.getConfig()))).toEqual(config);
      const rebuiltOut = apply(rebuilt);
      expect(rebuiltOut).toHaveProperty('shape', (out as { shape: unknown }).shape);
      expect(rebuilt.weights.map((w) => [w.name, [...w.shape], w.trainable])).toEqual(layer.weights.map((w) => [w.name, [...w.shape], w.trainable]));
    });
  }

  it('keeps camelCase keys with Keras defaults (Dense)', () => {
    expect(new layers.Dense({ units: 2, name: 'dense_defaults' }).getConfig()).toEqual({
      name: 'dense_defaults',
      trainable: true,
      dtype: 'float32',
      units: 2,
      activation: 'linear',
      useBias: true,
      kernelInitializer: { className: 'GlorotUniform', config: { seed: undefined } },
      biasInitializer: { className: 'Zeros', config: {} },
      kernelRegularizer: null,
      biasRegularizer: null,
      kernelConstraint: null,
      biasConstraint: null,
    });
  });

  it('registers every layer class that the index exports', () => {
    // Merge, RecurrentLayer, RNNCell, IndexLookup and Wrapper are abstract bases, not layers to rebuild.
    const exported = Object.entries(layers).filter(([name, value]) => typeof value === 'function' && value.prototype instanceof layers.Layer && !['Merge', 'RecurrentLayer', 'RNNCell', 'IndexLookup', 'Wrapper'].includes(name));
    for (const [name, cls] of exported) expect(getLayerClass(name)).toBe(cls);
  });

  it('names an unknown class in its error', () => {
    expect(() => getLayerClass('Conv9D')).toThrow(/Unknown layer: 'Conv9D'/);
  });
});
