// Keras files of custom layers whose getConfig holds a serialized initializer, regularizer or
// constraint under a plain option name (keras.io's Antirectifier keeps `initializer`): Keras writes
// each as a `{ module, class_name, config, registered_name }` object, and loading gives the layer
// its object back.

import { describe, expect, it } from 'vitest';
import { Input, Layer, Model, constraints, initializers, loadKerasModel, ops, regularizers, registerLayer, saveKerasModel, setRandomSeed, tensor, type LayerArgs, type Shape, type Tensor, type Variable } from '../../src/node';
import { readZipEntry } from '../../src/io/zip';
import { useWebGPU, valuesOf } from '../helpers';

useWebGPU();

type Identifier = initializers.InitializerIdentifier;

/** keras.io's Antirectifier, with a regularizer and a constraint under plain names too. */
class Antirectifier extends Layer {
  initializer: initializers.Initializer;
  regularizer: regularizers.Regularizer | null;
  constraint: constraints.Constraint | null;
  kernel!: Variable;
  constructor({ initializer = 'he_normal', regularizer = null, constraint = null, ...args }: { initializer?: Identifier; regularizer?: regularizers.RegularizerIdentifier | null; constraint?: constraints.ConstraintIdentifier | null } & LayerArgs = {}) {
    super(args);
    this.initializer = initializers.get(initializer);
    this.regularizer = regularizer === null ? null : regularizers.get(regularizer);
    this.constraint = constraint === null ? null : constraints.get(constraint);
  }
  override build(inputShape: Shape): void {
    const dim = inputShape.at(-1)!;
    this.kernel = this.addWeight({ name: 'kernel', shape: [dim * 2, dim], initializer: this.initializer, regularizer: this.regularizer ?? undefined, constraint: this.constraint ?? undefined });
  }
  override call(inputs: Tensor): Tensor {
    const centered = inputs.sub(ops.mean(inputs, -1, true));
    return ops.matmul(ops.concatenate([ops.relu(centered), ops.relu(centered.neg())], -1), this.kernel);
  }
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      initializer: initializers.serialize(this.initializer),
      regularizer: this.regularizer && regularizers.serialize(this.regularizer),
      constraint: this.constraint && constraints.serialize(this.constraint),
    };
  }
}
registerLayer(Antirectifier);

describe('custom layer options holding Keras objects, in Keras files', () => {
  it("writes a plain 'initializer', 'regularizer' and 'constraint' as Keras objects and loads them back", async () => {
    setRandomSeed(2);
    const x = Input({ shape: [3] });
    const layer = new Antirectifier({ name: 'anti', initializer: 'glorot_uniform', regularizer: 'l2', constraint: 'non_neg' });
    const model = new Model({ inputs: x, outputs: layer.apply(x) });
    const bytes = await saveKerasModel(model);
    const config = JSON.parse(new TextDecoder().decode(await readZipEntry(bytes, 'config.json')));
    const saved = config.config.layers.find((l: { config: { name: string } }) => l.config.name === 'anti').config;
    expect(saved.initializer).toEqual({ module: 'keras.initializers', class_name: 'GlorotUniform', config: {}, registered_name: null });
    expect(saved.regularizer).toMatchObject({ module: 'keras.regularizers', class_name: 'L2' });
    expect(saved.constraint).toMatchObject({ module: 'keras.constraints', class_name: 'NonNeg' });

    const loaded = await loadKerasModel(bytes);
    const restored = loaded.getLayer('anti') as Antirectifier;
    expect(initializers.serialize(restored.initializer).className).toBe('GlorotUniform');
    expect(restored.regularizer && regularizers.serialize(restored.regularizer).config).toMatchObject({ l1: 0, l2: 0.01 });
    expect(restored.constraint).toBeInstanceOf(constraints.NonNeg);
    const input = tensor([[1, -2, 0.5]]);
    expect(await valuesOf(await loaded.predict<Tensor>(input))).toEqual(await valuesOf(await model.predict<Tensor>(input)));
  });
});
