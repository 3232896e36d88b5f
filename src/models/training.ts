// The epoch loop of `fit`: data uploaded once, a shuffled permutation per epoch whose batch
// indices are uploaded per step, batches gathered on the device, every step inside a tidy scope and, unless the model runs
// eagerly, replayed from a trace once it repeats (step_capture.ts), logs read back once per epoch
// (per batch only for callbacks that ask), validation, callbacks and yielding to the event loop.

import { History, type Callback, type Logs } from '../callbacks/callback';
import { ProgressBar } from '../callbacks/progress';
import { fromTypedArray } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { submitRecordedWork } from '../backend/engine';
import { inBrowser, yieldToEventLoop } from '../backend/environment';
import { drawSeed } from '../ops/random';
import { finiteCount } from '../ops/finite_count';
import { checkBatchSize, checkFinite, classWeightsToSampleWeights, DataScope, sliceRows, takeRows, toStepDatasets, type DataInput } from './data';
import type { Model } from './model';
import { checkOptionNames } from '../ops/validate';
import { evaluateBatches } from './evaluation';
import { disposeLogs, readLogs, stepData, type StepLogs } from './step_data';

export interface FitOptions {
  epochs?: number;
  /** Samples per step (default 32). */
  batchSize?: number;
  /** Fraction of the data (the last samples, before shuffling) kept for validation, sample weights included. */
  validationSplit?: number;
  /** Validation data: [x, y] or [x, y, sampleWeight]. */
  validationData?: [DataInput, DataInput] | [DataInput, DataInput, DataInput];
  /**
   * A weight per sample (first dimension: the samples, as x), multiplied into the loss and the
   * weighted metrics (compile's `weightedMetrics`), as Keras's sample_weight.
   */
  sampleWeight?: DataInput;
  /**
   * Weights by class index, such as { 0: 1, 1: 10 } for a rare class 1 (Keras's class_weight):
   * each training sample weighs its class's weight, 1 for classes not listed. The class is the
   * argmax of y's last axis, or y itself for integer labels. Single-output models; not together
   * with sampleWeight.
   */
  classWeight?: Record<number, number>;
  /** Shuffle the training samples every epoch (default true). */
  shuffle?: boolean;
  callbacks?: Callback[];
  /** 1 (or 2) prints a Keras-style line per epoch (Node); 0 is silent. Default 1 in Node, 0 in browsers. */
  verbose?: 0 | 1 | 2;
  initialEpoch?: number;
  /**
   * Give the event loop a turn every this many milliseconds, so a page stays responsive
   * (default 16 in browsers, never in Node). 0 yields after every batch.
   */
  yieldEvery?: number | 'never';
  /** Seed for the shuffling order (default: random). */
  seed?: number;
  /**
   * Check once, before training, that x, y and the validation data hold no NaN or infinite
   * values, and throw naming the first bad sample (default false: it costs one GPU reduction and
   * readback per fit).
   */
  checkFinite?: boolean;
}

/**
 * fit submits recorded steps once this many dispatches wait: every step of a large model, every
 * few steps of a small one (the quickstart's steps make 15). Measured on SwiftShader, submitting
 * the quickstart's steps three at a time took a fifth off the CPU time of a step.
 */
const MIN_DISPATCHES_PER_SUBMIT = 32;

/** FitOptions' names, for checkOptionNames (the type keeps the list complete). */
const FIT_OPTIONS: Record<keyof FitOptions, true> = {
  epochs: true,
  batchSize: true,
  validationSplit: true,
  validationData: true,
  sampleWeight: true,
  classWeight: true,
  shuffle: true,
  callbacks: true,
  verbose: true,
  initialEpoch: true,
  yieldEvery: true,
  seed: true,
  checkFinite: true,
};

