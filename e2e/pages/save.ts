// Trains a small model on WebGPU, then saves it to indexeddb://, localstorage:// and downloads://
// and loads the first two back, publishing what e2e/save.spec.ts checks: that the loaded models
// predict bit-identically, that fit continues identically (optimizer state included), and that
// listModels/removeModel see the stored models.

import { Sequential, getBackend, init, layers, listModels, loadModel, ops, removeModel, setRandomSeed, type Model, type Tensor } from 'webgpu-keras';

interface SaveReport {
  backend?: string;
  identical?: Record<string, boolean>;
  continued?: Record<string, boolean>;
  listed?: string[];
  afterRemove?: string[];
  downloadStarted?: boolean;
  error?: string;
}

declare global {
  interface Window {
    saveReport?: SaveReport;
  }
}

async function values(model: Model, x: Tensor): Promise<number[]> {
  return Array.from(await ((await model.predict(x)) as Tensor).data());
}

async function continueTraining(model: Model, x: Tensor, y: Tensor): Promise<number[]> {
  setRandomSeed(5);
  const history = await model.fit(x, y, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 });
  return history.history.loss;
}

async function run(): Promise<SaveReport> {
  await init({ backend: 'webgpu' });
  const report: SaveReport = { backend: getBackend(), identical: {}, continued: {} };
  setRandomSeed(3);
  const x = ops.randomNormal([32, 4], { seed: 1 });
  const y = ops.oneHot(ops.matmul(x, ops.randomNormal([4, 3], { seed: 2 })).argMax(-1), 3);
  const model = new Sequential({ name: 'saved' });
  model.add(new layers.Dense({ units: 8, inputShape: [4], activation: 'relu' }));
  model.add(new layers.Dense({ units: 3, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0 });

  const expected = await values(model, x);
  for (const url of ['indexeddb://e2e-model', 'localstorage://e2e-model']) await model.save(url);
  const expectedLosses = await continueTraining(model, x, y);
  for (const url of ['indexeddb://e2e-model', 'localstorage://e2e-model']) {
    const loaded = await loadModel(url);
    const got = await values(loaded, x);
    report.identical![url] = got.length === expected.length && got.every((v, i) => Object.is(v, expected[i]));
    const losses = await continueTraining(loaded, x, y);
    report.continued![url] = losses.every((l, i) => Object.is(l, expectedLosses[i]));
  }
  report.listed = Object.keys(await listModels()).sort();
  await removeModel('indexeddb://e2e-model');
  await removeModel('localstorage://e2e-model');
  report.afterRemove = Object.keys(await listModels());
  await model.save('downloads://e2e-model');
  report.downloadStarted = true;
  return report;
}

run()
  .then((report) => (window.saveReport = report))
  .catch((e: Error) => (window.saveReport = { error: e.stack ?? e.message }))
  .finally(() => (document.getElementById('status')!.textContent = 'done'));
