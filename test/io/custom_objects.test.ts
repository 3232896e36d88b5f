// Custom initializers, regularizers, constraints and activations in saved models: registered with
// registerKerasSerializable, or passed as loadModel's customObjects. Each kind must survive
// save -> load with the same predictions, and training must continue identically.

import { describe, expect, it } from 'vitest';
import { Input, Sequential, constraints, initializers, layers, ops, regularizers, registerKerasSerializable, getRegisteredName, type Tensor } from '../../src/node';
import { loadModel, modelFromJSON } from '../../src/io/index';
import { useWebGPU } from '../helpers';

useWebGPU();

class HalfInit extends initializers.Initializer {
  readonly className: string = 'HalfInit';
  constructor(readonly value = 0.5) {
    super();
  }
  apply(shape: readonly number[]): Tensor {
    return ops.fill(shape, this.value);
  }
  override getConfig() {
    return { value: this.value };
  }
  static fromConfig(config: { value?: number }) {
    return new HalfInit(config.value);
  }
}

class AbsSum extends regularizers.Regularizer {
  readonly factor: number;
  constructor({ factor = 0.01 }: { factor?: number } = {}) {
    super();
    this.factor = factor;
  }
  override apply(w: Tensor): Tensor {
    return w.abs().sum().mul(this.factor);
  }
  override getConfig() {
    return { factor: this.factor };
  }
}

class ClipTo extends constraints.Constraint {
  readonly limit: number;
  constructor({ limit = 1 }: { limit?: number } = {}) {
    super();
    this.limit = limit;
  }
  override apply(w: Tensor): Tensor {
    return ops.clip(w, -this.limit, this.limit);
  }
  override getConfig() {
    return { limit: this.limit };
  }
}

function doubled(x: Tensor): Tensor {
  return x.mul(2);
}

registerKerasSerializable(HalfInit);
registerKerasSerializable(AbsSum, { package: 'test' });
registerKerasSerializable(ClipTo);
registerKerasSerializable(doubled);

// The same kinds, unregistered: they load only through customObjects.
class PlainInit extends HalfInit {
  override readonly className = 'PlainInit';
  static override fromConfig(config: { value?: number }) {
    return new PlainInit(config.value);
  }
}
class PlainReg extends AbsSum {}
class PlainClip extends ClipTo {}
function tripled(x: Tensor): Tensor {
  return x.mul(3);
}

function build(kinds: { init: initializers.Initializer; reg: regularizers.Regularizer; clip: constraints.Constraint; act: (x: Tensor) => Tensor }) {
  const model = new Sequential([
    Input({ shape: [4] }),
    new layers.Dense({ units: 3, kernelInitializer: kinds.init, kernelRegularizer: kinds.reg, kernelConstraint: kinds.clip, activation: kinds.act, name: 'custom' }),
    new layers.Dense({ units: 2, kernelInitializer: 'ones', name: 'head' }),
  ]);
  model.compile({ optimizer: 'adam', loss: 'mse' });
  return model;
}

/** Made after the WebGPU backend is up (useWebGPU's beforeAll). */
function data() {
  return { x: ops.reshape(ops.range(0, 32).div(32), [8, 4]), y: ops.reshape(ops.range(0, 16).div(-16), [8, 2]) };
}

async function valuesOf(ts: Tensor[]) {
  return Promise.all(ts.map(async (t) => Array.from(await t.data())));
}

/** Predictions equal bit for bit after loading; two more epochs on both give the same weights. */
async function checkRoundTrip(kinds: Parameters<typeof build>[0], load: (url: string) => ReturnType<typeof loadModel>, url: string) {
  const { x, y } = data();
  const model = build(kinds);
  await model.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
  await model.save(url);
  const loaded = await load(url);
  const dense = loaded.getLayer('custom') as layers.Dense;
  expect(dense.kernelInitializer).toBeInstanceOf(kinds.init.constructor);
  expect(dense.kernelRegularizer).toBeInstanceOf(kinds.reg.constructor);
  expect(dense.kernelConstraint).toBeInstanceOf(kinds.clip.constructor);
  expect(dense.activation).toBe(kinds.act);
  expect(await valuesOf([(await loaded.predict(x)) as Tensor])).toEqual(await valuesOf([(await model.predict(x)) as Tensor]));
  // The regularizer's penalty, against a float64 sum of |kernel| (factor 0.01).
  const kernel = Array.from(await dense.weights[0].data());
  const penalty = (await loaded.losses[0].data())[0];
  expect(penalty).toBeCloseTo(0.01 * kernel.reduce((s, v) => s + Math.abs(v), 0), 6);
  await model.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
  await loaded.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
  const after = await valuesOf(loaded.weights);
  expect(after).toEqual(await valuesOf(model.weights));
  // The constraint held through training: |kernel| <= 0.3.
  expect(Math.max(...after[0].map(Math.abs))).toBeLessThanOrEqual(0.3 + 1e-7);
}

