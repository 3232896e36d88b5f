// Learning rate schedules as a specification: PolynomialDecay, InverseTimeDecay and
// CosineDecayRestarts against Keras's docstring formulas evaluated here in float64 (the restarts
// by walking the periods one by one, not by Keras's closed form) and the values of Keras's own
// tests, CosineDecay's warmup, serialization, option checks, and the rate an optimizer applies on
// the GPU. (ExponentialDecay and PiecewiseConstantDecay are specified in optimizers.test.ts.)

import { describe, expect, it } from 'vitest';
import { Variable, getBackend, tensor, tidy } from '../../src/node';
import {
  CosineDecay, CosineDecayRestarts, InverseTimeDecay, PolynomialDecay, SGD, cosineDecayRestarts, inverseTimeDecay, polynomialDecay,
  scheduleFromConfig, type LearningRateSchedule,
} from '../../src/optimizers/index';
import { useWebGPU } from '../helpers';

useWebGPU();

const STEPS = Array.from({ length: 61 }, (_, i) => i);

function expectSchedule(schedule: LearningRateSchedule, reference: (step: number) => number, steps = STEPS): void {
  for (const step of steps) expect(schedule.call(step), `step ${step}`).toBeCloseTo(reference(step), 12);
}

/** Keras's cosine_decay_restarts reference: walk the periods until the step falls in one. */
function restartsReference(step: number, lr0: number, first: number, tMul = 2, mMul = 1, alpha = 0): number {
  let [start, length, factor] = [0, first, 1];
  while (step >= start + length) {
    start += length;
    length *= tMul;
    factor *= mMul;
  }
  const cosine = factor * 0.5 * (1 + Math.cos((Math.PI * (step - start)) / length));
  return lr0 * ((1 - alpha) * cosine + alpha);
}

describe('PolynomialDecay', () => {
  it('decays to endLearningRate over decaySteps and stays there', () => {
    const [lr0, end, steps, power] = [0.05, 0.001, 10, 0.5];
    expectSchedule(new PolynomialDecay({ initialLearningRate: lr0, decaySteps: steps, endLearningRate: end, power }), (s) => {
      const capped = Math.min(s, steps);
      return (lr0 - end) * (1 - capped / steps) ** power + end;
    });
  });

  it("Keras's test values: halfway, end, beyond the end, cycling", () => {
    expect(new PolynomialDecay({ initialLearningRate: 0.05, decaySteps: 10, endLearningRate: 0, power: 0.5 }).call(5)).toBeCloseTo(0.05 * 0.5 ** 0.5, 12);
    const withEnd = { initialLearningRate: 0.05, decaySteps: 10, endLearningRate: 0.001, power: 0.5 };
    expect(new PolynomialDecay(withEnd).call(10)).toBeCloseTo(0.001, 12);
    expect(new PolynomialDecay(withEnd).call(5)).toBeCloseTo((0.05 - 0.001) * 0.5 ** 0.5 + 0.001, 12);
    expect(new PolynomialDecay(withEnd).call(15)).toBeCloseTo(0.001, 12);
    expect(new PolynomialDecay({ ...withEnd, cycle: true }).call(15)).toBeCloseTo((0.05 - 0.001) * 0.25 ** 0.5 + 0.001, 12);
    expect(polynomialDecay({ initialLearningRate: 0.001, decaySteps: 10, cycle: true }).call(0)).toBeCloseTo(0.001, 12);
  });

  it('with cycle, decays over the first multiple of decaySteps that reaches the step', () => {
    const [lr0, steps] = [0.1, 7];
    expectSchedule(new PolynomialDecay({ initialLearningRate: lr0, decaySteps: steps, cycle: true, power: 2 }), (s) => {
      const span = steps * Math.max(1, Math.ceil(s / steps));
      return (lr0 - 1e-4) * (1 - s / span) ** 2 + 1e-4;
    });
  });

  it('defaults: endLearningRate 1e-4, linear, no cycle', () => {
    const schedule = new PolynomialDecay({ initialLearningRate: 1, decaySteps: 4 });
    expect(schedule.getConfig()).toEqual({ initialLearningRate: 1, decaySteps: 4, endLearningRate: 1e-4, power: 1, cycle: false, name: 'PolynomialDecay' });
    expect(schedule.call(1)).toBeCloseTo((1 - 1e-4) * 0.75 + 1e-4, 12);
  });
});

