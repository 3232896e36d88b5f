// The batch loops of `evaluate` (also fit's validation) and `predict`: batches sliced on the
// device or taken from a dataset (batch_feed.ts), every step inside a tidy scope, the callbacks' test and predict hooks, logs read back
// once at the end (per batch only for callbacks that ask), predictions concatenated on the device
// and returned in the structure predictStep gives (one tensor, or lists and records of tensors,
// nested as a subclassed model's call returns them).

import { checkCallbacks, type Callback, type Logs } from '../callbacks/callback';
import { CallbackList } from '../callbacks/callback_list';
import { inBrowser } from '../backend/environment';
import { concat } from '../ops/shape';
import { tidy } from '../tensor/memory';
import { Tensor } from '../tensor/tensor';
import { checkBatchSize, DataScope, sampleCount, toDataset, toStepDatasets, type DataInput } from './data';
import { isBatchSource, warnBatchSizeIgnored, type BatchSource } from './batch_source';
import { checkStepCount, datasetFeed, slicedFeed, warnRanOut, type BatchFeed } from './batch_feed';
import type { EvaluateOptions, Model, ModelOutput, PredictOptions } from './model';
import { isRecord } from '../tensor/records';
import { checkOptionNames } from '../ops/validate';
import { disposeLogs, readLogs, type StepLogs } from './step_data';

const EVALUATE_OPTIONS: Record<keyof EvaluateOptions, true> = { batchSize: true, sampleWeight: true, verbose: true, callbacks: true, steps: true, returnDict: true };
const PREDICT_OPTIONS: Record<keyof PredictOptions, true> = { batchSize: true, verbose: true, callbacks: true, steps: true };

export async function runEvaluate(model: Model, x: DataInput | BatchSource, y: DataInput | undefined, options: EvaluateOptions): Promise<Logs> {
  checkOptionNames('evaluate', options, EVALUATE_OPTIONS);
  const { batchSize = 32, sampleWeight, steps } = options;
  checkBatchSize('evaluate', batchSize);
  checkStepCount('evaluate', 'steps', steps);
  const verbose = options.verbose ?? (inBrowser() ? 0 : 1);
  const data = new DataScope();
  try {
    let feed: BatchFeed;
    if (isBatchSource(x)) {
      checkDatasetOptions('evaluate', options, ['sampleWeight']);
      warnBatchSizeIgnored('evaluate', options);
      feed = datasetFeed('evaluate', 'test', model, x, steps);
    } else {
      if (steps !== undefined) throw new Error('evaluate: steps applies to a dataset of batches; with data in memory every sample is evaluated, batchSize at a time.');
      const tensors = toStepDatasets('evaluate', model.dataNames(), data, x, y, sampleWeight);
      model.checkInputShapes('evaluate', tensors.xs);
      feed = slicedFeed(tensors, batchSize);
    }
    const callbacks = withCallbacks(model, verbose, options.callbacks, { steps: feed.steps, batchSize, samples: feed.samples });
    return await evaluateBatches('evaluate', model, feed, callbacks);
  } finally {
    data.release();
  }
}

/**
 * Loss and metrics over a feed's batches, calling the callbacks' test hooks (fit passes its own,
 * whose params stay those of the fit).
 */
export async function evaluateBatches(op: string, model: Model, feed: BatchFeed, callbacks: Callback[]): Promise<Logs> {
  const wantsBatchLogs = callbacks.some((cb) => cb.wantsTestBatchLogs);
  model.resetMetrics();
  for (const cb of callbacks) await cb.onTestBegin({});
  feed.beginEpoch();
  let logs: StepLogs = {};
  let result: Logs;
  try {
    let steps = 0;
    for (let batch = await feed.next(0); batch; batch = await feed.next(steps)) {
      const step = steps++;
      let next: StepLogs;
      try {
        for (const cb of callbacks) await cb.onTestBatchBegin(step, {});
        next = tidy(() => model.testStep(batch!.data()));
      } finally {
        batch.release();
      }
      disposeLogs(logs);
      logs = next;
      if (wantsBatchLogs) {
        const batchLogs = await readLogs(logs);
        for (const cb of callbacks) await cb.onTestBatchEnd(step, { ...batchLogs, batch: step, size: batch.size });
      }
    }
    if (steps === 0) throw new Error(`${op}: the ${op === 'fit' ? 'validation ' : ''}dataset gave no batch.`);
    if (feed.ranOut) warnRanOut('evaluation');
    result = await readLogs(logs);
  } finally {
    disposeLogs(logs);
  }
  for (const cb of callbacks) await cb.onTestEnd(result);
  return result;
}

