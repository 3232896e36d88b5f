// Models and weights saved by Keras 3 in Python: the HDF5 reader, the zip reader,
// loadKerasWeights and loadKerasModel, on fixtures written by h5py (HDF5's own library) in Keras
// 3's layout, with config.json as Keras 3 writes it (test/fixtures/keras/make_fixtures.py); their
// values follow a formula recomputed here. A model loaded from them predicts, on the GPU and the
// CPU, what a float64 forward pass with the formula's weights gives.

import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { Input, Layer, Model, Sequential, layers, loadKerasModel, loadKerasWeights, loadModel, ops, tensor, type Shape, type Tensor } from '../../src/node';
import { readHdf5, type Hdf5Dataset, type Hdf5Group } from '../../src/io/hdf5';
import { readZipEntry, zipEntries } from '../../src/io/zip';
import { writeZip } from '../../src/io/zip_writer';
import { snakeCase } from '../../src/layers/layer';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

const FIXTURES = 'test/fixtures/keras';
const bytes = (name: string) => new Uint8Array(readFileSync(`${FIXTURES}/${name}`));

/** make_fixtures.py's values(seed, shape): sin(0.37 i + seed) / 2, in float64 (the files hold them as float32). */
function formula(seed: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.sin(0.37 * i + seed) / 2);
}

function dataset(group: Hdf5Group, path: string): Hdf5Dataset {
  let entry: Hdf5Group | Hdf5Dataset = group;
  for (const part of path.split('/')) {
    if (entry.kind !== 'group' || !entry.members.has(part)) throw new Error(`no ${path}`);
    entry = entry.members.get(part)!;
  }
  if (entry.kind !== 'dataset') throw new Error(`${path} is a group`);
  return entry;
}

async function expectWeights(variable: Tensor, seed: number, offset = 0): Promise<void> {
  const expected = formula(seed, variable.size).map((v) => Math.fround(Math.fround(v) + offset));
  expect(Array.from(await variable.data())).toEqual(expected);
}

describe('HDF5 reader', () => {
  it('reads what h5py writes: element types, a scalar, a group tracking creation order, and refuses a chunked dataset by name', () => {
    const root = readHdf5(bytes('formats.h5'));
    const float64 = dataset(root, 'float64');
    expect([float64.dtype, float64.shape]).toEqual(['float64', [2, 3]]);
    expect(Array.from(float64.values())).toEqual(formula(21, 6).map(Math.fround));
    const half = dataset(root, 'float16');
    expect(half.dtype).toBe('float16');
    Array.from(half.values()).forEach((v, i) => expect(Math.abs(v - formula(22, 4)[i])).toBeLessThan(2.5e-4));
    expect(Array.from(dataset(root, 'int32').values())).toEqual([-3, -2, -1, 0, 1, 2]);
    expect(Array.from(dataset(root, 'uint8').values())).toEqual([250, 251, 252, 253, 254, 255]);
    const scalar = dataset(root, 'scalar');
    expect([scalar.shape, Array.from(scalar.values())]).toEqual([[], [2.5]]);
    expect(Array.from(dataset(root, 'ordered/a').values())).toEqual(formula(24, 3).map(Math.fround));
    expect(Array.from(dataset(root, 'ordered/b').values())).toEqual(formula(23, 2).map(Math.fround));
    expect(() => dataset(root, 'chunked').values()).toThrow('HDF5: chunked (or compressed) datasets are not supported');
  });

  it("walks a group's symbol table over several B-tree leaves (40 entries), in name order", () => {
    const vars = readHdf5(bytes('sequential.weights.h5')).members.get('optimizer') as Hdf5Group;
    const entries = (vars.members.get('vars') as Hdf5Group).members;
    expect([...entries.keys()]).toEqual(Array.from({ length: 40 }, (_, i) => String(i)).sort());
    expect([dataset(vars, 'vars/0').dtype, Array.from(dataset(vars, 'vars/0').values())]).toEqual(['int64', [12]]);
    for (let i = 1; i < 40; i++) expect(Array.from(dataset(vars, `vars/${i}`).values())).toEqual(formula(100 + i, 2).map(Math.fround));
  });

  it('refuses data that is not HDF5, a newer superblock, and a truncated file, with an error', () => {
    expect(() => readHdf5(new Uint8Array(64))).toThrow('HDF5: the data does not start with the HDF5 signature');
    const whole = bytes('sequential.weights.h5');
    const newer = whole.slice();
    newer[8] = 2;
    expect(() => readHdf5(newer)).toThrow("HDF5: superblock version 2 is not supported (versions 0 and 1 are: h5py's default, earliest file format, which Keras uses).");
    expect(() => readHdf5(whole.subarray(0, 1500))).toThrow(/HDF5: the file is truncated or damaged \(\d+ bytes at offset \d+ of 1500\)/);
  });

  it('reads a damaged file to its end or stops with an HDF5 error, never another exception (300 seeded corruptions)', () => {
    const whole = bytes('sequential.weights.h5');
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const readAll = (group: Hdf5Group): void => group.members.forEach((m) => (m.kind === 'group' ? readAll(m) : m.values()));
    let failures = 0;
    for (let i = 0; i < 300; i++) {
      const damaged = whole.slice();
      for (let k = 0; k < 1 + Math.floor(random() * 8); k++) damaged[Math.floor(random() * damaged.length)] = Math.floor(random() * 256);
      try {
        readAll(readHdf5(damaged));
      } catch (error) {
        expect((error as Error).message).toMatch(/^HDF5: /);
        failures++;
      }
    }
    expect(failures).toBeGreaterThan(0);
  });
});

