// adapt() returns a Promise here where Keras's blocks: using a lookup layer before its adapt has
// finished (a missing `await`) is a clear error instead of the old vocabulary, which the running
// adapt would overwrite later.

import { describe, expect, it } from 'vitest';
import { layers, tensor } from '../../src/node';

describe('a lookup layer used while adapt() runs', () => {
  it('throws for reads, sets and calls; works once adapt is awaited', async () => {
    const vectorizer = new layers.TextVectorization({ outputSequenceLength: 3 });
    const adapting = vectorizer.adapt(['the cat sat', 'the dog']);
    expect(() => vectorizer.getVocabulary()).toThrow(/still adapting.*await layer\.adapt\(data\)/);
    expect(() => vectorizer.setVocabulary(['a', 'b'])).toThrow(/setVocabulary\(\): the layer is still adapting/);
    expect(() => vectorizer.apply(['the cat'])).toThrow(/still adapting/);
    await adapting;
    expect(vectorizer.getVocabulary()).toEqual(['', '[UNK]', 'the', 'sat', 'dog', 'cat']);

    const strings = new layers.StringLookup();
    const adaptingStrings = strings.adapt(['a', 'b', 'b']);
    expect(() => strings.apply(['a'])).toThrow(/string_lookup.*\.call\(\): the layer is still adapting/);
    await adaptingStrings;
    expect(strings.getVocabulary()).toEqual(['[UNK]', 'b', 'a']);

    const integers = new layers.IntegerLookup();
    const adaptingIntegers = integers.adapt(tensor([12, 36, 36], [3], 'int32'));
    expect(() => integers.getVocabulary()).toThrow(/still adapting/);
    await adaptingIntegers;
    expect(integers.getVocabulary()).toEqual([-1, 36, 12]);

    // A failed adapt does not leave the layer marked as adapting.
    const failing = new layers.StringLookup({ vocabulary: ['a'] });
    await expect(failing.adapt(['a'])).rejects.toThrow(/static vocabulary/);
    expect(failing.getVocabulary()).toEqual(['[UNK]', 'a']);
  });
});
