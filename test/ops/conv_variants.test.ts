// Transposed and depthwise convolutions: each GPU kernel against the CPU backend; the CPU and GPU
// against independent direct-loop references (a transposed convolution computed the way Keras's
// JAX backend defines it: stride-dilate the input, pad, slide the flipped kernel); Keras's
// output-shape rule; the adjoint identity with conv2d; gradients against finite differences;
// memory; and the errors users meet.

import { describe, expect, it } from 'vitest';
import { memory, setBackend, tensor, type Tensor } from '../../src/node';
import { conv1dTranspose, conv2d, conv2dTranspose, type Conv2dTransposeOptions } from '../../src/ops/conv';
import { depthwiseConv2d } from '../../src/ops/depthwise_conv';
import { gradCheck } from '../autograd/gradcheck';
import { convVariantCases } from '../cases/conv_variants';
import { seededRandom } from '../cases/data';
import { checkCases, useWebGPU } from '../helpers';

useWebGPU();

const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function randomValues(size: number, seed: number): number[] {
  const next = seededRandom(seed);
  return Array.from({ length: size }, () => next() - 0.5);
}

async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

/** Keras's transposed output length (backend_utils._get_output_shape_given_tf_padding), written out. */
function kerasOutputLength(input: number, size: number, stride: number, dilation: number, padding: 'valid' | 'same', outputPadding: number | null): number {
  const span = (size - 1) * dilation + 1;
  if (padding === 'valid') return (input - 1) * stride + span + (outputPadding ?? Math.max(span, stride) - span);
  return outputPadding === null ? input * stride : (input - 1) * stride + (span % 2) + outputPadding;
}

/** Keras's JAX padding of the stride-dilated input ([before, after]; after may be negative: a crop). */
function jaxPadding(size: number, stride: number, dilation: number, padding: 'valid' | 'same', outputPadding: number | null): [number, number] {
  const span = (size - 1) * dilation + 1;
  if (padding === 'valid') return [span - 1, span - 1 + (outputPadding ?? Math.max(span, stride) - span)];
  const total = outputPadding === null ? stride + span - 2 : span + (span % 2) - 2 + outputPadding;
  const before = Math.min(Math.floor(total / 2) + (total % 2), span - 1);
  return [before, total - before];
}

/**
 * conv2dTranspose by its definition in Keras's JAX backend: put stride - 1 zeros between the
 * inputs, pad by jaxPadding, and cross-correlate with the spatially flipped kernel (kernel
 * [kh, kw, cout, cin]). Float64, direct loops.
 */
function referenceConv2dTranspose(x: number[], [n, h, w, cin]: number[], k: number[], [kh, kw, cout]: number[], stride: [number, number], dilation: [number, number], padding: 'valid' | 'same', outputPadding: [number | null, number | null]): { shape: number[]; values: number[] } {
  const [top, bottom] = jaxPadding(kh, stride[0], dilation[0], padding, outputPadding[0]);
  const [left, right] = jaxPadding(kw, stride[1], dilation[1], padding, outputPadding[1]);
  const paddedH = (h - 1) * stride[0] + 1 + top + bottom;
  const paddedW = (w - 1) * stride[1] + 1 + left + right;
  const oh = paddedH - ((kh - 1) * dilation[0] + 1) + 1;
  const ow = paddedW - ((kw - 1) * dilation[1] + 1) + 1;
  /** The stride-dilated, padded input at (py, px), channel c. */
  const padded = (b: number, py: number, px: number, c: number): number => {
    const ty = py - top;
    const tx = px - left;
    if (ty < 0 || tx < 0 || ty % stride[0] !== 0 || tx % stride[1] !== 0) return 0;
    const iy = ty / stride[0];
    const ix = tx / stride[1];
    if (iy >= h || ix >= w) return 0;
    return x[((b * h + iy) * w + ix) * cin + c];
  };
  const out: number[] = [];
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let co = 0; co < cout; co++) {
          let sum = 0;
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++)
              for (let c = 0; c < cin; c++) {
                const flipped = k[(((kh - 1 - ky) * kw + (kw - 1 - kx)) * cout + co) * cin + c];
                sum += padded(b, oy + ky * dilation[0], ox + kx * dilation[1], c) * flipped;
              }
          out.push(sum);
        }
  return { shape: [n, oh, ow, cout], values: out };
}

