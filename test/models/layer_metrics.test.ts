// Metrics a layer keeps in its properties (Keras 3 tracks metric attributes; keras.io's endpoint
// layer pattern updates one in call): model.metrics lists them after the compiled ones, so fit and
// evaluate reset and log them; a nested model's own loss tracker stays out.

import { describe, expect, it } from 'vitest';
import { Input, Layer, Model, layers, metrics, ops, optimizers, tensor, type Tensor } from '../../src/node';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

/** Passes its input through, adding its mean as a loss and tracking the values it saw. */
class Endpoint extends Layer {
  readonly seen = new metrics.Mean({ name: 'seen' });

  override call(inputs: Tensor): Tensor {
    this.seen.updateState(inputs);
    this.addLoss(ops.mean(inputs));
    return inputs;
  }
}

/** Input -> Dense(ones, no bias) -> Endpoint, so the endpoint sees the inputs themselves. */
function endpointModel(): { model: Model; endpoint: Endpoint } {
  const input = Input({ shape: [1] });
  const endpoint = new Endpoint();
  const output = endpoint.apply(new layers.Dense({ units: 1, kernelInitializer: 'ones', useBias: false }).apply(input));
  return { model: new Model({ inputs: input, outputs: output }), endpoint };
}

describe("a layer's own metrics", () => {
  it('are listed by layer.metrics and model.metrics, after the loss tracker', () => {
    const { model, endpoint } = endpointModel();
    expect(endpoint.metrics).toEqual([endpoint.seen]);
    expect(model.metricsNames).toEqual(['loss', 'seen']);
    model.compile({ optimizer: 'sgd', metrics: ['mae'] });
    expect(model.metricsNames).toEqual(['loss', 'mae', 'seen']);
  });

  it('are logged by fit and reset for evaluate', onBothBackends(async () => {
    const { model } = endpointModel();
    // A learning rate of 0 keeps the weights, so the endpoint sees exactly the inputs.
    model.compile({ optimizer: new optimizers.SGD({ learningRate: 0 }) });
    const history = await model.fit(tensor([[1], [2], [3], [4]]), undefined, { epochs: 1, batchSize: 2, verbose: 0 });
    expect(history.history.seen[0]).toBeCloseTo(2.5, 5);
    expect(history.history.loss[0]).toBeCloseTo(2.5, 5);
    // Reset before evaluating: the mean of 10 and 20 alone, not of all six values (6.67).
    const result = (await model.evaluate(tensor([[10], [20]]), undefined, { verbose: 0 })) as Record<string, number>;
    expect(result.seen).toBeCloseTo(15, 5);
  }));

  it("leave a nested model's loss tracker out, and list a shared metric once", () => {
    const { model: inner, endpoint } = endpointModel();
    inner.compile({ optimizer: 'sgd' });
    const input = Input({ shape: [1] });
    const outer = new Model({ inputs: input, outputs: inner.apply(input) });
    expect(outer.metrics).toEqual([outer.lossTracker, endpoint.seen]);
  });
});
