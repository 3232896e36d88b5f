// fit's validationSplit splits as Keras's train_validation_split does: the training part is
// floor(count * (1 - validationSplit)) samples and the validation part the rest, so 96 samples at
// 0.2 train on 76 and validate on 20 (a split computed from the validation side gave 77 and 19).
// The reference is a hand-computed mean squared error over the validation rows.

import { describe, expect, it } from 'vitest';
import { Input, Sequential, layers, optimizers, tensor } from '../../src/node';

describe('fit validationSplit', () => {
  it('floors the training part, as Keras does', async () => {
    const count = 96;
    const x = tensor(Array.from({ length: count }, (_, i) => [i]));
    const model = new Sequential([Input({ shape: [1] }), new layers.Dense({ units: 1, kernelInitializer: 'zeros', useBias: false })]);
    // A zero model that does not learn: val_loss is the mean of y^2 over the validation rows.
    model.compile({ optimizer: new optimizers.SGD({ learningRate: 0 }), loss: 'mse' });
    const history = await model.fit(x, x, { epochs: 1, batchSize: count, validationSplit: 0.2, verbose: 0 });
    const validationRows = Array.from({ length: 20 }, (_, i) => 76 + i);
    const expected = validationRows.reduce((sum, v) => sum + v * v, 0) / validationRows.length;
    expect(history.history.val_loss[0]).toBeCloseTo(expected, 1);
    const trainRows = Array.from({ length: 76 }, (_, i) => i);
    expect(history.history.loss[0]).toBeCloseTo(trainRows.reduce((sum, v) => sum + v * v, 0) / 76, 1);
  });
});
