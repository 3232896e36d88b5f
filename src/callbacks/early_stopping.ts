// EarlyStopping: stop training when a monitored quantity stops improving, optionally restoring
// the weights of the best epoch at the end of training (kept as tensors that share the old
// storage: no copy), as Keras 3's EarlyStopping.

import type { Tensor } from '../tensor/tensor';
import { Callback, type Logs } from './callback';
import { checkMonitorMode, resolveMonitorMode, type MonitorMode } from './monitor';
import { checkOptionNames } from '../ops/validate';

export interface EarlyStoppingArgs {
  /** Logged quantity to watch (default 'val_loss'). */
  monitor?: string;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  /**
   * 'min', 'max', or 'auto' (default): min for losses, else the direction of the compiled metric
   * of that name (max for accuracy, precision, recall, AUC); an error when neither tells.
   */
  mode?: MonitorMode;
  /** Value the quantity must beat before patience counts (optional). */
  baseline?: number;
  /** Put back the weights of the best epoch when training ends (default false). */
  restoreBestWeights?: boolean;
  /** Epochs to wait before monitoring starts (default 0). */
  startFromEpoch?: number;
  /** 1 prints when training stops and when the best weights are restored (default 0). */
  verbose?: 0 | 1;
}

/** EarlyStoppingArgs' names, for checkOptionNames (the type keeps the list complete). */
const EARLY_STOPPING_OPTIONS: Record<keyof EarlyStoppingArgs, true> = {
  monitor: true, minDelta: true, patience: true, mode: true, baseline: true, restoreBestWeights: true, startFromEpoch: true, verbose: true,
};

/**
 * @example
 * await model.fit(x, y, { epochs: 100, validationSplit: 0.2,
 *   callbacks: [new EarlyStopping({ patience: 3, restoreBestWeights: true })] });
 */
export class EarlyStopping extends Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: MonitorMode;
  readonly baseline?: number;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  readonly verbose: 0 | 1;
  /** Epoch at which training was stopped, or 0. */
  stoppedEpoch = 0;
  bestEpoch = 0;
  private best: number | null = null;
  private wait = 0;
  /** The mode resolved for the compiled model at the start of training. */
  private resolved: 'min' | 'max' = 'min';
  private bestWeights: Tensor[] | null = null;

  constructor(args: EarlyStoppingArgs = {}) {
    checkOptionNames('EarlyStopping', args, EARLY_STOPPING_OPTIONS);
    const { monitor = 'val_loss', minDelta = 0, patience = 0, mode = 'auto', baseline, restoreBestWeights = false, startFromEpoch = 0, verbose = 0 } = args;
    super();
    this.verbose = verbose;
    this.monitor = monitor;
    this.minDelta = Math.abs(minDelta);
    this.patience = patience;
    this.mode = checkMonitorMode('EarlyStopping', mode);
    this.baseline = baseline;
    this.restoreBestWeights = restoreBestWeights;
    this.startFromEpoch = startFromEpoch;
  }

  override onTrainBegin(): void {
    const resolved = resolveMonitorMode(this.model, this.monitor, this.mode);
    if (!resolved) {
      throw new Error(
        `EarlyStopping: cannot tell whether '${this.monitor}' should be maximized or minimized (it is neither a loss nor a compiled metric with a direction). ` +
          "Pass mode: 'max' or mode: 'min'.",
      );
    }
    this.resolved = resolved;
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.bestEpoch = 0;
    this.best = null;
    this.releaseBest();
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    const current = logs[this.monitor];
    if (current === undefined) {
      console.warn(`EarlyStopping: '${this.monitor}' is not in the logs (available: ${Object.keys(logs).join(', ')}); skipping.`);
      return;
    }
    if (epoch < this.startFromEpoch) return;
    // Until an epoch improves, the weights of the first monitored epoch are the best (as Keras).
    if (this.restoreBestWeights && !this.bestWeights) {
      this.bestWeights = this.model.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait++;
    if (this.improves(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) {
        this.releaseBest();
        this.bestWeights = this.model.getWeights();
      }
      if (this.baseline === undefined || this.improves(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  override onTrainEnd(): void {
    if (this.verbose > 0 && this.stoppedEpoch > 0) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights) {
      if (this.verbose > 0) console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.model.setWeights(this.bestWeights);
    }
    this.releaseBest();
  }

  private improves(value: number, reference: number | null): boolean {
    if (reference === null) return true;
    return this.resolved === 'min' ? value < reference - this.minDelta : value > reference + this.minDelta;
  }

  private releaseBest(): void {
    for (const t of this.bestWeights ?? []) t.dispose();
    this.bestWeights = null;
  }
}