describe('zip reader', () => {
  it('reads a stored and a deflated entry of a .keras archive alike, and names the entries when one is missing', async () => {
    const [stored, deflated] = [bytes('lstm.keras'), bytes('lstm_deflated.keras')];
    expect(zipEntries(stored)).toEqual(['metadata.json', 'config.json', 'model.weights.h5']);
    expect(zipEntries(deflated)).toEqual(zipEntries(stored));
    expect(deflated.length).toBeLessThan(stored.length / 4);
    const weights = await readZipEntry(stored, 'model.weights.h5');
    expect(await readZipEntry(deflated, 'model.weights.h5')).toEqual(weights);
    expect(readHdf5(weights).members.has('layers')).toBe(true);
    expect(JSON.parse(new TextDecoder().decode(await readZipEntry(deflated, 'metadata.json')))).toEqual({ keras_version: '3.14.0' });
    await expect(readZipEntry(bytes('lstm.keras'), 'model.weights.npz')).rejects.toThrow("zip: no entry 'model.weights.npz' in the archive (entries: metadata.json, config.json, model.weights.h5).");
    await expect(readZipEntry(new Uint8Array(40), 'config.json')).rejects.toThrow('zip: no end of central directory record (not a zip archive, or truncated).');
    // Another compression method in the central directory (its entries begin with PK\x01\x02).
    const other = stored.slice();
    for (let at = 0; at + 4 <= other.length; at++) {
      if (other[at] === 0x50 && other[at + 1] === 0x4b && other[at + 2] === 1 && other[at + 3] === 2) other[at + 10] = 12;
    }
    await expect(readZipEntry(other, 'config.json')).rejects.toThrow("zip: 'config.json' uses compression method 12; stored (0) and deflate (8) are supported.");
  });
});

/** Sequential([Input((4,)), Dense(3), BatchNormalization(), Flatten(), Dense(units)]), as sequential.weights.h5 was saved from. */
function sequentialModel(units = 2): Sequential {
  return new Sequential({ layers: [new layers.Dense({ units: 3, inputShape: [4] }), new layers.BatchNormalization(), new layers.Flatten(), new layers.Dense({ units })] });
}

/** The float64 forward pass of that model with the fixture's weights (batch normalization at inference). */
function sequentialReference(x: number[][]): number[][] {
  const [k1, b1, gamma, beta, mean, variance, k2, b2] = [formula(1, 12), formula(2, 3), formula(3, 3), formula(4, 3), formula(5, 3), formula(6, 3).map((v) => Math.fround(v) + 1), formula(7, 6), formula(8, 2)];
  return x.map((row) => {
    const h = [0, 1, 2].map((j) => row.reduce((s, v, i) => s + v * k1[i * 3 + j], b1[j]));
    const n = h.map((v, j) => ((v - mean[j]) / Math.sqrt(variance[j] + 1e-3)) * gamma[j] + beta[j]);
    return [0, 1].map((j) => n.reduce((s, v, i) => s + v * k2[i * 2 + j], b2[j]));
  });
}

