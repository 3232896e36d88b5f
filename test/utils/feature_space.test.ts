// utils.FeatureSpace (src/utils/feature_space.ts): the expectations of Keras's
// keras/src/layers/preprocessing/feature_space_test.py (output shapes for its small table, dict
// outputs, int outputs, errors, preset statistics), values computed by hand from the preset
// layers' rules (normalization, vocabulary order by count then token, one-hot positions), the
// crosses against the host implementation of tf.sparse.cross_hashed, the config round trip, and
// training a Dense model on top. Runs on WebGPU and on the CPU backend.

import { describe, expect, it } from 'vitest';
import { layers, Model, optimizers, tensor, utils, type SymbolicTensor, type Tensor } from '../../src/node';
import { crossBucket } from '../../src/ops/fingerprint';
import { onBothBackends, useWebGPU } from '../helpers';

const { FeatureSpace } = utils;

useWebGPU();

const TENTHS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** Keras's _get_train_data_dict: ten rows of floats, integers and (optionally) digit strings. */
function trainData(includeStrings = true): utils.FeatureRecord {
  const data: utils.FeatureRecord = { float_1: TENTHS, float_2: TENTHS, float_3: TENTHS, int_1: DIGITS, int_2: DIGITS, int_3: DIGITS };
  if (includeStrings) Object.assign(data, { string_1: DIGITS.map(String), string_2: DIGITS.map(String) });
  return data;
}

/** Row `i` of a record of columns: one sample. */
function row(data: utils.FeatureRecord, i: number): utils.FeatureRecord {
  return Object.fromEntries(Object.entries(data).map(([name, column]) => [name, (column as ReadonlyArray<number | string>)[i]]));
}

/** The rows of a record of columns, as an unbatched dataset. */
function rows(data: utils.FeatureRecord): utils.FeatureRecord[] {
  return DIGITS.map((i) => row(data, i));
}

/** Batches of four rows of a record of columns, from a generator (a batched dataset). */
function* batches(data: utils.FeatureRecord): Generator<utils.FeatureRecord> {
  for (let start = 0; start < 10; start += 4) {
    yield Object.fromEntries(Object.entries(data).map(([name, column]) => [name, (column as ReadonlyArray<number | string>).slice(start, start + 4)])) as utils.FeatureRecord;
  }
}

const ALL_PRESETS = {
  float_1: 'float',
  float_2: 'float_normalized',
  float_3: 'float_discretized',
  string_1: 'string_categorical',
  string_2: 'string_hashed',
  int_1: 'integer_categorical',
  int_2: 'integer_hashed',
  int_3: 'integer_categorical',
} as const;

const { string_1: _s1, string_2: _s2, ...NUMERIC_PRESETS } = ALL_PRESETS;

async function values(x: Tensor): Promise<number[]> {
  return Array.from(await x.data());
}

