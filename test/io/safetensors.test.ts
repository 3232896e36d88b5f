// The safetensors codec: exact round trips of F32 and I32 data, the layout other tools expect
// (8-byte little-endian header length, padded JSON header, contiguous data), and rejection of
// malformed or hostile files with a clear error and without allocating what they claim.

import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, type SafetensorsEntry } from '../../src/io/safetensors';

const sample: SafetensorsEntry[] = [
  { name: 'dense/kernel', dtype: 'F32', shape: [2, 3], data: Float32Array.of(1.5, -2, 3e-8, Infinity, -0, 6) },
  { name: 'dense/bias', dtype: 'F32', shape: [3], data: Float32Array.of(0.1, 0.2, 0.3) },
  { name: 'optimizer/iterations', dtype: 'I32', shape: [], data: Int32Array.of(42) },
  { name: 'empty', dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
];

/** A file from a header object and a data length, for hand-made hostile inputs. */
function handMade(header: unknown, dataBytes: number, headerLengthOverride?: bigint): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, headerLengthOverride ?? BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

describe('safetensors', () => {
  it('round-trips F32 and I32 tensors bit for bit, with metadata', () => {
    const bytes = encodeSafetensors(sample, { generated_by: 'test' });
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ generated_by: 'test' });
    expect(tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual(sample.map((t) => [t.name, t.dtype, t.shape]));
    tensors.forEach((t, i) => {
      expect(t.data.constructor).toBe(sample[i].data.constructor);
      expect(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)).toEqual(new Uint8Array(sample[i].data.buffer));
    });
  });

  it('writes the layout of the reference implementation', () => {
    const bytes = encodeSafetensors([sample[0]]);
    const view = new DataView(bytes.buffer);
    const headerLength = Number(view.getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    expect(header).toEqual({ 'dense/kernel': { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] } });
    expect(bytes.length).toBe(8 + headerLength + 24);
    expect(view.getFloat32(8 + headerLength, true)).toBe(1.5);
  });

  it('reads data at offsets that are not 4-aligned', () => {
    const file = handMade({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, 8);
    const headerLength = file.length - 16;
    expect(headerLength % 4).not.toBe(0);
    new DataView(file.buffer).setFloat32(8 + headerLength, 2.5, true);
    expect(Array.from(decodeSafetensors(file).tensors[0].data)).toEqual([2.5, 0]);
  });

  const hostile: Array<[string, () => Uint8Array, RegExp]> = [
    ['a file shorter than the length field', () => new Uint8Array(5), /5 bytes long; it must start with an 8-byte header length/],
    ['a header length beyond the file', () => handMade({}, 0, 1000n), /header claims 1000 bytes but only 2 follow/],
    ['a header length of 2^60', () => handMade({}, 0, 2n ** 60n), /more than the 104857600 bytes allowed/],
    ['a header that is not JSON', () => Object.assign(handMade({}, 0), { 9: 0x7b }), /not valid UTF-8 JSON/],
    ['a header that is a list', () => handMade([1, 2], 0), /must be a JSON object/],
    ['an unsupported dtype', () => handMade({ a: { dtype: 'F16', shape: [1], data_offsets: [0, 2] } }, 2), /dtype "F16"; supported dtypes are 'F32' and 'I32'/],
    ['a negative dimension', () => handMade({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, 4), /shape \[-1\]; expected a list of non-negative integers/],
    ['offsets beyond the data', () => handMade({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, 8), /beyond the 8 bytes of data in the file/],
    ['end before begin', () => handMade({ a: { dtype: 'F32', shape: [0], data_offsets: [8, 4] } }, 8), /end comes before begin/],
    ['a size that does not match the shape', () => handMade({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8), /needs 12 bytes, but its data_offsets \[0, 8\] cover 8/],
    ['overlapping ranges', () => handMade({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, 12), /overlaps the tensor before it/],
    ['a gap in the data', () => handMade({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8), /gap at bytes 0..4/],
    ['trailing bytes', () => handMade({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 12), /describes 4 bytes of data but the file holds 12/],
    ['a huge shape with offsets in range', () => handMade({ a: { dtype: 'F32', shape: [65536, 65536, 65536], data_offsets: [0, 4] } }, 4), /needs 1125899906842624 bytes, but its data_offsets \[0, 4\] cover 4/],
    ['non-string metadata', () => handMade({ __metadata__: { a: 1 } }, 0), /__metadata__.a must be a string/],
  ];
  for (const [what, make, message] of hostile) {
    it(`rejects ${what}`, () => {
      expect(() => decodeSafetensors(make())).toThrow(message);
    });
  }

  it('rejects a tensor above the device limit before allocating it', () => {
    const file = handMade({ a: { dtype: 'F32', shape: [1024, 1024, 1024], data_offsets: [0, 4 * 1024 ** 3] } }, 0);
    expect(() => decodeSafetensors(file, { maxTensorBytes: 256 * 2 ** 20, source: 'weights file' })).toThrow(
      "Invalid weights file: tensor 'a' of shape [1024,1024,1024] needs 4294967296 bytes, more than the 268435456 bytes the device allows for one buffer.",
    );
  });

  it('rejects truncation anywhere in a real file', () => {
    const bytes = encodeSafetensors(sample);
    for (const cut of [1, 7, 8, 20, bytes.length - 1]) expect(() => decodeSafetensors(bytes.subarray(0, cut))).toThrow(/Invalid safetensors data/);
  });

  it('refuses duplicate names and data that does not fill the shape when encoding', () => {
    expect(() => encodeSafetensors([sample[1], sample[1]])).toThrow("duplicate or reserved tensor name 'dense/bias'");
    expect(() => encodeSafetensors([{ name: 'x', dtype: 'F32', shape: [2, 2], data: new Float32Array(3) }])).toThrow('has 3 values for shape [2,2]');
  });
});
