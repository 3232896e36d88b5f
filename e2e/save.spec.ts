// Saving in the browser: a model trained on WebGPU round-trips through indexeddb:// and
// localstorage:// with bit-identical predictions and identical continued training, listModels and
// removeModel see it, downloads:// gives the browser download of name.json + name.safetensors (and
// of name.keras, a Keras 3 file, which also loads back from saveKerasModel's bytes);
// models and weights saved by Keras 3 in Python load by URL and match the fixtures' values.

import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

test('models save to and load from IndexedDB and localStorage, and download', async ({ page }, testInfo) => {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.stack ?? error.message}`));
  const downloads: string[] = [];
  let kerasFile: Promise<Buffer> | null = null;
  page.on('download', (download) => {
    downloads.push(download.suggestedFilename());
    if (download.suggestedFilename().endsWith('.keras')) kerasFile = download.path().then((path) => readFileSync(path));
  });

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
  await expect.poll(() => downloads.sort()).toEqual(['e2e-model.json', 'e2e-model.keras', 'e2e-model.safetensors']);
  // The downloaded Keras file: a zip of Keras's three entries.
  const keras = await kerasFile!;
  expect([...keras.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
  for (const entry of ['metadata.json', 'config.json', 'model.weights.h5']) expect(keras.includes(entry)).toBe(true);
  expect(report.kerasFileIdentical, 'the model saved as a Keras file loaded back with other predictions').toBe(true);
  expect(report.kerasPathError).toBe("save: a browser cannot write the file 'models/e2e.keras'; save to 'downloads://e2e.keras', or get the file's bytes with saveKerasModel(model).");
  expect(report.kerasError, 'the Keras 3 fixtures loaded in the page differ from their values').toBeLessThan(1e-5);
  expect(errors, 'the page logged console errors').toEqual([]);
});
