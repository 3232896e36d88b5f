// Connectionist Temporal Classification (Graves et al. 2006), as keras.ops.ctc_loss and
// keras.ops.ctc_decode. The loss is the CTC forward algorithm in log space over the extended label
// sequence (a blank before, between and after the labels: 2S + 1 states), written as a loop over
// time of batched ops on [batch, 2S + 1], so that it runs on the active backend and the tape
// differentiates it; no value is read back. The greedy decoder takes the best class per step,
// merges repeats, drops blanks and packs the labels left, also without a read-back.

import { formatShape } from '../backend/types';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { arange, fill } from './creation';
import { add, cast, equal, greaterEqual, less, logaddexp, logicalAnd, logicalOr, maximum, minimum, mul, neg, notEqual, sub, where } from './elementwise';
import { argMax, logSumExp, max, sum } from './reduce';
import { concat, expandDims, reshape, slice } from './shape';
import { logSoftmax } from './softmax';
import { argsort } from './sort';
import { takeAlongAxis } from './take_along_axis';
import { checkOptionNames, checkTensor } from './validate';

/**
 * log(0) as the forward algorithm writes it: finite, as Keras's NumPy and JAX backends (optax), so
 * that an impossible alignment gives a large finite loss (about 1e5) with finite gradients.
 */
const LOG_ZERO = -1e5;

function checkTensorRank(op: string, name: string, x: unknown, rank: number, expected: string): asserts x is Tensor {
  checkTensor(op, x);
  if (x.rank !== rank) throw new Error(`${op}: ${name} must have rank ${rank} (${expected}). Received: ${name}.shape=${formatShape(x.shape)}`);
}

function checkBatch(op: string, name: string, x: Tensor, batch: number, of: string): void {
  if (x.shape[0] !== batch) {
    throw new Error(`${op}: ${name} must have one entry per sample, shape [${batch}] (the batch of ${of}). Received: ${name}.shape=${formatShape(x.shape)}`);
  }
}

function checkMaskIndex(op: string, maskIndex: unknown, classes: number): void {
  if (typeof maskIndex !== 'number' || !Number.isInteger(maskIndex) || maskIndex < 0 || maskIndex >= classes) {
    throw new Error(`${op}: maskIndex must be an integer class index in [0, ${classes - 1}] (the blank class). Received: maskIndex=${String(maskIndex)}`);
  }
}

const asInt = (x: Tensor): Tensor => (x.dtype === 'int32' ? x : cast(x, 'int32'));

/** [batch, length]: 1 where the position is before the sample's length. */
function withinLength(lengths: Tensor, length: number): Tensor {
  return less(reshape(arange(0, length, 1, 'int32'), [1, length]), reshape(lengths, [lengths.shape[0], 1]));
}

/** `x` [batch, n] moved right by `by` positions along its last axis, the front filled with `front`. */
function shiftRight(x: Tensor, by: number, front: Tensor): Tensor {
  const [batch, n] = x.shape;
  return concat([front, slice(x, [0, 0], [batch, n - by])], 1);
}

/**
 * The CTC loss of each sample: the negative log-likelihood of its labels under the per-step class
 * distributions, summed over every alignment, as keras.ops.ctc_loss. `target` [batch, S] holds
 * class indices (int32; float32 is truncated), `output` [batch, T, classes] logits (the
 * log-softmax is taken here), `targetLength` and `outputLength` [batch] the lengths to use (labels
 * past a sample's length, whatever their value, are ignored; steps past its output length too).
 * `maskIndex` is the blank class. Returns [batch] float32, differentiable with respect to `output`.
 * An alignment that cannot exist (too few steps for the labels and the blanks their repeats
 * need) gives about 1e5, as Keras's NumPy and JAX backends, rather than the torch backend's
 * Infinity. Lengths are not read back, so they are not checked: a target length above S or an
 * output length above T acts as S or T, a negative one as 0. A label outside [0, classes) within
 * its length reads a log-probability of 0, as in Keras's NumPy backend.
 *
 * @example
 * const logits = randomNormal([2, 50, 28]);                       // 27 characters and the blank 0
 * const labels = tensor([[8, 5, 12, 12, 15], [23, 15, 18, 12, 4]], [2, 5], 'int32');
 * const nll = ops.ctcLoss(labels, logits, tensor([5, 5], [2], 'int32'), tensor([50, 40], [2], 'int32'));   // [2]
 */
