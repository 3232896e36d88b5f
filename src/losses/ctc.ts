// The CTC loss for sequence labelling without alignments (speech, handwriting), as Keras 3's
// keras.losses.ctc and keras.losses.CTC: integer labels padded with 0 (the blank, never a class),
// logits for every step, and the forward algorithm of ops.ctcLoss with every step of the logits
// used and each sample's label length counted from its nonzero labels.

import { formatShape } from '../backend/types';
import { ctcLoss } from '../ops/ctc';
import { cast, notEqual } from '../ops/elementwise';
import { fill } from '../ops/creation';
import { sum } from '../ops/reduce';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { checkLossInput, toFloat } from './common';
import { LossFunctionWrapper, type LossOptions } from './loss';

/** The blank label of keras.losses.ctc, which pads every label sequence. */
const BLANK = 0;

/**
 * The CTC loss of each sample, as keras.losses.ctc: `yTrue` [batch, maxLabels] holds class
 * indices padded with 0 (0 is the blank and never a class; float labels are truncated), `yPred`
 * [batch, steps, classes] logits (not softmaxed). Every step of `yPred` counts; the label length
 * of a sample is its number of nonzero labels. Returns [batch].
 * @example
 * const logits = model.apply(images);                                      // [batch, 32, 28]
 * losses.ctc(tensor([[3, 1, 20, 0], [4, 15, 7, 0]], [2, 4], 'int32'), logits);   // [2]
 */
export function ctc(yTrue: Tensor, yPred: Tensor): Tensor {
  const name = 'ctc';
  checkLossInput(name, 'yTrue', yTrue);
  checkLossInput(name, 'yPred', yPred);
  if (yTrue.rank !== 2) {
    throw new Error(`${name}: targets yTrue are expected to be a tensor of shape [batchSize, maxLength] in integer format. Received: yTrue.shape=${formatShape(yTrue.shape)}`);
  }
  if (yPred.rank !== 3) {
    throw new Error(`${name}: logits yPred are expected to be a tensor of shape [batchSize, maxLength, numClasses]. Received: yPred.shape=${formatShape(yPred.shape)}`);
  }
  return tidy(() => {
    const labels = yTrue.dtype === 'int32' ? yTrue : cast(yTrue, 'int32');
    const labelLength = sum(notEqual(labels, BLANK), -1);
    const [batch, steps] = yPred.shape;
    return ctcLoss(labels, toFloat(yPred), labelLength, fill([batch], steps, 'int32'), BLANK);
  });
}

/**
 * The CTC loss as a Loss, as keras.losses.CTC (name 'ctc'): labels padded with the blank 0, logits
 * for every step; see `ctc`.
 * @example
 * model.compile({ optimizer: 'adam', loss: new CTC() });   // or loss: 'ctc'
 */
export class CTC extends LossFunctionWrapper {
  constructor(options: LossOptions = {}) {
    super(ctc, { name: 'ctc', ...options });
  }
}
