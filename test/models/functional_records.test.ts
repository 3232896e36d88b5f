// Functional models built from records of inputs and outputs (Keras 3's dicts): apply, predict and
// predictOnBatch take records by key and return records; model.input / model.output are the
// records; compile's losses, weights and metrics and fit's targets are keyed by the output keys;
// save/load, toJSON and cloneModel keep the records; a record model nests inside another graph.
// Every result is checked against a twin model built from lists over the same layers, and the
// losses against a float64 reference.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { Input, Model, cloneModel, getBackend, layers, loadModel, ops, optimizers, type SymbolicRecord, type SymbolicTensor, type Tensor, type TensorRecord } from '../../src/node';
import { removeModel } from '../../src/io/index';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();
afterEach(() => vi.restoreAllMocks());

const SAMPLES = 10;
const glorot = (seed: number) => ({ className: 'GlorotUniform', config: { seed } });

/** Two inputs (image, meta) and two heads (score: a regression, cls: 3 classes), from seeded initializers. */
function towers(seed: number) {
  const image = Input({ shape: [4], name: 'image' });
  const meta = Input({ shape: [2], name: 'meta' });
  const hidden = new layers.Dense({ units: 6, activation: 'tanh', kernelInitializer: glorot(seed) }).apply(new layers.Concatenate().apply([image, meta]));
  const score = new layers.Dense({ units: 1, name: 'score', kernelInitializer: glorot(seed + 1) }).apply(hidden);
  const cls = new layers.Dense({ units: 3, activation: 'softmax', name: 'cls', kernelInitializer: glorot(seed + 2) }).apply(hidden);
  return { image, meta, score, cls };
}

/** The record model (keys given out of sorted order on purpose) and its twin of lists over the same layers. */
function twins(seed: number): { byKey: Model; byList: Model } {
  const t = towers(seed);
  return {
    byKey: new Model({ inputs: { meta: t.meta, image: t.image }, outputs: { score: t.score, cls: t.cls } }),
    byList: new Model({ inputs: [t.image, t.meta], outputs: [t.cls, t.score] }),
  };
}

function data() {
  const image = ops.randomUniform([SAMPLES, 4], { minval: -1, maxval: 1, seed: 11 });
  const meta = ops.randomUniform([SAMPLES, 2], { minval: -1, maxval: 1, seed: 12 });
  const score = ops.randomUniform([SAMPLES, 1], { minval: -1, maxval: 1, seed: 13 });
  const cls = ops.oneHot(ops.cast(ops.randomUniform([SAMPLES], { minval: 0, maxval: 3, seed: 14 }), 'int32'), 3);
  return { image, meta, score, cls };
}

const values = async (t: Tensor) => Array.from(await t.data());

async function expectClose(actual: Tensor, expected: Tensor, atol = 1e-6): Promise<void> {
  expect(actual.shape).toEqual(expected.shape);
  const [a, e] = [await values(actual), await values(expected)];
  e.forEach((v, i) => expect(Math.abs(a[i] - v)).toBeLessThanOrEqual(atol));
}