describe('FeatureSpace: Keras expectations', () => {
  it(
    'concatenates numeric features and crosses: 152 wide, batched and unbatched, after unbatched and batched adapt',
    onBothBackends(async () => {
      const fs = new FeatureSpace({ features: NUMERIC_PRESETS, crosses: [['int_1', 'int_2'], ['int_2', 'int_3']], outputMode: 'concat' });
      await fs.adapt(rows(trainData(false)));
      await fs.adapt(batches(trainData(false)));
      expect((fs.apply(row(trainData(false), 0)) as Tensor).shape).toEqual([152]);
      expect((fs.apply(trainData(false)) as Tensor).shape).toEqual([10, 152]);
      const columns = Object.fromEntries(Object.entries(trainData(false)).map(([name, column]) => [name, tensor(column as number[], [10], name.startsWith('int') ? 'int32' : 'float32')]));
      expect((fs.apply(columns) as Tensor).shape).toEqual([10, 152]);
      const scalars = Object.fromEntries(Object.entries(row(trainData(false), 0)).map(([name, value]) => [name, tensor(value as number, [], name.startsWith('int') ? 'int32' : 'float32')]));
      expect((fs.apply(scalars) as Tensor).shape).toEqual([152]);
    }),
  );

  it(
    "with strings: 195 wide; 'dict' mode gives 10 encoded features",
    onBothBackends(async () => {
      const fs = new FeatureSpace({ features: ALL_PRESETS, crosses: [['float_3', 'string_1'], ['string_2', 'int_2']] });
      await fs.adapt(trainData());
      expect((fs.apply(row(trainData(), 0)) as Tensor).shape).toEqual([195]);
      expect((fs.apply(trainData()) as Tensor).shape).toEqual([10, 195]);

      const dict = new FeatureSpace({ features: ALL_PRESETS, crosses: [['float_3', 'string_1'], ['string_2', 'int_2']], outputMode: 'dict' });
      await dict.adapt(trainData());
      const one = dict.apply(row(trainData(), 0)) as Record<string, Tensor>;
      expect(Object.keys(one)).toEqual(['float_1', 'float_2', 'float_3', 'int_1', 'int_2', 'int_3', 'string_1', 'string_2', 'float_3_X_string_1', 'string_2_X_int_2']);
      expect([one.string_1.shape, one.int_2.shape, one.string_2_X_int_2.shape]).toEqual([[11], [32], [32]]);
      const all = dict.apply(trainData()) as Record<string, Tensor>;
      expect([all.string_1.shape, all.int_2.shape, all.string_2_X_int_2.shape]).toEqual([[10, 11], [10, 32], [10, 32]]);
    }),
  );

  it(
    "'int' outputs in 'dict' mode are int32 ids, shape [1] for one sample",
    onBothBackends(async () => {
      const fs = new FeatureSpace({
        features: {
          ...NUMERIC_PRESETS,
          string_1: FeatureSpace.stringCategorical({ outputMode: 'int' }),
          string_2: FeatureSpace.stringHashed({ numBins: 32, outputMode: 'int' }),
          int_1: FeatureSpace.integerCategorical({ outputMode: 'int' }),
          int_2: FeatureSpace.integerHashed({ numBins: 32, outputMode: 'int' }),
          int_3: FeatureSpace.integerCategorical({ outputMode: 'int' }),
        },
        crosses: [FeatureSpace.cross({ featureNames: ['float_3', 'string_1'], outputMode: 'int', crossingDim: 32 }), FeatureSpace.cross({ featureNames: ['string_2', 'int_2'], outputMode: 'int', crossingDim: 32 })],
        outputMode: 'dict',
      });
      await fs.adapt(trainData());
      const out = fs.apply(row(trainData(), 0)) as Record<string, Tensor>;
      expect(Object.keys(out)).toHaveLength(10);
      for (const name of ['string_1', 'int_2', 'string_2_X_int_2']) {
        expect(out[name].shape).toEqual([1]);
        expect(out[name].dtype).toBe('int32');
      }
      // The vocabulary is the tokens by count, ties by token in decreasing order: '9', ..., '0'.
      expect(await values(out.string_1)).toEqual([10]);
      expect(await values(out.int_1)).toEqual([10]);
    }),
  );

  it(
    'customized features: 148 wide (advanced usage)',
    onBothBackends(async () => {
      const fs = new FeatureSpace({
        features: {
          float_1: FeatureSpace.float(),
          float_2: FeatureSpace.floatNormalized(),
          float_3: FeatureSpace.floatDiscretized({ numBins: 3 }),
          string_1: FeatureSpace.stringCategorical({ maxTokens: 5 }),
          string_2: FeatureSpace.stringHashed({ numBins: 32 }),
          int_1: FeatureSpace.integerCategorical({ maxTokens: 5, numOovIndices: 2 }),
          int_2: FeatureSpace.integerHashed({ numBins: 32 }),
          int_3: FeatureSpace.integerCategorical({ maxTokens: 5 }),
        },
        crosses: [FeatureSpace.cross({ featureNames: ['float_3', 'string_1'], crossingDim: 32 }), FeatureSpace.cross({ featureNames: ['string_2', 'int_2'], crossingDim: 32 })],
      });
      await fs.adapt(trainData());
      expect((fs.apply(row(trainData(), 0)) as Tensor).shape).toEqual([148]);
    }),
  );

  it(
    'preprocessors given what they need are not adapted (no adapt call needed)',
    onBothBackends(async () => {
      const floats = [-1.2, 0, 2.4, 1.2, 15, -100, 23.1, 3.12, 0.1, -0.01];
      const fs = new FeatureSpace({
        features: {
          int_1: 'integer_hashed',
          text_1: FeatureSpace.feature({ dtype: 'string', preprocessor: new layers.TextVectorization({ vocabulary: ['this', 'is', 'just', 'an', 'example', 'with', 'some', 'words'], outputMode: 'int', outputSequenceLength: 3 }), outputMode: 'int' }),
          float_1: FeatureSpace.feature({ dtype: 'float32', preprocessor: new layers.Normalization({ mean: 12, variance: 5 }), outputMode: 'float' }),
        },
        outputMode: 'dict',
      });
      const out = fs.apply({
        int_1: DIGITS,
        text_1: ['This is', 'not just', 'an example', 'of random words.', 'these are', 'some words', 'in', 'a random', 'example.', 'Bye!'],
        float_1: floats,
      }) as Record<string, Tensor>;
      expect(out.int_1.shape).toEqual([10, 32]);
      expect(out.text_1.shape).toEqual([10, 3]);
      expect(out.float_1.shape).toEqual([10, 1]);
      const got = await values(out.float_1);
      floats.forEach((x, i) => expect(got[i]).toBeCloseTo((x - 12) / Math.sqrt(5), 4));
    }),
  );

  it(
    'a preprocessing layer of your own (TextVectorization tf_idf) is adapted and concatenated',
    onBothBackends(async () => {
      const data = { text: ['1st string', '2nd string', '3rd string'] };
      const fs = new FeatureSpace({ features: { text: FeatureSpace.feature({ dtype: 'string', preprocessor: new layers.TextVectorization({ outputMode: 'tf_idf' }), outputMode: 'float' }) } });
      await fs.adapt(data);
      expect((fs.apply(data) as Tensor).shape).toEqual([3, 5]);
    }),
  );
});

