// Runs every case of ALL_CASES on Chromium's WebGPU against the CPU backend, in this page, and
// publishes what e2e/ops.spec.ts checks: the adapter and backend that init() got (so a silent CPU
// fallback cannot pass), the case being run (to name a case that hangs), and the results.

import { getBackend, init, type AdapterSummary } from '../../src/index';
import { compareBackends, type CaseResult } from '../../test/cases/case';
import { ALL_CASES } from '../../test/cases/index';

declare global {
  interface Window {
    webgpuAdapter?: AdapterSummary | null;
    webgpuBackend?: string;
    opCurrent?: string;
    opResults?: CaseResult[];
    /** Set instead of opResults when the page could not run the cases at all. */
    opsError?: string;
  }
}

const status = document.getElementById('status')!;

async function runAll(): Promise<CaseResult[]> {
  const { adapter } = await init({ backend: 'webgpu' });
  window.webgpuAdapter = adapter;
  window.webgpuBackend = getBackend();
  const results: CaseResult[] = [];
  for (const c of ALL_CASES) {
    window.opCurrent = c.name;
    status.textContent = `running ${results.length + 1}/${ALL_CASES.length}: ${c.name}`;
    try {
      results.push(await compareBackends(c));
    } catch (e) {
      results.push({ name: c.name, ok: false, message: `threw: ${(e as Error).stack ?? String(e)}` });
    }
  }
  return results;
}

runAll().then(
  (results) => {
    window.opResults = results;
    status.textContent = `done: ${results.filter((r) => r.ok).length}/${results.length} ok`;
  },
  (e: unknown) => {
    window.opsError = (e as Error).stack ?? String(e);
    status.textContent = `failed: ${window.opsError}`;
  },
);
