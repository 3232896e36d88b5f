// Text given to fit or predict (src/models/data.ts): tensors hold numbers only, so a model cannot
// take strings (keras-io's multi-label example wraps its TextVectorization in an inference model);
// the error says so and how to run the string preprocessing layer before the model.

import { describe, expect, it } from 'vitest';
import { Sequential, layers } from '../../src/node';

describe('string inputs to a model', () => {
  it('are an error that says to apply the preprocessing layer first', async () => {
    const model = new Sequential([new layers.Dense({ units: 1 })]);
    model.compile({ loss: 'mse', optimizer: 'sgd' });
    await expect(model.predict(['some text', 'more text'] as never)).rejects.toThrow(/predict: x holds strings .* apply them to the strings first .* `model\.predict\(vectorizer\.apply\(texts\)\)`/);
    await expect(model.fit([['a'], ['b']] as never, [[1], [0]], { verbose: 0 })).rejects.toThrow(/fit: x holds strings/);
  });
});