describe('loadKerasWeights', () => {
  it(
    "loads a Sequential model's layers by Keras's names (dense, batch_normalization, dense_1), and it predicts what a float64 forward pass does",
    onBothBackends(async () => {
      const model = sequentialModel();
      await loadKerasWeights(model, bytes('sequential.weights.h5'));
      const [dense, norm, , head] = model.layers;
      await expectWeights(dense.weights[0], 1);
      await expectWeights(dense.weights[1], 2);
      for (const [k, seed] of [3, 4, 5].entries()) await expectWeights(norm.weights[k], seed);
      await expectWeights(norm.weights[3], 6, 1);
      await expectWeights(head.weights[0], 7);
      const x = [[0.5, -1, 2, 0.25], [-0.3, 0.8, 0.1, -2]];
      const predicted = (await model.predict(tensor(x))) as Tensor;
      const expected = sequentialReference(x).flat();
      Array.from(await predicted.data()).forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-5));
    }),
  );

  it("loads a recurrent layer's cell variables from a .keras archive, by path (model.loadWeights) or bytes, stored or deflated", async () => {
    const make = () => new Sequential({ layers: [new layers.LSTM({ units: 3, inputShape: [5, 2] }), new layers.Dense({ units: 1 })] });
    const fromPath = make();
    await fromPath.loadWeights(`${FIXTURES}/lstm.keras`);
    const fromBytes = make();
    await loadKerasWeights(fromBytes, bytes('lstm_deflated.keras').buffer);
    for (const model of [fromPath, fromBytes]) {
      const [lstm, dense] = model.layers;
      for (const [k, seed] of [11, 12, 13].entries()) await expectWeights(lstm.weights[k], seed);
      await expectWeights(dense.weights[0], 14);
      await expectWeights(dense.weights[1], 15);
    }
  });

  it("orders a functional model's layers as Keras does: by depth, then by its walk from the outputs", async () => {
    const input = Input({ shape: [4] });
    const hidden = new layers.BatchNormalization().apply(new layers.Dense({ units: 3 }).apply(input));
    const functional = new Model({ inputs: input, outputs: new layers.Dense({ units: 2 }).apply(hidden) });
    await loadKerasWeights(functional, bytes('sequential.weights.h5'));
    // layers[0] is the Input layer, as in Keras.
    await expectWeights(functional.layers[1].weights[0], 1);
    await expectWeights(functional.layers[3].weights[0], 7);

    // Two Dense layers at the same depth: the walk from the output meets 'left' first.
    const x = Input({ shape: [4] });
    const right = new layers.Dense({ units: 3, name: 'right' });
    const left = new layers.Dense({ units: 3, name: 'left' });
    // 'right' is called first here, so this library's layer list has it first.
    const rightOut = right.apply(x);
    const joined = new layers.Concatenate().apply([left.apply(x), rightOut]);
    const head = new layers.Dense({ units: 2, name: 'head' });
    const twin = new Model({ inputs: x, outputs: head.apply(joined) });
    await loadKerasWeights(twin, bytes('twin.weights.h5'));
    await expectWeights(left.weights[0], 61);
    await expectWeights(right.weights[0], 63);
    await expectWeights(head.weights[0], 65);
  });

  it("loads a nested model's layers from under its own path (layers/sequential/layers/dense)", async () => {
    const inner = new Sequential({ layers: [new layers.Dense({ units: 3, inputShape: [4] })] });
    const outer = new Sequential({ layers: [inner, new layers.Dense({ units: 2 })] });
    await loadKerasWeights(outer, bytes('nested.weights.h5'));
    await expectWeights(inner.layers[0].weights[0], 41);
    await expectWeights(inner.layers[0].weights[1], 42);
    await expectWeights(outer.layers[1].weights[0], 43);
    await expectWeights(outer.layers[1].weights[1], 44);
  });

  it('loads GroupNormalization, RMSNormalization, Attention (scale, concat_score_weight) and GroupQueryAttention variables in Keras\'s order', async () => {
    const model = new Sequential({
      layers: [new layers.Dense({ units: 4, inputShape: [3] }), new layers.GroupNormalization({ groups: 2 }), new layers.RMSNormalization(), new layers.Dense({ units: 2 })],
    });
    await loadKerasWeights(model, bytes('more_layers.weights.h5'));
    const [, group, rms, head] = model.layers;
    await expectWeights(group.weights[0], 103);
    await expectWeights(group.weights[1], 104);
    await expectWeights(rms.weights[0], 105);
    await expectWeights(head.weights[1], 107);
    const [query, value] = [Input({ shape: [2, 4] }), Input({ shape: [3, 4] })];
    const attention = new layers.Attention({ useScale: true, scoreMode: 'concat' });
    const functional = new Model({ inputs: [query, value], outputs: attention.apply([query, value]) });
    // Only its 'attention' group is this model's; the file's other layers are another model's.
    await loadKerasWeights(functional, bytes('more_layers.weights.h5'));
    expect([Array.from(await attention.weights[0].data()), Array.from(await attention.weights[1].data())]).toEqual([[1.5], [0.25]]);
    // GroupQueryAttention: from Keras's inner _query/_key/_value/_output_dense layers, as MultiHeadAttention.
    const [q, kv] = [Input({ shape: [2, 5] }), Input({ shape: [3, 5] })];
    const gqa = new layers.GroupQueryAttention({ headDim: 3, numQueryHeads: 4, numKeyValueHeads: 2 });
    await loadKerasWeights(new Model({ inputs: [q, kv], outputs: gqa.apply([q, kv]) }), bytes('more_layers.weights.h5'));
    for (const [k, seed] of [121, 122, 123, 124, 125, 126, 127, 128].entries()) await expectWeights(gqa.weights[k], seed);
    // Keras's gated variant has a part this layer does not.
    const gated = new layers.GroupQueryAttention({ headDim: 3, numQueryHeads: 4, numKeyValueHeads: 2, useBias: false });
    await expect(loadKerasWeights(new Model({ inputs: [q, kv], outputs: gated.apply([q, kv]) }), bytes('gated.weights.h5'))).rejects.toThrow(
      /^loadKerasWeights: 'layers\/grouped_query_attention(_\d+)?\/_gate_dense' holds variables of a part of Keras's GroupQueryAttention that this library's does not have \(use_gate\)/,
    );
  });

  it('checks every shape before assigning any; skipMismatch keeps the variables that differ, with a warning', async () => {
    const model = sequentialModel(5);
    const before = await model.layers[0].weights[0].data();
    await expect(loadKerasWeights(model, bytes('sequential.weights.h5'))).rejects.toThrow(
      "loadKerasWeights: layers/dense_1/vars/0 has shape [3,2], variable 'dense_",
    );
    expect(await model.layers[0].weights[0].data()).toEqual(before);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const head = await model.layers[3].weights[0].data();
    await loadKerasWeights(model, bytes('sequential.weights.h5'), { skipMismatch: true });
    expect(warn.mock.calls[0][0]).toMatch(/^loadKerasWeights: kept 2 variable\(s\) whose shape differs from the file: layers\/dense_1\/vars\/0 has shape \[3,2\]/);
    warn.mockRestore();
    await expectWeights(model.layers[0].weights[0], 1);
    expect(await model.layers[3].weights[0].data()).toEqual(head);
  });

  it('names what does not match: missing layers, variable counts, unsupported layers, Keras 2 files, other data', async () => {
    const noBias = new Sequential({ layers: [new layers.Dense({ units: 3, inputShape: [4], useBias: false })] });
    await expect(loadKerasWeights(noBias, bytes('sequential.weights.h5'))).rejects.toThrow(
      "loadKerasWeights: 'layers/dense/vars' holds 2 variable(s), layer '",
    );
    const extra = new Sequential({ layers: [new layers.Embedding({ inputDim: 4, outputDim: 2, inputShape: [3] })] });
    await expect(loadKerasWeights(extra, bytes('sequential.weights.h5'))).rejects.toThrow(/^loadKerasWeights: the file has no 'layers\/embedding' for layer 'embedding(_\d+)?' \(Embedding\)/);
    // A layer of the user's own with a weight of its own: Keras keeps it at layers/scale/vars, which this file lacks.
    class Scale extends Layer {
      override build(shape: Shape): void {
        this.addWeight({ name: 'factor', shape: [shape[1]!] });
      }
      override call(x: Tensor): Tensor {
        return x.mul(this.weights[0]);
      }
    }
    const own = new Sequential({ layers: [new Scale({ name: 'scale', inputShape: [4] })] });
    await expect(loadKerasWeights(own, bytes('sequential.weights.h5'))).rejects.toThrow("loadKerasWeights: the file has no 'layers/scale' for layer 'scale' (Scale); the model is not the file's architecture.");
    // One whose weights are a nested layer's: Keras keeps them at layers/projection/dense/vars, which this file lacks too.
    class Projection extends Layer {
      readonly dense = new layers.Dense({ units: 2 });
      override build(shape: Shape): void {
        this.dense.apply(Input({ batchShape: shape }) as never);
      }
      override call(x: Tensor): Tensor {
        return this.dense.apply(x);
      }
    }
    const nested = new Sequential({ layers: [new Projection({ name: 'projection', inputShape: [4] })] });
    await expect(loadKerasWeights(nested, bytes('sequential.weights.h5'))).rejects.toThrow("loadKerasWeights: the file has no 'layers/projection' for layer 'projection' (Projection); the model is not the file's architecture.");
    await expect(loadKerasWeights(sequentialModel(), bytes('legacy.h5'))).rejects.toThrow("loadKerasWeights: this is a Keras 2 ('legacy') HDF5 file; save it from Keras 3 with model.save('name.keras') or model.save_weights('name.weights.h5').");
    await expect(loadKerasWeights(sequentialModel(), new Uint8Array([1, 2, 3]))).rejects.toThrow("loadKerasWeights: the data is neither a Keras 3 '.keras' archive nor a '.weights.h5' file (HDF5).");
    await expect(loadKerasWeights(sequentialModel(), 42 as never)).rejects.toThrow('loadKerasWeights: the source must be a URL or path, an ArrayBuffer, a Uint8Array or a Blob; got number.');
  });

  it("names layers as Keras's to_snake_case does", () => {
    expect(['Dense', 'BatchNormalization', 'Conv2DTranspose', 'PReLU', 'SimpleRNN', 'LSTM', 'DepthwiseConv2D'].map(snakeCase)).toEqual(['dense', 'batch_normalization', 'conv2d_transpose', 'p_re_lu', 'simple_rnn', 'lstm', 'depthwise_conv2d']);
  });
});

