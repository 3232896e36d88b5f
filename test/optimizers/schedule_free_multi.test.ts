// ScheduleFreeAdamW and MultiOptimizer (Keras 3.16's): their options and defaults, configs that
// round-trip, the errors users meet, ScheduleFreeAdamW's update against the closed form of
// Keras's (torch backend) on both backends, and a MultiOptimizer that gives each variable its own
// optimizer's update. Fitting against Keras itself is test/models/keras_trained.test.ts.

import { describe, expect, it } from 'vitest';
import { Input, Sequential, Variable, layers, loadKerasModel, loadModel, optimizers, saveKerasModel, tensor, tidy } from '../../src/node';
import { memoryHandler } from '../../src/io/index';
import { readZipEntry } from '../../src/io/zip';
import { onBothBackends, useWebGPU } from '../helpers';

const { Adam, MultiOptimizer, OptimizerMap, SGD, ScheduleFreeAdamW, getOptimizer } = optimizers;

useWebGPU();

const variable = (values: number[], name: string) => {
  const initial = tensor(values);
  const made = new Variable(initial, { name });
  initial.dispose();
  return made;
};

async function expectClose(actual: Variable, expected: readonly number[], tolerance = 1e-5): Promise<void> {
  const values = Array.from(await actual.data());
  expect(values.length).toBe(expected.length);
  values.forEach((v, i) => expect(Math.abs(v - expected[i]), `${actual.name}[${i}]: ${v} vs ${expected[i]}`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(expected[i]))));
}

function applyEach(optimizer: optimizers.Optimizer, pairs: Array<[number[], Variable]>): void {
  tidy(() => optimizer.applyGradients(pairs.map(([gradient, v]) => [tensor(gradient), v] as const)));
}

/**
 * Keras's ScheduleFreeAdamW (as its JAX and TensorFlow backends compute it), in float64: weight
 * decay, then the average x recovered from y and z before the step, the velocity, z, and the new y.
 */
function scheduleFreeReference(y: number[], gradients: number[][], { lr, beta1, beta2, epsilon, warmupSteps, weightDecay }: Record<string, number>) {
  let z = [...y];
  const velocity = y.map(() => 0);
  gradients.forEach((g, k) => {
    const t = k + 1;
    const rate = warmupSteps > 0 ? lr * Math.min(t / warmupSteps, 1) : lr;
    y = y.map((w) => w - w * weightDecay * lr);
    const x = y.map((yi, i) => (yi - (1 - beta1) * z[i]) / beta1);
    g.forEach((gi, i) => (velocity[i] += (gi * gi - velocity[i]) * (1 - beta2)));
    z = z.map((zi, i) => zi - (rate * g[i]) / (Math.sqrt(velocity[i] / (1 - beta2 ** t)) + epsilon));
    y = y.map((_, i) => {
      const average = (1 - 1 / t) * x[i] + z[i] / t;
      return (1 - beta1) * z[i] + beta1 * average;
    });
  });
  return { y, z, velocity };
}

