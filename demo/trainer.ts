// The demo's training session: `model.fit` driven by a callback that can hold it between batches
// (Pause, Resume, Step one batch), reports every batch and epoch to the page, and asks for a
// decision-boundary redraw every few hundred milliseconds. fit's `yieldEvery` and the per-batch
// readback give the event loop its turns, so the page stays responsive while it trains.

import { Callback, type Logs, type Model, type Tensor } from 'webgpu-keras';

export type TrainerState = 'idle' | 'running' | 'paused';

export interface BatchProgress {
  epoch: number;
  /** 0-based batch index within the epoch. */
  batch: number;
  stepsPerEpoch: number;
  /** Steps trained by this model so far, over every session. */
  totalSteps: number;
  /** Training throughput over the last second of batches (paused time excluded). */
  samplesPerSecond: number;
  /** Running means over the epoch so far. */
  logs: Logs;
}

export interface TrainerEvents {
  batch(progress: BatchProgress): void;
  epoch(epoch: number, logs: Logs): void;
  /** Redraw what depends on the weights (the heat map); awaited, so it never overlaps a step. */
  redraw(): Promise<void>;
  state(state: TrainerState): void;
  /** fit threw: the session is over. */
  failed(error: Error): void;
}

export interface TrainingData {
  x: Tensor;
  y: Tensor;
  xVal: Tensor;
  yVal: Tensor;
}

const REDRAW_EVERY_MS = 250;

export class Trainer {
  state: TrainerState = 'idle';
  epochsDone = 0;
  totalSteps = 0;
  /** Batches that may still pass the gate: Infinity while running, 0 while paused. */
  private allowance = 0;
  private wake: (() => void) | null = null;
  private cancelled = false;
  private session: Promise<void> | null = null;

  constructor(
    readonly model: Model,
    private readonly data: TrainingData,
    readonly events: TrainerEvents,
  ) {}

  /** Trains `epochs` more epochs (or resumes a paused session). */
  train(epochs: number, batchSize: number): void {
    if (this.state === 'paused') return this.resume();
    if (this.state === 'idle') this.start(epochs, batchSize, Infinity);
  }

  pause(): void {
    if (this.state !== 'running') return;
    this.allowance = 0;
    this.setState('paused');
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.open(Infinity);
    this.setState('running');
  }

  /** One batch, then paused; starts a paused session when idle. */
  step(epochs: number, batchSize: number): void {
    if (this.state === 'idle') this.start(epochs, batchSize, 1);
    else if (this.state === 'paused') this.open(1);
  }

  /** Ends the session (after the batch in flight) and waits for fit to return. */
  async stop(): Promise<void> {
    this.cancelled = true;
    this.model.stopTraining = true;
    this.open(Infinity);
    await this.session;
  }

  private start(epochs: number, batchSize: number, allowance: number): void {
    this.allowance = allowance;
    this.setState(allowance === Infinity ? 'running' : 'paused');
    const initialEpoch = this.epochsDone;
    this.session = this.model
      .fit(this.data.x, this.data.y, {
        epochs: initialEpoch + epochs,
        initialEpoch,
        batchSize,
        validationData: [this.data.xVal, this.data.yVal],
        callbacks: [new LiveCallback(this)],
        yieldEvery: 16,
      })
      .then(
        async () => {
          if (this.cancelled) return;
          await this.events.redraw();
          this.setState('idle');
        },
        (error: Error) => {
          this.setState('idle');
          this.events.failed(error);
        },
      );
  }

  private open(allowance: number): void {
    this.allowance = allowance;
    this.wake?.();
    this.wake = null;
  }

  private setState(state: TrainerState): void {
    this.state = state;
    this.events.state(state);
  }

  /** Called before each batch: waits while no batch is allowed through. */
  async gate(): Promise<void> {
    while (this.allowance === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    this.allowance--;
  }

  /** False once stop() was called: late callbacks of the old session must not touch the page. */
  get live(): boolean {
    return !this.cancelled;
  }

  /** True when the next batch would wait (paused, or a Step just used its one batch). */
  get holding(): boolean {
    return this.allowance === 0;
  }
}

/** The fit callback behind Trainer: the pause gate, progress, curves and redraws. */
class LiveCallback extends Callback {
  private batchStarted = 0;
  private lastRedraw = 0;
  /** [time, samples] of recent batches, for samples per second. */
  private recent: [number, number][] = [];

  constructor(private readonly trainer: Trainer) {
    super();
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.trainer.epochsDone = epoch;
  }

  override async onBatchBegin(): Promise<void> {
    await this.trainer.gate();
    this.batchStarted = performance.now();
  }

  override async onBatchEnd(batch: number, logs: Logs): Promise<void> {
    if (!this.trainer.live) return;
    const now = performance.now();
    this.recent.push([now - this.batchStarted, logs.size]);
    while (this.recent.length > 1 && this.recent.reduce((t, [ms]) => t + ms, 0) > 1000) this.recent.shift();
    const busyMs = this.recent.reduce((t, [ms]) => t + ms, 0);
    const samples = this.recent.reduce((n, [, size]) => n + size, 0);
    this.trainer.totalSteps++;
    const { loss, accuracy } = logs;
    this.trainer.events.batch({
      epoch: this.trainer.epochsDone,
      batch,
      stepsPerEpoch: this.params.steps as number,
      totalSteps: this.trainer.totalSteps,
      samplesPerSecond: busyMs > 0 ? (samples * 1000) / busyMs : 0,
      logs: { loss, accuracy },
    });
    if (this.trainer.holding || now - this.lastRedraw >= REDRAW_EVERY_MS) {
      await this.trainer.events.redraw();
      this.lastRedraw = performance.now();
    }
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    this.trainer.epochsDone = epoch + 1;
    if (this.trainer.live) this.trainer.events.epoch(epoch, logs);
  }
}
