// keras.utils.FeatureSpace (keras/src/layers/preprocessing/feature_space.py): one object that
// preprocesses and encodes a table of structured data. Each named feature has a preprocessing
// layer (Normalization, Discretization, IntegerLookup, StringLookup, Hashing, ...) learned by
// `adapt`, features can be crossed by HashedCrossing, and the results are one-hot encoded and
// concatenated (or returned by name). Strings are host data, looked up and hashed on the CPU by
// their layers; numbers become tensors, and every encoding runs as ops on the device.

import type { Variable } from '../autograd/variable';
import { formatShape } from '../backend/types';
import { cast } from '../ops/elementwise';
import { concat, reshape, squeeze } from '../ops/shape';
import { tensor } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import { Tensor } from '../tensor/tensor';
import { CategoryEncoding, Discretization } from '../layers/categorical_preprocessing';
import { Identity } from '../layers/core';
import { HashedCrossing } from '../layers/hashed_crossing';
import { Hashing } from '../layers/hashing';
import { IndexLookup } from '../layers/index_lookup';
import { Input } from '../layers/input_layer';
import { IntegerLookup } from '../layers/integer_lookup';
import { Layer } from '../layers/layer';
import { describeValue, deserializeNested, serializeNested, type SerializedLayer } from '../layers/nested_layers';
import { Normalization } from '../layers/normalization_preprocessing';
import { Rescaling } from '../layers/preprocessing';
import { deserializeLayer } from '../layers/registry';
import { StringLookup } from '../layers/string_lookup';
import type { Shape, SymbolicTensor } from '../layers/symbolic';
import { TextVectorization } from '../layers/text_vectorization';

/** What a feature's raw values are: floats, integers (tensors on the device) or strings (host data). */
export type FeatureDtype = 'float32' | 'int32' | 'string';

/** How a feature's preprocessed values enter the output: as they are ('float', 'int') or one-hot encoded. */
export type FeatureOutputMode = 'float' | 'int' | 'one_hot';

/** Keras's names of the preset feature types, usable in place of a Feature. */
export type FeatureType = 'float' | 'float_rescaled' | 'float_normalized' | 'float_discretized' | 'integer_categorical' | 'integer_hashed' | 'string_categorical' | 'string_hashed';

const FEATURE_TYPES: readonly FeatureType[] = ['float', 'float_rescaled', 'float_normalized', 'float_discretized', 'integer_categorical', 'integer_hashed', 'string_categorical', 'string_hashed'];

/**
 * One feature's values: for a batch, a tensor ([batch] or [batch, 1]), a number[] or string[], or
 * [batch, 1] nested arrays; for one sample, a number, a string or a scalar tensor.
 */
export type FeatureValue = Tensor | number | string | Float32Array | Int32Array | readonly number[] | readonly string[] | ReadonlyArray<readonly number[]> | ReadonlyArray<readonly string[]>;

/** Values by feature name: a batch of rows, or one row. Entries that are not features (labels, say) are ignored. */
export type FeatureRecord = { [name: string]: FeatureValue };

/**
 * What `adapt` takes: a record of columns (the whole table), an array of row or batch records, or
 * an iterable or async iterable of them (a generator, a PyDataset); `[x, y]` elements give their x.
 */
export type FeatureSpaceDataset = FeatureRecord | readonly FeatureElement[] | Iterable<FeatureElement> | AsyncIterable<FeatureElement>;

type FeatureElement = FeatureRecord | readonly [FeatureRecord, ...unknown[]];

/** A feature: its raw dtype, the layer that preprocesses it, and how its result is encoded (Keras's Feature). */
export class Feature {
  readonly dtype: FeatureDtype;
  readonly preprocessor: Layer;
  readonly outputMode: FeatureOutputMode;

  constructor(dtype: FeatureDtype, preprocessor: Layer, outputMode: FeatureOutputMode) {
    if (!['float32', 'int32', 'string'].includes(dtype)) {
      throw new Error(`Invalid value for argument \`dtype\`. Expected one of 'float32', 'int32', 'string'. Received: dtype=${JSON.stringify(dtype)}`);
    }
    if (!(preprocessor instanceof Layer)) throw new Error(`Invalid value for argument \`preprocessor\`. Expected a layer. Received: preprocessor=${describeValue(preprocessor)}`);
    if (!['int', 'one_hot', 'float'].includes(outputMode)) {
      throw new Error(`Invalid value for argument \`outputMode\`. Expected one of 'int', 'one_hot', 'float'. Received: outputMode=${JSON.stringify(outputMode)}`);
    }
    this.dtype = dtype;
    this.preprocessor = preprocessor;
    this.outputMode = outputMode;
  }

  getConfig(): { dtype: FeatureDtype; preprocessor: SerializedLayer; outputMode: FeatureOutputMode } {
    return { dtype: this.dtype, preprocessor: serializeNested(this.preprocessor), outputMode: this.outputMode };
  }

  static fromConfig(config: { dtype: FeatureDtype; preprocessor: Layer | SerializedLayer; outputMode: FeatureOutputMode }): Feature {
    return new Feature(config.dtype, deserializeNested(config.preprocessor, 'preprocessor'), config.outputMode);
  }
}

/** A cross of features, hashed into `crossingDim` bins (Keras's Cross); its name joins the features' with '_X_'. */
export class Cross {
  readonly featureNames: readonly string[];
  readonly crossingDim: number;
  readonly outputMode: 'int' | 'one_hot';