/**
 * The float64 forward pass of functional.keras: Dense(3), BatchNormalization (its moving
 * statistics, or in training the batch's, with the biased variance), Concatenate with the input,
 * Dense(2).
 */
function functionalReference(x: number[][], training = false): number[][] {
  const [k1, b1, gamma, beta, k2, b2] = [formula(51, 12), formula(52, 3), formula(53, 3), formula(54, 3), formula(57, 14), formula(58, 2)];
  const hidden = x.map((row) => [0, 1, 2].map((j) => row.reduce((s, v, i) => s + v * k1[i * 3 + j], b1[j])));
  const batchMean = [0, 1, 2].map((j) => hidden.reduce((s, h) => s + h[j], 0) / x.length);
  const batchVariance = [0, 1, 2].map((j) => hidden.reduce((s, h) => s + (h[j] - batchMean[j]) ** 2, 0) / x.length);
  const [mean, variance] = training ? [batchMean, batchVariance] : [formula(55, 3), formula(56, 3).map((v) => Math.fround(v) + 1)];
  return x.map((row, b) => {
    const joined = [...hidden[b].map((v, j) => ((v - mean[j]) / Math.sqrt(variance[j] + 1e-3)) * gamma[j] + beta[j]), ...row];
    return [0, 1].map((j) => joined.reduce((s, v, i) => s + v * k2[i * 2 + j], b2[j]));
  });
}

