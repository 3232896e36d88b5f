// Fused categorical cross-entropy, with one-hot (or soft) labels or with class indices, from logits
// or from probabilities, with Keras's numerics (log-softmax for logits; for probabilities p / sum(p)
// clipped to [epsilon, 1 - epsilon] before the log, epsilon being config.epsilon() when the op runs). One WGSL kernel (shaders/cross_entropy.wgsl, whose
// header gives the formulas) computes either the per-row losses or their derivative with respect
// to the predictions, one invocation a row; the CPU reference evaluates the same formulas in
// float64. The gradient rule is that one derivative dispatch; labels get no gradient. When a tape
// records the gradient itself (a second-order gradient), the derivative is the same formula in
// differentiable ops instead.

import { epsilon } from '../backend/config';
import { formatShape, sizeOf } from '../backend/types';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import { isRecording, recordGradient } from '../autograd/tape';
import type { Tensor } from '../tensor/tensor';
import { arange } from './creation';
import { cast, div, equal, greaterEqual, less, lessEqual, logicalAnd, mul, neg, round, square, sub, where } from './elementwise';
import { runKernel1, type Kernel } from './kernel';
import { sum } from './reduce';
import { expandDims, transpose } from './shape';
import { softmax, softmaxLogits } from './softmax';
import { normalizeAxis, sameShape } from './shape_util';
import { checkTensor } from './validate';
import crossEntropyShader from '../../shaders/cross_entropy.wgsl?raw';

const WORKGROUP_SIZE = 64;

interface CrossEntropyAttrs {
  fromLogits: boolean;
  /** Labels are class indices, one a row, rather than rows of C values. */
  sparse: boolean;
  /** Compute d(upstream * loss) / d(predictions) rather than the loss. */
  gradient: boolean;
  rows: number;
  classes: number;
  /** keras.config.epsilon() when the op ran: probabilities are clipped to [epsilon, 1 - epsilon] before the log. */
  epsilon: number;
}

const crossEntropyKernel: Kernel<CrossEntropyAttrs> = {
  name: 'categoricalCrossentropy',
  cpu([labels, predictions, upstream], [out], attrs) {
    const { rows, classes, sparse } = attrs;
    const x = predictions.values;
    for (let row = 0; row < rows; row++) {
      const base = row * classes;
      const hot = sparse ? classIndex(labels.values[row], labels.dtype === 'int32') : -1;
      if (sparse && !(hot >= 0 && hot < classes)) {
        // An index outside [0, classes): NaN, as the WGSL kernel (see its header).
        if (attrs.gradient) out.values.fill(NaN, base, base + classes);
        else out.values[row] = NaN;
        continue;
      }
      const y = (j: number) => (sparse ? (j === hot ? 1 : 0) : labels.values[base + j]);
      const g = attrs.gradient ? upstream.values[row] : 0;
      if (attrs.fromLogits) {
        let m = -Infinity;
        for (let j = 0; j < classes; j++) m = Math.max(m, x[base + j]);
        let s = 0;
        for (let j = 0; j < classes; j++) s += Math.exp(x[base + j] - m);
        const logS = Math.log(s);
        if (!attrs.gradient) {
          let acc = 0;
          for (let j = 0; j < classes; j++) acc += y(j) * (x[base + j] - m - logS);
          out.values[row] = -acc;
          continue;
        }
        let labelSum = 0;
        for (let j = 0; j < classes; j++) labelSum += y(j);
        for (let j = 0; j < classes; j++) out.values[base + j] = g * (Math.exp(x[base + j] - m - logS) * labelSum - y(j));
        continue;
      }
      let s = 0;
      for (let j = 0; j < classes; j++) s += x[base + j];
      if (!attrs.gradient) {
        let acc = 0;
        for (let j = 0; j < classes; j++) acc += y(j) * Math.log(Math.min(Math.max(x[base + j] / s, attrs.epsilon), 1 - attrs.epsilon));
        out.values[row] = -acc;
        continue;
      }
      // u_j = d(-g y_j log(clip(r_j))) / d r_j, zero outside the clip; then through r = p / s.
      const u = (j: number) => {
        const r = x[base + j] / s;
        return r >= attrs.epsilon && r <= 1 - attrs.epsilon ? (-g * y(j)) / r : 0;
      };
      let weighted = 0;
      for (let j = 0; j < classes; j++) weighted += u(j) * x[base + j];
      for (let j = 0; j < classes; j++) out.values[base + j] = u(j) / s - weighted / (s * s);
    }
  },
  webgpu(gpu, [labels, predictions, upstream], [out], attrs) {
    gpu.dispatch({
      shader: crossEntropyShader,
      constants: { FROM_LOGITS: attrs.fromLogits, SPARSE: attrs.sparse, LABELS_INT: labels.dtype === 'int32', GRADIENT: attrs.gradient },
      uniforms: new Uniforms().u32(attrs.rows, attrs.classes).f32(attrs.epsilon, 1 - attrs.epsilon).finish(),
      // The forward pass has no upstream gradient: predictions stand in for it (not read).
      buffers: [labels.buffer, predictions.buffer, (upstream ?? predictions).buffer, out.buffer],
      workgroups: gridFor(attrs.rows, WORKGROUP_SIZE),
    });
  },
};

