// Random ops: a seed gives the same values on the GPU and the CPU backend, the distributions have
// the right statistics, seeds (given or fresh) give different streams, and a SeedGenerator gives a
// new seed at each call, replayed training steps included.

import { describe, expect, it } from 'vitest';
import { Callback, Input, Model, SeedGenerator, layers, randomNormal, randomUniform, setBackend, truncatedNormal, type Logs, type StepData, type Tensor } from '../../src/node';
import { compareOutputs, runOn, type OpCase } from '../cases/case';
import { useWebGPU } from '../helpers';

useWebGPU();

const DRAWS = 20_000;

async function valuesOf(t: Tensor): Promise<number[]> {
  const values = Array.from(await t.data());
  t.dispose();
  return values;
}

function stats(values: number[]): { mean: number; std: number; min: number; max: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  return { mean, std, min: Math.min(...values), max: Math.max(...values) };
}

describe('the same seed gives the same values on GPU and CPU', () => {
  const cases: Array<OpCase & { exact: boolean }> = [
    { name: 'randomUniform [0, 1)', run: () => randomUniform([1000], { seed: 1 }), exact: true },
    { name: 'randomUniform [-3, 5)', run: () => randomUniform([37, 11], { minval: -3, maxval: 5, seed: 2 }), exact: true },
    { name: 'randomUniform int32 [-5, 7)', run: () => randomUniform([999], { minval: -5, maxval: 7, dtype: 'int32', seed: 3 }), exact: true },
    { name: 'randomUniform with a seed above 2^32', run: () => randomUniform([64], { seed: 2 ** 40 + 5 }), exact: true },
    { name: 'randomNormal', run: () => randomNormal([2000], { mean: 1, stddev: 2, seed: 4 }), atol: 1e-4, exact: false },
    { name: 'truncatedNormal', run: () => truncatedNormal([2000], { stddev: 0.5, seed: 5 }), atol: 1e-4, exact: false },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const gpu = await runOn('webgpu', c);
      const cpu = await runOn('cpu', c);
      if (c.exact) expect(Array.from(gpu[0].values)).toEqual(Array.from(cpu[0].values));
      else expect(compareOutputs(gpu, cpu, 0, c.atol!).message).toBe('ok');
    });
  }
});

describe('distributions (20k draws on the GPU)', () => {
  it('uniform covers [minval, maxval) evenly', async () => {
    const s = stats(await valuesOf(randomUniform([DRAWS], { minval: -2, maxval: 6, seed: 11 })));
    expect(s.min).toBeGreaterThanOrEqual(-2);
    expect(s.max).toBeLessThan(6);
    expect(s.mean).toBeCloseTo(2, 1);
    expect(s.std).toBeCloseTo(8 / Math.sqrt(12), 1);
  });

  it('int32 uniform gives every integer in [minval, maxval)', async () => {
    const t = randomUniform([DRAWS], { minval: -3, maxval: 4, dtype: 'int32', seed: 12 });
    expect(t.dtype).toBe('int32');
    const values = await valuesOf(t);
    expect(values.every((v) => Number.isInteger(v) && v >= -3 && v < 4)).toBe(true);
    expect(new Set(values).size).toBe(7);
    expect(stats(values).mean).toBeCloseTo(0, 1);
  });

  it('normal has the requested mean and stddev', async () => {
    const s = stats(await valuesOf(randomNormal([DRAWS], { mean: 3, stddev: 0.5, seed: 13 })));
    expect(Math.abs(s.mean - 3)).toBeLessThan(0.02);
    expect(Math.abs(s.std - 0.5)).toBeLessThan(0.02);
  });

  it('truncated normal has nothing beyond 2 stddev', async () => {
    const values = await valuesOf(truncatedNormal([DRAWS], { mean: 1, stddev: 0.25, seed: 14 }));
    const s = stats(values);
    expect(s.min).toBeGreaterThanOrEqual(1 - 0.5);
    expect(s.max).toBeLessThanOrEqual(1 + 0.5);
    expect(Math.abs(s.mean - 1)).toBeLessThan(0.01);
    // A standard normal truncated at +-2 has standard deviation 0.8796.
    expect(Math.abs(s.std - 0.25 * 0.8796)).toBeLessThan(0.01);
  });
});