  constructor(featureNames: readonly string[], crossingDim: number, outputMode: 'int' | 'one_hot' = 'one_hot') {
    if (outputMode !== 'int' && outputMode !== 'one_hot') {
      throw new Error(`Invalid value for argument \`outputMode\`. Expected one of 'int', 'one_hot'. Received: outputMode=${JSON.stringify(outputMode)}`);
    }
    if (!Array.isArray(featureNames) || featureNames.length < 2 || !featureNames.every((n) => typeof n === 'string')) {
      throw new Error(`A cross takes the names of at least two features. Received: featureNames=${describeValue(featureNames)}`);
    }
    if (!Number.isInteger(crossingDim) || crossingDim < 1) throw new Error(`Invalid value for argument \`crossingDim\`. Expected a positive integer. Received: crossingDim=${JSON.stringify(crossingDim)}`);
    this.featureNames = [...featureNames];
    this.crossingDim = crossingDim;
    this.outputMode = outputMode;
  }

  get name(): string {
    return this.featureNames.join('_X_');
  }

  getConfig(): { featureNames: string[]; crossingDim: number; outputMode: 'int' | 'one_hot' } {
    return { featureNames: [...this.featureNames], crossingDim: this.crossingDim, outputMode: this.outputMode };
  }

  static fromConfig(config: { featureNames: readonly string[]; crossingDim: number; outputMode?: 'int' | 'one_hot' }): Cross {
    return new Cross(config.featureNames, config.crossingDim, config.outputMode);
  }
}

export interface FeatureSpaceArgs {
  /** Each feature's type by name: a preset name ('float_normalized', ...) or a Feature (`FeatureSpace.stringCategorical({ maxTokens: 10 })`). */
  features: Record<string, FeatureType | Feature>;
  /** 'concat' (default): one float32 vector per sample; 'dict': a record of encoded features. */
  outputMode?: 'concat' | 'dict';
  /** Features to cross: lists of feature names (hashed into `crossingDim` bins) or `FeatureSpace.cross(...)`. */
  crosses?: ReadonlyArray<readonly string[] | Cross> | null;
  /** Bins of crosses given as name lists (default 32). */
  crossingDim?: number | null;
  /** Bins of the 'integer_hashed' and 'string_hashed' presets (default 32). */
  hashingDim?: number;
  /** Bins of the 'float_discretized' preset (default 32). */
  numDiscretizationBins?: number;
}

/** FeatureSpace's config: its options, each feature and cross serialized, and what adapt learned. */
export interface FeatureSpaceConfig {
  features: Record<string, ReturnType<Feature['getConfig']>>;
  outputMode: 'concat' | 'dict';
  crosses: Array<ReturnType<Cross['getConfig']>>;
  crossingDim: number | null;
  hashingDim: number;
  numDiscretizationBins: number;
  /** The features whose preprocessor adapt learned (null before adapt): their vocabularies stay adaptable when loaded. */
  adaptedFeatures: string[] | null;
  /** The mean and variance adapt gave each 'float_normalized' (or other Normalization) feature. */
  normalizationStatistics: Record<string, NormalizationStatistics>;
}

interface NormalizationStatistics {
  inputShape: Array<number | null>;
  mean: number[];
  variance: number[];
}

/** A feature's values for one batch: a tensor, or strings as [batch, 1] rows. */
type Column = Tensor | string[][];

/** The host side of a layer that takes strings, or data to adapt to. */
interface HostLayer {
  apply(inputs: string[][]): Tensor;
}
interface AdaptableLayer {
  adapt(data: unknown): Promise<void>;
}

/**
 * One-stop preprocessing and encoding of structured data, as keras.utils.FeatureSpace. Give each
 * feature a type, `await adapt(dataset)` on training data, then `apply(record)` turns a record of
 * columns into one float32 tensor [batch, dim] ('concat') or a record of encoded features ('dict').
 *
 * Feature types (by name with the defaults, or by the static constructors): 'float' (as is),
 * 'float_rescaled' (Rescaling), 'float_normalized' (Normalization), 'float_discretized'
 * (Discretization into `numDiscretizationBins`, one-hot), 'integer_categorical' (IntegerLookup,
 * one-hot), 'integer_hashed' (Hashing into `hashingDim` bins, one-hot), 'string_categorical'
 * (StringLookup, one-hot), 'string_hashed' (Hashing, one-hot); `FeatureSpace.feature(...)` takes
 * any preprocessing layer. Crosses hash the preprocessed ids of several features together
 * (HashedCrossing) and are one-hot encoded too. The output concatenates the features in sorted
 * name order, then the crosses in sorted name order.
 *
 * Strings are host data (string[] columns), looked up or hashed on the CPU by their layers, so a
 * FeatureSpace with string features is applied to the data before `fit` (as Keras's
 * `dataset.map(featureSpace)`), and a model built on `getEncodedFeatures()` takes the encoded
 * tensor; with numeric features only, a model from `getInputs()` to it takes the raw columns.
 * `getConfig()` holds what adapt learned (vocabularies, bin boundaries, normalization
 * statistics), so `FeatureSpace.fromConfig(config)` rebuilds an adapted feature space (Keras's
 * save and load_model). Departures from Keras: ids are int32; no `.keras` file of its own (save
 * the JSON of getConfig); a model built on the inputs cannot be saved (its FeatureSpace layer is
 * not a registered class).
 *
 * @example
 * const featureSpace = new utils.FeatureSpace({
 *   features: { age: 'float_normalized', city: 'string_categorical', rooms: 'integer_categorical' },
 *   crosses: [['city', 'rooms']],
 * });
 * await featureSpace.adapt({ age: [31, 45, 27], city: ['Oslo', 'Lima', 'Oslo'], rooms: [2, 3, 2] });
 * const x = featureSpace.apply({ age: [40], city: ['Lima'], rooms: [3] });   // float32 [1, 1 + 3 + 3 + 32]
 */
