// Lamb, Adafactor and Muon as objects: Keras's defaults, configs that rebuild equal optimizers,
// Adafactor's and Muon's slot shapes, and the errors of bad options. (Their updates are checked
// step for step against Keras's own fit in test/models/keras_trained.test.ts.)

import { describe, expect, it } from 'vitest';
import { Variable, optimizers, tensor, tidy } from '../../src/node';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

const variable = (values: number[], shape: number[], name: string) => {
  const initial = tensor(values, shape);
  const made = new Variable(initial, { name });
  initial.dispose();
  return made;
};

describe('Lamb, Adafactor and Muon', () => {
  it("have Keras's defaults, and their configs rebuild equal optimizers", () => {
    const made = [new optimizers.Lamb(), new optimizers.Adafactor(), new optimizers.Muon({ excludeLayers: ['head'], rmsRate: null })];
    expect(made.map((o) => [o.className, o.name, o.learningRate])).toEqual([['Lamb', 'lamb', 0.001], ['Adafactor', 'adafactor', 0.001], ['Muon', 'muon', 0.001]]);
    expect(made[2].weightDecay).toBe(0.004);
    for (const optimizer of made) {
      const copy = (optimizer.constructor as typeof optimizers.Lamb).fromConfig(optimizer.getConfig());
      expect(copy.getConfig()).toEqual(optimizer.getConfig());
    }
  });

  it("keep Adafactor's factored moments and Muon's AdamW velocity only where they are used", onBothBackends(async () => {
    const matrix = variable([1, 2, 3, 4, 5, 6], [2, 3], 'dense/kernel');
    const vector = variable([1, 2, 3], [3], 'dense/bias');
    const adafactor = new optimizers.Adafactor();
    const muon = new optimizers.Muon();
    for (const optimizer of [adafactor, muon]) tidy(() => optimizer.applyGradients([[tensor([0.1, -0.2, 0.3, 0.4, -0.5, 0.6], [2, 3]), matrix], [tensor([0.1, 0.2, 0.3]), vector]]));
    expect(['r', 'c', 'velocity'].map((slot) => adafactor.getSlot(matrix, slot)!.shape)).toEqual([[2], [3], [2, 3]]);
    expect(['r', 'c', 'velocity'].map((slot) => adafactor.getSlot(vector, slot)!.shape)).toEqual([[], [], [3]]);
    expect([muon.usesAdam(matrix), muon.usesAdam(vector)]).toEqual([false, true]);
    expect([muon.getSlot(matrix, 'velocity')!.shape, muon.getSlot(vector, 'velocity')!.shape]).toEqual([[], [3]]);
  }));

  it('refuse bad options, naming them', () => {
    expect(() => new optimizers.Lamb({ beta1: 2 })).toThrow('Lamb: argument `beta1` must be a number in [0, 1]. Received: beta1=2');
    expect(() => new optimizers.Adafactor({ relativeStep: 'yes' as never })).toThrow('Adafactor: argument `relativeStep` must be a boolean. Received: relativeStep=yes');
    expect(() => new optimizers.Muon({ nsSteps: 2.5 })).toThrow('Muon: argument `nsSteps` must be an integer >= 0. Received: nsSteps=2.5');
    expect(() => new optimizers.Muon({ excludeLayers: 'dense' as never })).toThrow('Muon: argument `excludeLayers` must be a list of regular expressions (strings). Received: excludeLayers="dense"');
  });
});