describe('seeds', () => {
  it('different seeds differ, and unseeded calls differ from each other', async () => {
    const a = await valuesOf(randomNormal([100], { seed: 1 }));
    const b = await valuesOf(randomNormal([100], { seed: 2 }));
    const again = await valuesOf(randomNormal([100], { seed: 1 }));
    expect(again).toEqual(a);
    expect(b).not.toEqual(a);
    expect(await valuesOf(randomUniform([100]))).not.toEqual(await valuesOf(randomUniform([100])));
  });

  it('a SeedGenerator gives each call a new seed, in a sequence its own seed fixes on both backends', async () => {
    const draw = async (generator: SeedGenerator) => [await valuesOf(randomNormal([4], { seed: generator })), await valuesOf(randomUniform([4], { seed: generator }))];
    const [first, second] = await draw(new SeedGenerator(1337));
    expect(second).not.toEqual(first.map((v) => v));
    expect(await valuesOf(randomNormal([4], { seed: new SeedGenerator(1337) }))).toEqual(first);
    expect(await valuesOf(randomNormal([4], { seed: new SeedGenerator(1338) }))).not.toEqual(first);
    setBackend('cpu');
    try {
      const [cpuFirst, cpuSecond] = await draw(new SeedGenerator(1337));
      cpuFirst.forEach((v, i) => expect(v).toBeCloseTo(first[i], 5));
      expect(cpuSecond).toEqual(second);
    } finally {
      setBackend('webgpu');
    }
  });

  it("a SeedGenerator in a custom trainStep draws anew at every replayed step, the eager steps' sequence", async () => {
    class NoisyStep extends Model {
      readonly seeds = new SeedGenerator(7);
      calls = 0;
      override trainStep(data: StepData) {
        this.calls++;
        const x = data[0] as Tensor;
        return { noise: randomNormal([x.shape[0], 1], { seed: this.seeds }).sum() };
      }
    }
    class BatchNoise extends Callback {
      readonly values: number[] = [];
      override onTrainBatchEnd(_batch: number, logs: Logs = {}) {
        this.values.push(logs.noise);
      }
    }
    const run = async (runEagerly: boolean) => {
      const input = Input({ shape: [2] });
      const model = new NoisyStep({ inputs: input, outputs: new layers.Dense({ units: 1 }).apply(input) });
      model.compile({ optimizer: 'sgd', runEagerly });
      const noise = new BatchNoise();
      await model.fit(randomUniform([24, 2], { seed: 1 }), undefined, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0, callbacks: [noise] });
      return [noise.values, model.calls] as const;
    };
    const [replayed, tracedCalls] = await run(false);
    // The first step runs eagerly, the next two are traced, the other three replayed.
    expect(tracedCalls).toBe(3);
    expect(new Set(replayed).size).toBe(6);
    expect(replayed).toEqual((await run(true))[0]);
  });

  it('works on the CPU backend alone', async () => {
    setBackend('cpu');
    try {
      const s = stats(await valuesOf(randomNormal([DRAWS], { seed: 21 })));
      expect(Math.abs(s.mean)).toBeLessThan(0.03);
      expect(Math.abs(s.std - 1)).toBeLessThan(0.03);
    } finally {
      setBackend('webgpu');
    }
  });
});

describe('errors', () => {
  it('rejects a non-integer seed', () => {
    expect(() => randomNormal([2], { seed: 1.5 })).toThrow('randomNormal: seed must be an integer, got 1.5.');
  });

  it('rejects a negative stddev', () => {
    expect(() => truncatedNormal([2], { stddev: -1 })).toThrow('truncatedNormal: stddev must not be negative, got -1.');
  });

  it('rejects int32 normals', () => {
    expect(() => randomNormal([2], { dtype: 'int32' })).toThrow("randomNormal: dtype must be 'float32', got 'int32'.");
  });

  it('rejects bounds in the wrong order', () => {
    expect(() => randomUniform([2], { minval: 1, maxval: 0 })).toThrow('randomUniform: minval (1) must not exceed maxval (0).');
    expect(() => randomUniform([2], { minval: 3, maxval: 3, dtype: 'int32' })).toThrow('randomUniform: minval (3) must be less than maxval (3) for int32.');
  });

  it('rejects non-integer int32 bounds', () => {
    expect(() => randomUniform([2], { maxval: 2.5, dtype: 'int32' })).toThrow('randomUniform: int32 bounds must be integers in the int32 range, got minval=0, maxval=2.5.');
  });

  it('rejects positional bounds (Keras and TF.js write them so) instead of ignoring them', () => {
    const positional = randomUniform as unknown as (...args: unknown[]) => Tensor;
    expect(() => positional([2], -1, 1)).toThrow('randomUniform: the second argument is the options record, got -1; write randomUniform(shape, { minval: -1, maxval: 1 }).');
    expect(() => randomNormal([2], 0 as never)).toThrow('randomNormal: the second argument is the options record, got 0; write randomNormal(shape, { mean: 0, stddev: 2 }).');
  });

  it('rejects bad shapes', () => {
    expect(() => randomUniform([3, -1])).toThrow('randomUniform: shape [3,-1] must hold non-negative integers (got -1).');
  });
});
