// Accuracy metrics: the per-sample functions (binaryAccuracy, categoricalAccuracy, ...) and the
// metrics that average them over batches. `Accuracy` picks binary, sparse categorical or
// categorical accuracy from the shapes of its first batch, as Keras's compile() does for
// metrics=['accuracy'].
//
// Inputs of rank 1 hold one value per sample: they are compared element by element rather than
// averaged over their only axis (Keras would count a rank-1 batch as a single sample).

import type { Tensor } from '../tensor/tensor';
import { oneHot } from '../ops/creation';
import { cast, equal, greater, isFinite, less, logicalAnd, where } from '../ops/elementwise';
import { any, argMax, sum } from '../ops/reduce';
import { expandDims, slice, squeeze } from '../ops/shape';
import { MeanMetricWrapper, type MetricFunction } from './reduction_metrics';
import type { MetricConfig, SampleWeight } from './metric';
import { asFloat, squeezeOrExpandToSameRank } from './metrics_utils';

/**
 * 1 where the prediction, thresholded, equals the label, else 0, element by element (Keras 3's
 * binary_accuracy: a metric averages them, so a sample weight may weigh each element).
 * @example binaryAccuracy(tensor([[1], [0]]), tensor([[0.9], [0.7]]))   // [[1], [0]]
 */
export function binaryAccuracy(yTrue: Tensor, yPred: Tensor, threshold = 0.5): Tensor {
  const [labels, predictions] = squeezeOrExpandToSameRank(asFloat(yTrue), asFloat(yPred));
  return cast(equal(labels, cast(greater(predictions, threshold), 'float32')), 'float32');
}

/**
 * 1 where the largest prediction is at the label's largest entry (one-hot labels), else 0.
 * @example categoricalAccuracy(tensor([[0, 1], [1, 0]]), tensor([[0.2, 0.8], [0.3, 0.7]]))   // [1, 0]
 */
export function categoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  return cast(equal(argMax(yTrue, -1), argMax(yPred, -1)), 'float32');
}

/**
 * 1 where the largest prediction is at the integer label, else 0. Labels of shape [N] or [N, 1].
 * @example sparseCategoricalAccuracy(tensor([1, 0]), tensor([[0.2, 0.8], [0.3, 0.7]]))   // [1, 0]
 */
export function sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const labels = yTrue.rank === yPred.rank && yTrue.shape[yTrue.rank - 1] === 1 ? squeeze(yTrue, -1) : yTrue;
  const matches = cast(equal(asFloat(labels), cast(argMax(yPred, -1), 'float32')), 'float32');
  return matches.rank > 1 && matches.shape[matches.rank - 1] === 1 ? squeeze(matches, -1) : matches;
}

/**
 * 1 where the label's class (the largest entry of a one-hot label) is among the `k` largest
 * predictions, else 0.
 * @example topKCategoricalAccuracy(tensor([[0, 0, 1]]), tensor([[0.5, 0.3, 0.2]]), 2)   // [0]
 */
export function topKCategoricalAccuracy(yTrue: Tensor, yPred: Tensor, k = 5): Tensor {
  return inTopK(argMax(yTrue, -1), yPred, k);
}

/**
 * 1 where the integer label is among the `k` largest predictions, else 0. With `fromSortedIds`,
 * `yPred` holds class ids sorted from the highest score down ([batch, N], N >= k, as a top-k
 * search returns them), and the label is looked for among the first `k` of them.
 * @example
 * sparseTopKCategoricalAccuracy(tensor([2]), tensor([[0.5, 0.3, 0.2]]), 2)          // [0]
 * sparseTopKCategoricalAccuracy(tensor([2]), tensor([[0, 2, 1]], [1, 3], 'int32'), 2, true)   // [1]
 */
export function sparseTopKCategoricalAccuracy(yTrue: Tensor, yPred: Tensor, k = 5, fromSortedIds = false): Tensor {
  const labels = yTrue.rank === yPred.rank && yTrue.shape[yTrue.rank - 1] === 1 ? squeeze(yTrue, -1) : yTrue;
  if (!fromSortedIds) return inTopK(cast(labels, 'int32'), yPred, k);
  const topIds = slice(asFloat(yPred), Array<number>(yPred.rank).fill(0), [...yPred.shape.slice(0, -1), Math.min(k, yPred.shape[yPred.rank - 1])]);
  // any(): a label that appears twice among the ids counts once.
  return cast(any(equal(expandDims(asFloat(labels), -1), topIds), -1), 'float32');
}

