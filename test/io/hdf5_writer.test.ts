// The HDF5 writer: files that this library's reader reads back exactly (nested groups, groups of
// 0, 1, 50 and 1000 members, scalar, multi-dimensional and empty datasets of float32 and int64),
// in HDF5's earliest format as h5py writes it (superblock version 0, symbol-table groups), with
// string attributes in a global heap; and refusal of what it cannot write. That h5py 3.7 (HDF5
// 1.10) reads these files, names, shapes, dtypes, values and attributes as `str`, was checked
// outside this suite, which runs without h5py.

import { describe, expect, it } from 'vitest';
import { readHdf5, type Hdf5Dataset, type Hdf5Group } from '../../src/io/hdf5';
import { writeHdf5, type Hdf5WriteDataset, type Hdf5WriteGroup } from '../../src/io/hdf5_writer';

function group(members: Array<[string, Hdf5WriteGroup | Hdf5WriteDataset]>, attributes?: Array<[string, string]>): Hdf5WriteGroup {
  return { kind: 'group', members: new Map(members), attributes: attributes && new Map(attributes) };
}

function float32(shape: number[], values: number[]): Hdf5WriteDataset {
  return { kind: 'dataset', shape, dtype: 'float32', values: Float32Array.from(values) };
}

/** Members named 0, 1, ..., each a one-element dataset holding its index. */
function numbered(count: number): Hdf5WriteGroup {
  return group(Array.from({ length: count }, (_, i) => [String(i), float32([1], [i])]));
}

function at(root: Hdf5Group, path: string): Hdf5Group | Hdf5Dataset {
  let entry: Hdf5Group | Hdf5Dataset = root;
  for (const part of path.split('/')) {
    if (entry.kind !== 'group' || !entry.members.has(part)) throw new Error(`no ${path}`);
    entry = entry.members.get(part)!;
  }
  return entry;
}

function dataset(root: Hdf5Group, path: string): { shape: number[]; dtype: string; values: number[] } {
  const entry = at(root, path);
  if (entry.kind !== 'dataset') throw new Error(`${path} is a group`);
  return { shape: entry.shape, dtype: entry.dtype, values: Array.from(entry.values()) };
}

const contains = (bytes: Uint8Array, part: Uint8Array) => Buffer.from(bytes).indexOf(Buffer.from(part)) >= 0;

