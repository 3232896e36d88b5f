// The losses module: every loss as a function and as a Loss class (Keras 3 names, defaults and
// numerics), the focal, overlap (Dice, Tversky), CTC and Circle losses, and the lookup that
// `compile` uses: `getLoss` resolves a name (Keras snake_case, camelCase, short alias or class
// name), a function or a Loss object; `serializeLoss` / `deserializeLoss` round-trip a Loss
// through its config.

import type { Tensor } from '../tensor/tensor';
import { Loss, LossFunctionWrapper, type LossConfig, type LossFunction } from './loss';
import {
  CosineSimilarity, cosineSimilarity, Huber, huber, LogCosh, logCosh, MeanAbsoluteError, meanAbsoluteError,
  MeanAbsolutePercentageError, meanAbsolutePercentageError, MeanSquaredError, meanSquaredError,
  MeanSquaredLogarithmicError, meanSquaredLogarithmicError,
} from './regression';
import {
  BinaryCrossentropy, binaryCrossentropy, CategoricalCrossentropy, categoricalCrossentropy, CategoricalGeneralizedCrossEntropy,
  categoricalGeneralizedCrossEntropy, KLDivergence, klDivergence, Poisson, poisson, SparseCategoricalCrossentropy, sparseCategoricalCrossentropy,
} from './probabilistic';
import { CategoricalHinge, categoricalHinge, Hinge, hinge, SquaredHinge, squaredHinge } from './hinge';
import { BinaryFocalCrossentropy, binaryFocalCrossentropy, CategoricalFocalCrossentropy, categoricalFocalCrossentropy } from './focal';
import { Dice, dice, Tversky, tversky } from './overlap';
import { CTC, ctc } from './ctc';
import { Circle, circle } from './circle';

export { Loss, LossFunctionWrapper, reduceWeightedValues, standardizeReduction } from './loss';
export type { LossConfig, LossFunction, LossOptions, Reduction, ReductionName } from './loss';
export * from './regression';
export * from './probabilistic';
export * from './hinge';
export * from './focal';
export * from './overlap';
export * from './ctc';
export * from './circle';

/** Short aliases, as Keras's legacy `mse`, `mae`, `mape`, `msle`. */
export { meanSquaredError as mse, meanAbsoluteError as mae, meanAbsolutePercentageError as mape, meanSquaredLogarithmicError as msle };

type LossClass = new (options?: LossConfig) => Loss;
type AnyLossFunction = (yTrue: Tensor, yPred: Tensor, options: object) => Tensor;

interface RegisteredLoss {
  /** The class name, written out so that minified builds keep it. */
  className: string;
  /** Keras's snake_case name; its camelCase form is accepted too. */
  name: string;
  aliases: string[];
  cls: LossClass;
  fn: AnyLossFunction;
  /** false for a loss Keras's `losses.get` does not know by name: it is then found by class (saving) and function only. */
  byName?: false;
}

const REGISTRY: RegisteredLoss[] = [
  { className: 'MeanSquaredError', name: 'mean_squared_error', aliases: ['mse', 'MSE'], cls: MeanSquaredError, fn: meanSquaredError },
  { className: 'MeanAbsoluteError', name: 'mean_absolute_error', aliases: ['mae', 'MAE'], cls: MeanAbsoluteError, fn: meanAbsoluteError },
  { className: 'MeanAbsolutePercentageError', name: 'mean_absolute_percentage_error', aliases: ['mape', 'MAPE'], cls: MeanAbsolutePercentageError, fn: meanAbsolutePercentageError },
  { className: 'MeanSquaredLogarithmicError', name: 'mean_squared_logarithmic_error', aliases: ['msle', 'MSLE'], cls: MeanSquaredLogarithmicError, fn: meanSquaredLogarithmicError },
  { className: 'Huber', name: 'huber', aliases: ['huber_loss'], cls: Huber, fn: huber },
  { className: 'LogCosh', name: 'log_cosh', aliases: ['logcosh'], cls: LogCosh, fn: logCosh },
  { className: 'CosineSimilarity', name: 'cosine_similarity', aliases: [], cls: CosineSimilarity, fn: cosineSimilarity },
  { className: 'BinaryCrossentropy', name: 'binary_crossentropy', aliases: ['bce', 'BCE'], cls: BinaryCrossentropy, fn: binaryCrossentropy },
  { className: 'CategoricalCrossentropy', name: 'categorical_crossentropy', aliases: [], cls: CategoricalCrossentropy, fn: categoricalCrossentropy },
  { className: 'SparseCategoricalCrossentropy', name: 'sparse_categorical_crossentropy', aliases: [], cls: SparseCategoricalCrossentropy, fn: sparseCategoricalCrossentropy },
  { className: 'KLDivergence', name: 'kl_divergence', aliases: ['kld', 'KLD', 'kullback_leibler_divergence'], cls: KLDivergence, fn: klDivergence },
  { className: 'Poisson', name: 'poisson', aliases: [], cls: Poisson, fn: poisson },
  { className: 'Hinge', name: 'hinge', aliases: [], cls: Hinge, fn: hinge },
  { className: 'SquaredHinge', name: 'squared_hinge', aliases: [], cls: SquaredHinge, fn: squaredHinge },
  { className: 'CategoricalHinge', name: 'categorical_hinge', aliases: [], cls: CategoricalHinge, fn: categoricalHinge },
  { className: 'BinaryFocalCrossentropy', name: 'binary_focal_crossentropy', aliases: [], cls: BinaryFocalCrossentropy, fn: binaryFocalCrossentropy },
  { className: 'CategoricalFocalCrossentropy', name: 'categorical_focal_crossentropy', aliases: [], cls: CategoricalFocalCrossentropy, fn: categoricalFocalCrossentropy },
  { className: 'Dice', name: 'dice', aliases: [], cls: Dice, fn: dice },
  { className: 'Tversky', name: 'tversky', aliases: [], cls: Tversky, fn: tversky },
  { className: 'CTC', name: 'ctc', aliases: [], cls: CTC, fn: ctc },
  { className: 'Circle', name: 'circle', aliases: [], cls: Circle, fn: circle },
  {
    className: 'CategoricalGeneralizedCrossEntropy', name: 'categorical_generalized_cross_entropy', aliases: [],
    cls: CategoricalGeneralizedCrossEntropy, fn: categoricalGeneralizedCrossEntropy, byName: false,
  },
];

