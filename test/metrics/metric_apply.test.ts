// A metric is callable as in Keras, `metric(y_true, y_pred)`: `apply` updates the state with
// one batch and returns the running result (keras.io's siamese network compares embeddings
// with `CosineSimilarity()(anchor, positive)`).

import { describe, expect, it } from 'vitest';
import { metrics, tensor } from '../../src/node';

describe('Metric.apply', () => {
  it('updates the state and returns the running result', async () => {
    const similarity = new metrics.CosineSimilarity();
    // Hand-computed: rows [1,0]·[1,0] -> 1 and [0,1]·[1,1]/sqrt(2) -> 0.7071; mean 0.8536.
    const first = similarity.apply(tensor([[1, 0], [0, 1]]), tensor([[1, 0], [1, 1]]));
    expect((await first.data())[0]).toBeCloseTo((1 + Math.SQRT1_2) / 2, 5);
    // A second batch of -1: the running mean over three rows.
    const second = similarity.apply(tensor([[1, 0]]), tensor([[-1, 0]]));
    expect((await second.data())[0]).toBeCloseTo((1 + Math.SQRT1_2 - 1) / 3, 5);
    const mean = new metrics.Mean();
    expect((await mean.apply(tensor([2, 4])).data())[0]).toBe(3);
  });
});
