// Unit suite in Node through Dawn. Dawn is a native addon: one instance per process, hence `forks`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // The memory tests force garbage collection to exercise the FinalizationRegistry safety net.
    execArgv: ['--expose-gc'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
