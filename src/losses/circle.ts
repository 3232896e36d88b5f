// The Circle loss for metric learning (Sun et al. 2020), as Keras 3's keras.losses.circle and
// keras.losses.Circle: integer labels and L2-normalized embeddings; the cosine distances of every
// query to every reference (one matmul), the pairs of the same label (positives) and of another
// (negatives) weighted by how far each is from its optimum, and a log-sum-exp over each. Samples
// whose loss is 0 (no positive or no negative left) are masked out of the mean reductions, as
// Keras masks them.

import { formatShape } from '../backend/types';
import { eye } from '../ops/creation';
import { cast, equal, greater, logicalAnd, logicalNot, maximum, mul, softplus, sub, where } from '../ops/elementwise';
import { matmul } from '../ops/matmul';
import { logSumExp } from '../ops/reduce';
import { reshape } from '../ops/shape';
import { setMask } from '../tensor/mask';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { checkBoolean, checkLossInput, toFloat } from './common';
import { LossFunctionWrapper, type LossOptions } from './loss';

/**
 * Stands for Keras's -inf in the log-sum-exp over no pair: the same loss (softplus gives exactly 0)
 * with zero gradients instead of NaN.
 */
const NO_PAIR = -1e30;

export interface CircleOptions {
  /** Scales every similarity score. Default 80. */
  gamma?: number;
  /** The relaxation: the optimum distance is margin for positives and 1 + margin for negatives. Default 0.4. */
  margin?: number;
  /** Whether a sample's pair with itself is left out of its positives. Default true. */
  removeDiagonal?: boolean;
}

export interface CircleFunctionOptions extends CircleOptions {
  /** The labels of the reference embeddings; null (the default) uses yTrue. */
  refLabels?: Tensor | null;
  /** L2-normalized reference embeddings [references, dim]; null (the default) uses yPred. */
  refEmbeddings?: Tensor | null;
}

