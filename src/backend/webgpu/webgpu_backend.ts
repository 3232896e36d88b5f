// One WebGPU device and what hangs off it: the buffer pool, the pipeline cache and the command
// recorder. Kernels reach the GPU only through `dispatch` and `copy`; tensors only through
// `allocate`, `upload`, `release` and `read`.

import { BufferPool } from './buffer_pool';
import { CommandRecorder, type Dispatch, type PreparedDispatch } from './command_recorder';
import type { DType, TypedArray } from '../types';

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  description: string;
  isFallback: boolean;
  /** The subgroup size when the device has the `subgroups` feature and every subgroup has the same size; 0 otherwise. */
  subgroupSize: number;
}

/** Limits worth raising above WebGPU's defaults when the adapter allows it. */
const WANTED_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

const WANTED_FEATURES: GPUFeatureName[] = ['subgroups', 'shader-f16', 'timestamp-query'] as GPUFeatureName[];

/**
 * How kernels are tuned for the adapter. 'software': WebGPU implemented on the CPU (SwiftShader,
 * llvmpipe, WARP), where invocations run as SIMD lanes, every load is a per-lane gather and
 * barriers are slow, so big register tiles and few invocations pay. 'hardware': a real GPU.
 */
export type KernelTuning = 'software' | 'hardware';

/** A buffer a kernel allocated for its own use while its dispatches were captured. */
export interface Scratch {
  buffer: GPUBuffer;
  byteSize: number;
  released: boolean;
}

const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|warp|software/i;

export class WebGPUBackend {
  readonly pool: BufferPool;
  /** Kernel tuning for this adapter; tests switch it to run both families of tile shapes. */
  tuning: KernelTuning;
  /** Lanes of a subgroup that kernels may rely on (0: none); tests clear it to run the kernels written without subgroups. */
  subgroupLanes: number;
  /** The most bytes a kernel binds in one buffer (maxStorageBufferBindingSize); tests lower it to run the paths that split work to fit. */
  bindingLimit: number;
  readonly recorder: CommandRecorder;
  /** Why the device stopped working, once it has. */
  private lostReason: string | null = null;
  private capture: { dispatches: Dispatch[]; scratch: Scratch[]; dispatchesOnly: boolean } | null = null;
  private firstError: string | null = null;

  private constructor(
    readonly device: GPUDevice,
    readonly adapter: AdapterSummary,
    readonly generation: number,
  ) {
    this.pool = new BufferPool(device);
    this.tuning = adapter.isFallback || SOFTWARE_ADAPTER.test(`${adapter.vendor} ${adapter.architecture} ${adapter.description}`) ? 'software' : 'hardware';
    this.subgroupLanes = adapter.subgroupSize;
    this.bindingLimit = device.limits.maxStorageBufferBindingSize;
    this.recorder = new CommandRecorder(device, this.pool);
    device.lost.then((info) => {
      this.lostReason = `${info.reason ?? 'unknown'}${info.message ? `: ${info.message}` : ''}`;
    });
    device.addEventListener('uncapturederror', (event) => {
      this.firstError ??= (event as GPUUncapturedErrorEvent).error.message;
    });
  }

