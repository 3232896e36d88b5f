// The demo page: WebGPU start-up (CPU backend as the announced fallback), the settings panels, the
// dataset and model they describe, the training session with its live views, Save/Load, and the
// "Extend it" and "Speed" panels. A small handle on window (webgpuKerasDemo) lets the Playwright
// suite read what a visitor sees and compare predictions.

import { init, tensor, type AdapterSummary, type BackendName, type Logs, type Tensor } from 'webgpu-keras';
import { LineChart, type Series } from './charts';
import { classCount, FIXED_CLASSES, makeDataset, type Dataset, type DatasetKind } from './datasets';
import { mountExtendPanel } from './extend';
import { drawBoundary, drawDigits, gridPoints } from './heatmap';
import { buildModel, describeLoss, encodeLabels, toProbabilities, type Activation, type BuiltModel, type HiddenLayer, type ModelConfig } from './model_builder';
import { hasSavedModel, loadSaved, saveModel } from './persistence';
import { compareSpeed, loadTfjs, speedSizes, type Tfjs } from './speed';
import { Trainer, type BatchProgress, type TrainerState } from './trainer';

/** Everything the settings panels hold; saved with a model so that Load rebuilds the same one. */
interface DemoConfig {
  dataset: DatasetKind;
  classes: number;
  noise: number;
  samples: number;
  model: ModelConfig;
  batchSize: number;
  epochs: number;
}

interface DemoHandle {
  backend: BackendName;
  adapter: AdapterSummary | null;
  state: TrainerState;
  totalSteps: number;
  /** The current model's class probabilities for 2-D points. */
  predict(points: number[][]): Promise<number[][]>;
}

declare global {
  interface Window {
    webgpuKerasDemo?: DemoHandle;
  }
}

const DATA_SEED = 7;
const WEIGHT_SEED = 1;
const VALIDATION_FRACTION = 0.2;
const UNIT_CHOICES = [2, 4, 8, 16, 32, 64];
const ACTIVATIONS: Activation[] = ['relu', 'tanh', 'sigmoid', 'gelu', 'linear'];
const MAX_HIDDEN_LAYERS = 4;
const GALLERY_SIZE = 36;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const input = (id: string) => $<HTMLInputElement>(id);
const select = (id: string) => $<HTMLSelectElement>(id);

// ---- Settings ---------------------------------------------------------------------------------

let hiddenLayers: HiddenLayer[] = [
  { units: 32, activation: 'relu' },
  { units: 32, activation: 'relu' },
];

function readConfig(): DemoConfig {
  return {
    dataset: select('dataset').value as DatasetKind,
    classes: Number(input('classes').value),
    noise: Number(input('noise').value),
    samples: Number(input('samples').value),
    model: {
      hidden: hiddenLayers.map((l) => ({ ...l })),
      normalization: select('normalization').value as ModelConfig['normalization'],
      trainStep: select('train-step').value as ModelConfig['trainStep'],
      loss: select('loss').value as ModelConfig['loss'],
      focalAlpha: Number(input('focal-alpha').value),
      focalGamma: Number(input('focal-gamma').value),
      focalImplementation: select('focal-implementation').value as ModelConfig['focalImplementation'],
      optimizer: select('optimizer').value as ModelConfig['optimizer'],
      learningRate: Number(select('learning-rate').value),
      seed: WEIGHT_SEED,
    },
    batchSize: Number(select('batch-size').value),
    epochs: Math.max(1, Math.min(500, Math.round(Number(input('epochs').value) || 1))),
  };
}

function applyConfig(config: DemoConfig): void {
  select('dataset').value = config.dataset;
  input('classes').value = String(config.classes);
  input('noise').value = String(config.noise);
  input('samples').value = String(config.samples);
  hiddenLayers = config.model.hidden.map((l) => ({ ...l }));
  select('normalization').value = config.model.normalization;
  select('train-step').value = config.model.trainStep;
  select('loss').value = config.model.loss;
  input('focal-alpha').value = String(config.model.focalAlpha);
  input('focal-gamma').value = String(config.model.focalGamma);
  select('focal-implementation').value = config.model.focalImplementation;
  select('optimizer').value = config.model.optimizer;
  select('learning-rate').value = String(config.model.learningRate);
  select('batch-size').value = String(config.batchSize);
  input('epochs').value = String(config.epochs);
  renderHiddenLayers();
  refreshSettingsText();
}

