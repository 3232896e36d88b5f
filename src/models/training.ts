// The epoch loop of `fit`: data uploaded once, a shuffled permutation per epoch whose batch
// indices are uploaded per step, batches gathered on the device (or a dataset's batches, see
// batch_feed.ts), every step inside a tidy scope and, unless the model runs eagerly, replayed from
// a trace once it repeats (step_capture.ts), logs read back once per epoch (per batch only for
// callbacks that ask), validation, callbacks and yielding to the event loop.

import { checkCallbacks, type Callback, type History, type Logs } from '../callbacks/callback';
import { CallbackList } from '../callbacks/callback_list';
import { fromTypedArray } from '../tensor/creation';
import { isBatchSource, warnBatchSizeIgnored, type BatchSource } from './batch_source';
import { checkStepCount, datasetFeed, gatheredFeed, slicedFeed, warnRanOut } from './batch_feed';
import { tidy } from '../tensor/memory';
import { Tensor } from '../tensor/tensor';
import { maxEpochs } from '../backend/config';
import { submitRecordedWork } from '../backend/engine';
import { inBrowser, yieldToEventLoop } from '../backend/environment';
import { drawSeed, hostPermutations } from '../ops/random';
import { finiteCount } from '../ops/finite_count';
import { checkBatchSize, checkFinite, classWeightsToSampleWeights, DataScope, sliceRows, toStepDatasets, type DataInput, type DataTensors } from './data';
import type { Model } from './model';
import { checkOptionNames } from '../ops/validate';
import { evaluateBatches } from './evaluation';
import { disposeLogs, readLogs, type StepLogs } from './step_data';

export interface FitOptions {
  epochs?: number;
  /** Samples per step (default 32). */
  batchSize?: number;
  /** Fraction of the data (the last samples, before shuffling) kept for validation, sample weights included. */
  validationSplit?: number;
  /**
   * Validation data: [x, y] or [x, y, sampleWeight], or a dataset of such batches ([x] or
   * [x, undefined] for a model whose losses need no targets).
   */
  validationData?: [DataInput] | [DataInput, DataInput | undefined] | [DataInput, DataInput | undefined, DataInput] | BatchSource;
  /**
   * Validate every this many epochs (Keras's validation_freq; default 1): after epochs N, 2N, ...
   * (1-based), or after the epochs of a list, such as [1, 5, 10]. The epochs without validation log
   * no val_ values.
   */
  validationFreq?: number | number[];
  /** Samples per validation batch, for validation data in memory (Keras's validation_batch_size; default batchSize). */
  validationBatchSize?: number;
  /**
   * Batches an epoch (Keras's steps_per_epoch; default: until the data ends). The iteration then
   * goes on across epochs, and a dataset that ends first interrupts training with a warning; data
   * in memory that ends first ends that epoch (with the warning) and the next starts a new pass.
   */
  stepsPerEpoch?: number;
  /** Batches of a validation dataset each validation takes (Keras's validation_steps; default: all). */
  validationSteps?: number;
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
  /**
   * Shuffle the training samples every epoch (default true); for a utils.PyDataset, the order of
   * its batches. Other datasets order their own batches.
   */
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
  stepsPerEpoch: true,
  validationSteps: true,
  validationFreq: true,
  validationBatchSize: true,
};

/**
 * Throws for what fit, evaluate and predict would otherwise misread as data or take its options
 * for targets: a function (a generator function rather than the generator it makes), or an array
 * of [x, y] batches (an array is data here, as a list is in Keras, not a dataset).
 */
export function checkDataIsNotADatasetMaker(op: string, x: unknown): void {
  if (typeof x === 'function') {
    throw new Error(
      `${op}: the data is a function (${x.name || 'anonymous'}); pass the batches it makes (${op}(${x.name || 'batches'}(), ...), a generator, which one pass uses up) or an object whose [Symbol.iterator]() makes them anew, as a tf.data.Dataset is iterated each epoch.`,
    );
  }
  if (!Array.isArray(x)) return;
  const isBatch = (entry: unknown) => Array.isArray(entry) && (entry[0] instanceof Tensor || (typeof entry[0] === 'object' && entry[0] !== null && Object.getPrototypeOf(entry[0]) === Object.prototype));
  if (x.length === 0 || !x.every(isBatch)) return;
  throw new Error(
    `${op}: the data is an array of ${x.length} batches (arrays such as [x, y]); an array is data, not a dataset. Pass the batches as a dataset: a generator (one pass uses it up) or an object whose [Symbol.iterator]() starts over each epoch, such as { [Symbol.iterator]: () => batches[Symbol.iterator]() }.`,
  );
}

