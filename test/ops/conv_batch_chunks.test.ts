// Convolutions whose patch matrix is larger than the device binds in one buffer run over slices of
// the batch. The limit is lowered so that small shapes need three slices (one of them shorter):
// without the slicing the patch matrix would be refused. Forward values and the gradients of x,
// kernel and bias on the GPU against the CPU backend, which never slices. An image whose patches
// alone do not fit is refused with a clear error.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GradientTape, type Tensor } from '../../src/node';
import { currentGpu } from '../../src/backend/engine';
import { conv1d, conv2d, conv2dTranspose } from '../../src/ops/conv';
import { conv3d } from '../../src/ops/conv3d';
import type { OpCase } from '../cases/case';
import { gradientsOf } from '../cases/conv';
import { rand } from '../cases/data';
import { checkCases, useWebGPU } from '../helpers';

useWebGPU();

const TOLERANCE = { rtol: 1e-4, atol: 1e-5 };
const FLOAT_BYTES = 4;

/** Runs the tests of `define` with the device binding at most two images' patches of `imageBytes`. */
function withTwoImagesOfPatches(imageBytes: number, define: () => void): void {
  let previous: number;
  beforeAll(() => {
    const gpu = currentGpu()!;
    previous = gpu.bindingLimit;
    gpu.bindingLimit = 2 * imageBytes + FLOAT_BYTES;
  });
  afterAll(() => {
    currentGpu()!.bindingLimit = previous;
  });
  define();
}

/** The gradients of sum(r * conv2d(x, kernel, bias, relu)) for x, kernel and bias. */
function fusedConv2dGradients(): Tensor[] {
  const x = rand([5, 6, 6, 3]);
  const kernel = rand([3, 3, 3, 4]);
  const bias = rand([4]);
  const tape = new GradientTape();
  tape.watch(x, kernel, bias);
  const target = tape.record(() => {
    const y = conv2d(x, kernel, { padding: 'same', bias, activation: 'relu' });
    return y.mul(rand([...y.shape]));
  });
  return tape.gradient(target, [x, kernel, bias]) as Tensor[];
}

describe('conv2d of 5 images, 3x3 same over 3 channels (36 rows x 27 columns of patches per image)', () => {
  withTwoImagesOfPatches(36 * 27 * FLOAT_BYTES, () => {
    checkCases([
      { name: 'forward with bias and relu', run: () => conv2d(rand([5, 6, 6, 3]), rand([3, 3, 3, 4]), { padding: 'same', bias: rand([4]), activation: 'relu' }), ...TOLERANCE },
      { name: 'gradients of x, kernel and bias', run: fusedConv2dGradients, ...TOLERANCE },
    ] satisfies OpCase[]);
  });
});

describe('grouped conv2d of 5 images, 2 groups, 3x3 valid (16 rows x 36 columns per image)', () => {
  withTwoImagesOfPatches(16 * 36 * FLOAT_BYTES, () => {
    checkCases([{ name: 'gradients of x and kernel', run: gradientsOf((x, k) => conv2d(x, k), [5, 6, 6, 4], [3, 3, 2, 4]), ...TOLERANCE }]);
  });
});

describe('conv1d of 7 sequences, causal (10 rows x 15 columns per sequence)', () => {
  withTwoImagesOfPatches(10 * 15 * FLOAT_BYTES, () => {
    checkCases([{ name: 'gradients of x and kernel', run: gradientsOf((x, k) => conv1d(x, k, { padding: 'causal' }), [7, 10, 3], [5, 3, 2]), ...TOLERANCE }]);
  });
});

describe('conv3d of 5 volumes, 2x2x2 valid (27 rows x 16 columns per volume)', () => {
  withTwoImagesOfPatches(27 * 16 * FLOAT_BYTES, () => {
    checkCases([{ name: 'gradients of x and kernel', run: gradientsOf((x, k) => conv3d(x, k), [5, 4, 4, 4, 2], [2, 2, 2, 2, 3]), ...TOLERANCE }]);
  });
});

describe('conv2dTranspose of 5 images, 5x5 kernel (9 rows x 25 columns of patches per image)', () => {
  withTwoImagesOfPatches(9 * 25 * FLOAT_BYTES, () => {
    checkCases([{ name: 'gradients of x and kernel', run: gradientsOf((x, k) => conv2dTranspose(x, k), [5, 3, 3, 4], [5, 5, 1, 4]), ...TOLERANCE }]);
  });
});

describe('a convolution whose single image has more patches than the device binds', () => {
  withTwoImagesOfPatches(36 * 27 * FLOAT_BYTES / 4, () => {
    it('is refused before any GPU work, with the patch shape, the bytes and the limit', async () => {
      const limit = currentGpu()!.bindingLimit;
      const x = rand([5, 6, 6, 3]);
      expect(() => conv2d(x, rand([3, 3, 3, 4]), { padding: 'same' })).toThrow(
        `convolution of x [5,6,6,3]: the patches of one image ([36,27], ${36 * 27 * FLOAT_BYTES} bytes) are more than this WebGPU device binds in one buffer (maxStorageBufferBindingSize: ${limit} bytes)`,
      );
      expect((await x.data()).length).toBe(5 * 6 * 6 * 3);
    });
  });
});