function renderHiddenLayers(): void {
  const list = $('hidden-layers');
  list.replaceChildren(
    ...hiddenLayers.map((layer, i) => {
      const row = document.createElement('div');
      row.className = 'hidden-layer';
      const index = document.createElement('span');
      index.className = 'index';
      index.textContent = String(i + 1);
      const units = document.createElement('select');
      units.setAttribute('aria-label', `Units of hidden layer ${i + 1}`);
      units.append(...UNIT_CHOICES.map((u) => new Option(`${u} units`, String(u), false, u === layer.units)));
      units.addEventListener('change', () => {
        layer.units = Number(units.value);
        settingsChanged();
      });
      const activation = document.createElement('select');
      activation.setAttribute('aria-label', `Activation of hidden layer ${i + 1}`);
      activation.append(...ACTIVATIONS.map((a) => new Option(a, a, false, a === layer.activation)));
      activation.addEventListener('change', () => {
        layer.activation = activation.value as Activation;
        settingsChanged();
      });
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'icon';
      remove.textContent = '×';
      remove.title = `Remove hidden layer ${i + 1}`;
      remove.addEventListener('click', () => {
        hiddenLayers.splice(i, 1);
        renderHiddenLayers();
        settingsChanged();
      });
      row.append(index, units, activation, remove);
      return row;
    }),
  );
  $<HTMLButtonElement>('add-layer').disabled = hiddenLayers.length >= MAX_HIDDEN_LAYERS;
}

/** Slider read-outs, fixed class counts, the focal options and the notes that explain the model. */
function refreshSettingsText(): void {
  const config = readConfig();
  const fixed = FIXED_CLASSES[config.dataset];
  const classes = classCount({ kind: config.dataset, classes: config.classes });
  input('classes').disabled = fixed !== undefined;
  $('classes-value').textContent = String(classes);
  $('noise-value').textContent = config.noise.toFixed(2);
  $('samples-value').textContent = String(config.samples);
  $('focal-alpha-value').textContent = config.model.focalAlpha.toFixed(2);
  $('focal-gamma-value').textContent = config.model.focalGamma.toFixed(1);
  $('focal-settings').hidden = config.model.loss !== 'focal';
  $('focal-implementation-field').hidden = classes !== 2;
  $('loss-note').textContent = `Loss: ${describeLoss(config.model, classes)}.`;
  const head = config.dataset === 'digits' ? 'Input 8×8 › Conv2D 8 › MaxPooling2D › Conv2D 16 › MaxPooling2D › Flatten' : 'Input (x, y)';
  const out = config.model.loss === 'focal' && classes === 2 ? 'Dense 1 (logit)' : `Dense ${classes} (softmax)`;
  $('architecture-note').textContent = `${head} › hidden layers › ${out}`;
}

// ---- Session: data, model, trainer ------------------------------------------------------------

interface Session {
  config: DemoConfig;
  dataset: Dataset;
  trainCount: number;
  built: BuiltModel;
  trainer: Trainer;
  tensors: Tensor[];
  /** Validation glyphs shown in the digits gallery. */
  gallery: Tensor | null;
}

let session: Session | null = null;
let grid: Tensor;
/** Where the current Train/Step session started and how many epochs it runs, for the progress bar. */
let run = { fromEpoch: 0, epochs: 1 };
const curves = { loss: [] as [number, number][], valLoss: [] as [number, number][], accuracy: [] as [number, number][], valAccuracy: [] as [number, number][] };
let lossChart: LineChart;
let accuracyChart: LineChart;

