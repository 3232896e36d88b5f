// The demo (demo/) driven as a visitor would, in headless Chromium on WebGPU: pick a dataset and a
// model, Step one batch, train on and watch the loss fall and the accuracy rise on screen, Pause,
// Resume, Step, Save, reload and Load (same predictions), keep a screenshot of the decision
// boundary; the Speed panel side by side with TF.js; the phone-width layout. Any console error
// fails a test.

import { expect, test, type Page } from '@playwright/test';
import { DEMO_URL } from '../playwright.config';

/** Console errors and uncaught exceptions of the page, collected from the start. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.stack ?? error.message}`));
  return errors;
}

/** Opens the demo, waits until it has built its first model, and checks that it runs on WebGPU. */
async function openDemo(page: Page): Promise<void> {
  await page.goto(DEMO_URL);
  await page.waitForFunction(() => window.webgpuKerasDemo !== undefined, null, { timeout: 60_000 });
  const { backend, adapter } = await page.evaluate(() => ({ backend: window.webgpuKerasDemo!.backend, adapter: window.webgpuKerasDemo!.adapter }));
  expect(backend, 'the demo fell back to the CPU backend').toBe('webgpu');
  expect(adapter, 'init() got no WebGPU adapter').toBeTruthy();
  await expect(page.locator('#backend')).toHaveAttribute('data-backend', 'webgpu');
  await expect(page.locator('#backend')).toContainText(`WebGPU · ${adapter!.vendor} / ${adapter!.architecture}`);
}

const number = async (page: Page, selector: string) => parseFloat((await page.textContent(selector))!);
const steps = (page: Page) => page.evaluate(() => window.webgpuKerasDemo!.totalSteps);
const state = (page: Page) => page.evaluate(() => window.webgpuKerasDemo!.state);

/** A 7x7 grid over the data's square: what the save/load comparison predicts. */
const PROBE_POINTS = Array.from({ length: 49 }, (_, i) => [((i % 7) - 3) / 3, (Math.floor(i / 7) - 3) / 3]);

