// A copy of a tensor in new storage (a buffer copy on the GPU), for values that must not share
// memory with their source, such as a Variable's initial value.

import type { Tensor } from '../tensor/tensor';
import { recordGradient } from '../autograd/tape';
import { runKernel1, type Kernel } from './kernel';

const cloneKernel: Kernel<null> = {
  name: 'clone',
  cpu([x], [y]) {
    y.values.set(x.values);
  },
  webgpu(gpu, [x], [y]) {
    gpu.copy(x.buffer, y.buffer, x.size * 4);
  },
};

/**
 * A copy with its own storage.
 *
 * @example
 * const copy = ops.clone(x);   // disposing x leaves copy intact
 */
export function clone(x: Tensor): Tensor {
  const y = runKernel1(cloneKernel, [x], { shape: x.shape, dtype: x.dtype }, null);
  recordGradient('clone', [x], [y], () => ([dy]) => [dy]);
  return y;
}
