// The options of the losses as a specification: every built-in loss rejects an option it does not
// take (with the camelCase hint for Keras's snake_case names) and rebuilds from its config;
// sparse categorical cross-entropy's ignoreClass against a float64 reference under every
// reduction, with sample weights and a mask on the predictions, its gradients against finite
// differences, WebGPU against the CPU backend; the 'mean' and 'mean_with_sample_weight' reductions.

import { afterEach, describe, expect, it } from 'vitest';
import { Input, Sequential, getBackend, getMask, layers, setBackend, setMask, tensor, type Tensor } from '../../src/node';
import * as losses from '../../src/losses/index';
import { Loss, LossFunctionWrapper, type Reduction } from '../../src/losses/index';
import { gradCheck } from '../autograd/gradcheck';
import { seededRandom } from '../cases/data';
import { expectNumbersClose, useWebGPU, valuesOf } from '../helpers';

useWebGPU();
afterEach(() => setBackend('webgpu'));

const BACKENDS = ['webgpu', 'cpu'] as const;

type LossClass = new (options?: object) => Loss;

/** Every concrete loss class the module exports, by name. */
const LOSS_CLASSES = Object.entries(losses).filter(
  ([, value]) => typeof value === 'function' && value.prototype instanceof Loss && value !== LossFunctionWrapper,
) as [string, LossClass][];

describe('option names', () => {
  it('covers every loss class', () => {
    expect(LOSS_CLASSES.length).toBeGreaterThanOrEqual(19);
  });

  for (const [name, cls] of LOSS_CLASSES) {
    it(`${name} rejects an unknown option and rebuilds from its config`, () => {
      expect(() => new cls({ bogus: 1 })).toThrow(`${name}: unknown option 'bogus'. Its options: name, reduction`);
      const loss = new cls({ reduction: 'sum' });
      expect(losses.deserializeLoss(losses.serializeLoss(loss)).getConfig()).toEqual(loss.getConfig());
    });
  }

  it("names Keras's snake_case spelling and lists the options", () => {
    expect(() => new losses.BinaryCrossentropy({ from_logits: true } as never)).toThrow(
      "BinaryCrossentropy: unknown option 'from_logits' (did you mean 'fromLogits'?). Its options: name, reduction, fromLogits, labelSmoothing, axis.",
    );
    expect(() => new losses.SparseCategoricalCrossentropy({ ignore_class: 0 } as never)).toThrow("unknown option 'ignore_class' (did you mean 'ignoreClass'?)");
    expect(() => new losses.MeanSquaredError({ delta: 1 } as never)).toThrow("MeanSquaredError: unknown option 'delta'. Its options: name, reduction.");
  });

  it('a bare LossFunctionWrapper passes its other options to its function', async () => {
    const wrapper = new LossFunctionWrapper<losses.HuberOptions>(losses.huber, { delta: 2, reduction: 'none' });
    expectNumbersClose(await valuesOf(wrapper.apply(tensor([[0], [0]]), tensor([[1], [3]]))), [0.5, 4]);
  });

  it('a custom Loss that passes name and reduction is unchanged', () => {
    class Cubic extends Loss {
      call(yTrue: Tensor, yPred: Tensor): Tensor {
        return yPred.sub(yTrue).abs().pow(3).mean(-1);
      }
    }
    expect(new Cubic({ reduction: 'sum' }).name).toBe('cubic');
  });
});

// ---- sparse categorical cross-entropy with ignoreClass ----

const CLASSES = 4;
const IGNORED = 255;

/** Labels of shape [2, 3] (one in three ignored, as a segmentation map's void pixels) and logits [2, 3, 4]. */
function segmentation(seed: number): { labels: number[]; logits: number[] } {
  const next = seededRandom(seed);
  const labels = Array.from({ length: 6 }, (_, i) => (i % 3 === 1 ? IGNORED : Math.floor(next() * CLASSES)));
  const logits = Array.from({ length: 6 * CLASSES }, () => 4 * next() - 2);
  return { labels, logits };
}

/** -log softmax(logits)[label] per position in float64, 0 where the label is ignored. */
function referenceValues(labels: number[], logits: number[]): number[] {
  return labels.map((label, i) => {
    if (label === IGNORED) return 0;
    const row = logits.slice(i * CLASSES, (i + 1) * CLASSES);
    const max = Math.max(...row);
    const logSum = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    return logSum - row[label];
  });
}