/**
 * Whether each target's prediction is among the k largest of its row, as tf.math.in_top_k: fewer
 * than k predictions are strictly larger (so ties at the boundary count as in), and it is finite.
 */
function inTopK(targets: Tensor, predictions: Tensor, k: number): Tensor {
  const scores = asFloat(predictions);
  const classes = scores.shape[scores.rank - 1];
  const targetScore = sum(where(oneHot(cast(targets, 'int32'), classes), scores, 0), -1, true);
  const larger = sum(greater(scores, targetScore), -1);
  return cast(logicalAnd(less(larger, k), isFinite(squeeze(targetScore, -1))), 'float32');
}

function checkK(metric: string, k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new Error(`${metric}: k must be a positive integer, got ${k}.`);
}

/** How 'accuracy' compares labels and predictions. */
export type AccuracyKind = 'binary' | 'sparse_categorical' | 'categorical';

/**
 * Which accuracy fits labels and predictions of these shapes, as Keras's compile() decides for
 * 'accuracy': predictions of rank 1 or with a last dimension of 1 are binary; labels of lower
 * rank, or with a last dimension of 1 against several classes, are sparse; otherwise categorical.
 */
export function resolveAccuracy(yTrueShape: readonly number[], yPredShape: readonly number[]): AccuracyKind {
  const predLast = yPredShape[yPredShape.length - 1];
  const trueLast = yTrueShape[yTrueShape.length - 1];
  if (yPredShape.length <= 1 || predLast === 1) return 'binary';
  if (yTrueShape.length < yPredShape.length || (trueLast === 1 && predLast > 1)) return 'sparse_categorical';
  return 'categorical';
}

const ACCURACY_FUNCTIONS: Record<AccuracyKind, MetricFunction> = {
  binary: (yTrue, yPred) => binaryAccuracy(yTrue, yPred),
  sparse_categorical: sparseCategoricalAccuracy,
  categorical: categoricalAccuracy,
};

/**
 * Accuracy that adapts to its data: at the first `updateState` it becomes binary (threshold 0.5),
 * sparse categorical or categorical accuracy by the shapes of labels and predictions (see
 * `resolveAccuracy`), the way Keras resolves metrics=['accuracy']. Unlike keras.metrics.Accuracy,
 * it does not test exact equality.
 *
 * @example
 * const m = new Accuracy();
 * m.updateState(tensor([2, 1]), tensor([[0.1, 0.6, 0.3], [0.05, 0.95, 0]]));   // sparse
 * m.kind;                    // 'sparse_categorical'
 * await m.result().data();   // [0.5]
 */
export class Accuracy extends MeanMetricWrapper {
  override direction = 'up' as const;
  private resolvedKind: AccuracyKind | null = null;

  constructor(options: { name?: string } = {}) {
    super(unresolved, { ...options, name: options.name ?? 'accuracy' });
  }

  /** The accuracy chosen at the first update; null before it. */
  get kind(): AccuracyKind | null {
    return this.resolvedKind;
  }

  override updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: SampleWeight): void {
    if (this.resolvedKind === null && yTrue?.isTensorInstance && yPred?.isTensorInstance) {
      this.resolvedKind = resolveAccuracy(yTrue.shape, yPred.shape);
      this.fn = ACCURACY_FUNCTIONS[this.resolvedKind];
    }
    super.updateState(yTrue, yPred, sampleWeight);
  }

  override getConfig(): MetricConfig {
    return { name: this.name, dtype: this.dtype };
  }
}

function unresolved(): Tensor {
  throw new Error('Accuracy: the kind of accuracy is chosen at the first updateState.');
}

/**
 * How often thresholded predictions match binary labels.
 *
 * @example
 * const m = new BinaryAccuracy();
 * m.updateState(tensor([[1], [1], [0], [0]]), tensor([[0.98], [1], [0], [0.6]]));
 * await m.result().data();   // [0.75]
 */
export class BinaryAccuracy extends MeanMetricWrapper {
  static override readonly optionNames = { threshold: true } as const;
  override direction = 'up' as const;
  readonly threshold: number;

