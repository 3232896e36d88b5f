// Overlap losses for segmentation, as Keras 3 defines them: Dice and Tversky, one minus a soft
// overlap ratio between labels and predicted probabilities. Unlike the per-sample losses they sum
// over `axis` (every axis by default, giving one value for the whole batch; the non-batch axes give
// one value per sample). Each is a function and a LossFunctionWrapper class with Keras's name and
// defaults; labels and predictions must have the same shape (up to a trailing 1).

import { add, mul, sub } from '../ops/elementwise';
import { sum } from '../ops/reduce';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { epsilon } from '../backend/config';
import { alignedPair, resolveAxis } from './common';
import { LossFunctionWrapper, type LossOptions } from './loss';

/** The axes an overlap loss sums over: one axis, a list, or null for all of them. */
export type OverlapAxis = number | readonly number[] | null;

export interface DiceOptions {
  /** The axes summed over; null (the default) sums over every axis, giving a scalar. */
  axis?: OverlapAxis;
}

export interface TverskyOptions extends DiceOptions {
  /** The weight of false positives, sum((1 - yTrue) * yPred). Default 0.5. */
  alpha?: number;
  /** The weight of false negatives, sum(yTrue * (1 - yPred)). Default 0.5. */
  beta?: number;
}

/** The axes as non-negative indices (undefined for all), or an error naming the loss. */
function resolveAxes(loss: string, axis: OverlapAxis, rank: number): number[] | undefined {
  if (axis === null) return undefined;
  const list = typeof axis === 'number' ? [axis] : axis;
  if (!Array.isArray(list)) throw new Error(`${loss}: invalid value for argument axis. Expected an integer, a list of integers or null. Received: axis=${String(axis)}.`);
  return [...new Set(list.map((a) => resolveAxis(loss, a, rank)))];
}

function checkCoefficient(loss: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${loss}: invalid value for argument ${name}. Expected a finite number. Received: ${name}=${String(value)}.`);
  }
}

/**
 * The Dice loss, 1 - 2 * sum(yTrue * yPred) / (sum(yTrue) + sum(yPred) + epsilon), summed over `axis`
 * (all axes by default).
 * @example
 * losses.dice(tensor([[1, 1], [0, 0]]), tensor([[0, 1], [0, 1]]));                  // 0.5
 * losses.dice(tensor([[1, 1], [0, 0]]), tensor([[0, 1], [0, 1]]), { axis: 1 });     // [0.3333, 1]
 */
export function dice(yTrue: Tensor, yPred: Tensor, options: DiceOptions = {}): Tensor {
  const { axis = null } = options;
  return tidy(() => {
    const [t, p] = alignedPair('dice', yTrue, yPred);
    const axes = resolveAxes('dice', axis, p.rank);
    const intersection = sum(mul(t, p), axes);
    return sub(1, mul(intersection, 2).div(add(add(sum(t, axes), sum(p, axes)), epsilon())));
  });
}

/**
 * The Tversky loss, 1 - tp / (tp + alpha * fp + beta * fn + epsilon) with the soft counts
 * tp = sum(yTrue * yPred), fp = sum((1 - yTrue) * yPred) and fn = sum(yTrue * (1 - yPred)) over
 * `axis` (all axes by default). alpha = beta = 0.5 (the defaults) gives the Dice loss.
 * @example
 * losses.tversky(tensor([[1, 1], [0, 0]]), tensor([[0, 1], [0, 1]]), { alpha: 0.3, beta: 0.7 });   // 0.5
 */
export function tversky(yTrue: Tensor, yPred: Tensor, options: TverskyOptions = {}): Tensor {
  const { alpha = 0.5, beta = 0.5, axis = null } = options;
  checkCoefficient('tversky', 'alpha', alpha);
  checkCoefficient('tversky', 'beta', beta);
  return tidy(() => {
    const [t, p] = alignedPair('tversky', yTrue, yPred);
    const axes = resolveAxes('tversky', axis, p.rank);
    const truePositives = sum(mul(t, p), axes);
    const falsePositives = sum(mul(sub(1, t), p), axes);
    const falseNegatives = sum(mul(t, sub(1, p)), axes);
    const denominator = add(add(add(truePositives, mul(falsePositives, alpha)), mul(falseNegatives, beta)), epsilon());
    return sub(1, truePositives.div(denominator));
  });
}

/**
 * The Dice loss as a Loss (axis defaults to null: all axes).
 * @example
 * new Dice({ axis: [1, 2, 3], reduction: 'none' }).apply(masks, probabilities);   // one value per image
 */
export class Dice extends LossFunctionWrapper<Required<DiceOptions>> {
  static override readonly optionNames = { axis: true } satisfies Record<keyof DiceOptions, true>;
  readonly axis: OverlapAxis;

  constructor(options: LossOptions & DiceOptions = {}) {
    const { axis = null, ...rest } = options;
    super(dice, { name: 'dice', ...rest, axis });
    this.axis = axis;
  }
}

/**
 * The Tversky loss as a Loss (alpha and beta default to 0.5, axis to null: all axes).
 * @example
 * new Tversky({ alpha: 0.3, beta: 0.7 }).apply(masks, probabilities);
 */
export class Tversky extends LossFunctionWrapper<Required<TverskyOptions>> {
  static override readonly optionNames = { alpha: true, beta: true, axis: true } satisfies Record<keyof TverskyOptions, true>;
  readonly alpha: number;
  readonly beta: number;
  readonly axis: OverlapAxis;

  constructor(options: LossOptions & TverskyOptions = {}) {
    const { alpha = 0.5, beta = 0.5, axis = null, ...rest } = options;
    checkCoefficient('Tversky', 'alpha', alpha);
    checkCoefficient('Tversky', 'beta', beta);
    super(tversky, { name: 'tversky', ...rest, alpha, beta, axis });
    this.alpha = alpha;
    this.beta = beta;
    this.axis = axis;
  }
}
