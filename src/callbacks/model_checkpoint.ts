// ModelCheckpoint: save the model (or only its weights) at the end of epochs or every so many
// batches, each time or only when a monitored quantity improves, to any save target (a URL such
// as 'indexeddb://run-{epoch}', a Node file path, or an IOHandler).

import type { IOHandler, IOTarget } from '../io/handlers';
import { Callback, type Logs } from './callback';
import { checkMonitorMode, guessMonitorMode, resolveMonitorMode, type MonitorMode } from './monitor';
import { checkOptionNames } from '../ops/validate';
import { checkSavePath } from '../io/save_paths';

export interface ModelCheckpointArgs {
  /**
   * Where to save: a URL or path in which `{epoch}` (1-based, `{epoch:03d}` zero-padded), `{batch}`
   * (1-based, with a saveFreq in batches) and `{name}` / `{name:.4f}` for any logged quantity are
   * filled in, or an IOHandler.
   */
  filepath: IOTarget;
  /** Logged quantity to watch with saveBestOnly (default 'val_loss'). */
  monitor?: string;
  /** Save only when `monitor` improves on the best value so far (default false). */
  saveBestOnly?: boolean;
  /** Save only the weights (model.saveWeights) instead of the whole model (default false). */
  saveWeightsOnly?: boolean;
  /**
   * 'min', 'max', or 'auto' (default): min for losses, else the direction of the compiled metric
   * of that name; for other names max when they contain 'acc' or 'auc', else min.
   */
  mode?: MonitorMode;
  /** With saveBestOnly: the value to beat before the first save (default none). */
  initialValueThreshold?: number;
  /**
   * 'epoch' (default) saves at the end of every epoch; a number N saves after every N training
   * batches, counted across epochs (as Keras). Batch logs hold the epoch's running means, so a
   * monitored value may reflect few batches; they are read back per batch only when the save needs
   * them (saveBestOnly, or a logged quantity in the filepath).
   */
  saveFreq?: 'epoch' | number;
  /** 1 prints a line per save. */
  verbose?: 0 | 1;
}

/** ModelCheckpointArgs' names, for checkOptionNames (the type keeps the list complete). */
const MODEL_CHECKPOINT_OPTIONS: Record<keyof ModelCheckpointArgs, true> = {
  filepath: true, monitor: true, saveBestOnly: true, saveWeightsOnly: true, mode: true, initialValueThreshold: true, saveFreq: true, verbose: true,
};

/**
 * @example
 * const checkpoint = new ModelCheckpoint({ filepath: 'indexeddb://best-model', monitor: 'val_loss', saveBestOnly: true });
 * await model.fit(x, y, { epochs: 50, validationSplit: 0.2, callbacks: [checkpoint] });
 * const best = await loadModel('indexeddb://best-model');
 */
export class ModelCheckpoint extends Callback {
  readonly filepath: IOTarget;
  readonly monitor: string;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly mode: MonitorMode;
  readonly saveFreq: 'epoch' | number;
  readonly verbose: 0 | 1;
  /** The best monitored value so far (with saveBestOnly; from the first training, or initialValueThreshold). */
  best: number | null;
  /** The mode resolved for the compiled model at the start of training. */
  private resolved: 'min' | 'max' = 'min';
  /** Where the last save went (the filled-in URL or the handler), or null before the first. */
  lastSaved: IOTarget | null = null;
  /** 0-based epoch of the last save, or -1. */
  lastSavedEpoch = -1;
  /** 0-based batch of the last save with a saveFreq in batches, else -1. */
  lastSavedBatch = -1;
  private currentEpoch = 0;
  /** Batches since the last save, and the last batch seen (Keras's count, which a new epoch restarts from its batch 0). */
  private batchesSinceSave = 0;
  private lastBatchSeen: number | null = null;

  constructor(args: ModelCheckpointArgs) {
    checkOptionNames('ModelCheckpoint', args, MODEL_CHECKPOINT_OPTIONS);
    const { filepath, monitor = 'val_loss', saveBestOnly = false, saveWeightsOnly = false, mode = 'auto', initialValueThreshold, saveFreq = 'epoch', verbose = 0 } = args ?? ({} as ModelCheckpointArgs);
    super();
    if (filepath === undefined || filepath === null || filepath === '') throw new Error('ModelCheckpoint: `filepath` is required (a URL, a path, or an IOHandler).');
    if (saveFreq !== 'epoch' && !(Number.isInteger(saveFreq) && saveFreq > 0)) {
      throw new Error(`ModelCheckpoint: unrecognized saveFreq ${JSON.stringify(saveFreq)}. Expected 'epoch' or a positive integer (a number of batches).`);
    }
    checkSavePath(filepath, saveWeightsOnly ? 'saveWeights' : 'save', 'ModelCheckpoint');
    this.saveFreq = saveFreq;
    this.filepath = filepath;
    this.monitor = monitor;
    this.saveBestOnly = saveBestOnly;
    this.saveWeightsOnly = saveWeightsOnly;
    this.mode = checkMonitorMode('ModelCheckpoint', mode);
    this.verbose = verbose;
    this.best = initialValueThreshold ?? null;
  }

