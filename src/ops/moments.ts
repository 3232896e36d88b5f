// Mean and population variance over axes (tf.nn.moments) from one kernel with two outputs. The GPU
// kernel (shaders/moments.wgsl) runs Welford's update per invocation and Chan's parallel merge
// across invocations; the CPU reference takes two passes in float64. The gradient (float32 inputs)
// combines both outputs' incoming gradients: dx = (dmean + 2 dvar (x - mean)) / N.

import type { Tensor } from '../tensor/tensor';
import { recordGradient } from '../autograd/tape';
import { tidy } from '../tensor/memory';
import { iterableRecord } from '../tensor/records';
import { sqrt } from './elementwise';
import { reshape } from './shape';
import { runKernel, type Kernel } from './kernel';
import { keptOffset, reducedOffset, reductionDispatch, reductionLayout, reductionUniforms, withReductionLayout, type ReductionLayout } from './reduction_layout';
import { checkRank, normalizeAxes } from './shape_util';
import { checkTensor } from './validate';
import momentsShader from '../../shaders/moments.wgsl?raw';

const MOMENTS_SOURCE = withReductionLayout(momentsShader);

export interface MomentsOptions {
  /** Keep the reduced dimensions with size 1 (default false). */
  keepDims?: boolean;
}

/**
 * What `moments` gives: a record `{ mean, variance }` that also destructures as Keras's tuple,
 * `const [mean, variance] = ops.moments(x, axes)`.
 */
export type Moments = { mean: Tensor; variance: Tensor; [Symbol.iterator](): Iterator<Tensor> };

const momentsKernel: Kernel<ReductionLayout> = {
  name: 'moments',
  cpu([x], [mean, variance], layout) {
    const n = layout.reducedSize;
    for (let o = 0; o < layout.outSize; o++) {
      const base = keptOffset(layout, o);
      let total = 0;
      for (let r = 0; r < n; r++) total += x.values[base + reducedOffset(layout, r)];
      const m = total / n;
      let squares = 0;
      for (let r = 0; r < n; r++) squares += (x.values[base + reducedOffset(layout, r)] - m) ** 2;
      mean.values[o] = m;
      variance.values[o] = squares / n;
    }
  },
  webgpu(gpu, [x], [mean, variance], layout) {
    gpu.dispatch({
      shader: MOMENTS_SOURCE,
      ...reductionDispatch(layout, gpu.tuning),
      constants: { IN_INT: x.dtype === 'int32' },
      uniforms: reductionUniforms(layout),
      buffers: [x.buffer, mean.buffer, variance.buffer],
    });
  },
};

/**
 * Mean and population variance of `x` over `axes`, as keras.ops.moments; both float32. Computed in
 * one numerically stable pass (no E[x^2] - E[x]^2 cancellation). An empty reduction gives NaN.
 * The result reads as a record or, as Keras's tuple, by position.
 * @example
 * const { mean, variance } = ops.moments(tensor([0, 1, 2, 3, 100]), [0]);
 * // mean 21.2, variance 1553.36
 * const [m, v] = ops.moments(images, [1, 2], { keepDims: true });   // Keras: mean, variance = ops.moments(...)
 */
export function moments(x: Tensor, axes: number | readonly number[], options: MomentsOptions = {}): Moments {
  checkTensor('moments', x);
  if (typeof axes !== 'number' && !Array.isArray(axes)) {
    throw new Error(`moments: axes must be a number or an array of numbers, got ${typeof axes}.`);
  }
  const unknownOptions = Object.keys(options ?? {}).filter((key) => key !== 'keepDims');
  if (unknownOptions.length > 0) {
    throw new Error(`moments: unknown option${unknownOptions.length > 1 ? 's' : ''} ${unknownOptions.join(', ')}; the only option is keepDims (Keras's keepdims).`);
  }
  const keepDims = options.keepDims ?? false;
  if (typeof keepDims !== 'boolean') throw new Error(`moments: keepDims must be a boolean, got ${typeof keepDims}.`);
  checkRank('moments', x.shape);
  // A scalar accepts axis 0 (normalizeAxes allows it) and reduces nothing.
  const sorted = normalizeAxes('moments', axes, x.rank).filter((a) => a < x.rank);
  const layout = reductionLayout(x.shape, sorted, keepDims);
  const output = { shape: layout.outShape, dtype: 'float32' as const };
  const [mean, variance] = runKernel(momentsKernel, [x], [output, output], layout);
  if (x.dtype === 'float32') {
    const keptShape = x.shape.map((d, i) => (sorted.includes(i) ? 1 : d));
    const count = Math.max(layout.reducedSize, 1);
    recordGradient('moments', [x], [mean, variance], () => ([dMean, dVariance]) => {
      const centered = x.sub(reshape(mean, keptShape));
      const dx = reshape(dVariance, keptShape).mul(2).mul(centered).add(reshape(dMean, keptShape));
      return [dx.div(count)];
    });
  }
  return iterableRecord({ mean, variance });
}

/**
 * Population variance over `axis` (a number, a list, or undefined for every axis), float32:
 * keras.ops.var, exported as `ops.var` (and `ops.variance`).
 * @example ops.var(tensor([[1, 2], [3, 4]]), 0) // [1, 1]
 */
export function variance(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  checkTensor('var', x);
  // tidy frees the mean unless a recording tape holds it for the gradient of the variance.
  return tidy(() => moments(x, axis ?? [...Array(x.rank).keys()], { keepDims }).variance);
}

/**
 * Population standard deviation over `axis` (undefined: every axis), float32, as keras.ops.std.
 * @example ops.std(tensor([1, 3])) // 1
 */
export function std(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  checkTensor('std', x);
  return tidy(() => sqrt(variance(x, axis, keepDims)));
}
