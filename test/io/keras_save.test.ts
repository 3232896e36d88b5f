// Saving in Keras 3's format (model.save('m.keras'), model.saveWeights('m.weights.h5'),
// saveKerasModel, saveKerasWeights). Configs are checked against Keras's constructors (the option
// names of every Keras class, read from Keras 3.16's source: test/fixtures/keras/keras_signatures.py),
// and files against what Keras 3.16 itself wrote (test/fixtures/keras/keras_written/, made by
// make_keras_written.py): each loads and predicts Keras's values, and saved again it is Keras's file
// (the same datasets and values, a config that agrees option by option). A saved model, loaded
// back, predicts and trains on as the original does, on the GPU and the CPU.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  Input, Layer, Model, Sequential, constraints, initializers, layers, loadKerasModel, loadModel, losses, metrics, ops, optimizers, registerKerasSerializable, regularizers, saveKerasModel, saveKerasWeights, tensor,
  type Shape, type SymbolicTensor, type Tensor, type Variable,
} from '../../src/node';
import { kerasLayerConfig } from '../../src/io/keras_save';
import { readHdf5, type Hdf5Dataset, type Hdf5Group } from '../../src/io/hdf5';
import { readZipEntry, zipEntries } from '../../src/io/zip';
import { getRegisteredLayerName, isBuiltInLayer } from '../../src/layers/registry';
import { onBothBackends, useWebGPU } from '../helpers';
import { makeTempDir } from '../temp_dir';

useWebGPU();

type Kind = 'layers' | 'optimizers' | 'schedules' | 'losses' | 'metrics' | 'initializers' | 'regularizers' | 'constraints';
const SIGNATURES = JSON.parse(readFileSync('test/fixtures/keras/keras_signatures.json', 'utf8')) as Record<Kind, Record<string, string[]>>;
/** Keras modules of the objects a config nests, by kind. */
const KINDS: Record<string, Kind> = {
  'keras.layers': 'layers', 'keras.optimizers': 'optimizers', 'keras.optimizers.schedules': 'schedules', 'keras.losses': 'losses',
  'keras.metrics': 'metrics', 'keras.initializers': 'initializers', 'keras.regularizers': 'regularizers', 'keras.constraints': 'constraints',
};

/** Options that a Keras __init__ takes out of its **kwargs by name, which its signature does not list. */
const POPPED_KWARGS: Record<string, string[]> = { LayerNormalization: ['rms_scaling'] };

/** The options of a Keras object (and of the objects it nests) that Keras's class does not take. */
function foreignOptions(kind: Kind, className: string, config: Record<string, unknown>): string[] {
  const signature = SIGNATURES[kind][className];
  if (!signature) return [`${kind}.${className} is not a Keras class`];
  const accepted = [...signature, ...(POPPED_KWARGS[className] ?? [])];
  const found = Object.keys(config).filter((key) => !accepted.includes(key)).map((key) => `${className}.${key}`);
  const visit = (value: unknown) => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object') return;
    const object = value as { module?: string; class_name?: string; config?: unknown };
    if (typeof object.class_name === 'string' && object.module && KINDS[object.module]) found.push(...foreignOptions(KINDS[object.module], object.class_name, object.config as Record<string, unknown>));
  };
  Object.values(config).forEach(visit);
  return found;
}

