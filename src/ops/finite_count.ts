// The count of finite values fit has seen, kept on the device: previous + 1 when a float32 scalar
// is finite, in one dispatch (instead of an isFinite and an add). fit counts the steps whose loss
// was finite this way, to name the batch where it first became NaN or infinite without a readback
// per batch. Not differentiable.

import { formatShape } from '../backend/types';
import type { Tensor } from '../tensor/tensor';
import { runKernel1, type Kernel } from './kernel';
import finiteCountShader from '../../shaders/finite_count.wgsl?raw';

interface FiniteCountAttrs {
  hasPrevious: boolean;
}

const finiteCountKernel: Kernel<FiniteCountAttrs> = {
  name: 'finiteCount',
  cpu([value, previous], [out], { hasPrevious }) {
    out.values[0] = (hasPrevious ? previous.values[0] : 0) + (Number.isFinite(value.values[0]) ? 1 : 0);
  },
  webgpu(gpu, [value, previous], [out], { hasPrevious }) {
    gpu.dispatch({
      shader: finiteCountShader,
      constants: { HAS_PREVIOUS: hasPrevious },
      // Without a previous count, the value stands in for binding 1 (not read).
      buffers: [value.buffer, (previous ?? value).buffer, out.buffer],
      workgroups: [1],
    });
  },
};

/**
 * @internal `previous + (value is finite ? 1 : 0)` as a new int32 scalar, for a float32 scalar
 * `value` and an int32 scalar `previous` (0 when null).
 */
export function finiteCount(value: Tensor, previous: Tensor | null): Tensor {
  if (value.size !== 1 || value.dtype !== 'float32') throw new Error(`finiteCount: expected a float32 scalar, got ${value.dtype} of shape ${formatShape(value.shape)}.`);
  const inputs = previous ? [value, previous] : [value];
  return runKernel1(finiteCountKernel, inputs, { shape: [], dtype: 'int32' }, { hasPrevious: previous !== null });
}
