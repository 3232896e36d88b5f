// Temporary folders for a test file's saved models and logs, removed when the file's tests end
// (test/setup_file.ts registers removeTempDirs after each file; Node only: the browser suite never
// writes files).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const madeByThisFile: string[] = [];

/** Removes the folders makeTempDir made since the last call. */
export function removeTempDirs(): void {
  for (const dir of madeByThisFile.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A new empty folder under the OS's temporary folder, named `prefix` and random characters. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  madeByThisFile.push(dir);
  return dir;
}
