// Sum and Mean take a list of values as Keras's update_state does: numbers (the docstring's
// `update_state([1, 3, 5, 7])`) or scalar tensors (keras-io's forward-forward `update_state([loss])`),
// with sample weights as for a tensor; a list of something else names what it holds.

import { describe, expect, it } from 'vitest';
import { metrics, scalar, tensor } from '../../src/node';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

describe('Sum and Mean on lists', () => {
  it('take numbers and scalar tensors, weighted as a tensor of them (Keras docstring values)', onBothBackends(async () => {
    const mean = new metrics.Mean();
    mean.updateState([1, 3, 5, 7]);
    expect(await mean.result().data()).toEqual(new Float32Array([4]));
    mean.resetState();
    mean.updateState([1, 3, 5, 7], tensor([1, 1, 0, 0]));
    expect(await mean.result().data()).toEqual(new Float32Array([2]));
    mean.resetState();
    mean.updateState([scalar(2)]);
    mean.updateState([scalar(4), 6]);
    expect(await mean.result().data()).toEqual(new Float32Array([4]));
    const total = new metrics.Sum();
    total.updateState([scalar(1), scalar(2, 'int32')]);
    expect(await total.result().data()).toEqual(new Float32Array([3]));
  }));

  it('say what a list held that is not a number or a tensor', () => {
    expect(() => new metrics.Mean().updateState([] as number[])).toThrow(/values is an empty list/);
    expect(() => new metrics.Mean().updateState(['1'] as unknown as number[])).toThrow(/each of values must be a Tensor, got string/);
  });
});
