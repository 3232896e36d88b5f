// Keras's saving hooks on custom layers (keras.io's "Customizing Saving and Serialization"):
// saveOwnVariables / loadOwnVariables decide what a layer's `vars` group of a .keras file holds,
// getBuildConfig / buildFromConfig rebuild a layer whose build takes more than its input shape, and
// a custom build's extra arguments pass through Layer's build wrapper.

import { describe, expect, it } from 'vitest';
import { Layer, Sequential, Variable, layers, loadKerasModel, ops, registerKerasSerializable, saveKerasModel, tensor, type Shape, type Tensor } from '../../src/node';
import { readHdf5 } from '../../src/io/hdf5';
import { readZipEntry } from '../../src/io/zip';
import { valuesOf } from '../helpers';

/** A Dense that keeps an extra vector under its own key, beside the default '0', '1', ... */
class DenseWithExtra extends layers.Dense {
  extra = new Variable(tensor([1, 2, 3]), { trainable: false });
  override call(inputs: Tensor): Tensor {
    return (super.call(inputs) as Tensor).mul(this.extra);
  }
  override saveOwnVariables(store: Record<string, Tensor>): void {
    store.kernel = this.kernel!;
    store.bias = this.bias!;
    store.extra = this.extra;
  }
  override loadOwnVariables(store: Record<string, Tensor>): void {
    this.kernel!.assign(store.kernel);
    this.bias!.assign(store.bias);
    this.extra.assign(store.extra);
  }
}
registerKerasSerializable(DenseWithExtra, { package: 'hooks_test' });

/** A layer whose build takes its initializer, saved in its build config. */
class BuiltWith extends Layer {
  w!: Variable;
  init = '';
  override build(shape: Shape, init?: string): void {
    this.w = this.addWeight({ shape: [shape[shape.length - 1]!, 2], initializer: init as never });
    this.init = init!;
  }
  override call(x: Tensor): Tensor {
    return ops.matmul(x, this.w);
  }
  override getBuildConfig() {
    return { ...super.getBuildConfig(), layer_init: this.init };
  }
  override buildFromConfig(config: Record<string, unknown>) {
    this.build(config.input_shape as Shape, config.layer_init as string);
  }
}
registerKerasSerializable(BuiltWith, { package: 'hooks_test' });

describe('saving hooks of custom layers in .keras files', () => {
  it('writes and reads the store of saveOwnVariables / loadOwnVariables', async () => {
    const model = new Sequential({ layers: [new DenseWithExtra({ units: 3 }), new layers.Dense({ units: 1 })] });
    model.build([null, 2]);
    const first = model.layers[0] as DenseWithExtra;
    first.extra.assign(tensor([4, 5, 6]));
    const bytes = await saveKerasModel(model);
    const vars = readHdf5(await readZipEntry(bytes, 'model.weights.h5')).members.get('layers');
    const group = (vars as { members: Map<string, { members: Map<string, unknown> }> }).members.get('dense_with_extra')!.members.get('vars') as { members: Map<string, unknown> };
    expect([...group.members.keys()].sort()).toEqual(['bias', 'extra', 'kernel']);
    const loaded = await loadKerasModel(bytes, { customObjects: { DenseWithExtra } });
    expect(await valuesOf((loaded.layers[0] as DenseWithExtra).extra)).toEqual([4, 5, 6]);
    const x = tensor([[1, 2]]);
    expect(await valuesOf(loaded.apply(x) as Tensor)).toEqual(await valuesOf(model.apply(x) as Tensor));
  });

  it("passes a custom build's extra arguments, and rebuilds from getBuildConfig before loading", async () => {
    const layer = new BuiltWith();
    layer.build([null, 3], 'ones');
    expect(layer.init).toBe('ones');
    expect(layer.getBuildConfig()).toEqual({ input_shape: [null, 3], layer_init: 'ones' });
    const model = new Sequential({ layers: [layer] });
    const x = tensor([[1, 2, 3]]);
    const before = await valuesOf(model.apply(x) as Tensor);
    const loaded = await loadKerasModel(await saveKerasModel(model));
    expect((loaded.layers[0] as BuiltWith).init).toBe('ones');
    expect(await valuesOf(loaded.apply(x) as Tensor)).toEqual(before);
  });

  it('default loadOwnVariables names the keys a store lacks', () => {
    const dense = new layers.Dense({ units: 1 });
    dense.build([null, 2]);
    expect(() => dense.loadOwnVariables({ 0: tensor([[1], [2]]) })).toThrow(/lacks '1'/);
    const store: Record<string, Tensor> = {};
    dense.saveOwnVariables(store);
    expect(Object.keys(store)).toEqual(['0', '1']);
  });
});
