// Connectionist Temporal Classification (Graves et al. 2006), as keras.ops.ctc_loss and
// keras.ops.ctc_decode. The loss is the CTC forward algorithm in log space over the extended label
// sequence (a blank before, between and after the labels: 2S + 1 states), written as a loop over
// time of batched ops on [batch, 2S + 1], so that it runs on the active backend and the tape
// differentiates it; no value is read back. The greedy decoder takes the best class per step,
// merges repeats, drops blanks and packs the labels left, also without a read-back. The beam
// search decoder is a prefix beam search with a fixed beam of label prefixes per sample, each step
// a set of batched ops that scores every stay or growth, merges a growth into the beam entry it
// equals and keeps the best with topK.

import { formatShape } from '../backend/types';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { arange, fill } from './creation';
import { add, cast, equal, floorDivide, greater, greaterEqual, less, logaddexp, logicalAnd, logicalOr, maximum, minimum, mod, mul, neg, notEqual, sub, where } from './elementwise';
import { all, any, argMax, logSumExp, max, sum } from './reduce';
import { scatterAdd } from './scatter';
import { concat, expandDims, reshape, slice, transpose } from './shape';
import { logSoftmax } from './softmax';
import { argsort, topK } from './sort';
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
  /** 'greedy' (the default) or 'beam_search'. */
  strategy?: 'greedy' | 'beam_search';
  /** Beam search only: how many label prefixes are kept after each step. Default 100. */
  beamWidth?: number;
  /** Beam search only: how many decodings are returned, at most `beamWidth`. Default 1. */
  topPaths?: number;
  /**
   * Greedy only: whether consecutive equal classes are one label. Default true. Beam search merges
   * repeats not separated by a blank whatever its value, as Keras's beam search ignores it.
   */
  mergeRepeated?: boolean;
  /** The blank class; null means the last class. Default 0. */
  maskIndex?: number | null;
}

function checkPositiveInteger(op: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new Error(`${op}: ${name} must be a positive integer. Received: ${name}=${String(value)}`);
  }
}

/**
 * Decodes per-step class scores, as keras.ops.ctc_decode. Returns `[decoded, scores]`: decoded
 * int32 of shape [paths, batch, steps], the labels of each decoding packed to the front and
 * padded with -1, and scores float32 [batch, paths]. Only the first `sequenceLengths[b]` steps of
 * sample b are read. Not differentiable.
 *
 * - strategy 'greedy' (paths = 1): the best class at each step, consecutive repeats merged (when
 *   `mergeRepeated`), blanks dropped. The score is minus the sum of the best scores over the used
 *   steps, of the scores as given (Keras takes no log-softmax here).
 * - strategy 'beam_search' (paths = `topPaths`): a CTC prefix beam search over the log-softmax of
 *   `inputs`, keeping the `beamWidth` most probable label prefixes after each step (the
 *   probability of a prefix summing every alignment that the beam followed to it), as Keras's JAX
 *   and NumPy backends. The decodings come most probable first, and the score is the natural log
 *   of that probability. Beam slots that no alignment reaches (fewer distinct prefixes than
 *   `topPaths`) decode to all -1 with score -Infinity. Equal probabilities keep the beam's order,
 *   then the lower class first. A sample of length 0 decodes to the empty sequence with score 0.
 *
 * @example
 * const [decoded, score] = ops.ctcDecode(logits, tensor([50, 40], [2], 'int32'));
 * await decoded.array();   // [[[8, 5, 12, 12, 15, -1, ...], [23, 15, ...]]]
 * const [best3, logProbabilities] = ops.ctcDecode(logits, lengths, { strategy: 'beam_search', beamWidth: 16, topPaths: 3 });
 */
