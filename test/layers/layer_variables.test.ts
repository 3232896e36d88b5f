// Keras 3's variable lists on a layer: `variables` (all its state: here its weights),
// `trainableVariables`, `nonTrainableVariables` and `metricsVariables`, over nested layers.

import { describe, expect, it } from 'vitest';
import { Input, Layer, Model, layers, metrics, type Tensor } from '../../src/node';

/** A layer that tracks a metric and owns a BatchNormalization. */
class Tracked extends Layer {
  norm = new layers.BatchNormalization();
  meanOutput = new metrics.Mean({ name: 'mean_output' });

  override call(inputs: Tensor): Tensor {
    return this.norm.apply(inputs) as Tensor;
  }
}

describe('Layer variable lists', () => {
  it('lists all state, trainable and not, and the tracked metrics’ variables', () => {
    const input = Input({ shape: [3] });
    const dense = new layers.Dense({ units: 3 });
    const tracked = new Tracked();
    const model = new Model({ inputs: input, outputs: tracked.apply(dense.apply(input)) });
    const names = (vs: { name: string }[]) => vs.map((v) => v.name.split('/').at(-1));
    expect(model.variables).toEqual(model.weights);
    expect(names(model.variables)).toEqual(['kernel', 'bias', 'gamma', 'beta', 'moving_mean', 'moving_variance']);
    expect(model.trainableVariables).toEqual(model.trainableWeights);
    expect(names(model.nonTrainableVariables)).toEqual(['moving_mean', 'moving_variance']);
    expect(tracked.metricsVariables).toEqual([...tracked.meanOutput.variables]);
    expect(tracked.metricsVariables.length).toBe(2);
  });
});
