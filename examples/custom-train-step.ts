// Pattern 2, a custom training step: a Model subclass overrides trainStep with a GradientTape and
// keeps compile() and fit(). The TF 2.x style (compiledLoss / compiledMetrics) is shown; the
// Keras 3 style (computeLoss and a loop over this.metrics) works the same way.

import { GradientTape, Input, LambdaCallback, Model, layers, ops, randomUniform, setRandomSeed, type Tensor } from 'webgpu-keras';

export class CustomModel extends Model {
  trainStep([x, y]: [Tensor, Tensor]) {
    const tape = new GradientTape();
    const [yPred, loss] = tape.record(() => {
      const yPred = this.apply(x, { training: true }) as Tensor;
      return [yPred, this.compiledLoss(y, yPred, { regularizationLosses: this.losses })];
    });
    const vars = this.trainableVariables;
    const grads = tape.gradient(loss, vars);
    this.optimizer.applyGradients(grads.map((g, i) => [g, vars[i]]));
    this.compiledMetrics.updateState(y, yPred);
    return Object.fromEntries(this.metrics.map((m) => [m.name, m.result()]));
  }
}

export async function run({ epochs = 3, log = console.log }: { epochs?: number; log?: (line: string) => void } = {}) {
  setRandomSeed(3);
  const inp = Input({ shape: [32] });
  const custom = new CustomModel({ inputs: inp, outputs: new layers.Dense({ units: 1 }).apply(inp) });
  custom.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
  // A learnable target: a fixed linear function of the inputs.
  const x = randomUniform([1000, 32]);
  const y = ops.matmul(x, randomUniform([32, 1], { minval: -1, maxval: 1 }));
  const history = await custom.fit(x, y, {
    epochs,
    verbose: 0,
    callbacks: [new LambdaCallback({ onEpochEnd: (epoch, logs) => log(`epoch ${epoch + 1}: loss ${logs.loss.toFixed(4)}, mae ${logs.mae.toFixed(4)}`) })],
  });
  x.dispose();
  y.dispose();
  return { model: custom, history: history.history };
}
