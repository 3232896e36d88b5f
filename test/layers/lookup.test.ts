// IntegerLookup and StringLookup (src/layers/index_lookup.ts, integer_lookup.ts, string_lookup.ts).
// Keras 3.16's lookup layers need TensorFlow, which the reference environment here lacks (its
// NumPy backend refuses them), so the expected values are the outputs printed in Keras's own
// docstrings (keras/src/layers/preprocessing/{integer,string}_lookup.py) and values derived by
// hand from index_lookup.py's rules, each noted. Device work runs on WebGPU and on the CPU backend.

import { describe, expect, it } from 'vitest';
import { memory, tensor, type Tensor } from '../../src/node';
import { IntegerLookup } from '../../src/layers/integer_lookup';
import { StringLookup } from '../../src/layers/string_lookup';
import { onBothBackends, settleGarbage, useWebGPU } from '../helpers';

useWebGPU();

const ints = (values: number[][]) => tensor(values, [values.length, values[0].length], 'int32');

/** The values of a tensor (freed) with its shape and dtype. */
async function read(x: Tensor): Promise<{ shape: number[]; dtype: string; values: number[] }> {
  const result = { shape: [...x.shape], dtype: x.dtype, values: Array.from(await x.data(), (v) => Math.round(v * 1e5) / 1e5) };
  x.dispose();
  return result;
}

