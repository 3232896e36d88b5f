// ops.moments reads as Keras's tuple as well as a record: `const [mean, variance] = ops.moments(...)`
// (keras.ops.moments returns (mean, variance)), eagerly and on symbolic tensors; an option spelled
// as Keras's keyword (keepdims) is refused with the name to use instead of being ignored.

import { describe, expect, it } from 'vitest';
import { Input, Model, ops, tensor, type SymbolicTensor, type Tensor } from '../../src/node';

describe('moments result', () => {
  it('destructures by position as Keras, keeps the record, and refuses keepdims', async () => {
    // numpy: x.mean(axis=1, keepdims=True) = [[2], [5]], x.var(axis=1, keepdims=True) = [[2/3], [2/3]]
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    const [mean, variance] = ops.moments(x, [1], { keepDims: true });
    expect(mean.shape).toEqual([2, 1]);
    expect(Array.from(await mean.data())).toEqual([2, 5]);
    expect(Array.from(await variance.data()).map((v) => v.toFixed(5))).toEqual(['0.66667', '0.66667']);
    const record = ops.moments(x, [1]);
    expect(Object.keys(record)).toEqual(['mean', 'variance']);
    expect(record.variance.shape).toEqual([2]);
    expect(() => ops.moments(x, [1], { keepdims: true } as never)).toThrow(/unknown option keepdims; the only option is keepDims/);

    const input = Input({ shape: [3] });
    const [symbolicMean, symbolicVariance] = ops.moments(input as unknown as Tensor, [1]) as unknown as SymbolicTensor[];
    const model = new Model({ inputs: input, outputs: [symbolicMean, symbolicVariance] });
    const [m, v] = (await model.predict(x)) as Tensor[];
    expect(Array.from(await m.data())).toEqual([2, 5]);
    expect(Array.from(await v.data()).map((e) => e.toFixed(5))).toEqual(['0.66667', '0.66667']);
  });
});
