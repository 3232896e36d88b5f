// Pattern: Sequential + compile + fit, the Keras quickstart MLP (100 -> 64 relu -> 10 softmax)
// with SGD and categorical crossentropy, on data whose class is the argmax of a fixed projection.

import { LambdaCallback, Sequential, layers, ops, setRandomSeed, tidy, type Tensor } from 'webgpu-keras';

/** 100 features; the label is the argmax of a fixed random projection to 10 classes. */
export function makeData(count: number): { xTrain: Tensor; yTrain: Tensor } {
  return tidy(() => {
    const xTrain = ops.randomNormal([count, 100], { seed: 11 });
    const projection = ops.randomNormal([100, 10], { seed: 12 });
    const yTrain = ops.oneHot(ops.matmul(xTrain, projection).argMax(-1), 10);
    return { xTrain, yTrain };
  });
}

export async function run({ epochs = 5, log = console.log }: { epochs?: number; log?: (line: string) => void } = {}) {
  setRandomSeed(2);
  const { xTrain, yTrain } = makeData(1024);
  const model = new Sequential();
  model.add(new layers.Dense({ units: 64, inputDim: 100 }));
  model.add(new layers.Activation('relu'));
  model.add(new layers.Dense({ units: 10 }));
  model.add(new layers.Activation('softmax'));
  model.compile({ loss: 'categorical_crossentropy', optimizer: 'sgd', metrics: ['accuracy'] });
  model.summary(log);
  const history = await model.fit(xTrain, yTrain, {
    epochs,
    batchSize: 32,
    verbose: 0,
    callbacks: [new LambdaCallback({ onEpochEnd: (epoch, logs) => log(`epoch ${epoch + 1}: loss ${logs.loss.toFixed(4)}, accuracy ${logs.accuracy.toFixed(3)}`) })],
  });
  xTrain.dispose();
  yTrain.dispose();
  return { model, history: history.history };
}
