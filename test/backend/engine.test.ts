// The runtime: init and fallback, backend switching, batching of GPU work into few submits, and
// the errors of a misused device.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { getBackend, init, ops, setBackend, tensor, tidy } from '../../src/node';
import { currentGpu } from '../../src/backend/engine';

afterEach(async () => {
  vi.restoreAllMocks();
  await init({ backend: 'webgpu' });
});

/** A `GPU` object with no adapter, as a browser without a usable GPU reports. */
const gpuWithoutAdapter = { requestAdapter: async () => null } as unknown as GPU;

describe('init', () => {
  it('acquires a WebGPU device through Dawn and describes the adapter', async () => {
    const result = await init();
    expect(result.backend).toBe('webgpu');
    expect(getBackend()).toBe('webgpu');
    expect(result.adapter).not.toBeNull();
    expect(typeof result.adapter!.vendor).toBe('string');
    expect(typeof result.adapter!.isFallback).toBe('boolean');
    expect(result.adapter!.subgroupSize).toBe(currentGpu()!.subgroupLanes);
  });

  it('requests the adapter limits above the defaults', async () => {
    await init();
    const limits = currentGpu()!.limits;
    expect(limits.maxStorageBufferBindingSize).toBeGreaterThan(128 * 1024 * 1024);
    expect(limits.maxComputeWorkgroupStorageSize).toBeGreaterThanOrEqual(16384);
  });

  it('refuses an op whose output the device cannot bind in one buffer, before any GPU work, with the shape and the limit', async () => {
    await init({ backend: 'webgpu' });
    const limit = currentGpu()!.limits.maxStorageBufferBindingSize;
    const x = tensor([1, 2]);
    const elements = Math.floor(limit / 4) + 1;
    expect(() => ops.broadcastTo(x.reshape([1, 2]), [Math.ceil(elements / 2), 2])).toThrow(
      new RegExp(`needs ${Math.ceil(elements / 2) * 8} bytes, more than this WebGPU device binds in one buffer \\(maxStorageBufferBindingSize: ${limit} bytes\\)`),
    );
    expect(Array.from(await ops.add(x, 1).data())).toEqual([2, 3]);
  });

  it('uses the CPU backend when asked', async () => {
    const result = await init({ backend: 'cpu' });
    expect(result).toEqual({ backend: 'cpu', adapter: null });
    expect(getBackend()).toBe('cpu');
    expect(Array.from(await tensor([1, 2]).add(1).data())).toEqual([2, 3]);
  });

  it('falls back to the CPU backend with one console line when there is no adapter', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const result = await init({ gpu: gpuWithoutAdapter });
    expect(result.backend).toBe('cpu');
    expect(getBackend()).toBe('cpu');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain('WebGPU is not available (requestAdapter() returned no adapter); using the CPU backend');
  });

  it('throws instead of falling back when WebGPU is demanded', async () => {
    await expect(init({ backend: 'webgpu', gpu: gpuWithoutAdapter })).rejects.toThrow(
      'init: WebGPU was demanded but is not available: requestAdapter() returned no adapter',
    );
  });

  it('rejects an unknown backend name', async () => {
    await expect(init({ backend: 'wasm' as never })).rejects.toThrow("init: unknown backend 'wasm'. Expected 'webgpu' or 'cpu'.");
  });
});

describe('backends side by side', () => {
  it('keeps each tensor on the backend that made it', async () => {
    await init({ backend: 'webgpu' });
    const onGpu = tensor([1, 2, 3]);
    setBackend('cpu');
    const onCpu = tensor([1, 2, 3]);
    expect(() => onGpu.add(onCpu)).toThrow('add: a tensor of shape [3] lives on the webgpu backend but the active backend is cpu');
    expect(() => ops.add(onGpu, 1)).toThrow('add: a tensor of shape [3] lives on the webgpu backend but the active backend is cpu');
    setBackend('webgpu');
    expect(Array.from(await onGpu.mul(2).data())).toEqual([2, 4, 6]);
  });
});

describe('command batching', () => {
  it('records ops without submitting and submits once per readback', async () => {
    await init({ backend: 'webgpu' });
    const recorder = currentGpu()!.recorder;
    const x = tensor([1, 2, 3, 4]);
    recorder.flush();
    const before = recorder.submitCount;
    let y = x;
    for (let i = 0; i < 20; i++) y = y.add(1).mul(0.5);
    expect(recorder.submitCount).toBe(before);
    const values = await y.data();
    expect(recorder.submitCount).toBe(before + 1);
    expect(values[0]).toBeCloseTo(1, 3); // y -> (y + 1) / 2 approaches 1
  });

  it('submits long runs of work in batches, so the device starts before a readback', async () => {
    await init({ backend: 'webgpu' });
    const recorder = currentGpu()!.recorder;
    const x = tensor([1, 2, 3, 4]);
    recorder.flush();
    const [submits, reads] = [recorder.submitCount, recorder.readCount];
    let y = x;
    for (let i = 0; i < 320; i++) y = y.add(1);
    expect(recorder.submitCount - submits).toBe(5); // 320 dispatches, 64 per submit
    expect(recorder.readCount).toBe(reads);
    expect(Array.from(await y.data())).toEqual([321, 322, 323, 324]);
  });

  it('reuses bind groups when a step repeats, and computes the same values', async () => {
    await init({ backend: 'webgpu' });
    expect(getBackend()).toBe('webgpu');
    const gpu = currentGpu()!;
    const x = tensor([1, 2, 3, 4]);
    // One submit per step, as fit does: the step's buffers and uniform offsets repeat.
    const step = () => {
      const y = tidy(() => x.mul(2).add(1).neg().abs().sum());
      gpu.recorder.flush();
      return y;
    };
    const created = vi.spyOn(gpu.device, 'createBindGroup');
    const sums: number[] = [];
    for (let i = 0; i < 4; i++) {
      const y = step();
      sums.push((await y.data())[0]);
      y.dispose();
      if (i === 1) created.mockClear();
    }
    expect(created).not.toHaveBeenCalled();
    created.mockRestore();
    expect(sums).toEqual([24, 24, 24, 24]);
  });

  it('caches pipelines by shader and specialization', async () => {
    await init({ backend: 'webgpu' });
    const pipelines = currentGpu()!.recorder.pipelines;
    // Other files of this worker process may have compiled any op's shader already: count from now.
    const count = pipelines.size;
    tensor([1, 2]).exp();
    const withExp = pipelines.size;
    expect(withExp).toBeLessThanOrEqual(count + 1);
    tensor([3, 4, 5]).exp();
    expect(pipelines.size).toBe(withExp);
    // A shader no op uses: compiled once, and once more for another override constant.
    const source = `override scale: f32 = 1.0;\n@group(0) @binding(0) var<storage, read_write> x: array<f32>;\n@compute @workgroup_size(1) fn main() { x[0] = x[0] * scale; }\n// ${Math.random()}`;
    const first = pipelines.get(source, 'main', { scale: 2 });
    expect(pipelines.get(source, 'main', { scale: 2 })).toBe(first);
    expect(pipelines.size).toBe(withExp + 1);
    pipelines.get(source, 'main', { scale: 3 });
    expect(pipelines.size).toBe(withExp + 2);
  });
});
