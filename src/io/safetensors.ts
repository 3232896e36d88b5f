// The safetensors format (https://huggingface.co/docs/safetensors): an 8-byte little-endian header
// length N, N bytes of JSON ({ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__":
// { key: string } }), then the raw little-endian tensor data, offsets relative to the end of the
// header. PyTorch and Hugging Face tools read what `encodeSafetensors` writes.
//
// `decodeSafetensors` treats its input as hostile: every size and offset is checked against the
// bytes actually present (and against a per-tensor byte limit, the device's buffer size) before
// anything is allocated, so a header that claims gigabytes costs nothing but an error.

/** The dtypes this library stores: float32 weights and int32 counters. */
export type SafetensorsDType = 'F32' | 'I32';

/** One named tensor, as read from or written to a safetensors file. */
export interface SafetensorsEntry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  data: Float32Array | Int32Array;
}

export interface DecodedSafetensors {
  /** The tensors in the order of their data in the file. */
  tensors: SafetensorsEntry[];
  /** The `__metadata__` strings (empty when the file has none). */
  metadata: Record<string, string>;
}

export interface DecodeOptions {
  /** Reject any tensor larger than this many bytes (e.g. the device's maxBufferSize). */
  maxTensorBytes?: number;
  /** What the file is called in error messages (default 'safetensors data'). */
  source?: string;
}

const BYTES_PER_ELEMENT: Record<SafetensorsDType, number> = { F32: 4, I32: 4 };
/** The reference implementation's limit on the JSON header. */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Writes tensors as a safetensors file. The header is padded with spaces to a multiple of 8
 * bytes, as the reference implementation does, so the data that follows is aligned.
 *
 * @example
 * const bytes = encodeSafetensors([{ name: 'dense/kernel', dtype: 'F32', shape: [2, 3], data: new Float32Array(6) }]);
 * // In Python: safetensors.torch.load(bytes) -> {'dense/kernel': tensor of shape (2, 3)}
 */
