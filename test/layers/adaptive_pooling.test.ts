// The adaptive pooling layers (src/layers/adaptive_pooling.ts) on both backends: outputs against
// values computed by Keras 3.16, symbolic output shapes, configs, a gradient check and the errors
// users meet.

import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../../src/node';
import {
  AdaptiveAveragePooling1D,
  AdaptiveAveragePooling2D,
  AdaptiveAveragePooling3D,
  AdaptiveMaxPooling1D,
  AdaptiveMaxPooling2D,
  AdaptiveMaxPooling3D,
} from '../../src/layers/adaptive_pooling';
import { Input } from '../../src/layers/index';
import { onBothBackends, useWebGPU } from '../helpers';
import { expectClose, layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();

/** The inputs of the Keras references: element i is ((7 i mod 11) / 2 - 2 + i / 100). */
function ramp(shape: number[]): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: size }, (_, k) => ((k * 7) % 11) * 0.5 - 2 + k * 0.01), shape);
}

// Computed by Keras 3.16 (keras.layers.Adaptive*Pooling*D, NumPy backend, /tmp/keras_env/kpy) on
// the ramp inputs named in each test, rounded to 5 decimals.
const KERAS = {
  average1d: { shape: [2, 3, 1], values: [-0.245, 1.35333, 2.035, 0.805, 0.57, 0.335] },
  max1dChannelsFirst: { shape: [1, 2, 2], values: [1.51, 3.03, 2.56, 2.09] },
  average2d: { shape: [1, 2, 3, 1], values: [0.045, 0.805, 0.64833, 0.625, 1.385, 0.31167] },
  max2d: { shape: [1, 2, 2, 2], values: [3.14, 3.03, 3.14, 2.67, 3.14, 3.25, 3.14, 3.25] },
  average3dChannelsFirst: { shape: [1, 1, 1, 2, 2], values: [0.77, 0.915, 0.60167, 0.28833] },
  max3d: { shape: [1, 2, 1, 2, 1], values: [3.03, 1.51, 2.56, 3.14] },
};

async function expectKeras(y: Tensor, expected: { shape: number[]; values: number[] }): Promise<void> {
  expect(y.shape).toEqual(expected.shape);
  expectClose(await y.data(), expected.values, { atol: 2e-4 });
}

describe('AdaptiveAveragePooling1D/2D/3D and AdaptiveMaxPooling1D/2D/3D', () => {
  it('match Keras 3.16 outputs', onBothBackends(async () => {
    await expectKeras(new AdaptiveAveragePooling1D({ outputSize: 3 }).apply(ramp([2, 5, 1])) as Tensor, KERAS.average1d);
    await expectKeras(new AdaptiveMaxPooling1D({ outputSize: 2, dataFormat: 'channels_first' }).apply(ramp([1, 2, 5])) as Tensor, KERAS.max1dChannelsFirst);
    await expectKeras(new AdaptiveAveragePooling2D({ outputSize: [2, 3] }).apply(ramp([1, 5, 4, 1])) as Tensor, KERAS.average2d);
    await expectKeras(new AdaptiveMaxPooling2D({ outputSize: 2 }).apply(ramp([1, 3, 5, 2])) as Tensor, KERAS.max2d);
    await expectKeras(new AdaptiveAveragePooling3D({ outputSize: [1, 2, 2], dataFormat: 'channels_first' }).apply(ramp([1, 1, 3, 3, 4])) as Tensor, KERAS.average3dChannelsFirst);
    await expectKeras(new AdaptiveMaxPooling3D({ outputSize: [2, 1, 2] }).apply(ramp([1, 3, 2, 3, 1])) as Tensor, KERAS.max3d);
  }));

  it('compute symbolic output shapes, whatever the spatial sizes', () => {
    expect(new AdaptiveAveragePooling1D({ outputSize: 3 }).apply(Input({ shape: [10, 4] })).shape).toEqual([null, 3, 4]);
    expect(new AdaptiveMaxPooling2D({ outputSize: [2, 5], dataFormat: 'channels_first' }).apply(Input({ shape: [3, null, null] })).shape).toEqual([null, 3, 2, 5]);
    expect(new AdaptiveAveragePooling3D({ outputSize: 2 }).computeOutputShape([4, 5, 6, 7, 8])).toEqual([4, 2, 2, 2, 8]);
  });

  it('getConfig holds Keras 3.16 options and rebuilds an equal layer', () => {
    const layer = new AdaptiveMaxPooling2D({ outputSize: 2, name: 'pool' });
    const config = layer.getConfig();
    expect(config).toMatchObject({ name: 'pool', outputSize: [2, 2], dataFormat: 'channels_last' });
    expect(new AdaptiveMaxPooling2D(config as never).getConfig()).toEqual(config);
  });

  it('passes gradients to the input', async () => {
    expect(await layerGradCheck(() => new AdaptiveAveragePooling2D({ outputSize: [2, 2] }), [1, 3, 3, 1], seededValues(9, 3))).toBe('ok');
    expect(await layerGradCheck(() => new AdaptiveMaxPooling1D({ outputSize: 2 }), [1, 5, 2], seededValues(10, 4))).toBe('ok');
  });

  it('errors', () => {
    expect(() => new AdaptiveAveragePooling2D({} as never)).toThrow('AdaptiveAveragePooling2D: the `outputSize` argument is required: a positive integer or a list of 2 of them.');
    expect(() => new AdaptiveMaxPooling3D({ outputSize: [2, 2] })).toThrow('The `outputSize` argument must be a tuple of 3 positive integers. Received outputSize=[2,2]');
    expect(() => new AdaptiveMaxPooling1D({ outputSize: 2, dataFormat: 'NCW' as never })).toThrow('Invalid value for argument dataFormat.');
    expect(() => new AdaptiveMaxPooling1D({ outputSize: 2 }).apply(ramp([2, 4]))).toThrow('is incompatible with the layer: expected ndim=3, found ndim=2.');
  });
});
