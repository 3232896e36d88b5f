// Training inside a module Web Worker: the worker imports 'webgpu-keras', gets WebGPU from its own
// navigator.gpu, fits a small model and posts the loss history back; it must have run on WebGPU,
// in a worker, and the loss must have fallen.

import { expect, test } from '@playwright/test';

test('a model trains on WebGPU inside a Web Worker', async ({ page }, testInfo) => {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.stack ?? error.message}`));

  await page.goto('/e2e/pages/worker.html');
  await page.waitForFunction(() => window.workerReport !== undefined, null, { timeout: testInfo.timeout - 10_000 });
  const report = (await page.evaluate(() => window.workerReport))!;
  expect(report.error, 'the worker could not train').toBeUndefined();
  expect(report.scope).toBe('DedicatedWorkerGlobalScope');
  expect(report.adapter, 'init() in the worker got no WebGPU adapter').toBeTruthy();
  expect(report.backend).toBe('webgpu');
  const loss = report.loss!;
  console.log(`worker: loss ${loss[0].toFixed(4)} -> ${loss.at(-1)!.toFixed(4)}, accuracy ${report.accuracy!.at(-1)!.toFixed(3)}, ${report.seconds!.toFixed(1)} s`);
  expect(loss).toHaveLength(10);
  expect(loss.at(-1)!).toBeLessThan(loss[0] * 0.5);
  expect(report.accuracy!.at(-1)!).toBeGreaterThan(0.9);
  expect(errors, 'the page logged console errors').toEqual([]);
});
