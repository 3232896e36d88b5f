// GPU-versus-CPU cases for the 3-D ops: conv3d (strides, 'same' padding, dilation, groups, a
// pointwise 1x1x1 kernel, channels first), conv3dTranspose (strides, 'same', output padding),
// maxPool3d and avgPool3d ('valid' and 'same', uneven strides), each also through its gradients
// (col2im and im2col with a depth axis, the pooling backward kernel). Shapes stay tiny for
// SwiftShader.

import { GradientTape, type Tensor } from '../../src/index';
import { conv3d, conv3dTranspose, type Conv3dOptions, type Conv3dTransposeOptions } from '../../src/ops/conv3d';
import { avgPool3d, maxPool3d, type Pool3dOptions } from '../../src/ops/pooling';
import type { OpCase } from './case';
import { rand } from './data';

/** Float32 sums of kd * kh * kw * cin products against the CPU's float64 matmul. */
const RTOL = 1e-4;
const ATOL = 1e-5;

/** The op and, separately, the gradients of sum(r * op(inputs)) for a fixed random r with respect to every input. */
function withGradients(name: string, shapes: number[][], f: (...inputs: Tensor[]) => Tensor): OpCase[] {
  return [
    { name, run: () => f(...shapes.map((shape) => rand(shape))), rtol: RTOL, atol: ATOL },
    {
      name: `${name} gradients`,
      run: () => {
        const inputs = shapes.map((shape) => rand(shape));
        const tape = new GradientTape();
        tape.watch(inputs);
        const target = tape.record(() => {
          const y = f(...inputs);
          return y.mul(rand([...y.shape]));
        });
        return tape.gradient(target, inputs) as Tensor[];
      },
      rtol: RTOL,
      atol: ATOL,
    },
  ];
}

const CONV3D: Array<[number[], number[], Conv3dOptions]> = [
  [[1, 4, 4, 4, 1], [2, 2, 2, 1, 2], {}],
  [[2, 3, 5, 4, 2], [3, 3, 2, 2, 3], { padding: 'same' }],
  [[1, 5, 5, 6, 2], [3, 2, 3, 2, 2], { strides: [2, 1, 2] }],
  [[1, 5, 4, 5, 3], [2, 2, 2, 3, 2], { strides: 2, padding: 'same' }],
  [[1, 5, 5, 5, 1], [2, 2, 2, 1, 2], { dilationRate: [2, 1, 2] }],
  [[2, 3, 3, 3, 4], [1, 1, 1, 4, 5], {}],
  [[1, 3, 4, 4, 4], [2, 2, 2, 2, 6], { padding: 'same' }],
  [[2, 3, 4, 3, 3], [2, 2, 2, 3, 4], { dataFormat: 'channels_first', padding: 'same' }],
];

const CONV3D_TRANSPOSE: Array<[number[], number[], Conv3dTransposeOptions]> = [
  [[1, 2, 3, 2, 2], [2, 2, 2, 3, 2], {}],
  [[1, 2, 2, 3, 2], [3, 3, 3, 2, 2], { strides: 2, padding: 'same' }],
  [[2, 2, 3, 2, 1], [3, 2, 2, 2, 1], { strides: [2, 1, 2], outputPadding: [1, 0, 0] }],
  [[1, 2, 2, 2, 3], [2, 2, 2, 2, 2], { dataFormat: 'channels_first', strides: 2 }],
];

const POOL3D: Array<[number[], Pool3dOptions]> = [
  [[1, 4, 4, 4, 2], {}],
  [[2, 5, 4, 5, 1], { poolSize: 3, strides: 2, padding: 'same' }],
  [[1, 3, 5, 4, 3], { poolSize: [1, 2, 3], strides: [1, 2, 1] }],
  [[1, 2, 4, 3, 4], { dataFormat: 'channels_first', padding: 'same' }],
  [[1, 3, 5, 5, 2], { poolSize: 2, strides: [2, 3, 2] }],
];

export const conv3dCases: OpCase[] = [
  ...CONV3D.flatMap(([xs, ks, options]) => withGradients(`conv3d [${xs}] x [${ks}] ${JSON.stringify(options)}`, [xs, ks], (x, k) => conv3d(x, k, options))),
  ...CONV3D_TRANSPOSE.flatMap(([xs, ks, options]) => withGradients(`conv3dTranspose [${xs}] x [${ks}] ${JSON.stringify(options)}`, [xs, ks], (x, k) => conv3dTranspose(x, k, options))),
  ...POOL3D.flatMap(([xs, options]) => [
    ...withGradients(`maxPool3d [${xs}] ${JSON.stringify(options)}`, [xs], (x) => maxPool3d(x, options)),
    ...withGradients(`avgPool3d [${xs}] ${JSON.stringify(options)}`, [xs], (x) => avgPool3d(x, options)),
  ]),
];
