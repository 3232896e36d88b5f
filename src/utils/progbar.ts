// Progbar (keras.utils.Progbar): a text progress bar for custom training loops,
//   12/40 [======>.......................] - 3s 250ms/step - loss: 0.4410
// with running averages of the values given to `update` (except the stateful ones, shown as
// given). In Node it redraws one line of the terminal; elsewhere, with verbose 2, or with
// interactive logging off (config.disableInteractiveLogging()), it writes a line when it finishes.

import { isInteractiveLoggingEnabled } from '../backend/config';

/** Values to show: a record or Keras's list of [name, value] pairs. */
export type ProgbarValues = Record<string, number> | ReadonlyArray<readonly [string, number]>;

export interface ProgbarOptions {
  /** Width of the bar in characters (default 30; Keras's 20 is its own default too small to read). */
  width?: number;
  /** 1 (default): a live bar (in a terminal with interactive logging on); 2: one line at the end; 0: silent. */
  verbose?: 0 | 1 | 2;
  /** Least seconds between redraws (default 0.05). */
  interval?: number;
  /** Names of values shown as given rather than averaged over the steps. */
  statefulMetrics?: readonly string[];
  /** What a step is called (default 'step'). */
  unitName?: string;
  /** Where the text goes (default: the terminal's standard output in Node, console.log elsewhere). */
  write?: (text: string) => void;
}

/**
 * A progress bar for loops that `fit` does not run.
 *
 * @example
 * const bar = new utils.Progbar(steps);
 * for (let step = 1; step <= steps; step++) {
 *   const loss = await trainOneBatch();
 *   bar.update(step, { loss });
 * }
 */
export class Progbar {
  readonly target: number | null;
  readonly width: number;
  readonly verbose: 0 | 1 | 2;
  readonly interval: number;
  readonly unitName: string;
  private readonly stateful: Set<string>;
  private readonly write: (text: string) => void;
  private readonly live: boolean;
  /** Per name: [weighted sum, steps] for averaged values, [value, 1] for stateful ones. */
  private readonly values = new Map<string, [number, number]>();
  private seenSoFar = 0;
  private readonly start = Date.now();
  private lastUpdate = 0;
  private finished = false;

  constructor(target: number | null, { width = 30, verbose = 1, interval = 0.05, statefulMetrics = [], unitName = 'step', write }: ProgbarOptions = {}) {
    if (target !== null && !(Number.isInteger(target) && target >= 0)) throw new Error(`Progbar: target must be a non-negative integer or null. Received: target=${String(target)}.`);
    this.target = target;
    this.width = width;
    this.verbose = verbose;
    this.interval = interval;
    this.unitName = unitName;
    this.stateful = new Set(statefulMetrics);
    const stdout = (globalThis as { process?: { stdout?: { isTTY?: boolean; write(text: string): unknown } } }).process?.stdout;
    this.live = write === undefined && verbose === 1 && stdout?.isTTY === true && isInteractiveLoggingEnabled();
    this.write = write ?? (this.live ? (text) => void stdout!.write(text) : (text) => console.log(text));
  }

  /** Sets the progress to `current` steps, folding `values` into the averages; `finalize` (default: current reached target) ends the bar. */
  update(current: number, values: ProgbarValues = {}, finalize = this.target !== null && current >= this.target): void {
    const steps = Math.max(current - this.seenSoFar, 1);
    for (const [name, value] of Array.isArray(values) ? values : Object.entries(values)) {
      const entry = this.values.get(name);
      if (this.stateful.has(name)) this.values.set(name, [value, 1]);
      else if (entry) this.values.set(name, [entry[0] + value * steps, entry[1] + steps]);
      else this.values.set(name, [value * steps, steps]);
    }
    this.seenSoFar = current;
    if (this.verbose === 0 || this.finished) return;
    const now = Date.now();
    if (!finalize && (this.verbose === 2 || (now - this.lastUpdate) / 1000 < this.interval)) return;
    this.lastUpdate = now;
    this.finished = finalize;
    const line = this.line(current, finalize);
    if (this.live) this.write(`\r${line}${finalize ? '\n' : ''}`);
    else if (finalize) this.write(line);
  }

  /** Advances the progress by `steps`. */
  add(steps: number, values: ProgbarValues = {}): void {
    this.update(this.seenSoFar + steps, values);
  }

  /** The current averages (stateful values as last given). */
  get averages(): Record<string, number> {
    return Object.fromEntries([...this.values].map(([name, [sum, count]]) => [name, sum / count]));
  }

  private line(current: number, finalize: boolean): string {
    const parts: string[] = [];
    if (this.target !== null) {
      const digits = String(this.target).length;
      const done = Math.floor((this.width * Math.min(current, this.target)) / Math.max(this.target, 1));
      const arrow = current < this.target ? '>' : '=';
      const bar = done > 0 ? `${'='.repeat(done - 1)}${arrow}` : '';
      parts.push(`${String(current).padStart(digits)}/${this.target} [${bar}${'.'.repeat(this.width - bar.length)}]`);
    } else {
      parts.push(`${current}/Unknown`);
    }
    const elapsed = (Date.now() - this.start) / 1000;
    const perUnit = current > 0 ? elapsed / current : 0;
    const timing = finalize || this.target === null ? `${Math.round(elapsed)}s` : `ETA: ${Math.round(perUnit * (this.target - current))}s`;
    parts.push(`${timing} ${formatPerUnit(perUnit, this.unitName)}`);
    for (const [name, average] of Object.entries(this.averages)) parts.push(`${name}: ${Math.abs(average) >= 1e-3 || average === 0 ? average.toFixed(4) : average.toExponential(4)}`);
    return parts.join(' - ');
  }
}

function formatPerUnit(seconds: number, unit: string): string {
  if (seconds >= 1 || seconds === 0) return `${Math.round(seconds)}s/${unit}`;
  if (seconds >= 1e-3) return `${Math.round(seconds * 1e3)}ms/${unit}`;
  return `${Math.round(seconds * 1e6)}us/${unit}`;
}
