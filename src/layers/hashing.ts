// Hashing (keras/src/layers/preprocessing/hashing.py): maps strings and integers to a fixed number
// of bins by a stable hash, FarmHash64 of the token's text (SipHash-2-4 with a salt), as Keras's
// tf.strings.to_hash_bucket_fast / _strong. Strings are JavaScript data, hashed on the CPU; integer
// tensors are hashed on the device (the hashToBuckets op) and can be a functional model's input.
// The bins are then encoded on the device as CategoryEncoding's.

import { add, cast, equal, where } from '../ops/elementwise';
import { hashBucket, saltKey, type HashSalt } from '../ops/fingerprint';
import { hashToBuckets } from '../ops/hashing';
import type { DType } from '../backend/types';
import { tensor } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { encodeCategorical, encodedShape } from './categorical_preprocessing';
import { Layer, type CallArgs, type LayerArgs, type LayerInput } from './layer';
import { describe, flattenNested } from './string_lookup';
import type { Shape, SymbolicTensor } from './symbolic';

/** Tokens as the hashing layers take them on the host: a string or integer, or nested lists of one length per level. */
export type NestedTokens = string | number | readonly NestedTokens[];

/** What Hashing returns: the bin ids ('int'), or their encoding per element or sample. */
export type HashingOutputMode = 'int' | 'one_hot' | 'multi_hot' | 'count';

const HASHING_OUTPUT_MODES: readonly HashingOutputMode[] = ['int', 'one_hot', 'multi_hot', 'count'];
const MAX_BINS = 2 ** 31 - 1;

export interface HashingArgs extends LayerArgs {
  /** Number of bins, the mask bin included when `maskValue` is set. */
  numBins: number;
  /** The token that means "masked": it goes to bin 0 and the others to bins 1 to numBins - 1 (default null: none). */
  maskValue?: string | number | null;
  /** Hash with SipHash-2-4 keyed by this salt instead of FarmHash64: an integer s (meaning [s, s]) or two integers (default null). */
  salt?: number | readonly [number, number] | null;
  /** 'int' (default), 'one_hot', 'multi_hot' or 'count'. */
  outputMode?: HashingOutputMode;
  /** Sparse outputs: not supported (this library has no sparse tensors); only false. */
  sparse?: boolean;
}

/**
 * Hashes strings or integers into `numBins` bins, as keras.layers.Hashing: a token's bin is the
 * FarmHash64 fingerprint of its text mod numBins (an integer's text is its decimal digits; a float
 * is truncated first), or with a `salt` its SipHash-2-4 hash. With a `maskValue`, that token goes
 * to bin 0 and the others to 1 + hash mod (numBins - 1). `outputMode` 'int' (default) returns the
 * bins as int32; 'one_hot', 'multi_hot' and 'count' encode them as CategoryEncoding does (float32).
 * The bins are Keras's exactly.
 *
 * Strings are host data: `apply` takes a string, number, or nested lists of them (one length per
 * level, one kind of token), hashes them on the CPU and returns a tensor of their shape, for use as
 * preprocessing before `fit`. An int32 tensor (or float32 holding integers) is hashed on the
 * device, so integer inputs can be a functional model's symbolic inputs. Departures from Keras:
 * bins are int32 (Keras's int64); sparse outputs are not supported.
 *
 * @example
 * new Hashing({ numBins: 3 }).apply([['A'], ['B'], ['C'], ['D'], ['E']]);   // int32 [[1], [0], [1], [1], [2]]
 * new Hashing({ numBins: 3, maskValue: '' }).apply(['A', 'B', '', 'C']);    // [1, 1, 0, 2]
 * new Hashing({ numBins: 3, salt: [133, 137] }).apply(['A', 'B', 'C']);     // [1, 2, 1]
 * new Hashing({ numBins: 3 }).apply(tensor([0, 1, 2, 3, 4], [5], 'int32'));  // [1, 0, 1, 0, 2], on the device
 */
export class Hashing extends Layer {
  readonly numBins: number;
  readonly maskValue: string | number | null;
  readonly salt: HashSalt | null;
  readonly outputMode: HashingOutputMode;
  readonly sparse: boolean;

