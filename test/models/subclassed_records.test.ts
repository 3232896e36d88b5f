// A subclassed model (no functional graph) given a record: fit, evaluate, predict and the batch
// methods pass it to call as it is, as Keras passes a dict through (keras.io's endpoint layer
// pattern, last section: `model.fit({ inputs, targets, sample_weight })`).

import { describe, expect, it } from 'vitest';
import { Model, dispose, layers, ops, tensor, type StepData, type StepLogs, type Tensor, type TensorRecord } from '../../src/node';
import { onBothBackends, useWebGPU, valuesOf } from '../helpers';

useWebGPU();

/** call({ inputs, targets }): Dense(1) of inputs, with the mean squared error to targets as its loss. */
class EndpointRegression extends Model {
  readonly dense = new layers.Dense({ units: 1, kernelInitializer: 'ones', useBias: false });
  keysSeen: string[] = [];

  override call(inputs: Tensor | Tensor[]): Tensor {
    const record = inputs as unknown as TensorRecord;
    this.keysSeen = Object.keys(record);
    const prediction = this.dense.apply(record.inputs);
    if (record.targets) this.addLoss(ops.mean(ops.square(ops.subtract(prediction, record.targets))));
    return prediction;
  }
}

const inputs = [[1, 2], [3, 4], [5, 6], [7, 8]];
const targets = [[1], [2], [3], [4]];

describe('a subclassed model given a record', () => {
  it('trains, evaluates and predicts on it, its call receiving the record', onBothBackends(async () => {
    const model = new EndpointRegression();
    model.compile({ optimizer: 'sgd' });
    const data = { inputs: tensor(inputs), targets: tensor(targets) };
    // Kernel of ones: predictions 3, 7, 11, 15 against 1, 2, 3, 4; loss mean((2, 5, 8, 11)^2) = 53.5.
    expect((await model.evaluate(data, undefined, { verbose: 0 })).loss).toBeCloseTo(53.5, 3);
    expect(model.keysSeen).toEqual(['inputs', 'targets']);
    const history = await model.fit(data, undefined, { epochs: 3, batchSize: 2, verbose: 0 });
    const losses = history.history.loss;
    expect(losses[2]).toBeLessThan(losses[0]);
    const predictions = await model.predict<Tensor>({ inputs: tensor(inputs) }, { batchSize: 3 });
    expect(model.keysSeen).toEqual(['inputs']);
    expect(predictions.shape).toEqual([4, 1]);
    const kernel = await valuesOf(model.dense.kernel);
    expect(await valuesOf(predictions)).toEqual(inputs.map(([a, b]) => expect.closeTo(a * kernel[0] + b * kernel[1], 4)));
    const batchLogs = await model.trainOnBatch({ inputs: tensor(inputs), targets: tensor(targets) });
    expect(Object.keys(batchLogs)).toEqual(['loss']);
    dispose([predictions, data.inputs, data.targets]);
  }));

  it('comes to a custom trainStep as the record, also from a dataset of batches', async () => {
    const received: string[][] = [];
    class Recorder extends EndpointRegression {
      override trainStep(data: StepData): StepLogs {
        const [x] = data;
        received.push(Object.keys(x as TensorRecord));
        return super.trainStep(data);
      }
    }
    const model = new Recorder();
    model.compile({ optimizer: 'sgd' });
    function* batches() {
      for (const start of [0, 2]) yield [{ inputs: tensor(inputs.slice(start, start + 2)), targets: tensor(targets.slice(start, start + 2)) }];
    }
    await model.fit(batches(), { epochs: 1, verbose: 0 });
    expect(received).toEqual([['inputs', 'targets'], ['inputs', 'targets']]);
  });

  it('is still an error as y, and a functional model checks its names', async () => {
    const model = new EndpointRegression();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    await expect(model.fit(tensor(inputs), { out: tensor(targets) }, { verbose: 0 })).rejects.toThrow("fit: y is a record ('out'), but this model has no named outputs");
    await expect(model.fit({}, tensor(targets), { verbose: 0 })).rejects.toThrow('fit: x is an empty record; give at least one named entry.');
  });
});
