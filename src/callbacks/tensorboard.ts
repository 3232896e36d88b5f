// TensorBoard: training logs as TensorBoard event files, as Keras's callback writes them. Each
// epoch's logs go to `logDir/train` as `epoch_<name>` (the learning rate too) and its `val_` logs
// to `logDir/validation`; with `updateFreq`, every N-th batch's logs as `batch_<name>`; after
// each evaluation during training, `evaluation_<name>_vs_iterations` at the optimizer's step; with
// `histogramFreq`, every weight's histogram. In Node the files are rewritten after each epoch
// (`tensorboard --logdir logs` reads them); everywhere, `files` holds their bytes by path.

import { EventFileWriter } from '../io/tensorboard_events';
import { localFileWriter } from '../io/local_files';
import { checkOptionNames } from '../ops/validate';
import { Callback, type Logs } from './callback';

export interface TensorBoardArgs {
  /** The directory of the run (default 'logs'); its `train` and `validation` folders get one event file each. */
  logDir?: string;
  /** Write the weights' histograms every this many epochs (default 0: never). */
  histogramFreq?: number;
  /** Keras writes the model's graph; accepted for Keras's signature, nothing is written here. */
  writeGraph?: boolean;
  /** Weights as images: not supported here (false only). */
  writeImages?: boolean;
  /** Also log the training steps per second (default false). */
  writeStepsPerSecond?: boolean;
  /** 'epoch' (default), 'batch', or N: also log every N-th batch's logs. */
  updateFreq?: 'epoch' | 'batch' | number;
  /** Profiling: not supported here (0 only, as Keras on its torch and NumPy backends). */
  profileBatch?: number;
  /** Embedding projector: not supported here (0 only). */
  embeddingsFreq?: number;
  /** Embedding projector metadata: not supported here (null only). */
  embeddingsMetadata?: null;
}

const ARG_NAMES = {
  logDir: true,
  histogramFreq: true,
  writeGraph: true,
  writeImages: true,
  writeStepsPerSecond: true,
  updateFreq: true,
  profileBatch: true,
  embeddingsFreq: true,
  embeddingsMetadata: true,
} satisfies Record<keyof TensorBoardArgs, true>;

/** What an optimizer wrapper exposes to name the learning rates (LossScaleOptimizer, MultiOptimizer). */
interface OptimizerLike {
  lr?: number;
  name?: string;
  innerOptimizer?: OptimizerLike;
  optimizers?: OptimizerLike[];
}

/**
 * Writes the training logs as TensorBoard event files (keras.callbacks.TensorBoard).
 *
 * @example
 * await model.fit(x, y, { epochs: 10, validationSplit: 0.2, callbacks: [new TensorBoard({ logDir: 'logs/run1', histogramFreq: 1 })] });
 * // then: tensorboard --logdir logs
 */
export class TensorBoard extends Callback {
  readonly logDir: string;
  readonly histogramFreq: number;
  readonly writeGraph: boolean;
  readonly writeStepsPerSecond: boolean;
  /** 'epoch', or log every this many batches. */
  readonly updateFreq: 'epoch' | number;
  /** The event files' bytes by path (`logs/train/events.out.tfevents...`), as written so far. */
  readonly files = new Map<string, Uint8Array>();
  private writers = new Map<'train' | 'validation', { path: string; writer: EventFileWriter }>();
  private globalTrainBatch = 0;
  private epochStart = 0;
  private epochStartIterations = 0;
  private batchStart = 0;

  constructor(args: TensorBoardArgs = {}) {
    super();
    checkOptionNames('TensorBoard', args, ARG_NAMES);
    const { logDir = 'logs', histogramFreq = 0, writeGraph = true, writeImages = false, writeStepsPerSecond = false, updateFreq = 'epoch' } = args;
    const { profileBatch = 0, embeddingsFreq = 0, embeddingsMetadata = null } = args;
    if (typeof logDir !== 'string' || logDir.length === 0) throw new Error(`TensorBoard: logDir must be a non-empty string. Received: logDir=${JSON.stringify(logDir)}`);
    if (!Number.isInteger(histogramFreq) || histogramFreq < 0) throw new Error(`TensorBoard: histogramFreq must be an integer >= 0. Received: histogramFreq=${histogramFreq}`);
    if (updateFreq !== 'epoch' && updateFreq !== 'batch' && !(Number.isInteger(updateFreq) && updateFreq > 0)) {
      throw new Error(`TensorBoard: updateFreq must be 'epoch', 'batch' or a positive integer. Received: updateFreq=${JSON.stringify(updateFreq)}`);
    }
    if (writeImages) throw new Error('TensorBoard: writeImages is not supported here (weights as images); leave it false.');
    if (profileBatch !== 0) throw new Error(`TensorBoard: profiling is not supported here. Received: profileBatch=${JSON.stringify(profileBatch)} (must be 0)`);
    if (embeddingsFreq !== 0 || embeddingsMetadata !== null) throw new Error('TensorBoard: the embedding projector is not supported here; leave embeddingsFreq at 0 and embeddingsMetadata null.');
    this.logDir = logDir.replace(/\/+$/, '');
    this.histogramFreq = histogramFreq;
    this.writeGraph = writeGraph;
    this.writeStepsPerSecond = writeStepsPerSecond;
    this.updateFreq = updateFreq === 'batch' ? 1 : updateFreq;
  }