export class FeatureSpace {
  readonly features: Readonly<Record<string, Feature>>;
  readonly crosses: readonly Cross[];
  readonly outputMode: 'concat' | 'dict';
  readonly crossingDim: number | null;
  readonly hashingDim: number;
  readonly numDiscretizationBins: number;
  /** Each feature's preprocessing layer by feature name (Keras's `preprocessors`). */
  readonly preprocessors: Readonly<Record<string, Layer>>;
  /** Each cross's HashedCrossing layer by cross name (Keras's `crossers`). */
  readonly crossers: Readonly<Record<string, HashedCrossing>>;
  private adaptedFeatures: string[] | null = null;
  /** Preprocessors that came with what they need (a vocabulary, boundaries, statistics): adapt leaves them. */
  private readonly fixedPreprocessors: Set<string>;
  private normalizationStatistics: Record<string, NormalizationStatistics> = {};
  private readonly oneHotEncoders = new Map<string, CategoryEncoding>();
  private inputs: Record<string, SymbolicTensor> | null = null;
  private encodedFeatures: SymbolicTensor | Record<string, SymbolicTensor> | null = null;

  /** Float values as they are. */
  static float({ name }: { name?: string } = {}): Feature {
    return new Feature('float32', new Identity({ name: preprocessorName(name) }), 'float');
  }

  /** Float values rescaled: `x * scale + offset` (Rescaling). */
  static floatRescaled({ scale = 1, offset = 0, name }: { scale?: number; offset?: number; name?: string } = {}): Feature {
    return new Feature('float32', new Rescaling({ scale, offset, name: preprocessorName(name) }), 'float');
  }

  /** Float values standardized by the mean and variance adapt learns (Normalization). */
  static floatNormalized({ name }: { name?: string } = {}): Feature {
    return new Feature('float32', new Normalization({ axis: -1, name: preprocessorName(name) }), 'float');
  }

  /** Float values bucketed into `numBins` learned by adapt, or by given `binBoundaries` (Discretization), one-hot by default. */
  static floatDiscretized({ numBins, binBoundaries, outputMode = 'one_hot', name }: { numBins?: number; binBoundaries?: readonly number[]; outputMode?: 'int' | 'one_hot'; name?: string }): Feature {
    return new Feature('float32', new Discretization({ numBins, binBoundaries, name: preprocessorName(name) }), outputMode);
  }

  /** Integer values indexed by a vocabulary adapt learns (IntegerLookup), one-hot by default. */
  static integerCategorical({ maxTokens = null, numOovIndices = 1, outputMode = 'one_hot', name }: CategoricalArgs = {}): Feature {
    return new Feature('int32', new IntegerLookup({ maxTokens, numOovIndices, name: preprocessorName(name) }), outputMode);
  }

  /** String values indexed by a vocabulary adapt learns (StringLookup), one-hot by default. */
  static stringCategorical({ maxTokens = null, numOovIndices = 1, outputMode = 'one_hot', name }: CategoricalArgs = {}): Feature {
    return new Feature('string', new StringLookup({ maxTokens, numOovIndices, name: preprocessorName(name) }), outputMode);
  }

  /** String values hashed into `numBins` bins (Hashing), one-hot by default. */
  static stringHashed({ numBins, outputMode = 'one_hot', name }: HashedArgs): Feature {
    return new Feature('string', new Hashing({ numBins, name: preprocessorName(name) }), outputMode);
  }

  /** Integer values hashed into `numBins` bins (Hashing), one-hot by default. */
  static integerHashed({ numBins, outputMode = 'one_hot', name }: HashedArgs): Feature {
    return new Feature('int32', new Hashing({ numBins, name: preprocessorName(name) }), outputMode);
  }

  /**
   * A feature with a preprocessing layer of your own: string features get [batch, 1] string rows,
   * numeric ones [batch, 1] tensors.
   *
   * @example
   * FeatureSpace.feature({ dtype: 'string', preprocessor: new layers.TextVectorization({ outputMode: 'tf_idf' }), outputMode: 'float' });
   */
  static feature({ dtype, preprocessor, outputMode }: { dtype: FeatureDtype; preprocessor: Layer; outputMode: FeatureOutputMode }): Feature {
    return new Feature(dtype, preprocessor, outputMode);
  }

  /** A cross of features hashed into `crossingDim` bins, one-hot by default. */
  static cross({ featureNames, crossingDim, outputMode = 'one_hot' }: { featureNames: readonly string[]; crossingDim: number; outputMode?: 'int' | 'one_hot' }): Cross {
    return new Cross(featureNames, crossingDim, outputMode);
  }

