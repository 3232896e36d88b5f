// LossScaleOptimizer (Keras 3.16's): scaleLoss, gradients unscaled before the inner update, a
// step with a non-finite gradient skipped (variables and slots unchanged) with the scale halved,
// the scale doubled after dynamicGrowthSteps finite steps, all decided on the device; in fit, the
// loss scaled and the weights those of the inner optimizer alone (the scales are powers of two,
// so unscaling is exact), an overflowing step skipped; configs, its state in this library's files
// and in Keras files (laid out as Keras 3.16's LossScaleOptimizer saves its variables).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Input, Sequential, Variable, layers, loadKerasModel, loadModel, optimizers, saveKerasModel, tensor, tidy, type Tensor } from '../../src/node';
import { memoryHandler } from '../../src/io/index';
import { readHdf5, type Hdf5Dataset, type Hdf5Group } from '../../src/io/hdf5';
import { readZipEntry } from '../../src/io/zip';
import { onBothBackends, useWebGPU } from '../helpers';

const { Adam, LossScaleOptimizer, SGD } = optimizers;

useWebGPU();

const values = async (t: Tensor) => Array.from(await t.data());
const variable = (list: number[], name: string) => {
  const initial = tensor(list);
  const made = new Variable(initial, { name });
  initial.dispose();
  return made;
};
const apply = (optimizer: optimizers.Optimizer, gradient: number[], v: Variable) => tidy(() => optimizer.applyGradients([[tensor(gradient), v]]));

describe('LossScaleOptimizer', () => {
  it(
    'multiplies the loss by the scale, and divides the gradients by it before the inner update',
    onBothBackends(async () => {
      const optimizer = new LossScaleOptimizer(new SGD({ learningRate: 0.5 }), { initialScale: 8 });
      expect(await values(optimizer.scaleLoss(tensor(3)))).toEqual([24]);
      const w = variable([1, 2], 'w');
      apply(optimizer, [8, -16], w);
      expect(await values(w)).toEqual([0.5, 3]);
      expect(await values(optimizer.dynamicScale)).toEqual([8]);
      expect(await values(optimizer.stepCounter)).toEqual([1]);
      expect(optimizer.stepCounter.dtype).toBe('int32');
      expect(await values(optimizer.scaleLoss(tensor([1, -2])))).toEqual([8, -16]);
      optimizer.dispose();
      w.dispose();
    }),
  );

  it(
    'skips a step with an infinite or NaN gradient: variables and slots unchanged, scale halved, counter reset',
    onBothBackends(async () => {
      const optimizer = new LossScaleOptimizer(new Adam({ learningRate: 0.1 }), { initialScale: 4 });
      const [a, b] = [variable([1, 2], 'a'), variable([3], 'b')];
      tidy(() => optimizer.applyGradients([[tensor([4, 8]), a], [tensor([-4]), b]]));
      const state = async () => [await values(a), await values(b), ...(await Promise.all(optimizer.variables.map(values)))];
      const afterFirst = await state();
      // Adam's first step on g = [1, 2] and [-1]: m = 0.1 g, each weight moves by lr (to float32 rounding).
      expect(afterFirst[0].map((v) => Number(v.toFixed(5)))).toEqual([0.9, 1.9]);
      expect(optimizer.getSlot(a, 'momentum')).toBe(optimizer.innerOptimizer.getSlot(a, 'momentum'));
      expect(await values(optimizer.getSlot(a, 'momentum')!)).toEqual([0.1, 0.2].map(Math.fround));

      tidy(() => optimizer.applyGradients([[tensor([Infinity, 8]), a], [tensor([-4]), b]]));
      expect(await state()).toEqual(afterFirst);
      expect(await values(optimizer.dynamicScale)).toEqual([2]);
      expect(await values(optimizer.stepCounter)).toEqual([0]);

      tidy(() => optimizer.applyGradients([[tensor([4, 8]), a], [tensor([NaN]), b]]));
      expect(await state()).toEqual(afterFirst);
      expect(await values(optimizer.dynamicScale)).toEqual([1]);
      // The step counts live on the CPU: they count the skipped steps too.
      expect([optimizer.iterations, optimizer.innerOptimizer.iterations]).toEqual([3, 3]);
      optimizer.dispose();
      for (const v of [a, b]) v.dispose();
    }),
  );

  it(
    'doubles the scale after dynamicGrowthSteps finite steps in a row, counting again from 0',
    onBothBackends(async () => {
      const optimizer = new LossScaleOptimizer(new SGD({ learningRate: 0 }), { initialScale: 2, dynamicGrowthSteps: 3 });
      const w = variable([1], 'w');
      const scales: number[][] = [];
      for (const gradient of [1, 1, 1, 1, Infinity, 1, 1, 1]) {
        apply(optimizer, [gradient], w);
        scales.push([...(await values(optimizer.dynamicScale)), ...(await values(optimizer.stepCounter))]);
      }
      expect(scales).toEqual([[2, 1], [2, 2], [4, 0], [4, 1], [2, 0], [2, 1], [2, 2], [4, 0]]);
      optimizer.dispose();
      w.dispose();
    }),
  );

  it('checks its arguments, delegates the learning rate, and round-trips its config', () => {
    const optimizer = new LossScaleOptimizer(new Adam({ learningRate: 0.01 }), { dynamicGrowthSteps: 10, name: 'scaled' });
    expect([optimizer.initialScale, optimizer.dynamicGrowthSteps, optimizer.name]).toEqual([2 ** 15, 10, 'scaled']);
    expect(optimizer.learningRate).toBe(0.01);
    optimizer.learningRate = 0.02;
    expect([optimizer.lr, optimizer.innerOptimizer.learningRate]).toEqual([0.02, 0.02]);
    const config = optimizer.getConfig();
    expect(config).toEqual({ name: 'scaled', innerOptimizer: { className: 'Adam', config: optimizer.innerOptimizer.getConfig() }, initialScale: 2 ** 15, dynamicGrowthSteps: 10 });
    const copy = LossScaleOptimizer.fromConfig(JSON.parse(JSON.stringify(config)) as Record<string, unknown>);
    expect(copy).toBeInstanceOf(LossScaleOptimizer);
    expect(copy.getConfig()).toEqual(config);
    expect(() => new LossScaleOptimizer('adam' as never)).toThrow('innerOptimizer must be an Optimizer');
    expect(() => new LossScaleOptimizer(new SGD(), { dynamicGrowthSteps: 0 })).toThrow('`dynamicGrowthSteps` must be an integer >= 1');
    expect(() => new LossScaleOptimizer(new SGD(), { initialScale: -1 })).toThrow('`initialScale` must be a number');
    expect(() => new LossScaleOptimizer(new SGD(), { learningRate: 1 } as never)).toThrow('argument(s) not recognized: learningRate');
    expect(() => new LossScaleOptimizer(new LossScaleOptimizer(new SGD()))).toThrow('already a LossScaleOptimizer');
    expect(() => LossScaleOptimizer.fromConfig({ ...config, dynamic: false })).toThrow('`dynamic: false` is not supported');
  });
});

