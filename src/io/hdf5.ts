// A reader for the part of HDF5 that Keras 3's weight files use (`model.weights.h5`, written by
// h5py with its default, earliest file format): superblock versions 0 and 1; object headers of
// version 1, and of version 2 (which h5py writes for groups that track creation order), with
// their continuation blocks; groups as symbol tables (version 1 B-trees over local heaps) or as
// compact link messages; datasets stored contiguously or compactly, of little-endian integers or
// IEEE floats. Anything else (chunked or compressed datasets, dense link storage, newer
// superblocks) is refused with an error that names it. Every offset is checked against the file
// before it is read, so a truncated or hostile file fails with an error.

/** A dataset: its shape, its element type, and its values as read from the file. */
export interface Hdf5Dataset {
  readonly kind: 'dataset';
  readonly shape: number[];
  /** 'float16' | 'float32' | 'float64' | 'int8' ... 'uint64'. */
  readonly dtype: string;
  /** The values as float32 (integers and float64 converted; exact for the integers Keras stores). */
  values(): Float32Array;
}

/** A group: its members by name. */
export interface Hdf5Group {
  readonly kind: 'group';
  readonly members: Map<string, Hdf5Group | Hdf5Dataset>;
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const UNDEFINED = -1;
/** Elements of a dataset that was never written (no address) beyond which it is refused rather than made of zeros. */
const MAX_UNWRITTEN = 1 << 24;
/** Deeper groups than this are refused (a cycle of links would otherwise recurse forever). */
const MAX_DEPTH = 64;

/** Whether the bytes start with HDF5's signature. */
export function isHdf5(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

/** The root group of an HDF5 file in memory. */
export function readHdf5(bytes: Uint8Array): Hdf5Group {
  if (!isHdf5(bytes)) throw new Error('HDF5: the data does not start with the HDF5 signature (\\x89HDF\\r\\n\\x1a\\n).');
  const file = new Hdf5File(bytes);
  return file.group(file.rootHeader, 0);
}

class Hdf5File {
  private readonly view: DataView;
  private offsetSize = 8;
  private lengthSize = 8;
  private base = 0;
  private readonly objects = new Map<number, Hdf5Group | Hdf5Dataset>();
  private readonly reading = new Set<number>();
  readonly rootHeader: number;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const version = this.u8(8);
    if (version > 1) throw new Error(`HDF5: superblock version ${version} is not supported (versions 0 and 1 are: h5py's default, earliest file format, which Keras uses).`);
    this.offsetSize = this.u8(13);
    this.lengthSize = this.u8(14);
    if (![2, 4, 8].includes(this.offsetSize) || ![2, 4, 8].includes(this.lengthSize)) {
      throw new Error(`HDF5: offsets of ${this.offsetSize} bytes and lengths of ${this.lengthSize} are not supported.`);
    }
    let at = version === 0 ? 24 : 28;
    this.base = this.offset(at);
    at += 4 * this.offsetSize;
    // The root group's symbol table entry: link name offset, then the object header's address.
    this.rootHeader = this.offset(at + this.offsetSize);
  }

  /** The group whose object header is at `address`. */
  group(address: number, depth: number): Hdf5Group {
    if (depth > MAX_DEPTH) throw new Error(`HDF5: groups nested deeper than ${MAX_DEPTH} levels (a cycle of links?).`);
    const members = new Map<string, Hdf5Group | Hdf5Dataset>();
    const messages = this.messages(address);
    const symbolTable = messages.find((m) => m.type === 0x11);
    const links = messages.filter((m) => m.type === 0x06);
    if (symbolTable) {
      const btree = this.offset(symbolTable.at);
      const heap = this.offset(symbolTable.at + this.offsetSize);
      for (const [name, header] of this.symbolTableEntries(btree, this.heapData(heap))) members.set(name, this.object(header, depth + 1));
    } else if (messages.some((m) => m.type === 0x02) && links.length === 0 && this.linkInfoIsDense(messages.find((m) => m.type === 0x02)!.at)) {
      throw new Error('HDF5: a group with dense link storage (a fractal heap) is not supported.');
    }
    for (const link of links) {
      const [name, header] = this.link(link.at);
      members.set(name, this.object(header, depth + 1));
    }
    return { kind: 'group', members };
  }

  /** A group or dataset, by what its object header holds; read once however many links lead to it. */
  private object(address: number, depth: number): Hdf5Group | Hdf5Dataset {
    const known = this.objects.get(address);
    if (known) return known;
    if (this.reading.has(address)) throw new Error(`HDF5: a group at ${address} contains itself.`);
    this.reading.add(address);
    const messages = this.messages(address);
    const object = messages.some((m) => m.type === 0x08) ? this.dataset(messages) : this.group(address, depth);
    this.reading.delete(address);
    this.objects.set(address, object);
    return object;
  }

  private dataset(messages: Message[]): Hdf5Dataset {
    const need = (type: number, what: string) => {
      const message = messages.find((m) => m.type === type);
      if (!message) throw new Error(`HDF5: a dataset without its ${what} message.`);
      return message.at;
    };
    const shape = this.dataspace(need(0x01, 'dataspace'));
    const { dtype, size, read } = this.datatype(need(0x03, 'datatype'));
    const count = shape.reduce((a, b) => a * b, 1);
    const layoutAt = need(0x08, 'layout');
    return {
      kind: 'dataset',
      shape,
      dtype,
      // Where the values are is read when they are: a file can hold datasets this reader refuses
      // (chunked ones) beside those asked for.
      values: () => {
        const { address, bytes } = this.layout(layoutAt);
        if (address !== UNDEFINED && bytes < count * size) throw new Error(`HDF5: a dataset of shape [${shape.join(',')}] (${dtype}) holds ${bytes} bytes, fewer than its ${count * size}.`);
        if (address === UNDEFINED && count > MAX_UNWRITTEN) throw new Error(`HDF5: a dataset of shape [${shape.join(',')}] was never written (its values would all be the fill value).`);
        if (address !== UNDEFINED) this.check(address, count * size);
        const out = new Float32Array(count);
        if (address === UNDEFINED) return out;
        for (let i = 0; i < count; i++) out[i] = read(this.view, address + i * size);
        return out;
      },
    };
  }

  /** Messages of an object header (its continuation blocks included). */
  private messages(address: number): Message[] {
    this.check(address, 16);
    if (this.ascii(address, 4) === 'OHDR') return this.messagesV2(address);
    const version = this.u8(address);
    if (version !== 1) throw new Error(`HDF5: object header version ${version} at ${address} is not supported.`);
    const count = this.view.getUint16(address + 2, true);
    const blocks: Array<[number, number]> = [[address + 16, this.view.getUint32(address + 8, true)]];
    const messages: Message[] = [];
    for (let b = 0; b < blocks.length && messages.length < count; b++) {
      const [start, length] = blocks[b];
      this.check(start, length);
      for (let at = start; at + 8 <= start + length && messages.length < count; ) {
        const type = this.view.getUint16(at, true);
        const size = this.view.getUint16(at + 2, true);
        this.check(at + 8, size);
        if (type === 0x10) blocks.push([this.offset(at + 8), this.length(at + 8 + this.offsetSize)]);
        messages.push({ type, at: at + 8, size });
        at += 8 + size;
      }
      if (blocks.length > 1024) throw new Error('HDF5: an object header with more than 1024 continuation blocks.');
    }
    return messages;
  }

  /** Messages of a version 2 object header ('OHDR', as h5py writes for groups that track creation order). */
  private messagesV2(address: number): Message[] {
    const flags = this.u8(address + 5);
    let at = address + 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
    const sizeBytes = 1 << (flags & 0x03);
    const chunkSize = sizeBytes === 8 ? this.length(at) : sizeBytes === 4 ? this.view.getUint32(at, true) : sizeBytes === 2 ? this.view.getUint16(at, true) : this.u8(at);
    at += sizeBytes;
    const prefix = 4 + (flags & 0x04 ? 2 : 0);
    // Each chunk: messages, then a 4-byte checksum; continuation chunks begin with 'OCHK'.
    const chunks: Array<[number, number]> = [[at, chunkSize]];
    const messages: Message[] = [];
    for (let c = 0; c < chunks.length; c++) {
      const [start, length] = chunks[c];
      this.check(start, length);
      for (let p = start; p + prefix <= start + length - 4; ) {
        const type = this.u8(p);
        const size = this.view.getUint16(p + 1, true);
        this.check(p + prefix, size);
        if (type === 0x10) {
          const block = this.offset(p + prefix);
          if (this.ascii(block, 4) !== 'OCHK') throw new Error(`HDF5: no continuation chunk at ${block}.`);
          chunks.push([block + 4, this.length(p + prefix + this.offsetSize) - 4]);
        }
        messages.push({ type, at: p + prefix, size });
        p += prefix + size;
      }
      if (chunks.length > 1024) throw new Error('HDF5: an object header with more than 1024 continuation chunks.');
    }
    return messages;
  }

  private dataspace(at: number): number[] {
    const version = this.u8(at);
    const rank = this.u8(at + 1);
    if (version === 2 && this.u8(at + 3) === 2) throw new Error('HDF5: a dataset with a null dataspace.');
    const first = version === 1 ? at + 8 : at + 4;
    return Array.from({ length: rank }, (_, i) => this.length(first + i * this.lengthSize));
  }

  private datatype(at: number): { dtype: string; size: number; read: (view: DataView, at: number) => number } {
    const classAndVersion = this.u8(at);
    const typeClass = classAndVersion & 0x0f;
    const bits = this.u8(at + 1);
    const size = this.view.getUint32(at + 4, true);
    if ((bits & 1) !== 0) throw new Error('HDF5: big-endian data is not supported.');
    if (typeClass === 1) {
      if (size === 4) return { dtype: 'float32', size, read: (v, i) => v.getFloat32(i, true) };
      if (size === 8) return { dtype: 'float64', size, read: (v, i) => v.getFloat64(i, true) };
      if (size === 2) return { dtype: 'float16', size, read: (v, i) => halfToFloat(v.getUint16(i, true)) };
    }
    if (typeClass === 0) {
      const signed = (bits & 0x08) !== 0;
      const dtype = `${signed ? 'int' : 'uint'}${size * 8}`;
      if (size === 1) return { dtype, size, read: signed ? (v, i) => v.getInt8(i) : (v, i) => v.getUint8(i) };
      if (size === 2) return { dtype, size, read: signed ? (v, i) => v.getInt16(i, true) : (v, i) => v.getUint16(i, true) };
      if (size === 4) return { dtype, size, read: signed ? (v, i) => v.getInt32(i, true) : (v, i) => v.getUint32(i, true) };
      if (size === 8) return { dtype, size, read: signed ? (v, i) => Number(v.getBigInt64(i, true)) : (v, i) => Number(v.getBigUint64(i, true)) };
    }
    throw new Error(`HDF5: datatype class ${typeClass} of ${size} bytes is not supported (little-endian integers and IEEE floats are).`);
  }

  /** Where a dataset's bytes are: contiguous (an address) or compact (inside the header). */
  private layout(at: number): { address: number; bytes: number } {
    const version = this.u8(at);
    if (version !== 3) throw new Error(`HDF5: data layout message version ${version} is not supported (version 3 is).`);
    const layoutClass = this.u8(at + 1);
    if (layoutClass === 0) return { address: at + 4, bytes: this.view.getUint16(at + 2, true) };
    if (layoutClass === 1) return { address: this.offset(at + 2), bytes: this.length(at + 2 + this.offsetSize) };
    throw new Error(`HDF5: ${layoutClass === 2 ? 'chunked (or compressed)' : `layout class ${layoutClass}`} datasets are not supported (contiguous and compact ones are: h5py's default for create_dataset, which Keras uses).`);
  }

  /** The data segment of a local heap, where a symbol table's names are. */
  private heapData(address: number): number {
    this.check(address, 8 + 2 * this.lengthSize + this.offsetSize);
    if (this.ascii(address, 4) !== 'HEAP') throw new Error(`HDF5: no local heap at ${address}.`);
    return this.offset(address + 8 + 2 * this.lengthSize);
  }

  /** [name, object header address] of every entry under a group's version 1 B-tree. */
  private symbolTableEntries(btree: number, heapData: number): Array<[string, number]> {
    const entries: Array<[string, number]> = [];
    const pending = [btree];
    const seen = new Set<number>();
    while (pending.length > 0) {
      const node = pending.pop()!;
      if (seen.has(node)) throw new Error('HDF5: a B-tree that points back to its own nodes.');
      seen.add(node);
      this.check(node, 8);
      const signature = this.ascii(node, 4);
      if (signature === 'SNOD') {
        const symbols = this.view.getUint16(node + 6, true);
        const entrySize = 2 * this.offsetSize + 24;
        this.check(node + 8, symbols * entrySize);
        for (let s = 0; s < symbols; s++) {
          const entry = node + 8 + s * entrySize;
          entries.push([this.string(heapData + this.offset(entry)), this.offset(entry + this.offsetSize)]);
        }
        continue;
      }
      if (signature !== 'TREE') throw new Error(`HDF5: no B-tree node or symbol table node at ${node}.`);
      if (this.u8(node + 4) !== 0) throw new Error('HDF5: a group B-tree of another node type.');
      const used = this.view.getUint16(node + 6, true);
      const first = node + 8 + 2 * this.offsetSize;
      const stride = this.lengthSize + this.offsetSize;
      this.check(first, used * stride + this.lengthSize);
      // Children in reverse, so that entries come out in the tree's (name) order.
      for (let c = used - 1; c >= 0; c--) pending.push(this.offset(first + c * stride + this.lengthSize));
    }
    return entries;
  }

  /** A compact link message: [name, object header address] of a hard link. */
  private link(at: number): [string, number] {
    const flags = this.u8(at + 1);
    let p = at + 2;
    const type = flags & 0x08 ? this.u8(p++) : 0;
    if (flags & 0x04) p += 8;
    if (flags & 0x10) p += 1;
    const lengthBytes = 1 << (flags & 0x03);
    const nameLength = lengthBytes === 8 ? this.length(p) : lengthBytes === 4 ? this.view.getUint32(p, true) : lengthBytes === 2 ? this.view.getUint16(p, true) : this.u8(p);
    p += lengthBytes;
    this.check(p, nameLength);
    const name = new TextDecoder().decode(this.bytes.subarray(p, p + nameLength));
    if (type !== 0) throw new Error(`HDF5: link '${name}' is a ${type === 1 ? 'soft' : 'external'} link; only hard links are supported.`);
    return [name, this.offset(p + nameLength)];
  }

  private linkInfoIsDense(at: number): boolean {
    const flags = this.u8(at + 1);
    const heap = this.offset(at + 2 + (flags & 0x01 ? 8 : 0));
    return heap !== UNDEFINED;
  }

  private offset(at: number): number {
    const value = this.unsigned(at, this.offsetSize);
    return value === UNDEFINED ? UNDEFINED : value + this.base;
  }

  private length(at: number): number {
    return this.unsigned(at, this.lengthSize);
  }

  /** A little-endian unsigned integer of 2, 4 or 8 bytes; UNDEFINED where every bit is set. */
  private unsigned(at: number, size: number): number {
    this.check(at, size);
    if (size === 2) return this.view.getUint16(at, true) === 0xffff ? UNDEFINED : this.view.getUint16(at, true);
    if (size === 4) return this.view.getUint32(at, true) === 0xffffffff ? UNDEFINED : this.view.getUint32(at, true);
    const value = this.view.getBigUint64(at, true);
    if (value === 0xffffffffffffffffn) return UNDEFINED;
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`HDF5: an offset or length of ${value} is out of range.`);
    return Number(value);
  }

  private u8(at: number): number {
    this.check(at, 1);
    return this.bytes[at];
  }

  private ascii(at: number, length: number): string {
    this.check(at, length);
    return String.fromCharCode(...this.bytes.subarray(at, at + length));
  }

  /** A null-terminated UTF-8 string. */
  private string(at: number): string {
    this.check(at, 1);
    const end = this.bytes.indexOf(0, at);
    if (end < 0) throw new Error(`HDF5: a name at ${at} runs past the end of the file.`);
    return new TextDecoder().decode(this.bytes.subarray(at, end));
  }

  private check(at: number, length: number): void {
    if (at < 0 || !Number.isInteger(at) || length < 0 || at + length > this.bytes.length) {
      throw new Error(`HDF5: the file is truncated or damaged (${length} bytes at offset ${at} of ${this.bytes.length}).`);
    }
  }
}

interface Message {
  type: number;
  /** Where its data begins. */
  at: number;
  size: number;
}

/** An IEEE half-precision value from its bits. */
function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