export function ctcDecode(inputs: Tensor, sequenceLengths: Tensor, options: CtcDecodeOptions = {}): [Tensor, Tensor] {
  const op = 'ctcDecode';
  checkOptionNames(op, options, { strategy: true, beamWidth: true, topPaths: true, mergeRepeated: true, maskIndex: true });
  const { strategy = 'greedy', beamWidth = 100, topPaths = 1, mergeRepeated = true } = options;
  if (strategy !== 'greedy' && strategy !== 'beam_search') {
    throw new Error(`${op}: invalid strategy. Expected 'greedy' or 'beam_search'. Received: strategy=${String(strategy)}`);
  }
  if (strategy === 'beam_search') {
    checkPositiveInteger(op, 'beamWidth', beamWidth);
    checkPositiveInteger(op, 'topPaths', topPaths);
    if (topPaths > beamWidth) throw new Error(`${op}: topPaths must be at most beamWidth. Received: topPaths=${topPaths}, beamWidth=${beamWidth}`);
  }
  if (typeof mergeRepeated !== 'boolean') throw new Error(`${op}: mergeRepeated must be a boolean. Received: mergeRepeated=${String(mergeRepeated)}`);
  checkTensorRank(op, 'inputs', inputs, 3, 'batch, steps, classes');
  checkTensorRank(op, 'sequenceLengths', sequenceLengths, 1, 'batch');
  const [batch, , classes] = inputs.shape;
  checkBatch(op, 'sequenceLengths', sequenceLengths, batch, 'inputs');
  if (classes === 0) throw new Error(`${op}: inputs must have at least one class. Received: inputs.shape=${formatShape(inputs.shape)}`);
  const maskIndex = options.maskIndex === undefined ? 0 : (options.maskIndex ?? classes - 1);
  checkMaskIndex(op, maskIndex, classes);
  return tidy(() => {
    const scores = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
    const lengths = asInt(sequenceLengths);
    return strategy === 'greedy' ? greedyDecode(scores, lengths, mergeRepeated, maskIndex) : beamSearchDecode(scores, lengths, beamWidth, topPaths, maskIndex);
  });
}

function greedyDecode(scores: Tensor, lengths: Tensor, mergeRepeated: boolean, maskIndex: number): [Tensor, Tensor] {
  const [batch, steps] = scores.shape;
  const beyond = greaterEqual(reshape(arange(0, steps, 1, 'int32'), [1, steps]), reshape(lengths, [batch, 1]));
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
}

/**
 * The beam: `beamWidth` label prefixes per sample, each with the log-probability of the
 * alignments so far that collapse to it and end in a blank or in its last label.
 */
interface Beam {
  /** int32 [batch, beam, steps]: the labels, padded with -1. */
  labels: Tensor;
  /** int32 [batch, beam]: how many labels. */
  lengths: Tensor;
  /** int32 [batch, beam]: the last label, -1 for the empty prefix. */
  lastLabel: Tensor;
  /** float32 [batch, beam]: log-probability of the alignments ending in a blank. */
  endingInBlank: Tensor;
  /** float32 [batch, beam]: log-probability of the alignments ending in the last label. */
  endingInLabel: Tensor;
}

/**
 * The prefix beam search: one step of fixed-shape ops per time step (no read-back), the beam
 * replaced by its next state only for the samples still within their length.
 */
function beamSearchDecode(scores: Tensor, lengths: Tensor, beamWidth: number, topPaths: number, blank: number): [Tensor, Tensor] {
  const [batch, steps, classes] = scores.shape;
  const logProbabilities = logSoftmax(scores, -1);
  const active = withinLength(lengths, steps);
  const slot = reshape(arange(0, beamWidth, 1, 'int32'), [1, beamWidth]);
  // Only the empty prefix, which every alignment starts from, is reachable before the first step.
  let beam: Beam = {
    labels: fill([batch, beamWidth, steps], -1, 'int32'),
    lengths: fill([batch, beamWidth], 0, 'int32'),
    lastLabel: fill([batch, beamWidth], -1, 'int32'),
    endingInBlank: where(equal(slot, 0), fill([batch, beamWidth], 0), -Infinity),
    endingInLabel: fill([batch, beamWidth], -Infinity),
  };
  for (let t = 0; t < steps; t++) {
    const previous = beam;
    beam = tidy(() => {
      const next = beamSearchStep(previous, reshape(slice(logProbabilities, [0, t, 0], [batch, 1, classes]), [batch, classes]), blank);
      const stepActive = slice(active, [0, t], [batch, 1]);
      const keepOrTake = (now: Tensor, before: Tensor): Tensor => where(now.rank === 3 ? reshape(stepActive, [batch, 1, 1]) : stepActive, now, before);
      return {
        labels: keepOrTake(next.labels, previous.labels),
        lengths: keepOrTake(next.lengths, previous.lengths),
        lastLabel: keepOrTake(next.lastLabel, previous.lastLabel),
        endingInBlank: keepOrTake(next.endingInBlank, previous.endingInBlank),
        endingInLabel: keepOrTake(next.endingInLabel, previous.endingInLabel),
      };
    });
    for (const tensor of Object.values(previous)) tensor.dispose();
  }
  // The beam is sorted by probability, so the best decodings are its first slots.
  const total = slice(logaddexp(beam.endingInBlank, beam.endingInLabel), [0, 0], [batch, topPaths]);
  const reached = reshape(greater(total, -Infinity), [batch, topPaths, 1]);
  const decoded = where(reached, slice(beam.labels, [0, 0, 0], [batch, topPaths, steps]), -1);
  return [transpose(decoded, [1, 0, 2]), total];
}

