// Pooling layers: windowed max and average pooling against a float64 reference (Keras's 'same'
// windows clipped to the input), global pooling, keepdims, shapes, errors and the max gradient.

import { describe, expect, it } from 'vitest';
import { GradientTape, tensor } from '../../src/node';
import {
  AveragePooling1D,
  AveragePooling2D,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  Input,
  MaxPooling1D,
  MaxPooling2D,
} from '../../src/layers/index';
import { useWebGPU } from '../helpers';
import { expectClose, seededValues } from './layer_helpers';

useWebGPU();

/** Reduces x [batch, spatial..., channels] over the spatial axes (given as one flattened axis). */
function poolReference(x: number[], batch: number, spatial: number, channels: number, reduce: (values: number[]) => number): number[] {
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) out.push(reduce(Array.from({ length: spatial }, (_, s) => x[(b * spatial + s) * channels + c])));
  }
  return out;
}
const average = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const maximum = (v: number[]) => Math.max(...v);

describe('global pooling', () => {
  const x = seededValues(2 * 3 * 4 * 5, 1);

  it('GlobalAveragePooling2D averages over height and width', async () => {
    const y = new GlobalAveragePooling2D().apply(tensor(x, [2, 3, 4, 5]));
    expect(y.shape).toEqual([2, 5]);
    expectClose(await y.data(), poolReference(x, 2, 12, 5, average));
  });

  it('GlobalMaxPooling2D takes the maximum over height and width', async () => {
    expectClose(await new GlobalMaxPooling2D().apply(tensor(x, [2, 3, 4, 5])).data(), poolReference(x, 2, 12, 5, maximum));
  });

  it('1D variants reduce the steps axis', async () => {
    expectClose(await new GlobalAveragePooling1D().apply(tensor(x, [2, 12, 5])).data(), poolReference(x, 2, 12, 5, average));
    expectClose(await new GlobalMaxPooling1D().apply(tensor(x, [2, 12, 5])).data(), poolReference(x, 2, 12, 5, maximum));
  });

  it('keeps the pooled axes with keepdims', () => {
    expect(new GlobalAveragePooling2D({ keepdims: true }).apply(tensor(x, [2, 3, 4, 5])).shape).toEqual([2, 1, 1, 5]);
    expect(new GlobalMaxPooling2D({ keepdims: true }).apply(Input({ shape: [7, 7, 8] })).shape).toEqual([null, 1, 1, 8]);
  });

  it('gives Keras shapes on symbolic inputs and rejects other ranks', () => {
    expect(new GlobalAveragePooling2D().apply(Input({ shape: [7, 7, 512] })).shape).toEqual([null, 512]);
    expect(new GlobalMaxPooling1D().apply(Input({ shape: [null, 4] })).shape).toEqual([null, 4]);
    expect(() => new GlobalAveragePooling2D({ name: 'gap_rank' }).apply(Input({ shape: [7, 3] }))).toThrow('Input 0 of layer "gap_rank" is incompatible with the layer: expected ndim=4, found ndim=3');
  });
});

/** Windowed pooling of x [b, h, w, c] in float64; 'same' windows are clipped to the input (Keras). */
function windowPoolReference(x: number[], [b, h, w, c]: number[], pool: number[], strides: number[], padding: string, reduce: (v: number[]) => number): number[] {
  const axis = (size: number, k: number, s: number) => {
    if (padding === 'valid') return { out: Math.floor((size - k) / s) + 1, before: 0 };
    const out = Math.ceil(size / s);
    return { out, before: Math.floor(Math.max((out - 1) * s + k - size, 0) / 2) };
  };
  const rows = axis(h, pool[0], strides[0]);
  const cols = axis(w, pool[1], strides[1]);
  const out: number[] = [];
  for (let n = 0; n < b; n++)
    for (let i = 0; i < rows.out; i++)
      for (let j = 0; j < cols.out; j++)
        for (let ch = 0; ch < c; ch++) {
          const window: number[] = [];
          for (let p = 0; p < pool[0]; p++)
            for (let q = 0; q < pool[1]; q++) {
              const y = i * strides[0] - rows.before + p;
              const z = j * strides[1] - cols.before + q;
              if (y >= 0 && y < h && z >= 0 && z < w) window.push(x[((n * h + y) * w + z) * c + ch]);
            }
          out.push(reduce(window));
        }
  return out;
}

