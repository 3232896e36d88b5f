// ModelCheckpoint (every epoch or best only, whole model or weights only, templated targets) and
// EarlyStopping({ restoreBestWeights: true }) putting back the weights of the best epoch.

import { describe, expect, it, vi } from 'vitest';
import { EarlyStopping, LambdaCallback, Sequential, layers, ops, type Model } from '../../src/node';
import { ModelCheckpoint } from '../../src/callbacks/index';
import { listModels, loadModel, memoryHandler, removeModel } from '../../src/io/index';
import { useWebGPU } from '../helpers';

useWebGPU();

function model(): Sequential {
  const m = new Sequential();
  m.add(new layers.Dense({ units: 4, inputShape: [2], activation: 'relu' }));
  m.add(new layers.Dense({ units: 1 }));
  m.compile({ optimizer: 'adam', loss: 'mse' });
  return m;
}

const x = () => ops.randomUniform([16, 2], { seed: 3 });

async function weights(m: Model): Promise<number[][]> {
  return Promise.all(m.weights.map(async (w) => Array.from(await w.data())));
}

/** Sets logs[key] to values[epoch], so that a test decides when a monitored quantity improves. */
function scripted(key: string, values: number[]) {
  return new LambdaCallback({ onEpochEnd: (epoch, logs) => void (logs[key] = values[epoch]) });
}

describe('ModelCheckpoint', () => {
  it('saves every epoch to a templated target', async () => {
    const m = model();
    const xs = x();
    await m.fit(xs, xs.sum(-1, true), { epochs: 3, verbose: 0, callbacks: [new ModelCheckpoint({ filepath: 'memory://ckpt-every-{epoch:02d}-{loss:.3f}' })] });
    const saved = Object.keys(await listModels()).filter((u) => u.startsWith('memory://ckpt-every-'));
    expect(saved.map((u) => u.slice(0, 'memory://ckpt-every-00'.length)).sort()).toEqual(['memory://ckpt-every-01', 'memory://ckpt-every-02', 'memory://ckpt-every-03']);
    expect(saved.every((u) => /-\d\.\d{3}$/.test(u))).toBe(true);
    const last = await loadModel(saved.sort().at(-1)!);
    expect(await weights(last)).toEqual(await weights(m));
    expect(last.optimizer.iterations).toBe(3);
    for (const u of saved) await removeModel(u);
  });

  it('saves only improvements with saveBestOnly, in the direction of mode', async () => {
    const m = model();
    const xs = x();
    const snapshots: number[][][] = [];
    const record = new LambdaCallback({ onEpochEnd: async () => void snapshots.push(await weights(m)) });
    const best = new ModelCheckpoint({ filepath: 'memory://ckpt-best', monitor: 'score', mode: 'max', saveBestOnly: true });
    const saves: number[] = [];
    const spy = new LambdaCallback({ onEpochEnd: (epoch) => void (best.lastSavedEpoch === epoch && saves.push(epoch)) });
    await m.fit(xs, xs.sum(-1, true), { epochs: 5, verbose: 0, callbacks: [scripted('score', [0.2, 0.5, 0.4, 0.7, 0.6]), record, best, spy] });
    expect(saves).toEqual([0, 1, 3]);
    expect(best.best).toBe(0.7);
    expect(await weights(await loadModel('memory://ckpt-best'))).toEqual(snapshots[3]);
  });

  it('saves weights only, to an IOHandler', async () => {
    const m = model();
    const xs = x();
    const slot = memoryHandler();
    await m.fit(xs, xs.sum(-1, true), { epochs: 2, verbose: 0, callbacks: [new ModelCheckpoint({ filepath: slot, saveWeightsOnly: true })] });
    await expect(loadModel(slot)).rejects.toThrow('this file holds weights only');
    const fresh = model();
    await fresh.loadWeights(slot);
    expect(await weights(fresh)).toEqual(await weights(m));
  });

  it('warns and skips when the monitored quantity is missing, and checks its arguments', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const m = model();
    const xs = x();
    const checkpoint = new ModelCheckpoint({ filepath: 'memory://ckpt-missing', saveBestOnly: true });
    await m.fit(xs, xs.sum(-1, true), { epochs: 1, verbose: 0, callbacks: [checkpoint] });
    expect(checkpoint.lastSaved).toBeNull();
    expect(warn.mock.calls[0][0]).toBe("ModelCheckpoint: can save best model only with 'val_loss' available in the logs (available: loss); skipping.");
    warn.mockRestore();
    expect(() => new ModelCheckpoint({ filepath: '' })).toThrow('ModelCheckpoint: `filepath` is required');
    expect(() => new ModelCheckpoint({ filepath: 'memory://x', mode: 'best' as never })).toThrow(`ModelCheckpoint: invalid mode "best". Expected one of 'auto', 'min', 'max'.`);
    await expect(m.fit(xs, xs.sum(-1, true), { epochs: 1, verbose: 0, callbacks: [new ModelCheckpoint({ filepath: 'memory://x-{acc}' })] })).rejects.toThrow(
      "ModelCheckpoint: the filepath refers to '{acc}', which is neither 'epoch' nor in the logs (loss).",
    );
  });
});

describe('EarlyStopping({ restoreBestWeights: true })', () => {
  it('puts back the weights of the best epoch when it stops', async () => {
    const m = model();
    const xs = x();
    const snapshots: number[][][] = [];
    const record = new LambdaCallback({ onEpochEnd: async () => void snapshots.push(await weights(m)) });
    const stopper = new EarlyStopping({ monitor: 'score', patience: 2, restoreBestWeights: true });
    const history = await m.fit(xs, xs.sum(-1, true), { epochs: 10, verbose: 0, callbacks: [scripted('score', [3, 1, 2, 4, 5, 0, 0, 0, 0, 0]), record, stopper] });
    expect(history.epoch).toEqual([0, 1, 2, 3]);
    expect(stopper.bestEpoch).toBe(1);
    expect(stopper.stoppedEpoch).toBe(3);
    expect(snapshots[3]).not.toEqual(snapshots[1]);
    expect(await weights(m)).toEqual(snapshots[1]);
  });

  it('keeps the last weights without restoreBestWeights', async () => {
    const m = model();
    const xs = x();
    const snapshots: number[][][] = [];
    const record = new LambdaCallback({ onEpochEnd: async () => void snapshots.push(await weights(m)) });
    await m.fit(xs, xs.sum(-1, true), { epochs: 10, verbose: 0, callbacks: [scripted('score', [3, 1, 2, 4, 5]), record, new EarlyStopping({ monitor: 'score', patience: 2 })] });
    expect(await weights(m)).toEqual(snapshots.at(-1));
  });
});
