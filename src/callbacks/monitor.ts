// Which way a monitored quantity improves, for the `mode: 'auto'` of EarlyStopping,
// ModelCheckpoint and ReduceLROnPlateau: losses go down, and a compiled metric says its own
// direction (accuracy, precision, recall and AUC up; errors down), as Keras 3's EarlyStopping
// decides. Quantities the model does not know (a value a callback adds to the logs, a metric
// function) are left to the caller.

import type { Model } from '../models/model';

export type MonitorMode = 'auto' | 'min' | 'max';

/** Throws unless `mode` is 'auto', 'min' or 'max'. */
export function checkMonitorMode(callback: string, mode: unknown): MonitorMode {
  if (mode !== 'auto' && mode !== 'min' && mode !== 'max') throw new Error(`${callback}: invalid mode ${JSON.stringify(mode)}. Expected one of 'auto', 'min', 'max'.`);
  return mode;
}

/** 'min' or 'max' for `monitor` ('val_' prefix ignored), or null when 'auto' cannot tell. */
export function resolveMonitorMode(model: Model, monitor: string, mode: MonitorMode): 'min' | 'max' | null {
  if (mode !== 'auto') return mode;
  const name = monitor.replace(/^val_/, '');
  if (name === 'loss') return 'min';
  const direction = model.metrics.find((m) => m.name === name)?.direction;
  return direction === 'up' ? 'max' : direction === 'down' ? 'min' : null;
}

/** Keras's fallback in ModelCheckpoint and ReduceLROnPlateau: names with 'acc' (or 'auc') go up. */
export function guessMonitorMode(monitor: string): 'min' | 'max' {
  return /acc|auc/.test(monitor) ? 'max' : 'min';
}
