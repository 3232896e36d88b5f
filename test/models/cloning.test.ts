// Architecture without weights: model.toJSON / modelFromJSON (Keras's to_json / model_from_json),
// cloneModel (keras.models.clone_model) for Sequential and functional models, and
// loadWeights with skipMismatch for a model whose head changed.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { Input, Layer, Model, Sequential, cloneModel, layers, modelFromJSON, ops, type Tensor } from '../../src/node';
import { useWebGPU } from '../helpers';

useWebGPU();

async function values(ts: Tensor[]): Promise<number[][]> {
  return Promise.all(ts.map(async (t) => Array.from(await t.data())));
}

function sequential(): Sequential {
  return new Sequential([Input({ shape: [4] }), new layers.Dense({ units: 5, activation: 'relu', name: 'hidden' }), new layers.Dense({ units: 2, name: 'out' })], { name: 'seq' });
}

/** Two inputs, a shared Dense applied to both, a concatenation, two outputs. */
function functional(): Model {
  const a = Input({ shape: [3], name: 'a' });
  const b = Input({ shape: [3], name: 'b' });
  const shared = new layers.Dense({ units: 4, name: 'shared' });
  const merged = new layers.Concatenate({ name: 'merge' }).apply([shared.apply(a), shared.apply(b)]);
  const first = new layers.Dense({ units: 1, name: 'first' }).apply(merged);
  const second = new layers.Dense({ units: 2, name: 'second' }).apply(merged);
  return new Model({ inputs: [a, b], outputs: [first, second] as never, name: 'two_towers' });
}

/** The graph, layer by layer: class, config and the layers each node reads from. */
function structure(model: Model): unknown {
  return JSON.parse(model.toJSON());
}

describe('toJSON and modelFromJSON', () => {
  it('rebuild the architecture with fresh weights', async () => {
    for (const model of [sequential(), functional()]) {
      const json = model.toJSON();
      expect(typeof json).toBe('string');
      const twin = modelFromJSON(json);
      expect(twin).not.toBe(model);
      expect(structure(twin)).toEqual(structure(model));
      expect(twin.weights.map((w) => w.shape)).toEqual(model.weights.map((w) => w.shape));
      expect(twin.weights.every((w, i) => w !== model.weights[i])).toBe(true);
      // Same weights copied in give the same outputs: the graph is the same.
      twin.setWeights(model.weights);
      const inputs = model.inputs.map((_, i) => ops.randomUniform([3, model.inputs[i].shape[1] as number], { seed: 5 + i }));
      expect(await values([twin.predictOnBatch(inputs.length === 1 ? inputs[0] : inputs)].flat())).toEqual(await values([model.predictOnBatch(inputs.length === 1 ? inputs[0] : inputs)].flat()));
    }
  });

  it('read the model JSON of a saved model, and reject what is not a model', async () => {
    const model = sequential();
    await model.save('memory://cloning-saved');
    const { memoryHandler } = await import('../../src/io/index');
    const { modelJson } = await memoryHandler('cloning-saved').load!();
    expect(structure(modelFromJSON(modelJson))).toEqual(structure(model));
    expect(() => modelFromJSON('{')).toThrow(/modelFromJSON: the text does not parse as JSON/);
    expect(() => modelFromJSON('{"a":1}')).toThrow('modelFromJSON: expected a model topology { class_name, config } as model.toJSON() returns it.');
    expect(() => modelFromJSON(JSON.stringify({ class_name: 'Dense', config: { units: 2 } }))).toThrow('modelFromJSON: the topology describes a Dense layer, not a model.');
    expect(() => modelFromJSON(model.toJSON(), { custom_objects: {} } as never)).toThrow(/customObjects/);
  });
});