describe('windowed pooling', () => {
  const shape = [2, 5, 6, 3];
  const x = seededValues(180, 7);
  const cases: Array<[string, { poolSize?: number | number[]; strides?: number | number[]; padding?: 'valid' | 'same' }, number[], number[]]> = [
    ['defaults (2x2, strides = pool size, valid)', {}, [2, 2], [2, 2]],
    ['3x3, strides 1, same', { poolSize: 3, strides: 1, padding: 'same' }, [3, 3], [1, 1]],
    ['[2, 3], strides 2, same', { poolSize: [2, 3], strides: 2, padding: 'same' }, [2, 3], [2, 2]],
  ];
  for (const [name, options, pool, strides] of cases) {
    it(`MaxPooling2D and AveragePooling2D: ${name}`, async () => {
      const padding = options.padding ?? 'valid';
      const maxLayer = new MaxPooling2D(options);
      const maxOut = maxLayer.apply(tensor(x, shape));
      expect(maxOut.shape).toEqual(maxLayer.computeOutputShape(shape));
      expectClose(await maxOut.data(), windowPoolReference(x, shape, pool, strides, padding, maximum));
      expectClose(await new AveragePooling2D(options).apply(tensor(x, shape)).data(), windowPoolReference(x, shape, pool, strides, padding, average));
    });
  }

  it('1D variants pool along the steps axis', async () => {
    const steps = seededValues(2 * 7 * 3, 8);
    const asRows = [2, 1, 7, 3];
    const maxOut = new MaxPooling1D({ poolSize: 3, strides: 2 }).apply(tensor(steps, [2, 7, 3]));
    expect(maxOut.shape).toEqual([2, 3, 3]);
    expectClose(await maxOut.data(), windowPoolReference(steps, asRows, [1, 3], [1, 2], 'valid', maximum));
    const avgOut = new AveragePooling1D({ padding: 'same' }).apply(tensor(steps, [2, 7, 3]));
    expect(avgOut.shape).toEqual([2, 4, 3]);
    expectClose(await avgOut.data(), windowPoolReference(steps, asRows, [1, 2], [1, 2], 'same', average));
  });

  it('gives Keras shapes on symbolic inputs', () => {
    expect(new MaxPooling2D().apply(Input({ shape: [28, 28, 16] })).shape).toEqual([null, 14, 14, 16]);
    expect(new AveragePooling2D({ poolSize: 3, strides: 2, padding: 'same' }).apply(Input({ shape: [null, 9, 4] })).shape).toEqual([null, null, 5, 4]);
    expect(new MaxPooling1D().apply(Input({ shape: [9, 4] })).shape).toEqual([null, 4, 4]);
  });

  it('rejects bad arguments and other ranks', () => {
    expect(() => new MaxPooling2D({ padding: 'full' as 'same' })).toThrow('The `padding` argument must be one of "valid", "same". Received: padding=full');
    expect(() => new MaxPooling2D({ poolSize: [2, 0] })).toThrow(/`poolSize` argument must be a tuple of 2 positive integers/);
    expect(() => new MaxPooling2D({ name: 'pool_rank' }).apply(Input({ shape: [4, 4] }))).toThrow('Input 0 of layer "pool_rank" is incompatible with the layer: expected ndim=4, found ndim=3');
  });

  it('sends max-pooling gradients to the window maxima', async () => {
    const input = tensor([1, 5, 2, 0, 3, 4, 9, 8, 7, 6, 1, 2, 0, 0, 0, 1], [1, 4, 4, 1]);
    const tape = new GradientTape();
    tape.watch(input);
    const loss = tape.record(() => new MaxPooling2D().apply(input).sum());
    expect(Array.from(await tape.gradient(loss, input)!.data())).toEqual([0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0]);
  });
});