  constructor(options: { name?: string; threshold?: number } = {}) {
    const threshold = options.threshold ?? 0.5;
    if (!(threshold > 0 && threshold < 1)) {
      throw new Error(`BinaryAccuracy: invalid value for argument threshold. Expected a value in interval (0, 1). Received: threshold=${threshold}.`);
    }
    super((yTrue, yPred) => binaryAccuracy(yTrue, yPred, threshold), { ...options, name: options.name ?? 'binary_accuracy' });
    this.threshold = threshold;
  }

  override getConfig(): MetricConfig {
    return { name: this.name, dtype: this.dtype, threshold: this.threshold };
  }
}

/**
 * How often the top prediction matches one-hot labels.
 *
 * @example
 * const m = new CategoricalAccuracy();
 * m.updateState(tensor([[0, 0, 1], [0, 1, 0]]), tensor([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]));
 * await m.result().data();   // [0.5]
 */
export class CategoricalAccuracy extends MeanMetricWrapper {
  override direction = 'up' as const;
  constructor(options: { name?: string } = {}) {
    super(categoricalAccuracy, { ...options, name: options.name ?? 'categorical_accuracy' });
  }

  override getConfig(): MetricConfig {
    return { name: this.name, dtype: this.dtype };
  }
}

/**
 * How often the top prediction matches integer labels.
 *
 * @example
 * const m = new SparseCategoricalAccuracy();
 * m.updateState(tensor([[2], [1]]), tensor([[0.1, 0.6, 0.3], [0.05, 0.95, 0]]));
 * await m.result().data();   // [0.5]
 */
export class SparseCategoricalAccuracy extends MeanMetricWrapper {
  override direction = 'up' as const;
  constructor(options: { name?: string } = {}) {
    super(sparseCategoricalAccuracy, { ...options, name: options.name ?? 'sparse_categorical_accuracy' });
  }

  override getConfig(): MetricConfig {
    return { name: this.name, dtype: this.dtype };
  }
}

/**
 * How often the one-hot label's class is among the `k` (default 5) top predictions.
 *
 * @example
 * const m = new TopKCategoricalAccuracy({ k: 1 });
 * m.updateState(tensor([[0, 0, 1], [0, 1, 0]]), tensor([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]));
 * await m.result().data();   // [0.5]
 */
export class TopKCategoricalAccuracy extends MeanMetricWrapper {
  static override readonly optionNames = { k: true } as const;
  override direction = 'up' as const;
  readonly k: number;

  constructor(options: { name?: string; k?: number } = {}) {
    const k = options.k ?? 5;
    checkK('TopKCategoricalAccuracy', k);
    super((yTrue, yPred) => topKCategoricalAccuracy(yTrue, yPred, k), { ...options, name: options.name ?? 'top_k_categorical_accuracy' });
    this.k = k;
  }

  override getConfig(): MetricConfig {
    return { name: this.name, dtype: this.dtype, k: this.k };
  }
}

/**
 * How often the integer label is among the `k` (default 5) top predictions. With
 * `fromSortedIds: true` the predictions are class ids sorted by score (e.g. from a top-k search),
 * and the label is looked for among their first `k`.
 *
 * @example
 * const m = new SparseTopKCategoricalAccuracy({ k: 1 });
 * m.updateState(tensor([2, 1]), tensor([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]));
 * await m.result().data();   // [0.5]
 */
export class SparseTopKCategoricalAccuracy extends MeanMetricWrapper {
  static override readonly optionNames = { k: true, fromSortedIds: true } as const;
  override direction = 'up' as const;
  readonly k: number;
  /** Whether predictions are class ids sorted by score (see sparseTopKCategoricalAccuracy) rather than scores. */
  readonly fromSortedIds: boolean;

  constructor(options: { name?: string; k?: number; fromSortedIds?: boolean } = {}) {
    const { k = 5, fromSortedIds = false } = options;
    checkK('SparseTopKCategoricalAccuracy', k);
    if (typeof fromSortedIds !== 'boolean') {
      throw new Error(`SparseTopKCategoricalAccuracy: fromSortedIds must be a boolean. Received: fromSortedIds=${String(fromSortedIds)}.`);
    }
    super((yTrue, yPred) => sparseTopKCategoricalAccuracy(yTrue, yPred, k, fromSortedIds), { ...options, name: options.name ?? 'sparse_top_k_categorical_accuracy' });
    this.k = k;
    this.fromSortedIds = fromSortedIds;
  }

  override getConfig(): MetricConfig {
    return { name: this.name, dtype: this.dtype, k: this.k, fromSortedIds: this.fromSortedIds };
  }
}
