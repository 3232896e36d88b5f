// The keras.ops.nn functions of src/ops/space_depth.ts, unfold.ts, extract_sequences.ts,
// normalization_ops.ts, binary_cross_entropy.ts, psnr.ts and multi_hot.ts on both backends against
// values computed by Keras 3.16, their gradients by finite differences, and the errors users meet.

import { describe, expect, it } from 'vitest';
import { memory, ops, tensor, type Tensor } from '../../src/node';
import { gradCheck } from '../autograd/gradcheck';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

/** The inputs of the Keras references: element i is ((7 i mod 11) / 2 - 2 + i / 100). */
function ramp(shape: number[]): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: size }, (_, k) => ((k * 7) % 11) * 0.5 - 2 + k * 0.01), shape);
}

const int32 = (values: number[], shape: number[]) => tensor(values, shape, 'int32');

interface Expected {
  shape: number[];
  values: number[];
}

// Computed by Keras 3.16 (NumPy backend, /tmp/keras_env/kpy; the torch backend agrees) on the ramp
// inputs named in each test, rounded to 5 decimals.
const KERAS: Record<string, Expected> = {
  depthToSpace: { shape: [1, 4, 4, 2], values: [-2.0, 1.51, -0.48, 3.03, -1.42, 2.09, 0.1, -1.89, 1.04, -0.95, 2.56, 0.57, 1.62, -0.37, 3.14, 1.15, -0.84, 2.67, 0.68, -1.31, -0.26, 3.25, 1.26, -0.73, 2.2, 0.21, -1.78, 1.73, 2.78, 0.79, -1.2, 2.31] },
  depthToSpaceChannelsFirst: { shape: [1, 2, 4, 4], values: [-2.0, 1.04, 1.51, -0.95, -1.42, 1.62, 2.09, -0.37, -0.48, 2.56, 3.03, 0.57, 0.1, 3.14, -1.89, 1.15, -0.84, 2.2, 2.67, 0.21, -0.26, 2.78, 3.25, 0.79, 0.68, -1.78, -1.31, 1.73, 1.26, -1.2, -0.73, 2.31] },
  spaceToDepth: { shape: [1, 2, 2, 8], values: [-2.0, 1.51, -0.48, 3.03, -1.42, 2.09, 0.1, -1.89, 1.04, -0.95, 2.56, 0.57, 1.62, -0.37, 3.14, 1.15, -0.84, 2.67, 0.68, -1.31, -0.26, 3.25, 1.26, -0.73, 2.2, 0.21, -1.78, 1.73, 2.78, 0.79, -1.2, 2.31] },
  spaceToDepthChannelsFirst: { shape: [1, 8, 2, 2], values: [-2.0, -0.48, -1.42, 0.1, 1.51, 3.03, 2.09, -1.89, 1.04, 2.56, 1.62, 3.14, -0.95, 0.57, -0.37, 1.15, -0.84, 0.68, -0.26, 1.26, 2.67, -1.31, 3.25, -0.73, 2.2, -1.78, 2.78, -1.2, 0.21, 1.73, 0.79, 2.31] },
  unfold: { shape: [1, 8, 12], values: [0.0, 0.0, 0.0, 0.0, 0.0, 3.03, 1.04, -0.95, 0.0, 2.09, 0.1, -1.89, 0.0, 0.0, 0.0, 0.0, 3.03, 1.04, -0.95, 0.0, 2.09, 0.1, -1.89, 0.0, 0.0, -2.0, 1.51, -0.48, 0.0, 2.56, 0.57, -1.42, 0.0, 0.0, 0.0, 0.0, -2.0, 1.51, -0.48, 0.0, 2.56, 0.57, -1.42, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.15, -0.84, 2.67, 0.0, 0.21, -1.78, 1.73, 0.0, 0.0, 0.0, 0.0, 1.15, -0.84, 2.67, 0.0, 0.21, -1.78, 1.73, 0.0, 0.0, 1.62, -0.37, 3.14, 0.0, 0.68, -1.31, 2.2, 0.0, 0.0, 0.0, 0.0, 1.62, -0.37, 3.14, 0.0, 0.68, -1.31, 2.2, 0.0, 0.0, 0.0, 0.0, 0.0] },
  fold: { shape: [1, 2, 4, 3], values: [6.61, 2.63, -1.35, -1.79, 5.23, 1.25, 1.69, -2.29, 4.73, 4.29, 0.31, -3.67, 2.57, -1.41, 5.61, 5.17, 1.19, -2.79, -2.35, 4.67, 0.69, 0.25, 7.27, 3.29] },
  sequences: { shape: [2, 3, 3], values: [-2.0, 1.51, -0.48, -0.48, 3.03, 1.04, 1.04, -0.95, 2.56, 0.57, -1.42, 2.09, 2.09, 0.1, -1.89, -1.89, 1.62, -0.37] },
  batchNorm: { shape: [2, 3, 2], values: [-4.8975, 2.11899, 0.45997, 2.21475, -0.65809, -2.64412, 4.21794, 0.23993, -0.00997, 1.74481, -1.59621, -3.58224] },
  layerNorm: { shape: [2, 4], values: [-1.31504, 1.14053, -0.06013, -1.01504, 0.18769, -2.70341, 0.90085, 0.48769] },
  layerNormAxes: { shape: [2, 2, 3], values: [-1.40474, 0.68599, -0.49935, 1.59137, 0.40603, -0.77931, 1.35502, 0.14311, -1.06879, 1.06879, -0.14311, -1.35502] },
  bce: { shape: [5], values: [0.10536, 0.10536, 1.60944, 0.91629, 0.69315] },
  bceLogits: { shape: [5], values: [0.12693, 0.04859, 1.31326, 0.97408, 0.69315] },
  psnr: { shape: [], values: [15.94882] },
  multiHot: { shape: [2, 4], values: [0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0] },
  multiHot3: { shape: [2, 2, 4], values: [1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0] },
  multiHotAxis0: { shape: [4, 2], values: [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0] },
};

