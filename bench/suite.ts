// The benchmark suite: webgpu-keras side by side with TensorFlow.js (webgpu backend, layers) and
// jax-js (webgpu device), on the adapter behind `navigator.gpu`. Environment-neutral: bench/node.ts
// runs it in Node through Dawn (after putting Dawn's GPU on `navigator`), e2e/bench.ts in a page.
//
// Timing: every contender of a case is prepared and warmed up (two untimed runs, the second one
// estimates the cost of an iteration), then the contenders take turns, repeat after repeat, so a
// change of machine load hits all of them alike. A timed run is N iterations ended by one
// readback; its time / N is a sample, the median of the samples is reported. Each contender stops
// repeating once its timed runs used the time cap.
//
// Matmul iterations fold c[0,0] of each product into a running scalar read once at the end:
// jax-js drops pending work whose result is disposed unread, so every library carries the same
// chain and every product is computed.

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import * as tfl from '@tensorflow/tfjs-layers';
import * as jax from '@jax-js/jax';
import * as wk from '../src/index';
import { chainProducts } from './matmul_chain';
import { formatValue } from './report';

export type Library = 'webgpu-keras' | 'tfjs' | 'jax-js';

export interface BenchRow {
  library: Library;
  case: string;
  /** How the library runs the case ('matmul', 'fit', 'trainStep loop', 'jit step'). */
  variant: string;
  /** Optimizer of a training row: rows are compared only with rows of the same optimizer. */
  optimizer?: string;
  value: number;
  unit: 'GFLOP/s' | 'steps/s' | 'samples/s';
  /** Median milliseconds per iteration (a product, or a training step). */
  msPerIteration: number;
  /** Timed runs and iterations per run. */
  repeats: number;
  iterations: number;
  /** Trainable parameters of a training row's model (the same in every library: measureCase checks). */
  parameters?: number;
}

export interface BenchRatio {
  case: string;
  ours: string;
  peer: string;
  unit: string;
  ratio: number;
}

export interface BenchReport {
  adapter: wk.AdapterSummary;
  /** SwiftShader or another fallback adapter: small sizes, shorter caps. */
  softwareAdapter: boolean;
  environment: string;
  startedAt: string;
  seconds: number;
  rows: BenchRow[];
  ratios: BenchRatio[];
  skipped: string[];
}

export interface SuiteOptions {
  /** Progress lines (one per measured case). */
  log?: (line: string) => void;
  /** Also run the cases skipped on a software adapter (the wide MLP, bigger skinny products). */
  full?: boolean;
  /** Time cap of one contender's timed runs in one case, in ms (default 3000 on a software adapter, 2000 otherwise). */
  capMs?: number;
  /** The libraries to measure (default all); the others are not even initialized. */
  libraries?: Library[];
  /** Only the cases whose name matches (default all). */
  cases?: RegExp;
}

/** One library's way of running a case: `run(n)` does n iterations and ends with a readback. */
interface Contender {
  library: Library;
  variant: string;
  optimizer?: string;
  /** Parameters of the model a training contender builds. */
  parameters?: number;
  run(iterations: number): Promise<void>;
  dispose(): void;
}

interface CaseSpec {
  name: string;
  /** What one iteration is worth: FLOPs of a product, or samples of a training step. */
  unit: 'GFLOP/s' | 'steps/s';
  flops?: number;
  batchSize?: number;
  /** Training steps in one iteration: `fit` runs an epoch per iteration, the step loops as many steps. */
  stepsPerIteration?: number;
  contenders: Array<{ library: Library; make: () => Promise<Contender> }>;
  /** Drops the case's input data once it has been measured. */
  release: () => void;
}

const REPEATS = 5;
const WARM_UP_MS = 1000;
const MAX_ITERATIONS = 1000;