/** Constructor options of the built-in layers that need some. */
const LAYER_OPTIONS: Record<string, () => Record<string, unknown>> = {
  AdaptiveAveragePooling: () => ({ outputSize: 2, dataFormat: 'channels_first' }),
  AdaptiveMaxPooling: () => ({ outputSize: 3 }),
  Conv: () => ({ filters: 2, kernelSize: 3, kernelRegularizer: regularizers.l2(0.1), biasConstraint: constraints.maxNorm(2) }),
  ConvLSTM: () => ({ filters: 2, kernelSize: 3, returnSequences: true, recurrentRegularizer: 'l2', recurrentConstraint: constraints.nonNeg(), dropout: 0.1 }),
  Dense: () => ({ units: 2, activation: 'relu', kernelRegularizer: regularizers.l1l2({ l1: 0.1, l2: 0.2 }), kernelConstraint: constraints.nonNeg() }),
  DepthwiseConv: () => ({ kernelSize: 3 }),
  SeparableConv: () => ({ filters: 2, kernelSize: 3 }),
  Discretization: () => ({ binBoundaries: [0, 1] }),
  Dot: () => ({ axes: 1 }),
  Dropout: () => ({ rate: 0.5 }),
  EinsumDense: () => ({ equation: 'ab,bc->ac', outputShape: 2, biasAxes: 'c' }),
  Embedding: () => ({ inputDim: 5, outputDim: 2 }),
  ReversibleEmbedding: () => ({ inputDim: 5, outputDim: 2, tieWeights: false, logitSoftCap: 3 }),
  SpectralNormalization: () => ({ layer: new layers.Dense({ units: 2 }), powerIterations: 2 }),
  TernaryDense: () => ({ units: 2, threshold: 0.1 }),
  GaussianNoise: () => ({ stddev: 0.1 }),
  GroupQueryAttention: () => ({ headDim: 2, numQueryHeads: 2, numKeyValueHeads: 1 }),
  InputLayer: () => ({ batchShape: [null, 3] }),
  MultiHeadAttention: () => ({ numHeads: 2, keyDim: 3 }),
  MaxNumBoundingBoxes: () => ({ maxNumber: 4, boundingBoxFormat: 'xyxy' }),
  Permute: () => ({ dims: [2, 1] }),
  Pipeline: () => ({ layers: [new layers.RandomFlip()] }),
  RNN: () => ({ cell: new layers.LSTMCell({ units: 2 }) }),
  Random: () => ({ factor: 0.2 }),
  RandomCrop: () => ({ height: 2, width: 2 }),
  RandomPosterization: () => ({ factor: 4 }),
  RandomTranslation: () => ({ heightFactor: 0.1, widthFactor: 0.1 }),
  RandomZoom: () => ({ heightFactor: 0.1 }),
  Recurrent: () => ({ units: 2, returnSequences: true, recurrentRegularizer: 'l2' }),
  RepeatVector: () => ({ n: 2 }),
  Rescaling: () => ({ scale: 0.5 }),
  Reshape: () => ({ targetShape: [3, 1] }),
  Resizing: () => ({ height: 2, width: 2 }),
  CenterCrop: () => ({ height: 2, width: 2 }),
  CategoryEncoding: () => ({ numTokens: 4 }),
  Hashing: () => ({ numBins: 3, salt: 7, maskValue: '' }),
  HashedCrossing: () => ({ numBins: 3 }),
  StackedRNNCells: () => ({ cells: [new layers.GRUCell({ units: 2 })] }),
  TimeDistributed: () => ({ layer: new layers.Dense({ units: 2 }) }),
  Bidirectional: () => ({ layer: new layers.LSTM({ units: 2 }) }),
};

function layerOptions(name: string): Record<string, unknown> {
  const family = [name, name.replace(/(Transpose|[123]D)+$/, ''), /^(Conv|Convolution)/.test(name) ? 'Conv' : '', /^(SimpleRNN|GRU|LSTM)(Cell)?$/.test(name) ? 'Recurrent' : '', /^(Random|Spatial|Gaussian)/.test(name) ? name.replace(/[123]D$/, '') : ''];
  if (/^SpatialDropout/.test(name) || name === 'GaussianDropout' || name === 'AlphaDropout') return { rate: 0.5 };
  if (/^Separable/.test(name)) return LAYER_OPTIONS.SeparableConv();
  if (/^DepthwiseConv/.test(name)) return LAYER_OPTIONS.DepthwiseConv();
  const options = family.map((key) => LAYER_OPTIONS[key]).find(Boolean);
  if (options) return options();
  return /^Random(Brightness|Contrast|Hue|Saturation|Rotation|Sharpness|ColorDegeneration)$/.test(name) ? LAYER_OPTIONS.Random() : {};
}

/** The layers Keras files cannot hold: not Keras classes, or code. */
const NOT_SAVED = ['InstanceNormalization', 'Lambda', 'Operation'];

function dataset(root: Hdf5Group, path: string): Hdf5Dataset {
  let entry: Hdf5Group | Hdf5Dataset = root;
  for (const part of path.split('/')) {
    if (entry.kind !== 'group' || !entry.members.has(part)) throw new Error(`no ${path}`);
    entry = entry.members.get(part)!;
  }
  if (entry.kind !== 'dataset') throw new Error(`${path} is a group`);
  return entry;
}

