// CallbackList (keras.callbacks.CallbackList): a list of callbacks that is itself a Callback,
// calling each hook on every member in order. fit, evaluate and predict drive their callbacks
// through one; a custom training loop can do the same.

import { Callback, History, type Logs } from './callback';
import { ProgbarLogger } from './progress';
import type { Model } from '../models/model';

export interface CallbackListOptions {
  /** Append a History unless the list holds one (default false; fit adds one). */
  addHistory?: boolean;
  /** Put a ProgbarLogger first unless the list holds one (default false; verbose fit, evaluate and predict add one). */
  addProgbar?: boolean;
  /** The model given to every callback. */
  model?: Model;
  /** The params given to every callback (epochs, steps, verbose, ...). */
  params?: Record<string, unknown>;
}

/**
 * Calls each hook on every callback in order; the hooks return once all have run.
 *
 * @example
 * const callbacks = new callbacks.CallbackList([new EarlyStopping({ patience: 2 })], { addHistory: true, model, params: { epochs: 10 } });
 * await callbacks.onTrainBegin();
 * for (let epoch = 0; epoch < 10 && !model.stopTraining; epoch++) {
 *   await callbacks.onEpochBegin(epoch);
 *   const logs = { loss: await myTrainEpoch() };
 *   await callbacks.onEpochEnd(epoch, logs);
 * }
 * await callbacks.onTrainEnd();
 */
export class CallbackList extends Callback {
  readonly callbacks: Callback[];

  constructor(callbacks: readonly Callback[] = [], { addHistory = false, addProgbar = false, model, params }: CallbackListOptions = {}) {
    super();
    this.callbacks = [...callbacks];
    if (addProgbar && !this.callbacks.some((cb) => cb instanceof ProgbarLogger)) this.callbacks.unshift(new ProgbarLogger());
    // As Keras, History comes last: it records what the other callbacks added to the logs.
    if (addHistory && !this.callbacks.some((cb) => cb instanceof History)) this.callbacks.push(new History());
    if (model) this.setModel(model);
    if (params) this.setParams(params);
  }

  /** The list's History, if it holds one. */
  get history(): History | undefined {
    return this.callbacks.find((cb): cb is History => cb instanceof History);
  }

  /** Adds a callback at the end, with the list's model and params. */
  append(callback: Callback): void {
    this.callbacks.push(callback);
    if (this.model) callback.setModel(this.model);
    callback.setParams(this.params);
  }

  override setModel(model: Model): void {
    super.setModel(model);
    for (const cb of this.callbacks) cb.setModel(model);
  }

  override setParams(params: Record<string, unknown>): void {
    super.setParams(params);
    for (const cb of this.callbacks) cb.setParams(params);
  }

  override get wantsBatchLogs(): boolean {
    return this.callbacks.some((cb) => cb.wantsBatchLogs);
  }

  override get wantsTestBatchLogs(): boolean {
    return this.callbacks.some((cb) => cb.wantsTestBatchLogs);
  }

  override async onTrainBegin(logs: Logs = {}): Promise<void> {
    for (const cb of this.callbacks) await cb.onTrainBegin(logs);
  }
  override async onTrainEnd(logs: Logs = {}): Promise<void> {
    for (const cb of this.callbacks) await cb.onTrainEnd(logs);
  }
  override async onEpochBegin(epoch: number, logs: Logs = {}): Promise<void> {
    for (const cb of this.callbacks) await cb.onEpochBegin(epoch, logs);
  }
  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    for (const cb of this.callbacks) await cb.onEpochEnd(epoch, logs);
  }
  override async onTrainBatchBegin(batch: number, logs: Logs = {}): Promise<void> {
    for (const cb of this.callbacks) await cb.onTrainBatchBegin(batch, logs);
  }
  override async onTrainBatchEnd(batch: number, logs: Logs = {}): Promise<void> {
    for (const cb of this.callbacks) await cb.onTrainBatchEnd(batch, logs);
  }
  override async onTestBegin(logs: Logs = {}): Promise<void> {
    for (const cb of this.callbacks) await cb.onTestBegin(logs);
  }
  override async onTestEnd(logs: Logs = {}): Promise<void> {
    for (const cb of this.callbacks) await cb.onTestEnd(logs);
  }
  override async onTestBatchBegin(batch: number, logs: Logs = {}): Promise<void> {
    for (const cb of this.callbacks) await cb.onTestBatchBegin(batch, logs);
  }
  override async onTestBatchEnd(batch: number, logs: Logs = {}): Promise<void> {
    for (const cb of this.callbacks) await cb.onTestBatchEnd(batch, logs);
  }
  override async onPredictBegin(logs: Logs = {}): Promise<void> {
    for (const cb of this.callbacks) await cb.onPredictBegin(logs);
  }
  override async onPredictEnd(logs: Logs = {}): Promise<void> {
    for (const cb of this.callbacks) await cb.onPredictEnd(logs);
  }
  override async onPredictBatchBegin(batch: number, logs: Logs = {}): Promise<void> {
    for (const cb of this.callbacks) await cb.onPredictBatchBegin(batch, logs);
  }
  override async onPredictBatchEnd(batch: number, logs: Logs = {}): Promise<void> {
    for (const cb of this.callbacks) await cb.onPredictBatchEnd(batch, logs);
  }
}
