// ReduceLROnPlateau warns, as Keras does, when the quantity it monitors is not in the epoch's logs
// (a misspelt metric name would otherwise silently never lower the learning rate).

import { describe, expect, it, vi } from 'vitest';
import { ReduceLROnPlateau, Sequential, layers, ops } from '../../src/node';

describe('ReduceLROnPlateau with a monitor missing from the logs', () => {
  it('warns with the names that are available and leaves the learning rate alone', async () => {
    const model = new Sequential([new layers.Dense({ units: 1, inputShape: [2] })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const warnings: string[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation((line: string) => void warnings.push(line));
    try {
      await model.fit(ops.ones([4, 2]), ops.ones([4, 1]), { epochs: 2, verbose: 0, callbacks: [new ReduceLROnPlateau({ monitor: 'val_psnr', patience: 1 })] });
    } finally {
      warn.mockRestore();
    }
    expect(warnings).toEqual(Array(2).fill("ReduceLROnPlateau: the learning rate is reduced on 'val_psnr', which is not in the logs (available: loss, learning_rate); skipping."));
    expect(model.optimizer.learningRate).toBe(0.01);
  });
});