describe('IntegerLookup', () => {
  const vocab = [12, 36, 1138, 42];
  const data = [
    [12, 1138, 42, 42],
    [42, 7, 36, 7],
  ];

  it('looks tokens up on the device: the Keras docstring examples (int, several OOV indices, adapt)', onBothBackends(async () => {
    expect(await read(new IntegerLookup({ vocabulary: vocab }).apply(ints([[12, 1138, 42], [42, 1000, 36]])))).toEqual({ shape: [2, 3], dtype: 'int32', values: [1, 3, 4, 4, 0, 2] });
    // num_oov_indices=2, floormod buckets: 37 -> 1, 1000 -> 0.
    expect((await read(new IntegerLookup({ vocabulary: vocab, numOovIndices: 2 }).apply(ints([[12, 1138, 42], [37, 1000, 36]])))).values).toEqual([2, 4, 5, 1, 0, 3]);
    const learned = new IntegerLookup();
    await learned.adapt(ints([[12, 1138, 42], [42, 1000, 36]]));
    expect(learned.getVocabulary()).toEqual([-1, 42, 1138, 1000, 36, 12]);
    expect((await read(learned.apply(ints([[12, 1138, 42], [42, 1000, 36]])))).values).toEqual([5, 2, 1, 1, 3, 4]);
    // Float inputs holding integers, and a scalar.
    expect((await read(new IntegerLookup({ vocabulary: vocab }).apply(tensor([36, 5])))).values).toEqual([2, 0]);
    expect(await read(new IntegerLookup({ vocabulary: vocab }).apply(tensor(42, [], 'int32')))).toEqual({ shape: [], dtype: 'int32', values: [4] });
  }));

  it('encodes as one_hot, multi_hot, count and tf_idf (the Keras docstring values)', onBothBackends(async () => {
    const oneHot = await read(new IntegerLookup({ vocabulary: vocab, outputMode: 'one_hot' }).apply(tensor([12, 36, 1138, 42, 7], [5], 'int32')));
    expect(oneHot.shape).toEqual([5, 5]);
    expect(oneHot.values).toEqual([0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0]);
    expect((await read(new IntegerLookup({ vocabulary: vocab, outputMode: 'multi_hot' }).apply(ints(data)))).values).toEqual([0, 1, 0, 1, 1, 1, 0, 1, 0, 1]);
    expect((await read(new IntegerLookup({ vocabulary: vocab, outputMode: 'count' }).apply(ints(data)))).values).toEqual([0, 1, 0, 1, 2, 2, 0, 1, 0, 1]);
    const tfIdf = new IntegerLookup({ outputMode: 'tf_idf', vocabulary: vocab, idfWeights: [0.25, 0.75, 0.6, 0.4] });
    expect(await read(tfIdf.apply(ints(data)))).toEqual({ shape: [2, 5], dtype: 'float32', values: [0, 0.25, 0, 0.6, 0.8, 1, 0, 0.75, 0, 0.4] });
    const withOov = new IntegerLookup({ outputMode: 'tf_idf', vocabulary: [-1, ...vocab], idfWeights: [0.9, 0.25, 0.75, 0.6, 0.4] });
    expect((await read(withOov.apply(ints(data)))).values).toEqual([0, 0.25, 0, 0.6, 0.8, 1.8, 0, 0.75, 0, 0.4]);
    // padToMaxTokens widens the encoding to maxTokens slots.
    expect((await read(new IntegerLookup({ vocabulary: vocab, outputMode: 'multi_hot', maxTokens: 7, padToMaxTokens: true }).apply(ints(data)))).shape).toEqual([2, 7]);
  }));

  it('maps indices back to tokens with invert, and handles the mask token (index 0 in int mode, dropped in encodings)', onBothBackends(async () => {
    const inverse = new IntegerLookup({ vocabulary: vocab, invert: true });
    expect(await read(inverse.apply(ints([[1, 3, 4], [4, 0, 2]])))).toEqual({ shape: [2, 3], dtype: 'int32', values: [12, 1138, 42, 42, -1, 36] });
    expect((await read(inverse.apply(tensor([9, -3], [2], 'int32')))).values).toEqual([-1, -1]);
    // Derived from index_lookup.py: mask 0 takes index 0, OOV index 1, tokens from 2.
    const masked = new IntegerLookup({ vocabulary: vocab, maskToken: 0 });
    expect(masked.getVocabulary()).toEqual([0, -1, 12, 36, 1138, 42]);
    expect((await read(masked.apply(ints([[12, 0, 7]])))).values).toEqual([2, 0, 1]);
    const maskedInverse = new IntegerLookup({ vocabulary: vocab, maskToken: 0, invert: true });
    expect((await read(maskedInverse.apply(tensor([0, 1, 2, 5], [4], 'int32')))).values).toEqual([0, -1, 12, 42]);
    const maskedCounts = new IntegerLookup({ vocabulary: vocab, maskToken: 0, outputMode: 'count' });
    expect(maskedCounts.vocabularySize()).toBe(5);
    expect((await read(maskedCounts.apply(ints([[12, 0, 0, 7]])))).values).toEqual([1, 1, 0, 0, 0]);
    // numOovIndices 0: an OOV token gives -1 (a documented departure: Keras raises, which would read back).
    expect((await read(new IntegerLookup({ vocabulary: vocab, numOovIndices: 0 }).apply(tensor([36, 7], [2], 'int32')))).values).toEqual([1, -1]);
  }));

  it('learns tf_idf weights and maxTokens cuts with adapt, from one tensor or batches', async () => {
    // Derived: documents [1, 2, 2], [2, 3] (batches); idf = log(1 + 2 / (1 + df)); OOV gets their mean.
    const layer = new IntegerLookup({ outputMode: 'tf_idf' });
    await layer.adapt([tensor([[1, 2, 2]], [1, 3], 'int32'), tensor([[2, 3, 3]], [1, 3], 'int32')]);
    expect(layer.getVocabulary()).toEqual([-1, 2, 3, 1]);
    const idf = [Math.log(1 + 2 / 3), Math.log(2), Math.log(2)];
    const config = layer.getConfig();
    expect(config.vocabulary).toEqual([-1, 2, 3, 1]);
    (config.idfWeights as number[]).forEach((w, i) => expect(w).toBeCloseTo([(idf[0] + idf[1] + idf[2]) / 3, ...idf][i], 6));
    const capped = new IntegerLookup({ maxTokens: 3 });
    await capped.adapt(tensor([5, 5, 6, 7, 7, 7, -1], [7], 'int32'));
    expect(capped.getVocabulary()).toEqual([-1, 7, 5]);
    expect(capped.getVocabulary(false)).toEqual([7, 5]);
  });

  it('round-trips its config (vocabulary included) and gives symbolic output shapes', async () => {
    const layer = new IntegerLookup({ vocabulary: vocab, maskToken: 0, numOovIndices: 2, outputMode: 'int', name: 'ids' });
    const config = layer.getConfig();
    expect(config).toMatchObject({ name: 'ids', vocabulary: vocab, maskToken: 0, oovToken: -1, numOovIndices: 2, invert: false, outputMode: 'int', sparse: false, padToMaxTokens: false, maxTokens: null, idfWeights: null, vocabularyDtype: 'int64' });
    const copy = IntegerLookup.fromConfig(config) as IntegerLookup;
    expect(copy.getConfig()).toEqual(config);
    const learned = new IntegerLookup({ outputMode: 'count' });
    await learned.adapt(tensor([3, 3, 4], [3], 'int32'));
    const restored = IntegerLookup.fromConfig(learned.getConfig()) as IntegerLookup;
    expect(restored.getVocabulary()).toEqual([-1, 3, 4]);
    expect(learned.computeOutputShape([null, 5])).toEqual([null, 3]);
    expect(new IntegerLookup({ vocabulary: vocab, outputMode: 'one_hot' }).computeOutputShape([null, 1])).toEqual([null, 5]);
  });

  it('refuses invalid options and vocabularies with Keras messages', async () => {
    expect(() => new IntegerLookup({ maxTokens: 1 })).toThrow('If `maxTokens` is set for `IntegerLookup`, it must be greater than 1. Received: maxTokens=1');
    expect(() => new IntegerLookup({ numOovIndices: -1 })).toThrow('must >= 0. Received: numOovIndices=-1');
    expect(() => new IntegerLookup({ sparse: true, outputMode: 'multi_hot' })).toThrow('`sparse=true` is not supported');
    expect(() => new IntegerLookup({ invert: true, outputMode: 'count' })).toThrow("`outputMode` must be 'int' when `invert` is true");
    expect(() => new IntegerLookup({ outputMode: 'tf_idf', vocabulary: vocab })).toThrow('the `idfWeights` argument must also be provided');
    expect(() => new IntegerLookup({ idfWeights: [1] })).toThrow("`idfWeights` should only be set if `outputMode` is 'tf_idf'");
    expect(() => new IntegerLookup({ outputMode: 'bits' as never })).toThrow("Expected one of 'int', 'one_hot', 'multi_hot', 'count', 'tf_idf'. Received: outputMode=\"bits\"");
    expect(() => new IntegerLookup({ vocabulary: [1, 2, 1] })).toThrow('The passed vocabulary has at least one repeated term. Please uniquify your dataset. The repeated terms are: [1]');
    expect(() => new IntegerLookup({ vocabulary: [1, 0], maskToken: 0 })).toThrow('Found reserved mask token at unexpected location in `vocabulary`.');
    expect(() => new IntegerLookup({ vocabulary: [1, 2, 3], maxTokens: 3 })).toThrow('Received vocabulary size is 4; `maxTokens` is 3.');
    expect(() => new IntegerLookup({ vocabulary: [1.5] })).toThrow('expected an integer in the int32 range tokens');
    expect(() => new IntegerLookup({ vocabulary: [] })).toThrow('Cannot set an empty vocabulary.');
    expect(() => new IntegerLookup({ vocabularyDtype: 'string' as never })).toThrow("Expected 'int64' or 'int32'");
    expect(() => new IntegerLookup({ outputMode: 'multi_hot' }).apply(tensor([1], [1], 'int32'))).toThrow("you must set the layer's vocabulary before calling it");
    await expect(new IntegerLookup({ vocabulary: vocab }).adapt(tensor([1], [1], 'int32'))).rejects.toThrow("Cannot adapt layer 'integer_lookup");
  });

  it('leaves no tensors behind', async () => {
    const layer = new IntegerLookup({ vocabulary: vocab, maskToken: 0, numOovIndices: 2, outputMode: 'tf_idf', idfWeights: [1, 2, 3, 4] });
    const inverse = new IntegerLookup({ vocabulary: vocab, invert: true });
    const strings = new StringLookup({ vocabulary: ['a'], outputMode: 'count' });
    const x = ints(data);
    layer.apply(x).dispose();
    await settleGarbage();
    const before = memory().liveTensors;
    layer.apply(x).dispose();
    inverse.apply(x).dispose();
    strings.apply([['a', 'b']]).dispose();
    expect(memory().liveTensors).toBe(before);
    x.dispose();
  });
});