export async function runFit(model: Model, x: DataInput, y: DataInput, options: FitOptions): Promise<History> {
  checkOptionNames('fit', options, FIT_OPTIONS);
  const { epochs = 1, batchSize = 32, validationSplit = 0, shuffle = true, initialEpoch = 0 } = options;
  checkBatchSize('fit', batchSize);
  if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`fit: epochs must be a non-negative integer, got ${epochs}.`);
  if (!(validationSplit >= 0 && validationSplit < 1)) throw new Error(`fit: validationSplit must be in [0, 1), got ${validationSplit}.`);
  const verbose = options.verbose ?? (inBrowser() ? 0 : 1);
  const yieldEvery = options.yieldEvery ?? (inBrowser() ? 16 : 'never');

  const data = new DataScope();
  try {
    const { train, validation: valData, count } = await prepareData(model, x, y, options, data);
    const [trainX, trainY, trainW] = train;

    const history = new History();
    // As in Keras, History comes last: it records what the other callbacks added to the logs.
    const callbacks: Callback[] = [...(verbose > 0 ? [new ProgressBar()] : []), ...(options.callbacks ?? []), history];
    const steps = Math.ceil(count / batchSize);
    for (const cb of callbacks) {
      cb.setModel(model);
      cb.setParams({ epochs, steps, verbose, batchSize, samples: count });
    }
    const wantsBatchLogs = callbacks.some((cb) => cb.wantsBatchLogs);
    const random = seededShuffle(options.seed ?? drawSeed());
    model.stopTraining = false;
    model.history = history;
    const nonFinite = new NonFiniteLossTracker();
    const compiler = model.runEagerly ? null : model.compiledSteps();
    const program = stepProgram(trainX, trainY, trainW);
    for (const cb of callbacks) await cb.onTrainBegin({});
    let lastEpochLogs: Logs = {};
    let lastYield = now();
    for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
      model.resetMetrics();
      for (const cb of callbacks) await cb.onEpochBegin(epoch, {});
      const order = shuffle ? random(count) : Int32Array.from({ length: count }, (_, i) => i);
      let logs: StepLogs = {};
      try {
        nonFinite.startEpoch();
        for (let step = 0; step < steps; step++) {
          for (const cb of callbacks) await cb.onBatchBegin(step, {});
          const start = step * batchSize;
          const size = Math.min(batchSize, count - start);
          const next = tidy(() => {
            // The batch's indices are a small upload (no dispatch); its rows are gathered on the
            // device, inside the step program, which also counts the finite losses.
            const indices = fromTypedArray(order.slice(start, start + size), [size], 'int32');
            const body = () => nonFinite.count(model.trainStep(stepData(takeRows(trainX, indices), takeRows(trainY, indices), takeRows(trainW, indices))));
            return compiler ? compiler.runProgram(`${program.key}|${size}|${nonFinite.counting}`, [...program.args, indices, ...nonFinite.args], body) : body();
          });
          nonFinite.take(next);
          disposeLogs(logs);
          logs = next;
          // The device runs submitted steps while the next ones are recorded. A submission costs
          // the CPU about as much as a few dispatches, so small steps go a few at a time.
          submitRecordedWork(MIN_DISPATCHES_PER_SUBMIT);
          if (wantsBatchLogs) {
            const batchLogs = await readLogs(logs);
            for (const cb of callbacks) await cb.onBatchEnd(step, { ...batchLogs, batch: step, size });
          }
          if (yieldEvery !== 'never' && now() - lastYield >= yieldEvery) {
            // The device works on what was recorded while the page has its turn.
            submitRecordedWork();
            await yieldToEventLoop();
            lastYield = now();
          }
          if (model.stopTraining) break;
        }
        const epochLogs = await readLogs(logs);
        await nonFinite.report(epoch, history, epochLogs.loss);
        if (valData) {
          const valLogs = await evaluateBatches(model, valData, batchSize, callbacks);
          for (const [k, v] of Object.entries(valLogs)) epochLogs[`val_${k}`] = v;
        }
        for (const cb of callbacks) await cb.onEpochEnd(epoch, epochLogs);
        lastEpochLogs = epochLogs;
      } finally {
        disposeLogs(logs);
        nonFinite.endEpoch();
      }
    }
    for (const cb of callbacks) await cb.onTrainEnd(lastEpochLogs);
    return history;
  } finally {
    data.release();
  }
}

/** fit's data sets: [x, y, sample weights] to train on and to validate on (null without validation). */
interface FitData {
  train: Tensor[][];
  validation: Tensor[][] | null;
  /** Training samples. */
  count: number;
}

/**
 * Converts and checks fit's data before any GPU work (what it makes is freed with `data`),
 * splits off validationSplit's samples (sample weights included), and turns classWeight into the
 * training samples' weights.
 */