async function rebuild(): Promise<void> {
  if (session) {
    await session.trainer.stop();
    for (const t of session.tensors) t.dispose();
    session.gallery?.dispose();
    session.built.model.dispose();
  }
  const config = readConfig();
  const dataset = makeDataset({ kind: config.dataset, classes: config.classes, noise: config.noise, samples: config.samples, seed: DATA_SEED });
  const built = buildModel(config.model, dataset.sampleShape, dataset.classes);
  const trainCount = Math.round(dataset.count * (1 - VALIDATION_FRACTION));
  const width = dataset.sampleShape.reduce((a, b) => a * b, 1);
  const rows = (from: number, to: number) => tensor(dataset.x.subarray(from * width, to * width), [to - from, ...dataset.sampleShape]);
  const x = rows(0, trainCount);
  const xVal = rows(trainCount, dataset.count);
  const y = encodeLabels(dataset.labels.subarray(0, trainCount), dataset.classes, built.output);
  const yVal = encodeLabels(dataset.labels.subarray(trainCount), dataset.classes, built.output);
  const galleryCount = Math.min(GALLERY_SIZE, dataset.count - trainCount);
  const gallery = dataset.kind === 'digits' ? rows(trainCount, trainCount + galleryCount) : null;
  const trainer = new Trainer(built.model, { x, y, xVal, yVal }, trainerEvents);
  session = { config, dataset, trainCount, built, trainer, tensors: [x, y, xVal, yVal], gallery };

  $('summary').textContent = built.model.summary(() => {});
  for (const points of Object.values(curves)) points.length = 0;
  drawCurves();
  for (const id of ['stat-loss', 'stat-accuracy', 'stat-val-loss', 'stat-val-accuracy']) $(id).textContent = '–';
  setProgress(0, 'Ready: press Train, or Step for one batch');
  $('view-caption').textContent =
    dataset.kind === 'digits'
      ? `Validation digits and the model's guesses (green right, red wrong). ${trainCount} training, ${dataset.count - trainCount} validation glyphs.`
      : `Decision boundary: colour is the predicted class, shade its confidence. Filled dots: ${trainCount} training points; rings: ${dataset.count - trainCount} validation points.`;
  await redraw();
}

/** Redraws the heat map (2-D data) or the digit gallery from the current weights: one predict, one readback. */
async function redraw(): Promise<void> {
  const s = session!;
  if (s.gallery) {
    const outputs = (await s.built.model.predict(s.gallery, { batchSize: GALLERY_SIZE })) as Tensor;
    const guesses = outputs.argMax(-1);
    const predicted = new Int32Array(await guesses.data());
    outputs.dispose();
    guesses.dispose();
    const count = s.gallery.shape[0];
    drawDigits($<HTMLCanvasElement>('heatmap'), s.dataset.x.subarray(s.trainCount * 64, (s.trainCount + count) * 64), s.dataset.labels.subarray(s.trainCount, s.trainCount + count), predicted);
    return;
  }
  const outputs = (await s.built.model.predict(grid, { batchSize: grid.shape[0] })) as Tensor;
  const values = (await outputs.data()) as Float32Array;
  outputs.dispose();
  drawBoundary($<HTMLCanvasElement>('heatmap'), toProbabilities(values, s.built.output), s.dataset.classes, { x: s.dataset.x, labels: s.dataset.labels, trainCount: s.trainCount });
}

const trainerEvents = {
  batch(p: BatchProgress) {
    const x = p.epoch + (p.batch + 1) / p.stepsPerEpoch;
    curves.loss.push([x, p.logs.loss]);
    curves.accuracy.push([x, p.logs.accuracy]);
    $('stat-loss').textContent = formatLoss(p.logs.loss);
    $('stat-accuracy').textContent = formatPercent(p.logs.accuracy);
    const done = p.epoch - run.fromEpoch + (p.batch + 1) / p.stepsPerEpoch;
    const paused = session?.trainer.state === 'paused' ? 'Paused · ' : '';
    setProgress(done / run.epochs, `${paused}Epoch ${p.epoch + 1} / ${run.fromEpoch + run.epochs} · step ${p.batch + 1} / ${p.stepsPerEpoch} · ${Math.round(p.samplesPerSecond).toLocaleString('en-US')} samples/s · ${p.totalSteps} steps in all`);
    scheduleCurves();
  },
  epoch(epoch: number, logs: Logs) {
    curves.valLoss.push([epoch + 1, logs.val_loss]);
    curves.valAccuracy.push([epoch + 1, logs.val_accuracy]);
    $('stat-val-loss').textContent = formatLoss(logs.val_loss);
    $('stat-val-accuracy').textContent = formatPercent(logs.val_accuracy);
    scheduleCurves();
  },
  redraw,
  state: showState,
  failed(error: Error) {
    showMessage(`Training stopped: ${error.message}`, true);
    console.error(error);
  },
};

let curvesScheduled = false;
function scheduleCurves(): void {
  if (curvesScheduled) return;
  curvesScheduled = true;
  requestAnimationFrame(() => {
    curvesScheduled = false;
    drawCurves();
  });
}

function drawCurves(): void {
  const series = (train: [number, number][], val: [number, number][]): Series[] => [
    { label: 'train', color: '#2563eb', points: train },
    { label: 'validation', color: '#ea580c', dashed: true, points: val },
  ];
  lossChart.setSeries(series(curves.loss, curves.valLoss));
  accuracyChart.setSeries(series(curves.accuracy, curves.valAccuracy));
}