  constructor(args: FeatureSpaceArgs) {
    const { features, outputMode = 'concat', crosses = null, crossingDim = 32, hashingDim = 32, numDiscretizationBins = 32 } = args ?? ({} as FeatureSpaceArgs);
    if (features === null || typeof features !== 'object' || Object.keys(features).length === 0) {
      throw new Error(`The \`features\` argument cannot be null or empty. Received: features=${describeValue(features)}`);
    }
    if (outputMode !== 'concat' && outputMode !== 'dict') {
      throw new Error(`Invalid value for argument \`outputMode\`. Expected one of 'dict', 'concat'. Received: outputMode=${JSON.stringify(outputMode)}`);
    }
    this.crossingDim = crossingDim;
    this.hashingDim = hashingDim;
    this.numDiscretizationBins = numDiscretizationBins;
    this.outputMode = outputMode;
    this.features = Object.fromEntries(Object.entries(features).map(([name, value]) => [name, this.standardizeFeature(name, value)]));
    this.crosses = (crosses ?? []).map((cross) => this.standardizeCross(cross));
    const crossNames = this.crosses.map((cross) => cross.name);
    const repeated = crossNames.find((name, i) => crossNames.indexOf(name) !== i || name in this.features);
    if (repeated !== undefined) throw new Error(`Each cross needs its own name, distinct from the features'. Received the cross '${repeated}' twice or as a feature name.`);
    for (const [name, feature] of Object.entries(this.features)) {
      if (outputMode === 'concat' && feature.outputMode === 'int') {
        throw new Error(`Cannot concatenate features because feature '${name}' has \`outputMode: 'int'\` (it is not encoded). Consider using \`outputMode: 'dict'\`.`);
      }
    }
    const intCross = this.crosses.find((cross) => cross.outputMode === 'int');
    if (outputMode === 'concat' && intCross) throw new Error(`Cannot concatenate features because cross '${intCross.name}' has \`outputMode: 'int'\` (it is not encoded). Consider using \`outputMode: 'dict'\`.`);
    this.preprocessors = Object.fromEntries(Object.entries(this.features).map(([name, feature]) => [name, feature.preprocessor]));
    this.crossers = Object.fromEntries(this.crosses.map((cross) => [cross.name, new HashedCrossing({ numBins: cross.crossingDim, name: cross.name })]));
    this.fixedPreprocessors = new Set(Object.keys(this.features).filter((name) => !isAdaptable(this.preprocessors[name])));
  }

  /**
   * Learns each adaptable preprocessor from the data (Keras's adapt): Normalization's mean and
   * variance, Discretization's bin boundaries, the lookups' vocabularies. Numbers are adapted to
   * as tensors, strings on the CPU. Preprocessors given what they need (a vocabulary, boundaries,
   * a mean and variance) are left as they are.
   *
   * @example
   * await featureSpace.adapt({ age: [31, 45, 27], city: ['Oslo', 'Lima', 'Oslo'] });
   * await featureSpace.adapt(async function* () { yield* batches; }());   // batches of records
   */
  async adapt(dataset: FeatureSpaceDataset): Promise<void> {
    const names = this.adaptableFeatures();
    const host = new Map<string, { values: Array<number | string>; width: number | null }>(names.map((name) => [name, { values: [], width: null }]));
    const batches = new Map<string, Tensor[]>(names.map((name) => [name, []]));
    const owned: Tensor[] = [];
    try {
      if (names.length > 0) {
        for await (const element of elementsOf(dataset)) {
          const record = Array.isArray(element) ? (element as unknown[])[0] : element;
          this.checkRecord(record, 'adapt');
          for (const name of names) {
            const value = record[name];
            if (value instanceof Tensor) {
              const column = this.featureTensor(name, value);
              if (column !== value) owned.push(column);
              batches.get(name)!.push(column);
              continue;
            }
            const rows = this.hostRows(name, value);
            const column = host.get(name)!;
            if (column.width !== null && column.width !== rows.width) {
              throw new Error(`FeatureSpace.adapt: feature '${name}' has ${rows.width} value(s) per sample here but ${column.width} in earlier data.`);
            }
            column.width = rows.width;
            for (const v of rows.values) column.values.push(v);
          }
        }
        for (const name of names) {
          const feature = this.features[name];
          const column = host.get(name)!;
          const tensors = batches.get(name)!;
          if (column.values.length === 0 && tensors.length === 0) throw new Error(`FeatureSpace.adapt: the dataset has no values for feature '${name}'.`);
          const preprocessor = feature.preprocessor as unknown as AdaptableLayer;
          if (feature.dtype === 'string') {
            // One batch of [samples, width] rows, given as an iterable of batches (an array would be read as the rows).
            await preprocessor.adapt([chunk(column.values as string[], column.width!)].values());
            continue;
          }
          if (column.values.length > 0) {
            const fromHost = tensor(column.values as number[], [column.values.length / column.width!, column.width!], feature.dtype);
            owned.push(fromHost);
            tensors.push(fromHost);
          }
          await preprocessor.adapt(tensors);
          if (feature.preprocessor instanceof Normalization) this.normalizationStatistics[name] = await statisticsOf(feature.preprocessor);
        }
      }
    } finally {
      for (const t of owned) t.dispose();
    }
    this.adaptedFeatures = names;
    this.oneHotEncoders.clear();
    this.encodedFeatures = null;
  }