/** A sparse label as a class index: int32 as is, float32 rounded half to even, as cast(round(x)). */
function classIndex(v: number, isInt: boolean): number {
  if (isInt) return v;
  const r = Math.round(v);
  return Math.trunc(Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r);
}

/** Runs the loss kernel on rows of the last axis and records its gradient rule. */
function crossEntropy(name: string, labels: Tensor, predictions: Tensor, fromLogits: boolean, sparse: boolean): Tensor {
  // As Keras's TensorFlow backend does, probabilities that a softmax over the class axis produced
  // are scored from its logits: the same loss where the clip is inactive, exact beyond it, and one
  // fused backward kernel (softmax - labels) instead of the clipped-log gradient and softmax's.
  const logits = fromLogits ? null : softmaxLogits(predictions);
  if (logits) return crossEntropy(name, labels, logits, true, sparse);
  const rowShape = predictions.shape.slice(0, -1);
  const attrs: CrossEntropyAttrs = { fromLogits, sparse, gradient: false, rows: sizeOf(rowShape), classes: predictions.shape[predictions.rank - 1], epsilon: epsilon() };
  const loss = runKernel1(crossEntropyKernel, [labels, predictions], { shape: rowShape, dtype: 'float32' }, attrs, name);
  recordGradient(name, [labels, predictions], [loss], () => ([dy]) => [
    null,
    isRecording()
      ? crossEntropyDerivative(labels, predictions, dy, attrs)
      : runKernel1(crossEntropyKernel, [labels, predictions, dy], { shape: predictions.shape, dtype: 'float32' }, { ...attrs, gradient: true }, name),
  ]);
  return loss;
}

/**
 * d(dy * loss) / d predictions in differentiable ops: the derivative kernel's formulas (see
 * shaders/cross_entropy.wgsl), for a tape that differentiates the gradient again.
 */
function crossEntropyDerivative(labels: Tensor, predictions: Tensor, dy: Tensor, { fromLogits, sparse, classes, epsilon: clipAt }: CrossEntropyAttrs): Tensor {
  const upstream = expandDims(dy, -1);
  let target: Tensor;
  if (sparse) {
    const index = expandDims(labels.dtype === 'int32' ? labels : round(labels), -1);
    // An index outside [0, classes) gives NaN, as the kernel.
    const inRange = logicalAnd(greaterEqual(index, 0), less(index, classes));
    target = where(inRange, equal(index, arange(classes, undefined, 1, index.dtype)), NaN);
  } else {
    target = cast(labels, 'float32');
  }
  if (fromLogits) return mul(upstream, sub(mul(softmax(predictions, -1), sum(target, -1, true)), target));
  // Through the clip (zero outside it) and then through r = p / sum(p).
  const total = sum(predictions, -1, true);
  const ratio = div(predictions, total);
  const inClip = logicalAnd(greaterEqual(ratio, clipAt), lessEqual(ratio, 1 - clipAt));
  const dRatio = where(inClip, div(mul(neg(upstream), target), where(inClip, ratio, 1)), 0);
  return sub(div(dRatio, total), div(sum(mul(dRatio, predictions), -1, true), square(total)));
}