export function ctcLoss(target: Tensor, output: Tensor, targetLength: Tensor, outputLength: Tensor, maskIndex = 0): Tensor {
  const op = 'ctcLoss';
  checkTensorRank(op, 'target', target, 2, 'batch, max label length');
  checkTensorRank(op, 'output', output, 3, 'batch, steps, classes');
  checkTensorRank(op, 'targetLength', targetLength, 1, 'batch');
  checkTensorRank(op, 'outputLength', outputLength, 1, 'batch');
  const [batch, steps, classes] = output.shape;
  if (output.dtype !== 'float32') throw new Error(`${op}: output must be float32 logits. Received: output.dtype=${output.dtype}`);
  if (target.shape[0] !== batch) {
    throw new Error(`${op}: target and output must have the same batch size. Received: target.shape=${formatShape(target.shape)}, output.shape=${formatShape(output.shape)}`);
  }
  checkBatch(op, 'targetLength', targetLength, batch, 'output');
  checkBatch(op, 'outputLength', outputLength, batch, 'output');
  checkMaskIndex(op, maskIndex, classes);
  const labelCount = target.shape[1];
  const states = 2 * labelCount + 1;
  return tidy(() => {
    const labelLengths = maximum(minimum(asInt(targetLength), labelCount), 0);
    const labels = where(withinLength(labelLengths, labelCount), asInt(target), maskIndex);
    // blank, l1, blank, l2, ..., lS, blank
    const blankColumn = fill([batch, 1], maskIndex, 'int32');
    const pairs = concat([fill([batch, labelCount, 1], maskIndex, 'int32'), expandDims(labels, -1)], 2);
    const extended = concat([reshape(pairs, [batch, 2 * labelCount]), blankColumn], 1);
    // A label may be reached from the one two states back (skipping the blank between) unless it repeats it.
    const skipAllowed = states > 2 ? logicalAnd(notEqual(extended, maskIndex), notEqual(extended, shiftRight(extended, 2, fill([batch, 2], -1, 'int32')))) : null;
    const emissions = takeAlongAxis(logSoftmax(output, -1), reshape(extended, [batch, 1, states]), 2);
    const active = withinLength(asInt(outputLength), steps);
    const logZeroColumn = fill([batch, 1], LOG_ZERO);
    const logZeroColumns = fill([batch, 2], LOG_ZERO);
    const stateIndex = reshape(arange(0, states, 1, 'int32'), [1, states]);
    // Before the first step every path sits in the first state, so that the first step enters it
    // (staying) or the first label (moving on), as the recurrence of the later steps does.
    let alpha = where(equal(stateIndex, 0), 0, fill([batch, states], LOG_ZERO));
    for (let t = 0; t < steps; t++) {
      let reached = logaddexp(alpha, shiftRight(alpha, 1, logZeroColumn));
      if (skipAllowed) reached = logaddexp(reached, where(skipAllowed, shiftRight(alpha, 2, logZeroColumns), LOG_ZERO));
      const next = add(reached, reshape(slice(emissions, [0, t, 0], [batch, 1, states]), [batch, states]));
      alpha = where(slice(active, [0, t], [batch, 1]), next, alpha);
    }
    // The paths that end on the last label or on the blank after it.
    const lastBlank = reshape(mul(labelLengths, 2), [batch, 1]);
    const ends = logicalOr(equal(stateIndex, lastBlank), equal(stateIndex, sub(lastBlank, 1)));
    return neg(logSumExp(where(ends, alpha, LOG_ZERO), -1));
  });
}