async function expectClose(actual: Tensor, expected: Expected, atol = 2e-4): Promise<void> {
  expect(actual.shape).toEqual(expected.shape);
  const data = await actual.data();
  expected.values.forEach((value, i) => expect(Math.abs(data[i] - value), `element ${i}: ${data[i]} vs ${value}`).toBeLessThanOrEqual(atol));
}

describe('depthToSpace and spaceToDepth', () => {
  it('match Keras 3.16 in both data formats', onBothBackends(async () => {
    await expectClose(ops.depthToSpace(ramp([1, 2, 2, 8]), 2), KERAS.depthToSpace);
    await expectClose(ops.depthToSpace(ramp([1, 8, 2, 2]), 2, 'channels_first'), KERAS.depthToSpaceChannelsFirst);
    await expectClose(ops.spaceToDepth(ramp([1, 4, 4, 2]), 2), KERAS.spaceToDepth);
    await expectClose(ops.spaceToDepth(ramp([1, 2, 4, 4]), 2, 'channels_first'), KERAS.spaceToDepthChannelsFirst);
  }));

  it('are differentiable', async () => {
    expect((await gradCheck((x) => ops.depthToSpace(x, 2), [[1, 1, 2, 4]])).message).toBe('ok');
  });

  it('errors', () => {
    expect(() => ops.depthToSpace(ramp([1, 2, 2, 6]), 2)).toThrow('depthToSpace: the channel axis of x [1,2,2,6] has 6 entries, which must be a multiple of blockSize² = 4.');
    expect(() => ops.spaceToDepth(ramp([1, 3, 4, 1]), 2)).toThrow('spaceToDepth: height 3 and width 4 of x [1,3,4,1] must be multiples of blockSize 2.');
    expect(() => ops.spaceToDepth(ramp([4, 4, 1]), 2)).toThrow('spaceToDepth: x must have rank 4 [batch, height, width, channels], got shape [4,4,1] (rank 3).');
    expect(() => ops.depthToSpace(ramp([1, 2, 2, 4]), 0)).toThrow('depthToSpace: blockSize must be a positive integer, got 0.');
  });
});

