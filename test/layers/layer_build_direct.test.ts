// A layer whose `build` is called directly (Keras's build wrapper): it is built from then on, so a
// custom layer that builds its sublayers in its own build (keras.io's PixelCNN) has each weight once.

import { describe, expect, it } from 'vitest';
import { Input, Layer, Model, layers, ops, type Shape, type Tensor } from '../../src/node';
import { useWebGPU } from '../helpers';

useWebGPU();

/** keras.io PixelCNN's pattern: a Conv2D held by a layer and built in the layer's build. */
class WrappedConv extends Layer {
  conv = new layers.Conv2D({ filters: 2, kernelSize: 3 });
  override build(inputShape: Shape): void {
    this.conv.build(inputShape);
  }
  override call(inputs: Tensor): Tensor {
    return this.conv.apply(inputs);
  }
}

describe('Layer.build called directly', () => {
  it('marks the layer built with its input shape, so apply does not make the weights again', () => {
    const dense = new layers.Dense({ units: 3 });
    dense.build([null, 4]);
    expect(dense.built).toBe(true);
    expect(dense.buildInputShape).toEqual([null, 4]);
    const kernel = dense.weights[0];
    dense.apply(ops.ones([2, 4]));
    expect(dense.weights).toHaveLength(2);
    expect(dense.weights[0]).toBe(kernel);

    const inputs = Input({ shape: [5, 5, 1] });
    const wrapped = new WrappedConv();
    const model = new Model({ inputs, outputs: wrapped.apply(inputs) });
    expect(model.weights.map((w) => w.name)).toEqual([`${wrapped.conv.name}/kernel`, `${wrapped.conv.name}/bias`]);
    expect(model.countParams()).toBe(3 * 3 * 1 * 2 + 2);
    expect(model.trainableWeights).toHaveLength(2);
  });
});