describe('FeatureSpace: values', () => {
  it(
    'normalizes, one-hot encodes lookups in sorted feature order, and crosses the ids',
    onBothBackends(async () => {
      const fs = new FeatureSpace({ features: { n: 'integer_categorical', a: 'float_normalized', c: 'string_categorical' }, crosses: [FeatureSpace.cross({ featureNames: ['c', 'n'], crossingDim: 4 })] });
      await fs.adapt({ a: [1, 2, 3, 4], c: ['x', 'y', 'y', 'z'], n: [5, 5, 7, 7] });
      const out = fs.apply({ a: [1, 10], c: ['x', 'q'], n: [5, 3] }) as Tensor;
      expect(out.shape).toEqual([2, 1 + 4 + 3 + 4]);
      const got = await values(out);
      // a: mean 2.5, variance 1.25. c: vocabulary [UNK, y, z, x]. n: [-1 (OOV), 7, 5].
      const std = Math.sqrt(1.25);
      const cross = (c: number, n: number) => Array.from({ length: 4 }, (_, k) => (k === crossBucket([c, n], 4) ? 1 : 0));
      const expected = [(1 - 2.5) / std, 0, 0, 0, 1, 0, 0, 1, ...cross(3, 2), (10 - 2.5) / std, 1, 0, 0, 0, 1, 0, 0, ...cross(0, 0)];
      expected.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
    }),
  );

  it(
    'adapts to datasets of [x, y] batches (async too) and of tensors; the presets encode one id per sample',
    onBothBackends(async () => {
      const fs = new FeatureSpace({ features: { f: 'float_discretized', i: 'integer_hashed', s: 'string_hashed' }, numDiscretizationBins: 4, hashingDim: 8 });
      await fs.adapt(
        (async function* () {
          yield [{ f: tensor([0, 1, 2, 3, 4, 5, 6, 7], [8, 1]), i: tensor([1, 2, 3, 4], [4], 'int32'), s: ['a', 'b'] }, [0, 1]] as const;
        })(),
      );
      const out = fs.apply({ f: [0.5, 3.5, 7], i: [1, 2, 3], s: ['a', 'b', 'c'] }) as Tensor;
      expect(out.shape).toEqual([3, 4 + 8 + 8]);
      const got = await values(out);
      for (let r = 0; r < 3; r++) {
        const sums = [[0, 4], [4, 12], [12, 20]].map(([from, to]) => got.slice(r * 20 + from, r * 20 + to).reduce((s, v) => s + v, 0));
        expect(sums).toEqual([1, 1, 1]);
      }
      // Boundaries learned from 0..7 into 4 bins: 0.5 falls in the first, 7 in the last.
      expect(got.slice(0, 4)).toEqual([1, 0, 0, 0]);
      expect(got.slice(40, 44)).toEqual([0, 0, 0, 1]);
    }),
  );

  it(
    'getConfig and fromConfig rebuild an adapted FeatureSpace (through JSON), which can adapt again',
    onBothBackends(async () => {
      const fs = new FeatureSpace({
        features: { ...ALL_PRESETS, float_3: FeatureSpace.floatDiscretized({ numBins: 3 }), int_1: FeatureSpace.integerCategorical({ maxTokens: 5, numOovIndices: 2 }) },
        crosses: [FeatureSpace.cross({ featureNames: ['float_3', 'int_1'], crossingDim: 32 }), ['int_1', 'int_2']],
      });
      await fs.adapt(trainData());
      const reference = await values(fs.apply(trainData()) as Tensor);
      const loaded = FeatureSpace.fromConfig(JSON.parse(JSON.stringify(fs.getConfig())));
      expect(await values(loaded.apply(trainData()) as Tensor)).toEqual(reference);
      const again = FeatureSpace.fromConfig(JSON.parse(JSON.stringify(loaded.getConfig())));
      expect(await values(again.apply(trainData()) as Tensor)).toEqual(reference);
      await loaded.adapt({ ...trainData(), string_1: DIGITS.map(() => 'same') });
      expect((loaded.apply(trainData()) as Tensor).shape).toEqual([10, 195 - 11 + 2 - 32 + 3 - 11 + 5]);
    }),
  );
});

