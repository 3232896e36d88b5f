// Optimizers as a specification: the first steps of each optimizer against the Keras 3 formulas
// evaluated in float64 here (independent of the CPU kernel), the GPU kernels against the CPU
// backend, clipping, weight decay, schedules, names, the errors users meet, convergence on a
// quadratic, flat memory over many steps, and the state round trip.

import { describe, expect, it, vi } from 'vitest';
import { GradientTape, Variable, getBackend, memory, setBackend, tensor, tidy, type Tensor } from '../../src/node';
import {
  Adagrad, Adam, AdamW, CosineDecay, ExponentialDecay, Optimizer, PiecewiseConstantDecay, RMSprop, SGD,
  cosineDecay, exponentialDecay, getOptimizer, optimizerUpdate, piecewiseConstant, scheduleFromConfig,
} from '../../src/optimizers/index';
import { optimizerUpdates } from '../../src/optimizers/update_kernel';
import { currentGpu } from '../../src/backend/engine';
import { settleGarbage, useWebGPU, withKernelTuning } from '../helpers';

useWebGPU();

const SHAPE = [2, 3];
const W0 = [0.5, -1.2, 2.0, 0.0, -0.3, 1.5];
/** Three steps of gradients with changing signs and magnitudes (some shrink, so AMSGrad matters). */
const GRADS = [
  [0.8, -0.5, 1.5, 0.2, -2.0, 0.05],
  [-0.3, -0.4, 0.01, 0.9, 1.0, -0.6],
  [0.6, 0.02, -1.1, -0.05, 0.3, 0.7],
];

interface Hyper {
  lr: number;
  weightDecay?: number;
  momentum?: number;
  nesterov?: boolean;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  amsgrad?: boolean;
  rho?: number;
  centered?: boolean;
  initialAccumulator?: number;
}

interface Config {
  name: string;
  make: () => Optimizer;
  algorithm: 'sgd' | 'adam' | 'rmsprop' | 'adagrad';
  hyper: Hyper;
}

const CONFIGS: Config[] = [
  { name: 'SGD (defaults)', make: () => new SGD(), algorithm: 'sgd', hyper: { lr: 0.01 } },
  { name: 'SGD momentum', make: () => new SGD({ learningRate: 0.1, momentum: 0.9 }), algorithm: 'sgd', hyper: { lr: 0.1, momentum: 0.9 } },
  { name: 'SGD nesterov', make: () => new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true }), algorithm: 'sgd', hyper: { lr: 0.1, momentum: 0.9, nesterov: true } },
  { name: 'SGD weight decay', make: () => new SGD({ learningRate: 0.1, weightDecay: 0.2 }), algorithm: 'sgd', hyper: { lr: 0.1, weightDecay: 0.2 } },
  { name: 'Adam (defaults)', make: () => new Adam(), algorithm: 'adam', hyper: { lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } },
  { name: 'Adam lr 0.1', make: () => new Adam({ learningRate: 0.1 }), algorithm: 'adam', hyper: { lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } },
  {
    name: 'Adam amsgrad', make: () => new Adam({ learningRate: 0.1, beta2: 0.5, amsgrad: true }), algorithm: 'adam',
    hyper: { lr: 0.1, beta1: 0.9, beta2: 0.5, epsilon: 1e-7, amsgrad: true },
  },
  { name: 'AdamW (defaults)', make: () => new AdamW(), algorithm: 'adam', hyper: { lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.004 } },
  {
    name: 'AdamW weight decay 0.5', make: () => new AdamW({ learningRate: 0.1, weightDecay: 0.5 }), algorithm: 'adam',
    hyper: { lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.5 },
  },
  { name: 'RMSprop (defaults)', make: () => new RMSprop(), algorithm: 'rmsprop', hyper: { lr: 0.001, rho: 0.9, epsilon: 1e-7 } },
  { name: 'RMSprop momentum', make: () => new RMSprop({ learningRate: 0.01, momentum: 0.5 }), algorithm: 'rmsprop', hyper: { lr: 0.01, rho: 0.9, epsilon: 1e-7, momentum: 0.5 } },
  { name: 'RMSprop centered', make: () => new RMSprop({ learningRate: 0.01, centered: true }), algorithm: 'rmsprop', hyper: { lr: 0.01, rho: 0.9, epsilon: 1e-7, centered: true } },
  {
    name: 'RMSprop centered momentum', make: () => new RMSprop({ learningRate: 0.01, centered: true, momentum: 0.5, rho: 0.8 }), algorithm: 'rmsprop',
    hyper: { lr: 0.01, rho: 0.8, epsilon: 1e-7, centered: true, momentum: 0.5 },
  },
  { name: 'Adagrad (defaults)', make: () => new Adagrad(), algorithm: 'adagrad', hyper: { lr: 0.001, epsilon: 1e-7, initialAccumulator: 0.1 } },
  { name: 'Adagrad lr 0.1', make: () => new Adagrad({ learningRate: 0.1, initialAccumulatorValue: 0.01 }), algorithm: 'adagrad', hyper: { lr: 0.1, epsilon: 1e-7, initialAccumulator: 0.01 } },
];