export async function runPredict(model: Model, x: DataInput | BatchSource, options: PredictOptions): Promise<ModelOutput> {
  checkOptionNames('predict', options, PREDICT_OPTIONS);
  const { batchSize = 32, steps } = options;
  checkBatchSize('predict', batchSize);
  checkStepCount('predict', 'steps', steps);
  const data = new DataScope();
  const batches: Tensor[][] = [];
  let structure: OutputTree = 0;
  try {
    let feed: BatchFeed;
    if (isBatchSource(x)) {
      warnBatchSizeIgnored('predict', options);
      feed = datasetFeed('predict', 'predict', model, x, steps);
    } else {
      if (steps !== undefined) throw new Error('predict: steps applies to a dataset of batches; with data in memory every sample is predicted, batchSize at a time.');
      const names = model.dataNames();
      const inputs = toDataset(x, 'x', 'predict', names.inputs, 'inputs', names.takesInputRecord);
      const xs = data.keep(inputs);
      sampleCount('predict', [['x', xs]]);
      model.checkInputShapes('predict', xs);
      feed = slicedFeed({ xs, ys: [], ws: [], xKeys: inputs.keys ?? null }, batchSize);
    }
    const callbacks = withCallbacks(model, options.verbose ?? 0, options.callbacks, { steps: feed.steps, batchSize, samples: feed.samples });
    for (const cb of callbacks) await cb.onPredictBegin({});
    feed.beginEpoch();
    for (let batch = await feed.next(0); batch; batch = await feed.next(batches.length)) {
      const step = batches.length;
      try {
        for (const cb of callbacks) await cb.onPredictBatchBegin(step, {});
        batches.push(
          tidy(() => {
            const flat: Tensor[] = [];
            structure = flattenOutputs(model.predictStep(batch!.data()), flat);
            return flat;
          }),
        );
      } finally {
        batch.release();
      }
      for (const cb of callbacks) await cb.onPredictBatchEnd(step, {});
    }
    if (batches.length === 0) throw new Error('predict: the dataset gave no batch.');
    if (feed.ranOut) warnRanOut('prediction');
    const outputs = tidy(() => batches[0].map((_, k) => (batches.length === 1 ? batches[0][k].reshape(batches[0][k].shape as number[]) : concat(batches.map((b) => b[k]), 0))));
    try {
      for (const cb of callbacks) await cb.onPredictEnd({});
    } catch (e) {
      for (const t of outputs) t.dispose();
      throw e;
    }
    // A list of one output is returned as the tensor, as before records existed.
    return Array.isArray(structure) && structure.length === 1 && structure[0] === 0 ? outputs[0] : (packOutputs(structure, outputs) as ModelOutput);
  } finally {
    for (const b of batches) for (const t of b) t.dispose();
    data.release();
  }
}

/** Where each tensor of a step's output sits in its lists and records: its index in the flat list. */
type OutputTree = number | OutputTree[] | { [key: string]: OutputTree };

/** The tensors of predictStep's output (lists and records, nested as Keras's tree) appended to `flat`; its structure. */
function flattenOutputs(value: unknown, flat: Tensor[]): OutputTree {
  if (value instanceof Tensor) return flat.push(value) - 1;
  if (Array.isArray(value)) return value.map((item) => flattenOutputs(item, flat));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, flattenOutputs(item, flat)]));
  throw new Error(`predict: the model's output holds ${value === null ? 'null' : typeof value}; expected a tensor, or lists and records of tensors.`);
}

/** The inverse of flattenOutputs: the concatenated tensors in the step's structure. */
function packOutputs(structure: OutputTree, flat: readonly Tensor[]): unknown {
  if (typeof structure === 'number') return flat[structure];
  if (Array.isArray(structure)) return structure.map((item) => packOutputs(item, flat));
  return Object.fromEntries(Object.entries(structure).map(([key, item]) => [key, packOutputs(item, flat)]));
}

/** Options of evaluate or predict that apply only to data in memory: an error with a dataset. */
function checkDatasetOptions(op: string, options: object, names: string[]): void {
  for (const name of names) {
    if ((options as Record<string, unknown>)[name] !== undefined) throw new Error(`${op}: ${name} applies to data in memory, not to a dataset of batches (the dataset makes the batches).`);
  }
}

/** The callbacks of an evaluate or predict call, a progress line first when `verbose` is 1 or 2, set up for this model. */
function withCallbacks(model: Model, verbose: 0 | 1 | 2, userCallbacks: Callback[] | undefined, params: Record<string, unknown>): Callback[] {
  checkCallbacks(model.name, userCallbacks);
  return new CallbackList(userCallbacks, { addProgbar: verbose > 0, model, params: { ...params, verbose } }).callbacks;
}