/** Keras's reductions of masked values (valid = 1 where the label is not ignored) in float64. */
function referenceReduce(v: number[], valid: number[], weights: number[], reduction: Reduction): number[] {
  const w = v.map((_, i) => valid[i] * weights[i]);
  const weightedSum = v.reduce((s, x, i) => s + x * w[i], 0);
  const validCount = valid.reduce((s, x) => s + x, 0);
  if (reduction === 'none') return v.map((x, i) => x * w[i]);
  if (reduction === 'sum') return [weightedSum];
  if (reduction === 'mean_with_sample_weight') return [weightedSum / w.reduce((s, x) => s + x, 0)];
  return [weightedSum / validCount];
}

describe('SparseCategoricalCrossentropy with ignoreClass', () => {
  it('the function gives 0 for ignored samples (even a label out of range) and masks them', async () => {
    const { labels, logits } = segmentation(1);
    for (const backend of BACKENDS) {
      setBackend(backend);
      expect(getBackend()).toBe(backend);
      const result = losses.sparseCategoricalCrossentropy(tensor(labels, [2, 3], 'int32'), tensor(logits, [2, 3, CLASSES]), { fromLogits: true, ignoreClass: IGNORED });
      expectNumbersClose(await valuesOf(result), referenceValues(labels, logits));
      expect(await valuesOf(getMask(result)!)).toEqual(labels.map((l) => (l === IGNORED ? 0 : 1)));
    }
  });

  for (const reduction of ['sum_over_batch_size', 'mean', 'sum', 'none', 'mean_with_sample_weight'] as const) {
    it(`reduction '${reduction}', weighted per sample, against a float64 reference`, async () => {
      const { labels, logits } = segmentation(2);
      const sampleWeight = [0.5, 2];
      const valid = labels.map((l) => (l === IGNORED ? 0 : 1));
      const expected = referenceReduce(referenceValues(labels, logits), valid, labels.map((_, i) => sampleWeight[Math.floor(i / 3)]), reduction);
      const unweighted = referenceReduce(referenceValues(labels, logits), valid, labels.map(() => 1), reduction);
      for (const backend of BACKENDS) {
        setBackend(backend);
        const loss = new losses.SparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: IGNORED, reduction });
        const yTrue = tensor(labels, [2, 3], 'int32');
        const yPred = tensor(logits, [2, 3, CLASSES]);
        expectNumbersClose(await valuesOf(loss.apply(yTrue, yPred, tensor(sampleWeight, [2, 1]))), expected);
        expectNumbersClose(await valuesOf(loss.apply(yTrue, yPred)), unweighted);
      }
    });
  }

  it('the mean is over the positions valid in both the label and the mask of the predictions', async () => {
    const { labels, logits } = segmentation(3);
    const predictionMask = [1, 1, 0, 0, 1, 1];
    const valid = labels.map((l, i) => (l === IGNORED ? 0 : predictionMask[i]));
    const [expected] = referenceReduce(referenceValues(labels, logits), valid, labels.map(() => 1), 'sum_over_batch_size');
    for (const backend of BACKENDS) {
      setBackend(backend);
      const yPred = tensor(logits, [2, 3, CLASSES]);
      setMask(yPred, tensor(predictionMask, [2, 3], 'int32'));
      const loss = new losses.SparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: IGNORED });
      expectNumbersClose(await valuesOf(loss.apply(tensor(labels, [2, 3], 'int32'), yPred)), [expected]);
    }
  });

  it('probabilities and labels of shape [batch, 1], as Keras docstring inputs', async () => {
    const probabilities = tensor([0.05, 0.95, 0, 0.1, 0.8, 0.1, 0.3, 0.3, 0.4], [3, 3]);
    const loss = new losses.SparseCategoricalCrossentropy({ ignoreClass: 2 });
    // Only the first sample counts: -log 0.95.
    expectNumbersClose(await valuesOf(loss.apply(tensor([[1], [2], [2]]), probabilities)), [-Math.log(0.95)]);
  });

  it('gradients with respect to the logits match finite differences (ignored samples get none)', async () => {
    const { labels } = segmentation(4);
    const loss = new losses.SparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: IGNORED });
    // The labels are made inside: gradCheck evaluates the function on both backends.
    const result = await gradCheck((p) => loss.apply(tensor(labels, [2, 3], 'int32'), p), [[2, 3, CLASSES]], { low: -2, high: 2 });
    expect(result.message).toBe('ok');
  });

  it('trains through fit: the logged loss is the mean over kept samples, and ignored ones move nothing', async () => {
    const model = new Sequential([Input({ shape: [3] }), new layers.Dense({ units: CLASSES, activation: 'softmax' })]);
    model.compile({ optimizer: 'sgd', loss: new losses.SparseCategoricalCrossentropy({ ignoreClass: -1 }) });
    const x = tensor([0.5, -1, 2, 1, 0, -0.5, -2, 1, 0.3, 0, 0, 1], [4, 3]);
    const kept = tensor([1, -1, 3, -1], [4], 'int32');
    const probabilities = await valuesOf((await model.predict(x, { verbose: 0 })) as Tensor);
    const expected = (-Math.log(probabilities[1]) - Math.log(probabilities[2 * CLASSES + 3])) / 2;
    expectNumbersClose([(await model.evaluate(x, kept, { verbose: 0 })).loss], [expected]);
    const before = await Promise.all(model.getWeights().map(valuesOf));
    const history = await model.fit(x, tensor([-1, -1, -1, -1], [4], 'int32'), { epochs: 2, verbose: 0 });
    expect(history.history.loss).toEqual([0, 0]);
    expect(await Promise.all(model.getWeights().map(valuesOf))).toEqual(before);
  });

  it('records ignoreClass in its config, and rejects a non-integer', () => {
    const loss = new losses.SparseCategoricalCrossentropy({ ignoreClass: -1 });
    expect(loss.getConfig()).toEqual({ name: 'sparse_categorical_crossentropy', reduction: 'sum_over_batch_size', fromLogits: false, ignoreClass: -1, axis: -1 });
    expect(losses.deserializeLoss(losses.serializeLoss(loss)).getConfig()).toEqual(loss.getConfig());
    expect(() => losses.sparseCategoricalCrossentropy(tensor([0]), tensor([[1, 0]]), { ignoreClass: 0.5 })).toThrow(
      'sparseCategoricalCrossentropy: ignoreClass must be an integer class id or null. Received: ignoreClass=0.5',
    );
  });
});

