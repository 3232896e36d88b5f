// model.loss is the loss given to compile, as given (Keras 3's Trainer sets `self.loss = loss`):
// keras.io's Barlow Twins calls `self.loss(z_a, z_b)` in its custom train_step.

import { describe, expect, it } from 'vitest';
import { GradientTape, Input, Model, Sequential, layers, losses, ops, optimizers, type Tensor } from '../../src/node';

describe('Model.loss', () => {
  it('is null before compile and without a loss, the object or name given otherwise, and a custom trainStep can use it', async () => {
    const model = new Sequential([Input({ shape: [2] }), new layers.Dense({ units: 2 })]);
    expect(model.loss).toBeNull();
    model.compile({ loss: 'mse' });
    expect(model.loss).toBe('mse');
    model.compile({ optimizer: 'sgd' });
    expect(model.loss).toBeNull();

    // A two-view model whose trainStep scores one view's output against the other's with this.loss.
    class TwoViews extends Model {
      encoder = new layers.Dense({ units: 2, kernelInitializer: 'ones' });
      call(x: Tensor) { return this.encoder.apply(x) as Tensor; }
      trainStep([a, b]: [Tensor, Tensor]) {
        const tape = new GradientTape();
        const loss = tape.record(() => (this.loss as losses.Loss).apply(this.apply(a) as Tensor, this.apply(b) as Tensor));
        const vars = this.trainableVariables;
        this.optimizer.applyGradients(tape.gradient(loss, vars).map((g, i) => [g, vars[i]]));
        return { loss };
      }
    }
    const twin = new TwoViews();
    const mse = new losses.MeanSquaredError();
    twin.compile({ optimizer: new optimizers.SGD({ learningRate: 0 }), loss: mse });
    expect(twin.loss).toBe(mse);
    const a = ops.ones([4, 2]), b = ops.zeros([4, 2]);
    const history = await twin.fit(a, b, { epochs: 1, batchSize: 4, verbose: 0 });
    // Ones through a kernel of ones and a zero bias give 2s; against 0s, the mean squared error is 4.
    expect(history.history.loss[0]).toBeCloseTo(4, 5);
  });
});