export async function runSuite(options: SuiteOptions = {}): Promise<BenchReport> {
  const log = options.log ?? (() => {});
  const started = now();
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) throw new Error('bench: navigator.gpu is missing; in Node run bench/node.ts, which provides Dawn.');

  const libraries = options.libraries ?? ['webgpu-keras', 'tfjs', 'jax-js'];
  const { adapter } = await wk.init({ gpu, backend: 'webgpu' });
  if (!adapter) throw new Error('bench: webgpu-keras did not get a WebGPU adapter.');
  if (libraries.includes('tfjs')) {
    await tf.setBackend('webgpu');
    await tf.ready();
    if (tf.getBackend() !== 'webgpu') throw new Error(`bench: TensorFlow.js runs on '${tf.getBackend()}', not webgpu.`);
  }
  if (libraries.includes('jax-js')) {
    const jaxDevices = await jax.init('webgpu');
    if (!jaxDevices.includes('webgpu')) throw new Error('bench: jax-js did not get a webgpu device.');
    jax.defaultDevice('webgpu');
  }

  const softwareAdapter = adapter.isFallback || /swiftshader/i.test(`${adapter.vendor} ${adapter.architecture} ${adapter.description}`);
  const capMs = options.capMs ?? (softwareAdapter ? 3000 : 2000);
  const small = softwareAdapter && !options.full;
  log(`adapter: ${adapter.vendor} ${adapter.architecture} ${adapter.description}${softwareAdapter ? ' (software)' : ''}; cap ${capMs} ms per contender and case`);

  const rows: BenchRow[] = [];
  const skipped: string[] = [];
  for (const spec of planCases(small, skipped).filter((c) => !options.cases || options.cases.test(c.name))) {
    const measured = await measureCase({ ...spec, contenders: spec.contenders.filter((c) => libraries.includes(c.library)) }, capMs);
    rows.push(...measured);
    const parameters = measured.find((r) => r.parameters !== undefined)?.parameters;
    if (parameters !== undefined) log(`${spec.name} | ${parameters} parameters in each library's model`);
    log(measured.map((r) => `${r.case} | ${r.library} ${r.variant}${r.optimizer ? ` (${r.optimizer})` : ''}: ${formatValue(r.value)} ${r.unit}`).join('\n'));
  }
  return {
    adapter,
    softwareAdapter,
    environment: typeof process !== 'undefined' && process.versions?.node ? `Node ${process.versions.node}` : (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ?? 'unknown',
    startedAt: new Date(Date.now() - (now() - started)).toISOString(),
    seconds: (now() - started) / 1000,
    rows,
    ratios: computeRatios(rows),
    skipped,
  };
}

function planCases(small: boolean, skipped: string[]): CaseSpec[] {
  const cases: CaseSpec[] = [];
  for (const n of small ? [256, 512] : [256, 512, 1024, 2048, 4096, 8192]) cases.push(matmulCase(`matmul ${n}x${n}x${n}`, n, n, n, false, false));
  const skinny: Array<[number, number, number]> = small ? [[256, 784, 1024]] : [[256, 784, 1024], [4096, 784, 1024], [4096, 1024, 1024]];
  if (small) skipped.push('matmul 4096x784x1024 and 4096x1024x1024 (software adapter; --full runs them)');
  for (const [batch, inputs, outputs] of skinny) {
    const shape = `${batch}x${inputs}x${outputs}`;
    cases.push(matmulCase(`matmul ${shape} y=x.W`, batch, inputs, outputs, false, false));
    cases.push(matmulCase(`matmul ${shape} dW=x^T.dy`, inputs, batch, outputs, true, false));
    cases.push(matmulCase(`matmul ${shape} dx=dy.W^T`, batch, outputs, inputs, false, true));
  }
  // 16 steps an epoch for every MLP: each fit call reads its logs back once an epoch, as real
  // epochs of hundreds of steps do. (On SwiftShader that is about 3 s of TF.js per measured fit;
  // at batch 4096 the wide MLP's data set is 205 MB, made only when its case runs.)
  cases.push(trainingCase({ name: 'MLP 100-64-10 batch 256', ...mlp([100, 64, 10]), batchSize: 256, steps: 16, fitOptimizer: 'sgd' }));
  if (small) {
    skipped.push('MLP 784-1024-1024-10 at batch 256 and 4096 (software adapter: TF.js did not finish it in 10 minutes; --full runs it)');
  } else {
    cases.push(trainingCase({ name: 'MLP 784-1024-1024-10 batch 256', ...mlp([784, 1024, 1024, 10]), batchSize: 256, steps: 16, fitOptimizer: 'adam' }));
    cases.push(trainingCase({ name: 'MLP 784-1024-1024-10 batch 4096', ...mlp([784, 1024, 1024, 10]), batchSize: 4096, steps: 16, fitOptimizer: 'adam' }));
  }
  // On SwiftShader TF.js takes 5-10 s a step of this convnet (webgpu-keras and jax-js under 1 s):
  // 2-step epochs there, so that TF.js's three fits (two of warm-up, one timed) take about a minute.
  cases.push(trainingCase({ name: 'CNN 28x28x1 c16-c32-d10 batch 64', ...CONVNET, batchSize: 64, steps: small ? 2 : 16, fitOptimizer: 'sgd' }));
  return cases;
}

