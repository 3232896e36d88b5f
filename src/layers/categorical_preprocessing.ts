// Categorical preprocessing layers (keras/src/layers/preprocessing/category_encoding.py and
// discretization.py): CategoryEncoding turns integer token ids into one-hot, multi-hot or count
// vectors, and Discretization turns numbers into bucket ids (or their encodings) by bin
// boundaries, given or learned from data by adapt. Both compute on the device with oneHot,
// comparisons and reductions.

import { cast, greaterEqual, isNaN, mul, where } from '../ops/elementwise';
import { oneHot, zeros } from '../ops/creation';
import { max, sum } from '../ops/reduce';
import { expandDims, reshape } from '../ops/shape';
import { formatShape } from '../backend/types';
import { tensor } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import { Tensor } from '../tensor/tensor';
import { Layer, type CallArgs, type LayerArgs, type LayerInput } from './layer';
import { binBoundaries, emptySummary, mergeSummaries, summarize } from './quantile_summary';
import type { Shape, SymbolicTensor } from './symbolic';
import { checkOptionNames } from '../ops/validate';

/** How token ids are encoded: one vector per id, one per sample marking its ids, or one per sample counting them. */
export type CategoryOutputMode = 'one_hot' | 'multi_hot' | 'count';

const CATEGORY_OUTPUT_MODES: readonly string[] = ['one_hot', 'multi_hot', 'count'];

/**
 * Keras's encode_categorical_inputs for int32 ids in [0, depth): one_hot adds an axis of size
 * `depth` (replacing a last axis of size 1); multi_hot and count reduce the last axis (a scalar
 * counts as one id). Ids outside [0, depth) encode as zeros.
 */
/** @internal Ids encoded as one_hot (a trailing axis of 1 dropped), multi_hot or count (weighted by countWeights), depth wide. */
export function encodeCategorical(ids: Tensor, outputMode: CategoryOutputMode, depth: number, countWeights: Tensor | null): Tensor {
  const values = ids.rank === 0 ? reshape(ids, [1]) : ids;
  if (outputMode === 'one_hot') {
    const squeezed = values.rank > 1 && values.shape[values.rank - 1] === 1 ? reshape(values, values.shape.slice(0, -1)) : values;
    return oneHot(squeezed, depth);
  }
  const encoded = oneHot(values, depth);
  if (outputMode === 'multi_hot') return max(encoded, -2);
  return sum(countWeights ? mul(encoded, expandDims(countWeights, -1)) : encoded, -2);
}

/** @internal The output shape of encodeCategorical for an input shape. */
export function encodedShape(inputShape: Shape, outputMode: CategoryOutputMode, depth: number): Shape {
  if (inputShape.length === 0) return [depth];
  if (outputMode === 'one_hot' && !(inputShape.length > 1 && inputShape[inputShape.length - 1] === 1)) return [...inputShape, depth];
  return [...inputShape.slice(0, -1), depth];
}

function checkOutputMode(value: unknown, modes: readonly string[]): void {
  if (typeof value !== 'string' || !modes.includes(value)) {
    throw new Error(`Invalid value for argument outputMode. Expected one of ${modes.map((m) => `'${m}'`).join(', ')}. Received: outputMode=${JSON.stringify(value)}`);
  }
}

/** Token ids as int32 (float ids are truncated, as a cast does). */
function asIds(inputs: Tensor): Tensor {
  return inputs.dtype === 'int32' ? inputs : cast(inputs, 'int32');
}

export interface CategoryEncodingArgs extends LayerArgs {
  /** Number of distinct tokens: ids lie in [0, numTokens). */
  numTokens: number;
  /** 'multi_hot' (default), 'one_hot' or 'count'. */
  outputMode?: CategoryOutputMode;
}

/** Call options of CategoryEncoding. */
export interface CategoryEncodingCallArgs extends CallArgs {
  /** With outputMode 'count': a weight per input id (the input's shape), summed instead of 1s. */
  countWeights?: Tensor;
}

/**
 * Encodes integer token ids (int32, or floats holding integers) as float32 vectors of size
 * `numTokens`: 'one_hot' gives one vector per id (an input [batch] or [batch, 1] gives
 * [batch, numTokens]); 'multi_hot' (the default) one vector per sample with 1 at each id present;
 * 'count' one vector per sample counting each id, or summing `countWeights`. Ids outside
 * [0, numTokens) are ignored (they encode as zeros).
 *
 * @example
 * new CategoryEncoding({ numTokens: 4, outputMode: 'one_hot' }).apply(tensor([3, 2, 0, 1], [4], 'int32'));
 * // [[0, 0, 0, 1], [0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]]
 * new CategoryEncoding({ numTokens: 4 }).apply(tensor([[0, 1], [0, 0], [1, 2], [3, 1]], [4, 2], 'int32'));
 * // [[1, 1, 0, 0], [1, 0, 0, 0], [0, 1, 1, 0], [0, 1, 0, 1]]
 */
