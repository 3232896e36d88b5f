// TextVectorization (keras/src/layers/preprocessing/text_vectorization.py): turns text into
// sequences of token indices or into per-document encodings. Text is JavaScript data, so
// standardizing, splitting, n-grams and the vocabulary lookup (a StringLookup with the mask token
// '') run on the CPU; the indices go to the device as an int32 tensor, where the 'one_hot',
// 'multi_hot', 'count' and 'tf_idf' encodings are computed.

import { tensor } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { Layer, type CallArgs, type LayerArgs, type LayerInput } from './layer';
import type { LookupOutputMode } from './index_lookup';
import { StringLookup, describe, flattenNested, type NestedStrings } from './string_lookup';
import type { SymbolicTensor } from './symbolic';

/** How text is standardized before splitting: a named rule, none, or a function applied to each string. */
export type TextStandardize = 'lower_and_strip_punctuation' | 'lower' | 'strip_punctuation' | ((text: string) => string) | null;

/** How standardized text becomes tokens: a named rule, none (each string is a token), or a function applied to each string. */
export type TextSplit = 'whitespace' | 'character' | ((text: string) => string[]) | null;

export interface TextVectorizationArgs extends LayerArgs {
  /** Largest vocabulary size, the padding '' and OOV '[UNK]' tokens included (null: no cap). */
  maxTokens?: number | null;
  /** Default 'lower_and_strip_punctuation'. */
  standardize?: TextStandardize;
  /** Default 'whitespace'. */
  split?: TextSplit;
  /** n: add the 1- to n-grams of each document's tokens; a list: n-grams of those sizes (default null: tokens only). */
  ngrams?: number | readonly number[] | null;
  /** 'int' (default), 'one_hot', 'multi_hot', 'count' or 'tf_idf' ('binary' and 'tf-idf' are Keras's old names). */
  outputMode?: LookupOutputMode | 'binary' | 'tf-idf';
  /** 'int' mode: pad with 0 or cut each sequence to this length (default null: the longest document's). */
  outputSequenceLength?: number | null;
  /** Encode to `maxTokens` slots whatever the vocabulary size (default false). */
  padToMaxTokens?: boolean;
  /** The vocabulary, instead of adapt (it may start with '' and '[UNK]'). */
  vocabulary?: readonly string[] | null;
  /** With outputMode 'tf_idf' and a vocabulary: one inverse document frequency per vocabulary token. */
  idfWeights?: readonly number[] | null;
  /** Sparse outputs: not supported (no sparse tensors here); only false. */
  sparse?: boolean;
  /** Ragged outputs: not supported (no ragged tensors here); only false. */
  ragged?: boolean;
  /** Only 'utf-8' (JavaScript strings are Unicode). */
  encoding?: 'utf-8';
}