describe('InverseTimeDecay', () => {
  it("Keras's tests: continuous and staircase over 11 steps", () => {
    const [lr0, k, rate] = [0.1, 10, 0.96];
    expectSchedule(new InverseTimeDecay({ initialLearningRate: lr0, decaySteps: k, decayRate: rate }), (i) => lr0 / (1 + (i / k) * rate));
    expectSchedule(inverseTimeDecay({ initialLearningRate: lr0, decaySteps: k, decayRate: rate, staircase: true }), (i) => lr0 / (1 + rate * Math.floor(i / k)));
  });

  it('the docstring example: 1/t with rate 0.5', () => {
    const schedule = new InverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 });
    expect([0, 1, 2, 4].map((s) => schedule.call(s))).toEqual([0.1, 0.1 / 1.5, 0.1 / 2, 0.1 / 3]);
  });
});

describe('CosineDecayRestarts', () => {
  it("Keras's tests: defaults, alpha, mMul, tMul over 0..1500 by 250", () => {
    const keras = [0, 250, 500, 750, 1000, 1250];
    expectSchedule(new CosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 1000 }), (s) => restartsReference(s, 1, 1000), keras);
    expectSchedule(new CosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 1000, alpha: 0.1 }), (s) => restartsReference(s, 1, 1000, 2, 1, 0.1), keras);
    expectSchedule(new CosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 1000, mMul: 0.9 }), (s) => restartsReference(s, 1, 1000, 2, 0.9), keras);
    expectSchedule(new CosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 1000, tMul: 1 }), (s) => restartsReference(s, 1, 1000, 1), keras);
  });

  for (const [tMul, mMul, alpha] of [[2, 1, 0], [3, 0.5, 0.1], [1, 0.8, 0], [1.5, 2, 0.2], [0.5, 1, 0]]) {
    it(`every step, restarts included: tMul ${tMul}, mMul ${mMul}, alpha ${alpha}`, () => {
      // tMul 0.5: periods of 4, 2, 1, 0.5, ... end at step 8.
      const steps = tMul < 1 ? STEPS.filter((s) => s < 8) : STEPS;
      const schedule = cosineDecayRestarts({ initialLearningRate: 0.3, firstDecaySteps: 4, tMul, mMul, alpha });
      expectSchedule(schedule, (s) => restartsReference(s, 0.3, 4, tMul, mMul, alpha), steps);
    });
  }

  it('starts each period at the full rate (times mMul^i) even where the logarithms round', () => {
    // Periods of 1, 10, 100: restarts at steps 1, 11, 111, where Keras's floor(log(1 + 9 * 111) / log(10))
    // is floor(2.9999999999999996) in float64 and would end the second period instead.
    const schedule = new CosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 1, tMul: 10, mMul: 0.5 });
    expect([0, 1, 11, 111].map((s) => schedule.call(s))).toEqual([1, 0.5, 0.25, 0.125]);
  });

  it('with tMul < 1, a step past the end of the periods is an error, not NaN', () => {
    const schedule = new CosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 4, tMul: 0.5 });
    expect(() => schedule.call(8)).toThrow(/tMul=0.5 < 1 the periods end after 8 steps\. Received: step=8/);
  });
});

describe('CosineDecay warmup (Keras 3)', () => {
  it("Keras's test_warmup_decay: linear warmup from initialLearningRate, then cosine from warmupTarget", () => {
    const schedule = new CosineDecay({ initialLearningRate: 0, decaySteps: 1000, warmupTarget: 10, warmupSteps: 2000 });
    for (let step = 0; step < 3000; step += 250) {
      const expected = step <= 2000 ? (step / 2000) * 10 : 10 * 0.5 * (1 + Math.cos((Math.PI * Math.min(step - 2000, 1000)) / 1000));
      expect(schedule.call(step), `step ${step}`).toBeCloseTo(expected, 12);
    }
  });
});

