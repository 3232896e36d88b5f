// StringLookup over rows of different lengths (src/layers/string_lookup.ts), as keras-io's
// multi-label classification example adapts and encodes its ragged label lists
// (tf.ragged.constant of terms). Keras's lookup layers need TensorFlow, which the reference
// environment here lacks, so the expected values are derived by hand from index_lookup.py's rules:
// the vocabulary is ordered by count; multi_hot/count reduce each row; the idf of a token is
// log(1 + documents / (1 + documents holding it)), each ragged row one document.

import { describe, expect, it } from 'vitest';
import { StringLookup } from '../../src/layers/string_lookup';
import { valuesOf } from '../helpers';

const terms = [['b', 'a'], ['b'], ['c', 'b', 'a']];

describe('StringLookup with ragged rows', () => {
  it('adapts to them and encodes each row as one multi_hot, count or tf_idf vector', async () => {
    const multiHot = new StringLookup({ outputMode: 'multi_hot' });
    await multiHot.adapt(terms);
    expect(multiHot.getVocabulary()).toEqual(['[UNK]', 'b', 'a', 'c']);
    const encoded = multiHot.apply([['a', 'z'], ['c', 'b', 'b']]);
    expect(encoded.shape).toEqual([2, 4]);
    expect(await valuesOf(encoded)).toEqual([1, 0, 1, 0, 0, 1, 0, 1]);

    const count = new StringLookup({ outputMode: 'count', vocabulary: ['b', 'a', 'c'] });
    expect(await valuesOf(count.apply([['a', 'z'], ['c', 'b', 'b']]))).toEqual([1, 0, 1, 0, 0, 2, 0, 1]);

    const tfIdf = new StringLookup({ outputMode: 'tf_idf' });
    await tfIdf.adapt(terms);
    const weights = await valuesOf(tfIdf.apply([['b', 'b'], ['a', 'c', 'c']]));
    const [b, a, c] = [Math.log(1 + 3 / 4), Math.log(1 + 3 / 3), Math.log(1 + 3 / 2)];
    [0, 2 * b, 0, 0, 0, 0, a, 2 * c].forEach((expected, i) => i % 4 !== 0 && expect(weights[i]).toBeCloseTo(expected, 5));
  });

  it('are a clear error where the output would be ragged', () => {
    const lookup = new StringLookup({ vocabulary: ['a', 'b'] });
    expect(() => lookup.apply([['a'], ['a', 'b']])).toThrow(/rows of different lengths \(\[1,2\] tokens\); with outputMode 'int' that would be a ragged output/);
  });
});
