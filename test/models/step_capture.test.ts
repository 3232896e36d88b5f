// Compiled training steps: fit traces trainStep and replays it once two traces agree. A replayed
// fit must train exactly as an eager one (same kernels on the same values: bit-identical weights
// and losses), recompute what follows the step (Adam's bias correction, dropout seeds), follow a
// learning rate a callback changes and weights frozen between fits, count optimizer steps, and
// leave no memory behind.

import { beforeEach, describe, expect, it, vi } from 'vitest';
import { GradientTape, LambdaCallback, Model, Sequential, getBackend, init, layers, memory, ops, optimizers, setRandomSeed, tensor, type CallArgs, type Shape, type StepData, type StepLogs, type Tensor, type Variable } from '../../src/node';
import { currentGpu } from '../../src/backend/engine';
import { settleGarbage, useWebGPU } from '../helpers';

useWebGPU();
// Replays exist only on WebGPU: a silent CPU fallback would make every comparison trivial.
beforeEach(() => expect(getBackend()).toBe('webgpu'));

const SAMPLES = 64;
const BATCH = 16;

function data(): { x: Tensor; y: Tensor } {
  const x = ops.randomUniform([SAMPLES, 6], { minval: -1, maxval: 1, seed: 11 });
  const classes = ops.cast(ops.randomUniform([SAMPLES], { minval: 0, maxval: 3, seed: 12 }), 'int32');
  return { x, y: ops.oneHot(classes, 3) };
}

type Optimizer = 'sgd' | 'momentum' | 'adam';

function makeOptimizer(kind: Optimizer) {
  if (kind === 'adam') return new optimizers.Adam({ learningRate: 0.01 });
  return new optimizers.SGD({ learningRate: 0.1, momentum: kind === 'momentum' ? 0.9 : 0 });
}

/** Two models from `make`, compiled to replay steps and eager, with the same initial weights. */
function twinsOf<M extends Model>(make: (runEagerly: boolean) => M): [M, M] {
  const [compiled, eager] = [make(false), make(true)];
  eager.setWeights(compiled.getWeights());
  return [compiled, eager];
}

/** Two classifiers with the same initial weights, one compiled to replay steps and one eager. */
function twins(kind: Optimizer, metrics: string[] = ['accuracy']): [Sequential, Sequential] {
  return twinsOf((runEagerly) => {
    const model = new Sequential();
    model.add(new layers.Dense({ units: 8, activation: 'relu', inputShape: [6] }));
    model.add(new layers.Dense({ units: 3, activation: 'softmax' }));
    model.compile({ optimizer: makeOptimizer(kind), loss: 'categoricalCrossentropy', metrics, runEagerly });
    return model;
  });
}

async function weightsOf(model: Sequential): Promise<number[][]> {
  return Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));
}

/** Counts calls of the first Dense layer's call(), i.e. steps that ran the layers. */
function countLayerCalls(model: Sequential) {
  return vi.spyOn(model.layers[0], 'call');
}