/**
 * Keras 3's update_step for one element, written as Keras writes it, in float64. Returns the new
 * variable and the slots in Keras's order (which the optimizer's slot order follows).
 */
function kerasSteps(algorithm: Config['algorithm'], h: Hyper, w0: number, grads: number[]): { w: number; slots: number[] } {
  let w = w0;
  let m = 0; // SGD/RMSprop momentum, Adam first moment
  let v = algorithm === 'adagrad' ? h.initialAccumulator! : 0; // Adam/RMSprop velocity, Adagrad accumulator
  let vHat = 0;
  let averageGrad = 0;
  grads.forEach((g, iteration) => {
    if (h.weightDecay) w = w - w * h.weightDecay * h.lr;
    const t = iteration + 1;
    if (algorithm === 'sgd') {
      if (h.momentum) {
        m = m * h.momentum - g * h.lr;
        w = h.nesterov ? w + (m * h.momentum - g * h.lr) : w + m;
      } else {
        w = w - g * h.lr;
      }
    } else if (algorithm === 'adam') {
      const alpha = (h.lr * Math.sqrt(1 - h.beta2! ** t)) / (1 - h.beta1! ** t);
      m = m + (g - m) * (1 - h.beta1!);
      v = v + (g * g - v) * (1 - h.beta2!);
      let denominatorMoment = v;
      if (h.amsgrad) {
        vHat = Math.max(vHat, v);
        denominatorMoment = vHat;
      }
      w = w - (m * alpha) / (Math.sqrt(denominatorMoment) + h.epsilon!);
    } else if (algorithm === 'rmsprop') {
      v = h.rho! * v + (1 - h.rho!) * g * g;
      let denominator: number;
      if (h.centered) {
        averageGrad = h.rho! * averageGrad + (1 - h.rho!) * g;
        denominator = v - averageGrad * averageGrad + h.epsilon!;
      } else {
        denominator = v + h.epsilon!;
      }
      const increment = (h.lr * g) / Math.sqrt(denominator);
      if (h.momentum) {
        m = h.momentum * m + increment;
        w = w - m;
      } else {
        w = w - increment;
      }
    } else {
      v = v + g * g;
      w = w - (h.lr * g) / Math.sqrt(v + h.epsilon!);
    }
  });
  const slots =
    algorithm === 'sgd' ? (h.momentum ? [m] : [])
    : algorithm === 'adam' ? (h.amsgrad ? [m, v, vHat] : [m, v])
    : algorithm === 'rmsprop' ? [v, ...(h.centered ? [averageGrad] : []), ...(h.momentum ? [m] : [])]
    : [v];
  return { w, slots };
}

interface RunResult {
  w: Float32Array;
  slots: Float32Array[];
  iterations: number;
}

