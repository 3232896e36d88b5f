// Model.dispose frees the weights, the optimizer's slots and the metrics' state; the model then says so when used.

import { expect, it } from 'vitest';
import { Sequential, layers, memory, ops } from '../../src/node';
import { settleGarbage, useWebGPU } from '../helpers';

useWebGPU();

it('returns GPU memory and live tensors to where they were before the model existed', async () => {
  const x = ops.randomNormal([32, 4], { seed: 1 });
  const y = ops.randomNormal([32, 1], { seed: 2 });
  await x.data();
  await settleGarbage();
  const before = memory();
  const model = new Sequential();
  model.add(new layers.Dense({ units: 8, inputShape: [4], activation: 'relu' }));
  model.add(new layers.Dense({ units: 1 }));
  model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
  await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
  expect(memory().gpuBytes).toBeGreaterThan(before.gpuBytes);
  model.dispose();
  await settleGarbage();
  expect(memory().liveTensors).toBe(before.liveTensors);
  expect(memory().gpuBytes).toBe(before.gpuBytes);
  await expect(model.fit(x, y, { verbose: 0 })).rejects.toThrow(`fit: model '${model.name}' was disposed; build or load it again.`);
  await expect(model.predict(x)).rejects.toThrow(`predict: model '${model.name}' was disposed`);
});