describe('FeatureSpace: models', () => {
  it(
    'getInputs and getEncodedFeatures build a model that takes the raw numeric columns',
    onBothBackends(async () => {
      const fs = new FeatureSpace({ features: NUMERIC_PRESETS, crosses: [['float_3', 'int_1'], ['int_1', 'int_2']] });
      await fs.adapt(trainData(false));
      const encoded = fs.getEncodedFeatures() as SymbolicTensor;
      expect(encoded.shape).toEqual([null, 152]);
      const dense = new layers.Dense({ units: 1 });
      const outputs = dense.apply(encoded);
      const rawModel = new Model({ inputs: fs.getInputs(), outputs });
      const encodedModel = new Model({ inputs: encoded, outputs });
      const columns = trainData(false) as Record<string, number[]>;
      const fromRaw = await values((await rawModel.predict(columns)) as Tensor);
      const fromEncoded = await values((await encodedModel.predict(fs.apply(columns) as Tensor)) as Tensor);
      fromRaw.forEach((v, i) => expect(v).toBeCloseTo(fromEncoded[i], 4));
      rawModel.compile({ optimizer: 'adam', loss: 'mse' });
      const history = await rawModel.fit(columns, tensor([0, 1, 0, 1, 0, 0, 1, 0, 1, 1], [10, 1]), { epochs: 2, batchSize: 4, verbose: 0 });
      expect(history.history.loss).toHaveLength(2);
    }),
  );

  it('trains a Dense model with fit on a synthetic table (string, integer and float features): the loss decreases', async () => {
    const cities = ['Oslo', 'Lima', 'Pune', 'Kobe'];
    const n = 32;
    const table = {
      city: Array.from({ length: n }, (_, i) => cities[i % 4]),
      rooms: Array.from({ length: n }, (_, i) => 1 + ((i * 7) % 5)),
      area: Array.from({ length: n }, (_, i) => 30 + ((i * 13) % 90)),
    };
    const price = table.city.map((city, i) => (city === 'Oslo' || city === 'Kobe' ? 1 : 0) + table.rooms[i] / 5 + table.area[i] / 120);
    const fs = new FeatureSpace({ features: { city: 'string_categorical', rooms: 'integer_categorical', area: 'float_normalized' }, crosses: [['city', 'rooms']], crossingDim: 8 });
    await fs.adapt(table);
    const encoded = fs.getEncodedFeatures() as SymbolicTensor;
    const model = new Model({ inputs: encoded, outputs: new layers.Dense({ units: 1 }).apply(encoded) });
    model.compile({ optimizer: new optimizers.Adam({ learningRate: 0.05 }), loss: 'mse' });
    const history = await model.fit(fs.apply(table) as Tensor, tensor(price, [n, 1]), { epochs: 15, batchSize: 16, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses.at(-1)!).toBeLessThan(losses[0] * 0.2);
    expect(() => fs.getInputs()).toThrow(/string features 'city' are host data/);
  });
});

describe('FeatureSpace: errors', () => {
  const twoIntegers = { f1: 'integer_categorical', f2: 'integer_categorical' } as const;

  it('rejects bad feature specs at construction', () => {
    expect(() => new FeatureSpace({ features: {} })).toThrow(/cannot be null or empty/);
    expect(() => new FeatureSpace({ features: twoIntegers, crosses: [['f1', 'f2']], crossingDim: null })).toThrow(/`crossingDim`/);
    expect(() => new FeatureSpace({ features: twoIntegers, crosses: [['f1', 'unknown']], crossingDim: 32 })).toThrow(/should be present in the `features`/);
    expect(() => new FeatureSpace({ features: twoIntegers, outputMode: 'unknown' as 'dict' })).toThrow(/for argument `outputMode`/);
    expect(() => new FeatureSpace({ features: { f: 'float_categorical' as 'float' } })).toThrow(/Invalid feature type for feature 'f'.*Received: "float_categorical"/);
    expect(() => new FeatureSpace({ features: { f: FeatureSpace.integerCategorical({ outputMode: 'int' }) } })).toThrow(/Cannot concatenate features because feature 'f'/);
    expect(() => new FeatureSpace({ features: { a: 'float', b: 'integer_categorical' }, crosses: [['a', 'b']] })).toThrow(/Cannot cross feature 'a'/);
    expect(() => FeatureSpace.cross({ featureNames: ['f1'], crossingDim: 8 })).toThrow(/at least two features/);
    expect(() => FeatureSpace.feature({ dtype: 'int64' as 'int32', preprocessor: new layers.Identity(), outputMode: 'float' })).toThrow(/argument `dtype`/);
    expect(() => FeatureSpace.floatDiscretized({})).toThrow(/either `numBins` or `binBoundaries`/);
  });

  it('rejects use before adapt and bad records', async () => {
    expect(() => new FeatureSpace({ features: twoIntegers }).apply({ f1: [0], f2: [0] })).toThrow(/You need to call `.adapt/);
    expect(() => new FeatureSpace({ features: twoIntegers }).getEncodedFeatures()).toThrow(/You need to call `.adapt/);
    const fs = new FeatureSpace({ features: { n: 'integer_categorical', s: 'string_hashed' } });
    await expect(fs.adapt([1, 2, 3] as never)).rejects.toThrow(/takes records of feature values/);
    await fs.adapt({ n: [1, 2], s: ['a', 'b'] });
    expect(() => fs.apply({ n: [1] } as never)).toThrow(/no values for the features 's'/);
    expect(() => fs.apply({ n: [1, 2], s: tensor([1, 2]) })).toThrow(/Feature 's' holds strings/);
    expect(() => fs.apply({ n: [1, 2], s: ['a'] })).toThrow(/the same batch size/);
    expect(() => fs.apply({ n: 1, s: ['a'] })).toThrow(/not a mix/);
    expect(() => fs.apply({ n: ['1', '2'], s: ['a', 'b'] })).toThrow(/Feature 'n' takes numbers/);
  });
});