/** Three steps on the active backend (or `backend`), read back at the end. */
async function runSteps(make: () => Optimizer, backend: 'webgpu' | 'cpu', w0 = W0, grads = GRADS, shape = SHAPE): Promise<RunResult> {
  setBackend(backend);
  try {
    const w = new Variable(tensor(w0, shape), { name: 'w' });
    const optimizer = make();
    for (const g of grads) tidy(() => optimizer.applyGradients([[tensor(g, shape), w]]));
    const result = { w: (await w.data()) as Float32Array, slots: (await Promise.all(optimizer.variables.map((s) => s.data()))) as Float32Array[], iterations: optimizer.iterations };
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

async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

describe('first three steps match the Keras formulas (float64 reference, WebGPU)', () => {
  for (const config of CONFIGS) {
    it(config.name, async () => {
      const result = await runSteps(config.make, 'webgpu');
      const expected = W0.map((w, i) => kerasSteps(config.algorithm, config.hyper, w, GRADS.map((g) => g[i])));
      expect(result.iterations).toBe(3);
      expectClose(result.w, expected.map((e) => e.w));
      expect(result.slots.length).toBe(expected[0].slots.length);
      result.slots.forEach((slot, k) => expectClose(slot, expected.map((e) => e.slots[k])));
    });
  }
});

describe('GPU matches the CPU backend', () => {
  // 1000 elements: several workgroups.
  const size = 1000;
  const w0 = Array.from({ length: size }, (_, i) => Math.sin(i * 0.37) * 2);
  const grads = [1, 2, 3].map((t) => Array.from({ length: size }, (_, i) => Math.cos(i * 0.11 + t) * (1 + (i % 7))));
  for (const config of CONFIGS) {
    it(config.name, async () => {
      const gpu = await runSteps(config.make, 'webgpu', w0, grads, [size]);
      const cpu = await runSteps(config.make, 'cpu', w0, grads, [size]);
      expectClose(gpu.w, cpu.w);
      expect(gpu.slots.length).toBe(cpu.slots.length);
      gpu.slots.forEach((slot, k) => expectClose(slot, cpu.slots[k]));
    });
  }
});

describe('one applyGradients over several variables (grouped dispatches)', () => {
  // Six variables of different sizes, one of a single element: the update runs
  // as few dispatches as the storage buffer limit allows (3 + 2 x slots buffers a variable).
  const sizes = [1000, 3, 1, 300, 257, 5];
  const values = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * 2);

  async function run(make: () => Optimizer, backend: 'webgpu' | 'cpu'): Promise<{ weights: Float32Array[]; slots: Float32Array[]; dispatches: number }> {
    setBackend(backend);
    expect(getBackend()).toBe(backend);
    try {
      const ws = sizes.map((n, k) => new Variable(tensor(values(n, k), [n]), { name: `w${k}` }));
      const optimizer = make();
      optimizer.build(ws);
      let dispatches = 0;
      for (let step = 0; step < 3; step++) {
        const grads = sizes.map((n, k) => tensor(values(n, 10 * step + k).map((v) => v * (1 + (k % 3))), [n]));
        const recorder = backend === 'webgpu' ? currentGpu()!.recorder : null;
        const spy = recorder ? vi.spyOn(recorder, 'dispatch') : null;
        tidy(() => optimizer.applyGradients(grads.map((g, k) => [g, ws[k]] as [Tensor, Variable])));
        dispatches = spy?.mock.calls.length ?? 0;
        spy?.mockRestore();
        grads.forEach((g) => g.dispose());
      }
      const result = {
        weights: (await Promise.all(ws.map((w) => w.data()))) as Float32Array[],
        slots: (await Promise.all(optimizer.variables.map((v) => v.data()))) as Float32Array[],
        dispatches,
      };
      ws.forEach((w) => w.dispose());
      optimizer.dispose();
      return result;
    } finally {
      setBackend('webgpu');
    }
  }

  const checks = () => CONFIGS.forEach((config) =>
    it(`${config.name}: GPU matches CPU, in ceil(6 / variables a dispatch) update dispatches`, async () => {
      const gpu = await run(config.make, 'webgpu');
      const cpu = await run(config.make, 'cpu');
      gpu.weights.forEach((w, k) => expectClose(w, cpu.weights[k]));
      expect(gpu.slots.length).toBe(cpu.slots.length);
      gpu.slots.forEach((slot, k) => expectClose(slot, cpu.slots[k]));
      const slotCount = gpu.slots.length / sizes.length;
      const perDispatch = Math.min(8, Math.floor(currentGpu()!.limits.maxStorageBuffersPerShaderStage / (3 + 2 * slotCount)));
      expect(gpu.dispatches).toBe(Math.ceil(sizes.length / perDispatch));
    }),
  );
  // SwiftShader's invocations walk several elements each; a GPU's one.
  describe('with the kernels of this SwiftShader device', checks);
  describe('with the kernels of a hardware adapter', () => withKernelTuning('hardware', 0, checks));
});

describe('gradient clipping', () => {
  /** One SGD step with learning rate 1, so each variable moves by minus its clipped gradient. */
  async function clippedSteps(options: ConstructorParameters<typeof SGD>[0], gradients: number[][]): Promise<number[][]> {
    const variables = gradients.map((g) => new Variable(tensor(g.map(() => 0))));
    const optimizer = new SGD({ learningRate: 1, ...options });
    tidy(() => optimizer.applyGradients(gradients.map((g, i) => [tensor(g), variables[i]] as [Tensor, Variable])));
    return Promise.all(variables.map(async (v) => (await values(v)).map((x) => -x)));
  }

  it('clipnorm clips each gradient to that L2 norm', async () => {
    const [a, b] = await clippedSteps({ clipnorm: 1 }, [[3, 4], [0.3, 0.4]]);
    expectClose(a, [0.6, 0.8]);
    expectClose(b, [0.3, 0.4]);
  });

  it('globalClipnorm scales all gradients by their joint norm', async () => {
    const [a, b] = await clippedSteps({ globalClipnorm: 1 }, [[3, 4], [12]]);
    expectClose(a, [3 / 13, 4 / 13]);
    expectClose(b, [12 / 13]);
    const [c, d] = await clippedSteps({ globalClipnorm: 100 }, [[3, 4], [12]]);
    expectClose(c, [3, 4]);
    expectClose(d, [12]);
  });

  it('clipvalue clips each element', async () => {
    const [a] = await clippedSteps({ clipvalue: 0.5 }, [[-2, 0.3, 1, -0.1]]);
    expectClose(a, [-0.5, 0.3, 0.5, -0.1]);
  });

  it('allows only one clipping option', () => {
    expect(() => new Adam({ clipnorm: 1, clipvalue: 1 })).toThrow(/only one of `clipnorm`, `clipvalue` and `globalClipnorm`/);
  });
});

describe('learning rate schedules', () => {
  it('ExponentialDecay, continuous and staircase', () => {
    const smooth = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
    expect(smooth.call(0)).toBeCloseTo(0.1, 12);
    expect(smooth.call(5)).toBeCloseTo(0.1 * Math.SQRT1_2, 12);
    expect(smooth.call(20)).toBeCloseTo(0.025, 12);
    const stairs = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true });
    expect(stairs.call(15)).toBeCloseTo(0.05, 12);
    expect(stairs.call(9)).toBeCloseTo(0.1, 12);
  });

  it('CosineDecay, with alpha and with warmup', () => {
    const cosine = new CosineDecay({ initialLearningRate: 1, decaySteps: 10 });
    expect(cosine.call(0)).toBeCloseTo(1, 12);
    expect(cosine.call(5)).toBeCloseTo(0.5, 12);
    expect(cosine.call(10)).toBeCloseTo(0, 12);
    expect(cosine.call(25)).toBeCloseTo(0, 12);
    expect(cosineDecay({ initialLearningRate: 1, decaySteps: 10, alpha: 0.1 }).call(5)).toBeCloseTo(0.55, 12);
    const warm = cosineDecay({ initialLearningRate: 0, decaySteps: 10, warmupTarget: 1, warmupSteps: 4 });
    expect(warm.call(2)).toBeCloseTo(0.5, 12);
    expect(warm.call(4)).toBeCloseTo(1, 12);
    expect(warm.call(9)).toBeCloseTo(0.5, 12);
    expect(warm.call(100)).toBeCloseTo(0, 12);
  });

  it('PiecewiseConstantDecay: values[i] up to and including boundaries[i]', () => {
    const schedule = piecewiseConstant([10, 20], [1, 0.5, 0.1]);
    expect([0, 10, 11, 20, 21, 1000].map((s) => schedule.call(s))).toEqual([1, 1, 0.5, 0.5, 0.1, 0.1]);
    expect(new PiecewiseConstantDecay({ boundaries: [10, 20], values: [1, 0.5, 0.1] }).call(15)).toBe(0.5);
  });

  it('rejects bad arguments', () => {
    expect(() => piecewiseConstant([10, 20], [1, 0.5])).toThrow(/length of boundaries should be 1 less/);
    expect(() => piecewiseConstant([20, 10], [1, 0.5, 0.1])).toThrow(/strictly increasing/);
    expect(() => exponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.5 })).toThrow(/`decaySteps` must be > 0/);
  });

  it('round-trips through serialize and scheduleFromConfig', () => {
    const schedule = cosineDecay({ initialLearningRate: 0.2, decaySteps: 7, alpha: 0.1 });
    const copy = scheduleFromConfig(schedule.serialize());
    expect(copy).toBeInstanceOf(CosineDecay);
    expect(copy.call(3)).toBe(schedule.call(3));
  });

  it('drives the optimizer: the rate at `iterations` before each step', async () => {
    const w = new Variable(tensor([0]));
    const optimizer = new SGD({ learningRate: piecewiseConstant([1], [0.1, 0.01]) });
    const rates: number[] = [];
    for (let i = 0; i < 3; i++) {
      rates.push(optimizer.lr);
      tidy(() => optimizer.applyGradients([[tensor([1]), w]]));
    }
    expect(rates).toEqual([0.1, 0.1, 0.01]);
    expectClose(await values(w), [-0.21]);
    expect(() => (optimizer.learningRate = 0.5)).toThrow(/not settable/);
  });
});