async function measureCase(spec: CaseSpec, capMs: number): Promise<BenchRow[]> {
  const contenders: Contender[] = [];
  try {
    for (const { make } of spec.contenders) contenders.push(await make());
    const counts = contenders.filter((c) => c.parameters !== undefined).map((c) => `${c.library} ${c.variant}: ${c.parameters}`);
    if (new Set(contenders.map((c) => c.parameters)).size > 1) throw new Error(`bench: the libraries' models of '${spec.name}' differ in their parameter counts (${counts.join(', ')}); expected one network.`);
    const plans = [];
    for (const c of contenders) {
      // Warm-up: at least two runs and WARM_UP_MS. A training step's JavaScript reaches its
      // steady speed only after some hundreds of steps (optimizing compilers, caches): on an H100
      // host, the quickstart's fit took 0.57-0.60 ms a step in its first few hundred steps and
      // 0.34-0.41 ms after about a thousand, and 32 steps of warm-up measured the first.
      // The run time that sizes the timed runs: the median of the warm-up's runs after the first
      // (the last one alone once set the iterations of a 0.25 ms product to 2 after a 70 ms stall).
      const warmUp: number[] = [];
      for (let start = now(); warmUp.length < 2 || now() - start < WARM_UP_MS; ) {
        const t0 = now();
        await c.run(1);
        warmUp.push(now() - t0);
      }
      const estimate = median(warmUp.slice(1));
      const iterations = Math.max(1, Math.min(MAX_ITERATIONS, Math.floor(capMs / REPEATS / Math.max(estimate, 1e-3))));
      plans.push({ contender: c, iterations, samples: [] as number[], spent: 0, estimate });
    }
    for (let r = 0; r < REPEATS; r++) {
      for (const p of plans) {
        if (r > 0 && p.spent + p.estimate * p.iterations > capMs) continue;
        const t0 = now();
        await p.contender.run(p.iterations);
        const elapsed = now() - t0;
        p.spent += elapsed;
        p.samples.push(elapsed / p.iterations);
      }
    }
    return plans.flatMap((p): BenchRow[] => {
      const steps = spec.stepsPerIteration ?? 1;
      const ms = median(p.samples) / steps;
      const { library, variant, optimizer, parameters } = p.contender;
      const base = { library, case: spec.name, variant, optimizer, parameters, msPerIteration: ms, repeats: p.samples.length, iterations: p.iterations * steps };
      if (spec.unit === 'GFLOP/s') return [{ ...base, value: spec.flops! / ms / 1e6, unit: 'GFLOP/s' }];
      return [
        { ...base, value: 1000 / ms, unit: 'steps/s' },
        { ...base, value: (1000 / ms) * spec.batchSize!, unit: 'samples/s' },
      ];
    });
  } finally {
    for (const c of contenders) c.dispose();
    spec.release();
  }
}

