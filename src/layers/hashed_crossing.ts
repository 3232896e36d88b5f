// HashedCrossing (keras/src/layers/preprocessing/hashed_crossing.py): crosses categorical features
// by the "hashing trick", as Keras's tf.sparse.cross_hashed: the features' hashes (a string's
// FarmHash64 fingerprint, an integer's own value) combined with FingerprintCat64, mod the number of
// bins. Features with strings are JavaScript data, crossed on the CPU; integer tensors are crossed
// on the device (the crossHashed op) and can be a functional model's inputs. 'one_hot' encodes the
// bins on the device.

import { crossBucket } from '../ops/fingerprint';
import { crossHashed } from '../ops/hashing';
import type { DType } from '../backend/types';
import { tensor } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { encodeCategorical, encodedShape } from './categorical_preprocessing';
import type { NestedTokens } from './hashing';
import { Layer, type CallArgs, type LayerArgs, type LayerInput } from './layer';
import { describe, flattenNested } from './string_lookup';
import { isSymbolic, type Shape, type SymbolicTensor } from './symbolic';

/** What HashedCrossing returns: the bin ids ('int') or their one-hot encoding. */
export type HashedCrossingOutputMode = 'int' | 'one_hot';

const MAX_BINS = 2 ** 31 - 1;

export interface HashedCrossingArgs extends LayerArgs {
  /** Number of hash bins. */
  numBins: number;
  /** 'int' (default) or 'one_hot'. */
  outputMode?: HashedCrossingOutputMode;
  /** Sparse outputs: not supported (this library has no sparse tensors); only false. */
  sparse?: boolean;
}

/**
 * Crosses two or more categorical features into `numBins` bins, as keras.layers.HashedCrossing:
 * each sample's bin is tf.sparse.cross_hashed's, FingerprintCat64 chained over the features'
 * hashes (a string's FarmHash64 fingerprint, an integer's own value) mod numBins, so the bins are
 * Keras's exactly. Features are scalars or batches of scalars: shape [], [batch] or [batch, 1],
 * one shape for all. `outputMode` 'int' (default) returns int32 bins of that shape; 'one_hot' their
 * float32 one-hot encoding ([batch, numBins]).
 *
 * `apply` takes a list of features. Host features (a string or integer, or a list of them) are
 * crossed on the CPU and the result is a tensor, for use as preprocessing before `fit`; int32
 * tensors are crossed on the device, so integer features can be a functional model's symbolic
 * inputs. A list mixing both is an error (read a tensor back with `await t.array()`). Departures
 * from Keras: bins are int32 (Keras's int64); sparse outputs are not supported.
 *
 * @example
 * const cross = new HashedCrossing({ numBins: 5 });
 * cross.apply([['A', 'B', 'A', 'B', 'A'], [101, 101, 101, 102, 102]]);   // int32 [1, 4, 1, 1, 3]
 * cross.apply([tensor([1, 2], [2], 'int32'), tensor([4, 5], [2], 'int32')]);   // on the device
 */
export class HashedCrossing extends Layer {
  readonly numBins: number;
  readonly outputMode: HashedCrossingOutputMode;
  readonly sparse: boolean;

  constructor(args: HashedCrossingArgs) {
    super(args);
    const numBins = args?.numBins;
    if (typeof numBins !== 'number' || !Number.isInteger(numBins) || numBins <= 0 || numBins > MAX_BINS) {
      throw new Error(`Invalid value for argument numBins of HashedCrossing. Expected an integer in [1, ${MAX_BINS}]. Received: numBins=${JSON.stringify(numBins)}`);
    }
    const outputMode = args.outputMode ?? 'int';
    if (outputMode !== 'int' && outputMode !== 'one_hot') {
      throw new Error(`Invalid value for argument outputMode. Expected one of 'int', 'one_hot'. Received: outputMode=${JSON.stringify(outputMode)}`);
    }
    const sparse = args.sparse ?? false;
    if (sparse) throw new Error('`sparse=true` is not supported: this library has no sparse tensors; use sparse=false (dense outputs).');
    // Keras's default dtype: int bins in 'int' mode, floats for the encoding.
    this.dtype = args.dtype ?? (outputMode === 'int' ? 'int32' : 'float32');
    if (outputMode === 'int' && this.dtype !== 'int32') throw new Error(`When \`outputMode="int"\`, \`dtype\` should be an integer type, 'int32'. Received: dtype=${this.dtype}`);
    if (outputMode === 'one_hot' && this.dtype !== 'float32') throw new Error(`When \`outputMode="one_hot"\`, \`dtype\` should be 'float32'. Received: dtype=${this.dtype}`);
    this.numBins = numBins;
    this.outputMode = outputMode;
    this.sparse = sparse;
  }

