// The examples of examples/ run unchanged in Node through Dawn: each converges, and its GPU run
// matches the same run on the CPU backend (same seeds, so same data and initial weights).

import { describe, expect, it } from 'vitest';
import { getBackend, setBackend } from '../../src/node';
import * as customLayer from '../../examples/custom-layer';
import * as sequentialFit from '../../examples/sequential-fit';
import * as customTrainStep from '../../examples/custom-train-step';
import * as customFocalLoss from '../../examples/custom-focal-loss';
import * as textClassification from '../../examples/text-classification';
import { useWebGPU } from '../helpers';

useWebGPU();

const quiet = () => {};

async function onBoth(run: (o: { log: (line: string) => void }) => Promise<{ history: Record<string, number[]> }>) {
  expect(getBackend()).toBe('webgpu');
  const gpu = await run({ log: quiet });
  setBackend('cpu');
  try {
    const cpu = await run({ log: quiet });
    return { gpu: gpu.history, cpu: cpu.history };
  } finally {
    setBackend('webgpu');
  }
}

function expectClose(gpu: number[], cpu: number[], rtol: number) {
  expect(gpu.length).toBe(cpu.length);
  gpu.forEach((g, i) => expect(Math.abs(g - cpu[i])).toBeLessThanOrEqual(rtol * Math.abs(cpu[i]) + 1e-4));
}

describe('examples', () => {
  it('custom layers (InstanceNormalize, SimpleDense) learn the image classes', async () => {
    const { gpu, cpu } = await onBoth(customLayer.run);
    expect(gpu.loss.at(-1)!).toBeLessThan(gpu.loss[0] * 0.5);
    expect(gpu.accuracy.at(-1)!).toBeGreaterThan(0.8);
    expectClose(gpu.loss, cpu.loss, 1e-2);
  });

  it('Sequential + compile + fit lowers the loss and raises the accuracy', async () => {
    const { gpu, cpu } = await onBoth(sequentialFit.run);
    expect(gpu.loss.at(-1)!).toBeLessThan(gpu.loss[0]);
    expect(gpu.accuracy.at(-1)!).toBeGreaterThan(gpu.accuracy[0]);
    expectClose(gpu.loss, cpu.loss, 1e-2);
  });

  it('a custom trainStep trains through compile and fit', async () => {
    const { gpu, cpu } = await onBoth(customTrainStep.run);
    expect(gpu.loss.at(-1)!).toBeLessThan(gpu.loss[0]);
    expect(Object.keys(gpu).sort()).toEqual(['loss', 'mae']);
    expectClose(gpu.loss, cpu.loss, 1e-2);
  });

  it('text classification on padded sequences (Embedding maskZero, Bidirectional LSTM) learns the rule', async () => {
    const { gpu, cpu } = await onBoth(textClassification.run);
    expect(gpu.loss.at(-1)!).toBeLessThan(gpu.loss[0] * 0.1);
    expect(gpu.accuracy.at(-1)!).toBeGreaterThan(0.95);
    expectClose(gpu.loss, cpu.loss, 2e-2);
  });

  it('a custom focal loss trains a classifier of the rare class', async () => {
    const { gpu, cpu } = await onBoth(customFocalLoss.run);
    expect(gpu.loss.at(-1)!).toBeLessThan(gpu.loss[0] * 0.5);
    expectClose(gpu.loss, cpu.loss, 2e-2);
  });
});
