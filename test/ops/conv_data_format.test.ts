// The data format of the 1-D and 2-D convolution and pooling ops (Keras's `data_format`) and the
// option names they accept: channels-first results against values computed by Keras itself and
// against the channels-last op between two transposes, on both backends; gradients through the
// transposes (finite differences, and the channels-last gradient); memory; the errors users meet.
// (The GPU-versus-CPU cases of channels-first inputs are in test/cases/conv.ts and conv_variants.ts.)

import { describe, expect, it } from 'vitest';
import { GradientTape, memory, tensor, type Tensor } from '../../src/node';
import { conv1d, conv1dTranspose, conv2d, conv2dTranspose, type DataFormat } from '../../src/ops/conv';
import { depthwiseConv1d, depthwiseConv2d } from '../../src/ops/depthwise_conv';
import { avgPool2d, maxPool2d } from '../../src/ops/pooling';
import { transpose } from '../../src/ops/shape';
import { gradCheck } from '../autograd/gradcheck';
import { seededRandom } from '../cases/data';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

function randomValues(size: number, seed: number): number[] {
  const next = seededRandom(seed);
  return Array.from({ length: size }, () => next() - 0.5);
}

/** The integers (i % period) - shift for i = 0, 1, ..., as numpy's (arange(n) % period) - shift. */
function cycle(shape: number[], period: number, shift: number): Tensor {
  return tensor(range(product(shape)).map((i) => (i % period) - shift), shape);
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(expected[i])));
}

/** [batch, channels, ...spatial] <-> [batch, ...spatial, channels]. */
const toChannelsLast = (x: Tensor) => transpose(x, [0, ...range(x.rank - 2).map((i) => i + 2), 1]);
const toChannelsFirst = (x: Tensor) => transpose(x, [0, x.rank - 1, ...range(x.rank - 2).map((i) => i + 1)]);

