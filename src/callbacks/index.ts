// Training callbacks, Keras names and defaults.
export { Callback, History, type Logs } from './callback';
export { EarlyStopping, type EarlyStoppingArgs } from './early_stopping';
export { ReduceLROnPlateau, type ReduceLROnPlateauArgs } from './reduce_lr';
export { LambdaCallback, type LambdaCallbackArgs } from './lambda';
export { ProgbarLogger, ProgbarLogger as ProgressBar } from './progress';
export { CallbackList, type CallbackListOptions } from './callback_list';
export { ModelCheckpoint, type ModelCheckpointArgs } from './model_checkpoint';
export { BackupAndRestore, type BackupAndRestoreArgs } from './backup_and_restore';
export { TerminateOnNaN } from './terminate_on_nan';
export { LearningRateScheduler, type LearningRateSchedulerFunction } from './learning_rate_scheduler';
export { SwapEMAWeights, type SwapEMAWeightsArgs } from './swap_ema_weights';
export { CSVLogger, type CSVLoggerArgs } from './csv_logger';
export { RemoteMonitor, type RemoteMonitorArgs } from './remote_monitor';
export { TensorBoard, type TensorBoardArgs } from './tensorboard';