  /**
   * Preprocesses and encodes a record of columns (Keras's `__call__`): a float32 tensor [batch, dim]
   * in 'concat' mode, a record of encoded features (features, then crosses) in 'dict' mode. A
   * record of single values (one sample) gives [dim] (or per feature [width]).
   *
   * @example
   * featureSpace.apply({ age: [40, 22], city: ['Lima', 'Oslo'] });   // [2, dim]
   * featureSpace.apply({ age: 40, city: 'Lima' });                    // [dim]
   */
  apply(record: FeatureRecord): Tensor | Record<string, Tensor> {
    this.checkAdapted();
    this.checkRecord(record, 'apply');
    return tidy(() => {
      const columns: Record<string, Column> = {};
      let single: boolean | null = null;
      let batchSize: number | null = null;
      for (const name of Object.keys(this.features)) {
        const value = record[name];
        const isSingle = value instanceof Tensor ? value.rank === 0 : !Array.isArray(value) && !ArrayBuffer.isView(value);
        if (single !== null && single !== isSingle) throw new Error(`FeatureSpace.apply: give every feature one value (one sample) or a column (a batch), not a mix; feature '${name}' differs from the ones before it.`);
        single = isSingle;
        const column = value instanceof Tensor ? this.featureTensor(name, value) : this.hostColumn(name, this.hostRows(name, value));
        const size = column instanceof Tensor ? column.shape[0] : column.length;
        if (batchSize !== null && size !== batchSize) throw new Error(`FeatureSpace.apply: every feature needs the same batch size; feature '${name}' has ${size} samples, the ones before it ${batchSize}.`);
        batchSize = size;
        columns[name] = column;
      }
      const encoded = this.encode(columns);
      if (!single) return encoded;
      if (encoded instanceof Tensor) return squeeze(encoded, 0);
      return Object.fromEntries(Object.entries(encoded).map(([name, x]) => [name, squeeze(x, 0)]));
    });
  }

  /**
   * One symbolic input per feature (Keras's get_inputs): `Input({ shape: [], name })`, float32 or
   * int32, so that the model takes each feature as a column (a number[] or a [batch] tensor). For
   * numeric features only: string features are host data, which a model cannot take.
   */
  getInputs(): Record<string, SymbolicTensor> {
    this.checkAdapted();
    const strings = Object.keys(this.features).filter((name) => this.features[name].dtype === 'string');
    if (strings.length > 0) {
      throw new Error(
        `FeatureSpace.getInputs: the string features ${strings.map((n) => `'${n}'`).join(', ')} are host data, which a model's inputs cannot take. ` +
          'Apply the FeatureSpace to the data before fit (`featureSpace.apply(x)`) and build the model on `getEncodedFeatures()` as its input.',
      );
    }
    return this.symbolicInputs();
  }

  /**
   * The encoded features as symbolic tensors computed from `getInputs()` (Keras's
   * get_encoded_features): one [null, dim] tensor ('concat') or a record ('dict'), for building a
   * functional model on top: with `getInputs()` as its inputs it takes the raw columns (numeric
   * features only); with the encoded features as its inputs it takes `featureSpace.apply(x)`.
   *
   * @example
   * const encoded = featureSpace.getEncodedFeatures() as SymbolicTensor;
   * const outputs = new layers.Dense({ units: 1, activation: 'sigmoid' }).apply(encoded);
   * const trainingModel = new Model({ inputs: encoded, outputs });                // fit on featureSpace.apply(x)
   * const rawModel = new Model({ inputs: featureSpace.getInputs(), outputs });    // numeric features: raw columns
   */
  getEncodedFeatures(): SymbolicTensor | Record<string, SymbolicTensor> {
    this.checkAdapted();
    const inputs = this.symbolicInputs();
    if (this.encodedFeatures === null) {
      const names = Object.keys(this.features);
      const layer = new FeatureSpaceEncoder(this, names);
      const outputs = layer.apply(names.map((name) => inputs[name]));
      this.encodedFeatures = this.outputMode === 'concat' ? (outputs as SymbolicTensor) : Object.fromEntries(this.outputNames().map((name, i) => [name, (outputs as SymbolicTensor[])[i]]));
    }
    return this.encodedFeatures;
  }

  /** The options, the features and crosses serialized, and what adapt learned (see FeatureSpaceConfig). */
  getConfig(): FeatureSpaceConfig {
    return {
      features: Object.fromEntries(Object.entries(this.features).map(([name, feature]) => [name, feature.getConfig()])),
      outputMode: this.outputMode,
      crosses: this.crosses.map((cross) => cross.getConfig()),
      crossingDim: this.crossingDim,
      hashingDim: this.hashingDim,
      numDiscretizationBins: this.numDiscretizationBins,
      adaptedFeatures: this.adaptedFeatures && [...this.adaptedFeatures],
      normalizationStatistics: structuredClone(this.normalizationStatistics),
    };
  }

  /**
   * Rebuilds a FeatureSpace from `getConfig()`, adapted as it was: learned vocabularies are set
   * (and stay adaptable), bin boundaries and normalization statistics restored.
   *
   * @example
   * const copy = FeatureSpace.fromConfig(JSON.parse(JSON.stringify(featureSpace.getConfig())));
   */
  static fromConfig(config: FeatureSpaceConfig): FeatureSpace {
    const adapted = new Set(config.adaptedFeatures ?? []);
    const features = Object.fromEntries(
      Object.entries(config.features).map(([name, feature]) => [name, new Feature(feature.dtype, restorePreprocessor(feature.preprocessor, adapted.has(name), config.normalizationStatistics?.[name]), feature.outputMode)]),
    );
    const featureSpace = new FeatureSpace({
      features,
      outputMode: config.outputMode,
      crosses: config.crosses.map((cross) => Cross.fromConfig(cross)),
      crossingDim: config.crossingDim,
      hashingDim: config.hashingDim,
      numDiscretizationBins: config.numDiscretizationBins,
    });
    featureSpace.adaptedFeatures = config.adaptedFeatures && [...config.adaptedFeatures];
    for (const name of adapted) featureSpace.fixedPreprocessors.delete(name);
    featureSpace.normalizationStatistics = structuredClone(config.normalizationStatistics ?? {});
    return featureSpace;
  }