describe('channels_first against values computed by Keras', () => {
  // Computed by keras.ops (max_pool, average_pool, conv, conv_transpose, depthwise_conv) on
  // Keras 3.16 (NumPy backend) with data_format="channels_first", inputs numpy's
  // (arange(n) % period - shift).reshape(shape) as `cycle` builds them, kernels in Keras's layout.
  const cases: Array<[string, () => Tensor, number[], number[]]> = [
    // keras.ops.max_pool(arange(72).reshape(1, 3, 6, 4), 2, strides=2), the default strides here (passed
    // explicitly: Keras 3.16's NumPy backend slides by 1 when strides=None, unlike its documentation).
    ['maxPool2d pool 2', () => maxPool2d(cycle([1, 3, 6, 4], 72, 0), { poolSize: 2, dataFormat: 'channels_first' }), [1, 3, 3, 2], [5, 7, 13, 15, 21, 23, 29, 31, 37, 39, 45, 47, 53, 55, 61, 63, 69, 71]],
    [
      "maxPool2d pool [2,3] strides [1,2] 'same'",
      () => maxPool2d(cycle([1, 2, 3, 6], 36, 0), { poolSize: [2, 3], strides: [1, 2], padding: 'same', dataFormat: 'channels_first' }),
      [1, 2, 3, 3],
      [8, 10, 11, 14, 16, 17, 14, 16, 17, 26, 28, 29, 32, 34, 35, 32, 34, 35],
    ],
    ["avgPool2d pool 2 'same'", () => avgPool2d(cycle([1, 2, 3, 5], 30, 0), { poolSize: 2, strides: 2, padding: 'same', dataFormat: 'channels_first' }), [1, 2, 2, 3], [3, 5, 6.5, 10.5, 12.5, 14, 18, 20, 21.5, 25.5, 27.5, 29]],
    ['conv2d valid', () => conv2d(cycle([1, 2, 4, 3], 7, 3), cycle([2, 2, 2, 3], 5, 2), { dataFormat: 'channels_first' }), [1, 3, 3, 2], [22, 6, -12, -14, 10, 22, 5, 20, -6, -12, -3, 5, -12, -6, 20, 5, -11, -12]],
    ["conv2d strides 2 'same'", () => conv2d(cycle([1, 2, 4, 3], 7, 3), cycle([2, 2, 2, 3], 5, 2), { strides: 2, padding: 'same', dataFormat: 'channels_first' }), [1, 3, 2, 2], [22, -1, 10, 9, 5, -3, -3, 10, -12, 10, -11, -4]],
    ["conv1d 'same'", () => conv1d(cycle([1, 2, 5], 7, 3), cycle([3, 2, 2], 5, 2), { padding: 'same', dataFormat: 'channels_first' }), [1, 2, 5], [-16, 4, 9, 7, 3, -1, 10, 9, 1, -4]],
    [
      "conv2dTranspose strides 2 'same'",
      () => conv2dTranspose(cycle([1, 2, 2, 3], 7, 3), cycle([3, 3, 1, 2], 5, 2), { strides: 2, padding: 'same', dataFormat: 'channels_first' }),
      [1, 1, 4, 6],
      [3, 3, -5, -3, 6, -2, 3, 3, 5, -8, 8, -5, 4, -13, 0, 2, -3, 3, 0, -2, 0, 1, -4, 4],
    ],
    ['conv1dTranspose strides 2 valid', () => conv1dTranspose(cycle([1, 2, 3], 7, 3), cycle([3, 1, 2], 5, 2), { strides: 2, dataFormat: 'channels_first' }), [1, 1, 7], [6, 0, -3, 1, -6, 2, -6]],
    ['depthwiseConv2d valid', () => depthwiseConv2d(cycle([1, 2, 3, 3], 7, 3), cycle([2, 2, 2, 2], 5, 2), { dataFormat: 'channels_first' }), [1, 4, 2, 2], [2, 3, 5, -1, 8, 8, 1, -13, 2, -13, -1, 5, -9, 3, 6, 4]],
    ["depthwiseConv1d 'same'", () => depthwiseConv1d(cycle([1, 2, 4], 7, 3), cycle([2, 2, 2], 5, 2), { padding: 'same', dataFormat: 'channels_first' }), [1, 4, 4], [2, 2, 2, 0, 7, 4, 1, 0, -2, -3, 3, 0, 1, 2, 3, -3]],
  ];
  for (const [name, run, shape, expected] of cases) {
    it(
      `${name} gives Keras's [${shape}]`,
      onBothBackends(async () => {
        const y = run();
        expect(y.shape).toEqual(shape);
        expect(await values(y)).toEqual(expected);
      }),
    );
  }
});

