// The shared base of IntegerLookup and StringLookup (keras/src/layers/preprocessing/index_lookup.py):
// a vocabulary of tokens (given, set, or learned by adapt from token counts), the indices the
// tokens map to (mask and out-of-vocabulary indices first), and the encoding of those indices
// ('one_hot', 'multi_hot', 'count', 'tf_idf'), which runs on the device with oneHot and
// reductions. The vocabulary itself is host data: counting, sorting and validating it is CPU
// work. Subclasses do the lookup itself: IntegerLookup on the device, StringLookup on the host.

import { mul } from '../ops/elementwise';
import { tensor } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { saltKey, type HashSalt } from '../ops/fingerprint';
import { encodeCategorical, encodedShape } from './categorical_preprocessing';
import { Layer, type LayerArgs } from './layer';
import type { Shape } from './symbolic';

/** What a lookup layer returns: the indices themselves ('int'), or an encoding of them per sample. */
export type LookupOutputMode = 'int' | 'one_hot' | 'multi_hot' | 'count' | 'tf_idf';

const OUTPUT_MODES: readonly LookupOutputMode[] = ['int', 'one_hot', 'multi_hot', 'count', 'tf_idf'];

/** How integer OOV tokens share the OOV indices: `token mod numOovIndices`, or a FarmHash64 bucket of their decimal text. */
export type OovMethod = 'floormod' | 'farmhash';

/** Options shared by IntegerLookup and StringLookup, with Keras's meanings and defaults. */
export interface IndexLookupArgs<Token> extends LayerArgs {
  /** Largest vocabulary size, mask and OOV indices included (null: no cap). Must be > 1. */
  maxTokens?: number | null;
  /** How many indices out-of-vocabulary tokens share (default 1); 0 makes them an error. */
  numOovIndices?: number;
  /** The token that means "masked": index 0 in 'int' mode, dropped from encodings (default null: none). */
  maskToken?: Token | null;
  /** The token `invert` returns for OOV indices. */
  oovToken?: Token | null;
  /** The vocabulary, instead of adapt; it may start with the mask and OOV tokens in that order. */
  vocabulary?: readonly Token[] | null;
  /** With outputMode 'tf_idf': one inverse document frequency per vocabulary token. */
  idfWeights?: readonly number[] | null;
  /** Map indices back to tokens (outputMode 'int' only; default false). */
  invert?: boolean;
  /** 'int' (default), 'one_hot', 'multi_hot', 'count' or 'tf_idf' ('binary' and 'tf-idf' are Keras's old names). */
  outputMode?: LookupOutputMode | 'binary' | 'tf-idf';
  /** Sparse outputs: not supported (this library has no sparse tensors); only false. */
  sparse?: boolean;
  /** Encode to `maxTokens` slots whatever the vocabulary size (default false). */
  padToMaxTokens?: boolean;
  /**
   * With several OOV indices, how integer OOV tokens are spread over them: 'floormod' (default)
   * or 'farmhash'. Strings always take a FarmHash64 bucket (SipHash-2-4 with a `salt`).
   */
  oovMethod?: OovMethod;
  /**
   * Hash OOV tokens with SipHash-2-4 keyed by this salt instead of FarmHash64: an integer s
   * (meaning [s, s]) or two integers (default null). For integer tokens only with oovMethod 'farmhash'.
   */
  salt?: number | readonly [number, number] | null;
}

/**
 * Keras's IndexLookup: the vocabulary and the encodings of IntegerLookup and StringLookup. Index
 * layout: [mask token (outputMode 'int' only)] [numOovIndices OOV indices] [vocabulary tokens].
 * Not a layer to use directly.
 */
export abstract class IndexLookup<Token extends string | number> extends Layer {
  readonly maxTokens: number | null;
  readonly numOovIndices: number;
  readonly maskToken: Token | null;
  readonly oovToken: Token | null;
  readonly invert: boolean;
  readonly outputMode: LookupOutputMode;
  readonly sparse: boolean;
  readonly padToMaxTokens: boolean;
  readonly oovMethod: OovMethod;
  /** The SipHash key that OOV tokens are hashed with, or null for FarmHash64. */
  readonly salt: HashSalt | null;
  /** The vocabulary tokens without the mask and OOV tokens, in index order. */
  private tokens: Token[] = [];
  private indexOf = new Map<Token, number>();
  /** 'tf_idf': one weight per index (mask and OOV indices included), without the padding to maxTokens. */
  private idfWeights: number[] | null = null;
  /** The constructor's vocabulary and weights, as given, kept for getConfig until the vocabulary changes. */
  private givenVocabulary: Token[] | null;
  private givenIdfWeights: number[] | null;
  private readonly hasInputVocabulary: boolean;
  private vocabularyKnown = false;
  /** How many adapt() calls are still running (adapt returns a Promise here, where Keras's blocks). */
  private adaptsRunning = 0;