/** depthwiseConv2d by direct loops, TensorFlow's 'same' rule; output channel c * m + j. */
function referenceDepthwise(x: number[], [n, h, w, cin]: number[], k: number[], [kh, kw, , mult]: number[], stride: [number, number], dilation: [number, number], padding: 'valid' | 'same'): { shape: number[]; values: number[] } {
  const axis = (input: number, size: number, s: number, d: number) => {
    const span = (size - 1) * d + 1;
    if (padding === 'valid') return { out: Math.floor((input - span) / s) + 1, before: 0 };
    const out = Math.ceil(input / s);
    return { out, before: Math.floor(Math.max((out - 1) * s + span - input, 0) / 2) };
  };
  const rows = axis(h, kh, stride[0], dilation[0]);
  const cols = axis(w, kw, stride[1], dilation[1]);
  const out: number[] = [];
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < rows.out; oy++)
      for (let ox = 0; ox < cols.out; ox++)
        for (let c = 0; c < cin; c++)
          for (let j = 0; j < mult; j++) {
            let sum = 0;
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++) {
                const iy = oy * stride[0] - rows.before + ky * dilation[0];
                const ix = ox * stride[1] - cols.before + kx * dilation[1];
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                sum += x[((b * h + iy) * w + ix) * cin + c] * k[((ky * kw + kx) * cin + c) * mult + j];
              }
            out.push(sum);
          }
  return { shape: [n, rows.out, cols.out, cin * mult], values: out };
}

async function onBoth(check: () => Promise<void>): Promise<void> {
  for (const backend of ['webgpu', 'cpu'] as const) {
    setBackend(backend);
    try {
      await check();
    } finally {
      setBackend('webgpu');
    }
  }
}

describe('GPU matches CPU', () => checkCases(convVariantCases));

