// The count of finite values fit has seen, kept on the device: previous + 1 when a float32 scalar
// is finite, else previous, in one dispatch (instead of an isFinite and an add). fit counts the
// steps whose loss was finite this way, to name the batch where it first became NaN or infinite
// without a readback per batch. Not differentiable.

import { formatShape } from '../backend/types';
import type { Tensor } from '../tensor/tensor';
import { runKernel1, type Kernel } from './kernel';
import finiteCountShader from '../../shaders/finite_count.wgsl?raw';

const finiteCountKernel: Kernel<null> = {
  name: 'finiteCount',
  cpu([value, previous], [out]) {
    out.values[0] = previous.values[0] + (Number.isFinite(value.values[0]) ? 1 : 0);
  },
  webgpu(gpu, [value, previous], [out]) {
    gpu.dispatch({ shader: finiteCountShader, buffers: [value.buffer, previous.buffer, out.buffer], workgroups: [1] });
  },
};

/**
 * @internal `previous + (value is finite ? 1 : 0)` as a new int32 scalar, for a float32 scalar
 * `value` and an int32 scalar `previous`.
 */
export function finiteCount(value: Tensor, previous: Tensor): Tensor {
  if (value.size !== 1 || value.dtype !== 'float32') throw new Error(`finiteCount: expected a float32 scalar, got ${value.dtype} of shape ${formatShape(value.shape)}.`);
  if (previous.size !== 1 || previous.dtype !== 'int32') throw new Error(`finiteCount: expected an int32 scalar count, got ${previous.dtype} of shape ${formatShape(previous.shape)}.`);
  return runKernel1(finiteCountKernel, [value, previous], { shape: [], dtype: 'int32' }, null);
}