  constructor(args: IndexLookupArgs<Token>, defaults: { oovToken: Token | null }) {
    super(args);
    const maxTokens = args.maxTokens ?? null;
    if (maxTokens !== null && (!Number.isInteger(maxTokens) || maxTokens <= 1)) {
      throw new Error(`If set, \`maxTokens\` must be an integer greater than 1. Received: maxTokens=${maxTokens}`);
    }
    const padToMaxTokens = args.padToMaxTokens ?? false;
    if (padToMaxTokens && maxTokens === null) throw new Error(`If padToMaxTokens is true, must set \`maxTokens\`. Received: maxTokens=${maxTokens}`);
    const numOovIndices = args.numOovIndices ?? 1;
    if (!Number.isInteger(numOovIndices) || numOovIndices < 0) {
      throw new Error(`\`numOovIndices\` must be an integer greater than or equal to 0. Received: numOovIndices=${numOovIndices}`);
    }
    const named = args.outputMode ?? 'int';
    const outputMode = named === 'binary' ? 'multi_hot' : named === 'tf-idf' ? 'tf_idf' : named;
    if (!OUTPUT_MODES.includes(outputMode)) {
      throw new Error(`Invalid value for argument outputMode. Expected one of ${OUTPUT_MODES.map((m) => `'${m}'`).join(', ')}. Received: outputMode=${JSON.stringify(named)}`);
    }
    const invert = args.invert ?? false;
    if (invert && outputMode !== 'int') throw new Error(`\`outputMode\` must be 'int' when \`invert\` is true. Received: outputMode=${outputMode}`);
    const sparse = args.sparse ?? false;
    if (sparse) throw new Error('`sparse=true` is not supported: this library has no sparse tensors; use sparse=false (dense outputs).');
    const idfWeights = args.idfWeights ?? null;
    if (idfWeights !== null && outputMode !== 'tf_idf') {
      throw new Error(`\`idfWeights\` should only be set if \`outputMode\` is 'tf_idf'. Received: idfWeights=${JSON.stringify(idfWeights)} and outputMode=${outputMode}`);
    }
    const oovMethod = args.oovMethod ?? 'floormod';
    if (oovMethod !== 'floormod' && oovMethod !== 'farmhash') {
      throw new Error(`Invalid value for argument oovMethod. Expected one of 'floormod', 'farmhash'. Received: oovMethod=${JSON.stringify(oovMethod)}`);
    }
    for (const [name, token] of [['maskToken', args.maskToken], ['oovToken', args.oovToken]] as const) {
      if (token !== undefined && token !== null && !this.isToken(token)) throw new Error(`Invalid value for argument ${name}. Expected ${this.tokenKind()} or null. Received: ${name}=${JSON.stringify(token)}`);
    }
    this.maxTokens = maxTokens;
    this.numOovIndices = numOovIndices;
    this.maskToken = args.maskToken ?? null;
    this.oovToken = args.oovToken === undefined ? defaults.oovToken : args.oovToken;
    this.invert = invert;
    this.outputMode = outputMode;
    this.sparse = sparse;
    this.padToMaxTokens = padToMaxTokens;
    this.oovMethod = oovMethod;
    this.salt = saltKey('IndexLookup', args.salt);
    const vocabulary = args.vocabulary ?? null;
    this.hasInputVocabulary = vocabulary !== null;
    if (outputMode === 'tf_idf' && vocabulary !== null && idfWeights === null) {
      throw new Error('When specifying the `vocabulary` argument, in TF-IDF output mode, the `idfWeights` argument must also be provided.');
    }
    if (vocabulary !== null) this.setVocabulary(vocabulary, idfWeights);
    this.givenVocabulary = vocabulary && [...vocabulary];
    this.givenIdfWeights = idfWeights && [...idfWeights];
  }

  /** Whether a value is a token of this layer (an int32 integer, a string). */
  protected abstract isToken(value: unknown): value is Token;

  /** The tokens' kind in error messages. */
  protected abstract tokenKind(): string;

