// GPU-versus-CPU cases for convolutions and pooling: strides 1 and 2, 'same' and 'valid' padding,
// dilation (alone and with strides), odd spatial sizes, batch 1 and 3, channel counts that are not
// multiples of 4, 1x1 kernels (the pointwise path), conv1d including 'causal', channels-first
// inputs, and the patch kernels in both directions through the gradients (col2im) of conv2d and
// of both poolings. The max-pool gradient takes one path for overlapping windows and another for
// windows that do not overlap (tiling exactly, with uncovered remainders, with gaps of stride >
// pool, 'same'); ties and NaNs inside windows pin down its arg-max on both.

import { GradientTape, ops, tensor, type Tensor } from '../../src/index';
import { conv1d, conv2d, type Conv1dOptions, type Conv2dOptions } from '../../src/ops/conv';
import { avgPool2d, maxPool2d, type Pool2dOptions } from '../../src/ops/pooling';
import type { OpCase } from './case';
import { rand, seededRandom } from './data';

/** Float32 sums of kh * kw * cin products against the CPU's float64 matmul. */
const RTOL = 1e-4;
const ATOL = 1e-5;

function conv2dCase(xShape: number[], kernelShape: number[], options: Conv2dOptions): OpCase {
  return {
    name: `conv2d [${xShape}] x [${kernelShape}] ${JSON.stringify(options)}`,
    run: () => conv2d(rand(xShape), rand(kernelShape), options),
    rtol: RTOL,
    atol: ATOL,
  };
}

/** Both gradients of sum(r * f(x, kernel)) for a fixed r: exercises col2im and the transposed products. */
export function gradientsOf(f: (x: Tensor, kernel: Tensor) => Tensor, xShape: number[], kernelShape: number[]): () => Tensor[] {
  return () => {
    const x = rand(xShape);
    const kernel = rand(kernelShape);
    const tape = new GradientTape();
    tape.watch(x, kernel);
    const target = tape.record(() => {
      const y = f(x, kernel);
      return y.mul(rand([...y.shape]));
    });
    return tape.gradient(target, [x, kernel]) as Tensor[];
  };
}

/** Values in {0, 1, 2} (ties in most windows) with every seventh a NaN. */
function tiesAndNaNs(shape: number[]): Tensor {
  const next = seededRandom(17);
  const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => (i % 7 === 3 ? NaN : Math.floor(next() * 3)));
  return tensor(values, shape);
}

function poolCase(name: 'maxPool2d' | 'avgPool2d', xShape: number[], options: Pool2dOptions, input: (shape: number[]) => Tensor = rand, label = `${name} [${xShape}] ${JSON.stringify(options)}`): OpCase[] {
  const pool = name === 'maxPool2d' ? maxPool2d : avgPool2d;
  return [
    { name: label, run: () => pool(input(xShape), options), rtol: RTOL, atol: ATOL },
    {
      name: `${label} gradient`,
      run: () => {
        const x = input(xShape);
        const tape = new GradientTape();
        tape.watch(x);
        const target = tape.record(() => {
          const y = pool(x, options);
          return y.mul(rand([...y.shape]));
        });
        return tape.gradient(target, x) as Tensor;
      },
      rtol: RTOL,
      atol: ATOL,
    },
  ];
}

const CONV2D: Array<[number[], number[], Conv2dOptions]> = [
  [[1, 5, 5, 1], [3, 3, 1, 1], {}],
  [[3, 7, 6, 3], [3, 3, 3, 5], { padding: 'same' }],
  [[3, 7, 6, 3], [3, 3, 3, 5], { strides: 2 }],
  [[2, 9, 8, 5], [3, 2, 5, 7], { strides: 2, padding: 'same' }],
  [[2, 9, 9, 3], [3, 3, 3, 6], { dilationRate: 2 }],
  [[1, 11, 10, 2], [3, 3, 2, 3], { dilationRate: 2, padding: 'same' }],
  [[1, 11, 10, 2], [3, 3, 2, 3], { dilationRate: [2, 1], strides: [1, 2], padding: 'same' }],
  [[3, 6, 6, 6], [1, 1, 6, 9], {}],
  [[2, 6, 7, 4], [1, 1, 4, 3], { strides: 2 }],
  [[2, 4, 4, 3], [4, 4, 3, 2], {}],
  [[1, 4, 4, 3], [5, 5, 3, 2], { padding: 'same' }],
  [[2, 8, 8, 16], [3, 3, 16, 33], { padding: 'same' }],
  [[2, 9, 8, 8], [3, 2, 8, 4], { dilationRate: [2, 1], strides: [1, 2], padding: 'same' }],
  [[1, 10, 9, 4], [3, 3, 4, 5], { dilationRate: 2, strides: 2 }],
];

