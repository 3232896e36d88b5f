// `npm run bench`: the suite (bench/suite.ts) in Node, with one Dawn GPU instance (the `webgpu`
// package) shared by webgpu-keras, TensorFlow.js and jax-js through `navigator.gpu`. Prints the
// table and the ratios ours/peer and writes bench/results/<timestamp>.json. Also the entry that
// ../shared/gpu/pack.mjs bundles for a GPU machine: no file is read at run time.
//   --json   print the report as JSON on stdout instead (progress goes to stderr), write no file
//   --full   also run the cases skipped on a software adapter (the wide MLP)
//   --sweep  first check and time the candidate matmul tilings (bench/tile_sweep.ts)
//   --sweep-only  the sweep without the suite
//   --linalg-only  time qr, eigh, svd, eig, solve and cholesky of large matrices (bench/linalg_timing.ts), without the suite
//   --candidates REGEX  the sweep's candidate tilings whose name matches (default all)
//   --cap MS time cap of one contender's timed runs in a case (default: the suite's)
//   --only LIBRARIES  comma-separated libraries to measure (webgpu-keras,tfjs,jax-js; default all)
//   --cases REGEX     only the cases whose name matches (such as 'MLP' or 'matmul 4096x4096')

import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const args = process.argv.slice(2);
const asJson = args.includes('--json');

// Without a GPU driver, Dawn gets SwiftShader's Vulkan driver from Debian's chromium package.
const hasGpuDevice = existsSync('/dev/nvidiactl') || (existsSync('/dev/dri') && readdirSync('/dev/dri').some((f) => f.startsWith('renderD')));
if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && !hasGpuDevice && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
if (!process.env.XDG_RUNTIME_DIR) {
  const runtimeDir = mkdtempSync(join(tmpdir(), 'webgpu-keras-bench-'));
  process.env.XDG_RUNTIME_DIR = runtimeDir;
  process.on('exit', () => rmSync(runtimeDir, { recursive: true, force: true }));
}

const { create, globals } = (await import('webgpu')) as { create(flags: string[]): GPU; globals: Record<string, unknown> };
Object.assign(globalThis, globals);
const gpu = create([]);
// TensorFlow.js's webgpu backend looks for navigator.gpu when its module loads, and jax-js reads
// navigator.userAgent: the navigator exists before the suite is imported.
const nav = (globalThis as { navigator?: object }).navigator;
if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
else Object.defineProperty(globalThis, 'navigator', { value: { gpu, userAgent: `Node.js/${process.versions.node}`, hardwareConcurrency: availableParallelism() }, configurable: true });

// The library's Node entry, as Node users import it: it paces Dawn's event polling while
// webgpu-keras waits on the device (src/backend/webgpu/dawn_event_pacing.ts). TF.js and jax-js
// wait on the same Dawn instance as they do for their users.
await import('../src/node');
const { runSuite } = await import('./suite');
type Library = import('./suite').Library;
const { formatReport } = await import('./report');
const log = (line: string) => (asJson ? console.error(line) : console.log(line));
let tileSweep: object | undefined;
if (args.includes('--sweep') || args.includes('--sweep-only')) {
  const wk = await import('../src/index');
  const { runTileSweep } = await import('./tile_sweep');
  await wk.init({ gpu, backend: 'webgpu' });
  const candidates = args.indexOf('--candidates');
  tileSweep = await runTileSweep(log, candidates >= 0 ? new RegExp(args[candidates + 1]) : undefined);
}
if (args.includes('--sweep-only')) {
  console.log(JSON.stringify(tileSweep, null, 2));
  process.exit(0);
}
if (args.includes('--linalg-only')) {
  const wk = await import('../src/index');
  const { runLinalgTiming } = await import('./linalg_timing');
  await wk.init({ gpu, backend: 'webgpu' });
  console.log(JSON.stringify(await runLinalgTiming(log), null, 2));
  process.exit(0);
}
const cap = args.indexOf('--cap');
const only = args.indexOf('--only');
const libraries = only >= 0 ? (args[only + 1].split(',') as Library[]) : undefined;
const known: Library[] = ['webgpu-keras', 'tfjs', 'jax-js'];
if (libraries?.some((l) => !known.includes(l))) throw new Error(`bench: --only takes a comma-separated list of ${known.join(', ')}; got '${args[only + 1]}'.`);
const cases = args.indexOf('--cases');
const report = await runSuite({ full: args.includes('--full'), capMs: cap >= 0 ? Number(args[cap + 1]) : undefined, libraries, cases: cases >= 0 ? new RegExp(args[cases + 1]) : undefined, log });
if (asJson) {
  console.log(JSON.stringify({ ...report, tileSweep }, null, 2));
} else {
  console.log(`\n${formatReport(report)}`);
  mkdirSync('bench/results', { recursive: true });
  const file = join('bench/results', `${report.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2));
  console.log(`\nwrote ${file}`);
}
