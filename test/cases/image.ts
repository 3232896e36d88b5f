// GPU-versus-CPU cases for the image ops: resize (bilinear and nearest, up and down, unequal
// axes, crop to aspect ratio, channels first, the backward kernel through the tape) and
// affineTransform (each fill mode and interpolation, shared and per-image transforms, a
// projective row).

import { GradientTape, tensor } from '../../src/index';
import { affineTransform, resize } from '../../src/ops/image';
import type { OpCase } from './case';
import { rand } from './data';

/** Transform rows whose source points fall between pixels and outside the image. */
const rotation = (angle: number, height: number, width: number) => {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const xOffset = (width - 1 - (cos * (width - 1) - sin * (height - 1))) / 2;
  const yOffset = (height - 1 - (sin * (width - 1) + cos * (height - 1))) / 2;
  return [cos, -sin, xOffset, sin, cos, yOffset, 0, 0];
};
const shifted = [1.13, 0.07, -1.31, -0.05, 0.91, 1.71, 0, 0];
const projective = [0.9, 0.1, 0.3, -0.1, 1.1, -0.4, 0.02, -0.03];

/** The tape's gradient of sum(r * resize(x)) with respect to x, r fixed. */
function resizeGradient(shape: number[], size: [number, number], interpolation: 'bilinear' | 'nearest') {
  const x = rand(shape);
  const tape = new GradientTape();
  tape.watch([x]);
  const weights = rand([shape[0], ...size, shape[3]]);
  const target = tape.record(() => resize(x, size, { interpolation }).mul(weights));
  return tape.gradient(target, [x])[0]!;
}

const fillModes = ['constant', 'nearest', 'reflect', 'wrap'] as const;

export const imageCases: OpCase[] = [
  { name: 'resize bilinear up [2,3,4,2] -> [7,9]', run: () => resize(rand([2, 3, 4, 2]), [7, 9]) },
  { name: 'resize bilinear down [1,9,7,3] -> [4,3]', run: () => resize(rand([1, 9, 7, 3]), [4, 3]) },
  { name: 'resize nearest up and down [2,5,6,1] -> [8,4]', run: () => resize(rand([2, 5, 6, 1]), [8, 4], { interpolation: 'nearest' }) },
  { name: 'resize single image [4,4,3] -> [6,2]', run: () => resize(rand([4, 4, 3]), [6, 2]) },
  { name: 'resize crop to aspect ratio [1,6,10,2] -> [4,4]', run: () => resize(rand([1, 6, 10, 2]), [4, 4], { cropToAspectRatio: true }) },
  { name: 'resize channels first [2,3,4,5] -> [3,7]', run: () => resize(rand([2, 3, 4, 5]), [3, 7], { dataFormat: 'channels_first' }) },
  { name: 'resize bilinear gradient [2,4,5,2] -> [7,3]', run: () => resizeGradient([2, 4, 5, 2], [7, 3], 'bilinear') },
  { name: 'resize nearest gradient [1,6,3,2] -> [4,8]', run: () => resizeGradient([1, 6, 3, 2], [4, 8], 'nearest') },
  { name: 'resize bilinear gradient, strong downsampling [1,13,11,1] -> [3,2]', run: () => resizeGradient([1, 13, 11, 1], [3, 2], 'bilinear') },
  ...fillModes.flatMap((fillMode): OpCase[] => [
    { name: `affineTransform bilinear ${fillMode}, per-image rows`, run: () => affineTransform(rand([2, 5, 6, 2]), tensor([...rotation(0.7, 5, 6), ...shifted], [2, 8]), { fillMode, fillValue: 0.5 }) },
    { name: `affineTransform nearest ${fillMode}, shared row`, run: () => affineTransform(rand([2, 4, 5, 1]), tensor(shifted), { fillMode, interpolation: 'nearest', fillValue: -2 }) },
  ]),
  { name: 'affineTransform projective row, single image', run: () => affineTransform(rand([6, 5, 3]), tensor(projective), { fillMode: 'reflect' }) },
];
