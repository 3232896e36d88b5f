// Pattern 3, a custom loss: focal loss written as a function of (yTrue, yPred) from ops, used by
// compile() like any built-in loss. The model outputs logits; losses.focalLoss is the same loss
// through the engine's fused WGSL kernel.

import { LambdaCallback, Sequential, layers, ops, setRandomSeed, tidy, type Tensor } from 'webgpu-keras';

export function focalLoss({ alpha = 0.25, gamma = 2 } = {}) {
  return (yTrue: Tensor, yPred: Tensor) => {
    const p = ops.clip(ops.sigmoid(yPred), 1e-8, 1);
    const positive = yTrue.greater(0);
    const pt = ops.where(positive, p, ops.sub(1, p));
    const weight = ops.where(positive, alpha, 1 - alpha);
    const logPt = ops.where(positive, ops.log(p), ops.log(ops.clip(ops.sub(1, p), 1e-8, 1)));
    return weight.mul(ops.sub(1, pt).pow(gamma)).mul(logPt).neg().sum();
  };
}

/** Points in the plane; the rare positive class (about 1 in 5) lies inside a disc. */
export function makeData(count: number): { x: Tensor; y: Tensor } {
  return tidy(() => {
    const x = ops.randomUniform([count, 2], { minval: -1, maxval: 1, seed: 21 });
    const y = x.square().sum(-1, true).less(0.25).cast('float32');
    return { x, y };
  });
}

export async function run({ epochs = 20, log = console.log }: { epochs?: number; log?: (line: string) => void } = {}) {
  setRandomSeed(4);
  const { x, y } = makeData(512);
  const model = new Sequential();
  model.add(new layers.Dense({ units: 16, inputShape: [2], activation: 'tanh' }));
  model.add(new layers.Dense({ units: 16, activation: 'tanh' }));
  model.add(new layers.Dense({ units: 1 }));
  model.compile({ loss: focalLoss({ alpha: 0.25, gamma: 2 }), optimizer: 'adam', metrics: [(yTrue: Tensor, yPred: Tensor) => ops.equal(yPred.greater(0), yTrue).cast('float32').mean(-1)] });
  const history = await model.fit(x, y, {
    epochs,
    batchSize: 32,
    verbose: 0,
    callbacks: [new LambdaCallback({ onEpochEnd: (epoch, logs) => log(`epoch ${epoch + 1}: loss ${logs.loss.toFixed(4)}`) })],
  });
  x.dispose();
  y.dispose();
  return { model, history: history.history };
}