describe('channels_first is channels_last between transposes (the kernel keeps its layout)', () => {
  /** [name, op with a data format, x's channels-first shape, kernel's shape (none for pooling)]. */
  type Op = (x: Tensor, kernel: Tensor | null, dataFormat: DataFormat) => Tensor;
  const cases: Array<[string, Op, number[], number[] | null]> = [
    ["conv2d strides [2,1] dilation [1,2] 'same'", (x, k, dataFormat) => conv2d(x, k!, { strides: [2, 1], dilationRate: [1, 2], padding: 'same', dataFormat }), [2, 3, 7, 6], [3, 2, 3, 4]],
    ['conv2d, 2 groups', (x, k, dataFormat) => conv2d(x, k!, { dataFormat }), [1, 4, 5, 5], [2, 2, 2, 6]],
    ['conv2d 1x1 (the pointwise path)', (x, k, dataFormat) => conv2d(x, k!, { dataFormat }), [2, 3, 4, 5], [1, 1, 3, 2]],
    ["conv1d 'causal' dilation 2", (x, k, dataFormat) => conv1d(x, k!, { padding: 'causal', dilationRate: 2, dataFormat }), [2, 3, 9], [3, 3, 4]],
    ['conv1d strides 2', (x, k, dataFormat) => conv1d(x, k!, { strides: 2, dataFormat }), [1, 2, 8], [3, 2, 3]],
    ['conv2dTranspose strides 2 outputPadding [1,0]', (x, k, dataFormat) => conv2dTranspose(x, k!, { strides: 2, outputPadding: [1, 0], dataFormat }), [2, 3, 3, 4], [3, 3, 2, 3]],
    ["conv1dTranspose strides 2 'same'", (x, k, dataFormat) => conv1dTranspose(x, k!, { strides: 2, padding: 'same', dataFormat }), [2, 3, 5], [3, 2, 3]],
    ["depthwiseConv2d multiplier 2 strides 2 'same'", (x, k, dataFormat) => depthwiseConv2d(x, k!, { strides: 2, padding: 'same', dataFormat }), [2, 3, 7, 6], [3, 2, 3, 2]],
    ['depthwiseConv1d dilation 2', (x, k, dataFormat) => depthwiseConv1d(x, k!, { dilationRate: 2, dataFormat }), [2, 3, 8], [3, 3, 2]],
    ["maxPool2d pool 3 strides 2 'same'", (x, _, dataFormat) => maxPool2d(x, { poolSize: 3, strides: 2, padding: 'same', dataFormat }), [2, 3, 7, 5], null],
    ['avgPool2d pool [3,2] strides 1', (x, _, dataFormat) => avgPool2d(x, { poolSize: [3, 2], strides: 1, dataFormat }), [1, 2, 6, 7], null],
    ["avgPool2d 'same'", (x, _, dataFormat) => avgPool2d(x, { padding: 'same', dataFormat }), [2, 3, 5, 5], null],
  ];
  for (const [name, op, xShape, kernelShape] of cases) {
    it(
      `${name}: x [${xShape}]`,
      onBothBackends(async () => {
        const x = tensor(randomValues(product(xShape), 21), xShape);
        const kernel = kernelShape && tensor(randomValues(product(kernelShape), 22), kernelShape);
        const first = op(x, kernel, 'channels_first');
        const last = op(toChannelsLast(x), kernel, 'channels_last');
        expect(first.shape).toEqual(toChannelsFirst(last).shape);
        expect(first.shape[1]).toBe(last.shape[last.rank - 1]);
        expectClose(await values(first), await values(toChannelsFirst(last)));
      }),
    );
  }
});

describe('gradients through channels_first', () => {
  it(
    "conv2d: the tape's gradients are the channels-last ones, transposed back",
    onBothBackends(async () => {
      const x = tensor(randomValues(2 * 3 * 6 * 5, 31), [2, 3, 6, 5]);
      const kernel = tensor(randomValues(3 * 3 * 3 * 4, 32), [3, 3, 3, 4]);
      const options = { strides: 2, padding: 'same' } as const;
      const weights = tensor(randomValues(2 * 4 * 3 * 3, 33), [2, 4, 3, 3]);
      const gradients = (dataFormat: DataFormat, input: Tensor, r: Tensor) => {
        const tape = new GradientTape();
        tape.watch(input, kernel);
        const target = tape.record(() => conv2d(input, kernel, { ...options, dataFormat }).mul(r).sum());
        return tape.gradient(target, [input, kernel]) as Tensor[];
      };
      const [dxFirst, dKernelFirst] = gradients('channels_first', x, weights);
      const [dxLast, dKernelLast] = gradients('channels_last', toChannelsLast(x), toChannelsLast(weights));
      expect(dxFirst.shape).toEqual([2, 3, 6, 5]);
      expectClose(await values(dxFirst), await values(toChannelsFirst(dxLast)));
      expectClose(await values(dKernelFirst), await values(dKernelLast));
    }),
  );

  const checks: Array<[string, (x: Tensor, kernel: Tensor) => Tensor, number[][]]> = [
    ["conv2d strides 2 'same'", (x, k) => conv2d(x, k, { strides: 2, padding: 'same', dataFormat: 'channels_first' }), [[1, 2, 5, 4], [3, 3, 2, 3]]],
    ['conv1dTranspose strides 2', (x, k) => conv1dTranspose(x, k, { strides: 2, dataFormat: 'channels_first' }), [[1, 2, 3], [3, 3, 2]]],
    ["depthwiseConv2d 'same'", (x, k) => depthwiseConv2d(x, k, { padding: 'same', dataFormat: 'channels_first' }), [[1, 2, 4, 3], [2, 2, 2, 2]]],
  ];
  for (const [name, f, shapes] of checks) {
    it(`${name} against finite differences`, async () => {
      expect((await gradCheck(f, shapes)).message).toBe('ok');
    });
  }

  it("avgPool2d 'same' against finite differences", async () => {
    expect((await gradCheck((x) => avgPool2d(x, { padding: 'same', dataFormat: 'channels_first' }), [[1, 2, 3, 5]])).message).toBe('ok');
  });
});

