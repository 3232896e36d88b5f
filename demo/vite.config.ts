// The demo's Vite config: `npm run demo` serves demo/ on 127.0.0.1, `npm run build:demo` writes a
// static site to dist-demo/. 'webgpu-keras' resolves to the library's browser entry in src/, so the
// demo (and the examples it imports and shows) always run the working tree's code.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative asset URLs: the built site works from any sub-path (GitHub Pages and the like).
  base: './',
  clearScreen: false,
  // A dependency cache of its own: sharing node_modules/.vite with the e2e server (other
  // optimizeDeps) made each server re-optimize, and reload its pages, when the other started.
  cacheDir: fileURLToPath(new URL('../node_modules/.vite-demo', import.meta.url)),
  resolve: { alias: { 'webgpu-keras': fileURLToPath(new URL('../src/index.ts', import.meta.url)) } },
  server: { host: '127.0.0.1', port: 5180, strictPort: true, fs: { allow: [repoRoot] } },
  // TF.js is imported lazily by the Speed panel; bundling it up front keeps the dev server from
  // re-optimizing (and reloading the page) the first time the panel opens.
  optimizeDeps: { include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-layers'] },
  build: { outDir: fileURLToPath(new URL('../dist-demo', import.meta.url)), emptyOutDir: true, target: 'es2022' },
});
