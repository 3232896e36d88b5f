// The metrics module: every metric class and per-sample function, and `getMetric`, which turns
// what a user passes to compile({ metrics: [...] }) (a name, a Metric or a function) into a Metric.

import { Metric } from './metric';
import { MeanMetricWrapper, type MetricFunction } from './reduction_metrics';
import { Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, SparseTopKCategoricalAccuracy, TopKCategoricalAccuracy } from './accuracy_metrics';
import { MeanAbsoluteError, MeanSquaredError, R2Score, RootMeanSquaredError } from './regression_metrics';
import { FalseNegatives, FalsePositives, Precision, Recall, TrueNegatives, TruePositives } from './confusion_metrics';
import { AUC } from './auc_metric';
import { F1Score, FBetaScore } from './f_score_metrics';
import { BinaryIoU } from './iou_metrics';
import { ConcordanceCorrelation, PearsonCorrelation } from './correlation_metrics';
import {
  BinaryCrossentropy, CategoricalCrossentropy, CategoricalHinge, CosineSimilarity, Hinge, KLDivergence, LogCoshError,
  MeanAbsolutePercentageError, MeanSquaredLogarithmicError, Poisson, SparseCategoricalCrossentropy, SquaredHinge,
} from './loss_metrics';

export { Metric, type MetricConfig, type MetricVariableArgs, type SampleWeight } from './metric';
export { Mean, Sum, MeanMetricWrapper, type MetricFunction } from './reduction_metrics';
export {
  Accuracy,
  BinaryAccuracy,
  CategoricalAccuracy,
  SparseCategoricalAccuracy,
  TopKCategoricalAccuracy,
  SparseTopKCategoricalAccuracy,
  binaryAccuracy,
  categoricalAccuracy,
  sparseCategoricalAccuracy,
  topKCategoricalAccuracy,
  sparseTopKCategoricalAccuracy,
  resolveAccuracy,
  type AccuracyKind,
} from './accuracy_metrics';
export {
  MeanAbsoluteError, MeanSquaredError, RootMeanSquaredError, R2Score, meanAbsoluteError, meanSquaredError, mae, mse, type R2ScoreOptions, type R2ClassAggregation,
} from './regression_metrics';
export {
  Precision, Recall, TruePositives, TrueNegatives, FalsePositives, FalseNegatives, type PrecisionRecallOptions, type ConfusionCountOptions,
} from './confusion_metrics';
export { AUC, type AUCOptions, type AUCCurve, type AUCSummationMethod } from './auc_metric';
export { PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity, type OperatingPointOptions } from './threshold_metrics';
export { FBetaScore, F1Score, type FScoreOptions, type FBetaScoreOptions, type FScoreAverage } from './f_score_metrics';
export {
  IoU, MeanIoU, BinaryIoU, OneHotIoU, OneHotMeanIoU, type IoUOptions, type MeanIoUOptions, type BinaryIoUOptions, type IoUBaseOptions, type OneHotIoUOptions, type OneHotMeanIoUOptions,
} from './iou_metrics';
export {
  PearsonCorrelation, ConcordanceCorrelation, pearsonCorrelation, concordanceCorrelation, type CorrelationAxis, type CorrelationOptions, type CorrelationMetricOptions,
} from './correlation_metrics';
export {
  BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, KLDivergence, Poisson, Hinge, SquaredHinge, CategoricalHinge,
  MeanAbsolutePercentageError, MeanSquaredLogarithmicError, LogCoshError, CosineSimilarity,
  type LossMetricOptions, type BinaryCrossentropyMetricOptions, type CategoricalCrossentropyMetricOptions,
  type SparseCategoricalCrossentropyMetricOptions, type CosineSimilarityMetricOptions,
} from './loss_metrics';

/** Keras's per-sample loss functions that keras.metrics re-exports (the same functions as `losses.*`). */
export {
  binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy, binaryFocalCrossentropy, categoricalFocalCrossentropy,
  hinge, squaredHinge, categoricalHinge, huber, klDivergence, logCosh, meanAbsolutePercentageError, meanSquaredLogarithmicError, poisson,
} from '../losses/index';
export { get, serialize, deserialize, type SerializedMetric } from './serialization';

/** What compile() accepts as a metric: a name, a Metric, or a function (yTrue, yPred) => per-sample values. */
export type MetricIdentifier = string | Metric | MetricFunction;

