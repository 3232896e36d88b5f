// `npm run bench:profile`: where the time of one training step of an MLP (the quickstart's by default) goes, in
// Node on the local adapter. Prints the step time of `fit` (replayed steps), the time of the same
// fit with every dispatch emptied (JavaScript and driver cost alone), and each dispatch of one
// replayed step timed alone (repeated, ended by onSubmittedWorkDone through the library's paced
// wait), slowest first, then each kernel's GPU time inside replayed steps from timestamps. A tool for
// tuning kernels, not a benchmark against peers (that is `npm run bench`).
//   BATCH=<n>             batch size (default 256)
//   SIZES=<in,...,out>    layer widths (default 100,64,10: relu hidden layers, softmax output)
//   OPTIMIZER=sgd|adam    (default sgd)

import * as wk from '../src/node';
import { activeGpu } from '../src/backend/engine';
import type { Dispatch, PreparedDispatch } from '../src/backend/webgpu/command_recorder';
import { setDeviceWait, waitForDevice } from '../src/backend/webgpu/gpu_provider';
import { pacedDeviceWait } from '../src/backend/webgpu/dawn_event_pacing';

const STEPS = 200;
const REPEATS = 100;
const SHORT_EPOCH = 16;
const SHORT_EPOCHS = 20;

await wk.init({ backend: 'webgpu' });
const gpu = activeGpu();
const batch = Number(process.env.BATCH ?? 256);
const sizes = (process.env.SIZES ?? '100,64,10').split(',').map(Number);
const [inputs, classes] = [sizes[0], sizes.at(-1)!];
const model = new wk.Sequential();
sizes.slice(1).forEach((units, i) => {
  const last = i === sizes.length - 2;
  model.add(new wk.layers.Dense({ units, activation: last ? 'softmax' : 'relu', ...(i === 0 ? { inputShape: [inputs] } : {}) }));
});
model.compile({ optimizer: process.env.OPTIMIZER === 'adam' ? new wk.optimizers.Adam() : new wk.optimizers.SGD({ learningRate: 0.01 }), loss: 'categoricalCrossentropy' });
const x = wk.randomUniform([STEPS * batch, inputs]);
const y = wk.oneHot(wk.ops.cast(wk.randomUniform([STEPS * batch], { minval: 0, maxval: classes }), 'int32'), classes);
const slices = new Map<number, [wk.Tensor, wk.Tensor]>();
/** ms a step of a one-epoch fit of `steps` batches (its slices of x and y are made once). */
const fitSteps = async (steps: number) => {
  if (!slices.has(steps)) slices.set(steps, [wk.ops.slice(x, [0, 0], [steps * batch, inputs]), wk.ops.slice(y, [0, 0], [steps * batch, classes])]);
  const [xs, ys] = slices.get(steps)!;
  const start = performance.now();
  await model.fit(xs, ys, { batchSize: batch, epochs: 1, verbose: 0, shuffle: true });
  return (performance.now() - start) / steps;
};

await fitSteps(10);
console.log(`adapter: ${gpu.adapter.description || gpu.adapter.architecture} (${gpu.tuning} tuning, subgroup lanes ${gpu.subgroupLanes}), MLP ${sizes.join('-')}, batch ${batch}, ${process.env.OPTIMIZER ?? 'sgd'}`);
console.log(`fit: ${(await fitSteps(STEPS)).toFixed(2)} ms a step`);

// Short epochs (the benchmark's 16 steps): an epoch ends by reading its logs back, which waits
// for the device. The time spent in those waits, with Dawn's polls paced (the Node entry's
// default) and unpaced (Dawn's own busy polling), twice in turn (the first fits of a run may still
// be warming up: the JIT, the GPU's clocks).
const unpaced = <T>(completion: Promise<T>) => completion;
for (const [label, wait] of [['paced', pacedDeviceWait], ['unpaced', unpaced], ['paced', pacedDeviceWait], ['unpaced', unpaced]] as const) {
  let waited = 0;
  setDeviceWait(async (completion) => {
    const start = performance.now();
    try {
      return await wait(completion);
    } finally {
      waited += performance.now() - start;
    }
  });
  const [xs, ys] = [wk.ops.slice(x, [0, 0], [SHORT_EPOCH * batch, inputs]), wk.ops.slice(y, [0, 0], [SHORT_EPOCH * batch, classes])];
  await model.fit(xs, ys, { batchSize: batch, epochs: 2, verbose: 0, shuffle: true });
  waited = 0;
  const start = performance.now();
  await model.fit(xs, ys, { batchSize: batch, epochs: SHORT_EPOCHS, verbose: 0, shuffle: true });
  const ms = performance.now() - start;
  console.log(`fit, ${SHORT_EPOCH}-step epochs, ${label} waits: ${(ms / SHORT_EPOCHS / SHORT_EPOCH).toFixed(2)} ms a step, ${(waited / SHORT_EPOCHS).toFixed(2)} ms an epoch waiting for the device`);
  wk.dispose([xs, ys]);
}
setDeviceWait(pacedDeviceWait);
console.log(`fit again: ${(await fitSteps(STEPS)).toFixed(2)} ms a step`);

