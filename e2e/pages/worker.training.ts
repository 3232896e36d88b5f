// A module Web Worker that trains with webgpu-keras off the main thread: init() on the worker's own
// navigator.gpu (WebGPU only, no CPU fallback), a small MLP fitted on a separable problem, and one
// message back with the backend, the adapter, the loss history and the main-thread-free timing.

import { Sequential, getBackend, init, layers, ops, optimizers, randomUniform, setRandomSeed, tidy, type AdapterSummary } from 'webgpu-keras';

export interface WorkerReport {
  backend?: string;
  adapter?: AdapterSummary | null;
  /** The worker's global scope, to prove the code did not run on the page. */
  scope?: string;
  loss?: number[];
  accuracy?: number[];
  seconds?: number;
  error?: string;
}

async function train(): Promise<WorkerReport> {
  const { adapter } = await init({ backend: 'webgpu' });
  setRandomSeed(5);
  const { x, y } = tidy(() => {
    const x = randomUniform([256, 2], { minval: -1, maxval: 1 });
    // The class is which side of the line x0 + x1 = 0 a point lies on.
    const y = ops.oneHot(x.sum(-1).greater(0).cast('int32'), 2);
    return { x, y };
  });
  const model = new Sequential();
  model.add(new layers.Dense({ units: 16, inputShape: [2], activation: 'relu' }));
  model.add(new layers.Dense({ units: 2, activation: 'softmax' }));
  model.compile({ optimizer: new optimizers.Adam({ learningRate: 0.02 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  const start = performance.now();
  const history = await model.fit(x, y, { epochs: 10, batchSize: 32 });
  x.dispose();
  y.dispose();
  return {
    backend: getBackend(),
    adapter,
    scope: self.constructor.name,
    loss: history.history.loss,
    accuracy: history.history.accuracy,
    seconds: (performance.now() - start) / 1000,
  };
}

train().then(
  (report) => self.postMessage(report),
  (e: unknown) => self.postMessage({ error: (e as Error).stack ?? String(e) } satisfies WorkerReport),
);