test('trains on WebGPU, pauses, resumes, steps, saves and loads', async ({ page }, testInfo) => {
  const errors = watchErrors(page);
  await openDemo(page);

  await page.selectOption('#dataset', 'circles');
  await page.selectOption('#normalization', 'layer');
  await page.fill('#epochs', '40');
  await page.locator('#epochs').dispatchEvent('change');
  await expect(page.locator('#summary')).toContainText('LayerNormalization');

  // Step from a fresh model: exactly one batch, then paused; its loss and accuracy are the baseline.
  // The first step compiles every kernel of the model: seconds on SwiftShader.
  await page.click('#step');
  await expect.poll(() => steps(page), { timeout: 30_000 }).toBe(1);
  expect(await state(page)).toBe('paused');
  await expect(page.locator('#stat-loss')).toHaveText(/\d/);
  const firstLoss = await number(page, '#stat-loss');
  const firstAccuracy = await number(page, '#stat-accuracy');
  await page.click('#resume');
  await expect.poll(() => number(page, '#stat-loss'), { message: 'the loss on screen did not fall', timeout: 60_000 }).toBeLessThan(firstLoss * 0.5);
  await expect.poll(() => number(page, '#stat-accuracy'), { message: 'the accuracy on screen did not rise', timeout: 60_000 }).toBeGreaterThan(Math.max(firstAccuracy, 85));
  console.log(`loss ${firstLoss} -> ${await number(page, '#stat-loss')}, accuracy ${firstAccuracy}% -> ${await number(page, '#stat-accuracy')}%`);

  // Pause holds training; Resume continues it; Step trains exactly one batch.
  await page.click('#pause');
  expect(await state(page)).toBe('paused');
  await page.waitForTimeout(300); // the batch in flight when Pause was pressed completes
  const pausedAt = await steps(page);
  await page.waitForTimeout(1000);
  expect(await steps(page), 'training went on while paused').toBe(pausedAt);
  await expect(page.locator('#progress-text')).toContainText('Paused');
  await page.click('#resume');
  await expect.poll(() => steps(page), { message: 'Resume did not continue training' }).toBeGreaterThan(pausedAt);
  await page.click('#pause');
  await page.waitForTimeout(300);
  const beforeStep = await steps(page);
  await page.click('#step');
  await expect.poll(() => steps(page)).toBe(beforeStep + 1);
  await page.waitForTimeout(500);
  expect(await steps(page), 'Step trained more than one batch').toBe(beforeStep + 1);
  expect(await state(page)).toBe('paused');
  await page.click('#resume');
  await expect.poll(() => state(page), { message: 'training did not finish its epochs', timeout: 120_000 }).toBe('idle');
  await expect(page.locator('#progress-text')).toContainText('Done: 40 epochs');
  expect(await number(page, '#stat-val-accuracy')).toBeGreaterThan(85);

  // The heat map holds a picture: many colours, both classes' hues.
  const pixels = await page.evaluate(() => {
    const canvas = document.getElementById('heatmap') as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set<number>();
    let bluish = 0;
    let orangish = 0;
    for (let i = 0; i < data.length; i += 4) {
      colours.add(((data[i] >> 3) << 10) | ((data[i + 1] >> 3) << 5) | (data[i + 2] >> 3));
      if (data[i + 2] > data[i] + 40) bluish++;
      if (data[i] > data[i + 2] + 40) orangish++;
    }
    return { colours: colours.size, bluish, orangish, total: data.length / 4 };
  });
  expect(pixels.colours, 'the heat map is blank').toBeGreaterThan(50);
  expect(pixels.bluish / pixels.total, 'no class-0 region on the heat map').toBeGreaterThan(0.05);
  expect(pixels.orangish / pixels.total, 'no class-1 region on the heat map').toBeGreaterThan(0.05);
  const shot = testInfo.outputPath('decision-boundary.png');
  await page.locator('#heatmap').screenshot({ path: shot });
  await testInfo.attach('decision-boundary', { path: shot, contentType: 'image/png' });

  // Save, reload, Load: same settings, same predictions.
  const before = await page.evaluate((points) => window.webgpuKerasDemo!.predict(points), PROBE_POINTS);
  await page.click('#save');
  await expect(page.locator('#message')).toContainText('Saved');
  await page.reload();
  await page.waitForFunction(() => window.webgpuKerasDemo !== undefined, null, { timeout: 60_000 });
  await expect(page.locator('#dataset')).toHaveValue('moons');
  await page.click('#load');
  await expect(page.locator('#message')).toContainText('Loaded');
  await expect(page.locator('#dataset')).toHaveValue('circles');
  await expect(page.locator('#normalization')).toHaveValue('layer');
  const after = await page.evaluate((points) => window.webgpuKerasDemo!.predict(points), PROBE_POINTS);
  expect(after, 'predictions after Load differ from before Save').toEqual(before);

  expect(errors, 'the page logged errors').toEqual([]);
});

test('the Speed panel measures webgpu-keras next to TF.js on WebGPU', async ({ page }) => {
  const errors = watchErrors(page);
  await openDemo(page);
  await page.click('#speed summary');
  await expect(page.locator('#speed-status')).toContainText('ready on its WebGPU backend', { timeout: 60_000 });
  await page.click('#speed-run');
  await expect(page.locator('#speed-table tbody tr')).toHaveCount(2, { timeout: 120_000 });
  await expect(page.locator('#speed-status')).toContainText('Done', { timeout: 120_000 });
  for (const row of await page.locator('#speed-table tbody tr').all()) {
    const cells = await row.locator('td').allTextContents();
    console.log(cells.join(' | '));
    for (const cell of cells.slice(2, 4)) expect(parseFloat(cell), `not a measurement: ${cells.join(' | ')}`).toBeGreaterThan(0);
  }
  expect(errors, 'the page logged errors').toEqual([]);
});

test('fits a phone screen', async ({ page }) => {
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await openDemo(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'the page scrolls sideways at 390px').toBeLessThanOrEqual(0);
  expect(errors, 'the page logged errors').toEqual([]);
});