/** Builds a metric given the name it will be logged under. */
const METRICS_BY_NAME: Record<string, (name: string) => Metric> = {
  accuracy: (name) => new Accuracy({ name }),
  acc: (name) => new Accuracy({ name }),
  binary_accuracy: (name) => new BinaryAccuracy({ name }),
  categorical_accuracy: (name) => new CategoricalAccuracy({ name }),
  sparse_categorical_accuracy: (name) => new SparseCategoricalAccuracy({ name }),
  top_k_categorical_accuracy: (name) => new TopKCategoricalAccuracy({ name }),
  sparse_top_k_categorical_accuracy: (name) => new SparseTopKCategoricalAccuracy({ name }),
  mae: (name) => new MeanAbsoluteError({ name }),
  mean_absolute_error: (name) => new MeanAbsoluteError({ name }),
  mse: (name) => new MeanSquaredError({ name }),
  mean_squared_error: (name) => new MeanSquaredError({ name }),
  rmse: (name) => new RootMeanSquaredError({ name }),
  root_mean_squared_error: (name) => new RootMeanSquaredError({ name }),
  precision: (name) => new Precision({ name }),
  recall: (name) => new Recall({ name }),
  auc: (name) => new AUC({ name }),
  true_positives: (name) => new TruePositives({ name }),
  true_negatives: (name) => new TrueNegatives({ name }),
  false_positives: (name) => new FalsePositives({ name }),
  false_negatives: (name) => new FalseNegatives({ name }),
  f1_score: (name) => new F1Score({ name }),
  f_beta_score: (name) => new FBetaScore({ name }),
  r2_score: (name) => new R2Score({ name }),
  pearson_correlation: (name) => new PearsonCorrelation({ name }),
  concordance_correlation: (name) => new ConcordanceCorrelation({ name }),
  binary_io_u: (name) => new BinaryIoU({ name }),
  binary_crossentropy: (name) => new BinaryCrossentropy({ name }),
  categorical_crossentropy: (name) => new CategoricalCrossentropy({ name }),
  sparse_categorical_crossentropy: (name) => new SparseCategoricalCrossentropy({ name }),
  kl_divergence: (name) => new KLDivergence({ name }),
  poisson: (name) => new Poisson({ name }),
  hinge: (name) => new Hinge({ name }),
  squared_hinge: (name) => new SquaredHinge({ name }),
  categorical_hinge: (name) => new CategoricalHinge({ name }),
  mape: (name) => new MeanAbsolutePercentageError({ name }),
  mean_absolute_percentage_error: (name) => new MeanAbsolutePercentageError({ name }),
  msle: (name) => new MeanSquaredLogarithmicError({ name }),
  mean_squared_logarithmic_error: (name) => new MeanSquaredLogarithmicError({ name }),
  logcosh: (name) => new LogCoshError({ name }),
  log_cosh_error: (name) => new LogCoshError({ name }),
  cosine_similarity: (name) => new CosineSimilarity({ name }),
};

/** The names `getMetric` accepts (each also in camelCase or PascalCase). */
export const METRIC_NAMES: readonly string[] = Object.keys(METRICS_BY_NAME);

/**
 * 'binaryAccuracy', 'BinaryAccuracy' and 'binary_accuracy' all give 'binary_accuracy'; 'AUC' and
 * 'MAE' give 'auc' and 'mae'.
 */
function toSnakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * The metric for a compile() entry: a name (snake_case as in Keras, or camelCase, or the class
 * name), a Metric (returned as is), or a function (yTrue, yPred) => per-sample values, averaged by
 * a MeanMetricWrapper named after the function. A metric made from a name is logged under the
 * snake_case form of that name, as Keras logs 'accuracy' as 'accuracy' and 'mae' as 'mae'.
 *
 * @example
 * getMetric('accuracy').name;         // 'accuracy' (binary, sparse or categorical at first update)
 * getMetric('meanAbsoluteError').name; // 'mean_absolute_error'
 * getMetric(function hits(yTrue, yPred) { return ops.equal(yTrue, ops.round(yPred)).cast('float32'); }).name; // 'hits'
 */
export function getMetric(identifier: MetricIdentifier): Metric {
  if (identifier instanceof Metric) return identifier;
  if (typeof identifier === 'function') return new MeanMetricWrapper(identifier);
  if (typeof identifier === 'string') {
    const name = toSnakeCase(identifier);
    const make = METRICS_BY_NAME[name];
    if (make) return make(name);
    throw new Error(`getMetric: unknown metric '${identifier}'. Expected one of ${METRIC_NAMES.map((n) => `'${n}'`).join(', ')} (or their camelCase forms), a Metric, or a function (yTrue, yPred) => Tensor.`);
  }
  throw new Error(`getMetric: expected a metric name, a Metric or a function (yTrue, yPred) => Tensor, got ${identifier === null ? 'null' : Array.isArray(identifier) ? 'an array' : typeof identifier}.`);
}
