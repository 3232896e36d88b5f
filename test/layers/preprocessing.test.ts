// Rescaling: inputs * scale + offset on both backends (hand-computed values), per-channel factors,
// integer inputs giving float32, the GPU against the CPU, shapes and argument errors.

import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/node';
import { Input, Rescaling } from '../../src/layers/index';
import type { OpCase } from '../cases/case';
import { rand } from '../cases/data';
import { checkCases, onBothBackends, useWebGPU } from '../helpers';
import { expectClose, layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();

describe('Rescaling', () => {
  it(
    'maps [0, 255] to [0, 1] and to [-1, 1] as the Keras docstring says',
    onBothBackends(async () => {
      const pixels = tensor([0, 51, 127.5, 255]);
      expectClose(await new Rescaling({ scale: 1 / 255 }).apply(pixels).data(), [0, 0.2, 0.5, 1]);
      expectClose(await new Rescaling({ scale: 1 / 127.5, offset: -1 }).apply(pixels).data(), [-1, -0.6, 0, 1]);
    }),
  );

  it(
    'takes one scale and offset per channel (last axis)',
    onBothBackends(async () => {
      const y = new Rescaling({ scale: [1, 2, 3], offset: [0, -1, 10] }).apply(tensor([1, 1, 1, 2, 2, 2], [2, 3]));
      expect(Array.from(await y.data())).toEqual([1, 1, 13, 2, 3, 16]);
    }),
  );

  it(
    'gives float32 for int32 inputs',
    onBothBackends(async () => {
      const y = new Rescaling({ scale: 0.5 }).apply(tensor([1, 2, 3], [3], 'int32'));
      expect(y.dtype).toBe('float32');
      expect(Array.from(await y.data())).toEqual([0.5, 1, 1.5]);
    }),
  );

  it('has the gradient scale per channel', async () => {
    expect(await layerGradCheck(() => new Rescaling({ scale: [2, -0.5], offset: 1 }), [3, 2], seededValues(6, 4))).toBe('ok');
  });

  it('keeps the shape, and checks per-channel factors against the channels', () => {
    expect(new Rescaling({ scale: 2 }).apply(Input({ shape: [null, 3] })).shape).toEqual([null, null, 3]);
    expect(new Rescaling({ scale: [1, 2, 3] }).apply(Input({ shape: [4, null] })).shape).toEqual([null, 4, null]);
    expect(() => new Rescaling({ scale: [1, 2, 3], name: 'rescale_rgb' }).apply(Input({ shape: [4, 4, 2] }))).toThrow(
      "Rescaling 'rescale_rgb': scale has 3 entries (one per channel) but the input's last axis has 2 entries. Received: input_shape=(None, 4, 4, 2), scale=[1,2,3]",
    );
    expect(() => new Rescaling({ scale: 1, offset: [1, 2] }).apply(tensor([1, 2, 3]))).toThrow(/offset has 2 entries/);
  });

  it('rejects a missing or non-finite scale or offset', () => {
    expect(() => new Rescaling({} as never)).toThrow('Invalid value for argument scale. Expected a finite number or a non-empty list of finite numbers (one per channel). Received: scale=undefined');
    expect(() => new Rescaling({ scale: 1, offset: Number.NaN })).toThrow(/Invalid value for argument offset/);
    expect(() => new Rescaling({ scale: [] })).toThrow(/Received: scale=\[\]/);
  });
});

const cases: OpCase[] = [
  { name: 'Rescaling scalar [3,4]', run: () => new Rescaling({ scale: 1 / 255, offset: -0.5 }).apply(rand([3, 4], { low: 0, high: 255 })) },
  { name: 'Rescaling per channel [2,2,3]', run: () => new Rescaling({ scale: [0.5, 2, -1], offset: [1, 0, 3] }).apply(rand([2, 2, 3])) },
  { name: 'Rescaling int32 [5]', run: () => new Rescaling({ scale: 0.25 }).apply(rand([5], { low: 0, high: 9, int: true })) },
];

describe('Rescaling on the GPU matches the CPU', () => {
  checkCases(cases);
});
