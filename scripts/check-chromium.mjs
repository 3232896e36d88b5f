// Run by `npm run test:e2e` before Playwright: the browser suite uses the system Chromium (Debian's
// `chromium` package, or the binary named by CHROMIUM_PATH), so fail early and say how to get one.
// The default path matches playwright.config.ts.

import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function fail(reason) {
  console.error(
    `check-chromium: ${reason}\n` +
      'The browser suite (Playwright) needs a Chromium with WebGPU. Install Debian\'s package:\n' +
      '  apt-get install -y chromium\n' +
      'or point CHROMIUM_PATH at a Chromium or Chrome binary:\n' +
      '  CHROMIUM_PATH=/path/to/chrome npm run test:e2e',
  );
  process.exit(1);
}

try {
  accessSync(path, constants.X_OK);
} catch {
  fail(`no executable Chromium at ${path}${process.env.CHROMIUM_PATH ? ' (from CHROMIUM_PATH)' : ''}.`);
}

try {
  const version = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
  console.log(`check-chromium: ${version.trim()} (${path})`);
} catch (e) {
  fail(`${path} did not run: ${e.message}`);
}
