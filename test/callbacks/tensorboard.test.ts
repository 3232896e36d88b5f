// TensorBoard's event files, read back by a decoder written here from the formats' specifications
// (TFRecord framing with masked CRC-32C, protocol buffer wire format, TensorFlow's Event, Summary
// and TensorProto field numbers): the CRC against RFC 3720's check values, the runs and tags Keras
// writes, values equal to fit's history, batch logs every `updateFreq` batches, histograms that
// count every weight between its least and greatest value.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Input, Sequential, TensorBoard, layers, optimizers, tensor } from '../../src/node';
import { crc32c } from '../../src/io/tensorboard_events';
import { useWebGPU } from '../helpers';
import { makeTempDir } from '../temp_dir';

useWebGPU();

/** CRC-32C bit by bit (no table), to check the writer's framing independently of its own CRC. */
function crc32cBitwise(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const masked = (crc: number) => ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;

/** The records of a TFRecord file, each frame's two CRCs checked. */
function records(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = Number(view.getBigUint64(at, true));
    expect(view.getUint32(at + 8, true)).toBe(masked(crc32cBitwise(bytes.subarray(at, at + 8))));
    const data = bytes.subarray(at + 12, at + 12 + length);
    expect(view.getUint32(at + 12 + length, true)).toBe(masked(crc32cBitwise(data)));
    out.push(data);
    at += 16 + length;
  }
  return out;
}

type Field = number | Uint8Array;

/** A protocol buffer message's fields by number (varints as numbers, fixed64 and length-delimited as bytes). */
function message(bytes: Uint8Array): Map<number, Field[]> {
  const fields = new Map<number, Field[]>();
  let at = 0;
  const varint = () => {
    let value = 0;
    for (let scale = 1; ; scale *= 128) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const [number, wire] = [Math.floor(key / 8), key % 8];
    let value: Field;
    if (wire === 0) value = varint();
    else if (wire === 1) value = bytes.subarray(at, (at += 8));
    else if (wire === 2) {
      const length = varint();
      value = bytes.subarray(at, (at += length));
    } else if (wire === 5) value = bytes.subarray(at, (at += 4));
    else throw new Error(`wire type ${wire}`);
    fields.set(number, [...(fields.get(number) ?? []), value]);
  }
  return fields;
}

const text = (field: Field | undefined) => new TextDecoder().decode(field as Uint8Array);
const bytesOf = (field: Field | undefined) => field as Uint8Array;

interface Summary {
  step: number;
  tag: string;
  plugin: string;
  /** A scalar's value, or a histogram's rows [left, right, count]. */
  value: number | number[][];
}

/** The file version and the summaries of an event file. */
function readEvents(bytes: Uint8Array): { version: string; summaries: Summary[] } {
  const [first, ...rest] = records(bytes).map(message);
  const summaries = rest.map((event) => {
    const step = event.get(2)![0] as number;
    const value = message(bytesOf(message(bytesOf(event.get(5)![0])).get(1)![0]));
    const plugin = text(message(bytesOf(message(bytesOf(value.get(9)![0])).get(1)![0])).get(1)![0]);
    const tensor = message(bytesOf(value.get(8)![0]));
    const dtype = tensor.get(1)![0] as number;
    if (dtype === 1) {
      const floats = bytesOf(tensor.get(5)![0]);
      return { step, tag: text(value.get(1)![0]), plugin, value: new DataView(floats.buffer, floats.byteOffset).getFloat32(0, true) };
    }
    expect(dtype).toBe(2);
    const dims = (message(bytesOf(tensor.get(2)![0])).get(2) ?? []).map((dim) => message(bytesOf(dim)).get(1)![0] as number);
    const content = bytesOf(tensor.get(4)![0]);
    const doubles = Array.from({ length: content.length / 8 }, (_, i) => new DataView(content.buffer, content.byteOffset).getFloat64(i * 8, true));
    return { step, tag: text(value.get(1)![0]), plugin, value: Array.from({ length: dims[0] }, (_, i) => doubles.slice(i * dims[1], (i + 1) * dims[1])) };
  });
  return { version: text(first.get(3)![0]), summaries };
}

function classifier() {
  const model = new Sequential({ layers: [Input({ shape: [3] }) as never, new layers.Dense({ units: 2, activation: 'softmax', name: 'probs' })] });
  model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.05 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  const x = tensor(Array.from({ length: 30 }, (_, i) => Math.sin(i)), [10, 3]);
  const y = tensor(Array.from({ length: 20 }, (_, i) => (i % 2 === Math.floor(i / 2) % 2 ? 1 : 0)), [10, 2]);
  return { model, x, y };
}