describe('conv2dTranspose', () => {
  it('1-D by hand: each input scatters a scaled copy of the kernel, stride apart', async () => {
    const x = () => tensor([1, 2], [1, 2, 1]);
    const k = () => tensor([1, 10, 100], [3, 1, 1]);
    // valid: (2 - 1) * 2 + 3 = 5 outputs, o = 2i + tap.
    const valid = conv1dTranspose(x(), k(), { strides: 2 });
    expect(valid.shape).toEqual([1, 5, 1]);
    expect(await values(valid)).toEqual([1, 10, 100 + 2, 20, 200]);
    // same: 2 * 2 = 4 outputs, the last one cropped.
    expect(await values(conv1dTranspose(x(), k(), { strides: 2, padding: 'same' }))).toEqual([1, 10, 102, 20]);
  });

  it("follows Keras's output-shape rule", () => {
    // [input, kernel, stride, dilation, padding, outputPadding, Keras's length]
    const rows: Array<[number, number, number, number, 'valid' | 'same', number | null, number]> = [
      [5, 3, 2, 1, 'valid', null, 11], // (5 - 1) * 2 + 3
      [5, 3, 2, 1, 'same', null, 10], // 5 * 2
      [5, 3, 2, 1, 'valid', 1, 12], // (5 - 1) * 2 + 3 + 1
      [5, 3, 2, 1, 'same', 1, 10], // (5 - 1) * 2 + 3 % 2 + 1
      [4, 2, 3, 1, 'valid', null, 12], // (4 - 1) * 3 + max(2, 3)
      [4, 4, 1, 1, 'same', 0, 3], // (4 - 1) * 1 + 4 % 2 + 0: one shorter than the input
      [4, 3, 1, 2, 'valid', null, 8], // span 5: (4 - 1) + 5
      [3, 1, 1, 1, 'valid', 2, 5], // a 1x1 kernel with output padding
    ];
    for (const [input, size, stride, dilation, padding, outputPadding, expected] of rows) {
      expect(kerasOutputLength(input, size, stride, dilation, padding, outputPadding)).toBe(expected);
      const options: Conv2dTransposeOptions = { strides: [stride, 1], dilationRate: [dilation, 1], padding, outputPadding: outputPadding === null ? null : [outputPadding, 0] };
      const y = conv2dTranspose(tensor(new Float32Array(input * 4), [1, input, 2, 2]), tensor(new Float32Array(size * 3 * 2), [size, 1, 3, 2]), options);
      expect(y.shape).toEqual([1, expected, 2, 3]);
    }
  });

  const cases: Array<[number[], number[], [number, number], [number, number], 'valid' | 'same', [number | null, number | null]]> = [
    [[2, 3, 4, 2], [3, 3, 3, 2], [1, 1], [1, 1], 'valid', [null, null]],
    [[1, 3, 3, 2], [3, 3, 2, 2], [2, 2], [1, 1], 'same', [null, null]],
    [[2, 3, 2, 3], [2, 3, 2, 3], [2, 3], [1, 1], 'valid', [null, null]],
    [[1, 3, 4, 1], [4, 3, 2, 1], [2, 2], [1, 1], 'same', [1, 0]],
    [[1, 2, 3, 2], [3, 2, 2, 2], [3, 2], [1, 1], 'valid', [2, 1]],
    [[1, 4, 3, 2], [3, 2, 1, 2], [1, 1], [2, 2], 'same', [null, null]],
    [[1, 4, 4, 1], [4, 4, 1, 1], [1, 1], [1, 1], 'same', [0, 0]],
  ];
  for (const [xShape, kShape, strides, dilation, padding, outputPadding] of cases) {
    it(`matches the JAX-style reference: x [${xShape}], kernel [${kShape}], strides [${strides}], dilation [${dilation}], ${padding}, outputPadding [${outputPadding}]`, () =>
      onBoth(async () => {
        const x = randomValues(product(xShape), 3);
        const k = randomValues(product(kShape), 4);
        const expected = referenceConv2dTranspose(x, xShape, k, kShape, strides, dilation, padding, outputPadding);
        expect(expected.shape.slice(1, 3)).toEqual([0, 1].map((i) => kerasOutputLength(xShape[i + 1], kShape[i], strides[i], dilation[i], padding, outputPadding[i])));
        const noPadding = outputPadding[0] === null;
        const y = conv2dTranspose(tensor(x, xShape), tensor(k, kShape), { strides, dilationRate: dilation, padding, outputPadding: noPadding ? undefined : (outputPadding as [number, number]) });
        expect(y.shape).toEqual(expected.shape);
        (await values(y)).forEach((v, i) => expect(v).toBeCloseTo(expected.values[i], 5));
      }));
  }

  it('is the adjoint of conv2d: <conv2d(a, K), b> = <a, conv2dTranspose(b, K)>', async () => {
    // The output padding picks, among the input sizes that give conv2d's output size, the one of a.
    const configs: Array<[number[], number[], Conv2dTransposeOptions]> = [
      [[1, 7, 6, 2], [3, 3, 2, 3], { strides: 2, padding: 'same', outputPadding: [0, 1] }],
      [[2, 7, 7, 1], [3, 2, 1, 2], { strides: 2, outputPadding: [0, 1] }],
      [[1, 6, 6, 2], [2, 2, 2, 2], { dilationRate: 2, padding: 'same' }],
    ];
    for (const [aShape, kShape, { outputPadding, ...options }] of configs) {
      const a = tensor(randomValues(product(aShape), 5), aShape);
      const k = tensor(randomValues(product(kShape), 6), kShape);
      const y = conv2d(a, k, options);
      const b = tensor(randomValues(y.size, 7), [...y.shape]);
      // conv2d's kernel [kh, kw, cin, cout] is the transposed kernel [kh, kw, outChannels, inChannels].
      const back = conv2dTranspose(b, k, { ...options, outputPadding });
      expect(back.shape.slice(1)).toEqual(aShape.slice(1));
      const left = (await values(y.mul(b).sum()))[0];
      const right = (await values(a.mul(back).sum()))[0];
      expect(left).toBeCloseTo(right, 4);
    }
  });
});

