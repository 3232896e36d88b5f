// A dataset's batch whose parts differ in size, as keras.io's SimCLR zips a large unlabeled batch
// with a small labeled one: Keras checks no sample counts of a dataset's batch, so a custom step
// receives it as it is; the default step, which pairs x with y row by row, still refuses it.

import { describe, expect, it } from 'vitest';
import { Model, Sequential, layers, metrics, ops, type Batch, type StepData, type Tensor } from '../../src/node';

class ZippedBatchModel extends Model {
  readonly seen = new metrics.Mean({ name: 'rows' });
  override get metrics() {
    return [this.seen];
  }
  override trainStep(data: StepData): Record<string, Tensor> {
    const [[unlabeled], [labeled, labels]] = data as unknown as [[Tensor], [Tensor, Tensor]];
    this.seen.updateState(ops.convertToTensor([unlabeled.shape[0], labeled.shape[0], labels.shape[0]], 'float32'));
    return { rows: this.seen.result() };
  }
}

function* dataset(batch: () => Batch): Generator<Batch> {
  yield batch();
}

describe('fit on a dataset whose batch parts differ in size', () => {
  it('passes the batch to a custom trainStep, and the default step still names the mismatch', async () => {
    const model = new ZippedBatchModel();
    model.compile();
    const history = await model.fit(dataset(() => [[ops.zeros([6, 2]), ops.zeros([6])], [ops.ones([2, 2]), ops.ones([2])]] as Batch), undefined, { epochs: 1, verbose: 0 });
    expect(history.history.rows[0]).toBeCloseTo((6 + 2 + 2) / 3, 5);

    const plain = new Sequential([new layers.Dense({ units: 1 })]);
    plain.compile({ optimizer: 'sgd', loss: 'mse' });
    await expect(plain.fit(dataset(() => [ops.zeros([6, 2]), ops.zeros([2, 1])]), undefined, { epochs: 1, verbose: 0 })).rejects.toThrow(/x has 6 samples but the dataset's batch 0 y has 2/);
  });
});