/** wrappers.keras in float64: a BiLSTM of 3 units (concatenated, in time order) over 5 steps of 2 features, then Dense(2) at each step. */
function biLstmReference(x: number[]): number[] {
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  const direction = (seed: number, backwards: boolean): number[][] => {
    const [kernel, recurrent, bias] = [formula(seed, 24), formula(seed + 1, 36), formula(seed + 2, 12)];
    let [h, c] = [[0, 0, 0], [0, 0, 0]];
    const outputs: number[][] = [];
    for (let step = 0; step < 5; step++) {
      const t = backwards ? 4 - step : step;
      const z = Array.from({ length: 12 }, (_, j) => bias[j] + x[t * 2] * kernel[j] + x[t * 2 + 1] * kernel[12 + j] + h.reduce((s, v, k) => s + v * recurrent[k * 12 + j], 0));
      const gate = (g: number, f: (v: number) => number) => [0, 1, 2].map((u) => f(z[g * 3 + u]));
      const [i, f, g, o] = [gate(0, sigmoid), gate(1, sigmoid), gate(2, Math.tanh), gate(3, sigmoid)];
      c = c.map((cv, u) => f[u] * cv + i[u] * g[u]);
      h = c.map((cv, u) => o[u] * Math.tanh(cv));
      outputs[t] = h;
    }
    return outputs;
  };
  const [forward, backward] = [direction(71, false), direction(74, true)];
  const [kernel, bias] = [formula(77, 12), formula(78, 2)];
  return forward.flatMap((f, t) => {
    const joined = [...f, ...backward[t]];
    return [0, 1].map((j) => joined.reduce((s, v, k) => s + v * kernel[k * 2 + j], bias[j]));
  });
}

/** attention.keras in float64: self-attention of 2 heads of 3 over 4 steps of 5 features (each step attending to the steps up to it when causal), then the output projection. */
function attentionReference(x: number[], causal = false): number[] {
  const project = (seed: number) => {
    const [kernel, bias] = [formula(seed, 30), formula(seed + 1, 6)];
    return [0, 1, 2, 3].map((t) => Array.from({ length: 6 }, (_, hd) => bias[hd] + [0, 1, 2, 3, 4].reduce((s, i) => s + x[t * 5 + i] * kernel[i * 6 + hd], 0)));
  };
  const [q, k, v] = [project(81), project(83), project(85)];
  const [outKernel, outBias] = [formula(87, 30), formula(88, 5)];
  return [0, 1, 2, 3].flatMap((t) => {
    const heads = [0, 1].flatMap((h) => {
      const scores = [0, 1, 2, 3].map((s) => [0, 1, 2].reduce((sum, d) => sum + q[t][h * 3 + d] * k[s][h * 3 + d], 0) / Math.sqrt(3));
      const top = Math.max(...scores);
      const weights = scores.map((score, s) => (causal && s > t ? 0 : Math.exp(score - top)));
      const total = weights.reduce((a, b) => a + b, 0);
      return [0, 1, 2].map((d) => weights.reduce((sum, w, s) => sum + (w / total) * v[s][h * 3 + d], 0));
    });
    return [0, 1, 2, 3, 4].map((j) => heads.reduce((sum, value, hd) => sum + value * outKernel[hd * 5 + j], outBias[j]));
  });
}