const STANDARDIZE_NAMES = ['lower_and_strip_punctuation', 'lower', 'strip_punctuation'];
const SPLIT_NAMES = ['whitespace', 'character'];
/** Keras's punctuation pattern: every ASCII punctuation character. */
const PUNCTUATION = /[!"#$%&()*+,\-./:;<=>?@[\\\]^_`{|}~']/g;
/** TensorFlow's whitespace for strings.split: ASCII spaces, tabs and line breaks. */
const WHITESPACE = /[ \t\n\v\f\r]+/;

/**
 * Maps text to token indices or encodings, with Keras's options and defaults: `maxTokens` (null),
 * `standardize` ('lower_and_strip_punctuation'; 'lower' lowercases ASCII letters only, as
 * TensorFlow's strings.lower), `split` ('whitespace'), `ngrams` (null), `outputMode` ('int'),
 * `outputSequenceLength` (null), `padToMaxTokens` (false), `vocabulary` (or
 * `await layer.adapt(texts)`), `idfWeights`. Index 0 is padding (the token ''), index 1 OOV
 * ('[UNK]'), then the vocabulary, most frequent first when adapted.
 *
 * Text is host data: `apply` takes a string, a string[] (one document each) or a string[][] whose
 * rows hold one document, and does all string work on the CPU (say so to anyone timing it); 'int'
 * gives an int32 tensor [documents, length] padded with 0, and the other modes a float32 tensor
 * [documents, vocabularySize] computed on the device. It is preprocessing to run before `fit`
 * (`const ids = vectorizer.apply(texts); await model.fit(ids, labels)`), not a layer of a
 * functional model: it cannot take symbolic (string) inputs. Departures from Keras: a
 * `standardize` or `split` function gets one string at a time (not a batch tensor) and cannot be
 * saved in a config; sparse and ragged outputs are not supported.
 *
 * @example
 * const vectorizer = new TextVectorization({ maxTokens: 5000, outputSequenceLength: 4 });
 * await vectorizer.adapt(['The sky is blue.', 'The sea is blue!', 'A red sun']);
 * vectorizer.getVocabulary();           // ['', '[UNK]', 'the', 'is', 'blue', 'sun', 'sky', 'sea', 'red', 'a']
 * vectorizer.apply(['the red sky', 'hello blue sea']);   // int32 [[2, 8, 6, 0], [1, 4, 7, 0]]
 */
export class TextVectorization extends Layer {
  readonly standardize: TextStandardize;
  readonly split: TextSplit;
  readonly ngrams: number | number[] | null;
  readonly outputMode: LookupOutputMode;
  readonly outputSequenceLength: number | null;
  readonly ragged: boolean;
  /** The vocabulary and its encodings (Keras's _lookup_layer). */
  private readonly lookup: StringLookup;
  private readonly ngramWidths: number[] | null;

  constructor(args: TextVectorizationArgs = {}) {
    super(args);
    const standardize = args.standardize === undefined ? 'lower_and_strip_punctuation' : args.standardize;
    checkRule('standardize', standardize, STANDARDIZE_NAMES);
    const split = args.split === undefined ? 'whitespace' : args.split;
    checkRule('split', split, SPLIT_NAMES);
    const ngrams = args.ngrams ?? null;
    const validNgrams = ngrams === null || (typeof ngrams === 'number' && Number.isInteger(ngrams) && ngrams > 0) || (Array.isArray(ngrams) && ngrams.every((n) => Number.isInteger(n) && n > 0));
    if (!validNgrams) throw new Error(`\`ngrams\` must be null, a positive integer, or a list of positive integers. Received: ngrams=${JSON.stringify(ngrams)}`);
    const named = args.outputMode ?? 'int';
    const outputMode: LookupOutputMode = named === 'binary' ? 'multi_hot' : named === 'tf-idf' ? 'tf_idf' : named;
    const length = args.outputSequenceLength ?? null;
    if (outputMode === 'int' && length !== null && !(Number.isInteger(length) && length >= 0)) {
      throw new Error(`\`outputSequenceLength\` must be either null or a non-negative integer when \`outputMode\` is 'int'. Received: outputSequenceLength=${length}`);
    }
    if (outputMode !== 'int' && length !== null) throw new Error(`\`outputSequenceLength\` must not be set if \`outputMode\` is not 'int'. Received outputSequenceLength=${length}.`);
    const ragged = args.ragged ?? false;
    if (ragged) throw new Error('`ragged=true` is not supported: this library has no ragged tensors; use outputSequenceLength (or the default padding to the longest document) instead.');
    this.standardize = standardize;
    this.split = split;
    this.ngrams = Array.isArray(ngrams) ? [...ngrams] : (ngrams as number | null);
    this.ngramWidths = typeof ngrams === 'number' ? Array.from({ length: ngrams }, (_, i) => i + 1) : Array.isArray(ngrams) ? [...ngrams] : null;
    this.outputMode = outputMode;
    this.outputSequenceLength = length;
    this.ragged = ragged;
    this.lookup = new StringLookup({
      maxTokens: args.maxTokens ?? null,
      vocabulary: args.vocabulary ?? null,
      idfWeights: args.idfWeights ?? null,
      padToMaxTokens: args.padToMaxTokens ?? false,
      maskToken: '',
      outputMode,
      sparse: args.sparse ?? false,
      encoding: args.encoding ?? 'utf-8',
    });
  }

  override apply(inputs: NestedStrings, args?: CallArgs): Tensor;
  override apply(inputs: SymbolicTensor, args?: CallArgs): SymbolicTensor;
  override apply(inputs: SymbolicTensor[], args?: CallArgs): SymbolicTensor | SymbolicTensor[];
  override apply(inputs: Tensor, args?: CallArgs): Tensor;
  override apply(inputs: Tensor[], args?: CallArgs): Tensor | Tensor[];
  override apply(inputs: LayerInput, args?: CallArgs): LayerInput;
  override apply(inputs: NestedStrings | LayerInput): Tensor | LayerInput {
    const { documents, shape } = this.preprocess(inputs);
    if (!this.built) this.buildOnce(shape);
    const longest = Math.max(0, ...documents.map((tokens) => tokens.length));
    if (this.outputMode === 'int') {
      const length = this.outputSequenceLength ?? longest;
      const ids = new Int32Array(documents.length * length);
      documents.forEach((tokens, d) => ids.set(this.lookup.lookupTokens(tokens.slice(0, length)), d * length));
      const single = shape.length === 0 && this.split === null && this.outputSequenceLength === null;
      return tensor(ids, single ? [] : shape.length === 0 || (this.split === null && shape.length === 1) ? [length] : [documents.length, length], 'int32');
    }
    // Padding is index -1, which the encodings drop (as Keras encodes ragged rows).
    const width = Math.max(1, longest);
    const ids = new Int32Array(documents.length * width).fill(-1);
    documents.forEach((tokens, d) => ids.set(this.lookup.lookupTokens(tokens), d * width));
    const oneDocument = shape.length === 0 || (this.split === null && shape.length === 1);
    return tidy(() => this.lookup.encodeIndices(tensor(ids, oneDocument ? [width] : [documents.length, width], 'int32')));
  }

  /**
   * Learns the vocabulary (and 'tf_idf' weights) from texts, as Keras: a string[] or a string[][]
   * of one string per row, each string a document; or a non-array iterable (a generator) of such
   * batches. Standardizes, splits and counts on the CPU.
   *
   * @example
   * await vectorizer.adapt(['the cat sat', 'the dog']);   // vocabulary ['', '[UNK]', 'the', 'sat', 'dog', 'cat']
   */
  async adapt(data: NestedStrings | Iterable<NestedStrings> | AsyncIterable<NestedStrings>): Promise<void> {
    const preprocess = (batch: NestedStrings) => this.preprocess(batch).documents;
    if (typeof data === 'string' || Array.isArray(data)) {
      // A whole string[] is a column of documents, one per row, as Keras's adapt expands it.
      const rows = Array.isArray(data) && data.every((item) => typeof item === 'string') ? data.map((text) => [text as string]) : (data as NestedStrings);
      await this.lookup.adaptDocuments([preprocess(rows)]);
    } else if (data !== null && typeof data === 'object' && (Symbol.asyncIterator in data || Symbol.iterator in data)) {
      await this.lookup.adaptDocuments(
        (async function* () {
          for await (const batch of data as AsyncIterable<NestedStrings>) yield preprocess(batch);
        })(),
      );
    } else throw new Error(`Invalid value for argument data of ${this.name}.adapt(). Expected texts (a string[] or string[][]) or an iterable of batches of them. Received: ${describe(data)}`);
  }

  /** The vocabulary in index order; with `includeSpecialTokens` (default) '' and '[UNK]' first. */
  getVocabulary(includeSpecialTokens = true): string[] {
    return this.lookup.getVocabulary(includeSpecialTokens) as string[];
  }

  /** Replaces the vocabulary (and 'tf_idf' weights), as StringLookup's setVocabulary. */
  setVocabulary(vocabulary: readonly string[], idfWeights: readonly number[] | null = null): void {
    this.lookup.setVocabulary(vocabulary, idfWeights);
  }

  /** The number of indices, padding and OOV included. */
  vocabularySize(): number {
    return this.lookup.vocabularySize();
  }

  /** Options as Keras's get_config; a `standardize` or `split` function cannot be saved (an error). */
  override getConfig(): Record<string, unknown> {
    for (const [name, rule] of [['standardize', this.standardize], ['split', this.split]] as const) {
      if (typeof rule === 'function') throw new Error(`TextVectorization '${this.name}': a \`${name}\` function cannot be saved in a config; use one of the named rules to save the layer.`);
    }
    const lookup = this.lookup.getConfig();
    return {
      ...super.getConfig(),
      maxTokens: lookup.maxTokens,
      standardize: this.standardize,
      split: this.split,
      ngrams: Array.isArray(this.ngrams) ? [...this.ngrams] : this.ngrams,
      outputMode: this.outputMode,
      outputSequenceLength: this.outputSequenceLength,
      padToMaxTokens: lookup.padToMaxTokens,
      sparse: lookup.sparse,
      ragged: this.ragged,
      vocabulary: lookup.vocabulary,
      idfWeights: lookup.idfWeights,
      encoding: lookup.encoding,
    };
  }

  /** The documents' tokens (standardized, split, with n-grams) and the input's shape; on the CPU. */
  private preprocess(inputs: unknown): { documents: string[][]; shape: number[] } {
    const flat = flattenNested(inputs, (value) => typeof value === 'string');
    if (flat === null || flat.shape.length > 2) {
      throw new Error(
        `TextVectorization '${this.name}' takes text on the host: a string, a string[] or a string[][] (rectangular); it cannot take tensors or the symbolic inputs of a functional model ` +
          `(run it before fit: \`const ids = vectorizer.apply(texts)\`). Received: ${describe(inputs)}`,
      );
    }
    const texts = (flat.values as string[]).map((text) => this.standardized(text));
    const { shape } = flat;
    let documents: string[][];
    if (this.split === null) documents = shape.length === 2 ? Array.from({ length: shape[0] }, (_, r) => texts.slice(r * shape[1], (r + 1) * shape[1])) : [texts];
    else {
      if (shape.length === 2 && shape[1] !== 1) {
        throw new Error(`When using \`TextVectorization\` to tokenize strings, the input rank must be 1 or the last shape dimension must be 1. Received: inputs.shape=[${shape.join(', ')}] with rank=2`);
      }
      documents = texts.map((text) => this.splitText(text));
    }
    return { documents: this.ngramWidths ? documents.map((tokens) => ngramsOf(tokens, this.ngramWidths!)) : documents, shape };
  }

  private standardized(text: string): string {
    const rule = this.standardize;
    if (typeof rule === 'function') return rule(text);
    let result = text;
    if (rule === 'lower' || rule === 'lower_and_strip_punctuation') result = result.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
    if (rule === 'strip_punctuation' || rule === 'lower_and_strip_punctuation') result = result.replace(PUNCTUATION, '');
    return result;
  }

  private splitText(text: string): string[] {
    if (typeof this.split === 'function') return this.split(text);
    if (this.split === 'character') return Array.from(text);
    return text.split(WHITESPACE).filter((token) => token.length > 0);
  }
}

/** TensorFlow's strings.ngrams: for each width in order, the runs of that many tokens joined by a space. */
function ngramsOf(tokens: readonly string[], widths: readonly number[]): string[] {
  return widths.flatMap((width) => Array.from({ length: Math.max(0, tokens.length - width + 1) }, (_, i) => tokens.slice(i, i + width).join(' ')));
}

function checkRule(name: string, value: unknown, names: readonly string[]): void {
  if (value === null || typeof value === 'function' || (typeof value === 'string' && names.includes(value))) return;
  throw new Error(`Unknown value for \`${name}\` argument of TextVectorization. Allowed values are: ${names.map((n) => `'${n}'`).join(', ')}, null or a function. Received: ${name}=${JSON.stringify(value)}`);
}
