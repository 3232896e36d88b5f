// GPU-versus-CPU cases for extractPatches (non-overlapping tiles with and without a remainder,
// overlapping strides, dilation, 'same' padding, channels first, a single image, the gradient
// through the tape), padImages and cropImages (each way of giving two of the three sizes).

import { GradientTape, type Tensor } from '../../src/index';
import { cropImages, extractPatches, padImages, type ExtractPatchesOptions } from '../../src/ops/image_patches';
import type { OpCase } from './case';
import { rand } from './data';

/** The tape's gradient of sum(r * extractPatches(x)) with respect to x. */
function patchesGradient(shape: number[], size: number | [number, number], options: ExtractPatchesOptions): Tensor {
  const x = rand(shape);
  const tape = new GradientTape();
  tape.watch([x]);
  const target = tape.record(() => {
    const patches = extractPatches(x, size, options);
    return patches.mul(rand([...patches.shape]));
  });
  return tape.gradient(target, [x])[0]!;
}

export const imagePatchesCases: OpCase[] = [
  { name: 'extractPatches non-overlapping [2,8,12,3] size 4', run: () => extractPatches(rand([2, 8, 12, 3]), 4) },
  { name: 'extractPatches non-overlapping with a remainder [1,9,10,2] size [4,3]', run: () => extractPatches(rand([1, 9, 10, 2]), [4, 3]) },
  { name: 'extractPatches strides 1 single image [7,6,3] size 3', run: () => extractPatches(rand([7, 6, 3]), 3, { strides: 1 }) },
  { name: "extractPatches 'same' strides 2 [2,7,5,2] size 3", run: () => extractPatches(rand([2, 7, 5, 2]), 3, { strides: 2, padding: 'same' }) },
  { name: 'extractPatches dilation 2 [1,9,8,1] size [2,3]', run: () => extractPatches(rand([1, 9, 8, 1]), [2, 3], { strides: 1, dilationRate: 2 }) },
  { name: 'extractPatches channels first [2,3,6,6] size 2', run: () => extractPatches(rand([2, 3, 6, 6]), 2, { dataFormat: 'channels_first' }) },
  { name: 'extractPatches gradient, overlapping', run: () => patchesGradient([1, 6, 5, 2], 3, { strides: [2, 1] }) },
  { name: 'extractPatches gradient, tiles', run: () => patchesGradient([2, 4, 6, 1], 2, {}) },
  { name: 'padImages top/left and target size [2,5,4,3]', run: () => padImages(rand([2, 5, 4, 3]), { topPadding: 1, leftPadding: 2, targetHeight: 9, targetWidth: 7 }) },
  { name: 'padImages bottom/right and target size, channels first int32 [2,4,3]', run: () => padImages(rand([2, 4, 3], { int: true, low: 1, high: 9 }), { bottomPadding: 2, rightPadding: 1, targetHeight: 7, targetWidth: 5, dataFormat: 'channels_first' }) },
  { name: 'cropImages top/left and target size [2,6,7,2]', run: () => cropImages(rand([2, 6, 7, 2]), { topCropping: 1, leftCropping: 2, targetHeight: 3, targetWidth: 4 }) },
  { name: 'cropImages top/bottom and left/right, channels first [3,6,5]', run: () => cropImages(rand([3, 6, 5]), { topCropping: 1, bottomCropping: 2, leftCropping: 0, rightCropping: 3, dataFormat: 'channels_first' }) },
];
