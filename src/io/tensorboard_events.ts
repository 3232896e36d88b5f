// TensorBoard's event files, written without TensorFlow: each record is an `Event` protocol
// buffer (tensorflow/core/util/event.proto) framed as a TFRecord (its length as a little-endian
// uint64, the masked CRC-32C of those 8 bytes, the bytes, their masked CRC-32C). The first event
// names the file version; the others carry summaries in TensorFlow 2's form, which `tf.summary`
// writes and TensorBoard reads: a scalar is a float tensor of shape [] tagged for the scalars
// plugin, a histogram a float64 tensor of [left edge, right edge, count] rows for the histograms
// plugin. Only encoding lives here: where the bytes go is the caller's business.

const FILE_VERSION = 'brain.Event:2';
const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const DATA_CLASS_SCALAR = 1;
const DATA_CLASS_TENSOR = 2;

/** The events of one run directory (`logs/train`), as the bytes of its event file. */
export class EventFileWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  constructor(wallTime = Date.now() / 1000) {
    this.append(event(wallTime, 0, [field(3, utf8(FILE_VERSION))]));
  }

  /** A scalar summary (tf.summary.scalar) at `step`. */
  scalar(tag: string, value: number, step: number, wallTime = Date.now() / 1000): void {
    const tensor = [varintField(1, DT_FLOAT), field(2, new Uint8Array(0)), field(5, float32s([value]))];
    this.summary(tag, 'scalars', DATA_CLASS_SCALAR, tensor, step, wallTime);
  }

  /**
   * A histogram summary (tf.summary.histogram) of `values` at `step`, in `bucketCount` buckets of
   * equal width between the least and the greatest value.
   */
  histogram(tag: string, values: ArrayLike<number>, step: number, bucketCount = 30, wallTime = Date.now() / 1000): void {
    const rows = histogramBuckets(values, bucketCount);
    const shape = concat([field(2, varintField(1, rows.length)), field(2, varintField(1, 3))]);
    const content = new Uint8Array(new Float64Array(rows.flat()).buffer);
    const tensor = [varintField(1, DT_DOUBLE), field(2, shape), field(4, content)];
    this.summary(tag, 'histograms', DATA_CLASS_TENSOR, tensor, step, wallTime);
  }

  /** The file's bytes so far. */
  bytes(): Uint8Array {
    return concat(this.chunks, this.length);
  }

  private summary(tag: string, plugin: string, dataClass: number, tensor: Uint8Array[], step: number, wallTime: number): void {
    const metadata = concat([field(1, field(1, utf8(plugin))), varintField(4, dataClass)]);
    const value = concat([field(1, utf8(tag)), field(9, metadata), field(8, concat(tensor))]);
    this.append(event(wallTime, step, [field(5, field(1, value))]));
  }

  private append(record: Uint8Array): void {
    const framed = tfRecord(record);
    this.chunks.push(framed);
    this.length += framed.length;
  }
}

/**
 * [left edge, right edge, count] for each of `bucketCount` buckets, as TensorBoard's histogram
 * summary computes them: equal widths from the least to the greatest value, each value in the
 * bucket its offset falls in (the greatest in the last). All values equal: every bucket spans
 * that value alone and the last one counts them all. No values: zeros.
 */
export function histogramBuckets(values: ArrayLike<number>, bucketCount: number): Array<[number, number, number]> {
  const n = values.length;
  if (n === 0) return Array.from({ length: bucketCount }, () => [0, 0, 0]);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  if (max === min) return Array.from({ length: bucketCount }, (_, i) => [min, min, i === bucketCount - 1 ? n : 0]);
  const width = (max - min) / bucketCount;
  const counts = new Array<number>(bucketCount).fill(0);
  for (let i = 0; i < n; i++) counts[Math.min(Math.floor((values[i] - min) / width), bucketCount - 1)]++;
  const edge = (i: number) => min + ((max - min) * i) / bucketCount;
  return counts.map((count, i) => [edge(i), edge(i + 1), count]);
}

/** An Event: wall_time (1, double), step (2, int64), then its content fields. */
function event(wallTime: number, step: number, content: Uint8Array[]): Uint8Array {
  const time = new Uint8Array(9);
  time[0] = (1 << 3) | 1;
  new DataView(time.buffer).setFloat64(1, wallTime, true);
  return concat([time, varintField(2, step), ...content]);
}

/** A TFRecord: length, masked CRC-32C of the length, data, masked CRC-32C of the data. */
function tfRecord(data: Uint8Array): Uint8Array {
  const header = new Uint8Array(12);
  const view = new DataView(header.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(header.subarray(0, 8)), true);
  const footer = new Uint8Array(4);
  new DataView(footer.buffer).setUint32(0, maskedCrc32c(data), true);
  return concat([header, data, footer]);
}

/** TFRecord's masked CRC: the CRC rotated right by 15 bits, plus a constant (mod 2^32). */
export function maskedCrc32c(data: Uint8Array): number {
  const crc = crc32c(data);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

let crcTable: Uint32Array | null = null;

/** CRC-32C (Castagnoli, reflected polynomial 0x82f63b78), as TFRecord frames use. */
export function crc32c(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      crcTable[i] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A length-delimited field (wire type 2): tag, length, bytes. */
function field(fieldNumber: number, bytes: Uint8Array): Uint8Array {
  return concat([varint((fieldNumber << 3) | 2), varint(bytes.length), bytes]);
}

/** A varint field (wire type 0). */
function varintField(fieldNumber: number, value: number): Uint8Array {
  return concat([varint(fieldNumber << 3), varint(value)]);
}

/** A non-negative integer (below 2^53) as a protobuf varint. */
function varint(value: number): Uint8Array {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Uint8Array.from(bytes);
}

/** Packed float32 values. */
function float32s(values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function concat(parts: Uint8Array[], length = parts.reduce((sum, p) => sum + p.length, 0)): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