  override apply(inputs: readonly NestedTokens[], args?: CallArgs): Tensor;
  override apply(inputs: SymbolicTensor, args?: CallArgs): SymbolicTensor;
  override apply(inputs: SymbolicTensor[], args?: CallArgs): SymbolicTensor;
  override apply(inputs: Tensor, args?: CallArgs): Tensor;
  override apply(inputs: Tensor[], args?: CallArgs): Tensor;
  override apply(inputs: LayerInput, args?: CallArgs): LayerInput;
  override apply(inputs: readonly NestedTokens[] | LayerInput, args?: CallArgs): LayerInput {
    if (!Array.isArray(inputs)) throw new Error(`\`HashedCrossing\` should be called on a list of inputs. Received: inputs=${describe(inputs)}`);
    if (inputs.length < 2) throw new Error(`\`HashedCrossing\` should be called on at least two inputs. Received: ${inputs.length} input${inputs.length === 1 ? '' : 's'}`);
    const isTensorLike = (x: unknown): x is Tensor | SymbolicTensor => isSymbolic(x) || (typeof x === 'object' && x !== null && (x as Tensor).isTensorInstance === true);
    const tensors = inputs.filter(isTensorLike);
    if (tensors.length === inputs.length) {
      checkFeatureShapes(tensors.map((x) => [...x.shape]));
      const notInt = tensors.find((x) => x.dtype !== 'int32');
      if (notInt) throw new Error(`All \`HashedCrossing\` inputs should have an integer or string dtype: tensors must be int32. Received a ${notInt.dtype} input of shape ${shapeText(notInt.shape)}`);
      return super.apply(tensors as Tensor[], args);
    }
    if (tensors.length > 0) {
      throw new Error(`HashedCrossing '${this.name}' takes features that are all tensors (int32) or all host data (strings or integers), not a mix; read a tensor back with \`await t.array()\`.`);
    }
    const features = inputs.map((feature) => {
      const flat = flattenNested(feature, (value) => typeof value === 'string' || Number.isSafeInteger(value));
      if (flat === null || new Set(flat.values.map((value) => typeof value)).size > 1) {
        throw new Error(`All \`HashedCrossing\` inputs should have an integer or string dtype: each feature holds strings or integers, one kind, in a rectangular nesting. Received: ${describe(feature)}`);
      }
      return flat;
    });
    const shape = features[0].shape;
    checkFeatureShapes(features.map((feature) => feature.shape));
    if (!this.built) this.buildOnce(features.map((feature) => feature.shape));
    const count = features[0].values.length;
    const bins = Int32Array.from({ length: count }, (_, i) => crossBucket(features.map((feature) => feature.values[i] as string | number), this.numBins));
    return tidy(() => this.encode(tensor(bins, shape, 'int32')));
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tidy(() => this.encode(crossHashed(inputs as Tensor[], this.numBins)));
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (inputShape as Shape[])[0];
    return this.outputMode === 'int' ? [...shape] : encodedShape(shape, 'one_hot', this.numBins);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), numBins: this.numBins, outputMode: this.outputMode, sparse: this.sparse };
  }

  protected override traceInputDtype(): DType {
    return 'int32';
  }

  private encode(bins: Tensor): Tensor {
    return this.outputMode === 'int' ? bins : encodeCategorical(bins, 'one_hot', this.numBins, null);
  }
}

/** Keras's rule: every feature has shape [], [batch] or [batch, 1], and all have the same. */
function checkFeatureShapes(shapes: ReadonlyArray<Shape | readonly number[]>): void {
  const first = shapes[0];
  if (first.length > 2 || (first.length === 2 && first[1] !== 1)) {
    throw new Error(`All \`HashedCrossing\` inputs should have shape \`()\`, \`(batch_size)\` or \`(batch_size, 1)\`. Received shapes ${shapes.map(shapeText).join(', ')}`);
  }
  if (shapes.some((shape) => shape.join(',') !== first.join(','))) {
    throw new Error(`All \`HashedCrossing\` inputs should have equal shape. Received shapes ${shapes.map(shapeText).join(', ')}`);
  }
}

function shapeText(shape: Shape | readonly number[]): string {
  return `[${shape.map((d) => d ?? 'null').join(',')}]`;
}