describe('unfold and fold', () => {
  it('match Keras 3.16 with padding and unequal strides', onBothBackends(async () => {
    await expectClose(ops.unfold(ramp([1, 2, 4, 3]), 2, { padding: 1, stride: [2, 1] }), KERAS.unfold);
    await expectClose(ops.fold(ramp([1, 8, 12]), [4, 3], 2, { padding: 1, stride: [2, 1] }), KERAS.fold);
  }));

  it("are differentiable (each the other's gradient)", async () => {
    expect((await gradCheck((x) => ops.unfold(x, [2, 1], { dilation: [1, 2], padding: [0, 1] }), [[1, 2, 3, 2]])).message).toBe('ok');
    expect((await gradCheck((x) => ops.fold(x, 3, 2), [[1, 4, 4]])).message).toBe('ok');
  });

  it('free every intermediate', onBothBackends(async () => {
    const x = ramp([1, 2, 4, 3]);
    const before = memory().liveTensors;
    const columns = ops.unfold(x, 2);
    const image = ops.fold(columns, [4, 3], 2);
    expect(memory().liveTensors).toBe(before + 2);
    for (const t of [x, columns, image]) t.dispose();
  }));

  it('errors', () => {
    expect(() => ops.unfold(ramp([2, 4, 3]), 2)).toThrow('unfold: x must have rank 4 [batch, channels, height, width], got shape [2,4,3] (rank 3).');
    expect(() => ops.unfold(ramp([1, 1, 2, 2]), 3)).toThrow('unfold: no block of kernelSize 3 fits in x [1,1,2,2] with the given dilation and padding.');
    expect(() => ops.unfold(ramp([1, 1, 4, 4]), 2, { padding: -1 })).toThrow('unfold: padding must be a non-negative integer or a pair [height, width] of them, got -1.');
    expect(() => ops.fold(ramp([1, 6, 4]), 3, 2)).toThrow('fold: axis 1 of x [1,6,4] has 6 entries, which must be a multiple of kernelHeight * kernelWidth = 4.');
    expect(() => ops.fold(ramp([1, 4, 5]), 3, 2)).toThrow('fold: x [1,4,5] holds 5 blocks, but kernelSize 2 places 4 in an output of 3x3 with the given dilation, padding and stride.');
  });
});

describe('extractSequences', () => {
  it('matches Keras 3.16 and is differentiable', onBothBackends(async () => {
    await expectClose(ops.extractSequences(ramp([2, 7]), 3, 2), KERAS.sequences);
    expect(await ops.extractSequences(int32([1, 2, 3, 4, 5, 6], [6]), 3, 2).array()).toEqual([[1, 2, 3], [3, 4, 5]]);
  }));

  it('gradient adds the overlaps', async () => {
    expect((await gradCheck((x) => ops.extractSequences(x, 3, 2), [[2, 6]])).message).toBe('ok');
  });

  it('errors', () => {
    expect(() => ops.extractSequences(ramp([2, 4]), 5, 1)).toThrow('extractSequences: sequenceLength 5 is longer than the last axis of x [2,4] (4).');
    expect(() => ops.extractSequences(ramp([4]), 2, 0)).toThrow('extractSequences: sequenceStride must be a positive integer, got 0.');
  });
});

describe('batchNormalization and layerNormalization', () => {
  it('match Keras 3.16', onBothBackends(async () => {
    const vector = (values: number[]) => tensor(values, [values.length]);
    await expectClose(ops.batchNormalization(ramp([2, 3, 2]), vector([0.5, -1, 2]), vector([1, 4, 0.25]), 1, vector([0.1, 0.2, 0.3]), vector([2, 1, 0.5])), KERAS.batchNorm);
    await expectClose(ops.layerNormalization(ramp([2, 4]), vector([1, 2, 0.5, -1]), vector([0, 0.1, 0.2, 0.3])), KERAS.layerNorm);
    await expectClose(ops.layerNormalization(ramp([2, 2, 3]), null, null, [1, 2], 1e-3), KERAS.layerNormAxes);
    // keras.ops.layer_normalization's docstring example.
    await expectClose(ops.layerNormalization(ops.arange(5)), { shape: [5], values: [-1.4142135, -0.70710677, 0, 0.7071067, 1.4142135] });
  }));

  it('are differentiable', async () => {
    const batchNorm = (x: Tensor, m: Tensor, v: Tensor, o: Tensor, s: Tensor) => ops.batchNormalization(x, m, v, 0, o, s);
    expect((await gradCheck(batchNorm, [[2, 3], [2], [2], [2], [2]], { low: 0.5, high: 1.5 })).message).toBe('ok');
    expect((await gradCheck((x, g, b) => ops.layerNormalization(x, g, b), [[2, 4], [4], [4]])).message).toBe('ok');
  });

  it('errors', () => {
    const x = ramp([2, 3]);
    expect(() => ops.batchNormalization(x, ramp([2]), ramp([3]), 1)).toThrow("batchNormalization: mean must be a vector of x's size along axis 1, [3] (x has shape [2,3]), got shape [2].");
    expect(() => ops.batchNormalization(x, ramp([3]), ramp([3]), 2)).toThrow('batchNormalization: axis 2 is out of range for a tensor of rank 2');
    expect(() => ops.layerNormalization(x, ramp([2]))).toThrow('layerNormalization: gamma of shape [2] does not fit x of shape [2,3] normalized over axes [1]; expected the sizes of those axes, [3].');
    expect(() => ops.layerNormalization(x, null, null, -1, -1)).toThrow('layerNormalization: Invalid value for argument epsilon. Expected a non-negative number. Received: epsilon=-1.');
  });
});

