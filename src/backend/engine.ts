// Which backend is active and how it was acquired: `init()`, `getBackend()`, `setBackend()`.
// WebGPU is preferred; when it is missing, the CPU backend takes over with one console line,
// unless WebGPU was demanded.

import { findGpu } from './webgpu/gpu_provider';
import { WebGPUBackend, type AdapterSummary } from './webgpu/webgpu_backend';
import type { BackendName } from './types';

export interface InitOptions {
  /** Demand a backend. 'webgpu' throws when WebGPU is unavailable; 'cpu' never touches the GPU. */
  backend?: BackendName;
  /** A `GPU` object to use instead of `navigator.gpu` or Dawn. */
  gpu?: GPU;
  powerPreference?: GPUPowerPreference;
}

export interface InitResult {
  backend: BackendName;
  adapter: AdapterSummary | null;
}

interface EngineState {
  active: BackendName;
  gpu: WebGPUBackend | null;
  generation: number;
}

const state: EngineState = { active: 'cpu', gpu: null, generation: 0 };

/**
 * Acquires a device and makes its backend active. Calling it again re-activates the same device
 * while it is healthy; after the device was lost (or with an explicit `gpu`), it acquires a new
 * one, and tensors of the previous device can no longer be used.
 *
 * @example
 * const { backend, adapter } = await init();
 * console.log(backend, adapter?.description);
 */
export async function init(options: InitOptions = {}): Promise<InitResult> {
  if (options.backend === 'cpu') {
    state.active = 'cpu';
    return { backend: 'cpu', adapter: null };
  }
  if (options.backend !== undefined && options.backend !== 'webgpu') {
    throw new Error(`init: unknown backend '${String(options.backend)}'. Expected 'webgpu' or 'cpu'.`);
  }
  // A healthy device is kept: calling init() again only re-activates it.
  if (state.gpu && !state.gpu.isLost && !options.gpu && !options.powerPreference) {
    state.active = 'webgpu';
    return { backend: 'webgpu', adapter: state.gpu.adapter };
  }
  const gpu = options.gpu ?? (await findGpu());
  const created = typeof gpu === 'string' ? gpu : await WebGPUBackend.create(gpu, state.generation + 1, options.powerPreference).catch((e: Error) => `requestDevice failed: ${e.message}`);
  if (typeof created === 'string') {
    if (options.backend === 'webgpu') throw new Error(`init: WebGPU was demanded but is not available: ${created}.`);
    console.warn(`webgpu-keras: WebGPU is not available (${created}); using the CPU backend.`);
    state.active = 'cpu';
    return { backend: 'cpu', adapter: null };
  }
  if (state.gpu && !state.gpu.isLost) state.gpu.flush();
  state.generation = created.generation;
  state.gpu = created;
  state.active = 'webgpu';
  return { backend: 'webgpu', adapter: created.adapter };
}

/** The backend that new tensors and ops use. */
export function getBackend(): BackendName {
  return state.active;
}

/**
 * Switches between an already initialized WebGPU device and the CPU backend without releasing the
 * device (tests run the same op on both). Tensors stay on the backend that created them.
 */
export function setBackend(backend: BackendName): void {
  if (backend === 'webgpu' && !state.gpu) throw new Error("setBackend('webgpu'): no WebGPU device yet; call await init() first.");
  if (backend !== 'webgpu' && backend !== 'cpu') throw new Error(`setBackend: unknown backend '${String(backend)}'. Expected 'webgpu' or 'cpu'.`);
  state.active = backend;
}

/** The active WebGPU backend; throws when the device is lost. Undefined behaviour if CPU is active. */
export function activeGpu(): WebGPUBackend {
  const gpu = state.gpu;
  if (!gpu) throw new Error('No WebGPU device: call await init() first.');
  gpu.checkUsable();
  return gpu;
}

/**
 * Submits the GPU work recorded so far without waiting for it, when at least `minDispatches`
 * dispatches are waiting (a no-op on the CPU backend).
 */
export function submitRecordedWork(minDispatches = 0): void {
  if (state.active === 'webgpu' && state.gpu && !state.gpu.isLost && state.gpu.recorder.pendingDispatches >= minDispatches) state.gpu.flush();
}

/** The current WebGPU backend if there is one, lost or not. */
export function currentGpu(): WebGPUBackend | null {
  return state.gpu;
}
