// The custom-layer pattern: a Layer subclass with weights made in build(), applied eagerly and
// symbolically, trained inside a functional model with compile/fit.

import { describe, expect, it } from 'vitest';
import { Input, Layer, Model, Sequential, loadModel, memory, ops, registerLayer, tensor, type LayerArgs, type Shape, type Tensor, type Variable } from '../../src/node';
import { settleGarbage, useWebGPU } from '../helpers';

useWebGPU();

class SimpleDense extends Layer {
  units: number;
  w!: Variable;
  b!: Variable;
  constructor(config: { units?: number } & LayerArgs = {}) {
    super(config);
    this.units = config.units ?? 32;
  }
  override build(inputShape: Shape) {
    this.w = this.addWeight({ name: 'kernel', shape: [inputShape.at(-1)!, this.units], initializer: 'randomNormal', trainable: true });
    this.b = this.addWeight({ name: 'bias', shape: [this.units], initializer: 'zeros', trainable: true });
  }
  override call(x: Tensor) {
    return ops.matmul(x, this.w).add(this.b);
  }
  override getConfig() {
    return { ...super.getConfig(), units: this.units };
  }
}

class InstanceNormalize extends Layer {
  epsilon = 1e-3;
  override call(x: Tensor) {
    const { mean, variance } = ops.moments(x, [1, 2], { keepDims: true });
    return x.sub(mean).div(variance.add(this.epsilon).sqrt());
  }
  override computeOutputShape(s: Shape) {
    return s;
  }
}

describe('custom layers', () => {
  it('build on first apply, with weights from addWeight', async () => {
    const layer = new SimpleDense({ units: 3 });
    expect(layer.built).toBe(false);
    const y = layer.apply(tensor([[1, 2], [3, 4]]));
    expect(layer.built).toBe(true);
    expect(y.shape).toEqual([2, 3]);
    expect(layer.weights.map((w) => w.shape)).toEqual([[2, 3], [3]]);
    expect(layer.weights[0].name).toBe(`${layer.name}/kernel`);
    expect(layer.countParams()).toBe(9);
    layer.setWeights([tensor([[1, 0, 1], [0, 1, 1]]), tensor([0.5, 0.5, 0.5])]);
    expect(await layer.apply(tensor([[1, 2]])).array()).toEqual([[1.5, 2.5, 3.5]]);
  });

  it('apply symbolically, with the shape from computeOutputShape or from tracing call', () => {
    const inputs = Input({ shape: [null, null, 3] });
    const normalized = new InstanceNormalize().apply(inputs);
    expect(normalized.shape).toEqual([null, null, null, 3]);
    const dense = new SimpleDense({ units: 4 }).apply(Input({ shape: [7] }));
    expect(dense.shape).toEqual([null, 4]);
  });

  it('InstanceNormalize normalizes each sample and channel over the spatial axes', async () => {
    const x = tensor([[[[1], [2]], [[3], [4]]]]);
    const y = await new InstanceNormalize().apply(x).data();
    const mean = 2.5;
    const variance = 1.25;
    [1, 2, 3, 4].forEach((v, i) => expect(y[i]).toBeCloseTo((v - mean) / Math.sqrt(variance + 1e-3), 5));
  });

  it('getConfig/fromConfig rebuild the layer', () => {
    const layer = new SimpleDense({ units: 5, name: 'my_dense' });
    const copy = SimpleDense.fromConfig(layer.getConfig());
    expect(copy.units).toBe(5);
    expect(copy.name).toBe('my_dense');
  });

  it("without getConfig, the options given to super() are the config (Keras 3's automatic config), saved and loaded; non-JSON options need getConfig", async () => {
    class Scale extends Layer {
      readonly factor: number;
      constructor(config: { factor?: number; offsets?: number[] } & LayerArgs = {}) {
        super(config);
        this.factor = config.factor ?? 1;
      }
      override call(x: Tensor) {
        return x.mul(this.factor);
      }
    }
    registerLayer(Scale);
    const layer = new Scale({ factor: 5, offsets: [1, 2], name: 'scale_by_5' });
    expect(layer.getConfig()).toMatchObject({ factor: 5, offsets: [1, 2], name: 'scale_by_5' });
    const model = new Sequential([Input({ shape: [2] }), layer]);
    await model.save('memory://auto-config');
    const restored = await loadModel('memory://auto-config', { compile: false });
    expect((restored.layers[0] as Scale).factor).toBe(5);
    expect(await (restored.predictOnBatch(tensor([[1, 2]])) as Tensor).array()).toEqual([[5, 10]]);

    class WithFunction extends Layer {
      constructor(readonly config: { transform: (x: Tensor) => Tensor } & LayerArgs) {
        super(config);
      }
    }
    registerLayer(WithFunction);
    expect(() => new WithFunction({ transform: (x) => x, name: 'fn_layer' }).getConfig()).toThrow(
      "WithFunction 'fn_layer': getConfig() is not overridden, and the constructor option 'transform' is not JSON data (a function). Override getConfig() to return options that rebuild the layer.",
    );
  });

  it('setWeights checks count and shapes before changing anything', () => {
    const layer = new SimpleDense({ units: 2 });
    layer.apply(tensor([[1, 2, 3]]));
    expect(() => layer.setWeights([tensor([1])])).toThrow(`${layer.name}.setWeights: expected 2 weights`);
    expect(() => layer.setWeights([tensor([[1, 2, 3], [4, 5, 6]]), tensor([1, 2])])).toThrow(`${layer.name}.setWeights: weight 0 (${layer.name}/kernel) has shape [3,2], got [2,3].`);
  });

  it('trainable=false freezes the weights', () => {
    const layer = new SimpleDense({ units: 2 });
    layer.apply(tensor([[1, 2]]));
    layer.trainable = false;
    expect(layer.trainableWeights).toEqual([]);
    expect(layer.nonTrainableWeights.length).toBe(2);
  });

  it('trains inside a functional model with compile and fit, without leaking', async () => {
    const inputs = Input({ shape: [4] });
    const outputs = new SimpleDense({ units: 1 }).apply(new SimpleDense({ units: 8 }).apply(inputs));
    const model = new Model({ inputs, outputs });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = ops.randomUniform([64, 4], { seed: 1 });
    const y = x.sum(1, true).mul(0.5);
    const history = await model.fit(x, y, { epochs: 6, batchSize: 16, verbose: 0 });
    const losses = history.history.loss;
    expect(losses.length).toBe(6);
    expect(losses.at(-1)!).toBeLessThan(losses[0]);
    await settleGarbage();
    const before = memory();
    await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 });
    await settleGarbage();
    expect(memory().liveTensors).toBe(before.liveTensors);
  });

  it('Sequential of custom layers builds at once when the input shape is known', () => {
    const model = new Sequential();
    model.add(new SimpleDense({ units: 3, inputShape: [2] }));
    model.add(new SimpleDense({ units: 1 }));
    expect(model.built).toBe(true);
    expect(model.weights.length).toBe(4);
    expect(model.countParams()).toBe(2 * 3 + 3 + 3 + 1);
  });
});