describe('memory', () => {
  it('frees the transposed inputs and outputs', () => {
    const x = tensor(new Float32Array(2 * 3 * 6 * 6), [2, 3, 6, 6]);
    const kernel = tensor(new Float32Array(3 * 3 * 3 * 4), [3, 3, 3, 4]);
    const x1d = tensor(new Float32Array(2 * 3 * 6), [2, 3, 6]);
    const transposedKernel1d = tensor(new Float32Array(3 * 4 * 3), [3, 4, 3]);
    const depthwiseKernel1d = tensor(new Float32Array(3 * 3 * 2), [3, 3, 2]);
    const dataFormat = 'channels_first';
    const before = memory().liveTensors;
    const outputs = [
      conv2d(x, kernel, { padding: 'same', dataFormat }),
      conv1dTranspose(x1d, transposedKernel1d, { strides: 2, dataFormat }),
      depthwiseConv1d(x1d, depthwiseKernel1d, { dataFormat }),
      maxPool2d(x, { dataFormat }),
      avgPool2d(x, { padding: 'same', dataFormat }),
    ];
    expect(memory().liveTensors).toBe(before + outputs.length);
    for (const t of [x, kernel, x1d, transposedKernel1d, depthwiseKernel1d, ...outputs]) t.dispose();
  });
});