describe('TensorBoard', () => {
  it('computes CRC-32C as RFC 3720 gives it', () => {
    const check = (bytes: number[], crc: number) => expect(crc32c(Uint8Array.from(bytes))).toBe(crc);
    check([...new TextEncoder().encode('123456789')], 0xe3069283);
    check(new Array(32).fill(0), 0x8a9136aa);
    check(new Array(32).fill(0xff), 0x62a8ab43);
    check(Array.from({ length: 32 }, (_, i) => i), 0x46dd794e);
  });

  it("writes Keras's runs and tags: epoch logs, the learning rate, validation, batch logs every updateFreq batches, evaluations, histograms", async () => {
    const { model, x, y } = classifier();
    const logDir = join(makeTempDir('tensorboard-'), 'run');
    const board = new TensorBoard({ logDir, histogramFreq: 1, updateFreq: 2 });
    const history = (await model.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0, shuffle: false, validationSplit: 0.2, callbacks: [board] })).history as Record<string, number[]>;

    const [trainFile] = readdirSync(join(logDir, 'train'));
    const [validationFile] = readdirSync(join(logDir, 'validation'));
    expect(trainFile).toMatch(/^events\.out\.tfevents\.\d+\..+\.v2$/);
    const trainBytes = new Uint8Array(readFileSync(join(logDir, 'train', trainFile)));
    expect(board.files.get(join(logDir, 'train', trainFile))).toEqual(trainBytes);
    const train = readEvents(trainBytes);
    const validation = readEvents(new Uint8Array(readFileSync(join(logDir, 'validation', validationFile))));
    expect(train.version).toBe('brain.Event:2');
    expect(validation.version).toBe('brain.Event:2');

    const scalars = (summaries: Summary[], tag: string) => summaries.filter((s) => s.tag === tag).map((s) => [s.step, s.value]);
    const f32 = (v: number) => Math.fround(v);
    for (const name of ['loss', 'accuracy']) {
      expect(scalars(train.summaries, `epoch_${name}`)).toEqual(history[name].map((v, epoch) => [epoch, f32(v)]));
      expect(scalars(validation.summaries, `epoch_${name}`)).toEqual(history[`val_${name}`].map((v, epoch) => [epoch, f32(v)]));
    }
    expect(scalars(train.summaries, 'epoch_learning_rate')).toEqual([[0, f32(0.05)], [1, f32(0.05)]]);
    // 8 training samples in batches of 2: 4 batches an epoch, global batches 1-8, every second one logged.
    expect(scalars(train.summaries, 'batch_loss').map(([step]) => step)).toEqual([2, 4, 6, 8]);
    // Each epoch's validation, at the optimizer's step count (4 and 8 updates).
    expect(scalars(validation.summaries, 'evaluation_loss_vs_iterations')).toEqual(history.val_loss.map((v, epoch) => [4 * (epoch + 1), f32(v)]));
    expect(train.summaries.filter((s) => s.tag.startsWith('epoch_')).every((s) => s.plugin === 'scalars')).toBe(true);

    const kernel = Array.from(await model.getLayer('probs').weights[0].data());
    const histograms = train.summaries.filter((s) => s.tag === 'probs/kernel/histogram');
    expect(histograms.map((h) => h.step)).toEqual([0, 1]);
    expect(histograms[1].plugin).toBe('histograms');
    const rows = histograms[1].value as number[][];
    expect(rows).toHaveLength(30);
    expect(rows.reduce((sum, row) => sum + row[2], 0)).toBe(kernel.length);
    expect(rows[0][0]).toBe(Math.min(...kernel));
    expect(rows[29][1]).toBe(Math.max(...kernel));
  });

  it('refuses options it cannot honour, with what it received', () => {
    expect(() => new TensorBoard({ updateFreq: 0 })).toThrow(/updateFreq must be 'epoch', 'batch' or a positive integer. Received: updateFreq=0/);
    expect(() => new TensorBoard({ histogramFreq: -1 })).toThrow(/histogramFreq must be an integer >= 0/);
    expect(() => new TensorBoard({ writeImages: true })).toThrow(/writeImages is not supported/);
    expect(() => new TensorBoard({ profileBatch: 3 })).toThrow(/profiling is not supported here. Received: profileBatch=3/);
    expect(() => new TensorBoard({ logdir: 'x' } as never)).toThrow(/logdir/);
  });
});