/**
 * Throws when fit's y is a record of fit's own option names (fit(x, { epochs: 5 }) for a model
 * without targets), which would otherwise be read as targets by output name.
 */
export function checkTargetsAreNotOptions(y: unknown, options: unknown): void {
  if (options !== undefined || typeof y !== 'object' || y === null || Object.getPrototypeOf(y) !== Object.prototype) return;
  const keys = Object.keys(y);
  if (keys.length > 0 && keys.every((k) => k in FIT_OPTIONS)) {
    throw new Error(`fit: the second argument is y, the targets, but it holds fit's options (${keys.join(', ')}); for a model without targets call fit(x, undefined, options).`);
  }
}

export async function runFit(model: Model, x: DataInput | BatchSource, y: DataInput | undefined, options: FitOptions): Promise<History> {
  checkOptionNames('fit', options, FIT_OPTIONS);
  const { epochs: askedEpochs = 1, batchSize = 32, validationSplit = 0, shuffle = true, initialEpoch = 0 } = options;
  checkBatchSize('fit', batchSize);
  if (!Number.isInteger(askedEpochs) || askedEpochs < 0) throw new Error(`fit: epochs must be a non-negative integer, got ${askedEpochs}.`);
  const epochs = cappedEpochs(askedEpochs);
  if (!(validationSplit >= 0 && validationSplit < 1)) throw new Error(`fit: validationSplit must be in [0, 1), got ${validationSplit}.`);
  checkCallbacks('fit', options.callbacks);
  checkStepCount('fit', 'stepsPerEpoch', options.stepsPerEpoch);
  checkStepCount('fit', 'validationSteps', options.validationSteps);
  const validates = validationSchedule(options.validationFreq);
  const validationBatchSize = options.validationBatchSize ?? batchSize;
  if (!Number.isInteger(validationBatchSize) || validationBatchSize <= 0) throw new Error(`fit: validationBatchSize must be a positive integer, got ${validationBatchSize}.`);
  const verbose = options.verbose ?? (inBrowser() ? 0 : 1);
  const yieldEvery = options.yieldEvery ?? (inBrowser() ? 16 : 'never');

  const data = new DataScope();
  try {
    const { train, validation } = await prepareData(model, x, y, options, data);
    const random = hostPermutations(options.seed ?? drawSeed());
    const count = isBatchSource(train) ? 0 : train.xs[0].shape[0];
    const feed = isBatchSource(train) ? datasetFeed('fit', 'train', model, train, options.stepsPerEpoch, options.classWeight, shuffle ? random : undefined) : gatheredFeed(train, batchSize, () => (shuffle ? random(count) : Int32Array.from({ length: count }, (_, i) => i)), options.stepsPerEpoch);
    const validationFeed = validation === null ? null : isBatchSource(validation) ? datasetFeed('fit', 'test', model, validation, options.validationSteps) : slicedFeed(validation, validationBatchSize);

    const callbacks = new CallbackList(options.callbacks, { addHistory: true, addProgbar: verbose > 0, model, params: { epochs, steps: feed.steps, verbose, batchSize, samples: feed.samples } });
    const history = callbacks.history!;
    const wantsBatchLogs = callbacks.wantsBatchLogs;
    model.stopTraining = false;
    model.history = history;
    const nonFinite = new NonFiniteLossTracker();
    const compiler = model.runEagerly ? null : model.compiledSteps();
    await callbacks.onTrainBegin({});
    // A callback may resume at a later epoch (BackupAndRestore, as Keras's _initial_epoch).
    const firstEpoch = model.resumeEpoch ?? initialEpoch;
    model.resumeEpoch = null;
    let lastEpochLogs: Logs = {};
    let lastYield = now();
    for (let epoch = firstEpoch; epoch < epochs && !model.stopTraining; epoch++) {
      model.resetMetrics();
      await callbacks.onEpochBegin(epoch, {});
      feed.beginEpoch();
      let logs: StepLogs = {};
      let steps = 0;
      try {
        nonFinite.startEpoch();
        for (let batch = await feed.next(0); batch; batch = await feed.next(steps)) {
          const step = steps++;
          let next: StepLogs;
          try {
            await callbacks.onTrainBatchBegin(step, {});
            next = tidy(() => {
              const body = () => nonFinite.count(model.trainStep(batch!.data()));
              return compiler ? compiler.runProgram(`${batch!.program.key}|${nonFinite.counting}`, [...batch!.program.args, ...nonFinite.args], body) : body();
            });
          } finally {
            batch.release();
          }
          nonFinite.take(next);
          disposeLogs(logs);
          logs = next;
          // The device runs submitted steps while the next ones are recorded. A submission costs
          // the CPU about as much as a few dispatches, so small steps go a few at a time.
          submitRecordedWork(MIN_DISPATCHES_PER_SUBMIT);
          // The values are read back only for callbacks that want them; the others' hooks get the batch and its size.
          const batchLogs = wantsBatchLogs ? await readLogs(logs) : {};
          await callbacks.onTrainBatchEnd(step, { ...batchLogs, batch: step, size: batch.size });
          if (yieldEvery !== 'never' && now() - lastYield >= yieldEvery) {
            // The device works on what was recorded while the page has its turn.
            submitRecordedWork();
            await yieldToEventLoop();
            lastYield = now();
          }
          if (model.stopTraining) break;
        }
        if (steps === 0 && feed.ranOut) {
          // The dataset ended exactly at the previous epoch's last step: Keras interrupts training.
          warnRanOut('training');
          model.stopTraining = true;
          break;
        }
        if (steps === 0) throw new Error(emptyEpochMessage(epoch));
        if (feed.ranOut) {
          warnRanOut('training');
          model.stopTraining = true;
        }
        // A dataset of unknown length: the callbacks learn its steps after its first epoch, as in Keras.
        if (feed.steps === undefined) callbacks.setParams({ ...callbacks.params, steps });
        const epochLogs = await readLogs(logs);
        await nonFinite.report(epoch, history, epochLogs.loss);
        if (validationFeed && validates(epoch)) {
          const valLogs = await evaluateBatches('fit', model, validationFeed, callbacks.callbacks);
          for (const [k, v] of Object.entries(valLogs)) epochLogs[`val_${k}`] = v;
        }
        await callbacks.onEpochEnd(epoch, epochLogs);
        lastEpochLogs = epochLogs;
      } finally {
        disposeLogs(logs);
        nonFinite.endEpoch();
      }
    }
    // As Keras: an optimizer with useEma leaves the weights at their moving average.
    if (epochs > 0) model.optimizer.finalizeVariableValues(model.trainableWeights);
    await callbacks.onTrainEnd(lastEpochLogs);
    return history;
  } finally {
    data.release();
  }
}