export class CategoryEncoding extends Layer {
  readonly numTokens: number;
  readonly outputMode: CategoryOutputMode;

  constructor(args: CategoryEncodingArgs) {
    super(args);
    const numTokens = args?.numTokens;
    if (typeof numTokens !== 'number' || !Number.isInteger(numTokens) || numTokens < 1) {
      throw new Error(`Invalid value for argument numTokens. Expected an integer >= 1. Received: numTokens=${String(numTokens)}`);
    }
    this.numTokens = numTokens;
    const outputMode = args.outputMode ?? 'multi_hot';
    checkOutputMode(outputMode, CATEGORY_OUTPUT_MODES);
    this.outputMode = outputMode;
  }

  // The call options include countWeights.
  override apply(inputs: SymbolicTensor, args?: CategoryEncodingCallArgs): SymbolicTensor;
  override apply(inputs: SymbolicTensor[], args?: CategoryEncodingCallArgs): SymbolicTensor | SymbolicTensor[];
  override apply(inputs: Tensor, args?: CategoryEncodingCallArgs): Tensor;
  override apply(inputs: Tensor[], args?: CategoryEncodingCallArgs): Tensor | Tensor[];
  override apply(inputs: LayerInput, args?: CategoryEncodingCallArgs): LayerInput;
  override apply(inputs: LayerInput, args: CategoryEncodingCallArgs = {}): LayerInput {
    checkOptionNames(`CategoryEncoding '${this.name}'.apply`, args, { training: true, mask: true, countWeights: true } satisfies Record<keyof CategoryEncodingCallArgs, true>);
    return super.apply(inputs, args);
  }

  override call(inputs: Tensor, args: CategoryEncodingCallArgs = {}): Tensor {
    const countWeights = args.countWeights ?? null;
    if (countWeights !== null) {
      if (this.outputMode !== 'count') {
        throw new Error(`\`countWeights\` is not used when \`outputMode\` is not 'count'. Received: outputMode='${this.outputMode}' and countWeights of shape ${formatShape(countWeights.shape)}.`);
      }
      if (countWeights.shape.join(',') !== inputs.shape.join(',')) {
        throw new Error(`Invalid value for argument countWeights. Expected one weight per input id, shape ${formatShape(inputs.shape)}. Received: countWeights.shape=${formatShape(countWeights.shape)}`);
      }
    }
    return tidy(() => encodeCategorical(asIds(inputs), this.outputMode, this.numTokens, countWeights && (countWeights.dtype === 'float32' ? countWeights : cast(countWeights, 'float32'))));
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return encodedShape(inputShape, this.outputMode, this.numTokens);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), numTokens: this.numTokens, outputMode: this.outputMode };
  }
}

/** Discretization's outputs: the bucket id itself ('int') or its encoding as CategoryEncoding's. */
export type DiscretizationOutputMode = 'int' | CategoryOutputMode;

export interface DiscretizationArgs extends LayerArgs {
  /** Increasing bucket edges: n boundaries make n + 1 buckets, (-inf, b0), [b0, b1), ..., [b(n-1), +inf). */
  binBoundaries?: readonly number[] | null;
  /** Instead of binBoundaries: this many buckets, their boundaries learned by `adapt(data)` from its quantiles. */
  numBins?: number | null;
  /** adapt's error tolerance for the quantiles (default 0.01). */
  epsilon?: number;
  /** 'int' (default: int32 bucket ids), 'one_hot', 'multi_hot' or 'count'. */
  outputMode?: DiscretizationOutputMode;
}

/**
 * Buckets numbers by `binBoundaries`: a value below the first boundary gets id 0, one in
 * [b(i-1), b(i)) id i, one at or above the last boundary id n (NumPy's digitize). With outputMode
 * 'int' (the default) the result is the int32 ids, the input's shape; 'one_hot', 'multi_hot' and
 * 'count' encode them as CategoryEncoding does with n + 1 tokens. The boundaries are given, or
 * learned with `numBins`: `await layer.adapt(data)` takes them from the data's approximate
 * quantiles as Keras does (src/layers/quantile_summary.ts; on the CPU, after reading the data
 * back).
 *
 * @example
 * new Discretization({ binBoundaries: [0, 1, 2] }).apply(tensor([[-1.5, 1, 3.4, 0.5], [0, 3, 1.3, 0]]));
 * // [[0, 2, 3, 1], [1, 3, 2, 1]]
 * const learned = new Discretization({ numBins: 4, epsilon: 0.01 });
 * await learned.adapt(tensor([[-1.5, 1, 3.4, 0.5], [0, 3, 1.3, 0]]));   // binBoundaries [0, 0.5, 1.3]
 */