const camelCase = (snake: string) => snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Every accepted spelling of each registered loss: snake_case, camelCase, aliases, class name. */
function spellings(entry: RegisteredLoss): string[] {
  const names = [entry.name, camelCase(entry.name), ...entry.aliases, ...entry.aliases.map(camelCase), entry.className];
  return [...new Set(names)];
}

const NAMED = REGISTRY.filter((entry) => entry.byName !== false);
const BY_NAME = new Map<string, RegisteredLoss>(NAMED.flatMap((entry) => spellings(entry).map((n) => [n, entry] as const)));

/** A loss as `serializeLoss` writes it. */
export interface SerializedLoss {
  className: string;
  config: LossConfig;
}

/** Anything `getLoss` resolves: a name, a loss function, a Loss object or a serialized loss. */
export type LossIdentifier = string | LossFunction | Loss | SerializedLoss;

/**
 * Resolves what `compile({ loss })` accepts to a Loss: a name (Keras snake_case such as
 * 'categorical_crossentropy', camelCase such as 'categoricalCrossentropy', an alias such as 'mse',
 * or a class name such as 'MeanSquaredError'), a loss function (a built-in one gives its class,
 * any other is wrapped in a LossFunctionWrapper), a Loss object (returned as is), or the output
 * of `serializeLoss`.
 * @example
 * const loss = getLoss('sparse_categorical_crossentropy');
 * const value = loss.apply(labels, probabilities);
 * getLoss((yTrue, yPred) => yPred.sub(yTrue).abs().mean(-1));   // a LossFunctionWrapper
 */
export function getLoss(identifier: LossIdentifier): Loss {
  if (identifier instanceof Loss) return identifier;
  if (typeof identifier === 'string') {
    const entry = BY_NAME.get(identifier);
    if (!entry) throw new Error(`Could not interpret loss identifier: '${identifier}'. Valid names: ${validNames()}.`);
    return new entry.cls();
  }
  if (typeof identifier === 'function') {
    const entry = REGISTRY.find((e) => e.fn === identifier);
    return entry ? new entry.cls() : new LossFunctionWrapper(identifier);
  }
  if (identifier !== null && typeof identifier === 'object' && typeof (identifier as SerializedLoss).className === 'string') {
    return deserializeLoss(identifier as SerializedLoss);
  }
  throw new Error(`Could not interpret loss identifier: ${identifier === null ? 'null' : typeof identifier}. Expected a loss name, a loss function, a Loss object or a serialized loss ({ className, config }).`);
}

/**
 * A Loss as plain data: its class name and `getConfig()`.
 * @example
 * const saved = JSON.stringify(serializeLoss(new BinaryCrossentropy({ fromLogits: true })));
 * const loss = deserializeLoss(JSON.parse(saved));
 */
export function serializeLoss(loss: Loss): SerializedLoss {
  if (!(loss instanceof Loss)) throw new Error(`serializeLoss: expected a Loss, got ${loss === null ? 'null' : typeof loss}.`);
  const entry = REGISTRY.find((e) => loss.constructor === e.cls);
  const className = entry?.className ?? (loss.constructor === LossFunctionWrapper ? 'LossFunctionWrapper' : loss.constructor.name);
  return { className, config: loss.getConfig() };
}

/**
 * Rebuilds a Loss from `serializeLoss`'s output. Classes outside this module go in
 * `customObjects`, by class name.
 * @example
 * const loss = deserializeLoss({ className: 'Huber', config: { name: 'huber_loss', reduction: 'sum', delta: 2 } });
 */
export function deserializeLoss(serialized: SerializedLoss, customObjects: Record<string, LossClass> = {}): Loss {
  const { className, config } = serialized;
  const custom = customObjects[className];
  if (custom) return new custom(config);
  const entry = REGISTRY.find((e) => e.className === className);
  if (entry) return new entry.cls(config);
  if (className === 'LossFunctionWrapper') {
    const { fn, ...options } = config;
    const found = typeof fn === 'string' ? REGISTRY.find((e) => spellings(e).includes(fn)) : undefined;
    if (!found) throw new Error(`deserializeLoss: cannot rebuild a LossFunctionWrapper around the function '${String(fn)}'; only built-in loss functions are known by name (pass the function to getLoss instead).`);
    return new LossFunctionWrapper(found.fn, options as LossConfig);
  }
  throw new Error(`deserializeLoss: unknown loss class '${className}'. Expected one of [${REGISTRY.map((e) => e.className).join(', ')}], or a class passed in customObjects.`);
}

function validNames(): string {
  return NAMED.map((entry) => spellings(entry).join(' / ')).join('; ');
}
