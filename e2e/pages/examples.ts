// Runs each example of examples/ in this page on Chromium's WebGPU, then again on the CPU backend
// (setBackend('cpu'); the examples call setRandomSeed, so both runs start from the same data and
// weights), and publishes the two loss histories for e2e/examples.spec.ts to compare, with the
// adapter and backend that init() got (so a silent CPU fallback cannot pass).

import { getBackend, init, setBackend, type AdapterSummary } from 'webgpu-keras';
import * as customLayer from '../../examples/custom-layer';
import * as sequentialFit from '../../examples/sequential-fit';
import * as customTrainStep from '../../examples/custom-train-step';
import * as customFocalLoss from '../../examples/custom-focal-loss';
import * as textClassification from '../../examples/text-classification';

type History = Record<string, number[]>;

export interface ExampleResult {
  name: string;
  /** The backend the GPU run actually used. */
  gpuBackend: string;
  gpu: History;
  cpu: History;
  gpuSeconds: number;
  cpuSeconds: number;
}

declare global {
  interface Window {
    webgpuAdapter?: AdapterSummary | null;
    webgpuBackend?: string;
    exampleCurrent?: string;
    exampleResults?: ExampleResult[];
    /** Set instead of exampleResults when the page could not run the examples. */
    examplesError?: string;
  }
}

const EXAMPLES = [
  ['custom layer', customLayer.run],
  ['sequential fit', sequentialFit.run],
  ['custom trainStep', customTrainStep.run],
  ['custom focal loss', customFocalLoss.run],
  ['text classification', textClassification.run],
] as const;

const status = document.getElementById('status')!;
const quiet = () => {};

async function timed(run: () => Promise<{ history: History }>): Promise<[History, number]> {
  const start = performance.now();
  const { history } = await run();
  return [history, (performance.now() - start) / 1000];
}

async function runAll(): Promise<ExampleResult[]> {
  const { adapter } = await init({ backend: 'webgpu' });
  window.webgpuAdapter = adapter;
  window.webgpuBackend = getBackend();
  const results: ExampleResult[] = [];
  for (const [name, run] of EXAMPLES) {
    window.exampleCurrent = name;
    status.textContent = `running ${name}`;
    setBackend('webgpu');
    const gpuBackend = getBackend();
    const [gpu, gpuSeconds] = await timed(() => run({ log: quiet }));
    setBackend('cpu');
    try {
      const [cpu, cpuSeconds] = await timed(() => run({ log: quiet }));
      results.push({ name, gpuBackend, gpu, cpu, gpuSeconds, cpuSeconds });
    } finally {
      setBackend('webgpu');
    }
  }
  return results;
}

runAll().then(
  (results) => {
    window.exampleResults = results;
    status.textContent = 'done';
  },
  (e: unknown) => {
    window.examplesError = (e as Error).stack ?? String(e);
    status.textContent = `failed: ${window.examplesError}`;
  },
);
