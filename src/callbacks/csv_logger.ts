// CSVLogger: each epoch's logs as a row of a CSV file, as Keras's callback writes it (a header of
// 'epoch' and the sorted log names, val_ names added when the first epoch has none, 'NA' for a
// missing value, Python csv's excel dialect: rows end with '\r\n'). The text is kept in `csv`; in
// Node, `filename` is rewritten with it after every epoch (a browser cannot write files: there,
// leave `filename` out and read `csv`).

import { localFileReader, localFileWriter } from '../io/local_files';
import { checkOptionNames } from '../ops/validate';
import { Callback, type Logs } from './callback';

export interface CSVLoggerArgs {
  /** The file to write, e.g. 'run/log.csv' (Node only; default: none, the text stays in `csv`). */
  filename?: string | null;
  /** Between the values of a row (default ','). */
  separator?: string;
  /** Add to an existing file rather than overwrite it (default false), its header kept. */
  append?: boolean;
}

/**
 * Writes each epoch's logs as a CSV row (keras.callbacks.CSVLogger).
 *
 * @example
 * const logger = new CSVLogger({ filename: 'training.csv' });
 * await model.fit(x, y, { epochs: 5, callbacks: [logger] });
 * console.log(logger.csv);   // epoch,loss,... then one row an epoch
 */
export class CSVLogger extends Callback {
  readonly filename: string | null;
  readonly separator: string;
  readonly append: boolean;
  /** What has been logged, as the file holds it. */
  csv = '';
  private keys: string[] | null = null;

  constructor(args: CSVLoggerArgs = {}) {
    super();
    checkOptionNames('CSVLogger', args, { filename: true, separator: true, append: true } satisfies Record<keyof CSVLoggerArgs, true>);
    const { filename = null, separator = ',', append = false } = args;
    if (filename !== null && (typeof filename !== 'string' || filename.length === 0)) throw new Error(`CSVLogger: filename must be a non-empty string or null. Received: filename=${JSON.stringify(filename)}`);
    if (typeof separator !== 'string' || separator.length !== 1) throw new Error(`CSVLogger: separator must be one character. Received: separator=${JSON.stringify(separator)}`);
    if (filename !== null && !localFileWriter()) {
      throw new Error(`CSVLogger: writing '${filename}' needs Node (a browser cannot write files); leave filename out and read logger.csv instead.`);
    }
    this.filename = filename;
    this.separator = separator;
    this.append = append === true;
  }

  override async onTrainBegin(): Promise<void> {
    this.keys = null;
    this.csv = '';
    if (this.append && this.filename !== null) {
      try {
        this.csv = new TextDecoder().decode(await localFileReader()!(this.filename));
      } catch {
        this.csv = ''; // No file yet: it starts with a header.
      }
    }
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    if (this.keys === null) {
      const keys = Object.keys(logs).sort();
      this.keys = keys.some((key) => key.startsWith('val_')) ? keys : [...keys, ...keys.map((key) => `val_${key}`)];
      if (this.csv.length === 0) this.csv += this.row(['epoch', ...this.keys]);
    }
    this.csv += this.row([String(epoch), ...this.keys.map((key) => (key in logs ? String(logs[key]) : 'NA'))]);
    if (this.filename !== null) await localFileWriter()!(this.filename, new TextEncoder().encode(this.csv));
  }

  private row(fields: string[]): string {
    return `${fields.join(this.separator)}\r\n`;
  }
}