  /**
   * The vocabulary in index order: with `includeSpecialTokens` (default), the mask token (in
   * 'int' mode) and the OOV tokens first, so that a token's position is its index.
   *
   * @example
   * new StringLookup({ vocabulary: ['a', 'b'] }).getVocabulary();   // ['[UNK]', 'a', 'b']
   */
  getVocabulary(includeSpecialTokens = true): Array<Token | null> {
    this.checkNotAdapting('getVocabulary');
    if (!includeSpecialTokens) return [...this.tokens];
    const special: Array<Token | null> = [...(this.oovStart() === 1 ? [this.maskToken] : []), ...Array<Token | null>(this.numOovIndices).fill(this.oovToken)];
    return [...special, ...this.tokens];
  }

  /** The number of indices: mask and OOV indices included. */
  vocabularySize(): number {
    return this.tokenStart() + this.tokens.length;
  }

  /**
   * Replaces the vocabulary (and with outputMode 'tf_idf' the idf weights, one per vocabulary
   * entry), as Keras's set_vocabulary: the mask and OOV tokens may lead it, in that order;
   * repeated tokens, a misplaced mask (or, with invert, OOV) token, and a vocabulary larger than
   * maxTokens are errors.
   */
  setVocabulary(vocabulary: readonly Token[], idfWeights: readonly number[] | null = null): void {
    this.checkNotAdapting('setVocabulary');
    if (this.outputMode === 'tf_idf' && idfWeights === null) throw new Error("`idfWeights` must be set if outputMode is 'tf_idf'.");
    if (this.outputMode !== 'tf_idf' && idfWeights !== null) {
      throw new Error(`\`idfWeights\` should only be set if outputMode is 'tf_idf'. Received: outputMode=${this.outputMode} and idfWeights=${JSON.stringify(idfWeights)}`);
    }
    if (!Array.isArray(vocabulary) || vocabulary.length === 0) throw new Error(`Cannot set an empty vocabulary. Received: vocabulary=${JSON.stringify(vocabulary)}`);
    const wrong = vocabulary.find((token) => !this.isToken(token));
    if (wrong !== undefined) throw new Error(`Invalid vocabulary of layer "${this.name}": expected ${this.tokenKind()} tokens. Received the token ${JSON.stringify(wrong)}`);
    const special = this.getVocabulary().slice(0, this.tokenStart());
    const foundSpecial = special.every((token, i) => vocabulary[i] === token);
    const tokens = foundSpecial ? vocabulary.slice(special.length) : [...vocabulary];
    const seen = new Set<Token>();
    const repeated = new Set(tokens.filter((token) => seen.has(token) || !seen.add(token)));
    if (repeated.size > 0) {
      throw new Error(`The passed vocabulary has at least one repeated term. Please uniquify your dataset. The repeated terms are: ${JSON.stringify([...repeated])}`);
    }
    const misplaced = (name: string, token: Token) =>
      new Error(
        `Found reserved ${name === 'maskToken' ? 'mask' : 'OOV'} token at unexpected location in \`vocabulary\`. Note that passed \`vocabulary\` does not need to include the OOV and mask tokens. ` +
          `Either remove all mask and OOV tokens, or include them only at the start of the vocabulary in precisely this order: ${JSON.stringify(special)}. ` +
          `Received: ${name}=${JSON.stringify(token)} at vocabulary index ${vocabulary.lastIndexOf(token)}`,
      );
    if (this.maskToken !== null && seen.has(this.maskToken)) throw misplaced('maskToken', this.maskToken);
    if (this.invert && this.oovToken !== null && seen.has(this.oovToken)) throw misplaced('oovToken', this.oovToken);
    const size = this.tokenStart() + tokens.length;
    if (this.maxTokens !== null && size > this.maxTokens) {
      throw new Error(`Attempted to set a vocabulary larger than the maximum vocab size. Received vocabulary size is ${size}; \`maxTokens\` is ${this.maxTokens}.`);
    }
    let weights: number[] | null = null;
    if (idfWeights !== null) {
      if (!Array.isArray(idfWeights) || idfWeights.some((w) => typeof w !== 'number')) throw new Error(`TF-IDF data must be a list of numbers. Received: idfWeights=${JSON.stringify(idfWeights)}`);
      if (idfWeights.length !== vocabulary.length) {
        throw new Error(`\`idfWeights\` must be the same length as vocabulary. len(idfWeights) is ${idfWeights.length}; len(vocabulary) is ${vocabulary.length}`);
      }
      // Without document frequencies for the mask and OOV indices, they get the mean weight, as Keras.
      const mean = idfWeights.reduce((s, w) => s + w, 0) / idfWeights.length;
      weights = [...Array<number>(foundSpecial ? 0 : this.tokenStart()).fill(mean), ...idfWeights];
    }
    this.useVocabulary(tokens, weights);
  }

