// Keras files of subclassed models (Keras's pattern 2: subclassing Model). The model below is the
// TypeScript port of this Python class:
//
//   @keras.saving.register_keras_serializable(package="Custom")
//   class Tower(keras.Model):
//       def __init__(self, units=4, **kwargs):
//           super().__init__(**kwargs)
//           self.units = units
//           self.encoder = keras.layers.Dense(units, activation="relu")
//           self.blocks = [keras.layers.Dense(units), keras.layers.Dense(units)]
//           self.norm = keras.layers.LayerNormalization()
//           self.output_proj = keras.layers.Dense(2)
//           self.scale = keras.Variable(np.ones((2,)), name="scale")
//       def call(self, x):
//           x = self.encoder(x)
//           for block in self.blocks:
//               x = x + block(x)
//           return self.output_proj(self.norm(x)) * self.scale
//       def get_config(self):
//           return {**super().get_config(), "units": self.units}
//
// Keras 3.16's saving_lib (_save_state, _walk_saveable with the Layer skipset, _save_container_state)
// writes the model's own variables (scale) at the root's `vars`, then walks its attributes in sorted
// order: `blocks` (a list: its layers named by class, numbered), `encoder`, then `layers` (Model.layers,
// which Layer does not have, so it is not skipped: encoder, blocks[0], blocks[1], norm, output_proj
// named dense, dense_1, dense_2, layer_normalization, dense_3, the first three already saved), so
// `norm` and `output_proj` are kept under `layers/`; then `optimizer` once compiled. Keras 3.15.1
// writes exactly these paths: keras_written/tower.keras (make_subclassed.py) is loaded below.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Model, Variable, layers, loadKerasModel, loadKerasWeights, loadModel, registerKerasSerializable, saveKerasModel, saveKerasWeights, setRandomSeed, tensor, utils, type ModelArgs, type Tensor } from '../../src/node';
import { readHdf5, type Hdf5Group } from '../../src/io/hdf5';
import { readZipEntry } from '../../src/io/zip';
import { writeZip } from '../../src/io/zip_writer';
import { getCustomObject } from '../../src/io/object_registration';
import { expectNumbersClose, onBothBackends, useWebGPU, valuesOf } from '../helpers';
import { makeTempDir } from '../temp_dir';

useWebGPU();

class Tower extends Model {
  readonly units: number;
  readonly encoder: layers.Dense;
  readonly blocks: layers.Dense[];
  readonly norm = new layers.LayerNormalization();
  readonly outputProj = new layers.Dense({ units: 2 });
  readonly scale = new Variable(tensor([1, 1]), { name: 'scale' });
  constructor({ units = 4, ...args }: ModelArgs & { units?: number } = {}) {
    super({ ...args, units } as ModelArgs);
    this.units = units;
    this.encoder = new layers.Dense({ units, activation: 'relu' });
    this.blocks = [new layers.Dense({ units }), new layers.Dense({ units })];
  }
  override call(x: Tensor): Tensor {
    let y = this.encoder.apply(x) as Tensor;
    for (const block of this.blocks) y = y.add(block.apply(y) as Tensor);
    return (this.outputProj.apply(this.norm.apply(y)) as Tensor).mul(this.scale);
  }
}
registerKerasSerializable(Tower);

/** Keras's paths for Tower(units=4) built on inputs of 3 features, from saving_lib's rules (see the header). */
const TOWER_PATHS = [
  'blocks/dense/vars/0 [4,4]', 'blocks/dense/vars/1 [4]',
  'blocks/dense_1/vars/0 [4,4]', 'blocks/dense_1/vars/1 [4]',
  'encoder/vars/0 [3,4]', 'encoder/vars/1 [4]',
  'layers/dense_3/vars/0 [4,2]', 'layers/dense_3/vars/1 [2]',
  'layers/layer_normalization/vars/0 [4]', 'layers/layer_normalization/vars/1 [4]',
  'vars/0 [2]',
];

/** The datasets below `group`, each with its shape, in sorted path order. */
function paths(group: Hdf5Group, path = ''): string[] {
  return [...group.members.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).flatMap(([name, entry]) => (entry.kind === 'group' ? paths(entry, `${path}${name}/`) : [`${path}${name} [${entry.shape.join(',')}]`]));
}