function showState(state: TrainerState): void {
  const busy = state === 'running';
  const buttons: Record<string, boolean> = {
    train: state === 'idle',
    pause: busy,
    resume: state === 'paused',
    step: !busy,
    reset: true,
    save: !busy,
    load: !busy && hasSavedModel(),
  };
  for (const [id, enabled] of Object.entries(buttons)) $<HTMLButtonElement>(id).disabled = !enabled;
  for (const id of ['data-settings', 'model-settings', 'training-settings']) $<HTMLFieldSetElement>(id).disabled = state !== 'idle';
  document.body.dataset.state = state;
  if (state === 'paused') $('progress-text').textContent = `Paused · ${$('progress-text').textContent!.replace(/^Paused · /, '')}`;
  if (state === 'idle' && session && session.trainer.totalSteps > 0) {
    setProgress(1, `Done: ${session.trainer.epochsDone} epochs, ${session.trainer.totalSteps} steps. Train again to continue, or Reset.`);
  }
}

function setProgress(fraction: number, text: string): void {
  $('progress-bar').style.width = `${Math.max(0, Math.min(1, fraction)) * 100}%`;
  $('progress-text').textContent = text;
}

function showMessage(text: string, error = false): void {
  const message = $('message');
  message.textContent = text;
  message.classList.toggle('error', error);
}

function formatLoss(v: number): string {
  return Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3)) : String(v);
}

function formatPercent(v: number): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '–';
}

// ---- Buttons ----------------------------------------------------------------------------------

/**
 * Rebuilds, saves and loads one at a time, with the toolbar disabled meanwhile, so that a quick
 * second click cannot interleave with them or act on a model about to be replaced.
 */
let queue: Promise<void> = Promise.resolve();
function serially(work: () => Promise<void>): Promise<void> {
  for (const button of document.querySelectorAll<HTMLButtonElement>('.toolbar button')) button.disabled = true;
  document.body.dataset.state = 'busy';
  queue = queue
    .then(work)
    .catch((e: Error) => {
      showMessage(e.message, true);
      console.error(e);
    })
    .finally(() => session && showState(session.trainer.state));
  return queue;
}

function startRun(): void {
  const s = session!;
  run = { fromEpoch: s.trainer.epochsDone, epochs: s.config.epochs };
}

function wireButtons(): void {
  $('train').addEventListener('click', () => {
    const s = session!;
    startRun();
    s.trainer.train(s.config.epochs, readConfig().batchSize);
    showMessage('');
  });
  $('pause').addEventListener('click', () => session!.trainer.pause());
  $('resume').addEventListener('click', () => session!.trainer.resume());
  $('step').addEventListener('click', () => {
    const s = session!;
    if (s.trainer.state === 'idle') startRun();
    s.trainer.step(s.config.epochs, readConfig().batchSize);
  });
  $('reset').addEventListener('click', () => serially(async () => {
    await rebuild();
    showMessage('Reset: new weights, same settings.');
  }));
  $('save').addEventListener('click', () => serially(async () => {
    const s = session!;
    await saveModel(s.built.model, s.config);
    showMessage(`Saved in this browser (localStorage): ${s.built.model.countParams().toLocaleString('en-US')} weights and the settings.`);
    showState(s.trainer.state);
  }));
  $('load').addEventListener('click', () => serially(async () => {
    const saved = loadSaved<DemoConfig>();
    if (!saved) return;
    applyConfig(saved.config);
    await rebuild();
    saved.restore(session!.built.model);
    await redraw();
    showMessage(`Loaded the model saved ${saved.savedAt.toLocaleString()}.`);
  }));
  $('add-layer').addEventListener('click', () => {
    hiddenLayers.push({ units: 8, activation: 'relu' });
    renderHiddenLayers();
    settingsChanged();
  });
  for (const id of ['dataset', 'classes', 'noise', 'samples', 'normalization', 'train-step', 'loss', 'focal-alpha', 'focal-gamma', 'focal-implementation', 'optimizer', 'learning-rate']) {
    $(id).addEventListener('input', refreshSettingsText);
    $(id).addEventListener('change', settingsChanged);
  }
  for (const id of ['batch-size', 'epochs']) $(id).addEventListener('change', () => (session!.config = { ...session!.config, batchSize: readConfig().batchSize, epochs: readConfig().epochs }));
}