function checkFinite(loss: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${loss}: ${name} must be a finite number. Received: ${name}=${String(value)}`);
}

function checkCircleOptions(loss: string, gamma: unknown, margin: unknown, removeDiagonal: unknown): void {
  checkFinite(loss, 'gamma', gamma);
  checkFinite(loss, 'margin', margin);
  checkBoolean(loss, 'removeDiagonal', removeDiagonal);
}

/** Labels as a column of int32 class ids, after checking there is one a sample. */
function labelVector(loss: string, role: string, labels: Tensor, samples: number, of: string): Tensor {
  if (labels.size !== samples || (labels.rank > 1 && labels.shape.slice(1).some((d) => d !== 1))) {
    throw new Error(`${loss}: ${role} must hold one integer label for each row of ${of}, shape [${samples}] or [${samples}, 1]. Received: ${role}.shape=${formatShape(labels.shape)}`);
  }
  return reshape(labels.dtype === 'int32' ? labels : cast(labels, 'int32'), [samples]);
}

/**
 * The Circle loss of each sample, as keras.losses.circle: `yTrue` [batch] (or [batch, 1]) integer
 * labels, `yPred` [batch, dim] L2-normalized embeddings, compared with the references
 * (`refLabels`, `refEmbeddings`; by default the batch itself). With d the cosine distances
 * max(1 - yPred refᵀ, 0), the positives (same label, not the sample itself when
 * `removeDiagonal`) score -gamma relu(margin + d)(margin - d) and the negatives
 * gamma relu(1 + margin - d)(1 - margin - d); the loss is softplus(logsumexp(positives) +
 * logsumexp(negatives)), 0 for a sample without positives or negatives. The result carries a mask
 * of the samples whose loss is above 0 (see getMask), as Keras sets one.
 * @example
 * const embeddings = ops.normalize(model.apply(images));             // [batch, 64]
 * losses.circle(tensor([0, 1, 0, 1], [4], 'int32'), embeddings);      // [4]
 */
export function circle(yTrue: Tensor, yPred: Tensor, options: CircleFunctionOptions = {}): Tensor {
  const name = 'circle';
  const { refLabels = null, refEmbeddings = null, removeDiagonal = true, gamma = 80, margin = 0.4 } = options;
  checkCircleOptions(name, gamma, margin, removeDiagonal);
  checkLossInput(name, 'yTrue', yTrue);
  checkLossInput(name, 'yPred', yPred);
  if (yPred.rank !== 2) throw new Error(`${name}: yPred must be embeddings of shape [batch, dim]. Received: yPred.shape=${formatShape(yPred.shape)}`);
  if (refEmbeddings !== null) {
    checkLossInput(name, 'yPred', refEmbeddings);
    if (refEmbeddings.rank !== 2 || refEmbeddings.shape[1] !== yPred.shape[1]) {
      throw new Error(`${name}: refEmbeddings must have shape [references, ${yPred.shape[1]}] (the embedding size of yPred). Received: refEmbeddings.shape=${formatShape(refEmbeddings.shape)}`);
    }
  }
  if (refLabels !== null) checkLossInput(name, 'yTrue', refLabels);
  const [samples] = yPred.shape;
  const references = refEmbeddings?.shape[0] ?? samples;
  if (refLabels !== null && refEmbeddings === null && refLabels.size !== samples) {
    throw new Error(`${name}: refLabels without refEmbeddings label the batch's own embeddings and must have ${samples} entries. Received: refLabels.shape=${formatShape(refLabels.shape)}`);
  }
  return tidy(() => {
    const labels = labelVector(name, 'yTrue', yTrue, samples, `yPred ${formatShape(yPred.shape)}`);
    const keys = refLabels === null ? labels : labelVector(name, 'refLabels', refLabels, references, 'the reference embeddings');
    const queries = toFloat(yPred);
    const distances = maximum(sub(1, matmul(queries, refEmbeddings === null ? queries : toFloat(refEmbeddings), { transposeB: true })), 0);
    const sameLabel = equal(reshape(labels, [samples, 1]), reshape(keys, [1, references]));
    const negative = logicalNot(sameLabel);
    const positive = removeDiagonal ? logicalAnd(sameLabel, logicalNot(eye(samples, references, 0, 'int32'))) : sameLabel;
    const positiveWeights = maximum(where(positive, distances.add(margin), 0), 0);
    const negativeWeights = maximum(where(negative, sub(1 + margin, distances), 0), 0);
    const positiveScores = mul(positiveWeights, sub(margin, distances)).mul(-gamma);
    const negativeScores = mul(negativeWeights, sub(1 - margin, distances)).mul(gamma);
    const positiveLoss = logSumExp(where(positive, positiveScores, NO_PAIR), 1);
    const negativeLoss = logSumExp(where(negative, negativeScores, NO_PAIR), 1);
    const values = softplus(positiveLoss.add(negativeLoss));
    setMask(values, greater(values, 0));
    return values;
  });
}

/**
 * The Circle loss as a Loss, as keras.losses.Circle (name 'circle'; gamma 80, margin 0.4,
 * removeDiagonal true): each batch is its own reference set. The model should end in embeddings
 * without activation followed by a UnitNormalization layer.
 * @example
 * model.compile({ optimizer: 'adam', loss: new Circle({ gamma: 64, margin: 0.25 }) });
 */
export class Circle extends LossFunctionWrapper<Required<CircleOptions>> {
  static override readonly optionNames = { gamma: true, margin: true, removeDiagonal: true } satisfies Record<keyof CircleOptions, true>;
  readonly gamma: number;
  readonly margin: number;
  readonly removeDiagonal: boolean;

  constructor(options: LossOptions & CircleOptions = {}) {
    const { gamma = 80, margin = 0.4, removeDiagonal = true, ...rest } = options;
    checkCircleOptions('Circle', gamma, margin, removeDiagonal);
    super(circle, { name: 'circle', ...rest, gamma, margin, removeDiagonal });
    this.gamma = gamma;
    this.margin = margin;
    this.removeDiagonal = removeDiagonal;
  }
}
