// `npm run bench:browser`: the benchmark suite in headless Chromium (the system /usr/bin/chromium
// with the flags of playwright.config.ts), on a page (e2e/bench.html) that Vite serves on
// 127.0.0.1 from source. Prints the progress, the table and the ratios; writes
// bench/results/<timestamp>-browser.json.
//   --json   print the report as JSON on stdout instead (progress goes to stderr), write no file
//   --full   also run the cases skipped on a software adapter

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import playwrightConfig from '../playwright.config';
import { formatReport } from './report';
import type { BenchReport } from './suite';

const TIMEOUT_MS = 20 * 60_000;
const args = process.argv.slice(2);
const asJson = args.includes('--json');
const progress = (line: string) => (asJson ? console.error(line) : console.log(line));

const server = await createServer({
  configFile: 'e2e/vite.config.ts',
  server: { host: '127.0.0.1', port: 0, strictPort: false },
  // Scanning the page up front keeps Vite from reloading it when it discovers the peers' modules.
  optimizeDeps: { entries: ['e2e/bench.html'] },
  logLevel: 'warn',
});
await server.listen();
const browser = await chromium.launch({ ...playwrightConfig.use?.launchOptions, headless: true });
try {
  const page = await browser.newPage();
  page.on('console', (message) => progress(message.text()));
  page.on('pageerror', (error) => progress(`page error: ${error.message}`));
  const url = `${server.resolvedUrls!.local[0]}e2e/bench.html${args.includes('--full') ? '?full' : ''}`;
  await page.goto(url);
  await page.waitForFunction(() => window.benchReport !== undefined || window.benchError !== undefined, undefined, { timeout: TIMEOUT_MS, polling: 1000 });
  const error = await page.evaluate(() => window.benchError);
  if (error) throw new Error(`the suite failed in Chromium:\n${error}`);
  const report = (await page.evaluate(() => window.benchReport)) as BenchReport;
  if (asJson) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    console.log(`\n${formatReport(report)}`);
    mkdirSync('bench/results', { recursive: true });
    const file = join('bench/results', `${report.startedAt.replace(/[:.]/g, '-')}-browser.json`);
    writeFileSync(file, JSON.stringify(report, null, 2));
    console.log(`\nwrote ${file}`);
  }
} finally {
  await browser.close();
  await server.close();
}
