// Saving and loading models: exact round trips (predictions bit for bit, training continued with
// the optimizer state), Sequential, functional and subclassed models, custom layers through the
// registry, weights-only files, the Node file handler, listing and removal, and clear errors for
// files that are malformed, hostile, or name classes that are not registered.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GradientTape, Input, Layer, Model, Sequential, constraints, layers, losses, memory, metrics, ops, registerLayer, setRandomSeed, tensor, type LayerArgs, type ModelArgs, type Shape, type StepData, type StepLogs, type Tensor, type Variable } from '../../src/node';
import { decodeSafetensors, encodeSafetensors, listModels, loadModel, memoryHandler, registerModel, removeModel, type ModelArtifacts, type ModelJSON } from '../../src/io/index';
import { settleGarbage, useWebGPU } from '../helpers';
import { makeTempDir } from '../temp_dir';

useWebGPU();

async function values(t: Tensor | Tensor[]): Promise<number[][]> {
  return Promise.all([t].flat().map(async (x) => Array.from(await x.data())));
}

async function weightValues(model: Model): Promise<number[][]> {
  return Promise.all(model.weights.map(async (w) => Array.from(await w.data())));
}

function data(seed: number, n = 48) {
  const x = ops.randomUniform([n, 4], { seed });
  const labels = x.sum(-1).greater(2).cast('int32');
  return { x, labels, y: ops.oneHot(labels, 2) };
}

function smallSequential(): Sequential {
  const model = new Sequential();
  model.add(new layers.Dense({ units: 8, inputShape: [4], activation: 'relu' }));
  model.add(new layers.BatchNormalization());
  model.add(new layers.Dropout({ rate: 0.2 }));
  model.add(new layers.Dense({ units: 2, activation: 'softmax' }));
  return model;
}

class Scale extends Layer {
  factor: number;
  scale!: Variable;
  constructor(config: { factor?: number } & LayerArgs = {}) {
    super(config);
    this.factor = config.factor ?? 1;
  }
  override build(inputShape: Shape) {
    this.scale = this.addWeight({ name: 'scale', shape: [inputShape.at(-1)!], initializer: 'ones' });
  }
  override call(x: Tensor) {
    return x.mul(this.scale).mul(this.factor);
  }
  override getConfig() {
    return { ...super.getConfig(), factor: this.factor };
  }
}

class Unregistered extends Layer {
  override call(x: Tensor) {
    return x;
  }
}

class TwoLayerNet extends Model {
  units: number;
  hidden: layers.Dense;
  out: layers.Dense;
  constructor(config: { units?: number } & LayerArgs = {}) {
    super(config);
    this.units = config.units ?? 4;
    this.hidden = new layers.Dense({ units: this.units, activation: 'tanh' });
    this.out = new layers.Dense({ units: 1 });
  }
  override call(x: Tensor | Tensor[]) {
    return this.out.apply(this.hidden.apply(x as Tensor));
  }
  override getConfig() {
    return { ...super.getConfig(), units: this.units };
  }
}

/** A Sequential subclass with its own training step (gradients clipped). */
class ClippedSequential extends Sequential {
  override trainStep([x, y]: StepData): StepLogs {
    const tape = new GradientTape();
    const loss = tape.record(() => this.computeLoss(x, y!, this.apply(x, { training: true }) as Tensor));
    const variables = this.trainableVariables;
    const grads = tape.gradient(loss, variables).map((g) => (g ? ops.clip(g, -0.1, 0.1) : null));
    this.optimizer.applyGradients(grads.map((g, i) => [g, variables[i]] as [Tensor | null, Variable]));
    this.lossTracker.updateState(loss);
    return { loss: this.lossTracker.result() };
  }
}

