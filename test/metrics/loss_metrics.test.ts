// The metrics that average a loss: the values of Keras's docstring examples on the GPU and on the
// CPU, accumulation with sample weights against a hand computation, names in compile(), options
// (the sparse cross-entropy's class axis against Keras 3.16), and rebuilding from getConfig as
// loadModel does.

import { describe, expect, it } from 'vitest';
import { Sequential, getBackend, layers, losses, setBackend, tensor, type Tensor } from '../../src/node';
import {
  BinaryCrossentropy, CategoricalCrossentropy, CategoricalHinge, CosineSimilarity, Hinge, KLDivergence, LogCoshError,
  MeanAbsolutePercentageError, MeanSquaredLogarithmicError, Metric, Poisson, SparseCategoricalCrossentropy, SquaredHinge, getMetric,
} from '../../src/metrics/index';
import { useWebGPU } from '../helpers';

useWebGPU();

const binaryLabels = () => tensor([[0, 1], [0, 0]]);
const binaryScores = () => tensor([[0.6, 0.4], [0.4, 0.6]]);
const regressionPredictions = () => tensor([[1, 1], [0, 0]]);

/** [metric, yTrue, yPred, the value of its Keras docstring example] */
const KERAS_EXAMPLES: Array<[() => Metric, () => Tensor, () => Tensor, number]> = [
  [() => new BinaryCrossentropy(), binaryLabels, binaryScores, 0.81492424],
  [() => new CategoricalCrossentropy(), () => tensor([[0, 1, 0], [0, 0, 1]]), () => tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]]), 1.1769392],
  [() => new SparseCategoricalCrossentropy(), () => tensor([1, 2], [2], 'int32'), () => tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]]), 1.1769392],
  [() => new KLDivergence(), binaryLabels, binaryScores, 0.45814306],
  [() => new Poisson(), binaryLabels, regressionPredictions, 0.49999997],
  [() => new Hinge(), binaryLabels, binaryScores, 1.3],
  [() => new SquaredHinge(), binaryLabels, binaryScores, 1.86],
  [() => new CategoricalHinge(), binaryLabels, binaryScores, 1.4],
  [() => new MeanAbsolutePercentageError(), binaryLabels, regressionPredictions, 250000000],
  [() => new MeanSquaredLogarithmicError(), binaryLabels, regressionPredictions, 0.12011322],
  [() => new LogCoshError(), binaryLabels, regressionPredictions, 0.10844523],
  [() => new CosineSimilarity(), () => tensor([[0, 1], [1, 1]]), () => tensor([[1, 0], [1, 1]]), 0.49999997],
];

async function resultOf(make: () => Metric, yTrue: () => Tensor, yPred: () => Tensor, weights?: () => Tensor): Promise<number> {
  const metric = make();
  (metric as unknown as { updateState(a: Tensor, b: Tensor, w?: Tensor): void }).updateState(yTrue(), yPred(), weights?.());
  const [value] = await metric.result().data();
  metric.dispose();
  return value;
}

describe("Keras's docstring values", () => {
  for (const backend of ['webgpu', 'cpu'] as const) {
    for (const [make, yTrue, yPred, expected] of KERAS_EXAMPLES) {
      it(`${make().name} on ${backend}`, async () => {
        setBackend(backend);
        try {
          expect(getBackend()).toBe(backend);
          const value = await resultOf(make, yTrue, yPred);
          expect(Math.abs(value - expected) / Math.abs(expected)).toBeLessThan(1e-5);
        } finally {
          setBackend('webgpu');
        }
      });
    }
  }
});

describe('accumulation', () => {
  it('weights each sample and averages over every batch seen', async () => {
    expect(getBackend()).toBe('webgpu');
    const metric = new Hinge();
    // Per-sample hinge losses, max(1 - y p, 0) averaged, with labels 0/1 mapped to -1/1.
    // Sample 1: y = [-1, 1], p = [0.6, 0.4]: (1.6 + 0.6) / 2 = 1.1; sample 2: y = [-1, -1], p = [0.4, 0.6]: (1.4 + 1.6) / 2 = 1.5.
    metric.updateState(binaryLabels(), binaryScores(), tensor([1, 3]));
    metric.updateState(binaryLabels(), binaryScores());
    const [value] = await metric.result().data();
    expect(value).toBeCloseTo((1.1 * 1 + 1.5 * 3 + 1.1 + 1.5) / 6, 5);
  });
});