/** `epochs` capped at config.maxEpochs(), with Keras's warning when the cap applies (a debugging aid). */
function cappedEpochs(epochs: number): number {
  const cap = maxEpochs();
  if (cap === null || cap >= epochs) return epochs;
  console.warn(`Limiting epochs to ${cap} (config.maxEpochs()).`);
  return cap;
}

/**
 * Which epochs (0-based) validate, from the validationFreq option: every Nth (epochs N, 2N, ...
 * counted from 1, as Keras), or those of a list of 1-based epochs.
 */
function validationSchedule(frequency: number | number[] = 1): (epoch: number) => boolean {
  if (Array.isArray(frequency)) {
    if (frequency.length === 0 || !frequency.every((e) => Number.isInteger(e) && e > 0)) {
      throw new Error(`fit: validationFreq as a list must hold 1-based epoch numbers (positive integers), got [${frequency.join(', ')}].`);
    }
    const epochs = new Set(frequency);
    return (epoch) => epochs.has(epoch + 1);
  }
  if (!Number.isInteger(frequency) || frequency <= 0) throw new Error(`fit: validationFreq must be a positive integer or a list of 1-based epochs, got ${String(frequency)}.`);
  return (epoch) => (epoch + 1) % frequency === 0;
}

/** The error of an epoch to which a dataset gave no batch (Keras's "empty logs"). */
function emptyEpochMessage(epoch: number): string {
  return (
    `fit: the dataset gave no batch in epoch ${epoch + 1}. A generator object runs once: for several epochs, pass an object whose ` +
    '[Symbol.iterator]() (or [Symbol.asyncIterator]()) starts a new generator, or a generator that repeats with stepsPerEpoch.'
  );
}

/**
 * fit's data: [x, y, sample weights] in memory or a dataset, to train on and to validate on (null
 * without validation).
 */
interface FitData {
  train: DataTensors | BatchSource;
  validation: DataTensors | BatchSource | null;
}