/** Channels-first inputs [batch, channels, height, width]: forward and gradients through the transposes. */
const CONV2D_CHANNELS_FIRST: Array<[number[], number[], Conv2dOptions]> = [
  [[2, 3, 7, 6], [3, 3, 3, 5], { dataFormat: 'channels_first', strides: 2, padding: 'same' }],
  [[1, 4, 6, 5], [2, 2, 2, 6], { dataFormat: 'channels_first', dilationRate: [2, 1] }],
];

const CONV1D: Array<[number[], number[], Conv1dOptions]> = [
  [[2, 9, 3], [3, 3, 4], {}],
  [[3, 10, 2], [4, 2, 5], { strides: 2, padding: 'same' }],
  [[1, 12, 3], [3, 3, 2], { dilationRate: 2, padding: 'causal' }],
  [[2, 7, 5], [2, 5, 3], { padding: 'causal', strides: 2 }],
  [[2, 3, 9], [3, 3, 4], { dataFormat: 'channels_first', padding: 'causal' }],
];

const POOLS: Array<['maxPool2d' | 'avgPool2d', number[], Pool2dOptions]> = [
  ['maxPool2d', [2, 6, 6, 3], {}],
  ['maxPool2d', [1, 7, 5, 2], { padding: 'same' }],
  ['maxPool2d', [3, 7, 7, 5], { poolSize: 3, strides: 2, padding: 'same' }],
  ['maxPool2d', [1, 6, 7, 2], { poolSize: [3, 2], strides: 1 }],
  ['maxPool2d', [2, 7, 5, 3], {}],
  ['maxPool2d', [1, 8, 7, 2], { poolSize: 2, strides: 3 }],
  ['maxPool2d', [1, 7, 8, 2], { poolSize: 3, strides: 3, padding: 'same' }],
  ['maxPool2d', [1, 7, 9, 2], { poolSize: [2, 1], strides: [3, 2] }],
  ['avgPool2d', [2, 6, 6, 3], {}],
  ['avgPool2d', [1, 7, 5, 2], { padding: 'same' }],
  ['avgPool2d', [3, 7, 7, 5], { poolSize: 3, strides: 2, padding: 'same' }],
  ['avgPool2d', [1, 6, 7, 2], { poolSize: [3, 2], strides: 1, padding: 'valid' }],
  ['maxPool2d', [2, 3, 7, 5], { dataFormat: 'channels_first', poolSize: 3, strides: 2, padding: 'same' }],
  ['avgPool2d', [1, 2, 6, 7], { dataFormat: 'channels_first', poolSize: [3, 2], strides: 1, padding: 'same' }],
];

export const convCases: OpCase[] = [
  { name: 'maxPool2d: a NaN anywhere in a window gives NaN', run: () => maxPool2d(tensor([NaN, 1, 2, 3, 1, NaN, 2, 3, 1, 2, 3, 4], [3, 2, 2, 1]), { poolSize: [2, 2] }) },
  ...CONV2D.map(([xs, ks, options]) => conv2dCase(xs, ks, options)),
  ...CONV2D.filter((_, i) => i % 2 === 1).map(([xs, ks, options]): OpCase => ({
    name: `conv2d [${xs}] x [${ks}] ${JSON.stringify(options)} gradients`,
    run: gradientsOf((x, k) => conv2d(x, k, options), xs, ks),
    rtol: RTOL,
    atol: ATOL,
  })),
  ...CONV2D_CHANNELS_FIRST.flatMap(([xs, ks, options]): OpCase[] => [
    conv2dCase(xs, ks, options),
    { name: `conv2d [${xs}] x [${ks}] ${JSON.stringify(options)} gradients`, run: gradientsOf((x, k) => conv2d(x, k, options), xs, ks), rtol: RTOL, atol: ATOL },
  ]),
  ...CONV1D.flatMap(([xs, ks, options]): OpCase[] => [
    { name: `conv1d [${xs}] x [${ks}] ${JSON.stringify(options)}`, run: () => conv1d(rand(xs), rand(ks), options), rtol: RTOL, atol: ATOL },
    { name: `conv1d [${xs}] x [${ks}] ${JSON.stringify(options)} gradients`, run: gradientsOf((x, k) => conv1d(x, k, options), xs, ks), rtol: RTOL, atol: ATOL },
  ]),
  { name: 'conv2d on an empty batch [0,5,5,2]', run: () => conv2d(rand([0, 5, 5, 2]), rand([3, 3, 2, 4]), { padding: 'same' }) },
  ...POOLS.flatMap(([name, xs, options]) => poolCase(name, xs, options)),
  ...poolCase('maxPool2d', [2, 5, 7, 3], {}, tiesAndNaNs, 'maxPool2d [2,5,7,3] ties and NaNs'),
  ...poolCase('maxPool2d', [2, 5, 7, 3], { poolSize: 2, strides: 1 }, tiesAndNaNs, 'maxPool2d [2,5,7,3] overlapping, ties and NaNs'),
  { name: 'global average pooling is mean over [1,2]', run: () => ops.mean(rand([2, 5, 5, 3]), [1, 2]) },
];
