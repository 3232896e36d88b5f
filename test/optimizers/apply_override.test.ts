// Optimizer.apply is the one door every update goes through, as in Keras 3: applyGradients and
// fit's train step reach it, so a subclass that overrides apply (keras.io's gradient
// centralization: subtract each gradient's mean before the update) changes every update, and the
// wrapping optimizers (loss scaling, routing) run after the override.

import { describe, expect, it } from 'vitest';
import { Input, Sequential, Variable, layers, ops, optimizers, tensor, type Tensor } from '../../src/node';
import { expectValuesClose, onBothBackends, useWebGPU, valuesOf } from '../helpers';

useWebGPU();

/** SGD on centralized gradients: each gradient of rank > 1 less its mean over all axes but the last. */
class CentralizedSGD extends optimizers.SGD {
  calls = 0;
  override apply(grads: ReadonlyArray<Tensor | null | undefined>, variables?: readonly Variable[]): void {
    this.calls++;
    const centralized = grads.map((g) => (g && g.shape.length > 1 ? ops.subtract(g, ops.mean(g, [0], true)) : g));
    super.apply(centralized, variables);
  }
}

describe('Optimizer.apply overridden', () => {
  it('is what applyGradients and fit update through', onBothBackends(async () => {
    const optimizer = new CentralizedSGD({ learningRate: 1 });
    const w = new Variable(tensor([1, 2, 3, 4], [2, 2]));
    optimizer.applyGradients([[tensor([1, 0, 3, 4], [2, 2]), w]]);
    // Centralized gradient: [[-1, -2], [1, 2]]; w - g.
    expectValuesClose(await valuesOf(w), [2, 4, 2, 2]);
    expect(optimizer.calls).toBe(1);

    const model = new Sequential([Input({ shape: [3] }), new layers.Dense({ units: 2, kernelInitializer: 'ones' })]);
    const fitOptimizer = new CentralizedSGD({ learningRate: 0.1 });
    model.compile({ optimizer: fitOptimizer, loss: 'mse' });
    const kernel = model.layers[0].weights[0];
    const before = await valuesOf(kernel);
    await model.fit(tensor([1, 2, 3, 0, 1, 5], [2, 3]), tensor([0, 1, 2, 0], [2, 2]), { epochs: 1, batchSize: 2, verbose: 0 });
    expect(fitOptimizer.calls).toBe(1);
    // The kernel moved by a centralized gradient: each column's change sums to zero over the rows.
    const moved = (await valuesOf(kernel)).map((v, i) => v - before[i]);
    expect(moved.some((d) => Math.abs(d) > 1e-3)).toBe(true);
    expectValuesClose([moved[0] + moved[2] + moved[4], moved[1] + moved[3] + moved[5]], [0, 0], 0, 1e-5);
  }));

  it('runs before a LossScaleOptimizer wrapping it, and the wrappers still check their input', onBothBackends(async () => {
    const inner = new CentralizedSGD({ learningRate: 1 });
    const scaled = new optimizers.LossScaleOptimizer(inner, { initialScale: 4 });
    const w = new Variable(tensor([1, 2, 3, 4], [2, 2]));
    scaled.applyGradients([[tensor([4, 0, 12, 16], [2, 2]), w]]);
    expectValuesClose(await valuesOf(w), [2, 4, 2, 2]);
    expect(inner.calls).toBe(1);
    expect(() => scaled.applyGradients([[null, w]])).toThrow('LossScaleOptimizer.applyGradients: no gradients provided for any variable.');
    expect(() => scaled.apply([tensor([1, 2], [2])], [w])).toThrow("LossScaleOptimizer.apply: the gradient for variable '" + w.name + "' has shape [2], but the variable has shape [2,2].");
  }));
});
