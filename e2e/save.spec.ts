// Saving in the browser: a model trained on WebGPU round-trips through indexeddb:// and
// localstorage:// with bit-identical predictions and identical continued training, listModels and
// removeModel see it, and downloads:// gives the browser download of name.json + name.safetensors;
// models and weights saved by Keras 3 in Python load by URL and match the fixtures' values.

import { expect, test } from '@playwright/test';

test('models save to and load from IndexedDB and localStorage, and download', async ({ page }, testInfo) => {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.stack ?? error.message}`));
  const downloads: string[] = [];
  page.on('download', (download) => downloads.push(download.suggestedFilename()));

  await page.goto('/e2e/pages/save.html');
  await page.waitForFunction(() => window.saveReport !== undefined, null, { timeout: testInfo.timeout - 10_000 });
  const report = (await page.evaluate(() => window.saveReport))!;
  expect(report.error, 'saving or loading failed').toBeUndefined();
  expect(report.backend).toBe('webgpu');
  expect(report.identical).toEqual({ 'indexeddb://e2e-model': true, 'localstorage://e2e-model': true });
  expect(report.continued).toEqual({ 'indexeddb://e2e-model': true, 'localstorage://e2e-model': true });
  expect(report.listed).toEqual(expect.arrayContaining(['indexeddb://e2e-model', 'localstorage://e2e-model']));
  expect(report.afterRemove).not.toContain('indexeddb://e2e-model');
  expect(report.afterRemove).not.toContain('localstorage://e2e-model');
  expect(report.downloadStarted).toBe(true);
  await expect.poll(() => downloads.sort()).toEqual(['e2e-model.json', 'e2e-model.safetensors']);
  expect(report.kerasError, 'the Keras 3 fixtures loaded in the page differ from their values').toBeLessThan(1e-5);
  expect(errors, 'the page logged console errors').toEqual([]);
});