describe('depthwiseConv2d', () => {
  it('keeps channels apart, output channel c * multiplier + m', async () => {
    const y = depthwiseConv2d(tensor([1, 2], [1, 1, 1, 2]), tensor([1, 10, 100, 1000], [1, 1, 2, 2]));
    expect(y.shape).toEqual([1, 1, 1, 4]);
    expect(await values(y)).toEqual([1, 10, 200, 2000]);
  });

  it('by hand: a 2x2 box filter over 1..9 on one channel, and its double on a second channel', async () => {
    const x = tensor(Array.from({ length: 9 }, (_, i) => [i + 1, 2 * (i + 1)]).flat(), [1, 3, 3, 2]);
    const y = depthwiseConv2d(x, tensor(Array(8).fill(1), [2, 2, 2, 1]));
    expect(await values(y)).toEqual([12, 24, 16, 32, 24, 48, 28, 56]);
  });

  const cases: Array<[number[], number[], [number, number], [number, number], 'valid' | 'same']> = [
    [[2, 5, 4, 3], [3, 3, 3, 1], [1, 1], [1, 1], 'valid'],
    [[1, 5, 6, 2], [3, 2, 2, 3], [2, 2], [1, 1], 'same'],
    [[1, 7, 6, 2], [3, 3, 2, 2], [1, 1], [2, 2], 'same'],
    [[2, 6, 7, 1], [2, 3, 1, 2], [2, 3], [1, 1], 'valid'],
  ];
  for (const [xShape, kShape, strides, dilation, padding] of cases) {
    it(`matches direct loops: x [${xShape}], kernel [${kShape}], strides [${strides}], dilation [${dilation}], ${padding}`, () =>
      onBoth(async () => {
        const x = randomValues(product(xShape), 8);
        const k = randomValues(product(kShape), 9);
        const expected = referenceDepthwise(x, xShape, k, kShape, strides, dilation, padding);
        const y = depthwiseConv2d(tensor(x, xShape), tensor(k, kShape), { strides, dilationRate: dilation, padding });
        expect(y.shape).toEqual(expected.shape);
        (await values(y)).forEach((v, i) => expect(v).toBeCloseTo(expected.values[i], 5));
      }));
  }
});

describe('gradients against finite differences', () => {
  const transposed: Array<[number[], number[], Conv2dTransposeOptions]> = [
    [[1, 2, 3, 2], [3, 3, 2, 2], { strides: 2 }],
    [[1, 3, 2, 1], [3, 2, 2, 1], { strides: 2, padding: 'same', outputPadding: [1, 0] }],
    [[1, 3, 3, 2], [2, 2, 1, 2], { dilationRate: 2, padding: 'same' }],
  ];
  for (const [xs, ks, options] of transposed) {
    it(`conv2dTranspose [${xs}] x [${ks}] ${JSON.stringify(options)}`, async () => {
      expect((await gradCheck((x, k) => conv2dTranspose(x, k, options), [xs, ks])).message).toBe('ok');
    });
  }

  it('conv1dTranspose [1,3,2] x [3,2,2] strides 2 same', async () => {
    expect((await gradCheck((x, k) => conv1dTranspose(x, k, { strides: 2, padding: 'same' }), [[1, 3, 2], [3, 2, 2]])).message).toBe('ok');
  });

  const depthwise: Array<[number[], number[], Parameters<typeof depthwiseConv2d>[2]]> = [
    [[1, 4, 4, 2], [2, 2, 2, 2], {}],
    [[2, 5, 4, 1], [3, 3, 1, 2], { strides: 2, padding: 'same' }],
    [[1, 5, 5, 2], [2, 2, 2, 1], { dilationRate: 2, padding: 'same' }],
  ];
  for (const [xs, ks, options] of depthwise) {
    it(`depthwiseConv2d [${xs}] x [${ks}] ${JSON.stringify(options)}`, async () => {
      expect((await gradCheck((x, k) => depthwiseConv2d(x, k, options), [xs, ks])).message).toBe('ok');
    });
  }
});

describe('memory', () => {
  it('frees the intermediate products and views', () => {
    const x = tensor(new Float32Array(2 * 4 * 4 * 3), [2, 4, 4, 3]);
    const transposedKernel = tensor(new Float32Array(3 * 3 * 5 * 3), [3, 3, 5, 3]);
    const depthwiseKernel = tensor(new Float32Array(3 * 3 * 3 * 2), [3, 3, 3, 2]);
    const x1d = tensor(new Float32Array(2 * 4 * 3), [2, 4, 3]);
    const kernel1d = tensor(new Float32Array(3 * 5 * 3), [3, 5, 3]);
    const before = memory().liveTensors;
    const outputs = [
      conv2dTranspose(x, transposedKernel, { strides: 2, padding: 'same' }),
      conv1dTranspose(x1d, kernel1d, { strides: 2 }),
      depthwiseConv2d(x, depthwiseKernel, { padding: 'same' }),
    ];
    expect(memory().liveTensors).toBe(before + outputs.length);
    for (const t of [x, transposedKernel, depthwiseKernel, x1d, kernel1d, ...outputs]) t.dispose();
  });
});