/**
 * One step of the prefix beam search. Every prefix in the beam may stay (a blank, or its last
 * label again) or grow by one label; a grown prefix that is already in the beam (its parent is
 * there too) adds its probability to that entry instead of being a candidate of its own. The
 * `beamWidth` most probable candidates, in that order, form the next beam.
 */
function beamSearchStep(beam: Beam, logProbabilities: Tensor, blank: number): Beam {
  const [batch, beamWidth, steps] = beam.labels.shape;
  const classes = logProbabilities.shape[1];
  const candidates = beamWidth * classes;
  const classIndex = reshape(arange(0, classes, 1, 'int32'), [1, 1, classes]);
  const asColumn = (x: Tensor): Tensor => reshape(x, [batch, beamWidth, 1]);
  const asRow = (x: Tensor): Tensor => reshape(x, [batch, 1, beamWidth]);
  const total = logaddexp(beam.endingInBlank, beam.endingInLabel);
  const reached = greater(total, -Infinity);
  const hasLabel = greaterEqual(beam.lastLabel, 0);
  const lastLabelProbability = where(hasLabel, takeAlongAxis(logProbabilities, maximum(beam.lastLabel, 0), 1), -Infinity);
  // Growing by the prefix's own last label needs a blank between: only the alignments ending in one.
  const growsFrom = where(equal(asColumn(beam.lastLabel), classIndex), asColumn(beam.endingInBlank), asColumn(total));
  const grown = reshape(add(growsFrom, reshape(logProbabilities, [batch, 1, classes])), [batch, candidates]);

  // parent[b, i, j]: prefix j is prefix i without its last label, both reached.
  const position = reshape(arange(0, steps, 1, 'int32'), [1, 1, steps]);
  const withoutLast = where(equal(position, asColumn(sub(beam.lengths, 1))), -1, beam.labels);
  const samePrefix = all(equal(reshape(withoutLast, [batch, beamWidth, 1, steps]), reshape(beam.labels, [batch, 1, beamWidth, steps])), -1);
  const parent = logicalAnd(
    logicalAnd(samePrefix, equal(asColumn(beam.lengths), add(asRow(beam.lengths), 1))),
    logicalAnd(asColumn(reached), asRow(reached)),
  );
  const hasParent = any(parent, -1);
  // The candidate that grows the parent into the prefix: parent slot * classes + last label.
  const fromParent = add(mul(argMax(parent, -1), classes), maximum(beam.lastLabel, 0));
  const mergedIn = where(hasParent, takeAlongAxis(grown, fromParent, 1), -Infinity);
  const sampleOffset = reshape(arange(0, batch * candidates, candidates, 'int32'), [batch, 1]);
  const timesGrown = scatterAdd(reshape(hasParent, [batch * beamWidth]), reshape(add(fromParent, sampleOffset), [batch * beamWidth]), [batch * candidates]);
  const alreadyInBeam = reshape(greater(timesGrown, 0), [batch, candidates]);

  const staysEndingInBlank = add(total, slice(logProbabilities, [0, blank], [batch, 1]));
  const staysEndingInLabel = logaddexp(add(beam.endingInLabel, lastLabelProbability), mergedIn);
  // The blank's column holds the prefix staying; every other class, the prefix growing by it.
  const isBlank = equal(classIndex, blank);
  const candidateEndingInBlank = reshape(where(isBlank, asColumn(staysEndingInBlank), -Infinity), [batch, candidates]);
  const candidateEndingInLabel = where(alreadyInBeam, -Infinity, reshape(where(isBlank, asColumn(staysEndingInLabel), reshape(grown, [batch, beamWidth, classes])), [batch, candidates]));
  const [, chosen] = topK(logaddexp(candidateEndingInBlank, candidateEndingInLabel), beamWidth);

  const from = floorDivide(chosen, classes);
  const label = mod(chosen, classes);
  const grows = notEqual(label, blank);
  const fromLengths = takeAlongAxis(beam.lengths, from, 1);
  const writesLabel = logicalAnd(asColumn(grows), equal(position, asColumn(fromLengths)));
  return {
    labels: where(writesLabel, asColumn(label), takeAlongAxis(beam.labels, asColumn(from), 1)),
    lengths: add(fromLengths, grows),
    lastLabel: where(grows, label, takeAlongAxis(beam.lastLabel, from, 1)),
    endingInBlank: takeAlongAxis(candidateEndingInBlank, chosen, 1),
    endingInLabel: takeAlongAxis(candidateEndingInLabel, chosen, 1),
  };
}
