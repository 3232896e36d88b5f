// The entry that ../shared/gpu/pack.mjs bundles for a GPU machine without Node.js or network:
//   node ../shared/gpu/pack.mjs bench/gpu.ts, then on the machine: bash .gpu/run.sh ARGS
// With --profile it runs the training-step profile (bench/profile_step.ts); otherwise the
// benchmark with bench/node.ts's arguments (--sweep, --json, --cap MS).

if (process.argv.includes('--profile')) await import('./profile_step');
else await import('./node');

export {};
