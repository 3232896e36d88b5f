// Starts the module worker of worker.training.ts, which imports 'webgpu-keras', calls init() on
// the worker's navigator.gpu and fits a small model, and publishes what it posts back for
// e2e/worker.spec.ts: the backend and adapter it got and its loss history.

import type { WorkerReport } from './worker.training';

declare global {
  interface Window {
    workerReport?: WorkerReport;
  }
}

const status = document.getElementById('status')!;
const worker = new Worker(new URL('./worker.training.ts', import.meta.url), { type: 'module' });
worker.addEventListener('message', (event: MessageEvent<WorkerReport>) => {
  window.workerReport = event.data;
  status.textContent = JSON.stringify(event.data, null, 2);
  worker.terminate();
});
worker.addEventListener('error', (event) => {
  window.workerReport = { error: `the worker failed to start or threw: ${event.message}` };
  status.textContent = window.workerReport.error!;
});