export function encodeSafetensors(tensors: readonly SafetensorsEntry[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    if (t.name === '__metadata__' || Object.hasOwn(header, t.name)) throw new Error(`encodeSafetensors: duplicate or reserved tensor name '${t.name}'.`);
    const expected = t.shape.reduce((n, d) => n * d, 1);
    if (t.data.length !== expected) throw new Error(`encodeSafetensors: tensor '${t.name}' has ${t.data.length} values for shape [${t.shape.join(',')}] (which holds ${expected}).`);
    const byteLength = t.data.length * BYTES_PER_ELEMENT[t.dtype];
    header[t.name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + byteLength] };
    offset += byteLength;
  }
  let json = JSON.stringify(header);
  const headerBytesUnpadded = new TextEncoder().encode(json).length;
  json += ' '.repeat((8 - (headerBytesUnpadded % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerBytes.length, true);
  view.setUint32(4, 0, true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const t of tensors) {
    writeLittleEndian(out, position, t);
    position += t.data.byteLength;
  }
  return out;
}

/**
 * Reads a safetensors file. Throws a descriptive error for anything malformed: a header length
 * beyond the file, invalid JSON, unsupported dtypes, shapes that are not lists of non-negative
 * integers, offsets outside the data, overlapping, unordered or gapped ranges, a byte size that
 * does not match shape x dtype, or a tensor above `maxTensorBytes`. Nothing is allocated for a
 * tensor until its claimed size has been checked against the bytes present.
 *
 * @example
 * const { tensors, metadata } = decodeSafetensors(bytes, { maxTensorBytes: 256 * 2 ** 20 });
 * for (const t of tensors) console.log(t.name, t.shape);
 */
export function decodeSafetensors(bytes: Uint8Array, options: DecodeOptions = {}): DecodedSafetensors {
  const source = options.source ?? 'safetensors data';
  const fail = (what: string): never => {
    throw new Error(`Invalid ${source}: ${what}`);
  };
  if (!(bytes instanceof Uint8Array)) fail(`expected bytes (a Uint8Array), got ${bytes === null ? 'null' : typeof bytes}.`);
  if (bytes.length < 8) fail(`the file is ${bytes.length} bytes long; it must start with an 8-byte header length (truncated file?).`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const headerLength = high * 2 ** 32 + low;
  if (high !== 0 || headerLength > MAX_HEADER_BYTES) fail(`the header claims ${headerLength} bytes, more than the ${MAX_HEADER_BYTES} bytes allowed.`);
  if (headerLength > bytes.length - 8) fail(`the header claims ${headerLength} bytes but only ${bytes.length - 8} follow the length field (truncated file?).`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (e) {
    fail(`the header is not valid UTF-8 JSON (${(e as Error).message}).`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('the header must be a JSON object mapping tensor names to { dtype, shape, data_offsets }.');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;

  const metadata: Record<string, string> = {};
  const specs: Array<{ name: string; dtype: SafetensorsDType; shape: number[]; begin: number; end: number }> = [];
  for (const [name, spec] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) fail('__metadata__ must be an object of strings.');
      for (const [k, v] of Object.entries(spec as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__.${k} must be a string, got ${typeof v}.`);
        metadata[k] = v as string;
      }
      continue;
    }
    if (spec === null || typeof spec !== 'object') fail(`tensor '${name}' must be described by { dtype, shape, data_offsets }.`);
    const { dtype, shape, data_offsets: offsets } = spec as Record<string, unknown>;
    if (dtype !== 'F32' && dtype !== 'I32') fail(`tensor '${name}' has dtype ${JSON.stringify(dtype)}; supported dtypes are 'F32' and 'I32'.`);
    if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) fail(`tensor '${name}' has shape ${JSON.stringify(shape)}; expected a list of non-negative integers.`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((o) => !Number.isSafeInteger(o) || o < 0)) {
      fail(`tensor '${name}' has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with non-negative integers.`);
    }
    const [begin, end] = offsets as [number, number];
    if (end < begin) fail(`tensor '${name}' has data_offsets [${begin}, ${end}]: end comes before begin.`);
    // Computed in floating point: a product beyond 2^53 cannot match a range inside the file anyway.
    const claimed = (shape as number[]).reduce((n, d) => n * d, 1) * BYTES_PER_ELEMENT[dtype as SafetensorsDType];
    if (options.maxTensorBytes !== undefined && claimed > options.maxTensorBytes) {
      fail(`tensor '${name}' of shape [${(shape as number[]).join(',')}] needs ${claimed} bytes, more than the ${options.maxTensorBytes} bytes the device allows for one buffer.`);
    }
    if (end > dataLength) fail(`tensor '${name}' has data_offsets [${begin}, ${end}] beyond the ${dataLength} bytes of data in the file (truncated file?).`);
    if (claimed !== end - begin) fail(`tensor '${name}' of dtype ${dtype} and shape [${(shape as number[]).join(',')}] needs ${claimed} bytes, but its data_offsets [${begin}, ${end}] cover ${end - begin}.`);
    specs.push({ name, dtype: dtype as SafetensorsDType, shape: [...(shape as number[])], begin, end });
  }
  specs.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const s of specs) {
    if (s.begin < covered) fail(`tensor '${s.name}' (bytes ${s.begin}..${s.end}) overlaps the tensor before it (which ends at ${covered}).`);
    if (s.begin > covered) fail(`the data has a gap at bytes ${covered}..${s.begin} before tensor '${s.name}'; safetensors data must be fully indexed.`);
    covered = s.end;
  }
  if (covered !== dataLength) fail(`the header describes ${covered} bytes of data but the file holds ${dataLength} after the header.`);

  const tensors = specs.map(({ name, dtype, shape, begin, end }) => ({ name, dtype, shape, data: readLittleEndian(bytes, dataStart + begin, end - begin, dtype) }));
  return { tensors, metadata };
}

function writeLittleEndian(out: Uint8Array, position: number, t: SafetensorsEntry): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), position);
    return;
  }
  const view = new DataView(out.buffer, position, t.data.byteLength);
  t.data.forEach((v, i) => (t.dtype === 'F32' ? view.setFloat32(i * 4, v, true) : view.setInt32(i * 4, v, true)));
}

/** Copies the bytes out (their offset in the file need not be 4-aligned). */
function readLittleEndian(bytes: Uint8Array, start: number, byteLength: number, dtype: SafetensorsDType): Float32Array | Int32Array {
  const count = byteLength / 4;
  if (LITTLE_ENDIAN) {
    const copy = bytes.slice(start, start + byteLength);
    return dtype === 'F32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, byteLength);
  const out = dtype === 'F32' ? new Float32Array(count) : new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = dtype === 'F32' ? view.getFloat32(i * 4, true) : view.getInt32(i * 4, true);
  return out;
}
