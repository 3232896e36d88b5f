// The Speed panel's measurements: matmul GFLOP/s and training steps per second of webgpu-keras
// next to TensorFlow.js's WebGPU backend, same shapes, same page, one after the other. TF.js is
// imported here only, lazily, when the panel opens (loadTfjs).

import { Sequential, layers, ops, optimizers, randomNormal, randomUniform, type Tensor } from 'webgpu-keras';

type TfCore = typeof import('@tensorflow/tfjs-core');
type TfLayers = typeof import('@tensorflow/tfjs-layers');

export interface Tfjs {
  tf: TfCore;
  tfl: TfLayers;
  version: string;
}

/** Imports TF.js (core, WebGPU backend, layers) and makes WebGPU its backend. */
export async function loadTfjs(): Promise<Tfjs> {
  const [tf, , tfl] = await Promise.all([import('@tensorflow/tfjs-core'), import('@tensorflow/tfjs-backend-webgpu'), import('@tensorflow/tfjs-layers')]);
  if (!(await tf.setBackend('webgpu'))) throw new Error('TensorFlow.js could not start its WebGPU backend.');
  await tf.ready();
  return { tf, tfl, version: tf.version_core };
}

export interface SpeedSizes {
  /** Square matmul size and how many products one timed run queues. */
  matmulSize: number;
  matmulRepeats: number;
  /** The MLP 64 -> hidden (relu) -> 10 (softmax), trained with Adam on random data. */
  hiddenUnits: number;
  batchSize: number;
  trainSteps: number;
}

/** Small enough for SwiftShader and other fallback adapters, larger on real GPUs. */
export function speedSizes(fallbackAdapter: boolean): SpeedSizes {
  return fallbackAdapter
    ? { matmulSize: 256, matmulRepeats: 4, hiddenUnits: 64, batchSize: 32, trainSteps: 10 }
    : { matmulSize: 1024, matmulRepeats: 20, hiddenUnits: 256, batchSize: 128, trainSteps: 50 };
}

export interface SpeedRow {
  test: string;
  shape: string;
  unit: string;
  webgpuKeras: number;
  tfjs: number;
}

/** Runs each measurement on both libraries and reports each row as soon as it is measured. */
export async function compareSpeed(tfjs: Tfjs, sizes: SpeedSizes, report: (row: SpeedRow) => void): Promise<void> {
  const n = sizes.matmulSize;
  const flops = 2 * n ** 3 * sizes.matmulRepeats;
  report({
    test: 'matmul',
    shape: `${n}x${n} · ${n}x${n}`,
    unit: 'GFLOP/s',
    webgpuKeras: flops / 1e9 / (await timeMatmulWebgpuKeras(sizes)),
    tfjs: flops / 1e9 / (await timeMatmulTfjs(tfjs, sizes)),
  });
  report({
    test: 'training (fit, Adam)',
    shape: `MLP 64-${sizes.hiddenUnits}-10, batch ${sizes.batchSize}`,
    unit: 'steps/s',
    webgpuKeras: sizes.trainSteps / (await timeTrainingWebgpuKeras(sizes)),
    tfjs: sizes.trainSteps / (await timeTrainingTfjs(tfjs, sizes)),
  });
}

/** Seconds for matmulRepeats products, queued together and finished by one readback (after a warm-up). */
async function timeMatmulWebgpuKeras({ matmulSize: n, matmulRepeats }: SpeedSizes): Promise<number> {
  const a = randomNormal([n, n]);
  const b = randomNormal([n, n]);
  const run = async (repeats: number) => {
    const products = Array.from({ length: repeats }, () => ops.matmul(a, b));
    await products.at(-1)!.data();
    for (const p of products) p.dispose();
  };
  try {
    await run(1);
    return await seconds(() => run(matmulRepeats));
  } finally {
    a.dispose();
    b.dispose();
  }
}

async function timeMatmulTfjs({ tf }: Tfjs, { matmulSize: n, matmulRepeats }: SpeedSizes): Promise<number> {
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  const run = async (repeats: number) => {
    const products = Array.from({ length: repeats }, () => tf.matMul(a, b));
    await products.at(-1)!.data();
    tf.dispose(products);
  };
  try {
    await run(1);
    return await seconds(() => run(matmulRepeats));
  } finally {
    tf.dispose([a, b]);
  }
}

/** Seconds for one fit epoch of trainSteps batches (after a two-batch warm-up epoch). */
async function timeTrainingWebgpuKeras({ hiddenUnits, batchSize, trainSteps }: SpeedSizes): Promise<number> {
  const model = new Sequential();
  model.add(new layers.Dense({ units: hiddenUnits, inputShape: [64], activation: 'relu' }));
  model.add(new layers.Dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: new optimizers.Adam({ learningRate: 1e-3 }), loss: 'categorical_crossentropy' });
  const count = batchSize * trainSteps;
  const x = randomNormal([count, 64]);
  const labels = randomUniform([count], { minval: 0, maxval: 10, dtype: 'int32' });
  const y = ops.oneHot(labels, 10);
  const warmUp: Tensor[] = [x.slice([0, 0], [2 * batchSize, 64]), y.slice([0, 0], [2 * batchSize, 10])];
  try {
    await model.fit(warmUp[0], warmUp[1], { epochs: 1, batchSize, verbose: 0 });
    return await seconds(() => model.fit(x, y, { epochs: 1, batchSize, verbose: 0 }));
  } finally {
    for (const t of [x, labels, y, ...warmUp]) t.dispose();
  }
}

async function timeTrainingTfjs({ tf, tfl }: Tfjs, { hiddenUnits, batchSize, trainSteps }: SpeedSizes): Promise<number> {
  const model = tfl.sequential({
    layers: [tfl.layers.dense({ units: hiddenUnits, inputShape: [64], activation: 'relu' }), tfl.layers.dense({ units: 10, activation: 'softmax' })],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const count = batchSize * trainSteps;
  const x = tf.randomNormal([count, 64]);
  const labels = tf.randomUniform([count], 0, 10, 'int32') as import('@tensorflow/tfjs-core').Tensor1D;
  const y = tf.oneHot(labels, 10);
  const warmUp = [tf.slice(x, [0, 0], [2 * batchSize, 64]), tf.slice(y, [0, 0], [2 * batchSize, 10])];
  try {
    await model.fit(warmUp[0], warmUp[1], { epochs: 1, batchSize, verbose: 0 });
    return await seconds(() => model.fit(x, y, { epochs: 1, batchSize, verbose: 0 }));
  } finally {
    tf.dispose([x, labels, y, ...warmUp]);
    model.dispose();
  }
}

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
}