/** Ratios ours/peer for rows of the same case and unit (training rows: the same optimizer too). */
function computeRatios(rows: BenchRow[]): BenchRatio[] {
  const label = (r: BenchRow) => `${r.library} ${r.variant}${r.optimizer ? ` (${r.optimizer})` : ''}`;
  const ratios: BenchRatio[] = [];
  for (const ours of rows.filter((r) => r.library === 'webgpu-keras' && r.unit !== 'samples/s')) {
    for (const peer of rows.filter((r) => r.library !== 'webgpu-keras' && r.case === ours.case && r.unit === ours.unit && r.optimizer === ours.optimizer)) {
      ratios.push({ case: ours.case, ours: label(ours), peer: label(peer), unit: ours.unit, ratio: ours.value / peer.value });
    }
  }
  return ratios;
}

// ---------------------------------------------------------------- matmul

function matmulCase(name: string, m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): CaseSpec {
  const aShape = transposeA ? [k, m] : [m, k];
  const bShape = transposeB ? [n, k] : [k, n];
  // Made when the case runs and dropped after it (see measureCase): hundreds of MB of inputs kept
  // for the whole run would burden every garbage collection of the later cases.
  const inputs = lazily(() => ({ a: seededUniform(aShape[0] * aShape[1], 1), b: seededUniform(bShape[0] * bShape[1], 2) }));
  return {
    name,
    unit: 'GFLOP/s',
    flops: 2 * m * k * n,
    release: inputs.release,
    contenders: [
      ours(async () => {
        const { a, b } = inputs.get();
        const [ta, tb] = [wk.tensor(a, aShape), wk.tensor(b, bShape)];
        return {
          library: 'webgpu-keras',
          variant: 'ops.matmul',
          run: (iterations) => chainProducts(ta, tb, transposeA, transposeB, iterations),
          dispose: () => wk.dispose([ta, tb]),
        };
      }),
      tfjs(async () => {
        const { a, b } = inputs.get();
        const [ta, tb] = [tf.tensor(a, aShape), tf.tensor(b, bShape)];
        return {
          library: 'tfjs',
          variant: 'tf.matMul',
          async run(iterations) {
            let probe = tf.zeros([1, 1]);
            for (let i = 0; i < iterations; i++) {
              const next = tf.tidy(() => tf.add(probe, tf.slice(tf.matMul(ta, tb, transposeA, transposeB), [0, 0], [1, 1])));
              probe.dispose();
              probe = next;
            }
            await probe.data();
            probe.dispose();
          },
          dispose: () => tf.dispose([ta, tb]),
        };
      }),
      jaxjs(async () => {
        const np = jax.numpy;
        const { a, b } = inputs.get();
        const ja = np.array(a, { shape: aShape });
        const jb = np.array(b, { shape: bShape });
        const product = jax.jit((x: jax.Array, y: jax.Array) => np.matmul(transposeA ? np.matrixTranspose(x) : x, transposeB ? np.matrixTranspose(y) : y));
        await jax.blockUntilReady([ja, jb]);
        return {
          library: 'jax-js',
          variant: 'jit(np.matmul)',
          async run(iterations) {
            let probe = np.zeros([1, 1]);
            for (let i = 0; i < iterations; i++) probe = probe.add(product(ja.ref, jb.ref).slice([0, 1], [0, 1]));
            await probe.data();
          },
          dispose: () => {
            jax.tree.dispose([ja, jb]);
            product.dispose();
          },
        };
      }),
    ],
  };
}