describe('errors', () => {
  const x = () => tensor(new Float32Array(2 * 4 * 4 * 3), [2, 4, 4, 3]);
  const kernel = (shape: number[]) => tensor(new Float32Array(product(shape)), shape);

  it('names both shapes when channels differ', () => {
    expect(() => conv2dTranspose(x(), kernel([3, 3, 3, 4]))).toThrow(
      'conv2dTranspose: input channels differ: x [2,4,4,3] has 3, kernel [3,3,3,4] expects 4 (its last axis; a transposed kernel is [..., outChannels, inChannels]).',
    );
    expect(() => depthwiseConv2d(x(), kernel([3, 3, 2, 1]))).toThrow('depthwiseConv2d: input channels differ: x [2,4,4,3] has 3, kernel [3,3,2,1] expects 2.');
  });

  it('rejects wrong ranks, dtypes and paddings', () => {
    expect(() => conv2dTranspose(kernel([4, 4, 3]), kernel([3, 3, 2, 3]))).toThrow('conv2dTranspose: x must have rank 4 [batch, height, width, channels], got shape [4,4,3] (rank 3).');
    expect(() => conv1dTranspose(kernel([1, 4, 3]), kernel([3, 3]))).toThrow('conv1dTranspose: kernel must have rank 3 [kernelSize, outChannels, inChannels], got shape [3,3] (rank 2).');
    expect(() => depthwiseConv2d(x(), kernel([3, 3, 3]))).toThrow('depthwiseConv2d: kernel must have rank 4 [kernelHeight, kernelWidth, channels, depthMultiplier], got shape [3,3,3] (rank 3).');
    expect(() => depthwiseConv2d(tensor(new Int32Array(48), [1, 4, 4, 3], 'int32'), kernel([3, 3, 3, 1]))).toThrow("depthwiseConv2d: x is int32 (shape [1,4,4,3]); depthwiseConv2d takes float32 tensors. Cast it first: ops.cast(x, 'float32').");
    expect(() => conv2dTranspose(x(), kernel([3, 3, 2, 3]), { padding: 'causal' as never })).toThrow(`conv2dTranspose: padding must be one of 'valid', 'same', got "causal".`);
  });

  it('rejects bad strides, dilation and output padding', () => {
    expect(() => conv2dTranspose(x(), kernel([3, 3, 2, 3]), { strides: 0 })).toThrow('conv2dTranspose: strides must be a positive integer or a pair [height, width] of them, got 0.');
    expect(() => conv2dTranspose(x(), kernel([3, 3, 2, 3]), { outputPadding: [1, -1] })).toThrow('conv2dTranspose: outputPadding must be a non-negative integer or a pair [height, width] of them, got [1,-1].');
    expect(() => conv1dTranspose(kernel([1, 4, 3]), kernel([3, 2, 3]), { outputPadding: 0.5 })).toThrow('conv1dTranspose: outputPadding must be a non-negative integer, got 0.5.');
    expect(() => depthwiseConv2d(x(), kernel([3, 3, 3, 1]), { dilationRate: [1, 0] })).toThrow('depthwiseConv2d: dilationRate must be a positive integer or a pair [height, width] of them, got [1,0].');
  });

  it('rejects an output with no rows and a valid window larger than the input', () => {
    // 'same' with outputPadding 0 and an even kernel: (1 - 1) * 1 + 2 % 2 + 0 = 0 rows.
    expect(() => conv2dTranspose(tensor(new Float32Array(3), [1, 1, 1, 3]), kernel([2, 2, 2, 3]), { padding: 'same', outputPadding: 0 })).toThrow(
      'conv2dTranspose: the output of x [1,1,1,3] with kernel [2,2,2,3] would have no rows; give an outputPadding or a larger input.',
    );
    expect(() => conv1dTranspose(tensor(new Float32Array(3), [1, 1, 3]), kernel([2, 2, 3]), { padding: 'same', outputPadding: 0 })).toThrow(
      'conv1dTranspose: the output of x [1,1,3] with kernel [2,2,3] would have no steps; give an outputPadding or a larger input.',
    );
    expect(() => depthwiseConv2d(x(), kernel([3, 3, 3, 1]), { dilationRate: 2 })).toThrow("depthwiseConv2d: kernel [3,3,3,1] with dilation [2,2] spans 5x5, larger than the input x [2,4,4,3] (4x4) with padding 'valid'.");
  });
});
