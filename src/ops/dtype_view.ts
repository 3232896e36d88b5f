// `view` (keras.ops.view): a tensor's bits read as another dtype. Both dtypes of this library are
// 32-bit words, so the shape stays and the view is a copy of the words into new storage: a buffer
// copy on the GPU, a reinterpreting copy of the typed array on the CPU.

import type { DType, TypedArray } from '../backend/types';
import type { Tensor } from '../tensor/tensor';
import { runKernel1, type Kernel } from './kernel';
import { checkTensor } from './validate';

const VIEW_DTYPES: readonly DType[] = ['float32', 'int32'];

const viewKernel: Kernel<null> = {
  name: 'view',
  cpu([x], [y]) {
    y.values.set(wordsAs(x.values, y.dtype));
  },
  webgpu(gpu, [x], [y]) {
    gpu.copy(x.buffer, y.buffer, x.size * 4);
  },
};

/** The same bytes as a typed array of `dtype` (no copy). */
function wordsAs(values: TypedArray, dtype: DType): TypedArray {
  const buffer = values.buffer as ArrayBuffer;
  return dtype === 'int32' ? new Int32Array(buffer, values.byteOffset, values.length) : new Float32Array(buffer, values.byteOffset, values.length);
}

/**
 * The bits of `x` read as `dtype` (default: x's own dtype), in new storage; the shape is kept,
 * float32 and int32 both being 32 bits wide. Not differentiable. Other dtypes (float16, int8,
 * uint8, int64, bool, ...) have no storage of their own here and are refused.
 *
 * @example
 * ops.view(tensor([1, -0]), 'int32');                  // [1065353216, -2147483648]
 * ops.view(tensor([1065353216], [1], 'int32'), 'float32');   // [1]
 */
export function view(x: Tensor, dtype: DType | null = null): Tensor {
  checkTensor('view', x);
  const target = dtype ?? x.dtype;
  if (!VIEW_DTYPES.includes(target)) {
    throw new Error(`view: cannot view a tensor as dtype '${String(dtype)}'. Expected one of ${VIEW_DTYPES.map((d) => `'${d}'`).join(', ')} (this library stores 32-bit words only). Received: dtype=${JSON.stringify(dtype)} for x of dtype ${x.dtype} and shape [${x.shape.join(', ')}].`);
  }
  return runKernel1(viewKernel, [x], { shape: x.shape, dtype: target }, null);
}