/** A small model compiled with `optimizer`, with these weights when given. */
function model(optimizer: optimizers.Optimizer, weights: Tensor[] = []): Sequential {
  const made = new Sequential({ layers: [Input({ shape: [3] }) as never, new layers.Dense({ units: 4, activation: 'tanh' }), new layers.Dense({ units: 2 })] });
  if (weights.length > 0) made.setWeights(weights);
  made.compile({ optimizer, loss: 'mse' });
  return made;
}

describe('LossScaleOptimizer in fit', () => {
  it('trains to the same weights and losses as its inner optimizer alone (SGD and Adam)', async () => {
    const [x, y] = [tensor([[1, 2, 3], [4, 5, 6], [0, -1, 2], [2, 0, -3]]), tensor([[1, 0], [0, 1], [1, 1], [-1, 0.5]])];
    const weights = model(new SGD()).getWeights();
    for (const make of [() => new SGD({ learningRate: 0.05, momentum: 0.5 }), () => new Adam({ learningRate: 0.01 })]) {
      const [plain, scaled] = [model(make(), weights), model(new LossScaleOptimizer(make()), weights)];
      const [plainHistory, scaledHistory] = [await plain.fit(x, y, { epochs: 3, batchSize: 2, shuffle: false, verbose: 0 }), await scaled.fit(x, y, { epochs: 3, batchSize: 2, shuffle: false, verbose: 0 })];
      expect(scaledHistory.history).toEqual(plainHistory.history);
      for (const [i, weight] of plain.getWeights().entries()) expect(await values(scaled.getWeights()[i])).toEqual(await values(weight));
      expect(await values((scaled.optimizer as optimizers.LossScaleOptimizer).dynamicScale)).toEqual([2 ** 15]);
    }
  });

  it('skips the step whose scaled gradient overflows float32, and trains on at half the scale', async () => {
    // loss = (w - 0)^2 for x = 1: dloss/dw = 2w, scaled by 2^127 it is 2^128 = Infinity at w = 1.
    const made = new Sequential({ layers: [Input({ shape: [1] }) as never, new layers.Dense({ units: 1, useBias: false, kernelInitializer: 'ones' })] });
    const optimizer = new LossScaleOptimizer(new SGD({ learningRate: 0.1 }), { initialScale: 2 ** 127 });
    made.compile({ optimizer, loss: 'mse' });
    const history = await made.fit(tensor([[1]]), tensor([[0]]), { epochs: 3, verbose: 0 });
    // Step 1 skipped (w stays 1), step 2 w = 1 - 0.1 * 2, step 3 w = 0.8 - 0.1 * 1.6.
    expect(await values(made.getWeights()[0])).toEqual([Math.fround(Math.fround(0.8) - Math.fround(0.16))]);
    expect(history.history.loss.map((v) => Number(v.toFixed(5)))).toEqual([1, 1, 0.64]);
    expect(await values(optimizer.dynamicScale)).toEqual([2 ** 126]);
    expect(await values(optimizer.stepCounter)).toEqual([2]);
  });
});

