// `npm run bench:profile`: where the time of one training step of the quickstart MLP goes, in
// Node on the local adapter. Prints the step time of a trainStep loop, the time of the same loop
// with every dispatch emptied (JavaScript and driver cost alone), and each of the step's
// dispatches timed alone (repeated, ended by onSubmittedWorkDone), slowest first. A tool for
// tuning kernels, not a benchmark against peers (that is `npm run bench`).
//   BATCH=<n>   batch size (default 256)

import * as wk from '../src/node';
import { activeGpu } from '../src/backend/engine';
import type { Dispatch } from '../src/backend/webgpu/command_recorder';

const STEPS = 200;
const REPEATS = 30;

await wk.init({ backend: 'webgpu' });
const gpu = activeGpu();
const batch = Number(process.env.BATCH ?? 256);
const model = new wk.Sequential();
model.add(new wk.layers.Dense({ units: 64, activation: 'relu', inputShape: [100] }));
model.add(new wk.layers.Dense({ units: 10, activation: 'softmax' }));
model.compile({ optimizer: new wk.optimizers.SGD({ learningRate: 0.01 }), loss: 'categoricalCrossentropy' });
const x = wk.randomUniform([batch, 100]);
const y = wk.oneHot(wk.ops.cast(wk.randomUniform([batch], { minval: 0, maxval: 10 }), 'int32'), 10);

let logs: wk.StepLogs = {};
const step = () => {
  const next = wk.tidy(() => model.trainStep([x, y]));
  wk.dispose(logs);
  logs = next;
};
const loop = async (): Promise<number> => {
  const start = performance.now();
  for (let i = 0; i < STEPS; i++) step();
  await (logs.loss as wk.Tensor).data();
  return (performance.now() - start) / STEPS;
};

for (let i = 0; i < 10; i++) step();
console.log(`adapter: ${gpu.adapter.description || gpu.adapter.architecture} (${gpu.tuning} tuning), batch ${batch}`);
console.log(`trainStep loop: ${(await loop()).toFixed(2)} ms a step`);

// Dispatches of zero workgroups: what is left is JavaScript, Dawn and the driver.
const pass = Object.getPrototypeOf(gpu.device.createCommandEncoder().beginComputePass()) as GPUComputePassEncoder;
const dispatchWorkgroups = pass.dispatchWorkgroups;
pass.dispatchWorkgroups = function (this: GPUComputePassEncoder) {
  return dispatchWorkgroups.call(this, 0, 0, 0);
};
console.log(`with empty dispatches: ${(await loop()).toFixed(2)} ms a step`);
pass.dispatchWorkgroups = dispatchWorkgroups;

const recorder = gpu.recorder;
const specs: Dispatch[] = [];
const dispatch = recorder.dispatch.bind(recorder);
recorder.dispatch = (spec: Dispatch) => {
  specs.push(spec);
  dispatch(spec);
};
step();
recorder.dispatch = dispatch;
await (logs.loss as wk.Tensor).data();

const rows: Array<[number, string]> = [];
for (const spec of specs) {
  for (let i = 0; i < 3; i++) dispatch(spec);
  recorder.flush();
  await gpu.device.queue.onSubmittedWorkDone();
  const start = performance.now();
  for (let i = 0; i < REPEATS; i++) dispatch(spec);
  recorder.flush();
  await gpu.device.queue.onSubmittedWorkDone();
  const ms = (performance.now() - start) / REPEATS;
  const kernel = spec.shader.match(/^\/\/ ([^\n]{0,60})/m)?.[1] ?? '';
  const constants = JSON.stringify(spec.constants ?? {});
  rows.push([ms, `${ms.toFixed(3).padStart(7)} ms  ${spec.workgroups.join('x').padEnd(8)} ${spec.entryPoint ?? 'main'}  ${kernel}  ${constants}`]);
}
console.log(`\n${specs.length} dispatches, each alone (sum ${rows.reduce((s, [ms]) => s + ms, 0).toFixed(2)} ms):`);
for (const [, line] of rows.sort((a, b) => b[0] - a[0])) console.log(line);
process.exit(0);