  /** @internal Preprocesses, crosses and encodes columns of the features (tensors, or string rows); inside a tidy scope. */
  encode(columns: Record<string, Column>): Tensor | Record<string, Tensor> {
    const preprocessed: Record<string, Tensor> = {};
    for (const [name, feature] of Object.entries(this.features)) {
      const column = columns[name];
      const output = column instanceof Tensor ? feature.preprocessor.apply(column) : (feature.preprocessor as unknown as HostLayer).apply(column);
      if (!(output instanceof Tensor)) throw new Error(`FeatureSpace: the preprocessor of feature '${name}' must return one tensor. Received: ${describeValue(output)}`);
      preprocessed[name] = output;
    }
    const values: Record<string, Tensor> = { ...preprocessed };
    for (const cross of this.crosses) values[cross.name] = this.crossers[cross.name].apply(cross.featureNames.map((name) => preprocessed[name]));
    const outputs: Record<string, Tensor> = {};
    for (const name of this.outputNames()) {
      let x = values[name];
      if (this.specOf(name).outputMode === 'one_hot') {
        if (x.dtype !== 'int32') {
          throw new Error(`Feature '${name}' has \`outputMode: 'one_hot'\`. Thus its preprocessor should return an integer dtype. Instead it returns a ${x.dtype} dtype.`);
        }
        x = this.oneHotEncoder(name).apply(x);
      }
      if (this.outputMode === 'concat' && x.dtype !== 'float32') {
        throw new Error(`Cannot concatenate features because feature '${name}' has not been encoded (it has dtype ${x.dtype}). Consider using \`outputMode: 'dict'\`.`);
      }
      if (this.outputMode === 'concat' && x.rank !== 2) throw new Error(`Cannot concatenate features because feature '${name}' is encoded with shape ${formatShape(x.shape)}; expected [batch, width].`);
      outputs[name] = x;
    }
    return this.outputMode === 'dict' ? outputs : concat(Object.values(outputs), -1);
  }

  /** @internal The encoded shapes, for columns of `batch` samples. */
  encodedShapes(batch: number | null): Shape[] {
    return this.outputNames().map((name) => {
      const spec = this.specOf(name);
      if (spec.outputMode === 'one_hot') return [batch, this.cardinality(name)];
      if (spec.outputMode === 'int') return [batch, 1];
      return (this.features[name].preprocessor.computeOutputShape([batch, 1]) as Shape);
    });
  }

  /** The outputs' names in their order: the features sorted, then the crosses sorted (Keras's). */
  outputNames(): string[] {
    return [...Object.keys(this.features).sort(), ...this.crosses.map((cross) => cross.name).sort()];
  }

  /** One input per feature, a column ([batch]); a string feature's is a placeholder no model can be fed (see getInputs). */
  private symbolicInputs(): Record<string, SymbolicTensor> {
    this.inputs ??= Object.fromEntries(Object.entries(this.features).map(([name, feature]) => [name, Input({ shape: [], dtype: feature.dtype === 'float32' ? 'float32' : 'int32', name })]));
    return this.inputs;
  }

  private specOf(name: string): Feature | Cross {
    return this.features[name] ?? this.crosses.find((cross) => cross.name === name)!;
  }

  private standardizeFeature(name: string, value: FeatureType | Feature): Feature {
    if (value instanceof Feature) return value;
    const options = { name };
    switch (value) {
      case 'float':
        return FeatureSpace.float(options);
      case 'float_rescaled':
        return FeatureSpace.floatRescaled(options);
      case 'float_normalized':
        return FeatureSpace.floatNormalized(options);
      case 'float_discretized':
        return FeatureSpace.floatDiscretized({ ...options, numBins: this.numDiscretizationBins });
      case 'integer_categorical':
        return FeatureSpace.integerCategorical(options);
      case 'string_categorical':
        return FeatureSpace.stringCategorical(options);
      case 'integer_hashed':
        return FeatureSpace.integerHashed({ ...options, numBins: this.hashingDim });
      case 'string_hashed':
        return FeatureSpace.stringHashed({ ...options, numBins: this.hashingDim });
      default:
        throw new Error(`Invalid feature type for feature '${name}'. Expected one of ${FEATURE_TYPES.map((t) => `'${t}'`).join(', ')} or a Feature (FeatureSpace.floatNormalized(), ...). Received: ${describeValue(value)}`);
    }
  }

  private standardizeCross(cross: readonly string[] | Cross): Cross {
    const standardized = cross instanceof Cross ? cross : this.crossOfNames(cross);
    const unknown = standardized.featureNames.filter((name) => !(name in this.features));
    if (unknown.length > 0) {
      throw new Error(`All features referenced in the \`crosses\` argument should be present in the \`features\` record. Received unknown features: ${JSON.stringify(unknown)} in the cross ${JSON.stringify(standardized.featureNames)}`);
    }
    const float = standardized.featureNames.find((name) => this.features[name].outputMode === 'float');
    if (float !== undefined) throw new Error(`Cannot cross feature '${float}': its preprocessor gives floats, and crosses hash integer ids or strings. Discretize it (FeatureSpace.floatDiscretized) to cross it.`);
    return standardized;
  }