describe('LossScaleOptimizer in saved files', () => {
  const data = () => [tensor([[1, 2, 3], [0, -1, 2]]), tensor([[1, 0], [1, 1]])] as const;
  const trained = async () => {
    const made = model(new LossScaleOptimizer(new Adam({ learningRate: 0.01 }), { initialScale: 64, dynamicGrowthSteps: 5 }));
    await made.fit(...data(), { epochs: 3, verbose: 0 });
    return made;
  };
  const stateOf = async (optimizer: optimizers.Optimizer) => Promise.all(optimizer.getWeights().map(values));

  it('keeps its state in this library\'s files, and trains on identically', async () => {
    const original = await trained();
    const slot = memoryHandler();
    await original.save(slot);
    const restored = await loadModel(slot);
    expect(restored.optimizer).toBeInstanceOf(LossScaleOptimizer);
    expect(await stateOf(restored.optimizer)).toEqual(await stateOf(original.optimizer));
    const [x, y] = data();
    const [a, b] = [await original.fit(x, y, { epochs: 2, verbose: 0 }), await restored.fit(x, y, { epochs: 2, verbose: 0 })];
    expect(b.history).toEqual(a.history);
  });

  it("saves Keras 3.16's config and variables (its own, then the inner optimizer's, which inner_optimizer holds too), and loads them back", async () => {
    const original = await trained();
    const saved = await saveKerasModel(original);
    const config = JSON.parse(new TextDecoder().decode(await readZipEntry(saved, 'config.json'))) as { compile_config: { optimizer: { class_name: string; config: Record<string, unknown> } } };
    const { class_name: className, config: options } = config.compile_config.optimizer;
    expect(className).toBe('LossScaleOptimizer');
    expect(options).toMatchObject({ initial_scale: 64, dynamic_growth_steps: 5, inner_optimizer: { module: 'keras.optimizers', class_name: 'Adam' } });
    expect(new TextDecoder().decode(await readZipEntry(saved, 'config.json'))).toContain('"initial_scale":64.0');
    const signatures = JSON.parse(readFileSync('test/fixtures/keras/keras_signatures.json', 'utf8')) as { optimizers: Record<string, string[]> };
    expect(Object.keys(options).filter((key) => !signatures.optimizers.LossScaleOptimizer.includes(key))).toEqual([]);

    const root = readHdf5(await readZipEntry(saved, 'model.weights.h5'));
    const group = (path: string[]) => path.reduce((g, name) => g.members.get(name) as Hdf5Group, root);
    const datasets = (g: Hdf5Group) => [...g.members.keys()].sort((p, q) => Number(p) - Number(q)).map((k) => (g.members.get(k) as Hdf5Dataset).values()[0]);
    const own = datasets(group(['optimizer', 'vars']));
    const inner = datasets(group(['optimizer', 'inner_optimizer', 'vars']));
    // Keras's own step count (never advanced) and learning rate (0), step_counter, dynamic_scale; then Adam's 3 steps, learning rate, 4 weights x (momentum, velocity).
    expect(own.slice(0, 4)).toEqual([0, 0, 3, 64]);
    expect(inner.length).toBe(2 + 8);
    expect(inner.slice(0, 2)).toEqual([3, Math.fround(0.01)]);
    expect(own.slice(4)).toEqual(inner);

    const loaded = await loadKerasModel(saved);
    expect(loaded.optimizer).toBeInstanceOf(LossScaleOptimizer);
    expect(await stateOf(loaded.optimizer)).toEqual(await stateOf(original.optimizer));
  });
});
