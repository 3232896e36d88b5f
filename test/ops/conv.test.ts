// Convolution and pooling ops: each GPU kernel against the CPU backend, hand-computed values that
// pin down the Keras semantics (padding placement, causal padding, average counts, the max tie
// rule), a direct-loop reference, and the errors users meet.

import { describe, expect, it } from 'vitest';
import { GradientTape, memory, setBackend, tensor, type Tensor } from '../../src/node';
import { conv1d, conv2d } from '../../src/ops/conv';
import { avgPool2d, maxPool2d } from '../../src/ops/pooling';
import { convCases } from '../cases/conv';
import { seededRandom } from '../cases/data';
import { checkCases, useWebGPU } from '../helpers';

useWebGPU();

const range = (n: number, start = 0) => Array.from({ length: n }, (_, i) => start + i);

async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

/** conv2d by direct loops over the output, in float64: the definition, independent of im2col. */
function referenceConv2d(x: number[], [n, h, w, cin]: number[], k: number[], [kh, kw, , cout]: number[], stride: [number, number], dilation: [number, number], pad: [number, number], [oh, ow]: [number, number]): number[] {
  const out: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let co = 0; co < cout; co++) {
          let sum = 0;
          for (let ky = 0; ky < kh; ky++) {
            for (let kx = 0; kx < kw; kx++) {
              const iy = oy * stride[0] - pad[0] + ky * dilation[0];
              const ix = ox * stride[1] - pad[1] + kx * dilation[1];
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              for (let c = 0; c < cin; c++) sum += x[((b * h + iy) * w + ix) * cin + c] * k[((ky * kw + kx) * cin + c) * cout + co];
            }
          }
          out.push(sum);
        }
      }
    }
  }
  return out;
}

describe('GPU matches CPU', () => checkCases(convCases));

describe('conv2d reference values', () => {
  it('valid 2x2 kernel over 1..9', async () => {
    const y = conv2d(tensor(range(9, 1), [1, 3, 3, 1]), tensor([1, 2, 3, 4], [2, 2, 1, 1]));
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect(await values(y)).toEqual([37, 47, 67, 77]);
  });

  it("'same' with stride 2 puts the extra padding at the end", async () => {
    const y = conv2d(tensor(range(16), [1, 4, 4, 1]), tensor(Array(9).fill(1), [3, 3, 1, 1]), { strides: 2, padding: 'same' });
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect(await values(y)).toEqual([45, 39, 66, 50]);
  });

  it('mixes channels: y[.., o] = sum over c of x[.., c] * kernel[.., c, o]', async () => {
    const y = conv2d(tensor([1, 2], [1, 1, 1, 2]), tensor([1, 10, 100, 1000, 10000, 100000], [1, 1, 2, 3]));
    expect(await values(y)).toEqual([1 + 2000, 10 + 20000, 100 + 200000]);
  });

  it('matches direct loops with strides, dilation and same padding on both backends', async () => {
    const next = seededRandom(7);
    const xShape = [2, 9, 8, 3];
    const kShape = [3, 2, 3, 4];
    const x = range(2 * 9 * 8 * 3).map(() => next() - 0.5);
    const k = range(3 * 2 * 3 * 4).map(() => next() - 0.5);
    // rows: 9 -> ceil(9 / 2) = 5, span 5, total (5-1)*2+5-9 = 4, 2 before; cols: stride 1, span 2, total 1, 0 before.
    const expected = referenceConv2d(x, xShape, k, kShape, [2, 1], [2, 1], [2, 0], [5, 8]);
    for (const backend of ['webgpu', 'cpu'] as const) {
      setBackend(backend);
      try {
        const y = conv2d(tensor(x, xShape), tensor(k, kShape), { strides: [2, 1], dilationRate: [2, 1], padding: 'same' });
        expect(y.shape).toEqual([2, 5, 8, 4]);
        (await values(y)).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
      } finally {
        setBackend('webgpu');
      }
    }
  });
});

