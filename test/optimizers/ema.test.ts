// useEma, emaMomentum and emaOverwriteFrequency, as Keras 3's base optimizer: after each update the
// slot 'average' takes emaMomentum * average + (1 - emaMomentum) * w (momentum 0 at the first
// update), every emaOverwriteFrequency updates the weights take their average, and fit ends with
// finalizeVariableValues (the weights become their averages). The SwapEMAWeights callback
// evaluates with the averages. Replayed and eager fits train alike, and as a float64 loop.

import { beforeEach, describe, expect, it } from 'vitest';
import { LambdaCallback, SwapEMAWeights, Variable, getBackend, ops, optimizers, tensor, tidy } from '../../src/node';
import { useWebGPU } from '../helpers';
import { BATCH, data, expectClose, fitTwins, gradients, linear, paramsOf, twins, type Params } from './linear_reference';

useWebGPU();
beforeEach(() => expect(getBackend()).toBe('webgpu'));

const BATCHES = 6;
const LR = 0.1;

/** Plain SGD in float64 with Keras's moving average; returns the weights and the averages after each epoch. */
function reference(initial: Params, epochs: number, momentum: number, overwriteFrequency: number | null, accumulation = 1) {
  const w: Params = [[...initial[0]], [...initial[1]]];
  const average: Params = [new Array(6).fill(0), [0, 0]];
  const sum: Params = [new Array(6).fill(0), [0, 0]];
  const epochEnds: Params[] = [];
  for (let call = 0; call < epochs * BATCHES; call++) {
    const g = gradients(w, call % BATCHES);
    const updates = Math.floor(call / accumulation);
    const applies = (call + 1) % accumulation === 0;
    w.forEach((p, k) => p.forEach((_, i) => {
      sum[k][i] += g[k][i];
      if (applies) {
        p[i] -= (LR * sum[k][i]) / accumulation;
        sum[k][i] = 0;
      }
    }));
    const m = updates === 0 ? 0 : momentum;
    average.forEach((a, k) => a.forEach((_, i) => (a[i] = m * a[i] + (1 - m) * w[k][i])));
    if (overwriteFrequency !== null && (updates + 1) % overwriteFrequency === 0) w.forEach((p, k) => p.forEach((_, i) => (p[i] = average[k][i])));
    if ((call + 1) % BATCHES === 0) epochEnds.push([[...average[0]], [...average[1]]]);
  }
  return { w, average, epochEnds };
}

describe('useEma', () => {
  it('fit ends with the weights at their moving average', async () => {
    const [compiled, eager] = twins(() => new optimizers.SGD({ learningRate: LR, useEma: true, emaMomentum: 0.9 }));
    const initial = await paramsOf(compiled);
    await fitTwins(compiled, eager, 2);
    const weights = await paramsOf(compiled);
    expect(weights).toEqual(await paramsOf(eager));
    const { average, w } = reference(initial, 2, 0.9, null);
    expectClose(weights, average);
    // The averages lag behind the trained weights (the test would pass trivially otherwise).
    expect(Math.abs(average[0][0] - w[0][0])).toBeGreaterThan(1e-3);
  });

  it('overwrites the weights with their average every emaOverwriteFrequency updates', async () => {
    const [compiled, eager] = twins(() => new optimizers.SGD({ learningRate: LR, useEma: true, emaMomentum: 0.8, emaOverwriteFrequency: 4 }));
    const initial = await paramsOf(compiled);
    await fitTwins(compiled, eager, 2);
    const weights = await paramsOf(compiled);
    expect(weights).toEqual(await paramsOf(eager));
    expectClose(weights, reference(initial, 2, 0.8, 4).average);
    expect(compiled.optimizer.getConfig()).toMatchObject({ useEma: true, emaMomentum: 0.8, emaOverwriteFrequency: 4 });
  });

  it('with gradient accumulation: the average moves at every call, its first update and overwrites count updates', async () => {
    const [compiled, eager] = twins(() => new optimizers.SGD({ learningRate: LR, useEma: true, emaMomentum: 0.7, emaOverwriteFrequency: 3, gradientAccumulationSteps: 2 }));
    const initial = await paramsOf(compiled);
    await fitTwins(compiled, eager, 2);
    const weights = await paramsOf(compiled);
    expect(weights).toEqual(await paramsOf(eager));
    expectClose(weights, reference(initial, 2, 0.7, 3, 2).average);
  });

  it('the averages start at the weights after the first update', async () => {
    const w = new Variable(tensor([1, 2]));
    const optimizer = new optimizers.SGD({ learningRate: 0.5, useEma: true });
    tidy(() => optimizer.applyGradients([[tensor([2, 2]), w]]));
    expect(Array.from(await optimizer.getSlot(w, 'average')!.data())).toEqual([0, 1]);
    tidy(() => optimizer.applyGradients([[tensor([2, 2]), w]]));
    const [a0, a1] = await optimizer.getSlot(w, 'average')!.data();
    expect(a0).toBeCloseTo(0.99 * 0 + 0.01 * -1, 6);
    expect(a1).toBeCloseTo(0.99 * 1 + 0.01 * 0, 6);
  });

  it('rejects bad options', () => {
    expect(() => new optimizers.Adam({ useEma: true, emaMomentum: 1.5 })).toThrow(/`emaMomentum` must be a number in \[0, 1\]. Received: emaMomentum=1.5/);
    expect(() => new optimizers.Adam({ useEma: true, emaOverwriteFrequency: 0 })).toThrow(/`emaOverwriteFrequency` must be an integer >= 1 or null/);
    expect(() => new optimizers.Adam({ useEma: 'yes' as never })).toThrow(/`useEma` must be a boolean/);
  });
});

