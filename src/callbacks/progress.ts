// Keras-style progress printed in Node when fit's `verbose` is 1:
//   Epoch 1/5
//   32/32 - 1s - 31ms/step - accuracy: 0.8125 - loss: 0.4410
// One line per epoch, written when the epoch's logs are read back (no per-batch readback).

import { Callback, type Logs } from './callback';

export class ProgressBar extends Callback {
  private started = 0;
  private readonly write: (line: string) => void;

  constructor(write: (line: string) => void = (line) => console.log(line)) {
    super();
    this.write = write;
  }

  override onEpochBegin(epoch: number): void {
    this.started = Date.now();
    this.write(`Epoch ${epoch + 1}/${this.params.epochs}`);
  }

  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    const steps = Number(this.params.steps);
    const elapsed = Date.now() - this.started;
    const perStep = steps > 0 ? elapsed / steps : 0;
    const metrics = Object.keys(logs)
      .sort()
      .map((k) => `${k}: ${formatValue(logs[k])}`);
    this.write([`${steps}/${steps}`, `${Math.round(elapsed / 1000)}s`, `${perStep.toFixed(0)}ms/step`, ...metrics].join(' - '));
  }
}

function formatValue(v: number): string {
  return Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(4);
}