/** A new dataset or model setting rebuilds the session (settings are locked while one trains). */
function settingsChanged(): void {
  refreshSettingsText();
  void serially(rebuild);
}

// ---- Speed panel ------------------------------------------------------------------------------

function wireSpeedPanel(adapter: AdapterSummary | null): void {
  const panel = $<HTMLDetailsElement>('speed');
  const status = $('speed-status');
  const runButton = $<HTMLButtonElement>('speed-run');
  let tfjs: Promise<Tfjs> | null = null;
  panel.addEventListener('toggle', () => {
    if (!panel.open || tfjs) return;
    if (!adapter) {
      status.textContent = 'The comparison needs WebGPU, which this browser does not offer.';
      return;
    }
    tfjs = loadTfjs();
    tfjs.then(
      (t) => {
        status.textContent = `TensorFlow.js ${t.version} is ready on its WebGPU backend. Sizes are ${adapter.isFallback ? 'kept small for this fallback (software) adapter' : 'sized for a real GPU'}.`;
        runButton.disabled = false;
      },
      (e: Error) => {
        status.textContent = `TensorFlow.js could not start: ${e.message}`;
      },
    );
  });
  runButton.addEventListener('click', async () => {
    runButton.disabled = true;
    session?.trainer.pause();
    const body = $('speed-table').querySelector('tbody')!;
    body.replaceChildren();
    status.textContent = 'Measuring… (training is paused meanwhile)';
    try {
      await compareSpeed(await tfjs!, speedSizes(adapter!.isFallback), (row) => {
        const tr = document.createElement('tr');
        const ratio = row.webgpuKeras / row.tfjs;
        for (const text of [row.test, row.shape, `${row.webgpuKeras.toFixed(2)} ${row.unit}`, `${row.tfjs.toFixed(2)} ${row.unit}`, `${ratio.toFixed(2)}×`]) {
          const td = document.createElement('td');
          td.textContent = text;
          tr.append(td);
        }
        tr.dataset.test = row.test;
        body.append(tr);
      });
      status.textContent = 'Done. Ratio above 1: webgpu-keras is faster. Timings on a fallback adapter say little about real GPUs.';
    } catch (e) {
      status.textContent = `The comparison failed: ${(e as Error).message}`;
      console.error(e);
    } finally {
      runButton.disabled = false;
    }
  });
}

// ---- Start ------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { backend, adapter } = await init();
  const badge = $('backend');
  badge.dataset.backend = backend;
  badge.innerHTML =
    backend === 'webgpu' && adapter
      ? `<strong>WebGPU</strong> · ${escape(adapter.vendor || 'unknown vendor')} / ${escape(adapter.architecture || 'unknown architecture')}${adapter.description ? ` · ${escape(adapter.description)}` : ''}${adapter.isFallback ? ' · fallback (software) adapter' : ''}`
      : `<strong>CPU backend</strong> · WebGPU is not available in this browser${'gpu' in navigator ? ' (no adapter)' : ''}, so training runs on the CPU fallback`;

  grid = tensor(gridPoints(), [gridPoints().length / 2, 2]);
  lossChart = new LineChart($<HTMLCanvasElement>('loss-chart'), { yMin: 0, formatY: (y) => (y >= 10 ? y.toFixed(0) : y.toFixed(2)) });
  accuracyChart = new LineChart($<HTMLCanvasElement>('accuracy-chart'), { yMin: 0, yMax: 1, formatY: (y) => `${Math.round(y * 100)}%` });
  renderHiddenLayers();
  refreshSettingsText();
  wireButtons();
  wireSpeedPanel(backend === 'webgpu' ? adapter : null);
  mountExtendPanel($('extend-tabs'), $('extend-body'), async () => session?.trainer.pause());
  await serially(rebuild);

  window.webgpuKerasDemo = {
    backend,
    adapter,
    get state() {
      return session!.trainer.state;
    },
    get totalSteps() {
      return session!.trainer.totalSteps;
    },
    async predict(points) {
      const x = tensor(points);
      const outputs = (await session!.built.model.predict(x, { batchSize: points.length })) as Tensor;
      x.dispose();
      const values = toProbabilities((await outputs.data()) as Float32Array, session!.built.output);
      outputs.dispose();
      const classes = session!.dataset.classes;
      return points.map((_, i) => Array.from(values.subarray(i * classes, (i + 1) * classes)));
    },
  };
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

main().catch((e: Error) => {
  showMessage(`The demo could not start: ${e.message}`, true);
  console.error(e);
});
