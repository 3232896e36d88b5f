// Dev server for the Playwright suite: serves the repository root so that pages under e2e/pages/
// import the library (src/) and the shared op cases (test/cases/) straight from source, WGSL
// `?raw` imports included. Host and port come from playwright.config.ts on the command line.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  clearScreen: false,
  // The examples import the package by name, as users do; in pages that is the browser entry's source.
  resolve: { alias: { 'webgpu-keras': fileURLToPath(new URL('../src/index.ts', import.meta.url)) } },
  server: { strictPort: true },
  // Only the test pages are entry points; other HTML in the repository (demo/) is not scanned.
  optimizeDeps: { entries: ['e2e/pages/*.html'] },
});