function checkInputs(name: string, labels: Tensor, predictions: Tensor): void {
  checkTensor(name, labels);
  checkTensor(name, predictions);
  if (predictions.rank === 0) throw new Error(`${name}: predictions must have rank 1 or more (classes on an axis), got a scalar.`);
  if (predictions.dtype !== 'float32') {
    throw new Error(`${name}: predictions are ${predictions.dtype} (shape ${formatShape(predictions.shape)}); they must be float32. Cast them first: ops.cast(predictions, 'float32').`);
  }
}

export interface CrossEntropyOptions {
  /** Whether the predictions are logits rather than probabilities. Default false. */
  fromLogits?: boolean;
  /** The class axis. Default -1. */
  axis?: number;
}

/**
 * Categorical cross-entropy of `predictions` against labels of the same shape (one-hot or soft;
 * float32 or int32), over the class `axis`: one value per sample, of the predictions' shape
 * without that axis. From logits: -sum(labels * logSoftmax(x)); from probabilities, as Keras:
 * p / sum(p) clipped to [epsilon, 1 - epsilon] (config.epsilon(), default 1e-7), then -sum(labels * log(p)). One dispatch forward and
 * one backward (the gradient flows to the predictions only).
 *
 * @example
 * ops.categoricalCrossentropy(tensor([[0, 1, 0]]), tensor([[0.05, 0.95, 0]]));   // [0.0513]
 * const perSample = ops.categoricalCrossentropy(oneHotLabels, logits, { fromLogits: true });
 */
export function categoricalCrossentropy(labels: Tensor, predictions: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const name = 'categoricalCrossentropy';
  const { fromLogits = false, axis = -1 } = options;
  checkInputs(name, labels, predictions);
  if (!sameShape(labels.shape, predictions.shape)) {
    throw new Error(`${name}: labels of shape ${formatShape(labels.shape)} and predictions of shape ${formatShape(predictions.shape)} must have the same shape (use sparseCategoricalCrossentropy for class indices).`);
  }
  const along = normalizeAxis(name, axis, predictions.rank);
  const last = predictions.rank - 1;
  if (along !== last) {
    // The kernel walks rows of the last axis: move the class axis there, keeping the others' order.
    const perm = [...Array.from({ length: predictions.rank }, (_, d) => d).filter((d) => d !== along), along];
    return categoricalCrossentropy(transpose(labels, perm), transpose(predictions, perm), { fromLogits });
  }
  return crossEntropy(name, labels, predictions, fromLogits, false);
}

/**
 * Categorical cross-entropy with class indices: `labels` (int32, or float32 holding integers,
 * rounded) has the predictions' shape without their last (class) axis. Equal to
 * categoricalCrossentropy of the one-hot labels, without building them. An index outside
 * [0, classes) gives NaN (and NaN derivatives), as TensorFlow on a GPU, so that fit reports it.
 *
 * @example
 * ops.sparseCategoricalCrossentropy(tensor([1], [1], 'int32'), tensor([[0.05, 0.95, 0]]));   // [0.0513]
 */
export function sparseCategoricalCrossentropy(labels: Tensor, predictions: Tensor, options: { fromLogits?: boolean } = {}): Tensor {
  const name = 'sparseCategoricalCrossentropy';
  checkInputs(name, labels, predictions);
  if (!sameShape(labels.shape, predictions.shape.slice(0, -1))) {
    throw new Error(`${name}: labels of shape ${formatShape(labels.shape)} must have the shape of the predictions ${formatShape(predictions.shape)} without their last (class) axis, ${formatShape(predictions.shape.slice(0, -1))}.`);
  }
  return crossEntropy(name, labels, predictions, options.fromLogits ?? false, true);
}