/** The README's custom training pattern: a functional model whose subclass overrides trainStep, with an option of its own. */
class ClippedFunctional extends Model {
  readonly clip: number;
  constructor(config: ModelArgs & { clip?: number }) {
    super(config);
    this.clip = config.clip ?? 0.1;
  }
  override trainStep([x, y]: StepData): StepLogs {
    const tape = new GradientTape();
    const loss = tape.record(() => this.computeLoss(x, y!, this.apply(x, { training: true }) as Tensor));
    const variables = this.trainableVariables;
    const grads = tape.gradient(loss, variables).map((g) => (g ? ops.clip(g, -this.clip, this.clip) : null));
    this.optimizer.applyGradients(grads.map((g, i) => [g, variables[i]] as [Tensor | null, Variable]));
    this.lossTracker.updateState(loss);
    return { loss: this.lossTracker.result() };
  }
  override getConfig() {
    return { ...super.getConfig(), clip: this.clip };
  }
}

registerLayer(Scale);
registerModel(TwoLayerNet);
registerModel(ClippedSequential);
registerModel(ClippedFunctional);

describe('save and loadModel', () => {
  it('round-trips a Sequential model saved mid-training: identical predictions, identical continued training', async () => {
    const { x, y } = data(1);
    setRandomSeed(3);
    const model = smallSequential();
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0, shuffle: false });
    const slot = memoryHandler();
    await model.save(slot);

    const restored = await loadModel(slot);
    expect(restored).toBeInstanceOf(Sequential);
    expect(restored.layers.map((l) => l.constructor.name)).toEqual(['Dense', 'BatchNormalization', 'Dropout', 'Dense']);
    expect(restored.optimizer.className).toBe('Adam');
    expect(restored.optimizer.iterations).toBe(model.optimizer.iterations);
    expect(await values(await restored.predict(x))).toEqual(await values(await model.predict(x)));

    setRandomSeed(11);
    const original = await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0, shuffle: false });
    setRandomSeed(11);
    const resumed = await restored.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0, shuffle: false });
    expect(resumed.history).toEqual(original.history);
    expect(await weightValues(restored)).toEqual(await weightValues(model));
  });

  for (const optimizer of ['adafactor', 'muon', 'lamb']) {
    it(`round-trips ${optimizer}'s state, whose slots need not have their variable's shape (factored moments, Muon's placeholders), and training goes on identically`, async () => {
      const { x, y } = data(2);
      setRandomSeed(3);
      const model = new Sequential({ layers: [Input({ shape: [4] }) as never, new layers.Dense({ units: 6, activation: 'tanh' }), new layers.Dense({ units: 2, activation: 'softmax' })] });
      model.compile({ optimizer, loss: 'categorical_crossentropy' });
      await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, shuffle: false });
      const slot = memoryHandler();
      await model.save(slot);
      const restored = await loadModel(slot);
      expect(restored.optimizer.variables.map((v) => v.shape)).toEqual(model.optimizer.variables.map((v) => v.shape));
      const original = await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, shuffle: false });
      const resumed = await restored.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, shuffle: false });
      expect(resumed.history).toEqual(original.history);
      expect(await weightValues(restored)).toEqual(await weightValues(model));
    });
  }

  it("refuses a saved optimizer state that does not fit the compiled optimizer, before assigning anything", async () => {
    const { x, y } = data(2);
    const model = new Sequential({ layers: [Input({ shape: [4] }) as never, new layers.Dense({ units: 2, activation: 'softmax' })] });
    model.compile({ optimizer: 'adafactor', loss: 'categorical_crossentropy' });
    await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
    const slot = memoryHandler();
    await model.save(slot);
    const { modelJson, weights } = await slot.load!();
    const json = JSON.parse(modelJson) as ModelJSON;
    json.compileConfig!.optimizer = { className: 'Adam', config: {} };
    const edited = memoryHandler();
    await edited.save!({ modelJson: JSON.stringify(json), weights });
    await expect(loadModel(edited)).rejects.toThrow(
      'loadModel: the saved optimizer state has 6 tensors after its step count but Adam keeps 4 for these variables; was the optimizer config changed?',
    );
  });

  it('round-trips weight constraints: the restored weights carry them, and continued training matches', async () => {
    const { x, y } = data(4);
    setRandomSeed(5);
    const model = new Sequential();
    model.add(new layers.Dense({ units: 8, inputShape: [4], activation: 'relu', kernelConstraint: constraints.maxNorm(1.5), biasConstraint: 'non_neg' }));
    model.add(new layers.BatchNormalization({ gammaConstraint: constraints.minMaxNorm({ minValue: 0.5, maxValue: 2, rate: 0.5 }) }));
    model.add(new layers.Dense({ units: 2, activation: 'softmax', kernelConstraint: new constraints.UnitNorm({ axis: 0 }) }));
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, shuffle: false });
    const slot = memoryHandler();
    await model.save(slot);

    const restored = await loadModel(slot);
    const described = (m: Model) => m.weights.map((w) => (w.constraint ? constraints.serializeConstraint(w.constraint as constraints.Constraint) : null));
    expect(described(restored)).toEqual(described(model));
    expect(described(restored).filter((c) => c !== null).map((c) => c!.className)).toEqual(['MaxNorm', 'NonNeg', 'MinMaxNorm', 'UnitNorm']);
    const options = { epochs: 2, batchSize: 16, verbose: 0 as const, shuffle: false };
    const original = await model.fit(x, y, options);
    const resumed = await restored.fit(x, y, options);
    expect(resumed.history).toEqual(original.history);
    expect(await weightValues(restored)).toEqual(await weightValues(model));
  });

  it('saves a loss given to compile in its saved form, { className, config }, and loads it with its options', async () => {
    const model = new Sequential([Input({ shape: [3] }), new layers.Dense({ units: 4 })]);
    model.compile({ optimizer: 'sgd', loss: { className: 'SparseCategoricalCrossentropy', config: { fromLogits: true } } as never });
    const [x, y] = [tensor([[1, 2, 3], [0, -1, 2]]), tensor([2, 0], [2], 'int32')];
    const before = await model.evaluate(x, y, { verbose: 0 });
    await model.save('memory://loss-config');
    const restored = await loadModel('memory://loss-config');
    expect((await restored.evaluate(x, y, { verbose: 0 })).loss).toBeCloseTo(before.loss, 6);
    await removeModel('memory://loss-config');
  });

  it('writes Keras-style JSON and safetensors that name every weight by its path', async () => {
    const model = smallSequential();
    model.compile({ optimizer: 'sgd', loss: losses.categoricalCrossentropy, metrics: [new metrics.Precision({ thresholds: [0.3] })] });
    const artifacts: ModelArtifacts[] = [];
    await model.save({ save: async (a) => (artifacts.push(a), { dateSaved: '', modelJsonBytes: 0, weightBytes: 0 }) });
    const json = JSON.parse(artifacts[0].modelJson) as ModelJSON;
    expect(json.format).toBe('webgpu-keras');
    expect(json.modelTopology!.class_name).toBe('Sequential');
    const topLayers = (json.modelTopology!.config.layers as Array<{ class_name: string; config: Record<string, unknown> }>);
    expect(topLayers.map((l) => l.class_name)).toEqual(['Dense', 'BatchNormalization', 'Dropout', 'Dense']);
    expect(topLayers[0].config.units).toBe(8);
    expect(json.compileConfig).toMatchObject({ optimizer: { className: 'SGD' }, loss: { className: 'CategoricalCrossentropy' }, metrics: [{ className: 'Precision', config: { thresholds: [0.3] } }] });
    const { tensors, metadata } = decodeSafetensors(artifacts[0].weights);
    expect(metadata).toEqual({ generated_by: 'webgpu-keras' });
    expect(tensors.map((t) => t.name)).toEqual([...model.weights.map((w) => w.name), 'optimizer/iterations']);
    expect(tensors[0]).toMatchObject({ dtype: 'F32', shape: [4, 8] });
  });

  it('round-trips a functional model with two inputs, a shared layer, a merge and two outputs', async () => {
    const a = Input({ shape: [3], name: 'a' });
    const b = Input({ shape: [3], name: 'b' });
    const shared = new layers.Dense({ units: 4, activation: 'relu', name: 'shared' });
    const merged = new layers.Concatenate({ name: 'concat' }).apply([shared.apply(a), shared.apply(b)]);
    const score = new layers.Dense({ units: 1, name: 'score' }).apply(merged);
    const kind = new layers.Dense({ units: 3, activation: 'softmax', name: 'kind' }).apply(new Scale({ factor: 2, name: 'scaled' }).apply(merged));
    const model = new Model({ inputs: [a, b], outputs: [score, kind], name: 'two_towers' });
    model.compile({ optimizer: 'rmsprop', loss: { score: 'mse', kind: 'sparse_categorical_crossentropy' }, lossWeights: { score: 0.5, kind: 1 }, metrics: { kind: ['accuracy'] } });
    const xa = ops.randomUniform([20, 3], { seed: 5 });
    const xb = ops.randomUniform([20, 3], { seed: 6 });
    const ys = [xa.sum(-1, true), ops.argMax(xb, -1)];
    await model.fit([xa, xb], ys, { epochs: 1, batchSize: 10, verbose: 0 });
    await model.save('memory://two-towers');

    const restored = await loadModel('memory://two-towers');
    expect(restored.name).toBe('two_towers');
    expect(restored.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    expect(restored.layers.find((l) => l.name === 'scaled')).toBeInstanceOf(Scale);
    expect(await values(await restored.predict([xa, xb]))).toEqual(await values(await model.predict([xa, xb])));
    expect(await restored.evaluate([xa, xb], ys)).toEqual(await model.evaluate([xa, xb], ys));
    await removeModel('memory://two-towers');
  });

  it('round-trips a subclass of a functional model (a custom trainStep): its graph, its own option, and identical continued training', async () => {
    const inputs = Input({ shape: [3] });
    const outputs = new layers.Dense({ units: 1 }).apply(new layers.Dense({ units: 4, activation: 'relu' }).apply(inputs));
    const model = new ClippedFunctional({ inputs, outputs, clip: 0.05, name: 'clipped' });
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const x = ops.randomUniform([16, 3], { seed: 4 });
    const y = x.sum(-1, true);
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    await model.save('memory://clipped-functional');
    const restored = await loadModel('memory://clipped-functional');
    expect(restored).toBeInstanceOf(ClippedFunctional);
    expect((restored as ClippedFunctional).clip).toBe(0.05);
    expect(restored.name).toBe('clipped');
    expect(await values(await restored.predict(x))).toEqual(await values(await model.predict(x)));
    setRandomSeed(3);
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, shuffle: false });
    setRandomSeed(3);
    await restored.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, shuffle: false });
    expect(await values(await restored.predict(x))).toEqual(await values(await model.predict(x)));
    await removeModel('memory://clipped-functional');
  });

  it('a subclassed model without getConfig comes back with the options its constructor passed to super', async () => {
    class Scaled extends Model {
      readonly factor: number;
      readonly out = new layers.Dense({ units: 1 });
      constructor(config: { factor?: number } & LayerArgs = {}) {
        super(config);
        this.factor = config.factor ?? 1;
      }
      override call(x: Tensor | Tensor[]) {
        return this.out.apply(x as Tensor).mul(this.factor);
      }
    }
    registerModel(Scaled);
    const model = new Scaled({ factor: 3, name: 'scaled_net' });
    const x = ops.randomUniform([4, 2], { seed: 8 });
    model.apply(x);
    await model.save('memory://scaled-net');
    const restored = await loadModel('memory://scaled-net', { compile: false });
    expect((restored as Scaled).factor).toBe(3);
    expect(await values(await restored.predict(x))).toEqual(await values(await model.predict(x)));
    await removeModel('memory://scaled-net');
  });

  it('round-trips a registered Model subclass, rebuilt by calling it on its saved input shape', async () => {
    const model = new TwoLayerNet({ units: 5, name: 'net' });
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const x = ops.randomUniform([16, 3], { seed: 2 });
    await model.fit(x, x.sum(-1, true), { epochs: 2, batchSize: 8, verbose: 0 });
    await model.save('memory://net');
    const restored = await loadModel('memory://net');
    expect(restored).toBeInstanceOf(TwoLayerNet);
    expect((restored as TwoLayerNet).units).toBe(5);
    expect(await values(await restored.predict(x))).toEqual(await values(await model.predict(x)));
  });

  it('round-trips a registered Sequential subclass with its own trainStep, and continues training identically', async () => {
    const model = new ClippedSequential({ layers: [new layers.Dense({ units: 4, inputShape: [3], activation: 'tanh' }), new Scale({ factor: 3 }), new layers.Dense({ units: 1 })] });
    model.compile({ optimizer: 'adamw', loss: 'huber' });
    const x = ops.randomUniform([16, 3], { seed: 8 });
    const y = x.sum(-1, true);
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, shuffle: false });
    await model.save('memory://clipped');
    const restored = await loadModel('memory://clipped');
    expect(restored).toBeInstanceOf(ClippedSequential);
    const a = await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, shuffle: false });
    const b = await restored.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, shuffle: false });
    expect(b.history).toEqual(a.history);
    expect(await weightValues(restored)).toEqual(await weightValues(model));
    await removeModel('memory://clipped');
  });

  it('asks for registerLayer when saving or loading a class that is not registered', async () => {
    const model = new Sequential({ layers: [new layers.Dense({ units: 2, inputShape: [2] }), new Unregistered()] });
    await expect(model.save(memoryHandler())).rejects.toThrow(/its class Unregistered is not registered\. Call registerLayer\(Unregistered\)/);

    const good = new Sequential({ layers: [new layers.Dense({ units: 2, inputShape: [2] }), new Scale()] });
    const slot = memoryHandler();
    await good.save(slot);
    const artifacts = await slot.load!();
    const tampered = memoryHandler();
    await tampered.save!({ modelJson: artifacts.modelJson.replace('"class_name":"Scale"', '"class_name":"MyLayer"'), weights: artifacts.weights });
    await expect(loadModel(tampered)).rejects.toThrow(/Unknown layer: 'MyLayer'\. Please ensure you are using a registered layer: call registerLayer\(MyLayer\) before loading/);
  });

  it('never builds anything from a name outside the registries', async () => {
    const slot = memoryHandler();
    await smallSequential().save(slot);
    const { modelJson, weights } = await slot.load!();
    for (const name of ['constructor', '__proto__', 'Object', 'Function', 'toString']) {
      const hostile = memoryHandler();
      await hostile.save!({ modelJson: modelJson.replace('"class_name":"Dropout"', `"class_name":${JSON.stringify(name)}`), weights });
      await expect(loadModel(hostile)).rejects.toThrow(`Unknown layer: '${name}'`);
    }
  });

  it('restores custom loss and metric functions only from customObjects', async () => {
    function absError(yTrue: Tensor, yPred: Tensor) {
      return yPred.sub(yTrue).abs().mean(-1);
    }
    const model = new Sequential({ layers: [new layers.Dense({ units: 1, inputShape: [2] })] });
    model.compile({ optimizer: 'sgd', loss: absError, metrics: [absError] });
    await model.save('memory://custom-loss');
    await expect(loadModel('memory://custom-loss')).rejects.toThrow("compiled with the custom loss function 'absError'. Pass it as loadModel(source, { customObjects: { absError } })");
    const restored = await loadModel('memory://custom-loss', { customObjects: { absError } });
    const x = tensor([[1, 2], [3, 4]]);
    const y = tensor([[1], [2]]);
    expect(await restored.evaluate(x, y)).toEqual(await model.evaluate(x, y));
    const uncompiled = await loadModel('memory://custom-loss', { compile: false });
    await expect(uncompiled.fit(x, y, { verbose: 0 })).rejects.toThrow('fit: the model must be compiled first');
    await removeModel('memory://custom-loss');
  });

  it('saveWeights / loadWeights move weights between models of the same architecture', async () => {
    setRandomSeed(1);
    const a = smallSequential();
    const b = smallSequential();
    const { x } = data(2);
    await a.saveWeights('memory://weights-only');
    await b.loadWeights('memory://weights-only');
    expect(await weightValues(b)).toEqual(await weightValues(a));
    expect(await values(await b.predict(x))).toEqual(await values(await a.predict(x)));
    await expect(loadModel('memory://weights-only')).rejects.toThrow('this file holds weights only (saved by saveWeights)');
    const other = new Sequential({ layers: [new layers.Dense({ units: 3, inputShape: [4] })] });
    await expect(other.loadWeights('memory://weights-only')).rejects.toThrow(/loadWeights: the file holds 8 weights \(dense(_\d+)?\/kernel \[4,8\].*but the model has 2/);
    await removeModel('memory://weights-only');
  });

  it('saves to and loads from files in Node, as a directory or a .json path', async () => {
    const dir = makeTempDir('wgk-save-');
    const model = smallSequential();
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    const { x, y } = data(4);
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    await model.save(join(dir, 'run1'));
    expect(readdirSync(join(dir, 'run1')).sort()).toEqual(['model.json', 'model.safetensors']);
    await model.save(join(dir, 'flat', 'mnist.json'));
    expect(readdirSync(join(dir, 'flat')).sort()).toEqual(['mnist.json', 'mnist.safetensors']);
    const onDisk = decodeSafetensors(new Uint8Array(readFileSync(join(dir, 'run1', 'model.safetensors'))));
    expect(onDisk.tensors.find((t) => t.name === 'optimizer/iterations')!.data[0]).toBe(2);
    const expected = await values(await model.predict(x));
    expect(await values(await (await loadModel(join(dir, 'run1'))).predict(x))).toEqual(expected);
    expect(await values(await (await loadModel(`file://${join(dir, 'flat', 'mnist.json')}`)).predict(x))).toEqual(expected);
    await expect(loadModel(join(dir, 'missing'))).rejects.toThrow(/Cannot read the model JSON '.*missing\/model.json'/);
  });

  it('lists and removes stored models', async () => {
    const model = smallSequential();
    await model.save('memory://listed-a');
    await model.saveWeights('memory://listed-b');
    const listed = await listModels();
    expect(Object.keys(listed)).toEqual(expect.arrayContaining(['memory://listed-a', 'memory://listed-b']));
    expect(listed['memory://listed-a'].weightBytes).toBeGreaterThan(4 * (4 * 8 + 8));
    expect((await removeModel('memory://listed-a')).weightBytes).toBe(listed['memory://listed-a'].weightBytes);
    await removeModel('memory://listed-b');
    expect(Object.keys(await listModels())).not.toContain('memory://listed-a');
    await expect(removeModel('memory://listed-a')).rejects.toThrow("no model saved at 'memory://listed-a'");
    await expect(loadModel('memory://listed-a')).rejects.toThrow("No model saved at 'memory://listed-a'");
  });

  it('names the schemes it knows for a target it does not', async () => {
    await expect(smallSequential().save('s3://bucket/model')).rejects.toThrow(/No handler to save 's3:\/\/bucket\/model'\. Known schemes: memory:\/\/, localstorage:\/\/, indexeddb:\/\/, downloads:\/\/, http\(s\):\/\//);
    await expect(loadModel('downloads://x')).rejects.toThrow("Cannot load with 'downloads://x': 'downloads://' supports saving only.");
    await expect(smallSequential().save('localstorage://x')).rejects.toThrow("'localstorage://' needs window.localStorage");
  });
});