// Dispatches of zero workgroups: what is left is JavaScript, Dawn and the driver.
const pass = Object.getPrototypeOf(gpu.device.createCommandEncoder().beginComputePass()) as GPUComputePassEncoder;
const dispatchWorkgroups = pass.dispatchWorkgroups;
pass.dispatchWorkgroups = function (this: GPUComputePassEncoder) {
  return dispatchWorkgroups.call(this, 0, 0, 0);
};
console.log(`with empty dispatches: ${(await fitSteps(STEPS)).toFixed(2)} ms a step`);
pass.dispatchWorkgroups = dispatchWorkgroups;

// The dispatches of a whole fit, grouped by kernel, shape and grid: each group timed alone once,
// then counted per step (epoch-level work such as resetting metrics is spread over the steps).
const recorder = gpu.recorder;
const groups = new Map<string, { spec: Dispatch; count: number }>();
const count = (spec: Dispatch) => {
  const key = JSON.stringify([spec.shader, spec.entryPoint, spec.constants, spec.workgroups, spec.buffers.map((b) => b.size)]);
  const group = groups.get(key);
  if (group) group.count++;
  else groups.set(key, { spec, count: 1 });
};
const dispatch = recorder.dispatch.bind(recorder);
const dispatchPrepared = recorder.dispatchPrepared.bind(recorder);
recorder.dispatch = (spec: Dispatch) => {
  count(spec);
  dispatch(spec);
};
recorder.dispatchPrepared = (prepared: PreparedDispatch, buffers: GPUBuffer[]) => {
  count({ ...prepared.spec, buffers });
  dispatchPrepared(prepared, buffers);
};
await fitSteps(STEPS);
recorder.dispatch = dispatch;
recorder.dispatchPrepared = dispatchPrepared;

const rows: Array<[number, string]> = [];
for (const { spec, count } of groups.values()) {
  for (let i = 0; i < 3; i++) dispatch(spec);
  recorder.flush();
  await waitForDevice(gpu.device.queue.onSubmittedWorkDone());
  const start = performance.now();
  for (let i = 0; i < REPEATS; i++) dispatch(spec);
  recorder.flush();
  await waitForDevice(gpu.device.queue.onSubmittedWorkDone());
  const ms = (performance.now() - start) / REPEATS;
  const perStep = count / STEPS;
  const kernel = spec.shader.match(/^\/\/ ([^\n]{0,60})/m)?.[1] ?? '';
  const constants = JSON.stringify(spec.constants ?? {});
  rows.push([ms * perStep, `${(ms * perStep).toFixed(3).padStart(7)} ms  ${perStep.toFixed(2).padStart(5)}x ${spec.workgroups.join('x').padEnd(8)} ${spec.entryPoint ?? 'main'}  ${kernel}  ${constants}`]);
}
const perStep = [...groups.values()].reduce((n, g) => n + g.count, 0) / STEPS;
console.log(`\n${perStep.toFixed(2)} dispatches a step, each kernel timed alone (sum ${rows.reduce((s, [ms]) => s + ms, 0).toFixed(2)} ms a step):`);
for (const [, line] of rows.sort((a, b) => b[0] - a[0])) console.log(line);

// Each kernel's GPU time inside replayed steps, where the adapter has 'timestamp-query': every
// dispatch of a fit in a compute pass of its own whose beginning and end write timestamps (up to
// WebGPU's 4096 queries: the first 2048 dispatches). Free of the CPU and the waits of the timing
// above, and taken while the device is busy with steps (a kernel timed alone may run at idle clocks).
if (gpu.device.features.has('timestamp-query')) {
  const capacity = 4096;
  const querySet = gpu.device.createQuerySet({ type: 'timestamp', count: capacity });
  const timer = { querySet, capacity, dispatches: [] as Array<{ shader: string; workgroups: readonly number[] }> };
  recorder.timer = timer;
  await fitSteps(STEPS);
  recorder.timer = null;
  const bytes = 2 * timer.dispatches.length * 8;
  const resolved = gpu.device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  const readable = gpu.device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = gpu.device.createCommandEncoder();
  encoder.resolveQuerySet(querySet, 0, 2 * timer.dispatches.length, resolved, 0);
  encoder.copyBufferToBuffer(resolved, 0, readable, 0, bytes);
  gpu.device.queue.submit([encoder.finish()]);
  await waitForDevice(readable.mapAsync(GPUMapMode.READ));
  const stamps = new BigInt64Array(readable.getMappedRange());
  const kernels = new Map<string, { ns: number; count: number }>();
  let total = 0;
  timer.dispatches.forEach(({ shader, workgroups }, i) => {
    const ns = Number(stamps[2 * i + 1] - stamps[2 * i]);
    const label = `${workgroups.join('x').padEnd(8)} ${shader.match(/^\/\/ ([^\n]{0,60})/m)?.[1] ?? ''}`;
    const kernel = kernels.get(label) ?? { ns: 0, count: 0 };
    kernel.ns += ns;
    kernel.count++;
    kernels.set(label, kernel);
    total += ns;
  });
  const steps = timer.dispatches.length / perStep;
  console.log(`\nGPU time inside ${steps.toFixed(0)} replayed steps (timestamps, a pass a dispatch): ${(total / steps / 1e6).toFixed(3)} ms a step`);
  for (const [label, { ns, count }] of [...kernels].sort((a, b) => b[1].ns - a[1].ns)) {
    console.log(`${(ns / steps / 1e6).toFixed(3).padStart(7)} ms  ${(count / steps).toFixed(2).padStart(5)}x ${(ns / count / 1e3).toFixed(1).padStart(7)} us each  ${label}`);
  }
}
process.exit(0);