/** Every dataset of a file: path, shape and dtype, in name order. */
function datasets(group: Hdf5Group, path = ''): string[] {
  return [...group.members.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .flatMap(([name, entry]) => (entry.kind === 'group' ? datasets(entry, `${path}${name}/`) : [`${path}${name} ${entry.dtype} [${entry.shape.join(',')}]`]));
}

async function weightsOf(bytes: Uint8Array): Promise<Hdf5Group> {
  return readHdf5(await readZipEntry(bytes, 'model.weights.h5'));
}

async function configOf(bytes: Uint8Array): Promise<Record<string, unknown>> {
  return JSON.parse(new TextDecoder().decode(await readZipEntry(bytes, 'config.json')));
}

async function values(t: Tensor | Tensor[]): Promise<number[]> {
  return Array.from(await (Array.isArray(t) ? t[0] : t).data());
}

describe('nested models', () => {
  it('a Sequential model inside a functional one is written as Keras nests it and loads back, predicting the same', onBothBackends(async () => {
    const inner = new Sequential({ layers: [Input({ shape: [3] }) as never, new layers.Dense({ units: 4, activation: 'relu' }), new layers.Dense({ units: 2 })] });
    const x = Input({ shape: [3] });
    const model = new Model({ inputs: x, outputs: new layers.Dense({ units: 1 }).apply(inner.apply(x) as never) as never });
    const saved = await saveKerasModel(model);
    const nested = ((await configOf(saved)).config as { layers: Array<{ class_name: string }> }).layers.map((layer) => layer.class_name);
    expect(nested).toEqual(['InputLayer', 'Sequential', 'Dense']);
    const input = tensor([[1, 2, 3], [-1, 0.5, 2]]);
    expect(await values((await (await loadKerasModel(saved)).predict(input)) as Tensor)).toEqual(await values((await model.predict(input)) as Tensor));
  }));
});

describe('Keras configs', () => {
  it("every built-in layer's config holds only options that Keras's class of the same name takes", () => {
    const checked: string[] = [];
    const problems: string[] = [];
    for (const cls of new Set(Object.values(layers))) {
      const name = getRegisteredLayerName(cls)!;
      if (!isBuiltInLayer(cls) || NOT_SAVED.includes(name)) continue;
      const layer = new (cls as new (options: Record<string, unknown>) => Layer)(layerOptions(name));
      const config = kerasLayerConfig(layer);
      const className = name === 'GroupQueryAttention' ? 'GroupedQueryAttention' : name;
      problems.push(...foreignOptions('layers', className, config));
      checked.push(name);
    }
    expect(problems).toEqual([]);
    expect(checked.length).toBeGreaterThan(100);
    expect(checked).toEqual(expect.arrayContaining(['Dense', 'LSTM', 'Conv2D', 'Bidirectional', 'MultiHeadAttention', 'GroupQueryAttention', 'Pipeline', 'SpatialDropout2D']));
  });

  it("VarianceScaling's mode and distribution are written as Keras names them", async () => {
    const model = new Sequential({ layers: [new layers.Dense({ units: 2, inputShape: [3], kernelInitializer: new initializers.VarianceScaling({ scale: 2, mode: 'fanOut', distribution: 'untruncatedNormal' }) })] });
    const dense = ((await configOf(await saveKerasModel(model))).config as { layers: Array<{ config: Record<string, unknown> }> }).layers[1].config;
    expect(dense.kernel_initializer).toEqual({ module: 'keras.initializers', class_name: 'VarianceScaling', config: { scale: 2, mode: 'fan_out', distribution: 'untruncated_normal' }, registered_name: null });
  });

  it('the compile config names Keras optimizers, schedules, losses and metrics with the options they take', async () => {
    const x = Input({ shape: [3] });
    const model = new Model({ inputs: x, outputs: new layers.Dense({ units: 2, activation: 'softmax' }).apply(x) as never });
    const problems: string[] = [];
    const schedule = new optimizers.ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.9 });
    const everyOptimizer = ['SGD', 'RMSprop', 'Adam', 'AdamW', 'Adagrad', 'Adadelta', 'Adamax', 'Nadam', 'Ftrl', 'Lion'].map((name) => new (optimizers as unknown as Record<string, new (o: object) => optimizers.Optimizer>)[name]({ learningRate: schedule }));
    for (const optimizer of everyOptimizer) {
      model.compile({
        optimizer,
        loss: new losses.CategoricalCrossentropy({ labelSmoothing: 0.1 }),
        metrics: ['accuracy', new metrics.AUC({ numThresholds: 50 }), new metrics.CategoricalAccuracy()],
      });
      const compile = (await configOf(await saveKerasModel(model, { includeOptimizer: false }))).compile_config as Record<string, { class_name: string; config: Record<string, unknown> }[] & { class_name: string; config: Record<string, unknown> }>;
      problems.push(...foreignOptions('optimizers', compile.optimizer.class_name, compile.optimizer.config));
      problems.push(...foreignOptions('losses', compile.loss.class_name, compile.loss.config));
      for (const metric of compile.metrics.slice(1)) problems.push(...foreignOptions('metrics', metric.class_name, metric.config));
      expect(compile.metrics[0]).toBe('accuracy');
    }
    expect(problems).toEqual([]);
  });
});

/** Files that Keras 3.16 wrote (make_keras_written.py, and make_conv_lstm.py's conv_lstm); keras_weights.test.ts and keras_conv_lstm.test.ts check what they predict once loaded. */
const WRITTEN = 'test/fixtures/keras/keras_written';
const WRITTEN_MODELS = ['sequential', 'functional', 'convolutions', 'vision', 'sequences', 'masked', 'operations', 'more_operations', 'cells', 'conv_lstm', 'initial_states', 'constant_operand'];

