// loadKerasModel (src/io/keras_model.ts) with an InputLayer of dtype int64, as Keras models of
// token ids declare them (keras.Input(shape=(None,), dtype="int64")): the input is int32 here,
// the integer dtype of this library, not float32.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadKerasModel } from '../../src/node';
import { readZipEntry, zipEntries } from '../../src/io/zip';
import { writeZip } from '../../src/io/zip_writer';

const archive = new Uint8Array(readFileSync('test/fixtures/keras/keras_written/masked.keras'));

describe('loadKerasModel int64 inputs', () => {
  it('loads an int64 InputLayer as an int32 input', async () => {
    const config = JSON.parse(new TextDecoder().decode(await readZipEntry(archive, 'config.json')));
    const tokens = config.config.layers.find((layer: { name: string }) => layer.name === 'tokens');
    expect(tokens.config.dtype).toBe('int32');
    tokens.config.dtype = 'int64';
    const entries = await Promise.all(zipEntries(archive).map(async (name) => ({ name, data: name === 'config.json' ? new TextEncoder().encode(JSON.stringify(config)) : await readZipEntry(archive, name) })));
    const model = await loadKerasModel(writeZip(entries), { compile: false });
    expect(model.inputs.map((input) => [input.name, input.dtype])).toEqual([['tokens', 'int32'], ['features', 'float32'], ['image', 'float32']]);
  });
});
