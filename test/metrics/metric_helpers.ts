// Shared checks of the metric test files.

import { expect } from 'vitest';
import { memory, tidy, type Tensor } from '../../src/node';
import type { Metric } from '../../src/metrics/index';
import { settleGarbage } from '../helpers';

/** Live tensors and GPU bytes are the same before and after `steps` updates and results wrapped in tidy. */
export async function expectFlatMemory(metric: Metric, yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor, steps = 50): Promise<void> {
  const step = () =>
    tidy(() => {
      (metric as unknown as { updateState(a: Tensor, b: Tensor, w?: Tensor): void }).updateState(yTrue, yPred, sampleWeight);
      metric.result();
    });
  step();
  await metric.variables[0].data();
  await settleGarbage();
  const before = memory();
  for (let i = 0; i < steps; i++) step();
  metric.resetState();
  await metric.variables[0].data();
  await settleGarbage();
  expect(memory().liveTensors, metric.name).toBe(before.liveTensors);
  expect(memory().gpuBytes, metric.name).toBe(before.gpuBytes);
}