  private crossOfNames(names: readonly string[]): Cross {
    if (!this.crossingDim) {
      throw new Error('When specifying `crosses`, the argument `crossingDim` (dimensionality of the crossing space) should be specified as well.');
    }
    return new Cross(names, this.crossingDim);
  }

  /** The features adapt learns: those whose preprocessor can adapt and was not given what it needs. */
  private adaptableFeatures(): string[] {
    return Object.keys(this.features).filter((name) => !this.fixedPreprocessors.has(name));
  }

  private checkAdapted(): void {
    if (this.adaptedFeatures === null && this.adaptableFeatures().length > 0) {
      throw new Error('You need to call `.adapt(dataset)` on the FeatureSpace before you can start using it.');
    }
  }

  private checkRecord(record: unknown, op: string): asserts record is FeatureRecord {
    if (record === null || typeof record !== 'object' || Object.getPrototypeOf(record) !== Object.prototype) {
      throw new Error(`FeatureSpace.${op} takes records of feature values by name ({ feature: values, ... }). Received: ${describeValue(record)}`);
    }
    const missing = Object.keys(this.features).filter((name) => (record as FeatureRecord)[name] === undefined);
    if (missing.length > 0) {
      throw new Error(`FeatureSpace.${op}: the record has no values for the features ${missing.map((n) => `'${n}'`).join(', ')}. Received ${Object.keys(record).length === 0 ? 'an empty record' : `the entries ${Object.keys(record).map((n) => `'${n}'`).join(', ')}`}.`);
    }
  }

  /** A tensor value as a column [batch, width] of the feature's dtype. */
  private featureTensor(name: string, value: Tensor): Tensor {
    const feature = this.features[name];
    if (feature.dtype === 'string') throw new Error(`Feature '${name}' holds strings, which are host data: give a string[] (or one string), not a tensor.`);
    if (value.rank > 2) throw new Error(`Feature '${name}' takes one value per sample: a tensor of shape [], [batch] or [batch, 1]. Received shape ${formatShape(value.shape)}.`);
    let column = value.rank === 2 ? value : reshape(value, [value.rank === 0 ? 1 : value.shape[0], 1]);
    if (column.dtype !== feature.dtype) column = cast(column, feature.dtype);
    return column;
  }

  /** Host values of a feature as flat values and their width per sample, checked against its dtype. */
  private hostRows(name: string, value: unknown): { values: Array<number | string>; width: number } {
    const wantStrings = this.features[name].dtype === 'string';
    const isLeaf = (v: unknown) => (wantStrings ? typeof v === 'string' : typeof v === 'number');
    const expected = wantStrings ? 'strings: a string, a string[] or [batch, 1] nested string arrays' : 'numbers: a number, a number[], a typed array, a tensor or [batch, 1] nested arrays';
    const fail = () => new Error(`Feature '${name}' takes ${expected}. Received: ${describeValue(value)}`);
    if (isLeaf(value)) return { values: [value as number | string], width: 1 };
    if (!wantStrings && (value instanceof Float32Array || value instanceof Int32Array)) return { values: Array.from(value), width: 1 };
    if (!Array.isArray(value)) throw fail();
    if (value.every(isLeaf)) return { values: value as Array<number | string>, width: 1 };
    const width = Array.isArray(value[0]) ? value[0].length : -1;
    if (!value.every((row) => Array.isArray(row) && row.length === width && row.every(isLeaf))) throw fail();
    return { values: (value as Array<Array<number | string>>).flat(), width };
  }

  /** Host values as a column: strings as [batch, width] rows, numbers as a tensor. */
  private hostColumn(name: string, rows: { values: Array<number | string>; width: number }): Column {
    const feature = this.features[name];
    if (feature.dtype === 'string') return chunk(rows.values as string[], rows.width);
    return tensor(rows.values as number[], [rows.values.length / rows.width, rows.width], feature.dtype);
  }

  /** The number of ids of a one-hot output (Keras's cardinality of its preprocessor). */
  private cardinality(name: string): number {
    const layer = this.preprocessors[name] ?? this.crossers[name];
    if (layer instanceof IndexLookup) return layer.vocabularySize();
    if (layer instanceof TextVectorization) return layer.vocabularySize();
    if (layer instanceof CategoryEncoding) return layer.numTokens;
    if (layer instanceof Discretization) return layer.numBins ?? (layer.binBoundaries?.length ?? 0) + 1;
    if (layer instanceof Hashing || layer instanceof HashedCrossing) return layer.numBins;
    throw new Error(
      `Feature '${name}' has \`outputMode: 'one_hot'\`. However it isn't a standard feature and the dimensionality of its output space is not known, thus it cannot be one-hot encoded. Try using \`outputMode: 'int'\`.`,
    );
  }

  /** The one-hot encoder of an output, remade when its cardinality changed (a new adapt). */
  private oneHotEncoder(name: string): CategoryEncoding {
    const numTokens = this.cardinality(name);
    let encoder = this.oneHotEncoders.get(name);
    if (encoder?.numTokens !== numTokens) {
      encoder = new CategoryEncoding({ numTokens, outputMode: 'multi_hot' });
      this.oneHotEncoders.set(name, encoder);
    }
    return encoder;
  }
}

interface CategoricalArgs {
  maxTokens?: number | null;
  numOovIndices?: number;
  outputMode?: 'int' | 'one_hot';
  name?: string;
}

