// BackupAndRestore (keras/src/callbacks/backup_and_restore.py): backs up the training state (the
// weights, the optimizer's state and the epoch reached) at the end of each epoch, or every so
// many batches, so that a `fit` that was interrupted (a crash, a closed tab) resumes where the
// backup left off when it is run again with the same callback. The backup is deleted when a fit
// ends normally.

import { removeModel, resolveHandler, type IOTarget } from '../io/handlers';
import { checkOptionNames } from '../ops/validate';
import { Callback } from './callback';

export interface BackupAndRestoreArgs {
  /**
   * Where the backup goes: a URL ('indexeddb://run1-backup', 'memory://backup'), a Node directory
   * path, or an IOHandler. Keep it for this backup alone: it is overwritten and deleted.
   */
  backupDir: IOTarget;
  /** 'epoch' (default) backs up at the end of each epoch; a number N after every N training batches. */
  saveFreq?: 'epoch' | number;
  /** Delete the backup when fit ends normally (default true). */
  deleteCheckpoint?: boolean;
}

const BACKUP_AND_RESTORE_OPTIONS: Record<keyof BackupAndRestoreArgs, true> = { backupDir: true, saveFreq: true, deleteCheckpoint: true };

/**
 * @example
 * const backup = new BackupAndRestore({ backupDir: 'indexeddb://training-backup' });
 * await model.fit(x, y, { epochs: 100, callbacks: [backup] });
 * // After a crash, the same call (with a model of the same architecture) resumes at the epoch the backup reached.
 */
export class BackupAndRestore extends Callback {
  readonly backupDir: IOTarget;
  readonly saveFreq: 'epoch' | number;
  readonly deleteCheckpoint: boolean;
  /** The epoch a backup taken now resumes at: the one in progress, or the next one after onEpochEnd. */
  private currentEpoch = 0;
  private batchesSinceSave = 0;
  private lastBatchSeen = 0;

  constructor(args: BackupAndRestoreArgs) {
    checkOptionNames('BackupAndRestore', args, BACKUP_AND_RESTORE_OPTIONS);
    const { backupDir, saveFreq = 'epoch', deleteCheckpoint = true } = args ?? ({} as BackupAndRestoreArgs);
    super();
    if (backupDir === undefined || backupDir === null || backupDir === '') throw new Error('BackupAndRestore: `backupDir` is required (a URL, a directory path, or an IOHandler).');
    if (saveFreq !== 'epoch' && !(Number.isInteger(saveFreq) && saveFreq > 0)) {
      throw new Error(`BackupAndRestore: invalid value for argument saveFreq. Expected 'epoch' or a positive integer (a number of batches). Received: saveFreq=${JSON.stringify(saveFreq)}`);
    }
    this.backupDir = backupDir;
    this.saveFreq = saveFreq;
    this.deleteCheckpoint = deleteCheckpoint;
  }

  /** Restores the backup, if there is one, and makes fit start at its epoch. */
  override async onTrainBegin(): Promise<void> {
    if (!this.model.built) {
      throw new Error(`BackupAndRestore: model '${this.model.name}' must be built before fit() (call it on a batch of data or give it an input shape), so that a backup can be restored into it.`);
    }
    const { restoreBackup } = await import('../io/model_io');
    const epoch = await restoreBackup(this.model, this.backupDir);
    this.batchesSinceSave = 0;
    this.lastBatchSeen = 0;
    if (epoch !== null) {
      this.currentEpoch = epoch;
      this.model.resumeEpoch = epoch;
    }
  }

  override onEpochBegin(epoch: number): void {
    this.currentEpoch = epoch;
  }

  /** Backups save the weights, not the batch's loss: no batch's logs are read back for them. */
  override get wantsBatchLogs(): boolean {
    return false;
  }

  override async onTrainBatchEnd(batch: number): Promise<void> {
    if (this.saveFreq === 'epoch') return;
    // Keras's count: a batch index not above the last one seen starts a new epoch.
    this.batchesSinceSave += batch <= this.lastBatchSeen ? batch + 1 : batch - this.lastBatchSeen;
    this.lastBatchSeen = batch;
    if (this.batchesSinceSave < this.saveFreq) return;
    this.batchesSinceSave = 0;
    await this.backup();
  }

  override async onEpochEnd(epoch: number): Promise<void> {
    this.currentEpoch = epoch + 1;
    this.lastBatchSeen = 0;
    if (this.saveFreq === 'epoch') await this.backup();
  }

  override async onTrainEnd(): Promise<void> {
    if (this.deleteCheckpoint) await this.deleteBackup();
  }

  private async backup(): Promise<void> {
    const { saveBackup } = await import('../io/model_io');
    await saveBackup(this.model, this.backupDir, this.currentEpoch);
  }

  private async deleteBackup(): Promise<void> {
    const handler = resolveHandler(this.backupDir, 'load');
    if (handler.remove) await handler.remove();
    else if (typeof this.backupDir === 'string') await removeModel(this.backupDir).catch(() => undefined);
  }
}
