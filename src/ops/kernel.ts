// The contract between an op and the backends. An op validates its inputs and computes its output
// shapes in TypeScript, then hands a `Kernel` (a CPU implementation and a WebGPU implementation)
// to `runKernel`, which checks the inputs are usable, allocates the outputs and runs the one that
// matches the active backend. Nothing here reads GPU data back.

import { activeGpu, getBackend } from '../backend/engine';
import { Storage } from '../backend/storage';
import { arrayFor, formatShape, sizeOf, type ConcreteShape, type DType, type TypedArray } from '../backend/types';
import type { WebGPUBackend } from '../backend/webgpu/webgpu_backend';
import { Tensor } from '../tensor/tensor';
import { activeTracer } from '../tensor/trace';

export interface CpuTensor {
  values: TypedArray;
  shape: ConcreteShape;
  dtype: DType;
}

export interface GpuTensor {
  buffer: GPUBuffer;
  shape: ConcreteShape;
  dtype: DType;
  size: number;
}

export interface OutputSpec {
  shape: ConcreteShape;
  dtype: DType;
}

export interface Kernel<Attrs> {
  name: string;
  /** Writes the outputs (preallocated, zero-filled) from the inputs. */
  cpu(inputs: CpuTensor[], outputs: CpuTensor[], attrs: Attrs): void;
  /** Records the dispatches that write the outputs (pooled buffers, contents undefined). */
  webgpu(gpu: WebGPUBackend, inputs: GpuTensor[], outputs: GpuTensor[], attrs: Attrs): void;
}

/** The most bytes one buffer of a kernel may hold on the active backend (unbounded on the CPU). */
export function largestBinding(): number {
  return getBackend() === 'cpu' ? Infinity : activeGpu().bindingLimit;
}

/**
 * Runs a kernel on the active backend. The kernel is skipped when every output is empty.
 * `opName` (default: the kernel's name) is the name errors report, e.g. 'add' for the binary kernel.
 */
export function runKernel<Attrs>(kernel: Kernel<Attrs>, inputs: readonly Tensor[], outputs: readonly OutputSpec[], attrs: Attrs, opName = kernel.name): Tensor[] {
  const backend = getBackend();
  for (const input of inputs) checkInput(opName, input, backend);
  const anyWork = outputs.some((o) => sizeOf(o.shape) > 0);
  if (backend === 'cpu') {
    const outs = outputs.map((o) => ({ values: arrayFor(o.dtype, sizeOf(o.shape)), shape: o.shape, dtype: o.dtype }));
    if (anyWork) {
      kernel.cpu(inputs.map((t) => ({ values: t.storage.values!, shape: t.shape, dtype: t.dtype })), outs, attrs);
    }
    return outs.map((o) => new Tensor(Storage.cpu(o.values), o.shape, o.dtype));
  }
  const gpu = activeGpu();
  const bindable = gpu.bindingLimit;
  for (const o of outputs) {
    const bytes = sizeOf(o.shape) * 4;
    if (bytes > bindable) {
      throw new Error(`${opName}: its output of shape ${formatShape(o.shape)} needs ${bytes} bytes, more than this WebGPU device binds in one buffer (maxStorageBufferBindingSize: ${bindable} bytes); use smaller shapes or batches, or the CPU backend.`);
    }
  }
  const outs = outputs.map((o) => {
    const size = sizeOf(o.shape);
    return { buffer: gpu.allocate(size * 4), shape: o.shape, dtype: o.dtype, size };
  });
  if (anyWork) {
    kernel.webgpu(gpu, inputs.map((t) => ({ buffer: t.storage.buffer!, shape: t.shape, dtype: t.dtype, size: t.size })), outs, attrs);
  }
  const tensors = outs.map((o) => new Tensor(Storage.webgpu(gpu, o.buffer), o.shape, o.dtype));
  activeTracer()?.kernel(kernel, attrs, inputs, tensors);
  return tensors;
}

/** Runs a single-output kernel. */
export function runKernel1<Attrs>(kernel: Kernel<Attrs>, inputs: readonly Tensor[], output: OutputSpec, attrs: Attrs, opName = kernel.name): Tensor {
  return runKernel(kernel, inputs, [output], attrs, opName)[0];
}

function checkInput(opName: string, t: Tensor, backend: string): void {
  if (t.isDisposed) throw new Error(`${opName}: a tensor of shape ${formatShape(t.shape)} was used after it was disposed.`);
  const storage = t.storage;
  if (storage.backend !== backend) {
    throw new Error(`${opName}: a tensor of shape ${formatShape(t.shape)} lives on the ${storage.backend} backend but the active backend is ${backend}; create it after switching backends.`);
  }
  if (storage.gpu && storage.gpu !== activeGpu()) {
    throw new Error(`${opName}: a tensor of shape ${formatShape(t.shape)} belongs to a previous WebGPU device; init() was called again since it was created. Recreate or reload it.`);
  }
}