describe('malformed and hostile model files', () => {
  async function saved() {
    const model = smallSequential();
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    const { x, y } = data(9);
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    const slot = memoryHandler();
    await model.save(slot);
    return slot.load!();
  }

  async function loadFrom(modelJson: string, weights: Uint8Array) {
    const slot = memoryHandler();
    await slot.save!({ modelJson, weights });
    return loadModel(slot);
  }

  function edit(modelJson: string, change: (json: ModelJSON) => void): string {
    const json = JSON.parse(modelJson) as ModelJSON;
    change(json);
    return JSON.stringify(json);
  }

  it('rejects each with a clear error and leaves no tensors behind', async () => {
    const { modelJson, weights } = await saved();
    const json = JSON.parse(modelJson) as ModelJSON;
    const decoded = decodeSafetensors(weights).tensors;
    // Claim a [1024, 1024, 1024] kernel: the device's buffer limit rejects it before the file size does.
    const headerLength = Number(new DataView(weights.buffer, weights.byteOffset).getBigUint64(0, true));
    const header = new TextEncoder().encode(new TextDecoder().decode(weights.subarray(8, 8 + headerLength)).replace('"shape":[4,8]', '"shape":[1024,1024,1024]'));
    const hugeHeader = new Uint8Array(8 + header.length + weights.length - 8 - headerLength);
    new DataView(hugeHeader.buffer).setBigUint64(0, BigInt(header.length), true);
    hugeHeader.set(header, 8);
    hugeHeader.set(weights.subarray(8 + headerLength), 8 + header.length);
    const cases: Array<[string, string, Uint8Array, RegExp | string]> = [
      ['truncated JSON', modelJson.slice(0, 50), weights, /Invalid model JSON: it does not parse/],
      ['another format', '{"format":"tfjs-layers"}', weights, 'not a file saved by webgpu-keras'],
      ['a newer version', edit(modelJson, (j) => (j.formatVersion = 9)), weights, 'formatVersion 9 is not supported'],
      ['truncated weights', modelJson, weights.subarray(0, weights.length - 3), /Invalid weights file 'model.safetensors': .*truncated file\?/],
      ['a header asking for more than the device allows', modelJson, hugeHeader, /tensor 'dense(_\d+)?\/kernel' of shape \[1024,1024,1024\] needs 4294967296 bytes, more than the \d+ bytes the device allows/],
      ['an unknown layer', modelJson.replace('"class_name":"BatchNormalization"', '"class_name":"BatchNorm3000"'), weights, "Unknown layer: 'BatchNorm3000'"],
      ['a weight missing from the file', modelJson, encodeSafetensors(decoded.slice(1)), /it lacks the tensor 'dense(_\d+)?\/kernel' that the model JSON lists/],
      ['an extra tensor in the file', modelJson, encodeSafetensors([...decoded, { name: 'extra', dtype: 'F32', shape: [1], data: Float32Array.of(1) }]), 'it holds tensors the model JSON does not list: extra'],
      ['a wrong weight count', edit(modelJson, (j) => j.weights.pop()), encodeSafetensors(decoded.filter((t) => t.name !== json.weights.at(-1)!.name)), /the file holds 7 weights .* but the model has 8 .*; the architectures differ/],
      ['a shape that differs from the topology', edit(modelJson, (j) => ((j.modelTopology!.config.layers as Array<{ config: { units: number } }>)[0].config.units = 9)), weights, /weight 0 \('dense(_\d+)?\/kernel'\) is float32 \[4,9\] in the model but the file's 'dense(_\d+)?\/kernel' is float32 \[4,8\]/],
      ['a manifest shape that differs from the file', edit(modelJson, (j) => (j.weights[1].shape = [7])), weights, /tensor 'dense(_\d+)?\/bias' is F32 \[8\] but the model JSON lists float32 \[7\]/],
      ['a graph that refers to a missing layer', edit(modelJson, (j) => (j.modelTopology = { class_name: 'Functional', config: { name: 'f', layers: [], input_layers: [['nowhere', 0, 0]], output_layers: [] } })), weights, "refers to layer 'nowhere', which it does not list"],
    ];
    for (const [what, text, bytes, message] of cases) {
            await settleGarbage();
      const before = memory().liveTensors;
      await expect(loadFrom(text, bytes), what).rejects.toThrow(message);
      await settleGarbage();
      expect(memory().liveTensors, what).toBe(before);
    }
  });
});