async function prepareData(model: Model, x: DataInput, y: DataInput, options: FitOptions, data: DataScope): Promise<FitData> {
  const { validationSplit = 0, validationData } = options;
  const { xs, ys, ws, classWeights, count: total } = toStepDatasets('fit', model.dataNames(), data, x, y, options.sampleWeight, options.classWeight);
  const held = validationData ? toStepDatasets('fit', model.dataNames(), data, validationData[0], validationData[1], validationData[2], undefined, 'validation ') : null;
  const validation = held ? [held.xs, held.ys, held.ws] : null;
  model.checkInputShapes('fit', xs);
  if (options.checkFinite) {
    const parts: Array<[string, Tensor[]]> = [['x', xs], ['y', ys], ['sampleWeight', ws]];
    if (validation) parts.push(['validation x', validation[0]], ['validation y', validation[1]], ['validation sampleWeight', validation[2]]);
    await checkFinite('fit', parts);
  }

  let fitData: FitData = { train: [xs, ys, ws], validation, count: total };
  if (validationSplit > 0 && !validation) {
    const valCount = Math.floor(total * validationSplit);
    const count = total - valCount;
    if (count === 0 || valCount === 0) throw new Error(`fit: validationSplit ${validationSplit} of ${total} samples leaves an empty training or validation set.`);
    const [train, held] = tidy(() => [[xs, ys, ws].map((t) => sliceRows(t, 0, count)), [xs, ys, ws].map((t) => sliceRows(t, count, valCount))]);
    data.own([...train.flat(), ...held.flat()]);
    fitData = { train, validation: held, count };
  }
  if (classWeights) {
    // Class weights apply to the training samples only, as in Keras.
    const weights = classWeightsToSampleWeights(fitData.train[1][0], classWeights);
    data.own([weights]);
    fitData.train = [fitData.train[0], fitData.train[1], [weights]];
  }
  return fitData;
}

/**
 * The data sets as a step program's arguments: each tensor memory once (fit(x, x) trains an
 * autoencoder on one tensor), and a key naming their shapes, dtypes and which are the same.
 */
function stepProgram(xs: Tensor[], ys: Tensor[], ws: Tensor[]): { key: string; args: Tensor[] } {
  const args: Tensor[] = [];
  const key = [...xs, ...ys, ...ws]
    .map((t) => {
      let index = args.findIndex((a) => a.storage === t.storage);
      if (index < 0) index = args.push(t) - 1;
      return `${index}:${t.dtype}[${t.shape.join(',')}]`;
    })
    .join(';');
  return { key: `fit|${xs.length}|${ys.length}|${key}`, args };
}

/** The log under which a step program returns its count of finite losses (not a metric name). */
const FINITE_STEPS = '\0finite steps';

/**
 * Finds the first batch whose loss became NaN or infinite without reading anything back per
 * batch. The logged loss is the epoch's running mean, which stays non-finite once one batch loss
 * was, so the first bad batch is the number of steps whose running loss was finite: an int32
 * counter on the device, one dispatch of each step program, read with the epoch's logs.
 */
class NonFiniteLossTracker {
  private finiteSteps: Tensor | null = null;
  private found = false;

  /** Whether steps count finite losses (until an epoch found a non-finite one). */
  get counting(): boolean {
    return !this.found;
  }

  /** The step program's argument: the count so far. */
  get args(): Tensor[] {
    return this.finiteSteps ? [this.finiteSteps] : [];
  }

  startEpoch(): void {
    if (!this.found) this.finiteSteps = fromTypedArray(Int32Array.of(0), [], 'int32');
  }

  /** In the step program: the step's logs, with the count after this step added. */
  count(logs: StepLogs): StepLogs {
    const loss = logs.loss;
    if (!this.finiteSteps || loss === undefined) return logs;
    // A custom trainStep may log a number, or a loss that is not a float32 scalar (its sum is
    // finite when every element is).
    const value = typeof loss === 'number' ? fromTypedArray(Float32Array.of(loss), [], 'float32') : loss.dtype === 'float32' && loss.size === 1 ? loss : loss.cast('float32').sum();
    return { ...logs, [FINITE_STEPS]: finiteCount(value, this.finiteSteps) };
  }

  /** After the step program: takes the new count out of its logs. */
  take(logs: StepLogs): void {
    const count = logs[FINITE_STEPS];
    if (count === undefined) return;
    delete logs[FINITE_STEPS];
    this.finiteSteps?.dispose();
    this.finiteSteps = count as Tensor;
  }

  async report(epoch: number, history: History, lastLoss: number | undefined): Promise<void> {
    if (this.found || this.finiteSteps === null || lastLoss === undefined || Number.isFinite(lastLoss)) return;
    const [step] = await this.finiteSteps.data();
    this.found = true;
    history.firstNonFiniteLoss = { epoch, batch: step };
    console.warn(
      `fit: the loss became NaN or infinite at epoch ${epoch + 1}, batch ${step} (0-based batch index), and the weights are likely NaN from there on. ` +
        'Lower the learning rate, check the data with fit(x, y, { checkFinite: true }) and that sparse class labels are in [0, classes), ' +
        'or stop at once with the TerminateOnNaN callback.',
    );
  }

  endEpoch(): void {
    this.finiteSteps?.dispose();
    this.finiteSteps = null;
  }
}

/** Fisher-Yates permutations from a seeded generator. */
function seededShuffle(seed: number): (n: number) => Int32Array {
  let s = seed >>> 0;
  const random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (n) => {
    const order = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order;
  };
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
