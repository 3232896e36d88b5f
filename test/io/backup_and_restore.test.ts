// BackupAndRestore: a fit interrupted by a crash resumes, with the same callback, at the epoch
// its backup reached, with the weights and optimizer state of then, and ends with exactly the
// weights of a fit that was never interrupted; the backup goes when a fit ends normally.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BackupAndRestore, Callback, Input, Sequential, layers, listModels, ops, type Model, type Tensor } from '../../src/node';
import { useWebGPU } from '../helpers';
import { makeTempDir } from '../temp_dir';

useWebGPU();

/** Same architecture each time; `seed` picks the initial weights. */
function build(seed: number): Model {
  const model = new Sequential([
    Input({ shape: [4] }),
    new layers.Dense({ units: 6, activation: 'tanh', kernelInitializer: { className: 'GlorotUniform', config: { seed } } }),
    new layers.Dense({ units: 2, kernelInitializer: { className: 'GlorotUniform', config: { seed: seed + 1 } } }),
  ]);
  model.compile({ optimizer: 'adam', loss: 'mse' });
  return model;
}

function data() {
  return { x: ops.randomUniform([12, 4], { seed: 3 }), y: ops.randomUniform([12, 2], { seed: 4 }) };
}

/** Throws at the start of an epoch, as a crash would (fit never reaches onTrainEnd). */
class CrashAt extends Callback {
  constructor(readonly epoch: number) {
    super();
  }
  override onEpochBegin(epoch: number): void {
    if (epoch === this.epoch) throw new Error(`crash at epoch ${epoch}`);
  }
}

async function values(weights: Tensor[]): Promise<number[][]> {
  return Promise.all(weights.map(async (w) => Array.from(await w.data())));
}

const FIT = { epochs: 5, batchSize: 4, shuffle: false, verbose: 0 as const };

describe('BackupAndRestore', () => {
  it('resumes an interrupted fit and ends with the weights of an uninterrupted one', async () => {
    const { x, y } = data();
    const reference = build(1);
    const start = await values(reference.weights);
    const referenceHistory = await reference.fit(x, y, FIT);
    expect(referenceHistory.epoch).toEqual([0, 1, 2, 3, 4]);

    const backup = new BackupAndRestore({ backupDir: 'memory://bar-resume' });
    const crashed = build(1);
    expect(await values(crashed.weights)).toEqual(start);
    await expect(crashed.fit(x, y, { ...FIT, callbacks: [backup, new CrashAt(2)] })).rejects.toThrow('crash at epoch 2');
    expect(Object.keys(await listModels())).toContain('memory://bar-resume');

    // A new process: a model of the same architecture with other weights, the same callback setup.
    const resumed = build(7);
    expect(await values(resumed.weights)).not.toEqual(start);
    const history = await resumed.fit(x, y, { ...FIT, callbacks: [new BackupAndRestore({ backupDir: 'memory://bar-resume' })] });
    expect(history.epoch).toEqual([2, 3, 4]);
    expect(history.history.loss).toEqual(referenceHistory.history.loss.slice(2));
    expect(resumed.optimizer.iterations).toBe(reference.optimizer.iterations);
    expect(await values(resumed.weights)).toEqual(await values(reference.weights));
    // Ended normally: the backup is gone, and the next fit starts at epoch 0.
    expect(Object.keys(await listModels())).not.toContain('memory://bar-resume');
  });

  it('keeps the backup with deleteCheckpoint false, and deletes it after a fit stopped by a callback', async () => {
    const { x, y } = data();
    const kept = build(2);
    await kept.fit(x, y, { ...FIT, epochs: 2, callbacks: [new BackupAndRestore({ backupDir: 'memory://bar-kept', deleteCheckpoint: false })] });
    expect(Object.keys(await listModels())).toContain('memory://bar-kept');
    // The same callback on the finished run: nothing left to train.
    const again = await kept.fit(x, y, { ...FIT, epochs: 2, callbacks: [new BackupAndRestore({ backupDir: 'memory://bar-kept' })] });
    expect(again.epoch).toEqual([]);

    const stopper = new (class extends Callback {
      override onEpochEnd(epoch: number): void {
        if (epoch === 1) this.model.stopTraining = true;
      }
    })();
    const stopped = build(2);
    const history = await stopped.fit(x, y, { ...FIT, callbacks: [new BackupAndRestore({ backupDir: 'memory://bar-stopped' }), stopper] });
    expect(history.epoch).toEqual([0, 1]);
    expect(Object.keys(await listModels())).not.toContain('memory://bar-stopped');
  });

  it('backs up to a Node directory every few batches, and removes its files at the end', async () => {
    const { x, y } = data();
    const dir = join(makeTempDir('wk-backup-'), 'run');
    const crashed = build(4);
    await expect(crashed.fit(x, y, { ...FIT, callbacks: [new BackupAndRestore({ backupDir: dir, saveFreq: 2 }), new CrashAt(1)] })).rejects.toThrow('crash at epoch 1');
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'model.safetensors']);
    // 3 batches an epoch, a backup every 2: the last one was at batch 2 of epoch 0, so epoch 0 is redone.
    const resumed = build(4);
    const history = await resumed.fit(x, y, { ...FIT, epochs: 2, callbacks: [new BackupAndRestore({ backupDir: dir, saveFreq: 2 })] });
    expect(history.epoch).toEqual([0, 1]);
    expect(existsSync(dir)).toBe(false);
  });

  it('reads no batch logs back (fit reads them per batch only for callbacks that want them)', () => {
    expect(new BackupAndRestore({ backupDir: 'memory://no-batch-logs' }).wantsBatchLogs).toBe(false);
    expect(new BackupAndRestore({ backupDir: 'memory://no-batch-logs', saveFreq: 2 }).wantsBatchLogs).toBe(false);
  });

  it('rejects bad arguments and unbuilt models', async () => {
    expect(() => new BackupAndRestore({ backupDir: '' })).toThrow('BackupAndRestore: `backupDir` is required (a URL, a directory path, or an IOHandler).');
    expect(() => new BackupAndRestore({ backupDir: 'memory://b', saveFreq: 0 })).toThrow("BackupAndRestore: invalid value for argument saveFreq. Expected 'epoch' or a positive integer (a number of batches). Received: saveFreq=0");
    expect(() => new BackupAndRestore({ backupDir: 'memory://b', backup_dir: 'x' } as never)).toThrow(/backupDir/);
    const unbuilt = new Sequential([new layers.Dense({ units: 1 })]);
    unbuilt.compile({ optimizer: 'sgd', loss: 'mse' });
    const { x } = data();
    await expect(unbuilt.fit(x, ops.zeros([12, 1]), { ...FIT, callbacks: [new BackupAndRestore({ backupDir: 'memory://bar-unbuilt' })] })).rejects.toThrow(/BackupAndRestore: model '.*' must be built before fit\(\)/);
  });
});
