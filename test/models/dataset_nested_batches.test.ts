// A dataset's batch that nests lists or records of tensors, as keras.io's AdaMatch zips two zipped
// datasets ((source weak, source strong), (target weak, target strong)), each part an (x, y) pair:
// Keras passes such an element to train_step as it is, so a custom trainStep or testStep receives
// it as yielded (also when fit replays a compiled step on the GPU); the model's own step, which
// feeds x to its inputs, refuses it with an error saying so.

import { describe, expect, it } from 'vitest';
import { Model, Sequential, layers, metrics, ops, type Batch, type StepData, type Tensor } from '../../src/node';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

type Pair = [Tensor, Tensor];

/** Logs a weighted sum of every tensor of the zipped batch, so each part's place and values show. */
class ZippedPairsModel extends Model {
  readonly checksum = new metrics.Mean({ name: 'checksum' });
  override get metrics() {
    return [this.checksum];
  }
  private sumOf(data: StepData): Tensor {
    const [[[sourceW, sourceLabels], [sourceS]], { weak: [targetW], strong: [targetS] }] = data as unknown as [[Pair, Pair], { weak: Pair; strong: Pair }];
    const parts = [sourceW, sourceLabels, sourceS, targetW, targetS];
    return parts.map((t, i) => ops.multiply(ops.sum(t), 10 ** i)).reduce((a, b) => ops.add(a, b));
  }
  override trainStep(data: StepData): Record<string, Tensor> {
    this.checksum.updateState(this.sumOf(data));
    return { checksum: this.checksum.result() };
  }
  override testStep(data: StepData): Record<string, Tensor> {
    return this.trainStep(data);
  }
}

/** Batch `k`: source parts of 2 rows and target parts of 3 rows (as AdaMatch's 3x target batch), filled with k. */
function zippedBatch(k: number): Batch {
  const source = (): Pair => [ops.fill([2, 1], k), ops.fill([2], k)];
  const target = (): Pair => [ops.fill([3, 1], k), ops.fill([3], k)];
  return [[source(), source()], { weak: target(), strong: target() }] as unknown as Batch;
}

describe('a dataset batch nesting lists and records of tensors', () => {
  it(
    'reaches a custom trainStep and testStep as yielded, batch after batch',
    onBothBackends(async () => {
      const model = new ZippedPairsModel();
      model.compile({ optimizer: 'sgd' });
      const batches = { *[Symbol.iterator]() { for (const k of [1, 2, 3, 4]) yield zippedBatch(k); } };
      const history = await model.fit(batches, undefined, { epochs: 1, verbose: 0 });
      // Batch k: source sums 2k (weak x), 2k (labels), 2k (strong x); target sums 3k, 3k.
      const checksum = (k: number) => 2 * k + 10 * 2 * k + 100 * 2 * k + 1000 * 3 * k + 10000 * 3 * k;
      expect(history.history.checksum[0]).toBeCloseTo((checksum(1) + checksum(2) + checksum(3) + checksum(4)) / 4, 1);
      const evaluated = (await model.evaluate(batches, undefined, { verbose: 0 })) as Record<string, number>;
      expect(evaluated.checksum).toBeCloseTo((checksum(1) + checksum(2) + checksum(3) + checksum(4)) / 4, 1);
    }),
  );

  it("is refused by the model's own step, saying why", async () => {
    const model = new Sequential([new layers.Dense({ units: 1 })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const batches = [[[ops.zeros([2, 1]), ops.zeros([2, 1])], [ops.zeros([2, 1])]], ops.zeros([2, 1])] as unknown as Batch;
    await expect(model.fit([batches][Symbol.iterator](), undefined, { epochs: 1, verbose: 0 })).rejects.toThrow(/nests lists or records of tensors, which only a custom trainStep or testStep takes/);
  });
});
