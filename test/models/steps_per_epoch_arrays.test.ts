// fit's stepsPerEpoch on data in memory (Keras 3's steps_per_epoch on arrays): an epoch is that
// many batches, the pass over the data goes on across epochs, and an epoch that reaches the end of
// the pass stops there with Keras's "ran out of data" warning; the next epoch starts a new pass.

import { describe, expect, it, vi } from 'vitest';
import { Sequential, callbacks, layers, ops } from '../../src/node';

describe('fit stepsPerEpoch on arrays', () => {
  it('takes that many batches an epoch, continuing the pass across epochs', async () => {
    const model = new Sequential([layers.Input({ shape: [2] }), new layers.Dense({ units: 1 })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = ops.reshape(ops.arange(0, 20, 1), [10, 2]);
    const y = ops.ones([10, 1]);
    const sizes: number[][] = [];
    const record = new callbacks.LambdaCallback({ onEpochBegin: () => void sizes.push([]), onTrainBatchEnd: (_, logs) => void sizes.at(-1)!.push(logs.size) });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const history = await model.fit(x, y, { batchSize: 4, epochs: 4, stepsPerEpoch: 2, shuffle: false, verbose: 0, callbacks: [record] });
      // 10 samples are batches of 4, 4 and 2: the second epoch gets the last batch alone.
      expect(sizes).toEqual([[4, 4], [2], [4, 4], [2]]);
      expect(history.history.loss).toHaveLength(4);
      expect(warn).toHaveBeenCalledTimes(2);
      expect(String(warn.mock.calls[0][0])).toContain('Your input ran out of data; interrupting training.');
      expect(history.params.steps).toBe(2);
    } finally {
      warn.mockRestore();
    }
  });
});