describe('cloneModel', () => {
  it('clones a Sequential model: same architecture, new layers and weights', async () => {
    const model = sequential();
    const clone = cloneModel(model) as Sequential;
    expect(clone).toBeInstanceOf(Sequential);
    expect(clone.name).toBe('seq');
    expect(structure(clone)).toEqual(structure(model));
    expect(clone.layers.every((l, i) => l !== model.layers[i])).toBe(true);
    expect(clone.weights.every((w, i) => w !== model.weights[i])).toBe(true);
    // Fresh weights: the glorot kernel was drawn again.
    const [cloneKernel, kernel] = await values([clone.weights[0], model.weights[0]]);
    expect(cloneKernel).not.toEqual(kernel);
  });

  it('clones a functional model with a shared layer, once', async () => {
    const model = functional();
    const clone = cloneModel(model);
    expect(structure(clone)).toEqual(structure(model));
    expect(clone.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    expect(clone.getLayer('shared').inboundNodes.length).toBe(2);
    expect(clone.weights.length).toBe(model.weights.length);
    clone.setWeights(model.weights);
    const inputs = [ops.randomUniform([2, 3], { seed: 1 }), ops.randomUniform([2, 3], { seed: 2 })];
    expect(await values(clone.predictOnBatch(inputs) as Tensor[])).toEqual(await values(model.predictOnBatch(inputs) as Tensor[]));
  });

  it('maps each layer through cloneFunction and builds on inputTensors', async () => {
    const model = sequential();
    const seen: string[] = [];
    const clone = cloneModel(model, {
      cloneFunction: (layer: Layer) => {
        seen.push(layer.name);
        const config = layer.getConfig();
        return layers.Dense.fromConfig({ ...config, units: layer.name === 'out' ? 3 : config.units, trainable: false });
      },
      inputTensors: Input({ shape: [4], name: 'new_input' }),
    });
    expect(seen).toEqual(['hidden', 'out']);
    expect(clone.outputShape).toEqual([null, 3]);
    expect(clone.trainableWeights.length).toBe(0);
    const functionalClone = cloneModel(functional(), { inputTensors: [Input({ shape: [3] }), Input({ shape: [3] })] });
    expect(functionalClone.outputShape).toEqual([[null, 1], [null, 2]]);
  });

  it('clones a model nested in another (as a model: its graph with new layers), and an op with a tensor constant', async () => {
    const innerInput = Input({ shape: [3] });
    const inner = new Model({ inputs: innerInput, outputs: new layers.Dense({ units: 2 }).apply(innerInput) });
    const input = Input({ shape: [3] });
    const outer = new Model({ inputs: input, outputs: ops.add(inner.apply(input), ops.ones([2])) });
    const clone = cloneModel(outer);
    expect(clone.layers.find((l) => l instanceof Model)).not.toBe(inner);
    clone.setWeights(outer.getWeights());
    const x = ops.randomUniform([4, 3], { seed: 4 });
    expect(Array.from(await ((await clone.predict(x)) as Tensor).data())).toEqual(Array.from(await ((await outer.predict(x)) as Tensor).data()));
    expect(clone.weights[0]).not.toBe(outer.weights[0]);
  });

  it('rejects bad options', () => {
    expect(() => cloneModel(functional(), { inputTensors: Input({ shape: [3] }) })).toThrow("cloneModel: model 'two_towers' has 2 input(s), so inputTensors must be a list of 2 symbolic tensors; got 1 value(s).");
    expect(() => cloneModel(sequential(), { cloneFunction: () => 3 as never })).toThrow("cloneModel: cloneFunction must return a Layer, got number for layer 'hidden'.");
    expect(() => cloneModel(sequential(), { clone_function: () => null } as never)).toThrow(/cloneFunction/);
    expect(() => cloneModel({} as never)).toThrow('cloneModel: expected a Model, got object.');
  });
});

describe('loadWeights with skipMismatch', () => {
  afterEach(() => vi.restoreAllMocks());

  it('loads the body and keeps a new head, with a warning per skipped weight', async () => {
    const pretrained = sequential();
    await pretrained.saveWeights('memory://cloning-pretrained');
    const finetuned = new Sequential([Input({ shape: [4] }), new layers.Dense({ units: 5, activation: 'relu', name: 'hidden' }), new layers.Dense({ units: 3, name: 'out' })]);
    const headBefore = await values(finetuned.weights.slice(2));
    await expect(finetuned.loadWeights('memory://cloning-pretrained')).rejects.toThrow(/weight 2 \('out\/kernel'\) is float32 \[5,3\] in the model but the file's 'out\/kernel' is float32 \[5,2\]/);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await finetuned.loadWeights('memory://cloning-pretrained', { skipMismatch: true });
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
      "loadWeights: skipping weight 2 ('out/kernel'): it is float32 [5,3] in the model but the file's 'out/kernel' is float32 [5,2].",
      "loadWeights: skipping weight 3 ('out/bias'): it is float32 [3] in the model but the file's 'out/bias' is float32 [2].",
    ]);
    expect(await values(finetuned.weights.slice(0, 2))).toEqual(await values(pretrained.weights.slice(0, 2)));
    expect(await values(finetuned.weights.slice(2))).toEqual(headBefore);
    await expect(finetuned.loadWeights('memory://cloning-pretrained', { skip_mismatch: true } as never)).rejects.toThrow(/skipMismatch/);
  });
});