describe('custom objects', () => {
  it('registered classes are saved under package>name', () => {
    expect(getRegisteredName(HalfInit)).toBe('Custom>HalfInit');
    expect(getRegisteredName(AbsSum)).toBe('test>AbsSum');
    expect(getRegisteredName(doubled)).toBe('Custom>doubled');
    const config = build({ init: new HalfInit(0.1), reg: new AbsSum(), clip: new ClipTo({ limit: 0.3 }), act: doubled }).getLayer('custom').getConfig();
    expect(config.kernelInitializer).toEqual({ className: 'Custom>HalfInit', config: { value: 0.1 } });
    expect(config.kernelRegularizer).toEqual({ className: 'test>AbsSum', config: { factor: 0.01 } });
    expect(config.kernelConstraint).toEqual({ className: 'Custom>ClipTo', config: { limit: 0.3 } });
    expect(config.activation).toBe('Custom>doubled');
  });

  it('registered initializer, regularizer, constraint and activation load and keep training', async () => {
    await checkRoundTrip({ init: new HalfInit(0.1), reg: new AbsSum(), clip: new ClipTo({ limit: 0.3 }), act: doubled }, (url) => loadModel(url), 'memory://custom-registered');
  });

  it('unregistered ones load through customObjects, and fail clearly without them', async () => {
    const kinds = { init: new PlainInit(0.1), reg: new PlainReg(), clip: new PlainClip({ limit: 0.3 }), act: tripled };
    const customObjects = { PlainInit, PlainReg, PlainClip, tripled };
    await checkRoundTrip(kinds, (url) => loadModel(url, { customObjects }), 'memory://custom-objects');
    await expect(loadModel('memory://custom-objects')).rejects.toThrow(/Unknown activation function: 'tripled'.*registerKerasSerializable\(tripled\)/);
    await expect(loadModel('memory://custom-objects', { customObjects: { tripled } })).rejects.toThrow(/Unknown initializer: 'PlainInit'.*customObjects: \{ PlainInit \}/);
    await expect(loadModel('memory://custom-objects', { customObjects: { tripled, PlainInit } })).rejects.toThrow(/Unknown regularizer: 'PlainReg'/);
    await expect(loadModel('memory://custom-objects', { customObjects: { tripled, PlainInit, PlainReg } })).rejects.toThrow(/Unknown constraint: 'PlainClip'/);
  });

  it('a fresh model from the topology uses the custom initializer and activation', async () => {
    const model = build({ init: new HalfInit(0.25), reg: new AbsSum(), clip: new ClipTo({ limit: 0.3 }), act: doubled });
    const twin = modelFromJSON(model.toJSON());
    expect(Array.from(await twin.getLayer('custom').weights[0].data())).toEqual(Array(12).fill(0.25));
    // custom(x) = 2 * (x @ 0.25) with a zero bias; head = its row sum.
    const input = ops.ones([1, 4]);
    const out = Array.from(await (twin.predictOnBatch(input) as Tensor).data());
    expect(out).toEqual([6, 6]);
  });

  it('rebuilds a regularizer subclass without a constructor of its own from its l1/l2 config', () => {
    class Doubled extends regularizers.Regularizer {
      override apply(w: Tensor): Tensor {
        return super.apply(w).mul(2);
      }
    }
    registerKerasSerializable(Doubled, { package: 'test' });
    const rebuilt = regularizers.getRegularizer({ className: 'test>Doubled', config: new Doubled(0.5, 0.25).getConfig() });
    expect(rebuilt).toBeInstanceOf(Doubled);
    expect([rebuilt.l1, rebuilt.l2]).toEqual([0.5, 0.25]);
  });

  it('rejects bad registrations', () => {
    expect(() => registerKerasSerializable(3 as never)).toThrow('registerKerasSerializable: expected a class or a function, got number.');
    expect(() => registerKerasSerializable((() => (x: Tensor) => x)())).toThrow(/anonymous/);
    expect(() => registerKerasSerializable(doubled, { package: 'a>b' })).toThrow(/cannot contain '>'/);
  });
});