/**
 * Options that Keras writes and this library does not, each at the value that makes it inert
 * (Keras-only features switched off, defaults of Keras-only bookkeeping).
 */
const KERAS_ONLY_OPTIONS: Record<string, unknown> = {
  seed: null, input_axes: null, output_axes: null, quantization_config: null, activity_regularizer: null, renorm: false, renorm_clipping: null,
  renorm_momentum: 0.99, synchronized: false, sliding_window: null, use_gate: false, use_ema: false, ema_momentum: 0.99,
  ema_overwrite_frequency: null, loss_scale_factor: null, gradient_accumulation_steps: null, build_input_shape: 'any', lora_rank: null, lora_alpha: null,
  data_format: 'channels_last',
  // Resizing's padding to the aspect ratio and antialiasing, off by default.
  pad_to_aspect_ratio: false, fill_mode: 'constant', fill_value: 0, antialias: false,
  // A call's mask argument: None, or the ops' mask of Embedding or Masking (see layersByName).
  mask: 'mask',
  // The build shape of a wrapper's inner layers: Keras's wrapper builds them itself.
  build_config: 'nested',
};

/** Differences between a config Keras wrote and ours: ours may leave out only KERAS_ONLY_OPTIONS, and must agree on the rest. */
function configDifferences(keras: unknown, ours: unknown, path: string): string[] {
  if (typeof keras === 'number' && typeof ours === 'number') return Math.abs(keras - ours) <= 1e-7 * Math.max(1, Math.abs(keras)) ? [] : [`${path}: ${keras} != ${ours}`];
  if (Array.isArray(keras) && Array.isArray(ours) && keras.length === ours.length) return keras.flatMap((item, i) => configDifferences(item, ours[i], `${path}[${i}]`));
  if (keras && ours && typeof keras === 'object' && typeof ours === 'object' && !Array.isArray(keras) && !Array.isArray(ours)) {
    const k = keras as Record<string, unknown>;
    const o = ours as Record<string, unknown>;
    const found: string[] = [];
    for (const key of new Set([...Object.keys(k), ...Object.keys(o)])) {
      if (key === 'shared_object_id') continue;
      if (!(key in o)) {
        const inert = KERAS_ONLY_OPTIONS[key];
        const opsMask = inert === 'mask' && (k[key] === null || (k[key] as { class_name?: string }).class_name === '__keras_tensor__');
        const accepted = inert === 'any' || inert === k[key] || (inert === 'nested' && path.includes('.config.')) || opsMask;
        if (!(key in KERAS_ONLY_OPTIONS) || !accepted) found.push(`${path}.${key}: Keras writes ${JSON.stringify(k[key])}, we write nothing`);
      } else if (!(key in k)) {
        // We also write the build shape of layers that build nothing, which Keras leaves out; its build_from_config ignores it.
        if (key !== 'build_config') found.push(`${path}.${key}: we write ${JSON.stringify(o[key])}, Keras writes nothing`);
      }
      else found.push(...configDifferences(k[key], o[key], `${path}.${key}`));
    }
    return found;
  }
  // A comparison's result is Keras's bool, int32 0/1 here; TrueDivide (x / y) and Divide are the same op, written as Divide.
  if (path.endsWith('.config.dtype') && keras === 'bool' && ours === 'int32') return [];
  if (/\.(class|registered)_name$/.test(path) && keras === 'TrueDivide' && ours === 'Divide') return [];
  return JSON.stringify(keras) === JSON.stringify(ours) ? [] : [`${path}: ${JSON.stringify(keras)} != ${JSON.stringify(ours)}`];
}

/**
 * A config's layers (and ops between layers) by name: their order may differ, Keras listing them
 * as its graph walk meets them. Keras also lists the ops that compute Embedding's and Masking's
 * masks (NotEqual, Any), which this library's layers make themselves, as Keras does loading our
 * files: those are left out.
 */
function layersByName(config: Record<string, unknown>): Record<string, unknown> {
  const inner = config.config as { layers: Array<{ module?: string; class_name: string; name?: string; config: { name: string } }> };
  const maskOp = (layer: { module?: string; class_name: string }) => layer.module?.startsWith('keras.src.ops') && ['NotEqual', 'Any'].includes(layer.class_name);
  return Object.fromEntries(inner.layers.filter((layer) => !maskOp(layer)).map((layer) => [layer.name ?? layer.config.name, layer]));
}

