// ReduceLROnPlateau: lower the optimizer's learning rate when a monitored quantity stops improving,
// and log the learning rate of each epoch ('learning_rate', as Keras).

import { Callback, type Logs } from './callback';
import { checkMonitorMode, guessMonitorMode, resolveMonitorMode, type MonitorMode } from './monitor';
import { checkOptionNames } from '../ops/validate';

export interface ReduceLROnPlateauArgs {
  monitor?: string;
  /** Multiplier applied to the learning rate (default 0.1). */
  factor?: number;
  patience?: number;
  /**
   * 'min', 'max', or 'auto' (default): min for losses, else the direction of the compiled metric
   * of that name; for other names max when they contain 'acc' or 'auc', else min.
   */
  mode?: MonitorMode;
  minDelta?: number;
  /** Epochs to wait after a reduction (default 0). */
  cooldown?: number;
  minLr?: number;
  /** 1 prints each reduction (default 0). */
  verbose?: 0 | 1;
}

/** ReduceLROnPlateauArgs' names, for checkOptionNames (the type keeps the list complete). */
const REDUCE_LR_OPTIONS: Record<keyof ReduceLROnPlateauArgs, true> = {
  monitor: true, factor: true, patience: true, mode: true, minDelta: true, cooldown: true, minLr: true, verbose: true,
};

/**
 * @example
 * callbacks: [new ReduceLROnPlateau({ monitor: 'val_loss', factor: 0.5, patience: 2 })]
 */
export class ReduceLROnPlateau extends Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly mode: MonitorMode;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  readonly verbose: 0 | 1;
  private best = Infinity;
  private wait = 0;
  private cooldownLeft = 0;
  /** The mode resolved for the compiled model at the start of training. */
  private resolved: 'min' | 'max' = 'min';

  constructor(args: ReduceLROnPlateauArgs = {}) {
    checkOptionNames('ReduceLROnPlateau', args, REDUCE_LR_OPTIONS);
    const { monitor = 'val_loss', factor = 0.1, patience = 10, mode = 'auto', minDelta = 1e-4, cooldown = 0, minLr = 0, verbose = 0 } = args;
    super();
    this.verbose = verbose;
    if (!(factor < 1)) throw new Error(`ReduceLROnPlateau: factor must be below 1, got ${factor}.`);
    this.monitor = monitor;
    this.factor = factor;
    this.patience = patience;
    this.mode = checkMonitorMode('ReduceLROnPlateau', mode);
    this.minDelta = minDelta;
    this.cooldown = cooldown;
    this.minLr = minLr;
  }

  override onTrainBegin(): void {
    this.resolved = resolveMonitorMode(this.model, this.monitor, this.mode) ?? guessMonitorMode(this.monitor);
    this.best = this.resolved === 'min' ? Infinity : -Infinity;
    this.wait = 0;
    this.cooldownLeft = 0;
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    const optimizer = this.model.optimizer;
    if (typeof optimizer.learningRate === 'number') logs.learning_rate = optimizer.learningRate;
    const current = logs[this.monitor];
    if (current === undefined) {
      // Keras warns too: a misspelt monitor would otherwise never lower the learning rate.
      console.warn(`ReduceLROnPlateau: the learning rate is reduced on '${this.monitor}', which is not in the logs (available: ${Object.keys(logs).join(', ')}); skipping.`);
      return;
    }
    if (this.cooldownLeft > 0) {
      this.cooldownLeft--;
      this.wait = 0;
    }
    const better = this.resolved === 'min' ? current < this.best - this.minDelta : current > this.best + this.minDelta;
    if (better) {
      this.best = current;
      this.wait = 0;
      return;
    }
    if (this.cooldownLeft > 0) return;
    if (++this.wait >= this.patience) {
      if (typeof optimizer.learningRate !== 'number') {
        throw new Error('ReduceLROnPlateau: the optimizer uses a learning-rate schedule; it can only lower a fixed learning rate.');
      }
      // At minLr already, nothing changes and the wait goes on (as Keras).
      if (optimizer.learningRate > this.minLr) {
        optimizer.learningRate = Math.max(optimizer.learningRate * this.factor, this.minLr);
        if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${optimizer.learningRate}.`);
        this.cooldownLeft = this.cooldown;
        this.wait = 0;
      }
    }
  }
}
