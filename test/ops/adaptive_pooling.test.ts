// Adaptive average and max pooling (src/ops/adaptive_pooling.ts) on both backends: against values
// computed by Keras 3.16 and against a float64 loop over PyTorch's bins written here, their
// gradients by finite differences, memory, and the errors users meet.

import { describe, expect, it } from 'vitest';
import { memory, ops, tensor, type Tensor } from '../../src/node';
import { gradCheck } from '../autograd/gradcheck';
import { seededRandom } from '../cases/data';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

/** The inputs of the Keras references: element i is ((7 i mod 11) / 2 - 2 + i / 100). */
function ramp(shape: number[]): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: size }, (_, k) => ((k * 7) % 11) * 0.5 - 2 + k * 0.01), shape);
}

interface Expected {
  shape: number[];
  values: number[];
}

// Computed by Keras 3.16 (NumPy backend, /tmp/keras_env/kpy; the torch backend agrees) on the ramp
// inputs named in each test, rounded to 5 decimals.
const KERAS: Record<string, Expected> = {
  adaptiveAverage1d: { shape: [1, 3, 2], values: [-0.48, 1.19667, 0.72667, 0.57, 0.1, -0.05667] },
  adaptiveMax1dChannelsFirst: { shape: [1, 2, 3], values: [1.51, 3.03, 3.03, 2.56, 2.56, 2.09] },
  adaptiveAverage2d: { shape: [1, 3, 3, 2], values: [-0.95, 1.185, 0.57, -0.045, 2.09, 0.1, -0.08, 0.68, 1.44, -0.55, 1.12667, 0.97, 0.79, 0.175, 2.31, 0.32, 1.08, 1.84] },
  adaptiveMax2d: { shape: [1, 2, 3, 2], values: [0.68, 3.03, 2.2, 3.03, 3.14, 1.73, 1.84, 3.25, 3.36, 1.37, 3.36, 2.89] },
  adaptiveAverage3dChannelsFirst: { shape: [1, 1, 2, 3, 2], values: [0.46833, 0.61333, 0.60167, 0.74667, 0.735, 0.88, 1.00167, 0.68833, 1.135, 0.82167, 0.81, 0.955] },
  adaptiveMax3d: { shape: [1, 2, 2, 2, 1], values: [3.25, 3.03, 3.36, 3.14, 3.47, 3.47, 3.36, 3.58] },
  adaptiveAverageUp: { shape: [1, 5, 1], values: [-2.0, -2.0, -0.245, 1.51, 1.51] },
};

async function expectClose(actual: Tensor, expected: Expected, atol = 2e-4): Promise<void> {
  expect(actual.shape).toEqual(expected.shape);
  const data = await actual.data();
  expected.values.forEach((value, i) => expect(Math.abs(data[i] - value), `element ${i}: ${data[i]} vs ${value}`).toBeLessThanOrEqual(atol));
}

/**
 * Adaptive pooling of a channels-last [batch, ...spatial, channels] array in float64, by the
 * definition: output (o_1..o_n) reduces the box of inputs with i_k in [floor(o_k L_k / n_k),
 * ceil((o_k + 1) L_k / n_k)).
 */
function referencePool(values: number[], shape: number[], outputSize: number[], mode: 'max' | 'average'): number[] {
  const spatial = shape.slice(1, -1);
  const [batch, channels] = [shape[0], shape[shape.length - 1]];
  const outCount = outputSize.reduce((a, b) => a * b, 1);
  const result: number[] = [];
  const unravel = (flat: number, sizes: number[]) => sizes.map((_, k) => Math.floor(flat / sizes.slice(k + 1).reduce((a, b) => a * b, 1)) % sizes[k]);
  for (let b = 0; b < batch; b++) {
    for (let o = 0; o < outCount; o++) {
      const out = unravel(o, outputSize);
      const starts = out.map((i, k) => Math.floor((i * spatial[k]) / outputSize[k]));
      const ends = out.map((i, k) => Math.ceil(((i + 1) * spatial[k]) / outputSize[k]));
      const boxSizes = starts.map((s, k) => ends[k] - s);
      const boxCount = boxSizes.reduce((a, c) => a * c, 1);
      for (let c = 0; c < channels; c++) {
        let acc = mode === 'max' ? -Infinity : 0;
        for (let e = 0; e < boxCount; e++) {
          const position = unravel(e, boxSizes).map((d, k) => starts[k] + d);
          const flat = position.reduce((a, p, k) => a * spatial[k] + p, b) * channels + c;
          acc = mode === 'max' ? Math.max(acc, values[flat]) : acc + values[flat];
        }
        result.push(mode === 'max' ? acc : acc / boxCount);
      }
    }
  }
  return result;
}

