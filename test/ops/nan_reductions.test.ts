// The NaN-ignoring reductions (and amax, amin, percentile) of src/ops/nan_reductions.ts on both
// backends, against values computed by Keras 3.16 (NumPy backend); their gradients by finite
// differences; memory; and the errors users meet.

import { describe, expect, it } from 'vitest';
import { memory, ops, tensor, type Tensor } from '../../src/node';
import { gradCheck } from '../autograd/gradcheck';
import { expectTensorClose, onBothBackends, settleGarbage, useWebGPU } from '../helpers';

useWebGPU();

const int32 = (list: number[], shape: number[] = [list.length]) => tensor(list, shape, 'int32');

/** A [3, 4] tensor with NaN in every row and an all-NaN middle row. */
const withNaN = () => tensor([1, NaN, 3, -2, NaN, NaN, NaN, NaN, 4, 0.5, NaN, 7], [3, 4]);

describe('NaN-ignoring reductions (Keras 3.16 values)', () => {
  // keras.ops.<name>(x, axis=1), (x, axis=0) and (x) for the tensor of withNaN().
  const cases: Array<[string, (x: Tensor, axis?: number) => Tensor, number[], number[], number]> = [
    ['nansum', ops.nansum, [2, 0, 11.5], [5, 0.5, 3, 5], 13.5],
    ['nanmean', ops.nanmean, [0.6666666865348816, NaN, 3.8333332538604736], [2.5, 0.5, 3, 2.5], 2.25],
    ['nanmax', ops.nanmax, [3, NaN, 7], [4, 0.5, 3, 7], 7],
    ['nanmin', ops.nanmin, [-2, NaN, 0.5], [1, 0.5, 3, -2], -2],
    ['nanprod', ops.nanprod, [-6, 1, 14], [4, 0.5, 3, -14], -84],
    ['nanstd', ops.nanstd, [2.054804801940918, NaN, 2.6562297344207764], [1.5, 0, 0, 4.5], 2.854090690612793],
    ['nanvar', ops.nanvar, [4.222222328186035, NaN, 7.055555820465088], [2.25, 0, 0, 20.25], 8.145833015441895],
    ['nanargmax', ops.nanargmax, [2, -1, 3], [2, 2, 0, 2], 11],
    ['nanargmin', ops.nanargmin, [3, -1, 1], [0, 2, 0, 0], 3],
    ['nanmedian', ops.nanmedian, [1, NaN, 4], [2.5, 0.5, 3, 2.5], 2],
  ];
  for (const [name, op, alongRows, alongColumns, overAll] of cases) {
    it(`${name} over axis 1, axis 0 and every axis`, onBothBackends(async () => {
      const x = withNaN();
      await expectTensorClose(op(x, 1), alongRows);
      await expectTensorClose(op(x, 0), alongColumns);
      const total = op(x);
      expect(total.shape).toEqual([]);
      await expectTensorClose(total, [overAll]);
    }));
  }

  it('keepDims, dtypes, and int32 inputs', onBothBackends(async () => {
    expect(ops.nansum(withNaN(), 1, true).shape).toEqual([3, 1]);
    expect(ops.nanargmax(withNaN(), 1, true).dtype).toBe('int32');
    const xi = int32([3, 1, 2, 5, 9, 4], [2, 3]);
    // keras.ops.<name>(xi, axis=1) for int32 xi: sums, products, max and argmax stay int32.
    for (const [op, expected, dtype] of [
      [ops.nansum, [6, 18], 'int32'], [ops.nanprod, [6, 180], 'int32'], [ops.nanmax, [3, 9], 'int32'], [ops.nanargmax, [0, 1], 'int32'],
      [ops.nanmean, [2, 6], 'float32'], [ops.nanstd, [0.8164966106414795, 2.1602468490600586], 'float32'], [ops.nanmedian, [2, 5], 'float32'],
      [ops.amax, [3, 9], 'int32'],
    ] as Array<[(x: Tensor, axis: number) => Tensor, number[], string]>) {
      const y = op(xi, 1);
      expect(y.dtype).toBe(dtype);
      await expectTensorClose(y, expected);
    }
    const scanned = ops.nancumsum(xi, 1);
    expect(scanned.dtype).toBe('int32');
    expect(await scanned.array()).toEqual([[3, 4, 6], [5, 14, 18]]);
  }));

  it('nancumsum and nancumprod', onBothBackends(async () => {
    expect(await ops.nancumsum(withNaN(), 1).array()).toEqual([[1, 1, 4, 2], [0, 0, 0, 0], [4, 4.5, 4.5, 11.5]]);
    expect(await ops.nancumsum(withNaN()).array()).toEqual([1, 1, 4, 2, 2, 2, 2, 2, 6, 6.5, 6.5, 13.5]);
    expect(await ops.nancumprod(withNaN(), 0).array()).toEqual([[1, 1, 3, -2], [1, 1, 3, -2], [4, 0.5, 3, -14]]);
    expect((await ops.nancumsum(tensor([1.5, NaN, 2]), 0, 'int32').array())).toEqual([1, 1, 3]);
  }));

  it('nanquantile, nanpercentile and their methods', onBothBackends(async () => {
    const x = withNaN();
    const two = ops.nanquantile(x, [0.25, 0.9], 1);
    expect(two.shape).toEqual([2, 3]);
    await expectTensorClose(two, [-0.5, NaN, 2.25, 2.5999999046325684, NaN, 6.400000095367432]);
    // keras.ops.nanquantile(x, 0.4, axis=1, method=...)
    const methods: Array<[string, number[]]> = [['lower', [-2, NaN, 0.5]], ['higher', [1, NaN, 4]], ['nearest', [1, NaN, 4]], ['midpoint', [-0.5, NaN, 2.25]]];
    for (const [method, expected] of methods) await expectTensorClose(ops.nanquantile(x, 0.4, 1, { method: method as 'lower' }), expected);
    const percent = ops.nanpercentile(x, 30, 1, { keepDims: true });
    expect(percent.shape).toEqual([3, 1]);
    await expectTensorClose(percent, [-0.20000000298023224, NaN, 2.5999999046325684]);
  }));

  it('several axes, keepDims, and a list of percentiles', onBothBackends(async () => {
    const x = tensor([1, NaN, 5, 2, 8, NaN, NaN, 3, -1, NaN, NaN, NaN], [2, 2, 3]);
    // keras.ops.nanpercentile(x, [30, 60], axis=(0, 2), keepdims=True) and friends.
    const percent = ops.nanpercentile(x, [30, 60], [0, 2], { keepDims: true });
    expect(percent.shape).toEqual([2, 1, 2, 1]);
    await expectTensorClose(percent, [0.800000011920929, 3.799999952316284, 2.5999999046325684, 5.599999904632568]);
    const mean = ops.nanmean(x, [0, 2], true);
    expect(mean.shape).toEqual([1, 2, 1]);
    await expectTensorClose(mean, [2, 5]);
    const smallest = ops.nanargmin(x, 2, true);
    expect(smallest.shape).toEqual([2, 2, 1]);
    expect(await smallest.data()).toEqual(Int32Array.from([0, 0, 2, -1]));
    const largest = ops.nanargmax(x, undefined, true);
    expect(largest.shape).toEqual([1, 1, 1]);
    expect(await largest.data()).toEqual(Int32Array.from([4]));
  }));

  it('percentile, amax and amin', onBothBackends(async () => {
    const x = tensor([[10, 7, 4], [3, 2, 1]]);
    const p = ops.percentile(x, [25, 50, 100], 1);
    expect(p.shape).toEqual([3, 2]);
    expect(await p.array()).toEqual([[5.5, 1.5], [7, 2], [10, 3]]);
    await expectTensorClose(ops.percentile(x, 50), [3.5]);
    await expectTensorClose(ops.amax(tensor([[1, NaN, 3, -2], [4, 0.5, NaN, 7]]), 0), [4, NaN, NaN, 7]);
    expect(await ops.amin(tensor([[1, 5], [3, 0]]), 1, true).array()).toEqual([[1], [0]]);
  }));

  it('gradients skip the NaN elements', async () => {
    const values = [[0.3, NaN, -0.7, 0.9, NaN, 0.1, 0.5, -0.2]];
    for (const f of [
      (x: Tensor) => ops.nansum(x, 1), (x: Tensor) => ops.nanmean(x, 1), (x: Tensor) => ops.nanvar(x, 1),
      (x: Tensor) => ops.nanstd(x), (x: Tensor) => ops.nanmax(x, 0), (x: Tensor) => ops.nanprod(x, 1),
      (x: Tensor) => ops.nancumsum(x, 1), (x: Tensor) => ops.nanquantile(x, [0.3, 0.5], 1), (x: Tensor) => ops.percentile(ops.nanToNum(x), 60, 1),
    ]) {
      const result = await gradCheck(f, [[2, 4]], { values });
      expect(result.message).toBe('ok');
    }
  });

  it('leaves no intermediate tensors behind', async () => {
    const x = withNaN();
    await settleGarbage();
    const before = memory().liveTensors;
    const results = [
      ops.nanvar(x, 1), ops.nanstd(x), ops.nanmax(x, 0), ops.nanargmax(x), ops.nancumprod(x, 1),
      ops.nanquantile(x, [0.2, 0.7], 0), ops.nanpercentile(x, 40, 1, { method: 'midpoint' }), ops.percentile(x, 10),
    ];
    expect(memory().liveTensors).toBe(before + results.length);
    results.forEach((t) => t.dispose());
  });
});

describe('errors name the op and what was expected', () => {
  it('rejects bad arguments before any GPU work', () => {
    const x = withNaN();
    expect(() => ops.nansum(x, 2)).toThrow(/nansum: axis 2 is out of range for a tensor of rank 2/);
    expect(() => ops.nanargmax(x, -3)).toThrow(/nanargmax: axis -3 is out of range/);
    expect(() => ops.nanquantile(x, 1.5)).toThrow(/nanquantile: Invalid value for argument q/);
    expect(() => ops.nanquantile(x, 0.5, 0, { method: 'cubic' as 'linear' })).toThrow(/nanquantile: Invalid value for argument method/);
    expect(() => ops.percentile(x, 120)).toThrow(/percentile: Invalid value for argument q. Expected a number in \[0, 100\]/);
    expect(() => ops.nanmedian(tensor([], [0]))).toThrow(/nanmedian: cannot take a quantile of an empty slice/);
  });
});
