// Keras files of custom layers that hold other layers in their properties (keras.io's PatchEncoder,
// TokenAndPositionEmbedding, TransformerBlock): Keras 3.16's saving_lib walks a layer's Python
// attributes in sorted order, private (`_`) ones last, keeping each held layer under its attribute
// (a list's layers under the attribute, numbered by class) and the layer's own variables under
// `vars`; its trainable variables, which order the optimizer's state, are its own then its layers'
// in the order it made them. The expected paths below are written from those rules by hand.

import { describe, expect, it } from 'vitest';
import { Input, Layer, Model, Sequential, layers, loadKerasWeights, ops, registerLayer, saveKerasModel, saveKerasWeights, setRandomSeed, tensor, type LayerArgs, type Shape, type Tensor, type Variable } from '../../src/node';
import { readHdf5, type Hdf5Group } from '../../src/io/hdf5';
import { readZipEntry } from '../../src/io/zip';
import { useWebGPU } from '../helpers';

useWebGPU();

/** A PatchEncoder with a scale of its own, a list of layers and a private one. */
class Encoder extends Layer {
  readonly projection = new layers.Dense({ units: 3 });
  readonly positionEmbedding = new layers.Embedding({ inputDim: 2, outputDim: 3 });
  readonly blocks = [new layers.Dense({ units: 3 }), new layers.Dense({ units: 3 }), new layers.Dropout({ rate: 0.1 })];
  readonly _gate = new layers.Dense({ units: 3, useBias: false });
  scale!: Variable;
  constructor(args: LayerArgs = {}) {
    super(args);
  }
  override build(shape: Shape): void {
    this.scale = this.addWeight({ name: 'scale', shape: [3], initializer: 'ones' });
    void shape;
  }
  override call(x: Tensor): Tensor {
    let y = (this.projection.apply(x) as Tensor).add(this.positionEmbedding.apply(ops.arange(0, 2, 1, 'int32')) as Tensor);
    for (const block of this.blocks) y = block.apply(y) as Tensor;
    return (this._gate.apply(y) as Tensor).mul(this.scale);
  }
}

/** The datasets below `group`, each with its shape, in sorted path order (HDF5 keeps a group's links sorted by name). */
function paths(group: Hdf5Group, path = ''): string[] {
  return [...group.members.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).flatMap(([name, entry]) => (entry.kind === 'group' ? paths(entry, `${path}${name}/`) : [`${path}${name} [${entry.shape.join(',')}]`]));
}

registerLayer(Encoder);

function encoderModel(): Model {
  const x = Input({ shape: [2, 4] });
  return new Model({ inputs: x, outputs: new Encoder({ name: 'encoder' }).apply(x) as never });
}

describe('custom layers holding layers, in Keras files', () => {
  it("keeps the held layers under their attributes in Keras's sorted order, its own variables under vars, and loads back", async () => {
    setRandomSeed(1);
    const model = encoderModel();
    const root = readHdf5(await saveKerasWeights(model));
    expect(paths(root).filter((p) => p.startsWith('layers/encoder/'))).toEqual([
      'layers/encoder/_gate/vars/0 [3,3]',
      'layers/encoder/blocks/dense/vars/0 [3,3]', 'layers/encoder/blocks/dense/vars/1 [3]',
      'layers/encoder/blocks/dense_1/vars/0 [3,3]', 'layers/encoder/blocks/dense_1/vars/1 [3]',
      'layers/encoder/position_embedding/vars/0 [2,3]',
      'layers/encoder/projection/vars/0 [4,3]', 'layers/encoder/projection/vars/1 [3]',
      'layers/encoder/vars/0 [3]',
    ]);
    const other = encoderModel();
    await loadKerasWeights(other, await saveKerasWeights(model));
    const x = tensor([[[1, 2, 3, 4], [-1, 0.5, 2, 0]]]);
    const [loaded, original] = await Promise.all([other.predict<Tensor>(x), model.predict<Tensor>(x)]);
    expect(Array.from(await loaded.data())).toEqual(Array.from(await original.data()));
  });

  it("orders the optimizer's state by the layer's own variables, then its layers' in the order it made them", async () => {
    const model = encoderModel();
    model.compile({ optimizer: 'adam', loss: 'mse' });
    await model.fit(tensor([[[1, 2, 3, 4], [0, 1, 0, 1]]]), tensor([[[1, 0, 0], [0, 1, 0]]]), { epochs: 1, verbose: 0 });
    const optimizerVars = readHdf5(await readZipEntry(await saveKerasModel(model), 'model.weights.h5')).members.get('optimizer') as Hdf5Group;
    // After the step count and the learning rate, each variable's momentum then velocity.
    const momenta = paths(optimizerVars).sort((a, b) => Number(a.split(/[/ ]/)[1]) - Number(b.split(/[/ ]/)[1])).slice(2, 20).filter((_, i) => i % 2 === 0).map((p) => p.split(' ')[1]);
    // scale, projection (kernel, bias), position embeddings, the blocks' two Dense, the private gate.
    expect(momenta).toEqual(['[3]', '[4,3]', '[3]', '[2,3]', '[3,3]', '[3]', '[3,3]', '[3]', '[3,3]']);
  });

  it('nests a held Sequential as Keras does (layers/<layer>/ffn/layers/dense)', async () => {
    class Block extends Layer {
      readonly ffn = new Sequential({ layers: [new layers.Dense({ units: 2, activation: 'relu' }), new layers.Dense({ units: 2 })] });
      override call(x: Tensor): Tensor {
        return this.ffn.apply(x) as Tensor;
      }
    }
    const x = Input({ shape: [2] });
    const model = new Model({ inputs: x, outputs: new Block().apply(x) as never });
    expect(paths(readHdf5(await saveKerasWeights(model))).filter((p) => p.startsWith('layers/block/'))).toEqual([
      'layers/block/ffn/layers/dense/vars/0 [2,2]', 'layers/block/ffn/layers/dense/vars/1 [2]',
      'layers/block/ffn/layers/dense_1/vars/0 [2,2]', 'layers/block/ffn/layers/dense_1/vars/1 [2]',
    ]);
  });
});
