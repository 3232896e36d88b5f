// The examples of examples/ (custom layer, Sequential fit, custom trainStep, custom focal loss, text classification)
// run in the page on Chromium's WebGPU and converge, and their loss histories match the same runs
// on the CPU backend in the same page: the browser twin of test/examples/examples.test.ts.

import { expect, test } from '@playwright/test';
import type { ExampleResult } from './pages/examples';

/** Relative tolerance per example, as in the Node test (the focal loss sums, so it drifts more). */
const RTOL: Record<string, number> = { 'custom layer': 1e-2, 'sequential fit': 1e-2, 'custom trainStep': 1e-2, 'custom focal loss': 2e-2, 'text classification': 2e-2 };

test('the examples converge on WebGPU and match the CPU backend', async ({ page }, testInfo) => {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.stack ?? error.message}`));

  await page.goto('/e2e/pages/examples.html');
  await page
    .waitForFunction(() => window.exampleResults !== undefined || window.examplesError !== undefined, null, { timeout: testInfo.timeout - 10_000 })
    .catch(async (e: Error) => {
      const current = await page.evaluate(() => window.exampleCurrent);
      throw new Error(`the page did not finish; it was running '${current ?? '(none: init never returned)'}'.\n${e.message}`);
    });
  const { adapter, backend, results, error } = await page.evaluate(() => ({
    adapter: window.webgpuAdapter,
    backend: window.webgpuBackend,
    results: window.exampleResults,
    error: window.examplesError,
  }));
  expect(error, 'the page could not run the examples').toBeUndefined();
  expect(adapter, 'init() got no WebGPU adapter').toBeTruthy();
  expect(backend).toBe('webgpu');

  const byName = new Map<string, ExampleResult>(results!.map((r) => [r.name, r]));
  expect([...byName.keys()]).toEqual(Object.keys(RTOL));
  for (const r of results!) {
    console.log(`${r.name}: loss ${r.gpu.loss[0].toFixed(4)} -> ${r.gpu.loss.at(-1)!.toFixed(4)} (GPU ${r.gpuSeconds.toFixed(1)} s, CPU ${r.cpuSeconds.toFixed(1)} s)`);
    expect(r.gpuBackend, `${r.name} did not run on WebGPU`).toBe('webgpu');
    expect(r.gpu.loss.length, `${r.name}: GPU and CPU ran different numbers of epochs`).toBe(r.cpu.loss.length);
    r.gpu.loss.forEach((g, i) => {
      const c = r.cpu.loss[i];
      expect(Math.abs(g - c), `${r.name}, epoch ${i + 1}: GPU loss ${g} vs CPU loss ${c}`).toBeLessThanOrEqual(RTOL[r.name] * Math.abs(c) + 1e-4);
    });
  }

  const customLayer = byName.get('custom layer')!.gpu;
  expect(customLayer.loss.at(-1)!).toBeLessThan(customLayer.loss[0] * 0.5);
  expect(customLayer.accuracy.at(-1)!).toBeGreaterThan(0.8);
  const sequential = byName.get('sequential fit')!.gpu;
  expect(sequential.loss.at(-1)!).toBeLessThan(sequential.loss[0]);
  expect(sequential.accuracy.at(-1)!).toBeGreaterThan(sequential.accuracy[0]);
  const trainStep = byName.get('custom trainStep')!.gpu;
  expect(trainStep.loss.at(-1)!).toBeLessThan(trainStep.loss[0]);
  expect(Object.keys(trainStep).sort()).toEqual(['loss', 'mae']);
  const focal = byName.get('custom focal loss')!.gpu;
  expect(focal.loss.at(-1)!).toBeLessThan(focal.loss[0] * 0.5);
  const text = byName.get('text classification')!.gpu;
  expect(text.loss.at(-1)!).toBeLessThan(text.loss[0] * 0.1);
  expect(text.accuracy.at(-1)!).toBeGreaterThan(0.95);

  expect(errors, 'the page logged console errors').toEqual([]);
});
