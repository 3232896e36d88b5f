// Training against Keras itself: small models that Keras 3.16 saved before training, with their
// compile config (Lamb, Adafactor on a dense and a convolutional model, learning rate schedules as
// Keras serializes them, Muon, ScheduleFreeAdamW, a MultiOptimizer routing kernels by a path
// pattern), are loaded here and fitted on the same data, without shuffling; the
// history and the trained weights must be those of Keras's own `fit` on the torch backend
// (test/fixtures/keras/make_keras_trained.py). Lamb's, Adafactor's and ScheduleFreeAdamW's state saved by Keras after
// training loads into the optimizer, and saving writes it back in Keras's layout.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getBackend, loadKerasModel, saveKerasModel, tensor, type Model } from '../../src/node';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

const DIR = 'test/fixtures/keras/keras_trained';
const SAMPLES = 16;

interface Expected {
  inputShape: number[];
  history: Record<string, number[]>;
  weights: Record<string, number[]>;
  /** Lamb's, Adafactor's and ScheduleFreeAdamW's: [path, values] of each of the optimizer's variables, in Keras's order. */
  optimizerVariables?: Array<[string, number[]]>;
}
const { cases } = JSON.parse(readFileSync(`${DIR}/expected.json`, 'utf8')) as { cases: Record<string, Expected> };

/** The generator's data: inputs sin(0.7 i + 0.3) / 1.5, targets cos(0.5 i) / 2. */
function data(inputShape: number[]) {
  const count = inputShape.reduce((a, b) => a * b, 1);
  const x = tensor(Array.from({ length: count }, (_, i) => Math.sin(0.7 * i + 0.3) / 1.5), inputShape);
  const y = tensor(Array.from({ length: SAMPLES * 3 }, (_, i) => Math.cos(0.5 * i) / 2), [SAMPLES, 3]);
  return { x, y };
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], what: string, rtol: number, atol: number): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i]), `${what}[${i}]: ${actual[i]} vs Keras ${expected[i]}`).toBeLessThanOrEqual(atol + rtol * Math.abs(expected[i]));
  }
}

async function fitLikeKeras(name: string): Promise<Model> {
  const model = await loadKerasModel(new Uint8Array(readFileSync(`${DIR}/${name}.keras`)));
  const { x, y } = data(cases[name].inputShape);
  const history = await model.fit(x, y, { batchSize: 4, epochs: 2, shuffle: false, verbose: 0 });
  for (const [key, series] of Object.entries(cases[name].history)) expectClose(history.history[key], series, `${getBackend()} history ${key}`, 1e-3, 1e-6);
  const weights = Object.entries(cases[name].weights);
  expect(model.weights.length).toBe(weights.length);
  for (const [i, [path, values]] of weights.entries()) expectClose(await model.weights[i].data(), values, `${getBackend()} ${path}`, 2e-3, 2e-5);
  x.dispose();
  y.dispose();
  return model;
}

describe('fit matches Keras 3.16 step for step', () => {
  for (const name of Object.keys(cases)) {
    it(name, onBothBackends(async () => {
      const model = await fitLikeKeras(name);
      expect(model.optimizer!.iterations).toBe(8);
    }));
  }

  it("Adafactor keeps the factored moments of a matrix (Keras's r and c) and a full one for a vector", onBothBackends(async () => {
    const model = await fitLikeKeras('adafactor_conv');
    const [kernel, bias] = model.layers[0].weights as Parameters<NonNullable<Model['optimizer']>['getSlot']>[0][];
    const slotShapes = (variable: typeof kernel) => ['r', 'c', 'velocity'].map((slot) => model.optimizer!.getSlot(variable, slot)!.shape);
    expect(slotShapes(kernel)).toEqual([[3, 3, 2], [3, 3, 3], [3, 3, 2, 3]]);
    expect(slotShapes(bias)).toEqual([[], [], [3]]);
  }));
});

describe("the optimizer's state in Keras's layout", () => {
  for (const name of ['lamb', 'adafactor_conv', 'schedule_free_adamw']) {
    it(`${name}: the state Keras saved after training loads, and saves back the same`, async () => {
      const file = new Uint8Array(readFileSync(`${DIR}/${name}_trained.keras`));
      const model = await loadKerasModel(file);
      const [[, iterations], [, learningRate], ...slots] = cases[name].optimizerVariables!;
      expect(model.optimizer!.iterations).toBe(iterations[0]);
      expect(model.optimizer!.lr).toBeCloseTo(learningRate[0], 7);
      // Keras's order: each trainable variable's slots together.
      const slotNames = name === 'adafactor_conv' ? ['r', 'c', 'velocity'] : ['momentum', 'velocity'];
      const inKerasOrder = (m: Model) => m.trainableWeights.flatMap((variable) => slotNames.map((slot) => m.optimizer!.getSlot(variable, slot)!));
      expect(inKerasOrder(model).length).toBe(slots.length);
      for (const [i, slot] of inKerasOrder(model).entries()) expectClose(await slot.data(), slots[i][1], `${slots[i][0]} (slot ${i})`, 0, 0);
      const again = await loadKerasModel(await saveKerasModel(model));
      for (const [i, slot] of inKerasOrder(again).entries()) expectClose(await slot.data(), slots[i][1], `saved slot ${i}`, 0, 0);
    });
  }
});
