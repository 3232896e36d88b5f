// An op case runs the same op on the WebGPU backend and on the CPU backend and compares the
// results. Cases are plain data shared by the Vitest suite (Node, Dawn) and the browser page of
// the Playwright suite (Chromium's WebGPU), so both run exactly the same checks.

import { getBackend, setBackend, tidy, type Tensor, type TypedArray } from '../../src/index';
import { resetSeeds } from './data';

export interface OpCase {
  /** Names the op and the shapes, e.g. 'add broadcast [3,1] + [1,4]'. */
  name: string;
  /** Builds inputs with the data helpers and runs the op on the active backend. */
  run: () => Tensor | Tensor[] | Record<string, Tensor>;
  /** Relative tolerance (default 1e-5) and absolute tolerance (default 1e-6). */
  rtol?: number;
  atol?: number;
}

export interface CaseOutput {
  shape: number[];
  dtype: string;
  values: TypedArray;
}

export interface CaseResult {
  name: string;
  ok: boolean;
  message: string;
}

/** Runs a case on the active backend and reads its outputs back. */
export async function runOn(backend: 'webgpu' | 'cpu', c: OpCase): Promise<CaseOutput[]> {
  const previous = getBackend();
  setBackend(backend);
  resetSeeds();
  try {
    const tensors = outputsOf(tidy(() => c.run()));
    const outputs: CaseOutput[] = [];
    for (const t of tensors) {
      outputs.push({ shape: [...t.shape], dtype: t.dtype, values: await t.data() });
      t.dispose();
    }
    return outputs;
  } finally {
    setBackend(previous);
  }
}

/** Runs a case on both backends and says whether the GPU matches the CPU reference. */
export async function compareBackends(c: OpCase): Promise<CaseResult> {
  const gpu = await runOn('webgpu', c);
  const cpu = await runOn('cpu', c);
  return { name: c.name, ...compareOutputs(gpu, cpu, c.rtol ?? 1e-5, c.atol ?? 1e-6) };
}

export function compareOutputs(gpu: CaseOutput[], cpu: CaseOutput[], rtol: number, atol: number): { ok: boolean; message: string } {
  if (gpu.length !== cpu.length) return { ok: false, message: `GPU gave ${gpu.length} outputs, CPU ${cpu.length}` };
  for (let k = 0; k < gpu.length; k++) {
    const g = gpu[k];
    const c = cpu[k];
    if (g.shape.join(',') !== c.shape.join(',')) return { ok: false, message: `output ${k}: GPU shape [${g.shape}] vs CPU [${c.shape}]` };
    if (g.dtype !== c.dtype) return { ok: false, message: `output ${k}: GPU dtype ${g.dtype} vs CPU ${c.dtype}` };
    if (g.values.length !== c.values.length) return { ok: false, message: `output ${k}: GPU ${g.values.length} values vs CPU ${c.values.length}` };
    for (let i = 0; i < c.values.length; i++) {
      const x = g.values[i];
      const y = c.values[i];
      if (Number.isNaN(y) ? !Number.isNaN(x) : Number.isFinite(y) ? !(Math.abs(x - y) <= atol + rtol * Math.abs(y)) : x !== y) {
        return { ok: false, message: `output ${k} [${c.shape}] element ${i}: GPU ${x} vs CPU ${y} (rtol ${rtol}, atol ${atol})` };
      }
    }
  }
  return { ok: true, message: 'ok' };
}

/** Normalizes what `run` returned into a list (records become their values in key order). */
export function outputsOf(result: ReturnType<OpCase['run']>): Tensor[] {
  if (Array.isArray(result)) return result;
  if ((result as Tensor).isTensorInstance) return [result as Tensor];
  return Object.keys(result).sort().map((k) => (result as Record<string, Tensor>)[k]);
}
