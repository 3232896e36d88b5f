// The rank-generic convolution and pooling ops of src/ops/nn_generic.ts (keras.ops.conv,
// conv_transpose, depthwise_conv, separable_conv, max_pool, average_pool) on both backends against
// values computed by Keras 3.16, their gradients by finite differences, memory, and the errors
// users meet.

import { describe, expect, it } from 'vitest';
import { memory, ops, tensor, type Tensor } from '../../src/node';
import { gradCheck } from '../autograd/gradcheck';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

/** The inputs of the Keras references: element i is ((7 i mod 11) / 2 - 2 + i / 100), from index `seed` on. */
function ramp(shape: number[], seed = 0): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: size }, (_, k) => (((k + seed) * 7) % 11) * 0.5 - 2 + (k + seed) * 0.01), shape);
}

interface Expected {
  shape: number[];
  values: number[];
}

// Computed by Keras 3.16 (NumPy backend; /tmp/keras_env/kpy) on the ramp inputs named in each test,
// rounded to 5 decimals. The 1-D 'same' average pooling came from the torch backend, as the NumPy
// backend mishandles a tuple pool size there.
const KERAS: Record<string, Expected> = {
  conv1d: { shape: [1, 4, 2], values: [1.802, 11.7276, -10.7749, 11.6228, 11.2843, 0.5744, 2.2486, -7.0718] },
  conv2dChannelsFirst: { shape: [1, 3, 3, 3], values: [-3.3719, 10.2039, 3.9247, -7.2129, -3.1521, 19.9937, 18.4261, -2.5931, 10.9827, -6.0307, 6.1163, 9.3533, 15.8193, -0.8537, 20.8633, 6.6493, -4.8537, 7.2933, 16.4455, 7.8587, 1.3069, -2.2885, 1.4997, 2.4829, 8.4575, 17.4157, 8.8289] },
  conv3d: { shape: [1, 2, 1, 2, 2], values: [2.4238, 14.579, 6.8252, -4.0638, 3.4814, 3.8738, -7.6822, -11.029] },
  convTranspose1d: { shape: [1, 6, 2], values: [5.5353, -3.5145, -4.2593, 5.9959, 6.3574, -7.1764, 0.4983, 7.0143, -9.1524, 0.0854, 2.1209, -3.4623] },
  convTranspose2d: { shape: [1, 5, 5, 3], values: [-2.08, 1.9, -5.12, -1.14, 2.84, -4.18, 1.5704, -1.4345, 3.8656, 0.8607, -2.1442, 3.1559, 0.0, 0.0, 0.0, -0.2, 3.78, -3.24, 0.74, -6.28, -2.3, 0.151, -2.8539, 2.4462, -0.5587, 4.7414, 1.7365, 0.0, 0.0, 0.0, -0.4992, 0.456, -1.2288, -0.2736, 0.6816, -1.0032, 3.1512, -2.8785, 7.7568, 1.7271, -4.3026, 6.3327, 0.0, 0.0, 0.0, -0.048, 0.9072, -0.7776, 0.1776, -1.5072, -0.552, 0.303, -5.7267, 4.9086, -1.1211, 9.5142, 3.4845, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0] },
  depthwise1d: { shape: [1, 3, 4], values: [-5.016, -3.1056, -3.6832, 3.5074, -0.9728, -5.112, -3.3792, 6.1218, 2.5204, 3.2766, 4.7348, -2.7588] },
  separable2d: { shape: [1, 2, 2, 3], values: [-8.46474, 17.48188, 2.7714, -3.14261, 25.10096, 9.08822, -7.22043, 22.50857, 5.65367, 2.1717, -15.22315, -5.36111] },
  maxpool1d: { shape: [1, 3, 2], values: [1.04, 3.03, 2.56, 2.09, 1.62, 2.09] },
  avgpool1dSame: { shape: [1, 4, 2], values: [-1.24, 2.27, 1.8, -0.19, -0.66, 0.1, 1.62, -0.37] },
  maxpool2dChannelsFirst: { shape: [1, 2, 2, 3], values: [1.51, 2.56, 3.03, 2.09, 3.14, 3.14, 3.25, 3.25, 1.73, 2.78, 1.84, 2.31] },
  avgpool3d: { shape: [1, 2, 2, 2, 1], values: [0.48, 0.625, 1.06, 0.5175, 0.845, 0.99, 0.05, 1.57] },
};

async function expectKeras(actual: Tensor, expected: Expected, atol = 2e-3): Promise<void> {
  expect(actual.shape).toEqual(expected.shape);
  const data = await actual.data();
  expected.values.forEach((value, i) => expect(Math.abs(data[i] - value), `element ${i}: ${data[i]} vs ${value}`).toBeLessThanOrEqual(atol));
}

