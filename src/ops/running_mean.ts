// The update of a running mean (the state of the mean metrics) as one fused op: from the scalars
// total, count and a batch's total and count (a tensor, or a number), the new total, count and
// mean, in one dispatch instead of two adds and a divNoNan. Not differentiable: metric state.

import { Uniforms } from '../backend/webgpu/uniforms';
import type { Tensor } from '../tensor/tensor';
import { runKernel, type Kernel } from './kernel';
import runningMeanShader from '../../shaders/running_mean.wgsl?raw';

interface RunningMeanAttrs {
  /** The batch count when it is a number rather than the fourth input. */
  batchCount: number | null;
  /** What the batch total is multiplied by (1, or a scalar value's weight). */
  batchScale: number;
}

const f32 = Math.fround;

const runningMeanKernel: Kernel<RunningMeanAttrs> = {
  name: 'runningMean',
  cpu([total, count, batchTotal, batchCountTensor], [newTotal, newCount, newMean], { batchCount, batchScale }) {
    // The uniform block holds the numbers as f32, as here.
    const t = f32(total.values[0] + f32(batchTotal.values[0] * f32(batchScale)));
    const c = f32(count.values[0] + f32(batchCount ?? batchCountTensor.values[0]));
    newTotal.values[0] = t;
    newCount.values[0] = c;
    newMean.values[0] = c === 0 ? 0 : t / c;
  },
  webgpu(gpu, [total, count, batchTotal, batchCountTensor], [newTotal, newCount, newMean], { batchCount, batchScale }) {
    gpu.dispatch({
      shader: runningMeanShader,
      constants: { COUNT_IN_UNIFORM: batchCount !== null },
      uniforms: new Uniforms().f32(batchCount ?? 0).f32(batchScale).finish(),
      // With the count in the uniform block, the batch total stands in for binding 4 (not read).
      buffers: [total.buffer, count.buffer, batchTotal.buffer, (batchCountTensor ?? batchTotal).buffer, newTotal.buffer, newCount.buffer, newMean.buffer],
      workgroups: [1],
    });
  },
};

/**
 * @internal `[total + batchTotal * batchScale, count + batchCount, (new total) / (new count)]` for
 * float32 scalars (the mean is 0 while the count is 0), as three new scalar tensors.
 */
export function runningMean(total: Tensor, count: Tensor, batchTotal: Tensor, batchCount: Tensor | number, batchScale = 1): Tensor[] {
  const scalar = { shape: [], dtype: 'float32' as const };
  const inputs = typeof batchCount === 'number' ? [total, count, batchTotal] : [total, count, batchTotal, batchCount];
  return runKernel(runningMeanKernel, inputs, [scalar, scalar, scalar], { batchCount: typeof batchCount === 'number' ? batchCount : null, batchScale });
}
