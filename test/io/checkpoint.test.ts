// ModelCheckpoint (every epoch or best only, whole model or weights only, templated targets) and
// EarlyStopping({ restoreBestWeights: true }) putting back the weights of the best epoch.

import { describe, expect, it, vi } from 'vitest';
import { EarlyStopping, Input, LambdaCallback, Model, ReduceLROnPlateau, Sequential, layers, ops } from '../../src/node';
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
    const stopper = new EarlyStopping({ monitor: 'score', mode: 'min', patience: 2, restoreBestWeights: true });
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
    await m.fit(xs, xs.sum(-1, true), { epochs: 10, verbose: 0, callbacks: [scripted('score', [3, 1, 2, 4, 5]), record, new EarlyStopping({ monitor: 'score', mode: 'min', patience: 2 })] });
    expect(await weights(m)).toEqual(snapshots.at(-1));
  });
});

describe("callbacks' mode 'auto', and what they log", () => {
  it("follows the compiled metric's direction: val_precision is maximized, val_mae minimized; an unknown name is an error for EarlyStopping", async () => {
    const m = new Sequential();
    m.add(new layers.Dense({ units: 1, inputShape: [2], activation: 'sigmoid' }));
    m.compile({ optimizer: 'sgd', loss: 'binary_crossentropy', metrics: ['precision', 'mae'] });
    const xs = x();
    const ys = ops.cast(ops.greater(xs.sum(-1, true), 1), 'float32');
    // A scripted val_precision that rises then falls: maximizing keeps the best at epoch 2.
    const byPrecision = new EarlyStopping({ monitor: 'val_precision', patience: 1 });
    await m.fit(xs, ys, { epochs: 6, verbose: 0, callbacks: [scripted('val_precision', [0.1, 0.5, 0.9, 0.2, 0.1, 0.1]), byPrecision] });
    expect(byPrecision.bestEpoch).toBe(2);
    const byError = new EarlyStopping({ monitor: 'val_mae', patience: 1 });
    await m.fit(xs, ys, { epochs: 6, verbose: 0, callbacks: [scripted('val_mae', [0.9, 0.5, 0.1, 0.4, 0.6, 0.6]), byError] });
    expect(byError.bestEpoch).toBe(2);
    const best = new ModelCheckpoint({ filepath: 'memory://auto-precision', monitor: 'val_precision', saveBestOnly: true });
    await m.fit(xs, ys, { epochs: 4, verbose: 0, callbacks: [scripted('val_precision', [0.1, 0.5, 0.9, 0.2]), best] });
    expect(best.lastSavedEpoch).toBe(2);
    await removeModel('memory://auto-precision');
    // A multi-output model's per-output losses are minimized too.
    const input = Input({ shape: [2] });
    const twoOutputs = new Model({ inputs: input, outputs: [new layers.Dense({ units: 1, name: 'a' }).apply(input), new layers.Dense({ units: 1, name: 'b' }).apply(input)] });
    twoOutputs.compile({ optimizer: 'sgd', loss: ['mse', 'mse'] });
    const byOutputLoss = new EarlyStopping({ monitor: 'a_loss', patience: 1 });
    await twoOutputs.fit(xs, [ys, ys], { epochs: 5, verbose: 0, callbacks: [scripted('a_loss', [0.9, 0.5, 0.1, 0.4, 0.6]), byOutputLoss] });
    expect(byOutputLoss.bestEpoch).toBe(2);
    expect(() => new EarlyStopping({ mode: 'mn' as never })).toThrow(`EarlyStopping: invalid mode "mn". Expected one of 'auto', 'min', 'max'.`);
    expect(() => new ReduceLROnPlateau({ mode: 'mx' as never })).toThrow(`ReduceLROnPlateau: invalid mode "mx". Expected one of 'auto', 'min', 'max'.`);
    await expect(m.fit(xs, ys, { epochs: 1, verbose: 0, callbacks: [new EarlyStopping({ monitor: 'score' })] })).rejects.toThrow(/cannot tell whether 'score' should be maximized or minimized.*mode: 'max' or mode: 'min'/);
  });

  it('EarlyStopping restores the best weights at the end of training even when it did not stop (Keras 3)', async () => {
    const m = model();
    const xs = x();
    const snapshots: number[][][] = [];
    const record = new LambdaCallback({ onEpochEnd: async () => void snapshots.push(await weights(m)) });
    const stopper = new EarlyStopping({ monitor: 'score', mode: 'min', patience: 5, restoreBestWeights: true });
    await m.fit(xs, xs.sum(-1, true), { epochs: 4, verbose: 0, callbacks: [scripted('score', [3, 1, 2, 2.5]), record, stopper] });
    expect(stopper.stoppedEpoch).toBe(0);
    expect(await weights(m)).toEqual(snapshots[1]);
  });

  it('ReduceLROnPlateau logs learning_rate into History; onTrainEnd receives the last epoch logs', async () => {
    const m = model();
    const xs = x();
    let trainEndLogs: Record<string, number> = {};
    const end = new LambdaCallback({ onTrainEnd: (logs) => void (trainEndLogs = logs) });
    const history = await m.fit(xs, xs.sum(-1, true), {
      epochs: 4,
      verbose: 0,
      callbacks: [scripted('flat', [1, 1, 1, 1]), new ReduceLROnPlateau({ monitor: 'flat', mode: 'min', factor: 0.5, patience: 1 }), end],
    });
    // Each epoch logs the rate it trained with: the first plateau ends after epoch 1.
    expect(history.history.learning_rate).toEqual([0.001, 0.001, 0.0005, 0.00025]);
    expect(m.optimizer.learningRate).toBe(0.000125);
    expect(trainEndLogs.loss).toBe(history.history.loss[3]);
    expect(trainEndLogs.learning_rate).toBe(0.00025);
  });
});