describe('getOptimizer', () => {
  it('resolves names in any case to optimizers with Keras defaults', () => {
    expect(getOptimizer('sgd')).toBeInstanceOf(SGD);
    expect(getOptimizer('Adam')).toBeInstanceOf(Adam);
    expect(getOptimizer('ADAMW')).toBeInstanceOf(AdamW);
    expect(getOptimizer('RMSprop')).toBeInstanceOf(RMSprop);
    expect(getOptimizer('adagrad')).toBeInstanceOf(Adagrad);
    expect(getOptimizer('sgd').lr).toBe(0.01);
    expect(getOptimizer('adam').lr).toBe(0.001);
    expect((getOptimizer('adamw') as AdamW).weightDecay).toBe(0.004);
    const mine = new SGD({ momentum: 0.5 });
    expect(getOptimizer(mine)).toBe(mine);
  });

  it('lists the valid names for an unknown one', () => {
    expect(() => getOptimizer('sgdw')).toThrow(
      "Could not interpret optimizer identifier: \"sgdw\". Expected an Optimizer or one of 'sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'adamax', 'nadam', 'adadelta', 'lion', 'ftrl', 'lamb', 'adafactor', 'muon', 'schedule_free_adamw'.",
    );
    expect(() => getOptimizer('constructor')).toThrow(/Could not interpret optimizer identifier/);
  });
});

