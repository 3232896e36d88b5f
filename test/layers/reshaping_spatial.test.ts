// UpSampling1D/2D, ZeroPadding1D/2D and Cropping1D/2D (the spatial part of reshaping.ts): values
// against hand-written arrays in both data formats on both backends, the GPU against the CPU,
// gradients by finite differences, symbolic shapes with unknown dimensions, and argument errors.

import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../../src/node';
import { Cropping1D, Cropping2D, Input, UpSampling1D, UpSampling2D, ZeroPadding1D, ZeroPadding2D, type Layer } from '../../src/layers/index';
import type { OpCase } from '../cases/case';
import { rand } from '../cases/data';
import { checkCases, onBothBackends, useWebGPU } from '../helpers';
import { layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();

async function run(layer: Layer, x: Tensor): Promise<{ shape: number[]; values: number[] }> {
  const y = layer.apply(x) as Tensor;
  return { shape: [...y.shape], values: Array.from(await y.data()) };
}

const iota = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('UpSampling1D', () => {
  it(
    'repeats each step `size` times',
    onBothBackends(async () => {
      expect(await run(new UpSampling1D({ size: 3 }), tensor([1, 2, 3, 4], [1, 2, 2]))).toEqual({ shape: [1, 6, 2], values: [1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4] });
      expect((await run(new UpSampling1D(), tensor([1, 2], [1, 2, 1]))).values).toEqual([1, 1, 2, 2]);
    }),
  );

  it('gives Keras shapes and rejects a bad size', () => {
    expect(new UpSampling1D({ size: 2 }).apply(Input({ shape: [null, 3] })).shape).toEqual([null, null, 3]);
    expect(new UpSampling1D({ size: 2 }).apply(Input({ shape: [5, 3] })).shape).toEqual([null, 10, 3]);
    expect(() => new UpSampling1D({ size: 0 })).toThrow('Invalid value for argument size. Expected a positive integer. Received: size=0');
  });
});

describe('UpSampling2D', () => {
  it(
    'repeats rows and columns (nearest) in channels_last',
    onBothBackends(async () => {
      const y = await run(new UpSampling2D({ size: [2, 3] }), tensor([1, 2, 3, 4], [1, 2, 2, 1]));
      expect(y.shape).toEqual([1, 4, 6, 1]);
      expect(y.values).toEqual([1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4]);
    }),
  );

  it(
    'repeats rows and columns in channels_first',
    onBothBackends(async () => {
      // Two channels of one row each: [[1, 2]] and [[3, 4]].
      const y = await run(new UpSampling2D({ dataFormat: 'channels_first' }), tensor([1, 2, 3, 4], [1, 2, 1, 2]));
      expect(y.shape).toEqual([1, 2, 2, 4]);
      expect(y.values).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    }),
  );

  it('sums the gradient over each repeated block', async () => {
    expect(await layerGradCheck(() => new UpSampling2D({ size: [2, 1] }), [1, 2, 3, 2], seededValues(12, 1))).toBe('ok');
  });

  it('gives Keras shapes with unknown dimensions', () => {
    expect(new UpSampling2D().apply(Input({ shape: [14, null, 8] })).shape).toEqual([null, 28, null, 8]);
    expect(new UpSampling2D({ size: 3, dataFormat: 'channels_first' }).apply(Input({ shape: [8, 4, 5] })).shape).toEqual([null, 8, 12, 15]);
  });

  it('rejects unknown interpolations, data formats and sizes', () => {
    expect(() => new UpSampling2D({ interpolation: 'cubic' as never })).toThrow(/Invalid value for argument interpolation\. Expected one of nearest, bilinear.*Received: interpolation="cubic"/);
    expect(() => new UpSampling2D({ dataFormat: 'NHWC' as never })).toThrow(`Invalid value for argument dataFormat. Expected one of 'channels_last', 'channels_first'. Received: dataFormat="NHWC"`);
    expect(() => new UpSampling2D({ size: [2] })).toThrow(/Invalid value for argument size.*Received: size=\[2\]/);
    expect(() => new UpSampling2D({ name: 'up_rank' }).apply(Input({ shape: [4, 4] }))).toThrow(/layer "up_rank" is incompatible with the layer: expected ndim=4, found ndim=3/);
  });
});

describe('ZeroPadding1D and ZeroPadding2D', () => {
  it(
    'pad the steps axis in both data formats',
    onBothBackends(async () => {
      expect(await run(new ZeroPadding1D({ padding: [2, 1] }), tensor([1, 2], [1, 2, 1]))).toEqual({ shape: [1, 5, 1], values: [0, 0, 1, 2, 0] });
      expect(await run(new ZeroPadding1D({ dataFormat: 'channels_first' }), tensor([1, 2], [1, 1, 2]))).toEqual({ shape: [1, 1, 4], values: [0, 1, 2, 0] });
    }),
  );

  it(
    'pad rows and columns in both data formats',
    onBothBackends(async () => {
      expect(await run(new ZeroPadding2D({ padding: [[1, 0], [0, 2]] }), tensor([1, 2, 3, 4], [1, 2, 2, 1]))).toEqual({
        shape: [1, 3, 4, 1],
        values: [0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0],
      });
      expect(await run(new ZeroPadding2D({ padding: [0, 1], dataFormat: 'channels_first' }), tensor([1, 2, 3, 4], [1, 1, 2, 2]))).toEqual({
        shape: [1, 1, 2, 4],
        values: [0, 1, 2, 0, 0, 3, 4, 0],
      });
    }),
  );

  it('pass the gradient of the interior back', async () => {
    expect(await layerGradCheck(() => new ZeroPadding2D({ padding: [[1, 0], [2, 1]] }), [1, 2, 2, 2], seededValues(8, 2))).toBe('ok');
  });

  it('give Keras shapes and normalized padding in getConfig', () => {
    expect(new ZeroPadding2D().apply(Input({ shape: [28, null, 1] })).shape).toEqual([null, 30, null, 1]);
    expect(new ZeroPadding2D({ padding: [1, [2, 3]] }).getConfig()).toMatchObject({ padding: [[1, 1], [2, 3]], dataFormat: 'channels_last' });
    expect(new ZeroPadding1D({ padding: 2, dataFormat: 'channels_first' }).apply(Input({ shape: [3, 5] })).shape).toEqual([null, 3, 9]);
    expect(new ZeroPadding1D().getConfig()).toMatchObject({ padding: [1, 1] });
  });

  it('reject negative or malformed padding', () => {
    expect(() => new ZeroPadding2D({ padding: -1 })).toThrow(
      'Invalid value for argument padding. Expected a non-negative integer, a pair [height, width], or a pair of pairs [[top, bottom], [left, right]] of non-negative integers. Received: padding=-1',
    );
    expect(() => new ZeroPadding2D({ padding: [1, 2, 3] })).toThrow(/Received: padding=\[1,2,3\]/);
    expect(() => new ZeroPadding1D({ padding: [1.5, 1] })).toThrow(/Expected a non-negative integer or a pair \[before, after\]/);
  });
});

describe('Cropping1D and Cropping2D', () => {
  it(
    'remove steps, rows and columns in both data formats',
    onBothBackends(async () => {
      expect(await run(new Cropping1D(), tensor([1, 2, 3, 4, 5], [1, 5, 1]))).toEqual({ shape: [1, 3, 1], values: [2, 3, 4] });
      expect(await run(new Cropping1D({ cropping: [1, 2] }), tensor([1, 2, 3, 4, 5], [1, 5, 1]))).toEqual({ shape: [1, 2, 1], values: [2, 3] });
      // A 3x4 image 0..11: rows 1..2, column 1 remain.
      expect(await run(new Cropping2D({ cropping: [[1, 0], [1, 2]] }), tensor(iota(12), [1, 3, 4, 1]))).toEqual({ shape: [1, 2, 1, 1], values: [5, 9] });
      expect(await run(new Cropping2D({ cropping: [[1, 0], [1, 2]], dataFormat: 'channels_first' }), tensor(iota(12), [1, 1, 3, 4]))).toEqual({ shape: [1, 1, 2, 1], values: [5, 9] });
    }),
  );

  it('pass the gradient to the kept entries only', async () => {
    expect(await layerGradCheck(() => new Cropping2D({ cropping: 1 }), [1, 3, 4, 2], seededValues(24, 3))).toBe('ok');
  });

  it('give Keras shapes and default to no cropping in 2-D', () => {
    expect(new Cropping2D({ cropping: [[2, 2], [4, 4]] }).apply(Input({ shape: [28, null, 3] })).shape).toEqual([null, 24, null, 3]);
    expect(new Cropping2D().apply(Input({ shape: [5, 6, 3] })).shape).toEqual([null, 5, 6, 3]);
    expect(new Cropping1D({ cropping: 2 }).apply(Input({ shape: [null, 3] })).shape).toEqual([null, null, 3]);
  });

  it('reject cropping that removes a whole axis, symbolic or concrete', () => {
    expect(() => new Cropping1D({ cropping: [2, 3] }).apply(Input({ shape: [5, 2] }))).toThrow(
      'Values in `cropping` argument should be smaller than the corresponding spatial dimension of the input. Received: input_shape=(None, 5, 2), cropping=[[2,3]]',
    );
    expect(() => new Cropping2D({ cropping: [1, 2] }).apply(tensor(iota(16), [1, 4, 4, 1]))).toThrow(/should be smaller than the corresponding spatial dimension.*input_shape=\(1, 4, 4, 1\)/);
    expect(() => new Cropping2D({ cropping: [[1, -1], [0, 0]] })).toThrow(/Invalid value for argument cropping/);
  });
});

const cases: OpCase[] = [
  { name: 'UpSampling1D size 3 [2,3,2]', run: () => new UpSampling1D({ size: 3 }).apply(rand([2, 3, 2])) },
  { name: 'UpSampling2D [2,3] channels_last [2,3,2,3]', run: () => new UpSampling2D({ size: [2, 3] }).apply(rand([2, 3, 2, 3])) },
  { name: 'UpSampling2D channels_first [1,3,2,3]', run: () => new UpSampling2D({ dataFormat: 'channels_first' }).apply(rand([1, 3, 2, 3])) },
  { name: 'ZeroPadding2D [[1,2],[0,1]] [2,3,3,2]', run: () => new ZeroPadding2D({ padding: [[1, 2], [0, 1]] }).apply(rand([2, 3, 3, 2])) },
  { name: 'ZeroPadding1D channels_first [2,3,4]', run: () => new ZeroPadding1D({ padding: [0, 2], dataFormat: 'channels_first' }).apply(rand([2, 3, 4])) },
  { name: 'Cropping2D channels_first [2,2,5,4]', run: () => new Cropping2D({ cropping: [[1, 2], [1, 0]], dataFormat: 'channels_first' }).apply(rand([2, 2, 5, 4])) },
  { name: 'Cropping1D [2,6,3]', run: () => new Cropping1D({ cropping: [2, 1] }).apply(rand([2, 6, 3])) },
];

describe('spatial reshaping layers on the GPU match the CPU', () => {
  checkCases(cases);
});