describe('StringLookup', () => {
  const vocab = ['a', 'b', 'c', 'd'];
  const data = [
    ['a', 'c', 'd', 'd'],
    ['d', 'z', 'b', 'z'],
  ];

  it('looks strings up on the host and returns int32 indices (the Keras docstring examples)', onBothBackends(async () => {
    expect(await read(new StringLookup({ vocabulary: vocab }).apply([['a', 'c', 'd'], ['d', 'z', 'b']]))).toEqual({ shape: [2, 3], dtype: 'int32', values: [1, 3, 4, 4, 0, 2] });
    const learned = new StringLookup();
    await learned.adapt([['a', 'c', 'd'], ['d', 'z', 'b']]);
    expect(learned.getVocabulary()).toEqual(['[UNK]', 'd', 'z', 'c', 'b', 'a']);
    expect((await read(learned.apply([['a', 'c', 'd'], ['d', 'z', 'b']]))).values).toEqual([5, 3, 1, 1, 2, 4]);
    expect(await read(new StringLookup({ vocabulary: vocab }).apply('c'))).toEqual({ shape: [], dtype: 'int32', values: [3] });
    // Several OOV indices: in-vocabulary tokens move up by one; OOV tokens go to bucket 0 or 1.
    const buckets = (await read(new StringLookup({ vocabulary: vocab, numOovIndices: 2 }).apply([['a', 'c', 'd'], ['m', 'z', 'b']]))).values;
    expect([buckets.slice(0, 3), buckets[5]]).toEqual([[2, 4, 5], 3]);
    expect(buckets.slice(3, 5).every((id) => id === 0 || id === 1)).toBe(true);
  }));

  it('encodes on the device: one_hot, multi_hot, count, tf_idf (the Keras docstring values)', onBothBackends(async () => {
    const oneHot = await read(new StringLookup({ vocabulary: vocab, outputMode: 'one_hot' }).apply(['a', 'b', 'c', 'd', 'z']));
    expect(oneHot.values).toEqual([0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0]);
    expect((await read(new StringLookup({ vocabulary: vocab, outputMode: 'multi_hot' }).apply(data))).values).toEqual([0, 1, 0, 1, 1, 1, 0, 1, 0, 1]);
    expect((await read(new StringLookup({ vocabulary: vocab, outputMode: 'count' }).apply(data))).values).toEqual([0, 1, 0, 1, 2, 2, 0, 1, 0, 1]);
    const tfIdf = new StringLookup({ outputMode: 'tf_idf' });
    tfIdf.setVocabulary(vocab, [0.25, 0.75, 0.6, 0.4]);
    expect((await read(tfIdf.apply(data))).values).toEqual([0, 0.25, 0, 0.6, 0.8, 1, 0, 0.75, 0, 0.4]);
    tfIdf.setVocabulary(['[UNK]', ...vocab], [0.9, 0.25, 0.75, 0.6, 0.4]);
    expect((await read(tfIdf.apply(data))).values).toEqual([0, 0.25, 0, 0.6, 0.8, 1.8, 0, 0.75, 0, 0.4]);
  }));

  it('inverts indices to strings on the host, and errors on OOV tokens with numOovIndices 0 as Keras', async () => {
    const inverse = new StringLookup({ vocabulary: vocab, invert: true });
    expect(inverse.apply([[1, 3, 4], [4, 0, 2]])).toEqual([['a', 'c', 'd'], ['d', '[UNK]', 'b']]);
    const ids = new StringLookup({ vocabulary: vocab }).apply([['a', 'z']]);
    expect(inverse.apply((await ids.array()) as number[][])).toEqual([['a', '[UNK]']]);
    ids.dispose();
    expect(() => inverse.apply(tensor([1], [1], 'int32') as never)).toThrow('read a tensor back with `layer.apply(await ids.array())`');
    expect(() => new StringLookup({ vocabulary: vocab, numOovIndices: 0 }).apply(['a', 'q', 'r'])).toThrow('When `numOovIndices=0` all inputs should be in vocabulary, found OOV values ["q","r"], consider setting `numOovIndices=1`.');
    const masked = new StringLookup({ vocabulary: vocab, maskToken: '' });
    expect(masked.getVocabulary()).toEqual(['', '[UNK]', 'a', 'b', 'c', 'd']);
    expect(() => new StringLookup({ vocabulary: ['a', '[UNK]'], invert: true })).toThrow('Found reserved OOV token at unexpected location');
  });

  it('adapts from batches (an iterable), refuses tensors and mixed nestings, and round-trips its config', async () => {
    const layer = new StringLookup({ maxTokens: 3, outputMode: 'multi_hot' });
    await layer.adapt((function* () {
      yield ['x', 'y', 'y'];
      yield [['z', 'z'], ['z', 'y']];
    })());
    expect(layer.getVocabulary()).toEqual(['[UNK]', 'z', 'y']);
    const config = layer.getConfig();
    expect(config).toMatchObject({ vocabulary: ['[UNK]', 'z', 'y'], encoding: 'utf-8', maxTokens: 3, outputMode: 'multi_hot', oovToken: '[UNK]', maskToken: null });
    expect((StringLookup.fromConfig(config) as StringLookup).getConfig()).toEqual(config);
    // Ragged rows encode one multi_hot row each (string_lookup_ragged.test.ts); a mixed nesting is refused.
    expect(layer.apply([['a', 'b'], ['c']]).shape).toEqual([2, 3]);
    expect(() => layer.apply([['a', 'b'], 'c'] as never)).toThrow('takes strings (a string, string[] or string[][]), a rectangular nesting, on the host');
    expect(() => layer.apply(tensor([1]) as never)).toThrow('it cannot take tensors or the symbolic inputs of a functional model');
    expect(() => new StringLookup({ encoding: 'latin-1' as never })).toThrow("Expected 'utf-8'");
  });
});