  static async create(gpu: GPU, generation: number, powerPreference?: GPUPowerPreference): Promise<WebGPUBackend | string> {
    const adapter = await gpu.requestAdapter(powerPreference ? { powerPreference } : undefined);
    if (!adapter) return 'requestAdapter() returned no adapter';
    const requiredLimits: Record<string, number> = {};
    for (const name of WANTED_LIMITS) {
      const value = (adapter.limits as unknown as Record<string, number>)[name];
      if (typeof value === 'number') requiredLimits[name] = value;
    }
    const requiredFeatures = WANTED_FEATURES.filter((f) => adapter.features.has(f));
    const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
    const info = adapter.info ?? ({} as GPUAdapterInfo);
    const subgroupSizes = info as { subgroupMinSize?: number; subgroupMaxSize?: number };
    const summary: AdapterSummary = {
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
      description: info.description ?? '',
      isFallback: Boolean((info as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter),
      subgroupSize: device.features.has('subgroups') && subgroupSizes.subgroupMinSize === subgroupSizes.subgroupMaxSize ? (subgroupSizes.subgroupMinSize ?? 0) : 0,
    };
    return new WebGPUBackend(device, summary, generation);
  }

  /** Throws when the device is lost or a previous command failed validation. */
  checkUsable(): void {
    if (this.lostReason !== null) {
      throw new Error(`WebGPU device was lost (${this.lostReason}). Call init() again to get a new device, then recreate or reload your tensors and models.`);
    }
    if (this.firstError !== null) {
      const message = this.firstError;
      this.firstError = null;
      throw new Error(`WebGPU reported an error in earlier GPU work: ${message}`);
    }
  }

  get isLost(): boolean {
    return this.lostReason !== null;
  }

  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  allocate(byteSize: number): GPUBuffer {
    const buffer = this.pool.acquire(byteSize);
    this.capture?.scratch.push({ buffer, byteSize, released: false });
    return buffer;
  }

  upload(values: TypedArray): GPUBuffer {
    if (this.capture) this.capture.dispatchesOnly = false;
    const buffer = this.pool.acquireForUpload(values.byteLength);
    if (values.byteLength > 0) this.device.queue.writeBuffer(buffer, 0, values.buffer, values.byteOffset, values.byteLength);
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    if (this.capture) {
      const scratch = this.capture.scratch.find((s) => s.buffer === buffer && !s.released);
      if (scratch) scratch.released = true;
      else this.capture.dispatchesOnly = false;
    }
    if (!this.isLost) this.pool.release(buffer);
  }

  dispatch(spec: Dispatch): void {
    this.capture?.dispatches.push(spec);
    this.recorder.dispatch(spec);
  }

  /** See CommandRecorder.prepare: a dispatch to be issued again on other buffers. */
  prepareDispatch(spec: Dispatch): PreparedDispatch {
    return this.recorder.prepare(spec);
  }

  dispatchPrepared(prepared: PreparedDispatch, buffers: GPUBuffer[]): void {
    this.recorder.dispatchPrepared(prepared, buffers);
  }

  releasePrepared(prepared: PreparedDispatch): void {
    if (!this.isLost) this.recorder.releasePrepared(prepared);
  }

  /**
   * Runs `record` (which records GPU work) and returns the dispatches it made, with the scratch
   * buffers it allocated and released again (split-K's partial products), or null when it also
   * uploaded, copied, kept a buffer it allocated or released one it had not: a compiled training
   * step replays a kernel's dispatches without calling the kernel again only when that was all it did.
   */
  captureDispatches(record: () => void): { dispatches: Dispatch[]; scratch: Scratch[] } | null {
    const capture = (this.capture = { dispatches: [] as Dispatch[], scratch: [] as Scratch[], dispatchesOnly: true });
    try {
      record();
      return capture.dispatchesOnly && capture.scratch.every((s) => s.released) ? { dispatches: capture.dispatches, scratch: capture.scratch } : null;
    } finally {
      this.capture = null;
    }
  }

  copy(source: GPUBuffer, target: GPUBuffer, byteSize: number, sourceOffset = 0, targetOffset = 0): void {
    if (this.capture) this.capture.dispatchesOnly = false;
    this.recorder.copy(source, target, byteSize, sourceOffset, targetOffset);
  }

  flush(): void {
    this.recorder.flush();
  }

  async read(buffer: GPUBuffer, size: number, dtype: DType): Promise<TypedArray> {
    this.checkUsable();
    let bytes: ArrayBuffer;
    try {
      bytes = await this.recorder.read(buffer, size * 4);
    } catch (e) {
      this.checkUsable();
      throw e;
    }
    this.checkUsable();
    return dtype === 'int32' ? new Int32Array(bytes) : new Float32Array(bytes);
  }

  /** Ends this device for good (tests use it to simulate a lost GPU). */
  destroy(): void {
    this.recorder.clearBindGroups();
    this.pool.trim();
    this.device.destroy();
  }
}