describe('loadKerasModel (loadModel of a .keras file)', () => {
  const x = [[0.5, -1, 2, 0.25], [-0.3, 0.8, 0.1, -2]];
  /** The model's predictions on `input` (x by default) within 1e-5 of `expected`. */
  const expectPredictions = async (model: Model, expected: number[][] | number[], input: Tensor = tensor(x)) => {
    const values = Array.from(await ((await model.predict(input)) as Tensor).data());
    expect(values.length).toBe(expected.flat().length);
    values.forEach((v, i) => expect(Math.abs(v - expected.flat()[i])).toBeLessThan(1e-5));
  };

  it(
    "rebuilds a Sequential model from Keras 3's config.json (InputLayer, Dense, BatchNormalization, Flatten) with its weights",
    onBothBackends(async () => {
      const model = await loadModel(`${FIXTURES}/sequential.keras`);
      expect(model).toBeInstanceOf(Sequential);
      expect(model.layers.map((l) => `${l.constructor.name}:${l.name}`)).toEqual(['Dense:dense', 'BatchNormalization:batch_normalization', 'Flatten:flatten', 'Dense:dense_1']);
      expect(model.inputs[0].shape).toEqual([null, 4]);
      await expectPredictions(model, sequentialReference(x));
      // Without an InputLayer in the list: the input shape of its build config.
      const built = await loadModel(`${FIXTURES}/sequential_built.keras`);
      expect(built.inputs[0].shape).toEqual([null, 4]);
      await expectPredictions(built, sequentialReference(x));
    }),
  );

  it(
    'rebuilds a functional model from its inbound nodes (a list argument to Concatenate, the input used twice)',
    onBothBackends(async () => {
      const model = await loadModel(`${FIXTURES}/functional.keras`);
      expect(model.name).toBe('functional');
      expect(model.layers.map((l) => l.name)).toEqual(['x', 'hidden', 'norm', 'join', 'head']);
      await expectPredictions(model, functionalReference(x));
    }),
  );

  it(
    'rebuilds Bidirectional(LSTM) and TimeDistributed(Dense) from their nested configs, and predicts what a float64 BiLSTM does (Keras gate order i, f, c, o)',
    onBothBackends(async () => {
      const model = await loadModel(`${FIXTURES}/wrappers.keras`, { compile: false });
      expect(model.layers.map((l) => l.constructor.name)).toEqual(['Bidirectional', 'TimeDistributed']);
      const sequence = Array.from({ length: 10 }, (_, i) => Math.cos(0.9 * i) / 2);
      await expectPredictions(model, biLstmReference(sequence), tensor(sequence, [1, 5, 2]));
    }),
  );

  it(
    "rebuilds MultiHeadAttention called on (query, value), with or without use_causal_mask, its variables from Keras's inner EinsumDense layers, and predicts what float64 attention does",
    onBothBackends(async () => {
      const model = await loadModel(`${FIXTURES}/attention.keras`);
      const sequence = Array.from({ length: 20 }, (_, i) => Math.cos(0.7 * i + 1) / 2);
      await expectPredictions(model, attentionReference(sequence), tensor(sequence, [1, 4, 5]));
      // Called with use_causal_mask=True: the keyword argument is the call's option.
      const causal = await loadModel(`${FIXTURES}/causal_attention.keras`);
      await expectPredictions(causal, attentionReference(sequence, true), tensor(sequence, [1, 4, 5]));
    }),
  );

  it(
    "rebuilds an adapted Normalization (Keras's mean and variance; its sample count is not kept here)",
    onBothBackends(async () => {
      const model = await loadModel(`${FIXTURES}/normalization.keras`);
      const [mean, variance, kernel, bias] = [formula(91, 3), formula(92, 3).map((v) => Math.fround(v) + 1), formula(93, 3), formula(94, 1)];
      const expected = x.map((row) => row.slice(0, 3).reduce((s, v, i) => s + ((v - mean[i]) / Math.sqrt(variance[i])) * kernel[i], bias[0]));
      await expectPredictions(model, expected, tensor(x.map((row) => row.slice(0, 3))));
    }),
  );

  it(
    'compiles the model as Keras did: the optimizer and its options, a loss and metrics by name or as serialized classes',
    onBothBackends(async () => {
      const model = await loadModel(`${FIXTURES}/sequential.keras`);
      expect(model.optimizer!.constructor.name).toBe('Adam');
      expect(model.optimizer!.getConfig()).toMatchObject({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false });
      const y = [[1, -1], [0.5, 2]];
      const predicted = sequentialReference(x).flat();
      const errors = predicted.map((p, i) => p - y.flat()[i]);
      const logs = await model.evaluate(tensor(x), tensor(y));
      expect(logs.loss).toBeCloseTo(errors.reduce((s, e) => s + e * e, 0) / 4, 5);
      expect(logs.mae).toBeCloseTo(errors.reduce((s, e) => s + Math.abs(e), 0) / 4, 5);

      // functional.keras: SGD at 0.1 and MeanSquaredError as a serialized class. One step moves
      // the output bias by 0.1 times the mean squared error's gradient (batch normalization in
      // training mode).
      const functional = await loadModel(`${FIXTURES}/functional.keras`);
      expect(functional.optimizer!.constructor.name).toBe('SGD');
      const outputs = functionalReference(x, true).flat();
      const bias = formula(58, 2);
      await functional.trainOnBatch(tensor(x), tensor(y));
      const expectedBias = [0, 1].map((j) => bias[j] - 0.1 * ((2 * (outputs[j] - y[0][j]) + 2 * (outputs[2 + j] - y[1][j])) / 4));
      Array.from(await functional.getLayer('head').weights[1].data()).forEach((v, j) => expect(v).toBeCloseTo(expectedBias[j], 5));
    }),
  );

  it(
    "loads the optimizer's state, so that training goes on as in Python: one Adam step from step 5 with the saved moments",
    onBothBackends(async () => {
      const model = await loadModel(`${FIXTURES}/resume.keras`);
      expect(model.optimizer!.iterations).toBe(5);
      const input = [[0.5, -1], [2, 0.25]];
      const target = [[1, 0], [-1, 0.5]];
      await model.trainOnBatch(tensor(input), tensor(target));
      // Keras's Adam in float64 (the file's moments, stored as float32).
      const [kernel, bias] = [formula(111, 4), formula(112, 2)];
      const moments = (seed: number, count: number, positive: boolean) => formula(seed, count).map((v) => Math.fround(Math.fround(positive ? Math.abs(Math.fround(v)) : Math.fround(v)) / 10));
      const [m, v] = [moments(113, 4, false), moments(114, 4, true)];
      const predicted = input.map((row) => [0, 1].map((j) => row[0] * kernel[j] + row[1] * kernel[2 + j] + bias[j]));
      // d(mean of squared errors over 2 x 2)/d kernel[i][j] = sum over the batch of x[b][i] (p - y)[b][j] / 2.
      const gradient = [0, 1, 2, 3].map((k) => input.reduce((s, row, b) => s + (row[k >> 1] * (predicted[b][k & 1] - target[b][k & 1])) / 2, 0));
      const step = 6;
      const rate = (0.01 * Math.sqrt(1 - 0.999 ** step)) / (1 - 0.9 ** step);
      const expected = kernel.map((w, k) => {
        const m1 = 0.9 * m[k] + 0.1 * gradient[k];
        const v1 = 0.999 * v[k] + 0.001 * gradient[k] ** 2;
        return w - (rate * m1) / (Math.sqrt(v1) + 1e-7);
      });
      Array.from(await model.layers[0].weights[0].data()).forEach((w, k) => expect(w).toBeCloseTo(expected[k], 5));
      expect(model.optimizer!.iterations).toBe(6);
    }),
  );

  it('warns, as Keras does, when the saved optimizer state does not fit the compiled optimizer, and starts it fresh', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const model = await loadModel(`${FIXTURES}/sequential.keras`);
    expect(warn.mock.calls.map((c) => c[0])).toContain(
      "loadKerasModel: the optimizer's state in the file is not loaded: it has 40 variables, and Adam over 6 trainable variables needs 12 slots after its step count; training starts from a fresh Adam state.",
    );
    warn.mockRestore();
    expect(model.optimizer!.iterations).toBe(0);
  });

  it('refuses a subclassed model of a class not known here, a mixed-precision policy and a weights file, saying why', async () => {
    await expect(loadModel(`${FIXTURES}/subclassed.keras`)).rejects.toThrow("loadKerasModel: the file holds a subclassed model of class 'MyModel', which is not known here. Port the class, and register it before loading with registerKerasSerializable(MyModel), or pass loadModel(source, { customObjects: { MyModel } }).");
    await expect(loadModel(`${FIXTURES}/mixed_precision.keras`)).rejects.toThrow("loadKerasModel: the dtype policy 'mixed_float16' is not supported (float32, int32 and int64 are).");
    await expect(loadKerasModel(bytes('sequential.weights.h5'))).rejects.toThrow("loadKerasModel: expected a Keras 3 '.keras' archive (a zip of config.json and model.weights.h5).");
  });

  it('asks for a Python loss function in customObjects, or loads uncompiled with compile: false', async () => {
    await expect(loadModel(`${FIXTURES}/wrappers.keras`)).rejects.toThrow("loadModel: the model was compiled with the custom loss function 'rmse'. Pass it as loadModel(source, { customObjects: { rmse } })");
    const rmse = (yTrue: Tensor, yPred: Tensor) => ops.sqrt(ops.mean(ops.square(ops.subtract(yTrue, yPred))));
    const compiled = await loadModel(`${FIXTURES}/wrappers.keras`, { customObjects: { rmse } });
    expect(compiled.optimizer!.constructor.name).toBe('Adam');
    const uncompiled = await loadModel(`${FIXTURES}/wrappers.keras`, { compile: false });
    expect(uncompiled.optimizer).toBeFalsy();
  });

  it(
    'rebuilds a layer shared by two inputs (two calls of one Dense, its variables saved once) and predicts what float64 does',
    onBothBackends(async () => {
      const model = await loadModel(`${FIXTURES}/shared.keras`);
      expect(model.layers.map((l) => l.name)).toEqual(['a', 'b', 'shared', 'join', 'head']);
      const [a, b] = [x[0], x[1]];
      const [kernel, bias, headKernel, headBias] = [formula(141, 12), formula(142, 3), formula(143, 12), formula(144, 2)];
      const dense = (row: number[]) => [0, 1, 2].map((j) => row.reduce((s, v, i) => s + v * kernel[i * 3 + j], bias[j]));
      const joined = [...dense(a), ...dense(b)];
      const expected = [0, 1].map((j) => joined.reduce((s, v, i) => s + v * headKernel[i * 2 + j], headBias[j]));
      const values = Array.from(await ((await model.predict([tensor([a]), tensor([b])])) as Tensor).data());
      values.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-5));
      expect(values.length).toBe(2);
    }),
  );

  it('drops inert Keras options (quantization_config: null, data_format: channels_last) and refuses active ones by name', async () => {
    await expect(loadModel(`${FIXTURES}/lora.keras`)).rejects.toThrow("loadKerasModel: layer 'dense' (Dense) has Keras option lora_rank=4, which this library's Dense does not support.");
    await expect(loadModel(`${FIXTURES}/sequential.weights.h5`)).rejects.toThrow(
      `loadModel: '${FIXTURES}/sequential.weights.h5' holds Keras 3 weights only; build the model here and call model.loadWeights('${FIXTURES}/sequential.weights.h5'), or load the whole model from a '.keras' file.`,
    );
  });
});

