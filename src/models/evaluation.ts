// The batch loops of `evaluate` (also fit's validation) and `predict`: batches sliced on the
// device, every step inside a tidy scope, the callbacks' test and predict hooks, logs read back
// once at the end (per batch only for callbacks that ask), predictions concatenated on the device.

import type { Callback, Logs } from '../callbacks/callback';
import { ProgressBar } from '../callbacks/progress';
import { inBrowser } from '../backend/environment';
import { concat } from '../ops/shape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { checkBatchSize, DataScope, sampleCount, sliceRows, toDataset, toStepDatasets, type DataInput } from './data';
import type { EvaluateOptions, Model, PredictOptions } from './model';
import { checkOptionNames } from '../ops/validate';
import { disposeLogs, readLogs, stepData, unlist, type StepLogs } from './step_data';

const EVALUATE_OPTIONS: Record<keyof EvaluateOptions, true> = { batchSize: true, sampleWeight: true, verbose: true, callbacks: true };
const PREDICT_OPTIONS: Record<keyof PredictOptions, true> = { batchSize: true, verbose: true, callbacks: true };

export async function runEvaluate(model: Model, x: DataInput, y: DataInput, options: EvaluateOptions): Promise<Logs> {
  checkOptionNames('evaluate', options, EVALUATE_OPTIONS);
  const { batchSize = 32, sampleWeight } = options;
  checkBatchSize('evaluate', batchSize);
  const data = new DataScope();
  try {
    const { xs, ys, ws, count } = toStepDatasets('evaluate', model.dataNames(), data, x, y, sampleWeight);
    model.checkInputShapes('evaluate', xs);
    const verbose = options.verbose ?? (inBrowser() ? 0 : 1);
    const callbacks = withCallbacks(model, verbose, options.callbacks, { steps: Math.ceil(count / batchSize), batchSize, samples: count });
    return await evaluateBatches(model, [xs, ys, ws], batchSize, callbacks);
  } finally {
    data.release();
  }
}

/**
 * Loss and metrics over the data [x, y, sample weights] in batches, calling the callbacks' test
 * hooks (fit passes its own, whose params stay those of the fit).
 */
export async function evaluateBatches(model: Model, [xs, ys, ws]: Tensor[][], batchSize: number, callbacks: Callback[]): Promise<Logs> {
  const count = xs[0].shape[0];
  const wantsBatchLogs = callbacks.some((cb) => cb.wantsTestBatchLogs);
  model.resetMetrics();
  for (const cb of callbacks) await cb.onTestBegin({});
  let logs: StepLogs = {};
  let result: Logs;
  try {
    for (let start = 0, step = 0; start < count; start += batchSize, step++) {
      const size = Math.min(batchSize, count - start);
      for (const cb of callbacks) await cb.onTestBatchBegin(step, {});
      const next = tidy(() => model.testStep(stepData(sliceRows(xs, start, size), sliceRows(ys, start, size), sliceRows(ws, start, size))));
      disposeLogs(logs);
      logs = next;
      if (wantsBatchLogs) {
        const batchLogs = await readLogs(logs);
        for (const cb of callbacks) await cb.onTestBatchEnd(step, { ...batchLogs, batch: step, size });
      }
    }
    result = await readLogs(logs);
  } finally {
    disposeLogs(logs);
  }
  for (const cb of callbacks) await cb.onTestEnd(result);
  return result;
}

export async function runPredict(model: Model, x: DataInput, options: PredictOptions): Promise<Tensor | Tensor[]> {
  checkOptionNames('predict', options, PREDICT_OPTIONS);
  const { batchSize = 32 } = options;
  checkBatchSize('predict', batchSize);
  const data = new DataScope();
  const batches: Tensor[][] = [];
  try {
    const xs = data.keep(toDataset(x, 'x', 'predict', model.dataNames().inputs));
    const count = sampleCount('predict', [['x', xs]]);
    model.checkInputShapes('predict', xs);
    const callbacks = withCallbacks(model, options.verbose ?? 0, options.callbacks, { steps: Math.ceil(count / batchSize), batchSize, samples: count });
    for (const cb of callbacks) await cb.onPredictBegin({});
    for (let start = 0, step = 0; start < count; start += batchSize, step++) {
      const size = Math.min(batchSize, count - start);
      for (const cb of callbacks) await cb.onPredictBatchBegin(step, {});
      batches.push(tidy(() => [model.predictStep([unlist(sliceRows(xs, start, size))])].flat()));
      for (const cb of callbacks) await cb.onPredictBatchEnd(step, {});
    }
    const outputs = tidy(() => batches[0].map((_, k) => (batches.length === 1 ? batches[0][k].reshape(batches[0][k].shape as number[]) : concat(batches.map((b) => b[k]), 0))));
    try {
      for (const cb of callbacks) await cb.onPredictEnd({});
    } catch (e) {
      for (const t of outputs) t.dispose();
      throw e;
    }
    return outputs.length === 1 ? outputs[0] : outputs;
  } finally {
    for (const b of batches) for (const t of b) t.dispose();
    data.release();
  }
}

/** The callbacks of an evaluate or predict call, a progress line first when `verbose` is 1 or 2, set up for this model. */
function withCallbacks(model: Model, verbose: 0 | 1 | 2, userCallbacks: Callback[] | undefined, params: Record<string, unknown>): Callback[] {
  const callbacks = [...(verbose > 0 ? [new ProgressBar()] : []), ...(userCallbacks ?? [])];
  for (const cb of callbacks) {
    cb.setModel(model);
    cb.setParams({ ...params, verbose });
  }
  return callbacks;
}