export class Discretization extends Layer {
  /** The bucket edges: given, or learned by adapt (null until then). */
  binBoundaries: number[] | null;
  readonly numBins: number | null;
  readonly epsilon: number;
  readonly outputMode: DiscretizationOutputMode;

  constructor(args: DiscretizationArgs) {
    super(args);
    const boundaries = args?.binBoundaries ?? null;
    const numBins = args?.numBins ?? null;
    if (numBins !== null && (!Number.isInteger(numBins) || numBins < 0)) throw new Error(`\`numBins\` must be greater than or equal to 0. Received: \`numBins=${numBins}\``);
    if (numBins !== null && boundaries !== null) {
      throw new Error(`Both \`numBins\` and \`binBoundaries\` should not be set. Received: \`numBins=${numBins}\` and \`binBoundaries=${JSON.stringify(boundaries)}\``);
    }
    if (numBins === null && boundaries === null) throw new Error('You need to set either `numBins` or `binBoundaries`.');
    const valid = boundaries === null || (Array.isArray(boundaries) && boundaries.every((b, i) => typeof b === 'number' && Number.isFinite(b) && (i === 0 || b >= boundaries[i - 1])));
    if (!valid) {
      throw new Error(`Invalid value for argument binBoundaries. Expected a list of finite numbers in increasing order. Received: binBoundaries=${JSON.stringify(boundaries)}`);
    }
    this.binBoundaries = boundaries === null ? null : [...boundaries];
    this.numBins = numBins;
    this.epsilon = args.epsilon ?? 0.01;
    if (!(this.epsilon > 0 && this.epsilon < 1)) throw new Error(`Invalid value for argument epsilon. Expected a number in (0, 1). Received: epsilon=${this.epsilon}`);
    const outputMode = args.outputMode ?? 'int';
    checkOutputMode(outputMode, ['int', ...CATEGORY_OUTPUT_MODES]);
    this.outputMode = outputMode;
  }

  /**
   * Learns the boundaries of `numBins` buckets from the data's quantiles (Keras's adapt): a tensor,
   * or batches of them, each merged into the running summary. Reads the data back to the CPU.
   */
  async adapt(data: Tensor | readonly Tensor[]): Promise<void> {
    if (this.numBins === null) throw new Error('Cannot adapt a Discretization layer that has been initialized with `binBoundaries`, use `numBins` instead.');
    const batches = Array.isArray(data) ? data : [data];
    if (batches.length === 0 || !batches.every((b) => b instanceof Tensor)) {
      throw new Error(`Invalid value for argument data of ${this.name}.adapt(). Expected a tensor or a non-empty list of tensors (batches).`);
    }
    let summary = emptySummary();
    for (const batch of batches) summary = mergeSummaries(summarize(Float32Array.from(await batch.data()), this.epsilon), summary, this.epsilon);
    this.binBoundaries = binBoundaries(summary, this.numBins);
  }

  override call(inputs: Tensor): Tensor {
    const edges = this.boundaries();
    return tidy(() => {
      const x = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
      if (edges.length === 0) return this.encode(zeros(x.shape, 'int32'), edges);
      const boundaries = tensor(edges, [edges.length]);
      const passed = cast(greaterEqual(expandDims(x, -1), boundaries), 'float32');
      // NaN goes to the last bin, as NumPy's digitize and TensorFlow's Bucketize put it.
      const bins = where(isNaN(x), edges.length, cast(sum(passed, -1), 'int32'));
      return this.encode(bins, edges);
    });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    if (this.outputMode === 'int') return [...inputShape];
    return encodedShape(inputShape, this.outputMode, (this.binBoundaries?.length ?? this.numBins! - 1) + 1);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), binBoundaries: this.binBoundaries && [...this.binBoundaries], numBins: this.numBins, epsilon: this.epsilon, outputMode: this.outputMode };
  }

  /** A saved layer with numBins comes back with its learned boundaries, as Keras's from_config. */
  static override fromConfig<T extends Layer>(this: new (config: never) => T, config: Record<string, unknown>): T {
    if (config.numBins === null || config.numBins === undefined) return new this(config as never);
    const layer = new this({ ...config, binBoundaries: null } as never) as unknown as Discretization;
    layer.binBoundaries = (config.binBoundaries as number[] | null) ?? null;
    return layer as unknown as T;
  }

  private boundaries(): number[] {
    if (this.binBoundaries === null) throw new Error(`Discretization layer "${this.name}" has no bin boundaries yet: call \`await layer.adapt(data)\` first (it was made with numBins), or give binBoundaries.`);
    return this.binBoundaries;
  }

  private encode(ids: Tensor, edges: number[]): Tensor {
    return this.outputMode === 'int' ? ids : encodeCategorical(ids, this.outputMode, edges.length + 1, null);
  }
}