describe('applyGradients', () => {
  it('rejects a gradient of the wrong shape, naming the variable', () => {
    const w = new Variable(tensor([1, 2, 3, 4, 5, 6], [2, 3]), { name: 'kernel' });
    expect(() => new Adam().applyGradients([[tensor([1, 2, 3, 4, 5, 6], [3, 2]), w]])).toThrow(
      "Adam.applyGradients: the gradient for variable 'kernel' has shape [3,2], but the variable has shape [2,3].",
    );
  });

  it('the fused update rejects a group of variables with different slots, and more buffers than the device binds', () => {
    expect(getBackend()).toBe('webgpu');
    const w = tensor([1, 2]);
    const g = tensor([0.1, 0.2]);
    const sgd = { algorithm: 'sgd', learningRate: 0.1, decayFactor: 1 } as const;
    expect(() => optimizerUpdates([{ variable: w, gradient: g, slots: [] }, { variable: w, gradient: g, slots: [w] }], sgd)).toThrow(
      'optimizerUpdate: every variable of a group needs 0 slots, got 1.',
    );
    const limits = vi.spyOn(currentGpu()!, 'limits', 'get').mockReturnValue({ maxStorageBuffersPerShaderStage: 8 } as GPUSupportedLimits);
    const amsgrad = { algorithm: 'adam', learningRate: 0.1, decayFactor: 1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, adamStepSize: 0.1, amsgrad: true } as const;
    expect(() => optimizerUpdate(w, g, [w, w, w], amsgrad)).toThrow('optimizerUpdate: 3 slots need 9 storage buffers per shader stage; this device allows 8.');
    limits.mockRestore();
  });

  it('skips null gradients and creates no slots for their variables', async () => {
    const skipped = new Variable(tensor([1, 2]), { name: 'skipped' });
    const updated = new Variable(tensor([1, 2]), { name: 'updated' });
    const optimizer = new SGD({ learningRate: 0.5, momentum: 0.9 });
    tidy(() => optimizer.applyGradients([[null, skipped], [tensor([1, 1]), updated]]));
    expect(await values(skipped)).toEqual([1, 2]);
    expect(await values(updated)).toEqual([0.5, 1.5]);
    expect(optimizer.getSlot(skipped, 'momentum')).toBeUndefined();
    expect(optimizer.getSlot(updated, 'momentum')).toBeInstanceOf(Variable);
    expect(optimizer.iterations).toBe(1);
    expect(() => optimizer.applyGradients([[null, skipped]])).toThrow(/no gradients provided for any variable/);
  });

  it("apply(grads, variables) is Keras 3's form of the same update; without variables it takes the optimizer's own", async () => {
    const a = new Variable(tensor([1, 2]), { name: 'a' });
    const b = new Variable(tensor([3]), { name: 'b' });
    const optimizer = new SGD({ learningRate: 0.5 });
    // SGD: w - 0.5 * g, by hand.
    tidy(() => optimizer.apply([tensor([1, -1]), null], [a, b]));
    expect(await values(a)).toEqual([0.5, 2.5]);
    expect(await values(b)).toEqual([3]);
    optimizer.build([a, b]);
    tidy(() => optimizer.apply([tensor([1, 1]), tensor([2])]));
    expect(await values(a)).toEqual([0, 2]);
    expect(await values(b)).toEqual([2]);
    expect(optimizer.iterations).toBe(2);
    expect(() => optimizer.apply([tensor([1, 1])], [a, b])).toThrow('SGD.apply: got 1 gradients for 2 variables.');
    expect(() => new SGD().apply([tensor([1, 1])])).toThrow(/SGD.apply: got 1 gradients for 0 variables \(the optimizer's own, from build\(\) or earlier updates\)/);
  });

  it('rejects unknown options and out-of-range values, Keras style', () => {
    expect(() => new Adam({ beta_1: 0.9 } as never)).toThrow(/argument\(s\) not recognized: beta_1/);
    expect(() => new Adam({ learning_rate: 0.1 } as never)).toThrow("Adam: argument(s) not recognized: learning_rate (did you mean 'learningRate'?).");
    expect(() => new SGD({ momentum: 1.5 })).toThrow('SGD: argument `momentum` must be a number in [0, 1]. Received: momentum=1.5');
    expect(() => new Adam({ learningRate: -1 })).toThrow(/`learningRate` should be a number >= 0/);
  });

  it('slots are non-trainable Variables named after their variable', () => {
    const w = new Variable(tensor([1, 2]), { name: 'bias' });
    const optimizer = new Adam({ amsgrad: true });
    tidy(() => optimizer.applyGradients([[tensor([1, 1]), w]]));
    expect(optimizer.variables.map((s) => s.name)).toEqual(['bias_momentum', 'bias_velocity', 'bias_velocity_hat']);
    expect(optimizer.variables.every((s) => s.trainable === false)).toBe(true);
  });
});

describe('training with a GradientTape', () => {
  const target = [1, 2, -1, 0.5];
  const cases: Array<[string, () => Optimizer, number]> = [
    ['SGD', () => new SGD({ learningRate: 0.1 }), 60],
    ['SGD nesterov', () => new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true }), 120],
    ['Adam', () => new Adam({ learningRate: 0.1 }), 200],
    ['AdamW', () => new AdamW({ learningRate: 0.1, weightDecay: 0.001 }), 200],
    ['RMSprop', () => new RMSprop({ learningRate: 0.02 }), 300],
    ['Adagrad', () => new Adagrad({ learningRate: 1 }), 200],
  ];
  for (const [name, make, steps] of cases) {
    it(`${name} minimizes a quadratic`, async () => {
      const w = new Variable(tensor([3, -2, 1, 0]), { name: 'w' });
      const goal = tensor(target);
      const optimizer = make();
      for (let i = 0; i < steps; i++) {
        tidy(() => {
          const tape = new GradientTape();
          const loss = tape.record(() => w.sub(goal).square().sum());
          const [dw] = tape.gradient(loss, [w]);
          optimizer.applyGradients([[dw, w]]);
        });
      }
      expectClose(await values(w), target, 0, 0.05);
    });
  }

  it('memory() stays flat over 50 steps (slots persist, nothing leaks)', async () => {
    const w = new Variable(tensor([3, -2, 1, 0]));
    const b = new Variable(tensor([0.5]));
    const goal = tensor(target);
    const optimizer = new Adam({ learningRate: 0.05, amsgrad: true, globalClipnorm: 1 });
    const step = () =>
      tidy(() => {
        const tape = new GradientTape();
        const loss = tape.record(() => w.add(b).sub(goal).square().sum());
        const [dw, db] = tape.gradient(loss, [w, b]);
        optimizer.applyGradients([[dw, w], [db, b]]);
      });
    step();
    await values(w);
    await settleGarbage();
    const before = memory();
    for (let i = 0; i < 50; i++) step();
    await values(w);
    const after = memory();
    expect(after.liveTensors).toBe(before.liveTensors);
    expect(after.gpuBytes).toBe(before.gpuBytes);
  });
});

