// The memory behind a tensor: a typed array on the CPU backend or a pooled GPU buffer on WebGPU.
// Several tensors may share one storage (reshape does not copy), so it is reference counted and
// goes back to the pool when the last tensor using it is disposed.

import type { BackendName, TypedArray } from './types';
import type { WebGPUBackend } from './webgpu/webgpu_backend';

export class Storage {
  private refs = 1;

  private constructor(
    readonly backend: BackendName,
    readonly values: TypedArray | null,
    readonly buffer: GPUBuffer | null,
    readonly gpu: WebGPUBackend | null,
  ) {}

  static cpu(values: TypedArray): Storage {
    return new Storage('cpu', values, null, null);
  }

  static webgpu(gpu: WebGPUBackend, buffer: GPUBuffer): Storage {
    return new Storage('webgpu', null, buffer, gpu);
  }

  get byteSize(): number {
    return this.buffer ? this.buffer.size : this.values!.byteLength;
  }

  retain(): this {
    this.refs++;
    return this;
  }

  release(): void {
    if (--this.refs === 0 && this.buffer) this.gpu!.release(this.buffer);
  }
}
