// Every op case of test/cases (ALL_CASES) on Chromium's WebGPU, compared in the page with the CPU
// backend. It first asserts that WebGPU really ran (an adapter, backend 'webgpu'), so a silent
// CPU fallback cannot pass, and that the page logged no console errors.

import { expect, test } from '@playwright/test';

test('every op case matches the CPU backend on WebGPU', async ({ page }, testInfo) => {
  const consoleErrors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.stack ?? error.message}`));

  await page.goto('/e2e/pages/ops.html');
  const finished = page.waitForFunction(() => window.opResults !== undefined || window.opsError !== undefined, null, {
    timeout: testInfo.timeout - 10_000,
  });
  await finished.catch(async (e: Error) => {
    const current = await page.evaluate(() => window.opCurrent);
    throw new Error(`the page did not finish; it was running case '${current ?? '(none: init never returned)'}'.\n${e.message}`);
  });

  const { adapter, backend, results, error } = await page.evaluate(() => ({
    adapter: window.webgpuAdapter,
    backend: window.webgpuBackend,
    results: window.opResults,
    error: window.opsError,
  }));
  expect(error, 'the page could not run the op cases').toBeUndefined();
  expect(adapter, 'init() got no WebGPU adapter').toBeTruthy();
  expect(backend).toBe('webgpu');
  const adapterLine = `${adapter!.vendor} / ${adapter!.architecture}${adapter!.description ? ` (${adapter!.description})` : ''}${adapter!.isFallback ? ', fallback adapter' : ''}`;
  testInfo.annotations.push({ type: 'webgpu adapter', description: adapterLine });
  console.log(`WebGPU adapter: ${adapterLine}`);

  expect(results!.length, 'ALL_CASES is empty').toBeGreaterThan(0);
  const failures = results!.filter((r) => !r.ok).map((r) => `${r.name}: ${r.message}`);
  console.log(`op cases: ${results!.length - failures.length}/${results!.length} ok`);
  expect(failures, `${failures.length} of ${results!.length} op cases failed`).toEqual([]);
  expect(consoleErrors, 'the page logged console errors').toEqual([]);
});
