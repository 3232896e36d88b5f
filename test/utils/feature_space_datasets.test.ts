// utils.FeatureSpace.adapt (src/utils/feature_space.ts) on datasets written as object literals
// with [Symbol.iterator] or [Symbol.asyncIterator] (the shape of a tf.data pipeline such as
// `train_ds.map(lambda x, _: x)` in a port of Keras code): they are datasets of batches, not
// records of columns. Values checked against the vocabulary and statistics computed by hand.

import { describe, expect, it } from 'vitest';
import { utils, type Tensor } from '../../src/node';
import { expectNumbersClose, onBothBackends, useWebGPU } from '../helpers';

const { FeatureSpace } = utils;

useWebGPU();

const BATCHES = [
  { size: [1, 3], city: ['Oslo', 'Lima'], label: [0, 1] },
  { size: [5, 7], city: ['Oslo', 'Oslo'], label: [1, 0] },
];

function featureSpace() {
  return new FeatureSpace({ features: { size: 'float_normalized', city: FeatureSpace.stringCategorical({ numOovIndices: 0 }) } });
}

describe('FeatureSpace.adapt on iterable object literals', () => {
  it('reads an object literal with [Symbol.iterator] as a dataset of batches', onBothBackends(async () => {
    const space = featureSpace();
    await space.adapt({ *[Symbol.iterator]() { yield* BATCHES; } });
    // size: mean 4, variance 5; city vocabulary by count: Oslo (3), Lima (1); features in name order.
    const encoded = space.apply({ size: [4, 9], city: ['Lima', 'Oslo'] }) as Tensor;
    expectNumbersClose(Array.from(await encoded.data()), [0, 1, 0, 1, 0, 5 / Math.sqrt(5)], 1e-5);
    encoded.dispose();
  }));

  it('reads an object literal with [Symbol.asyncIterator] and [x, y] elements', async () => {
    const space = featureSpace();
    await space.adapt({ async *[Symbol.asyncIterator]() { for (const { label, ...x } of BATCHES) yield [x, label] as const; } });
    expect(space.getConfig().features.city.preprocessor.config.vocabulary).toEqual(['Oslo', 'Lima']);
    const encoded = space.apply({ size: [4], city: ['Oslo'] }) as Tensor;
    expectNumbersClose(Array.from(await encoded.data()), [1, 0, 0], 1e-5);
    encoded.dispose();
  });

  it('says when a record is empty', async () => {
    await expect(featureSpace().adapt({})).rejects.toThrow("no values for the features 'size', 'city'. Received an empty record.");
  });
});
