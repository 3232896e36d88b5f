// Keras-style progress printed in Node when the `verbose` of fit, evaluate or predict is 1 or 2:
//   Epoch 1/5
//   32/32 - 1s - 31ms/step - accuracy: 0.8125 - loss: 0.4410
// One line per epoch (fit), evaluation (evaluate; fit's validation is in the epoch's line) or
// prediction, written when its logs are read back (no per-batch readback). It counts the steps
// from the batch-begin hooks, which read nothing back, so a dataset of unknown length shows the
// steps it took.

import { Callback, type Logs } from './callback';

/**
 * The progress lines of fit, evaluate and predict (keras.callbacks.ProgbarLogger), which add one
 * when `verbose` is 1 or 2 and none is in their callbacks; `write` receives each line (default
 * console.log).
 *
 * @example
 * const lines: string[] = [];
 * await model.fit(x, y, { epochs: 2, verbose: 0, callbacks: [new callbacks.ProgbarLogger((line) => lines.push(line))] });
 */
export class ProgbarLogger extends Callback {
  private started = 0;
  private steps = 0;
  private inFit = false;
  private readonly write: (line: string) => void;

  constructor(write: (line: string) => void = (line) => console.log(line)) {
    super();
    this.write = write;
  }

  override onTrainBegin(): void {
    this.inFit = true;
  }

  override onTrainEnd(): void {
    this.inFit = false;
  }

  override onEpochBegin(epoch: number): void {
    this.started = Date.now();
    this.steps = 0;
    this.write(`Epoch ${epoch + 1}/${this.params.epochs}`);
  }

  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    this.write(this.summary(logs));
  }

  override onBatchBegin(): void {
    this.steps++;
  }

  override onTestBegin(): void {
    if (this.inFit) return;
    this.started = Date.now();
    this.steps = 0;
  }

  override onTestBatchBegin(): void {
    if (!this.inFit) this.steps++;
  }

  override onTestEnd(logs: Logs = {}): void {
    if (!this.inFit) this.write(this.summary(logs));
  }

  override onPredictBegin(): void {
    this.started = Date.now();
    this.steps = 0;
  }

  override onPredictBatchBegin(): void {
    this.steps++;
  }

  override onPredictEnd(): void {
    this.write(this.summary({}));
  }

  /** `steps/steps - time - time a step - metrics` since the last start. */
  private summary(logs: Logs): string {
    const steps = this.steps;
    const elapsed = Date.now() - this.started;
    const perStep = steps > 0 ? elapsed / steps : 0;
    const metrics = Object.keys(logs)
      .sort()
      .map((k) => `${k}: ${formatValue(logs[k])}`);
    return [`${steps}/${steps}`, `${Math.round(elapsed / 1000)}s`, `${perStep.toFixed(0)}ms/step`, ...metrics].join(' - ');
  }
}

function formatValue(v: number): string {
  return Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(4);
}
