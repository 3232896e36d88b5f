// A MultiOptimizer's state in Keras files. Keras 3.16 keeps it twice: `optimizer/vars` holds the
// MultiOptimizer's step count and learning rate (0), then every inner optimizer's variables in
// turn, and each inner optimizer's own variables are under `optimizer/optimizers/<its class in
// snake case, numbered>/vars`. The Keras-written fixture (test/fixtures/keras/keras_trained/
// multi_optimizer.keras: kernels with ScheduleFreeAdamW, the rest with SGD and momentum) was saved
// before training, so it holds step counts and learning rates but no slots; Keras wrote no trained
// MultiOptimizer. A model loaded from it, trained, saved and loaded again trains on exactly as the
// original does, in the Keras format and in this library's own, and lands on Keras's weights.

import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getBackend, layers, loadKerasModel, loadModel, optimizers, saveKerasModel, Sequential, tensor, type Model } from '../../src/node';
import { memoryHandler } from '../../src/io/index';
import { readHdf5, type Hdf5Dataset, type Hdf5Group } from '../../src/io/hdf5';
import { readZipEntry } from '../../src/io/zip';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

const FILE = 'test/fixtures/keras/keras_trained/multi_optimizer.keras';
const { cases } = JSON.parse(readFileSync('test/fixtures/keras/keras_trained/expected.json', 'utf8')) as { cases: Record<string, { weights: Record<string, number[]> }> };
const INNER_GROUPS = ['optimizer/optimizers/schedule_free_adam_w/vars', 'optimizer/optimizers/sgd/vars'];

const fixture = () => new Uint8Array(readFileSync(FILE));

/** make_keras_trained.py's data: inputs sin(0.7 i + 0.3) / 1.5, targets cos(0.5 i) / 2. */
function data() {
  const x = tensor(Array.from({ length: 16 * 5 }, (_, i) => Math.sin(0.7 * i + 0.3) / 1.5), [16, 5]);
  const y = tensor(Array.from({ length: 16 * 3 }, (_, i) => Math.cos(0.5 * i) / 2), [16, 3]);
  return { x, y };
}

/** One epoch of make_keras_trained.py's fit: 4 steps of 4 samples, in order. */
async function epoch(model: Model): Promise<void> {
  const { x, y } = data();
  await model.fit(x, y, { batchSize: 4, epochs: 1, shuffle: false, verbose: 0 });
  x.dispose();
  y.dispose();
}

/** The datasets `0`, `1`, ... of the `vars` group at `path` in a .keras file's model.weights.h5. */
async function varsAt(bytes: Uint8Array, path: string): Promise<Hdf5Dataset[]> {
  let group: Hdf5Group | Hdf5Dataset | undefined = readHdf5(await readZipEntry(bytes, 'model.weights.h5'));
  for (const name of path.split('/')) group = group?.kind === 'group' ? group.members.get(name) : undefined;
  expect(group?.kind, path).toBe('group');
  const members = (group as Hdf5Group).members;
  expect([...members.keys()].sort(), path).toEqual(Array.from({ length: members.size }, (_, i) => String(i)).sort());
  return Array.from({ length: members.size }, (_, i) => members.get(String(i)) as Hdf5Dataset);
}

/** The `vars` groups under `optimizer`, as paths. */
async function optimizerGroups(bytes: Uint8Array): Promise<string[]> {
  const paths: string[] = [];
  const walk = (group: Hdf5Group, path: string): void => {
    for (const [name, entry] of group.members) {
      if (entry.kind !== 'group') continue;
      if (name === 'vars') paths.push(`${path}/vars`);
      else walk(entry, `${path}/${name}`);
    }
  };
  walk(readHdf5(await readZipEntry(bytes, 'model.weights.h5')).members.get('optimizer') as Hdf5Group, 'optimizer');
  return paths.sort();
}

const shapes = (datasets: Hdf5Dataset[]) => datasets.map((dataset) => dataset.shape);
const values = (datasets: Hdf5Dataset[]) => datasets.map((dataset) => Array.from(dataset.values()));
const multiOf = (model: Model) => model.optimizer as optimizers.MultiOptimizer;

afterEach(() => vi.restoreAllMocks());

