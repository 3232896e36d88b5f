// Hinge losses, as Keras 3 defines them: hinge, squared hinge and categorical hinge. Labels are
// -1/1; when every label of a batch is 0 or 1 they are mapped to -1/1 first, decided on the device
// (a `where` on an `all`), so nothing is read back.

import { logicalOr, maximum, relu, square, sub, where } from '../ops/elementwise';
import { all, max, mean, sum } from '../ops/reduce';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { alignedPair } from './common';
import { LossFunctionWrapper, type LossOptions } from './loss';

/** 2y - 1 when all labels are 0 or 1, else the labels unchanged (Keras's convert_binary_labels_to_hinge). */
function hingeLabels(labels: Tensor): Tensor {
  const isBinary = all(logicalOr(labels.equal(0), labels.equal(1)));
  return where(isBinary, labels.mul(2).sub(1), labels);
}

/**
 * mean(max(1 - y * yPred, 0)) over the last axis, labels -1/1 (or 0/1, converted).
 * @example
 * losses.hinge(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]]));   // [1.1, 1.5]
 */
export function hinge(yTrue: Tensor, yPred: Tensor): Tensor {
  return tidy(() => {
    const [t, p] = alignedPair('hinge', yTrue, yPred);
    return mean(relu(sub(1, hingeLabels(t).mul(p))), -1);
  });
}

/**
 * mean(max(1 - y * yPred, 0)^2) over the last axis, labels -1/1 (or 0/1, converted).
 * @example
 * losses.squaredHinge(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]]));   // [1.46, 2.26]
 */
export function squaredHinge(yTrue: Tensor, yPred: Tensor): Tensor {
  return tidy(() => {
    const [t, p] = alignedPair('squaredHinge', yTrue, yPred);
    return mean(square(relu(sub(1, hingeLabels(t).mul(p)))), -1);
  });
}

/**
 * max(neg - pos + 1, 0) with pos = sum(y * yPred) and neg = max((1 - y) * yPred) over the last
 * axis; labels one-hot (0/1) or -1/1.
 * @example
 * losses.categoricalHinge(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]]));   // [1.2, 1.6]
 */
export function categoricalHinge(yTrue: Tensor, yPred: Tensor): Tensor {
  return tidy(() => {
    const [t, p] = alignedPair('categoricalHinge', yTrue, yPred);
    const pos = sum(t.mul(p), -1);
    const neg = max(sub(1, t).mul(p), -1);
    return maximum(neg.sub(pos).add(1), 0);
  });
}

/**
 * Hinge loss as a Loss.
 * @example
 * new Hinge().apply(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]]));   // 1.3
 */
export class Hinge extends LossFunctionWrapper {
  constructor(options: LossOptions = {}) {
    super(hinge, { name: 'hinge', ...options });
  }
}

/**
 * Squared hinge loss as a Loss.
 * @example
 * new SquaredHinge().apply(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]]));   // 1.86
 */
export class SquaredHinge extends LossFunctionWrapper {
  constructor(options: LossOptions = {}) {
    super(squaredHinge, { name: 'squared_hinge', ...options });
  }
}

/**
 * Categorical hinge loss as a Loss.
 * @example
 * new CategoricalHinge().apply(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]]));   // 1.4
 */
export class CategoricalHinge extends LossFunctionWrapper {
  constructor(options: LossOptions = {}) {
    super(categoricalHinge, { name: 'categorical_hinge', ...options });
  }
}