  /**
   * The index of each token as a host lookup (StringLookup's): OOV tokens share the OOV indices by
   * `oovBucket`, the mask token is index 0 in 'int' mode and -1 (dropped by the encodings)
   * otherwise. With numOovIndices 0 an OOV token is an error, listing them.
   */
  protected lookupHost(values: readonly Token[], oovBucket: (token: Token) => number): Int32Array {
    this.checkNotAdapting('call');
    const ids = new Int32Array(values.length);
    const oov: Token[] = [];
    const oovStart = this.oovStart();
    values.forEach((token, i) => {
      if (token === this.maskToken) ids[i] = this.outputMode === 'int' ? 0 : -1;
      else {
        const index = this.indexOf.get(token);
        if (index !== undefined) ids[i] = index;
        else if (this.numOovIndices === 0) oov.push(token);
        else ids[i] = oovStart + (this.numOovIndices === 1 ? 0 : oovBucket(token));
      }
    });
    if (oov.length > 0) throw new Error(`When \`numOovIndices=0\` all inputs should be in vocabulary, found OOV values ${JSON.stringify(oov)}, consider setting \`numOovIndices=1\`.`);
    return ids;
  }

  /** The token of each index (StringLookup's invert on the host): OOV and out-of-range indices give the OOV token. */
  protected invertHost(indices: readonly number[]): Array<Token | null> {
    this.checkNotAdapting('call');
    const vocabulary = this.getVocabulary();
    return indices.map((i) => (Number.isInteger(i) && i >= 0 && i < vocabulary.length ? vocabulary[i] : this.oovToken));
  }

  /** Index of the first OOV index: 1 when the mask token takes index 0 ('int' mode), else 0. */
  protected oovStart(): number {
    return this.maskToken !== null && this.outputMode === 'int' ? 1 : 0;
  }

  /** Index of the first vocabulary token. */
  protected tokenStart(): number {
    return this.oovStart() + this.numOovIndices;
  }

  /** The vocabulary tokens without the mask and OOV tokens, in index order. */
  protected vocabularyTokens(): readonly Token[] {
    return this.tokens;
  }

  /**
   * @internal Learns the vocabulary from batches of documents, each a list of tokens (Keras's
   * adapt: reset_state, update_state per batch, finalize_state), on the CPU: the vocabulary is
   * the tokens seen, the mask and OOV tokens left out, most frequent first, ties broken by the
   * tokens in decreasing order, cut to maxTokens; 'tf_idf' weights are
   * log(1 + documents / (1 + documents with the token)), the mean weight for the mask and OOV
   * indices. Without any token seen the vocabulary stays as it was.
   */
  async adaptDocuments(batches: Iterable<ReadonlyArray<readonly Token[]>> | AsyncIterable<ReadonlyArray<readonly Token[]>>): Promise<void> {
    if (this.hasInputVocabulary) throw new Error(`Cannot adapt layer '${this.name}' after setting a static vocabulary via the \`vocabulary\` argument.`);
    this.adaptsRunning++;
    try {
      await this.learnVocabulary(batches);
    } finally {
      this.adaptsRunning--;
    }
  }

  /** A vocabulary read or a lookup while adapt() runs would see the old vocabulary, and be overwritten when adapt ends. */
  private checkNotAdapting(op: string): void {
    if (this.adaptsRunning === 0) return;
    throw new Error(
      `${this.name}.${op}(): the layer is still adapting. adapt() returns a Promise here (Keras's adapt blocks): \`await layer.adapt(data)\` before calling the layer or reading or setting its vocabulary.`,
    );
  }

  private async learnVocabulary(batches: Iterable<ReadonlyArray<readonly Token[]>> | AsyncIterable<ReadonlyArray<readonly Token[]>>): Promise<void> {
    const tokenCounts = new Map<Token, number>();
    const documentCounts = new Map<Token, number>();
    let documentTotal = 0;
    for await (const documents of batches) {
      for (const document of documents) {
        for (const token of document) tokenCounts.set(token, (tokenCounts.get(token) ?? 0) + 1);
        for (const token of new Set(document)) documentCounts.set(token, (documentCounts.get(token) ?? 0) + 1);
      }
      documentTotal += documents.length;
    }
    if (tokenCounts.size === 0) return;
    const counts = [...tokenCounts].filter(([token]) => token !== this.maskToken && token !== this.oovToken);
    counts.sort(([a, countA], [b, countB]) => countB - countA || compareTokens(b, a));
    const tokens = (this.maxTokens ? counts.slice(0, Math.max(0, this.maxTokens - this.tokenStart())) : counts).map(([token]) => token);
    let weights: number[] | null = null;
    if (this.outputMode === 'tf_idf') {
      const idf = tokens.map((token) => Math.fround(Math.log(1 + documentTotal / (1 + (documentCounts.get(token) ?? 0)))));
      const mean = idf.length > 0 ? idf.reduce((sum, w) => sum + w, 0) / idf.length : 0;
      weights = [...Array<number>(this.tokenStart()).fill(mean), ...idf];
    }
    this.useVocabulary(tokens, weights);
  }