const ours = (make: () => Promise<Contender>) => ({ library: 'webgpu-keras' as const, make });
const tfjs = (make: () => Promise<Contender>) => ({ library: 'tfjs' as const, make });
const jaxjs = (make: () => Promise<Contender>) => ({ library: 'jax-js' as const, make });

// ---------------------------------------------------------------- training

/**
 * One layer of a training case's network, built alike by the three libraries with Keras's
 * defaults (glorot-uniform kernels, zero biases, pooling strides equal to the pool size).
 */
type LayerSpec =
  | { kind: 'dense'; units: number; activation: 'relu' | 'softmax' }
  | { kind: 'conv2d'; filters: number; kernelSize: number; padding: 'same' | 'valid'; activation: 'relu' }
  | { kind: 'maxPool2d'; poolSize: number }
  | { kind: 'flatten' };

interface TrainingSpec {
  name: string;
  /** One sample's shape (images: [height, width, channels]). */
  inputShape: number[];
  /** The network, input to output: the last layer is a softmax Dense over the classes. */
  layers: LayerSpec[];
  batchSize: number;
  /** Steps per epoch of `fit` (and per iteration of the step loops): the data set holds steps * batchSize samples. */
  steps: number;
  /** Optimizer of TF.js's `fit` (the anchors' choice); jax-js runs SGD. */
  fitOptimizer: 'sgd' | 'adam';
}

type Network = Pick<TrainingSpec, 'inputShape' | 'layers'>;

/** Dense layers of the given widths, input first: relu hidden layers, a softmax output. */
function mlp(sizes: number[]): Network {
  return { inputShape: [sizes[0]], layers: sizes.slice(1).map((units, i) => ({ kind: 'dense', units, activation: i === sizes.length - 2 ? 'softmax' : 'relu' })) };
}

