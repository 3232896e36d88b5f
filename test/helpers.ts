// Shared set-up for the Vitest suite: a real WebGPU device (Dawn), asserted, so a silent CPU
// fallback cannot pass a GPU test; a runner for op cases; and the kernels of other adapters.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { getBackend, init, setBackend, type Tensor } from '../src/node';
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

/**
 * Every element of a tensor within atol + rtol·|expected| of `expected`, NaN matching NaN and an
 * infinity equal to itself.
 */
export async function expectTensorClose(result: Tensor, expected: readonly number[], rtol = 1e-5, atol = 1e-6): Promise<void> {
  expectValuesClose(await result.data(), expected, rtol, atol);
}

/** The same check as expectTensorClose on values already read. */
export function expectValuesClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const [a, e] = [actual[i], expected[i]];
    if (Number.isNaN(e)) expect(a, `element ${i}`).toBeNaN();
    else if (!Number.isFinite(e)) expect(a, `element ${i}`).toBe(e);
    else expect(Math.abs(a - e), `element ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(atol + rtol * Math.abs(e));
  }
}

/** A tensor's values as a plain array. */
export async function valuesOf(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

/** Every number within tolerance·(1 + |expected|) of `expected`; the error lists them all. */
export function expectNumbersClose(actual: readonly number[], expected: readonly number[], tolerance = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((v, i) => {
    if (!(Math.abs(actual[i] - v) <= tolerance * (1 + Math.abs(v)))) throw new Error(`element ${i}: got ${actual[i]}, expected ${v} (all: ${actual.join(', ')})`);
  });
}
