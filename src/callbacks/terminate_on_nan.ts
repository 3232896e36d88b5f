// TerminateOnNaN: stop training at the first batch whose loss is NaN or infinite, as Keras's
// callback does. It reads the loss back after every batch (a GPU round trip per step); without it,
// fit still finds the first such batch at the end of the epoch (History.firstNonFiniteLoss).

import { Callback, type Logs } from './callback';

/**
 * @example
 * await model.fit(x, y, { epochs: 10, callbacks: [new TerminateOnNaN()] });
 */
export class TerminateOnNaN extends Callback {
  /** Where training was stopped (0-based epoch and batch), or null. */
  stoppedAt: { epoch: number; batch: number } | null = null;
  private epoch = 0;

  override onTrainBegin(): void {
    this.stoppedAt = null;
  }

  override onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }

  override onBatchEnd(batch: number, logs: Logs = {}): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      this.stoppedAt = { epoch: this.epoch, batch };
      console.warn(`TerminateOnNaN: batch ${batch} of epoch ${this.epoch + 1}: invalid loss (${loss}), terminating training.`);
      this.model.stopTraining = true;
    }
  }
}