describe("MultiOptimizer's state in Keras files", () => {
  it('the file Keras wrote loads with its state and no warning: step counts 0 and the inner learning rates', async () => {
    const warn = vi.spyOn(console, 'warn');
    const model = await loadKerasModel(fixture());
    expect(warn).not.toHaveBeenCalled();
    const multi = multiOf(model);
    expect(multi.optimizers.map((inner) => [inner.className, inner.iterations])).toEqual([['ScheduleFreeAdamW', 0], ['SGD', 0]]);
    expect(multi.iterations).toBe(0);
    const [sfGroup, sgdGroup] = await Promise.all(INNER_GROUPS.map((path) => varsAt(fixture(), path)));
    expect(values(sfGroup)).toEqual([[0], [multi.optimizers[0].lr]]);
    expect(values(sgdGroup)).toEqual([[0], [multi.optimizers[1].lr]]);
  });

  it("is written in Keras's layout: the same groups as Keras's file, optimizer/vars its own two then each inner group", async () => {
    const model = await loadKerasModel(fixture());
    for (const [bytes, writer] of [[fixture(), 'Keras'], [await saveKerasModel(model), 'here']] as const) {
      expect(await optimizerGroups(bytes)).toEqual(['optimizer/optimizers/schedule_free_adam_w/vars', 'optimizer/optimizers/sgd/vars', 'optimizer/vars']);
      const [all, sf, sgd] = await Promise.all(['optimizer/vars', ...INNER_GROUPS].map((path) => varsAt(bytes, path)));
      expect(shapes(all.slice(0, 2)), `written ${writer}`).toEqual([[], []]);
      expect(values(all.slice(0, 2))).toEqual([[0], [0]]);
      expect(shapes(all.slice(2))).toEqual(shapes([...sf, ...sgd]));
      expect(values(all.slice(2))).toEqual(values([...sf, ...sgd]));
    }
    // Keras's file was written before the optimizer was built: the step counts and learning rates
    // it holds are the first two of each group written here, which adds the slots Keras builds
    // when it loads a compiled model.
    for (const path of INNER_GROUPS) expect(values((await varsAt(await saveKerasModel(model), path)).slice(0, 2))).toEqual(values(await varsAt(fixture(), path)));
  });

  it('after training: each inner optimizer holds its step count, learning rate and the slots of its own variables, in Keras order', async () => {
    const model = await loadKerasModel(fixture());
    await epoch(model);
    const bytes = await saveKerasModel(model);
    const [all, sf, sgd] = await Promise.all(['optimizer/vars', ...INNER_GROUPS].map((path) => varsAt(bytes, path)));
    // ScheduleFreeAdamW over the kernels [5,6] and [6,3] (momentum and velocity of each), SGD's momentum over the biases [6] and [3].
    expect(shapes(sf)).toEqual([[], [], [5, 6], [5, 6], [6, 3], [6, 3]]);
    expect(shapes(sgd)).toEqual([[], [], [6], [3]]);
    expect(shapes(all)).toEqual([[], [], ...shapes(sf), ...shapes(sgd)]);
    expect([all[0], sf[0], sgd[0]].map((count) => [count.dtype, count.values()[0]])).toEqual([['int64', 4], ['int64', 4], ['int64', 4]]);
    const multi = multiOf(model);
    const [kernel, bias, kernel1, bias1] = model.trainableWeights;
    const slots = [
      ...[kernel, kernel1].flatMap((variable) => ['momentum', 'velocity'].map((slot) => multi.optimizers[0].getSlot(variable, slot)!)),
      ...[bias, bias1].map((variable) => multi.optimizers[1].getSlot(variable, 'momentum')!),
    ];
    const expected = await Promise.all(slots.map(async (slot) => Array.from(await slot.data())));
    expect(values([...sf.slice(2), ...sgd.slice(2)])).toEqual(expected);
  });

  it('saved after training and loaded back, it trains on bit for bit as the original, and both reach the weights of Keras\'s fit', onBothBackends(async () => {
    const model = await loadKerasModel(fixture());
    await epoch(model);
    const warn = vi.spyOn(console, 'warn');
    const fromKeras = await loadKerasModel(await saveKerasModel(model));
    const native = memoryHandler();
    await model.save(native);
    const fromNative = await loadModel(native);
    expect(warn).not.toHaveBeenCalled();
    for (const loaded of [fromKeras, fromNative]) {
      expect([multiOf(loaded).iterations, ...multiOf(loaded).optimizers.map((inner) => inner.iterations)]).toEqual([4, 4, 4]);
      const slotsOf = (m: Model) => multiOf(m).optimizers.flatMap((inner) => inner.variables);
      for (const [i, slot] of slotsOf(loaded).entries()) expect(Array.from(await slot.data()), `slot ${i}`).toEqual(Array.from(await slotsOf(model)[i].data()));
    }
    for (const each of [model, fromKeras, fromNative]) await epoch(each);
    const kerasWeights = Object.values(cases.multi_optimizer.weights);
    for (const [i, weight] of model.weights.entries()) {
      const original = Array.from(await weight.data());
      expect(Array.from(await fromKeras.weights[i].data()), `${getBackend()} Keras file, ${weight.name}`).toEqual(original);
      expect(Array.from(await fromNative.weights[i].data()), `${getBackend()} native file, ${weight.name}`).toEqual(original);
      original.forEach((value, j) => expect(Math.abs(value - kerasWeights[i][j])).toBeLessThanOrEqual(2e-5 + 2e-3 * Math.abs(kerasWeights[i][j])));
    }
  }));

  it('with an inner optimizer whose Keras layout is not known here, no state is written, with a warning', async () => {
    const model = new Sequential({ layers: [new layers.Dense({ units: 2, inputShape: [3] })] });
    model.compile({ optimizer: new optimizers.MultiOptimizer(new optimizers.OptimizerMap(new optimizers.SGD(), { '.*/kernel': new optimizers.Muon() })), loss: 'mse' });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const bytes = await saveKerasModel(model);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('the state of MultiOptimizer is not written to Keras files, as that of its inner Muon is not'));
    expect(readHdf5(await readZipEntry(bytes, 'model.weights.h5')).members.has('optimizer')).toBe(false);
  });
});