/** fit's options that apply only to data in memory, and what to do instead with a dataset. */
const IN_MEMORY_OPTIONS: Array<[keyof FitOptions, string]> = [
  ['validationSplit', 'give validationData'],
  ['sampleWeight', 'yield [x, y, sampleWeight] batches'],
  ['checkFinite', 'check the batches as the dataset makes them, or stop at a non-finite loss with the TerminateOnNaN callback'],
];

/**
 * Converts and checks fit's data before any GPU work (what it makes is freed with `data`),
 * splits off validationSplit's samples (sample weights included), and turns classWeight into the
 * training samples' weights (a dataset's batches are converted as they come, in batch_feed.ts).
 */
async function prepareData(model: Model, x: DataInput | BatchSource, y: DataInput | undefined, options: FitOptions, data: DataScope): Promise<FitData> {
  const { validationSplit = 0, validationData } = options;
  const validationSource = validationData && !Array.isArray(validationData) ? validationData : null;
  const validationTensors = Array.isArray(validationData) ? validationData : null;
  if (validationData !== undefined && !validationTensors && !isBatchSource(validationData)) {
    throw new Error(`fit: validationData must be [x, y], [x, y, sampleWeight] or a dataset of such batches, got ${(validationData as unknown) instanceof Tensor ? 'a tensor' : typeof validationData}.`);
  }
  if (options.validationSteps !== undefined && !validationSource) throw new Error('fit: validationSteps applies to validationData given as a dataset of batches.');
  if (options.validationBatchSize !== undefined && !validationTensors && !(validationSplit > 0 && !validationData)) {
    throw new Error('fit: validationBatchSize applies to validation data in memory (validationData as [x, y] or validationSplit); a dataset makes its own batches.');
  }
  if (y === undefined && !isBatchSource(x) && options.classWeight !== undefined) throw new Error('fit: classWeight weighs samples by the class of their target, but no targets y were given.');
  if (isBatchSource(x)) {
    for (const [name, instead] of IN_MEMORY_OPTIONS) {
      if (options[name] !== undefined) throw new Error(`fit: ${name} applies to data in memory, not to a dataset of batches (${instead}).`);
    }
    warnBatchSizeIgnored('fit', options);
    const held = validationTensors ? toStepDatasets('fit', model.dataNames(), data, validationTensors[0], validationTensors[1], validationTensors[2], undefined, 'validation ') : null;
    return { train: x, validation: validationSource ?? held };
  }
  const { classWeights, count: total, ...tensors } = toStepDatasets('fit', model.dataNames(), data, x, y, options.sampleWeight, options.classWeight);
  let validation: DataTensors | null = validationTensors ? toStepDatasets('fit', model.dataNames(), data, validationTensors[0], validationTensors[1], validationTensors[2], undefined, 'validation ') : null;
  model.checkInputShapes('fit', tensors.xs);
  if (options.checkFinite) {
    const parts: Array<[string, Tensor[]]> = [['x', tensors.xs], ['y', tensors.ys], ['sampleWeight', tensors.ws]];
    if (validation) parts.push(['validation x', validation.xs], ['validation y', validation.ys], ['validation sampleWeight', validation.ws]);
    await checkFinite('fit', parts);
  }

  let train: DataTensors = tensors;
  if (validationSplit > 0 && !validationData) {
    // Keras floors the training part (array_slicing.train_validation_split): 96 samples at 0.2 train on 76, not 77.
    const count = Math.floor(total * (1 - validationSplit));
    const valCount = total - count;
    if (count === 0 || valCount === 0) throw new Error(`fit: validationSplit ${validationSplit} of ${total} samples leaves an empty training or validation set.`);
    const rows = (start: number, size: number): DataTensors => ({ xs: sliceRows(tensors.xs, start, size), ys: sliceRows(tensors.ys, start, size), ws: sliceRows(tensors.ws, start, size), xKeys: tensors.xKeys });
    [train, validation] = tidy(() => [rows(0, count), rows(count, valCount)]);
    for (const part of [train, validation]) data.own([...part.xs, ...part.ys, ...part.ws]);
  }
  if (classWeights) {
    // Class weights apply to the training samples only, as in Keras.
    const weights = classWeightsToSampleWeights(train.ys[0], classWeights);
    data.own([weights]);
    train = { ...train, ws: [weights] };
  }
  return { train, validation: validationSource ?? validation };
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

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
