// Writes a zip archive in memory, as Keras 3 writes a `.keras` file (a zip of metadata.json,
// config.json and model.weights.h5): every entry stored uncompressed (method 0) with its CRC-32,
// a local header before each entry's data, then the central directory and the end record. Names
// are flagged UTF-8; every entry carries the same timestamp (1980-01-01 00:00, the earliest DOS
// date), so the same entries always give the same bytes. Zip64 is not written: an archive of
// 4 GiB or more, or of 65535 entries or more (a count of 0xffff marks a Zip64 archive), is refused.
// Python's zipfile and ./zip.ts read the result.

const LOCAL_HEADER = 0x04034b50;
const DIRECTORY_ENTRY = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
const LOCAL_HEADER_SIZE = 30;
const DIRECTORY_ENTRY_SIZE = 46;
const END_OF_DIRECTORY_SIZE = 22;
/** Version 2.0 of the zip specification: needed to extract, and made by (on MS-DOS, attributes unused). */
const ZIP_VERSION = 20;
/** General purpose flag bit 11: the name is UTF-8. */
const UTF8_NAME = 0x0800;
/** DOS date 1980-01-01 (day 1, month 1, year 1980 + 0); time 00:00:00. */
const DOS_DATE = (1 << 5) | 1;
const DOS_TIME = 0;
const MAX_ENTRIES = 0xfffe;
const MAX_ARCHIVE_SIZE = 0xffffffff;

/** A zip archive of `entries`, stored, in order. */
export function writeZip(entries: Array<{ name: string; data: Uint8Array }>): Uint8Array {
  if (entries.length > MAX_ENTRIES) throw new Error(`zip writer: at most ${MAX_ENTRIES} entries without Zip64. Received: ${entries.length} entries.`);
  const names = entries.map(({ name }) => new TextEncoder().encode(name));
  const seen = new Set<string>();
  entries.forEach(({ name }, i) => {
    if (names[i].length === 0 || names[i].length > 0xffff) throw new Error(`zip writer: an entry name needs 1 to 65535 bytes. Received: ${names[i].length} bytes.`);
    if (seen.has(name)) throw new Error(`zip writer: the entry name '${name}' appears twice.`);
    seen.add(name);
  });
  const directorySize = names.reduce((sum, name) => sum + DIRECTORY_ENTRY_SIZE + name.length, 0);
  const dataSize = entries.reduce((sum, { data }, i) => sum + LOCAL_HEADER_SIZE + names[i].length + data.length, 0);
  const size = dataSize + directorySize + END_OF_DIRECTORY_SIZE;
  if (size > MAX_ARCHIVE_SIZE) throw new Error(`zip writer: an archive of ${size} bytes needs Zip64, which is not written (at most ${MAX_ARCHIVE_SIZE} bytes).`);

  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  const localHeaders: number[] = [];
  const crcs: number[] = [];
  let at = 0;
  entries.forEach(({ data }, i) => {
    localHeaders.push(at);
    crcs.push(crc32(data));
    view.setUint32(at, LOCAL_HEADER, true);
    at = describe(view, at + 4, crcs[i], data.length, names[i].length);
    view.setUint16(at, 0, true); // extra field length
    out.set(names[i], at + 2);
    out.set(data, at + 2 + names[i].length);
    at += 2 + names[i].length + data.length;
  });
  const directory = at;
  entries.forEach(({ data }, i) => {
    view.setUint32(at, DIRECTORY_ENTRY, true);
    view.setUint16(at + 4, ZIP_VERSION, true); // made by
    at = describe(view, at + 6, crcs[i], data.length, names[i].length);
    // Extra field, comment lengths; disk number; internal, external attributes; local header offset.
    view.setUint16(at, 0, true);
    view.setUint16(at + 2, 0, true);
    view.setUint16(at + 4, 0, true);
    view.setUint16(at + 6, 0, true);
    view.setUint32(at + 8, 0, true);
    view.setUint32(at + 12, localHeaders[i], true);
    out.set(names[i], at + 16);
    at += 16 + names[i].length;
  });
  view.setUint32(at, END_OF_DIRECTORY, true);
  // This disk's number, the directory's disk; entries on this disk, in all; directory size, offset; comment length.
  view.setUint16(at + 4, 0, true);
  view.setUint16(at + 6, 0, true);
  view.setUint16(at + 8, entries.length, true);
  view.setUint16(at + 10, entries.length, true);
  view.setUint32(at + 12, directorySize, true);
  view.setUint32(at + 16, directory, true);
  view.setUint16(at + 20, 0, true);
  return out;
}

/**
 * The fields local headers and directory entries share, from the version needed to extract to the
 * name's length; where the next field goes.
 */
function describe(view: DataView, at: number, crc: number, size: number, nameLength: number): number {
  view.setUint16(at, ZIP_VERSION, true);
  view.setUint16(at + 2, UTF8_NAME, true);
  view.setUint16(at + 4, 0, true); // method: stored
  view.setUint16(at + 6, DOS_TIME, true);
  view.setUint16(at + 8, DOS_DATE, true);
  view.setUint32(at + 10, crc, true);
  view.setUint32(at + 14, size, true); // compressed size
  view.setUint32(at + 18, size, true);
  view.setUint16(at + 22, nameLength, true);
  return at + 24;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO 3309, the polynomial 0xedb88320 reflected), as zip stores it. */
function crc32(data: Uint8Array): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