describe('files that Keras 3.16 wrote', () => {
  for (const name of WRITTEN_MODELS) {
    it(
      `${name}.keras, loaded and saved again, is Keras's file: the same datasets and values, and a config that agrees option by option`,
      async () => {
        const written = new Uint8Array(readFileSync(`${WRITTEN}/${name}.keras`));
        const saved = await saveKerasModel(await loadKerasModel(written));
        const [keras, ours] = [await weightsOf(written), await weightsOf(saved)];
        // Integers (the step count) compared by value: Keras 3.16 on JAX or NumPy stores it as int32, on TensorFlow as int64.
        const listing = (root: Hdf5Group) => datasets(root).map((line) => line.replace(/ int(32|64) /, ' int '));
        expect(listing(ours)).toEqual(listing(keras));
        for (const line of datasets(keras)) {
          const path = line.split(' ')[0];
          expect(Array.from(dataset(ours, path).values())).toEqual(Array.from(dataset(keras, path).values()));
        }
        const [kerasConfig, ourConfig] = [await configOf(written), await configOf(saved)];
        const kerasLayers = layersByName(kerasConfig);
        const ourLayers = layersByName(ourConfig);
        // A Sequential's InputLayer is named by each library's own default.
        const named = (layers: Record<string, unknown>) => Object.keys(layers).filter((key) => (layers[key] as { class_name: string }).class_name !== 'InputLayer' || kerasConfig.class_name !== 'Sequential');
        expect(named(ourLayers).sort()).toEqual(named(kerasLayers).sort());
        const differences = named(kerasLayers).flatMap((key) => configDifferences(kerasLayers[key], ourLayers[key], key));
        const { config: _k, ...kerasRest } = kerasConfig;
        const { config: _o, ...ourRest } = ourConfig;
        // An uncompiled model: Keras writes an empty compile_config, we none. Keras's jit_compile depends on its backend.
        const compileConfig = kerasRest.compile_config as Record<string, unknown>;
        if (Object.keys(compileConfig).length === 0) delete kerasRest.compile_config;
        else compileConfig.jit_compile = false;
        differences.push(...configDifferences(kerasRest, ourRest, 'model'));
        expect(differences).toEqual([]);
      },
    );
  }
});

describe("optimizer states as Keras keeps them", () => {
  it("each optimizer's state that Keras 3.16 saved, loaded and saved again, is Keras's optimizer/vars", async () => {
    const names = Object.keys((JSON.parse(readFileSync(`${WRITTEN}/predictions.json`, 'utf8')) as { optimizers: object }).optimizers);
    expect(names.length).toBe(11);
    for (const name of names) {
      const written = new Uint8Array(readFileSync(`${WRITTEN}/optimizers/${name}.keras`));
      const [keras, ours] = [await weightsOf(written), await weightsOf(await saveKerasModel(await loadKerasModel(written)))];
      const optimizerVars = (root: Hdf5Group) => datasets(root).filter((line) => line.startsWith('optimizer/')).map((line) => line.replace(/ int(32|64) /, ' int '));
      expect(optimizerVars(ours)).toEqual(optimizerVars(keras));
      // Nadam's last variable is its momentum product, which this library derives from the step count.
      const count = optimizerVars(keras).length - (name === 'nadam' ? 1 : 0);
      for (let i = 0; i < count; i++) expect([name, i, Array.from(dataset(ours, `optimizer/vars/${i}`).values())]).toEqual([name, i, Array.from(dataset(keras, `optimizer/vars/${i}`).values())]);
    }
  });

  it("Nadam's momentum product is written as Keras computes it over the steps taken", async () => {
    const model = new Sequential({ layers: [new layers.Dense({ units: 1, inputShape: [2] })] });
    model.compile({ optimizer: new optimizers.Nadam({ beta1: 0.8 }), loss: 'mse' });
    await model.fit(tensor([[1, 2]]), tensor([[1]]), { epochs: 3, verbose: 0 });
    const root = await weightsOf(await saveKerasModel(model));
    // u_t = beta1 (1 - 0.5 * 0.96^t), Keras's schedule; the product over t = 1..3, in float64.
    const product = [1, 2, 3].reduce((p, t) => p * 0.8 * (1 - 0.5 * 0.96 ** t), 1);
    expect(dataset(root, 'optimizer/vars/6').values()[0]).toBeCloseTo(product, 7);
  });

  it("Nadam's momentum product counts updates, not calls, with gradient accumulation (Keras 3.15.1)", async () => {
    // m.compile(optimizer=keras.optimizers.Nadam(beta_1=0.8, gradient_accumulation_steps=2), loss='mse')
    // m.fit(np.array([[1, 2]]), np.array([[1]]), epochs=4): u_product 0.1794457584619522 after 2 updates, iteration 4.
    const model = new Sequential({ layers: [new layers.Dense({ units: 1, inputShape: [2] })] });
    model.compile({ optimizer: new optimizers.Nadam({ beta1: 0.8, gradientAccumulationSteps: 2 }), loss: 'mse' });
    await model.fit(tensor([[1, 2]]), tensor([[1]]), { epochs: 4, verbose: 0 });
    const root = await weightsOf(await saveKerasModel(model));
    expect(Number(dataset(root, 'optimizer/vars/0').values()[0])).toBe(4);
    expect(dataset(root, 'optimizer/vars/8').values()[0]).toBeCloseTo(0.1794457584619522, 7);
  });
});