describe('adaptiveAveragePool and adaptiveMaxPool', () => {
  it('match Keras 3.16 in 1-D, 2-D and 3-D, both data formats', onBothBackends(async () => {
    await expectClose(ops.adaptiveAveragePool(ramp([1, 7, 2]), 3), KERAS.adaptiveAverage1d);
    await expectClose(ops.adaptiveMaxPool(ramp([1, 2, 5]), 3, { dataFormat: 'channels_first' }), KERAS.adaptiveMax1dChannelsFirst);
    await expectClose(ops.adaptiveAveragePool(ramp([1, 5, 4, 2]), [3, 3]), KERAS.adaptiveAverage2d);
    await expectClose(ops.adaptiveMaxPool(ramp([1, 5, 4, 2]), [2, 3]), KERAS.adaptiveMax2d);
    await expectClose(ops.adaptiveAveragePool(ramp([1, 1, 3, 4, 5]), [2, 3, 2], { dataFormat: 'channels_first' }), KERAS.adaptiveAverage3dChannelsFirst);
    await expectClose(ops.adaptiveMaxPool(ramp([1, 3, 4, 5, 1]), 2), KERAS.adaptiveMax3d);
  }));

  it('pool to a larger size than the input (overlapping bins)', onBothBackends(async () => {
    await expectClose(ops.adaptiveAveragePool(ramp([1, 2, 1]), 5), KERAS.adaptiveAverageUp);
  }));

  it('match a float64 loop over the bins on random inputs', onBothBackends(async () => {
    const next = seededRandom(7);
    const cases: Array<[number[], number[]]> = [[[2, 11, 3], [4]], [[1, 7, 6, 2], [3, 4]], [[1, 5, 3, 4, 2], [2, 2, 3]]];
    for (const [shape, outputSize] of cases) {
      const values = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => next() * 4 - 2);
      for (const mode of ['max', 'average'] as const) {
        const op = mode === 'max' ? ops.adaptiveMaxPool : ops.adaptiveAveragePool;
        const y = op(tensor(values, shape), outputSize);
        const expected = referencePool(values, shape, outputSize, mode);
        await expectClose(y, { shape: [shape[0], ...outputSize, shape[shape.length - 1]], values: expected }, 1e-5);
      }
    }
  }));

  it('gradients: to the bin maxima, and spread over each averaged bin', async () => {
    expect((await gradCheck((x) => ops.adaptiveMaxPool(x, [2, 3]), [[1, 3, 4, 2]])).message).toBe('ok');
    expect((await gradCheck((x) => ops.adaptiveAveragePool(x, 3, { dataFormat: 'channels_first' }), [[1, 2, 3, 5]])).message).toBe('ok');
  });

  it('frees every intermediate', onBothBackends(async () => {
    const x = ramp([1, 5, 4, 2]);
    const before = memory().liveTensors;
    const y = ops.adaptiveAveragePool(x, [2, 3]);
    const z = ops.adaptiveMaxPool(x, 3);
    expect(memory().liveTensors).toBe(before + 2);
    for (const t of [x, y, z]) t.dispose();
  }));

  it('errors name the op, the expectation and the shapes', () => {
    expect(() => ops.adaptiveAveragePool(tensor([1, 2], [1, 2]), 1)).toThrow('adaptiveAveragePool: inputs must have rank 3, 4 or 5 ([batch, ...spatial, channels] or channels first), got shape [1,2] (rank 2).');
    expect(() => ops.adaptiveMaxPool(ramp([1, 4, 4, 1]), [2, 2, 2])).toThrow('adaptiveMaxPool: outputSize must be a positive integer or a list of 2 of them (one per spatial axis of inputs [1,4,4,1]), got [2,2,2].');
    expect(() => ops.adaptiveMaxPool(ramp([1, 4, 1]), 0)).toThrow('adaptiveMaxPool: outputSize must be a positive integer');
    expect(() => ops.adaptiveAveragePool(ramp([1, 4, 1]), 2, { dataFormat: 'NHWC' as never })).toThrow("adaptiveAveragePool: Invalid value for argument `dataFormat`. Expected 'channels_last' or 'channels_first'.");
    expect(() => ops.adaptiveAveragePool(ramp([1, 4, 1]), 2, { data_format: 'channels_last' } as never)).toThrow("adaptiveAveragePool: unknown option 'data_format' (did you mean 'dataFormat'?)");
    expect(() => ops.adaptiveAveragePool(tensor([1, 2, 3, 4], [1, 4, 1], 'int32'), 2)).toThrow("adaptiveAveragePool: inputs are int32 (shape [1,4,1]); adaptiveAveragePool takes float32 tensors.");
  });
});
