// Browser suite: op cases on Chromium's WebGPU (e2e/ops.spec.ts), the packed package in a fresh
// Vite app (e2e/pack.spec.ts), the examples and Web Worker training in test pages, and the demo
// (demo/, on its own dev server) driven as a visitor would. Uses the system Chromium (Debian's
// `chromium`, or CHROMIUM_PATH), not a Playwright download; scripts/check-chromium.mjs checks for it first.

import { defineConfig } from '@playwright/test';

const PORT = 5183;
/** The demo's dev server (demo/vite.config.ts) on a port of its own, so `npm run demo` can run beside the suite. */
const DEMO_PORT = 5185;
export const DEMO_URL = `http://127.0.0.1:${DEMO_PORT}/`;
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  // Two cores and a software GPU: one test at a time.
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  timeout: 180_000,
  reporter: 'list',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: ['--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--no-sandbox'],
    },
  },
  // navigator.gpu needs a secure context: pages are served on 127.0.0.1, never opened as files.
  webServer: [
    {
      command: `npx vite --config e2e/vite.config.ts --host 127.0.0.1 --port ${PORT}`,
      url: `http://127.0.0.1:${PORT}/e2e/pages/ops.html`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    {
      command: `npx vite --config demo/vite.config.ts --host 127.0.0.1 --port ${DEMO_PORT}`,
      url: DEMO_URL,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
  ],
});
