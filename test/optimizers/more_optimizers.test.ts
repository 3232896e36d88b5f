// Adamax, Nadam, Adadelta, Lion and Ftrl as a specification: their first steps against the Keras 3
// formulas evaluated in float64 here (independent of the library's kernels), on WebGPU and on the
// CPU backend, with weight decay and each clipping option; the GPU against the CPU on several
// workgroups; configs, names and errors; training a model with fit; save and load with the
// optimizer state; and replayed training steps that train exactly as eager ones.

import { describe, expect, it, vi } from 'vitest';
import { Sequential, Variable, getBackend, layers, memory, ops, setBackend, setRandomSeed, tensor, tidy, type Tensor } from '../../src/node';
import { Adadelta, Adamax, Ftrl, Lion, Nadam, getOptimizer, type Optimizer } from '../../src/optimizers/index';
import { loadModel, memoryHandler } from '../../src/io/index';
import { currentGpu } from '../../src/backend/engine';
import { settleGarbage, useWebGPU } from '../helpers';

useWebGPU();

const W0 = [0.5, -1.2, 2.0, 0.0, -0.3, 1.5];
const SHAPE = [2, 3];
/** Four steps of gradients with changing signs and magnitudes (some shrink, so Adamax's max matters). */
const GRADS = [
  [0.8, -0.5, 1.5, 0.2, -2.0, 0.05],
  [-0.3, -0.4, 0.01, 0.9, 1.0, -0.6],
  [0.6, 0.02, -1.1, -0.05, 0.3, 0.7],
  [-0.2, 0.7, 0.4, -0.8, 0.1, 0.3],
];

type Kind = 'adamax' | 'nadam' | 'adadelta' | 'lion' | 'ftrl';

interface Hyper {
  lr: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  rho?: number;
  learningRatePower?: number;
  initialAccumulatorValue?: number;
  l1RegularizationStrength?: number;
  l2RegularizationStrength?: number;
  l2ShrinkageRegularizationStrength?: number;
  beta?: number;
  weightDecay?: number;
  clipnorm?: number;
  clipvalue?: number;
  globalClipnorm?: number;
}

