// Soak test, outside the default suite (vitest runs *.test.ts; this is *.soak.ts): trains a small
// model for SOAK_MINUTES (default 10) minutes, saving a checkpoint every epoch, and reports memory
// and throughput for the first and the last minute. Fails when live tensors or GPU bytes grew
// after epoch 2.
//
//   node test/reliability/run-soak.mjs                   (npm run soak)
//   SOAK_MINUTES=1 node test/reliability/run-soak.mjs

import { expect, it } from 'vitest';
import { LambdaCallback, Sequential, init, layers, memory, ops, tidy } from '../../src/node';
import { ModelCheckpoint } from '../../src/callbacks/index';

const minutes = Number(process.env.SOAK_MINUTES ?? 10);

it(`trains for ${minutes} minutes with flat memory`, async () => {
  const { backend, adapter } = await init({ backend: 'webgpu' });
  console.log(`soak: ${minutes} min on ${backend} (${adapter?.description || adapter?.vendor || 'unknown adapter'})`);

  const model = new Sequential();
  model.add(new layers.Dense({ units: 64, inputShape: [32], activation: 'relu' }));
  model.add(new layers.BatchNormalization());
  model.add(new layers.Dropout({ rate: 0.1 }));
  model.add(new layers.Dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  const { x, y } = tidy(() => {
    const x = ops.randomNormal([2048, 32], { seed: 1 });
    return { x, y: ops.oneHot(ops.argMax(x.slice([0, 0], [2048, 10]), -1), 10) };
  });

  interface Sample { at: number; epoch: number; samples: number; liveTensors: number; gpuBytes: number; loss: number }
  const samples: Sample[] = [];
  let trained = 0;
  const started = Date.now();
  const report = new LambdaCallback({
    onEpochEnd: (epoch, logs) => {
      trained += 2048 * 0.9;
      const { liveTensors, gpuBytes } = memory();
      samples.push({ at: Date.now() - started, epoch, samples: trained, liveTensors, gpuBytes, loss: logs.loss });
      if (Date.now() - started > minutes * 60_000) model.stopTraining = true;
    },
  });
  await model.fit(x, y, { epochs: 1_000_000, batchSize: 64, validationSplit: 0.1, verbose: 0, callbacks: [new ModelCheckpoint({ filepath: 'memory://soak' }), report] });

  const window = Math.min(60_000, (minutes * 60_000) / 4);
  const first = samples.filter((s) => s.at <= window);
  const last = samples.filter((s) => s.at >= samples.at(-1)!.at - window);
  const rate = (list: Sample[]) => ((list.at(-1)!.samples - list[0].samples) / Math.max(1, list.at(-1)!.at - list[0].at)) * 1000;
  const line = (name: string, list: Sample[]) =>
    `${name}: epoch ${list.at(-1)!.epoch + 1}, ${rate(list).toFixed(0)} samples/s, loss ${list.at(-1)!.loss.toFixed(4)}, live tensors ${list.at(-1)!.liveTensors}, GPU bytes ${list.at(-1)!.gpuBytes}`;
  console.log(line('start', first));
  console.log(line('end  ', last));
  // Epoch 2 onwards must be flat (epoch 1 creates the optimizer slots).
  const reference = samples[Math.min(1, samples.length - 1)];
  const end = samples.at(-1)!;
  expect({ liveTensors: end.liveTensors, gpuBytes: end.gpuBytes }, 'memory at the end vs after epoch 2').toEqual({ liveTensors: reference.liveTensors, gpuBytes: reference.gpuBytes });
  expect(Number.isFinite(end.loss)).toBe(true);
}, (minutes + 2) * 60_000);