describe('binaryCrossentropy, psnr, multiHot', () => {
  it('binaryCrossentropy matches Keras 3.16, from probabilities and from logits', onBothBackends(async () => {
    const target = tensor([0, 1, 1, 0, 0.3]);
    await expectClose(ops.binaryCrossentropy(target, tensor([0.1, 0.9, 0.2, 0.6, 0.5])), KERAS.bce);
    await expectClose(ops.binaryCrossentropy(target, tensor([-2, 3, -1, 0.5, 0]), { fromLogits: true }), KERAS.bceLogits);
    // Probabilities clipped to [1e-7, 1 - 1e-7]: -log(1e-7) at most.
    const [clipped] = await ops.binaryCrossentropy(tensor([1]), tensor([0])).data();
    expect(clipped).toBeCloseTo(16.118, 2);
  }));

  it('binaryCrossentropy is differentiable in both arguments', async () => {
    expect((await gradCheck((t, p) => ops.binaryCrossentropy(t, p), [[4], [4]], { low: 0.2, high: 0.8 })).message).toBe('ok');
    expect((await gradCheck((t, x) => ops.binaryCrossentropy(t, x, { fromLogits: true }), [[4], [4]])).message).toBe('ok');
  });

  it('psnr matches Keras 3.16 and is differentiable', onBothBackends(async () => {
    const noise = tensor([0.1, -0.2, 0, 0.3, 0.05, -0.1], [2, 3]);
    await expectClose(ops.psnr(ramp([2, 3]), ramp([2, 3]).add(noise), 1), KERAS.psnr, 1e-3);
  }));

  it('psnr gradient', async () => {
    expect((await gradCheck((a, b) => ops.psnr(a, b, 2), [[2, 2], [2, 2]])).message).toBe('ok');
  });

  it('multiHot matches Keras 3.16 (its reduction over axis 1)', onBothBackends(async () => {
    await expectClose(ops.multiHot(int32([1, 3, 0, 0], [2, 2]), 4), KERAS.multiHot);
    await expectClose(ops.multiHot(int32([1, 3, 0, 0, 2, 2, 3, 1], [2, 2, 2]), 4), KERAS.multiHot3);
    await expectClose(ops.multiHot(int32([1, 3, 0, 0], [2, 2]), 4, 0), KERAS.multiHotAxis0);
    const ids = ops.multiHot(int32([0, 2, 2], [3]), 3, -1, 'int32');
    expect(ids.dtype).toBe('int32');
    expect(await ids.array()).toEqual([1, 0, 1]);
  }));

  it('errors', () => {
    expect(() => ops.binaryCrossentropy(tensor([1, 0]), tensor([0.5]))).toThrow('binaryCrossentropy: target and output must have the same shape. Received: target.shape=[2], output.shape=[1].');
    expect(() => ops.binaryCrossentropy(tensor([1]), tensor([0.5]), { from_logits: true } as never)).toThrow("binaryCrossentropy: unknown option 'from_logits' (did you mean 'fromLogits'?)");
    expect(() => ops.psnr(tensor([1, 2]), tensor([1]), 1)).toThrow('psnr: input shapes [2] and [1] must match.');
    expect(() => ops.psnr(tensor([1]), tensor([1]), 0)).toThrow('psnr: maxVal must be a positive number, got 0.');
    expect(() => ops.multiHot(int32([1], [1]), 0)).toThrow('multiHot: numClasses must be a positive integer, got 0.');
  });
});