/** Keras's defaults, as the reference takes them (written out here, not read from the classes). */
const DEFAULTS: Record<Kind, Hyper> = {
  adamax: { lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  nadam: { lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  adadelta: { lr: 0.001, rho: 0.95, epsilon: 1e-7 },
  lion: { lr: 0.001, beta1: 0.9, beta2: 0.99 },
  ftrl: {
    lr: 0.001, learningRatePower: -0.5, initialAccumulatorValue: 0.1,
    l1RegularizationStrength: 0, l2RegularizationStrength: 0, l2ShrinkageRegularizationStrength: 0, beta: 0,
  },
};

function make(kind: Kind, options: Record<string, unknown> = {}): Optimizer {
  if (kind === 'adamax') return new Adamax(options);
  if (kind === 'nadam') return new Nadam(options);
  if (kind === 'adadelta') return new Adadelta(options);
  if (kind === 'ftrl') return new Ftrl(options);
  return new Lion(options);
}

/** Keras's gradient clipping of the gradients of one step (one gradient per variable). */
function clipped(h: Hyper, grads: number[][]): number[][] {
  const norm = (g: number[]) => Math.sqrt(g.reduce((s, x) => s + x * x, 0));
  if (h.clipnorm) return grads.map((g) => g.map((x) => (x * h.clipnorm!) / Math.max(norm(g), h.clipnorm!)));
  if (h.globalClipnorm) {
    const total = Math.sqrt(grads.reduce((s, g) => s + norm(g) ** 2, 0));
    return grads.map((g) => g.map((x) => (x * h.globalClipnorm!) / Math.max(total, h.globalClipnorm!)));
  }
  if (h.clipvalue) return grads.map((g) => g.map((x) => Math.min(Math.max(x, -h.clipvalue!), h.clipvalue!)));
  return grads;
}

/**
 * Keras 3's apply_gradients for one variable, in float64: clip, decay the weights, then the
 * algorithm's update_step as Keras writes it, element by element. Returns the variable and its
 * slots in Keras's order.
 */
function kerasSteps(kind: Kind, h: Hyper, w0: number[], steps: number[][]): { w: number[]; slots: number[][] } {
  const w = [...w0];
  const zeros = () => w0.map(() => 0);
  // Slots in Keras's order: Adamax m, u; Nadam m, v; Adadelta accumulated grad and delta; Lion m;
  // Ftrl accumulator, linear.
  const [a, b] = [kind === 'ftrl' ? w0.map(() => h.initialAccumulatorValue!) : zeros(), zeros()];
  let uProduct = 1; // Nadam's running product of the momentum schedule, a Keras variable
  steps.forEach((rawGradient, iteration) => {
    const [g] = clipped(h, [rawGradient]);
    const t = iteration + 1;
    if (kind === 'nadam') uProduct = uProduct * h.beta1! * (1 - 0.5 * 0.96 ** t);
    for (let i = 0; i < w.length; i++) {
      if (h.weightDecay) w[i] = w[i] - w[i] * h.weightDecay * h.lr;
      if (kind === 'adamax') {
        a[i] = a[i] + (g[i] - a[i]) * (1 - h.beta1!);
        b[i] = Math.max(h.beta2! * b[i], Math.abs(g[i]));
        w[i] = w[i] - (h.lr * a[i]) / ((1 - h.beta1! ** t) * (b[i] + h.epsilon!));
      } else if (kind === 'nadam') {
        const uT = h.beta1! * (1 - 0.5 * 0.96 ** t);
        const uNext = h.beta1! * (1 - 0.5 * 0.96 ** (t + 1));
        const uProductNext = uProduct * uNext;
        a[i] = a[i] + (g[i] - a[i]) * (1 - h.beta1!);
        b[i] = b[i] + (g[i] * g[i] - b[i]) * (1 - h.beta2!);
        const mHat = (uNext * a[i]) / (1 - uProductNext) + ((1 - uT) * g[i]) / (1 - uProduct);
        const vHat = b[i] / (1 - h.beta2! ** t);
        w[i] = w[i] - (mHat * h.lr) / (Math.sqrt(vHat) + h.epsilon!);
      } else if (kind === 'adadelta') {
        const rms = (x: number) => Math.sqrt(x + h.epsilon!);
        a[i] = h.rho! * a[i] + (1 - h.rho!) * g[i] * g[i];
        const delta = -(rms(b[i]) * g[i]) / rms(a[i]);
        b[i] = h.rho! * b[i] + (1 - h.rho!) * delta * delta;
        w[i] = w[i] + h.lr * delta;
      } else if (kind === 'ftrl') {
        const l2 = h.l2RegularizationStrength! + h.beta! / (2 * h.lr);
        const gradToUse = g[i] + 2 * h.l2ShrinkageRegularizationStrength! * w[i];
        const newAccumulator = a[i] + g[i] * g[i];
        b[i] = b[i] + (gradToUse - ((newAccumulator ** -h.learningRatePower! - a[i] ** -h.learningRatePower!) / h.lr) * w[i]);
        const quadratic = newAccumulator ** -h.learningRatePower! / h.lr + 2 * l2;
        const l1 = h.l1RegularizationStrength!;
        w[i] = (Math.min(Math.max(b[i], -l1), l1) - b[i]) / quadratic;
        a[i] = newAccumulator;
      } else {
        w[i] = w[i] - h.lr * Math.sign(a[i] * h.beta1! + g[i] * (1 - h.beta1!));
        a[i] = a[i] * h.beta2! + g[i] * (1 - h.beta2!);
      }
    }
  });
  return { w, slots: kind === 'lion' ? [a] : [a, b] };
}

interface Case {
  name: string;
  kind: Kind;
  options: Record<string, unknown>;
  hyper: Hyper;
}

/** Each optimizer with its defaults, with other hyperparameters, and with each base option. */
const CASES: Case[] = (['adamax', 'nadam', 'adadelta', 'lion', 'ftrl'] as const).flatMap((kind) => {
  const other: Record<Kind, Record<string, number>> = {
    adamax: { learningRate: 0.1, beta1: 0.8, beta2: 0.5, epsilon: 1e-3 },
    nadam: { learningRate: 0.1, beta1: 0.7, beta2: 0.9, epsilon: 1e-3 },
    adadelta: { learningRate: 1, rho: 0.8, epsilon: 1e-3 },
    lion: { learningRate: 0.1, beta1: 0.6, beta2: 0.9 },
    ftrl: {
      learningRate: 0.5, learningRatePower: -0.7, initialAccumulatorValue: 0.2, l1RegularizationStrength: 0.05,
      l2RegularizationStrength: 0.1, l2ShrinkageRegularizationStrength: 0.05, beta: 0.3,
    },
  };
  const hyperOf = (options: Record<string, number>): Hyper => {
    const { learningRate, ...rest } = options;
    return { ...DEFAULTS[kind], ...rest, ...(learningRate === undefined ? {} : { lr: learningRate }) };
  };
  const variants: Array<[string, Record<string, number>]> = [
    ['defaults', {}],
    ['other hyperparameters', other[kind]],
    ['weightDecay', { learningRate: 0.1, weightDecay: 0.3 }],
    ['clipnorm', { learningRate: 0.1, clipnorm: 0.5 }],
    ['clipvalue', { learningRate: 0.1, clipvalue: 0.4 }],
    ['globalClipnorm', { learningRate: 0.1, globalClipnorm: 1 }],
  ];
  // Ftrl with a fixed per-element rate from empty accumulators: powers of 0 (0^0 = 1).
  if (kind === 'ftrl') variants.push(['learningRatePower 0, initialAccumulatorValue 0', { learningRate: 0.1, learningRatePower: 0, initialAccumulatorValue: 0 }]);
  return variants.map(([variant, options]) => ({ name: `${kind} ${variant}`, kind, options, hyper: hyperOf(options) }));
});

interface RunResult {
  w: Float32Array;
  slots: Float32Array[];
  slotNames: string[];
  iterations: number;
}

/** The steps of `grads` on `backend`, read back at the end. */
async function runSteps(makeOptimizer: () => Optimizer, backend: 'webgpu' | 'cpu', w0 = W0, grads = GRADS, shape = SHAPE): Promise<RunResult> {
  setBackend(backend);
  try {
    expect(getBackend()).toBe(backend);
    const w = new Variable(tensor(w0, shape), { name: 'w' });
    const optimizer = makeOptimizer();
    for (const g of grads) tidy(() => optimizer.applyGradients([[tensor(g, shape), w]]));
    const result = {
      w: (await w.data()) as Float32Array,
      slots: (await Promise.all(optimizer.variables.map((s) => s.data()))) as Float32Array[],
      slotNames: optimizer.variables.map((s) => s.name),
      iterations: optimizer.iterations,
    };
    w.dispose();
    optimizer.dispose();
    return result;
  } finally {
    setBackend('webgpu');
  }
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]))) {
      throw new Error(`element ${i}: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

const SLOT_NAMES: Record<Kind, string[]> = {
  adamax: ['w_momentum', 'w_norm'],
  nadam: ['w_momentum', 'w_velocity'],
  adadelta: ['w_accumulated_grad', 'w_accumulated_delta_var'],
  lion: ['w_momentum'],
  ftrl: ['w_accumulator', 'w_linear'],
};

for (const backend of ['webgpu', 'cpu'] as const) {
  describe(`four steps match the Keras formulas (float64 reference, ${backend})`, () => {
    for (const c of CASES) {
      it(c.name, async () => {
        const result = await runSteps(() => make(c.kind, c.options), backend);
        const expected = kerasSteps(c.kind, c.hyper, W0, GRADS);
        expect(result.iterations).toBe(GRADS.length);
        expect(result.slotNames).toEqual(SLOT_NAMES[c.kind]);
        expectClose(result.w, expected.w);
        result.slots.forEach((slot, k) => expectClose(slot, expected.slots[k]));
        // The reference's steps are not trivial: most elements moved (Lion's steps of +-lr may cancel).
        expect(expected.w.filter((w, i) => w !== W0[i]).length).toBeGreaterThan(W0.length / 2);
      });
    }
  });
}

describe('GPU matches the CPU backend over several workgroups', () => {
  const size = 1000;
  const w0 = Array.from({ length: size }, (_, i) => Math.sin(i * 0.37) * 2);
  const grads = [1, 2, 3].map((t) => Array.from({ length: size }, (_, i) => Math.cos(i * 0.11 + t) * (1 + (i % 7))));
  for (const c of CASES.filter((entry) => entry.name.endsWith('other hyperparameters'))) {
    it(c.name, async () => {
      const gpu = await runSteps(() => make(c.kind, c.options), 'webgpu', w0, grads, [size]);
      const cpu = await runSteps(() => make(c.kind, c.options), 'cpu', w0, grads, [size]);
      // Ftrl takes differences of powers of the accumulator; WGSL's pow (exp2 of log2) is a few
      // float32 ulps less exact than the CPU's float64 power, and the difference amplifies that.
      const [rtol, atol] = c.kind === 'ftrl' ? [1e-4, 1e-5] : [1e-5, 1e-6];
      expectClose(gpu.w, cpu.w, rtol, atol);
      gpu.slots.forEach((slot, k) => expectClose(slot, cpu.slots[k], rtol, atol));
    });
  }
});

describe('configs, names and errors', () => {
  it('getConfig gives the Keras arguments in camelCase with Keras defaults', () => {
    const base = { learningRate: 0.001, weightDecay: null, clipnorm: null, globalClipnorm: null, clipvalue: null };
    expect(new Adamax().getConfig()).toEqual({ ...base, name: 'adamax', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(new Nadam().getConfig()).toEqual({ ...base, name: 'nadam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(new Adadelta().getConfig()).toEqual({ ...base, name: 'adadelta', rho: 0.95, epsilon: 1e-7 });
    expect(new Lion().getConfig()).toEqual({ ...base, name: 'lion', beta1: 0.9, beta2: 0.99 });
    expect(new Ftrl().getConfig()).toEqual({
      ...base, name: 'ftrl', learningRatePower: -0.5, initialAccumulatorValue: 0.1,
      l1RegularizationStrength: 0, l2RegularizationStrength: 0, l2ShrinkageRegularizationStrength: 0, beta: 0,
    });
  });

  it('fromConfig rebuilds each optimizer with all its options', () => {
    for (const c of CASES) {
      const optimizer = make(c.kind, { ...c.options, name: 'mine' });
      const copy = (optimizer.constructor as typeof Adamax).fromConfig(optimizer.getConfig());
      expect(copy.constructor).toBe(optimizer.constructor);
      expect(copy.getConfig()).toEqual(optimizer.getConfig());
      expect(copy.getConfig()).toMatchObject({ ...c.options, name: 'mine' });
    }
  });

  it('getOptimizer resolves the Keras names and the class names', () => {
    expect(getOptimizer('adamax')).toBeInstanceOf(Adamax);
    expect(getOptimizer('Adamax')).toBeInstanceOf(Adamax);
    expect(getOptimizer('nadam')).toBeInstanceOf(Nadam);
    expect(getOptimizer('Nadam')).toBeInstanceOf(Nadam);
    expect(getOptimizer('adadelta')).toBeInstanceOf(Adadelta);
    expect(getOptimizer('Adadelta')).toBeInstanceOf(Adadelta);
    expect(getOptimizer('lion')).toBeInstanceOf(Lion);
    expect(getOptimizer('Lion')).toBeInstanceOf(Lion);
    expect(getOptimizer('ftrl')).toBeInstanceOf(Ftrl);
    expect(getOptimizer('Ftrl')).toBeInstanceOf(Ftrl);
    expect(getOptimizer('lion').className).toBe('Lion');
  });

  it('rejects unknown options, out-of-range values and a Lion beta1 of 0, Keras style', () => {
    expect(() => new Nadam({ beta_1: 0.9 } as never)).toThrow(/Nadam: argument\(s\) not recognized: beta_1/);
    expect(() => new Lion({ epsilon: 1e-7 } as never)).toThrow(/Lion: argument\(s\) not recognized: epsilon/);
    expect(() => new Adamax({ beta2: 1.5 })).toThrow('Adamax: argument `beta2` must be a number in [0, 1]. Received: beta2=1.5');
    expect(() => new Adadelta({ rho: -0.1 })).toThrow('Adadelta: argument `rho` must be a number in [0, 1]. Received: rho=-0.1');
    expect(() => new Lion({ beta1: 0 })).toThrow('Lion: argument `beta1` must be in the (0, 1] range. Otherwise, the optimizer degenerates to SignSGD. Received: beta1=0');
    expect(() => new Ftrl({ learningRatePower: 0.5 })).toThrow('Ftrl: argument `learningRatePower` needs to be negative or zero. Received: learningRatePower=0.5');
    expect(() => new Ftrl({ l1RegularizationStrength: -1 })).toThrow('Ftrl: argument `l1RegularizationStrength` must be a number >= 0. Received: l1RegularizationStrength=-1');
    expect(() => new Nadam({ clipnorm: 1, globalClipnorm: 1 })).toThrow(/only one of `clipnorm`, `clipvalue` and `globalClipnorm`/);
  });

  it('Nadam restarted from its saved step count continues with the same momentum product', async () => {
    const grads = GRADS.map((g) => tensor(g, SHAPE));
    const original = new Variable(tensor(W0, SHAPE), { name: 'w' });
    const optimizer = new Nadam({ learningRate: 0.1 });
    for (const g of grads.slice(0, 3)) tidy(() => optimizer.applyGradients([[g, original]]));
    const state = optimizer.getWeights();
    const restoredVariable = new Variable(tensor(await original.data(), SHAPE), { name: 'w' });
    const restored = new Nadam({ learningRate: 0.1 });
    restored.build([restoredVariable]);
    await restored.setWeights(state);
    state.forEach((t) => t.dispose());
    tidy(() => optimizer.applyGradients([[grads[3], original]]));
    tidy(() => restored.applyGradients([[grads[3], restoredVariable]]));
    expect(Array.from(await restoredVariable.data())).toEqual(Array.from(await original.data()));
    expectClose(await original.data(), kerasSteps('nadam', { ...DEFAULTS.nadam, lr: 0.1 }, W0, GRADS).w);
  });
});

/** A small regression model compiled with `optimizer`, and its data. */
function regression(optimizer: Optimizer, runEagerly = false): Sequential {
  const model = new Sequential();
  model.add(new layers.Dense({ units: 8, activation: 'tanh', inputShape: [4] }));
  model.add(new layers.Dense({ units: 1 }));
  model.compile({ optimizer, loss: 'mse', runEagerly });
  return model;
}

function regressionData(): { x: Tensor; y: Tensor } {
  const x = ops.randomUniform([32, 4], { minval: -1, maxval: 1, seed: 5 });
  return { x, y: x.sum(-1, true).mul(0.5).sub(0.2) };
}

/** Learning rates that make a few epochs count (Adadelta's default 0.001 moves almost nothing). */
const TRAINING: Array<[Kind, Record<string, number>]> = [
  ['adamax', { learningRate: 0.02 }],
  ['nadam', { learningRate: 0.01 }],
  ['adadelta', { learningRate: 1 }],
  ['lion', { learningRate: 0.003 }],
  ['ftrl', { learningRate: 0.5 }],
];

async function weightsOf(model: Sequential): Promise<number[][]> {
  return Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));
}

async function slotsOf(optimizer: Optimizer): Promise<number[][]> {
  return Promise.all(optimizer.variables.map(async (s) => Array.from(await s.data())));
}

describe('training a model', () => {
  for (const [kind, options] of TRAINING) {
    it(`${kind}: fit lowers the loss`, async () => {
      setRandomSeed(1);
      const { x, y } = regressionData();
      const model = regression(make(kind, options));
      const history = await model.fit(x, y, { epochs: 8, batchSize: 8, shuffle: false, verbose: 0 });
      const loss = history.history.loss as number[];
      expect(loss.every(Number.isFinite)).toBe(true);
      expect(loss.at(-1)!).toBeLessThan(loss[0] * 0.8);
      model.dispose();
    });
  }

  for (const [kind, options] of TRAINING) {
    it(`${kind}: save and loadModel restore the optimizer, its slots and step count, and training continues identically`, async () => {
      setRandomSeed(2);
      const { x, y } = regressionData();
      const model = regression(make(kind, { ...options, clipnorm: 1 }));
      const fitOptions = { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 as const };
      await model.fit(x, y, fitOptions);
      const slot = memoryHandler();
      await model.save(slot);
      const restored = await loadModel(slot);
      expect(restored.optimizer.constructor).toBe(model.optimizer.constructor);
      expect(restored.optimizer.getConfig()).toEqual(model.optimizer.getConfig());
      expect(restored.optimizer.iterations).toBe(8);
      expect(restored.optimizer.variables.map((s) => s.name)).toEqual(model.optimizer.variables.map((s) => s.name));
      expect(await slotsOf(restored.optimizer)).toEqual(await slotsOf(model.optimizer));
      const original = await model.fit(x, y, fitOptions);
      const resumed = await restored.fit(x, y, fitOptions);
      expect(resumed.history).toEqual(original.history);
      expect(await weightsOf(restored as Sequential)).toEqual(await weightsOf(model));
      model.dispose();
      restored.dispose();
    });
  }
});

describe('replayed training steps', () => {
  for (const [kind, options] of TRAINING) {
    it(`${kind}: a compiled fit replays the update and trains bit-identically to an eager fit`, async () => {
      expect(getBackend()).toBe('webgpu');
      const { x, y } = regressionData();
      const compiled = regression(make(kind, { ...options, weightDecay: 0.01 }));
      const eager = regression(make(kind, { ...options, weightDecay: 0.01 }), true);
      eager.setWeights(compiled.getWeights());
      const calls = vi.spyOn(compiled.layers[0], 'call');
      const fitOptions = { epochs: 3, batchSize: 8, shuffle: true, seed: 3, verbose: 0 as const };
      const [a, b] = [await compiled.fit(x, y, fitOptions), await eager.fit(x, y, fitOptions)];
      // 12 steps of one batch shape: one eager, two traced, nine replayed.
      expect(calls).toHaveBeenCalledTimes(3);
      // From then on the prepared dispatches are issued again, the update kernel's included,
      // although the bias corrections of Adamax and Nadam change every step.
      const captures = vi.spyOn(currentGpu()!, 'captureDispatches');
      const [c, d] = [await compiled.fit(x, y, fitOptions), await eager.fit(x, y, fitOptions)];
      expect(captures).not.toHaveBeenCalled();
      captures.mockRestore();
      expect(a.history).toEqual(b.history);
      expect(c.history).toEqual(d.history);
      expect(compiled.optimizer.iterations).toBe(24);
      expect(await weightsOf(compiled)).toEqual(await weightsOf(eager));
      expect(await slotsOf(compiled.optimizer)).toEqual(await slotsOf(eager.optimizer));
      compiled.dispose();
      eager.dispose();
    });
  }

  it('leave memory as they found it', async () => {
    const { x, y } = regressionData();
    const model = regression(new Nadam({ learningRate: 0.01 }));
    const fitOptions = { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 as const };
    await model.fit(x, y, fitOptions);
    await settleGarbage();
    const before = memory();
    await model.fit(x, y, { ...fitOptions, epochs: 3 });
    await settleGarbage();
    expect(memory().liveTensors).toBe(before.liveTensors);
    expect(memory().gpuBytes).toBe(before.gpuBytes);
    model.dispose();
  });
});