const x = () => tensor([[0.5, -1, 2], [1, 0.25, -0.5]]);
const y = () => tensor([[1, 0], [0, 1]]);

/** A Tower called once (so built), its weights drawn from `seed`, its scale set apart from its initial ones. */
async function builtTower(seed: number, name = 'tower'): Promise<Tower> {
  setRandomSeed(seed);
  const model = new Tower({ name });
  await model.predict(x());
  model.scale.assign(tensor([0.5, 2]));
  return model;
}

/** The .keras file `bytes` with its model's class renamed (as a file of another, unregistered class). */
async function renamed(bytes: Uint8Array, className: string): Promise<Uint8Array> {
  const config = JSON.parse(new TextDecoder().decode(await readZipEntry(bytes, 'config.json')));
  Object.assign(config, { class_name: className, registered_name: className });
  return writeZip([
    { name: 'metadata.json', data: await readZipEntry(bytes, 'metadata.json') },
    { name: 'config.json', data: new TextEncoder().encode(JSON.stringify(config)) },
    { name: 'model.weights.h5', data: await readZipEntry(bytes, 'model.weights.h5') },
  ]);
}

describe('Keras files of subclassed models', () => {
  it(
    ".weights.h5: the layers under Keras's attribute paths, the own variable at the root, loaded into a fresh instance",
    onBothBackends(async () => {
      const source = await builtTower(1);
      const bytes = await saveKerasWeights(source);
      expect(paths(readHdf5(bytes))).toEqual(TOWER_PATHS);
      const target = await builtTower(2);
      await loadKerasWeights(target, bytes);
      expect(await valuesOf(await target.predict(x()))).toEqual(await valuesOf(await source.predict(x())));
      expect(await valuesOf(target.scale)).toEqual([0.5, 2]);
      // model.saveWeights / loadWeights with a .weights.h5 path write and read the same file.
      const file = join(makeTempDir('keras_subclassed'), 'tower.weights.h5');
      await source.saveWeights(file);
      const other = await builtTower(3);
      await other.loadWeights(file);
      expect(await valuesOf(await other.predict(x()))).toEqual(await valuesOf(await source.predict(x())));
    }),
  );

  it('.keras: a registered, compiled subclassed model loads with its config, weights and optimizer state, and trains on alike', async () => {
    const source = await builtTower(4);
    source.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
    await source.fit(x(), y(), { epochs: 1, verbose: 0 });
    const bytes = await saveKerasModel(source);
    const config = JSON.parse(new TextDecoder().decode(await readZipEntry(bytes, 'config.json')));
    expect(config).toMatchObject({
      module: null,
      class_name: 'Tower',
      registered_name: 'Custom>Tower',
      config: { name: 'tower', trainable: true, units: 4, dtype: { class_name: 'DTypePolicy', config: { name: 'float32' } } },
      build_config: { input_shape: [null, 3] },
      compile_config: { optimizer: { class_name: 'Adam' }, loss: 'mse', metrics: ['mae'] },
    });
    const root = readHdf5(await readZipEntry(bytes, 'model.weights.h5'));
    // Adam: step count, learning rate, then momentum and velocity of the 11 trainable variables, the own scale first.
    expect(paths(root).filter((path) => !path.startsWith('optimizer/'))).toEqual(TOWER_PATHS);
    expect(paths(root).filter((path) => path.startsWith('optimizer/vars/'))).toHaveLength(2 + 2 * 11);
    expect(paths(root)).toContain('optimizer/vars/2 [2]');

    // model.save / loadModel with a .keras path, as keras.io's saving guide does.
    const file = join(makeTempDir('keras_subclassed'), 'tower.keras');
    await source.save(file);
    const restored = await loadModel(file);
    expect(restored).toBeInstanceOf(Tower);
    expect((restored as Tower).units).toBe(4);
    expect(restored.optimizer!.iterations).toBe(1);
    expect(await valuesOf(await restored.predict(x()))).toEqual(await valuesOf(await source.predict(x())));
    const [before, after] = [await source.fit(x(), y(), { epochs: 1, verbose: 0 }), await restored.fit(x(), y(), { epochs: 1, verbose: 0 })];
    expect(after.history.loss[0]).toBeCloseTo(before.history.loss[0], 6);
    expect(await valuesOf(await restored.predict(x()))).toEqual(await valuesOf(await source.predict(x())));
  });

  it('loads the same class saved by Keras 3 itself (compiled, trained a step): its predictions and next step are Keras\'s, and saved again its datasets are at Keras\'s paths', async () => {
    // test/fixtures/keras/make_subclassed.py: the Python Tower of this file's header, saved by Keras 3.15.1.
    const written = 'test/fixtures/keras/keras_written';
    const expected = JSON.parse(readFileSync(`${written}/tower.json`, 'utf8')) as { x: number[][]; y: number[][]; predictions: number[][]; next_loss: number; paths: string[] };
    const model = await loadKerasModel(new Uint8Array(readFileSync(`${written}/tower.keras`)));
    expect(model).toBeInstanceOf(Tower);
    expect(model.optimizer!.iterations).toBe(1);
    expectNumbersClose(await valuesOf(await model.predict(tensor(expected.x))), expected.predictions.flat(), 1e-6);
    const saved = readHdf5(await readZipEntry(await saveKerasModel(model), 'model.weights.h5'));
    expect(paths(saved)).toEqual(expected.paths);
    const next = await model.fit(tensor(expected.x), tensor(expected.y), { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 });
    expect(next.history.loss[0]).toBeCloseTo(expected.next_loss, 6);
  });

  it('names the class to register: an unregistered class at save and at load; a missing group names its path', async () => {
    class Unlisted extends Tower {}
    const unlisted = new Unlisted({ name: 'unlisted' });
    await unlisted.predict(x());
    await expect(saveKerasModel(unlisted)).rejects.toThrow(
      "saveKerasModel: model 'unlisted' is a subclassed model whose class Unlisted is not registered, so the file cannot name it for loading. Call registerKerasSerializable(Unlisted) once, before saving and before loading",
    );
    // Its weights need no registration.
    expect(paths(readHdf5(await saveKerasWeights(unlisted)))).toEqual(TOWER_PATHS);

    const file = await renamed(await saveKerasModel(await builtTower(5)), 'Solo');
    await expect(loadKerasModel(file)).rejects.toThrow(
      "loadKerasModel: the file holds a subclassed model of class 'Solo', which is not known here. Port the class, and register it before loading with registerKerasSerializable(Solo), or pass loadModel(source, { customObjects: { Solo } }).",
    );
    expect(await loadKerasModel(file, { customObjects: { Solo: Tower } })).toBeInstanceOf(Tower);

    class Wider extends Tower {
      readonly extra = new layers.Dense({ units: 2 });
      override call(input: Tensor): Tensor {
        return this.extra.apply(super.call(input)) as Tensor;
      }
    }
    const wider = new Wider({ name: 'wider' });
    await wider.predict(x());
    await expect(loadKerasWeights(wider, await saveKerasWeights(await builtTower(6)))).rejects.toThrow("loadKerasWeights: the file has no 'extra' for layer 'wider' (Wider); the model is not the file's architecture.");
  });

  it('keeps a customObjectScope in force until the load it wraps settles, each concurrent load in its own scope', async () => {
    const file = await renamed(await saveKerasModel(await builtTower(7)), 'Solo');
    class OtherTower extends Tower {}
    const [first, second] = await Promise.all([
      utils.customObjectScope({ Solo: Tower }, () => loadKerasModel(file)),
      utils.customObjectScope({ Solo: OtherTower }, () => loadKerasModel(file)),
    ]);
    expect(first.constructor).toBe(Tower);
    expect(second.constructor).toBe(OtherTower);
    // Closed once settled, after a failed load too.
    expect(getCustomObject('Solo')).toBeUndefined();
    await expect(utils.customObjectScope({ Other: Tower }, () => loadKerasModel(file))).rejects.toThrow("class 'Solo', which is not known here");
    expect(getCustomObject('Other')).toBeUndefined();
  });
});