describe('memory', () => {
  it('frees the patches and views it creates', () => {
    const x = tensor(new Float32Array(2 * 6 * 6 * 3), [2, 6, 6, 3]);
    const kernel = tensor(new Float32Array(3 * 3 * 3 * 4), [3, 3, 3, 4]);
    const k1d = tensor(new Float32Array(3 * 3 * 4), [3, 3, 4]);
    const x1d = tensor(new Float32Array(2 * 6 * 3), [2, 6, 3]);
    const before = memory().liveTensors;
    const outputs = [conv2d(x, kernel, { padding: 'same' }), conv1d(x1d, k1d, { padding: 'causal' }), maxPool2d(x), avgPool2d(x, { padding: 'same' })];
    expect(memory().liveTensors).toBe(before + outputs.length);
    for (const t of [x, kernel, k1d, x1d, ...outputs]) t.dispose();
  });
});

describe('conv1d reference values', () => {
  it("'causal' pads the start: y[t] = 1 * x[t - 1] + 10 * x[t]", async () => {
    const y = conv1d(tensor([1, 2, 3, 4], [1, 4, 1]), tensor([1, 10], [2, 1, 1]), { padding: 'causal' });
    expect(y.shape).toEqual([1, 4, 1]);
    expect(await values(y)).toEqual([10, 21, 32, 43]);
  });

  it('valid with dilation 2 and stride 2', async () => {
    const y = conv1d(tensor(range(7), [1, 7, 1]), tensor([1, 1], [2, 1, 1]), { dilationRate: 2, strides: 2 });
    expect(y.shape).toEqual([1, 3, 1]);
    expect(await values(y)).toEqual([0 + 2, 2 + 4, 4 + 6]);
  });
});

describe('pooling reference values', () => {
  const x16 = () => tensor(range(16), [1, 4, 4, 1]);
  const x9 = () => tensor(range(9, 1), [1, 3, 3, 1]);

  it('maxPool2d and avgPool2d with the default 2x2 window', async () => {
    expect(await values(maxPool2d(x16()))).toEqual([5, 7, 13, 15]);
    expect(await values(avgPool2d(x16()))).toEqual([2.5, 4.5, 10.5, 12.5]);
  });

  it('maxPool2d gives NaN for a window holding one, wherever it sits, on both backends (as ops.max)', async () => {
    for (const backend of ['webgpu', 'cpu'] as const) {
      setBackend(backend);
      const windows = tensor([NaN, 1, 2, 3, 1, NaN, 2, 3, 1, 2, 3, NaN], [3, 2, 2, 1]);
      expect(await values(maxPool2d(windows))).toEqual([NaN, NaN, NaN]);
    }
    setBackend('webgpu');
  });

  it("'same' average leaves the padding out of the count", async () => {
    const y = avgPool2d(x9(), { padding: 'same' });
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect(await values(y)).toEqual([3, 4.5, 7.5, 9]);
    expect(await values(maxPool2d(x9(), { padding: 'same' }))).toEqual([5, 6, 8, 9]);
  });

  it('overlapping windows with strides 1', async () => {
    const y = maxPool2d(x9(), { poolSize: 2, strides: 1 });
    expect(await values(y)).toEqual([5, 6, 8, 9]);
  });

  it('max gradient goes to the first maximum of a window on both backends', async () => {
    for (const backend of ['webgpu', 'cpu'] as const) {
      setBackend(backend);
      try {
        const x = tensor([3, 3, 3, 3, 1, 2, 2, 1], [1, 2, 4, 1]);
        const tape = new GradientTape();
        tape.watch(x);
        const y = tape.record(() => maxPool2d(x).sum());
        expect(await values(tape.gradient(y, x)!)).toEqual([1, 0, 1, 0, 0, 0, 0, 0]);
      } finally {
        setBackend('webgpu');
      }
    }
  });

  it('average gradient spreads dy over the clipped window', async () => {
    const x = x9();
    const tape = new GradientTape();
    tape.watch(x);
    const y = tape.record(() => avgPool2d(x, { padding: 'same' }).sum());
    expect(await values(tape.gradient(y, x)!)).toEqual([0.25, 0.25, 0.5, 0.25, 0.25, 0.5, 0.5, 0.5, 1]);
  });
});

