// optimizers.schedules: Keras's keras.optimizers.schedules namespace, whose LearningRateSchedule a
// custom schedule (keras.io's WarmUpCosine) subclasses.

import { describe, expect, it } from 'vitest';
import { optimizers } from '../../src/node';

describe('optimizers.schedules', () => {
  it("holds Keras's schedules, and a subclass of its LearningRateSchedule drives an optimizer", () => {
    expect(optimizers.schedules.CosineDecay).toBe(optimizers.CosineDecay);
    class Halving extends optimizers.schedules.LearningRateSchedule {
      readonly className = 'Halving';
      call(step: number): number {
        return 0.1 / 2 ** step;
      }
      getConfig() {
        return {};
      }
    }
    const optimizer = new optimizers.SGD({ learningRate: new Halving() });
    expect(optimizer.lr).toBeCloseTo(0.1, 6);
  });
});
