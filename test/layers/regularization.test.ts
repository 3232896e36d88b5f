// Dropout: identity outside training; in training about `rate` of the entries are zero and the
// rest are scaled by 1 / (1 - rate); seeds, noiseShape, argument checks, flat memory. GaussianNoise:
// identity outside training; in training normal noise of the given stddev; seeds, gradient, memory.

import { describe, expect, it } from 'vitest';
import { GradientTape, memory, ones, tensor } from '../../src/node';
import { Dropout, GaussianNoise, Input } from '../../src/layers/index';
import type { OpCase } from '../cases/case';
import { rand } from '../cases/data';
import { checkCases, useWebGPU } from '../helpers';
import { expectClose, seededValues } from './layer_helpers';

useWebGPU();

describe('Dropout', () => {
  it('returns its input unchanged outside training', async () => {
    const x = tensor(seededValues(12, 1), [3, 4]);
    const dropout = new Dropout({ rate: 0.5 });
    expect(dropout.apply(x)).toBe(x);
    expect(dropout.apply(x, { training: false })).toBe(x);
  });

  it('zeros about `rate` of the entries in training and scales the rest by 1 / (1 - rate)', async () => {
    const x = tensor(seededValues(10000, 2, 1, 2), [100, 100]);
    const xs = await x.data();
    const y = await new Dropout({ rate: 0.3 }).apply(x, { training: true }).data();
    let zeros = 0;
    for (let i = 0; i < y.length; i++) {
      if (y[i] === 0) zeros++;
      else expect(Math.abs(y[i] - xs[i] / 0.7)).toBeLessThan(1e-5);
    }
    // 10000 Bernoulli(0.3) draws: standard deviation ~46.
    expect(Math.abs(zeros / 10000 - 0.3)).toBeLessThan(0.02);
  });

  it('keeps the expected sum (inverted dropout)', async () => {
    const y = new Dropout({ rate: 0.5 }).apply(ones([200, 100]), { training: true });
    const mean = (await y.mean().data())[0];
    expect(Math.abs(mean - 1)).toBeLessThan(0.03);
  });

  it('draws different masks per call, reproducible from the seed', async () => {
    const x = ones([64]);
    const a = new Dropout({ rate: 0.5, seed: 7 });
    const b = new Dropout({ rate: 0.5, seed: 7 });
    const a1 = Array.from(await a.apply(x, { training: true }).data());
    const a2 = Array.from(await a.apply(x, { training: true }).data());
    const b1 = Array.from(await b.apply(x, { training: true }).data());
    expect(b1).toEqual(a1);
    expect(a2).not.toEqual(a1);
  });

  it('shares the mask along axes of size 1 in noiseShape', async () => {
    const x = ones([2, 50, 3]);
    const y = (await new Dropout({ rate: 0.5, noiseShape: [null, 1, null] }).apply(x, { training: true }).array()) as number[][][];
    for (const sample of y) for (const step of sample) expect(step).toEqual(sample[0]);
  });

  it('gives zeros for rate 1 and the input for rate 0', async () => {
    const x = tensor([1, 2, 3]);
    expect(Array.from(await new Dropout({ rate: 1 }).apply(x, { training: true }).data())).toEqual([0, 0, 0]);
    expect(new Dropout({ rate: 0 }).apply(x, { training: true })).toBe(x);
  });

  it('passes the gradient through kept entries only, scaled', async () => {
    const x = ones([1000]);
    const tape = new GradientTape();
    tape.watch(x);
    const y = tape.record(() => new Dropout({ rate: 0.25, seed: 3 }).apply(x, { training: true }));
    const total = tape.record(() => y.sum());
    const values = await y.data();
    const grad = await tape.gradient(total, x)!.data();
    // Each input enters once with factor mask / 0.75, so its gradient equals y / x = y.
    expect(Array.from(grad).map((v) => Math.round(v * 1e4))).toEqual(Array.from(values).map((v) => Math.round(v * 1e4)));
  });

  it('keeps memory flat across training calls', () => {
    const x = ones([8, 8]);
    const dropout = new Dropout({ rate: 0.5 });
    dropout.apply(x, { training: true }).dispose();
    const before = memory().liveTensors;
    for (let i = 0; i < 5; i++) dropout.apply(x, { training: true }).dispose();
    expect(memory().liveTensors).toBe(before);
  });

  it('keeps the shape on symbolic inputs', () => {
    expect(new Dropout({ rate: 0.1 }).apply(Input({ shape: [3, 4] })).shape).toEqual([null, 3, 4]);
  });

  it('rejects a rate outside [0, 1] with the Keras message', () => {
    expect(() => new Dropout({ rate: 1.5 })).toThrow('Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate=1.5');
    expect(() => new Dropout({ rate: -0.1 })).toThrow(/rate=-0.1/);
  });

  it('rejects a noiseShape that does not broadcast to the input', () => {
    expect(() => new Dropout({ rate: 0.5, noiseShape: [2, 3] }).apply(ones([2, 4]), { training: true })).toThrow(/cannot be broadcast/);
  });
});