  constructor(args: HashingArgs) {
    super(args);
    const numBins = args?.numBins;
    if (typeof numBins !== 'number' || !Number.isInteger(numBins) || numBins <= 0 || numBins > MAX_BINS) {
      throw new Error(`The \`numBins\` for \`Hashing\` cannot be \`None\` or non-positive values (an integer up to ${MAX_BINS} here). Received: numBins=${JSON.stringify(numBins)}.`);
    }
    const outputMode = args.outputMode ?? 'int';
    if (!HASHING_OUTPUT_MODES.includes(outputMode)) {
      throw new Error(`Invalid value for argument \`outputMode\`. Expected one of ${HASHING_OUTPUT_MODES.map((m) => `'${m}'`).join(', ')}. Received: outputMode=${JSON.stringify(outputMode)}`);
    }
    const sparse = args.sparse ?? false;
    if (sparse && outputMode === 'int') throw new Error(`\`sparse\` may only be true if \`outputMode\` is 'one_hot', 'multi_hot', or 'count'. Received: sparse=${sparse} and outputMode=${outputMode}`);
    if (sparse) throw new Error('`sparse=true` is not supported: this library has no sparse tensors; use sparse=false (dense outputs).');
    const maskValue = args.maskValue ?? null;
    if (maskValue !== null && typeof maskValue !== 'string' && !(typeof maskValue === 'number' && Number.isFinite(maskValue))) {
      throw new Error(`Invalid value for argument maskValue. Expected a string, a number or null. Received: maskValue=${JSON.stringify(maskValue)}`);
    }
    // Keras's default dtype: int bins in 'int' mode, floats for the encodings.
    this.dtype = args.dtype ?? (outputMode === 'int' ? 'int32' : 'float32');
    if (outputMode === 'int' && this.dtype !== 'int32') throw new Error(`When \`outputMode="int"\`, \`dtype\` should be an integer type, 'int32'. Received: dtype=${this.dtype}`);
    this.numBins = numBins;
    this.maskValue = maskValue;
    this.salt = saltKey('Hashing', args.salt);
    this.outputMode = outputMode;
    this.sparse = sparse;
  }

  override apply(inputs: NestedTokens, args?: CallArgs): Tensor;
  override apply(inputs: SymbolicTensor, args?: CallArgs): SymbolicTensor;
  override apply(inputs: SymbolicTensor[], args?: CallArgs): SymbolicTensor | SymbolicTensor[];
  override apply(inputs: Tensor, args?: CallArgs): Tensor;
  override apply(inputs: Tensor[], args?: CallArgs): Tensor | Tensor[];
  override apply(inputs: LayerInput, args?: CallArgs): LayerInput;
  override apply(inputs: NestedTokens | LayerInput, args?: CallArgs): LayerInput {
    const isHostData = typeof inputs === 'string' || typeof inputs === 'number' || (Array.isArray(inputs) && flattenNested(inputs, isPlainToken) !== null);
    if (!isHostData) return super.apply(inputs as LayerInput, args);
    const flat = flattenNested(inputs, isPlainToken)!;
    if (new Set(flat.values.map((token) => typeof token)).size > 1) {
      throw new Error(`Hashing '${this.name}' takes tokens of one kind, strings or numbers. Received a nesting mixing both: ${describe(inputs)}`);
    }
    if (!this.built) this.buildOnce(flat.shape);
    const bins = Int32Array.from(flat.values as Array<string | number>, (token) => this.binOf(token));
    return tidy(() => this.encode(tensor(bins, flat.shape, 'int32')));
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    if (Array.isArray(inputs)) throw new Error(`Hashing '${this.name}' takes one input (a tensor, or strings on the host), not a list of ${inputs.length}.`);
    const masked = this.masksTokens();
    if (masked && typeof this.maskValue === 'string') {
      throw new Error(`Hashing '${this.name}': maskValue ${JSON.stringify(this.maskValue)} is a string, but the input is a tensor of numbers; use a numeric maskValue, or pass strings on the host.`);
    }
    return tidy(() => {
      if (!masked) return this.encode(hashToBuckets(inputs, this.numBins, this.salt));
      const bins = add(hashToBuckets(inputs, this.numBins - 1, this.salt), 1);
      return this.encode(where(equal(inputs, this.maskValue as number), 0, bins));
    });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return this.outputMode === 'int' ? [...inputShape] : encodedShape(inputShape, this.outputMode, this.numBins);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), numBins: this.numBins, salt: this.salt && [...this.salt], maskValue: this.maskValue, outputMode: this.outputMode, sparse: this.sparse };
  }

  protected override traceInputDtype(): DType {
    return 'int32';
  }

  /** Whether the mask value takes bin 0 (Keras ignores it with a single bin). */
  private masksTokens(): boolean {
    return this.maskValue !== null && this.numBins > 1;
  }

  /** The bin of one host token. */
  private binOf(token: string | number): number {
    if (!this.masksTokens()) return hashBucket(token, this.numBins, this.salt);
    return token === this.maskValue ? 0 : 1 + hashBucket(token, this.numBins - 1, this.salt);
  }

  /** Bin ids as outputMode asks: themselves, or encoded numBins wide in the layer's dtype. */
  private encode(bins: Tensor): Tensor {
    if (this.outputMode === 'int') return bins;
    const encoded = encodeCategorical(bins, this.outputMode, this.numBins, null);
    return this.dtype === encoded.dtype ? encoded : cast(encoded, this.dtype);
  }
}

/** A host token: a string or a finite number. */
function isPlainToken(value: unknown): boolean {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}