  override get wantsBatchLogs(): boolean {
    return this.updateFreq !== 'epoch';
  }

  override onTrainBegin(): void {
    this.writers.clear();
    this.files.clear();
    this.globalTrainBatch = 0;
  }

  override onEpochBegin(): void {
    this.epochStart = performance.now();
    this.epochStartIterations = this.model.optimizer?.iterations ?? 0;
  }

  override onTrainBatchBegin(): void {
    this.globalTrainBatch++;
    if (this.writeStepsPerSecond) this.batchStart = performance.now();
  }

  override onTrainBatchEnd(_batch: number, logs: Logs = {}): void {
    if (this.updateFreq === 'epoch') return;
    const step = this.globalTrainBatch;
    if (step % this.updateFreq !== 0) return;
    if (this.writeStepsPerSecond) this.writer('train').scalar('batch_steps_per_second', 1000 / Math.max(performance.now() - this.batchStart, 1e-3), step);
    for (const [name, value] of Object.entries(logs)) {
      if (name !== 'batch' && name !== 'size') this.writer('train').scalar(`batch_${name}`, value, step);
    }
  }

  override onTestEnd(logs: Logs = {}): void {
    const optimizer = this.model.optimizer;
    if (!optimizer) return;
    for (const [name, value] of Object.entries(logs)) this.writer('validation').scalar(`evaluation_${name}_vs_iterations`, value, optimizer.iterations);
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    const train: Logs = {};
    const validation: Logs = {};
    for (const [name, value] of Object.entries(logs)) {
      if (name.startsWith('val_')) validation[name.slice(4)] = value;
      else train[name] = value;
    }
    Object.assign(train, this.learningRates());
    if (this.writeStepsPerSecond) {
      const seconds = (performance.now() - this.epochStart) / 1000;
      train.steps_per_second = ((this.model.optimizer?.iterations ?? 0) - this.epochStartIterations) / Math.max(seconds, 1e-6);
    }
    for (const [name, value] of Object.entries(train)) this.writer('train').scalar(`epoch_${name}`, value, epoch);
    for (const [name, value] of Object.entries(validation)) this.writer('validation').scalar(`epoch_${name}`, value, epoch);
    if (this.histogramFreq > 0 && epoch % this.histogramFreq === 0) await this.logWeights(epoch);
    await this.flush();
  }

  override async onTrainEnd(): Promise<void> {
    await this.flush();
  }

  /** Keras's learning-rate logs: one, or one per optimizer of a MultiOptimizer (`learning_rate_<name>`). */
  private learningRates(): Logs {
    let optimizer = this.model.optimizer as OptimizerLike | undefined;
    if (!optimizer) return {};
    if (optimizer.innerOptimizer) optimizer = optimizer.innerOptimizer;
    if (optimizer.optimizers) return Object.fromEntries(optimizer.optimizers.filter((o) => typeof o.lr === 'number').map((o) => [`learning_rate_${o.name}`, o.lr!]));
    return typeof optimizer.lr === 'number' ? { learning_rate: optimizer.lr } : {};
  }

  /** Every weight's histogram, tagged `<layer>/<weight>/histogram` as Keras tags them (its weight path). */
  private async logWeights(epoch: number): Promise<void> {
    for (const layer of this.model.layers) {
      for (const weight of layer.weights) {
        this.writer('train').histogram(`${weight.name.replace(/:/g, '_')}/histogram`, await weight.data(), epoch);
      }
    }
  }

  private writer(run: 'train' | 'validation'): EventFileWriter {
    let entry = this.writers.get(run);
    if (!entry) {
      const seconds = Math.floor(Date.now() / 1000);
      entry = { path: `${this.logDir}/${run}/events.out.tfevents.${seconds}.webgpu-keras.${this.writers.size}.v2`, writer: new EventFileWriter() };
      this.writers.set(run, entry);
    }
    return entry.writer;
  }

  private async flush(): Promise<void> {
    const write = localFileWriter();
    for (const { path, writer } of this.writers.values()) {
      const bytes = writer.bytes();
      this.files.set(path, bytes);
      if (write) await write(path, bytes);
    }
  }
}
