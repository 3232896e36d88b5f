// Numerical and device faults: fit reports the first batch whose loss became NaN, TerminateOnNaN
// stops there, a GPU device lost during fit rejects the fit promise (no hang), and after init()
// the model is reloaded from its last checkpoint and training continues. Tensors of the lost
// device are refused with an error that says so.

import { describe, expect, it, vi } from 'vitest';
import { LambdaCallback, Sequential, init, layers, memory, tensor, type Tensor } from '../../src/node';
import { ModelCheckpoint, TerminateOnNaN } from '../../src/callbacks/index';
import { loadModel } from '../../src/io/index';
import { currentGpu } from '../../src/backend/engine';
import { finiteCount } from '../../src/ops/finite_count';
import { fusedCases } from '../cases/fused';
import { checkCases, settleGarbage, useWebGPU } from '../helpers';

useWebGPU();

describe("fit's count of finite losses: GPU matches CPU", () => checkCases(fusedCases.filter((c) => c.name.startsWith('finiteCount'))));

it("fit's count of finite losses takes a float32 scalar and an int32 count", () => {
  expect(() => finiteCount(tensor([1, 2]), tensor(0, [], 'int32'))).toThrow('finiteCount: expected a float32 scalar, got float32 of shape [2].');
  expect(() => finiteCount(tensor(1, [], 'int32'), tensor(0, [], 'int32'))).toThrow('finiteCount: expected a float32 scalar, got int32 of shape [].');
  expect(() => finiteCount(tensor(1), tensor(0))).toThrow('finiteCount: expected an int32 scalar count, got float32 of shape [].');
});

function regressor(): Sequential {
  const model = new Sequential();
  model.add(new layers.Dense({ units: 8, inputShape: [3], activation: 'tanh' }));
  model.add(new layers.Dense({ units: 1 }));
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  return model;
}

/** 32 samples on the CPU (to rebuild tensors on a new device); sample `nanAt` holds a NaN. */
function samples(nanAt = -1): { x: number[][]; y: number[][] } {
  const x = Array.from({ length: 32 }, (_, i) => [Math.sin(i), Math.cos(i), (i % 5) / 5]);
  if (nanAt >= 0) x[nanAt][1] = NaN;
  return { x, y: x.map(([a, b, c]) => [a - b + c]) };
}

describe('numerical faults', () => {
  it('fit reports the first batch whose loss became NaN', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const model = regressor();
    const { x, y } = samples(21);
    const clean = samples();
    const before = await model.fit(clean.x, clean.y, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 });
    expect(before.firstNonFiniteLoss).toBeNull();
    const history = await model.fit(x, y, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 });
    expect(history.firstNonFiniteLoss).toEqual({ epoch: 0, batch: 2 });
    expect(history.history.loss.every((l) => Number.isNaN(l))).toBe(true);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toContain('fit: the loss became NaN or infinite at epoch 1, batch 2 (0-based batch index)');
    warn.mockRestore();
  });

  it('TerminateOnNaN stops training at that batch', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const model = regressor();
    const { x, y } = samples(13);
    const terminate = new TerminateOnNaN();
    const seen: number[] = [];
    const history = await model.fit(x, y, { epochs: 5, batchSize: 4, shuffle: false, verbose: 0, callbacks: [terminate, new LambdaCallback({ onBatchEnd: (batch) => void seen.push(batch) })] });
    expect(terminate.stoppedAt).toEqual({ epoch: 0, batch: 3 });
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(history.epoch).toEqual([0]);
    expect(model.optimizer.iterations).toBe(4);
    expect(warn).toHaveBeenCalledWith('TerminateOnNaN: batch 3 of epoch 1: invalid loss (NaN), terminating training.');
    warn.mockRestore();
  });
});

describe('a lost device', () => {
  it('rejects the fit promise; after init() the model reloads from its last checkpoint and trains on', async () => {
    const { x, y } = samples();
    const model = regressor();
    const xs = tensor(x);
    const ys = tensor(y);
    const checkpoint = new ModelCheckpoint({ filepath: 'memory://faults-ckpt-{epoch}' });
    let savedPrediction: number[] = [];
    const killer = new LambdaCallback({
      onEpochEnd: async (epoch) => {
        if (epoch === 1) savedPrediction = Array.from(await ((await model.predict(xs)) as Tensor).data());
      },
      onBatchBegin: (batch) => {
        if (model.optimizer.iterations === 10 && batch === 2) currentGpu()!.device.destroy();
      },
    });
    const started = Date.now();
    await expect(model.fit(xs, ys, { epochs: 5, batchSize: 8, shuffle: false, verbose: 0, callbacks: [checkpoint, killer] })).rejects.toThrow(
      'WebGPU device was lost (destroyed',
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(checkpoint.lastSaved).toBe('memory://faults-ckpt-2');
    expect(() => xs.add(1)).toThrow('Call init() again to get a new device');

    expect((await init()).backend).toBe('webgpu');
    await expect(model.predict(xs)).rejects.toThrow("predict: x (shape [32,3]) belongs to a previous WebGPU device; init() was called again since it was created.");
    const restored = await loadModel(checkpoint.lastSaved as string);
    expect(restored.optimizer.iterations).toBe(8);
    const freshX = tensor(x);
    const freshY = tensor(y);
    expect(Array.from(await ((await restored.predict(freshX)) as Tensor).data())).toEqual(savedPrediction);
        await settleGarbage();
    const before = memory().liveTensors;
    const history = await restored.fit(freshX, freshY, { epochs: 3, batchSize: 8, verbose: 0 });
    expect(history.history.loss.every(Number.isFinite)).toBe(true);
    expect(restored.optimizer.iterations).toBe(8 + 12);
    await settleGarbage();
    expect(memory().liveTensors).toBe(before);
  });
});
