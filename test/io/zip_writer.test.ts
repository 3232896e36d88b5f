// The zip writer: archives that this library's reader reads back entry by entry, laid out as
// the zip specification has it (stored entries with their CRC-32, a fixed DOS timestamp, the
// central directory and the end record, the same bytes for the same entries); and refusal of
// what needs Zip64 or is ambiguous. That Python's zipfile tests these archives as sound, and h5py
// reads an HDF5 file out of one, was checked outside this suite.

import { describe, expect, it } from 'vitest';
import { readZipEntry, zipEntries } from '../../src/io/zip';
import { writeZip } from '../../src/io/zip_writer';

const text = (s: string) => new TextEncoder().encode(s);

describe('writeZip', () => {
  it('writes entries that the reader reads back in order, an empty one and a UTF-8 name included', async () => {
    const binary = Uint8Array.from({ length: 70000 }, (_, i) => (i * 7919) % 256);
    const entries = [
      { name: 'metadata.json', data: text('{"keras_version": "3.5.0"}') },
      { name: 'config.json', data: text('{}') },
      { name: 'model.weights.h5', data: binary },
      { name: 'empty', data: new Uint8Array(0) },
      { name: 'ünïcode/名前.txt', data: text('ok') },
    ];
    const zip = writeZip(entries);
    expect(zipEntries(zip)).toEqual(entries.map((e) => e.name));
    for (const { name, data } of entries) expect(await readZipEntry(zip, name)).toEqual(data);
    expect(zipEntries(writeZip([]))).toEqual([]);
  });

  it('lays out stored entries with their CRC-32 and a fixed timestamp, the directory, and the end record', () => {
    const zip = writeZip([{ name: 'a.txt', data: text('123456789') }]);
    const view = new DataView(zip.buffer);
    expect(view.getUint32(0, true)).toBe(0x04034b50);
    expect(view.getUint16(8, true)).toBe(0); // stored
    expect([view.getUint16(10, true), view.getUint16(12, true)]).toEqual([0, (1 << 5) | 1]); // 1980-01-01 00:00
    expect(view.getUint32(14, true)).toBe(0xcbf43926); // CRC-32 of '123456789'
    expect([view.getUint32(18, true), view.getUint32(22, true)]).toEqual([9, 9]);
    const end = zip.length - 22;
    expect(view.getUint32(end, true)).toBe(0x06054b50);
    expect([view.getUint16(end + 10, true), view.getUint32(end + 12, true), view.getUint32(end + 16, true)]).toEqual([1, 46 + 5, 30 + 5 + 9]);
    expect(writeZip([{ name: 'a.txt', data: text('123456789') }])).toEqual(zip);
  });

  it('refuses a repeated or empty name and 65535 entries or more (Zip64), with an error', () => {
    expect(() => writeZip([{ name: 'a', data: text('1') }, { name: 'a', data: text('2') }])).toThrow("zip writer: the entry name 'a' appears twice.");
    expect(() => writeZip([{ name: '', data: text('1') }])).toThrow('zip writer: an entry name needs 1 to 65535 bytes. Received: 0 bytes.');
    const many = Array.from({ length: 0xffff }, (_, i) => ({ name: String(i), data: new Uint8Array(0) }));
    expect(() => writeZip(many)).toThrow('zip writer: at most 65534 entries without Zip64. Received: 65535 entries.');
    expect(zipEntries(writeZip(many.slice(1)))).toHaveLength(0xfffe);
  });
});