export interface CtcDecodeOptions {
  /** 'greedy' (the default); Keras's 'beam_search' is not implemented here. */
  strategy?: 'greedy' | 'beam_search';
  /** Whether consecutive equal classes are one label. Default true. */
  mergeRepeated?: boolean;
  /** The blank class; null means the last class. Default 0. */
  maskIndex?: number | null;
}

/**
 * Decodes per-step class scores greedily, as keras.ops.ctc_decode with strategy 'greedy': the best
 * class at each of the first `sequenceLengths[b]` steps, consecutive repeats merged (when
 * `mergeRepeated`), blanks dropped, the labels packed to the front. Returns
 * `[decoded, logProbability]`: decoded int32 of shape [1, batch, steps], padded with -1, and
 * [batch, 1] float32, minus the sum of the best scores over the used steps (the scores as given:
 * Keras takes no log-softmax here). Not differentiable.
 *
 * @example
 * const [decoded, score] = ops.ctcDecode(logits, tensor([50, 40], [2], 'int32'));
 * await decoded.array();   // [[[8, 5, 12, 12, 15, -1, ...], [23, 15, ...]]]
 */
export function ctcDecode(inputs: Tensor, sequenceLengths: Tensor, options: CtcDecodeOptions = {}): [Tensor, Tensor] {
  const op = 'ctcDecode';
  checkOptionNames(op, options, { strategy: true, mergeRepeated: true, maskIndex: true });
  checkTensorRank(op, 'inputs', inputs, 3, 'batch, steps, classes');
  checkTensorRank(op, 'sequenceLengths', sequenceLengths, 1, 'batch');
  const [batch, steps, classes] = inputs.shape;
  checkBatch(op, 'sequenceLengths', sequenceLengths, batch, 'inputs');
  const { strategy = 'greedy', mergeRepeated = true } = options;
  if (strategy === 'beam_search') throw new Error(`${op}: strategy 'beam_search' is not supported; use strategy 'greedy'.`);
  if (strategy !== 'greedy') throw new Error(`${op}: invalid strategy. Expected 'greedy' or 'beam_search'. Received: strategy=${String(strategy)}`);
  if (typeof mergeRepeated !== 'boolean') throw new Error(`${op}: mergeRepeated must be a boolean. Received: mergeRepeated=${String(mergeRepeated)}`);
  if (classes === 0) throw new Error(`${op}: inputs must have at least one class. Received: inputs.shape=${formatShape(inputs.shape)}`);
  const maskIndex = options.maskIndex === undefined ? 0 : (options.maskIndex ?? classes - 1);
  checkMaskIndex(op, maskIndex, classes);
  return tidy(() => {
    const scores = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
    const beyond = greaterEqual(reshape(arange(0, steps, 1, 'int32'), [1, steps]), reshape(asInt(sequenceLengths), [batch, 1]));
    let best = where(beyond, maskIndex, argMax(scores, -1));
    const bestScores = where(beyond, 0, max(scores, -1));
    if (mergeRepeated && steps > 1) {
      const repeats = equal(slice(best, [0, 1], [batch, steps - 1]), slice(best, [0, 0], [batch, steps - 1]));
      best = where(concat([fill([batch, 1], 0, 'int32'), repeats], 1), maskIndex, best);
    }
    const blank = equal(best, maskIndex);
    const labels = where(blank, -1, best);
    // Each label keeps its step as its sort key and each blank goes last: a stable sort packs them.
    const order = argsort(where(blank, steps, reshape(arange(0, steps, 1, 'int32'), [1, steps])), -1);
    const decoded = expandDims(takeAlongAxis(labels, order, 1), 0);
    return [decoded, neg(sum(bestScores, 1, true))];
  });
}