describe('saveKerasModel round trip', () => {
  it(
    'a trained Sequential model loads back with its weights and Adam state, predicts the same, and trains on as the original does',
    onBothBackends(async () => {
      const build = () =>
        new Sequential({
          layers: [Input({ shape: [4] }) as never, new layers.Dense({ units: 5, activation: 'relu' }), new layers.BatchNormalization(), new layers.Dense({ units: 3, activation: 'softmax' })],
        });
      const model = build();
      model.compile({ optimizer: new optimizers.Adam({ learningRate: 0.01 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
      const x = tensor([[0.1, 0.2, 0.3, 0.4], [1, -1, 0.5, 2], [0, 0.3, -0.7, 1]]);
      const y = tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
      await model.fit(x, y, { epochs: 3, batchSize: 3, verbose: 0, shuffle: false });
      const loaded = await loadKerasModel(await saveKerasModel(model));
      expect(await values(await loaded.predict(x))).toEqual(await values(await model.predict(x)));
      expect(loaded.optimizer.iterations).toBe(3);
      await model.fit(x, y, { epochs: 1, batchSize: 3, verbose: 0, shuffle: false });
      await loaded.fit(x, y, { epochs: 1, batchSize: 3, verbose: 0, shuffle: false });
      const [after, loadedAfter] = [await values(await model.predict(x)), await values(await loaded.predict(x))];
      after.forEach((v, i) => expect(loadedAfter[i]).toBeCloseTo(v, 6));
    }),
  );

  it(
    'a functional model of recurrent, attention, convolution, embedding and merge layers loads back and predicts the same',
    onBothBackends(async () => {
      const tokens = Input({ shape: [5], dtype: 'int32', name: 'tokens' });
      const image = Input({ shape: [6, 6, 2], name: 'image' });
      const embedded = new layers.Embedding({ inputDim: 10, outputDim: 4 }).apply(tokens) as never;
      const attended = new layers.MultiHeadAttention({ numHeads: 2, keyDim: 3 }).apply([embedded, embedded]) as never;
      const sequence = new layers.Bidirectional({ layer: new layers.GRU({ units: 3 }) }).apply(attended) as never;
      const conv = new layers.Conv2D({ filters: 3, kernelSize: 3, activation: 'relu' }).apply(image) as never;
      const pooled = new layers.Flatten().apply(new layers.MaxPooling2D({ poolSize: 2 }).apply(conv) as never) as never;
      const merged = new layers.Concatenate().apply([sequence, new layers.LSTM({ units: 2 }).apply(embedded) as never, pooled]) as never;
      const model = new Model({ inputs: [tokens, image], outputs: new layers.Dense({ units: 2 }).apply(merged) as never });
      const inputs = [tensor([[1, 2, 3, 4, 5], [9, 0, 0, 2, 7]], [2, 5], 'int32'), tensor(Array.from({ length: 144 }, (_, i) => Math.sin(i)), [2, 6, 6, 2])];
      const saved = await saveKerasModel(model);
      expect(zipEntries(saved)).toEqual(['metadata.json', 'config.json', 'model.weights.h5']);
      const loaded = await loadKerasModel(saved);
      expect(await values(await loaded.predict(inputs))).toEqual(await values(await model.predict(inputs)));
    }),
  );

  it('saveKerasWeights writes the weights file that loadWeights reads into a model of the same architecture', async () => {
    const build = () => new Sequential({ layers: [new layers.LSTM({ units: 3, inputShape: [4, 2] }), new layers.Dense({ units: 1 })] });
    const model = build();
    const other = build();
    const x = tensor(Array.from({ length: 16 }, (_, i) => Math.cos(i)), [2, 4, 2]);
    const dir = makeTempDir('keras-save-');
    await model.saveWeights(join(dir, 'model.weights.h5'));
    expect(await values(await other.predict(x))).not.toEqual(await values(await model.predict(x)));
    await other.loadWeights(join(dir, 'model.weights.h5'));
    expect(await values(await other.predict(x))).toEqual(await values(await model.predict(x)));
    expect(datasets(readHdf5(await saveKerasWeights(model)))).toEqual(['layers/dense/vars/0 float32 [3,1]', 'layers/dense/vars/1 float32 [1]', 'layers/lstm/cell/vars/0 float32 [2,12]', 'layers/lstm/cell/vars/1 float32 [3,12]', 'layers/lstm/cell/vars/2 float32 [12]']);
  });

  it("model.save('m.keras') writes a Keras file at a path, which loadModel reads", async () => {
    const model = new Sequential({ layers: [new layers.Dense({ units: 2, inputShape: [3] })] });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const path = join(makeTempDir('keras-save-'), 'nested', 'model.keras');
    const info = await model.save(path);
    expect(info.weightBytes).toBeGreaterThan(0);
    const loaded = await loadModel(path);
    const x = tensor([[1, 2, 3]]);
    expect(await values(await loaded.predict(x))).toEqual(await values(await model.predict(x)));
    expect(dataset(await weightsOf(new Uint8Array(readFileSync(path))), 'optimizer/vars/0').dtype).toBe('int64');
  });
});

describe('ops between layers', () => {
  it('are written as Keras op nodes (Keras 3.16 loads them; see the README) and load back predicting the same', onBothBackends(async () => {
    const x = Input({ shape: [5, 4] });
    const h = new layers.Dense({ units: 4 }).apply(x) as SymbolicTensor;
    const pooled = ops.concatenate([ops.add(ops.multiply(ops.mean(h, 1), 2), 1), ops.max(h, -1)], -1);
    const probabilities = ops.softmax(ops.subtract(pooled, ops.logsumexp(pooled, -1, true)));
    const flat = ops.reshape(ops.transpose(h, [0, 2, 1]), [-1, 20]);
    const clipped = ops.cumsum(ops.clip(ops.where(ops.greater(flat, 0), flat, 0.25), -0.5, 0.5), 1);
    const model = new Model({ inputs: x, outputs: new layers.Concatenate().apply([probabilities, clipped]) as SymbolicTensor });
    const saved = await saveKerasModel(model);
    const written = (await configOf(saved)).config as { layers: Array<{ module: string; class_name: string; config: Record<string, unknown> }> };
    const opNodes = written.layers.filter((layer) => layer.module.startsWith('keras.src.ops'));
    expect(opNodes.map((layer) => layer.class_name).sort()).toEqual(['Add', 'Clip', 'Concatenate', 'Cumsum', 'Greater', 'Logsumexp', 'Max', 'Mean', 'Multiply', 'Reshape', 'Softmax', 'Subtract', 'Transpose', 'Where']);
    expect(opNodes.find((layer) => layer.class_name === 'Max')!.config).toEqual({ name: expect.any(String), axis: -1, initial: null });
    const input = tensor(Array.from({ length: 40 }, (_, i) => Math.sin(0.7 * i)), [2, 5, 4]);
    const loaded = await loadKerasModel(saved);
    expect(await values(await loaded.predict(input))).toEqual(await values(await model.predict(input)));
  }));

  it('refuses an op that has no Keras op node here, naming it', async () => {
    const x = Input({ shape: [3] });
    const model = new Model({ inputs: x, outputs: ops.einsum('bi,bj->bij', x, x) as SymbolicTensor });
    await expect(saveKerasModel(model)).rejects.toThrow(/^saveKerasModel: the op einsum applied between layers \('einsum(_\d+)?'\) has no Keras op written here yet, or is called with options Keras's op does not take; apply it inside a custom layer\.$/);
  });
});

describe('custom layers and objects', () => {
  it("names registered classes as Keras's register_keras_serializable does, and keeps a custom layer's own variables trainable first", async () => {
    class Shifted extends Layer {
      readonly offset: number;
      count!: Variable;
      kernel!: Variable;
      constructor(args: { offset?: number; name?: string } = {}) {
        super(args);
        this.offset = args.offset ?? 1;
      }
      override build(shape: Shape): void {
        // Made before the trainable kernel: Keras keeps it after.
        this.count = this.addWeight({ name: 'count', shape: [], initializer: 'zeros', trainable: false });
        this.kernel = this.addWeight({ name: 'kernel', shape: [shape[shape.length - 1] as number], initializer: 'ones' });
      }
      override call(x: Tensor): Tensor {
        return ops.add(ops.multiply(x, this.kernel), this.offset);
      }
      override getConfig(): Record<string, unknown> {
        return { ...super.getConfig(), offset: this.offset };
      }
    }
    registerKerasSerializable(Shifted, { package: 'Tests' });
    const halve = registerKerasSerializable(function halve(yTrue: Tensor, yPred: Tensor) {
      return ops.mean(ops.abs(ops.subtract(yTrue, yPred)), -1);
    }, { package: 'Tests' });
    const x = Input({ shape: [3] });
    const model = new Model({ inputs: x, outputs: new Shifted({ offset: 2 }).apply(new layers.Dense({ units: 3 }).apply(x) as never) as never });
    model.compile({ optimizer: 'sgd', loss: halve });
    await model.fit(tensor([[1, 2, 3]]), tensor([[0, 1, 0]]), { epochs: 1, verbose: 0 });
    const saved = await saveKerasModel(model);
    const config = await configOf(saved);
    const entry = (config.config as { layers: Array<Record<string, unknown>> }).layers.find((layer) => layer.class_name === 'Shifted')!;
    expect([entry.module, entry.registered_name, (entry.config as { offset: number }).offset]).toEqual([null, 'Tests>Shifted', 2]);
    expect((config.compile_config as { loss: unknown }).loss).toEqual({ module: 'builtins', class_name: 'function', config: 'Tests>halve', registered_name: 'function' });
    const root = await weightsOf(saved);
    expect(datasets(root).filter((line) => line.startsWith('layers/shifted'))).toEqual(['layers/shifted/vars/0 float32 [3]', 'layers/shifted/vars/1 float32 []']);
    const loaded = await loadKerasModel(saved);
    const input = tensor([[0.5, -1, 2]]);
    expect(await values(await loaded.predict(input))).toEqual(await values(await model.predict(input)));
  });
});

describe('saveKerasModel errors', () => {
  it('asks for a browser page for downloads://, names an option object with no Keras kind, and warns for a custom optimizer', async () => {
    const model = new Sequential({ layers: [new layers.Dense({ units: 2, inputShape: [3] })] });
    await expect(model.save('downloads://model.keras')).rejects.toThrow("save: 'downloads://' needs a browser page (document); in Node save to a file path.");
    class Tagged extends Layer {
      override getConfig(): Record<string, unknown> {
        return { ...super.getConfig(), tag: { className: 'Label', config: {} } };
      }
    }
    registerKerasSerializable(Tagged, { package: 'Tests' });
    const x = Input({ shape: [2] });
    await expect(saveKerasModel(new Model({ inputs: x, outputs: new Tagged({}).apply(x) as SymbolicTensor }))).rejects.toThrow("saveKerasModel: the option 'tag' holds an object that has no Keras counterpart known here.");
    class Halving extends optimizers.Optimizer {
      constructor() {
        super({}, [], { className: 'Halving', name: 'halving', learningRate: 0.5 });
      }
      protected slotNames(): string[] {
        return [];
      }
      override updateStep(gradient: Tensor, variable: Variable, learningRate: Tensor): void {
        variable.assign(variable.sub(gradient.mul(learningRate)));
      }
    }
    model.compile({ optimizer: new Halving(), loss: 'mse' });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const root = await weightsOf(await saveKerasModel(model));
    expect(warn.mock.calls.map((call) => call[0])).toEqual(["saveKerasModel: the state of Halving is not written to Keras files; Keras will start it afresh."]);
    warn.mockRestore();
    expect(root.members.has('optimizer')).toBe(false);
  });

  it('names what a Keras file cannot hold, before writing anything', async () => {
    class Doubler extends Model {
      readonly dense = new layers.Dense({ units: 2 });
      override call(x: Tensor): Tensor {
        return (this.dense.apply(x) as Tensor).mul(2);
      }
    }
    const subclassed = new Doubler({ name: 'doubler' });
    await subclassed.predict(tensor([[1, 2]]));
    // A subclassed model's class must be registered for a .keras file to name it (its weights alone need not be: keras_subclassed.test.ts).
    const why = 'is a subclassed model whose class Doubler is not registered, so the file cannot name it for loading. Call registerKerasSerializable(Doubler) once, before saving and before loading';
    await expect(saveKerasModel(subclassed)).rejects.toThrow(`saveKerasModel: model 'doubler' ${why}`);
    const x = Input({ shape: [2] });
    await expect(saveKerasModel(new Model({ inputs: x, outputs: subclassed.apply(x) as never }))).rejects.toThrow(`saveKerasModel: model 'doubler' ${why}`);
    const unbuilt = new Sequential({ layers: [new layers.Dense({ units: 2 })] });
    await expect(saveKerasModel(unbuilt)).rejects.toThrow(`saveKerasModel: model '${unbuilt.name}' is not built; give it an input shape (an Input, or inputShape on its first layer) or call it once first, so that it has its weights.`);
    const instance = new Sequential({ layers: [new layers.InstanceNormalization({ inputShape: [4, 3] })] });
    await expect(saveKerasModel(instance)).rejects.toThrow(/cannot be saved to a Keras file: Keras has no InstanceNormalization layer \(GroupNormalization with groups: -1 is the same normalization\)\.$/);
    const lambda = new Sequential({ layers: [new layers.Lambda({ function: (t) => t, inputShape: [2] })] });
    await expect(saveKerasModel(lambda)).rejects.toThrow("Cannot serialize Lambda layer 'lambda': its `function` is JavaScript code, and a saved model holds only data");
  });
});
