// TextVectorization (src/layers/text_vectorization.ts). Keras 3.16's TextVectorization needs
// TensorFlow, which the reference environment here lacks (its NumPy backend refuses the layer), so
// the expected values are the outputs printed in Keras's docstring
// (keras/src/layers/preprocessing/text_vectorization.py) and values derived by hand from its rules
// (TensorFlow's strings.lower, regex_replace of ASCII punctuation, strings.split, unicode_split,
// strings.ngrams, and index_lookup.py's vocabulary order), each noted. Encodings run on WebGPU and
// on the CPU backend.

import { describe, expect, it } from 'vitest';
import { memory, type Tensor } from '../../src/node';
import { TextVectorization } from '../../src/layers/text_vectorization';
import { onBothBackends, settleGarbage, useWebGPU } from '../helpers';

useWebGPU();

async function read(x: Tensor): Promise<{ shape: number[]; dtype: string; values: number[] }> {
  const result = { shape: [...x.shape], dtype: x.dtype, values: Array.from(await x.data(), (v) => Math.round(v * 1e5) / 1e5) };
  x.dispose();
  return result;
}

describe('TextVectorization', () => {
  it('matches the Keras docstring examples (adapt, then int sequences padded to outputSequenceLength; a given vocabulary)', onBothBackends(async () => {
    const layer = new TextVectorization({ maxTokens: 5000, outputMode: 'int', outputSequenceLength: 4 });
    await layer.adapt(['foo bar', 'bar baz', 'baz bada boom']);
    expect(await read(layer.apply([['foo qux bar'], ['qux baz']]))).toEqual({ shape: [2, 4], dtype: 'int32', values: [4, 1, 3, 0, 1, 2, 0, 0] });
    expect(layer.getVocabulary()).toEqual(['', '[UNK]', 'baz', 'bar', 'foo', 'boom', 'bada']);
    const given = new TextVectorization({ maxTokens: 5000, outputMode: 'int', outputSequenceLength: 4, vocabulary: ['earth', 'wind', 'and', 'fire'] });
    expect(given.getVocabulary()).toEqual(['', '[UNK]', 'earth', 'wind', 'and', 'fire']);
    expect(given.vocabularySize()).toBe(6);
  }));

  it('standardizes (ASCII lowercasing, ASCII punctuation), splits and pads to the longest document without outputSequenceLength', onBothBackends(async () => {
    const layer = new TextVectorization({ vocabulary: ['hello', 'world', 'émile', 'don’t'] });
    // Derived: 'Hello, World!' -> 'hello world'; 'ÉMILE' keeps its non-ASCII capital (strings.lower is ASCII-only);
    // "don’t" keeps its typographic apostrophe (not ASCII punctuation); tabs and newlines split.
    const out = await read(layer.apply(['Hello, World!', '  émile\tDON’T\nhello ', 'ÉMILE']));
    expect(out).toEqual({ shape: [3, 3], dtype: 'int32', values: [2, 3, 0, 4, 5, 2, 1, 0, 0] });
    const trimmed = new TextVectorization({ vocabulary: ['a', 'b'], outputSequenceLength: 2, standardize: null });
    expect((await read(trimmed.apply(['a B a b', 'b']))).values).toEqual([2, 1, 3, 0]);
    expect((await read(trimmed.apply('b a'))).shape).toEqual([2]);
  }));

  it('splits into characters, adds n-grams in TensorFlow order, and takes functions', onBothBackends(async () => {
    const characters = new TextVectorization({ split: 'character', standardize: 'lower' });
    await characters.adapt(['Abba', 'cab']);
    // Derived: counts a 3, b 3, c 1; ties by token, decreasing.
    expect(characters.getVocabulary()).toEqual(['', '[UNK]', 'b', 'a', 'c']);
    expect((await read(characters.apply(['cAb!']))).values).toEqual([4, 3, 2, 1]);
    // Derived from strings.ngrams(widths (1, 2)): unigrams, then bigrams.
    const ngrams = new TextVectorization({ ngrams: 2 });
    await ngrams.adapt(['x y z']);
    expect(ngrams.getVocabulary(false)).toEqual(['z', 'y z', 'y', 'x y', 'x']);
    expect((await read(ngrams.apply(['x y', 'z']))).values).toEqual([6, 4, 5, 2, 0, 0]);
    const custom = new TextVectorization({ standardize: (text) => text.replace(/-/g, ' '), split: (text) => text.split(' '), vocabulary: ['a', 'b'] });
    expect((await read(custom.apply(['a-b', 'b']))).values).toEqual([2, 3, 3, 0]);
    expect(() => custom.getConfig()).toThrow('a `standardize` function cannot be saved in a config');
  }));

  it('encodes documents on the device: multi_hot, count (padded to maxTokens), and tf_idf learned by adapt', onBothBackends(async () => {
    const vocabulary = ['the', 'cat', 'dog'];
    const multiHot = new TextVectorization({ vocabulary, outputMode: 'multi_hot' });
    expect(await read(multiHot.apply(['The cat, the DOG', 'a bird', '']))).toEqual({ shape: [3, 4], dtype: 'float32', values: [0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0] });
    const count = new TextVectorization({ vocabulary, outputMode: 'count', maxTokens: 6, padToMaxTokens: true });
    expect(await read(count.apply(['the cat the cow']))).toEqual({ shape: [1, 6], dtype: 'float32', values: [1, 2, 1, 0, 0, 0] });
    expect((await read(count.apply('cat cat'))).shape).toEqual([6]);
    // Derived: documents 'a b', 'a', 'c'; idf(t) = log(1 + 3 / (1 + df(t))), the OOV slot the mean.
    const tfIdf = new TextVectorization({ outputMode: 'tf_idf' });
    await tfIdf.adapt(['a b', 'a', 'c']);
    expect(tfIdf.getVocabulary()).toEqual(['[UNK]', 'a', 'c', 'b']);
    const [idfA, idfOne] = [Math.log(1 + 3 / 3), Math.log(1 + 3 / 2)];
    const mean = (idfA + 2 * idfOne) / 3;
    const out = await read(tfIdf.apply(['a a z b']));
    [mean, 2 * idfA, 0, idfOne].forEach((v, i) => expect(out.values[i]).toBeCloseTo(v, 4));
    const config = tfIdf.getConfig();
    expect(config.vocabulary).toEqual(['[UNK]', 'a', 'c', 'b']);
    const copy = TextVectorization.fromConfig(config) as TextVectorization;
    const again = await read(copy.apply(['a a z b']));
    again.values.forEach((v, i) => expect(v).toBeCloseTo(out.values[i], 5));
  }));

  it('round-trips its config with Keras option names and defaults', () => {
    const layer = new TextVectorization({ vocabulary: ['x'], ngrams: [1, 3], outputSequenceLength: 5, name: 'vectorizer' });
    const config = layer.getConfig();
    expect(config).toMatchObject({
      name: 'vectorizer', maxTokens: null, standardize: 'lower_and_strip_punctuation', split: 'whitespace', ngrams: [1, 3], outputMode: 'int',
      outputSequenceLength: 5, padToMaxTokens: false, sparse: false, ragged: false, vocabulary: ['x'], idfWeights: null, encoding: 'utf-8',
    });
    expect((TextVectorization.fromConfig(config) as TextVectorization).getConfig()).toEqual(config);
  });

  it('refuses invalid options and inputs with clear errors', async () => {
    expect(() => new TextVectorization({ standardize: 'upper' as never })).toThrow("Unknown value for `standardize` argument of TextVectorization. Allowed values are: 'lower_and_strip_punctuation', 'lower', 'strip_punctuation', null or a function. Received: standardize=\"upper\"");
    expect(() => new TextVectorization({ split: 'comma' as never })).toThrow('Unknown value for `split` argument');
    expect(() => new TextVectorization({ ngrams: 1.5 })).toThrow('`ngrams` must be null, a positive integer, or a list of positive integers.');
    expect(() => new TextVectorization({ outputMode: 'count', outputSequenceLength: 3 })).toThrow("`outputSequenceLength` must not be set if `outputMode` is not 'int'.");
    expect(() => new TextVectorization({ ragged: true })).toThrow('`ragged=true` is not supported');
    expect(() => new TextVectorization({ sparse: true, outputMode: 'multi_hot' })).toThrow('`sparse=true` is not supported');
    expect(() => new TextVectorization({ outputMode: 'multi_hot' }).apply(['a'])).toThrow("you must set the layer's vocabulary before calling it");
    const layer = new TextVectorization({ vocabulary: ['a'] });
    expect(() => layer.apply([['a b', 'c']])).toThrow('the input rank must be 1 or the last shape dimension must be 1. Received: inputs.shape=[1, 2] with rank=2');
    expect(() => layer.apply(42 as never)).toThrow('cannot take tensors or the symbolic inputs of a functional model');
    await expect(layer.adapt(['a'])).rejects.toThrow("Cannot adapt layer 'string_lookup");
  });

  it('leaves no tensors behind', async () => {
    const layer = new TextVectorization({ vocabulary: ['a', 'b'], outputMode: 'tf_idf', idfWeights: [1, 2] });
    layer.apply(['a b']).dispose();
    await settleGarbage();
    const before = memory().liveTensors;
    layer.apply(['a b b', 'c']).dispose();
    expect(memory().liveTensors).toBe(before);
  });
});