describe('SwapEMAWeights', () => {
  it('evaluates with the averages and puts the weights back afterwards', async () => {
    const model = linear(new optimizers.SGD({ learningRate: LR, useEma: true, emaMomentum: 0.5 }), false);
    const { x, y } = data();
    for (let i = 0; i < 4; i++) await model.trainOnBatch(ops.slice(x, [i * BATCH, 0], [BATCH, 3]), ops.slice(y, [i * BATCH, 0], [BATCH, 2]));
    const trained = await paramsOf(model);
    const withWeights = (await model.evaluate(x, y, { verbose: 0 })).loss;
    const withAverages = (await model.evaluate(x, y, { verbose: 0, callbacks: [new SwapEMAWeights()] })).loss;
    expect(await paramsOf(model)).toEqual(trained);
    // The loss of the averages, with the averages put in the model by hand.
    const averages = model.trainableWeights.map((w) => model.optimizer.getSlot(w, 'average')!);
    model.setWeights(averages);
    expect(withAverages).toBeCloseTo((await model.evaluate(x, y, { verbose: 0 })).loss, 6);
    expect(Math.abs(withAverages - withWeights)).toBeGreaterThan(1e-4);
  });

  it("fit's validation sees the averages; with swapOnEpoch the later callbacks' onEpochEnd does too", async () => {
    const model = linear(new optimizers.SGD({ learningRate: LR, useEma: true, emaMomentum: 0.9 }), false);
    const initial = await paramsOf(model);
    const { x, y } = data();
    const seen: Params[] = [];
    const record = new LambdaCallback({ onEpochEnd: async () => void seen.push(await paramsOf(model)) });
    const history = await model.fit(x, y, { epochs: 2, batchSize: BATCH, shuffle: false, verbose: 0, validationData: [x, y], callbacks: [new SwapEMAWeights({ swapOnEpoch: true }), record] });
    const { epochEnds } = reference(initial, 2, 0.9, null);
    seen.forEach((params, epoch) => expectClose(params, epochEnds[epoch]));
    // fit's end leaves the final averages in the model (the last epoch's validation used them).
    expectClose(await paramsOf(model), epochEnds[1]);
    expect(history.history.val_loss[1]).toBeCloseTo((await model.evaluate(x, y, { verbose: 0 })).loss, 6);
  });

  it('needs an optimizer with useEma, and checks its options', async () => {
    const model = linear(new optimizers.SGD(), false);
    const { x, y } = data();
    await expect(model.evaluate(x, y, { verbose: 0, callbacks: [new SwapEMAWeights()] })).rejects.toThrow(/SwapEMAWeights must be used with an optimizer that sets useEma: true/);
    expect(() => new SwapEMAWeights({ swap_on_epoch: true } as never)).toThrow(/did you mean 'swapOnEpoch'/);
  });
});
