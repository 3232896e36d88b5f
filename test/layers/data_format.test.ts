// Channels-first data (Keras's dataFormat: 'channels_first') in the convolution and pooling
// layers: each layer, given the same weights, gives on channels-first input the transpose of what
// it gives on channels-last input, on the GPU and the CPU; symbolic shapes, configs and the
// weights' shapes (independent of the format, as in Keras).

import { describe, expect, it } from 'vitest';
import { ops, type Tensor } from '../../src/node';
import {
  AveragePooling1D, Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D, GlobalAveragePooling2D, GlobalMaxPooling1D, Input, MaxPooling2D,
  SeparableConv2D, deserializeLayer, type Layer,
} from '../../src/layers/index';
import { rand } from '../cases/data';
import { onBothBackends, useWebGPU } from '../helpers';
import { expectClose } from './layer_helpers';

useWebGPU();

/** [name, make(dataFormat), channels-last input shape] */
const LAYERS: Array<[string, (dataFormat: 'channels_last' | 'channels_first') => Layer, number[]]> = [
  ['Conv2D', (dataFormat) => new Conv2D({ filters: 3, kernelSize: [3, 2], strides: [2, 1], padding: 'same', dataFormat }), [2, 5, 4, 2]],
  ['Conv1D causal', (dataFormat) => new Conv1D({ filters: 2, kernelSize: 3, padding: 'causal', dilationRate: 2, dataFormat }), [2, 7, 3]],
  ['Conv2DTranspose', (dataFormat) => new Conv2DTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', dataFormat }), [1, 3, 4, 2]],
  ['DepthwiseConv2D', (dataFormat) => new DepthwiseConv2D({ kernelSize: 2, depthMultiplier: 2, dataFormat }), [2, 4, 4, 3]],
  ['SeparableConv2D', (dataFormat) => new SeparableConv2D({ filters: 2, kernelSize: 3, padding: 'same', dataFormat }), [1, 4, 5, 2]],
  ['MaxPooling2D', (dataFormat) => new MaxPooling2D({ poolSize: 2, padding: 'same', dataFormat }), [2, 5, 4, 3]],
  ['AveragePooling1D', (dataFormat) => new AveragePooling1D({ poolSize: 2, dataFormat }), [2, 6, 3]],
  ['GlobalAveragePooling2D', (dataFormat) => new GlobalAveragePooling2D({ dataFormat }), [2, 3, 4, 5]],
  ['GlobalMaxPooling1D keepdims', (dataFormat) => new GlobalMaxPooling1D({ keepdims: true, dataFormat }), [2, 6, 3]],
];

const firstToLast = (x: Tensor) => ops.moveaxis(x, 1, -1);
const lastToFirst = (x: Tensor) => ops.moveaxis(x, -1, 1);

describe("dataFormat: 'channels_first'", () => {
  for (const [name, make, shape] of LAYERS) {
    it(
      `${name}: the transpose of the channels-last result, with the same weights`,
      onBothBackends(async () => {
        const x = rand(shape, { seed: 7 });
        const last = make('channels_last');
        const first = make('channels_first');
        const expected = last.apply(x) as Tensor;
        first.apply(lastToFirst(x));
        expect(first.getWeights().map((w) => w.shape)).toEqual(last.getWeights().map((w) => w.shape));
        first.setWeights(last.getWeights());
        const got = first.apply(lastToFirst(x)) as Tensor;
        const channelsLastGot = got.rank === expected.rank && expected.rank > 2 ? firstToLast(got) : got;
        expect(channelsLastGot.shape).toEqual(expected.shape);
        expectClose(Array.from(await channelsLastGot.data()), Array.from(await expected.data()), { atol: 1e-5 });
      }),
    );
  }

  it('gives channels-first symbolic shapes and keeps the format in the config', () => {
    const conv = new Conv2D({ filters: 8, kernelSize: 3, padding: 'same', dataFormat: 'channels_first' });
    expect(conv.apply(Input({ shape: [3, 32, 16] })).shape).toEqual([null, 8, 32, 16]);
    expect(new MaxPooling2D({ dataFormat: 'channels_first' }).apply(Input({ shape: [3, 32, 16] })).shape).toEqual([null, 3, 16, 8]);
    expect(new GlobalAveragePooling2D({ dataFormat: 'channels_first' }).apply(Input({ shape: [3, 32, 16] })).shape).toEqual([null, 3]);
    expect(new GlobalAveragePooling2D({ dataFormat: 'channels_first', keepdims: true }).apply(Input({ shape: [3, 32, 16] })).shape).toEqual([null, 3, 1, 1]);
    const copy = deserializeLayer({ className: 'Conv2D', config: JSON.parse(JSON.stringify(conv.getConfig())) }) as Conv2D;
    expect(copy.dataFormat).toBe('channels_first');
    expect(new Conv2D({ filters: 1, kernelSize: 1, dataFormat: 'Channels_First' as never }).dataFormat).toBe('channels_first');
  });

  it('checks the channel count on the channels axis of the format', () => {
    const conv = new Conv2D({ filters: 2, kernelSize: 1, dataFormat: 'channels_first', name: 'cf' });
    conv.apply(Input({ shape: [3, 4, 4] }));
    expect(() => conv.apply(Input({ shape: [4, 4, 3] }))).toThrow(/Input 0 of layer "cf" is incompatible with the layer: expected axis 1 of input shape to have value 3/);
  });
});