describe('files that Keras 3.16 wrote', () => {
  // test/fixtures/keras/keras_written/: saved by Keras 3.16 itself (make_keras_written.py), with what it predicted.
  const written = JSON.parse(readFileSync(`${FIXTURES}/keras_written/predictions.json`, 'utf8')) as {
    models: Record<string, { inputs: number[][]; dtypes: string[]; outputs: number[][] }>;
    optimizers: Record<string, { class_name: string; slots: Array<Record<string, number[]>> }>;
  };
  const steps: Record<string, number | null> = { sequential: 7, functional: 3, convolutions: null, vision: null, sequences: null, masked: null, operations: null, more_operations: null, constant_operand: null, cells: null, initial_states: null };
  for (const [name, { inputs, dtypes, outputs }] of Object.entries(written.models)) {
    it(
      `${name}.keras (Keras's own layout: MultiHeadAttention's query_dense, GroupQueryAttention's grouped_query_attention, masks and keras.ops between layers, an uncompiled model's empty compile_config) predicts what Keras predicted, with its optimizer's state`,
      onBothBackends(async () => {
        const model = await loadKerasModel(bytes(`keras_written/${name}.keras`));
        const xs = inputs.map((x, i) => tensor(x, undefined, dtypes[i] as 'int32' | 'float32'));
        const predicted = Array.from(await ((await model.predict(xs.length > 1 ? xs : xs[0])) as Tensor).data());
        const expected = outputs.flat();
        expect(predicted.length).toBe(expected.length);
        // The special functions and factorizations of more_operations are within 1e-5 (relative) of Keras's float32 results.
        const tolerance = (value: number) => (name === 'more_operations' ? 2e-5 * Math.max(1, Math.abs(value)) : 3e-6);
        predicted.forEach((v, i) => expect(Math.abs(v - expected[i]), `output ${i}: ${v} vs Keras ${expected[i]}`).toBeLessThan(tolerance(expected[i])));
        expect(model.optimizer ? model.optimizer.iterations : null).toBe(steps[name]);
      }),
    );
  }

  it('refuses a mask computed with other ops, and an op between layers that does not load, naming them', async () => {
    const archive = bytes('keras_written/masked.keras');
    const config = JSON.parse(new TextDecoder().decode(await readZipEntry(archive, 'config.json')));
    const edited = async (edit: (layers: Array<{ name: string; inbound_nodes: Array<{ args: unknown[] }> }>) => void) => {
      const copy = structuredClone(config);
      edit(copy.config.layers);
      const entries = await Promise.all(zipEntries(archive).map(async (name) => ({ name, data: name === 'config.json' ? new TextEncoder().encode(JSON.stringify(copy)) : await readZipEntry(archive, name) })));
      return writeZip(entries);
    };
    const byName = (layers: Array<{ name: string; inbound_nodes: Array<{ args: unknown[] }> }>, name: string) => layers.find((layer) => layer.name === name)!;
    // The Embedding's mask compares with 0; a mask of ids != 1 is not the one Embedding makes.
    const otherMask = await edited((layers) => (byName(layers, 'not_equal').inbound_nodes[0].args[1] = 1));
    await expect(loadKerasModel(otherMask)).rejects.toThrow(
      "loadKerasModel: layer 'lstm_2' is given a mask computed with Keras ops (NotEqual); the masks of Embedding(mask_zero) and Masking load (this library passes them on itself), others are not loaded yet.",
    );
    // The Flatten applied to the output of an op that does not load (keras.ops.unique: its shape depends on the data) instead of the Resizing's.
    const opInput = await edited((layers) => {
      const flattened = byName(layers, 'flatten_2').inbound_nodes[0].args[0] as { config: { keras_history: unknown[] } };
      const unique = { module: 'keras.src.ops.numpy', class_name: 'Unique', config: { name: 'unique' }, registered_name: 'Unique', name: 'unique', inbound_nodes: [{ args: [structuredClone(flattened)], kwargs: {} }] };
      layers.splice(layers.indexOf(byName(layers, 'flatten_2')), 0, unique as never);
      flattened.config.keras_history = ['unique', 0, 0];
    });
    await expect(loadKerasModel(opInput)).rejects.toThrow("loadKerasModel: the Keras op Unique ('unique', applied between layers with keras.ops) is not loaded yet.");
  });

  it('refuses an op option or keyword argument that does not load, and an RNN whose cell is not a layer, naming them', async () => {
    const archive = bytes('keras_written/operations.keras');
    const config = JSON.parse(new TextDecoder().decode(await readZipEntry(archive, 'config.json')));
    const edited = async (edit: (layer: { config: Record<string, unknown>; inbound_nodes: Array<{ kwargs: Record<string, unknown> }> }) => void) => {
      const copy = structuredClone(config);
      edit(copy.config.layers.find((layer: { name: string }) => layer.name === 'max'));
      const entries = await Promise.all(zipEntries(archive).map(async (name) => ({ name, data: name === 'config.json' ? new TextEncoder().encode(JSON.stringify(copy)) : await readZipEntry(archive, name) })));
      return writeZip(entries);
    };
    await expect(loadKerasModel(await edited((max) => (max.config.initial = 0)))).rejects.toThrow("loadKerasModel: the Keras op Max ('max') with initial=0 is not loaded yet (only initial=null).");
    await expect(loadKerasModel(await edited((max) => (max.inbound_nodes[0].kwargs = { axis: -1 })))).rejects.toThrow(`loadKerasModel: the Keras op Max ('max') is called with keyword arguments ["axis"], which are not loaded yet.`);
    const plainCell = { stateSize: 2, call: (_input: Tensor, [h]: Tensor[]) => [h, [h]] as [Tensor, Tensor[]] };
    const rnn = new Sequential({ layers: [new layers.RNN({ cell: plainCell, inputShape: [3, 2] })] });
    await expect(loadKerasWeights(rnn, bytes('sequential.weights.h5'))).rejects.toThrow("Keras files: layer 'rnn' (RNN) has a cell that is not a layer (an RNNCellLike object); Keras keeps a cell's variables as a layer's.");
  });

  it("places every optimizer's state that Keras saved slot by slot, as Keras names the slots (EMA averages and gradient accumulators too)", async () => {
    const warn = vi.spyOn(console, 'warn');
    for (const [name, { class_name: className, slots }] of Object.entries(written.optimizers)) {
      const model = await loadKerasModel(bytes(`keras_written/optimizers/${name}.keras`));
      const optimizer = model.optimizer!;
      expect([name, optimizer.className, optimizer.iterations]).toEqual([name, className, 4]);
      const variables = model.trainableWeights;
      expect(variables.length).toBe(slots.length);
      for (const [i, bySlot] of slots.entries()) {
        expect(Object.keys(bySlot).length).toBeGreaterThan(0);
        for (const [slot, values] of Object.entries(bySlot)) {
          expect([name, variables[i].name, slot, Array.from(await optimizer.getSlot(variables[i], slot)!.data())]).toEqual([name, variables[i].name, slot, values.map(Math.fround)]);
        }
      }
    }
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});