describe('writeHdf5', () => {
  it('writes nested groups and datasets that the reader reads back exactly', () => {
    const kernel = [1.5, -2, 3e-8, Infinity, -0, 6, NaN, -1e30, 0.1, 0.2, 0.3, 0.4];
    const root = readHdf5(
      writeHdf5(
        group([
          ['layers', group([['dense', group([['vars', group([['0', float32([3, 4], kernel)], ['1', float32([4], [1, 2, 3, 4])]])]])]])],
          ['optimizer', group([['vars', group([['0', { kind: 'dataset', shape: [], dtype: 'int64', values: BigInt64Array.of(-42n) }]])]])],
          ['scalar', float32([], [2.5])],
          ['empty', float32([0], [])],
          ['empty_int64', { kind: 'dataset', shape: [3, 0], dtype: 'int64', values: new BigInt64Array(0) }],
          ['int64', { kind: 'dataset', shape: [2, 2], dtype: 'int64', values: BigInt64Array.of(1n, -2n, 3n, 1n << 40n) }],
        ]),
      ),
    );
    expect(dataset(root, 'layers/dense/vars/0')).toEqual({ shape: [3, 4], dtype: 'float32', values: Array.from(Float32Array.from(kernel)) });
    expect(dataset(root, 'layers/dense/vars/1')).toEqual({ shape: [4], dtype: 'float32', values: [1, 2, 3, 4] });
    expect(dataset(root, 'optimizer/vars/0')).toEqual({ shape: [], dtype: 'int64', values: [-42] });
    expect(dataset(root, 'scalar')).toEqual({ shape: [], dtype: 'float32', values: [2.5] });
    expect(dataset(root, 'empty')).toEqual({ shape: [0], dtype: 'float32', values: [] });
    expect(dataset(root, 'empty_int64')).toEqual({ shape: [3, 0], dtype: 'int64', values: [] });
    expect(dataset(root, 'int64')).toEqual({ shape: [2, 2], dtype: 'int64', values: [1, -2, 3, 2 ** 40] });
  });

  it("lists a group's members in name order (a symbol table is sorted: HDF5 finds names by binary search), for 0, 1, 50 and 1000 members", () => {
    // 1000 members: 125 symbol table nodes under a B-tree of two levels.
    const sizes = [0, 1, 50, 1000];
    const root = readHdf5(writeHdf5(group(sizes.map((n) => [`g${n}`, numbered(n)]))));
    for (const n of sizes) {
      const members = (at(root, `g${n}`) as Hdf5Group).members;
      expect([...members.keys()]).toEqual(Array.from({ length: n }, (_, i) => String(i)).sort());
      members.forEach((member, name) => expect(Array.from((member as Hdf5Dataset).values())).toEqual([Number(name)]));
    }
    const unordered = readHdf5(writeHdf5(group([['b', numbered(1)], ['a_2', numbered(2)], ['A', numbered(0)], ['a.1', numbered(0)]])));
    expect([...unordered.members.keys()]).toEqual(['A', 'a.1', 'a_2', 'b']);
  });

  it("writes HDF5's earliest format, as h5py does: superblock version 0, 8-byte offsets, group K values 4 and 16, the file's end", () => {
    const bytes = writeHdf5(group([['x', float32([2], [1, 2])]]));
    const view = new DataView(bytes.buffer);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(Array.from(bytes.subarray(8, 16))).toEqual([0, 0, 0, 0, 0, 8, 8, 0]);
    expect([view.getUint16(16, true), view.getUint16(18, true)]).toEqual([4, 16]);
    expect(Number(view.getBigUint64(40, true))).toBe(bytes.length);
    expect(contains(bytes, new Uint8Array(Float32Array.of(1, 2).buffer))).toBe(true);
  });

  it('stores string attributes as variable-length UTF-8 strings in a global heap of at least 4096 bytes, which the reader passes over', () => {
    const plain = writeHdf5(group([['dense', group([])]]));
    expect(contains(plain, new TextEncoder().encode('GCOL'))).toBe(false);
    const bytes = writeHdf5(group([['dense', group([], [['note', 'héllo wörld'], ['empty', '']])]], [['keras_version', '3.5.0']]));
    expect(new TextDecoder().decode(bytes.subarray(96, 100))).toBe('GCOL');
    expect(Number(new DataView(bytes.buffer).getBigUint64(104, true))).toBe(4096);
    for (const text of ['héllo wörld', '3.5.0', 'keras_version']) expect(contains(bytes, new TextEncoder().encode(text))).toBe(true);
    expect([...(at(readHdf5(bytes), 'dense') as Hdf5Group).members.keys()]).toEqual([]);
    const long = writeHdf5(group([], [['long', 'x'.repeat(5000)]]));
    expect(Number(new DataView(long.buffer).getBigUint64(104, true))).toBe(16 + 16 + 5000);
  });

  it('refuses what it cannot write, naming the dataset or group', () => {
    expect(() => writeHdf5(group([['a/b', numbered(0)]]))).toThrow("HDF5 writer: names in '/' must be ASCII letters, digits, '_' and '.' (not '.' alone). Received: name='a/b'.");
    expect(() => writeHdf5(group([['g', group([['.', numbered(0)]])]]))).toThrow("names in '/g' must be");
    expect(() => writeHdf5(group([], [['bad name', 'x']]))).toThrow("Received: name='bad name'");
    expect(() => writeHdf5(group([['g', group([['w', float32([2, 2], [1, 2, 3])]])]]))).toThrow("HDF5 writer: dataset '/g/w' of shape [2, 2] needs 4 values. Received: 3.");
    expect(() => writeHdf5(group([['w', { kind: 'dataset', shape: [1], dtype: 'int64', values: Float32Array.of(1) }]]))).toThrow("HDF5 writer: dataset '/w' of dtype int64 needs its values in a BigInt64Array. Received: Float32Array.");
    expect(() => writeHdf5(group([['w', float32([-1], [])]]))).toThrow("HDF5 writer: dataset '/w' needs a shape of at most 32 non-negative integers. Received: shape=[-1].");
    const cycle = group([]);
    cycle.members.set('inner', group([['self', cycle]]));
    expect(() => writeHdf5(cycle)).toThrow("HDF5 writer: the group '/inner/self' contains itself.");
  });
});