describe('serialization and options', () => {
  const schedules = [
    new PolynomialDecay({ initialLearningRate: 0.05, decaySteps: 10, endLearningRate: 0.01, power: 2, cycle: true }),
    new InverseTimeDecay({ initialLearningRate: 0.05, decaySteps: 10, decayRate: 0.96, staircase: true }),
    new CosineDecayRestarts({ initialLearningRate: 0.05, firstDecaySteps: 10, alpha: 0.1, tMul: 3, mMul: 4 }),
    new CosineDecay({ initialLearningRate: 0.05, decaySteps: 10, alpha: 0.1, warmupTarget: 0.2, warmupSteps: 2 }),
  ];
  for (const schedule of schedules) {
    it(`${schedule.className} round-trips through serialize and scheduleFromConfig`, () => {
      const copy = scheduleFromConfig(JSON.parse(JSON.stringify(schedule.serialize())));
      expect(copy).toBeInstanceOf(schedule.constructor);
      expect(copy.getConfig()).toEqual(schedule.getConfig());
      for (const step of [0, 3, 10, 17, 45]) expect(copy.call(step)).toBe(schedule.call(step));
    });
  }

  it("takes Keras's `name`, defaulting to Keras's name for the class, and keeps it in the config", () => {
    expect(new InverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 }).name).toBe('InverseTimeDecay');
    expect(new CosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 5 }).name).toBe('SGDRDecay');
    const named = new PolynomialDecay({ initialLearningRate: 0.1, decaySteps: 5, name: 'warm' });
    expect(scheduleFromConfig(JSON.parse(JSON.stringify(named.serialize()))).name).toBe('warm');
    expect(() => new PolynomialDecay({ initialLearningRate: 0.1, decaySteps: 5, name: 3 } as never)).toThrow('LearningRateSchedule: argument `name` must be a string. Received: name=3');
  });

  it('rejects bad arguments before any training', () => {
    expect(() => new PolynomialDecay({ initialLearningRate: 0.1, decaySteps: 0 })).toThrow(/PolynomialDecay: argument `decaySteps` must be > 0\. Received: decaySteps=0/);
    expect(() => new PolynomialDecay({ initialLearningRate: 0.1, decaySteps: 5, power: NaN })).toThrow(/`power` must be a finite number/);
    expect(() => new InverseTimeDecay({ initialLearningRate: 0.1, decaySteps: -1, decayRate: 0.5 })).toThrow(/InverseTimeDecay: argument `decaySteps` must be > 0/);
    expect(() => new InverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 1 } as never)).toThrow(/`decayRate` must be a finite number\. Received: decayRate=undefined/);
    expect(() => new CosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 0 })).toThrow(/`firstDecaySteps` must be > 0/);
    expect(() => new CosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 5, tMul: 0 })).toThrow(/`tMul` must be > 0/);
  });

  it("names a Keras snake_case option's camelCase form", () => {
    expect(() => new CosineDecayRestarts({ initialLearningRate: 0.1, first_decay_steps: 5 } as never)).toThrow(/unknown option 'first_decay_steps' \(did you mean 'firstDecaySteps'\?\)/);
    expect(() => new PolynomialDecay({ initialLearningRate: 0.1, decaySteps: 5, end_learning_rate: 0 } as never)).toThrow(/did you mean 'endLearningRate'/);
  });
});

describe('on the GPU', () => {
  it('SGD applies the schedule at `iterations` before each step', async () => {
    expect(getBackend()).toBe('webgpu');
    const schedule = new CosineDecayRestarts({ initialLearningRate: 0.5, firstDecaySteps: 2, mMul: 0.5 });
    const w = new Variable(tensor([1, -2]));
    const optimizer = new SGD({ learningRate: schedule });
    let expected = [1, -2];
    for (let step = 0; step < 7; step++) {
      tidy(() => optimizer.applyGradients([[tensor([1, 3]), w]]));
      const rate = restartsReference(step, 0.5, 2, 2, 0.5);
      expected = [expected[0] - rate * 1, expected[1] - rate * 3];
    }
    const got = Array.from(await w.data());
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });
});
