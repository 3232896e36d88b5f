// StringLookup (keras/src/layers/preprocessing/string_lookup.py): maps string tokens to
// vocabulary indices, or with `invert` indices back to strings. This library's tensors hold
// numbers only, so strings are JavaScript data: the lookup (and adapt's counting) runs on the
// CPU; the indices then go to the device as an int32 tensor, where IndexLookup encodes them.

import { hashBucket } from '../ops/fingerprint';
import { tensor } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { IndexLookup, documentRows, type IndexLookupArgs } from './index_lookup';
import type { CallArgs, LayerInput } from './layer';
import type { SymbolicTensor } from './symbolic';

/** Strings as a lookup layer takes them: one, a list, or nested lists of one length per level. */
export type NestedStrings = string | readonly NestedStrings[];

/** Indices as StringLookup's invert takes them (read a tensor back with `await ids.array()`). */
export type NestedIndices = number | readonly NestedIndices[];

export interface StringLookupArgs extends IndexLookupArgs<string> {
  /** The strings' encoding: only 'utf-8' (Keras's default; JavaScript strings are Unicode). */
  encoding?: 'utf-8';
}

/**
 * Maps string tokens to vocabulary indices, with Keras's options and defaults: `maxTokens`
 * (null), `numOovIndices` (1), `maskToken` (null), `oovToken` ('[UNK]'), `vocabulary` (or
 * `await layer.adapt(data)`), `idfWeights`, `invert` (false), `outputMode` ('int', 'one_hot',
 * 'multi_hot', 'count' or 'tf_idf'), `padToMaxTokens` (false), `salt` (null). Indices are laid
 * out as [mask (outputMode 'int' only), OOV indices, vocabulary].
 *
 * Strings are host data: `apply` takes a string, a string[] or a string[][] (any rank, one length
 * per level) and looks the tokens up on the CPU; it returns the int32 indices as a tensor of the
 * same shape ('int'), or their encoding computed on the device (float32); with 'multi_hot',
 * 'count' or 'tf_idf' a string[][] may have rows of different lengths (Keras's ragged input), one
 * encoding per row. With `invert: true` it
 * takes indices as numbers (a tensor: `layer.apply(await ids.array())`) and returns strings. Use
 * it as preprocessing before `fit` (`const ids = lookup.apply(words)`); it cannot take the
 * symbolic inputs of a functional model. With several OOV indices an OOV token goes to OOV index
 * `FarmHash64(its UTF-8 bytes) mod numOovIndices` (tf.strings.to_hash_bucket_fast, as Keras), or
 * with a `salt` the SipHash-2-4 bucket (to_hash_bucket_strong); `oovMethod` is for integer tokens
 * and has no effect here. Departure from Keras: sparse outputs are not supported.
 *
 * @example
 * const lookup = new StringLookup({ vocabulary: ['a', 'b', 'c', 'd'] });
 * lookup.apply([['a', 'c', 'd'], ['d', 'z', 'b']]);     // int32 [[1, 3, 4], [4, 0, 2]]
 * new StringLookup({ vocabulary: ['a', 'b', 'c', 'd'], invert: true }).apply([[1, 3, 4], [4, 0, 2]]);
 * // [['a', 'c', 'd'], ['d', '[UNK]', 'b']]
 * const learned = new StringLookup({ outputMode: 'multi_hot' });
 * await learned.adapt(['a', 'b', 'b']);   // getVocabulary(): ['[UNK]', 'b', 'a']
 */
export class StringLookup extends IndexLookup<string> {
  readonly encoding: 'utf-8';

  constructor(args: StringLookupArgs = {}) {
    super(args, { oovToken: '[UNK]' });
    const encoding = args.encoding ?? 'utf-8';
    if (encoding !== 'utf-8') throw new Error(`Invalid value for argument encoding. Expected 'utf-8' (JavaScript strings are Unicode). Received: encoding=${JSON.stringify(encoding)}`);
    this.encoding = encoding;
    if (this.invert && this.oovToken === null) throw new Error('StringLookup with `invert: true` needs a string `oovToken` (what OOV indices map to).');
  }

  override apply(inputs: NestedStrings, args?: CallArgs): Tensor;
  override apply(inputs: NestedIndices, args?: CallArgs): NestedStrings;
  override apply(inputs: SymbolicTensor, args?: CallArgs): SymbolicTensor;
  override apply(inputs: SymbolicTensor[], args?: CallArgs): SymbolicTensor | SymbolicTensor[];
  override apply(inputs: Tensor, args?: CallArgs): Tensor;
  override apply(inputs: Tensor[], args?: CallArgs): Tensor | Tensor[];
  override apply(inputs: LayerInput, args?: CallArgs): LayerInput;
  override apply(inputs: NestedStrings | NestedIndices | LayerInput): Tensor | NestedStrings | LayerInput {
    const leaf = this.invert ? 'number' : 'string';
    const flat = flattenNested(inputs, (value) => typeof value === leaf);
    const ragged = flat === null && !this.invert ? raggedRows(inputs) : null;
    if (ragged !== null) return this.encodeRaggedRows(ragged);
    if (flat === null) {
      const expected = this.invert ? 'indices as numbers (a number, number[] or number[][]; read a tensor back with `layer.apply(await ids.array())`)' : 'strings (a string, string[] or string[][])';
      throw new Error(`StringLookup '${this.name}' takes ${expected}, a rectangular nesting, on the host; it cannot take tensors or the symbolic inputs of a functional model. Received: ${describe(inputs)}`);
    }
    if (!this.built) this.buildOnce(flat.shape);
    if (this.invert) return nest(this.invertHost(flat.values as number[]) as string[], flat.shape);
    const ids = this.lookupTokens(flat.values as string[]);
    return tidy(() => this.encodeIndices(tensor(ids, flat.shape, 'int32')));
  }