describe('ScheduleFreeAdamW', () => {
  it("has Keras's defaults and name, and getOptimizer knows it", () => {
    const optimizer = new ScheduleFreeAdamW();
    expect([optimizer.lr, optimizer.beta1, optimizer.beta2, optimizer.epsilon, optimizer.warmupSteps, optimizer.weightDecay]).toEqual([0.0025, 0.9, 0.999, 1e-8, 0, null]);
    expect(optimizer.name).toBe('schedule_free_adam_w');
    expect(getOptimizer('schedule_free_adamw')).toBeInstanceOf(ScheduleFreeAdamW);
  });

  it('round-trips its config', () => {
    const optimizer = new ScheduleFreeAdamW({ learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, warmupSteps: 5, weightDecay: 0.1, clipnorm: 1 });
    const copy = ScheduleFreeAdamW.fromConfig(optimizer.getConfig());
    expect(copy.getConfig()).toEqual(optimizer.getConfig());
    expect(copy.getConfig()).toMatchObject({ beta1: 0.8, beta2: 0.99, epsilon: 1e-6, warmupSteps: 5, weightDecay: 0.1 });
  });

  it('rejects bad options', () => {
    expect(() => new ScheduleFreeAdamW({ warmupSteps: -1 })).toThrow('argument `warmupSteps` must be an integer >= 0. Received: warmupSteps=-1');
    expect(() => new ScheduleFreeAdamW({ warmupSteps: 1.5 })).toThrow('warmupSteps=1.5');
    expect(() => new ScheduleFreeAdamW({ beta1: 0 })).toThrow('argument `beta1` must be in (0, 1]');
    expect(() => new ScheduleFreeAdamW({ beta2: 2 })).toThrow('argument `beta2` must be a number in [0, 1]');
    expect(() => new ScheduleFreeAdamW({ warmup_steps: 3 } as never)).toThrow("(did you mean 'warmupSteps'?)");
  });

  it("starts z (slot 'momentum') at the variable's value and steps as Keras does, with warmup and weight decay", onBothBackends(async () => {
    const options = { lr: 0.1, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, warmupSteps: 2, weightDecay: 0.1 };
    const optimizer = new ScheduleFreeAdamW({ learningRate: options.lr, beta1: options.beta1, beta2: options.beta2, epsilon: options.epsilon, warmupSteps: options.warmupSteps, weightDecay: options.weightDecay });
    const start = [1, -2, 0.5];
    const w = variable(start, 'dense/kernel');
    optimizer.build([w]);
    await expectClose(optimizer.getSlot(w, 'momentum')!, start, 0);
    const gradients = [[0.3, -0.1, 0.2], [-0.2, 0.4, 0.1], [0.5, 0.5, -0.3]];
    for (const g of gradients) applyEach(optimizer, [[g, w]]);
    const expected = scheduleFreeReference(start, gradients, options);
    await expectClose(w, expected.y);
    await expectClose(optimizer.getSlot(w, 'momentum')!, expected.z);
    await expectClose(optimizer.getSlot(w, 'velocity')!, expected.velocity);
    expect(optimizer.iterations).toBe(3);
    optimizer.dispose();
    w.dispose();
  }));

  it('builds z from the value a variable has at its first update when applyGradients meets it first', onBothBackends(async () => {
    const optimizer = new ScheduleFreeAdamW({ learningRate: 0.05 });
    const w = variable([0.5, 0.25], 'w');
    applyEach(optimizer, [[[1, -1], w]]);
    const expected = scheduleFreeReference([0.5, 0.25], [[1, -1]], { lr: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, warmupSteps: 0, weightDecay: 0 });
    await expectClose(w, expected.y);
    optimizer.dispose();
    w.dispose();
  }));
});

describe('OptimizerMap', () => {
  const sgd = new SGD();
  const adam = new Adam();
  const rmsprop = new optimizers.RMSprop();

  it("picks an exact key first, else the one pattern that matches the whole path, else the default (Keras's example)", () => {
    const map = new OptimizerMap(rmsprop);
    map.set('encoder/layer_0/dense', adam).set('encoder/.*', sgd).set('decoder', adam);
    expect(map.optimizerFor('decoder')).toBe(adam);
    expect(map.optimizerFor('encoder/layer_0/dense')).toBe(adam);
    expect(map.optimizerFor('encoder/layer_0/attention/query')).toBe(sgd);
    expect(map.optimizerFor('decoder/layer_0/dense')).toBe(rmsprop);
    expect([map.size, map.keys(), map.values()]).toEqual([3, ['encoder/layer_0/dense', 'encoder/.*', 'decoder'], [adam, sgd]]);
    expect(map.delete('decoder')).toBe(true);
    expect(map.optimizerFor('decoder')).toBe(rmsprop);
  });

  it('rejects two matching patterns, a key set twice, a MultiOptimizer and non-optimizers', () => {
    const map = new OptimizerMap(sgd, { 'dense.*': adam, '.*kernel': rmsprop });
    expect(() => map.optimizerFor('dense/kernel')).toThrow("multiple optimizers assigned to variable 'dense/kernel'");
    expect(() => map.set('dense.*', sgd)).toThrow("'dense.*' already maps to Adam 'adam'");
    expect(() => map.set('(', sgd)).toThrow("the key '(' is not a regular expression");
    expect(() => map.set('x', new MultiOptimizer(new OptimizerMap(sgd)))).toThrow('cannot be a MultiOptimizer');
    expect(() => new OptimizerMap({} as never)).toThrow('defaultOptimizer must be an Optimizer');
    expect(() => new OptimizerMap(sgd, { a: 'adam' as never })).toThrow("the optimizer of 'a' must be an Optimizer");
  });
});