describe('conv, convTranspose, depthwiseConv, separableConv (against Keras 3.16)', () => {
  it('conv dispatches rank 3, 4 and 5 inputs, with Keras options', onBothBackends(async () => {
    await expectKeras(ops.conv(ramp([1, 7, 2]), ramp([3, 2, 2], 3), { strides: [2], padding: 'same' }), KERAS.conv1d);
    await expectKeras(ops.conv(ramp([1, 2, 4, 5]), ramp([2, 3, 2, 3], 5), { dataFormat: 'channels_first', dilationRate: [1, 1] }), KERAS.conv2dChannelsFirst);
    await expectKeras(ops.conv(ramp([1, 3, 3, 3, 1]), ramp([2, 2, 2, 1, 2], 1), { strides: [1, 2, 1] }), KERAS.conv3d);
  }));

  it('convTranspose with Keras output sizes (with and without outputPadding)', onBothBackends(async () => {
    await expectKeras(ops.convTranspose(ramp([1, 3, 2]), ramp([3, 2, 2], 2), { strides: 2, padding: 'same' }), KERAS.convTranspose1d);
    await expectKeras(ops.convTranspose(ramp([1, 2, 2, 1]), ramp([2, 2, 3, 1], 4), { strides: 2, outputPadding: 1 }), KERAS.convTranspose2d);
  }));

  it('depthwiseConv and separableConv', onBothBackends(async () => {
    await expectKeras(ops.depthwiseConv(ramp([1, 5, 2]), ramp([2, 2, 2], 6), { dilationRate: 2 }), KERAS.depthwise1d);
    await expectKeras(ops.separableConv(ramp([1, 4, 4, 2]), ramp([2, 2, 2, 1], 1), ramp([1, 1, 2, 3], 2), { strides: 2, padding: 'same' }), KERAS.separable2d);
  }));

  it('gradients of conv, convTranspose and separableConv on 1-D inputs', async () => {
    expect((await gradCheck((x, k) => ops.conv(x, k, { padding: 'same', strides: 2 }), [[1, 5, 2], [3, 2, 2]])).message).toBe('ok');
    expect((await gradCheck((x, k) => ops.convTranspose(x, k, { strides: 2 }), [[1, 3, 2], [2, 1, 2]])).message).toBe('ok');
    expect((await gradCheck((x, d, p) => ops.separableConv(x, d, p), [[1, 4, 2], [2, 2, 1], [1, 2, 2]])).message).toBe('ok');
  });
});

describe('maxPool and averagePool (against Keras 3.16)', () => {
  it('pools rank 3, 4 and 5 inputs', onBothBackends(async () => {
    await expectKeras(ops.maxPool(ramp([1, 7, 2]), 3, { strides: 2 }), KERAS.maxpool1d);
    await expectKeras(ops.averagePool(ramp([1, 7, 2]), [2], { padding: 'same' }), KERAS.avgpool1dSame);
    await expectKeras(ops.maxPool(ramp([1, 2, 5, 4]), [2, 2], { strides: [2, 1], dataFormat: 'channels_first' }), KERAS.maxpool2dChannelsFirst);
    await expectKeras(ops.averagePool(ramp([1, 3, 4, 4, 1]), 2, { padding: 'same' }), KERAS.avgpool3d);
  }));

  it('1-D channels-first pooling matches channels-last on the transposed input', onBothBackends(async () => {
    const x = ramp([2, 3, 6]);
    const firstValues = await ops.maxPool(x, 2, { dataFormat: 'channels_first' }).data();
    const lastValues = await ops.transpose(ops.maxPool(ops.transpose(x, [0, 2, 1]), 2), [0, 2, 1]).data();
    expect(Array.from(firstValues)).toEqual(Array.from(lastValues));
  }));

  it('gradients go to the window maxima and spread over the averaged windows', async () => {
    expect((await gradCheck((x) => ops.maxPool(x, 2, { strides: 1 }), [[1, 5, 2]])).message).toBe('ok');
    expect((await gradCheck((x) => ops.averagePool(x, 3, { strides: 2, padding: 'same' }), [[1, 5, 2]])).message).toBe('ok');
  });

  it('frees every intermediate', onBothBackends(async () => {
    const x = ramp([1, 6, 2]);
    const before = memory().liveTensors;
    const y = ops.averagePool(x, 2, { dataFormat: 'channels_first' });
    expect(memory().liveTensors).toBe(before + 1);
    y.dispose();
    x.dispose();
  }));
});

describe('errors', () => {
  it('name the op, the expectation and the shapes', () => {
    const matrix = tensor([1, 2, 3, 4], [2, 2]);
    expect(() => ops.conv(matrix, matrix)).toThrow('conv: inputs must have rank 3, 4 or 5 ([batch, ...spatial, channels] or channels first), got shape [2,2] (rank 2).');
    expect(() => ops.depthwiseConv(ramp([1, 2, 2, 2, 1]), ramp([1, 1, 1, 1, 1]))).toThrow('depthwiseConv: inputs must have rank 3 or 4');
    expect(() => ops.maxPool(matrix, 2)).toThrow('maxPool: inputs must have rank 3, 4 or 5');
    expect(() => ops.maxPool(ramp([1, 4, 1]), 0)).toThrow('maxPool: poolSize must be a positive integer or a list of one, got 0.');
    expect(() => ops.maxPool(ramp([1, 2, 3]), 4, { dataFormat: 'channels_first' })).toThrow("maxPool: pool size 4 is larger than the 3 steps of inputs [1,2,3] with padding 'valid'.");
    expect(() => ops.averagePool(ramp([1, 4, 1]), 2, { pool_size: 2 } as never)).toThrow("averagePool: unknown option 'pool_size'");
    expect(() => ops.conv(ramp([1, 4, 1]), ramp([2, 1, 1]), { dilation_rate: 2 } as never)).toThrow("conv: unknown option 'dilation_rate' (did you mean 'dilationRate'?)");
    expect(() => ops.separableConv(ramp([1, 4, 4, 2]), ramp([2, 2, 2, 1]), ramp([2, 1, 2, 3]))).toThrow(
      'separableConv: pointwiseKernel must have shape [1, 1, channels * depthMultiplier, outChannels] for inputs of rank 4, got [2,1,2,3].',
    );
    expect(() => ops.conv(ramp([1, 4, 4, 1]), ramp([2, 2, 2, 1]))).toThrow('conv2d: input channels differ');
  });
});