describe('errors', () => {
  const images = () => tensor(new Float32Array(2 * 3 * 8 * 8), [2, 3, 8, 8]);
  const sequences = () => tensor(new Float32Array(2 * 3 * 8), [2, 3, 8]);
  const kernel = (shape: number[]) => tensor(new Float32Array(product(shape)), shape);

  it('every op names an unknown option and lists its own', () => {
    const typo = { dataformat: 'channels_first' } as never;
    expect(() => conv2d(images(), kernel([3, 3, 3, 4]), typo)).toThrow("conv2d: unknown option 'dataformat'. Its options: strides, padding, dilationRate, dataFormat, bias, activation.");
    expect(() => conv2dTranspose(images(), kernel([3, 3, 4, 3]), typo)).toThrow("conv2dTranspose: unknown option 'dataformat'. Its options: strides, padding, dilationRate, dataFormat, outputPadding.");
    expect(() => conv1d(sequences(), kernel([3, 3, 4]), typo)).toThrow("conv1d: unknown option 'dataformat'. Its options: strides, padding, dilationRate, dataFormat, bias, activation.");
    expect(() => conv1dTranspose(sequences(), kernel([3, 4, 3]), typo)).toThrow("conv1dTranspose: unknown option 'dataformat'. Its options: strides, padding, dilationRate, dataFormat, outputPadding.");
    expect(() => depthwiseConv2d(images(), kernel([3, 3, 3, 1]), typo)).toThrow("depthwiseConv2d: unknown option 'dataformat'. Its options: strides, padding, dilationRate, dataFormat.");
    expect(() => depthwiseConv1d(sequences(), kernel([3, 3, 1]), typo)).toThrow("depthwiseConv1d: unknown option 'dataformat'. Its options: strides, padding, dilationRate, dataFormat.");
    expect(() => maxPool2d(images(), typo)).toThrow("maxPool2d: unknown option 'dataformat'. Its options: poolSize, strides, padding, dataFormat.");
    expect(() => avgPool2d(images(), typo)).toThrow("avgPool2d: unknown option 'dataformat'. Its options: poolSize, strides, padding, dataFormat.");
  });

  it("hints at the camelCase name of Keras's snake_case options", () => {
    expect(() => conv2d(images(), kernel([3, 3, 3, 4]), { data_format: 'channels_first' } as never)).toThrow("conv2d: unknown option 'data_format' (did you mean 'dataFormat'?)");
    expect(() => conv1dTranspose(sequences(), kernel([3, 4, 3]), { output_padding: 1 } as never)).toThrow("conv1dTranspose: unknown option 'output_padding' (did you mean 'outputPadding'?)");
    expect(() => maxPool2d(images(), { pool_size: 2 } as never)).toThrow("maxPool2d: unknown option 'pool_size' (did you mean 'poolSize'?)");
  });

  it('names a data format that is not one', () => {
    expect(() => conv2d(images(), kernel([3, 3, 3, 4]), { dataFormat: 'NCHW' as never })).toThrow(`conv2d: Invalid value for argument \`dataFormat\`. Expected 'channels_last' or 'channels_first'. Received: dataFormat="NCHW"`);
    expect(() => avgPool2d(images(), { dataFormat: 'channelsFirst' as never })).toThrow(`avgPool2d: Invalid value for argument \`dataFormat\`. Expected 'channels_last' or 'channels_first'. Received: dataFormat="channelsFirst"`);
  });

  it('names the channels-first layout in rank errors', () => {
    expect(() => conv2d(sequences(), kernel([3, 3, 3, 4]), { dataFormat: 'channels_first' })).toThrow('conv2d: x must have rank 4 [batch, channels, height, width], got shape [2,3,8] (rank 3).');
    expect(() => depthwiseConv1d(images(), kernel([3, 3, 1]), { dataFormat: 'channels_first' })).toThrow('depthwiseConv1d: x must have rank 3 [batch, channels, length], got shape [2,3,8,8] (rank 4).');
    expect(() => maxPool2d(sequences(), { dataFormat: 'channels_first' })).toThrow('maxPool2d: x must have rank 4 [batch, channels, height, width], got shape [2,3,8] (rank 3).');
  });

  it('reads the channels from axis 1 and names the shapes as given', () => {
    expect(() => conv2d(images(), kernel([3, 3, 4, 16]), { dataFormat: 'channels_first' })).toThrow('conv2d: input channels differ: x [2,3,8,8] has 3, kernel [3,3,4,16] expects 4.');
    expect(() => conv1dTranspose(sequences(), kernel([3, 2, 8]), { dataFormat: 'channels_first' })).toThrow(
      'conv1dTranspose: input channels differ: x [2,3,8] has 3, kernel [3,2,8] expects 8 (its last axis; a transposed kernel is [..., outChannels, inChannels]).',
    );
    expect(() => depthwiseConv2d(images(), kernel([3, 3, 8, 1]), { dataFormat: 'channels_first' })).toThrow('depthwiseConv2d: input channels differ: x [2,3,8,8] has 3, kernel [3,3,8,1] expects 8.');
    expect(() => conv1d(sequences(), kernel([9, 3, 2]), { dataFormat: 'channels_first' })).toThrow("conv1d: kernel [9,3,2] with dilation 1 spans 9, larger than the input x [2,3,8] (8) with padding 'valid'.");
    expect(() => avgPool2d(tensor(new Float32Array(9), [1, 3, 1, 3]), { dataFormat: 'channels_first' })).toThrow("avgPool2d: pool size [2,2] is larger than the input x [1,3,1,3] (1x3) with padding 'valid'.");
  });
});