interface HashedArgs {
  numBins: number;
  outputMode?: 'int' | 'one_hot';
  name?: string;
}

/**
 * The FeatureSpace's encoding as one layer of a functional model: it takes the features' inputs
 * in order and returns the concatenated encoding, or the encoded features in outputNames order.
 * Its preprocessors are its sublayers, so their weights (Normalization's statistics) are the model's.
 */
class FeatureSpaceEncoder extends Layer {
  constructor(
    private readonly featureSpace: FeatureSpace,
    private readonly featureNames: readonly string[],
  ) {
    super({});
  }

  override get layers(): Layer[] {
    return [...Object.values(this.featureSpace.preprocessors), ...Object.values(this.featureSpace.crossers)];
  }

  override call(inputs: Tensor | Tensor[]): Tensor | Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const strings = this.featureNames.filter((name) => this.featureSpace.features[name].dtype === 'string');
    if (strings.length > 0) {
      throw new Error(`A model cannot run the FeatureSpace on its string features ${strings.map((n) => `'${n}'`).join(', ')} (host data): feed the model \`featureSpace.apply(x)\` through an input of the encoded features instead.`);
    }
    return tidy(() => {
      const columns = Object.fromEntries(this.featureNames.map((name, i) => [name, cast(reshape(list[i], [list[i].shape[0], 1]), this.featureSpace.features[name].dtype as 'float32' | 'int32')]));
      const encoded = this.featureSpace.encode(columns);
      return encoded instanceof Tensor ? encoded : this.featureSpace.outputNames().map((name) => encoded[name]);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const batch = (inputShape as Shape[])[0][0];
    const shapes = this.featureSpace.encodedShapes(batch);
    if (this.featureSpace.outputMode === 'dict') return shapes;
    return [batch, shapes.reduce((sum, shape) => sum + (shape[1] ?? 0), 0)];
  }
}

/** A preprocess layer name from a feature name, as Keras's `{name}_preprocessor`; none lets the layer name itself. */
function preprocessorName(name: string | undefined): string | undefined {
  return name === undefined ? undefined : `${name}_preprocessor`;
}

/** Whether adapt should learn this preprocessor: it has adapt and was not given what it needs. */
function isAdaptable(layer: Layer): boolean {
  if (typeof (layer as unknown as Partial<AdaptableLayer>).adapt !== 'function') return false;
  if (layer instanceof Normalization) return layer.inputMean === null;
  if (layer instanceof Discretization) return layer.numBins !== null;
  if (layer instanceof IndexLookup || layer instanceof TextVectorization) return layer.getConfig().vocabulary === null;
  return true;
}

/** Flat values as rows of `width`. */
function chunk<T>(values: readonly T[], width: number): T[][] {
  return Array.from({ length: values.length / width }, (_, i) => values.slice(i * width, (i + 1) * width));
}

/**
 * The elements of adapt's dataset: a record of columns is one element. An object literal with
 * `[Symbol.iterator]` or `[Symbol.asyncIterator]` is a dataset (as a tf.data pipeline), not a record.
 */
async function* elementsOf(dataset: FeatureSpaceDataset): AsyncGenerator<unknown> {
  const iterable = dataset as Partial<Iterable<unknown> & AsyncIterable<unknown>> | null;
  const isIterable = iterable !== null && typeof iterable === 'object' && (typeof iterable[Symbol.iterator] === 'function' || typeof iterable[Symbol.asyncIterator] === 'function');
  if (!isIterable && dataset !== null && typeof dataset === 'object' && Object.getPrototypeOf(dataset) === Object.prototype) {
    yield dataset;
    return;
  }
  if (!isIterable) {
    throw new Error(`\`adapt()\` can only be called on a record of columns, an array of records, or an iterable or async iterable of records (batches or rows). Received instead: ${describeValue(dataset)}`);
  }
  yield* iterable as AsyncIterable<unknown>;
}

/** Normalization's adapted mean and variance, read back to the host for getConfig. */
async function statisticsOf(layer: Normalization): Promise<NormalizationStatistics> {
  const read = async (v: Variable | null) => Array.from(await v!.data());
  return { inputShape: [...(layer.buildInputShape as Shape)], mean: await read(layer.adaptMean), variance: await read(layer.adaptVariance) };
}

/**
 * A saved preprocessor rebuilt: an adapted lookup gets its learned vocabulary with setVocabulary
 * (so that it stays adaptable), an adapted Normalization its statistics as weights.
 */
function restorePreprocessor(saved: SerializedLayer, adapted: boolean, statistics: NormalizationStatistics | undefined): Layer {
  const { vocabulary = null, idfWeights = null } = saved.config as { vocabulary?: Array<string | number> | null; idfWeights?: number[] | null };
  if (adapted && vocabulary !== null) {
    const layer = deserializeLayer({ className: saved.className, config: { ...saved.config, vocabulary: null, idfWeights: null } });
    (layer as unknown as { setVocabulary(v: unknown[], w: number[] | null): void }).setVocabulary(vocabulary, idfWeights);
    return layer;
  }
  const layer = deserializeLayer(saved);
  if (adapted && statistics && layer instanceof Normalization) {
    layer.buildOnce(statistics.inputShape);
    tidy(() => {
      layer.adaptMean!.assign(tensor(statistics.mean, layer.adaptMean!.shape));
      layer.adaptVariance!.assign(tensor(statistics.variance, layer.adaptVariance!.shape));
    });
  }
  return layer;
}
