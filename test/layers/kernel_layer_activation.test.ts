// Assigning a kernel layer's activation after construction, as Keras's `layer.activation = None`
// (keras.io's Grad-CAM takes logits that way): null means linear, a name or a function is looked
// up as in the constructor, and the next call and getConfig use the new activation.

import { describe, expect, it } from 'vitest';
import { Input, Model, layers, tensor, type Tensor } from '../../src/node';
import { expectNumbersClose, onBothBackends, useWebGPU, valuesOf } from '../helpers';

useWebGPU();

/** x·kernel + bias in plain JavaScript, from the layer's weights. */
async function logitsOf(x: number[][], dense: layers.Dense): Promise<number[]> {
  const kernel = await valuesOf(dense.kernel);
  const bias = await valuesOf(dense.bias!);
  const units = dense.units;
  return x.flatMap((row) => Array.from({ length: units }, (_, j) => row.reduce((sum, v, i) => sum + v * kernel[i * units + j], bias[j])));
}

describe('KernelLayer activation assignment', () => {
  it('null gives the logits, a name applies that activation, and getConfig follows', onBothBackends(async () => {
    const rows = [[0.5, -1, 2], [1.5, 0.25, -0.75]];
    const dense = new layers.Dense({ units: 4, activation: 'softmax', biasInitializer: 'ones' });
    const x = tensor(rows);
    const softmaxOut = await valuesOf(dense.apply(x));
    expect(softmaxOut.slice(0, 4).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);

    const logits = await logitsOf(rows, dense);
    dense.activation = null;
    expectNumbersClose(await valuesOf(dense.apply(x)), logits, 1e-5);
    expect(dense.getConfig().activation).toBe('linear');

    dense.activation = 'relu';
    expectNumbersClose(await valuesOf(dense.apply(x)), logits.map((v) => Math.max(v, 0)), 1e-5);
    expect(dense.getConfig().activation).toBe('relu');
  }));

  it("a functional model's predictions become logits when its last layer's activation is set to null", onBothBackends(async () => {
    const inputs = Input({ shape: [3] });
    const outputs = new layers.Dense({ units: 2, activation: 'sigmoid', name: 'predictions' }).apply(inputs);
    const model = new Model({ inputs, outputs });
    const rows = [[1, 2, 3]];
    (model.layers.at(-1) as layers.Dense).activation = null;
    const predictions = await model.predict<Tensor>(tensor(rows));
    expectNumbersClose(await valuesOf(predictions), await logitsOf(rows, model.getLayer('predictions') as layers.Dense), 1e-5);
  }));

  it('an unknown name is refused when assigned, as in the constructor', () => {
    const conv = new layers.Conv2D({ filters: 1, kernelSize: 1 });
    expect(() => { conv.activation = 'nope'; }).toThrow(/Unknown activation function: 'nope'/);
  });
});
