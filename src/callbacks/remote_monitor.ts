// RemoteMonitor: each epoch's logs POSTed to a server with fetch, as Keras's callback sends them
// (form field `field` holding the JSON of { epoch, ...logs }, or the JSON itself as the body); a
// server that cannot be reached gives a warning, not an error.

import { checkOptionNames } from '../ops/validate';
import { Callback, type Logs } from './callback';

export interface RemoteMonitorArgs {
  /** The server (default 'http://localhost:9000'). */
  root?: string;
  /** The path on it (default '/publish/epoch/end/'). */
  path?: string;
  /** The form field that holds the JSON (default 'data'). */
  field?: string;
  /** Extra request headers. */
  headers?: Record<string, string> | null;
  /** Send the JSON as the body (application/json) instead of a form field (default false). */
  sendAsJson?: boolean;
}

/**
 * Streams each epoch's logs to a server (keras.callbacks.RemoteMonitor).
 *
 * @example
 * await model.fit(x, y, { epochs: 5, callbacks: [new RemoteMonitor({ root: 'http://localhost:9000', sendAsJson: true })] });
 */
export class RemoteMonitor extends Callback {
  readonly root: string;
  readonly path: string;
  readonly field: string;
  readonly headers: Record<string, string> | null;
  readonly sendAsJson: boolean;

  constructor(args: RemoteMonitorArgs = {}) {
    super();
    checkOptionNames('RemoteMonitor', args, { root: true, path: true, field: true, headers: true, sendAsJson: true } satisfies Record<keyof RemoteMonitorArgs, true>);
    const { root = 'http://localhost:9000', path = '/publish/epoch/end/', field = 'data', headers = null, sendAsJson = false } = args;
    for (const [name, value] of [['root', root], ['path', path], ['field', field]] as const) {
      if (typeof value !== 'string') throw new Error(`RemoteMonitor: ${name} must be a string. Received: ${name}=${JSON.stringify(value)}`);
    }
    this.root = root;
    this.path = path;
    this.field = field;
    this.headers = headers;
    this.sendAsJson = sendAsJson === true;
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    const send = JSON.stringify({ epoch, ...logs });
    const body = this.sendAsJson ? send : new URLSearchParams({ [this.field]: send });
    const headers = { ...(this.sendAsJson ? { 'Content-Type': 'application/json' } : {}), ...(this.headers ?? {}) };
    try {
      await fetch(this.root + this.path, { method: 'POST', body, headers });
    } catch {
      console.warn(`RemoteMonitor: could not reach the root server at ${this.root}.`);
    }
  }
}
