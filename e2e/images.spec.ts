// utils.imageToTensor in Chromium: each image source of the web (ImageData, canvas,
// OffscreenCanvas, ImageBitmap, a decoded <img>) gives a [height, width, 3 or 4] tensor on WebGPU
// equal to the pixels the page painted.

import { expect, test } from '@playwright/test';

test('imageToTensor reads ImageData, canvases, bitmaps and images', async ({ page }, testInfo) => {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.stack ?? error.message}`));

  await page.goto('/e2e/pages/images.html');
  await page.waitForFunction(() => window.imagesReport !== undefined, null, { timeout: testInfo.timeout - 10_000 });
  const report = (await page.evaluate(() => window.imagesReport))!;
  expect(report.error, 'the page threw').toBeUndefined();
  expect(report.backend).toBe('webgpu');
  const sources = ['ImageData', 'HTMLCanvasElement', 'OffscreenCanvas', 'ImageBitmap', 'HTMLImageElement'];
  expect(report.results!.map((r) => `${r.source} ${r.channels}`)).toEqual(sources.flatMap((s) => [`${s} 3`, `${s} 4`]));
  for (const r of report.results!) {
    expect(r.shape, `${r.source}, ${r.channels} channels`).toEqual([5, 7, r.channels]);
    expect(r.matches, `${r.source}, ${r.channels} channels: values differ from the painted pixels`).toBe(true);
  }
  expect(errors, 'the page logged console errors').toEqual([]);
});