describe('MultiOptimizer', () => {
  it("gives each variable its optimizer's update, each optimizer counting its own steps", onBothBackends(async () => {
    const encoderOptimizer = new Adam({ learningRate: 0.05 });
    const headOptimizer = new SGD({ learningRate: 0.1, momentum: 0.9 });
    const multi = new MultiOptimizer(new OptimizerMap(headOptimizer, { 'encoder/.*': encoderOptimizer }));
    const encoder = variable([1, 2], 'encoder/kernel');
    const head = variable([-1, 0.5, 3], 'head/kernel');
    const [encoderTwin, headTwin] = [variable([1, 2], 'encoder_twin'), variable([-1, 0.5, 3], 'head_twin')];
    const [adamTwin, sgdTwin] = [new Adam({ learningRate: 0.05 }), new SGD({ learningRate: 0.1, momentum: 0.9 })];
    for (const step of [1, 2, 3]) {
      const [ge, gh] = [[0.1 * step, -0.2], [0.3, -0.1 * step, 0.2]];
      applyEach(multi, [[ge, encoder], [gh, head]]);
      applyEach(adamTwin, [[ge, encoderTwin]]);
      applyEach(sgdTwin, [[gh, headTwin]]);
    }
    await expectClose(encoder, Array.from(await encoderTwin.data()), 1e-6);
    await expectClose(head, Array.from(await headTwin.data()), 1e-6);
    expect([multi.iterations, encoderOptimizer.iterations, headOptimizer.iterations]).toEqual([3, 3, 3]);
    expect(multi.optimizers).toEqual([encoderOptimizer, headOptimizer]);
    expect(multi.getSlot(encoder, 'velocity')).toBe(encoderOptimizer.getSlot(encoder, 'velocity'));
    expect(multi.getSlot(head, 'velocity')).toBeUndefined();
    // A variable without a gradient leaves its optimizer alone.
    applyEach(multi, [[[1, 1], encoder]]);
    expect([multi.iterations, encoderOptimizer.iterations, headOptimizer.iterations]).toEqual([4, 4, 3]);
    for (const v of [encoder, head, encoderTwin, headTwin]) v.dispose();
    for (const o of [multi, adamTwin, sgdTwin]) o.dispose();
  }));

  it('saves and restores its state: the step count, then each inner optimizer\'s', onBothBackends(async () => {
    const make = () => new MultiOptimizer(new OptimizerMap(new SGD({ learningRate: 0.1, momentum: 0.5 }), { 'a/.*': new Adam({ learningRate: 0.01 }) }));
    const a = variable([1, 2], 'a/kernel');
    const b = variable([3], 'b/bias');
    const trained = make();
    applyEach(trained, [[[0.5, -0.5], a], [[0.25], b]]);
    const state = trained.getWeights();
    expect(state.map((t) => t.shape)).toEqual([[], [], [2], [2], [], [1]]);
    const restored = make();
    restored.build([a, b]);
    await restored.setWeights(state);
    expect(restored.iterations).toBe(1);
    expect(restored.optimizers.map((o) => o.iterations)).toEqual([1, 1]);
    await expectClose(restored.getSlot(a, 'momentum')!, Array.from(await trained.getSlot(a, 'momentum')!.data()), 0);
    await expect(restored.setWeights(state.slice(1))).rejects.toThrow('expected 6 tensors');
    for (const t of state) t.dispose();
    for (const v of [a, b]) v.dispose();
    trained.dispose();
    restored.dispose();
  }));

  it('a model compiled with it saves and loads (its state too), and trains on identically; a Keras file keeps the map as Keras reads it', async () => {
    const model = new Sequential({ layers: [Input({ shape: [3] }) as never, new layers.Dense({ units: 4 }), new layers.Dense({ units: 2 })] });
    const multi = () => new optimizers.MultiOptimizer(new optimizers.OptimizerMap(new optimizers.SGD({ learningRate: 0.1, momentum: 0.9 }), { 'dense/.*': new optimizers.Adam({ learningRate: 0.01 }) }));
    model.compile({ optimizer: multi(), loss: 'mse' });
    const [x, y] = [tensor([[1, 2, 3], [4, 5, 6], [0, -1, 2]]), tensor([[1, 0], [0, 1], [1, 1]])];
    await model.fit(x, y, { epochs: 2, verbose: 0, shuffle: false });
    const slot = memoryHandler();
    await model.save(slot);
    const restored = await loadModel(slot);
    const [original, resumed] = [await model.fit(x, y, { epochs: 2, verbose: 0, shuffle: false }), await restored.fit(x, y, { epochs: 2, verbose: 0, shuffle: false })];
    expect(resumed.history).toEqual(original.history);
    const saved = await saveKerasModel(model);
    const config = JSON.parse(new TextDecoder().decode(await readZipEntry(saved, 'config.json'))) as { compile_config: { optimizer: { class_name: string; config: { optimizer_map: { class_name: string; config: { default_optimizer: { class_name: string }; optimizer_map: Record<string, { class_name: string }> } } } } } };
    const map = config.compile_config.optimizer.config.optimizer_map;
    expect([config.compile_config.optimizer.class_name, map.class_name, map.config.default_optimizer.class_name]).toEqual(['MultiOptimizer', 'OptimizerMap', 'SGD']);
    expect(Object.fromEntries(Object.entries(map.config.optimizer_map).map(([key, entry]) => [key, entry.class_name]))).toEqual({ 'dense/.*': 'Adam' });
    const fromKeras = (await loadKerasModel(saved)).optimizer as optimizers.MultiOptimizer;
    expect(fromKeras.optimizers.map((optimizer) => optimizer.className)).toEqual(['Adam', 'SGD']);
  });

  it('round-trips its config, nested optimizers included', () => {
    const multi = new MultiOptimizer(new OptimizerMap(new SGD({ learningRate: 0.1 }), { 'dense/.*': new ScheduleFreeAdamW({ warmupSteps: 3 }), 'dense_1/bias': new Adam() }), { name: 'mixed' });
    const config = multi.getConfig();
    expect(config).toMatchObject({ name: 'mixed', optimizerMap: { className: 'OptimizerMap', config: { defaultOptimizer: { className: 'SGD' }, optimizerMap: { 'dense/.*': { className: 'ScheduleFreeAdamW' }, 'dense_1/bias': { className: 'Adam' } } } } });
    const copy = MultiOptimizer.fromConfig(config);
    expect(copy).toBeInstanceOf(MultiOptimizer);
    expect(copy.getConfig()).toEqual(config);
    expect(() => MultiOptimizer.fromConfig({ optimizerMap: null })).toThrow('expected optimizerMap to be a serialized OptimizerMap');
    expect(() => MultiOptimizer.fromConfig({ optimizerMap: { className: 'OptimizerMap', config: { defaultOptimizer: { className: 'Nope', config: {} } } } })).toThrow("unknown optimizer class 'Nope'");
  });

  it('selects with a function too (not serializable), and keeps the learning rate to its inner optimizers', onBothBackends(async () => {
    const fast = new SGD({ learningRate: 1 });
    const slow = new SGD({ learningRate: 0.1 });
    const multi = new MultiOptimizer((v) => (v.name.endsWith('bias') ? fast : slow));
    const kernel = variable([1], 'dense/kernel');
    const bias = variable([1], 'dense/bias');
    applyEach(multi, [[[1], kernel], [[1], bias]]);
    await expectClose(kernel, [0.9]);
    await expectClose(bias, [0]);
    expect(multi.optimizers).toEqual([slow, fast]);
    expect(() => multi.getConfig()).toThrow('cannot be serialized; use an OptimizerMap');
    expect(() => multi.learningRate).toThrow('the learning rate cannot be read on a MultiOptimizer');
    expect(() => (multi.learningRate = 0.1)).toThrow('cannot be set on a MultiOptimizer');
    expect(() => multi.applyGradients([[null, kernel]])).toThrow('no gradients provided for any variable');
    expect(() => new MultiOptimizer('sgd' as never)).toThrow('optimizerMap must be an OptimizerMap or a function');
    expect(() => new MultiOptimizer(new OptimizerMap(slow), { learningRate: 1 } as never)).toThrow('argument(s) not recognized: learningRate');
    kernel.dispose();
    bias.dispose();
    multi.dispose();
  }));
});