  /**
   * Learns the vocabulary from strings (Keras's adapt): a string[] is a list of one-token
   * documents; a string[][] a list of documents (rows, which may differ in length, as Keras's
   * ragged tensors), which matters for 'tf_idf'. A non-array
   * iterable (a generator, say) gives batches, each a string[] (one document) or string[][]. On
   * the CPU.
   */
  async adapt(data: NestedStrings | Iterable<NestedStrings> | AsyncIterable<NestedStrings>): Promise<void> {
    const name = this.name;
    if (typeof data === 'string' || Array.isArray(data)) await this.adaptDocuments([documentsOf(name, data as NestedStrings, true)]);
    else if (data !== null && typeof data === 'object' && (Symbol.asyncIterator in data || Symbol.iterator in data)) {
      await this.adaptDocuments(
        (async function* () {
          for await (const batch of data as AsyncIterable<NestedStrings>) yield documentsOf(name, batch, false);
        })(),
      );
    } else throw new Error(`Invalid value for argument data of ${name}.adapt(). Expected strings (a string[] or string[][]) or an iterable of batches of them. Received: ${describe(data)}`);
  }

  /**
   * Rows of different lengths (Keras's ragged input) reduced to one encoding per row: the rows are
   * padded with index -1, which the encodings drop. Only the reducing output modes can take them.
   */
  private encodeRaggedRows(rows: string[][]): Tensor {
    if (this.outputMode !== 'multi_hot' && this.outputMode !== 'count' && this.outputMode !== 'tf_idf') {
      throw new Error(`StringLookup '${this.name}' got rows of different lengths (${JSON.stringify(rows.map((row) => row.length))} tokens); with outputMode '${this.outputMode}' that would be a ragged output, which this library has no tensor for. Pad the rows to one length, or use outputMode 'multi_hot', 'count' or 'tf_idf' (one encoding per row).`);
    }
    const width = Math.max(1, ...rows.map((row) => row.length));
    if (!this.built) this.buildOnce([rows.length, width]);
    const ids = new Int32Array(rows.length * width).fill(-1);
    rows.forEach((row, r) => ids.set(this.lookupTokens(row), r * width));
    return tidy(() => this.encodeIndices(tensor(ids, [rows.length, width], 'int32')));
  }

  /** @internal The index of each token (TextVectorization's lookup): on the CPU. */
  lookupTokens(tokens: readonly string[]): Int32Array {
    return this.lookupHost(tokens, (token) => hashBucket(token, this.numOovIndices, this.salt));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), encoding: this.encoding };
  }

  protected override isToken(value: unknown): value is string {
    return typeof value === 'string';
  }

  protected override tokenKind(): string {
    return 'a string';
  }
}

/** The leaves of a rectangular nesting of arrays and its shape, or null when it is not one (or a leaf fails `isLeaf`). */
export function flattenNested(value: unknown, isLeaf: (leaf: unknown) => boolean): { values: unknown[]; shape: number[] } | null {
  if (!Array.isArray(value)) return isLeaf(value) ? { values: [value], shape: [] } : null;
  const parts = value.map((item) => flattenNested(item, isLeaf));
  if (parts.some((part) => part === null)) return null;
  const inner = parts[0]?.shape ?? [];
  if (parts.some((part) => part!.shape.join(',') !== inner.join(','))) return null;
  return { values: parts.flatMap((part) => part!.values), shape: [value.length, ...inner] };
}

/** Rows of strings of different lengths (a ragged string[][]), or null when `value` is not that. */
function raggedRows(value: unknown): string[][] | null {
  const isRow = (row: unknown): row is string[] => Array.isArray(row) && row.every((token) => typeof token === 'string');
  return Array.isArray(value) && value.length > 0 && value.every(isRow) ? (value as string[][]) : null;
}

/** Flat values back into nested arrays of this shape. */
function nest(values: string[], shape: readonly number[]): NestedStrings {
  if (shape.length === 0) return values[0];
  const size = values.length / Math.max(shape[0], 1);
  return Array.from({ length: shape[0] }, (_, i) => nest(values.slice(i * size, (i + 1) * size), shape.slice(1)));
}

/** The documents of adapt's data (see documentRows), checked to be strings. */
function documentsOf(name: string, data: NestedStrings, whole: boolean): string[][] {
  const flat = flattenNested(data, (value) => typeof value === 'string');
  const ragged = flat === null ? raggedRows(data) : null;
  if (ragged !== null) return ragged.map((row) => [...row]);
  if (flat === null) throw new Error(`Invalid value for argument data of ${name}.adapt(). Expected strings in a rectangular nesting, or rows of strings of different lengths (a ragged string[][]). Received: ${describe(data)}`);
  return documentRows(flat.values as string[], flat.shape, whole);
}

/** A short description of a wrong input, for error messages. */
export function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? String(value);
  if (Array.isArray(value)) return `a list (${JSON.stringify(value).slice(0, 80)})`;
  return `a ${value.constructor?.name ?? 'object'}`;
}