describe('errors', () => {
  const x = () => tensor(new Float32Array(2 * 8 * 8 * 3), [2, 8, 8, 3]);
  const kernel = (shape = [3, 3, 3, 16]) => tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);

  it('names both shapes when channels differ', () => {
    expect(() => conv2d(x(), kernel([3, 3, 4, 16]))).toThrow('conv2d: input channels differ: x [2,8,8,3] has 3, kernel [3,3,4,16] expects 4.');
    expect(() => conv1d(tensor(new Float32Array(20), [2, 5, 2]), kernel([3, 3, 4]))).toThrow('conv1d: input channels differ: x [2,5,2] has 2, kernel [3,3,4] expects 3.');
  });

  it('rejects wrong ranks', () => {
    expect(() => conv2d(tensor(new Float32Array(192), [8, 8, 3]), kernel())).toThrow('conv2d: x must have rank 4 [batch, height, width, channels], got shape [8,8,3] (rank 3).');
    expect(() => conv2d(x(), kernel([3, 3, 3]))).toThrow('conv2d: kernel must have rank 4 [kernelHeight, kernelWidth, inChannels, outChannels], got shape [3,3,3] (rank 3).');
    expect(() => conv1d(x(), kernel([3, 3, 4]))).toThrow('conv1d: x must have rank 3 [batch, length, channels], got shape [2,8,8,3] (rank 4).');
    expect(() => maxPool2d(tensor([1, 2]))).toThrow('maxPool2d: x must have rank 4 [batch, height, width, channels], got shape [2] (rank 1).');
  });

  it("rejects a kernel larger than the input in 'valid' mode", () => {
    expect(() => conv2d(x(), kernel([9, 3, 3, 4]))).toThrow("conv2d: kernel [9,3,3,4] with dilation [1,1] spans 9x3, larger than the input x [2,8,8,3] (8x8) with padding 'valid'.");
    expect(() => conv2d(x(), kernel([3, 3, 3, 4]), { dilationRate: 4 })).toThrow("conv2d: kernel [3,3,3,4] with dilation [4,4] spans 9x9, larger than the input x [2,8,8,3] (8x8) with padding 'valid'.");
    expect(() => conv1d(tensor(new Float32Array(4), [1, 4, 1]), kernel([5, 1, 1]))).toThrow("conv1d: kernel [5,1,1] with dilation 1 spans 5, larger than the input x [1,4,1] (4) with padding 'valid'.");
    expect(() => avgPool2d(tensor(new Float32Array(3), [1, 1, 3, 1]))).toThrow("avgPool2d: pool size [2,2] is larger than the input x [1,1,3,1] (1x3) with padding 'valid'.");
  });

  it('rejects non-positive strides, dilation and pool sizes', () => {
    expect(() => conv2d(x(), kernel(), { strides: 0 })).toThrow('conv2d: strides must be a positive integer or a pair [height, width] of them, got 0.');
    expect(() => conv2d(x(), kernel(), { dilationRate: [1, -2] })).toThrow('conv2d: dilationRate must be a positive integer or a pair [height, width] of them, got [1,-2].');
    expect(() => conv1d(tensor(new Float32Array(8), [1, 8, 1]), kernel([2, 1, 1]), { strides: 1.5 })).toThrow('conv1d: strides must be a positive integer, got 1.5.');
    expect(() => maxPool2d(x(), { poolSize: 0 })).toThrow('maxPool2d: poolSize must be a positive integer or a pair [height, width] of them, got 0.');
    expect(() => avgPool2d(x(), { strides: [2, 0] })).toThrow('avgPool2d: strides must be a positive integer or a pair [height, width] of them, got [2,0].');
  });

  it('rejects unknown padding and int32 inputs', () => {
    expect(() => conv2d(x(), kernel(), { padding: 'causal' as never })).toThrow(`conv2d: padding must be one of 'valid', 'same', got "causal".`);
    expect(() => maxPool2d(x(), { padding: 'full' as never })).toThrow(`maxPool2d: padding must be one of 'valid', 'same', got "full".`);
    expect(() => conv2d(tensor(new Int32Array(192), [1, 8, 8, 3], 'int32'), kernel())).toThrow("conv2d: x is int32 (shape [1,8,8,3]); conv2d takes float32 tensors. Cast it first: ops.cast(x, 'float32').");
  });

  it('rejects non-tensors', () => {
    expect(() => conv2d([1, 2] as never, kernel())).toThrow('conv2d: expected x to be a Tensor, got an array (wrap it with tensor(...)).');
  });
});
