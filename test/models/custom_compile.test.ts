// A Model subclass with a compile of its own (keras.io's conditional GAN): it calls
// `super.compile()` with no arguments, keeps two optimizers and a loss object, lists its own
// trackers in `metrics`, and its trainStep trains each sub-model with its own optimizer. The
// expected values are worked by hand from the weights below.

import { describe, expect, it } from 'vitest';
import { Input, Model, Sequential, layers, losses, metrics, ops, optimizers, GradientTape, type CompileArgs, type StepData, type Tensor } from '../../src/node';
import { expectNumbersClose, onBothBackends, useWebGPU, valuesOf } from '../helpers';

useWebGPU();

interface GanCompileArgs extends CompileArgs {
  dOptimizer?: optimizers.Optimizer;
  gOptimizer?: optimizers.Optimizer;
  lossFn?: losses.Loss;
}

class TwoOptimizerGan extends Model {
  readonly genLossTracker = new metrics.Mean({ name: 'generator_loss' });
  readonly discLossTracker = new metrics.Mean({ name: 'discriminator_loss' });
  dOptimizer!: optimizers.Optimizer;
  gOptimizer!: optimizers.Optimizer;
  lossFn!: losses.Loss;

  constructor(readonly discriminator: Model, readonly generator: Model) {
    super();
  }

  override get metrics() {
    return [this.genLossTracker, this.discLossTracker];
  }

  override compile({ dOptimizer, gOptimizer, lossFn }: GanCompileArgs = {}): void {
    super.compile();
    this.dOptimizer = dOptimizer!;
    this.gOptimizer = gOptimizer!;
    this.lossFn = lossFn!;
  }

  override trainStep([real]: StepData): Record<string, Tensor> {
    const batch = (real as Tensor).shape[0];
    const noise = ops.ones([batch, 1]);
    const labels = ops.concatenate([ops.ones([batch, 1]), ops.zeros([batch, 1])], 0);
    let tape = new GradientTape();
    const dLoss = tape.record(() => {
      const combined = ops.concatenate([this.generator.apply(noise) as Tensor, real as Tensor], 0);
      return this.lossFn.apply(labels, this.discriminator.apply(combined) as Tensor);
    });
    const dWeights = this.discriminator.trainableWeights;
    this.dOptimizer.applyGradients(tape.gradient(dLoss, dWeights).map((g, i) => [g, dWeights[i]]));
    tape = new GradientTape();
    const gLoss = tape.record(() => this.lossFn.apply(ops.zeros([batch, 1]), this.discriminator.apply(this.generator.apply(noise) as Tensor) as Tensor));
    const gWeights = this.generator.trainableWeights;
    this.gOptimizer.applyGradients(tape.gradient(gLoss, gWeights).map((g, i) => [g, gWeights[i]]));
    this.genLossTracker.updateState(gLoss);
    this.discLossTracker.updateState(dLoss);
    return { g_loss: this.genLossTracker.result(), d_loss: this.discLossTracker.result() };
  }
}

describe('a Model subclass with its own compile', () => {
  it(
    'calls super.compile() with no arguments and trains each sub-model with its own optimizer',
    onBothBackends(async () => {
      // D(x) = x0 + x1 (frozen by a zero learning rate); G(z) = [z, z] at first.
      const discriminator = new Sequential([Input({ shape: [2] }), new layers.Dense({ units: 1, kernelInitializer: 'ones' })]);
      const generator = new Sequential([Input({ shape: [1] }), new layers.Dense({ units: 2, kernelInitializer: 'ones' })]);
      const gan = new TwoOptimizerGan(discriminator, generator);
      gan.compile({ dOptimizer: new optimizers.SGD({ learningRate: 0 }), gOptimizer: new optimizers.SGD({ learningRate: 0.1 }), lossFn: new losses.BinaryCrossentropy({ fromLogits: true }) });
      const history = await gan.fit(ops.zeros([4, 2]), undefined, { batchSize: 4, epochs: 1, verbose: 0 });
      expect(Object.keys(history.history).sort()).toEqual(['d_loss', 'g_loss']);
      // Fakes score logit 2 (label 1: softplus(-2)), reals logit 0 (label 0: ln 2); the generator's
      // loss is softplus(2), whose gradient sigmoid(2) reaches each generator weight with factor 1.
      const softplus = (v: number) => Math.log1p(Math.exp(v));
      expectNumbersClose([history.history.d_loss[0], history.history.g_loss[0]], [(softplus(-2) + Math.LN2) / 2, softplus(2)], 1e-5);
      const step = 0.1 / (1 + Math.exp(-2));
      expectNumbersClose(await valuesOf(generator.trainableWeights[0]), [1 - step, 1 - step], 1e-5);
      expectNumbersClose(await valuesOf(generator.trainableWeights[1]), [-step, -step], 1e-5);
      expectNumbersClose(await valuesOf(discriminator.trainableWeights[0]), [1, 1], 0);
      gan.dispose();
    }),
  );
});