/** A small MNIST-like convnet: 28x28x1 -> conv 16 'same' -> pool -> conv 32 'valid' -> pool -> 1152 -> 10. */
const CONVNET: Network = {
  inputShape: [28, 28, 1],
  layers: [
    { kind: 'conv2d', filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' },
    { kind: 'maxPool2d', poolSize: 2 },
    { kind: 'conv2d', filters: 32, kernelSize: 3, padding: 'valid', activation: 'relu' },
    { kind: 'maxPool2d', poolSize: 2 },
    { kind: 'flatten' },
    { kind: 'dense', units: 10, activation: 'softmax' },
  ],
};

const SGD_LEARNING_RATE = 0.01;
const ADAM_LEARNING_RATE = 0.001;

const classesOf = (spec: TrainingSpec) => (spec.layers.at(-1) as { units: number }).units;

function trainingCase(spec: TrainingSpec): CaseSpec {
  const inputs = sizeOf(spec.inputShape);
  const classes = classesOf(spec);
  const count = spec.steps * spec.batchSize;
  const data = lazily(() => {
    const y = new Float32Array(count * classes);
    seededUniform(count, 4).forEach((u, i) => (y[i * classes + Math.floor(u * classes)] = 1));
    return { x: seededUniform(count * inputs, 3), y };
  });
  const optimizers = [...new Set([spec.fitOptimizer, 'sgd' as const])];
  return {
    name: spec.name,
    unit: 'steps/s',
    batchSize: spec.batchSize,
    stepsPerIteration: spec.steps,
    contenders: [
      ...optimizers.map((opt) => ours(() => oursFit(spec, opt, data.get().x, data.get().y))),
      ours(() => oursStepLoop(spec, data.get().x, data.get().y)),
      tfjs(() => tfjsFit(spec, data.get().x, data.get().y)),
      jaxjs(() => jaxStepLoop(spec, data.get().x, data.get().y)),
    ],
    release: data.release,
  };
}

function oursLayer(layer: LayerSpec, inputShape: number[] | undefined): wk.Layer {
  const first = inputShape ? { inputShape } : {};
  switch (layer.kind) {
    case 'dense':
      return new wk.layers.Dense({ units: layer.units, activation: layer.activation, ...first });
    case 'conv2d':
      return new wk.layers.Conv2D({ filters: layer.filters, kernelSize: layer.kernelSize, padding: layer.padding, activation: layer.activation, ...first });
    case 'maxPool2d':
      return new wk.layers.MaxPooling2D({ poolSize: layer.poolSize, ...first });
    case 'flatten':
      return new wk.layers.Flatten(first);
  }
}

function oursModel(spec: TrainingSpec, optimizer: 'sgd' | 'adam'): wk.Sequential {
  const model = new wk.Sequential();
  spec.layers.forEach((layer, i) => model.add(oursLayer(layer, i === 0 ? spec.inputShape : undefined)));
  model.compile({
    optimizer: optimizer === 'sgd' ? new wk.optimizers.SGD({ learningRate: SGD_LEARNING_RATE }) : new wk.optimizers.Adam({ learningRate: ADAM_LEARNING_RATE }),
    loss: 'categoricalCrossentropy',
  });
  return model;
}

async function oursFit(spec: TrainingSpec, optimizer: 'sgd' | 'adam', x: Float32Array, y: Float32Array): Promise<Contender> {
  const model = oursModel(spec, optimizer);
  const count = spec.steps * spec.batchSize;
  const [tx, ty] = [wk.tensor(x, [count, ...spec.inputShape]), wk.tensor(y, [count, classesOf(spec)])];
  return {
    library: 'webgpu-keras',
    variant: 'fit',
    optimizer,
    parameters: model.countParams(),
    async run(epochs) {
      await model.fit(tx, ty, { batchSize: spec.batchSize, epochs, verbose: 0, shuffle: true });
    },
    dispose: () => disposeOurs(model, [tx, ty]),
  };
}

/** `model.trainStep` inside `tidy`, batch after batch, one readback of the loss at the end. */
async function oursStepLoop(spec: TrainingSpec, x: Float32Array, y: Float32Array): Promise<Contender> {
  const model = oursModel(spec, 'sgd');
  const [inputs, classes] = [sizeOf(spec.inputShape), classesOf(spec)];
  const batches = Array.from({ length: spec.steps }, (_, i) => [
    wk.tensor(x.subarray(i * spec.batchSize * inputs, (i + 1) * spec.batchSize * inputs), [spec.batchSize, ...spec.inputShape]),
    wk.tensor(y.subarray(i * spec.batchSize * classes, (i + 1) * spec.batchSize * classes), [spec.batchSize, classes]),
  ]);
  return {
    library: 'webgpu-keras',
    variant: 'trainStep loop',
    optimizer: 'sgd',
    parameters: model.countParams(),
    async run(iterations) {
      let logs: wk.StepLogs = {};
      for (let i = 0; i < iterations * spec.steps; i++) {
        const [xb, yb] = batches[i % spec.steps];
        const next = wk.tidy(() => model.trainStep([xb, yb]));
        wk.dispose(logs);
        logs = next;
      }
      await (logs.loss as wk.Tensor).data();
      wk.dispose(logs);
    },
    dispose: () => disposeOurs(model, batches),
  };
}

/** Model has no dispose(): its weights and the optimizer's slots go one by one. */
function disposeOurs(model: wk.Sequential, data: unknown): void {
  wk.dispose(data);
  model.dispose();
}

function tfjsLayer(layer: LayerSpec, inputShape: number[] | undefined): tfl.layers.Layer {
  const first = inputShape ? { inputShape } : {};
  switch (layer.kind) {
    case 'dense':
      return tfl.layers.dense({ units: layer.units, activation: layer.activation, ...first });
    case 'conv2d':
      return tfl.layers.conv2d({ filters: layer.filters, kernelSize: layer.kernelSize, padding: layer.padding, activation: layer.activation, ...first });
    case 'maxPool2d':
      return tfl.layers.maxPooling2d({ poolSize: layer.poolSize, ...first });
    case 'flatten':
      return tfl.layers.flatten(first);
  }
}

/** TF.js layers `fit`, the way the anchors measured it. */
async function tfjsFit(spec: TrainingSpec, x: Float32Array, y: Float32Array): Promise<Contender> {
  const model = tfl.sequential();
  spec.layers.forEach((layer, i) => model.add(tfjsLayer(layer, i === 0 ? spec.inputShape : undefined)));
  model.compile({
    optimizer: spec.fitOptimizer === 'sgd' ? tf.train.sgd(SGD_LEARNING_RATE) : tf.train.adam(ADAM_LEARNING_RATE),
    loss: 'categoricalCrossentropy',
  });
  const count = spec.steps * spec.batchSize;
  const [tx, ty] = [tf.tensor(x, [count, ...spec.inputShape]), tf.tensor(y, [count, classesOf(spec)])];
  return {
    library: 'tfjs',
    variant: 'fit',
    optimizer: spec.fitOptimizer,
    parameters: model.countParams(),
    async run(epochs) {
      await model.fit(tx, ty, { batchSize: spec.batchSize, epochs, verbose: 0, shuffle: true });
    },
    dispose: () => {
      tf.dispose([tx, ty]);
      model.dispose();
    },
  };
}

type JaxParams = Array<{ w: jax.Array; b: jax.Array }>;

/**
 * The weights of each Dense and Conv2D layer: glorot-uniform from the suite's seeded values (fan
 * in and out of a kernel counting its window, as Keras), zero biases. jax-js convolves
 * channels-first images, so a convolution kernel is [out, in, height, width], and Flatten orders
 * the features channel first: the next Dense's rows are a permutation of Keras's, of the same
 * cost and initial distribution.
 */
function jaxParams(spec: TrainingSpec): JaxParams {
  const np = jax.numpy;
  const params: JaxParams = [];
  const glorot = (shape: number[], fanIn: number, fanOut: number) => {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return np.array(seededUniform(sizeOf(shape), 10 + params.length).map((u) => (2 * u - 1) * limit), { shape });
  };
  let shape = spec.inputShape;
  for (const layer of spec.layers) {
    if (layer.kind === 'dense') {
      params.push({ w: glorot([shape[0], layer.units], shape[0], layer.units), b: np.zeros([layer.units]) });
      shape = [layer.units];
    } else if (layer.kind === 'conv2d') {
      const [height, width, channels] = shape;
      const k = layer.kernelSize;
      params.push({ w: glorot([layer.filters, channels, k, k], k * k * channels, k * k * layer.filters), b: np.zeros([layer.filters]) });
      const lost = layer.padding === 'valid' ? k - 1 : 0;
      shape = [height - lost, width - lost, layer.filters];
    } else if (layer.kind === 'maxPool2d') {
      const [height, width, channels] = shape;
      if (height % layer.poolSize || width % layer.poolSize) throw new Error(`bench: jax-js pools by reshaping; ${height}x${width} does not divide into ${layer.poolSize}x${layer.poolSize} windows.`);
      shape = [height / layer.poolSize, width / layer.poolSize, channels];
    } else {
      shape = [sizeOf(shape)];
    }
  }
  return params;
}

/** The same network as the other libraries, on channels-first images; each weight used once (jax-js consumes its arguments). */
function jaxForward(spec: TrainingSpec, params: JaxParams, x: jax.Array): jax.Array {
  const np = jax.numpy;
  let h = x;
  let next = 0;
  for (const layer of spec.layers) {
    if (layer.kind === 'dense') {
      const { w, b } = params[next++];
      const z = np.matmul(h, w).add(b);
      h = layer.activation === 'softmax' ? jax.nn.softmax(z, -1) : jax.nn.relu(z);
    } else if (layer.kind === 'conv2d') {
      const { w, b } = params[next++];
      const padding = layer.padding === 'same' ? 'SAME' : 'VALID';
      h = jax.nn.relu(jax.lax.conv(h, w, [1, 1], padding).add(b.reshape([layer.filters, 1, 1])));
    } else if (layer.kind === 'maxPool2d') {
      const [n, c, height, width] = h.shape;
      const p = layer.poolSize;
      h = h.reshape([n, c, height / p, p, width / p, p]).max([3, 5]);
    } else {
      h = h.reshape([h.shape[0], -1]);
    }
  }
  return h;
}

/** [n, height, width, channels] values reordered to [n, channels, height, width]. */
function channelsFirst(x: Float32Array, [n, height, width, channels]: number[]): Float32Array {
  const out = new Float32Array(x.length);
  const plane = height * width;
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < channels; c++) out[(i * channels + c) * plane + p] = x[(i * plane + p) * channels + c];
    }
  }
  return out;
}

