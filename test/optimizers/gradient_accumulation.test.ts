// gradientAccumulationSteps, as Keras 3's base optimizer: the gradients of N calls are summed in
// a slot and every Nth call applies the update with their mean; `iterations` counts calls (the
// learning-rate schedule reads it), `updates` counts updates (the bias corrections read it). A
// replayed fit (one program for accumulating and applying steps) trains exactly as an eager one,
// and both as a float64 loop over the mean gradients of each group of N batches.

import { beforeEach, describe, expect, it } from 'vitest';
import { Variable, getBackend, ops, optimizers, tensor, tidy } from '../../src/node';
import { useWebGPU } from '../helpers';
import { expectClose, fitTwins, gradients, paramsOf, twins, type Params } from './linear_reference';

useWebGPU();
beforeEach(() => expect(getBackend()).toBe('webgpu'));

const N = 3;
/** 6 batches an epoch, 2 epochs: 4 updates. */
const EPOCHS = 2;
const BATCHES = 6;

/** The float64 reference: batch gradients at the weights of the last update, averaged over each group of N, then `update(params, mean, callIndex)`. */
function reference(initial: Params, update: (params: Params, mean: Params, call: number) => void): Params {
  const params: Params = [[...initial[0]], [...initial[1]]];
  let sum: Params = [new Array(6).fill(0), [0, 0]];
  for (let call = 0; call < EPOCHS * BATCHES; call++) {
    const g = gradients(params, call % BATCHES);
    sum = [sum[0].map((s, i) => s + g[0][i]), sum[1].map((s, i) => s + g[1][i])];
    if ((call + 1) % N === 0) {
      update(params, [sum[0].map((s) => s / N), sum[1].map((s) => s / N)], call);
      sum = [new Array(6).fill(0), [0, 0]];
    }
  }
  return params;
}

describe('gradientAccumulationSteps', () => {
  it('SGD with momentum and a schedule: every third call applies the mean gradient, at the learning rate of that call', async () => {
    const schedule = () => optimizers.exponentialDecay({ initialLearningRate: 0.2, decaySteps: 4, decayRate: 0.5 });
    const [compiled, eager] = twins(() => new optimizers.SGD({ learningRate: schedule(), momentum: 0.9, gradientAccumulationSteps: N }));
    const initial = await paramsOf(compiled);
    const [a, b] = await fitTwins(compiled, eager, EPOCHS);
    expect(a.history).toEqual(b.history);
    const weights = await paramsOf(compiled);
    expect(weights).toEqual(await paramsOf(eager));
    const momentum: Params = [new Array(6).fill(0), [0, 0]];
    const expected = reference(initial, (params, mean, call) => {
      // Keras evaluates the schedule at the count of calls before this one.
      const lr = 0.2 * 0.5 ** (call / 4);
      params.forEach((p, k) => p.forEach((_, i) => {
        momentum[k][i] = 0.9 * momentum[k][i] - lr * mean[k][i];
        p[i] += momentum[k][i];
      }));
    });
    expectClose(weights, expected);
    expect(compiled.optimizer.iterations).toBe(12);
    expect(compiled.optimizer.updates).toBe(4);
    // The accumulators are empty after the last call, which applied an update.
    const accumulators = compiled.optimizer.variables.filter((v) => v.name.endsWith('_gradient_accumulator'));
    expect(accumulators.length).toBe(2);
    for (const acc of accumulators) expect(Array.from(await acc.data()).every((v) => v === 0)).toBe(true);
  });

  it('Adam: the bias corrections count updates, not calls', async () => {
    const [compiled, eager] = twins(() => new optimizers.Adam({ learningRate: 0.05, gradientAccumulationSteps: N }));
    const initial = await paramsOf(compiled);
    await fitTwins(compiled, eager, EPOCHS);
    const weights = await paramsOf(compiled);
    expect(weights).toEqual(await paramsOf(eager));
    const m: Params = [new Array(6).fill(0), [0, 0]];
    const v: Params = [new Array(6).fill(0), [0, 0]];
    let t = 0;
    const expected = reference(initial, (params, mean) => {
      t++;
      params.forEach((p, k) => p.forEach((_, i) => {
        const g = mean[k][i];
        m[k][i] = 0.9 * m[k][i] + 0.1 * g;
        v[k][i] = 0.999 * v[k][i] + 0.001 * g * g;
        p[i] -= (0.05 * Math.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)) * m[k][i] / (Math.sqrt(v[k][i]) + 1e-7);
      }));
    });
    expectClose(weights, expected);
  });

  it('leaves the variables alone on accumulating calls and sums the raw gradients', async () => {
    const w = new Variable(ops.fill([2], 1));
    const optimizer = new optimizers.SGD({ learningRate: 0.5, gradientAccumulationSteps: 2 });
    tidy(() => optimizer.applyGradients([[tensor([1, -2]), w]]));
    expect(Array.from(await w.data())).toEqual([1, 1]);
    expect(Array.from(await optimizer.getSlot(w, 'gradient_accumulator')!.data())).toEqual([1, -2]);
    tidy(() => optimizer.applyGradients([[tensor([3, 4]), w]]));
    // w - 0.5 * mean([1, -2], [3, 4]) = [1 - 1, 1 - 0.5]
    expect(Array.from(await w.data())).toEqual([0, 0.5]);
    expect(Array.from(await optimizer.getSlot(w, 'gradient_accumulator')!.data())).toEqual([0, 0]);
    expect([optimizer.iterations, optimizer.updates]).toEqual([2, 1]);
    // The accumulator is saved with the other slots, after the step count.
    expect(optimizer.getWeights().length).toBe(2);
  });

  it('rejects a count below 2, and gives the option in its config', () => {
    expect(() => new optimizers.SGD({ gradientAccumulationSteps: 1 })).toThrow(/`gradientAccumulationSteps` must be an integer >= 2 or null. Received: gradientAccumulationSteps=1/);
    expect(() => new optimizers.Adam({ gradientAccumulationSteps: 2.5 })).toThrow(/integer >= 2/);
    const adam = new optimizers.Adam({ gradientAccumulationSteps: 4 });
    expect(adam.getConfig()).toMatchObject({ gradientAccumulationSteps: 4 });
    expect(optimizers.Adam.fromConfig(adam.getConfig()).gradientAccumulationSteps).toBe(4);
    expect(new optimizers.Adam().getConfig()).not.toHaveProperty('gradientAccumulationSteps');
  });
});
