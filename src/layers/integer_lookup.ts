// IntegerLookup (keras/src/layers/preprocessing/integer_lookup.py): maps integer tokens to
// contiguous vocabulary indices, or with `invert` indices back to tokens. The lookup runs on the
// device and reads nothing back: a binary search (searchsorted) in the sorted vocabulary, then a
// gather of the indices; OOV tokens go to their OOV index by floormod or by a FarmHash64 (or
// SipHash) bucket of their decimal text (the hashToBuckets op); the encodings are IndexLookup's.

import { add, cast, equal, greaterEqual, less, logicalAnd, minimum, maximum, mod, where } from '../ops/elementwise';
import { fill } from '../ops/creation';
import { hashToBuckets } from '../ops/hashing';
import { searchsorted } from '../ops/statistics';
import { gather } from '../ops/shape';
import { tensor } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import { Tensor } from '../tensor/tensor';
import type { DType } from '../backend/types';
import { IndexLookup, documentRows, type IndexLookupArgs } from './index_lookup';

export interface IntegerLookupArgs extends IndexLookupArgs<number> {
  /** Keras's vocabulary dtype, 'int64' (default; Keras's only one) or 'int32': tokens are int32 values on the device either way. */
  vocabularyDtype?: 'int64' | 'int32';
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Maps integer tokens (an int32 tensor, or float32 holding integers) to vocabulary indices, with
 * Keras's options and defaults: `maxTokens` (null), `numOovIndices` (1), `maskToken` (null),
 * `oovToken` (-1), `vocabulary` (or `await layer.adapt(data)`), `idfWeights`, `invert` (false),
 * `outputMode` ('int', 'one_hot', 'multi_hot', 'count' or 'tf_idf'), `padToMaxTokens` (false),
 * `oovMethod` ('floormod'), `salt` (null). Indices are laid out as [mask (outputMode 'int' only),
 * OOV indices, vocabulary]. With several OOV indices an OOV token goes to OOV index
 * `token mod numOovIndices` (oovMethod 'floormod'), or with oovMethod 'farmhash' to the
 * FarmHash64 bucket of its decimal text (tf.strings.to_hash_bucket_fast), the SipHash-2-4 one
 * with a `salt`.
 *
 * Everything runs on the device, nothing is read back: the lookup is a binary search in the
 * sorted vocabulary, so 'int' outputs are int32 indices of the input's shape, and the encodings
 * float32. Departures from Keras: tokens and indices are int32 (Keras's int64); with
 * `numOovIndices: 0` an OOV token gives index -1 instead of an error (checking would read the
 * result back); sparse outputs are not supported. `adapt` reads its data back to count tokens
 * on the CPU.
 *
 * @example
 * const lookup = new IntegerLookup({ vocabulary: [12, 36, 1138, 42] });
 * lookup.apply(tensor([[12, 1138, 42], [42, 1000, 36]], [2, 3], 'int32'));   // [[1, 3, 4], [4, 0, 2]]
 * const inverse = new IntegerLookup({ vocabulary: [12, 36, 1138, 42], invert: true });
 * inverse.apply(tensor([[1, 3, 4], [4, 0, 2]], [2, 3], 'int32'));            // [[12, 1138, 42], [42, -1, 36]]
 * const learned = new IntegerLookup();
 * await learned.adapt(tensor([12, 36, 36, 42], [4], 'int32'));   // getVocabulary(): [-1, 36, 42, 12]
 */
export class IntegerLookup extends IndexLookup<number> {
  readonly vocabularyDtype: 'int64' | 'int32';

  constructor(args: IntegerLookupArgs = {}) {
    if (args?.maxTokens !== undefined && args.maxTokens !== null && args.maxTokens <= 1) {
      throw new Error(`If \`maxTokens\` is set for \`IntegerLookup\`, it must be greater than 1. Received: maxTokens=${args.maxTokens}`);
    }
    if (args?.numOovIndices !== undefined && args.numOovIndices < 0) {
      throw new Error(`The value of \`numOovIndices\` argument for \`IntegerLookup\` must >= 0. Received: numOovIndices=${args.numOovIndices}`);
    }
    super(args, { oovToken: -1 });
    const vocabularyDtype = args.vocabularyDtype ?? 'int64';
    if (vocabularyDtype !== 'int64' && vocabularyDtype !== 'int32') {
      throw new Error(`Invalid value for argument vocabularyDtype. Expected 'int64' or 'int32'. Received: vocabularyDtype=${JSON.stringify(vocabularyDtype)}`);
    }
    this.vocabularyDtype = vocabularyDtype;
    if (this.salt !== null && this.oovMethod !== 'farmhash') throw new Error(`\`salt\` can only be used when \`oovMethod='farmhash'\`. Received: oovMethod=${this.oovMethod}`);
    if (this.invert && this.oovToken === null) throw new Error('IntegerLookup with `invert: true` needs an integer `oovToken` (what OOV indices map to).');
  }

  /**
   * Learns the vocabulary from integer tokens (Keras's adapt): a tensor (a rank-1 one is a list of
   * one-token documents, otherwise each first-axis slice is a document for 'tf_idf'), or a list of
   * batches (each batch's first-axis slices its documents; a rank-1 batch is one document). Reads
   * the data back and counts on the CPU.
   */
  async adapt(data: Tensor | readonly Tensor[]): Promise<void> {
    const batches = data instanceof Tensor ? [data] : Array.isArray(data) && data.length > 0 && data.every((b) => b instanceof Tensor) ? data : null;
    if (batches === null) throw new Error(`Invalid value for argument data of ${this.name}.adapt(). Expected a tensor or a non-empty list of tensors (batches).`);
    const whole = data instanceof Tensor;
    await this.adaptDocuments(
      (async function* () {
        for (const batch of batches) yield documentRows(Array.from(await batch.data(), Math.trunc), batch.shape, whole);
      })(),
    );
  }

  override call(inputs: Tensor): Tensor {
    return tidy(() => {
      const x = inputs.dtype === 'int32' ? inputs : cast(inputs, 'int32');
      return this.invert ? this.tokensOf(x) : this.encodeIndices(this.indicesOf(x));
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), vocabularyDtype: this.vocabularyDtype };
  }

  protected override isToken(value: unknown): value is number {
    return typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX;
  }

  protected override tokenKind(): string {
    return 'an integer in the int32 range';
  }

  protected override traceInputDtype(): DType {
    return 'int32';
  }

  /** The index of each token: found by binary search in the sorted vocabulary, else an OOV index, and the mask token's. */
  private indicesOf(x: Tensor): Tensor {
    const tokens = this.vocabularyTokens();
    const oovStart = this.oovStart();
    const oov = this.numOovIndices > 1 ? add(this.oovBuckets(x), oovStart) : this.numOovIndices === 1 ? oovStart : -1;
    let ids: Tensor;
    if (tokens.length === 0) ids = oov instanceof Tensor ? oov : fill(x.shape, oov, 'int32');
    else {
      const order = tokens.map((_, i) => i).sort((a, b) => tokens[a] - tokens[b]);
      const sorted = tensor(Int32Array.from(order, (i) => tokens[i]), [tokens.length], 'int32');
      const sortedIndices = tensor(Int32Array.from(order, (i) => this.tokenStart() + i), [tokens.length], 'int32');
      const position = minimum(searchsorted(sorted, x), tokens.length - 1);
      ids = where(equal(gather(sorted, position), x), gather(sortedIndices, position), oov);
    }
    return this.maskToken === null ? ids : where(equal(x, this.maskToken), this.outputMode === 'int' ? 0 : -1, ids);
  }

  /** The OOV bucket of each token, in [0, numOovIndices). */
  private oovBuckets(x: Tensor): Tensor {
    return this.oovMethod === 'farmhash' ? hashToBuckets(x, this.numOovIndices, this.salt) : mod(x, this.numOovIndices);
  }

  /** The token of each index (invert): the vocabulary entry, or the OOV token outside it. */
  private tokensOf(x: Tensor): Tensor {
    const vocabulary = this.getVocabulary().map((token) => token ?? this.oovToken!);
    if (vocabulary.length === 0) return fill(x.shape, this.oovToken!, 'int32');
    const table = tensor(Int32Array.from(vocabulary), [vocabulary.length], 'int32');
    const inside = logicalAnd(greaterEqual(x, 0), less(x, vocabulary.length));
    return where(inside, gather(table, minimum(maximum(x, 0), vocabulary.length - 1)), this.oovToken!);
  }
}
