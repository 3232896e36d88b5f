// Conv2D and Conv1D against a direct float64 convolution (TensorFlow's padding rule), shapes on
// symbolic inputs, Keras's errors and parameter counts, and gradients against finite differences.

import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/node';
import { Conv1D, Conv2D, Input } from '../../src/layers/index';
import { useWebGPU } from '../helpers';
import { expectClose, layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();

/** Window start offsets along one axis: TF 'same' pads the smaller half before; 'causal' pads all before. */
function padBefore(input: number, size: number, stride: number, dilation: number, padding: string): { out: number; before: number } {
  const span = (size - 1) * dilation + 1;
  if (padding === 'valid') return { out: Math.floor((input - span) / stride) + 1, before: 0 };
  if (padding === 'causal') return { out: Math.ceil(input / stride), before: span - 1 };
  const out = Math.ceil(input / stride);
  return { out, before: Math.floor(Math.max((out - 1) * stride + span - input, 0) / 2) };
}

/** Direct 2-D cross-correlation, x [b, h, w, ci], k [kh, kw, ci, co], plus bias. */
function conv2dReference(x: number[], xs: number[], k: number[], ks: number[], bias: number[], stride: number[], dilation: number[], padding: string): number[] {
  const [b, h, w, ci] = xs;
  const [kh, kw, , co] = ks;
  const rows = padBefore(h, kh, stride[0], dilation[0], padding);
  const cols = padBefore(w, kw, stride[1], dilation[1], padding);
  const out: number[] = [];
  for (let n = 0; n < b; n++)
    for (let i = 0; i < rows.out; i++)
      for (let j = 0; j < cols.out; j++)
        for (let o = 0; o < co; o++) {
          let s = bias[o];
          for (let p = 0; p < kh; p++)
            for (let q = 0; q < kw; q++) {
              const y = i * stride[0] - rows.before + p * dilation[0];
              const z = j * stride[1] - cols.before + q * dilation[1];
              if (y < 0 || y >= h || z < 0 || z >= w) continue;
              for (let c = 0; c < ci; c++) s += x[((n * h + y) * w + z) * ci + c] * k[((p * kw + q) * ci + c) * co + o];
            }
          out.push(s);
        }
  return out;
}

describe('Conv2D', () => {
  const xs = [2, 5, 6, 3];
  const x = seededValues(xs.reduce((a, b) => a * b), 1);
  const cases: Array<[string, { kernelSize: number[]; strides?: number[]; padding?: 'valid' | 'same'; dilationRate?: number[] }, number[]]> = [
    ['3x3 valid', { kernelSize: [3, 3] }, [2, 3, 4, 4]],
    ['3x2 same, strides 2', { kernelSize: [3, 2], strides: [2, 2], padding: 'same' }, [2, 3, 3, 4]],
    ['2x2 valid, dilation 2', { kernelSize: [2, 2], dilationRate: [2, 2] }, [2, 3, 4, 4]],
    ['4x4 same, strides [1, 2]', { kernelSize: [4, 4], strides: [1, 2], padding: 'same' }, [2, 5, 3, 4]],
  ];
  for (const [name, options, outShape] of cases) {
    it(`matches a direct convolution: ${name}`, async () => {
      const conv = new Conv2D({ filters: 4, ...options });
      const input = tensor(x, xs);
      conv.apply(input);
      const ks = [...options.kernelSize, 3, 4];
      const k = seededValues(ks.reduce((a, b) => a * b), 2);
      const bias = seededValues(4, 3);
      conv.setWeights([tensor(k, ks), tensor(bias)]);
      const y = conv.apply(input);
      expect(y.shape).toEqual(outShape);
      expect(conv.computeOutputShape(xs)).toEqual(outShape);
      expectClose(await y.data(), conv2dReference(x, xs, k, ks, bias, options.strides ?? [1, 1], options.dilationRate ?? [1, 1], options.padding ?? 'valid'), { atol: 1e-4 });
    });
  }

  it('applies its activation', async () => {
    const conv = new Conv2D({ filters: 2, kernelSize: 1, activation: 'relu', kernelInitializer: 'ones', biasInitializer: { className: 'Constant', config: { value: -1 } } });
    expectClose(await conv.apply(tensor([0.25, 0.25, 1, 2], [1, 2, 2, 1])).data(), [0, 0, 0, 0, 0, 0, 1, 1]);
  });

  it('gives Keras shapes (docstring example) and parameter counts', () => {
    expect(new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu' }).apply(Input({ batchShape: [4, 10, 10, 128] })).shape).toEqual([4, 8, 8, 32]);
    expect(new Conv2D({ filters: 8, kernelSize: 3, padding: 'same', strides: 2 }).apply(Input({ shape: [null, 9, 3] })).shape).toEqual([null, null, 5, 8]);
    const conv = new Conv2D({ filters: 32, kernelSize: 3 });
    conv.apply(Input({ shape: [28, 28, 3] }));
    expect(conv.countParams()).toBe(896);
    expect(conv.weights.map((w) => [w.name.split('/')[1], [...w.shape]])).toEqual([['kernel', [3, 3, 3, 32]], ['bias', [32]]]);
  });

  it('rejects a rank-3 input with the Keras message', () => {
    expect(() => new Conv2D({ filters: 2, kernelSize: 3, name: 'conv_rank' }).apply(tensor(seededValues(12, 4), [2, 2, 3]))).toThrow(
      'Input 0 of layer "conv_rank" is incompatible with the layer: expected min_ndim=4, found ndim=3. Full shape received: (2, 2, 3)',
    );
  });

  it('rejects bad arguments and windows larger than the input', () => {
    expect(() => new Conv2D({ filters: 0, kernelSize: 3 })).toThrow('Received an invalid value for `filters`, expected a positive integer. Received: filters=0');
    expect(() => new Conv2D({ filters: 1, kernelSize: [3] })).toThrow(/`kernelSize` argument must be a tuple of 2 positive integers/);
    expect(() => new Conv2D({ filters: 1, kernelSize: 3, padding: 'causal' })).toThrow('The `padding` argument must be one of "valid", "same". Received: padding=causal');
    expect(() => new Conv2D({ filters: 1, kernelSize: 3, strides: 2, dilationRate: 2 })).toThrow(/`strides > 1` not supported in conjunction with `dilation_rate > 1`/);
    expect(() => new Conv2D({ filters: 1, kernelSize: 5 }).apply(Input({ shape: [3, 8, 1] }))).toThrow(/Computed output size would be negative/);
    expect(() => new Conv2D({ filters: 1, kernelSize: 3 }).apply(Input({ shape: [8, 8, null] }))).toThrow(/channel dimension of the inputs should be defined/);
  });

  it('has tape gradients matching finite differences (input, kernel, bias)', async () => {
    const make = () => new Conv2D({ filters: 2, kernelSize: 2, padding: 'same', strides: 2, activation: 'tanh' });
    expect(await layerGradCheck(make, [1, 3, 4, 2], seededValues(24, 5))).toBe('ok');
  });
});

describe('Conv1D', () => {
  const xs = [2, 7, 3];
  const x = seededValues(42, 11);
  // As a 2-D convolution of height 1.
  const reference = (k: number[], size: number, bias: number[], stride: number, dilation: number, padding: string) =>
    conv2dReference(x, [2, 1, 7, 3], k, [1, size, 3, 2], bias, [1, stride], [1, dilation], padding);
  const cases: Array<[string, { kernelSize: number; strides?: number; padding?: 'valid' | 'same' | 'causal'; dilationRate?: number }, number[]]> = [
    ['valid', { kernelSize: 3 }, [2, 5, 2]],
    ['same, strides 2', { kernelSize: 3, strides: 2, padding: 'same' }, [2, 4, 2]],
    ['causal, dilation 2', { kernelSize: 2, padding: 'causal', dilationRate: 2 }, [2, 7, 2]],
  ];
  for (const [name, options, outShape] of cases) {
    it(`matches a direct convolution: ${name}`, async () => {
      const conv = new Conv1D({ filters: 2, ...options });
      const input = tensor(x, xs);
      conv.apply(input);
      const k = seededValues(options.kernelSize * 6, 12);
      const bias = [0.5, -0.5];
      conv.setWeights([tensor(k, [options.kernelSize, 3, 2]), tensor(bias)]);
      const y = conv.apply(input);
      expect(y.shape).toEqual(outShape);
      expect(conv.computeOutputShape(xs)).toEqual(outShape);
      expectClose(await y.data(), reference(k, options.kernelSize, bias, options.strides ?? 1, options.dilationRate ?? 1, options.padding ?? 'valid'), { atol: 1e-4 });
    });
  }

  it('gives Keras shapes on symbolic inputs', () => {
    expect(new Conv1D({ filters: 32, kernelSize: 3, activation: 'relu' }).apply(Input({ batchShape: [4, 10, 128] })).shape).toEqual([4, 8, 32]);
    expect(new Conv1D({ filters: 16, kernelSize: 3, padding: 'causal', dilationRate: 2 }).apply(Input({ shape: [100, 8] })).shape).toEqual([null, 100, 16]);
  });

  it('has tape gradients matching finite differences', async () => {
    const make = () => new Conv1D({ filters: 2, kernelSize: 3, padding: 'causal' });
    expect(await layerGradCheck(make, [1, 5, 2], seededValues(10, 13))).toBe('ok');
  });
});