/** A jit-compiled step: valueAndGrad of the same network and loss, then SGD, as the anchors ran jax-js. */
async function jaxStepLoop(spec: TrainingSpec, x: Float32Array, y: Float32Array): Promise<Contender> {
  const np = jax.numpy;
  const [inputs, classes] = [sizeOf(spec.inputShape), classesOf(spec)];
  const images = spec.inputShape.length === 3;
  let params = jaxParams(spec);
  const parameters = params.reduce((n, { w, b }) => n + sizeOf(w.shape) + sizeOf(b.shape), 0);
  const batches = Array.from({ length: spec.steps }, (_, i) => {
    const xb = x.subarray(i * spec.batchSize * inputs, (i + 1) * spec.batchSize * inputs);
    const shape = [spec.batchSize, ...spec.inputShape];
    return [
      images ? np.array(channelsFirst(xb, shape), { shape: [spec.batchSize, shape[3], shape[1], shape[2]] }) : np.array(xb, { shape }),
      np.array(y.subarray(i * spec.batchSize * classes, (i + 1) * spec.batchSize * classes), { shape: [spec.batchSize, classes] }),
    ];
  });
  // Keras's categorical crossentropy on softmax outputs: clip to [eps, 1 - eps], -sum(y log p), batch mean.
  const loss = (p: JaxParams, xb: jax.Array, yb: jax.Array): jax.Array => {
    const logP = np.log(np.clip(jaxForward(spec, p, xb), 1e-7, 1 - 1e-7));
    return yb.mul(logP).sum(-1).mean().neg();
  };
  const step = jax.jit((p: JaxParams, xb: jax.Array, yb: jax.Array) => {
    const [value, grads] = jax.valueAndGrad(loss)(jax.tree.ref(p), xb, yb);
    const next = p.map((layer, i) => ({ w: layer.w.sub(grads[i].w.mul(SGD_LEARNING_RATE)), b: layer.b.sub(grads[i].b.mul(SGD_LEARNING_RATE)) }));
    return [value, next] as [jax.Array, JaxParams];
  });
  await jax.blockUntilReady([params, batches]);
  return {
    library: 'jax-js',
    variant: 'jit step',
    optimizer: 'sgd',
    parameters,
    async run(iterations) {
      let value: jax.Array | null = null;
      for (let i = 0; i < iterations * spec.steps; i++) {
        const [xb, yb] = batches[i % spec.steps];
        value?.dispose();
        [value, params] = step(params, xb.ref, yb.ref);
      }
      await value!.data();
    },
    dispose: () => {
      jax.tree.dispose([params, batches]);
      step.dispose();
    },
  };
}

// ---------------------------------------------------------------- helpers

/** A value made on first use and dropped by release(). */
function lazily<T>(make: () => T): { get: () => T; release: () => void } {
  let value: T | null = null;
  return { get: () => (value ??= make()), release: () => (value = null) };
}

/** Deterministic uniform [0, 1) values, the same for every library. */
function seededUniform(length: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  return out;
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function now(): number {
  return performance.now();
}
