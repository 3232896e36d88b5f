// Keras files of a Model subclass made from inputs and outputs (keras-io's masked language model:
// class MaskedLanguageModel(keras.Model) overriding compute_loss, built as
// MaskedLanguageModel(inputs, outputs)). Keras writes the subclass's name with the functional
// config, and loading passes the rebuilt inputs and outputs to the class, so the loaded model
// keeps its overrides. keras_written/functional_subclass.keras is Keras 3.15.1's file of the
// port of this class (make_functional_subclass.py):
//
//   @keras.saving.register_keras_serializable(package="Custom")
//   class SummedLossModel(keras.Model):
//       def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None):
//           return keras.ops.sum(keras.ops.square(y_pred - y))

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Input, Model, layers, loadKerasModel, ops, registerKerasSerializable, saveKerasModel, tensor, type Tensor } from '../../src/node';
import { readZipEntry } from '../../src/io/zip';
import { expectNumbersClose, valuesOf } from '../helpers';

class SummedLossModel extends Model {
  override computeLoss(_x: unknown, y: unknown, yPred: unknown): Tensor {
    return ops.sum(ops.square(ops.subtract(yPred as Tensor, y as Tensor)));
  }
}
registerKerasSerializable(SummedLossModel);

const FIXTURES = 'test/fixtures/keras/keras_written';
const reference = JSON.parse(readFileSync(`${FIXTURES}/functional_subclass.json`, 'utf8')) as { x: number[][]; y: number[][]; prediction: number[][]; loss: number };

describe('Keras files of a functional Model subclass', () => {
  it("load Keras's file as the subclass, and save the subclass's name as Keras does", async () => {
    const kerasFile = new Uint8Array(readFileSync(`${FIXTURES}/functional_subclass.keras`));
    const model = await loadKerasModel(kerasFile);
    expect(model).toBeInstanceOf(SummedLossModel);
    const x = tensor(reference.x);
    const prediction = model.apply(x) as Tensor;
    expectNumbersClose(await valuesOf(prediction), reference.prediction.flat(), 1e-5);
    expectNumbersClose(await valuesOf(model.computeLoss(x, tensor(reference.y), prediction)), [reference.loss], 1e-5);

    const inputs = Input({ shape: [3] });
    const own = new SummedLossModel({ inputs, outputs: new layers.Dense({ units: 2 }).apply(inputs), name: 'own' });
    const bytes = await saveKerasModel(own);
    const written = JSON.parse(new TextDecoder().decode(await readZipEntry(bytes, 'config.json')));
    const keras = JSON.parse(new TextDecoder().decode(await readZipEntry(kerasFile, 'config.json')));
    for (const key of ['module', 'class_name', 'registered_name', 'build_config']) expect(written[key]).toEqual(keras[key]);
    expect(Object.keys(written.config)).toEqual(Object.keys(keras.config));
    const reloaded = await loadKerasModel(bytes);
    expect(reloaded).toBeInstanceOf(SummedLossModel);
    expect(reloaded.name).toBe('own');
  });
});
