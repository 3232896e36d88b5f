// Trains a small model on WebGPU, then saves it to indexeddb://, localstorage:// and downloads://
// and loads the first two back, publishing what e2e/save.spec.ts checks: that the loaded models
// predict bit-identically, that fit continues identically (optimizer state included), and that
// listModels/removeModel see the stored models; saves it as a Keras file (a download, and bytes
// that load back). Then loads models saved by Keras 3 in Python from
// the test fixtures by URL (a whole model from a stored .keras archive, weights from a deflated
// one, inflated by the browser's DecompressionStream), publishing their largest difference from
// the fixtures' formula (test/fixtures/keras/make_fixtures.py).

import { Sequential, getBackend, init, layers, listModels, loadKerasModel, loadKerasWeights, loadModel, ops, removeModel, saveKerasModel, setRandomSeed, tensor, type Model, type Tensor } from 'webgpu-keras';

interface SaveReport {
  backend?: string;
  identical?: Record<string, boolean>;
  continued?: Record<string, boolean>;
  listed?: string[];
  afterRemove?: string[];
  downloadStarted?: boolean;
  /** Whether the model saved as a Keras file (saveKerasModel's bytes) loads back predicting bit-identically. */
  kerasFileIdentical?: boolean;
  /** The error of saving a Keras file to a plain path, which a browser cannot write. */
  kerasPathError?: string;
  /** Largest difference of the Keras models' predictions and weights from the fixtures' formula. */
  kerasError?: number;
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
  await model.save('downloads://e2e-model.keras');
  report.downloadStarted = true;
  const fromKerasFile = await values(await loadKerasModel(await saveKerasModel(model)), x);
  const now = await values(model, x);
  report.kerasFileIdentical = fromKerasFile.length === now.length && fromKerasFile.every((v, i) => Object.is(v, now[i]));
  report.kerasPathError = await model.save('models/e2e.keras').then(() => 'saved', (e: Error) => e.message);
  report.kerasError = await kerasFixturesError();
  return report;
}

/** make_fixtures.py's values(seed, count) in float64. */
const formula = (seed: number, count: number) => Array.from({ length: count }, (_, i) => Math.sin(0.37 * i + seed) / 2);

async function kerasFixturesError(): Promise<number> {
  // functional.keras: Dense(3), BatchNormalization, Concatenate with the input, Dense(2).
  const model = await loadModel('/test/fixtures/keras/functional.keras');
  const x = [[0.5, -1, 2, 0.25], [-0.3, 0.8, 0.1, -2]];
  const got = Array.from(await ((await model.predict(tensor(x))) as Tensor).data());
  const [k1, b1, gamma, beta, mean, variance, k2, b2] = [formula(51, 12), formula(52, 3), formula(53, 3), formula(54, 3), formula(55, 3), formula(56, 3).map((v) => Math.fround(v) + 1), formula(57, 14), formula(58, 2)];
  const expected = x.flatMap((row) => {
    const h = [0, 1, 2].map((j) => row.reduce((s, v, i) => s + v * k1[i * 3 + j], b1[j]));
    const joined = [...h.map((v, j) => ((v - mean[j]) / Math.sqrt(variance[j] + 1e-3)) * gamma[j] + beta[j]), ...row];
    return [0, 1].map((j) => joined.reduce((s, v, i) => s + v * k2[i * 2 + j], b2[j]));
  });
  let error = Math.max(...got.map((v, i) => Math.abs(v - expected[i])));
  // lstm_deflated.keras: the LSTM cell's kernel.
  const lstm = new Sequential({ layers: [new layers.LSTM({ units: 3, inputShape: [5, 2] }), new layers.Dense({ units: 1 })] });
  await loadKerasWeights(lstm, '/test/fixtures/keras/lstm_deflated.keras');
  const kernel = Array.from(await lstm.layers[0].weights[0].data());
  error = Math.max(error, ...formula(11, 24).map((v, i) => Math.abs(Math.fround(v) - kernel[i])));
  return got.length === 4 && kernel.length === 24 ? error : Infinity;
}

run()
  .then((report) => (window.saveReport = report))
  .catch((e: Error) => (window.saveReport = { error: e.stack ?? e.message }))
  .finally(() => (document.getElementById('status')!.textContent = 'done'));
