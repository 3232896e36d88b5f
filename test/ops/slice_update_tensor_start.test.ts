// ops.sliceUpdate at starts given as tensors (keras.ops.slice_update with a position computed on
// the device, as keras-io's forward-forward label overlay or a cache index): the block lands
// where the tensor says, a start that would overflow is clamped (dynamic_update_slice), and the
// values, gradients and errors match the number path.

import { describe, expect, it } from 'vitest';
import { memory, ops, scalar, tensor, type Tensor } from '../../src/node';
import { gradCheck } from '../autograd/gradcheck';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

const int32 = (list: number[], shape: number[] = [list.length]) => tensor(list, shape, 'int32');
const grid = () => tensor([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]);
const block = () => tensor([[-1, -2], [-3, -4]]);

describe('sliceUpdate with tensor starts', () => {
  it('writes where scalar tensors, a mix of numbers and tensors, or one index tensor say', onBothBackends(async () => {
    const expected = [[1, 2, 3, 4], [5, 6, -1, -2], [9, 10, -3, -4]];
    expect(await ops.sliceUpdate(grid(), [scalar(1, 'int32'), scalar(2, 'int32')], block()).array()).toEqual(expected);
    expect(await ops.sliceUpdate(grid(), [scalar(1, 'int32'), 2], block()).array()).toEqual(expected);
    expect(await ops.sliceUpdate(grid(), int32([1, 2]), block()).array()).toEqual(expected);
    // Clamped into the inputs, as JAX/TF's dynamic_update_slice: [2, 3] -> [1, 2], [-1, 0] -> [0, 0].
    expect(await ops.sliceUpdate(grid(), int32([2, 3]), block()).array()).toEqual(expected);
    expect(await ops.sliceUpdate(grid(), int32([-1, 0]), block()).array()).toEqual([[-1, -2, 3, 4], [-3, -4, 7, 8], [9, 10, 11, 12]]);
    // The forward-forward overlay: a one-hot of a label tensor, scaled, in float inputs; int updates are cast.
    expect(await ops.sliceUpdate(ops.zeros([5]), [scalar(3, 'int32')], tensor([0.5])).array()).toEqual([0, 0, 0, 0.5, 0]);
    const ints = ops.sliceUpdate(int32([1, 2, 3]), [scalar(1, 'int32')], tensor([7.9]));
    expect([ints.dtype, await ints.array()]).toEqual(['int32', [1, 7, 3]]);
    // Only the result stays alive: the starts' clamping, offsets and masks are freed.
    const [inputs, starts, row, updates] = [grid(), int32([1, 2]), scalar(1, 'int32'), block()];
    const before = memory().liveTensors;
    ops.sliceUpdate(inputs, starts, updates).dispose();
    const result = ops.sliceUpdate(inputs, [row, 2], updates);
    expect(memory().liveTensors).toBe(before + 1);
    result.dispose();
  }));

  it('is differentiable in the inputs and the updates', async () => {
    const result = await gradCheck((x: Tensor, u: Tensor) => ops.sliceUpdate(x, [scalar(1, 'int32'), 0], u), [[3, 2], [1, 2]]);
    expect(result.message).toBe('ok');
  });

  it('says what a start must be, naming tensors by dtype and shape', () => {
    expect(() => ops.sliceUpdate(grid(), [scalar(1.5), 0], block())).toThrow(/startIndices must be 2 non-negative integers, .*; got \[a float32 tensor of shape \[\], 0\]\. A start may also be an int32 scalar tensor/);
    expect(() => ops.sliceUpdate(grid(), int32([1]), block())).toThrow(/got a int32 tensor of shape \[1\]\..*one int32 tensor of shape \[2\]/);
    expect(() => ops.sliceUpdate(grid(), [0, -1], block())).toThrow(/got \[0, -1\]/);
    expect(() => ops.sliceUpdate(grid(), [scalar(0, 'int32'), 0], ops.zeros([4, 1]))).toThrow(/do not fit in inputs of shape \[3,4\] \(dimension 0: 4 > 3\)/);
  });
});