describe('SparseCategoricalCrossentropy with axis', () => {
  // Columns are the class distributions (axis 0): label j is the class of column j.
  const probabilities = () => tensor([[0.6, 0.1, 0.3], [0.3, 0.7, 0.2], [0.1, 0.2, 0.5]]);
  const logits = () => tensor([[2, -1, 0.5], [0.3, 1.5, -2], [-0.7, 0.2, 1]]);
  const labels = () => tensor([0, 2, 1], [3], 'int32');

  it('matches values computed by Keras 3.16 along axis 0, from probabilities and logits, with ignoreClass, on WebGPU and on the CPU backend', async () => {
    for (const backend of BACKENDS) {
      setBackend(backend);
      // keras.losses.SparseCategoricalCrossentropy(axis=0, ...)(labels, predictions) in Keras 3.16.
      expectNumbersClose(await valuesOf(new losses.SparseCategoricalCrossentropy({ axis: 0, reduction: 'none' }).apply(labels(), probabilities())), [0.51082557, 1.60943794, 1.60943794]);
      expectNumbersClose(await valuesOf(new losses.SparseCategoricalCrossentropy({ axis: 0 }).apply(labels(), probabilities())), [1.2432338]);
      expectNumbersClose(await valuesOf(new losses.SparseCategoricalCrossentropy({ axis: 0, fromLogits: true, reduction: 'none' }).apply(labels(), logits())), [0.22305475, 1.60351861, 3.50459695]);
      expectNumbersClose(await valuesOf(new losses.SparseCategoricalCrossentropy({ axis: 0, ignoreClass: 2 }).apply(labels(), probabilities())), [1.06013167]);
      expectNumbersClose(await valuesOf(losses.sparseCategoricalCrossentropy(labels(), probabilities(), { axis: 0 })), [0.51082557, 1.60943794, 1.60943794]);
    }
  });

  it('a class axis in the middle equals the classes moved last; labels may keep a 1 there', async () => {
    const next = seededRandom(17);
    const scores = Array.from({ length: 2 * 4 * 3 }, () => next() * 4 - 2);
    const classes = [3, 0, 1, 2, 2, 0];
    for (const backend of BACKENDS) {
      setBackend(backend);
      const channelsFirst = tensor(scores, [2, 4, 3]);
      const channelsLast = channelsFirst.transpose([0, 2, 1]);
      const expected = await valuesOf(losses.sparseCategoricalCrossentropy(tensor(classes, [2, 3], 'int32'), channelsLast, { fromLogits: true }));
      expectNumbersClose(await valuesOf(losses.sparseCategoricalCrossentropy(tensor(classes, [2, 3], 'int32'), channelsFirst, { fromLogits: true, axis: 1 })), expected);
      expectNumbersClose(await valuesOf(losses.sparseCategoricalCrossentropy(tensor(classes, [2, 1, 3], 'int32'), channelsFirst, { fromLogits: true, axis: 1 })), expected);
    }
  });

  it('gradients with respect to the scores match finite differences (class axis 1, ignoreClass)', async () => {
    const loss = new losses.SparseCategoricalCrossentropy({ fromLogits: true, axis: 1, ignoreClass: 0 });
    const result = await gradCheck((p) => loss.apply(tensor([3, 0, 1, 2, 2, 1], [2, 3], 'int32'), p), [[2, 4, 3]], { low: -2, high: 2 });
    expect(result.message).toBe('ok');
  });

  it('records axis in its config, and names the class axis in shape errors', () => {
    const loss = new losses.SparseCategoricalCrossentropy({ axis: 1 });
    expect(loss.getConfig()).toEqual({ name: 'sparse_categorical_crossentropy', reduction: 'sum_over_batch_size', fromLogits: false, ignoreClass: null, axis: 1 });
    expect(losses.deserializeLoss(losses.serializeLoss(loss)).getConfig()).toEqual(loss.getConfig());
    expect(() => loss.apply(tensor([[0, 1], [1, 0]]), tensor(new Array<number>(24).fill(0.25), [2, 3, 4]))).toThrow(
      "sparseCategoricalCrossentropy: yTrue shape [2,2] does not match yPred shape [2,3,4]; expected class indices of shape [2,4] or [2,1,4] (yPred's shape without its class axis).",
    );
    expect(() => losses.sparseCategoricalCrossentropy(tensor([[[0, 1]], [[1, 0]]]), tensor([[[0.5, 0.5]], [[0.5, 0.5]]]), { axis: 0 })).toThrow(
      "sparseCategoricalCrossentropy: yTrue shape [2,1,2] has a dimension of 2 at the class axis 0, but sparse labels are class indices of shape [1,2] or [1,1,2]; for one-hot labels of yPred's shape [2,1,2], use categoricalCrossentropy.",
    );
    expect(() => losses.sparseCategoricalCrossentropy(labels(), probabilities(), { axis: 2 })).toThrow('sparseCategoricalCrossentropy: axis 2 is out of range for inputs of rank 2');
    expect(() => new losses.SparseCategoricalCrossentropy({ axis: 0.5 })).toThrow('SparseCategoricalCrossentropy: invalid value for argument axis. Expected an integer. Received: axis=0.5.');
  });
});

