// Unit suite in Node through Dawn. Dawn is a native addon: one instance per process, hence `forks`.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The examples import the package by name, as users do; in the unit suite that is the Node entry's source.
  resolve: { alias: { 'webgpu-keras': fileURLToPath(new URL('src/node.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // A worker process runs many files: it imports the library and compiles each shader once,
    // which more than halves the suite's time; test/setup_file.ts resets what a file may change.
    isolate: false,
    setupFiles: ['test/setup_file.ts'],
    // The memory tests force garbage collection to exercise the FinalizationRegistry safety net.
    execArgv: ['--expose-gc'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
