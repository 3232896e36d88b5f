// predict of a subclassed model whose call returns nested outputs (keras.io's CaiT returns
// (logits, {block: attention}, {block: attention})): every tensor is concatenated over the
// batches and returned in the same lists and records, as Keras's tree.map_structure.

import { describe, expect, it } from 'vitest';
import { Model, layers, ops, type Tensor } from '../../src/node';
import { valuesOf } from '../helpers';

class TwoHeads extends Model {
  dense = new layers.Dense({ units: 2, kernelInitializer: 'ones' });
  call(x: Tensor) {
    const y = this.dense.apply(x) as Tensor;
    return [y, { doubled: ops.multiply(y, 2), sums: { total: ops.sum(x, -1) } }] as never;
  }
}

describe('predict with nested outputs', () => {
  it('concatenates every tensor and keeps the lists and records', async () => {
    const model = new TwoHeads();
    const x = ops.reshape(ops.arange(10), [5, 2]);
    const [y, extra] = (await model.predict(x, { batchSize: 2 })) as unknown as [Tensor, { doubled: Tensor; sums: { total: Tensor } }];
    expect(y.shape).toEqual([5, 2]);
    expect(await valuesOf(y)).toEqual([1, 1, 5, 5, 9, 9, 13, 13, 17, 17]);
    expect(await valuesOf(extra.doubled)).toEqual([2, 2, 10, 10, 18, 18, 26, 26, 34, 34]);
    expect(await valuesOf(extra.sums.total)).toEqual([1, 5, 9, 13, 17]);
    const single = (await model.predict(x.slice([0, 0], [1, 2]))) as unknown as [Tensor, unknown];
    expect(single[0].shape).toEqual([1, 2]);
  });

  it('explains an output that is not a tensor', async () => {
    class WithCount extends TwoHeads {
      override call(x: Tensor) {
        return [this.dense.apply(x) as Tensor, 3] as never;
      }
    }
    await expect(new WithCount().predict(ops.ones([2, 2]))).rejects.toThrow("predict: the model's output holds number; expected a tensor, or lists and records of tensors.");
  });
});