describe('functional models with records of inputs and outputs', () => {
  it(
    'apply, predict and predictOnBatch take and give records, equal to a twin of lists (GPU and CPU)',
    onBothBackends(async () => {
      const { byKey, byList } = twins(1);
      const { image, meta } = data();
      const out = byKey.apply({ image, meta }) as TensorRecord;
      expect(Object.keys(out)).toEqual(['score', 'cls']);
      const [cls, score] = byList.apply([image, meta]) as Tensor[];
      await expectClose(out.score, score);
      await expectClose(out.cls, cls);

      const predicted = await byKey.predict<TensorRecord>({ image, meta }, { batchSize: 4 });
      const twin = await byList.predict<Tensor[]>([image, meta], { batchSize: 4 });
      expect(Object.keys(predicted)).toEqual(['score', 'cls']);
      await expectClose(predicted.score, twin[1]);
      await expectClose(predicted.cls, twin[0]);

      const batch = byKey.predictOnBatch<TensorRecord>({ meta, image });
      await expectClose(batch.cls, cls);
    }),
  );

  it('input and output are the records; inputs, outputs and a list follow the sorted keys', async () => {
    expect(getBackend()).toBe('webgpu');
    const t = towers(2);
    const byKey = new Model({ inputs: { meta: t.meta, image: t.image }, outputs: { score: t.score, cls: t.cls } });
    const input = byKey.input as SymbolicRecord;
    expect(Object.keys(input)).toEqual(['meta', 'image']);
    expect(input.meta).toBe(t.meta);
    expect(input.image).toBe(t.image);
    const output = byKey.output as SymbolicRecord;
    expect(Object.keys(output)).toEqual(['score', 'cls']);
    expect(output.cls).toBe(t.cls);
    // As Keras's tree.flatten: the flat lists are in sorted key order.
    expect(byKey.inputs[0]).toBe(t.image);
    expect(byKey.outputs[0]).toBe(t.cls);
    const { image, meta } = data();
    // A list is taken in the order of inputs (the sorted keys), whatever order the keys were given in.
    const fromList = byKey.apply([image, meta]) as unknown as TensorRecord;
    const fromRecord = byKey.apply({ image, meta }) as TensorRecord;
    expect(Object.keys(fromList)).toEqual(['score', 'cls']);
    await expectClose(fromList.cls, fromRecord.cls, 0);
    // One output in a record is still a record.
    const single = new Model({ inputs: { image: t.image, meta: t.meta }, outputs: { cls: t.cls } });
    expect(Object.keys(single.apply({ image, meta }) as TensorRecord)).toEqual(['cls']);
    // A list-based model takes a record by input layer name, as before.
    const byList = new Model({ inputs: [t.image, t.meta], outputs: t.score });
    await expectClose(byList.apply({ meta, image }) as Tensor, (byKey.apply({ image, meta }) as TensorRecord).score, 0);
  });

  it('fit and evaluate take targets by output key, with losses, loss weights and metrics by key', async () => {
    const { byKey } = twins(3);
    const { byList } = twins(3);
    byList.setWeights(byKey.getWeights());
    const { image, meta, score, cls } = data();
    byKey.compile({
      optimizer: new optimizers.SGD({ learningRate: 0.1 }),
      loss: { score: 'mse', cls: 'categoricalCrossentropy' },
      lossWeights: { score: 0.5, cls: 2 },
      metrics: { cls: ['accuracy'] },
    });
    byList.compile({ optimizer: new optimizers.SGD({ learningRate: 0.1 }), loss: ['categoricalCrossentropy', 'mse'], lossWeights: [2, 0.5], metrics: [['accuracy'], []] });
    const history = await byKey.fit({ image, meta }, { cls, score }, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
    const twinHistory = await byList.fit([image, meta], [cls, score], { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
    expect(Object.keys(history.history).sort()).toEqual(['cls_accuracy', 'cls_loss', 'loss', 'score_loss']);
    for (const [name, logged] of Object.entries(history.history)) {
      (logged as number[]).forEach((v, epoch) => expect(v).toBeCloseTo((twinHistory.history[name] as number[])[epoch], 5));
    }
    const [a, b] = [byKey.getWeights(), byList.getWeights()];
    for (let i = 0; i < a.length; i++) await expectClose(a[i], b[i], 1e-6);

    // The logged losses against a float64 reference computed from the predictions.
    const logs = await byKey.evaluate({ image, meta }, { score, cls }, { batchSize: SAMPLES, verbose: 0 });
    const predicted = await byKey.predict<TensorRecord>({ image, meta });
    const [pScore, tScore, pCls, tCls] = await Promise.all([predicted.score, score, predicted.cls, cls].map(values));
    const mse = pScore.reduce((s, p, i) => s + (p - tScore[i]) ** 2, 0) / SAMPLES;
    let cce = 0;
    for (let n = 0; n < SAMPLES; n++) for (let k = 0; k < 3; k++) cce -= tCls[n * 3 + k] * Math.log(Math.min(Math.max(pCls[n * 3 + k], 1e-7), 1 - 1e-7));
    cce /= SAMPLES;
    expect(logs.score_loss).toBeCloseTo(mse, 5);
    expect(logs.cls_loss).toBeCloseTo(cce, 5);
    expect(logs.loss).toBeCloseTo(0.5 * mse + 2 * cce, 5);
  });

  it('save/load, toJSON and cloneModel keep the records', async () => {
    const { byKey } = twins(4);
    byKey.compile({ optimizer: 'sgd', loss: { score: 'mse', cls: 'categoricalCrossentropy' } });
    const { image, meta, score, cls } = data();
    const config = JSON.parse(byKey.toJSON()).config;
    expect(config.input_layers).toEqual({ meta: ['meta', 0, 0], image: ['image', 0, 0] });
    expect(config.output_layers).toEqual({ score: ['score', 0, 0], cls: ['cls', 0, 0] });

    await byKey.save('memory://functional-records');
    const restored = await loadModel('memory://functional-records');
    await removeModel('memory://functional-records');
    expect(Object.keys(restored.input)).toEqual(['meta', 'image']);
    expect(Object.keys(restored.output)).toEqual(['score', 'cls']);
    const [ours, theirs] = [await byKey.predict<TensorRecord>({ image, meta }), await restored.predict<TensorRecord>({ image, meta })];
    await expectClose(theirs.score, ours.score, 0);
    await expectClose(theirs.cls, ours.cls, 0);
    // The compile config came back keyed by output: evaluate gives the same logs.
    const [logs, restoredLogs] = [await byKey.evaluate({ image, meta }, { score, cls }, { verbose: 0 }), await restored.evaluate({ image, meta }, { score, cls }, { verbose: 0 })];
    expect(restoredLogs).toEqual(logs);

    const clone = cloneModel(byKey);
    expect(Object.keys(clone.input)).toEqual(['meta', 'image']);
    expect(Object.keys(clone.apply({ image, meta }) as TensorRecord)).toEqual(['score', 'cls']);
  });

  it('nests inside another functional model, which saves and loads', async () => {
    const { byKey } = twins(5);
    const outerImage = Input({ shape: [4], name: 'outer_image' });
    const outerMeta = Input({ shape: [2], name: 'outer_meta' });
    const inner = byKey.apply({ image: outerImage, meta: outerMeta }) as SymbolicRecord;
    expect(Object.keys(inner)).toEqual(['score', 'cls']);
    const outer = new Model({ inputs: [outerImage, outerMeta], outputs: new layers.Dense({ units: 2, kernelInitializer: glorot(9) }).apply(inner.cls as SymbolicTensor) });
    const { image, meta } = data();
    // outer.layers: the two Inputs, the nested model, then the Dense (Keras's order).
    const direct = (outer.getLayer(3).apply(((byKey.apply({ image, meta }) as TensorRecord).cls)) as Tensor);
    const predicted = await outer.predict<Tensor>([image, meta]);
    await expectClose(predicted, direct, 1e-6);
    await outer.save('memory://outer-records');
    const restored = await loadModel('memory://outer-records');
    await removeModel('memory://outer-records');
    await expectClose(await restored.predict<Tensor>([image, meta]), predicted, 0);
  });

  it('says what was wrong: missing or unknown inputs, a list out of order, unknown output keys, keys unlike the Input names', async () => {
    const { byKey } = twins(6);
    const name = byKey.name;
    const { image, meta, score, cls } = data();
    expect(() => byKey.apply({ image })).toThrow(`apply: the inputs have no entry for 'meta'; the inputs of model '${name}' are 'image', 'meta'.`);
    expect(() => byKey.apply({ image, meta, extra: image })).toThrow(`apply: the inputs name 'extra', but the inputs of model '${name}' are 'image', 'meta'.`);
    expect(() => byKey.apply([meta, image])).toThrow(`Model '${name}': input 0 ('image') expects shape (None, 4), got [10,2].`);
    expect(() => byKey.compile({ optimizer: 'sgd', loss: { label: 'mse' } })).toThrow("compile: loss names output 'label', but the model's output names are 'cls', 'score'.");
    byKey.compile({ optimizer: 'sgd', loss: { score: 'mse', cls: 'categoricalCrossentropy' } });
    await expect(byKey.fit({ image, meta }, { score, label: cls }, { verbose: 0 })).rejects.toThrow("fit: y names 'label', but the model's outputs are 'cls', 'score'.");
    await expect(byKey.fit({ image, meta }, { score }, { verbose: 0 })).rejects.toThrow("fit: y has no entry for 'cls'; the model's outputs are 'cls', 'score' (got 'score').");

    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const t = towers(7);
    new Model({ inputs: { pixels: t.image, meta: t.meta }, outputs: t.cls });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("the input record's key 'pixels' maps to the Input named 'image'; name the Input after its key"));
  });
});