  /**
   * @internal Encodes int32 indices as outputMode asks, on the device: 'one_hot' adds an axis of
   * the vocabulary size (replacing a last axis of size 1), 'multi_hot', 'count' and 'tf_idf'
   * reduce the last axis. Indices of -1 (masked, or padding) encode as zeros.
   */
  encodeIndices(ids: Tensor): Tensor {
    const mode = this.outputMode;
    if (mode === 'int') return ids;
    if (!this.padToMaxTokens && !this.vocabularyKnown) {
      throw new Error(
        `When using \`outputMode=${mode}\` and \`padToMaxTokens=false\`, you must set the layer's vocabulary before calling it. ` +
          'Either pass a `vocabulary` argument to the layer, or call `await layer.adapt(data)` with some sample data.',
      );
    }
    const depth = this.encodedDepth();
    return tidy(() => {
      if (mode !== 'tf_idf') return encodeCategorical(ids, mode, depth, null);
      const weights = new Float32Array(depth);
      weights.set((this.idfWeights ?? []).slice(0, depth));
      return mul(encodeCategorical(ids, 'count', depth, null), tensor(weights, [depth]));
    });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    if (this.outputMode === 'int') return [...inputShape];
    return encodedShape(inputShape, this.outputMode === 'tf_idf' ? 'count' : this.outputMode, this.encodedDepth());
  }

  /**
   * The options, with `vocabulary` and `idfWeights` as given to the constructor (Keras's config).
   * A vocabulary learned by adapt or set by setVocabulary (which Keras saves as an asset file
   * beside the config) is saved here instead, with its special tokens, so that the layer loads
   * with it.
   */
  override getConfig(): Record<string, unknown> {
    const own = this.givenVocabulary !== null;
    const vocabulary = own ? this.givenVocabulary : this.vocabularyKnown ? this.getVocabulary() : null;
    const idfWeights = own ? this.givenIdfWeights : this.vocabularyKnown ? this.idfWeights : null;
    return {
      ...super.getConfig(),
      invert: this.invert,
      maxTokens: this.maxTokens,
      numOovIndices: this.numOovIndices,
      oovToken: this.oovToken,
      maskToken: this.maskToken,
      outputMode: this.outputMode,
      sparse: this.sparse,
      padToMaxTokens: this.padToMaxTokens,
      oovMethod: this.oovMethod,
      salt: this.salt && [...this.salt],
      idfWeights: idfWeights && [...idfWeights],
      vocabulary: vocabulary && [...vocabulary],
    };
  }

  private encodedDepth(): number {
    return this.padToMaxTokens ? this.maxTokens! : this.vocabularySize();
  }

  private useVocabulary(tokens: Token[], idfWeights: number[] | null): void {
    this.tokens = tokens;
    this.indexOf = new Map(tokens.map((token, i) => [token, this.tokenStart() + i]));
    this.idfWeights = idfWeights;
    this.vocabularyKnown = true;
    this.givenVocabulary = null;
    this.givenIdfWeights = null;
  }
}

/**
 * The documents of adapt's data as Keras counts them for 'tf_idf': the first-axis slices of a
 * batch; a rank-1 batch is one document, except when it is the whole data (`whole`), then each
 * value is one.
 */
export function documentRows<Token>(values: readonly Token[], shape: readonly number[], whole: boolean): Token[][] {
  const rows = shape.length === 0 ? 1 : shape.length === 1 ? (whole ? values.length : 1) : shape[0];
  const width = rows === 0 ? 0 : values.length / rows;
  return Array.from({ length: rows }, (_, r) => values.slice(r * width, (r + 1) * width));
}

/** Numbers by value; strings by code point (the order of their UTF-8 bytes, as NumPy sorts Keras's tokens). */
function compareTokens(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [x, y] = [String(a), String(b)];
  for (let i = 0, j = 0; i < x.length && j < y.length; ) {
    const [cx, cy] = [x.codePointAt(i)!, y.codePointAt(j)!];
    if (cx !== cy) return cx - cy;
    i += cx > 0xffff ? 2 : 1;
    j += cy > 0xffff ? 2 : 1;
  }
  return x.length - y.length;
}
