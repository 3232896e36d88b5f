// Pattern 1, custom layers: InstanceNormalize (no weights, built on ops.moments) and SimpleDense
// (weights made in build() with addWeight, built on ops.matmul), trained in a functional model to
// tell three kinds of 6x6 images apart, whatever their brightness.

import { Input, LambdaCallback, Layer, Model, layers, ops, setRandomSeed, tidy, type LayerArgs, type Shape, type Tensor, type Variable } from 'webgpu-keras';

export class InstanceNormalize extends Layer {
  epsilon = 1e-3;
  call(x: Tensor) {
    const { mean, variance } = ops.moments(x, [1, 2], { keepDims: true });
    return x.sub(mean).div(variance.add(this.epsilon).sqrt());
  }
  computeOutputShape(s: Shape) {
    return s;
  }
}

export class SimpleDense extends Layer {
  units: number;
  w!: Variable;
  b!: Variable;
  constructor(config: { units?: number } & LayerArgs = {}) {
    super(config);
    this.units = config.units ?? 32;
  }
  build(inputShape: Shape) {
    this.w = this.addWeight({ shape: [inputShape.at(-1)!, this.units], initializer: 'randomNormal', trainable: true });
    this.b = this.addWeight({ shape: [this.units], initializer: 'randomNormal', trainable: true });
  }
  call(x: Tensor) {
    return ops.matmul(x, this.w).add(this.b);
  }
  getConfig() {
    return { ...super.getConfig(), units: this.units };
  }
}

/** Horizontal stripes, vertical stripes or a checkerboard, with random brightness and noise. */
export function makeImages(count: number): { x: Tensor; y: Tensor } {
  return tidy(() => {
    const parity = (t: Tensor) => t.sub(t.div(2).floor().mul(2));
    const row = ops.range(0, 6).reshape([6, 1]);
    const col = ops.range(0, 6).reshape([1, 6]);
    const patterns = ops.stack([parity(row.add(col.mul(0))), parity(col.add(row.mul(0))), parity(row.add(col))], 0); // [3, 6, 6]
    const labels = ops.randomUniform([count], { minval: 0, maxval: 3, dtype: 'int32' });
    const images = ops.gather(patterns, labels).reshape([count, 6, 6, 1]);
    const brightness = ops.randomUniform([count, 1, 1, 1], { minval: 0.5, maxval: 3 });
    const x = images.mul(brightness).add(ops.randomNormal([count, 6, 6, 1], { stddev: 0.2 }));
    return { x, y: ops.oneHot(labels, 3) };
  });
}

export async function run({ epochs = 10, log = console.log }: { epochs?: number; log?: (line: string) => void } = {}) {
  setRandomSeed(1);
  const { x, y } = makeImages(240);
  const inputs = Input({ shape: [6, 6, 1] });
  const normalized = new InstanceNormalize().apply(inputs);
  const hidden = new layers.Activation('relu').apply(new SimpleDense({ units: 16 }).apply(new layers.Flatten().apply(normalized)));
  const outputs = new layers.Activation('softmax').apply(new SimpleDense({ units: 3 }).apply(hidden));
  const model = new Model({ inputs, outputs, name: 'custom_layers' });
  model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  model.summary(log);
  const history = await model.fit(x, y, {
    epochs,
    batchSize: 32,
    verbose: 0,
    callbacks: [new LambdaCallback({ onEpochEnd: (epoch, logs) => log(`epoch ${epoch + 1}: loss ${logs.loss.toFixed(4)}, accuracy ${logs.accuracy.toFixed(3)}`) })],
  });
  x.dispose();
  y.dispose();
  return { model, history: history.history };
}
