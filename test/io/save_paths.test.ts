// File extensions of save and saveWeights (src/io/save_paths.ts) and ModelCheckpoint's verbose
// lines: a path naming a format the call does not write is an error before anything is written
// (as Keras; keras.io's weather example's 'model_checkpoint.h5' with save_weights_only is one),
// and with saveBestOnly each epoch says whether the monitored value improved, as Keras's does.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Input, LambdaCallback, ModelCheckpoint, Sequential, layers, tensor } from '../../src/node';
import { checkSavePath } from '../../src/io/save_paths';
import { useWebGPU } from '../helpers';

useWebGPU();

const dir = mkdtempSync(join(tmpdir(), 'save-paths-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tinyModel(): Sequential {
  return new Sequential({ layers: [Input({ shape: [1] }), new layers.Dense({ units: 1 })] });
}

describe('checkSavePath', () => {
  it("saveWeights takes '.weights.h5' or another format's target, not '.keras' or a bare '.h5'", () => {
    for (const ok of ['a.weights.h5', 'dir/a', 'memory://a.h5', 'indexeddb://a.keras', 'file:///tmp/a.weights.h5']) expect(() => checkSavePath(ok, 'saveWeights')).not.toThrow();
    expect(() => checkSavePath('model_checkpoint.h5', 'saveWeights')).toThrow("saveWeights: the filename must end in '.weights.h5' to save weights in Keras's format");
    expect(() => checkSavePath('m.keras', 'saveWeights')).toThrow('Received: filepath=m.keras');
  });

  it("save takes '.keras' or another format's target, not '.weights.h5' or a legacy '.h5'", () => {
    for (const ok of ['a.keras', 'dir/a', 'memory://a.weights.h5']) expect(() => checkSavePath(ok, 'save')).not.toThrow();
    expect(() => checkSavePath('a.weights.h5', 'save')).toThrow("save: '.weights.h5' files hold weights only");
    expect(() => checkSavePath('a.h5', 'save')).toThrow("save: legacy HDF5 ('.h5') model files are not written");
  });

  it('model.saveWeights and model.save refuse before writing anything', async () => {
    const model = tinyModel();
    await expect(model.saveWeights(join(dir, 'w.h5'))).rejects.toThrow("must end in '.weights.h5'");
    await expect(model.save(join(dir, 'm.weights.h5'))).rejects.toThrow('hold weights only');
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(dir, 'w.h5')) || existsSync(join(dir, 'm.weights.h5'))).toBe(false);
  });
});

describe('ModelCheckpoint', () => {
  it('checks the extension when constructed, for the kind of save it makes', () => {
    expect(() => new ModelCheckpoint({ filepath: 'model_checkpoint.h5', saveWeightsOnly: true })).toThrow("ModelCheckpoint: the filename must end in '.weights.h5'");
    expect(() => new ModelCheckpoint({ filepath: 'best.weights.h5' })).toThrow("ModelCheckpoint: '.weights.h5' files hold weights only");
    expect(() => new ModelCheckpoint({ filepath: 'best-{epoch:02d}.weights.h5', saveWeightsOnly: true })).not.toThrow();
  });

  it("with saveBestOnly and verbose 1, says whether the monitored value improved, as Keras's lines", async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const model = tinyModel();
      model.compile({ optimizer: 'sgd', loss: 'mse' });
      const scores = [3, 1, 2];
      const setScore = new LambdaCallback({ onEpochEnd: (epoch, logs) => void (logs!.score = scores[epoch]) });
      const path = join(dir, 'best.weights.h5');
      const checkpoint = new ModelCheckpoint({ filepath: path, monitor: 'score', mode: 'min', saveBestOnly: true, saveWeightsOnly: true, verbose: 1 });
      await model.fit(tensor([[1], [2]]), tensor([[1], [2]]), { epochs: 3, verbose: 0, callbacks: [setScore, checkpoint] });
      expect(log.mock.calls.map((call) => call[0])).toEqual([
        `Epoch 1: score improved from None to 3.00000, saving model to ${path}`,
        `Epoch 2: score improved from 3.00000 to 1.00000, saving model to ${path}`,
        'Epoch 3: score did not improve from 1.00000',
      ]);
    } finally {
      log.mockRestore();
    }
  });
});