describe('options and names', () => {
  it('reads logits when asked, and rebuilds from getConfig as loadModel does', async () => {
    const metric = new BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1, name: 'bce' });
    const copy = new BinaryCrossentropy(metric.getConfig() as never);
    expect(copy.getConfig()).toEqual({ name: 'bce', dtype: 'float32', fromLogits: true, labelSmoothing: 0.1 });
    // Smoothed labels [0.05, 0.95]; from logit 0: the loss is log 2 whatever the label.
    const value = await resultOf(() => copy, () => tensor([[0, 1]]), () => tensor([[0, 0]]));
    expect(value).toBeCloseTo(Math.LN2, 5);
    expect(new CategoricalCrossentropy({ axis: 0 }).getConfig()).toEqual({ name: 'categorical_crossentropy', dtype: 'float32', fromLogits: false, labelSmoothing: 0, axis: 0 });
  });

  it('SparseCategoricalCrossentropy takes the class axis, as Keras 3.16 (1.2432338 along axis 0 below)', async () => {
    const metric = new SparseCategoricalCrossentropy({ axis: 0 });
    expect(metric.getConfig()).toEqual({ name: 'sparse_categorical_crossentropy', dtype: 'float32', fromLogits: false, ignoreClass: null, axis: 0 });
    // keras.metrics.SparseCategoricalCrossentropy(axis=0) updated with these columns of class probabilities.
    const value = await resultOf(() => new SparseCategoricalCrossentropy(metric.getConfig() as never), () => tensor([0, 2, 1], [3], 'int32'), () => tensor([[0.6, 0.1, 0.3], [0.3, 0.7, 0.2], [0.1, 0.2, 0.5]]));
    expect(value).toBeCloseTo(1.2432338, 5);
    expect(() => new SparseCategoricalCrossentropy({ axis: '0' as never })).toThrow('SparseCategoricalCrossentropy: invalid value for argument axis. Expected an integer. Received: axis=0.');
  });

  it('resolves Keras names, snake_case or camelCase, under the name given', () => {
    for (const [name, cls] of [
      ['binary_crossentropy', BinaryCrossentropy], ['categoricalCrossentropy', CategoricalCrossentropy], ['sparse_categorical_crossentropy', SparseCategoricalCrossentropy],
      ['kl_divergence', KLDivergence], ['poisson', Poisson], ['hinge', Hinge], ['squared_hinge', SquaredHinge], ['categorical_hinge', CategoricalHinge],
      ['mape', MeanAbsolutePercentageError], ['msle', MeanSquaredLogarithmicError], ['logcosh', LogCoshError], ['cosine_similarity', CosineSimilarity],
    ] as const) {
      const metric = getMetric(name);
      expect(metric).toBeInstanceOf(cls);
      expect(metric.name).toBe(name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase());
    }
    expect(new CosineSimilarity().direction).toBe('up');
    expect(new BinaryCrossentropy().direction).toBe('down');
  });

  it('logs a loss-named metric during fit', async () => {
    const model = new Sequential([layers.Input({ shape: [3] }), new layers.Dense({ units: 1, activation: 'sigmoid' })]);
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['binary_crossentropy'] });
    const x = tensor([[0, 1, 2], [1, 0, 1], [2, 1, 0], [1, 1, 1]]);
    const y = tensor([[0], [1], [1], [0]]);
    const history = await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(Number.isFinite(history.history.binary_crossentropy[0])).toBe(true);
    // After training, evaluate's metric against the loss function applied to predict's output.
    const evaluated = (await model.evaluate(x, y, { verbose: 0 })).binary_crossentropy;
    const predicted = (await model.predict(x)) as Tensor;
    const expected = await losses.binaryCrossentropy(y, predicted).mean().data();
    expect(evaluated).toBeCloseTo(expected[0], 5);
    model.dispose();
  });
});
