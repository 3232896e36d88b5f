// An update rule written with ops: an Optimizer subclass that overrides updateStep (Keras 3's
// update_step) is used instead of the fused kernel, its ops traced into compiled steps. A
// hand-written SGD with momentum trains as the built-in one, replayed and eager, and takes the
// base class's weight decay and gradient accumulation.

import { beforeEach, describe, expect, it } from 'vitest';
import { Variable, getBackend, memory, optimizers, tensor, tidy, type Tensor } from '../../src/node';

const { Optimizer } = optimizers;
type OptimizerOptions = optimizers.OptimizerOptions;
import { settleGarbage, useWebGPU } from '../helpers';
import { BATCH, data, expectClose, fitTwins, linear, paramsOf, twins } from './linear_reference';

useWebGPU();
beforeEach(() => expect(getBackend()).toBe('webgpu'));

/** Keras's SGD with momentum, as ops: m = momentum * m - lr * g; w = w + m. */
class MomentumSGD extends Optimizer {
  constructor(options: OptimizerOptions = {}, readonly momentum = 0.9) {
    super(options, [], { className: 'MomentumSGD', name: 'momentum_sgd', learningRate: 0.01 });
  }

  protected slotNames(): string[] {
    return ['momentum'];
  }

  override updateStep(gradient: Tensor, variable: Variable, learningRate: Tensor): void {
    const m = this.getSlot(variable, 'momentum')!;
    m.assign(m.mul(this.momentum).sub(gradient.mul(learningRate)));
    variable.assign(variable.add(m));
  }
}

describe('updateStep', () => {
  it('a hand-written SGD with momentum trains as the built-in one, replayed and eager, under a schedule', async () => {
    const schedule = () => optimizers.exponentialDecay({ initialLearningRate: 0.2, decaySteps: 3, decayRate: 0.7 });
    const [compiled, eager] = twins(() => new MomentumSGD({ learningRate: schedule() }));
    const builtIn = linear(new optimizers.SGD({ learningRate: schedule(), momentum: 0.9 }), true);
    builtIn.setWeights(compiled.getWeights());
    await fitTwins(compiled, eager, 2);
    const { x, y } = data();
    await builtIn.fit(x, y, { epochs: 2, batchSize: BATCH, shuffle: false, verbose: 0 });
    const weights = await paramsOf(compiled);
    expect(weights).toEqual(await paramsOf(eager));
    expectClose(weights, await paramsOf(builtIn), 1e-6);
    expect(compiled.optimizer.getSlot(compiled.trainableWeights[0], 'momentum')).toBeInstanceOf(Variable);
  });

  it('takes the base class weight decay and gradient accumulation, replayed and eager', async () => {
    const options = { learningRate: 0.1, weightDecay: 0.2, gradientAccumulationSteps: 2 };
    const [compiled, eager] = twins(() => new MomentumSGD(options));
    const builtIn = linear(new optimizers.SGD({ ...options, momentum: 0.9 }), true);
    builtIn.setWeights(compiled.getWeights());
    await fitTwins(compiled, eager, 2);
    const { x, y } = data();
    await builtIn.fit(x, y, { epochs: 2, batchSize: BATCH, shuffle: false, verbose: 0 });
    const weights = await paramsOf(compiled);
    expect(weights).toEqual(await paramsOf(eager));
    expectClose(weights, await paramsOf(builtIn), 1e-6);
  });

  it('memory() stays flat over steps with every option, fused and as ops', async () => {
    const options = { learningRate: 0.1, weightDecay: 0.1, gradientAccumulationSteps: 2, useEma: true, emaOverwriteFrequency: 3 };
    for (const optimizer of [new optimizers.AdamW(options), new MomentumSGD(options)]) {
      optimizer.excludeFromWeightDecay({ varNames: ['^b$'] });
      const w = new Variable(tensor([3, -2, 1, 0]), { name: 'w' });
      const b = new Variable(tensor([0.5]), { name: 'b' });
      const step = () => tidy(() => optimizer.applyGradients([[w.mul(0.5), w], [b.add(1), b]]));
      step();
      await w.data();
      await settleGarbage();
      const before = memory();
      for (let i = 0; i < 20; i++) step();
      await w.data();
      const after = memory();
      expect(after.liveTensors).toBe(before.liveTensors);
      expect(after.gpuBytes).toBe(before.gpuBytes);
    }
  });

  it('without updateStep or updateRule a subclass says which to write', () => {
    class Empty extends Optimizer {
      constructor() {
        super({}, [], { className: 'Empty', name: 'empty', learningRate: 0.1 });
      }
      protected slotNames(): string[] {
        return [];
      }
    }
    const w = new Variable(tensor([1]));
    expect(() => new Empty().applyGradients([[tensor([1]), w]])).toThrow(/Empty: an Optimizer subclass must override updateRule \(a fused update\) or updateStep/);
  });
});
