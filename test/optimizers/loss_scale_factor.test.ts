// The base optimizer's lossScaleFactor (Keras 3's `loss_scale_factor`): scaleLoss multiplies the
// loss by it, and apply divides the gradients by it first, before gradient accumulation and
// clipping; fit reports the unscaled loss. Expected values are Keras 3.15.1's (JAX backend):
//
//   import keras, numpy as np
//   def run(opt, steps):
//       v = keras.Variable(np.array([1.0, 2.0, 3.0], dtype="float32"), name="v")
//       out = []
//       for g in steps:
//           opt.apply([keras.ops.convert_to_tensor(np.array(g, dtype="float32"))], [v])
//           out.append(np.asarray(v.value).tolist())
//       return out
//   G = [[4.0, -8.0, 2.0], [2.0, 2.0, -4.0], [-1.0, 3.0, 0.5], [0.0, 1.0, 1.0]]
//   run(keras.optimizers.SGD(0.1, momentum=0.9, loss_scale_factor=4.0), G[:2])
//   run(keras.optimizers.Adam(0.1, loss_scale_factor=4.0, clipnorm=1.0, gradient_accumulation_steps=2), G)
//   float(keras.optimizers.SGD(loss_scale_factor=4.0).scale_loss(2.5))   # 10.0
//
//   m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
//   m.set_weights([np.array([[0.5], [-0.25]], "float32"), np.array([0.1], "float32")])
//   m.compile(optimizer=keras.optimizers.SGD(0.1, loss_scale_factor=8.0), loss="mse")
//   x = np.array([[1, 2], [3, -1], [0.5, 0.5], [-2, 1]], "float32"); y = np.array([[1], [0], [2], [-1]], "float32")
//   h = m.fit(x, y, batch_size=2, epochs=2, shuffle=False, verbose=0)

import { describe, expect, it } from 'vitest';
import { Input, Sequential, Variable, layers, optimizers, scalar, tensor, tidy } from '../../src/node';
import { expectNumbersClose, onBothBackends, useWebGPU, valuesOf } from '../helpers';

useWebGPU();

const GRADS = [[4.0, -8.0, 2.0], [2.0, 2.0, -4.0], [-1.0, 3.0, 0.5], [0.0, 1.0, 1.0]];

async function run(optimizer: optimizers.Optimizer, steps: number[][]): Promise<number[][]> {
  const v = new Variable(tensor([1, 2, 3]), { name: 'v' });
  const out: number[][] = [];
  for (const g of steps) {
    tidy(() => optimizer.apply([tensor(g)], [v]));
    out.push(await valuesOf(v));
  }
  v.dispose();
  return out;
}

describe('lossScaleFactor', () => {
  it('divides the gradients by the factor before the update (SGD with momentum)', onBothBackends(async () => {
    const out = await run(new optimizers.SGD({ learningRate: 0.1, momentum: 0.9, lossScaleFactor: 4 }), GRADS.slice(0, 2));
    expectNumbersClose(out.flat(), [0.9, 2.2, 2.95, 0.76, 2.33, 3.005], 1e-6);
  }));

  it('unscales before gradient accumulation and clipping (Adam)', onBothBackends(async () => {
    const out = await run(new optimizers.Adam({ learningRate: 0.1, lossScaleFactor: 4, clipnorm: 1, gradientAccumulationSteps: 2 }), GRADS);
    expectNumbersClose(out.flat(), [
      1.0, 2.0, 3.0, 0.9000011086463928, 2.099998950958252, 3.0999979972839355,
      0.9000011086463928, 2.099998950958252, 3.0999979972839355, 0.8473796248435974, 2.1104485988616943, 3.104764699935913,
    ], 1e-6);
  }));

  it('scaleLoss multiplies by the factor; the config keeps it; 0 is refused', async () => {
    const sgd = new optimizers.SGD({ lossScaleFactor: 4 });
    expect(await valuesOf(tidy(() => sgd.scaleLoss(scalar(2.5))))).toEqual([10]);
    expect(sgd.getConfig().lossScaleFactor).toBe(4);
    expect(optimizers.SGD.fromConfig(sgd.getConfig()).lossScaleFactor).toBe(4);
    expect(new optimizers.SGD().getConfig()).not.toHaveProperty('lossScaleFactor');
    expect(() => new optimizers.SGD({ lossScaleFactor: 0 })).toThrow(/lossScaleFactor.*> 0/);
  });

  it('fit trains as Keras and reports the unscaled loss', onBothBackends(async () => {
    const model = new Sequential([Input({ shape: [2] }), new layers.Dense({ units: 1 })]);
    model.setWeights([tensor([[0.5], [-0.25]]), tensor([0.1])]);
    model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.1, lossScaleFactor: 8 }), loss: 'mse' });
    const x = tensor([[1, 2], [3, -1], [0.5, 0.5], [-2, 1]]);
    const y = tensor([[1], [0], [2], [-1]]);
    const history = await model.fit(x, y, { batchSize: 2, epochs: 2, shuffle: false, verbose: 0 });
    expectNumbersClose(history.history.loss, [2.255350112915039, 1.4284273386001587], 1e-5);
    const [kernel, bias] = model.getWeights();
    expectNumbersClose([...(await valuesOf(kernel)), ...(await valuesOf(bias))], [0.3950575292110443, 0.25208747386932373, 0.09066499024629593], 1e-5);
    model.dispose();
    x.dispose();
    y.dispose();
  }));
});
