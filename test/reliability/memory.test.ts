// Long runs do not leak: after a warm-up, 50 epochs of fit (with validation and metrics), 1000
// calls of predict and of evaluate, and fit with a custom trainStep leave memory() (live tensors
// and GPU bytes in use) exactly where it was.

import { describe, expect, it } from 'vitest';
import { GradientTape, LambdaCallback, Model, Sequential, layers, memory, ops, tidy, type MemoryInfo, type StepData, type StepLogs, type Tensor, type Variable } from '../../src/node';
import { useWebGPU } from '../helpers';

useWebGPU();

function small(): Sequential {
  const model = new Sequential();
  model.add(new layers.Dense({ units: 16, inputShape: [6], activation: 'relu' }));
  model.add(new layers.BatchNormalization());
  model.add(new layers.Dropout({ rate: 0.1 }));
  model.add(new layers.Dense({ units: 3, activation: 'softmax' }));
  return model;
}

function data(n: number) {
  return tidy(() => {
    const x = ops.randomUniform([n, 6], { seed: 7 });
    const y = ops.oneHot(ops.argMax(x.slice([0, 0], [n, 3]), -1), 3);
    return { x, y };
  });
}

const usage = ({ liveTensors, gpuBytes }: MemoryInfo) => ({ liveTensors, gpuBytes });

/**
 * Memory after a forced garbage collection, so that garbage from earlier tests (collected by the
 * FinalizationRegistry safety net at unpredictable times) cannot move the counts during a loop.
 * The end of each loop is measured without collecting, so a leak cannot hide.
 */
async function collected(): Promise<{ liveTensors: number; gpuBytes: number }> {
  for (let i = 0; i < 3; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return usage(memory());
}

/** Records memory at the end of every epoch. */
function memoryPerEpoch(): { callback: LambdaCallback; seen: Array<{ liveTensors: number; gpuBytes: number }> } {
  const seen: Array<{ liveTensors: number; gpuBytes: number }> = [];
  return { seen, callback: new LambdaCallback({ onEpochEnd: () => void seen.push(usage(memory())) }) };
}

describe('memory stays flat', () => {
  it('over 50 epochs of fit with validation data and metrics', async () => {
    const model = small();
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy', 'mae'] });
    const { x, y } = data(96);
    const { callback, seen } = memoryPerEpoch();
    const before = await collected();
    const history = await model.fit(x, y, { epochs: 50, batchSize: 16, validationSplit: 0.25, verbose: 0, callbacks: [callback] });
    expect(history.history.loss.length).toBe(50);
    // Epochs 0 to 2 set up state that then stays: optimizer slots (epoch 0) and the compiled steps
    // of the full and the last, partial batch (traced on their 2nd and 3rd steps: epoch 2).
    expect(seen[49]).toEqual(seen[2]);
    expect(new Set(seen.slice(2).map((m) => JSON.stringify(m))).size).toBe(1);
    // After fit: only what the model keeps (optimizer slots, metric state, compiled steps) was added,
    // and another fit on data of the same shapes reuses the compiled steps.
    const after = usage(memory());
    await model.fit(x, y, { epochs: 3, batchSize: 16, validationSplit: 0.25, verbose: 0 });
    expect(usage(memory())).toEqual(after);
    expect(after.liveTensors - before.liveTensors).toBe(model.optimizer.variables.length);
  });

  it('over 1000 calls of predict and of evaluate', async () => {
    const model = small();
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const { x, y } = data(40);
    const warm = async () => {
      (await model.predict(x, { batchSize: 20 }) as Tensor).dispose();
      await model.evaluate(x, y, { batchSize: 20 });
    };
    await warm();
    await warm();
    const start = await collected();
    for (let i = 0; i < 1000; i++) {
      const out = (await model.predict(x, { batchSize: 20 })) as Tensor;
      out.dispose();
    }
    expect(usage(memory())).toEqual(start);
    for (let i = 0; i < 1000; i++) await model.evaluate(x, y, { batchSize: 20 });
    expect(usage(memory())).toEqual(start);
  });

  it('over 50 epochs of fit with a custom trainStep', async () => {
    class ClippedModel extends Sequential {
      override trainStep([x, y]: StepData): StepLogs {
        const tape = new GradientTape();
        const loss = tape.record(() => this.computeLoss(x, y!, this.apply(x, { training: true }) as Tensor));
        const variables = this.trainableVariables;
        const grads = tape.gradient(loss, variables).map((g) => (g ? ops.clip(g, -0.5, 0.5) : null));
        this.optimizer.applyGradients(grads.map((g, i) => [g, variables[i]] as [Tensor | null, Variable]));
        this.lossTracker.updateState(loss);
        return { loss: this.lossTracker.result() };
      }
    }
    const model = new ClippedModel({ layers: small().layers.map((l) => l) });
    model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy' });
    const { x, y } = data(64);
    const { callback, seen } = memoryPerEpoch();
    await collected();
    const history = await model.fit(x, y, { epochs: 50, batchSize: 16, verbose: 0, callbacks: [callback] });
    expect(history.history.loss.at(-1)!).toBeLessThan(history.history.loss[0]);
    expect(seen[49]).toEqual(seen[1]);
  });

  it('over repeated save and load', async () => {
    const model = small();
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    const { x, y } = data(32);
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    const { loadModel } = await import('../../src/io/index');
    const cycle = async () => {
      await model.save('memory://leak-check');
      const copy = await loadModel('memory://leak-check');
      for (const w of copy.weights) w.dispose();
      copy.optimizer.dispose();
      for (const m of copy.metrics) m.dispose();
    };
    await cycle();
    const start = await collected();
    for (let i = 0; i < 20; i++) await cycle();
    expect(usage(memory())).toEqual(start);
  });
});

export type { Model };