describe('state and config', () => {
  it('getWeights/setWeights round trip: a restored optimizer continues identically', async () => {
    const original = new Variable(tensor(W0, SHAPE), { name: 'w' });
    const optimizer = new Adam({ learningRate: 0.1, amsgrad: true });
    for (const g of GRADS.slice(0, 2)) tidy(() => optimizer.applyGradients([[tensor(g, SHAPE), original]]));
    const weights = optimizer.getWeights();
    expect(weights.length).toBe(4);
    expect(await values(weights[0])).toEqual([2]);

    const restoredVariable = new Variable(tensor(await original.data(), SHAPE), { name: 'w' });
    const restored = new Adam({ learningRate: 0.1, amsgrad: true });
    await expect(restored.setWeights(weights)).rejects.toThrow(/call optimizer.build\(variables\) first/);
    restored.build([restoredVariable]);
    await restored.setWeights(weights);
    weights.forEach((t) => t.dispose());
    expect(restored.iterations).toBe(2);

    tidy(() => optimizer.applyGradients([[tensor(GRADS[2], SHAPE), original]]));
    tidy(() => restored.applyGradients([[tensor(GRADS[2], SHAPE), restoredVariable]]));
    expect(await values(restoredVariable)).toEqual(await values(original));
    for (let k = 0; k < 3; k++) expect(await values(restored.variables[k])).toEqual(await values(optimizer.variables[k]));
  });

  it('getConfig gives Keras arguments in camelCase; fromConfig rebuilds the optimizer', () => {
    const adam = new Adam({ learningRate: exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 }), clipnorm: 2, amsgrad: true });
    const config = adam.getConfig();
    expect(config).toEqual({
      name: 'adam',
      learningRate: { className: 'ExponentialDecay', config: { initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: false, name: 'ExponentialDecay' } },
      weightDecay: null, clipnorm: 2, globalClipnorm: null, clipvalue: null,
      beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: true,
    });
    const copy = Adam.fromConfig(config);
    expect(copy).toBeInstanceOf(Adam);
    expect(copy.getConfig()).toEqual(config);
    expect(RMSprop.fromConfig(new RMSprop({ centered: true }).getConfig()).getConfig()).toEqual(new RMSprop({ centered: true }).getConfig());
    expect(new AdamW().getConfig()).toMatchObject({ name: 'adamw', weightDecay: 0.004, learningRate: 0.001 });
    expect(new Adagrad().getConfig()).toMatchObject({ initialAccumulatorValue: 0.1, epsilon: 1e-7, learningRate: 0.001 });
    expect(new SGD().getConfig()).toMatchObject({ name: 'SGD', learningRate: 0.01, momentum: 0, nesterov: false });
  });
});
