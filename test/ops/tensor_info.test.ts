// The queries and conversions of src/ops/tensor_info.ts (keras.ops.ndim, shape, size, dtype,
// is_tensor, convert_to_tensor, array, convert_to_numpy), on tensors of both backends and on the
// symbolic tensors of a functional model, and Keras's divide_no_nan name.

import { describe, expect, it } from 'vitest';
import { Input, ops, tensor, zeros } from '../../src/node';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

describe('what keras.ops says about a tensor', () => {
  it('ndim, shape, size and dtype of tensors, and of symbolic tensors with their unknown batch as null', onBothBackends(async () => {
    const x = zeros([2, 3, 4]);
    expect([ops.ndim(x), ops.shape(x), ops.size(x), ops.dtype(x)]).toEqual([3, [2, 3, 4], 24, 'float32']);
    expect(ops.dtype(tensor([1, 2], [2], 'int32'))).toBe('int32');
    const symbolic = Input({ shape: [3, 4], dtype: 'int32' });
    expect([ops.ndim(symbolic), ops.shape(symbolic), ops.size(symbolic), ops.dtype(symbolic)]).toEqual([3, [null, 3, 4], null, 'int32']);
    expect(ops.size(Input({ batchShape: [2, 5] }))).toBe(10);
  }));

  it('isTensor is true for tensors only, as Keras is for backend tensors (not for numbers, arrays or its KerasTensor)', () => {
    expect([ops.isTensor(tensor([1])), ops.isTensor([1]), ops.isTensor(1), ops.isTensor(Input({ shape: [2] }))]).toEqual([true, false, false, false]);
  });

  it('convertToTensor keeps a tensor (or casts it), uploads numbers and arrays; array always copies', onBothBackends(async () => {
    const x = tensor([1.5, -2.5]);
    expect(ops.convertToTensor(x)).toBe(x);
    expect(await ops.convertToTensor(x, 'int32').array()).toEqual([1, -2]);
    const uploaded = ops.convertToTensor([[1, 2], [3, 4]], 'int32');
    expect([uploaded.shape, uploaded.dtype, await uploaded.array()]).toEqual([[2, 2], 'int32', [[1, 2], [3, 4]]]);
    const copied = ops.array(x);
    expect(copied).not.toBe(x);
    expect(await copied.array()).toEqual([1.5, -2.5]);
    expect(await ops.convertToNumpy(tensor([[1, 2], [3, 4]]))).toEqual([[1, 2], [3, 4]]);
  }));

  it('divideNoNan is divNoNan under Keras\'s name: 0 where the divisor is 0', onBothBackends(async () => {
    expect(await ops.divideNoNan(tensor([1, 2, 3]), tensor([0, 4, 0])).array()).toEqual([0, 0.5, 0]);
  }));

  it('refuses what is not a tensor, naming the op', async () => {
    expect(() => ops.ndim([1, 2] as never)).toThrow('ndim: expected a Tensor or a symbolic tensor, got an array (wrap it with tensor(...)).');
    const disposed = tensor([1]);
    disposed.dispose();
    expect(() => ops.shape(disposed)).toThrow('shape: a tensor of shape [1] was used after it was disposed.');
    await expect(ops.convertToNumpy(3 as never)).rejects.toThrow('convertToNumpy: expected a Tensor, got number.');
  });
});