describe("reductions 'mean' and 'mean_with_sample_weight'", () => {
  const yTrue = [[0, 1], [1, 1], [2, 0]];
  const yPred = [[1, 1], [1, 3], [2, 2]];
  // Per-sample mean squared errors: 0.5, 2, 2.
  const perSample = [0.5, 2, 2];

  it("'mean' is the mean over the samples, as 'sum_over_batch_size'", async () => {
    const loss = new losses.MeanSquaredError({ reduction: 'mean' });
    expectNumbersClose(await valuesOf(loss.apply(tensor(yTrue), tensor(yPred))), [(0.5 + 2 + 2) / 3]);
    expectNumbersClose(await valuesOf(loss.apply(tensor(yTrue), tensor(yPred), tensor([1, 2, 3]))), [(0.5 + 4 + 6) / 3]);
  });

  it("'mean_with_sample_weight' divides by the sum of the weights (by the count without any)", async () => {
    for (const backend of BACKENDS) {
      setBackend(backend);
      const loss = new losses.MeanSquaredError({ reduction: 'meanWithSampleWeight' });
      expect(loss.reduction).toBe('mean_with_sample_weight');
      const weights = [1, 2, 3];
      const expected = perSample.reduce((s, v, i) => s + v * weights[i], 0) / 6;
      expectNumbersClose(await valuesOf(loss.apply(tensor(yTrue), tensor(yPred), tensor(weights))), [expected]);
      expectNumbersClose(await valuesOf(loss.apply(tensor(yTrue), tensor(yPred))), [(0.5 + 2 + 2) / 3]);
      // A number as the weight: sum(v * s) / s.
      expectNumbersClose(await valuesOf(loss.apply(tensor(yTrue), tensor(yPred), 4)), [0.5 + 2 + 2]);
      // All weights 0: 0, as Keras's divide_no_nan.
      expectNumbersClose(await valuesOf(loss.apply(tensor(yTrue), tensor(yPred), tensor([0, 0, 0]))), [0]);
    }
  });

  it("with a mask on the predictions, 'mean' averages the unmasked samples", async () => {
    const yPredMasked = tensor(yPred);
    setMask(yPredMasked, tensor([1, 0, 1], [3], 'int32'));
    expectNumbersClose(await valuesOf(new losses.MeanSquaredError({ reduction: 'mean' }).apply(tensor(yTrue), yPredMasked)), [(0.5 + 2) / 2]);
    const weighted = new losses.MeanSquaredError({ reduction: 'mean_with_sample_weight' }).apply(tensor(yTrue), yPredMasked, tensor([1, 2, 3]));
    expectNumbersClose(await valuesOf(weighted), [(0.5 * 1 + 2 * 3) / 4]);
  });
});