describe('GaussianNoise', () => {
  it('returns its input unchanged outside training, and for stddev 0', () => {
    const x = tensor(seededValues(12, 1), [3, 4]);
    expect(new GaussianNoise({ stddev: 0.5 }).apply(x)).toBe(x);
    expect(new GaussianNoise({ stddev: 0.5 }).apply(x, { training: false })).toBe(x);
    expect(new GaussianNoise({ stddev: 0 }).apply(x, { training: true })).toBe(x);
  });

  it('adds zero-mean noise of standard deviation stddev in training', async () => {
    const x = tensor(seededValues(10000, 2, 1, 2), [100, 100]);
    const xs = await x.data();
    const y = await new GaussianNoise({ stddev: 0.3 }).apply(x, { training: true }).data();
    let total = 0;
    let squares = 0;
    for (let i = 0; i < y.length; i++) {
      total += y[i] - xs[i];
      squares += (y[i] - xs[i]) ** 2;
    }
    const mean = total / y.length;
    // 10000 draws: the sample mean has standard deviation 0.003, the sample stddev about 0.002.
    expect(Math.abs(mean)).toBeLessThan(0.015);
    expect(Math.abs(Math.sqrt(squares / y.length - mean * mean) - 0.3)).toBeLessThan(0.01);
  });

  it('draws different noise per call, reproducible from the seed', async () => {
    const x = ones([64]);
    const a = new GaussianNoise({ stddev: 0.1, seed: 5 });
    const b = new GaussianNoise({ stddev: 0.1, seed: 5 });
    const a1 = Array.from(await a.apply(x, { training: true }).data());
    const a2 = Array.from(await a.apply(x, { training: true }).data());
    expect(Array.from(await b.apply(x, { training: true }).data())).toEqual(a1);
    expect(a2).not.toEqual(a1);
  });

  it('passes the gradient through unchanged (the noise is additive)', async () => {
    const x = tensor(seededValues(20, 4), [4, 5]);
    const tape = new GradientTape();
    tape.watch(x);
    const total = tape.record(() => new GaussianNoise({ stddev: 0.2, seed: 1 }).apply(x, { training: true }).mul(x).sum());
    const y = tape.record(() => new GaussianNoise({ stddev: 0.2, seed: 1 }).apply(x, { training: true }));
    // d/dx sum((x + n) * x) = 2x + n = x + y.
    const expected = Array.from(await x.add(y).data());
    expectClose(await tape.gradient(total, x)!.data(), expected);
  });

  it('keeps memory flat across training calls and the shape on symbolic inputs', () => {
    const x = ones([8, 8]);
    const noise = new GaussianNoise({ stddev: 0.1 });
    noise.apply(x, { training: true }).dispose();
    const before = memory().liveTensors;
    for (let i = 0; i < 5; i++) noise.apply(x, { training: true }).dispose();
    expect(memory().liveTensors).toBe(before);
    expect(new GaussianNoise({ stddev: 0.1 }).apply(Input({ shape: [null, 4] })).shape).toEqual([null, null, 4]);
  });

  it('rejects a stddev outside [0, 1] and a non-integer seed with Keras messages', () => {
    expect(() => new GaussianNoise({ stddev: 1.5 })).toThrow('Invalid value received for argument `stddev`. Expected a float value between 0 and 1. Received: stddev=1.5');
    expect(() => new GaussianNoise({ stddev: 0.1, seed: 0.5 })).toThrow('Invalid value received for argument `seed`. Expected an integer. Received: seed=0.5');
  });
});

const cases: OpCase[] = [{ name: 'GaussianNoise seeded, training [4,5]', run: () => new GaussianNoise({ stddev: 0.5, seed: 3 }).apply(rand([4, 5]), { training: true }) }];

describe('GaussianNoise on the GPU matches the CPU (same seed, same noise)', () => {
  checkCases(cases);
});
