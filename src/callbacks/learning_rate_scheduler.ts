// LearningRateScheduler: set the optimizer's learning rate at the start of every epoch from a
// function of the epoch and the current rate, and log it ('learning_rate'), as Keras's callback.

import { Callback, type Logs } from './callback';

/** The new learning rate for a 0-based epoch, given the current one. */
export type LearningRateSchedulerFunction = (epoch: number, learningRate: number) => number;

/**
 * @example
 * // Keep the rate for 10 epochs, then shrink it by 10% an epoch.
 * const scheduler = new LearningRateScheduler((epoch, lr) => (epoch < 10 ? lr : lr * Math.exp(-0.1)));
 * await model.fit(x, y, { epochs: 15, callbacks: [scheduler] });
 */
export class LearningRateScheduler extends Callback {
  readonly schedule: LearningRateSchedulerFunction;
  /** 1 prints the rate set at each epoch (Node). */
  readonly verbose: 0 | 1;

  constructor(schedule: LearningRateSchedulerFunction, verbose: 0 | 1 = 0) {
    super();
    if (typeof schedule !== 'function') {
      throw new Error(`LearningRateScheduler: Invalid value for argument schedule. Expected a function (epoch, learningRate) => number. Received: schedule=${typeof schedule}.`);
    }
    this.schedule = schedule;
    this.verbose = verbose;
  }

  override onEpochBegin(epoch: number): void {
    const optimizer = this.model.optimizer;
    if (typeof optimizer.learningRate !== 'number') {
      throw new Error('LearningRateScheduler: the optimizer uses a LearningRateSchedule as its learning rate; create it with a number learningRate to schedule it per epoch.');
    }
    const next = this.schedule(epoch, optimizer.learningRate);
    if (typeof next !== 'number' || !Number.isFinite(next)) {
      throw new Error(`LearningRateScheduler: the schedule function must return a finite number. Received: ${String(next)} for epoch ${epoch}.`);
    }
    optimizer.learningRate = next;
    if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${next}.`);
  }

  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    logs.learning_rate = this.model.optimizer.learningRate as number;
  }
}
