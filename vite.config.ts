// Library build: two entries so that browsers never bundle Node-only code.
// `index` is the browser/default entry; `node` adds the Dawn (webgpu package) device provider.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    target: 'es2022',
    sourcemap: true,
    // Unminified: class names are layer names and summary() types; apps minify in their own build.
    minify: false,
    emptyOutDir: true,
    lib: {
      entry: { index: 'src/index.ts', node: 'src/node.ts' },
      formats: ['es'],
    },
    rollupOptions: {
      external: [/^node:/, 'webgpu'],
    },
  },
});
