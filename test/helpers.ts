// Shared set-up for the Vitest suite: a real WebGPU device (Dawn), asserted, so a silent CPU
// fallback cannot pass a GPU test; a runner for op cases; and the kernels of other adapters.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { getBackend, init, setBackend } from '../src/node';
import { currentGpu } from '../src/backend/engine';
import type { KernelTuning } from '../src/backend/webgpu/webgpu_backend';
import { compareBackends, type OpCase } from './cases/case';

/** Initializes WebGPU once for the file and fails unless the backend really is webgpu. */
export function useWebGPU(): void {
  beforeAll(async () => {
    const result = await init({ backend: 'webgpu' });
    expect(result.backend).toBe('webgpu');
    expect(result.adapter).not.toBeNull();
    expect(getBackend()).toBe('webgpu');
  });
}

/** One test per case: the GPU result matches the CPU backend. */
export function checkCases(cases: OpCase[]): void {
  for (const c of cases) {
    it(c.name, async () => {
      expect(getBackend()).toBe('webgpu');
      const result = await compareBackends(c);
      expect(result.message).toBe('ok');
    });
  }
}

/**
 * Collects garbage so that tensors of earlier tests left unreachable are finalized now rather
 * than in the middle of a memory measurement (the unit suite runs Node with --expose-gc).
 */
export async function settleGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A test body run on each backend (WebGPU first, then CPU), its tensors made on that backend. */
export function onBothBackends(fn: () => Promise<void>): () => Promise<void> {
  return async () => {
    const previous = getBackend();
    try {
      for (const backend of ['webgpu', 'cpu'] as const) {
        setBackend(backend);
        await fn();
      }
    } finally {
      setBackend(previous);
    }
  };
}

/**
 * Declares the tests of `define` to run with the kernels of another adapter: `tuning` (tile shapes
 * and workgroup layouts) and `subgroupLanes` (0: the kernels written without subgroups), restored
 * after them. The suite runs on SwiftShader; this checks the kernels a GPU would get.
 */
export function withKernelTuning(tuning: KernelTuning, subgroupLanes: number, define: () => void): void {
  let previous: [KernelTuning, number];
  beforeAll(() => {
    const gpu = currentGpu()!;
    previous = [gpu.tuning, gpu.subgroupLanes];
    gpu.tuning = tuning;
    gpu.subgroupLanes = subgroupLanes;
  });
  afterAll(() => {
    [currentGpu()!.tuning, currentGpu()!.subgroupLanes] = previous;
  });
  define();
}
