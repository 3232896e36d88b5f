// Node module hooks that give `import text from './file.wgsl?raw'` (Vite's raw imports) the file's
// text, so `npm run bench` runs the library from source under tsx, without a build.
// Usage: tsx --import ./bench/raw_import.mjs bench/node.ts
import { readFile } from 'node:fs/promises';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

// The hooks run in a loader thread that imports this file again; register once, from the main thread.
if (isMainThread) register(import.meta.url);

export async function resolve(specifier, context, next) {
  if (specifier.endsWith('?raw') && context.parentURL) return { url: new URL(specifier, context.parentURL).href, shortCircuit: true };
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('?raw')) return next(url, context);
  const text = await readFile(fileURLToPath(url.slice(0, -'?raw'.length)), 'utf8');
  return { format: 'module', source: `export default ${JSON.stringify(text)};`, shortCircuit: true };
}
