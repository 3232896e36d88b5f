// Softmax and log-softmax along any axis, numerically stable (the row max is subtracted before
// exp). The GPU kernel (shaders/softmax.wgsl) reads and writes each row in place along its stride;
// the CPU reference works in float64. Gradients (float32 inputs) come from the output: softmax
// y * (dy - sum(dy * y)), logSoftmax dy - exp(y) * sum(dy), sums along the axis: one fused kernel,
// or the same formula in ops when an outer tape records the gradient itself (second order).

import type { Tensor } from '../tensor/tensor';
import { getCompanion, setCompanion } from '../tensor/memory';
import { reshape } from './shape';
import { isRecording, recordGradient } from '../autograd/tape';
import { runKernel1, type Kernel } from './kernel';
import { keptOffset, reducedOffset, reductionDispatch, reductionLayout, reductionUniforms, withReductionLayout, type ReductionLayout } from './reduction_layout';
import { checkRank, normalizeAxes } from './shape_util';
import { checkTensor } from './validate';
import stableMath from '../../shaders/stable_math.wgsl?raw';
import softmaxShader from '../../shaders/softmax.wgsl?raw';

const SOFTMAX_SOURCE = `${stableMath}\n${withReductionLayout(softmaxShader)}`;

interface SoftmaxAttrs {
  log: boolean;
  layout: ReductionLayout;
}

const softmaxKernel: Kernel<SoftmaxAttrs> = {
  name: 'softmax',
  cpu([x], [y], { log, layout }) {
    const offsets = Array.from({ length: layout.reducedSize }, (_, r) => reducedOffset(layout, r));
    for (let row = 0; row < layout.outSize; row++) {
      const base = keptOffset(layout, row);
      let m = -Infinity;
      for (const offset of offsets) m = Math.max(m, x.values[base + offset]);
      let s = 0;
      for (const offset of offsets) s += Math.exp(x.values[base + offset] - m);
      for (const offset of offsets) {
        const v = x.values[base + offset];
        y.values[base + offset] = log ? v - m - Math.log(s) : Math.exp(v - m) / s;
      }
    }
  },
  webgpu(gpu, [x], [y], { log, layout }) {
    gpu.dispatch({
      shader: SOFTMAX_SOURCE,
      ...reductionDispatch(layout, gpu.tuning),
      constants: { LOG: log, IN_INT: x.dtype === 'int32' },
      uniforms: reductionUniforms(layout),
      buffers: [x.buffer, y.buffer],
    });
  },
};

const softmaxGradKernel: Kernel<SoftmaxAttrs> = {
  name: 'softmaxGrad',
  cpu([y, dy], [dx], { log, layout }) {
    const offsets = Array.from({ length: layout.reducedSize }, (_, r) => reducedOffset(layout, r));
    for (let row = 0; row < layout.outSize; row++) {
      const base = keptOffset(layout, row);
      let s = 0;
      for (const offset of offsets) s += log ? dy.values[base + offset] : dy.values[base + offset] * y.values[base + offset];
      for (const offset of offsets) {
        const i = base + offset;
        dx.values[i] = log ? dy.values[i] - Math.exp(y.values[i]) * s : y.values[i] * (dy.values[i] - s);
      }
    }
  },
  webgpu(gpu, [y, dy], [dx], { log, layout }) {
    const { entryPoint, workgroups } = reductionDispatch(layout, gpu.tuning);
    gpu.dispatch({
      shader: SOFTMAX_SOURCE,
      entryPoint: `backward_${entryPoint}`,
      workgroups,
      constants: { LOG: log, IN_INT: false },
      uniforms: reductionUniforms(layout),
      buffers: [y.buffer, dy.buffer, dx.buffer],
    });
  },
};

/** The gradient of softmax / logSoftmax from its output y and the incoming dy. */
function normalizeGrad(log: boolean, along: number[], layout: ReductionLayout, y: Tensor, dy: Tensor): Tensor {
  if (isRecording()) return log ? dy.sub(y.exp().mul(dy.sum(along, true))) : y.mul(dy.sub(dy.mul(y).sum(along, true)));
  return runKernel1(softmaxGradKernel, [y, dy], { shape: y.shape, dtype: 'float32' }, { log, layout });
}

function normalize(name: 'softmax' | 'logSoftmax', x: Tensor, axis: number | readonly number[]): Tensor {
  checkTensor(name, x);
  if (typeof axis !== 'number' && !Array.isArray(axis)) throw new Error(`${name}: axis must be a number or an array of numbers, got ${typeof axis}.`);
  checkRank(name, x.shape);
  if (x.rank === 0) throw new Error(`${name}: expected a tensor of rank at least 1, got a scalar.`);
  const along = normalizeAxes(name, axis, x.rank);
  const layout = reductionLayout(x.shape, along, true);
  const log = name === 'logSoftmax';
  const y = runKernel1(softmaxKernel, [x], { shape: x.shape, dtype: 'float32' }, { log, layout });
  if (x.dtype === 'float32') {
    recordGradient(name, [x], [y], () => ([dy]) => [normalizeGrad(log, along, layout, y, dy)]);
  }
  return y;
}

/**
 * exp(x) / sum(exp(x)) along `axis` (default the last; an array of axes normalizes over them
 * together, as Keras's tuple), computed stably; float32.
 * @example ops.softmax(tensor([[1, 2, 3]])) // [[0.0900, 0.2447, 0.6652]]
 */
export function softmax(x: Tensor, axis: number | readonly number[] = -1): Tensor {
  return normalize('softmax', x, axis);
}

/**
 * x - log(sum(exp(x))) along `axis` (default the last, or an array of axes together), computed
 * stably; float32.
 * @example ops.logSoftmax(tensor([1000, 1000])) // [-0.6931, -0.6931]
 */
export function logSoftmax(x: Tensor, axis: number | readonly number[] = -1): Tensor {
  return normalize('logSoftmax', x, axis);
}

/** The kind of companion tensor the logits of a softmax activation's output are (see setCompanion). */
const LOGITS = 'softmax logits';

/**
 * @internal The softmax activation of layers: softmax over the last axis that remembers its
 * logits, as Keras's activation does, so that a cross-entropy loss on the output is computed from
 * them (see softmaxLogits). ops.softmax does not.
 */
export function softmaxActivation(logits: Tensor): Tensor {
  const probabilities = softmax(logits, -1);
  // A view of the logits lives as long as the probabilities (Keras's `_keras_logits`), whatever
  // tidy scope made the logits: a Dense layer computes them inside its own.
  if (logits.dtype === 'float32') setCompanion(probabilities, LOGITS, reshape(logits, logits.shape));
  return probabilities;
}

/**
 * @internal The logits a softmax activation computed `probabilities` from, while they are alive;
 * null for any other tensor. The cross-entropy losses use them, as Keras's TensorFlow backend
 * does: the gradient then reaches the logits directly and none flows through the probabilities.
 */
export function softmaxLogits(probabilities: Tensor): Tensor | null {
  const logits = getCompanion(probabilities, LOGITS);
  return logits && !logits.isDisposed ? logits : null;
}
