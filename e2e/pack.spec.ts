// The package as users get it: `npm pack` of the built dist/, installed into a fresh Vite app
// without the optional `webgpu` package (a browser app never has it), built with `vite build` and
// opened in Chromium. Regression test for `Rolldown failed to resolve import "webgpu"` and for
// Node-only imports (`node:`) leaking into what browsers bundle. Needs `npm run build` first.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';

const REPO = fileURLToPath(new URL('..', import.meta.url));
/** The repository's own Vite runs the app's build and preview, so the app installs nothing else. */
const VITE = join(REPO, 'node_modules/vite/bin/vite.js');
/** Plain-text output from the tools this test runs (Playwright exports FORCE_COLOR to its workers). */
const PLAIN_ENV: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
delete PLAIN_ENV.FORCE_COLOR;

const APP_FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'webgpu-keras-pack-check', private: true, type: 'module' }, null, 2),
  'index.html': `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><link rel="icon" href="data:," /><title>pack check</title></head>
  <body>
    <pre id="backend"></pre>
    <pre id="result"></pre>
    <pre id="saved"></pre>
    <pre id="error"></pre>
    <script type="module" src="/main.js"></script>
  </body>
</html>
`,
  'main.js': `import { Input, Sequential, getBackend, init, layers, loadModel, tensor } from 'webgpu-keras';

async function main() {
  await init();
  const sum = tensor([[1, 2], [3, 4]]).add(tensor([10, 20]));
  document.getElementById('result').textContent = Array.from(await sum.data()).join(',');
  // The built-in layer table (saving, loading, Bidirectional's copy) and the option checks must
  // survive the app's tree-shaking.
  const model = new Sequential([Input({ shape: [3, 2] }), new layers.Bidirectional({ layer: new layers.LSTM({ units: 2 }) }), new layers.Dense({ units: 1 })]);
  await model.save('memory://pack-check');
  const restored = await loadModel('memory://pack-check');
  let typo = 'accepted';
  try {
    new layers.Dense({ units: 1, activaton: 'relu' }).apply(tensor([[1]]));
  } catch {
    typo = 'rejected';
  }
  document.getElementById('saved').textContent = restored.layers.length + ' layers, typo ' + typo;
  document.getElementById('backend').textContent = getBackend();
}

main().then(
  () => (document.body.dataset.status = 'done'),
  (e) => {
    document.getElementById('error').textContent = String(e && e.stack ? e.stack : e);
    document.body.dataset.status = 'failed';
  },
);
`,
};

/** Runs a command to completion and fails the test with its output when it exits non-zero. */
function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: PLAIN_ENV, timeout: 120_000 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) {
    throw new Error(`\`${[command, ...args].join(' ')}\` in ${cwd} failed (${result.error?.message ?? `exit ${result.status}`}):\n${output}`);
  }
  return output;
}

/** Starts `vite preview` and resolves with the URL it prints. */
function startPreview(cwd: string): { server: ChildProcess; url: Promise<string> } {
  const server = spawn(process.execPath, [VITE, 'preview', '--host', '127.0.0.1', '--port', '4183'], { cwd, env: PLAIN_ENV });
  const url = new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`vite preview printed no URL within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    server.stdout!.on('data', onData);
    server.stderr!.on('data', onData);
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`vite preview exited (${code}):\n${output}`));
    });
  });
  return { server, url };
}

test('the packed package builds and runs in a fresh Vite app without the webgpu package, its layer table and option checks kept', async ({ page }) => {
  test.setTimeout(120_000);
  expect(existsSync(join(REPO, 'dist/index.js')), 'dist/index.js is missing: run `npm run build` first (npm test builds before the browser suite)').toBe(true);

  const work = mkdtempSync(join(tmpdir(), 'webgpu-keras-pack-'));
  const app = join(work, 'app');
  let preview: ChildProcess | undefined;
  try {
    const tarball = await test.step('npm pack', () => {
      const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], REPO)) as { filename: string }[];
      return join(work, packed[0].filename);
    });

    await test.step('install the tarball without optional dependencies', () => {
      mkdirSync(app);
      for (const [name, text] of Object.entries(APP_FILES)) writeFileSync(join(app, name), text);
      // --prefix pins the install to the app whatever npm_config_* the calling `npm run` exported.
      run('npm', ['install', '--prefix', app, '--omit=optional', '--no-audit', '--no-fund', tarball], app);
      expect(existsSync(join(app, 'node_modules/webgpu-keras/package.json'))).toBe(true);
      expect(existsSync(join(app, 'node_modules/webgpu')), 'the optional webgpu package was installed; the check would prove nothing').toBe(false);
    });

    await test.step('vite build', () => {
      const output = run(process.execPath, [VITE, 'build'], app);
      expect(output, 'vite warned that Node built-ins were externalized for the browser').not.toMatch(/externalized for browser compatibility/);
      const assets = join(app, 'dist/assets');
      const scripts = readdirSync(assets).filter((f) => f.endsWith('.js'));
      expect(scripts.length).toBeGreaterThan(0);
      for (const file of scripts) {
        const code = readFileSync(join(assets, file), 'utf8');
        expect(code, `${file} imports the webgpu package`).not.toMatch(/\b(?:from|import)\s*\(?\s*["'`]webgpu(?:\/[^"'`]*)?["'`]/);
        expect(code, `${file} imports a node: module`).not.toMatch(/["'`]node:[\w/]+["'`]/);
      }
    });

    await test.step('run the built app in Chromium', async () => {
      const started = startPreview(app);
      preview = started.server;
      const url = await started.url;
      const consoleErrors: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') consoleErrors.push(msg.text());
      });
      page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.stack ?? error.message}`));
      await page.goto(url);
      await page.waitForFunction(() => document.body.dataset.status !== undefined, null, { timeout: 60_000 });
      await expect(page.locator('#error')).toHaveText('');
      await expect(page.locator('#backend')).toHaveText('webgpu');
      await expect(page.locator('#result')).toHaveText('11,22,13,24');
      await expect(page.locator('#saved')).toHaveText('2 layers, typo rejected');
      expect(consoleErrors, 'the app logged console errors').toEqual([]);
    });
  } finally {
    preview?.kill();
    rmSync(work, { recursive: true, force: true });
  }
});