  override onTrainBegin(): void {
    this.resolved = resolveMonitorMode(this.model, this.monitor, this.mode) ?? guessMonitorMode(this.monitor);
  }

  /** With a saveFreq in batches, the batch logs' values only when saving reads them (the hook runs every batch regardless). */
  override get wantsBatchLogs(): boolean {
    if (this.saveFreq === 'epoch') return false;
    return this.saveBestOnly || (typeof this.filepath === 'string' && templateKeys(this.filepath).some((key) => key !== 'epoch' && key !== 'batch'));
  }

  override onEpochBegin(epoch: number): void {
    this.currentEpoch = epoch;
  }

  override async onTrainBatchEnd(batch: number, logs: Logs = {}): Promise<void> {
    if (this.saveFreq === 'epoch') return;
    // Keras's count: a batch index not above the last one seen starts a new epoch.
    this.batchesSinceSave += this.lastBatchSeen === null || batch <= this.lastBatchSeen ? batch + 1 : batch - this.lastBatchSeen;
    this.lastBatchSeen = batch;
    if (this.batchesSinceSave < this.saveFreq) return;
    this.batchesSinceSave = 0;
    await this.save(this.currentEpoch, batch, logs);
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    if (this.saveFreq === 'epoch') await this.save(epoch, null, logs);
  }

  /** Saves (with saveBestOnly, only when the monitored value improved); `batch` is null for an epoch's save. */
  private async save(epoch: number, batch: number | null, logs: Logs): Promise<void> {
    const target = typeof this.filepath === 'string' ? fillTemplate(this.filepath, epoch, batch, logs) : (this.filepath as IOHandler);
    const where = `Epoch ${epoch + 1}${batch === null ? '' : `, batch ${batch + 1}`}`;
    // Keras's lines: with saveBestOnly, whether the monitored value improved and from what.
    let saving = `${where}: saving model to ${typeof target === 'string' ? target : 'the handler'}`;
    if (this.saveBestOnly) {
      const current = logs[this.monitor];
      if (current === undefined) {
        console.warn(`ModelCheckpoint: can save best model only with '${this.monitor}' available in the logs (available: ${Object.keys(logs).join(', ')}); skipping.`);
        return;
      }
      const best = this.best === null ? 'None' : this.best.toFixed(5);
      const improved = this.best === null || (this.resolved === 'min' ? current < this.best : current > this.best);
      if (!improved) {
        if (this.verbose === 1) console.log(`${where}: ${this.monitor} did not improve from ${best}`);
        return;
      }
      this.best = current;
      saving = `${where}: ${this.monitor} improved from ${best} to ${current.toFixed(5)}, ${saving.slice(where.length + 2)}`;
    }
    if (this.saveWeightsOnly) await this.model.saveWeights(target);
    else await this.model.save(target);
    this.lastSaved = target;
    this.lastSavedEpoch = epoch;
    this.lastSavedBatch = batch ?? -1;
    if (this.verbose === 1) console.log(saving);
  }
}

const TEMPLATE_FIELD = /\{([A-Za-z_][\w]*)(?::([^}]*))?\}/g;

/** The names a filepath template refers to. */
function templateKeys(template: string): string[] {
  return [...template.matchAll(TEMPLATE_FIELD)].map((match) => match[1]);
}

/**
 * Fills `{epoch}`, `{epoch:03d}`, `{batch}` (a batch's save only), `{loss}`, `{val_loss:.4f}` in a
 * path, as Keras's format strings; epoch and batch are 1-based.
 */
function fillTemplate(template: string, epoch: number, batch: number | null, logs: Logs): string {
  return template.replace(TEMPLATE_FIELD, (match, key: string, format: string | undefined) => {
    const value = key === 'epoch' ? epoch + 1 : key === 'batch' && batch !== null ? batch + 1 : logs[key];
    if (value === undefined) {
      throw new Error(`ModelCheckpoint: the filepath refers to '{${key}}', which is neither ${batch === null ? "'epoch'" : "'epoch', 'batch'"} nor in the logs (${Object.keys(logs).join(', ')}).`);
    }
    if (!format) return String(value);
    const fixed = /^\.(\d+)f$/.exec(format);
    if (fixed) return value.toFixed(Number(fixed[1]));
    const padded = /^0?(\d+)d$/.exec(format);
    if (padded) return String(Math.trunc(value)).padStart(Number(padded[1]), '0');
    return match;
  });
}
