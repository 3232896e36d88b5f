// Reads one file out of a zip archive in memory (a Keras 3 `.keras` file is a zip of config.json,
// metadata.json and model.weights.h5): the central directory locates the entry, and its data is
// either stored (what Keras writes) or deflated (inflated with the platform's
// DecompressionStream, in browsers and Node alike). Zip64 archives and other methods are refused.

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

/** Whether the bytes start like a zip archive. */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** The names of the archive's entries. */
export function zipEntries(bytes: Uint8Array): string[] {
  return directory(bytes).map((e) => e.name);
}

/** The contents of the entry `name`; an error lists the entries when it is missing. */
export async function readZipEntry(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  const entries = directory(bytes);
  const entry = entries.find((e) => e.name === name);
  if (!entry) throw new Error(`zip: no entry '${name}' in the archive (entries: ${entries.map((e) => e.name).join(', ') || 'none'}).`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  check(bytes, entry.localHeader, 30);
  if (view.getUint32(entry.localHeader, true) !== LOCAL_HEADER) throw new Error(`zip: the local header of '${name}' is missing.`);
  const start = entry.localHeader + 30 + view.getUint16(entry.localHeader + 26, true) + view.getUint16(entry.localHeader + 28, true);
  check(bytes, start, entry.compressedSize);
  const data = bytes.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return data;
  if (entry.method !== 8) throw new Error(`zip: '${name}' uses compression method ${entry.method}; stored (0) and deflate (8) are supported.`);
  const inflated = new Uint8Array(await new Response(new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw'))).arrayBuffer());
  if (inflated.length !== entry.size) throw new Error(`zip: '${name}' inflated to ${inflated.length} bytes, its directory says ${entry.size}.`);
  return inflated;
}

interface DirectoryEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeader: number;
}

function directory(bytes: Uint8Array): DirectoryEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end record is the last 22 bytes, before a comment of up to 65535.
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65535); at--) {
    if (view.getUint32(at, true) === END_OF_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new Error('zip: no end of central directory record (not a zip archive, or truncated).');
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  if (count === 0xffff || at === 0xffffffff) throw new Error('zip: Zip64 archives are not supported.');
  const entries: DirectoryEntry[] = [];
  for (let i = 0; i < count; i++) {
    check(bytes, at, 46);
    if (view.getUint32(at, true) !== DIRECTORY_ENTRY) throw new Error('zip: the central directory is damaged.');
    const nameLength = view.getUint16(at + 28, true);
    check(bytes, at + 46, nameLength);
    entries.push({
      name: new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength)),
      method: view.getUint16(at + 10, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localHeader: view.getUint32(at + 42, true),
    });
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return entries;
}

function check(bytes: Uint8Array, at: number, length: number): void {
  if (at < 0 || at + length > bytes.length) throw new Error(`zip: the archive is truncated or damaged (${length} bytes at offset ${at} of ${bytes.length}).`);
}
