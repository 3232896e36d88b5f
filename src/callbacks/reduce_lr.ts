// ReduceLROnPlateau: lower the optimizer's learning rate when a monitored quantity stops improving.

import { Callback, type Logs } from './callback';

export interface ReduceLROnPlateauArgs {
  monitor?: string;
  /** Multiplier applied to the learning rate (default 0.1). */
  factor?: number;
  patience?: number;
  mode?: 'auto' | 'min' | 'max';
  minDelta?: number;
  /** Epochs to wait after a reduction (default 0). */
  cooldown?: number;
  minLr?: number;
}

/**
 * @example
 * callbacks: [new ReduceLROnPlateau({ monitor: 'val_loss', factor: 0.5, patience: 2 })]
 */
export class ReduceLROnPlateau extends Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly mode: 'min' | 'max';
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  private best = Infinity;
  private wait = 0;
  private cooldownLeft = 0;

  constructor({ monitor = 'val_loss', factor = 0.1, patience = 10, mode = 'auto', minDelta = 1e-4, cooldown = 0, minLr = 0 }: ReduceLROnPlateauArgs = {}) {
    super();
    if (!(factor < 1)) throw new Error(`ReduceLROnPlateau: factor must be below 1, got ${factor}.`);
    this.monitor = monitor;
    this.factor = factor;
    this.patience = patience;
    this.mode = mode === 'auto' ? (/acc|auc/.test(monitor) ? 'max' : 'min') : mode;
    this.minDelta = minDelta;
    this.cooldown = cooldown;
    this.minLr = minLr;
  }

  override onTrainBegin(): void {
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.wait = 0;
    this.cooldownLeft = 0;
  }

  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    const current = logs[this.monitor];
    if (current === undefined) return;
    if (this.cooldownLeft > 0) {
      this.cooldownLeft--;
      this.wait = 0;
    }
    const better = this.mode === 'min' ? current < this.best - this.minDelta : current > this.best + this.minDelta;
    if (better) {
      this.best = current;
      this.wait = 0;
      return;
    }
    if (this.cooldownLeft > 0) return;
    if (++this.wait >= this.patience) {
      const optimizer = this.model.optimizer;
      if (typeof optimizer.learningRate !== 'number') {
        throw new Error('ReduceLROnPlateau: the optimizer uses a learning-rate schedule; it can only lower a fixed learning rate.');
      }
      const next = Math.max(optimizer.learningRate * this.factor, this.minLr);
      if (next < optimizer.learningRate) optimizer.learningRate = next;
      this.cooldownLeft = this.cooldown;
      this.wait = 0;
    }
  }
}