describe('compiled fit', () => {
  it.each(['sgd', 'momentum'] as const)('replays %s steps and trains bit-identically to an eager fit', async (kind) => {
    const { x, y } = data();
    const [compiled, eager] = twins(kind);
    const calls = countLayerCalls(compiled);
    const options = { epochs: 3, batchSize: BATCH, shuffle: true, seed: 7, verbose: 0 as const };
    const [a, b] = [await compiled.fit(x, y, options), await eager.fit(x, y, options)];
    // 12 steps of one batch shape: one eager, two traced, nine replayed.
    expect(calls).toHaveBeenCalledTimes(3);
    expect(a.history).toEqual(b.history);
    expect(await weightsOf(compiled)).toEqual(await weightsOf(eager));
    expect(compiled.optimizer.iterations).toBe(12);
    const [slot] = compiled.optimizer.variables;
    if (kind === 'momentum') expect(Array.from(await slot.data())).toEqual(Array.from(await eager.optimizer.variables[0].data()));
  });

  it('replays trainOnBatch steps too', async () => {
    const { x, y } = data();
    const [compiled, eager] = twins('momentum');
    const calls = countLayerCalls(compiled);
    const batches = Array.from({ length: 6 }, (_, i) => [ops.slice(x, [i * 8, 0], [8, 6]), ops.slice(y, [i * 8, 0], [8, 3])]);
    const losses = async (model: Sequential) => {
      const out: number[] = [];
      for (const [xb, yb] of batches) out.push((await model.trainOnBatch(xb, yb)).loss);
      return out;
    };
    expect(await losses(compiled)).toEqual(await losses(eager));
    expect(calls).toHaveBeenCalledTimes(3);
    expect(await weightsOf(compiled)).toEqual(await weightsOf(eager));
  });

  it('keeps the compiled step from one fit to the next, until compile() is called again', async () => {
    const { x, y } = data();
    const [compiled] = twins('sgd');
    const calls = countLayerCalls(compiled);
    const options = { epochs: 1, batchSize: BATCH, verbose: 0 as const };
    await compiled.fit(x, y, options);
    await compiled.fit(x, y, options);
    expect(calls).toHaveBeenCalledTimes(3);
    compiled.compile({ optimizer: new optimizers.SGD({ learningRate: 0.1 }), loss: 'categoricalCrossentropy' });
    await compiled.fit(x, y, options);
    expect(calls).toHaveBeenCalledTimes(6);
  });

  it('replays Adam, whose bias correction follows the step, and dropout with fresh seeds, as an eager fit would', async () => {
    const { x, y } = data();
    const make = (runEagerly: boolean) => {
      const model = new Sequential();
      model.add(new layers.Dense({ units: 8, activation: 'relu', inputShape: [6] }));
      model.add(new layers.Dropout({ rate: 0.3 }));
      model.add(new layers.Dense({ units: 3, activation: 'softmax' }));
      model.compile({ optimizer: new optimizers.Adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy', runEagerly });
      return model;
    };
    const [compiled, eager] = twinsOf(make);
    const calls = countLayerCalls(compiled);
    const options = { epochs: 3, batchSize: BATCH, verbose: 0 as const };
    setRandomSeed(21);
    const a = await compiled.fit(x, y, options);
    setRandomSeed(21);
    const b = await eager.fit(x, y, options);
    expect(calls).toHaveBeenCalledTimes(3);
    expect(a.history).toEqual(b.history);
    expect(await weightsOf(compiled)).toEqual(await weightsOf(eager));
    expect(compiled.optimizer.iterations).toBe(12);
  });

  it('traces again when the trainable weights change between fits', async () => {
    const { x, y } = data();
    const [compiled, eager] = twins('sgd');
    const options = { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 as const };
    await compiled.fit(x, y, options);
    await eager.fit(x, y, options);
    compiled.layers[0].trainable = false;
    eager.layers[0].trainable = false;
    await compiled.fit(x, y, options);
    await eager.fit(x, y, options);
    expect(await weightsOf(compiled)).toEqual(await weightsOf(eager));
  });

  it('follows a learning-rate schedule at every replay without calling the update kernel, as an eager fit would', async () => {
    const make = (runEagerly: boolean) => {
      const model = new Sequential();
      model.add(new layers.Dense({ units: 8, activation: 'relu', inputShape: [6] }));
      model.add(new layers.Dense({ units: 3, activation: 'softmax' }));
      const learningRate = optimizers.exponentialDecay({ initialLearningRate: 0.05, decaySteps: 3, decayRate: 0.5 });
      model.compile({ optimizer: new optimizers.AdamW({ learningRate, weightDecay: 0.1 }), loss: 'categoricalCrossentropy', runEagerly });
      return model;
    };
    const [compiled, eager] = twinsOf(make);
    const { x, y } = data();
    const options = { epochs: 3, batchSize: BATCH, seed: 8, verbose: 0 as const };
    await compiled.fit(x, y, options);
    await eager.fit(x, y, options);
    const captures = vi.spyOn(currentGpu()!, 'captureDispatches');
    const a = await compiled.fit(x, y, options);
    expect(captures.mock.calls.length).toBe(0);
    captures.mockRestore();
    const b = await eager.fit(x, y, options);
    // The learning rate fell 2^8 times over these 24 steps, and the decoupled weight decay with it.
    expect(a.history).toEqual(b.history);
    expect(await weightsOf(compiled)).toEqual(await weightsOf(eager));
  });

  it('follows a learning rate that a callback changes, and a last batch of another size', async () => {
    const { x, y } = data();
    const [compiled, eager] = twins('sgd');
    const halve = (model: Sequential) => new LambdaCallback({ onEpochEnd: () => void (model.optimizer.learningRate = (model.optimizer.learningRate as number) / 2) });
    const options = { epochs: 4, batchSize: 24, shuffle: false, verbose: 0 as const };
    const [a, b] = [await compiled.fit(x, y, { ...options, callbacks: [halve(compiled)] }), await eager.fit(x, y, { ...options, callbacks: [halve(eager)] })];
    expect(a.history).toEqual(b.history);
    expect(await weightsOf(compiled)).toEqual(await weightsOf(eager));
  });

  it('reads variables at each replay, also through a view, when a callback assigns them between steps', async () => {
    class Scaled extends layers.Layer {
      scale!: Variable;
      override build(inputShape: Shape): void {
        this.scale = this.addWeight({ name: 'scale', shape: [inputShape[1] as number], initializer: 'ones', trainable: false });
      }
      override call(x: Tensor): Tensor {
        return x.mul(ops.reshape(this.scale, [1, -1]));
      }
    }
    const { x, y } = data();
    const make = (runEagerly: boolean) => {
      const model = new Sequential();
      model.add(new Scaled({ inputShape: [6] }));
      model.add(new layers.Dense({ units: 3, activation: 'softmax' }));
      model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.1 }), loss: 'categoricalCrossentropy', runEagerly });
      return model;
    };
    const [compiled, eager] = twinsOf(make);
    const rescale = (model: Sequential) =>
      new LambdaCallback({ onBatchEnd: (batch) => void (batch === 2 && (model.layers[0] as Scaled).scale.assign(ops.fill([6], 0.5))) });
    const options = { epochs: 2, batchSize: BATCH, shuffle: false, verbose: 0 as const };
    const [a, b] = [await compiled.fit(x, y, { ...options, callbacks: [rescale(compiled)] }), await eager.fit(x, y, { ...options, callbacks: [rescale(eager)] })];
    expect(a.history).toEqual(b.history);
    expect(await weightsOf(compiled)).toEqual(await weightsOf(eager));
  });

  it('replays a custom trainStep with a GradientTape', async () => {
    class Custom extends Model {
      dense = new layers.Dense({ units: 3 });
      override call(x: Tensor, args: CallArgs = {}) {
        return this.dense.apply(x, args) as Tensor;
      }
      override trainStep([x, y]: StepData): StepLogs {
        const tape = new GradientTape();
        const loss = tape.record(() => ops.mean(ops.square(ops.sub(this.apply(x as Tensor, { training: true }) as Tensor, y as Tensor))));
        const vars = this.trainableWeights;
        const grads = tape.gradient(loss, vars);
        this.optimizer.applyGradients(grads.map((g, i) => [g, vars[i]]));
        return { loss };
      }
    }
    const { x, y } = data();
    const make = (runEagerly: boolean) => {
      const model = new Custom();
      model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.05 }), loss: 'mse', runEagerly });
      model.apply(x);
      return model;
    };
    const [compiled, eager] = twinsOf(make);
    const calls = vi.spyOn(compiled.dense, 'call');
    const options = { epochs: 2, batchSize: BATCH, shuffle: false, verbose: 0 as const };
    const [a, b] = [await compiled.fit(x, y, options), await eager.fit(x, y, options)];
    expect(calls).toHaveBeenCalledTimes(3);
    expect(a.history).toEqual(b.history);
    expect(Array.from(await compiled.getWeights()[0].data())).toEqual(Array.from(await eager.getWeights()[0].data()));
  });

  it('replays a trainStep that assigns a variable another value and then its value from before the step', async () => {
    // The loss is taken at kernel + 1, then the kernel gets its old value back before the update:
    // the replay must not free the old value's memory while the kernel ends up holding it.
    class Probe extends Model {
      dense = new layers.Dense({ units: 3 });
      override call(x: Tensor, args: CallArgs = {}) {
        return this.dense.apply(x, args) as Tensor;
      }
      override trainStep([x, y]: StepData): StepLogs {
        const kernel = this.dense.weights[0];
        const before = ops.reshape(kernel, [...kernel.shape]);   // a view: the same memory
        kernel.assign(ops.add(kernel, 1));
        const tape = new GradientTape();
        const loss = tape.record(() => ops.mean(ops.square(ops.sub(this.apply(x as Tensor, { training: true }) as Tensor, y as Tensor))));
        const vars = this.trainableWeights;
        const grads = tape.gradient(loss, vars);
        kernel.assign(before);
        this.optimizer.applyGradients(grads.map((g, i) => [g, vars[i]]));
        return { loss };
      }
    }
    const { x, y } = data();
    const make = (runEagerly: boolean) => {
      const model = new Probe();
      model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.05 }), loss: 'mse', runEagerly });
      model.apply(x);
      return model;
    };
    const [compiled, eager] = twinsOf(make);
    const calls = vi.spyOn(compiled.dense, 'call');
    const options = { epochs: 3, batchSize: BATCH, shuffle: false, verbose: 0 as const };
    const [a, b] = [await compiled.fit(x, y, options), await eager.fit(x, y, options)];
    expect(calls).toHaveBeenCalledTimes(3);
    expect(a.history).toEqual(b.history);
    for (let i = 0; i < 2; i++) expect(Array.from(await compiled.getWeights()[i].data())).toEqual(Array.from(await eager.getWeights()[i].data()));
  });

  it('dispatches fewer kernels than an eager fit (constants folded) and leaves memory as it found it', async () => {
    const { x, y } = data();
    const [compiled, eager] = twins('momentum');
    const options = { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 as const };
    await compiled.fit(x, y, options);
    await eager.fit(x, y, options);
    await settleGarbage();
    const before = memory();
    const recorder = currentGpu()!.recorder;
    const dispatches = vi.spyOn(recorder, 'dispatch');
    const issued = vi.spyOn(recorder, 'dispatchPrepared');
    const count = () => dispatches.mock.calls.length + issued.mock.calls.length;
    await compiled.fit(x, y, { ...options, epochs: 5 });
    const replayed = count();
    dispatches.mockClear();
    issued.mockClear();
    await eager.fit(x, y, { ...options, epochs: 5 });
    // All 20 steps replay; each skips the kernels folded into constants at compile time (the
    // mean loss's gradient from the constant seed), so the difference is the same every step.
    const eagerCount = count();
    expect(replayed).toBeLessThan(eagerCount);
    expect((eagerCount - replayed) % 20).toBe(0);
    dispatches.mockRestore();
    issued.mockRestore();
    await settleGarbage();
    expect(memory().liveTensors).toBe(before.liveTensors);
    expect(memory().gpuBytes).toBe(before.gpuBytes);
  });

  // Adam's bias correction changes its step size every step: it reaches the update kernel as a
  // step-dependent upload, so the kernel's dispatch stays the same.
  it.each(['momentum', 'adam'] as const)('issues the recorded dispatches of kernels again on new buffers instead of calling them, training bit-identically (%s)', async (kind) => {
    const { x, y } = data();
    const [compiled, eager] = twins(kind);
    const options = { epochs: 8, batchSize: BATCH, shuffle: true, seed: 5, verbose: 0 as const };
    await compiled.fit(x, y, options);
    await eager.fit(x, y, options);
    const gpu = currentGpu()!;
    const captures = vi.spyOn(gpu, 'captureDispatches');
    const dispatches = vi.spyOn(gpu.recorder, 'dispatch');
    const issued = vi.spyOn(gpu.recorder, 'dispatchPrepared');
    const a = await compiled.fit(x, y, options);
    const [called, dispatched, reissued] = [captures.mock.calls.length, dispatches.mock.calls.length, issued.mock.calls.length];
    dispatches.mockClear();
    compiled.resetMetrics();
    const perEpoch = dispatches.mock.calls.length;
    captures.mockRestore();
    dispatches.mockRestore();
    issued.mockRestore();
    const b = await eager.fit(x, y, options);
    // The kernels of the first replay were called (and their dispatches captured); from then on
    // their prepared dispatches are issued again, the batch gathering and fit's count of finite
    // losses included: what is dispatched otherwise is per epoch (resetting the metrics), not per step.
    expect(called).toBe(0);
    expect(reissued).toBeGreaterThan(32 * 20);
    expect(dispatched).toBe(options.epochs * perEpoch);
    expect(a.history).toEqual(b.history);
    expect(await weightsOf(compiled)).toEqual(await weightsOf(eager));
  });

  it('drops kernels whose outputs nothing reads: the output softmax when no metric needs it', async () => {
    const { x, y } = data();
    const [compiled, eager] = twins('sgd', []);
    const options = { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 as const };
    const softmaxDispatches = async (model: Sequential) => {
      const dispatches = vi.spyOn(currentGpu()!.recorder, 'dispatch');
      const history = await model.fit(x, y, options);
      const count = dispatches.mock.calls.filter(([spec]) => spec.shader.includes('// Softmax and log-softmax')).length;
      dispatches.mockRestore();
      return { history: history.history, count };
    };
    await compiled.fit(x, y, options);
    await eager.fit(x, y, options);
    const [a, b] = [await softmaxDispatches(compiled), await softmaxDispatches(eager)];
    // Eager steps compute the probabilities the layer returns; replays skip them (the loss is
    // taken from the logits) and train exactly the same.
    expect(b.count).toBe(4);
    expect(a.count).toBe(0);
    expect(a.history).toEqual(b.history);
    expect(await weightsOf(compiled)).toEqual(await weightsOf(eager));
  });

  it('issues the recorded dispatches of a split-K layer again, its partial products in a new scratch buffer each time', async () => {
    // A batch of 8 through 1000 features: the forward product is one workgroup on SwiftShader, split in two.
    const make = (runEagerly: boolean) => {
      const model = new Sequential();
      model.add(new layers.Dense({ units: 8, activation: 'relu', inputShape: [1000] }));
      model.add(new layers.Dense({ units: 3, activation: 'softmax' }));
      model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.05 }), loss: 'categoricalCrossentropy', runEagerly });
      return model;
    };
    const [compiled, eager] = twinsOf(make);
    const x = ops.randomUniform([32, 1000], { minval: -1, maxval: 1, seed: 21 });
    const y = ops.oneHot(ops.cast(ops.randomUniform([32], { minval: 0, maxval: 3, seed: 22 }), 'int32'), 3);
    const options = { epochs: 3, batchSize: 8, seed: 4, verbose: 0 as const };
    await compiled.fit(x, y, options);
    await eager.fit(x, y, options);
    const gpu = currentGpu()!;
    const captures = vi.spyOn(gpu, 'captureDispatches');
    const issued = vi.spyOn(gpu.recorder, 'dispatchPrepared');
    const a = await compiled.fit(x, y, options);
    const splitSums = issued.mock.calls.filter(([prepared]) => prepared.spec.shader.includes("// Split-K's second pass")).length;
    expect(captures.mock.calls.length).toBe(0);
    captures.mockRestore();
    issued.mockRestore();
    const b = await eager.fit(x, y, options);
    expect(splitSums).toBe(3 * 4);
    expect(a.history).toEqual(b.history);
    expect(await weightsOf(compiled)).toEqual(await weightsOf(eager));
  });

  it('replays an autoencoder fit on one tensor as x and y, as an eager fit would', async () => {
    const make = (runEagerly: boolean) => {
      const model = new Sequential();
      model.add(new layers.Dense({ units: 3, activation: 'tanh', inputShape: [6] }));
      model.add(new layers.Dense({ units: 6 }));
      model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.1 }), loss: 'mse', runEagerly });
      return model;
    };
    const [compiled, eager] = twinsOf(make);
    const { x } = data();
    const options = { epochs: 4, batchSize: BATCH, seed: 3, verbose: 0 as const };
    const issued = vi.spyOn(currentGpu()!.recorder, 'dispatchPrepared');
    const [a, b] = [await compiled.fit(x, x, options), await eager.fit(x, x, options)];
    expect(issued.mock.calls.length).toBeGreaterThan(0);
    issued.mockRestore();
    expect(a.history).toEqual(b.history);
    expect(await weightsOf(compiled)).toEqual(await weightsOf(eager));
  });

  it('keeps at most 8 step programs: fits on data of ever new sizes hold no more memory', async () => {
    const [compiled] = twins('sgd');
    const fitRows = async (rows: number) => {
      const x = ops.randomUniform([rows, 6], { seed: rows });
      const y = ops.oneHot(ops.cast(ops.randomUniform([rows], { minval: 0, maxval: 3, seed: rows + 1 }), 'int32'), 3);
      // Whole batches only: one step program a data set size.
      await compiled.fit(x, y, { epochs: 1, batchSize: BATCH, verbose: 0 });
      x.dispose();
      y.dispose();
      await settleGarbage();
      return memory().gpuBytes;
    };
    const held: number[] = [];
    for (let steps = 3; steps < 15; steps++) held.push(await fitRows(steps * BATCH));
    expect(compiled.compiledSteps().programCount).toBe(8);
    // From the 8th program on, each new one replaces the oldest.
    expect(new Set(held.slice(7)).size).toBe(1);
  });

  it('starts over on the new device after a lost one', async () => {
    const [compiled] = twins('sgd');
    const { x, y } = data();
    await compiled.fit(x, y, { epochs: 1, batchSize: BATCH, verbose: 0 });
    const weights = await weightsOf(compiled);
    const lost = currentGpu()!.device;
    lost.destroy();
    await lost.lost;
    expect((await init()).backend).toBe('webgpu');
    expect(currentGpu()!.device).not.toBe(lost);
    compiled.setWeights(weights.map((w, i) => tensor(w, compiled.weights[i].shape)));
    const fresh = data();
    const history = await compiled.fit(fresh.x, fresh.y, { epochs: 2, batchSize: BATCH, verbose: 0 });
    expect(history.history.loss.every(Number.isFinite)).toBe(true);
  });
});
