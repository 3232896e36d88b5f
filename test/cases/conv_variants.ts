// GPU-versus-CPU cases for the convolution variants: conv2dTranspose (valid / same, strides,
// dilation, output padding, 1x1 kernels with and without the pointwise shortcut) and
// conv1dTranspose, through col2im forward and im2col in their gradients; depthwiseConv2d with
// depth multipliers 1 and 3, strides, dilation and both paddings, and its two gradient kernels;
// depthwiseConv1d; each also on channels-first inputs.

import type { Tensor } from '../../src/index';
import { conv1dTranspose, conv2dTranspose, type Conv1dTransposeOptions, type Conv2dOptions, type Conv2dTransposeOptions } from '../../src/ops/conv';
import { depthwiseConv1d, depthwiseConv2d, type DepthwiseConv1dOptions } from '../../src/ops/depthwise_conv';
import type { OpCase } from './case';
import { rand } from './data';
import { gradientsOf } from './conv';

/** Float32 sums of a few products against the CPU's float64 sums. */
const RTOL = 1e-4;
const ATOL = 1e-5;

/** The op's output and, as a second case, its gradients with respect to x and kernel. */
function withGradients(name: string, f: (x: Tensor, kernel: Tensor) => Tensor, xShape: number[], kernelShape: number[]): OpCase[] {
  const label = `${name} [${xShape}] x [${kernelShape}]`;
  return [
    { name: label, run: () => f(rand(xShape), rand(kernelShape)), rtol: RTOL, atol: ATOL },
    { name: `${label} gradients`, run: gradientsOf(f, xShape, kernelShape), rtol: RTOL, atol: ATOL },
  ];
}

const CONV2D_TRANSPOSE: Array<[number[], number[], Conv2dTransposeOptions]> = [
  [[1, 3, 3, 2], [3, 3, 4, 2], {}],
  [[2, 3, 4, 3], [3, 3, 2, 3], { strides: 2, padding: 'same' }],
  [[2, 3, 3, 2], [3, 2, 3, 2], { strides: [2, 3] }],
  [[1, 4, 3, 2], [4, 4, 2, 2], { strides: 2, padding: 'same', outputPadding: 1 }],
  [[1, 3, 3, 1], [3, 3, 2, 1], { strides: 3, outputPadding: [2, 0] }],
  [[1, 4, 4, 2], [3, 3, 2, 2], { dilationRate: 2, padding: 'same' }],
  [[2, 3, 3, 5], [1, 1, 3, 5], {}],
  [[1, 3, 3, 2], [1, 1, 2, 2], { outputPadding: 1 }],
  [[1, 2, 3, 4], [3, 3, 3, 2], { dataFormat: 'channels_first', strides: 2, padding: 'same' }],
];

const CONV1D_TRANSPOSE: Array<[number[], number[], Conv1dTransposeOptions]> = [
  [[2, 5, 3], [3, 2, 3], { strides: 2 }],
  [[1, 4, 2], [4, 3, 2], { strides: 2, padding: 'same', outputPadding: 1 }],
  [[2, 3, 5], [3, 2, 3], { dataFormat: 'channels_first', strides: 2 }],
];

const DEPTHWISE: Array<[number[], number[], Conv2dOptions]> = [
  [[2, 5, 5, 3], [3, 3, 3, 1], {}],
  [[1, 6, 5, 2], [3, 3, 2, 3], { padding: 'same' }],
  [[2, 7, 6, 3], [3, 2, 3, 2], { strides: 2, padding: 'same' }],
  [[1, 7, 7, 2], [3, 3, 2, 2], { dilationRate: 2 }],
  [[1, 6, 7, 4], [2, 3, 4, 1], { strides: [1, 2] }],
  [[2, 3, 7, 6], [3, 2, 3, 2], { dataFormat: 'channels_first', strides: 2, padding: 'same' }],
];

const DEPTHWISE_1D: Array<[number[], number[], DepthwiseConv1dOptions]> = [
  [[2, 7, 3], [3, 3, 2], { padding: 'same', dilationRate: 2 }],
  [[2, 3, 8], [3, 3, 2], { dataFormat: 'channels_first', strides: 2 }],
];

export const convVariantCases: OpCase[] = [
  ...CONV2D_TRANSPOSE.flatMap(([xs, ks, options]) => withGradients(`conv2dTranspose ${JSON.stringify(options)}`, (x, k) => conv2dTranspose(x, k, options), xs, ks)),
  ...CONV1D_TRANSPOSE.flatMap(([xs, ks, options]) => withGradients(`conv1dTranspose ${JSON.stringify(options)}`, (x, k) => conv1dTranspose(x, k, options), xs, ks)),
  ...DEPTHWISE.flatMap(([xs, ks, options]) => withGradients(`depthwiseConv2d ${JSON.stringify(options)}`, (x, k) => depthwiseConv2d(x, k, options), xs, ks)),
  ...DEPTHWISE_1D.flatMap(([xs, ks, options]) => withGradients(`depthwiseConv1d ${JSON.stringify(options)}`, (x, k) => depthwiseConv1d(x, k, options), xs, ks)),
  { name: 'conv2dTranspose on an empty batch [0,3,3,2]', run: () => conv2dTranspose(rand([0, 3, 3, 2]), rand([3, 3, 4, 2]), { strides: 2, padding: 'same' }) },
  { name: 'depthwiseConv2d on an empty batch [0,4,4,2]', run: () => depthwiseConv2d(rand([0, 4, 4, 2]), rand([3, 3, 2, 2]), { padding: 'same' }) },
];
