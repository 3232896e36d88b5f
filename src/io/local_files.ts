// Reading and writing files by path, which only Node can do: the Node entry registers the two
// functions (src/io/node_file_handler.ts, through dynamic imports of node:fs), so browser bundles
// never contain them and see null here. Used by the Keras file functions (a '.keras' path) and by
// CSVLogger.

type FileReader = (path: string) => Promise<Uint8Array>;
type FileWriter = (path: string, bytes: Uint8Array) => Promise<void>;

let reader: FileReader | null = null;
let writer: FileWriter | null = null;

/** @internal The Node entry's reader and writer of file paths. */
export function setLocalFileAccess(read: FileReader, write: FileWriter): void {
  reader = read;
  writer = write;
}

/** @internal The reader of file paths, or null where there is none (a browser). */
export function localFileReader(): FileReader | null {
  return reader;
}

/** @internal The writer of file paths, or null where there is none (a browser). */
export function localFileWriter(): FileWriter | null {
  return writer;
}
